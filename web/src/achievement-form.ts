/**
 * The achievement editor's form state and its mapping to and from the API body. Numbers are kept as
 * typed text until submission so that "2.505" can be shown back with its message.
 */
import { ESCO_SKILL_IRI_PREFIX, hasAtMostTwoDecimals } from '../../src/domain/eu-elements.ts';
import type { Achievement, AchievementInput, Alignment } from './api-types.ts';
import { NOT_A_DURATION } from './duration.ts';

export interface SkillRow {
  targetUrl: string;
  targetName: string;
}

export interface AchievementForm {
  issuerId: string;
  name: string;
  description: string;
  criteria: string;
  achievementType: string;
  ects: string;
  eqfLevel: string;
  assessmentType: string[];
  participationForm: string;
  qualityAssurance: string[];
  prerequisites: string;
  supervision: string;
  integration: string;
  stackableTowards: string;
  furtherInformation: string;
  learningOutcomes: string[];
  skills: SkillRow[];
  validityPeriod: string;
  suspendable: boolean;
}

export const ESCO_FRAMEWORK = 'ESCO';

export function emptyForm(issuerId = ''): AchievementForm {
  return {
    issuerId,
    name: '',
    description: '',
    criteria: '',
    achievementType: 'MicroCredential',
    ects: '',
    eqfLevel: '',
    assessmentType: [],
    participationForm: '',
    qualityAssurance: [],
    prerequisites: '',
    supervision: '',
    integration: '',
    stackableTowards: '',
    furtherInformation: '',
    learningOutcomes: [''],
    skills: [],
    validityPeriod: '',
    suspendable: false,
  };
}

export function formFromAchievement(a: Achievement): AchievementForm {
  const eu = a.eu ?? {};
  const skills = (a.alignments ?? []).map((al) => ({ targetUrl: al.targetUrl, targetName: al.targetName }));
  return {
    issuerId: a.issuerId,
    name: a.name,
    description: a.description ?? '',
    criteria: a.criteria ?? '',
    achievementType: a.achievementType ?? 'MicroCredential',
    ects: eu.creditsAvailable === undefined ? '' : String(eu.creditsAvailable),
    eqfLevel: eu.eqfLevel === undefined ? '' : String(eu.eqfLevel),
    assessmentType: eu.assessmentType ?? [],
    participationForm: eu.participationForm ?? '',
    qualityAssurance: eu.qualityAssurance ?? [],
    prerequisites: eu.prerequisites ?? '',
    supervision: eu.supervision ?? '',
    integration: eu.integration ?? '',
    stackableTowards: (eu.stackableTowards ?? []).join('\n'),
    furtherInformation: eu.furtherInformation ?? '',
    learningOutcomes: eu.learningOutcome?.length ? eu.learningOutcome : [''],
    skills,
    validityPeriod: a.validityPeriod ?? '',
    suspendable: a.suspendable,
  };
}

function text(value: string): string | undefined {
  const trimmed = value.trim();
  return trimmed === '' ? undefined : trimmed;
}

/** The request body for create, update and preview. Empty optional fields are left out. */
export function toInput(form: AchievementForm): AchievementInput {
  const alignments: Alignment[] = form.skills
    .filter((s) => s.targetUrl.trim() !== '' || s.targetName.trim() !== '')
    .map((s) => ({ targetUrl: s.targetUrl.trim(), targetName: s.targetName.trim(), targetFramework: ESCO_FRAMEWORK }));
  const stackable = form.stackableTowards.split(/\s+/).filter(Boolean);
  const input: AchievementInput = {
    issuerId: form.issuerId,
    name: form.name.trim(),
    description: form.description.trim(),
    criteria: form.criteria.trim(),
    achievementType: form.achievementType,
    eu: {
      learningOutcome: form.learningOutcomes.map((o) => o.trim()).filter(Boolean),
      assessmentType: form.assessmentType,
      participationForm: text(form.participationForm),
      qualityAssurance: form.qualityAssurance,
      creditsAvailable: form.ects.trim() === '' ? undefined : Number(form.ects),
      eqfLevel: form.eqfLevel === '' ? undefined : Number(form.eqfLevel),
      prerequisites: text(form.prerequisites),
      supervision: text(form.supervision),
      integration: text(form.integration),
      stackableTowards: stackable.length ? stackable : undefined,
      furtherInformation: text(form.furtherInformation),
    },
  };
  if (alignments.length) input.alignments = alignments;
  if (text(form.validityPeriod) && !form.validityPeriod.startsWith(NOT_A_DURATION)) input.validityPeriod = form.validityPeriod.trim();
  if (form.suspendable) input.suspendable = true;
  return input;
}

/**
 * Checks the browser can make before a round trip (the server checks everything again): the ECTS
 * workload is a number ≥ 0 with at most two decimals; ESCO skills are ESCO skill IRIs.
 * Keys are JSON pointers into the request body, as the server's problem details use.
 */
export function localProblems(form: AchievementForm): Record<string, string> {
  const problems: Record<string, string> = {};
  if (form.ects.trim() !== '') {
    const ects = Number(form.ects);
    if (!Number.isFinite(ects)) problems['/eu/creditsAvailable'] = 'The ECTS workload must be a number, for example 2.5.';
    else if (ects < 0) problems['/eu/creditsAvailable'] = 'The ECTS workload cannot be negative.';
    else if (!hasAtMostTwoDecimals(ects)) problems['/eu/creditsAvailable'] = `The ECTS workload has more than two decimals; round it to the hundredth (for example ${Math.round(ects * 100) / 100}).`;
  }
  if (form.validityPeriod.startsWith(NOT_A_DURATION)) {
    problems['/validityPeriod'] = 'The validity period must be a whole number above zero, for example 3 years; leave it empty for no expiry.';
  }
  form.skills.forEach((s, i) => {
    if (s.targetUrl.trim() !== '' && !s.targetUrl.trim().startsWith(ESCO_SKILL_IRI_PREFIX)) {
      problems[`/alignments/${i}/targetUrl`] = `An ESCO skill is an address starting with ${ESCO_SKILL_IRI_PREFIX}.`;
    }
  });
  return problems;
}
