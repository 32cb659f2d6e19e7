/**
 * A learner's held credential, as the stacking, recognition and planning engines see it: the few
 * facts they reason about, read once from an Open Badges 3.0 AchievementCredential (VC 2.0 or 1.1).
 * Pure: verification happened before (its outcome is passed in), dates are compared later.
 */
import { ESCO_SKILL_IRI_PREFIX, findEqfLevel, isEqfAlignment } from '../eu-elements.ts';
import { parseInstant } from './dates.ts';
import { asArray, idOf, isNonEmptyString, isObject, nonNegativeNumber } from './json.ts';
import type { Obj, Problem } from './json.ts';

export type CredentialStatus = 'valid' | 'revoked' | 'suspended' | 'expired' | 'unverified';
export const CREDENTIAL_STATUSES: readonly CredentialStatus[] = ['valid', 'revoked', 'suspended', 'expired', 'unverified'];

/** An OB 3.0 Alignment, reduced to what rules match on. */
export interface HeldAlignment {
  targetUrl: string;
  targetName?: string;
  targetFramework?: string;
  targetCode?: string;
}

/** A grade: a number, or a value of an ordered scale (best first, e.g. ECTS grades A…F). */
export interface Grade {
  value: string | number;
  /** The allowed values, best first, when the achievement's ResultDescription lists them. */
  scale?: string[];
}

export interface HeldCredential {
  /** Stable identity of this credential for the engines: the credential id (or a wallet id). */
  key: string;
  issuerId: string;
  issuerName?: string;
  achievementId: string;
  achievementName: string;
  achievementType?: string;
  /** Notional workload in ECTS (achievement.creditsAvailable, or the subject's creditsEarned). */
  creditsEcts?: number;
  eqfLevel?: number;
  alignments: HeldAlignment[];
  fieldOfStudy?: string;
  learningOutcomes?: string[];
  /** ISO 8601 date-time the learning was recognised (validFrom, issuanceDate or awardedDate). */
  issuedOn: string;
  validUntil?: string;
  status: CredentialStatus;
  /** EU Annex I assessment type codes (e.g. `online-exam`). */
  assessmentTypes?: string[];
  /** EU Annex I quality assurance codes. */
  qualityAssurance?: string[];
  /** True when a quality assurance other than `none` is stated. */
  qualityAssured?: boolean;
  /** True when assessment was supervised with identity verification (online or on site). */
  identityVerifiedAssessment?: boolean;
  grade?: Grade;
}

/** What verification said about the document, decided outside the domain. */
export interface VerificationOutcome {
  verified: boolean;
  /** A status the verifier found (revoked, suspended, expired); wins over `verified`. */
  status?: CredentialStatus;
}

export interface ReadOptions {
  /** The wallet's own stable id for this credential, when the document has no id (VC 2.0 makes it optional). */
  key?: string;
}

export type HeldCredentialResult =
  | { ok: true; credential: HeldCredential; warnings: string[] }
  | { ok: false; problems: Problem[] };

const MAX_ALIGNMENTS = 200;
const MAX_TEXT = 2_000;

function text(value: unknown): string | undefined {
  if (!isNonEmptyString(value)) return undefined;
  return value.length > MAX_TEXT ? value.slice(0, MAX_TEXT) : value;
}

/** A language map ({"en": "…"}) or a string, as one string. */
function displayText(value: unknown): string | undefined {
  if (isObject(value)) {
    for (const v of Object.values(value)) if (isNonEmptyString(v)) return text(v);
    return undefined;
  }
  return text(value);
}

function readAlignments(value: unknown, warnings: string[]): HeldAlignment[] {
  const out: HeldAlignment[] = [];
  const items = asArray(value);
  if (items.length > MAX_ALIGNMENTS) warnings.push(`Only the first ${MAX_ALIGNMENTS} of ${items.length} alignments are read.`);
  for (const item of items.slice(0, MAX_ALIGNMENTS)) {
    if (!isObject(item) || !isNonEmptyString(item.targetUrl)) {
      warnings.push('An alignment without a targetUrl is ignored.');
      continue;
    }
    const a: HeldAlignment = { targetUrl: item.targetUrl };
    const name = text(item.targetName);
    if (name) a.targetName = name;
    const framework = text(item.targetFramework);
    if (framework) a.targetFramework = framework;
    if (isNonEmptyString(item.targetCode) || typeof item.targetCode === 'number') a.targetCode = String(item.targetCode);
    out.push(a);
  }
  return out;
}

