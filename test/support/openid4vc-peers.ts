/**
 * Another organisation's OpenID4VCI 1.0 issuer and OpenID4VP 1.0 verifier, as microcred's wallet meets
 * them on the internet: one HTTPS server on 127.0.0.1 (self-signed certificate, trusted only by the
 * fetcher the test hands microcred). Written here from the specifications, with none of microcred's
 * protocol code and none of the library its wallet uses (@openid4vc/*): keys and JWTs are `jose` and
 * @digitalbazaar/ed25519-multikey, credentials are signed and presentations checked by @digitalbazaar/vc.
 *
 * Sphereon's @sphereon/oid4vci-issuer (draft 15) and @sphereon/did-auth-siop were considered: the first
 * speaks draft 15 (no nonce endpoint, `credential_identifier` responses), the second answers with
 * Presentation Exchange, neither of which OpenID4VCI / OpenID4VP 1.0 wallets use, so the peers are
 * spec-written instead.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vc from '@digitalbazaar/vc';
import { DataIntegrityProof } from '@digitalbazaar/data-integrity';
import { cryptosuite as eddsaRdfc2022Cryptosuite } from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import * as Ed25519Multikey from '@digitalbazaar/ed25519-multikey';
import { compactVerify, decodeProtectedHeader, importJWK, SignJWT, type JWK } from 'jose';
import type { JsonObject } from '../../src/vc/types.ts';
import { makeLocalCertificate } from './https-instance.ts';
import { freePort } from './net.ts';
import { referenceDocumentLoader } from './reference.ts';
import { readStandardJson } from './standards.ts';

const PRE_AUTHORIZED = 'urn:ietf:params:oauth:grant-type:pre-authorized_code';

interface KeyPair { did: string; kid: string; privateJwk: JWK; multikey: Awaited<ReturnType<typeof Ed25519Multikey.generate>> }

async function makeKey(): Promise<KeyPair> {
  const pair = await Ed25519Multikey.generate();
  const did = `did:key:${pair.publicKeyMultibase}`;
  pair.controller = did;
  pair.id = `${did}#${pair.publicKeyMultibase}`;
  const jwk = await Ed25519Multikey.toJwk({ keyPair: pair, secretKey: true }) as JWK;
  // The library's secret is the 64-byte (seed ‖ public key) form; a JWK's `d` is the 32-byte seed (RFC 8037 §2).
  const privateJwk = { ...jwk, d: Buffer.from(jwk.d!, 'base64url').subarray(0, 32).toString('base64url') };
  return { did, kid: pair.id, privateJwk, multikey: pair };
}

/** The public JWK of an Ed25519 did:key, read with the reference library (not microcred's). */
async function jwkOfDid(didUrl: string): Promise<JWK> {
  const did = didUrl.split('#')[0]!;
  const fingerprint = did.slice('did:key:'.length);
  const pair = await Ed25519Multikey.from({ type: 'Multikey', id: `${did}#${fingerprint}`, controller: did, publicKeyMultibase: fingerprint });
  return await Ed25519Multikey.toJwk({ keyPair: pair }) as JWK;
}

interface Offer { code: string; txCode?: string; tries: number; used: boolean; configurations: string[]; authorizationCode?: boolean }
interface Authorization { offer: Offer; challenge: string; redirectUri: string; clientId: string; used: boolean }

export interface IssuedRecord { configurationId: string; holder: string; credential: JsonObject | string }
export interface PresentationRecord { requestId: string; verified: boolean; error?: string; vpToken: unknown; holder?: string; challenge?: string; domain?: string }

export interface Peers {
  origin: string;
  ca: Buffer;
  issuerDid: string;
  verifierDid: string;
  /** A new pre-authorized offer: by reference (credential_offer_uri) unless `byValue`. */
  /** `authorizationCode`: the offer's grant is authorization_code (the learner signs in here; consent is automatic). */
  offer(options?: { txCode?: string; configurations?: string[]; byValue?: boolean; authorizationCode?: boolean }): string;
  /** What the authorization endpoint was asked (client_id, redirect_uri, PKCE method, scope, issuer_state). */
  authorizationRequests: Record<string, string>[];
  /** A new presentation request (signed by the verifier's did:key, direct_post), as an openid4vp:// link. */
  /**
   * `unsigned`: the request by value with client_id `redirect_uri:<response_uri>` (OpenID4VP 1.0 §5.9.3);
   * `forged`: the request object signed by a key other than the one its client_id names.
   */
  request(options?: { types?: string[][]; format?: 'ldp_vc' | 'jwt_vc_json'; presentationDefinition?: boolean; unsigned?: boolean; forged?: boolean }): Promise<{ link: string; id: string; nonce: string; clientId: string }>;
  issued: IssuedRecord[];
  presentations: PresentationRecord[];
  /** Token requests refused, by OAuth error code. */
  refusals: string[];
  close(): Promise<void>;
}

