import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, createOrganisation, createTestApp, sessionFrom, signUpAndSignIn, type Session, type TestApp } from '../support/app.ts';
import { DIALECTS, warnIfPostgresSkipped } from '../support/db.ts';
import { issuingOrganisation, MICRO_CREDENTIAL } from './credentials-fixture.ts';

warnIfPostgresSkipped();

/**
 * A sweep over every console route in the OpenAPI document that takes an id: organisation A's ids are
 * put in the path, and the request is made as organisation B's owner, with B's API key, and with no
 * credentials at all. None may see or change A's data. A route added later without a body example
 * here makes this test fail, so new routes cannot skip the check.
 */
const BODIES: Record<string, unknown> = {
  'PATCH /api/v1/organisations/{orgId}': { name: 'Hijacked' },
  'POST /api/v1/organisations/{orgId}/members': { email: 'owner@b.test', role: 'owner' },
  'POST /api/v1/organisations/{orgId}/invitations': { email: 'spy@b.test', role: 'owner' },
  'PATCH /api/v1/organisations/{orgId}/members/{userId}': { role: 'viewer' },
  'POST /api/v1/organisations/{orgId}/api-keys': { name: 'stolen', scopes: ['issue'] },
  'POST /api/v1/organisations/{orgId}/issuers': { name: 'Fake faculty' },
  'PATCH /api/v1/issuers/{issuerId}': { name: 'Hijacked' },
  'POST /api/v1/organisations/{orgId}/achievements': 'ACHIEVEMENT',
  'POST /api/v1/organisations/{orgId}/achievements/preview': 'ACHIEVEMENT',
  'PUT /api/v1/achievements/{id}': 'ACHIEVEMENT',
  'POST /api/v1/organisations/{orgId}/credentials': 'CREDENTIAL',
  'POST /api/v1/credentials/{id}/revoke': { reason: 'hostile' },
  'POST /api/v1/credentials/{id}/suspend': { reason: 'hostile' },
  'POST /api/v1/credentials/{id}/credential-offer': { txCode: true },
  'POST /api/v1/credentials/{id}/resend-claim': {},
  'POST /api/v1/organisations/{orgId}/programmes': { name: 'Hostile', totalCredits: 60, modules: [] },
  'PUT /api/v1/organisations/{orgId}/programmes/{programmeId}': { name: 'Hostile', totalCredits: 60, modules: [] },
  'POST /api/v1/organisations/{orgId}/rpl-cases/{caseId}/reviews': { outcomeId: 'lo-1', action: 'accept' },
  'POST /api/v1/organisations/{orgId}/rpl-cases/{caseId}/decision': {},
  'POST /api/v1/organisations/{orgId}/recognition-requests/{requestId}/decisions': { decisions: [{ credentialKey: 'x', action: 'approve' }] },
  'POST /api/v1/organisations/{orgId}/recognition-agreements': { programmeId: '00000000-0000-4000-8000-000000000000', moduleId: 'M', credits: 5, match: { fieldsOfStudy: ['x'] } },
  'PUT /api/v1/organisations/{orgId}/recognition-agreements/{agreementId}': { programmeId: '00000000-0000-4000-8000-000000000000', moduleId: 'M', credits: 5, match: { fieldsOfStudy: ['x'] } },
  'POST /api/v1/organisations/{orgId}/pathways': 'PATHWAY',
  'PUT /api/v1/organisations/{orgId}/pathways/{pathwayId}': 'PATHWAY',
  'POST /api/v1/organisations/{orgId}/pathway-checks': { rules: { requirements: [{ id: 'a', kind: 'minEqfLevel', level: 5 }] }, sample: { email: 'learner@a.test' } },
  'POST /api/v1/organisations/{orgId}/pathway-flags/{flagId}/resolution': { action: 'revoke', reason: 'hostile' },
  'POST /api/v1/organisations/{orgId}/trusted-issuers': { issuerId: 'did:web:evil.example', name: 'Evil' },
  'POST /api/v1/organisations/{orgId}/webhooks': { url: 'http://127.0.0.1:9/stolen', events: ['credential.issued'] },
  'POST /api/v1/organisations/{orgId}/xapi-rules': 'XAPI_RULE',
  'POST /api/v1/organisations/{orgId}/lti-platforms': { name: 'Hostile LMS', issuer: 'https://lms.b.example', clientId: 'stolen', deploymentIds: ['1'], jwksUrl: 'https://lms.b.example/jwks', authLoginUrl: 'https://lms.b.example/auth', tokenUrl: 'https://lms.b.example/token' },
};
const RAW_BODIES: Record<string, { type: string; body: string }> = {
  'POST /api/v1/achievements/{id}/image': { type: 'image/svg+xml', body: '<svg xmlns="http://www.w3.org/2000/svg" width="1" height="1"/>' },
  'POST /api/v1/organisations/{orgId}/bulk-issuances': { type: 'text/csv', body: 'email\nvictim@a.test\n' },
};
/**
 * Per-person routes (and the claim link and a presentation request's handle, capabilities by design):
 * swept in learner-isolation.test.ts, and the handle in test/interop/openid4vp-verifier.test.ts.
 */
