/**
 * Verifiable presentations (VC Data Model 2.0 §4.13): a holder wraps credentials and proves, for one
 * verifier (`domain`) and one exchange (`challenge`), that they hold the key. This module signs and
 * checks the presentation's own proof; the embedded credentials are verified one by one elsewhere.
 */
import { CONTEXTS } from './contexts/index.ts';
import type { KeyResolverOptions } from './did/resolve-key.ts';
import { asArray, isObject } from './proofs/data-integrity/common.ts';
import { signDataIntegrity, verifyDataIntegrity, type DataIntegrityCryptosuite } from './proofs/data-integrity/index.ts';
import type { ProofVerification } from './proofs/provider.ts';
import { verifyVcJwt } from './proofs/vc-jwt.ts';
import type { DocumentLoader, JsonObject, Signer } from './types.ts';

/** VC-JOSE-COSE §3.1.1: the media type of a credential secured as a JWT. */
const VC_JWT_DATA_URL_PREFIX = 'data:application/vc+jwt,';
const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+$/;

export interface CreatePresentationOptions {
  /** Credentials to present: JSON objects, or VC-JWT compact strings (wrapped as enveloped credentials). */
  credentials: ReadonlyArray<JsonObject | string>;
  /** The holder's DID (the key signing the presentation must belong to it). */
  holder?: string;
  id?: string;
}

/**
 * Builds an unsigned VC 2.0 presentation. VC-JWT strings become `EnvelopedVerifiableCredential`s
 * (VC Data Model 2.0 §4.13.1).
 *
 * @example
 *   const vp = createPresentation({ credentials: [credential], holder: 'did:key:z6Mk…' });
 */
export function createPresentation(options: CreatePresentationOptions): JsonObject {
  const { credentials, holder, id } = options ?? {};
  if (!Array.isArray(credentials)) throw new TypeError('credentials must be an array.');
  if (holder !== undefined && (typeof holder !== 'string' || holder.length === 0)) throw new TypeError('holder must be a DID or URL.');
  if (id !== undefined && typeof id !== 'string') throw new TypeError('id must be a string.');
  const verifiableCredential = credentials.map((credential, index) => {
    if (typeof credential === 'string') {
      if (!COMPACT_JWS.test(credential)) throw new TypeError(`Credential ${index} is a string but not a compact JWT.`);
      return { '@context': CONTEXTS.CREDENTIALS_V2, id: `${VC_JWT_DATA_URL_PREFIX}${credential}`, type: 'EnvelopedVerifiableCredential' };
    }
    if (!isObject(credential)) throw new TypeError(`Credential ${index} must be a JSON object or a VC-JWT string.`);
    return structuredClone(credential);
  });
  return {
    '@context': [CONTEXTS.CREDENTIALS_V2],
    ...(id !== undefined ? { id } : {}),
    type: ['VerifiablePresentation'],
    ...(holder !== undefined ? { holder } : {}),
    verifiableCredential,
  };
}

export interface SignPresentationOptions {
  presentation: JsonObject;
  signer: Signer;
  documentLoader: DocumentLoader;
  now: Date;
  /** The verifier's one-time value, against replay (required). */
  challenge: string;
  /** The verifier the presentation is meant for (e.g. its origin). */
  domain?: string;
  cryptosuite?: DataIntegrityCryptosuite;
}

/**
 * Signs a presentation with proof purpose `authentication`, bound to `challenge` and `domain`.
 * Throws TypeError on misuse, `JsonLdSafeModeError` when the presentation uses undefined terms.
 *
 * @example
 *   const signed = await signPresentation({ presentation, signer, documentLoader, now, challenge: nonce, domain: 'https://verifier.example' });
 */
export async function signPresentation(options: SignPresentationOptions): Promise<JsonObject> {
  const { presentation, signer, documentLoader, now, challenge, domain, cryptosuite } = options ?? {};
  if (!isObject(presentation)) throw new TypeError('The presentation must be a JSON object.');
  if (typeof challenge !== 'string' || challenge.length === 0) {
    throw new TypeError('A challenge from the verifier is required to sign a presentation.');
  }
  return signDataIntegrity({
    document: presentation,
    signer,
    documentLoader,
    now,
    challenge,
    ...(domain !== undefined ? { domain } : {}),
    ...(cryptosuite !== undefined ? { cryptosuite } : {}),
    proofPurpose: 'authentication',
  });
}

export interface VerifyPresentationProofOptions {
  presentation: unknown;
  documentLoader: DocumentLoader;
  keys: KeyResolverOptions;
  /** The challenge this verifier issued; the proof must carry exactly this value. */
  challenge: string;
  /** The domain this verifier expects; must match exactly (absent on both sides included). */
  domain?: string;
}

