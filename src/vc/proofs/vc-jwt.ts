import { calculateJwkThumbprint, calculateJwkThumbprintUri, compactVerify, errors, importJWK, type JWK } from 'jose';
import { CONTEXTS } from '../contexts/index.ts';
import { resolveVerificationMethod, type KeyResolverOptions, type ResolvedKey } from '../did/resolve-key.ts';
import { base64urlDecode, base64urlEncode } from '../multibase.ts';
import type { JsonObject } from '../types.ts';
import type { IssueProofOptions, ProofProvider, ProofVerification, VerifyProofOptions } from './provider.ts';
import { asArray, isObject } from '../json.ts';

/** `vc2`: the payload is the credential (VC-JOSE-COSE §3.1.1); `vc1`: the credential sits in a `vc` claim (VC 1.1 §6.3.1). */
export type JwtForm = 'vc2' | 'vc1';

export interface VcJwtProviderOptions {
  /** Default: `vc2` for VC 2.0 credentials, `vc1` for VC 1.1 credentials. */
  jwtForm?: JwtForm;
  /**
   * The `typ` header. Default: `vc+jwt` (VC-JOSE-COSE §3.1.1) for the vc2 form, `JWT` for the vc1 form.
   * OB 3.0 §8.2.1 says typ, when present, is `JWT`: pass `'JWT'` for strict OB 3.0 tokens.
   */
  typ?: string;
}

/** Hard bound on a token: a real credential is a few KiB, and parsing is linear in the input. */
export const MAX_JWT_LENGTH = 1024 * 1024;
const ALGORITHMS = ['EdDSA', 'ES256', 'RS256'] as const;
const CREDENTIAL_TYPS = new Set(['JWT', 'jwt', 'vc+jwt', 'application/vc+jwt', 'vc+ld+jwt', 'application/vc+ld+jwt']);
const PRESENTATION_TYPS = new Set(['JWT', 'jwt', 'vp+jwt', 'application/vp+jwt', 'vp+ld+jwt', 'application/vp+ld+jwt']);
const REGISTERED_CLAIMS = ['iss', 'sub', 'jti', 'nbf', 'exp', 'iat', 'aud', 'nonce'];
const JWS_PART = /^[A-Za-z0-9_-]+$/;
/** Leeway for exp and nbf (RFC 7519 §4.1.4: "a small leeway … no more than a few minutes"), as for validity dates. */
const CLOCK_SKEW_SECONDS = 300;
/** RFC 7518 §6.2.2 and §6.3.2: members that only a private key has. */
const PRIVATE_JWK_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'];
const ENVELOPE_PREFIX = 'data:application/vc+jwt,';
/** The bound verify.ts puts on JSON input; a token's payload is held to the same. */
const MAX_PAYLOAD_DEPTH = 64;

/**
 * Creates the VC-JWT proof provider: compact JWS over the credential, EdDSA when issuing; EdDSA,
 * ES256 and RS256 when verifying.
 *
 * @example
 *   const jwt = await createVcJwtProvider().issue({ document: credential, signer, documentLoader, now });
 */
export function createVcJwtProvider(providerOptions: VcJwtProviderOptions = {}): ProofProvider {
  return {
    name: 'vc-jwt',
    canIssue: (format: string) => format === 'vc-jwt',
    canVerify: (document: unknown) => extractJwt(document) !== undefined,
    issue: (options: IssueProofOptions) => issueVcJwt({ ...options, ...providerOptions }),
    verify: (options: VerifyProofOptions) => verifyVcJwt(options),
  };
}

export const vcJwtProvider: ProofProvider = createVcJwtProvider();

/** Wraps a VC-JWT as a VC 2.0 EnvelopedVerifiableCredential (VC-JOSE-COSE §3.1.1), e.g. to put it in a presentation. */
export function envelopeVcJwt(jwt: string): JsonObject {
  if (extractJwt(jwt) === undefined) throw new TypeError('jwt must be a compact JWS.');
  return { '@context': [CONTEXTS.CREDENTIALS_V2], id: `${ENVELOPE_PREFIX}${jwt}`, type: 'EnvelopedVerifiableCredential' };
}

