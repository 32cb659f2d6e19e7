/**
 * What a credential certifies, as labelled facts in plain words: the one view model behind the wallet's
 * credential screen, the public share page (and its Open Graph / JSON-LD) and the PDF certificate, so
 * the three cannot say different things. Labels follow the names of the information elements in Annex I
 * of Council Recommendation 2022/C 243/02 where one exists (src/domain/eu-elements.ts ANNEX_I_ELEMENTS),
 * and Open Badges 3.0's where not. Codes of the EU lists are shown as their labels, never as codes.
 *
 * Technical facts (identifiers, DIDs, proof suites, key ids, media types) are kept apart, in
 * `technicalDetails`, for the "Technical details" disclosure every screen puts them under.
 */
import {
  ASSESSMENT_TYPES,
  INTEGRATION_OPTIONS,
  PARTICIPATION_FORMS,
  QUALITY_ASSURANCE_TYPES,
  SUPERVISION_TYPES,
  type CodeEntry,
} from '../domain/eu-elements.ts';
import type { CredentialDisplay, DisplayAlignment } from './display.ts';
import { asArray, isObject } from './json.ts';

/** One value of a fact: its text, a web link when it has one, and whether the text is a date (ISO 8601). */
export interface CertifiedValue {
  text: string;
  /** An http(s) address the value links to. */
  href?: string;
  /** The text is an ISO 8601 date-time, to be shown in the reader's words (e.g. "2 March 2026"). */
  date?: true;
}

/** A labelled fact: "Type of assessment: Project, Online examination". Never empty. */
export interface CertifiedFact {
  /** A stable name for tests and styling (e.g. `assessmentType`); not shown. */
  key: CertifiedKey;
  label: string;
  values: CertifiedValue[];
  /** Shown as a list (several statements) rather than one line. */
  list?: true;
}

export type CertifiedKey =
  | 'learner' | 'awardingBody' | 'issuerCountry' | 'dateOfIssuing' | 'validUntil' | 'achievementType'
  | 'learningOutcomes' | 'skills' | 'workload' | 'creditsEarned' | 'eqfLevel' | 'fieldOfStudy' | 'specialization'
  | 'assessmentType' | 'participationForm' | 'qualityAssurance' | 'prerequisites' | 'supervision' | 'grade' | 'results'
  | 'integration' | 'stackableTowards' | 'criteria' | 'evidence' | 'activity' | 'term' | 'role' | 'licenseNumber'
  | 'courseCode' | 'keywords' | 'furtherInformation';

/** Plain-word labels, after Annex I (its element names) and OB 3.0 (for what Annex I does not name). */
export const CERTIFIED_LABELS: Record<CertifiedKey, string> = {
  learner: 'Learner',
  awardingBody: 'Awarding body',
  issuerCountry: 'Country of the issuer',
  dateOfIssuing: 'Date of issuing',
  validUntil: 'Valid until',
  achievementType: 'Type of credential',
  learningOutcomes: 'Learning outcomes',
  skills: 'Skills',
  workload: 'Notional workload',
  creditsEarned: 'Credits earned',
  eqfLevel: 'Level (EQF)',
  fieldOfStudy: 'Field of study',
  specialization: 'Specialisation',
  assessmentType: 'Type of assessment',
  participationForm: 'Form of participation',
  qualityAssurance: 'Type of quality assurance',
  prerequisites: 'Prerequisites',
  supervision: 'Supervision and identity verification',
  grade: 'Grade achieved',
  results: 'Results',
  integration: 'Integration and stackability',
  stackableTowards: 'Stacks towards',
  criteria: 'Criteria',
  evidence: 'Evidence',
  activity: 'Learning activity',
  term: 'Term',
  role: 'Role',
  licenseNumber: 'Licence number',
  courseCode: 'Course code',
  keywords: 'Keywords',
  furtherInformation: 'Further information',
};

const MAX_VALUES = 100;
const MAX_TEXT = 5000;

/** Credits as "5 ECTS credits", "2.5 ECTS credits", "1 ECTS credit". */
export function creditsText(ects: number): string {
  const value = Number.isInteger(ects) ? String(ects) : String(Math.round(ects * 100) / 100);
  return `${value} ECTS credit${ects === 1 ? '' : 's'}`;
}

function clip(text: string): string {
  return text.length > MAX_TEXT ? `${text.slice(0, MAX_TEXT - 1)}…` : text;
}

function isLink(value: string | undefined): value is string {
  return value !== undefined && /^https?:\/\/\S+$/i.test(value) && value.length <= 2048;
}

/** A string or the first language's text of a value the display model left as written (EU extension values). */
function textsOf(value: unknown): string[] {
  return asArray(value).flatMap((item): string[] => {
    if (typeof item === 'string') return item.trim() === '' ? [] : [item.trim()];
    if (typeof item === 'number' && Number.isFinite(item)) return [String(item)];
    if (isObject(item)) {
      const text = item['@value'] ?? item.name ?? item.id;
      return typeof text === 'string' && text.trim() !== '' ? [text.trim()] : [];
    }
    return [];
  }).slice(0, MAX_VALUES);
}