/**
 * Checks the presentation's own proof (purpose `authentication`, exact challenge and domain) and,
 * when the presentation names a holder, that the signing key belongs to the holder. The embedded
 * credentials are covered by this signature but are not verified here: see
 * `embeddedCredentials`. Never throws on bad input.
 */
export async function verifyPresentationProof(options: VerifyPresentationProofOptions): Promise<ProofVerification> {
  const { presentation, documentLoader, keys, challenge, domain } = options ?? {};
  if (typeof challenge !== 'string' || challenge.length === 0) {
    throw new TypeError('The challenge this verifier issued is required to verify a presentation.');
  }
  if (!isObject(presentation)) return { verified: false, message: 'The presentation is not a JSON object.' };
  // VC Data Model 2.0 §4.13: a presentation is typed VerifiablePresentation.
  if (!asArray(presentation.type).includes('VerifiablePresentation')) {
    return { verified: false, message: 'The document is not a verifiable presentation (its type lacks "VerifiablePresentation").' };
  }
  if (presentation.proof === undefined) return { verified: false, message: 'The presentation is not signed (it has no proof).' };
  const result = await verifyDataIntegrity({
    document: presentation,
    documentLoader,
    keys,
    proofPurpose: 'authentication',
    challenge,
    ...(domain !== undefined ? { domain } : {}),
  });
  if (!result.verified || !result.key) return result;
  const holder = holderId(presentation.holder);
  if (presentation.holder !== undefined && holder === undefined) {
    return { ...result, verified: false, message: 'The presentation’s holder is not a valid identifier.' };
  }
  // VC Data Model 2.0 §4.13 / VC Data Integrity §4.5: the holder must be the controller of the proving key.
  if (holder !== undefined && result.key.controller !== holder) {
    return {
      ...result,
      verified: false,
      message: `The presentation was signed with a key of ${result.key.controller}, not of its holder ${holder}.`,
    };
  }
  return {
    ...result,
    message: holder !== undefined ? `${result.message} The key belongs to the holder, ${holder}.` : result.message,
  };
}

export interface VerifyPresentationJwtOptions {
  jwt: string;
  keys: KeyResolverOptions;
  /** The verifier's one-time value: the token's `nonce` must equal it. */
  challenge: string;
  /** The verifier's identifier: the token's `aud` must name it. */
  domain?: string;
  now?: Date;
}

/**
 * Checks a presentation secured as a JWT (VC-JWT 1.1 §6.3.1 `vp` claim, or a VC 2.0 `vp+jwt`): the
 * holder's signature, `nonce` = challenge, `aud` ∋ domain, its time window, and that the signing key
 * belongs to the holder. The presentation read from the token is returned as `credential`. Never throws.
 */
export async function verifyPresentationJwt(options: VerifyPresentationJwtOptions): Promise<ProofVerification> {
  const { jwt, keys, challenge, domain, now } = options ?? {};
  if (typeof challenge !== 'string' || challenge.length === 0) {
    throw new TypeError('The challenge this verifier issued is required to verify a presentation.');
  }
  const result = await verifyVcJwt({
    document: jwt, documentLoader: rejectingLoader, keys, proofPurpose: 'authentication', challenge,
    ...(domain !== undefined ? { domain } : {}), ...(now ? { now } : {}),
  });
  const presentation = result.credential;
  if (!result.verified || !result.key || !presentation) return result;
  if (!asArray(presentation.type).includes('VerifiablePresentation')) {
    return { ...result, verified: false, message: 'The token does not carry a verifiable presentation (its type lacks "VerifiablePresentation").' };
  }
  const holder = holderId(presentation.holder);
  // VC Data Model 2.0 §4.13: the holder must be the controller of the proving key.
  if (holder === undefined) return { ...result, verified: false, message: 'The presentation does not name its holder (no holder, no iss).' };
  if (result.key.controller !== holder) {
    return { ...result, verified: false, message: `The presentation was signed with a key of ${result.key.controller}, not of its holder ${holder}.` };
  }
  return { ...result, message: `${result.message} The key belongs to the holder, ${holder}.` };
}

/** A JWT needs no JSON-LD context: any attempt to load one is a mistake. */
const rejectingLoader: DocumentLoader = async (url) => {
  throw new Error(`No document is loaded to check a JWT presentation (asked for ${url}).`);
};

/**
 * The credentials a presentation carries, in order: objects as they are, enveloped VC-JWTs as their
 * compact JWT string. Unreadable entries are left out; use this only after `verifyPresentationProof`.
 */
