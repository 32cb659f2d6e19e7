/**
 * What every Data Integrity suite shares (VC Data Integrity 1.0 §4): building the proof options,
 * hashing (sha256 of the canonical proof configuration ‖ sha256 of the canonical document), the
 * Ed25519 signature, and the checks on a received proof. A suite only says how a document is
 * canonicalised and how its proof configuration is built.
 */
import { createHash } from 'node:crypto';
import { CONTEXTS } from '../../contexts/index.ts';
import { resolveVerificationMethod, type ResolvedKey } from '../../did/resolve-key.ts';
import { canonize, JsonLdProcessingError, JsonLdSafeModeError } from '../../jsonld.ts';
import { PublicKeyCache, verifyEd25519 } from '../../keys/ed25519.ts';
import { multibaseEncode, base58btcDecode } from '../../multibase.ts';
import type { DocumentLoader, JsonObject } from '../../types.ts';
import type { IssueProofOptions, ProofProvider, ProofVerification, VerifyProofOptions } from '../provider.ts';
import { isObject, asArray } from '../../json.ts';
export { isObject, asArray };

export type ProofPurpose = 'assertionMethod' | 'authentication';
const PURPOSES: readonly string[] = ['assertionMethod', 'authentication'];

/** One proof format: its names, and how it turns documents into the bytes that are hashed. */
export interface DataIntegritySuite {
  /** Format name, e.g. `eddsa-rdfc-2022` (the cryptosuite) or `Ed25519Signature2020`. */
  readonly name: string;
  readonly proofType: 'DataIntegrityProof' | 'Ed25519Signature2020';
  /** The `cryptosuite` value, for `DataIntegrityProof`. */
  readonly cryptosuite?: string;
  /** False for formats microcred only reads (legacy). */
  readonly issuable: boolean;
  /** True when the issued proof carries `@context` itself (eddsa-jcs-2022 §3.3.1 Create Proof). */
  readonly proofCarriesContext: boolean;
  /**
   * True when, like @digitalbazaar/data-integrity, the data-integrity v2 context is added to a proof
   * configuration whose context defines neither it nor VC 2.0 (VC 1.1 credentials).
   */
  readonly addsSuiteContextToProofConfig: boolean;
  /** The canonical form of a document or proof configuration (N-Quads or JCS text). */
  canonicalize(options: { document: JsonObject; documentLoader: DocumentLoader }): Promise<string>;
  /** The canonical form of a proof configuration, when the suite treats it apart (e.g. memoised). */
  canonicalizeProofConfig?(options: { document: JsonObject; documentLoader: DocumentLoader }): Promise<string>;
  /** Extra checks before signing (e.g. JSON-LD safe mode for a suite that does not use JSON-LD). */
  checkBeforeIssue?(options: { document: JsonObject; documentLoader: DocumentLoader }): Promise<void>;
}

/** SHA-256 of a string's UTF-8 bytes. */
export function sha256(text: string): Uint8Array {
  return new Uint8Array(createHash('sha256').update(text, 'utf8').digest());
}

/**
 * The bytes a Data Integrity proof signs: sha256(canonical proof configuration) ‖
 * sha256(canonical document) (vc-di-eddsa §3.3.4 / §3.4.4 Hashing; Ed25519Signature2020 alike).
 */
export async function createVerifyData(options: {
  suite: DataIntegritySuite;
  document: JsonObject;
  proofConfig: JsonObject;
  documentLoader: DocumentLoader;
}): Promise<Uint8Array> {
  const { suite, document, proofConfig, documentLoader } = options;
  const [proofCanon, documentCanon] = await Promise.all([
    (suite.canonicalizeProofConfig ?? suite.canonicalize)({ document: proofConfig, documentLoader }),
    suite.canonicalize({ document, documentLoader }),
  ]);
  const out = new Uint8Array(64);
  out.set(sha256(proofCanon), 0);
  out.set(sha256(documentCanon), 32);
  return out;
}

/** XMLSchema dateTime without fractional seconds, e.g. `2024-05-01T12:00:00Z`. */
export function xsdDateTime(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

// XMLSchema dateTimeStamp (VC Data Integrity 1.0 §2.1: `created` "MUST be an [XMLSCHEMA11-2] dateTimeStamp").
const DATE_TIME_STAMP = /^(-?\d{4,})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d+)?(Z|[+-](\d{2}):(\d{2}))$/;

