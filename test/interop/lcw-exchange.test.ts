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
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as vc from '@digitalbazaar/vc';
import type { JsonObject } from '../../src/vc/types.ts';
import { MICRO_CREDENTIAL } from '../http/credentials-fixture.ts';
import { DIALECTS, warnIfPostgresSkipped } from '../support/db.ts';
import { createInstanceFetch, httpsApi, startHttpsInstance, type HttpsInstance, type HttpsSession } from '../support/https-instance.ts';
import { standardContextsLoader, verifyWithDigitalBazaar } from '../support/independent-verifiers.ts';
import { didAuth, postJson, readLcwDeepLink, walletKey, type PresentationRequest as Request } from '../support/lcw-client.ts';
import { OPENSSL, requireTools } from '../support/tools.ts';

warnIfPostgresSkipped();

const noOpenssl = requireTools('the LCW exchange suite', [OPENSSL]);

for (const dialect of DIALECTS) {
  describe.skipIf(noOpenssl !== undefined)(`the Learner Credential Wallet over VC-API exchanges (${dialect})`, () => {
    let instance: HttpsInstance;
    let owner: HttpsSession;
    let organisationId: string;
    let achievementId: string;
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
      const made = await owner.request('POST', '/workflows/claim/exchanges', { variables: { credentialId: id }, ttl: 3600 });
      expect(made.status, made.text).toBe(201);
      expect((made.json as { expires: string }).expires).toBeDefined();
    });
  });
}
