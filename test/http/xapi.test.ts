/**
 * xAPI statements over real HTTP from an independent client (@xapi/xapi, as an LRS forwarder or a
 * learning app would send them) and from plain fetch for PUT and hostile bodies: the version header
 * required and echoed, Basic auth with an organisation API key, 200 with ids for POST, 204 for PUT,
 * 409 for an id re-used with other content; a statement that meets a rule issues the credential exactly
 * once per learner; unmatched statements are kept only for the audit window, then purged by a job.
 */
import type { AddressInfo } from 'node:net';
import xapiPackage from '@xapi/xapi';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRuntimeJobRunner } from '../../src/app-jobs.ts';
import type { JobRunner } from '../../src/queue/index.ts';
import { scheduleXapiPurge } from '../../src/services/xapi/index.ts';
import { createOrganisation, createTestApp, type TestApp } from '../support/app.ts';
import { DIALECTS, warnIfPostgresSkipped } from '../support/db.ts';
import { issuingOrganisation } from './credentials-fixture.ts';

warnIfPostgresSkipped();

// A CommonJS package whose types say `export default`: under NodeNext the class is the default's default.
const XAPI = ((xapiPackage as unknown as { default?: unknown }).default ?? xapiPackage) as typeof xapiPackage.default;
type XAPI = InstanceType<typeof XAPI>;

const COMPLETED = 'http://adlnet.gov/expapi/verbs/completed';
const COURSE = 'https://lms.example/courses/data-101';

function statement(email: string, scaled: number, extra: Record<string, unknown> = {}) {
  return {
    actor: { objectType: 'Agent', name: 'A learner', mbox: `mailto:${email}` },
    verb: { id: COMPLETED, display: { 'en-US': 'completed' } },
    object: { objectType: 'Activity', id: COURSE, definition: { name: { 'en-US': 'Data 101' } } },
    result: { completion: true, success: true, score: { scaled } },
    timestamp: '2026-11-30T10:00:00Z',
    ...extra,
  };
}

