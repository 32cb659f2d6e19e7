import { EU_EXTENSION_PROPERTIES } from '../../domain/eu-elements.ts';
import { CONTEXTS, EU_CONTEXT_DIGEST_SRI, isEuContextUrlForm } from '../contexts/index.ts';
import type { JsonObject } from '../types.ts';
import { OB3_ACHIEVEMENT_CREDENTIAL_SCHEMA } from '../schemas/eu-extension.ts';
import { hashEmailIdentity } from './identity.ts';
import type { IdentityObject } from './identity.ts';
import { isObject } from '../json.ts';

/** The VC data model version of a built credential. 2.0 is the default; 1.1 only for legacy wallets. */
export type VcVersion = '2.0' | '1.1';

/** An OB 3.0 Profile as input (id required; `type` defaults to ['Profile']). */
export interface ProfileInput extends JsonObject {
  id: string;
  name?: string;
  url?: string;
  email?: string;
  image?: string | JsonObject;
  address?: JsonObject;
}

/**
 * An OB 3.0 Achievement as input. The EU micro-credential elements OB lacks are given directly as the
 * extension properties of `EuAchievementExtension` (learningOutcome, assessmentType, participationForm,
 * qualityAssurance, prerequisites, supervision, integration, stackableTowards, furtherInformation); the
 * credential carries them unchanged, under the context https://w3id.org/microcred/eu/v1.
 */
export interface AchievementInput extends JsonObject {
  id: string;
  name: string;
}

export type RecipientInput = { email: string; salt?: string } | { did: string };

export interface ResultInput {
  /** The grade achieved, recorded as a Result value (Annex I: grade, optional). */
  grade?: string;
  /** Credits earned by this learner (OB AchievementSubject.creditsEarned). */
  creditsEarned?: number;
  /** OB ResultStatusType, e.g. `Completed`. */
  status?: string;
  /** Id of the achievement's ResultDescription the grade refers to; defaults to the first one. */
  resultDescription?: string;
}

export interface BuildAchievementCredentialOptions {
  achievement: AchievementInput;
  issuer: ProfileInput;
  recipient: RecipientInput;
  result?: ResultInput;
  /** Credential id: a URL or `urn:uuid:…`. */
  id: string;
  validFrom: Date;
  validUntil?: Date;
  /** When the achievement was awarded, if it differs from validFrom. */
  awardedDate?: Date;
  activityStartDate?: Date;
  activityEndDate?: Date;
  name?: string;
  description?: string;
  evidence?: JsonObject[];
  credentialStatus?: JsonObject | JsonObject[];
  version?: VcVersion;
  /**
   * Where the EU extension context is named, when the achievement uses it: an instance's
   * `${PUBLIC_URL}/contexts/eu/v1` (see `euContextUrl`), which the credential pins with a
   * relatedResource digest of its exact bytes (VC 2.0 §5.3), so that any verifier can fetch it and
   * check it, and microcred recognises it offline. Without it the context keeps its original name,
   * https://w3id.org/microcred/eu/v1, which only microcred reads.
   */
  euContext?: string;
  /**
   * The instance's JSON Schema of the EU extension (see `euSchemaUrl`): when the achievement uses the
   * extension, the credential names it in `credentialSchema` beside the official OB 3.0 schema, both
   * of type 1EdTechJsonSchemaValidator2019 (defined by the OB 3.0 extensions context, then added).
   */
  euSchema?: string;
}

export interface BuildEndorsementCredentialOptions {
  issuer: ProfileInput;
  /** `id` is the endorsed thing: an achievement, a profile or a credential. */
  subject: { id: string; endorsementComment?: string };
  id: string;
  validFrom: Date;
  validUntil?: Date;
  name?: string;
  description?: string;
  credentialStatus?: JsonObject | JsonObject[];
  version?: VcVersion;
}

const URL_LIKE = /^[a-z][a-z0-9+.-]*:\S+$/i;