function send(response: ServerResponse, status: number, body: unknown, type = 'application/json'): void {
  response.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
  response.end(typeof body === 'string' ? body : JSON.stringify(body));
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => {
      text += chunk;
    });
    request.on('end', () => resolve(text));
    request.on('error', reject);
  });
}

export async function startPeers(): Promise<Peers> {
  const certDir = mkdtempSync(join(tmpdir(), 'microcred-peers-'));
  const { certFile, keyFile, ca } = makeLocalCertificate(certDir);
  const port = await freePort();
  const origin = `https://127.0.0.1:${port}`;
  const issuerKey = await makeKey();
  const verifierKey = await makeKey();
  const issuerSigningKey = await importJWK(issuerKey.privateJwk, 'EdDSA');
  const verifierSigningKey = await importJWK(verifierKey.privateJwk, 'EdDSA');
  const template = readStandardJson<JsonObject>('examples/ob3/ob3-test-vector.unsigned.json');

  const offers = new Map<string, Offer>();
  const tokens = new Map<string, Offer>();
  const authorizations = new Map<string, Authorization>();
  const authorizationRequests: Record<string, string>[] = [];
  const nonces = new Set<string>();
  const requests = new Map<string, { object: string; nonce: string; clientId: string; answered: boolean }>();
  const issued: IssuedRecord[] = [];
  const presentations: PresentationRecord[] = [];
  const refusals: string[] = [];

  const issuerMetadata = {
    credential_issuer: origin,
    credential_endpoint: `${origin}/credential`,
    nonce_endpoint: `${origin}/nonce`,
    display: [{ name: 'Partner University', locale: 'en' }],
    credential_configurations_supported: {
      'teamwork-ldp': {
        format: 'ldp_vc', scope: 'teamwork',
        credential_definition: { '@context': template['@context'], type: ['VerifiableCredential', 'OpenBadgeCredential'] },
        cryptographic_binding_methods_supported: ['did:key'], credential_signing_alg_values_supported: ['eddsa-rdfc-2022'],
        proof_types_supported: { jwt: { proof_signing_alg_values_supported: ['EdDSA'] } },
        credential_metadata: { display: [{ name: 'Teamwork Badge', locale: 'en' }] },
      },
      'teamwork-jwt': {
        format: 'jwt_vc_json', scope: 'teamwork_jwt',
        credential_definition: { type: ['VerifiableCredential', 'OpenBadgeCredential'] },
        cryptographic_binding_methods_supported: ['did:key'], credential_signing_alg_values_supported: ['EdDSA'],
        proof_types_supported: { jwt: { proof_signing_alg_values_supported: ['EdDSA'] } },
        credential_metadata: { display: [{ name: 'Teamwork Badge (JWT)', locale: 'en' }] },
      },
      'teamwork-mdoc': {
        format: 'mso_mdoc', doctype: 'org.example.teamwork',
        credential_metadata: { display: [{ name: 'Teamwork (mdoc)' }] },
      },
    },
  };
  const authorizationServerMetadata = {
    issuer: origin, token_endpoint: `${origin}/token`, authorization_endpoint: `${origin}/authorize`,
    response_types_supported: ['code'], code_challenge_methods_supported: ['S256'],
    grant_types_supported: [PRE_AUTHORIZED, 'authorization_code'], 'pre-authorized_grant_anonymous_access_supported': true,
  };

  function offerObject(offer: Offer): JsonObject {
    return {
      credential_issuer: origin, credential_configuration_ids: offer.configurations,
      grants: offer.authorizationCode
        ? { authorization_code: { issuer_state: offer.code } }
        : { [PRE_AUTHORIZED]: { 'pre-authorized_code': offer.code, ...(offer.txCode ? { tx_code: { length: offer.txCode.length, input_mode: 'numeric', description: 'The code we e-mailed you' } } : {}) } },
    };
  }

  async function issue(configurationId: string, holder: string): Promise<JsonObject | string> {
    const credential = structuredClone(template);
    credential.id = `urn:uuid:${randomUUID()}`;
    credential.issuer = { ...(credential.issuer as JsonObject), id: issuerKey.did, name: 'Partner University' };
    credential.credentialSubject = { ...(credential.credentialSubject as JsonObject), id: holder };
    credential.validFrom = new Date(Date.now() - 60_000).toISOString().replace(/\.\d+Z$/, 'Z');
    if (configurationId === 'teamwork-jwt') {
      // VC-JOSE-COSE §3.1.1: the payload is the credential.
      return await new SignJWT(credential).setProtectedHeader({ alg: 'EdDSA', typ: 'vc+jwt', kid: issuerKey.kid }).sign(issuerSigningKey);
    }
    const suite = new DataIntegrityProof({ signer: issuerKey.multikey.signer(), cryptosuite: eddsaRdfc2022Cryptosuite });
    return await vc.issue({ credential, suite, documentLoader: referenceDocumentLoader }) as JsonObject;
  }

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', origin);
    const path = url.pathname;
    if (request.method === 'GET' && path === '/.well-known/openid-credential-issuer') return send(response, 200, issuerMetadata);
    if (request.method === 'GET' && path === '/.well-known/oauth-authorization-server') return send(response, 200, authorizationServerMetadata);
    if (request.method === 'GET' && path.startsWith('/offers/')) {
      const offer = offers.get(path.slice('/offers/'.length));
      return offer ? send(response, 200, offerObject(offer)) : send(response, 404, { error: 'not_found' });
    }
    if (request.method === 'GET' && path === '/authorize') {
      // RFC 6749 §4.1 with PKCE (RFC 7636): the learner "signs in" and consents at once; the code goes back to redirect_uri.
      const asked = Object.fromEntries(url.searchParams);
      authorizationRequests.push(asked);
      const offer = offers.get(asked.issuer_state ?? '');
      if (asked.response_type !== 'code' || asked.code_challenge_method !== 'S256' || !asked.code_challenge || !asked.redirect_uri || !asked.client_id || !offer || !offer.authorizationCode) {
        return send(response, 400, { error: 'invalid_request' });
      }
      const code = randomBytes(16).toString('base64url');
      authorizations.set(code, { offer, challenge: asked.code_challenge, redirectUri: asked.redirect_uri, clientId: asked.client_id, used: false });
      const back = new URL(asked.redirect_uri);
      back.searchParams.set('code', code);
      if (asked.state) back.searchParams.set('state', asked.state);
      back.searchParams.set('iss', origin);
      response.writeHead(302, { location: back.href });
      response.end();
      return;
    }
    if (request.method === 'POST' && path === '/token') {
      const form = new URLSearchParams(await readBody(request));
      const refuse = (error: string, description: string) => {
        refusals.push(error);
        send(response, 400, { error, error_description: description });
      };
      if (form.get('grant_type') === 'authorization_code') {
        const granted = authorizations.get(form.get('code') ?? '');
        if (!granted || granted.used) return refuse('invalid_grant', 'unknown or used code');
        const verifier = form.get('code_verifier') ?? '';
        if (createHash('sha256').update(verifier).digest('base64url') !== granted.challenge) return refuse('invalid_grant', 'PKCE verifier does not match');
        if (form.get('redirect_uri') !== granted.redirectUri) return refuse('invalid_grant', 'redirect_uri differs');
        granted.used = true;
        const token = randomBytes(24).toString('base64url');
        tokens.set(token, granted.offer);
        return send(response, 200, { access_token: token, token_type: 'Bearer', expires_in: 300 });
      }
      if (form.get('grant_type') !== PRE_AUTHORIZED) return refuse('unsupported_grant_type', 'only the pre-authorized code grant');
      const offer = offers.get(form.get('pre-authorized_code') ?? '');
      if (!offer || offer.used) return refuse('invalid_grant', 'unknown or used pre-authorized code');
      if (offer.txCode !== undefined && form.get('tx_code') !== offer.txCode) {
        offer.tries++;
        if (offer.tries >= 3) offer.used = true;
        return refuse('invalid_grant', 'wrong transaction code');
      }
      offer.used = true;
      const token = randomBytes(24).toString('base64url');
      tokens.set(token, offer);
      return send(response, 200, { access_token: token, token_type: 'Bearer', expires_in: 300 });
    }
    if (request.method === 'POST' && path === '/nonce') {
      const nonce = randomBytes(16).toString('base64url');
      nonces.add(nonce);
      return send(response, 200, { c_nonce: nonce });
    }
    if (request.method === 'POST' && path === '/credential') {
      const offer = tokens.get((request.headers.authorization ?? '').replace(/^Bearer /, ''));
      if (!offer) return send(response, 401, { error: 'invalid_token' });
      const body = JSON.parse(await readBody(request)) as { credential_configuration_id?: string; proof?: { proof_type: string; jwt: string }; proofs?: { jwt?: string[] } };
      const configurationId = body.credential_configuration_id ?? '';
      if (!offer.configurations.includes(configurationId)) return send(response, 400, { error: 'unknown_credential_configuration' });
      const proofJwt = body.proofs?.jwt?.[0] ?? (body.proof?.proof_type === 'jwt' ? body.proof.jwt : undefined);
      if (!proofJwt) return send(response, 400, { error: 'invalid_proof', error_description: 'no jwt proof' });
      // OpenID4VCI 1.0 §8.2.1.1: typ openid4vci-proof+jwt, the holder's key, aud = this issuer, a nonce it gave.
      const header = decodeProtectedHeader(proofJwt);
      if (header.typ !== 'openid4vci-proof+jwt' || header.alg !== 'EdDSA' || typeof header.kid !== 'string' || !header.kid.startsWith('did:key:')) {
        return send(response, 400, { error: 'invalid_proof', error_description: 'header' });
      }
      let payload: JsonObject;
      try {
        const verified = await compactVerify(proofJwt, await importJWK(await jwkOfDid(header.kid), 'EdDSA'));
        payload = JSON.parse(new TextDecoder().decode(verified.payload)) as JsonObject;
      } catch {
        return send(response, 400, { error: 'invalid_proof', error_description: 'signature' });
      }
      if (payload.aud !== origin) return send(response, 400, { error: 'invalid_proof', error_description: 'audience' });
      if (typeof payload.nonce !== 'string' || !nonces.delete(payload.nonce)) return send(response, 400, { error: 'invalid_nonce' });
      const holder = header.kid.split('#')[0]!;
      const credential = await issue(configurationId, holder);
      issued.push({ configurationId, holder, credential });
      return send(response, 200, { credentials: [{ credential }] });
    }
    if (request.method === 'GET' && path.startsWith('/vp/request/')) {
      const entry = requests.get(path.slice('/vp/request/'.length));
      return entry ? send(response, 200, entry.object, 'application/oauth-authz-req+jwt') : send(response, 404, { error: 'not_found' });
    }
    if (request.method === 'POST' && path.startsWith('/vp/response/')) {
      const id = path.slice('/vp/response/'.length);
      const entry = requests.get(id);
      const form = new URLSearchParams(await readBody(request));
      if (!entry) return send(response, 400, { error: 'invalid_request', error_description: 'unknown request' });
      if (entry.answered) return send(response, 400, { error: 'invalid_request', error_description: 'this request was answered already' });
      const record: PresentationRecord = { requestId: id, verified: false, vpToken: undefined };
      presentations.push(record);
      try {
        const vpToken = JSON.parse(form.get('vp_token') ?? 'null') as Record<string, unknown[]>;
        record.vpToken = vpToken;
        const presentation = Object.values(vpToken)[0]?.[0];
        if (typeof presentation === 'string') {
          // jwt_vp_json: signed by the holder's did:key, nonce and aud bound (OpenID4VP 1.0 §B.1.3.1).
          const header = decodeProtectedHeader(presentation);
          const verified = await compactVerify(presentation, await importJWK(await jwkOfDid(String(header.kid)), 'EdDSA'));
          const claims = JSON.parse(new TextDecoder().decode(verified.payload)) as JsonObject;
          record.holder = String(claims.iss);
          record.challenge = String(claims.nonce);
          record.domain = String(claims.aud);
          record.verified = claims.nonce === entry.nonce && claims.aud === entry.clientId && String(header.kid).startsWith(`${String(claims.iss)}#`);
        } else {
          const vp = presentation as JsonObject;
          const proof = vp.proof as JsonObject;
          record.holder = String(vp.holder);
          record.challenge = String(proof?.challenge);
          record.domain = String(proof?.domain);
          const suite = new DataIntegrityProof({ cryptosuite: eddsaRdfc2022Cryptosuite });
          const result = await vc.verify({ presentation: vp, suite, challenge: entry.nonce, domain: entry.clientId, documentLoader: referenceDocumentLoader, checkStatus: async () => ({ verified: true }) }) as { verified: boolean; error?: { message?: string; errors?: { message?: string }[] } };
          record.verified = result.verified;
          if (!result.verified) record.error = result.error?.errors?.[0]?.message ?? result.error?.message ?? 'not verified';
        }
      } catch (error) {
        record.error = error instanceof Error ? error.message : String(error);
      }
      if (!record.verified) return send(response, 400, { error: 'invalid_request', error_description: 'the presentation does not verify' });
      entry.answered = true;
      return send(response, 200, { redirect_uri: `${origin}/vp/done/${id}` });
    }
    if (request.method === 'GET' && path.startsWith('/vp/done/')) {
      return send(response, 200, '<!doctype html><html lang="en"><head><title>Acme Hiring</title></head><body><h1>Thank you, we received your credential</h1></body></html>', 'text/html; charset=utf-8');
    }
    return send(response, 404, { error: 'not_found' });
  }

  const server: Server = createServer({ cert: readFileSync(certFile), key: readFileSync(keyFile) }, (request, response) => {
    handle(request, response).catch((error: unknown) => send(response, 500, { error: 'server_error', error_description: error instanceof Error ? error.message : '' }));
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));

  return {
    origin, ca, issuerDid: issuerKey.did, verifierDid: verifierKey.did, issued, presentations, refusals, authorizationRequests,
    offer(options = {}) {
      const code = randomBytes(16).toString('base64url');
      const offer: Offer = {
        code, tries: 0, used: false, configurations: options.configurations ?? ['teamwork-ldp', 'teamwork-jwt'],
        ...(options.txCode ? { txCode: options.txCode } : {}), ...(options.authorizationCode ? { authorizationCode: true } : {}),
      };
      offers.set(code, offer);
      return options.byValue
        ? `openid-credential-offer://?credential_offer=${encodeURIComponent(JSON.stringify(offerObject(offer)))}`
        : `openid-credential-offer://?credential_offer_uri=${encodeURIComponent(`${origin}/offers/${code}`)}`;
    },
    async request(options = {}) {
      const id = randomUUID();
      const nonce = randomBytes(16).toString('base64url');
      const responseUri = `${origin}/vp/response/${id}`;
      const clientId = options.unsigned ? `redirect_uri:${responseUri}` : `decentralized_identifier:${verifierKey.did}`;
      const format = options.format ?? 'ldp_vc';
      const query = options.presentationDefinition
        ? { presentation_definition: { id: 'pd', input_descriptors: [{ id: 'badge', constraints: {} }] } }
        : { dcql_query: { credentials: [{ id: 'badge', format, meta: { type_values: options.types ?? [['OpenBadgeCredential'], ['AchievementCredential']] } }] } };
      const payload = {
        client_id: clientId, response_type: 'vp_token', response_mode: 'direct_post', response_uri: responseUri,
        nonce, state: id, ...query, client_metadata: { client_name: 'Acme Hiring', vp_formats_supported: { ldp_vc: { proof_type_values: ['DataIntegrityProof'], cryptosuite_values: ['eddsa-rdfc-2022'] }, jwt_vc_json: { alg_values: ['EdDSA'] } } },
        aud: 'https://self-issued.me/v2', iat: Math.floor(Date.now() / 1000),
      };
      // The request object is signed now and read by reference (OpenID4VP 1.0 §5.10, JAR RFC 9101).
      if (options.unsigned) {
        requests.set(id, { object: '', nonce, clientId, answered: false });
        const { aud: _aud, iat: _iat, ...parameters } = payload;
        const query = Object.entries(parameters).map(([name, value]) => `${name}=${encodeURIComponent(typeof value === 'string' ? value : JSON.stringify(value))}`).join('&');
        return { link: `openid4vp://?${query}`, id, nonce, clientId };
      }
      const signingKey = options.forged ? await importJWK((await makeKey()).privateJwk, 'EdDSA') : verifierSigningKey;
      const object = await new SignJWT(payload).setProtectedHeader({ alg: 'EdDSA', typ: 'oauth-authz-req+jwt', kid: verifierKey.kid }).sign(signingKey);
      requests.set(id, { object, nonce, clientId, answered: false });
      return { link: `openid4vp://?client_id=${encodeURIComponent(clientId)}&request_uri=${encodeURIComponent(`${origin}/vp/request/${id}`)}`, id, nonce, clientId };
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      rmSync(certDir, { recursive: true, force: true });
    },
  };
}

