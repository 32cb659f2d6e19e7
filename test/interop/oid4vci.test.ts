/**
 * Issue 12 §1: microcred as an OpenID4VCI issuer, taken from by a wallet client of another library.
 *
 * The instance runs for real over HTTPS on 127.0.0.1 (test/support/https-instance.ts); the wallet is
 * Sphereon's @sphereon/oid4vci-client (the issuer side is @openid4vc/openid4vci and @openid4vc/oauth2),
 * which speaks draft 15 of OpenID4VCI: metadata, offer, token and credential requests. Where 1.0 asks for
 * what that client does not do (the nonce endpoint's own call, `proofs`, the authorization request of the
 * code flow, hostile requests), this file is the client, written from the specification with `jose`.
 * Every credential received is verified by @digitalbazaar/vc with only the standard contexts and the
 * instance to read from, and must name the wallet's key as its subject.
 *
 * Sphereon's client fetches with cross-fetch (node-fetch), which takes no CA option: for this file's
 * worker only, the https global agent trusts the test's self-signed certificate (restored after).
 */
import { globalAgent } from 'node:https';
import { createHash, randomBytes } from 'node:crypto';
import * as Ed25519Multikey from '@digitalbazaar/ed25519-multikey';
import { OpenID4VCIClientV1_0_15 } from '@sphereon/oid4vci-client';
import { Alg, type Jwt } from '@sphereon/oid4vci-common';
import { decodeJwt, decodeProtectedHeader, exportJWK, generateKeyPair, importJWK, jwtVerify, SignJWT, type JWK } from 'jose';

type SigningKey = Parameters<SignJWT['sign']>[0];
import Ajv2019Module from 'ajv/dist/2019.js';
import addFormatsModule from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JsonObject } from '../../src/vc/types.ts';
import { MICRO_CREDENTIAL } from '../http/credentials-fixture.ts';
import { DIALECTS, warnIfPostgresSkipped } from '../support/db.ts';
import { createInstanceFetch, httpsApi, startHttpsInstance, type HttpsInstance, type HttpsSession } from '../support/https-instance.ts';
import { standardContextsLoader, verifyWithDigitalBazaar } from '../support/independent-verifiers.ts';
import { AUTHORIZATION_SERVER_METADATA_SCHEMA, CREDENTIAL_ISSUER_METADATA_SCHEMA } from '../support/oid4vci-metadata-schemas.ts';
import { OPENSSL, requireTools } from '../support/tools.ts';

warnIfPostgresSkipped();
const noOpenssl = requireTools('the OpenID4VCI interop suite', [OPENSSL]);

/** A wallet's key: how it is named in proofs (kid, or the bare jwk) and the DID the credential must name. */
interface HolderKey {
  alg: 'EdDSA' | 'ES256';
  privateKey: SigningKey;
  kid?: string;
  jwk?: JWK;
  did: string;
}

/** An Ed25519 did:key: the key from jose, its did:key fingerprint from the digitalbazaar Multikey library (not microcred's code). */
async function ed25519DidKey(): Promise<HolderKey> {
  const { publicKey, privateKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true });
  const keyPair = await Ed25519Multikey.fromJwk({ jwk: await exportJWK(publicKey) }) as { publicKeyMultibase: string };
  const did = `did:key:${keyPair.publicKeyMultibase}`;
  return { alg: 'EdDSA', privateKey, kid: `${did}#${keyPair.publicKeyMultibase}`, did };
}

/** A P-256 key sent as a bare JWK: the issuer names it as its did:jwk (did:jwk method §2). */
async function p256Jwk(): Promise<HolderKey> {
  const { publicKey, privateKey } = await generateKeyPair('ES256', { extractable: true });
  const jwk = await exportJWK(publicKey);
  const ordered = { crv: jwk.crv, kty: jwk.kty, x: jwk.x, y: jwk.y };
  return { alg: 'ES256', privateKey, jwk: ordered, did: `did:jwk:${Buffer.from(JSON.stringify(ordered)).toString('base64url')}` };
}

/** OpenID4VCI 1.0 Appendix F.1: the key proof, written here from the specification. */
async function keyProof(key: HolderKey, claims: { aud: string; nonce?: string; iat?: number }, header: Record<string, unknown> = {}): Promise<string> {
  return new SignJWT({ aud: claims.aud, iat: claims.iat ?? Math.floor(Date.now() / 1000), ...(claims.nonce !== undefined ? { nonce: claims.nonce } : {}) })
    .setProtectedHeader({ alg: key.alg, typ: 'openid4vci-proof+jwt', ...(key.kid ? { kid: key.kid } : { jwk: key.jwk }), ...header })
    .sign(key.privateKey);
}