/** XMLSchema dateTime in UTC without milliseconds, e.g. 2026-01-01T00:00:00Z. */
export function toDateTime(date: Date, what = 'date'): string {
  if (!(date instanceof Date) || Number.isNaN(date.getTime())) throw new TypeError(`${what} must be a valid Date.`);
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function requireUrl(value: unknown, what: string): string {
  if (typeof value !== 'string' || !URL_LIKE.test(value)) throw new TypeError(`${what} must be a URL or URN.`);
  return value;
}

/** Deep copy of JSON data without `undefined` members; non-JSON values are API misuse. */
function cleanJson(value: unknown, path: string): unknown {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new TypeError(`${path} must be a finite number.`);
    return value;
  }
  if (Array.isArray(value)) return value.filter((v) => v !== undefined).map((v, i) => cleanJson(v, `${path}[${i}]`));
  if (isObject(value) && Object.getPrototypeOf(value) === Object.prototype) {
    const out: JsonObject = {};
    for (const [key, v] of Object.entries(value)) if (v !== undefined) out[key] = cleanJson(v, `${path}.${key}`);
    return out;
  }
  throw new TypeError(`${path} must contain only JSON values.`);
}

function withType(node: JsonObject, type: string): JsonObject {
  return node.type === undefined ? { ...node, type: [type] } : node;
}

function normaliseImage(image: unknown): unknown {
  if (typeof image === 'string') return { id: image, type: 'Image' };
  return isObject(image) ? withType(image, 'Image') : image;
}

function normaliseProfile(input: unknown, what: string): JsonObject {
  if (!isObject(input)) throw new TypeError(`${what} must be a profile object.`);
  requireUrl(input.id, `${what}.id`);
  const profile = withType(cleanJson(input, what) as JsonObject, 'Profile');
  if (profile.image !== undefined) profile.image = normaliseImage(profile.image);
  if (isObject(profile.address)) profile.address = withType(profile.address, 'Address');
  return profile;
}

function normaliseAchievement(input: unknown): JsonObject {
  if (!isObject(input)) throw new TypeError('achievement must be an Achievement object.');
  requireUrl(input.id, 'achievement.id');
  if (typeof input.name !== 'string' || input.name.trim() === '') throw new TypeError('achievement.name must be a non-empty string.');
  const achievement = withType(cleanJson(input, 'achievement') as JsonObject, 'Achievement');
  if (achievement.image !== undefined) achievement.image = normaliseImage(achievement.image);
  if (isObject(achievement.creator)) achievement.creator = normaliseProfile(achievement.creator, 'achievement.creator');
  if (Array.isArray(achievement.alignment)) {
    achievement.alignment = achievement.alignment.map((a) => (isObject(a) ? withType(a, 'Alignment') : a));
  }
  if (Array.isArray(achievement.resultDescription)) {
    achievement.resultDescription = achievement.resultDescription.map((r) => (isObject(r) ? withType(r, 'ResultDescription') : r));
  }
  // The context declares these as sets; a single code is accepted on input for convenience.
  for (const key of ['assessmentType', 'qualityAssurance', 'learningOutcome', 'stackableTowards'] as const) {
    if (typeof achievement[key] === 'string') achievement[key] = [achievement[key]];
  }
  return achievement;
}

export function usesEuTerms(achievement: JsonObject): boolean {
  return EU_EXTENSION_PROPERTIES.some((key) => achievement[key] !== undefined);
}

function contexts(version: VcVersion, eu: string | undefined, bitstringStatus: boolean, schemas = false): string[] {
  return [
    version === '1.1' ? CONTEXTS.CREDENTIALS_V1 : CONTEXTS.CREDENTIALS_V2,
    // The VC 2.0 context defines BitstringStatusListEntry; VC 1.1 needs the status list context.
    ...(version === '1.1' && bitstringStatus ? [CONTEXTS.STATUS_LIST_V1] : []),
    CONTEXTS.OB_V3,
    ...(schemas ? [CONTEXTS.OB_V3_EXTENSIONS] : []),
    ...(eu ? [eu] : []),
  ];
}

function usesBitstringStatus(status: unknown): boolean {
  const entries = Array.isArray(status) ? status : status === undefined ? [] : [status];
  return entries.some((entry) => isObject(entry) && entry.type === 'BitstringStatusListEntry');
}

