/**
 * A micro-credential definition as the console API takes it, the rules it must meet, and the OB 3.0
 * Achievement it becomes. Pure: no IO, no clock. The EU Annex I rules themselves live in
 * src/domain/eu-elements.ts; this file maps the API's field names onto them and back.
 */
import {
  EQF_FRAMEWORK_NAME,
  EQF_IRI_PREFIX,
  ESCO_SKILL_IRI_PREFIX,
  EU_EXTENSION_PROPERTIES,
  isEqfAlignment,
  validateMicroCredential,
} from '../../domain/eu-elements.ts';
import type { JsonObject } from '../../vc/types.ts';
import type { FieldError } from '../errors.ts';
import { parseDuration } from './duration.ts';

/** The EU Annex I elements of an achievement, as the API takes and returns them (`eu`). */
export interface EuInput {
  /** Annex I: notional workload, in ECTS credits (≥ 0, at most two decimals). OB `creditsAvailable`. */
  creditsAvailable?: number;
  /** Annex I: EQF level 1–8, where applicable. Becomes an alignment to the EQF concept. */
  eqfLevel?: number;
  learningOutcome?: string[];
  /** Codes of ASSESSMENT_TYPES (src/domain/eu-elements.ts); checked, not typed, as they arrive from outside. */
  assessmentType?: string[];
  participationForm?: string;
  qualityAssurance?: string[];
  prerequisites?: string;
  supervision?: string;
  integration?: string;
  stackableTowards?: string[];
  furtherInformation?: string;
}

/** An alignment of the achievement (or of its learning outcomes) to a skill in a framework, e.g. ESCO. */
export interface AlignmentInput {
  targetUrl: string;
  targetName: string;
  targetFramework?: string;
  targetCode?: string;
  targetDescription?: string;
}

/** How a learner's result is stated (Annex I: grade), an OB 3.0 ResultDescription without its id. */
export interface ResultDescriptionInput {
  name: string;
  resultType: string;
  allowedValue?: string[];
  requiredValue?: string;
}

/** The body of create, update and preview. */
export interface AchievementInput {
  issuerId: string;
  name: string;
  description: string;
  criteria: string;
  /** OB 3.0 AchievementType; default `MicroCredential`. */
  achievementType?: string;
  /** An http(s) address of the image; `null` removes the image. Uploaded images replace it. */
  image?: string | null;
  eu?: EuInput;
  alignments?: AlignmentInput[];
  resultDescriptions?: ResultDescriptionInput[];
  /** ISO 8601 duration after which issued credentials expire, e.g. `P2Y`. */
  validityPeriod?: string | null;
  /**
   * Issue credentials that can be suspended (a second, suspension status entry). Off by default: the
   * official OB 3.0 JSON Schema takes one credentialStatus object, and a strict validator flags two.
   */
  suspendable?: boolean;
}

/**
 * What one version of an achievement says: the JSON stored in achievement_versions.data. Versions are
 * never changed; an edit adds one.
 */
export interface AchievementDefinition {
  issuerId: string;
  name: string;
  description: string;
  criteria: string;
  achievementType: string;
  /** An external image address given by the author. */
  image?: string;
  /** sha256 (hex) of the uploaded image served at /achievements/:id/image, when one was uploaded. */
  imageSha256?: string;
  eu: EuInput;
  alignments: AlignmentInput[];
  resultDescriptions?: ResultDescriptionInput[];
  validityPeriod?: string;
  /** Stored only when true (versions written before the setting existed read as false). */
  suspendable?: true;
}

export const MICRO_CREDENTIAL = 'MicroCredential';

/** OB 3.0 §B.3.1 AchievementType enumeration (extensions are written `ext:Name`). */
export const ACHIEVEMENT_TYPES = [
  'Achievement', 'ApprenticeshipCertificate', 'Assessment', 'Assignment', 'AssociateDegree', 'Award', 'Badge',
  'BachelorDegree', 'Certificate', 'CertificateOfCompletion', 'Certification', 'CommunityService', 'Competency',
  'Course', 'CoCurricular', 'Degree', 'Diploma', 'DoctoralDegree', 'Fieldwork', 'GeneralEducationDevelopment',
  'JourneymanCertificate', 'LearningProgram', 'License', 'Membership', 'ProfessionalDoctorate',
  'QualityAssuranceCredential', 'MasterCertificate', 'MasterDegree', 'MicroCredential', 'ResearchDoctorate',
  'SecondarySchoolDiploma',
] as const;

