import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as vc from '@digitalbazaar/vc';
import { DataIntegrityProof } from '@digitalbazaar/data-integrity';
import { cryptosuite as eddsaRdfc2022Cryptosuite } from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import type { Actor } from '../../src/services/access.ts';
import { FILL_LIMIT, LIST_SIZE, statusListId, type StatusAllocation } from '../../src/services/status/index.ts';
import { CONTEXTS } from '../../src/vc/contexts/index.ts';
import { decodeStatusList } from '../../src/vc/status/bitstring.ts';
import type { DocumentLoader, JsonObject } from '../../src/vc/types.ts';
import { createOrganisation, createTestApp, login, setUpOrganisation, TEST_PUBLIC_URL, type SetUpOrganisation, type TestApp, inviteMember } from '../support/app.ts';
import { DIALECTS, warnIfPostgresSkipped } from '../support/db.ts';
import { appDocumentLoader } from '../support/app-document-loader.ts';

warnIfPostgresSkipped();

// The reference status library ships no types: the one function used here is described below.
const REFERENCE_STATUS = '@digitalbazaar/vc-bitstring-status-list';
const { checkStatus } = (await import(REFERENCE_STATUS)) as {
  checkStatus(options: { credential: JsonObject; documentLoader: DocumentLoader; suite: unknown; verifyBitstringStatusListCredential?: boolean; verifyMatchingIssuers?: boolean }): Promise<{ verified: boolean; results?: { verified: boolean; status: boolean; credentialStatus: JsonObject }[]; error?: Error }>;
};

/** The reference's document loader, reading this app's DID documents and status lists through app.inject. */

