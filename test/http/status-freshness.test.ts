/**
 * Status-list freshness across nodes (issue 11): a revocation made on one node is seen by the
 * verifier of another node on the same database once the list's `ttl` has passed since that node
 * read it (Bitstring Status List §2.2), never later; and outside verifiers get the same bound through
 * Cache-Control max-age and a strong ETag. Time is an injected clock, not a wait.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { buildApp } from '../../src/http/app.ts';
import { openRuntime, type Runtime } from '../../src/runtime.ts';
import { createTestApp, TEST_PUBLIC_URL, type TestApp } from '../support/app.ts';
import { DIALECTS, warnIfPostgresSkipped } from '../support/db.ts';
import { issuingOrganisation } from './credentials-fixture.ts';

warnIfPostgresSkipped();

const TTL_SECONDS = 60;

/** A second node: its own runtime, engine and caches over the first one's database and data folder. */
async function openSecondNode(first: TestApp, now: () => Date): Promise<{ app: FastifyInstance; runtime: Runtime; close(): Promise<void> }> {
  const config = loadConfig({
    MICROCRED_DATA: first.database.dataDir,
    PUBLIC_URL: TEST_PUBLIC_URL,
    LOG_LEVEL: 'silent',
    JOB_WORKERS: '0',
    STATUS_LIST_TTL: String(TTL_SECONDS),
    ...(first.database.databaseUrl ? { DATABASE_URL: first.database.databaseUrl } : {}),
  });
  const runtime = await openRuntime(config, { now, fetcher: () => Promise.reject(new Error('tests do not reach the network')) });
  const app = await buildApp({ runtime, logger: false, webRoot: '/nonexistent' });
  return { app, runtime, async close() { await app.close(); await runtime.close(); } };
}

for (const dialect of DIALECTS) {
  describe(`a revocation on node A reaches node B's verifier within the list's ttl (${dialect}, one database)`, () => {
    let clock = Date.parse('2026-03-01T09:00:00Z');
    const now = () => new Date(clock);
    let a: TestApp;
    let b: Awaited<ReturnType<typeof openSecondNode>>;

    beforeAll(async () => {
      a = await createTestApp(dialect, { now, env: { STATUS_LIST_TTL: String(TTL_SECONDS) } });
      b = await openSecondNode(a, now);
    });
    afterAll(async () => {
      await b?.close();
      await a?.close();
    });

    it('B keeps its copy for the ttl at most: stale just before, revoked at the ttl; the HTTP answer says the same', async () => {
      const org = await issuingOrganisation(a);
      const issued = await org.owner.request('POST', `/api/v1/organisations/${org.organisationId}/credentials`, { achievementId: org.achievementId, recipient: { email: 'ana@learner.test' } });
      expect(issued.statusCode).toBe(201);
      const { id, document } = issued.json() as { id: string; document: unknown };
      const credential = typeof document === 'string' ? JSON.parse(document) : document;
      // One entry by default (an object), a list where suspension is enabled.
      const revocationUrl = [credential.credentialStatus as { statusPurpose: string; statusListCredential: string } | { statusPurpose: string; statusListCredential: string }[]].flat()
        .find((entry) => entry.statusPurpose === 'revocation')!.statusListCredential;
      const listPath = new URL(revocationUrl).pathname;

      const statusOnB = async () => {
        const response = await b.app.inject({ method: 'POST', url: '/credentials/verify', payload: { verifiableCredential: credential } });
        return (response.json().checks as { check: string; outcome: string }[]).find((c) => c.check === 'status')?.outcome;
      };

      // The list as published carries the ttl, and its HTTP answer the same bound.
      const before = await b.app.inject(listPath);
      expect(before.statusCode).toBe(200);
      expect(JSON.parse(before.body).credentialSubject.ttl).toBe(TTL_SECONDS * 1000);
      expect(before.headers['cache-control']).toBe(`public, max-age=${TTL_SECONDS}, must-revalidate`);
      const etag = before.headers.etag as string;
      expect(etag).toMatch(/^"[A-Za-z0-9_-]+"$/); // strong: no W/
      const unchanged = await b.app.inject({ url: listPath, headers: { 'if-none-match': etag } });
      expect(unchanged.statusCode).toBe(304);
      expect(unchanged.body).toBe('');
      expect(unchanged.headers.etag).toBe(etag);

      const readAt = clock;
      expect(await statusOnB()).toBe('passed'); // B now holds the list, read at `readAt`

      clock = readAt + 10_000;
      expect((await org.owner.request('POST', `/api/v1/credentials/${id}/revoke`, { reason: 'awarded in error' })).statusCode).toBe(200);
      // A sees its own change at once; B still holds its copy (this is the staleness the ttl allows).
      const onA = await a.app.inject({ method: 'POST', url: '/credentials/verify', payload: { verifiableCredential: credential } });
      expect((onA.json().checks as { check: string; outcome: string }[]).find((c) => c.check === 'status')?.outcome).toBe('failed');
      expect(await statusOnB()).toBe('passed');
      clock = readAt + TTL_SECONDS * 1000 - 1;
      expect(await statusOnB()).toBe('passed');

      // At the ttl B reads the list again and sees the revocation: never served stale beyond it.
      clock = readAt + TTL_SECONDS * 1000;
      expect(await statusOnB()).toBe('failed');
      clock += 1;
      expect(await statusOnB()).toBe('failed');

      // Outside verifiers: the old ETag no longer matches on either node; the new list has the bit set.
      for (const node of [a.app, b.app]) {
        const after = await node.inject({ url: listPath, headers: { 'if-none-match': etag } });
        expect(after.statusCode).toBe(200);
        expect(after.headers.etag).not.toBe(etag);
        expect(after.headers['cache-control']).toBe(`public, max-age=${TTL_SECONDS}, must-revalidate`);
        const again = await node.inject({ url: listPath, headers: { 'if-none-match': after.headers.etag as string } });
        expect(again.statusCode).toBe(304);
      }
    });

    it('the OpenAPI document says how the list may be cached', async () => {
      const operation = (await a.app.inject('/docs/json')).json().paths['/status/{listId}'].get;
      expect(operation.description).toMatch(/ttl.*Cache-Control.*ETag.*If-None-Match.*304/s);
      expect(operation.parameters.map((p: { name: string; in: string }) => `${p.in}:${p.name}`)).toContain('header:if-none-match');
    });
  });
}