/** OB 3.0 §B.3.10 ResultType enumeration. */
export const RESULT_TYPES = [
  'GradePointAverage', 'LetterGrade', 'Percent', 'PerformanceLevel', 'PredictedScore', 'RawScore', 'Result',
  'RubricCriterion', 'RubricCriterionLevel', 'RubricScore', 'ScaledScore', 'Status',
] as const;

const EXTENSION_VALUE = /^ext:[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;
const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
/** An ESCO skill IRI: http://data.europa.eu/esco/skill/<uuid> (ESCO publishes them on http). */
export const ESCO_SKILL_IRI = new RegExp(`^${ESCO_SKILL_IRI_PREFIX.replace(/[.]/g, '\\.')}${UUID}$`);
const ESCO_HOST_PREFIX = 'http://data.europa.eu/esco/';

function trimmed(value: string | null | undefined): string | undefined {
  if (typeof value !== 'string') return undefined;
  const t = value.trim();
  return t === '' ? undefined : t;
}

function list<T extends string>(values: readonly T[] | undefined): T[] | undefined {
  if (!Array.isArray(values)) return undefined;
  const kept = values.map((v) => (typeof v === 'string' ? (v.trim() as T) : v)).filter((v) => v !== '');
  return kept.length > 0 ? kept : undefined;
}

function isEscoAlignment(alignment: AlignmentInput): boolean {
  return /^esco$/i.test(alignment.targetFramework?.trim() ?? '') || alignment.targetUrl.trim().startsWith(ESCO_HOST_PREFIX);
}

function isHttpUrl(value: string): boolean {
  try {
    return /^https?:$/.test(new URL(value).protocol);
  } catch {
    return false;
  }
}

/**
 * The stored definition for an input: texts trimmed, empty optional fields and empty lists left out
 * (a form sends `[]` for "none chosen"). Does not check anything; see `definitionProblems`.
 */
export function normaliseDefinition(input: AchievementInput, previous?: AchievementDefinition): AchievementDefinition {
  const eu = input.eu ?? {};
  const euOut: EuInput = {};
  if (eu.creditsAvailable !== undefined) euOut.creditsAvailable = eu.creditsAvailable;
  if (eu.eqfLevel !== undefined) euOut.eqfLevel = eu.eqfLevel;
  for (const key of ['learningOutcome', 'assessmentType', 'qualityAssurance', 'stackableTowards'] as const) {
    const values = list(eu[key] as string[] | undefined);
    if (values) (euOut as Record<string, unknown>)[key] = values;
  }
  for (const key of ['participationForm', 'prerequisites', 'supervision', 'integration', 'furtherInformation'] as const) {
    const value = trimmed(eu[key]);
    if (value !== undefined) (euOut as Record<string, unknown>)[key] = value;
  }
  const definition: AchievementDefinition = {
    issuerId: input.issuerId,
    name: input.name.trim(),
    description: input.description.trim(),
    criteria: input.criteria.trim(),
    achievementType: trimmed(input.achievementType) ?? MICRO_CREDENTIAL,
    eu: euOut,
    alignments: (input.alignments ?? []).map((a) => ({
      targetUrl: a.targetUrl.trim(),
      targetName: a.targetName.trim(),
      ...(trimmed(a.targetFramework) !== undefined ? { targetFramework: trimmed(a.targetFramework)! } : {}),
      ...(trimmed(a.targetCode) !== undefined ? { targetCode: trimmed(a.targetCode)! } : {}),
      ...(trimmed(a.targetDescription) !== undefined ? { targetDescription: trimmed(a.targetDescription)! } : {}),
    })),
  };
  // An absent image keeps the previous one (uploaded or linked); null removes it; a URL replaces it.
  if (input.image === undefined) {
    if (previous?.image !== undefined) definition.image = previous.image;
    if (previous?.imageSha256 !== undefined) definition.imageSha256 = previous.imageSha256;
  } else if (trimmed(input.image) !== undefined) {
    definition.image = trimmed(input.image)!;
  }
  if (input.resultDescriptions && input.resultDescriptions.length > 0) {
    definition.resultDescriptions = input.resultDescriptions.map((r) => ({
      name: r.name.trim(),
      resultType: r.resultType.trim(),
      ...(r.allowedValue !== undefined ? { allowedValue: r.allowedValue.map((v) => v.trim()) } : {}),
      ...(trimmed(r.requiredValue) !== undefined ? { requiredValue: trimmed(r.requiredValue)! } : {}),
    }));
  }
  const validity = trimmed(input.validityPeriod);
  if (validity !== undefined) definition.validityPeriod = validity;
  if (input.suspendable === true) definition.suspendable = true;
  return definition;
}

/** Where a problem found by validateMicroCredential (a path into the OB 3.0 Achievement) is in the API body. */
function inputPointer(path: string): string | undefined {
  const top = path.split('/')[1] ?? '';
  if (top === 'name') return path;
  if (top === 'creditsAvailable') return `/eu${path}`;
  if ((EU_EXTENSION_PROPERTIES as readonly string[]).includes(top)) return `/eu${path}`;
  return undefined;
}

/**
 * Every problem of a definition, one per field, with JSON pointers into the API body (`/eu/eqfLevel`,
 * `/alignments/0/targetUrl`). For achievementType MicroCredential the mandatory Annex I elements must be
 * present (Council Recommendation 2022/C 243/02, Annex I); for other types the EU fields given are
 * checked for shape only.
 */
export function definitionProblems(definition: AchievementDefinition): FieldError[] {
  const problems: FieldError[] = [];
  const add = (pointer: string, message: string) => problems.push({ pointer, message });
  if (definition.name === '') add('/name', 'The title (name) is required.');
  // OB 3.0 §B.1.1: an Achievement has a description and criteria.
  if (definition.description === '') add('/description', 'The description is required.');
  if (definition.criteria === '') add('/criteria', 'The criteria (what a learner must do to earn it) are required.');
  const type = definition.achievementType;
  if (!(ACHIEVEMENT_TYPES as readonly string[]).includes(type) && !EXTENSION_VALUE.test(type)) {
    add('/achievementType', `"${type}" is not an Open Badges 3.0 achievement type; use one such as "MicroCredential", "Course" or "Badge", or an extension "ext:Name".`);
  }
  if (definition.image !== undefined && !isHttpUrl(definition.image)) {
    add('/image', 'The image must be an http(s) address; upload a file with POST /api/v1/achievements/:id/image instead.');
  }
  const { eqfLevel } = definition.eu;
  if (eqfLevel !== undefined && !(Number.isInteger(eqfLevel) && eqfLevel >= 1 && eqfLevel <= 8)) {
    add('/eu/eqfLevel', `The EQF level ${eqfLevel} is not valid; EQF levels are whole numbers from 1 to 8.`);
  }
  definition.alignments.forEach((alignment, i) => {
    const base = `/alignments/${i}`;
    if (alignment.targetName === '') add(`${base}/targetName`, 'Each alignment needs a name (targetName), e.g. the skill\'s label.');
    if (isEqfAlignment(alignment)) {
      add(base, 'Give the EQF level as eu.eqfLevel rather than as an alignment.');
    } else if (isEscoAlignment(alignment)) {
      if (!ESCO_SKILL_IRI.test(alignment.targetUrl)) {
        add(`${base}/targetUrl`, `"${alignment.targetUrl}" is not an ESCO skill URI; ESCO skills look like ${ESCO_SKILL_IRI_PREFIX}<uuid>.`);
      }
    } else if (!isHttpUrl(alignment.targetUrl)) {
      add(`${base}/targetUrl`, `"${alignment.targetUrl}" is not an http(s) address of the skill or competency.`);
    }
  });
  definition.resultDescriptions?.forEach((result, i) => {
    const base = `/resultDescriptions/${i}`;
    if (result.name === '') add(`${base}/name`, 'Each result description needs a name, e.g. "ECTS grade".');
    if (!(RESULT_TYPES as readonly string[]).includes(result.resultType) && !EXTENSION_VALUE.test(result.resultType)) {
      add(`${base}/resultType`, `"${result.resultType}" is not an Open Badges 3.0 result type; use one of ${RESULT_TYPES.map((t) => `"${t}"`).join(', ')}.`);
    }
    if (result.requiredValue !== undefined && result.allowedValue !== undefined && !result.allowedValue.includes(result.requiredValue)) {
      add(`${base}/requiredValue`, `The required value "${result.requiredValue}" is not one of the allowed values.`);
    }
  });
  if (definition.validityPeriod !== undefined && !parseDuration(definition.validityPeriod)) {
    add('/validityPeriod', `"${definition.validityPeriod}" is not an ISO 8601 duration such as P1Y, P6M or P30D (whole numbers, not zero).`);
  }

  // The Annex I rules, run on the Achievement this definition becomes.
  const mandatory = type === MICRO_CREDENTIAL;
  const probe = ob3Achievement('urn:uuid:00000000-0000-4000-8000-000000000000', 1, { ...definition, eu: { ...definition.eu, eqfLevel: undefined } }, undefined);
  for (const problem of validateMicroCredential(probe)) {
    const pointer = inputPointer(problem.path);
    if (pointer === undefined || pointer === '/name') continue;
    // For other achievement types an absent element is fine; what is given must still be right.
    if (!mandatory && valueAt(probe, problem.path) === undefined) continue;
    if (problems.some((p) => p.pointer === pointer)) continue;
    add(pointer, problem.message);
  }
  return problems;
}

function valueAt(document: JsonObject, path: string): unknown {
  let node: unknown = document;
  for (const segment of path.split('/').slice(1)) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string, unknown>)[segment];
  }
  return node;
}