/**
 * Signs a credential as a compact JWS. The signer only signs bytes, so the signing input
 * (RFC 7515 §5.1) is built here. Registered claims mirror the credential as OB 3.0 §8.2.2 asks.
 */
export async function issueVcJwt(options: IssueProofOptions & VcJwtProviderOptions): Promise<string> {
  const { document, signer, now } = options;
  if (!isObject(document)) throw new TypeError('document must be a credential object.');
  if (!signer || typeof signer.sign !== 'function' || typeof signer.id !== 'string') throw new TypeError('signer is required.');
  if (signer.algorithm !== 'Ed25519') throw new TypeError('Only Ed25519 (EdDSA) signers can issue VC-JWTs.');
  if (!(now instanceof Date) || Number.isNaN(now.getTime())) throw new TypeError('now must be a valid Date.');

  const contexts = asArray(document['@context']);
  const version = contexts[0] === CONTEXTS.CREDENTIALS_V2 ? 2 : contexts[0] === CONTEXTS.CREDENTIALS_V1 ? 1 : undefined;
  if (version === undefined) throw new TypeError('The credential’s first @context must be the VC 1.1 or VC 2.0 context.');
  const form = options.jwtForm ?? (version === 2 ? 'vc2' : 'vc1');
  if (form !== 'vc2' && form !== 'vc1') throw new TypeError("jwtForm must be 'vc2' or 'vc1'.");
  const presentation = asArray(document.type).includes('VerifiablePresentation');

  const issuer = presentation ? stringOrId(document.holder) : stringOrId(document.issuer);
  if (!presentation && issuer === undefined) throw new TypeError('The credential has no issuer id.');
  const claims: JsonObject = {};
  if (issuer !== undefined) claims.iss = issuer;
  if (typeof document.id === 'string') claims.jti = document.id;
  const subjectId = presentation ? undefined : asArray(document.credentialSubject).map(stringOrId).find((id) => id !== undefined);
  if (subjectId !== undefined) claims.sub = subjectId;
  const from = numericDate(document.validFrom ?? document.issuanceDate, 'validFrom');
  const until = numericDate(document.validUntil ?? document.expirationDate, 'validUntil');
  if (from !== undefined) claims.nbf = from;
  if (until !== undefined) claims.exp = until;
  claims.iat = Math.floor(now.getTime() / 1000);
  if (presentation && options.challenge !== undefined) claims.nonce = options.challenge;
  if (presentation && options.domain !== undefined) claims.aud = options.domain;

  const payload =
    form === 'vc2' ? { ...document, ...claims } : { ...claims, [presentation ? 'vp' : 'vc']: document };
  const header = {
    alg: 'EdDSA',
    // OB 3.0 §8.2.1 allows no header beyond alg, kid, jwk and typ, so `cty` is left out.
    typ: options.typ ?? (form === 'vc2' ? (presentation ? 'vp+jwt' : 'vc+jwt') : 'JWT'),
    kid: signer.id,
  };
  const signingInput = `${encodeJson(header)}.${encodeJson(payload)}`;
  const signature = await signer.sign(new TextEncoder().encode(signingInput));
  return `${signingInput}.${base64urlEncode(signature)}`;
}

/**
 * Verifies a VC-JWT (compact JWS string or EnvelopedVerifiableCredential). Never throws: malformed
 * or hostile input is `verified: false` with a sentence saying what was wrong.
 */
export async function verifyVcJwt(options: VerifyProofOptions): Promise<ProofVerification> {
  try {
    return await verifyUnsafe(options);
  } catch {
    return fail('The token could not be checked because it is malformed.');
  }
}