function codes(value: unknown): string[] | undefined {
  const list = asArray(value).filter(isNonEmptyString);
  return list.length > 0 ? list : undefined;
}

function readGrade(subject: Obj, achievement: Obj): Grade | undefined {
  for (const result of asArray(subject.result)) {
    if (!isObject(result)) continue;
    const value = result.value;
    if (typeof value === 'number' && Number.isFinite(value)) return { value };
    if (!isNonEmptyString(value)) continue;
    const grade: Grade = { value };
    const descriptionId = idOf(result.resultDescription);
    const descriptions = asArray(achievement.resultDescription).filter(isObject);
    const description = descriptions.find((d) => descriptionId !== undefined && d.id === descriptionId) ?? descriptions[0];
    if (description && Array.isArray(description.allowedValue)) {
      const scale = description.allowedValue.filter(isNonEmptyString);
      if (scale.length > 0) grade.scale = scale;
    }
    return grade;
  }
  return undefined;
}

/**
 * Reads an OB 3.0 AchievementCredential (or OpenBadgeCredential) into a HeldCredential. Never throws:
 * anything that is not such a credential gives `{ok: false, problems}` with JSON pointers, and odd
 * but harmless parts (an alignment without a URL) give warnings.
 *
 * @example
 *   const r = heldCredentialFromDocument(json, { verified: true });
 *   if (r.ok) evaluatePathway(pathway, [r.credential], { asOf: '2026-06-01' });
 */