/** "online-exam" → "Online exam": an unknown code from another issuer's list, in words. */
function humanise(code: string): string {
  if (!/^[a-z][a-z0-9]*(?:[-_][a-z0-9]+)*$/.test(code)) return code;
  const words = code.replace(/[-_]+/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** The label of a code (or of its IRI) in one of the EU lists; an unknown value in words. */
export function codeLabel(entries: readonly CodeEntry[], value: string): string {
  const found = entries.find((e) => e.code === value || e.iri === value || e.elmIri === value);
  if (found) return found.label;
  // Another vocabulary's IRI: its last segment in words (the IRI itself stays in the document).
  const tail = /^[a-z][a-z0-9+.-]*:/i.test(value) ? /[#/]([^#/]+)$/.exec(value)?.[1] : undefined;
  return humanise(tail ?? value);
}

/** OB 3.0 achievementType (CamelCase, or `ext:` for others) in words: `MicroCredential` → "Micro-credential". */
function achievementTypeText(type: string): string {
  const bare = type.replace(/^ext:/, '');
  if (bare === 'MicroCredential') return 'Micro-credential';
  const spaced = bare.replace(/([a-z])([A-Z])/g, '$1 $2').replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2');
  return spaced.charAt(0).toUpperCase() + spaced.slice(1).toLowerCase();
}

/** OB 3.0 §ResultStatusType in words. */
const RESULT_STATUS: Record<string, string> = {
  Completed: 'Completed',
  Enrolled: 'Enrolled',
  Failed: 'Failed',
  InProgress: 'In progress',
  OnHold: 'On hold',
  Provisional: 'Provisional',
  Withdrew: 'Withdrew',
};

function countryName(code: string): string | undefined {
  if (!/^[A-Z]{2}$/.test(code)) return undefined;
  try {
    const name = new Intl.DisplayNames(['en'], { type: 'region', fallback: 'none' }).of(code);
    return name && name !== code ? name : undefined;
  } catch {
    return undefined;
  }
}

function isEqf(alignment: DisplayAlignment): boolean {
  return /\bEQF\b|European Qualifications Framework/i.test(alignment.targetFramework ?? '') || /europa\.eu\/snb\/eqf\//i.test(alignment.targetUrl ?? '');
}

function value(text: string, href?: string): CertifiedValue {
  return isLink(href) ? { text: clip(text), href } : { text: clip(text) };
}

/**
 * The facts a credential certifies, in reading order (who, from whom, when; what was learnt; how it was
 * assessed and assured; the learner's result; how it stacks; more). A fact with nothing to say is left
 * out, so a sparse credential shows no empty labels. Pure; never throws on odd content.
 *
 * @example
 *   whatItCertifies(toDisplay(credential))
 *   // → [{ key: 'awardingBody', label: 'Awarding body', values: [{ text: 'Université Exemple' }] }, …]
 */
export function whatItCertifies(display: CredentialDisplay): CertifiedFact[] {
  const facts: CertifiedFact[] = [];
  const add = (key: CertifiedKey, values: CertifiedValue[], list = false) => {
    const kept = values.filter((v) => v.text.trim() !== '').slice(0, MAX_VALUES);
    if (kept.length === 0) return;
    facts.push({ key, label: CERTIFIED_LABELS[key], values: kept, ...(list ? { list: true as const } : {}) });
  };
  const a = display.achievement;
  const eu = a?.eu ?? {};
  const result = display.result;

  if (display.recipient.name) add('learner', [value(display.recipient.name)]);
  if (display.issuer.name) add('awardingBody', [value(display.issuer.name, display.issuer.url)]);
  const country = display.issuer.countryCode ? countryName(display.issuer.countryCode.toUpperCase()) : undefined;
  if (country ?? display.issuer.country) add('issuerCountry', [value((country ?? display.issuer.country)!)]);
  if (display.issuedOn) add('dateOfIssuing', [{ text: display.issuedOn, date: true }]);
  if (display.validUntil) add('validUntil', [{ text: display.validUntil, date: true }]);
  if (a?.type) add('achievementType', [value(achievementTypeText(a.type))]);

  add('learningOutcomes', textsOf(eu.learningOutcome).map((t) => value(t)), true);
  const skills = (a?.alignments ?? []).filter((al) => !isEqf(al));
  add('skills', skills.map((al) => value(al.targetName, al.targetUrl)), true);
  if (a?.creditsAvailable !== undefined) add('workload', [value(creditsText(a.creditsAvailable))]);
  if (result.creditsEarned !== undefined && result.creditsEarned !== a?.creditsAvailable) add('creditsEarned', [value(creditsText(result.creditsEarned))]);
  if (a?.level) {
    const level = /^[1-8]$/.test(a.level.trim()) ? `EQF level ${a.level.trim()}` : a.level;
    add('eqfLevel', [value(level)]);
  }
  if (a?.fieldOfStudy) add('fieldOfStudy', [value(a.fieldOfStudy)]);
  if (a?.specialization) add('specialization', [value(a.specialization)]);

  add('assessmentType', textsOf(eu.assessmentType).map((c) => value(codeLabel(ASSESSMENT_TYPES, c))));
  add('participationForm', textsOf(eu.participationForm).map((c) => value(codeLabel(PARTICIPATION_FORMS, c))));
  add('qualityAssurance', textsOf(eu.qualityAssurance).map((c) => value(codeLabel(QUALITY_ASSURANCE_TYPES, c))));
  add('prerequisites', textsOf(eu.prerequisites).map((t) => value(t)));
  add('supervision', textsOf(eu.supervision).map((c) => value(codeLabel(SUPERVISION_TYPES, c))));

  // The grade (Annex I), then any other result in words: "Final project: 92 (Completed)".
  let grade = result.grade;
  const others: CertifiedValue[] = [];
  for (const item of result.results) {
    if (item.value !== undefined && item.value === grade && !item.status && !item.achievedLevel) continue;
    if (grade === undefined && item.value !== undefined && item.name === undefined && !item.achievedLevel) {
      grade = item.value;
      if (!item.status) continue;
    }
    const parts = [item.value, item.achievedLevel].filter((p): p is string => p !== undefined && p !== grade);
    const status = item.status ? RESULT_STATUS[item.status] ?? humanise(item.status) : undefined;
    const body = [parts.join(', '), status ? `(${status})` : ''].filter(Boolean).join(' ');
    if (!body) continue;
    others.push(value(item.name ? `${item.name}: ${body}` : body));
  }
  if (grade !== undefined) add('grade', [value(grade)]);
  add('results', others, true);

  add('integration', textsOf(eu.integration).map((c) => value(codeLabel(INTEGRATION_OPTIONS, c))));
  add('stackableTowards', textsOf(eu.stackableTowards).map((iri) => value(iri, iri)), true);
  if (a?.criteria?.narrative) add('criteria', [value(a.criteria.narrative, a.criteria.id)]);
  else if (a?.criteria?.id && isLink(a.criteria.id)) add('criteria', [value('Published by the issuer', a.criteria.id)]);
  add('evidence', display.evidence.flatMap((e) => {
    const text = [e.name, e.narrative ?? e.description].filter(Boolean).join(': ') || (isLink(e.id) ? 'Evidence published by the issuer' : '');
    return text ? [value(text, e.id)] : [];
  }), true);
  const from = result.activityStartDate;
  const to = result.activityEndDate;
  if (from || to) add('activity', [...(from ? [{ text: from, date: true as const }] : []), ...(to ? [{ text: to, date: true as const }] : [])]);
  if (result.term) add('term', [value(result.term)]);
  if (result.role) add('role', [value(result.role)]);
  if (result.licenseNumber) add('licenseNumber', [value(result.licenseNumber)]);
  if (a?.humanCode) add('courseCode', [value(a.humanCode)]);
  if (a?.tags.length) add('keywords', [value(a.tags.join(', '))]);
  add('furtherInformation', textsOf(eu.furtherInformation).map((t) => value(t, t)));
  return facts;
}

/** One technical fact: a label and its value as written (an identifier, a DID, a suite name). */
export interface TechnicalFact {
  label: string;
  value: string;
}

/**
 * The technical facts of a credential, for the "Technical details" disclosure: its id, the issuer's
 * and the learner's identifiers, the standard, the proof suites and the keys that signed it, and (given
 * by the caller) the form it was received in.
 */
export function technicalDetails(display: CredentialDisplay, document: unknown, extra: { mediaType?: string; format?: string } = {}): TechnicalFact[] {
  const out: TechnicalFact[] = [];
  const push = (label: string, text: unknown) => {
    if (typeof text === 'string' && text.trim() !== '') out.push({ label, value: clip(text) });
  };
  push('Credential id', display.id);
  push('Standard', display.standard);
  if (isObject(document)) {
    push('Credential type', asArray(document.type).filter((t): t is string => typeof t === 'string').join(', '));
  }
  push('Issuer id', display.issuer.id);
  push('Achievement id', display.achievement?.id);
  push('Learner id', display.recipient.id);
  if (display.recipient.identityHashed) push('Learner identifier', `hashed ${display.recipient.identityType ?? 'identifier'}`);
  if (isObject(document)) {
    for (const proof of asArray(document.proof).filter(isObject).slice(0, 10)) {
      const suite = typeof proof.cryptosuite === 'string' ? `${String(proof.type)} (${proof.cryptosuite})` : proof.type;
      push('Proof', suite);
      push('Signing key', proof.verificationMethod);
    }
  }
  push('Signed as', extra.format === 'jwt' ? 'VC-JWT (JOSE)' : extra.format === 'ob2' ? 'Open Badges 2.0 assertion' : extra.format === 'ldp' || extra.format === 'json' ? 'Data Integrity proof (JSON-LD)' : undefined);
  push('Received as', extra.mediaType);
  return out;
}