async function verifyUnsafe(options: VerifyProofOptions): Promise<ProofVerification> {
  const jwt = extractJwt(options.document);
  if (jwt === undefined) {
    if (typeof options.document === 'string' && options.document.length > MAX_JWT_LENGTH) {
      return fail('The token is too large to be a credential (over 1 MiB), so it was not read.');
    }
    return fail('This is not a signed JSON Web Token (three base64url parts separated by dots).');
  }
  const [headerPart, payloadPart] = jwt.split('.') as [string, string, string];
  const header = decodeJson(headerPart);
  if (!header) return fail('The token header is not a JSON object.');
  const payload = decodeJson(payloadPart);
  if (!payload) return fail('The token payload is not a JSON object.');
  if (deeperThan(payload, MAX_PAYLOAD_DEPTH)) {
    return fail(`The token payload is nested more than ${MAX_PAYLOAD_DEPTH} levels deep, more than any real credential, so it was not read.`);
  }

  const alg = header.alg;
  if (alg === 'none') return fail('The token is not signed (its algorithm is “none”).');
  if (typeof alg !== 'string' || !(ALGORITHMS as readonly string[]).includes(alg)) {
    return fail(`The token uses the algorithm ${JSON.stringify(alg)}, which is not accepted (only EdDSA, ES256 and RS256 are).`);
  }
  if (header.b64 === false || header.crit !== undefined) {
    return fail('The token uses JOSE extensions (crit or b64) that this verifier does not accept.');
  }
  const presentation = options.proofPurpose === 'authentication';
  const typ = header.typ;
  if (typ !== undefined && (typeof typ !== 'string' || !(presentation ? PRESENTATION_TYPS : CREDENTIAL_TYPS).has(typ))) {
    return fail(`The token says it is a ${JSON.stringify(typ)}, not a ${presentation ? 'presentation' : 'credential'}.`);
  }

  const claimName = presentation ? 'vp' : 'vc';
  const wrapped = payload[claimName];
  if (wrapped !== undefined && !isObject(wrapped)) return fail(`The token’s “${claimName}” claim is not an object.`);
  const credential = wrapped ? restoreFromClaims(wrapped, payload, presentation) : stripClaims(payload);

  const issuer = presentation ? stringOrId(credential.holder) : stringOrId(credential.issuer);
  const keyResult = await findKey(header, issuer, options.keys);
  if (!keyResult.ok) return fail(keyResult.reason, credential);
  const { key, cryptoKeyJwk } = keyResult;
  if (key.purposes !== undefined && !key.purposes.includes(options.proofPurpose)) {
    return fail(`The key ${key.id} is not authorised by its owner for ${options.proofPurpose}.`, credential, key);
  }

  let cryptoKey: Awaited<ReturnType<typeof importJWK>>;
  try {
    cryptoKey = await importJWK(cryptoKeyJwk, alg);
  } catch {
    return fail(`The key ${key.id} cannot be used with the algorithm ${alg}.`, credential, key);
  }
  try {
    await compactVerify(jwt, cryptoKey, { algorithms: [alg] });
  } catch (error) {
    if (error instanceof errors.JWSSignatureVerificationFailed) {
      // RFC 7518 §3.4: an ES256 signature is R and S, 32 bytes each; DER (what OpenSSL emits) is 70-72 bytes.
      if (alg === 'ES256' && base64urlDecode(jwt.split('.')[2]!)?.length !== 64) {
        return fail('The ES256 signature is not in the form JOSE requires (R and S, 64 bytes; it may be DER-encoded), so it cannot be checked.', credential, key);
      }
      return fail('The signature does not match: the token was changed after it was signed, or signed with another key.', credential, key);
    }
    return fail(`The key ${key.id} cannot be used with the algorithm ${alg}.`, credential, key);
  }

  const mismatch = claimMismatch(payload, credential, presentation, options);
  if (mismatch) return fail(mismatch, credential, key);
  const expired = outsideTimeWindow(payload, options.now);
  if (expired) return fail(expired, credential, key);
  return {
    verified: true,
    message: `The ${alg} signature on the token is valid. ${key.binding}`,
    key,
    credential,
    format: 'vc-jwt',
  };
}

type KeyLookup = { ok: true; key: ResolvedKey; cryptoKeyJwk: JWK } | { ok: false; reason: string };