export function heldCredentialFromDocument(doc: unknown, verification: VerificationOutcome, options: ReadOptions = {}): HeldCredentialResult {
  if (!isObject(doc)) return { ok: false, problems: [{ path: '', message: 'The credential must be a JSON object.' }] };
  const problems: Problem[] = [];
  const warnings: string[] = [];

  const key = options.key ?? idOf(doc.id);
  if (!key) problems.push({ path: '/id', message: 'The credential has no id, so it cannot be told apart from others (pass the wallet\'s own key in options.key).' });

  const issuerId = idOf(doc.issuer);
  if (!issuerId) problems.push({ path: '/issuer', message: 'The credential names no issuer (an IRI or a profile with an id).' });
  const issuerName = isObject(doc.issuer) ? displayText(doc.issuer.name) : undefined;

  // OB 3.0 §8.1: credentialSubject is one object; a list is read when it holds exactly one.
  const subjects = asArray(doc.credentialSubject);
  const subject = subjects.length === 1 ? subjects[0] : undefined;
  if (!isObject(subject)) {
    problems.push({ path: '/credentialSubject', message: 'The credential must have one subject (the learner) with an achievement.' });
    return { ok: false, problems };
  }
  const achievement = subject.achievement;
  if (!isObject(achievement)) {
    problems.push({ path: '/credentialSubject/achievement', message: 'The subject has no achievement: this is not an Open Badges 3.0 achievement credential.' });
    return { ok: false, problems };
  }
  const achievementId = idOf(achievement.id);
  if (!achievementId) problems.push({ path: '/credentialSubject/achievement/id', message: 'The achievement has no id; rules and agreements refer to achievements by id.' });
  const achievementName = displayText(achievement.name) ?? achievementId ?? '';

  const issuedText = [subject.awardedDate, doc.validFrom, doc.issuanceDate].find((d) => parseInstant(d) !== undefined) as string | undefined;
  if (!issuedText) problems.push({ path: '/validFrom', message: 'The date of issuing (validFrom or issuanceDate) is missing or not an ISO 8601 date.' });

  const untilRaw = doc.validUntil ?? doc.expirationDate;
  let validUntil: string | undefined;
  if (untilRaw !== undefined) {
    if (parseInstant(untilRaw) === undefined) {
      problems.push({ path: doc.validUntil !== undefined ? '/validUntil' : '/expirationDate', message: 'The end of validity is not an ISO 8601 date.' });
    } else validUntil = untilRaw as string;
  }

  let creditsEcts = nonNegativeNumber(achievement.creditsAvailable);
  if (achievement.creditsAvailable !== undefined && creditsEcts === undefined) {
    warnings.push('achievement.creditsAvailable is not a number ≥ 0 and is ignored.');
  }
  if (creditsEcts === undefined) creditsEcts = nonNegativeNumber(subject.creditsEarned);

  if (problems.length > 0 || !key || !issuerId || !achievementId || !issuedText) return { ok: false, problems };

  const alignments = readAlignments(achievement.alignment, warnings);
  const credential: HeldCredential = {
    key,
    issuerId,
    achievementId,
    achievementName,
    alignments,
    issuedOn: issuedText,
    status: verification.status ?? (verification.verified ? 'valid' : 'unverified'),
  };
  if (issuerName) credential.issuerName = issuerName;
  const type = text(achievement.achievementType);
  if (type) credential.achievementType = type;
  if (creditsEcts !== undefined) credential.creditsEcts = creditsEcts;
  const eqf = findEqfLevel(achievement);
  if (eqf !== undefined) credential.eqfLevel = eqf;
  else if (asArray(achievement.alignment).some(isEqfAlignment)) warnings.push('The EQF alignment does not give a level from 1 to 8 and is ignored.');
  const field = displayText(achievement.fieldOfStudy);
  if (field) credential.fieldOfStudy = field;
  if (validUntil) credential.validUntil = validUntil;
  const outcomes = codes(achievement.learningOutcome);
  if (outcomes) credential.learningOutcomes = outcomes.slice(0, MAX_ALIGNMENTS);
  const assessment = codes(achievement.assessmentType);
  if (assessment) credential.assessmentTypes = assessment;
  const qa = codes(achievement.qualityAssurance);
  if (qa) {
    credential.qualityAssurance = qa;
    credential.qualityAssured = qa.some((c) => c !== 'none');
  }
  if (isNonEmptyString(achievement.supervision)) {
    credential.identityVerifiedAssessment = achievement.supervision === 'supervised-online-id' || achievement.supervision === 'supervised-onsite-id';
  }
  const grade = readGrade(subject, achievement);
  if (grade) credential.grade = grade;
  return { ok: true, credential, warnings };
}

/** True for an ESCO skill or occupation alignment (matched by IRI). */
export function isEscoAlignment(alignment: HeldAlignment): boolean {
  return alignment.targetUrl.startsWith(ESCO_SKILL_IRI_PREFIX);
}

const STATUS_PROBLEMS: Record<CredentialStatus, string> = {
  valid: '',
  revoked: 'it has been revoked by its issuer',
  suspended: 'it is suspended by its issuer',
  expired: 'it has expired',
  unverified: 'it could not be verified',
};

/**
 * Why a credential cannot count for anything on `asOf` (epoch ms): its status, an unreadable or
 * future date of issuing, or an end of validity already passed. Undefined when it can count.
 */
export function credentialProblem(cred: HeldCredential, asOf: number): string | undefined {
  if (cred.status !== 'valid') return STATUS_PROBLEMS[cred.status] || `its status ${JSON.stringify(cred.status)} is not valid`;
  const issued = parseInstant(cred.issuedOn);
  if (issued === undefined) return 'its date of issuing cannot be read';
  if (issued > asOf) return `it is issued on ${new Date(issued).toISOString().slice(0, 10)}, after the evaluation date`;
  if (cred.validUntil !== undefined) {
    const until = parseInstant(cred.validUntil);
    if (until === undefined) return 'its end of validity cannot be read';
    if (until < asOf) return `it expired on ${new Date(until).toISOString().slice(0, 10)}`;
  }
  return undefined;
}
