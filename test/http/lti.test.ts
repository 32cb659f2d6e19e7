/**
 * microcred as an LTI 1.3 tool, against a test platform built from the LTI 1.3 / Advantage specs
 * (test/support/lti-platform.ts) over real HTTP on 127.0.0.1: login initiation, launch validation,
 * deep linking round trip (the response JWT checked by the platform with the tool's JWKS), the
 * instructor's course mapping, AGS + NRPS issuance exactly once (on demand and on the schedule), a
 * learner's own launch, and forged, expired, replayed, wrong-audience, wrong-deployment and
 * unknown-issuer launches refused with clear messages.
 */
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRuntimeJobRunner } from '../../src/app-jobs.ts';
import { createGuardedFetcher } from '../../src/net/guarded-fetcher.ts';
import type { JobRunner } from '../../src/queue/index.ts';
import { LTI_SCHEDULE_JOB_KIND, scheduleLtiRuns } from '../../src/services/lti/index.ts';
import { createTestApp, TEST_PUBLIC_URL, type TestApp } from '../support/app.ts';
import { DIALECTS, warnIfPostgresSkipped } from '../support/db.ts';
import { formFields, ROLE, startTestPlatform, type TestPlatform } from '../support/lti-platform.ts';
import { issuingOrganisation } from './credentials-fixture.ts';

warnIfPostgresSkipped();