async function findKey(header: JsonObject, issuer: string | undefined, keys: KeyResolverOptions): Promise<KeyLookup> {
  const kid = typeof header.kid === 'string' && header.kid.length > 0 ? header.kid : undefined;
  if (header.jwk !== undefined) {
    if (isObject(header.jwk) && PRIVATE_JWK_MEMBERS.some((member) => member in (header.jwk as JsonObject))) {
      return { ok: false, reason: 'The token carries a private or secret key in its header, which must never be shared, so it was not used.' };
    }
    const jwk = publicJwk(header.jwk);
    if (!jwk) return { ok: false, reason: 'The key inside the token is not a public key of a kind this verifier reads (Ed25519, P-256 or RSA).' };
    const thumbprint = await calculateJwkThumbprint(jwk);
    const id = kid ?? (await calculateJwkThumbprintUri(jwk));
    const didJwk = issuer ? parseDidJwk(issuer) : undefined;
    if (didJwk && (await calculateJwkThumbprint(didJwk)) === thumbprint) {
      return {
        ok: true,
        cryptoKeyJwk: jwk,
        key: { id, controller: issuer!, publicKeyJwk: jwk, purposes: undefined, binding: `The key in the token is the issuer’s own did:jwk, so it belongs to ${issuer}.` },
      };
    }
    if (kid) {
      const resolved = await resolveKid(kid, keys);
      if (resolved.ok && (await calculateJwkThumbprint(resolved.jwk)) === thumbprint) {
        return { ok: true, cryptoKeyJwk: jwk, key: { ...resolved.key, publicKeyJwk: jwk } };
      }
    }
    return {
      ok: true,
      cryptoKeyJwk: jwk,
      key: {
        id,
        // The thumbprint URI (RFC 9278) names the key without claiming an owner for it.
        controller: await calculateJwkThumbprintUri(jwk),
        publicKeyJwk: jwk,
        purposes: undefined,
        binding: `The key was given in the token itself and is not shown to belong to the issuer${issuer ? ` ${issuer}` : ''}.`,
      },
    };
  }
  if (!kid) return { ok: false, reason: 'The token does not say which key signed it (no kid or jwk header).' };
  const resolved = await resolveKid(kid, keys);
  return resolved.ok ? { ok: true, key: resolved.key, cryptoKeyJwk: resolved.jwk } : resolved;
}

async function resolveKid(
  kid: string,
  keys: KeyResolverOptions,
): Promise<{ ok: true; key: ResolvedKey; jwk: JWK } | { ok: false; reason: string }> {
  if (kid.startsWith('did:jwk:')) {
    const did = kid.split('#')[0]!;
    const jwk = parseDidJwk(did);
    if (!jwk) return { ok: false, reason: `The key ${kid} is not a valid did:jwk.` };
    return {
      ok: true,
      jwk,
      key: { id: kid, controller: did, publicKeyJwk: jwk, purposes: ['assertionMethod', 'authentication'], binding: `The key is the DID itself (did:jwk), so it belongs to ${did}.` },
    };
  }
  const resolution = await resolveVerificationMethod(kid, keys);
  if (!resolution.ok) return resolution;
  const { key } = resolution;
  if (key.selfAsserted && key.publicKey) {
    // Anyone can write any key after an issuer's URL, so such a kid proves nothing about who owns the
    // key: it is reported like a key carried in the token (OB 3.0 §8.2.4.1 dereferences kid instead).
    const jwk: JWK = { kty: 'OKP', crv: 'Ed25519', x: base64urlEncode(key.publicKey) };
    return {
      ok: true,
      jwk,
      key: {
        ...key,
        controller: await calculateJwkThumbprintUri(jwk),
        binding: `The key is written in the token's key identifier after “#”, and nothing shows that it belongs to ${kid.slice(0, kid.indexOf('#'))}.`,
      },
    };
  }
  if (key.publicKeyJwk) {
    const jwk = publicJwk(key.publicKeyJwk);
    return jwk ? { ok: true, key, jwk } : { ok: false, reason: `The key ${kid} is not a valid public JWK.` };
  }
  if (key.publicKey) {
    return { ok: true, key, jwk: { kty: 'OKP', crv: 'Ed25519', x: base64urlEncode(key.publicKey) } };
  }
  return { ok: false, reason: `The key ${kid} is not in a form this verifier reads.` };
}

