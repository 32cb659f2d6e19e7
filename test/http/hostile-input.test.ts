/**
 * Hostile input refused at the edge (issue 11, faults 3, 4 and 7): JSON bodies nested deeper than
 * MAX_JSON_DEPTH, control characters (NUL first) in any JSON string, and a problem's `instance` that
 * must not echo the query string. Each answer is a 4xx problem+json that names the rule, on both dialects.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_JSON_DEPTH } from '../../src/http/json-body.ts';
import { createRuntimeJobRunner } from '../../src/app-jobs.ts';
import { bearer, createOrganisation, createTestApp, setUpOrganisation, type SetUpOrganisation, type TestApp } from '../support/app.ts';
import { DIALECTS, warnIfPostgresSkipped } from '../support/db.ts';

warnIfPostgresSkipped();

const EU = { creditsAvailable: 5, eqfLevel: 6, learningOutcome: ['Reads and presents data'], assessmentType: ['exam'], participationForm: 'online', qualityAssurance: ['internal'] };

/** `{"a":{"a":…{"a":1}}}` with `levels` objects, as text (JSON.stringify itself would overflow on the deepest). */
function nested(levels: number, inner = '1'): string {
  return `${'{"a":'.repeat(levels)}${inner}${'}'.repeat(levels)}`;
}