/** True for an XMLSchema dateTimeStamp whose fields are in range (no 13th month, no 25th hour). */
function isDateTimeStamp(value: unknown): value is string {
  const match = typeof value === 'string' ? DATE_TIME_STAMP.exec(value) : null;
  if (!match) return false;
  const [year, month, day, hour, minute, second] = match.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  const days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1];
  if (days === undefined || day < 1 || day > days || minute > 59 || second > 59) return false;
  // XMLSchema allows 24:00:00 (the end of the day) but no other time in hour 24.
  if (hour > 24 || (hour === 24 && (minute !== 0 || second !== 0 || /[1-9]/.test(match[7] ?? '')))) return false;
  if (match[9] !== undefined && (Number(match[9]) > 14 || Number(match[10]) > 59 || (Number(match[9]) === 14 && Number(match[10]) !== 0))) return false;
  return true;
}

/**
 * The proofs a chained proof was made over (VC Data Integrity 1.0 §4.4): every proof of the document
 * whose id its `previousProof` names, in the document's order. Undefined when it names none.
 */
function previousProofs(proof: JsonObject, all: unknown): { ok: true; proofs: JsonObject[] | undefined } | { ok: false; message: string } {
  if (proof.previousProof === undefined) return { ok: true, proofs: undefined };
  const ids = asArray(proof.previousProof);
  if (ids.length === 0 || !ids.every((id) => typeof id === 'string')) {
    return { ok: false, message: 'The proof’s previousProof is neither a proof id nor a list of proof ids.' };
  }
  const candidates = asArray(all).filter(isObject);
  const missing = ids.find((id) => !candidates.some((candidate) => candidate.id === id));
  if (missing !== undefined) {
    return { ok: false, message: `The proof says it was made after the proof ${JSON.stringify(missing)}, which the document does not carry.` };
  }
  return { ok: true, proofs: candidates.filter((candidate) => typeof candidate.id === 'string' && ids.includes(candidate.id)) };
}



function includesContext(context: unknown, url: string): boolean {
  return context === url || (Array.isArray(context) && context.includes(url));
}

/**
 * VC 1.1's context does not define `DataIntegrityProof`: like @digitalbazaar/data-integrity
 * (`ensureSuiteContext`), add the data-integrity v2 context when neither it nor VC 2.0 is present,
 * so the signed document is the same one the reference library would produce.
 */
function withSuiteContext(context: unknown): unknown {
  if (includesContext(context, CONTEXTS.DATA_INTEGRITY_V2) || includesContext(context, CONTEXTS.CREDENTIALS_V2)) {
    return context;
  }
  return [...asArray(context), CONTEXTS.DATA_INTEGRITY_V2];
}

function matchesSuite(suite: DataIntegritySuite, proof: unknown): proof is JsonObject {
  if (!isObject(proof) || proof.type !== suite.proofType) return false;
  return suite.cryptosuite === undefined || proof.cryptosuite === suite.cryptosuite;
}

/** Signs a document with one suite. Throws TypeError on misuse and the JSON-LD errors on bad documents. */
export async function issueWithSuite(suite: DataIntegritySuite, options: IssueProofOptions): Promise<JsonObject> {
  assertIssueOptions(suite, options);
  const { signer, documentLoader, now } = options;
  const proofPurpose = options.proofPurpose ?? 'assertionMethod';
  const { proof: existingProofs, ...unsecured } = structuredClone(options.document);
  if (suite.proofType === 'DataIntegrityProof') unsecured['@context'] = withSuiteContext(unsecured['@context']);

  // Property order as the reference library writes it, so signed documents are byte-identical.
  const proofOptions: JsonObject = {
    type: suite.proofType,
    created: xsdDateTime(now),
    verificationMethod: signer.id,
    ...(suite.cryptosuite ? { cryptosuite: suite.cryptosuite } : {}),
    proofPurpose,
    ...(options.challenge !== undefined ? { challenge: options.challenge } : {}),
    ...(options.domain !== undefined ? { domain: options.domain } : {}),
  };
  const context = unsecured['@context'];
  const proofConfig: JsonObject = context === undefined ? { ...proofOptions } : { ...proofOptions, '@context': context };

  await suite.checkBeforeIssue?.({ document: unsecured, documentLoader });
  const verifyData = await createVerifyData({ suite, document: unsecured, proofConfig, documentLoader });
  const signature = await signer.sign(verifyData);
  const proof = { ...(suite.proofCarriesContext ? proofConfig : proofOptions), proofValue: multibaseEncode(signature) };
  // A document that already has proofs gets a proof set (VC Data Integrity 1.0 §2.1.1).
  return { ...unsecured, proof: existingProofs === undefined ? proof : [...asArray(existingProofs), proof] };
}