/** A public JWK of a type we verify, or undefined (never accepts private or symmetric keys). */
function publicJwk(value: unknown): JWK | undefined {
  if (!isObject(value)) return undefined;
  if (PRIVATE_JWK_MEMBERS.some((member) => member in value)) return undefined;
  const str = (name: string) => (typeof value[name] === 'string' ? (value[name] as string) : undefined);
  switch (value.kty) {
    case 'OKP':
      return str('crv') === 'Ed25519' && str('x') ? { kty: 'OKP', crv: 'Ed25519', x: str('x')! } : undefined;
    case 'EC':
      return str('crv') === 'P-256' && str('x') && str('y') ? { kty: 'EC', crv: 'P-256', x: str('x')!, y: str('y')! } : undefined;
    case 'RSA':
      return str('n') && str('e') ? { kty: 'RSA', n: str('n')!, e: str('e')! } : undefined;
    default:
      return undefined;
  }
}

function parseDidJwk(did: string): JWK | undefined {
  const match = /^did:jwk:([A-Za-z0-9_-]+)$/.exec(did);
  if (!match || match[1]!.length > 8192) return undefined;
  return publicJwk(decodeJson(match[1]!));
}

/**
 * OB 3.0 §8.2.4: iss, jti, sub, nbf and exp must agree with the credential. Absent claims are
 * not required here, because VC-JOSE-COSE tokens need not carry them.
 */
function claimMismatch(payload: JsonObject, credential: JsonObject, presentation: boolean, options: VerifyProofOptions): string | undefined {
  const issuerField = presentation ? 'holder' : 'issuer';
  const issuer = stringOrId(credential[issuerField]);
  if (payload.iss !== undefined && payload.iss !== issuer) {
    return `The token says it was issued by ${String(payload.iss)}, but the ${presentation ? 'presentation names the holder' : 'credential names the issuer'} ${issuer ?? '(none)'}.`;
  }
  if (payload.jti !== undefined && typeof credential.id === 'string' && payload.jti !== credential.id) {
    return `The token’s id (jti ${String(payload.jti)}) is not the credential’s id ${credential.id}.`;
  }
  if (!presentation && payload.sub !== undefined) {
    const ids = asArray(credential.credentialSubject).map(stringOrId).filter((id) => id !== undefined);
    if (ids.length > 0 && !ids.includes(payload.sub as string)) {
      return `The token’s subject (sub ${String(payload.sub)}) is not the credential’s subject ${ids.join(', ')}.`;
    }
  }
  const dates: [string, string, string][] = [
    ['nbf', 'validFrom', 'issuanceDate'],
    ['exp', 'validUntil', 'expirationDate'],
  ];
  for (const [claim, v2, v1] of dates) {
    const value = payload[claim];
    if (value === undefined) continue;
    if (typeof value !== 'number' || !Number.isFinite(value)) return `The token’s ${claim} date is not a number.`;
    const field = credential[v2] !== undefined ? v2 : v1;
    const stated = credential[field];
    if (stated === undefined) continue;
    const time = typeof stated === 'string' ? Date.parse(stated) : Number.NaN;
    if (Number.isNaN(time) || Math.floor(time / 1000) !== Math.floor(value)) {
      return `The token’s ${claim} date (${isoSeconds(value)}) does not match the credential’s ${field} (${String(stated)}).`;
    }
  }
  if (presentation && options.challenge !== undefined && payload.nonce !== options.challenge) {
    return 'The presentation was not made for this request (its nonce does not match the challenge).';
  }
  if (presentation && options.domain !== undefined && !asArray(payload.aud).includes(options.domain)) {
    return 'The presentation was not made for this verifier (its audience does not match the domain).';
  }
  return undefined;
}

/**
 * RFC 7519 §4.1.4 and §4.1.5: a token is not accepted after exp or before nbf. Checked here because
 * a VC 2.0 payload need not repeat them as validUntil / validFrom. Without a clock, not checked.
 */
function outsideTimeWindow(payload: JsonObject, now: Date | undefined): string | undefined {
  if (!(now instanceof Date) || Number.isNaN(now.getTime())) return undefined;
  const seconds = now.getTime() / 1000;
  const { exp, nbf } = payload;
  if (exp !== undefined && (typeof exp !== 'number' || !Number.isFinite(exp))) return 'The token’s exp date is not a number.';
  if (nbf !== undefined && (typeof nbf !== 'number' || !Number.isFinite(nbf))) return 'The token’s nbf date is not a number.';
  if (typeof exp === 'number' && seconds > exp + CLOCK_SKEW_SECONDS) return `The token expired on ${isoSeconds(exp)}.`;
  if (typeof nbf === 'number' && seconds < nbf - CLOCK_SKEW_SECONDS) return `The token is not valid before ${isoSeconds(nbf)}.`;
  return undefined;
}

