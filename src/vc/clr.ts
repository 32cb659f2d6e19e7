/**
 * CLR 2.0 (Comprehensive Learner Record): one credential, signed by an issuer, that bundles the
 * learner's signed achievement credentials with the achievements they assert and how those relate.
 * Pure: the caller loads the credentials and signs the result.
 */
import { CONTEXTS } from './contexts/index.ts';
import { hashEmailIdentity } from './credential/identity.ts';
import { toDateTime, type RecipientInput } from './credential/build.ts';
import { asArray, isObject } from './json.ts';
import type { JsonObject } from './types.ts';

/** CLR 2.0 §B.1.2 AssociationType. */
export type ClrAssociationType =
  | 'exactMatchOf' | 'isChildOf' | 'isParentOf' | 'isPartOf' | 'isPeerOf' | 'isRelatedTo' | 'precedes' | 'replacedBy';

/** CLR 2.0 §B.1.1 Association: how two achievements of the record relate (by achievement id). */
export interface ClrAssociation {
  type: 'Association';
  associationType: ClrAssociationType;
  sourceId: string;
  targetId: string;
}

export interface BuildClrOptions {
  /** The CLR's own id: a URL or `urn:uuid:…`. */
  id: string;
  /** The issuer's OB 3.0 Profile (id required). */
  issuer: JsonObject;
  /** The learner the record is about: a (hashed) e-mail identity or a DID. */
  recipient: RecipientInput;
  /** Signed credentials as JSON objects with embedded proofs (CLR 2.0 §B.1.4 needs at least one). */
  credentials: readonly JsonObject[];
  validFrom: Date;
  name?: string;
  description?: string;
  /** Relations between achievements of the record (e.g. a pathway's constituents isPartOf its target). */
  associations?: readonly ClrAssociation[];
}

const CLR_SCHEMA = 'https://purl.imsglobal.org/spec/clr/v2p0/schema/json/clr_v2p0_clrcredential_schema.json';
/** Defines `1EdTechJsonSchemaValidator2019`, the credentialSchema type (as in the CLR 2.0 examples). */
const OB_EXTENSIONS = 'https://purl.imsglobal.org/spec/ob/v3p0/extensions.json';
/** Contexts every CLR has, or that the embedded credentials bring with them only for themselves. */
const OWN_CONTEXTS = /^https:\/\/purl\.imsglobal\.org\/spec\/(ob|clr)\//;
const CREDENTIAL_ONLY: ReadonlySet<string> = new Set([CONTEXTS.CREDENTIALS_V1, CONTEXTS.CREDENTIALS_V2, CONTEXTS.STATUS_LIST_V1]);

/**
 * The achievements are copied to the ClrSubject, outside the credentials whose contexts define their
 * extension terms (the EU micro-credential elements…): those contexts are needed at the top too.
 */
function extensionContexts(credentials: readonly JsonObject[]): string[] {
  const found = new Set<string>();
  for (const credential of credentials) {
    for (const context of asArray(credential['@context'])) {
      if (typeof context === 'string' && !OWN_CONTEXTS.test(context) && !CREDENTIAL_ONLY.has(context)) found.add(context);
    }
  }
  return [...found];
}

/**
 * The relatedResource entries the credentials pin those extension contexts with (an instance's EU
 * context URL and its digest, VC 2.0 §5.3): the CLR names the contexts at the top, so it pins them too.
 */
function contextPins(credentials: readonly JsonObject[], contexts: readonly string[]): JsonObject[] {
  const wanted = new Set(contexts);
  const pins = new Map<string, JsonObject>();
  for (const credential of credentials) {
    for (const entry of asArray(credential.relatedResource)) {
      if (isObject(entry) && typeof entry.id === 'string' && wanted.has(entry.id) && !pins.has(entry.id)) pins.set(entry.id, structuredClone(entry));
    }
  }
  return [...pins.values()];
}
const URL_LIKE = /^[a-z][a-z0-9+.-]*:\S+$/i;

