/**
 * The learner side's isolation sweep: every id-taking per-person route in the OpenAPI document, called
 * with learner A's ids by learner B, by an organisation's API key and anonymously, answers 404 / 401-or-403
 * / 401, shows nothing of A's and changes nothing of A's. A new route without an example body fails here.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, createTestApp, sessionFrom, signUpAndSignIn, type Session, type TestApp } from '../support/app.ts';
import { DIALECTS, warnIfPostgresSkipped } from '../support/db.ts';
import { issuingOrganisation } from './credentials-fixture.ts';

warnIfPostgresSkipped();

const PREFIXES = ['/api/v1/me/', '/api/v1/wallet/'];
const BODIES: Record<string, unknown> = {
  'PATCH /api/v1/wallet/collections/{id}': { name: 'Hijacked', credentialIds: [] },
  'POST /api/v1/wallet/rpl-cases/{caseId}/evidence': { outcomeId: 'lo-1', evidence: { kind: 'narrative', text: 'Hostile' } },
};
/**
 * Routes whose id is not a person's (a published pathway): another learner reaches it, for their own
 * progress only; an API key and an anonymous caller still get nothing.
 */
const NOT_PERSONAL = new Set(['GET /api/v1/wallet/pathways/{pathwayId}', 'PUT /api/v1/wallet/pathways/{pathwayId}', 'DELETE /api/v1/wallet/pathways/{pathwayId}']);
const NO_BODY = new Set([
  'PUT /api/v1/wallet/pathways/{pathwayId}', 'DELETE /api/v1/wallet/pathways/{pathwayId}',
  'DELETE /api/v1/me/emails/{emailId}', 'POST /api/v1/me/emails/{emailId}/resend', 'DELETE /api/v1/wallet/collections/{id}',
  'DELETE /api/v1/wallet/credentials/{id}', 'DELETE /api/v1/wallet/shares/{id}', 'POST /api/v1/wallet/credentials/{id}/verify',
  'POST /api/v1/wallet/offers/{credentialId}/accept',
  'POST /api/v1/wallet/recognition-requests/{requestId}/withdrawal', 'DELETE /api/v1/wallet/rpl-cases/{caseId}/evidence/{evidenceId}',
  'POST /api/v1/wallet/rpl-cases/{caseId}/submission', 'POST /api/v1/wallet/rpl-cases/{caseId}/withdrawal',
  'DELETE /api/v1/wallet/connections/{grantId}',
]);