function assertIssueOptions(suite: DataIntegritySuite, options: IssueProofOptions): void {
  if (!suite.issuable) throw new TypeError(`microcred reads ${suite.name} proofs but does not create them.`);
  if (!isObject(options?.document)) throw new TypeError('The document to sign must be a JSON object.');
  const { signer } = options;
  if (!signer || typeof signer.id !== 'string' || typeof signer.sign !== 'function') {
    throw new TypeError('A signer with an id (its verification method) and a sign() function is required.');
  }
  if (signer.algorithm !== 'Ed25519') throw new TypeError(`${suite.name} needs an Ed25519 signer.`);
  if (typeof options.documentLoader !== 'function') throw new TypeError('A documentLoader is required.');
  if (!(options.now instanceof Date) || Number.isNaN(options.now.getTime())) {
    throw new TypeError('`now` must be a valid Date (it becomes the proof’s created time).');
  }
  if (options.proofPurpose !== undefined && !PURPOSES.includes(options.proofPurpose)) {
    throw new TypeError('proofPurpose must be "assertionMethod" or "authentication".');
  }
  if (options.challenge !== undefined && typeof options.challenge !== 'string') throw new TypeError('challenge must be a string.');
  if (options.domain !== undefined && typeof options.domain !== 'string') throw new TypeError('domain must be a string.');
}

type Outcome = { ok: true; key: ResolvedKey; issuerDependentTerms?: string[] } | { ok: false; message: string };

/**
 * VC 2.0 §5.2: terms no context defines are "issuer-dependent" and map to this vocabulary. The
 * base context carried it as `@vocab` while VC 2.0 was a Candidate Recommendation, so issuers that
 * loaded that version signed such terms as issuer-dependent IRIs.
 */
const ISSUER_DEPENDENT_VOCAB = 'https://www.w3.org/ns/credentials/issuer-dependent#';

/** The caller's loader, with the VC 2.0 base context read as it was when it carried the `@vocab`. */
function withIssuerDependentVocab(loader: DocumentLoader): DocumentLoader {
  return async (url) => {
    const loaded = await loader(url);
    if (url !== CONTEXTS.CREDENTIALS_V2 || !isObject(loaded.document) || !isObject(loaded.document['@context'])) return loaded;
    const context = { ...loaded.document['@context'], '@vocab': ISSUER_DEPENDENT_VOCAB };
    return { ...loaded, document: { ...loaded.document, '@context': context } };
  };
}

/**
 * Whether a JSON-LD safe-mode refusal may be only issuer-dependent terms in a VC 2.0 document, which
 * VC 2.0 accepts on verify (microcred still refuses them when it signs): the suite reads JSON-LD and
 * every named term is a plain name (a property or type, not a bad identifier or a keyword).
 */
function mayBeIssuerDependent(suite: DataIntegritySuite, document: JsonObject, error: unknown): error is JsonLdSafeModeError {
  return suite.name === 'eddsa-rdfc-2022' && error instanceof JsonLdSafeModeError
    && includesContext(document['@context'], CONTEXTS.CREDENTIALS_V2)
    && error.terms.length > 0 && error.terms.every((term) => /^[A-Za-z_][A-Za-z0-9_.-]*$/.test(term));
}

/**
 * Verifies the document's proofs of this suite made for the expected purpose. When there are
 * several (a proof set), every one must verify: each signer vouches for the whole document, so a
 * single bad proof means the document or a proof was altered, and ignoring it would hide that.
 * Proofs of other formats or other purposes are not this check's business. Never throws.
 */