export const LEARNER_PREFIXES = ['/api/v1/me/', '/api/v1/wallet/', '/api/v1/claim/', '/api/v1/verifier/presentation-requests/'];

const NO_BODY = new Set([
  'DELETE /api/v1/organisations/{orgId}/members/{userId}', 'DELETE /api/v1/organisations/{orgId}/api-keys/{keyId}',
  'DELETE /api/v1/organisations/{orgId}/invitations/{invitationId}',
  'POST /api/v1/issuers/{issuerId}/keys/rotate', 'POST /api/v1/achievements/{id}/archive',
  'POST /api/v1/credentials/{id}/reinstate', 'POST /api/v1/credentials/{id}/renew',
  'DELETE /api/v1/organisations/{orgId}/recognition-agreements/{agreementId}',
  'POST /api/v1/organisations/{orgId}/recognition-requests/{requestId}/issuance', 'POST /api/v1/organisations/{orgId}/rpl-cases/{caseId}/issuance',
  'DELETE /api/v1/organisations/{orgId}/trusted-issuers/{trustedId}',
  'DELETE /api/v1/organisations/{orgId}/webhooks/{webhookId}', 'DELETE /api/v1/organisations/{orgId}/lti-platforms/{platformId}', 'DELETE /api/v1/organisations/{orgId}/xapi-rules/{ruleId}', 'POST /api/v1/organisations/{orgId}/webhook-deliveries/{deliveryId}/replay',
]);
/**
 * Open to every signed-in user by design (what counts toward a programme, so learners can choose):
 * another organisation's owner reads it (200), an API key may not (403), nobody anonymous (401).
 */
const SIGNED_IN_CATALOGUE = new Set(['GET /api/v1/programmes/{programmeId}/agreements']);