const sessionOf = (html: string) => /name="session" value="([^"]+)"/.exec(html)?.[1];
const text = (html: string) => html.replace(/<[^>]+>/g, ' ').replace(/&#(\d+);/g, (_m, c: string) => String.fromCharCode(Number(c))).replace(/\s+/g, ' ');

for (const dialect of DIALECTS) {
  describe(`LTI 1.3 tool (${dialect})`, () => {
    let t: TestApp;
    let base: string;
    let runner: JobRunner;
    let platform: TestPlatform;
    let org: Awaited<ReturnType<typeof issuingOrganisation>>;
    let finalItem: string;
    // The tool's clock runs this far ahead of the real one (the platform signs with the real clock).
    let skewMs = 0;

    const post = (path: string, fields: Record<string, string | string[]>) => {
      const body = new URLSearchParams();
      for (const [key, value] of Object.entries(fields)) for (const v of Array.isArray(value) ? value : [value]) body.append(key, v);
      return fetch(`${base}${path}`, { method: 'POST', body, headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    };
    const credentialsTo = (email: string) => t.runtime.store.db.selectFrom('credentials').select(['id', 'achievement_id']).where('recipient_email', '=', email).execute();

    beforeAll(async () => {
      // The platform is on 127.0.0.1: this instance's guarded fetcher is told it may go there.
      t = await createTestApp(dialect, { now: () => new Date(Date.now() + skewMs), allowAddress: () => true, fetcher: createGuardedFetcher({ allowAddress: () => true }) });
      await t.app.listen({ port: 0, host: '127.0.0.1' });
      base = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
      runner = createRuntimeJobRunner(t.runtime, { workers: 0 });
      org = await issuingOrganisation(t);
      platform = await startTestPlatform({ toolJwksUrl: `${base}/lti/jwks.json`, toolRedirectUri: `${TEST_PUBLIC_URL}/lti/launch` });
      const users = [
        { id: 'teacher-1', name: 'Tess Teacher', email: 'tess@lms.test', roles: [ROLE.instructor] },
        { id: 'ada', name: 'Ada Learner', email: 'Ada@Learner.test', roles: [ROLE.learner] },
        { id: 'bo', name: 'Bo Learner', email: 'bo@learner.test', roles: [ROLE.learner] },
        { id: 'cy', name: 'Cy NoMail', roles: [ROLE.learner] },
        { id: 'dee', name: 'Dee Learner', email: 'dee@learner.test', roles: [ROLE.learner] },
      ];
      for (const user of users) platform.users.set(user.id, user);
      finalItem = `${platform.urls.lineItems}/final`;
      platform.lineItems.push({ id: `${platform.urls.lineItems}/quiz`, label: 'Quiz 1', scoreMaximum: 10 }, { id: finalItem, label: 'Final exam', scoreMaximum: 50 });
      platform.grades.set(finalItem, new Map([['ada', 46], ['bo', 25], ['cy', 45], ['dee', 40], ['teacher-1', 50]]));
    });
    afterAll(async () => {
      await platform?.close();
      await t?.close();
    });

    it('registers the platform in the console and gives the URLs to paste into the LMS', async () => {
      const bad = await org.owner.request('POST', `/api/v1/organisations/${org.organisationId}/lti-platforms`, {
        name: 'Test LMS', issuer: platform.issuer, clientId: platform.clientId, deploymentIds: [platform.deploymentId], jwksUrl: 'file:///etc/passwd', authLoginUrl: platform.urls.auth, tokenUrl: platform.urls.token,
      });
      expect(bad.statusCode).toBe(422);
      expect(bad.json()).toMatchObject({ errors: [{ pointer: '/jwksUrl' }] });
      const created = await org.owner.request('POST', `/api/v1/organisations/${org.organisationId}/lti-platforms`, {
        name: 'Test LMS', issuer: platform.issuer, clientId: platform.clientId, deploymentIds: [platform.deploymentId], jwksUrl: platform.urls.jwks, authLoginUrl: platform.urls.auth, tokenUrl: platform.urls.token,
      });
      expect(created.statusCode, created.body).toBe(201);
      const list = await org.owner.request('GET', `/api/v1/organisations/${org.organisationId}/lti-platforms`);
      expect(list.json()).toEqual({ items: [expect.objectContaining({ issuer: platform.issuer, clientId: platform.clientId, deploymentIds: [platform.deploymentId] })] });
      const tool = await t.app.inject({ method: 'GET', url: '/api/v1/lti/tool' });
      expect(tool.json()).toMatchObject({ loginUrl: `${TEST_PUBLIC_URL}/lti/login`, launchUrl: `${TEST_PUBLIC_URL}/lti/launch`, jwksUrl: `${TEST_PUBLIC_URL}/lti/jwks.json` });
      const jwks = await (await fetch(`${base}/lti/jwks.json`)).json() as { keys: { kty: string; alg: string; kid: string; d?: string }[] };
      expect(jwks.keys).toEqual([expect.objectContaining({ kty: 'RSA', alg: 'RS256', kid: expect.any(String) })]);
      expect(jwks.keys[0]!.d).toBeUndefined();
      // The OpenAPI document tells the truth about the form posts.
      const spec = (await t.app.inject('/docs/json')).json() as { paths: Record<string, Record<string, { requestBody?: { content: Record<string, unknown> }; tags?: string[] }>> };
      for (const path of ['/lti/login', '/lti/launch', '/lti/deep-link', '/lti/course', '/lti/course/run']) {
        expect(Object.keys(spec.paths[path]!.post!.requestBody!.content), path).toEqual(['application/x-www-form-urlencoded']);
        expect(spec.paths[path]!.post!.tags).toEqual(['lti']);
      }
      // The private key is at rest only sealed with the master key.
      const row = await t.runtime.store.db.selectFrom('lti_tool_keys').selectAll().executeTakeFirstOrThrow();
      expect(row.private_jwk_encrypted).toMatch(/^v1\./);
      expect(row.private_jwk_encrypted).not.toContain('"d"');
    });

    it('runs the deep linking round trip: the platform verifies the signed response with the tool\'s JWKS', async () => {
      const { response } = await platform.launch(base, 'teacher-1', { messageType: 'LtiDeepLinkingRequest' });
      const page = await response.text();
      expect(response.status, page).toBe(200);
      expect(text(page)).toContain('Add "earn this micro-credential" to the course');
      const chosen = await post('/lti/deep-link', { session: sessionOf(page)!, achievementId: org.achievementId });
      expect(chosen.status).toBe(200);
      expect(chosen.headers.get('content-security-policy')).toMatch(/script-src 'nonce-/);
      const { action, fields } = formFields(await chosen.text());
      expect(action).toBe(platform.urls.deepLinkReturn);
      const back = await fetch(action, { method: 'POST', body: new URLSearchParams(fields), headers: { 'content-type': 'application/x-www-form-urlencoded' } });
      expect(back.status, await back.text()).toBe(200);
      // The platform's check can fail: a response JWT with its payload altered is refused.
      const [head, body, signature] = fields.JWT!.split('.');
      const altered = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(body!, 'base64url').toString()), 'https://purl.imsglobal.org/spec/lti/claim/deployment_id': 'other' })).toString('base64url');
      const tampered = await fetch(action, { method: 'POST', body: new URLSearchParams({ JWT: `${head}.${altered}.${signature}` }), headers: { 'content-type': 'application/x-www-form-urlencoded' } });
      expect(tampered.status).toBe(400);
      const received = platform.deepLinkResponses.at(-1)!;
      expect(received).toMatchObject({
        'https://purl.imsglobal.org/spec/lti/claim/message_type': 'LtiDeepLinkingResponse',
        'https://purl.imsglobal.org/spec/lti/claim/version': '1.3.0',
        'https://purl.imsglobal.org/spec/lti/claim/deployment_id': platform.deploymentId,
        'https://purl.imsglobal.org/spec/lti-dl/claim/data': 'opaque-platform-data',
        'https://purl.imsglobal.org/spec/lti-dl/claim/content_items': [{ type: 'ltiResourceLink', url: `${TEST_PUBLIC_URL}/lti/launch`, custom: { microcred_achievement_id: org.achievementId } }],
      });
      // A learner may not answer a deep linking request.
      const learner = await platform.launch(base, 'ada', { messageType: 'LtiDeepLinkingRequest' });
      expect(learner.response.status).toBe(403);
      expect(text(await learner.response.text())).toContain('only an instructor');
    });

    it('lets the instructor map the course to the achievement and a grade threshold, and issues to each learner who meets it exactly once', async () => {
      const { response } = await platform.launch(base, 'teacher-1', { custom: { microcred_achievement_id: org.achievementId } });
      const page = await response.text();
      expect(response.status, page).toBe(200);
      expect(text(page)).toContain('not mapped to a micro-credential yet');
      expect(page).toContain('Final exam');
      const session = sessionOf(page)!;
      // Only this course's line items may be chosen (AGS lineitems), within 0..100.
      const foreign = await post('/lti/course', { session, achievementId: org.achievementId, lineItem: 'http://127.0.0.1:9/other', minPercent: '80' });
      expect(foreign.status).toBe(400);
      const outOfRange = await post('/lti/course', { session, achievementId: org.achievementId, lineItem: finalItem, minPercent: '180' });
      expect(outOfRange.status).toBe(400);
      const saved = await post('/lti/course', { session, achievementId: org.achievementId, lineItem: finalItem, minPercent: '80' });
      const savedPage = await saved.text();
      expect(saved.status, savedPage).toBe(200);
      expect(text(savedPage)).toContain('Saved.');
      // ada 92%, cy 90% (no e-mail in the roster), dee 80%; bo 50%; the teacher is not a learner.
      const run = await post('/lti/course/run', { session });
      const runPage = text(await run.text());
      expect(run.status).toBe(200);
      expect(runPage).toContain('3 of 4 learners meet the rule; 2 new credentials on the way; 1 learner(s) meeting it have no e-mail address in the roster');
      await runner.drain();
      expect(await credentialsTo('ada@learner.test')).toEqual([{ id: expect.any(String), achievement_id: org.achievementId }]);
      expect(await credentialsTo('dee@learner.test')).toHaveLength(1);
      expect(await credentialsTo('bo@learner.test')).toHaveLength(0);
      expect(await credentialsTo('tess@lms.test')).toHaveLength(0);
      const mail = await t.runtime.store.db.selectFrom('outbox').select('to_address').where('to_address', 'in', ['ada@learner.test', 'dee@learner.test']).execute();
      expect(mail).toHaveLength(2);
      // Run again, on demand and twice at once: no duplicates.
      const again = await Promise.all([post('/lti/course/run', { session }), post('/lti/course/run', { session })]);
      for (const answer of again) expect(text(await answer.text())).toContain('0 new credentials');
      await runner.drain();
      expect(await credentialsTo('ada@learner.test')).toHaveLength(1);
      expect(await credentialsTo('dee@learner.test')).toHaveLength(1);
      // The console sees the mapping.
      const courses = await org.owner.request('GET', `/api/v1/organisations/${org.organisationId}/lti-courses`);
      expect(courses.json()).toEqual({ items: [expect.objectContaining({ contextId: platform.contextId, achievementId: org.achievementId, lineItemUrl: finalItem, minScore: 0.8, awards: 2, lastError: null })] });
    });

    it('issues on the schedule when a learner reaches the threshold later, once', async () => {
      platform.grades.get(finalItem)!.set('bo', 45);
      await t.runtime.store.db.deleteFrom('jobs').where('kind', '=', LTI_SCHEDULE_JOB_KIND).execute();
      expect(await scheduleLtiRuns({ queue: t.runtime.queue, now: () => new Date() }, -1000)).toBe(true);
      await runner.drain();
      expect(await credentialsTo('bo@learner.test')).toHaveLength(1);
      // The schedule queued its next run (an hour out); running the courses again changes nothing.
      expect(await t.runtime.queue.hasQueued(LTI_SCHEDULE_JOB_KIND)).toBe(true);
      await t.runtime.services.lti.scheduleRuns();
      await runner.drain();
      expect(await credentialsTo('bo@learner.test')).toHaveLength(1);
      expect(await credentialsTo('ada@learner.test')).toHaveLength(1);
      const awards = await t.runtime.store.db.selectFrom('lti_awards').select(['subject', 'credential_id']).orderBy('subject').execute();
      expect(awards.map((a) => a.subject)).toEqual(['ada', 'bo', 'dee']);
      expect(awards.every((a) => a.credential_id !== null)).toBe(true);
    });

    it('shows a learner her credential for the course, or her progress toward it', async () => {
      const earned = await platform.launch(base, 'ada');
      const earnedPage = text(await earned.response.text());
      expect(earned.response.status).toBe(200);
      expect(earnedPage).toContain('You earned');
      expect(earnedPage).toContain('ada@learner.test');
      expect(earnedPage).not.toContain('Save the mapping');
      platform.users.set('eve', { id: 'eve', name: 'Eve Learner', email: 'eve@learner.test', roles: [ROLE.learner] });
      platform.grades.get(finalItem)!.set('eve', 20);
      const progress = await platform.launch(base, 'eve');
      const progressPage = text(await progress.response.text());
      expect(progressPage).toContain('at least 80% in “Final exam”');
      expect(progressPage).toContain('Your grade so far: 40%');
      // A learner's page carries no launch session; a made-up or altered one maps nothing.
      expect(progressPage).not.toContain('Save the mapping');
      const altered = sessionOf(await (await platform.launch(base, 'teacher-1')).response.text())!.replace(/^./, (c) => (c === 'x' ? 'y' : 'x'));
      const mapAttempt = await post('/lti/course', { session: altered, achievementId: org.achievementId, lineItem: finalItem, minPercent: '0' });
      expect(mapAttempt.status).toBe(401);
      expect(text(await mapAttempt.text())).toContain('open the link in your course again');
    });

    it('reads every page of the roster and the results (Link rel="next"), so a learner on page 3 is issued', async () => {
      platform.pageSize = 3;
      try {
        // Seven members and seven results, three a page: Fay is alone on page 3 of both.
        platform.users.set('fay', { id: 'fay', name: 'Fay Learner', email: 'fay@learner.test', roles: [ROLE.learner] });
        platform.grades.get(finalItem)!.set('fay', 48);
        const from = platform.requests.length;
        const session = sessionOf(await (await platform.launch(base, 'teacher-1')).response.text())!;
        const run = await post('/lti/course/run', { session });
        const runPage = text(await run.text());
        expect(run.status, runPage).toBe(200);
        expect(runPage).toContain('1 new credential on the way');
        await runner.drain();
        expect(await credentialsTo('fay@learner.test')).toHaveLength(1);
        const pages = (suffix: string) => platform.requests.slice(from).filter((r) => r.path.endsWith(suffix)).map((r) => new URLSearchParams(r.search).get('page') ?? '1');
        expect(pages('/memberships')).toEqual(['1', '2', '3']);
        expect(pages('/results')).toEqual(['1', '2', '3']);
        // The tool asks for pages of 100, not one page of everything.
        expect(platform.requests.slice(from).filter((r) => r.path.endsWith('/memberships')).every((r) => new URLSearchParams(r.search).get('limit') === '100')).toBe(true);
      } finally {
        platform.pageSize = 2;
        // The tests after this one count the learners without Fay.
        platform.users.delete('fay');
        platform.grades.get(finalItem)!.delete('fay');
      }
    });

    it('refuses a next page on another origin, and stops a Link loop and endless paging with a clear error', async () => {
      const session = sessionOf(await (await platform.launch(base, 'teacher-1')).response.text())!;
      const rosterReads = () => platform.requests.filter((r) => r.path.endsWith('/memberships')).length;
      const runFails = async (expected: string) => {
        const run = await post('/lti/course/run', { session });
        const page = text(await run.text());
        expect(run.status, page).toBe(502);
        expect(page).toContain(expected);
        const courses = await org.owner.request('GET', `/api/v1/organisations/${org.organisationId}/lti-courses`);
        expect(courses.json().items[0].lastError).toContain(expected);
      };
      try {
        // Another origin (the same server under another name): the bearer token is not sent there.
        let before = rosterReads();
        platform.linkHeader = ({ path, url }) => (path.endsWith('/memberships') ? `<${url.href.replace('127.0.0.1', 'localhost')}&page=2>; rel="next"` : undefined);
        await runFails('gave a next page on another origin (http://localhost:');
        expect(rosterReads() - before).toBe(1);
        // Page 2 points back at the first page, as the tool asked for it.
        before = rosterReads();
        platform.linkHeader = ({ path, url, page }) => {
          if (!path.endsWith('/memberships')) return undefined;
          const next = new URL(url);
          if (page === 1) next.searchParams.set('page', '2');
          else next.searchParams.delete('page');
          return `<${next.href}>; rel="next"`;
        };
        await runFails('linked back to a page already read (a paging loop)');
        expect(rosterReads() - before).toBe(2);
        // Always one more page: the tool stops at 100.
        before = rosterReads();
        platform.linkHeader = ({ path, url, page }) => {
          if (!path.endsWith('/memberships')) return undefined;
          const next = new URL(url);
          next.searchParams.set('page', String(page + 1));
          return `<${next.href}>; rel="next"`;
        };
        await runFails('ran past 100 pages');
        expect(rosterReads() - before).toBe(100);
      } finally {
        platform.linkHeader = undefined;
      }
      // An honest platform again: the run succeeds and clears the error.
      const run = await post('/lti/course/run', { session });
      expect(run.status).toBe(200);
    });

    it('refuses forged, expired, replayed, wrong-audience and wrong-deployment launches, and unknown issuers, with clear messages', async () => {
      const refused = async (launch: Promise<{ response: Response }>, status: number, words: string) => {
        const { response } = await launch;
        const page = text(await response.text());
        expect(response.status, page).toBe(status);
        expect(page).toContain(words);
        expect(page).not.toContain('Micro-credential for');
      };
      await refused(platform.launch(base, 'ada', { forge: true }), 401, 'signature does not verify with the platform\'s keys');
      await refused(platform.launch(base, 'ada', { expiresIn: -300, issuedAgo: 600 }), 401, 'has expired');
      await refused(platform.launch(base, 'ada', { claims: { aud: 'another-tool' } }), 401, 'audience does not include the client id');
      await refused(platform.launch(base, 'ada', { claims: { aud: [platform.clientId, 'another-tool'] } }), 401, 'authorised party (azp)');
      await refused(platform.launch(base, 'ada', { claims: { 'https://purl.imsglobal.org/spec/lti/claim/deployment_id': 'deployment-x' } }), 403, 'deployment deployment-x is not registered');
      await refused(platform.launch(base, 'ada', { claims: { 'https://purl.imsglobal.org/spec/lti/claim/version': '1.1' } }), 400, 'this tool speaks 1.3.0');
      await refused(platform.launch(base, 'ada', { claims: { 'https://purl.imsglobal.org/spec/lti/claim/message_type': 'LtiSubmissionReviewRequest' } }), 400, 'is not one this tool handles');
      await refused(platform.launch(base, 'ada', { claims: { iss: 'https://evil.example' } }), 401, 'is not the platform the login started with');

      // Replay: the same id_token and state again, then the same id_token under a fresh login's state.
      const first = await platform.launch(base, 'ada');
      expect(first.response.status).toBe(200);
      const replay = await post('/lti/launch', { id_token: first.idToken, state: first.state });
      expect(replay.status).toBe(401);
      expect(text(await replay.text())).toContain('state is unknown, used before, or expired');
      const login = await fetch(`${base}/lti/login?${new URLSearchParams({ iss: platform.issuer, login_hint: 'ada', target_link_uri: `${TEST_PUBLIC_URL}/lti/launch`, client_id: platform.clientId })}`, { redirect: 'manual' });
      const freshState = new URL(login.headers.get('location')!).searchParams.get('state')!;
      const replayed = await post('/lti/launch', { id_token: first.idToken, state: freshState });
      expect(replayed.status).toBe(401);
      expect(text(await replayed.text())).toContain('nonce does not match');

      // Unknown issuer, missing parameters, a target outside the tool, garbage.
      const unknown = await fetch(`${base}/lti/login?${new URLSearchParams({ iss: 'https://unknown-lms.example', login_hint: 'x', target_link_uri: `${TEST_PUBLIC_URL}/lti/launch` })}`, { redirect: 'manual' });
      expect(unknown.status).toBe(400);
      expect(text(await unknown.text())).toContain('no LTI platform is registered in microcred with issuer https://unknown-lms.example');
      const posted = await post('/lti/login', { iss: platform.issuer, login_hint: 'ada', target_link_uri: 'https://evil.example/steal' });
      expect(posted.status).toBe(400);
      const missing = await post('/lti/launch', { state: 'x' });
      expect(missing.status).toBe(400);
      const garbage = await post('/lti/launch', { id_token: 'not-a-jwt', state: freshState });
      expect(garbage.status).toBe(401);
      // A NUL (PostgreSQL refuses it in text) in a form field or a query parameter is a 400, not a 500.
      const nul = await post('/lti/launch', { id_token: 'x', state: 'a\u0000b' });
      expect(nul.status).toBe(400);
      expect(text(await nul.text())).toContain('control character');
      const nulLogin = await fetch(`${base}/lti/login?iss=${encodeURIComponent('https://x\u0000')}&login_hint=a&target_link_uri=b`, { redirect: 'manual' });
      expect(nulLogin.status).toBe(400);
      // Nothing refused was issued or opened a session for a course page.
      expect(await credentialsTo('ada@learner.test')).toHaveLength(1);
    });

    it('caches the platform\'s keys, and reads them again when a launch names a new key id (rotation)', async () => {
      const jwksReads = () => platform.requests.filter((r) => r.path === '/jwks').length;
      expect((await platform.launch(base, 'ada')).response.status).toBe(200);
      const before = jwksReads();
      // Cached: another launch does not read the JWKS.
      expect((await platform.launch(base, 'ada')).response.status).toBe(200);
      expect(jwksReads()).toBe(before);
      await platform.rotateKey();
      // A minute on (an unknown kid reads the set again at most once a minute), the new key is fetched and used.
      skewMs += 61_000;
      const rotated = await platform.launch(base, 'ada');
      expect(rotated.response.status, await rotated.response.clone().text()).toBe(200);
      expect(jwksReads()).toBe(before + 1);
      expect(text(await rotated.response.text())).toContain('You earned');
    });

    it('keeps one registration per issuer and client id, and removes a platform with its courses', async () => {
      const body = { name: 'Again', issuer: platform.issuer, clientId: platform.clientId, deploymentIds: ['d'], jwksUrl: platform.urls.jwks, authLoginUrl: platform.urls.auth, tokenUrl: platform.urls.token };
      const clash = await org.owner.request('POST', `/api/v1/organisations/${org.organisationId}/lti-platforms`, body);
      expect(clash.statusCode).toBe(422);
      const [registered] = (await org.owner.request('GET', `/api/v1/organisations/${org.organisationId}/lti-platforms`)).json().items as { id: string }[];
      const removed = await org.owner.request('DELETE', `/api/v1/organisations/${org.organisationId}/lti-platforms/${registered!.id}`);
      expect(removed.statusCode).toBe(204);
      expect((await org.owner.request('GET', `/api/v1/organisations/${org.organisationId}/lti-courses`)).json()).toEqual({ items: [] });
      // Credentials issued stay; launches from it are now refused at login.
      expect(await credentialsTo('ada@learner.test')).toHaveLength(1);
      const login = await fetch(`${base}/lti/login?${new URLSearchParams({ iss: platform.issuer, login_hint: 'ada', target_link_uri: `${TEST_PUBLIC_URL}/lti/launch` })}`, { redirect: 'manual' });
      expect(login.status).toBe(400);
      // Registered again and the course mapped again: nobody is issued the same micro-credential twice.
      const again = await org.owner.request('POST', `/api/v1/organisations/${org.organisationId}/lti-platforms`, { ...body, name: 'Test LMS again', deploymentIds: [platform.deploymentId] });
      expect(again.statusCode, again.body).toBe(201);
      const launched = await platform.launch(base, 'teacher-1');
      const session = sessionOf(await launched.response.text())!;
      expect((await post('/lti/course', { session, achievementId: org.achievementId, lineItem: finalItem, minPercent: '50' })).status).toBe(200);
      const run = text(await (await post('/lti/course/run', { session })).text());
      expect(run).toContain('4 of 5 learners meet the rule; 0 new credentials on the way');
      await runner.drain();
      for (const email of ['ada@learner.test', 'bo@learner.test', 'dee@learner.test']) expect(await credentialsTo(email)).toHaveLength(1);
      // Ada still sees the credential she earned before the re-registration (found by her e-mail).
      expect(text(await (await platform.launch(base, 'ada')).response.text())).toContain('You earned');
    });
  });
}
