/**
 * microcred's wallet as a holder for other organisations (issue 12 §4), over real HTTPS on 127.0.0.1:
 * another issuer (OpenID4VCI 1.0, spec-written in test/support/openid4vc-peers.ts, signing with
 * @digitalbazaar/vc and jose) hands the learner an OB 3.0 credential by a pre-authorized offer, with and
 * without a transaction code, only after checking her did:key proof; another verifier (OpenID4VP 1.0,
 * request signed by its did:key, DCQL) receives her presentation and checks it with @digitalbazaar/vc
 * (signature, nonce as challenge, client_id as domain). microcred reaches them only through the guarded
 * fetcher, which here trusts the peers' certificate and 127.0.0.1 and nothing else.
 */
import { get as httpsGet } from 'node:https';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as vc from '@digitalbazaar/vc';
import { DataIntegrityProof } from '@digitalbazaar/data-integrity';
import { cryptosuite as eddsaRdfc2022Cryptosuite } from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import { createGuardedFetcher } from '../../src/net/guarded-fetcher.ts';
import type { JsonObject } from '../../src/vc/types.ts';
import { createTestApp, sessionFrom, signUpAndSignIn, type Session, type TestApp } from '../support/app.ts';
import { DIALECTS, warnIfPostgresSkipped } from '../support/db.ts';
import { startPeers, type Peers } from '../support/openid4vc-peers.ts';
import { referenceDocumentLoader } from '../support/reference.ts';

warnIfPostgresSkipped();

interface Item { id: string; source: string; status: string; name: string }