/** The achievement each credential asserts, once per achievement id, in the order first met. */
export function achievementsOf(credentials: readonly JsonObject[]): JsonObject[] {
  const seen = new Map<string, JsonObject>();
  for (const credential of credentials) {
    for (const subject of asArray(credential.credentialSubject)) {
      if (!isObject(subject)) continue;
      for (const achievement of asArray(subject.achievement)) {
        if (isObject(achievement) && typeof achievement.id === 'string' && !seen.has(achievement.id)) seen.set(achievement.id, achievement);
      }
    }
  }
  return [...seen.values()];
}

/**
 * CLR 2.0's schema (§B.1.4 VerifiableCredential) takes one `credentialStatus` object per embedded
 * credential, where VC 2.0 credentials may list several (microcred lists revocation and suspension).
 * Returns an unsigned copy keeping only the revocation entry (or the first), for the issuer to sign
 * again; undefined when the credential already fits as it is.
 */
export function withSingleStatus(credential: JsonObject): JsonObject | undefined {
  if (!Array.isArray(credential.credentialStatus)) return undefined;
  const entries = credential.credentialStatus.filter(isObject);
  const { proof: _proof, credentialStatus: _status, ...rest } = credential;
  const kept = entries.find((entry) => entry.statusPurpose === 'revocation') ?? entries[0];
  return structuredClone(kept ? { ...rest, credentialStatus: kept } : rest);
}

/**
 * Builds an unsigned ClrCredential (CLR 2.0 §B.1.3) whose ClrSubject holds the given credentials
 * verbatim (their proofs intact, so each can be verified on its own), the achievements they assert
 * and the associations. Throws TypeError on misuse.
 *
 * @example
 *   const clr = buildClrCredential({ id: 'urn:uuid:…', issuer: profile, recipient: { email: 'ana@example.org' },
 *     credentials: [signedBadge], validFrom: new Date() });
 *   const signed = await engine.sign({ credential: clr, signer });
 */
export function buildClrCredential(options: BuildClrOptions): JsonObject {
  if (!isObject(options)) throw new TypeError('buildClrCredential takes an options object.');
  const { id, issuer, recipient, credentials, validFrom, associations = [] } = options;
  if (typeof id !== 'string' || !URL_LIKE.test(id)) throw new TypeError('id must be a URL or URN.');
  if (!isObject(issuer) || typeof issuer.id !== 'string') throw new TypeError('issuer must be a Profile with an id.');
  if (!Array.isArray(credentials) || credentials.length === 0) throw new TypeError('a CLR holds at least one credential.');
  credentials.forEach((credential, index) => {
    if (!isObject(credential) || credential.proof === undefined) throw new TypeError(`credential ${index} must be a signed credential object (with an embedded proof).`);
  });
  const subject: JsonObject = {
    type: ['ClrSubject'],
    ...subjectIdentity(recipient),
    verifiableCredential: credentials.map((credential) => structuredClone(credential)),
    achievement: structuredClone(achievementsOf(credentials)),
    association: associations.map((association) => ({ ...association })),
  };
  const extensions = extensionContexts(credentials);
  const pins = contextPins(credentials, extensions);
  return {
    '@context': [CONTEXTS.CREDENTIALS_V2, CONTEXTS.CLR_V2, CONTEXTS.OB_V3, OB_EXTENSIONS, ...extensions],
    id,
    type: ['VerifiableCredential', 'ClrCredential'],
    name: options.name ?? `Comprehensive Learner Record from ${typeof issuer.name === 'string' ? issuer.name : issuer.id}`,
    ...(options.description !== undefined ? { description: options.description } : {}),
    issuer: structuredClone(issuer),
    validFrom: toDateTime(validFrom, 'validFrom'),
    credentialSubject: subject,
    credentialSchema: [{ id: CLR_SCHEMA, type: '1EdTechJsonSchemaValidator2019' }],
    ...(pins.length > 0 ? { relatedResource: pins } : {}),
  };
}

function subjectIdentity(recipient: RecipientInput): JsonObject {
  if (!isObject(recipient)) throw new TypeError('recipient must be { email } or { did }.');
  if ('did' in recipient && typeof recipient.did === 'string') return { id: recipient.did };
  if ('email' in recipient && typeof recipient.email === 'string') {
    return { identifier: [hashEmailIdentity({ email: recipient.email, ...(recipient.salt !== undefined ? { salt: recipient.salt } : {}) })] };
  }
  throw new TypeError('recipient must be { email } or { did }.');
}
