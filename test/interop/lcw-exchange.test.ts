/**
 * Issue 12 §3: a claim taken into the Learner Credential Wallet over VC-API exchanges, against a
 * running instance over HTTPS on 127.0.0.1, by a client that behaves as LCW does: it reads the deep
 * link (https://lcw.app/request?request={credentialRequestOrigin, protocols.vcapi}), posts to the
 * exchange, answers the DID Authentication request with a presentation it signs with its own
 * did:key through @digitalbazaar/vc (not microcred's code), and receives the credential, which
 * @digitalbazaar/vc verifies (standard contexts only, status read from the instance) and which names
 * the client's DID as its subject. Then what a hostile or confused wallet sends: a wrong challenge or
 * domain, a presentation signed by another DID than its holder, an exchange used twice or expired,
 * malformed bodies; each is refused in the VC-API's problem form and issues nothing.
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as vc from '@digitalbazaar/vc';
import { SYSTEM } from '../../src/services/access.ts';
import type { JsonObject } from '../../src/vc/types.ts';
import { MICRO_CREDENTIAL } from '../http/credentials-fixture.ts';
import { DIALECTS, warnIfPostgresSkipped } from '../support/db.ts';
import { createInstanceFetch, httpsApi, startHttpsInstance, type HttpsInstance, type HttpsSession } from '../support/https-instance.ts';
import { standardContextsLoader, verifyWithDigitalBazaar } from '../support/independent-verifiers.ts';
import { didAuth, postJson, readLcwDeepLink, takeIntoLcw, walletKey, type PresentationRequest as Request } from '../support/lcw-client.ts';
import { OPENSSL, requireTools } from '../support/tools.ts';

warnIfPostgresSkipped();

const noOpenssl = requireTools('the LCW exchange suite', [OPENSSL]);

for (const dialect of DIALECTS) {
  describe.skipIf(noOpenssl !== undefined)(`the Learner Credential Wallet over VC-API exchanges (${dialect})`, () => {
    let instance: HttpsInstance;
    let owner: HttpsSession;
    let organisationId: string;
    let achievementId: string;
    let issuerDid: string;
    let issuerId: string;
    let fetcher: typeof fetch;
    let api: ReturnType<typeof httpsApi>;

    const post = (url: string, body: unknown, raw = false) => postJson(fetcher, url, body, raw);
    const copies = (id: string) => instance.server.runtime.store.db.selectFrom('credentials').select('id').where('bound_from', '=', id).execute();

    /** Issues to the address and answers the credential id and the claim link's token (from the development outbox). */
    const issue = async (email: string) => {
      const issued = await owner.request('POST', `/api/v1/organisations/${organisationId}/credentials`, { achievementId, recipient: { email } });
      expect(issued.status, issued.text).toBe(201);
      const id = (issued.json as { id: string }).id;
      const mail = await instance.server.runtime.store.db.selectFrom('outbox').select('text_body').where('to_address', '=', email).orderBy('created_at', 'desc').executeTakeFirstOrThrow();
      return { id, token: /\/claim\/([A-Za-z0-9_-]+)/.exec(mail.text_body)![1]! };
    };
    /** What the claim page does: makes an exchange for the claim and answers its deep link. */
    const exchangeFor = async (token: string) => {
      const made = await api.post('/workflows/claim/exchanges', { variables: { claimToken: token } });
      expect(made.status, made.text).toBe(201);
      return made.json as { exchangeId: string; exchangeUrl: string; lcwRequestUrl: string; expires: string };
    };
    const readDeepLink = readLcwDeepLink;

    beforeAll(async () => {
      instance = await startHttpsInstance(dialect);
      fetcher = createInstanceFetch({ origin: instance.origin, ca: instance.ca }).fetch;
      api = httpsApi(instance, fetcher);
      const org = await api.setUp('University of Testing', 'owner@uni.test', 'owner-password-1');
      owner = org.owner;
      organisationId = org.organisationId;
      issuerDid = org.issuerDid;
      issuerId = org.issuerId;
      expect((await owner.request('PATCH', `/api/v1/issuers/${org.issuerId}`, { country: 'FR' })).status).toBe(200);
      const defined = await owner.request('POST', `/api/v1/organisations/${organisationId}/achievements`, { issuerId: org.issuerId, ...MICRO_CREDENTIAL, eu: { ...MICRO_CREDENTIAL.eu } });
      expect(defined.status, defined.text).toBe(201);
      achievementId = (defined.json as { id: string }).id;
    }, 60_000);
    afterAll(async () => {
      await instance?.close();
    });

    it('takes a claim into the wallet: deep link, DID Authentication, then a credential bound to the wallet DID that @digitalbazaar/vc verifies', async () => {
      const { id, token } = await issue('ana@learner.test');
      const { lcwRequestUrl } = await exchangeFor(token);
      const request = readDeepLink(lcwRequestUrl);
      expect(request.credentialRequestOrigin).toBe(instance.origin);
      expect(request.protocols.vcapi.startsWith(`${instance.origin}/workflows/claim/exchanges/`)).toBe(true);

      // LCW starts the exchange with an empty object and is asked for DID Authentication.
      const started = await post(request.protocols.vcapi, {});
      expect(started.status).toBe(200);
      const vpr = started.json.verifiablePresentationRequest as unknown as Request;
      const queries = Array.isArray(vpr.query) ? vpr.query : [vpr.query];
      expect(queries.map((query) => query.type)).toEqual(['DIDAuthentication']);
      expect(vpr.challenge).toMatch(/.{16,}/);
      // LCW refuses a request whose domain is not the origin it was opened for.
      expect(new URL(vpr.domain).origin).toBe(request.credentialRequestOrigin);
      const endpoint = vpr.interact.service.find((service) => service.type === 'UnmediatedPresentationService2021')!.serviceEndpoint;
      expect(endpoint).toBe(request.protocols.vcapi);

      const wallet = await walletKey();
      const answered = await post(endpoint, { verifiablePresentation: await didAuth({ holder: wallet.did, key: wallet.key, challenge: vpr.challenge, domain: vpr.domain }) });
      expect(answered.status, JSON.stringify(answered.json)).toBe(200);
      const presentation = answered.json.verifiablePresentation as JsonObject;
      const [credential] = presentation.verifiableCredential as JsonObject[];
      expect((credential!.credentialSubject as JsonObject).id).toBe(wallet.did);
      const outcome = await verifyWithDigitalBazaar(credential!, standardContextsLoader(fetcher));
      expect(outcome, outcome.reason).toMatchObject({ accepted: true, proofValid: true, revoked: false });

      // The claim is used; the issuer's revocation of the original reaches the wallet's copy.
      expect((await api.get(`/api/v1/claim/${token}`)).json).toMatchObject({ claimed: true });
      expect((await owner.request('POST', `/api/v1/credentials/${id}/revoke`, { reason: 'Issued in error' })).status).toBe(200);
      expect(await verifyWithDigitalBazaar(credential!, standardContextsLoader(fetcher))).toMatchObject({ accepted: false, revoked: true });
    });

    it('the bare /exchanges/{id} path serves the same exchange', async () => {
      const { token } = await issue('bea@learner.test');
      const { exchangeId } = await exchangeFor(token);
      const started = await post(`${instance.origin}/exchanges/${exchangeId}`, {});
      const vpr = started.json.verifiablePresentationRequest as unknown as Request;
      const wallet = await walletKey();
      const answered = await post(`${instance.origin}/exchanges/${exchangeId}`, { verifiablePresentation: await didAuth({ holder: wallet.did, key: wallet.key, challenge: vpr.challenge, domain: vpr.domain }) });
      expect(answered.status).toBe(200);
    });

    it('refuses a wrong challenge or domain and a presentation signed by another DID than its holder, and stays usable', async () => {
      const { id, token } = await issue('cem@learner.test');
      const { exchangeUrl } = await exchangeFor(token);
      const vpr = (await post(exchangeUrl, {})).json.verifiablePresentationRequest as unknown as Request;
      const wallet = await walletKey();
      const other = await walletKey();
      const refusals = [
        await didAuth({ holder: wallet.did, key: wallet.key, challenge: 'a-challenge-of-another-exchange', domain: vpr.domain }),
        await didAuth({ holder: wallet.did, key: wallet.key, challenge: vpr.challenge, domain: 'https://evil.example' }),
        await didAuth({ holder: wallet.did, key: other.key, challenge: vpr.challenge, domain: vpr.domain }),
      ];
      const unsigned = vc.createPresentation({ holder: wallet.did, version: 2.0 }) as JsonObject;
      for (const verifiablePresentation of [...refusals, unsigned, { ...refusals[0]!, holder: 'not a did' }]) {
        const answer = await post(exchangeUrl, { verifiablePresentation });
        expect(answer.status, JSON.stringify(answer.json)).toBe(400);
        expect(answer.type).toContain('application/problem+json');
        expect(answer.json).toMatchObject({ type: expect.any(String), title: expect.any(String), detail: expect.any(String) });
      }
      expect(await copies(id)).toHaveLength(0);
      // The right answer still works after the refusals.
      const answered = await post(exchangeUrl, { verifiablePresentation: await didAuth({ holder: wallet.did, key: wallet.key, challenge: vpr.challenge, domain: vpr.domain }) });
      expect(answered.status).toBe(200);
    });

    it('an exchange is used once; a used claim gets no new exchange; an expired exchange is refused', async () => {
      const { id, token } = await issue('dan@learner.test');
      const { exchangeUrl } = await exchangeFor(token);
      const second = await exchangeFor(token); // made before the claim was used: refused when used
      const vpr = (await post(exchangeUrl, {})).json.verifiablePresentationRequest as unknown as Request;
      const wallet = await walletKey();
      const vp = await didAuth({ holder: wallet.did, key: wallet.key, challenge: vpr.challenge, domain: vpr.domain });
      expect((await post(exchangeUrl, { verifiablePresentation: vp })).status).toBe(200);
      const replay = await post(exchangeUrl, { verifiablePresentation: vp });
      expect(replay.status).toBe(409);
      expect(replay.json.detail).toMatch(/used once/);
      expect((await post(exchangeUrl, {})).status).toBe(409);

      const secondVpr = (await post(second.exchangeUrl, {})).json.verifiablePresentationRequest as unknown as Request;
      const late = await post(second.exchangeUrl, { verifiablePresentation: await didAuth({ holder: wallet.did, key: wallet.key, challenge: secondVpr.challenge, domain: secondVpr.domain }) });
      expect(late.status).toBe(409);
      expect(late.json.detail).toMatch(/already used/);
      expect(await copies(id)).toHaveLength(1);
      const again = await api.post('/workflows/claim/exchanges', { variables: { claimToken: token } });
      expect(again.status).toBe(409);

      const fresh = await issue('eve@learner.test');
      const expiring = await exchangeFor(fresh.token);
      const expiringVpr = (await post(expiring.exchangeUrl, {})).json.verifiablePresentationRequest as unknown as Request;
      // Its expiry moved into the past (no waiting in tests).
      await instance.server.runtime.store.db.updateTable('vcapi_exchanges').set({ expires_at: new Date(Date.now() - 1000).toISOString() }).where('id', '=', expiring.exchangeId).execute();
      const expired = await post(expiring.exchangeUrl, { verifiablePresentation: await didAuth({ holder: wallet.did, key: wallet.key, challenge: expiringVpr.challenge, domain: expiringVpr.domain }) });
      expect(expired.status).toBe(410);
      expect(expired.type).toContain('application/problem+json');
      expect(await copies(fresh.id)).toHaveLength(0);
    });

    it('answers malformed bodies, unknown exchanges and bad creations with problem details', async () => {
      const { token } = await issue('fay@learner.test');
      const { exchangeUrl } = await exchangeFor(token);
      for (const body of ['{"verifiablePresentation": ', 'not json', '[]', '"text"']) {
        const answer = await post(exchangeUrl, body, true);
        expect(answer.status, body).toBe(400);
        expect(answer.type).toContain('application/problem+json');
      }
      expect((await post(exchangeUrl, { verifiablePresentation: 'a string' })).status).toBe(400);
      expect((await post(`${instance.origin}/workflows/claim/exchanges/${'A'.repeat(32)}`, {})).status).toBe(404);
      expect((await post(`${instance.origin}/workflows/other/exchanges/${'A'.repeat(32)}`, {})).status).toBe(404);
      expect((await api.post('/workflows/other/exchanges', { variables: { claimToken: token } })).status).toBe(404);
      expect((await api.post('/workflows/claim/exchanges', { variables: { claimToken: 'x'.repeat(40) } })).status).toBe(404);
      expect((await api.post('/workflows/claim/exchanges', { variables: {} })).status).toBe(400);
      expect((await api.post('/workflows/claim/exchanges', { variables: { claimToken: token }, ttl: 5 })).status).toBe(400);
      expect((await api.post('/workflows/claim/exchanges', { variables: { claimToken: token }, extra: 1 })).status).toBe(400);
    });

    it('by credential id only for members who may issue', async () => {
      const { id } = await issue('gil@learner.test');
      expect((await api.post('/workflows/claim/exchanges', { variables: { credentialId: id } })).status).toBe(401);
      // Another organisation's owner does not see the credential at all.
      await instance.server.runtime.services.accounts.init({ organisationName: 'Other College', email: 'owner@other.test', password: 'other-password-1' });
      const stranger = await api.signIn('owner@other.test', 'other-password-1');
      expect((await stranger.request('POST', '/workflows/claim/exchanges', { variables: { credentialId: id } })).status).toBe(404);
      const made = await owner.request('POST', '/workflows/claim/exchanges', { variables: { credentialId: id }, ttl: 3600 });
      expect(made.status, made.text).toBe(201);
      expect((made.json as { expires: string }).expires).toBeDefined();
    });

    it('every kind of claim reaches the wallet: single, bulk, stacked, recognition and RPL credentials', async () => {
      const db = instance.server.runtime.store.db;
      const learner = { email: 'lin@learner.test', password: 'learner-password-1', name: 'Lin Chen' };
      const orgUrl = (path: string) => `/api/v1/organisations/${organisationId}/${path}`;
      const ok = (answer: { status: number; text: string }, status: number) => expect(answer.status, answer.text).toBe(status);
      /** The claim link's token of an issued credential: the one mailed whose hash the credential keeps. */
      const tokenOf = async (credentialId: string) => {
        const { claim_token_hash: hash } = await db.selectFrom('credentials').select('claim_token_hash').where('id', '=', credentialId).executeTakeFirstOrThrow();
        const mails = await db.selectFrom('outbox').select('text_body').where('to_address', '=', learner.email).execute();
        const tokens = mails.flatMap((mail) => [.../\/claim\/([A-Za-z0-9_-]+)/g.exec(mail.text_body) ?? []].slice(1));
        const token = tokens.find((candidate) => createHash('sha256').update(candidate).digest('hex') === hash);
        expect(token, `a claim link for ${credentialId}`).toBeDefined();
        return token!;
      };
      const define = async (body: JsonObject) => {
        const answer = await owner.request('POST', orgUrl('achievements'), { issuerId, ...body });
        ok(answer, 201);
        return (answer.json as { id: string }).id;
      };
      const stats = await define({ ...MICRO_CREDENTIAL, name: 'Statistics I', eu: { ...MICRO_CREDENTIAL.eu } });
      const ml = await define({ ...MICRO_CREDENTIAL, name: 'Machine Learning', eu: { ...MICRO_CREDENTIAL.eu } });
      const certificate = await define({ ...MICRO_CREDENTIAL, name: 'Certificate in Data Science', eu: { ...MICRO_CREDENTIAL.eu, creditsAvailable: 10 } });
      const recognised = await define({ name: 'Recognised prior learning', description: 'Credits recognised from prior learning.', criteria: 'A registrar decision.', achievementType: 'Badge' });

      ok(await api.post('/api/v1/auth/signup', learner), 202);
      const welcome = await db.selectFrom('outbox').select('text_body').where('to_address', '=', learner.email).executeTakeFirstOrThrow();
      ok(await api.post('/api/v1/auth/confirm-email', { token: /\/confirm-email\/([A-Za-z0-9_-]+)/.exec(welcome.text_body)![1] }), 200);
      const session = await api.signIn(learner.email, learner.password);
      /** Issued to the learner and added to her microcred wallet as a file (the claim link stays unused). */
      const issueAndImport = async (achievement: string) => {
        const issued = await owner.request('POST', orgUrl('credentials'), { achievementId: achievement, recipient: { email: learner.email, name: learner.name } });
        ok(issued, 201);
        const id = (issued.json as { id: string }).id;
        const added = await session.request('POST', '/api/v1/wallet/credentials', { text: (await api.get(`/credentials/${id}`)).text });
        ok(added, 201);
        return { id, walletId: (added.json as { item: { id: string } }).item.id, document: (await api.get(`/credentials/${id}`)).json as JsonObject };
      };
      const kinds = new Map<string, string>();

      // Single: one credential from the API.
      const single = await issueAndImport(achievementId);
      kinds.set('single', single.id);

      // Bulk: the batch issuance a CSV upload runs (one achievement, many rows, one transaction).
      const batch = await instance.server.runtime.services.credentials.prepareBatch(SYSTEM, organisationId, achievementId);
      const [bulk] = await db.transaction().execute((trx) => batch.issueMany(trx, [{ input: { achievementId, recipient: { email: learner.email } } }]));
      kinds.set('bulk', bulk!.id);

      // Stacked: a published pathway of two courses, completed in the wallet; the job runner issues the award.
      ok(await owner.request('POST', orgUrl('pathways'), {
        name: 'Data Science Certificate', achievementId: certificate, status: 'published',
        rules: { requirements: [{ id: 'core', label: 'Core courses', kind: 'allOf', achievements: [`${instance.origin}/achievements/${stats}`, `${instance.origin}/achievements/${ml}`] }] },
      }), 201);
      await issueAndImport(stats);
      await issueAndImport(ml);
      let awarded: string | undefined;
      for (let attempt = 0; attempt < 300 && !awarded; attempt++) {
        const progress = (await session.request('GET', '/api/v1/wallet/pathways')).json as { items: { awardedCredentialId?: string | null }[] };
        awarded = progress.items.find((item) => item.awardedCredentialId)?.awardedCredentialId ?? undefined;
        if (!awarded) await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(awarded, 'the job runner issued the stacked credential').toBeTruthy();
      kinds.set('stacked', awarded!);

      // Recognition: an agreement counts the micro-credential; the registrar approves.
      const programme = await owner.request('POST', orgUrl('programmes'), {
        name: 'BSc Data', achievementId: recognised, totalCredits: 60, maxRecognisedCredits: 30, modules: [{ id: 'DATA', name: 'Data handling', credits: 5 }],
      });
      ok(programme, 201);
      const programmeId = (programme.json as { id: string }).id;
      const microIri = ((single.document.credentialSubject as JsonObject).achievement as JsonObject).id as string;
      ok(await owner.request('POST', orgUrl('recognition-agreements'), { programmeId, moduleId: 'DATA', credits: 5, match: { issuerId: issuerDid, achievementId: microIri }, conditions: { minEqfLevel: 5 } }), 201);
      const asked = await session.request('POST', '/api/v1/wallet/recognition-requests', { programmeId, credentialIds: [single.walletId] });
      ok(asked, 201);
      const decided = await owner.request('POST', orgUrl(`recognition-requests/${(asked.json as { id: string }).id}/decisions`), { decisions: [{ credentialKey: single.walletId, action: 'approve' }] });
      ok(decided, 200);
      kinds.set('recognition', (decided.json as { issuedCredentialId: string }).issuedCredentialId);

      // RPL: evidence for each outcome, accepted by an assessor.
      const opened = await session.request('POST', '/api/v1/wallet/rpl-cases', { achievementId });
      ok(opened, 201);
      const rplCase = opened.json as { id: string; outcomes: { id: string }[] };
      for (const outcome of rplCase.outcomes) {
        ok(await session.request('POST', `/api/v1/wallet/rpl-cases/${rplCase.id}/evidence`, { outcomeId: outcome.id, evidence: { kind: 'narrative', text: 'I do this every week at work.' } }), 200);
      }
      ok(await session.request('POST', `/api/v1/wallet/rpl-cases/${rplCase.id}/submission`), 200);
      for (const outcome of rplCase.outcomes) ok(await owner.request('POST', orgUrl(`rpl-cases/${rplCase.id}/reviews`), { outcomeId: outcome.id, action: 'accept' }), 200);
      const award = await owner.request('POST', orgUrl(`rpl-cases/${rplCase.id}/decision`), {});
      ok(award, 200);
      kinds.set('RPL', (award.json as { issuedCredentialId: string }).issuedCredentialId);

      for (const [kind, id] of kinds) {
        const { lcwRequestUrl } = await exchangeFor(await tokenOf(id));
        const { credential, did } = await takeIntoLcw(fetcher, lcwRequestUrl);
        expect((credential.credentialSubject as JsonObject).id, kind).toBe(did);
        const original = (await api.get(`/credentials/${id}`)).json as JsonObject;
        expect((credential.credentialSubject as JsonObject).achievement, kind).toEqual((original.credentialSubject as JsonObject).achievement);
        const outcome = await verifyWithDigitalBazaar(credential, standardContextsLoader(fetcher));
        expect(outcome.accepted, `${kind}: ${outcome.reason}`).toBe(true);
      }
    }, 120_000);
  });
}