export async function verifyWithSuite(suite: DataIntegritySuite, options: VerifyProofOptions, keyCache?: PublicKeyCache): Promise<ProofVerification> {
  const format = suite.name;
  try {
    const document = options?.document;
    if (!isObject(document)) return { verified: false, format, message: 'The credential is not a JSON object, so its proof cannot be checked.' };
    const proofs = asArray(document.proof).filter((proof) => matchesSuite(suite, proof));
    if (proofs.length === 0) return { verified: false, format, message: `The document has no ${format} proof.` };
    const purposeProofs = proofs.filter((proof) => proof.proofPurpose === options.proofPurpose);
    if (purposeProofs.length === 0) {
      const found = proofs.map((proof) => JSON.stringify(proof.proofPurpose ?? null)).join(', ');
      return { verified: false, format, message: `The ${format} proof was made for the purpose ${found}, but "${options.proofPurpose}" was expected.` };
    }
    let firstKey: ResolvedKey | undefined;
    const keys: ResolvedKey[] = [];
    const terms = new Set<string>();
    for (const proof of purposeProofs) {
      const outcome = await verifyOneProof(suite, document, proof, options, keyCache);
      if (!outcome.ok) return { verified: false, format, message: outcome.message, ...(firstKey ? { key: firstKey } : {}) };
      firstKey ??= outcome.key;
      keys.push(outcome.key);
      for (const term of outcome.issuerDependentTerms ?? []) terms.add(term);
    }
    const warning = terms.size > 0
      ? `The document uses ${terms.size === 1 ? 'a term' : 'terms'} that no context defines (${[...terms].join(', ')}): VC 2.0 reads ${terms.size === 1 ? 'it' : 'them'} as issuer-dependent, so what ${terms.size === 1 ? 'it means' : 'they mean'} is known only to the issuer.`
      : undefined;
    const count = purposeProofs.length === 1 ? `The ${format} proof is valid` : `All ${purposeProofs.length} ${format} proofs are valid`;
    return { verified: true, format, key: firstKey, ...(keys.length > 1 ? { keys } : {}), ...(warning ? { warning } : {}), message: `${count}: the document has not changed since it was signed with the key ${firstKey!.id}.` };
  } catch (error) {
    // Anything unexpected in hostile input is a failed verification, not an exception.
    return { verified: false, format, message: `The ${format} proof could not be checked: ${describeError(error)}` };
  }
}

async function verifyOneProof(
  suite: DataIntegritySuite,
  document: JsonObject,
  proof: JsonObject,
  options: VerifyProofOptions,
  keyCache: PublicKeyCache | undefined,
): Promise<Outcome> {
  const format = suite.name;
  const { proofValue, ...proofOptions } = proof;
  // vc-di-eddsa §3.3.2 / §3.4.2: the proof value is a multibase base58btc Ed25519 signature.
  const signature = typeof proofValue === 'string' && proofValue.startsWith('z') ? base58btcDecode(proofValue.slice(1)) : undefined;
  if (!signature || signature.length !== 64) {
    return { ok: false, message: `The ${format} proof has no readable signature (proofValue is missing or malformed).` };
  }
  if (proof.created !== undefined && !isDateTimeStamp(proof.created)) {
    return { ok: false, message: `The proof's creation time ${JSON.stringify(proof.created)} is not a valid date and time.` };
  }
  // VC Data Integrity 1.0 §2.1: a proof past its `expires` is no longer valid.
  if (proof.expires !== undefined) {
    const expires = isDateTimeStamp(proof.expires) ? new Date(proof.expires) : undefined;
    if (!expires || Number.isNaN(expires.getTime())) return { ok: false, message: `The proof's expiry time ${JSON.stringify(proof.expires)} is not a valid date and time.` };
    if (options.now && expires.getTime() < options.now.getTime()) return { ok: false, message: `The proof expired on ${expires.toISOString()}.` };
  }
  const challengeProblem = compareBinding('challenge', proof.challenge, options.challenge, options.proofPurpose);
  if (challengeProblem) return { ok: false, message: challengeProblem };
  const domainProblem = compareBinding('domain', proof.domain, options.domain, options.proofPurpose);
  if (domainProblem) return { ok: false, message: domainProblem };

  const resolution = await resolveVerificationMethod(proof.verificationMethod, options.keys);
  if (!resolution.ok) return { ok: false, message: `The key that made the proof could not be found: ${resolution.reason}` };
  const key = resolution.key;
  if (!key.publicKey) return { ok: false, message: `The key ${key.id} is not an Ed25519 key, which ${format} requires.` };
  // VC Data Integrity 1.0 §4.5 (verify proof): the controller must authorise the key for the purpose.
  if (key.purposes !== undefined && !key.purposes.includes(options.proofPurpose)) {
    return { ok: false, message: `The key ${key.id} is not authorised by its controller for "${options.proofPurpose}".` };
  }

  const previous = previousProofs(proof, document.proof);
  if (!previous.ok) return { ok: false, message: previous.message };

  const { proof: _proofs, ...unsecured } = document;
  // VC Data Integrity 1.0 §4.4: a chained proof signed the document carrying the proofs it follows.
  if (previous.proofs !== undefined) unsecured.proof = previous.proofs;
  const proofContext = proofOptions['@context'];
  if (proofContext !== undefined) {
    // vc-di-eddsa §3.3.2 step 4 / §3.4.2 step 4: the proof's @context must begin the document's.
    const documentContext = asArray(unsecured['@context']);
    const expected = asArray(proofContext);
    if (!expected.every((entry, i) => JSON.stringify(entry) === JSON.stringify(documentContext[i]))) {
      return { ok: false, message: 'The proof’s @context does not match the start of the document’s @context.' };
    }
    unsecured['@context'] = proofContext;
  }
  let configContext = unsecured['@context'];
  if (suite.addsSuiteContextToProofConfig && configContext !== undefined) configContext = withSuiteContext(configContext);
  const proofConfig: JsonObject = configContext === undefined ? { ...proofOptions } : { ...proofOptions, '@context': configContext };

  let verifyData: Uint8Array;
  let issuerDependentTerms: string[] | undefined;
  let strictRefusal: unknown;
  try {
    verifyData = await createVerifyData({ suite, document: unsecured, proofConfig, documentLoader: options.documentLoader });
  } catch (error) {
    if (!mayBeIssuerDependent(suite, unsecured, error)) return { ok: false, message: `The signed document could not be processed: ${describeError(error)}` };
    // Read them as VC 2.0 does, through the general JSON-LD path (never the template cache, whose
    // shapes are those of the strict reading); the signature then decides.
    const plain: DataIntegritySuite = { ...suite, canonicalize: ({ document: d, documentLoader }) => canonize({ document: d, documentLoader }) };
    delete (plain as { canonicalizeProofConfig?: unknown }).canonicalizeProofConfig;
    try {
      verifyData = await createVerifyData({ suite: plain, document: unsecured, proofConfig, documentLoader: withIssuerDependentVocab(options.documentLoader) });
      issuerDependentTerms = error.terms;
      strictRefusal = error;
    } catch {
      return { ok: false, message: `The signed document could not be processed: ${describeError(error)}` };
    }
  }
  const publicKey = keyCache?.get(key.publicKey) ?? key.publicKey;
  if (!verifyEd25519(publicKey, verifyData, signature)) {
    // Not signed as issuer-dependent terms either: most likely the terms were added after signing.
    if (strictRefusal !== undefined) return { ok: false, message: `The signed document could not be processed: ${describeError(strictRefusal)}` };
    return {
      ok: false,
      message: `The signature does not match: the document or its proof was changed after signing, or it was not signed with the key ${key.id}.`,
    };
  }
  return issuerDependentTerms ? { ok: true, key, issuerDependentTerms } : { ok: true, key };
}