for (const dialect of DIALECTS) {
  describe(`tenant isolation sweep over every id-taking console route (${dialect})`, () => {
    let t: TestApp;
    let ids: Record<string, string>;
    let ownerA: Session;
    let b: Awaited<ReturnType<typeof createOrganisation>>;
    let snapshot: string;

    async function dataOfA(): Promise<string> {
      const db = t.runtime.store.db;
      const parts = await Promise.all([
        db.selectFrom('organisations').selectAll().where('id', '=', ids.orgId!).execute(),
        db.selectFrom('memberships').selectAll().where('organisation_id', '=', ids.orgId!).orderBy('user_id').execute(),
        db.selectFrom('api_keys').select(['id', 'revoked_at']).where('organisation_id', '=', ids.orgId!).orderBy('id').execute(),
        db.selectFrom('issuers').selectAll().where('organisation_id', '=', ids.orgId!).orderBy('id').execute(),
        db.selectFrom('issuer_keys').select(['id', 'status']).where('issuer_id', '=', ids.issuerId!).orderBy('id').execute(),
        db.selectFrom('achievements').selectAll().where('organisation_id', '=', ids.orgId!).orderBy('id').execute(),
        db.selectFrom('credentials').select(['id', 'status']).where('organisation_id', '=', ids.orgId!).orderBy('id').execute(),
        db.selectFrom('bulk_jobs').select(['id']).where('organisation_id', '=', ids.orgId!).orderBy('id').execute(),
        db.selectFrom('recognition_programmes').selectAll().where('organisation_id', '=', ids.orgId!).orderBy('id').execute(),
        db.selectFrom('recognition_agreements').selectAll().where('organisation_id', '=', ids.orgId!).orderBy('id').execute(),
        db.selectFrom('recognition_requests').selectAll().where('organisation_id', '=', ids.orgId!).orderBy('id').execute(),
        db.selectFrom('rpl_cases').selectAll().where('organisation_id', '=', ids.orgId!).orderBy('id').execute(),
        db.selectFrom('rpl_files').select(['id', 'case_id', 'sha256']).where('case_id', '=', ids.caseId!).orderBy('id').execute(),
        db.selectFrom('pathways').selectAll().where('organisation_id', '=', ids.orgId!).orderBy('id').execute(),
        db.selectFrom('trusted_issuers').selectAll().where('organisation_id', '=', ids.orgId!).orderBy('id').execute(),
        db.selectFrom('pathway_flags').selectAll().where('organisation_id', '=', ids.orgId!).orderBy('id').execute(),
        db.selectFrom('webhook_subscriptions').selectAll().where('organisation_id', '=', ids.orgId!).orderBy('id').execute(),
        db.selectFrom('webhook_deliveries').selectAll().where('organisation_id', '=', ids.orgId!).orderBy('id').execute(),
        db.selectFrom('xapi_rules').selectAll().where('organisation_id', '=', ids.orgId!).orderBy('id').execute(),
        db.selectFrom('lti_platforms').selectAll().where('organisation_id', '=', ids.orgId!).orderBy('id').execute(),
        db.selectFrom('account_links').select(['id', 'email', 'role', 'used_at']).where('organisation_id', '=', ids.orgId!).orderBy('id').execute(),
      ]);
      return JSON.stringify(parts);
    }

    beforeAll(async () => {
      // Webhook targets on 127.0.0.1 may be subscribed (nothing is delivered: no runner runs here).
      t = await createTestApp(dialect, { allowAddress: (address) => address === '127.0.0.1' });
      const a = await issuingOrganisation(t);
      ownerA = a.owner;
      const webhook = await ownerA.request('POST', `/api/v1/organisations/${a.organisationId}/webhooks`, { url: 'http://127.0.0.1:9/hooks', events: ['credential.issued'] });
      expect(webhook.statusCode, webhook.body).toBe(201);
      const xapiRule = await ownerA.request('POST', `/api/v1/organisations/${a.organisationId}/xapi-rules`, { achievementId: a.achievementId, verbId: 'http://adlnet.gov/expapi/verbs/completed', activityId: 'https://lms.example/a' });
      expect(xapiRule.statusCode, xapiRule.body).toBe(201);
      const ltiPlatform = await ownerA.request('POST', `/api/v1/organisations/${a.organisationId}/lti-platforms`, {
        name: 'A\'s LMS', issuer: 'https://lms.a.example', clientId: 'a-client', deploymentIds: ['1'], jwksUrl: 'https://lms.a.example/jwks', authLoginUrl: 'https://lms.a.example/auth', tokenUrl: 'https://lms.a.example/token',
      });
      expect(ltiPlatform.statusCode, ltiPlatform.body).toBe(201);
      const credential = await ownerA.request('POST', `/api/v1/organisations/${a.organisationId}/credentials`, { achievementId: a.achievementId, recipient: { email: 'learner@a.test', name: 'Ada Learner' } });
      expect(credential.statusCode).toBe(201);
      const key = await ownerA.request('POST', `/api/v1/organisations/${a.organisationId}/api-keys`, { name: 'A key', scopes: ['read'] });
      const bulk = await ownerA.request('POST', `/api/v1/organisations/${a.organisationId}/bulk-issuances?achievementId=${a.achievementId}`, 'email\nbulk@a.test\n', { 'content-type': 'text/csv' });
      expect(bulk.statusCode).toBe(202);
      // A's recognition and RPL data: a programme with an agreement, a learner's request, a case with a file.
      const programme = await ownerA.request('POST', `/api/v1/organisations/${a.organisationId}/programmes`, { name: 'A programme', totalCredits: 60, modules: [{ id: 'M', name: 'Module', credits: 10 }] });
      expect(programme.statusCode, programme.body).toBe(201);
      const programmeId = programme.json().id as string;
      const agreement = await ownerA.request('POST', `/api/v1/organisations/${a.organisationId}/recognition-agreements`, { programmeId, moduleId: 'M', credits: 5, match: { fieldsOfStudy: ['data'] } });
      expect(agreement.statusCode, agreement.body).toBe(201);
      const signup = await signUpAndSignIn(t.app, { email: 'learner@a.test', password: 'learner-password-1', name: 'Ada Learner' });
      const learner = sessionFrom(t.app, signup);
      const document = (await t.app.inject({ method: 'GET', url: `/credentials/${credential.json().id as string}` })).body;
      const pasted = await learner.request('POST', '/api/v1/wallet/credentials', { text: document });
      expect(pasted.statusCode, pasted.body).toBe(201);
      const recognitionRequest = await learner.request('POST', '/api/v1/wallet/recognition-requests', { programmeId, credentialIds: [(pasted.json() as { item: { id: string } }).item.id] });
      expect(recognitionRequest.statusCode, recognitionRequest.body).toBe(201);
      const rplCase = await learner.request('POST', '/api/v1/wallet/rpl-cases', { achievementId: a.achievementId });
      expect(rplCase.statusCode, rplCase.body).toBe(201);
      const caseId = rplCase.json().id as string;
      const boundary = '----sweep';
      const form = `--${boundary}\r\nContent-Disposition: form-data; name="outcomeId"\r\n\r\nlo-1\r\n--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="notes.txt"\r\nContent-Type: text/plain\r\n\r\nMy notes\r\n--${boundary}--\r\n`;
      const evidence = await learner.request('POST', `/api/v1/wallet/rpl-cases/${caseId}/evidence`, form, { 'content-type': `multipart/form-data; boundary=${boundary}` });
      expect(evidence.statusCode, evidence.body).toBe(200);
      const pathway = await ownerA.request('POST', `/api/v1/organisations/${a.organisationId}/pathways`, {
        name: 'Data Literacy pathway', achievementId: a.achievementId, status: 'published', rules: { requirements: [{ id: 'a', kind: 'minEqfLevel', level: 5 }] },
      });
      expect(pathway.statusCode, pathway.body).toBe(201);
      const trusted = await ownerA.request('POST', `/api/v1/organisations/${a.organisationId}/trusted-issuers`, { issuerId: 'did:web:partner.a.example', name: 'Partner of A' });
      expect(trusted.statusCode, trusted.body).toBe(201);
      const invitation = await ownerA.request('POST', `/api/v1/organisations/${a.organisationId}/invitations`, { email: 'colleague@a.test', role: 'issuer' });
      expect(invitation.statusCode, invitation.body).toBe(201);
      ids = {
        invitationId: invitation.json().id as string,
        orgId: a.organisationId, issuerId: a.issuerId, userId: ownerA.userId, keyId: key.json().id as string,
        achievement: a.achievementId, credential: credential.json().id as string, bulk: bulk.json().id as string,
        pathwayId: pathway.json().id as string, trustedId: trusted.json().id as string,
        // No award has been flagged: a made-up flag under A's organisation must still be refused before it is looked up.
        flagId: '00000000-0000-4000-8000-0000000000f1',
        webhookId: webhook.json().id as string, ruleId: xapiRule.json().id as string, platformId: ltiPlatform.json().id as string,
        deliveryId: (await t.runtime.store.db.selectFrom('webhook_deliveries').select('id').where('organisation_id', '=', a.organisationId).executeTakeFirstOrThrow()).id,
        programmeId, agreementId: agreement.json().id as string, requestId: recognitionRequest.json().id as string, caseId,
        evidenceId: (evidence.json() as { outcomes: { evidence: { id: string }[] }[] }).outcomes[0]!.evidence[0]!.id,
      };
      b = await createOrganisation(t, 'Organisation B', 'owner@b.test');
      snapshot = await dataOfA();
    });
    afterAll(async () => {
      await t.close();
    });

    it('no route lets another organisation or an anonymous caller read or change anything of A', async () => {
      const spec = (await t.app.inject('/docs/json')).json() as { paths: Record<string, Record<string, unknown>> };
      const checked: string[] = [];
      for (const [template, operations] of Object.entries(spec.paths)) {
        if (!template.startsWith('/api/v1/') || !template.includes('{')) continue;
        // A learner's routes belong to a person, not an organisation: learner-isolation.test.ts sweeps them.
        if (LEARNER_PREFIXES.some((prefix) => template.startsWith(prefix))) continue;
        // An invitation link is a capability by design (its token is the secret; test/http/account-links.test.ts).
        if (template.startsWith('/api/v1/invitations/')) continue;
        for (const method of Object.keys(operations).map((m) => m.toUpperCase())) {
          const route = `${method} ${template}`;
          const idFor = template.startsWith('/api/v1/achievements/') ? ids.achievement
            : template.startsWith('/api/v1/credentials/') ? ids.credential
            : template.startsWith('/api/v1/bulk-issuances/') ? ids.bulk : undefined;
          const url = template
            .replace('{orgId}', ids.orgId!).replace('{issuerId}', ids.issuerId!).replace('{userId}', ids.userId!)
            .replace('{keyId}', ids.keyId!).replace('{pathwayId}', ids.pathwayId!).replace('{trustedId}', ids.trustedId!).replace('{flagId}', ids.flagId!)
            .replace('{programmeId}', ids.programmeId!).replace('{agreementId}', ids.agreementId!).replace('{requestId}', ids.requestId!)
            .replace('{caseId}', ids.caseId!).replace('{evidenceId}', ids.evidenceId!)
            .replace('{invitationId}', ids.invitationId!).replace('{webhookId}', ids.webhookId!).replace('{deliveryId}', ids.deliveryId!).replace('{ruleId}', ids.ruleId!).replace('{platformId}', ids.platformId!)
            .replace('{id}', idFor ?? 'MISSING')
            + (route === 'POST /api/v1/organisations/{orgId}/bulk-issuances' ? `?achievementId=${ids.achievement}` : '');
          expect(url, `${route}: no id known for this path`).not.toMatch(/MISSING|\{/);
          let payload: string | undefined;
          let contentType: string | undefined;
          if (method !== 'GET' && !NO_BODY.has(route)) {
            const raw = RAW_BODIES[route];
            const body = BODIES[route];
            expect(raw ?? body, `${route}: add an example body to this test`).toBeDefined();
            if (raw) {
              payload = raw.body;
              contentType = raw.type;
            } else {
              const value = body === 'ACHIEVEMENT' ? { issuerId: ids.issuerId, ...MICRO_CREDENTIAL }
                : body === 'PATHWAY' ? { name: 'Hijacked', achievementId: ids.achievement, status: 'archived', rules: { requirements: [{ id: 'a', kind: 'minEqfLevel', level: 1 }] } }
                : body === 'CREDENTIAL' ? { achievementId: ids.achievement, recipient: { email: 'x@b.test' } }
                : body === 'XAPI_RULE' ? { achievementId: ids.achievement, verbId: 'http://adlnet.gov/expapi/verbs/completed', activityId: 'https://lms.example/hostile' } : body;
              payload = JSON.stringify(value);
              contentType = 'application/json';
            }
          }
          const headers: Record<string, string> = contentType ? { 'content-type': contentType } : {};
          const asOwnerB = await b.owner.request(method as 'GET', url, payload, headers);
          const withKeyB = await t.app.inject({ method: method as 'GET', url, headers: { ...headers, ...bearer(b.apiKey) }, ...(payload !== undefined ? { payload } : {}) });
          const anonymous = await t.app.inject({ method: method as 'GET', url, headers, ...(payload !== undefined ? { payload } : {}) });
          const catalogue = SIGNED_IN_CATALOGUE.has(route);
          expect(asOwnerB.statusCode, `${route} as B's owner: ${asOwnerB.body}`).toBe(catalogue ? 200 : 404);
          expect(withKeyB.statusCode, `${route} with B's API key: ${withKeyB.body}`).toBe(catalogue ? 403 : 404);
          expect(anonymous.statusCode, `${route} anonymous: ${anonymous.body}`).toBe(401);
          for (const response of [asOwnerB, withKeyB, anonymous]) {
            expect(response.body).not.toContain('learner@a.test');
            expect(response.body).not.toContain('Ada Learner');
            expect(response.body).not.toContain('Data Literacy');
            expect(response.body).not.toContain('My notes');
          }
          checked.push(route);
        }
      }
      expect(checked.length).toBeGreaterThanOrEqual(30);
      expect(checked).toEqual(expect.arrayContaining([
        'GET /api/v1/organisations/{orgId}/programmes/{programmeId}', 'PUT /api/v1/organisations/{orgId}/programmes/{programmeId}',
        'PUT /api/v1/organisations/{orgId}/recognition-agreements/{agreementId}', 'DELETE /api/v1/organisations/{orgId}/recognition-agreements/{agreementId}',
        'GET /api/v1/organisations/{orgId}/recognition-requests/{requestId}', 'POST /api/v1/organisations/{orgId}/recognition-requests/{requestId}/decisions',
        'POST /api/v1/organisations/{orgId}/recognition-requests/{requestId}/issuance', 'GET /api/v1/organisations/{orgId}/rpl-cases/{caseId}',
        'GET /api/v1/organisations/{orgId}/rpl-cases/{caseId}/evidence/{evidenceId}/file', 'POST /api/v1/organisations/{orgId}/rpl-cases/{caseId}/reviews',
        'POST /api/v1/organisations/{orgId}/rpl-cases/{caseId}/decision', 'POST /api/v1/organisations/{orgId}/rpl-cases/{caseId}/issuance',
        'GET /api/v1/programmes/{programmeId}/agreements',
        'GET /api/v1/organisations/{orgId}/webhooks/{webhookId}/deliveries', 'POST /api/v1/organisations/{orgId}/webhook-deliveries/{deliveryId}/replay',
        'DELETE /api/v1/organisations/{orgId}/xapi-rules/{ruleId}', 'POST /api/v1/organisations/{orgId}/xapi-rules',
      ]));
      expect(await dataOfA()).toBe(snapshot);
      // A still sees its own data through the same routes.
      expect((await ownerA.request('GET', `/api/v1/credentials/${ids.credential}`)).statusCode).toBe(200);
      expect((await ownerA.request('GET', `/api/v1/organisations/${ids.orgId}/rpl-cases/${ids.caseId}/evidence/${ids.evidenceId}/file`)).body).toBe('My notes');
      expect((await ownerA.request('GET', `/api/v1/organisations/${ids.orgId}/recognition-requests/${ids.requestId}`)).statusCode).toBe(200);
    });
  });
}