function validity(version: VcVersion, validFrom: Date, validUntil: Date | undefined): JsonObject {
  const from = toDateTime(validFrom, 'validFrom');
  const until = validUntil === undefined ? undefined : toDateTime(validUntil, 'validUntil');
  if (validUntil !== undefined && validUntil.getTime() < validFrom.getTime()) {
    throw new TypeError('validUntil must not be before validFrom.');
  }
  // VC 2.0 §4.9 validFrom/validUntil; VC 1.1 §4.6/§4.7 issuanceDate/expirationDate.
  return version === '1.1'
    ? { issuanceDate: from, ...(until ? { expirationDate: until } : {}) }
    : { validFrom: from, ...(until ? { validUntil: until } : {}) };
}

function checkVersion(version: unknown): VcVersion {
  if (version !== '2.0' && version !== '1.1') throw new TypeError('version must be "2.0" or "1.1".');
  return version;
}

function subjectIdentity(recipient: unknown): { id: string } | { identifier: IdentityObject[] } {
  if (!isObject(recipient)) throw new TypeError('recipient must be { email } or { did }.');
  if (typeof recipient.did === 'string') return { id: requireUrl(recipient.did, 'recipient.did') };
  if (typeof recipient.email === 'string') {
    const salt = typeof recipient.salt === 'string' ? recipient.salt : undefined;
    return { identifier: [hashEmailIdentity({ email: recipient.email, ...(salt !== undefined ? { salt } : {}) })] };
  }
  throw new TypeError('recipient must be { email } or { did }.');
}

function buildResults(result: ResultInput | undefined, achievement: JsonObject): JsonObject[] | undefined {
  if (result?.grade === undefined && result?.status === undefined) return undefined;
  const first = Array.isArray(achievement.resultDescription) ? achievement.resultDescription[0] : undefined;
  const descriptionId = result.resultDescription ?? (isObject(first) && typeof first.id === 'string' ? first.id : undefined);
  const entry: JsonObject = { type: ['Result'] };
  if (descriptionId !== undefined) entry.resultDescription = descriptionId;
  if (result.grade !== undefined) {
    if (typeof result.grade !== 'string' || result.grade === '') throw new TypeError('result.grade must be a non-empty string.');
    entry.value = result.grade;
  }
  if (result.status !== undefined) entry.status = result.status;
  return [entry];
}

/**
 * Builds an unsigned OB 3.0 AchievementCredential (type OpenBadgeCredential). EU micro-credential
 * extension properties on the achievement bring in the microcred EU context. Throws TypeError on
 * misuse (missing ids, invalid dates, non-JSON values).
 *
 * @example
 *   buildAchievementCredential({ achievement, issuer, recipient: { email: 'ana@example.org' },
 *     id: 'urn:uuid:…', validFrom: new Date('2026-01-01T00:00:00Z') })
 */