/**
 * Challenge and domain bind a presentation to one verifier and one exchange (VC Data Integrity 1.0
 * §2.1, §4.5): for authentication they must match exactly, absent on both sides included; for other
 * purposes they are compared only when the verifier asks.
 */
function compareBinding(name: 'challenge' | 'domain', actual: unknown, expected: string | undefined, purpose: ProofPurpose): string | undefined {
  if (expected === undefined && purpose !== 'authentication') return undefined;
  if (actual === expected) return undefined;
  // VC Data Integrity 1.0 §2.1: `domain` may be a set of strings; the verifier's domain must be one of them.
  if (name === 'domain' && expected !== undefined && Array.isArray(actual) && actual.length > 0 && actual.every((d) => typeof d === 'string') && actual.includes(expected)) {
    return undefined;
  }
  if (expected === undefined) return `The proof carries a ${name} (${JSON.stringify(actual)}) but the verifier expected none.`;
  if (actual === undefined) return `The proof carries no ${name}, but the verifier expected ${JSON.stringify(expected)}.`;
  return `The proof's ${name} ${JSON.stringify(actual)} is not the expected ${JSON.stringify(expected)}.`;
}

function describeError(error: unknown): string {
  if (error instanceof JsonLdProcessingError) return error.message;
  if (error instanceof Error) return error.message;
  return String(error);
}

/** A ProofProvider for one suite (STYLE.md: formats are chosen by capability). */
export function createSuiteProvider(suite: DataIntegritySuite): ProofProvider {
  const keyCache = new PublicKeyCache();
  return {
    name: suite.name,
    canIssue: (format: string) => suite.issuable && format === suite.name,
    canVerify: (document: unknown) => isObject(document) && asArray(document.proof).some((proof) => matchesSuite(suite, proof)),
    issue: (options: IssueProofOptions) => issueWithSuite(suite, options),
    verify: (options: VerifyProofOptions) => verifyWithSuite(suite, options, keyCache),
  };
}