for (const dialect of DIALECTS) {
  describe(`hostile input is refused at the edge (${dialect})`, () => {
    let t: TestApp;
    let org: SetUpOrganisation;
    let apiKey: string;
    let achievementId: string;

    beforeAll(async () => {
      t = await createTestApp(dialect);
      org = await setUpOrganisation(t.app);
      apiKey = (await createOrganisation(t, 'Other College', 'owner@other.test')).apiKey;
      const achievement = await org.owner.request('POST', `/api/v1/organisations/${org.organisationId}/achievements`, {
        issuerId: org.issuerId, name: 'Data Literacy', description: 'Reading data.', criteria: 'Pass.', achievementType: 'MicroCredential', eu: EU,
      });
      expect(achievement.statusCode, achievement.body).toBe(201);
      achievementId = (achievement.json() as { id: string }).id;
    });
    afterAll(async () => {
      await t.close();
    });

    const postJson = (url: string, body: string, headers: Record<string, string> = {}) =>
      t.app.inject({ method: 'POST', url, payload: body, headers: { 'content-type': 'application/json', ...headers } });

    it('a body nested 5,000 deep on the anonymous verifier, or 2,000 deep on /credentials/issue, is a 400 naming the limit', async () => {
      for (const [url, body, headers] of [
        ['/api/v1/verify', `{"credential":${nested(5000)}}`, {}],
        ['/credentials/verify', `{"verifiableCredential":${nested(5000)}}`, {}],
        ['/credentials/issue', `{"credential":${nested(2000)}}`, bearer(apiKey)],
        ['/api/v1/auth/login', `{"email":${nested(100_000)}}`, {}],
      ] as const) {
        const response = await postJson(url, body, headers);
        expect(response.statusCode, `${url}: ${response.body.slice(0, 300)}`).toBe(400);
        expect(response.headers['content-type']).toContain('application/problem+json');
        const problem = response.json();
        expect(problem.type).toBe('https://w3id.org/microcred/problems/too-deeply-nested');
        expect(problem.maxDepth).toBe(MAX_JSON_DEPTH);
        expect(problem.detail).toContain(`${MAX_JSON_DEPTH} levels`);
        expect(problem.errors[0].pointer).toMatch(/^\/(credential|verifiableCredential|email)(\/a)+$/);
      }
    });

    it('nesting up to the limit passes the edge (the route then judges the content)', async () => {
      // The body object is level 1, `credential` level 2: MAX_JSON_DEPTH levels in all.
      const response = await postJson('/api/v1/verify', `{"credential":${nested(MAX_JSON_DEPTH - 1)}}`);
      expect(response.statusCode).toBe(200);
      expect(response.json().verified).toBe(false);
      const over = await postJson('/api/v1/verify', `{"credential":${nested(MAX_JSON_DEPTH)}}`);
      expect(over.statusCode).toBe(400);
    });

    it('a NUL byte (or another control character) in sign-up, sign-in or a recipient name is a 400 naming the field, never a 500', async () => {
      const cases: [string, unknown, Record<string, string>, string][] = [
        ['/api/v1/auth/signup', { email: 'ana\u0000@example.org', password: 'a-long-password-1' }, {}, '/email'],
        ['/api/v1/auth/signup', { email: 'ana@example.org', password: 'a-long-password-1', name: 'Ana\u0000' }, {}, '/name'],
        ['/api/v1/auth/login', { email: 'owner@uni.test\u0000', password: 'owner-password-1' }, {}, '/email'],
        ['/api/v1/auth/login', { email: 'owner@uni.test', password: 'x\u001b[2J' }, {}, '/password'],
        [`/api/v1/organisations/${org.organisationId}/credentials`, { achievementId, recipient: { email: 'ana@example.org', name: 'Ana\u0000López' } },
          { cookie: org.owner.cookie, 'x-csrf-token': org.owner.csrfToken }, '/recipient/name'],
        ['/api/v1/verify', { credential: { 'na\u0007me': 'x' } }, {}, '/credential/na\u0007me'],
      ];
      for (const [url, body, headers, pointer] of cases) {
        const response = await postJson(url, JSON.stringify(body), headers);
        expect(response.statusCode, `${url}: ${response.body}`).toBe(400);
        const problem = response.json();
        expect(problem.type).toBe('https://w3id.org/microcred/problems/control-character');
        expect(problem.errors).toEqual([{ pointer, message: expect.stringMatching(/^contains the control character U\+00(00|1B|07)$/) }]);
      }
      // Tabs and line breaks are text.
      const fine = await postJson(`/api/v1/organisations/${org.organisationId}/credentials`,
        JSON.stringify({ achievementId, recipient: { email: 'ben@example.org', name: 'Ben\tvan\r\nDijk' } }), { cookie: org.owner.cookie, 'x-csrf-token': org.owner.csrfToken });
      expect(fine.statusCode, fine.body).toBe(201);
    });

    it('a CSV with NUL bytes is refused at upload (400); a row with a control character is reported by line, the others issued', async () => {
      const upload = (body: string) => org.owner.request('POST', `/api/v1/organisations/${org.organisationId}/bulk-issuances?achievementId=${achievementId}`, body, { 'content-type': 'text/csv' });
      const nul = await upload('email,name\ncarla@example.org,Carla\u0000\n');
      expect(nul.statusCode, nul.body).toBe(400);
      expect(nul.json().detail).toContain('NUL');
      const bell = await upload('email,name\ndora@example.org,Dora\u0007\neli@example.org,Eli\n');
      expect(bell.statusCode, bell.body).toBe(202);
      const runner = createRuntimeJobRunner(t.runtime, { workers: 0 });
      expect(await runner.drain()).toBe(1);
      const job = (await org.owner.request('GET', `/api/v1/bulk-issuances/${(bell.json() as { id: string }).id}`)).json();
      expect(job).toMatchObject({ status: 'done', issued: 1, invalidRows: 1 });
      expect(job.errors).toEqual([{ line: 2, messages: ['name contains the control character U+0007; text may hold tabs and line breaks but no other control characters'] }]);
    });

    it("a problem's instance is the path without the query string (which may carry secrets)", async () => {
      const secret = 'token=s3cr3t&email=ana@example.org';
      const routed = await t.app.inject({ method: 'GET', url: `/api/v1/bulk-issuances/00000000-0000-4000-8000-000000000000?${secret}`, headers: { cookie: org.owner.cookie } });
      expect(routed.statusCode).toBeGreaterThanOrEqual(400); // 400 (unknown query parameters) or 404
      expect(routed.json().instance).toBe('/api/v1/bulk-issuances/00000000-0000-4000-8000-000000000000');
      const unmatched = await t.app.inject({ method: 'GET', url: `/nothing/here?${secret}` });
      expect(unmatched.statusCode).toBe(404);
      const invalid = await t.app.inject({ method: 'GET', url: `/api/v1/organisations/not-an-id/audit?${secret}`, headers: { cookie: org.owner.cookie } });
      expect(invalid.statusCode).toBe(400);
      for (const response of [routed, unmatched, invalid]) {
        expect(response.body).not.toContain('s3cr3t');
        expect(response.body).not.toContain('ana@example.org');
        expect(response.json().instance).not.toContain('?');
      }
    });
  });
}
