/**
 * A scripted OpenID4VP 1.0 holder for tests, independent of the verifier's library: Sphereon's
 * @sphereon/did-auth-siop parses the openid4vp:// link, fetches the request object by reference and
 * checks its client metadata, and encodes the form the holder posts (direct_post). Its
 * OP.verifyAuthorizationRequest is not used: 0.20.1 compares the response_uri with the client_id *with*
 * its `redirect_uri:` prefix, which no OpenID4VP 1.0 request can satisfy (§5.9.3 strips the prefix), so
 * that rule and the 1.0 vp_token (§8.1: credential query id → array of presentations) are written here
 * from the spec. The holder signs with its own did:key: @digitalbazaar/vc (ldp_vp) or jose (jwt_vp_json).
 */
import * as vc from '@digitalbazaar/vc';
import { DataIntegrityProof } from '@digitalbazaar/data-integrity';
import { cryptosuite as eddsaRdfc2022Cryptosuite } from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import * as Ed25519Multikey from '@digitalbazaar/ed25519-multikey';
import { encodeJsonAsURI, URI } from '@sphereon/did-auth-siop';
import { decodeJwt, decodeProtectedHeader, importJWK, SignJWT, type JWK } from 'jose';
import { expect } from 'vitest';
import type { JsonObject } from '../../src/vc/types.ts';
import { referenceDocumentLoader } from './reference.ts';

/** The holder: an Ed25519 did:key of its own, made by the reference library. */
export async function makeHolder() {
  const pair = await Ed25519Multikey.generate();
  const did = `did:key:${pair.publicKeyMultibase}`;
  pair.controller = did;
  pair.id = `${did}#${pair.publicKeyMultibase}`;
  const full = await Ed25519Multikey.toJwk({ keyPair: pair, secretKey: true }) as JWK;
  // The multikey secret is seed ‖ public key; a JWK's d is the 32-byte seed (RFC 8037 §2).
  const jwk: JWK = { ...full, d: Buffer.from(full.d!, 'base64url').subarray(0, 32).toString('base64url') };
  return { pair, did, kid: pair.id as string, jwk };
}
export type Holder = Awaited<ReturnType<typeof makeHolder>>;

export async function ldpPresentation(holder: Holder, credentials: JsonObject[], challenge: string, domain: string): Promise<JsonObject> {
  const presentation = vc.createPresentation({ verifiableCredential: credentials, holder: holder.did, version: 2.0 });
  const suite = new DataIntegrityProof({ signer: holder.pair.signer(), cryptosuite: eddsaRdfc2022Cryptosuite });
  return await vc.signPresentation({ presentation, suite, challenge, domain, documentLoader: referenceDocumentLoader }) as JsonObject;
}

/** VC-JWT 1.1 §6.3.1 VP-JWT: iss = holder, `vp` claim, nonce and aud (OpenID4VP 1.0 Appendix B.1.3.1). */
export async function jwtPresentation(holder: Holder, credentials: string[], nonce: string, aud: string): Promise<string> {
  const key = await importJWK(holder.jwk, 'EdDSA');
  return await new SignJWT({ vp: { '@context': ['https://www.w3.org/2018/credentials/v1'], type: ['VerifiablePresentation'], verifiableCredential: credentials }, nonce })
    .setProtectedHeader({ alg: 'EdDSA', kid: holder.kid, typ: 'JWT' })
    .setIssuer(holder.did).setAudience(aud).setIssuedAt().setExpirationTime('5m').sign(key);
}

export interface WalletRequest { client_id: string; response_uri: string; response_mode: string; nonce: string; state?: string; dcql_query: JsonObject; exp: number }

/**
 * The wallet reads the request: Sphereon parses the link and fetches the request object at its
 * request_uri; the OpenID4VP 1.0 rules for an unsigned request are checked here (§5.9.3, RFC 9101).
 */
export async function readRequest(link: string): Promise<WalletRequest> {
  const resolved = await URI.parseAndResolve(link);
  const jwt = String(resolved.requestObjectJwt);
  expect(decodeProtectedHeader(jwt)).toEqual({ alg: 'none', typ: 'oauth-authz-req+jwt' });
  const request = decodeJwt(jwt) as unknown as WalletRequest;
  // The link's client_id must be the request object's; with the redirect_uri prefix, the rest is the response URI.
  expect(request.client_id).toBe(resolved.authorizationRequestPayload.client_id);
  expect(request.client_id).toBe(`redirect_uri:${request.response_uri}`);
  expect(request.response_mode).toBe('direct_post');
  return request;
}

/** The wallet answers at the response URI (direct_post, form-encoded by Sphereon). */
export async function answer(request: WalletRequest, vpToken: Record<string, unknown[]>, extra: JsonObject = {}): Promise<Response> {
  return await fetch(request.response_uri, {
    method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: encodeJsonAsURI({ vp_token: vpToken, ...(request.state ? { state: request.state } : {}), ...extra }),
  });
}