export function embeddedCredentials(presentation: unknown): Array<JsonObject | string> {
  if (!isObject(presentation)) return [];
  const out: Array<JsonObject | string> = [];
  for (const entry of asArray(presentation.verifiableCredential)) {
    // VC-JWT 1.1 §6.3.1: a VP-JWT lists its credentials as compact JWTs.
    if (typeof entry === 'string' && COMPACT_JWS.test(entry)) {
      out.push(entry);
      continue;
    }
    if (!isObject(entry)) continue;
    const types = asArray(entry.type);
    if (types.includes('EnvelopedVerifiableCredential')) {
      if (typeof entry.id === 'string' && entry.id.startsWith(VC_JWT_DATA_URL_PREFIX)) {
        out.push(entry.id.slice(VC_JWT_DATA_URL_PREFIX.length));
      }
      continue;
    }
    out.push(entry);
  }
  return out;
}

function holderId(holder: unknown): string | undefined {
  if (typeof holder === 'string') return holder;
  if (isObject(holder) && typeof holder.id === 'string') return holder.id;
  return undefined;
}

function isUrl(value: unknown): value is string {
  return typeof value === 'string' && /^[a-z][a-z0-9+.-]*:\S+$/i.test(value) && URL.canParse(value);
}

/** One data-model problem of a presentation, with a JSON pointer relative to it. */
export interface PresentationProblem {
  pointer: string;
  message: string;
}

/**
 * The VC Data Model rules for a presentation itself (VC 2.0 §4.13, §4.3; VC 1.1 §4.10), the same
 * whether it is signed or not: base context first, the VerifiablePresentation type, an id and a
 * holder that are URLs, and embedded credentials that are objects (a VC-JWT travels enveloped,
 * §4.13.1). The embedded credentials' own rules are checked when each is verified. Never throws.
 */
export function presentationProblems(presentation: unknown): PresentationProblem[] {
  if (!isObject(presentation)) return [{ pointer: '', message: 'a presentation is a JSON object' }];
  const problems: PresentationProblem[] = [];
  const contexts = asArray(presentation['@context']);
  const first = contexts[0];
  const v2 = first === CONTEXTS.CREDENTIALS_V2;
  if (!v2 && first !== CONTEXTS.CREDENTIALS_V1) {
    problems.push({ pointer: '/@context', message: `the first @context must be ${CONTEXTS.CREDENTIALS_V2} (VC 2.0 §4.3) or ${CONTEXTS.CREDENTIALS_V1} (VC 1.1)` });
  }
  contexts.forEach((entry, i) => {
    if (i > 0 && !isUrl(entry) && !isObject(entry)) problems.push({ pointer: `/@context/${i}`, message: 'each @context entry must be a URL or an object (VC 2.0 §4.3)' });
  });
  const types = asArray(presentation.type);
  if (!types.includes('VerifiablePresentation')) problems.push({ pointer: '/type', message: 'the type must include "VerifiablePresentation" (VC 2.0 §4.13)' });
  if (!types.every((type) => typeof type === 'string' && type !== '')) problems.push({ pointer: '/type', message: 'each type must be a text (VC 2.0 §4.5)' });
  if (presentation.id !== undefined && !isUrl(presentation.id)) problems.push({ pointer: '/id', message: 'the id must be a URL (VC 2.0 §4.4)' });
  if (presentation.holder !== undefined && !isUrl(holderId(presentation.holder))) {
    problems.push({ pointer: '/holder', message: 'the holder must be a URL, or an object whose id is a URL (VC 2.0 §4.13)' });
  }
  const credentials = presentation.verifiableCredential;
  const list = asArray(credentials);
  list.forEach((entry, i) => {
    const at = Array.isArray(credentials) ? `/verifiableCredential/${i}` : '/verifiableCredential';
    if (!isObject(entry)) {
      problems.push({ pointer: at, message: 'each credential in a presentation must be an object; a VC-JWT is wrapped as an EnvelopedVerifiableCredential (VC 2.0 §4.13.1)' });
      return;
    }
    if (asArray(entry.type).includes('EnvelopedVerifiableCredential')) {
      if (typeof entry.id !== 'string' || !entry.id.startsWith(VC_JWT_DATA_URL_PREFIX) || !COMPACT_JWS.test(entry.id.slice(VC_JWT_DATA_URL_PREFIX.length))) {
        problems.push({ pointer: `${at}/id`, message: `an enveloped credential's id must be a ${VC_JWT_DATA_URL_PREFIX}… data URL carrying a VC-JWT (VC 2.0 §4.13.1)` });
      }
    } else if (!asArray(entry.type).includes('VerifiableCredential')) {
      problems.push({ pointer: `${at}/type`, message: 'each credential in a presentation must be typed VerifiableCredential (VC 2.0 §4.5)' });
    }
  });
  return problems;
}
