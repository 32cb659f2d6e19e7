/**
 * OpenID4VP 1.0, verifier side, against an independent holder over real HTTP on 127.0.0.1: the server
 * listens; the scripted holder (test/support/openid4vp-holder.ts: Sphereon's did-auth-siop resolves and
 * posts, the digitalbazaar stack or jose signs with the holder's own did:key) answers its requests.
 * Proves: a valid answer is verified and the API shows the verdict with every check; a replayed
 * answer, a mismatched nonce and a wrong audience are refused; a tampered credential inside a validly
 * signed presentation is reported as tampered; an expired request is refused; the handle, not the id,
 * reads the verdict. A learner applying to a programme gets a recognition request from her wallet's answer.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PresentationRequestCreated, PresentationRequestState } from '../../src/http/contract/verifier.ts';
import type { JsonObject } from '../../src/vc/types.ts';
import { bearer, createTestApp, login, signUpAndSignIn, type TestApp } from '../support/app.ts';
import { DIALECTS, warnIfPostgresSkipped } from '../support/db.ts';
import { freePort } from '../support/net.ts';
import { answer, jwtPresentation, ldpPresentation, makeHolder, readRequest, type Holder } from '../support/openid4vp-holder.ts';
import { issuingOrganisation } from '../http/credentials-fixture.ts';

warnIfPostgresSkipped();

type Created = PresentationRequestCreated;
type State = PresentationRequestState;

for (const dialect of DIALECTS) {
  describe(`OpenID4VP verifier over HTTP with an independent holder (${dialect})`, () => {
    let t: TestApp;
    let base: string;
    let clock = Date.now();
    let org: Awaited<ReturnType<typeof issuingOrganisation>>;
    let credential: JsonObject;
    let jwtCredential: string;
    let holder: Holder;

    beforeAll(async () => {
      const port = await freePort();
      base = `http://127.0.0.1:${port}`;
      t = await createTestApp(dialect, { env: { PUBLIC_URL: base }, now: () => new Date(clock) });
      await t.app.listen({ port, host: '127.0.0.1' });
      org = await issuingOrganisation(t);
      const issued = await org.owner.request('POST', `/api/v1/organisations/${org.organisationId}/credentials`, { achievementId: org.achievementId, recipient: { email: 'ana@learner.test', name: 'Ana López' } });
      expect(issued.statusCode, issued.body).toBe(201);
      credential = (await t.app.inject(`/credentials/${(issued.json() as { id: string }).id}`)).json() as JsonObject;
      // The same badge as a VC-JWT, through the VC-API.
      const key = (await org.owner.request('POST', `/api/v1/organisations/${org.organisationId}/api-keys`, { name: 'jwt', scopes: ['issue'] })).json().key as string;
      const { proof: _proof, id: _id, credentialStatus: _status, ...unsigned } = credential;
      const enveloped = await t.app.inject({ method: 'POST', url: '/credentials/issue', headers: bearer(key), payload: { credential: unsigned, options: { format: 'vc-jwt' } } });
      expect(enveloped.statusCode, enveloped.body).toBe(201);
      jwtCredential = String((enveloped.json().verifiableCredential as JsonObject).id).replace('data:application/vc+jwt,', '');
      holder = await makeHolder();
    }, 60_000);
    afterAll(async () => {
      await t?.close();
    });

    const createRequest = async (body: JsonObject = {}): Promise<Created> => {
      const response = await fetch(`${base}/api/v1/verifier/presentation-requests`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      expect(response.status, await response.clone().text()).toBe(201);
      return await response.json() as Created;
    };
    const stateOf = async (handle: string): Promise<State> => {
      const response = await fetch(`${base}/api/v1/verifier/presentation-requests/${handle}`);
      expect(response.status).toBe(200);
      return await response.json() as State;
    };
    it('an independent wallet answers with an ldp_vp: the verdict is verified, with every check of the credential', async () => {
      const created = await createRequest({ issuerId: (credential.issuer as JsonObject).id as string });
      expect(created.link).toMatch(/^openid4vp:\/\/\?client_id=redirect_uri%3A/);
      expect(created.qr).toContain('<svg');
      expect(created.clientId).toBe(`redirect_uri:${base}/oid4vp/responses/${created.id}`);

      const request = await readRequest(created.link);
      const vp = await ldpPresentation(holder, [credential], request.nonce, request.client_id);
      const sent = await answer(request, { badge0_ldp: [vp] });
      expect(sent.status, await sent.clone().text()).toBe(200);

      const state = await stateOf(created.handle);
      expect(state.status).toBe('answered');
      expect(state.answer!.verified, JSON.stringify(state.answer!.checks)).toBe(true);
      expect(state.answer!.checks.map((c) => [c.id, c.outcome])).toEqual([['presentation-proof', 'passed'], ['credentials', 'passed'], ['request', 'passed']]);
      const member = state.answer!.credentials![0]!;
      expect(member.name).toBe('Data Literacy Essentials');
      for (const id of ['structure', 'proof', 'issuer-key', 'status', 'validity']) expect(member.checks!.find((c) => c.id === id)?.outcome, id).toBe('passed');
    });

    const refusal = async (response: Response): Promise<string> => {
      expect(response.status).toBe(400);
      const body = await response.json() as { error: string; error_description: string };
      expect(body.error).toBe('invalid_request');
      return body.error_description;
    };

    it('refuses a replayed answer: one answer per request, and the verdict stays the first', async () => {
      const created = await createRequest();
      const request = await readRequest(created.link);
      const vp = await ldpPresentation(holder, [credential], request.nonce, request.client_id);
      expect((await answer(request, { badge0_ldp: [vp] })).status).toBe(200);
      expect(await refusal(await answer(request, { badge0_ldp: [vp] }))).toMatch(/already answered/);
      const state = await stateOf(created.handle);
      expect(state.status).toBe('answered');
      expect(state.answer!.verified).toBe(true);
      expect(state.refused).toBe(1);
      // The request object is no longer served once answered.
      expect((await fetch(created.requestUri)).status).toBe(404);
    });

    it('refuses a presentation made for another nonce, or for another verifier; the request stays open for the right one', async () => {
      const created = await createRequest();
      const request = await readRequest(created.link);
      const otherNonce = await ldpPresentation(holder, [credential], 'a-nonce-of-another-request', request.client_id);
      expect(await refusal(await answer(request, { badge0_ldp: [otherNonce] }))).toMatch(/challenge|nonce/i);
      const otherAudience = await ldpPresentation(holder, [credential], request.nonce, 'redirect_uri:https://evil.example/cb');
      expect(await refusal(await answer(request, { badge0_ldp: [otherAudience] }))).toMatch(/domain|audience/i);
      const jwtWrongAud = await jwtPresentation(holder, [jwtCredential], request.nonce, 'https://evil.example');
      expect(await refusal(await answer(request, { badge0_jwt: [jwtWrongAud] }))).toMatch(/audience/);
      const jwtWrongNonce = await jwtPresentation(holder, [jwtCredential], 'other', request.client_id);
      expect(await refusal(await answer(request, { badge0_jwt: [jwtWrongNonce] }))).toMatch(/nonce/);
      let state = await stateOf(created.handle);
      expect(state.status).toBe('pending');
      expect(state.refused).toBe(4);
      expect(state.lastRefusal).toMatch(/nonce/);

      const good = await ldpPresentation(holder, [credential], request.nonce, request.client_id);
      expect((await answer(request, { badge0_ldp: [good] })).status).toBe(200);
      state = await stateOf(created.handle);
      expect(state.answer!.verified).toBe(true);
    });

    it('reports a tampered credential inside a validly signed presentation as not authentic', async () => {
      const created = await createRequest();
      const request = await readRequest(created.link);
      const tampered = structuredClone(credential);
      ((tampered.credentialSubject as JsonObject).achievement as JsonObject).name = 'Doctorate in Everything';
      const vp = await ldpPresentation(holder, [tampered], request.nonce, request.client_id);
      expect((await answer(request, { badge0_ldp: [vp] })).status).toBe(200);
      const state = await stateOf(created.handle);
      expect(state.answer!.verified).toBe(false);
      expect(state.answer!.checks.find((c) => c.id === 'presentation-proof')?.outcome).toBe('passed');
      expect(state.answer!.checks.find((c) => c.id === 'credentials')?.outcome).toBe('failed');
      const member = state.answer!.credentials![0]!;
      expect(member.authentic).toBe(false);
      expect(member.checks!.find((c) => c.id === 'proof')?.outcome).toBe('failed');
      expect(member.summary).toMatch(/not authentic/);
    });

    it('verifies a jwt_vp_json answer (jose-signed VP-JWT holding the VC-JWT)', async () => {
      const created = await createRequest({ achievementId: ((credential.credentialSubject as JsonObject).achievement as JsonObject).id as string });
      const request = await readRequest(created.link);
      const vp = await jwtPresentation(holder, [jwtCredential], request.nonce, request.client_id);
      const sent = await answer(request, { badge0_jwt: [vp] });
      expect(sent.status, await sent.clone().text()).toBe(200);
      const state = await stateOf(created.handle);
      expect(state.answer!.verified, JSON.stringify(state.answer)).toBe(true);
      expect(state.answer!.container).toBe('jwt');
      expect(state.answer!.credentials![0]!.name).toBe('Data Literacy Essentials');
    });

    it('reports a credential that is not what was asked for (another issuer) as failing the request', async () => {
      const created = await createRequest({ issuerId: 'did:web:another-university.example' });
      const request = await readRequest(created.link);
      const vp = await ldpPresentation(holder, [credential], request.nonce, request.client_id);
      expect((await answer(request, { badge0_ldp: [vp] })).status).toBe(200);
      const state = await stateOf(created.handle);
      expect(state.answer!.verified).toBe(false);
      expect(state.answer!.checks.find((c) => c.id === 'request')?.outcome).toBe('failed');
    });

    it('refuses an answer after the request expired, and no longer serves the request object', async () => {
      const created = await createRequest();
      const request = await readRequest(created.link);
      const vp = await ldpPresentation(holder, [credential], request.nonce, request.client_id);
      clock += 11 * 60_000;
      try {
        expect(await refusal(await answer(request, { badge0_ldp: [vp] }))).toMatch(/expired/);
        expect((await fetch(created.requestUri)).status).toBe(404);
        expect((await stateOf(created.handle)).status).toBe('expired');
      } finally {
        clock -= 11 * 60_000;
      }
    });

    it('forgets a request and its verdict a day after it expired', async () => {
      const old = await createRequest();
      clock += 25 * 60 * 60_000;
      try {
        await createRequest();
        expect((await fetch(`${base}/api/v1/verifier/presentation-requests/${old.handle}`)).status).toBe(404);
      } finally {
        clock -= 25 * 60 * 60_000;
      }
    });

    it('takes the wallet’s refusal (access_denied) as the answer', async () => {
      const created = await createRequest();
      const request = await readRequest(created.link);
      const sent = await fetch(request.response_uri, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ error: 'access_denied', error_description: 'The holder declined', state: request.state! }).toString() });
      expect(sent.status).toBe(200);
      const state = await stateOf(created.handle);
      expect(state.status).toBe('declined');
      expect(state).toMatchObject({ declined: { error: 'access_denied', description: 'The holder declined' } });
    });

    it('refuses hostile answers in words: no vp_token, a wrong state, an unknown query id, a string for an ldp_vp, bad JSON', async () => {
      const created = await createRequest();
      const request = await readRequest(created.link);
      const form = (fields: Record<string, string>) => fetch(request.response_uri, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(fields).toString() });
      await refusal(await form({ state: request.state! }));
      await refusal(await form({ state: 'other', vp_token: JSON.stringify({ badge0_ldp: [{}] }) }));
      expect(await refusal(await form({ state: request.state!, vp_token: JSON.stringify({ other_query: [{ a: 1 }] }) }))).toMatch(/other_query/);
      expect(await refusal(await form({ state: request.state!, vp_token: JSON.stringify({ badge0_ldp: ['eyJ.a.b'] }) }))).toMatch(/JSON object/);
      await refusal(await form({ state: request.state!, vp_token: '{not json' }));
      expect((await stateOf(created.handle)).status).toBe('pending');
      // An unknown request: an OAuth error, not a problem document.
      const unknown = await fetch(`${base}/oid4vp/responses/00000000-0000-4000-8000-000000000000`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'vp_token=%7B%7D' });
      expect(unknown.status).toBe(400);
      expect((await fetch(`${base}/oid4vp/requests/not-an-id`)).status).toBe(404);
    });

    it('reads the verdict only with the secret handle, not with the public id in the request URI', async () => {
      const created = await createRequest();
      expect((await fetch(`${base}/api/v1/verifier/presentation-requests/${created.id}`)).status).toBe(404);
      expect((await fetch(`${base}/api/v1/verifier/presentation-requests/${'x'.repeat(32)}`)).status).toBe(404);
      const bad = await fetch(`${base}/api/v1/verifier/presentation-requests`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ issuerId: 'not a url' }) });
      expect(bad.status).toBe(422);
      expect((await bad.json() as { errors: { pointer: string }[] }).errors[0]!.pointer).toBe('/issuerId');
    });

    it('a learner applies to a programme from her wallet app: the DCQL query names the agreement, the answer becomes a recognition request', async () => {
      const signedUp = await signUpAndSignIn(t.app, { email: 'ana@learner.test', password: 'learner-password-1' });
      expect(signedUp.statusCode, signedUp.body).toBe(200);
      const ana = await login(t.app, 'ana@learner.test', 'learner-password-1');
      const orgUrl = (path: string) => `/api/v1/organisations/${org.organisationId}/${path}`;
      const programme = await org.owner.request('POST', orgUrl('programmes'), { name: 'BSc Data', totalCredits: 60, maxRecognisedCredits: 30, modules: [{ id: 'DATA', name: 'Data handling', credits: 5 }] });
      expect(programme.statusCode, programme.body).toBe(201);
      const programmeId = programme.json().id as string;
      const issuerId = (credential.issuer as JsonObject).id as string;
      const achievementId = ((credential.credentialSubject as JsonObject).achievement as JsonObject).id as string;
      const agreement = await org.owner.request('POST', orgUrl('recognition-agreements'), { programmeId, moduleId: 'DATA', credits: 5, match: { issuerId, achievementId } });
      expect(agreement.statusCode, agreement.body).toBe(201);

      // Only a signed-in learner applies; a programme without agreements has nothing to ask for.
      expect((await t.app.inject({ method: 'POST', url: '/api/v1/wallet/recognition/presentation-requests', payload: { programmeId } })).statusCode).toBe(401);
      const made = await ana.request('POST', '/api/v1/wallet/recognition/presentation-requests', { programmeId });
      expect(made.statusCode, made.body).toBe(201);
      const created = made.json() as Created;
      const query = created.dcqlQuery as { credentials: { format: string; claims?: { path: string[]; values: string[] }[] }[] };
      expect(query.credentials.map((c) => c.format)).toEqual(['ldp_vc', 'jwt_vc_json']);
      expect(query.credentials[0]!.claims).toEqual([
        { id: 'issuer', path: ['issuer', 'id'], values: [issuerId] },
        { id: 'achievement', path: ['credentialSubject', 'achievement', 'id'], values: [achievementId] },
      ]);

      const request = await readRequest(created.link);
      const vp = await ldpPresentation(holder, [credential], request.nonce, request.client_id);
      expect((await answer(request, { badge0_ldp: [vp] })).status).toBe(200);
      const state = await stateOf(created.handle);
      expect(state.answer!.verified).toBe(true);
      expect(state.recognitionRequestId, state.recognitionProblem).toBeDefined();
      const mine = await ana.request('GET', `/api/v1/wallet/recognition-requests/${state.recognitionRequestId!}`);
      expect(mine.statusCode, mine.body).toBe(200);
      const recognition = mine.json() as { programmeId: string; credentialIds: string[]; proposal: { items: { decision: string }[] } };
      expect(recognition.programmeId).toBe(programmeId);
      expect(recognition.credentialIds).toHaveLength(1);
      expect(recognition.proposal.items.map((item) => item.decision)).toEqual(['accept']);
      // The presented credential is now in her wallet, as she would have uploaded it.
      const wallet = await ana.request('GET', `/api/v1/wallet/credentials/${recognition.credentialIds[0]!}`);
      expect(wallet.statusCode, wallet.body).toBe(200);
    });
  });
}