/** An OB 3.0 Achievement as built here: JSON, with the id and name buildAchievementCredential needs. */
export type Ob3Achievement = JsonObject & { id: string; type: string[]; name: string };

/** The public address of an achievement (its OB 3.0 id); stable across versions. */
export function achievementUrl(publicUrl: string, achievementId: string): string {
  return `${publicUrl}/achievements/${achievementId}`;
}

/**
 * The OB 3.0 Achievement (§B.1.1) for one version of a definition, without @context: what a
 * credential embeds. The id is the same for every version (stacking rules and verifiers recognise an
 * achievement by its id); `version` says which one this is. `imageUrl` is the hosted image address
 * when the definition has an uploaded image.
 */
export function ob3Achievement(id: string, version: number, definition: AchievementDefinition, imageUrl: string | undefined): Ob3Achievement {
  const { eu } = definition;
  const achievement: Ob3Achievement = {
    id,
    type: ['Achievement'],
    achievementType: definition.achievementType,
    name: definition.name,
    description: definition.description,
    criteria: { narrative: definition.criteria },
    version: String(version),
  };
  const image = definition.imageSha256 !== undefined ? imageUrl : definition.image;
  if (image !== undefined) achievement.image = { id: image, type: 'Image' };
  if (eu.creditsAvailable !== undefined) achievement.creditsAvailable = eu.creditsAvailable;
  const alignment: JsonObject[] = [];
  if (eu.eqfLevel !== undefined) {
    alignment.push({
      type: ['Alignment'],
      targetName: `EQF level ${eu.eqfLevel}`,
      targetFramework: EQF_FRAMEWORK_NAME,
      targetCode: String(eu.eqfLevel),
      targetType: 'ext:EQFLevel',
      targetUrl: `${EQF_IRI_PREFIX}${eu.eqfLevel}`,
    });
  }
  for (const a of definition.alignments) {
    const esco = isEscoAlignment(a);
    alignment.push({
      type: ['Alignment'],
      targetName: a.targetName,
      targetUrl: a.targetUrl,
      ...(a.targetFramework !== undefined ? { targetFramework: a.targetFramework } : esco ? { targetFramework: 'ESCO' } : {}),
      ...(a.targetCode !== undefined ? { targetCode: a.targetCode } : {}),
      ...(a.targetDescription !== undefined ? { targetDescription: a.targetDescription } : {}),
      ...(esco ? { targetType: 'ext:ESCOSkill' } : {}),
    });
  }
  if (alignment.length > 0) achievement.alignment = alignment;
  if (definition.resultDescriptions) {
    achievement.resultDescription = definition.resultDescriptions.map((r, i) => ({
      id: `${id}#result-${i + 1}`,
      type: ['ResultDescription'],
      name: r.name,
      resultType: r.resultType,
      ...(r.allowedValue !== undefined ? { allowedValue: r.allowedValue } : {}),
      ...(r.requiredValue !== undefined ? { requiredValue: r.requiredValue } : {}),
    }));
  }
  for (const key of EU_EXTENSION_PROPERTIES) {
    if (eu[key] !== undefined) achievement[key] = eu[key];
  }
  return achievement;
}

/** True when the achievement carries EU extension terms (so @context needs https://w3id.org/microcred/eu/v1). */
export function usesEuExtension(achievement: JsonObject): boolean {
  return EU_EXTENSION_PROPERTIES.some((key) => achievement[key] !== undefined);
}
