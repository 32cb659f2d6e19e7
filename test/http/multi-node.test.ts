/**
 * Several stateless nodes on one PostgreSQL (DESIGN.md): two complete app instances — each with
 * its own connection pool, caches and engine — over the same schema, working at the same moment.
 */
import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { buildApp } from '../../src/http/app.ts';
import { openRuntime, type Runtime } from '../../src/runtime.ts';
import type { Actor } from '../../src/services/access.ts';
import type { StatusAllocation } from '../../src/services/status/index.ts';
import { CONTEXTS } from '../../src/vc/contexts/index.ts';
import { decodeStatusList } from '../../src/vc/status/bitstring.ts';
import { bearer, createOrganisation, createTestApp, TEST_PUBLIC_URL, type TestApp } from '../support/app.ts';

const POSTGRES = process.env.TEST_DATABASE_URL;
if (!POSTGRES) {
  console.warn('multi-node tests SKIPPED: they need PostgreSQL; set TEST_DATABASE_URL (e.g. postgres://postgres@127.0.0.1:5432/test)');
}

interface Node {
  app: FastifyInstance;
  runtime: Runtime;
}

/** A second node: its own runtime and app over the first one's database and data folder (same master key). */
async function openSecondNode(first: TestApp): Promise<Node & { close(): Promise<void> }> {
  const config = loadConfig({
    MICROCRED_DATA: first.database.dataDir,
    PUBLIC_URL: TEST_PUBLIC_URL,
    LOG_LEVEL: 'silent',
    JOB_WORKERS: '0',
    DATABASE_URL: first.database.databaseUrl!,
  });
  const runtime = await openRuntime(config, { fetcher: () => Promise.reject(new Error('tests do not reach the network')) });
  const app = await buildApp({ runtime, logger: false, webRoot: '/nonexistent' });
  return { app, runtime, async close() { await app.close(); await runtime.close(); } };
}