for (const dialect of DIALECTS) {
  describe(`learner isolation sweep over every id-taking wallet and account route (${dialect})`, () => {
    let t: TestApp;
    let ana: Session;
    let bob: Session;
    let apiKey: string;
    let ids: { item: string; collection: string; share: string; email: string; offer: string; pathway: string; request: string; rplCase: string; evidence: string; grant: string };
    let snapshot: string;

    const signup = async (email: string) => {
      const response = await signUpAndSignIn(t.app, { email, password: 'learner-password-1', name: 'Ana Secret' });
      expect(response.statusCode, response.body).toBe(200);
      return sessionFrom(t.app, response);
    };

    async function dataOfAna(): Promise<string> {
      const db = t.runtime.store.db;
      const parts = await Promise.all([
        db.selectFrom('user_emails').selectAll().where('user_id', '=', ana.userId).orderBy('id').execute(),
        db.selectFrom('wallet_credentials').select(['id', 'status', 'verified_at']).where('user_id', '=', ana.userId).orderBy('id').execute(),
        db.selectFrom('wallet_collections').selectAll().where('user_id', '=', ana.userId).orderBy('id').execute(),
        db.selectFrom('wallet_collection_items').selectAll().where('collection_id', '=', ids.collection).orderBy('position').execute(),
        db.selectFrom('shares').select(['id', 'revoked_at', 'views']).where('user_id', '=', ana.userId).orderBy('id').execute(),
        db.selectFrom('credentials').select(['id', 'claimed_at']).where('id', '=', ids.offer).execute(),
        db.selectFrom('recognition_requests').selectAll().where('user_id', '=', ana.userId).orderBy('id').execute(),
        db.selectFrom('rpl_cases').selectAll().where('user_id', '=', ana.userId).orderBy('id').execute(),
        db.selectFrom('rpl_files').select(['id', 'case_id', 'sha256']).where('user_id', '=', ana.userId).orderBy('id').execute(),
        db.selectFrom('pathway_progress').selectAll().where('user_id', '=', ana.userId).execute(),
        db.selectFrom('oauth_models').select(['model', 'id', 'payload']).where('account_id', '=', ana.userId).orderBy('id').execute(),
      ]);
      return JSON.stringify(parts);
    }

    beforeAll(async () => {
      t = await createTestApp(dialect);
      const org = await issuingOrganisation(t);
      const key = await org.owner.request('POST', `/api/v1/organisations/${org.organisationId}/api-keys`, { name: 'LMS', scopes: ['issue', 'read', 'status'] });
      apiKey = key.json().key as string;
      ana = await signup('ana@learner.test');
      bob = await signup('bob@learner.test');
      // Ana holds a claimed credential in a collection with a share, a second address, and an offer waiting.
      const issue = async () => {
        const response = await org.owner.request('POST', `/api/v1/organisations/${org.organisationId}/credentials`, { achievementId: org.achievementId, recipient: { email: 'ana@learner.test' } });
        expect(response.statusCode, response.body).toBe(201);
        return response.json().id as string;
      };
      await issue();
      const outbox = (await org.owner.request('GET', `/api/v1/organisations/${org.organisationId}/outbox`)).json() as { items: { text: string }[] };
      const token = /\/claim\/([A-Za-z0-9_-]+)/.exec(outbox.items[0]!.text)![1]!;
      const claimed = await ana.request('POST', `/api/v1/claim/${token}`);
      expect(claimed.statusCode, claimed.body).toBeLessThan(300);
      const item = (claimed.json() as { item: { id: string } }).item.id;
      const offer = await issue();
      const collection = await ana.request('POST', '/api/v1/wallet/collections', { name: 'Ana private' });
      expect(collection.statusCode, collection.body).toBe(201);
      const filled = await ana.request('PATCH', `/api/v1/wallet/collections/${collection.json().id as string}`, { credentialIds: [item] });
      expect(filled.statusCode, filled.body).toBe(200);
      const share = await ana.request('POST', '/api/v1/wallet/shares', { targetType: 'credential', targetId: item });
      expect(share.statusCode, share.body).toBe(201);
      const email = await ana.request('POST', '/api/v1/me/emails', { email: 'ana.second@learner.test' });
      expect(email.statusCode, email.body).toBe(201);
      // A recognition request toward the organisation's programme, and an RPL case with a file.
      const programme = await org.owner.request('POST', `/api/v1/organisations/${org.organisationId}/programmes`, { name: 'Programme', totalCredits: 60, modules: [{ id: 'M', name: 'Module', credits: 10 }] });
      expect(programme.statusCode, programme.body).toBe(201);
      const request = await ana.request('POST', '/api/v1/wallet/recognition-requests', { programmeId: programme.json().id as string, credentialIds: [item] });
      expect(request.statusCode, request.body).toBe(201);
      const rplCase = await ana.request('POST', '/api/v1/wallet/rpl-cases', { achievementId: org.achievementId });
      expect(rplCase.statusCode, rplCase.body).toBe(201);
      const boundary = '----sweep';
      const form = `--${boundary}\r\nContent-Disposition: form-data; name="outcomeId"\r\n\r\nlo-1\r\n--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="ana.txt"\r\nContent-Type: text/plain\r\n\r\nAna private notes\r\n--${boundary}--\r\n`;
      const evidence = await ana.request('POST', `/api/v1/wallet/rpl-cases/${rplCase.json().id as string}/evidence`, form, { 'content-type': `multipart/form-data; boundary=${boundary}` });
      expect(evidence.statusCode, evidence.body).toBe(200);
      const pathway = await org.owner.request('POST', `/api/v1/organisations/${org.organisationId}/pathways`, {
        name: 'Data pathway', achievementId: org.achievementId, status: 'published', autoIssue: false, rules: { requirements: [{ id: 'a', kind: 'minEqfLevel', level: 5, count: 2 }] },
      });
      expect(pathway.statusCode, pathway.body).toBe(201);
      ids = {
        item, collection: collection.json().id as string, share: share.json().id as string, email: email.json().id as string, offer, pathway: pathway.json().id as string,
        request: request.json().id as string, rplCase: rplCase.json().id as string,
        evidence: (evidence.json() as { outcomes: { evidence: { id: string }[] }[] }).outcomes[0]!.evidence[0]!.id, grant: '',
      };
      // Ana allowed an application to read her wallet through the OB 3.0 API (a grant, as the authorization server keeps it).
      ids.grant = 'grant-of-ana';
      await t.runtime.services.obHost.oauthAdapter('Grant').upsert(ids.grant, {
        kind: 'Grant', jti: ids.grant, accountId: ana.userId, clientId: 'client-of-ana', iat: Math.floor(Date.now() / 1000),
        resources: { 'https://issuer.test/ims/ob/v3p0': 'https://purl.imsglobal.org/spec/ob/v3p0/scope/credential.readonly' },
      }, 3600);
      // Ana follows it, half way there.
      expect((await ana.request('PUT', `/api/v1/wallet/pathways/${ids.pathway}`)).statusCode).toBe(204);
      await t.runtime.services.pathways.recompute(ana.userId);
      snapshot = await dataOfAna();
    });
    afterAll(async () => {
      await t?.close();
    });

    it('no route lets another learner, an API key or an anonymous caller read or change anything of Ana', async () => {
      const spec = (await t.app.inject('/docs/json')).json() as { paths: Record<string, Record<string, unknown>> };
      const checked: string[] = [];
      for (const [template, operations] of Object.entries(spec.paths)) {
        if (!PREFIXES.some((prefix) => template.startsWith(prefix)) || !template.includes('{')) continue;
        for (const method of Object.keys(operations).map((m) => m.toUpperCase())) {
          const route = `${method} ${template}`;
          const id = template.startsWith('/api/v1/wallet/collections/') ? ids.collection
            : template.startsWith('/api/v1/wallet/shares/') ? ids.share
            : template.startsWith('/api/v1/wallet/credentials/') ? ids.item : undefined;
          const url = template.replace('{id}', id ?? 'MISSING').replace('{emailId}', ids.email).replace('{credentialId}', ids.offer)
            .replace('{kind}', 'json').replace('{pathwayId}', ids.pathway).replace('{requestId}', ids.request).replace('{caseId}', ids.rplCase).replace('{evidenceId}', ids.evidence).replace('{grantId}', ids.grant);
          expect(url, `${route}: no id known for this path`).not.toMatch(/MISSING|\{/);
          let payload: string | undefined;
          if (method !== 'GET' && !NO_BODY.has(route)) {
            expect(BODIES[route], `${route}: add an example body to this test`).toBeDefined();
            payload = JSON.stringify(BODIES[route]);
          }
          const headers: Record<string, string> = payload !== undefined ? { 'content-type': 'application/json' } : {};
          const asBob = await bob.request(method as 'GET', url, payload, headers);
          const withKey = await t.app.inject({ method: method as 'GET', url, headers: { ...headers, ...bearer(apiKey) }, ...(payload !== undefined ? { payload } : {}) });
          const anonymous = await t.app.inject({ method: method as 'GET', url, headers, ...(payload !== undefined ? { payload } : {}) });
          if (NOT_PERSONAL.has(route)) expect(asBob.statusCode, `${route} as another learner: ${asBob.body}`).toBeLessThan(300);
          else expect(asBob.statusCode, `${route} as another learner: ${asBob.body}`).toBe(404);
          expect([401, 403], `${route} with an organisation's API key: ${withKey.body}`).toContain(withKey.statusCode);
          expect(anonymous.statusCode, `${route} anonymous: ${anonymous.body}`).toBe(401);
          for (const response of [asBob, withKey, anonymous]) {
            expect(response.body).not.toContain('ana@learner.test');
            expect(response.body).not.toContain('Ana private');
            // A pathway's own page may name the catalogue's achievements (public), never Ana's credential.
            if (NOT_PERSONAL.has(route)) expect(response.body).not.toContain(ids.item);
            else expect(response.body).not.toContain('Data Literacy');
          }
          checked.push(route);
        }
      }
      expect(checked.length).toBeGreaterThanOrEqual(10);
      expect(checked).toEqual(expect.arrayContaining([
        'GET /api/v1/wallet/recognition-requests/{requestId}', 'POST /api/v1/wallet/recognition-requests/{requestId}/withdrawal',
        'GET /api/v1/wallet/rpl-cases/{caseId}', 'POST /api/v1/wallet/rpl-cases/{caseId}/evidence', 'DELETE /api/v1/wallet/rpl-cases/{caseId}/evidence/{evidenceId}',
        'GET /api/v1/wallet/rpl-cases/{caseId}/evidence/{evidenceId}/file', 'POST /api/v1/wallet/rpl-cases/{caseId}/submission', 'POST /api/v1/wallet/rpl-cases/{caseId}/withdrawal',
      ]));
      expect(await dataOfAna()).toBe(snapshot);
      // Ana still reaches her own things through the same routes.
      expect((await ana.request('GET', `/api/v1/wallet/credentials/${ids.item}`)).statusCode).toBe(200);
      expect((await ana.request('GET', `/api/v1/wallet/collections/${ids.collection}`)).statusCode).toBe(200);
      expect((await ana.request('GET', `/api/v1/wallet/recognition-requests/${ids.request}`)).statusCode).toBe(200);
      expect((await ana.request('GET', `/api/v1/wallet/rpl-cases/${ids.rplCase}/evidence/${ids.evidence}/file`)).body).toBe('Ana private notes');
      expect(checked).toContain('DELETE /api/v1/wallet/connections/{grantId}');
      expect(((await ana.request('GET', '/api/v1/wallet/connections')).json() as { items: { id: string }[] }).items.map((c) => c.id)).toEqual([ids.grant]);
    });
  });
}