export function buildAchievementCredential(options: BuildAchievementCredentialOptions): JsonObject {
  if (!isObject(options)) throw new TypeError('buildAchievementCredential takes an options object.');
  const version = checkVersion(options.version ?? '2.0');
  const achievement = normaliseAchievement(options.achievement);
  const issuer = normaliseProfile(options.issuer, 'issuer');
  const { result } = options;
  if (result?.creditsEarned !== undefined && (typeof result.creditsEarned !== 'number' || !(result.creditsEarned >= 0))) {
    throw new TypeError('result.creditsEarned must be a number ≥ 0.');
  }
  const subject: JsonObject = {
    type: ['AchievementSubject'],
    ...subjectIdentity(options.recipient),
    achievement,
  };
  if (result?.creditsEarned !== undefined) subject.creditsEarned = result.creditsEarned;
  const results = buildResults(result, achievement);
  if (results) subject.result = results;
  if (options.activityStartDate) subject.activityStartDate = toDateTime(options.activityStartDate, 'activityStartDate');
  if (options.activityEndDate) subject.activityEndDate = toDateTime(options.activityEndDate, 'activityEndDate');

  if (options.euContext !== undefined && !isEuContextUrlForm(options.euContext)) {
    throw new TypeError('euContext must be an http(s) URL ending in /contexts/eu/v1.');
  }
  const eu = usesEuTerms(achievement) ? options.euContext ?? CONTEXTS.MICROCRED_EU_V1 : undefined;
  const credential: JsonObject = {
    '@context': contexts(version, eu, usesBitstringStatus(options.credentialStatus), eu !== undefined && options.euSchema !== undefined),
    id: requireUrl(options.id, 'id'),
    type: ['VerifiableCredential', 'OpenBadgeCredential'],
    name: options.name ?? achievement.name,
    issuer,
    ...validity(version, options.validFrom, options.validUntil),
    credentialSubject: subject,
  };
  if (options.description !== undefined) credential.description = options.description;
  if (options.awardedDate) credential.awardedDate = toDateTime(options.awardedDate, 'awardedDate');
  if (options.evidence !== undefined) {
    if (!Array.isArray(options.evidence)) throw new TypeError('evidence must be a list of Evidence objects.');
    credential.evidence = options.evidence.map((e, i) => withType(cleanJson(e, `evidence[${i}]`) as JsonObject, 'Evidence'));
  }
  if (options.credentialStatus !== undefined) credential.credentialStatus = cleanJson(options.credentialStatus, 'credentialStatus');
  // VC 2.0 §5.3: the context at the instance's URL is bound to its exact bytes.
  if (eu !== undefined && eu !== CONTEXTS.MICROCRED_EU_V1) credential.relatedResource = [euContextResource(eu)];
  if (eu !== undefined && options.euSchema !== undefined) {
    requireUrl(options.euSchema, 'euSchema');
    // OB 3.0 §8.2.4 (extensions): the official schema and the extension's, each of the 1EdTech validator type.
    credential.credentialSchema = [
      { id: OB3_ACHIEVEMENT_CREDENTIAL_SCHEMA, type: '1EdTechJsonSchemaValidator2019' },
      { id: options.euSchema, type: '1EdTechJsonSchemaValidator2019' },
    ];
  }
  return credential;
}

/** The relatedResource entry that pins the EU context at `url` to microcred's bytes of it. */
export function euContextResource(url: string): JsonObject {
  return { id: url, digestSRI: EU_CONTEXT_DIGEST_SRI, mediaType: 'application/ld+json' };
}

/**
 * Builds an unsigned OB 3.0 EndorsementCredential (§B.1.17): the issuer endorses the achievement,
 * profile or credential whose id is `subject.id`.
 */
export function buildEndorsementCredential(options: BuildEndorsementCredentialOptions): JsonObject {
  if (!isObject(options)) throw new TypeError('buildEndorsementCredential takes an options object.');
  const version = checkVersion(options.version ?? '2.0');
  const issuer = normaliseProfile(options.issuer, 'issuer');
  if (!isObject(options.subject)) throw new TypeError('subject must be { id, endorsementComment? }.');
  const subject: JsonObject = {
    id: requireUrl(options.subject.id, 'subject.id'),
    type: ['EndorsementSubject'],
  };
  if (options.subject.endorsementComment !== undefined) {
    if (typeof options.subject.endorsementComment !== 'string') throw new TypeError('subject.endorsementComment must be a string.');
    subject.endorsementComment = options.subject.endorsementComment;
  }
  const issuerName = typeof issuer.name === 'string' ? issuer.name : issuer.id;
  const credential: JsonObject = {
    '@context': contexts(version, undefined, usesBitstringStatus(options.credentialStatus)),
    id: requireUrl(options.id, 'id'),
    type: ['VerifiableCredential', 'EndorsementCredential'],
    // OB 3.0 §B.1.17: name is required on an EndorsementCredential.
    name: options.name ?? `Endorsement by ${String(issuerName)}`,
    issuer,
    ...validity(version, options.validFrom, options.validUntil),
    credentialSubject: subject,
  };
  if (options.description !== undefined) credential.description = options.description;
  if (options.credentialStatus !== undefined) credential.credentialStatus = cleanJson(options.credentialStatus, 'credentialStatus');
  return credential;
}