for (const dialect of DIALECTS) {
  describe(`xAPI statements (${dialect})`, () => {
    let t: TestApp;
    let base: string;
    let runner: JobRunner;
    let clock = new Date();
    let org: Awaited<ReturnType<typeof issuingOrganisation>>;
    let key: string;
    let client: XAPI;
    let ruleId: string;

    const basic = (secret: string) => `Basic ${Buffer.from(`lrs:${secret}`).toString('base64')}`;
    const send = (method: 'POST' | 'PUT', path: string, body: string, headers: Record<string, string> = {}) => fetch(`${base}${path}`, {
      method, body, headers: { 'content-type': 'application/json', 'x-experience-api-version': '1.0.3', authorization: basic(key), ...headers },
    });
    const credentialsTo = (email: string) => t.runtime.store.db.selectFrom('credentials').select(['id', 'achievement_id']).where('recipient_email', '=', email).execute();

    beforeAll(async () => {
      t = await createTestApp(dialect, { now: () => clock, env: { XAPI_AUDIT_HOURS: '2' } });
      await t.app.listen({ port: 0, host: '127.0.0.1' });
      base = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
      runner = createRuntimeJobRunner(t.runtime, { workers: 0, now: () => clock });
      org = await issuingOrganisation(t);
      const created = await org.owner.request('POST', `/api/v1/organisations/${org.organisationId}/api-keys`, { name: 'LRS forwarder', scopes: ['issue'] });
      expect(created.statusCode, created.body).toBe(201);
      key = created.json().key as string;
      client = new XAPI({ endpoint: `${base}/xapi/`, auth: XAPI.toBasicAuth('lrs', key), version: '1.0.3' });
    });
    afterAll(async () => {
      await t.close();
    });

    it('lets an owner map verb + activity + minimum score to an achievement', async () => {
      const bad = await org.owner.request('POST', `/api/v1/organisations/${org.organisationId}/xapi-rules`, { achievementId: org.achievementId, verbId: 'completed', activityId: COURSE, minScaled: 0.8 });
      expect(bad.statusCode).toBe(422);
      expect(bad.json()).toMatchObject({ errors: [{ pointer: '/verbId' }] });
      const response = await org.owner.request('POST', `/api/v1/organisations/${org.organisationId}/xapi-rules`, { achievementId: org.achievementId, verbId: COMPLETED, activityId: COURSE, minScaled: 0.8 });
      expect(response.statusCode, response.body).toBe(201);
      ruleId = response.json().id as string;
      const list = await org.owner.request('GET', `/api/v1/organisations/${org.organisationId}/xapi-rules`);
      expect(list.json()).toEqual({ items: [expect.objectContaining({ id: ruleId, verbId: COMPLETED, activityId: COURSE, minScaled: 0.8 })] });
    });

    it('issues the credential once when the independent client sends a statement that meets the rule, twice', async () => {
      const id = '6f1c0a52-7a5e-4c59-9f0e-3a3d5b1e0a01';
      const first = await client.sendStatement({ statement: { ...statement('ada@learner.test', 0.92), id } as never });
      expect(first.status).toBe(200);
      expect(first.data).toEqual([id]);
      expect(first.headers['x-experience-api-version']).toBe('1.0.3');
      const again = await client.sendStatement({ statement: { ...statement('ada@learner.test', 0.92), id } as never });
      expect(again.data).toEqual([id]);
      // Another statement meeting the same rule, and two more at once: still one credential.
      await client.sendStatement({ statement: statement('ada@learner.test', 0.95) as never });
      await Promise.all([client.sendStatement({ statement: statement('ada@learner.test', 0.99) as never }), client.sendStatement({ statement: statement('ada@learner.test', 1) as never })]);
      await runner.drain();
      const issued = await credentialsTo('ada@learner.test');
      expect(issued).toEqual([{ id: expect.any(String), achievement_id: org.achievementId }]);
      // As single issue does: the claim e-mail goes to the actor's mbox.
      const mail = await t.runtime.store.db.selectFrom('outbox').select('subject').where('to_address', '=', 'ada@learner.test').execute();
      expect(mail).toHaveLength(1);
      // The credential says where it came from.
      const credential = await org.owner.request('GET', `/api/v1/credentials/${issued[0]!.id}`);
      expect(credential.statusCode).toBe(200);
      await runner.drain();
      expect(await credentialsTo('ada@learner.test')).toHaveLength(1);
    });

    it('issues to an account actor whose name is an e-mail address, and sends a batch in one POST', async () => {
      const response = await client.sendStatements({
        statements: [
          { ...statement('x@x.test', 0.9), actor: { objectType: 'Agent', account: { homePage: 'https://lms.example', name: 'bo@learner.test' } } },
          statement('cy@learner.test', 0.5),
        ] as never,
      });
      expect(response.status).toBe(200);
      expect(response.data).toHaveLength(2);
      await runner.drain();
      expect(await credentialsTo('bo@learner.test')).toHaveLength(1);
      // Below the minimum score: acknowledged, nothing issued, kept for the audit window only.
      expect(await credentialsTo('cy@learner.test')).toHaveLength(0);
      const log = await org.owner.request('GET', `/api/v1/organisations/${org.organisationId}/xapi-statements`);
      const entry = (log.json() as { items: { id: string; matchedRuleId: string | null; purgeAfter: string | null }[] }).items.find((item) => item.id === response.data[1]);
      expect(entry).toMatchObject({ matchedRuleId: null });
      expect(Date.parse(entry!.purgeAfter!) - clock.getTime()).toBe(2 * 3_600_000);
    });

    it('answers PUT with 204 and a re-used id with other content with 409', async () => {
      const id = '0d7c5a2e-41a6-4f0e-8a55-2b7f8e6c9d10';
      const put = await send('PUT', `/xapi/statements?statementId=${id}`, JSON.stringify(statement('di@learner.test', 0.85)));
      expect(put.status).toBe(204);
      expect(put.headers.get('x-experience-api-version')).toBe('1.0.3');
      expect((await send('PUT', `/xapi/statements?statementId=${id}`, JSON.stringify(statement('di@learner.test', 0.85)))).status).toBe(204);
      const conflictPut = await send('PUT', `/xapi/statements?statementId=${id}`, JSON.stringify(statement('di@learner.test', 0.2)));
      expect(conflictPut.status).toBe(409);
      const conflictPost = await send('POST', '/xapi/statements', JSON.stringify({ ...statement('eve@learner.test', 1), id }));
      expect(conflictPost.status).toBe(409);
      const mismatch = await send('PUT', `/xapi/statements?statementId=${id}`, JSON.stringify({ ...statement('di@learner.test', 0.85), id: '11111111-2222-4333-8444-555555555555' }));
      expect(mismatch.status).toBe(400);
      await runner.drain();
      expect(await credentialsTo('di@learner.test')).toHaveLength(1);
      expect(await credentialsTo('eve@learner.test')).toHaveLength(0);
    });

    it('requires the version header and an API key with the issue scope', async () => {
      const body = JSON.stringify(statement('fi@learner.test', 1));
      const noVersion = await fetch(`${base}/xapi/statements`, { method: 'POST', body, headers: { 'content-type': 'application/json', authorization: basic(key) } });
      expect(noVersion.status).toBe(400);
      expect(noVersion.headers.get('x-experience-api-version')).toBe('1.0.3');
      expect(await noVersion.text()).toContain('X-Experience-API-Version');
      const wrongKey = await send('POST', '/xapi/statements', body, { authorization: basic('mck_not-a-key') });
      expect(wrongKey.status).toBe(401);
      expect(wrongKey.headers.get('www-authenticate')).toMatch(/^Basic/);
      const anonymous = await fetch(`${base}/xapi/statements`, { method: 'POST', body, headers: { 'content-type': 'application/json', 'x-experience-api-version': '1.0.3' } });
      expect(anonymous.status).toBe(401);
      const readOnly = await org.owner.request('POST', `/api/v1/organisations/${org.organisationId}/api-keys`, { name: 'read only', scopes: ['read'] });
      expect((await send('POST', '/xapi/statements', body, { authorization: basic(readOnly.json().key as string) })).status).toBe(403);
      // The key as the user name with an empty password works too.
      const asUser = await send('POST', '/xapi/statements', body, { authorization: `Basic ${Buffer.from(`${key}:`).toString('base64')}` });
      expect(asUser.status).toBe(200);
      expect((await fetch(`${base}/xapi/about`)).headers.get('x-experience-api-version')).toBe('1.0.3');
    });

    it('refuses hostile statements with 400 and a pointer, and stores nothing of a batch with one bad statement', async () => {
      const cases: [string, string][] = [
        ['{"actor": ', '/'],
        [JSON.stringify({ verb: { id: COMPLETED }, object: { id: COURSE } }), '/actor'],
        [JSON.stringify({ actor: { mbox: 'mailto:g@l.test' }, object: { id: COURSE } }), '/verb'],
        [JSON.stringify({ actor: { mbox: 'mailto:g@l.test' }, verb: { display: {} }, object: { id: COURSE } }), '/verb/id'],
        [JSON.stringify({ actor: { mbox: 'mailto:g@l.test' }, verb: { id: COMPLETED } }), '/object'],
        [JSON.stringify({ actor: { mbox: 'g@l.test' }, verb: { id: COMPLETED }, object: { id: COURSE } }), '/actor/mbox'],
        [JSON.stringify({ actor: { mbox: 'mailto:g@l.test', account: { homePage: 'https://x.test', name: 'g' } }, verb: { id: COMPLETED }, object: { id: COURSE } }), '/actor'],
        [JSON.stringify(statement('g@l.test', 1, { result: { score: { scaled: 'high' } } })), '/result/score/scaled'],
        [JSON.stringify(statement('g@l.test', 1, { result: { score: { scaled: 2 } } })), '/result/score/scaled'],
        [JSON.stringify(statement('g@l.test', 1, { result: { success: 'yes' } })), '/result/success'],
        [JSON.stringify(statement('g@l.test', 1, { id: 'not-a-uuid' })), '/id'],
        [JSON.stringify(statement('g@l.test', 1, { timestamp: 'yesterday' })), '/timestamp'],
        [JSON.stringify(statement('g@l.test', 1, { grade: 'A' })), '/grade'],
        [JSON.stringify(statement('g@l.test', 1, { context: null })), '/context'],
        [JSON.stringify(statement('g@l.test', 1, { object: { objectType: 'Nonsense', id: COURSE } })), '/object/objectType'],
        [JSON.stringify('a string'), '/'],
        [JSON.stringify([]), '/'],
        [JSON.stringify([statement('h@l.test', 1), { ...statement('h@l.test', 1), verb: 'completed' }]), '/1/verb'],
      ];
      const before = await t.runtime.store.db.selectFrom('xapi_statements').select('id').execute();
      for (const [body, pointer] of cases) {
        const response = await send('POST', '/xapi/statements', body);
        expect(response.status, body).toBe(400);
        expect(response.headers.get('content-type')).toContain('application/problem+json');
        const problem = await response.json() as { detail: string; errors?: { pointer: string }[] };
        expect(problem.detail.length, body).toBeGreaterThan(5);
        if (pointer !== '/' || problem.errors) expect(problem.errors?.[0]?.pointer ?? '/', body).toBe(pointer);
      }
      expect(await t.runtime.store.db.selectFrom('xapi_statements').select('id').execute()).toHaveLength(before.length);
      await runner.drain();
      expect(await credentialsTo('h@l.test')).toHaveLength(0);
    });

    it('keeps statements of one organisation away from the rules of another', async () => {
      const b = await createOrganisation(t, 'Organisation B', 'owner@b.test');
      const bKey = (await b.owner.request('POST', `/api/v1/organisations/${b.organisationId}/api-keys`, { name: 'B LRS', scopes: ['issue'] })).json().key as string;
      const response = await send('POST', '/xapi/statements', JSON.stringify(statement('gu@learner.test', 1)), { authorization: basic(bKey) });
      expect(response.status).toBe(200);
      await runner.drain();
      expect(await credentialsTo('gu@learner.test')).toHaveLength(0);
      expect((await b.owner.request('GET', `/api/v1/organisations/${org.organisationId}/xapi-rules`)).statusCode).toBe(404);
      expect((await b.owner.request('GET', `/api/v1/organisations/${org.organisationId}/xapi-statements`)).statusCode).toBe(404);
      expect((await b.owner.request('DELETE', `/api/v1/organisations/${b.organisationId}/xapi-rules/${ruleId}`)).statusCode).toBe(404);
      const ruleOnA = await b.owner.request('POST', `/api/v1/organisations/${b.organisationId}/xapi-rules`, { achievementId: org.achievementId, verbId: COMPLETED, activityId: COURSE });
      expect(ruleOnA.statusCode).toBe(422);
      // B's statement log holds B's statement; A's does not.
      const logB = await b.owner.request('GET', `/api/v1/organisations/${b.organisationId}/xapi-statements`);
      expect((logB.json() as { items: unknown[] }).items).toHaveLength(1);
    });

    it('purges statements that earned nothing once the audit window is over, and keeps those that did', async () => {
      const matched = await t.runtime.store.db.selectFrom('xapi_statements').select('id').where('rule_id', 'is not', null).execute();
      const unmatched = await t.runtime.store.db.selectFrom('xapi_statements').select('id').where('rule_id', 'is', null).execute();
      expect(unmatched.length).toBeGreaterThan(0);
      clock = new Date(clock.getTime() + 60 * 60_000);
      await scheduleXapiPurge({ queue: t.runtime.queue, now: () => clock }, 0);
      await runner.drain();
      expect(await t.runtime.store.db.selectFrom('xapi_statements').select('id').execute()).toHaveLength(matched.length + unmatched.length);
      clock = new Date(clock.getTime() + 2 * 60 * 60_000);
      await runner.drain(); // the next purge was queued by the first, an hour on
      const left = await t.runtime.store.db.selectFrom('xapi_statements').select(['id', 'rule_id']).execute();
      expect(left.map((row) => row.id).sort()).toEqual(matched.map((row) => row.id).sort());
      // A purged statement's id may be used afresh; a kept one's still conflicts.
      const keptId = matched[0]!.id;
      expect((await send('POST', '/xapi/statements', JSON.stringify({ ...statement('zz@learner.test', 0.1), id: keptId }))).status).toBe(409);
    });
  });
}