describe.skipIf(!POSTGRES)('two app instances on one PostgreSQL', () => {
  let a: TestApp;
  let b: Awaited<ReturnType<typeof openSecondNode>>;
  let org: Awaited<ReturnType<typeof createOrganisation>>;
  const system: Actor = { kind: 'system' };

  beforeAll(async () => {
    a = await createTestApp('postgres');
    b = await openSecondNode(a);
    org = await createOrganisation(a, 'Open University', 'owner@open.test');
  });
  afterAll(async () => {
    await b?.close();
    await a?.close();
  });

  const allocateOn = (node: Node, issuerId: string, count: number) =>
    node.runtime.ctx.db.transaction().execute((trx) => node.runtime.services.status.allocate(trx, issuerId, count, { suspension: true }) as Promise<Required<StatusAllocation>[]>);

  /**
   * A transaction that allocates in steps and stays open between them (as issuance does while it
   * signs), so that its positions are held, uncommitted, while the other node draws its own.
   */
  const allocateSlowly = (node: Node, issuerId: string, steps: number, count: number) =>
    node.runtime.ctx.db.transaction().execute(async (trx) => {
      const out: Required<StatusAllocation>[] = [];
      for (let step = 0; step < steps; step++) {
        out.push(...(await node.runtime.services.status.allocate(trx, issuerId, count, { suspension: true }) as Required<StatusAllocation>[]));
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      return out;
    });

  it('allocating at the same time on both nodes never gives one position twice, and opens one list per purpose', async () => {
    // A new issuer: both nodes also race to open its first lists.
    const issuer = await a.runtime.services.issuers.create(system, org.organisationId, { name: 'Faculty of Science' });
    const work: Promise<Required<StatusAllocation>[]>[] = [];
    for (let i = 0; i < 6; i++) {
      work.push(allocateSlowly(a, issuer.id, 4, 75), allocateSlowly(b, issuer.id, 4, 75));
    }
    for (let i = 0; i < 40; i++) work.push(allocateOn(i % 2 ? a : b, issuer.id, 1));
    const all = (await Promise.all(work)).flat();
    expect(all).toHaveLength(2 * 6 * 300 + 40);
    for (const purpose of ['revocation', 'suspension'] as const) {
      const keys = all.map((allocation) => `${allocation[purpose].listId}/${allocation[purpose].index}`);
      expect(new Set(keys).size).toBe(keys.length);
      expect(new Set(all.map((allocation) => allocation[purpose].listId)).size).toBe(1);
    }
    const lists = await a.runtime.ctx.db.selectFrom('status_lists').select(['id', 'purpose']).where('issuer_id', '=', issuer.id).execute();
    expect(lists.map((list) => list.purpose).sort()).toEqual(['revocation', 'suspension']);
    const stored = await a.runtime.ctx.db.selectFrom('status_allocations').select((eb) => eb.fn.countAll<number>().as('n'))
      .where('list_id', 'in', lists.map((list) => list.id)).executeTakeFirstOrThrow();
    expect(Number(stored.n)).toBe(2 * all.length);
  });

  it('status changes made on both nodes at once are all in the published list, the same on either node', async () => {
    const allocations = await allocateOn(a, org.issuerId, 16);
    const ids: string[] = [];
    for (const allocation of allocations) {
      const id = randomUUID();
      ids.push(id);
      await a.runtime.ctx.db.insertInto('credentials').values({
        id, organisation_id: org.organisationId, issuer_id: org.issuerId, achievement_id: null, achievement_version: null,
        credential_url: `urn:uuid:${id}`, recipient_email: null, recipient_did: null, recipient_name: null, format: 'ldp', document: '{}',
        issued_at: new Date().toISOString(), valid_from: null, valid_until: null, status: 'active', status_reason: null, status_changed_at: null,
        revocation_list_id: allocation.revocation.listId, revocation_index: allocation.revocation.index,
        suspension_list_id: allocation.suspension.listId, suspension_index: allocation.suspension.index,
        renewed_from: null, claim_token_hash: null, claimed_at: null, bulk_job_id: null, dedupe_key: null, created_by: null,
      }).execute();
    }
    await Promise.all(ids.map((id, i) => (i % 2 ? a : b).runtime.services.status.change(system, id, i % 4 < 2 ? 'revoke' : 'suspend')));

    for (const purpose of ['revocation', 'suspension'] as const) {
      const listId = allocations[0]![purpose].listId;
      const fromA = await a.app.inject(`/status/${listId}`);
      const fromB = await b.app.inject(`/status/${listId}`);
      expect(fromA.headers.etag).toBe(fromB.headers.etag);
      const decoded = decodeStatusList({ encodedList: fromB.json().credentialSubject.encodedList });
      if (!decoded.ok) throw decoded.error;
      allocations.forEach((allocation, i) => {
        const expected = purpose === 'revocation' ? i % 4 < 2 : i % 4 >= 2;
        expect(decoded.list.get(allocation[purpose].index)).toBe(expected ? 1 : 0);
      });
    }
  });

  it('a credential issued through one node verifies on the other, and a revocation on one is seen by the other', async () => {
    const issued = await a.app.inject({
      method: 'POST', url: '/credentials/issue', headers: bearer(org.apiKey),
      payload: { credential: { '@context': [CONTEXTS.CREDENTIALS_V2], type: ['VerifiableCredential'], credentialSubject: { id: 'did:example:ana', name: 'Ana' } }, options: { credentialStatus: { type: 'BitstringStatusListEntry' } } },
    });
    expect(issued.statusCode).toBe(201);
    const credential = issued.json().verifiableCredential;
    const onB = await b.app.inject({ method: 'POST', url: '/credentials/verify', payload: { verifiableCredential: credential } });
    expect(onB.statusCode).toBe(200);
    const revoked = await b.app.inject({
      method: 'POST', url: '/credentials/status', headers: bearer(org.apiKey),
      payload: { credentialId: credential.id, credentialStatus: { type: 'BitstringStatusListEntry', statusPurpose: 'revocation' }, status: true },
    });
    expect(revoked.statusCode).toBe(200);
    const onA = await a.app.inject({ method: 'POST', url: '/credentials/verify', payload: { verifiableCredential: credential } });
    expect(onA.statusCode).toBe(400);
    expect(onA.json().errors.map((e: { title: string }) => e.title)).toContain('status');
  });
});