/** VC 1.1 §6.3.1 (JWT decoding): properties moved into registered claims are put back. */
function restoreFromClaims(vc: JsonObject, payload: JsonObject, presentation: boolean): JsonObject {
  const credential: JsonObject = { ...vc };
  const issuerField = presentation ? 'holder' : 'issuer';
  if (credential[issuerField] === undefined && typeof payload.iss === 'string') credential[issuerField] = payload.iss;
  if (credential.id === undefined && typeof payload.jti === 'string') credential.id = payload.jti;
  if (!presentation) {
    if (typeof payload.nbf === 'number' && credential.issuanceDate === undefined && credential.validFrom === undefined) {
      credential[isV2(credential) ? 'validFrom' : 'issuanceDate'] = isoSeconds(payload.nbf);
    }
    if (typeof payload.exp === 'number' && credential.expirationDate === undefined && credential.validUntil === undefined) {
      credential[isV2(credential) ? 'validUntil' : 'expirationDate'] = isoSeconds(payload.exp);
    }
    const subject = credential.credentialSubject;
    if (typeof payload.sub === 'string' && isObject(subject) && subject.id === undefined) {
      credential.credentialSubject = { ...subject, id: payload.sub };
    }
  }
  return credential;
}

/** The registered claims are the envelope, not VC properties; the other checks read the credential alone. */
function stripClaims(payload: JsonObject): JsonObject {
  const credential: JsonObject = { ...payload };
  for (const claim of REGISTERED_CLAIMS) delete credential[claim];
  return credential;
}

/** The compact JWS in a string or an EnvelopedVerifiableCredential, or undefined. */
function extractJwt(document: unknown): string | undefined {
  let text: unknown = document;
  if (isObject(document)) {
    if (!asArray(document.type).includes('EnvelopedVerifiableCredential')) return undefined;
    const id = document.id;
    if (typeof id !== 'string' || !id.startsWith(ENVELOPE_PREFIX)) return undefined;
    text = id.slice(ENVELOPE_PREFIX.length);
  }
  if (typeof text !== 'string' || text.length > MAX_JWT_LENGTH) return undefined;
  const trimmed = text.trim();
  const parts = trimmed.split('.');
  if (parts.length !== 3 || !parts.every((part) => JWS_PART.test(part))) return undefined;
  return trimmed;
}

function decodeJson(part: string): JsonObject | undefined {
  const bytes = base64urlDecode(part);
  if (!bytes) return undefined;
  try {
    const value: unknown = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
    return isObject(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

/** Recursion stops at `limit`, so a hostile depth costs no stack. */
function deeperThan(value: unknown, limit: number, depth = 0): boolean {
  if (value === null || typeof value !== 'object') return false;
  if (depth >= limit) return true;
  return Object.values(value).some((item) => deeperThan(item, limit, depth + 1));
}

function encodeJson(value: unknown): string {
  return base64urlEncode(new TextEncoder().encode(JSON.stringify(value)));
}

function numericDate(value: unknown, name: string): number | undefined {
  if (value === undefined) return undefined;
  const time = typeof value === 'string' ? Date.parse(value) : Number.NaN;
  if (Number.isNaN(time)) throw new TypeError(`The credential’s ${name} is not a valid date.`);
  return Math.floor(time / 1000);
}

/** A NumericDate as an ISO date; a value beyond the Date range (±8.64e15 ms) is shown as the number. */
function isoSeconds(seconds: number): string {
  const date = new Date(seconds * 1000);
  return Number.isNaN(date.getTime()) ? String(seconds) : date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function isV2(credential: JsonObject): boolean {
  return asArray(credential['@context'])[0] === CONTEXTS.CREDENTIALS_V2;
}

function fail(message: string, credential?: JsonObject, key?: ResolvedKey): ProofVerification {
  return { verified: false, message, format: 'vc-jwt', ...(credential ? { credential } : {}), ...(key ? { key } : {}) };
}

function stringOrId(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (isObject(value) && typeof value.id === 'string') return value.id;
  return undefined;
}