/** The wallet's signing callback for Sphereon's client: signs the header and payload it built. */
function sphereonSigner(key: HolderKey) {
  return async (jwt: Jwt) => new SignJWT(jwt.payload as Record<string, unknown>).setProtectedHeader({ ...(jwt.header as Record<string, unknown>), alg: key.alg } as { alg: string }).sign(key.privateKey);
}

/** did:web method §3.2 (Read): did:web:host%3Aport:a:b → https://host:port/a/b/did.json (/.well-known/did.json for a bare host). */
function didWebDocumentUrl(did: string): string {
  const [host, ...path] = did.slice('did:web:'.length).split(':');
  return `https://${decodeURIComponent(host!)}/${path.length ? path.map(decodeURIComponent).join('/') : '.well-known'}/did.json`;
}

const ajv = new Ajv2019Module.default({ strict: false, allErrors: true });
addFormatsModule.default(ajv);
const validIssuerMetadata = ajv.compile(CREDENTIAL_ISSUER_METADATA_SCHEMA);
const validAsMetadata = ajv.compile(AUTHORIZATION_SERVER_METADATA_SCHEMA);

function subjectOf(credential: JsonObject): JsonObject {
  return credential.credentialSubject as JsonObject;
}

for (const dialect of DIALECTS) {
  describe.skipIf(noOpenssl !== undefined)(`OpenID4VCI issuance to an independent wallet client (${dialect})`, () => {
    let instance: HttpsInstance;
    let api: ReturnType<typeof httpsApi>;
    let owner: HttpsSession;
    let organisationId: string;
    let issuerId: string;
    let achievementId: string;
    let credentialIssuer: string;
    let restoreAgent: () => void;
    const instanceFetch = () => createInstanceFetch({ origin: instance.origin, ca: instance.ca }).fetch;

    /** Issues a credential to the address; answers its id and the claim link's token from the mail. */
    async function issue(email: string): Promise<{ id: string; token: string }> {
      const issued = await owner.request('POST', `/api/v1/organisations/${organisationId}/credentials`, { achievementId, recipient: { email, name: 'Lin Chen' } });
      expect(issued.status, issued.text).toBe(201);
      const mail = await instance.server.runtime.store.db.selectFrom('outbox').select('text_body').where('to_address', '=', email).orderBy('created_at', 'desc').executeTakeFirstOrThrow();
      return { id: (issued.json as { id: string }).id, token: /\/claim\/([A-Za-z0-9_-]+)/.exec(mail.text_body)![1]! };
    }

    /** POSTs as a wallet does (form or JSON), answering status and JSON. */
    async function post(path: string, body: Record<string, string> | JsonObject, options: { form?: boolean; token?: string } = {}) {
      const response = await instanceFetch()(path.startsWith('http') ? path : `${instance.origin}${path}`, {
        method: 'POST',
        headers: { 'content-type': options.form ? 'application/x-www-form-urlencoded' : 'application/json', accept: 'application/json', ...(options.token ? { authorization: `Bearer ${options.token}` } : {}) },
        body: options.form ? new URLSearchParams(body as Record<string, string>).toString() : JSON.stringify(body),
      });
      const text = await response.text();
      return { status: response.status, json: (text ? JSON.parse(text) : undefined) as JsonObject, text, headers: response.headers };
    }

    /** The pre-authorized code of a claim link's offer, fetched at its credential_offer_uri. */
    async function claimOffer(token: string): Promise<JsonObject> {
      const answer = await api.get(`/api/v1/claim/${token}/credential-offer`);
      expect(answer.status, answer.text).toBe(200);
      return answer.json as JsonObject;
    }
    const preAuthorizedCode = (offer: JsonObject) => ((offer.grants as JsonObject)['urn:ietf:params:oauth:grant-type:pre-authorized_code'] as JsonObject)['pre-authorized_code'] as string;

    async function accessToken(code: string, txCode?: string): Promise<string> {
      const answer = await post(`${credentialIssuer}/token`, { grant_type: 'urn:ietf:params:oauth:grant-type:pre-authorized_code', 'pre-authorized_code': code, ...(txCode ? { tx_code: txCode } : {}) }, { form: true });
      expect(answer.status, answer.text).toBe(200);
      return answer.json.access_token as string;
    }

    async function nonce(): Promise<string> {
      const answer = await post(`${credentialIssuer}/nonce`, {});
      expect(answer.status, answer.text).toBe(200);
      expect(answer.headers.get('cache-control')).toBe('no-store');
      return answer.json.c_nonce as string;
    }

    async function expectVerifiedAndBound(credential: JsonObject, key: HolderKey) {
      expect(subjectOf(credential).id).toBe(key.did);
      const outcome = await verifyWithDigitalBazaar(credential, standardContextsLoader(instanceFetch()));
      expect(outcome, outcome.reason).toMatchObject({ accepted: true, proofValid: true, revoked: false });
    }

    beforeAll(async () => {
      instance = await startHttpsInstance(dialect);
      api = httpsApi(instance, instanceFetch());
      const org = await api.setUp('University of Testing', 'owner@uni.test', 'owner-password-1');
      owner = org.owner;
      organisationId = org.organisationId;
      issuerId = org.issuerId;
      const defined = await owner.request('POST', `/api/v1/organisations/${organisationId}/achievements`, { issuerId, ...MICRO_CREDENTIAL, eu: { ...MICRO_CREDENTIAL.eu } });
      expect(defined.status, defined.text).toBe(201);
      achievementId = (defined.json as { id: string }).id;
      credentialIssuer = `${instance.origin}/oid4vci/${issuerId}`;
      const previous = globalAgent.options.ca;
      globalAgent.options.ca = instance.ca;
      // The agent's options override a request's own (node's _http_agent): restore by removing, not by setting undefined.
      restoreAgent = () => {
        if (previous === undefined) delete globalAgent.options.ca;
        else globalAgent.options.ca = previous;
      };
    }, 60_000);

    afterAll(async () => {
      restoreAgent?.();
      await instance?.close();
    });

    it('publishes Credential Issuer and Authorization Server metadata at the well-known URIs of the issuer identifier', async () => {
      const metadata = await api.get(`/.well-known/openid-credential-issuer/oid4vci/${issuerId}`);
      expect(metadata.status, metadata.text).toBe(200);
      const body = metadata.json as JsonObject;
      // OpenID4VCI 1.0 §12.2.4: the identifier, its endpoints, and one configuration per format of each achievement.
      expect(body).toMatchObject({
        credential_issuer: credentialIssuer, credential_endpoint: `${credentialIssuer}/credential`, nonce_endpoint: `${credentialIssuer}/nonce`,
        authorization_servers: [credentialIssuer], display: [{ name: 'University of Testing', locale: 'en' }],
      });
      const configurations = body.credential_configurations_supported as Record<string, JsonObject>;
      expect(configurations[`${achievementId}_ldp_vc`]).toMatchObject({
        format: 'ldp_vc', scope: `${achievementId}_ldp_vc`, credential_signing_alg_values_supported: ['eddsa-rdfc-2022'],
        cryptographic_binding_methods_supported: ['did:key', 'did:jwk', 'jwk'], proof_types_supported: { jwt: { proof_signing_alg_values_supported: ['EdDSA', 'ES256'] } },
        credential_definition: { type: ['VerifiableCredential', 'OpenBadgeCredential'] },
        credential_metadata: { display: [{ name: MICRO_CREDENTIAL.name, locale: 'en', description: MICRO_CREDENTIAL.description }] },
      });
      expect(configurations[`${achievementId}_jwt_vc_json`]).toMatchObject({ format: 'jwt_vc_json', credential_signing_alg_values_supported: ['EdDSA'] });
      // Draft-era wallets append the well-known segment to the identifier: the same document there.
      expect((await api.get(`/oid4vci/${issuerId}/.well-known/openid-credential-issuer`)).json).toEqual(body);
      const as = await api.get(`/.well-known/oauth-authorization-server/oid4vci/${issuerId}`);
      expect(as.status, as.text).toBe(200);
      expect(as.json).toMatchObject({
        issuer: credentialIssuer, token_endpoint: `${credentialIssuer}/token`, authorization_endpoint: `${credentialIssuer}/authorize`,
        code_challenge_methods_supported: ['S256'], 'pre-authorized_grant_anonymous_access_supported': true,
      });
      expect((await api.get('/.well-known/openid-credential-issuer/oid4vci/00000000-0000-4000-8000-000000000000')).status).toBe(404);
    });

    it('serves metadata that the specifications\' rules accept (OpenID4VCI 1.0 §12.2.4 and Appendix A.1; RFC 8414 §2), and those rules catch broken documents', async () => {
      const issuerMetadata = (await api.get(`/.well-known/openid-credential-issuer/oid4vci/${issuerId}`)).json as JsonObject;
      validIssuerMetadata(issuerMetadata);
      expect(validIssuerMetadata.errors ?? []).toEqual([]);
      const asMetadata = (await api.get(`/.well-known/oauth-authorization-server/oid4vci/${issuerId}`)).json as JsonObject;
      validAsMetadata(asMetadata);
      expect(validAsMetadata.errors ?? []).toEqual([]);
      // Rules the schema cannot state: the AS identifier is one of authorization_servers (§12.2.4) and is
      // the issuer the well-known URL was built from (RFC 8414 §3.3); the proofs need a c_nonce, so the
      // nonce endpoint is published (§12.2.4).
      expect(issuerMetadata.authorization_servers).toContain(asMetadata.issuer);
      expect(asMetadata.issuer).toBe(credentialIssuer);
      expect(issuerMetadata.nonce_endpoint).toBe(`${credentialIssuer}/nonce`);
      // The schemas are not vacuous: each broken copy is refused.
      const configurations = issuerMetadata.credential_configurations_supported as Record<string, JsonObject>;
      const jwtId = `${achievementId}_jwt_vc_json`;
      const ldpId = `${achievementId}_ldp_vc`;
      const broken: JsonObject[] = [
        { ...issuerMetadata, credential_endpoint: undefined },
        { ...issuerMetadata, credential_issuer: `${credentialIssuer}?x=1` },
        { ...issuerMetadata, credential_configurations_supported: { ...configurations, [jwtId]: { ...configurations[jwtId], credential_definition: undefined } } },
        { ...issuerMetadata, credential_configurations_supported: { ...configurations, [ldpId]: { ...configurations[ldpId], credential_definition: { type: ['VerifiableCredential'] } } } },
        { ...issuerMetadata, credential_configurations_supported: { ...configurations, [ldpId]: { ...configurations[ldpId], proof_types_supported: undefined } } },
        { ...issuerMetadata, credential_configurations_supported: { ...configurations, [ldpId]: { ...configurations[ldpId], proof_types_supported: { jwt: {} } } } },
      ];
      for (const document of broken) expect(validIssuerMetadata(JSON.parse(JSON.stringify(document)))).toBe(false);
      expect(validAsMetadata({ ...asMetadata, response_types_supported: undefined })).toBe(false);
      expect(validAsMetadata({ ...asMetadata, issuer: 'http://insecure.example' })).toBe(false);
      expect(validAsMetadata(JSON.parse(JSON.stringify({ ...asMetadata, token_endpoint: undefined })))).toBe(false);
    });

    it('pre-authorized, ldp_vc: Sphereon\'s wallet takes a claim link\'s offer; the credential verifies, names its did:key, and the claim is spent', async () => {
      const { id, token } = await issue('ldp@learner.test');
      const key = await ed25519DidKey();
      const link = `openid-credential-offer://?credential_offer_uri=${encodeURIComponent(`${instance.origin}/api/v1/claim/${token}/credential-offer`)}`;
      const client = await OpenID4VCIClientV1_0_15.fromURI({ uri: link, kid: key.kid!, alg: Alg.EdDSA, retrieveServerMetadata: true });
      expect(client.getIssuer()).toBe(credentialIssuer);
      await client.acquireAccessToken();
      const response = await client.acquireCredentials({
        credentialConfigurationId: `${achievementId}_ldp_vc`, credentialTypes: ['VerifiableCredential', 'OpenBadgeCredential'], format: 'ldp_vc',
        proofCallbacks: { signCallback: sphereonSigner(key) }, kid: key.kid!, alg: Alg.EdDSA,
      } as Parameters<typeof client.acquireCredentials>[0]);
      const credentials = (response as unknown as { credentials: { credential: JsonObject }[] }).credentials;
      expect(credentials).toHaveLength(1);
      const credential = credentials[0]!.credential;
      await expectVerifiedAndBound(credential, key);
      expect(credential.id).not.toBe(`${instance.origin}/credentials/${id}`);
      // The claim link is used: its page says so, and neither its offer nor the microcred wallet takes it again.
      expect(((await api.get(`/api/v1/claim/${token}`)).json as { claimed: boolean }).claimed).toBe(true);
      expect((await api.get(`/api/v1/claim/${token}/credential-offer`)).status).toBe(409);
    });

    it('pre-authorized, jwt_vc_json, with a P-256 key as a bare JWK and 1.0 `proofs`: the VC-JWT names the key\'s did:jwk', async () => {
      const { token } = await issue('jwt@learner.test');
      const key = await p256Jwk();
      const access = await accessToken(preAuthorizedCode(await claimOffer(token)));
      const proof = await keyProof(key, { aud: credentialIssuer, nonce: await nonce() });
      const answer = await post(`${credentialIssuer}/credential`, { credential_configuration_id: `${achievementId}_jwt_vc_json`, proofs: { jwt: [proof] } }, { token: access });
      expect(answer.status, answer.text).toBe(200);
      const jwt = (answer.json.credentials as { credential: string }[])[0]!.credential;
      expect(typeof jwt).toBe('string');
      const payload = decodeJwt(jwt) as JsonObject & { vc?: JsonObject };
      const vc = (payload.vc ?? payload) as JsonObject;
      // Bound to the wallet's key: the JWT's subject and the credential's subject are the key's did:jwk.
      expect(payload.sub).toBe(key.did);
      expect(subjectOf(vc).id).toBe(key.did);
      // Verified as an outside verifier would, with jose only: the issuer's did:web document is resolved
      // over HTTPS (did:web method §3.2), and the signature checked with the key it publishes under the kid.
      const { kid, alg } = decodeProtectedHeader(jwt);
      expect(alg).toBe('EdDSA');
      const issuerDid = kid!.split('#')[0]!;
      expect(payload.iss).toBe(issuerDid);
      expect(issuerDid).toMatch(/^did:web:/);
      const didDocument = await (await instanceFetch()(didWebDocumentUrl(issuerDid))).json() as { id: string; verificationMethod: { id: string; publicKeyJwk?: JWK; publicKeyMultibase?: string }[]; assertionMethod: (string | { id: string })[] };
      expect(didDocument.id).toBe(issuerDid);
      const method = didDocument.verificationMethod.find((m) => m.id === kid || `${didDocument.id}${m.id}` === kid)!;
      expect(method, `${kid} in the DID document`).toBeDefined();
      expect(didDocument.assertionMethod.map((m) => (typeof m === 'string' ? m : m.id))).toContain(method.id);
      const publicJwk = method.publicKeyJwk ?? await Ed25519Multikey.toJwk({ keyPair: await Ed25519Multikey.from({ publicKeyMultibase: method.publicKeyMultibase }) }) as JWK;
      const { payload: verified } = await jwtVerify(jwt, await importJWK(publicJwk, 'EdDSA'), { issuer: issuerDid, subject: key.did });
      expect(verified.sub).toBe(key.did);
      // A tampered credential does not verify with that key.
      const [head, , signature] = jwt.split('.');
      const tampered = Buffer.from(JSON.stringify({ ...payload, sub: 'did:example:mallory' })).toString('base64url');
      await expect(jwtVerify(`${head}.${tampered}.${signature}`, await importJWK(publicJwk, 'EdDSA'))).rejects.toThrow(/signature/);
    });

    it('a staff offer with a tx_code: wrong codes are refused with tries counted, the right one (through Sphereon\'s client) works, and after too many the offer is dead', async () => {
      const first = await issue('tx@learner.test');
      const made = await owner.request('POST', `/api/v1/credentials/${first.id}/credential-offer`, { txCode: true });
      expect(made.status, made.text).toBe(201);
      const { link, txCode, offer } = made.json as { link: string; txCode: string; offer: JsonObject };
      expect(txCode).toMatch(/^\d{6}$/);
      expect((offer.grants as JsonObject)['urn:ietf:params:oauth:grant-type:pre-authorized_code']).toMatchObject({ tx_code: { input_mode: 'numeric', length: 6 } });
      const code = preAuthorizedCode(offer);
      const wrong = txCode === '000000' ? '000001' : '000000';
      const refused = await post(`${credentialIssuer}/token`, { grant_type: 'urn:ietf:params:oauth:grant-type:pre-authorized_code', 'pre-authorized_code': code, tx_code: wrong }, { form: true });
      expect(refused.status).toBe(400);
      expect(refused.json).toMatchObject({ error: 'invalid_grant', error_description: expect.stringContaining('4 tries left') });
      const missing = await post(`${credentialIssuer}/token`, { grant_type: 'urn:ietf:params:oauth:grant-type:pre-authorized_code', 'pre-authorized_code': code }, { form: true });
      expect(missing.json).toMatchObject({ error: 'invalid_request' });
      // The offer still works with the right code: the wallet (Sphereon) asks the learner for it.
      const key = await ed25519DidKey();
      const client = await OpenID4VCIClientV1_0_15.fromURI({ uri: link, kid: key.kid!, alg: Alg.EdDSA, retrieveServerMetadata: true });
      await client.acquireAccessToken({ pin: txCode });
      const response = await client.acquireCredentials({
        credentialConfigurationId: `${achievementId}_ldp_vc`, credentialTypes: ['VerifiableCredential', 'OpenBadgeCredential'], format: 'ldp_vc',
        proofCallbacks: { signCallback: sphereonSigner(key) }, kid: key.kid!, alg: Alg.EdDSA,
      } as Parameters<typeof client.acquireCredentials>[0]);
      await expectVerifiedAndBound((response as unknown as { credentials: { credential: JsonObject }[] }).credentials[0]!.credential, key);

      // Another offer: five wrong codes and it no longer works, not even with the right one.
      const second = await issue('tx2@learner.test');
      const again = (await owner.request('POST', `/api/v1/credentials/${second.id}/credential-offer`, { txCode: true })).json as { txCode: string; offer: JsonObject };
      const secondCode = preAuthorizedCode(again.offer);
      const bad = again.txCode === '999999' ? '999998' : '999999';
      let last: JsonObject = {};
      for (let i = 0; i < 5; i++) last = (await post(`${credentialIssuer}/token`, { grant_type: 'urn:ietf:params:oauth:grant-type:pre-authorized_code', 'pre-authorized_code': secondCode, tx_code: bad }, { form: true })).json;
      expect(last).toMatchObject({ error: 'invalid_grant', error_description: expect.stringContaining('too many') });
      const late = await post(`${credentialIssuer}/token`, { grant_type: 'urn:ietf:params:oauth:grant-type:pre-authorized_code', 'pre-authorized_code': secondCode, tx_code: again.txCode }, { form: true });
      expect(late.json).toMatchObject({ error: 'invalid_grant' });
    });

    it('refuses bad codes, proofs and replays with the specification\'s errors, and issues nothing twice', async () => {
      const { id, token } = await issue('hostile@learner.test');
      const key = await ed25519DidKey();
      const tokenAt = `${credentialIssuer}/token`;
      const grant = (code: string) => ({ grant_type: 'urn:ietf:params:oauth:grant-type:pre-authorized_code', 'pre-authorized_code': code });
      expect((await post(tokenAt, grant('not-a-code-of-this-issuer'), { form: true })).json).toMatchObject({ error: 'invalid_grant' });
      expect((await post(tokenAt, { grant_type: 'password', username: 'a', password: 'b' }, { form: true })).json).toMatchObject({ error: 'unsupported_grant_type' });
      const code = preAuthorizedCode(await claimOffer(token));
      const access = await accessToken(code);
      // A code works once.
      expect((await post(tokenAt, grant(code), { form: true })).json).toMatchObject({ error: 'invalid_grant', error_description: expect.stringContaining('already used') });
      const credentialAt = `${credentialIssuer}/credential`;
      const request = (proof: string, configuration = `${achievementId}_ldp_vc`) => ({ credential_configuration_id: configuration, proofs: { jwt: [proof] } });
      // Without or with an unknown token.
      expect((await post(credentialAt, request(await keyProof(key, { aud: credentialIssuer, nonce: await nonce() })))).status).toBe(401);
      const unknownToken = await post(credentialAt, request(await keyProof(key, { aud: credentialIssuer, nonce: await nonce() })), { token: 'x'.repeat(43) });
      expect(unknownToken.status).toBe(401);
      expect(unknownToken.json).toMatchObject({ error: 'invalid_token' });
      expect(unknownToken.headers.get('www-authenticate')).toMatch(/^Bearer error="invalid_token"/);
      // A configuration the token does not cover, and one that does not exist.
      const otherAchievement = (await owner.request('POST', `/api/v1/organisations/${organisationId}/achievements`, { issuerId, ...MICRO_CREDENTIAL, name: 'Other', eu: { ...MICRO_CREDENTIAL.eu } })).json as { id: string };
      expect((await post(credentialAt, request(await keyProof(key, { aud: credentialIssuer, nonce: await nonce() }), `${otherAchievement.id}_ldp_vc`), { token: access })).json).toMatchObject({ error: 'unknown_credential_configuration' });
      expect((await post(credentialAt, request(await keyProof(key, { aud: credentialIssuer, nonce: await nonce() }), 'no-such-configuration'), { token: access })).json).toMatchObject({ error: 'unknown_credential_configuration' });
      // Proofs: no nonce, a made-up nonce, another audience, an unsupported algorithm, a wrong typ, a signature by another key.
      expect((await post(credentialAt, request(await keyProof(key, { aud: credentialIssuer })), { token: access })).json).toMatchObject({ error: 'invalid_nonce' });
      expect((await post(credentialAt, request(await keyProof(key, { aud: credentialIssuer, nonce: 'made-up-nonce' })), { token: access })).json).toMatchObject({ error: 'invalid_nonce' });
      expect((await post(credentialAt, request(await keyProof(key, { aud: 'https://another-issuer.example', nonce: await nonce() })), { token: access })).json).toMatchObject({ error: 'invalid_proof' });
      const { privateKey: hsKey } = { privateKey: new Uint8Array(randomBytes(32)) };
      const hs256 = await new SignJWT({ aud: credentialIssuer, iat: Math.floor(Date.now() / 1000), nonce: await nonce() }).setProtectedHeader({ alg: 'HS256', typ: 'openid4vci-proof+jwt', kid: key.kid! }).sign(hsKey);
      expect((await post(credentialAt, request(hs256), { token: access })).json).toMatchObject({ error: 'invalid_proof', error_description: expect.stringContaining('alg') });
      expect((await post(credentialAt, request(await keyProof(key, { aud: credentialIssuer, nonce: await nonce() }, { typ: 'JWT' })), { token: access })).json).toMatchObject({ error: 'invalid_proof' });
      const impostor = await ed25519DidKey();
      const forged = await keyProof({ ...impostor, kid: key.kid! }, { aud: credentialIssuer, nonce: await nonce() });
      expect((await post(credentialAt, request(forged), { token: access })).json).toMatchObject({ error: 'invalid_proof' });
      expect((await post(credentialAt, { credential_configuration_id: `${achievementId}_ldp_vc` }, { token: access })).json).toMatchObject({ error: 'invalid_proof' });
      // Nothing was issued by any of these: the claim is still open.
      expect(((await api.get(`/api/v1/claim/${token}`)).json as { claimed: boolean }).claimed).toBe(false);

      // The right request works once; its nonce and its token are spent.
      const usedNonce = await nonce();
      const good = await post(credentialAt, request(await keyProof(key, { aud: credentialIssuer, nonce: usedNonce })), { token: access });
      expect(good.status, good.text).toBe(200);
      await expectVerifiedAndBound((good.json.credentials as { credential: JsonObject }[])[0]!.credential, key);
      expect((await post(credentialAt, request(await keyProof(key, { aud: credentialIssuer, nonce: await nonce() })), { token: access })).json).toMatchObject({ error: 'credential_request_denied' });
      // A second offer of the same claim (fetched before it was redeemed) no longer delivers anything.
      const db = instance.server.runtime.store.db;
      const copies = await db.selectFrom('credentials').select('id').where('bound_from', '=', id).execute();
      expect(copies).toHaveLength(1);
      // A replayed nonce is refused even with a fresh claim and token.
      const fresh = await issue('hostile2@learner.test');
      const freshAccess = await accessToken(preAuthorizedCode(await claimOffer(fresh.token)));
      expect((await post(credentialAt, request(await keyProof(key, { aud: credentialIssuer, nonce: usedNonce })), { token: freshAccess })).json).toMatchObject({ error: 'invalid_nonce' });
    });

    it('a claim offered twice: both codes work at the token endpoint, the credential is delivered once', async () => {
      const { id, token } = await issue('twice@learner.test');
      const key = await ed25519DidKey();
      const [first, second] = [preAuthorizedCode(await claimOffer(token)), preAuthorizedCode(await claimOffer(token))];
      expect(first).not.toBe(second);
      const [a, b] = [await accessToken(first), await accessToken(second)];
      const request = async () => ({ credential_configuration_id: `${achievementId}_ldp_vc`, proofs: { jwt: [await keyProof(key, { aud: credentialIssuer, nonce: await nonce() })] } });
      const answers = await Promise.all([post(`${credentialIssuer}/credential`, await request(), { token: a }), post(`${credentialIssuer}/credential`, await request(), { token: b })]);
      expect(answers.map((answer) => answer.status).sort()).toEqual([200, 400]);
      expect(answers.find((answer) => answer.status === 400)!.json).toMatchObject({ error: 'credential_request_denied' });
      const copies = await instance.server.runtime.store.db.selectFrom('credentials').select('id').where('bound_from', '=', id).execute();
      expect(copies).toHaveLength(1);
    });

    it('an expired pre-authorized code is refused', async () => {
      const { token } = await issue('late@learner.test');
      const code = preAuthorizedCode(await claimOffer(token));
      const db = instance.server.runtime.store.db;
      await db.updateTable('oid4vci_grants').set({ expires_at: new Date(Date.now() - 1000).toISOString() }).where('code_hash', '=', createHash('sha256').update(code).digest('hex')).execute();
      const answer = await post(`${credentialIssuer}/token`, { grant_type: 'urn:ietf:params:oauth:grant-type:pre-authorized_code', 'pre-authorized_code': code }, { form: true });
      expect(answer.json).toMatchObject({ error: 'invalid_grant', error_description: expect.stringContaining('expired') });
    });

    it('authorization code flow with PKCE for a signed-in learner: Sphereon\'s authorization request, consent, code, token, credential bound to the wallet\'s key', async () => {
      const email = 'code@learner.test';
      expect((await api.post('/api/v1/auth/signup', { email, password: 'learner-password-1', name: 'Ana' })).status).toBe(202);
      const db = instance.server.runtime.store.db;
      const welcome = await db.selectFrom('outbox').select('text_body').where('to_address', '=', email).executeTakeFirstOrThrow();
      expect((await api.post('/api/v1/auth/confirm-email', { token: /\/confirm-email\/([A-Za-z0-9_-]+)/.exec(welcome.text_body)![1] })).status).toBe(200);
      const { id } = await issue(email);
      const signIn = await instanceFetch()(`${instance.origin}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password: 'learner-password-1' }) });
      const cookie = signIn.headers.getSetCookie().map((line) => line.split(';')[0]!).find((pair) => pair.startsWith('mc_session='))!;

      const key = await ed25519DidKey();
      const verifier = randomBytes(32).toString('base64url');
      const redirectUri = 'https://wallet.example/callback';
      // Sphereon's client reads the metadata and writes the authorization request (PKCE S256, scope).
      const client = await OpenID4VCIClientV1_0_15.fromCredentialIssuer({
        credentialIssuer, kid: key.kid!, alg: Alg.EdDSA, clientId: 'wallet-client', retrieveServerMetadata: true, createAuthorizationRequestURL: true,
        pkce: { codeVerifier: verifier }, authorizationRequest: { clientId: 'wallet-client', redirectUri, scope: `${achievementId}_ldp_vc`, state: 'xyz' } as never,
      });
      const authorize = client.authorizationURL!;
      expect(authorize.startsWith(`${credentialIssuer}/authorize?`), authorize).toBe(true);
      expect(new URL(authorize).searchParams.get('code_challenge')).toBe(createHash('sha256').update(verifier).digest('base64url'));
      // Not signed in: sent to sign in, and back here after.
      const anonymous = await instanceFetch()(authorize, { redirect: 'manual' });
      expect(anonymous.status).toBe(303);
      expect(anonymous.headers.get('location')).toMatch(/^\/login\?next=%2Foid4vci%2F/);
      // Signed in: a consent page naming the credential, whose form carries the request back.
      const page = await instanceFetch()(authorize, { headers: { cookie }, redirect: 'manual' });
      expect(page.status).toBe(200);
      const html = await page.text();
      expect(html).toContain(MICRO_CREDENTIAL.name);
      const fields = Object.fromEntries([...html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)].map((match) => [match[1]!, match[2]!.replace(/&#(\d+);/g, (_, n: string) => String.fromCharCode(Number(n)))]));
      // Without the session's CSRF token the form is refused.
      const forged = await instanceFetch()(`${credentialIssuer}/authorize`, { method: 'POST', headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ ...fields, csrf: 'wrong', decision: 'allow' }).toString(), redirect: 'manual' });
      expect(forged.status).toBe(403);
      const allowed = await instanceFetch()(`${credentialIssuer}/authorize`, { method: 'POST', headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ ...fields, decision: 'allow' }).toString(), redirect: 'manual' });
      expect(allowed.status).toBe(303);
      const back = new URL(allowed.headers.get('location')!);
      expect(`${back.origin}${back.pathname}`).toBe(redirectUri);
      expect(back.searchParams.get('state')).toBe(new URL(authorize).searchParams.get('state'));
      expect(back.searchParams.get('iss')).toBe(credentialIssuer);
      const code = back.searchParams.get('code')!;

      // A wrong verifier is refused, and spends nothing.
      const wrongVerifier = await post(`${credentialIssuer}/token`, { grant_type: 'authorization_code', code, code_verifier: randomBytes(32).toString('base64url'), redirect_uri: redirectUri, client_id: 'wallet-client' }, { form: true });
      expect(wrongVerifier.json).toMatchObject({ error: 'invalid_grant' });
      // Sphereon's client redeems codes only for issuer-initiated flows (it asserts a credential offer), so the
      // token request (RFC 6749 §4.1.3 with RFC 7636 §4.5) and the credential request are written here.
      const tokenAnswer = await post(`${credentialIssuer}/token`, { grant_type: 'authorization_code', code, code_verifier: verifier, redirect_uri: redirectUri, client_id: 'wallet-client' }, { form: true });
      expect(tokenAnswer.status, tokenAnswer.text).toBe(200);
      expect(tokenAnswer.json).toMatchObject({ token_type: 'Bearer', authorization_details: [{ type: 'openid_credential', credential_configuration_id: `${achievementId}_ldp_vc` }] });
      // The code worked once.
      expect((await post(`${credentialIssuer}/token`, { grant_type: 'authorization_code', code, code_verifier: verifier, redirect_uri: redirectUri, client_id: 'wallet-client' }, { form: true })).json).toMatchObject({ error: 'invalid_grant' });
      const answer = await post(`${credentialIssuer}/credential`, {
        credential_identifier: `${achievementId}_ldp_vc`, proofs: { jwt: [await keyProof(key, { aud: credentialIssuer, nonce: await nonce() })] },
      }, { token: tokenAnswer.json.access_token as string });
      expect(answer.status, answer.text).toBe(200);
      await expectVerifiedAndBound((answer.json.credentials as { credential: JsonObject }[])[0]!.credential, key);
      const copies = await db.selectFrom('credentials').select('id').where('bound_from', '=', id).execute();
      expect(copies).toHaveLength(1);
    });
  });
}