for (const dialect of DIALECTS) {
  describe(`status lists: allocation, revoke / suspend / reinstate, publication (${dialect})`, () => {
    let t: TestApp;
    let org: SetUpOrganisation;
    let owner: Actor;
    // The engine keeps a fetched status list for five minutes: tests move this clock past that.
    // It starts in the past so that what it signs is never "not yet valid" for the reference library.
    let clock = Date.now() - 3 * 3_600_000;
    const later = () => { clock += 6 * 60_000; };

    beforeAll(async () => {
      t = await createTestApp(dialect, { now: () => new Date(clock) });
      org = await setUpOrganisation(t.app);
      owner = { kind: 'user', userId: org.owner.userId };
    });
    afterAll(async () => {
      await t?.close();
    });

    const allocate = (issuerId: string, count: number) =>
      t.runtime.ctx.db.transaction().execute((trx) => t.runtime.services.status.allocate(trx, issuerId, count, { suspension: true }) as Promise<Required<StatusAllocation>[]>);

    /** A credential signed by the organisation's issuer with the given status entries, stored as issued. */
    async function storeCredential(allocation: StatusAllocation, organisationId = org.organisationId, issuerId = org.issuerId): Promise<{ id: string; document: JsonObject }> {
      const { issuer, signer } = await t.runtime.services.issuers.signing(issuerId);
      const id = randomUUID();
      const credential: JsonObject = {
        '@context': [CONTEXTS.CREDENTIALS_V2],
        id: `urn:uuid:${id}`,
        type: ['VerifiableCredential'],
        issuer: issuer.did,
        validFrom: new Date(clock - 60_000).toISOString().replace(/\.\d{3}Z$/, 'Z'),
        credentialSubject: { id: 'did:example:learner', name: 'Ana' },
        credentialStatus: t.runtime.services.status.entries(allocation),
      };
      const document = (await t.runtime.ctx.engine.sign({ credential, signer })) as JsonObject;
      await t.runtime.ctx.db.insertInto('credentials').values({
        id, organisation_id: organisationId, issuer_id: issuerId, achievement_id: null, achievement_version: null,
        credential_url: credential.id as string, recipient_email: null, recipient_did: 'did:example:learner', recipient_name: null,
        format: 'ldp', document: JSON.stringify(document), issued_at: new Date(clock).toISOString(), valid_from: null, valid_until: null,
        status: 'active', status_reason: null, status_changed_at: null,
        revocation_list_id: allocation.revocation.listId, revocation_index: allocation.revocation.index,
        suspension_list_id: allocation.suspension?.listId ?? null, suspension_index: allocation.suspension?.index ?? null,
        renewed_from: null, claim_token_hash: null, claimed_at: null, bulk_job_id: null, dedupe_key: null, created_by: null,
      }).execute();
      return { id, document };
    }

    const verify = (credential: JsonObject) => t.runtime.ctx.engine.verify({ credential });
    const statusCheck = async (credential: JsonObject) => (await verify(credential)).checks.find((c) => c.check === 'status')!;

    it('allocates thousands of positions without repeating one, spread at random over the list', async () => {
      const batches = await Promise.all([allocate(org.issuerId, 1500), allocate(org.issuerId, 1500), ...Array.from({ length: 10 }, () => allocate(org.issuerId, 1))]);
      const all = batches.flat();
      expect(all).toHaveLength(3010);
      for (const purpose of ['revocation', 'suspension'] as const) {
        const slots = all.map((a) => a[purpose]);
        expect(new Set(slots.map((s) => s.listId))).toEqual(new Set([statusListId(org.issuerId, purpose, 1)]));
        const indices = slots.map((s) => s.index);
        expect(new Set(indices).size).toBe(indices.length);
        expect(Math.min(...indices)).toBeGreaterThanOrEqual(0);
        expect(Math.max(...indices)).toBeLessThan(LIST_SIZE);
        // Random, not in issuance order: consecutive allocations are rarely neighbours, and the
        // positions cover the whole list (each eighth of it gets some).
        const neighbours = indices.slice(1).filter((index, i) => Math.abs(index - indices[i]!) === 1).length;
        expect(neighbours).toBeLessThan(indices.length * 0.01);
        const eighths = new Set(indices.map((index) => Math.floor((index / LIST_SIZE) * 8)));
        expect(eighths.size).toBe(8);
        expect(slots[0]!.listUrl).toBe(`${TEST_PUBLIC_URL}/status/${slots[0]!.listId}`);
      }
      // The revocation and suspension positions of one credential are drawn independently.
      expect(all.filter((a) => a.revocation.index === a.suspension.index).length).toBeLessThan(5);
      const lists = await t.runtime.ctx.db.selectFrom('status_lists').select(['purpose', 'size']).where('issuer_id', '=', org.issuerId).execute();
      expect(lists.map((l) => l.purpose).sort()).toEqual(['revocation', 'suspension']);
      expect(lists.every((l) => l.size === LIST_SIZE)).toBe(true);
      const stored = await t.runtime.ctx.db.selectFrom('status_allocations').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
      expect(Number(stored.n)).toBe(2 * 3010);
    });

    it('a rolled-back issuance frees its positions', async () => {
      const before = await t.runtime.ctx.db.selectFrom('status_allocations').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
      await expect(t.runtime.ctx.db.transaction().execute(async (trx) => {
        await t.runtime.services.status.allocate(trx, org.issuerId, 50, { suspension: true });
        throw new Error('signing failed');
      })).rejects.toThrow('signing failed');
      const after = await t.runtime.ctx.db.selectFrom('status_allocations').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
      expect(Number(after.n)).toBe(Number(before.n));
      expect(await allocate(org.issuerId, 0)).toEqual([]);
    });

    it(`opens the next list once one is ${FILL_LIMIT * 100} % full`, async () => {
      const issuer = await t.runtime.services.issuers.create({ kind: 'system' }, org.organisationId, { name: 'Second faculty' });
      const [first] = await allocate(issuer.id, 1);
      const listId = first!.revocation.listId;
      expect(listId).toBe(statusListId(issuer.id, 'revocation', 1));
      // Fill the list past the limit directly (as if 120,000 credentials had been issued).
      const fill = Math.ceil(LIST_SIZE * FILL_LIMIT) + 100;
      if (dialect === 'postgres') {
        await sql`insert into status_allocations (list_id, idx) select ${listId}, g from generate_series(0, ${fill}) g on conflict do nothing`.execute(t.runtime.ctx.db);
      } else {
        await sql`with recursive n(i) as (select 0 union all select i + 1 from n where i < ${fill}) insert or ignore into status_allocations (list_id, idx) select ${listId}, i from n`.execute(t.runtime.ctx.db);
      }
      const next = await allocate(issuer.id, 20);
      expect(new Set(next.map((a) => a.revocation.listId))).toEqual(new Set([statusListId(issuer.id, 'revocation', 2)]));
      // The suspension list was not full, so it stays the first one.
      expect(new Set(next.map((a) => a.suspension.listId))).toEqual(new Set([statusListId(issuer.id, 'suspension', 1)]));
      const lists = await t.runtime.ctx.db.selectFrom('status_lists').select('id').where('issuer_id', '=', issuer.id).where('purpose', '=', 'revocation').execute();
      expect(lists).toHaveLength(2);
    });

    it('a revoked credential fails verification; revocation is final', async () => {
      const [allocation] = await allocate(org.issuerId, 1);
      const { id, document } = await storeCredential(allocation!);
      const before = await verify(document);
      expect(before.verified).toBe(true);
      expect(before.checks.find((c) => c.check === 'status')!.outcome).toBe('passed');

      await t.runtime.services.status.change(owner, id, 'revoke', 'assessment fraud');
      later();
      const after = await statusCheck(document);
      expect(after.outcome).toBe('failed');
      expect(after.message).toContain('revoked');
      expect((await verify(document)).verified).toBe(false);

      const row = await t.runtime.ctx.db.selectFrom('credentials').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
      expect(row.status).toBe('revoked');
      expect(row.status_reason).toBe('assessment fraud');
      expect(row.status_changed_at).toBe(new Date(clock - 6 * 60_000).toISOString());
      for (const action of ['revoke', 'suspend', 'reinstate'] as const) {
        await expect(t.runtime.services.status.change(owner, id, action)).rejects.toMatchObject({ status: 409 });
      }
      const audit = await t.runtime.ctx.db.selectFrom('audit_log').selectAll().where('target_id', '=', id).execute();
      expect(audit.map((a) => a.action)).toEqual(['credential.revoke']);
      expect(JSON.parse(audit[0]!.details!)).toMatchObject({ from: 'active', to: 'revoked', reason: 'assessment fraud' });
    });

    it('suspend, then reinstate: verification fails, then passes again', async () => {
      const [allocation] = await allocate(org.issuerId, 1);
      const { id, document } = await storeCredential(allocation!);
      await expect(t.runtime.services.status.change(owner, id, 'reinstate')).rejects.toMatchObject({ status: 409 });
      await t.runtime.services.status.change(owner, id, 'suspend', 'under review');
      later();
      const suspended = await statusCheck(document);
      expect(suspended.outcome).toBe('failed');
      expect(suspended.message).toContain('suspended');
      await expect(t.runtime.services.status.change(owner, id, 'suspend')).rejects.toMatchObject({ status: 409 });
      await t.runtime.services.status.change(owner, id, 'reinstate');
      later();
      expect((await verify(document)).verified).toBe(true);
      // Revoking a suspended credential clears its suspension bit and sets the revocation bit.
      await t.runtime.services.status.change(owner, id, 'suspend');
      await t.runtime.services.status.change(owner, id, 'revoke');
      later();
      expect((await statusCheck(document)).message).toContain('revoked');
      const bit = async (listId: string, index: number) => {
        const decoded = decodeStatusList({ encodedList: (await t.app.inject(`/status/${listId}`)).json().credentialSubject.encodedList });
        return decoded.ok ? decoded.list.get(index) : undefined;
      };
      expect(await bit(allocation!.revocation.listId, allocation!.revocation.index)).toBe(1);
      expect(await bit(allocation!.suspension.listId, allocation!.suspension.index)).toBe(0);
    });

    it('only members who may change status can: strangers get 404, weak roles and scopes 403', async () => {
      const [allocation] = await allocate(org.issuerId, 1);
      const { id } = await storeCredential(allocation!);
      await inviteMember(t.app, org.owner, org.organisationId, { email: 'viewer@uni.test', role: 'viewer', password: 'viewer-password-1' });
      const viewer = await login(t.app, 'viewer@uni.test', 'viewer-password-1');
      await expect(t.runtime.services.status.change({ kind: 'user', userId: viewer.userId }, id, 'revoke')).rejects.toMatchObject({ status: 403 });
      const other = await createOrganisation(t, 'Other College', 'owner@other.test');
      await expect(t.runtime.services.status.change({ kind: 'user', userId: other.owner.userId }, id, 'revoke')).rejects.toMatchObject({ status: 404 });
      await expect(t.runtime.services.status.change({ kind: 'api-key', keyId: 'k', organisationId: other.organisationId, scopes: ['status'] }, id, 'revoke')).rejects.toMatchObject({ status: 404 });
      await expect(t.runtime.services.status.change({ kind: 'api-key', keyId: 'k', organisationId: org.organisationId, scopes: ['issue', 'read'] }, id, 'revoke')).rejects.toMatchObject({ status: 403 });
      await expect(t.runtime.services.status.change({ kind: 'anonymous' }, id, 'revoke')).rejects.toMatchObject({ status: 401 });
      await expect(t.runtime.services.status.change(owner, randomUUID(), 'revoke')).rejects.toMatchObject({ status: 404 });
      await expect(t.runtime.services.status.change(owner, id, 'revoke', 'x'.repeat(501))).rejects.toMatchObject({ status: 422 });
      await t.runtime.services.status.change({ kind: 'api-key', keyId: 'k', organisationId: org.organisationId, scopes: ['status'] }, id, 'suspend');
      const row = await t.runtime.ctx.db.selectFrom('credentials').select('status').where('id', '=', id).executeTakeFirstOrThrow();
      expect(row.status).toBe('suspended');
    });

    it('concurrent changes to one list lose none: every revoked position is set in the signed list', async () => {
      const allocations = await allocate(org.issuerId, 12);
      const stored = [];
      for (const allocation of allocations) stored.push(await storeCredential(allocation));
      await Promise.all(stored.map(({ id }) => t.runtime.services.status.change(owner, id, 'revoke')));
      const listId = allocations[0]!.revocation.listId;
      const published = await t.app.inject(`/status/${listId}`);
      const list = decodeStatusList({ encodedList: published.json().credentialSubject.encodedList });
      if (!list.ok) throw list.error;
      for (const allocation of allocations) expect(list.list.get(allocation.revocation.index)).toBe(1);
      const revoked = await t.runtime.ctx.db.selectFrom('credentials').select('revocation_index').where('revocation_list_id', '=', listId).where('status', '=', 'revoked').execute();
      let set = 0;
      for (let i = 0; i < list.list.length; i++) set += list.list.get(i);
      expect(set).toBe(revoked.length);
    });

    it('GET /status/:listId publishes the signed list with Cache-Control and ETag, 304 when unchanged', async () => {
      const [allocation] = await allocate(org.issuerId, 1);
      const { id } = await storeCredential(allocation!);
      const url = `/status/${allocation!.suspension.listId}`;
      const first = await t.app.inject(url);
      expect(first.statusCode).toBe(200);
      expect(first.headers['content-type']).toContain('application/vc+ld+json');
      expect(first.headers['cache-control']).toMatch(/public, max-age=(\d+)/);
      const maxAge = Number(/max-age=(\d+)/.exec(String(first.headers['cache-control']))![1]);
      expect(maxAge).toBeGreaterThanOrEqual(60);
      expect(maxAge).toBeLessThanOrEqual(300);
      const etag = String(first.headers.etag);
      expect(etag).toMatch(/^".+"$/);
      const body = first.json();
      expect(body).toMatchObject({
        id: `${TEST_PUBLIC_URL}${url}`,
        type: ['VerifiableCredential', 'BitstringStatusListCredential'],
        issuer: org.issuerDid,
        credentialSubject: { type: 'BitstringStatusList', statusPurpose: 'suspension' },
        proof: { type: 'DataIntegrityProof', cryptosuite: 'eddsa-rdfc-2022', proofPurpose: 'assertionMethod' },
      });

      const again = await t.app.inject({ url, headers: { 'if-none-match': etag } });
      expect(again.statusCode).toBe(304);
      expect(again.body).toBe('');
      expect(again.headers.etag).toBe(etag);
      expect((await t.app.inject({ url, headers: { 'if-none-match': `"other", W/${etag}` } })).statusCode).toBe(304);
      expect((await t.app.inject({ url, headers: { 'if-none-match': '"other"' } })).statusCode).toBe(200);

      await t.runtime.services.status.change(owner, id, 'suspend');
      const changed = await t.app.inject({ url, headers: { 'if-none-match': etag } });
      expect(changed.statusCode).toBe(200);
      expect(changed.headers.etag).not.toBe(etag);
      const bits = decodeStatusList({ encodedList: changed.json().credentialSubject.encodedList });
      expect(bits.ok && bits.list.get(allocation!.suspension.index)).toBe(1);

      expect((await t.app.inject(`/status/${randomUUID()}`)).statusCode).toBe(404);
      const bad = await t.app.inject('/status/not-a-list');
      expect(bad.statusCode).toBe(400);
      expect(bad.headers['content-type']).toContain('application/problem+json');
    });

    it('the published lists verify with the reference library, and it reads revocation from them', async () => {
      const [allocation, other] = await allocate(org.issuerId, 2);
      const revoked = await storeCredential(allocation!);
      const active = await storeCredential(other!);
      await t.runtime.services.status.change(owner, revoked.id, 'revoke', 'withdrawn');
      const documentLoader = appDocumentLoader(t);
      const suite = new DataIntegrityProof({ cryptosuite: eddsaRdfc2022Cryptosuite });
      const list = (await t.app.inject(`/status/${allocation!.revocation.listId}`)).json();
      const listResult = await vc.verifyCredential({ credential: list, suite, documentLoader });
      expect(listResult.error).toBeUndefined();
      expect(listResult.verified).toBe(true);

      const statuses = async (credential: JsonObject) => {
        const result = await checkStatus({ credential, documentLoader, suite, verifyBitstringStatusListCredential: true, verifyMatchingIssuers: true });
        expect(result.error).toBeUndefined();
        expect(result.verified).toBe(true);
        return result.results!.map((r) => [r.credentialStatus.statusPurpose, r.status]);
      };
      expect(await statuses(revoked.document)).toEqual([['revocation', true], ['suspension', false]]);
      expect(await statuses(active.document)).toEqual([['revocation', false], ['suspension', false]]);
    });
  });
}