for (const dialect of DIALECTS) {
  describe(`the wallet takes credentials from another issuer and presents them to another verifier (${dialect})`, () => {
    let t: TestApp;
    let peers: Peers;
    let ana: Session;
    let anaDid: string;
    let contacted: string[];

    beforeAll(async () => {
      peers = await startPeers();
      contacted = [];
      const guarded = createGuardedFetcher({ allowAddress: (address) => address === '127.0.0.1', ca: peers.ca });
      t = await createTestApp(dialect, {
        fetcher: async (url, options) => {
          contacted.push(url);
          return guarded(url, options);
        },
      });
      ana = sessionFrom(t.app, await signUpAndSignIn(t.app, { email: 'ana@learner.test', password: 'learner-password-1', name: 'Ana' }));
      const did = await ana.request('POST', '/api/v1/me/did');
      anaDid = did.json().did as string;
    });
    afterAll(async () => {
      await t?.close();
      await peers?.close();
    });

    const walletItems = async () => ((await ana.request('GET', '/api/v1/wallet/credentials')).json() as { items: Item[] }).items;

    it('shows who offers what before anything is taken', async () => {
      const offer = peers.offer();
      const preview = await ana.request('POST', '/api/v1/wallet/openid4vci/offer-preview', { offer });
      expect(preview.statusCode, preview.body).toBe(200);
      expect(preview.json()).toMatchObject({
        credentialIssuer: peers.origin, issuerName: 'Partner University', txCode: null, grant: 'pre-authorized_code',
        credentials: [
          { configurationId: 'teamwork-ldp', format: 'ldp_vc', name: 'Teamwork Badge', supported: true },
          { configurationId: 'teamwork-jwt', format: 'jwt_vc_json', name: 'Teamwork Badge (JWT)', supported: true },
        ],
      });
      expect(peers.issued).toHaveLength(0);
      expect(await walletItems()).toHaveLength(0);
    });

    it('takes an offer without a transaction code: ldp_vc and jwt_vc_json, bound to her did:key, verified and kept', async () => {
      const response = await ana.request('POST', '/api/v1/wallet/openid4vci/offers', { offer: peers.offer() });
      expect(response.statusCode, response.body).toBe(201);
      const body = response.json() as { items: { item: Item; duplicate: boolean; configurationId: string; boundToHolder: boolean }[] };
      expect(body.items.map((entry) => entry.configurationId)).toEqual(['teamwork-ldp', 'teamwork-jwt']);
      for (const entry of body.items) {
        expect(entry).toMatchObject({ duplicate: false, boundToHolder: true, item: { source: 'openid4vci', status: 'verified', name: 'Teamwork' } });
      }
      // The issuer checked a proof of her key (signature, audience, its nonce) and bound both credentials to her DID.
      expect(peers.issued.map((record) => record.holder)).toEqual([anaDid, anaDid]);
      // What the wallet keeps is what the issuer signed, and the reference library verifies it.
      const ldp = peers.issued[0]!.credential as JsonObject;
      const detail = (await ana.request('GET', `/api/v1/wallet/credentials/${body.items[0]!.item.id}`)).json() as { sourceUrl?: string };
      expect(detail.sourceUrl).toBe(peers.origin);
      const suite = new DataIntegrityProof({ cryptosuite: eddsaRdfc2022Cryptosuite });
      const reference = await vc.verifyCredential({ credential: ldp, suite, documentLoader: referenceDocumentLoader }) as { verified: boolean };
      expect(reference.verified).toBe(true);
      expect((await walletItems()).filter((item) => item.source === 'openid4vci')).toHaveLength(2);
    });

    it('the same offer cannot be taken twice (the issuer refuses the used code) and nothing more is kept', async () => {
      const offer = peers.offer({ configurations: ['teamwork-ldp'] });
      expect((await ana.request('POST', '/api/v1/wallet/openid4vci/offers', { offer })).statusCode).toBe(201);
      const before = (await walletItems()).length;
      const again = await ana.request('POST', '/api/v1/wallet/openid4vci/offers', { offer });
      expect(again.statusCode).toBe(422);
      expect(again.json().detail, again.body).toMatch(/invalid_grant/);
      expect(await walletItems()).toHaveLength(before);
    });

    it('asks for the transaction code, refuses a wrong one in words, and takes the offer with the right one', async () => {
      const offer = peers.offer({ txCode: '4921', configurations: ['teamwork-ldp'] });
      const preview = (await ana.request('POST', '/api/v1/wallet/openid4vci/offer-preview', { offer })).json();
      expect(preview.txCode).toEqual({ length: 4, inputMode: 'numeric', description: 'The code we e-mailed you' });
      const before = (await walletItems()).length;
      const issuedBefore = peers.issued.length;

      const missing = await ana.request('POST', '/api/v1/wallet/openid4vci/offers', { offer });
      expect(missing.statusCode).toBe(422);
      expect(missing.json().errors?.[0]?.pointer).toBe('/txCode');

      const wrong = await ana.request('POST', '/api/v1/wallet/openid4vci/offers', { offer, txCode: '0000' });
      expect(wrong.statusCode).toBe(422);
      expect(wrong.json().errors?.[0]).toMatchObject({ pointer: '/txCode' });
      expect(wrong.json().detail).toMatch(/transaction code/);
      expect(peers.refusals).toContain('invalid_grant');
      expect(peers.issued).toHaveLength(issuedBefore);
      expect(await walletItems()).toHaveLength(before);

      const right = await ana.request('POST', '/api/v1/wallet/openid4vci/offers', { offer, txCode: '4921' });
      expect(right.statusCode, right.body).toBe(201);
      expect(right.json().items[0].item.status).toBe('verified');
      expect(await walletItems()).toHaveLength(before + 1);
    });

    it('refuses offers that point at private or odd addresses without contacting them, and input that is no offer', async () => {
      const byValue = (issuer: string) => `openid-credential-offer://?credential_offer=${encodeURIComponent(JSON.stringify({
        credential_issuer: issuer, credential_configuration_ids: ['x'], grants: { 'urn:ietf:params:oauth:grant-type:pre-authorized_code': { 'pre-authorized_code': 'abc' } },
      }))}`;
      const cases: [string, RegExp][] = [
        [byValue('https://169.254.169.254/latest'), /may not be contacted/],
        [byValue('https://10.1.2.3'), /may not be contacted/],
        [`openid-credential-offer://?credential_offer_uri=${encodeURIComponent('https://192.168.0.1/offer')}`, /may not be contacted/],
        [byValue(`http://127.0.0.1:${new URL(peers.origin).port}`), /https|not a valid/],
        [`openid-credential-offer://?credential_offer_uri=${encodeURIComponent('file:///etc/passwd')}`, /./],
        ['openid-credential-offer://?nothing=here', /no credential offer/],
        ['not a link at all', /not a credential offer link/],
        [`openid-credential-offer://?credential_offer=${encodeURIComponent('{"credential_issuer":')}`, /could not be read/],
      ];
      for (const [offer, reason] of cases) {
        contacted.length = 0;
        const response = await ana.request('POST', '/api/v1/wallet/openid4vci/offer-preview', { offer });
        expect(response.statusCode, offer).toBe(422);
        expect(response.json().detail, offer).toMatch(reason);
        expect(response.body).not.toMatch(/stack|at .*\.ts/);
        // Every address went to the one guarded door (which refused the private ones before connecting).
        if (/may not be contacted/.test(String(reason))) expect(contacted.length).toBeGreaterThan(0);
      }
      // Signed out, nothing is read at all.
      contacted.length = 0;
      const anonymous = await t.app.inject({ method: 'POST', url: '/api/v1/wallet/openid4vci/offer-preview', payload: { offer: peers.offer() } });
      expect(anonymous.statusCode).toBe(401);
      expect(contacted).toEqual([]);
    });

    it('takes an offer that needs a sign-in at the issuer: authorization code flow with PKCE, back through the wallet\'s callback', async () => {
      const offer = peers.offer({ authorizationCode: true, configurations: ['teamwork-ldp'] });
      expect((await ana.request('POST', '/api/v1/wallet/openid4vci/offer-preview', { offer })).json().grant).toBe('authorization_code');
      // Taking it directly is refused in words: she must sign in first.
      const direct = await ana.request('POST', '/api/v1/wallet/openid4vci/offers', { offer });
      expect(direct.statusCode).toBe(422);
      expect(direct.json().detail).toMatch(/sign in at the issuer/);

      const started = await ana.request('POST', '/api/v1/wallet/openid4vci/authorizations', { offer });
      expect(started.statusCode, started.body).toBe(200);
      const authorizationUrl = new URL(started.json().authorizationUrl as string);
      expect(authorizationUrl.origin + authorizationUrl.pathname).toBe(`${peers.origin}/authorize`);
      // The browser goes to the issuer, which sends it back with a code and the state.
      const back = await new Promise<URL>((resolve, reject) => {
        httpsGet(authorizationUrl, { ca: peers.ca }, (answer) => {
          answer.resume();
          resolve(new URL(answer.headers.location ?? 'about:blank'));
        }).on('error', reject);
      });
      const asked = peers.authorizationRequests.at(-1)!;
      expect(asked).toMatchObject({ response_type: 'code', code_challenge_method: 'S256', client_id: 'https://issuer.test', redirect_uri: 'https://issuer.test/wallet/exchange/callback', scope: 'teamwork' });
      // The state the issuer sees is sealed: neither the offer nor the PKCE verifier can be read from it.
      expect(asked.state).not.toMatch(/teamwork|offers|credential_offer/);
      expect(back.origin + back.pathname).toBe('https://issuer.test/wallet/exchange/callback');
      const code = back.searchParams.get('code')!;
      const state = back.searchParams.get('state')!;

      // The state is Ana's: another learner cannot finish her sign-in, and a changed state is refused.
      const bob = sessionFrom(t.app, await signUpAndSignIn(t.app, { email: 'bob.auth@learner.test', password: 'learner-password-1' }));
      const stolen = await bob.request('POST', '/api/v1/wallet/openid4vci/authorizations/callback', { code, state });
      expect(stolen.statusCode).toBe(422);
      expect(stolen.json().errors?.[0]?.pointer).toBe('/state');
      const forged = await ana.request('POST', '/api/v1/wallet/openid4vci/authorizations/callback', { code, state: `${state.slice(0, -4)}AAAA` });
      expect(forged.statusCode).toBe(422);

      const before = peers.issued.length;
      const done = await ana.request('POST', '/api/v1/wallet/openid4vci/authorizations/callback', { code, state });
      expect(done.statusCode, done.body).toBe(201);
      expect(done.json().items).toHaveLength(1);
      expect(done.json().items[0]).toMatchObject({ boundToHolder: true, item: { source: 'openid4vci', status: 'verified' } });
      expect(peers.issued.slice(before).map((record) => record.holder)).toEqual([anaDid]);
      // The code is spent: coming back with it again gets the issuer's refusal, and nothing more is kept.
      const again = await ana.request('POST', '/api/v1/wallet/openid4vci/authorizations/callback', { code, state });
      expect(again.statusCode).toBe(422);
      expect(again.json().detail, again.body).toMatch(/invalid_grant/);
    });

    it('refuses an offer with only formats it cannot keep, naming them', async () => {
      const response = await ana.request('POST', '/api/v1/wallet/openid4vci/offers', { offer: peers.offer({ configurations: ['teamwork-mdoc'] }) });
      expect(response.statusCode).toBe(422);
      expect(response.json().detail).toMatch(/mso_mdoc/);
    });

    it('answers another verifier\'s request: shows who asks and what matches, signs for its nonce and client_id, and follows its redirect', async () => {
      const request = await peers.request();
      const preview = await ana.request('POST', '/api/v1/wallet/openid4vp/request-preview', { request: request.link });
      expect(preview.statusCode, preview.body).toBe(200);
      const asked = preview.json() as { clientId: string; verifierName: string; signedRequest: boolean; satisfiable: boolean; credentials: { queryId: string; matches: { id: string }[] }[] };
      expect(asked).toMatchObject({ clientId: request.clientId, verifierName: 'Acme Hiring', signedRequest: true, satisfiable: true });
      const ldpItems = (await walletItems()).filter((item) => item.source === 'openid4vci');
      expect(asked.credentials[0]!.matches.length).toBeGreaterThanOrEqual(1);
      expect(peers.presentations).toHaveLength(0);

      const chosen = asked.credentials[0]!.matches[0]!.id;
      expect(ldpItems.map((item) => item.id)).toContain(chosen);
      const answer = await ana.request('POST', '/api/v1/wallet/openid4vp/responses', { request: request.link, credentialIds: [chosen] });
      expect(answer.statusCode, answer.body).toBe(200);
      expect(answer.json().outcome).toEqual({ accepted: true, status: 200, error: null, redirectUri: `${peers.origin}/vp/done/${request.id}`, presented: [chosen] });
      const received = peers.presentations.at(-1)!;
      expect(received).toMatchObject({ verified: true, holder: anaDid, challenge: request.nonce, domain: request.clientId });

      // The verifier's check can fail: the same presentation for another nonce or audience is refused by the reference library.
      const vp = (received.vpToken as Record<string, JsonObject[]>).badge![0]!;
      const suite = new DataIntegrityProof({ cryptosuite: eddsaRdfc2022Cryptosuite });
      const otherNonce = await vc.verify({ presentation: vp, suite, challenge: 'another-nonce', domain: request.clientId, documentLoader: referenceDocumentLoader, checkStatus: async () => ({ verified: true }) }) as { verified: boolean };
      expect(otherNonce.verified).toBe(false);
      const otherAudience = await vc.verify({ presentation: vp, suite, challenge: request.nonce, domain: 'decentralized_identifier:did:key:z6MkOther', documentLoader: referenceDocumentLoader, checkStatus: async () => ({ verified: true }) }) as { verified: boolean };
      expect(otherAudience.verified).toBe(false);

      // Answering the same request again is the verifier's to refuse: the outcome says so, in its words.
      const replay = await ana.request('POST', '/api/v1/wallet/openid4vp/responses', { request: request.link, credentialIds: [chosen] });
      expect(replay.statusCode).toBe(200);
      expect(replay.json().outcome).toMatchObject({ accepted: false, status: 400, redirectUri: null });
      expect(replay.json().outcome.error).toMatch(/answered already/);
    });

    it('presents a jwt_vc_json credential as a JWT presentation bound to the nonce and audience', async () => {
      const request = await peers.request({ format: 'jwt_vc_json' });
      const asked = (await ana.request('POST', '/api/v1/wallet/openid4vp/request-preview', { request: request.link })).json() as { credentials: { matches: { id: string }[] }[] };
      const chosen = asked.credentials[0]!.matches[0]!.id;
      const answer = await ana.request('POST', '/api/v1/wallet/openid4vp/responses', { request: request.link, credentialIds: [chosen] });
      expect(answer.statusCode, answer.body).toBe(200);
      expect(answer.json().outcome.accepted).toBe(true);
      expect(peers.presentations.at(-1)).toMatchObject({ verified: true, holder: anaDid, challenge: request.nonce, domain: request.clientId });
    });

    it('answers an unsigned request by value from a verifier identified by its redirect_uri', async () => {
      const request = await peers.request({ unsigned: true });
      const preview = await ana.request('POST', '/api/v1/wallet/openid4vp/request-preview', { request: request.link });
      expect(preview.statusCode, preview.body).toBe(200);
      expect(preview.json()).toMatchObject({ clientId: request.clientId, signedRequest: false, satisfiable: true });
      const chosen = preview.json().credentials[0].matches[0].id as string;
      const answer = await ana.request('POST', '/api/v1/wallet/openid4vp/responses', { request: request.link, credentialIds: [chosen] });
      expect(answer.statusCode, answer.body).toBe(200);
      expect(answer.json().outcome.accepted).toBe(true);
      expect(peers.presentations.at(-1)).toMatchObject({ verified: true, challenge: request.nonce, domain: request.clientId });
    });

    it('refuses a request object whose signature is not its client_id\'s key, and sends nothing', async () => {
      const request = await peers.request({ forged: true });
      const sent = peers.presentations.length;
      const preview = await ana.request('POST', '/api/v1/wallet/openid4vp/request-preview', { request: request.link });
      expect(preview.statusCode).toBe(422);
      expect(preview.json().detail).toMatch(/signature/);
      const answer = await ana.request('POST', '/api/v1/wallet/openid4vp/responses', { request: request.link, credentialIds: [(await walletItems())[0]!.id] });
      expect(answer.statusCode).toBe(422);
      expect(peers.presentations).toHaveLength(sent);
    });

    it('says when nothing matches, refuses a credential that does not answer, and refuses Presentation Exchange', async () => {
      const request = await peers.request({ types: [['ClrCredential']] });
      const preview = (await ana.request('POST', '/api/v1/wallet/openid4vp/request-preview', { request: request.link })).json();
      expect(preview.satisfiable).toBe(false);
      expect(preview.credentials[0].matches).toEqual([]);
      const someItem = (await walletItems())[0]!.id;
      const sent = peers.presentations.length;
      const wrong = await ana.request('POST', '/api/v1/wallet/openid4vp/responses', { request: request.link, credentialIds: [someItem] });
      expect(wrong.statusCode).toBe(422);
      expect(wrong.json().errors?.[0]?.pointer).toBe('/credentialIds');
      expect(peers.presentations).toHaveLength(sent);

      const pex = await peers.request({ presentationDefinition: true });
      const refused = await ana.request('POST', '/api/v1/wallet/openid4vp/request-preview', { request: pex.link });
      expect(refused.statusCode).toBe(422);
      expect(refused.json().detail).toMatch(/Presentation Exchange|DCQL/);

      const privateUri = await ana.request('POST', '/api/v1/wallet/openid4vp/request-preview', {
        request: `openid4vp://?client_id=${encodeURIComponent(request.clientId)}&request_uri=${encodeURIComponent('https://10.0.0.7/request')}`,
      });
      expect(privateUri.statusCode).toBe(422);
      expect(privateUri.json().detail).toMatch(/may not be contacted/);
    });

    it('another learner\'s credential cannot be presented', async () => {
      const bob = sessionFrom(t.app, await signUpAndSignIn(t.app, { email: 'bob@learner.test', password: 'learner-password-1' }));
      const request = await peers.request();
      const anaItem = (await walletItems())[0]!.id;
      const response = await bob.request('POST', '/api/v1/wallet/openid4vp/responses', { request: request.link, credentialIds: [anaItem] });
      expect(response.statusCode).toBe(422);
      expect(peers.presentations.filter((record) => record.requestId === request.id)).toHaveLength(0);
    });
  });
}
