/**
 * The information elements of an EU micro-credential (Council Recommendation 2022/C 243/02, Annex I)
 * and the rules that check them on an Open Badges 3.0 Achievement. Pure: no IO, no clock.
 *
 * How each element is expressed in OB 3.0 is described in docs/eu-elements.md. In short, an EU
 * micro-credential is an OB 3.0 Achievement (achievementType `MicroCredential`) that uses standard
 * properties where OB has one (name, creditsAvailable, alignment to EQF / ESCO, resultDescription) and
 * carries the remaining elements as the extension properties of `EuAchievementExtension`, defined by the
 * JSON-LD context https://w3id.org/microcred/eu/v1 (src/vc/contexts/microcred-eu-v1.jsonld).
 */

/** One problem found in a document: a JSON pointer (RFC 6901) and a plain sentence. */
export interface Problem {
  path: string;
  message: string;
}

/** A code of a controlled list, with its English label and the matching IRI. */
export interface CodeEntry<C extends string = string> {
  code: C;
  label: string;
  /** IRI of the matching concept in a European Learning Model controlled list, when one exists. */
  elmIri?: string;
  /** The IRI the code expands to in JSON-LD (the ELM concept, or a microcred vocabulary IRI). */
  iri: string;
}

/** microcred's own vocabulary, for elements and codes ELM has no term or concept for. */
export const MICROCRED_EU_VOCAB = 'https://w3id.org/microcred/eu#';
/** The European Learning Model vocabulary namespace. */
export const ELM_VOCAB = 'http://data.europa.eu/snb/model/elm/';

function entry<C extends string>(code: C, label: string, elmIri?: string, prefix = ''): CodeEntry<C> {
  return elmIri
    ? { code, label, elmIri, iri: elmIri }
    : { code, label, iri: `${MICROCRED_EU_VOCAB}${prefix}${code}` };
}

/**
 * Type of assessment (Annex I). ELM expresses it as `dc:type` of a LearningAssessmentSpecification
 * and has no EU-wide controlled list for it, so every code maps to a microcred IRI.
 */
export const ASSESSMENT_TYPES = [
  entry('exam', 'Written examination', undefined, 'assessment-'),
  entry('online-exam', 'Online examination', undefined, 'assessment-'),
  entry('project', 'Project', undefined, 'assessment-'),
  entry('portfolio', 'Portfolio', undefined, 'assessment-'),
  entry('oral', 'Oral examination', undefined, 'assessment-'),
  entry('practical-demonstration', 'Practical demonstration', undefined, 'assessment-'),
  entry('peer-assessment', 'Peer assessment', undefined, 'assessment-'),
  entry('self-assessment', 'Self-assessment', undefined, 'assessment-'),
  entry('continuous-assessment', 'Continuous assessment', undefined, 'assessment-'),
  entry('other', 'Other form of assessment', undefined, 'assessment-'),
] as const;
export type AssessmentType = (typeof ASSESSMENT_TYPES)[number]['code'];

/**
 * Form of participation in the learning activity (Annex I). ELM: `elm:mode`, EU list "Mode of learning
 * and assessment" (http://data.europa.eu/snb/learning-assessment/25831c2).
 */
export const PARTICIPATION_FORMS = [
  entry('online', 'Online', 'http://data.europa.eu/snb/learning-assessment/920fbb3cbe'),
  entry('onsite', 'On site (presential)', 'http://data.europa.eu/snb/learning-assessment/9191af2ed9'),
  entry('blended', 'Blended (hybrid)', 'http://data.europa.eu/snb/learning-assessment/e92d221e4d'),
] as const;
export type ParticipationForm = (typeof PARTICIPATION_FORMS)[number]['code'];

/**
 * Type of quality assurance used to underpin the micro-credential (Annex I). ELM describes quality
 * assurance with Accreditation nodes rather than a code, so these map to microcred IRIs.
 */
export const QUALITY_ASSURANCE_TYPES = [
  entry('internal', 'Internal quality assurance of the provider', undefined, 'qa-'),
  entry('external', 'External quality assurance', undefined, 'qa-'),
  entry('accredited-programme', 'Accredited programme', undefined, 'qa-'),
  entry('accredited-institution', 'Accredited institution', undefined, 'qa-'),
  entry('none', 'No formal quality assurance', undefined, 'qa-'),
] as const;
export type QualityAssuranceType = (typeof QUALITY_ASSURANCE_TYPES)[number]['code'];

/**
 * Supervision and identity verification during assessment (Annex I, optional). ELM:
 * `elm:idVerification`, EU list http://data.europa.eu/snb/supervision-verification/25831c2. Only the
 * "none" concept is confirmed by the official EDC sample; the others use microcred IRIs until checked.
 */
export const SUPERVISION_TYPES = [
  entry('none', 'Unsupervised, without identity verification', 'http://data.europa.eu/snb/supervision-verification/c598449d64'),
  entry('supervised-no-id', 'Supervised, without identity verification', undefined, 'supervision-'),
  entry('supervised-online-id', 'Supervised, with online identity verification', undefined, 'supervision-'),
  entry('supervised-onsite-id', 'Supervised, with onsite identity verification', undefined, 'supervision-'),
] as const;
export type SupervisionType = (typeof SUPERVISION_TYPES)[number]['code'];

/** Integration / stackability options (Annex I, optional). No ELM equivalent. */
export const INTEGRATION_OPTIONS = [
  entry('stand-alone', 'Stand-alone, independent micro-credential', undefined, 'integration-'),
  entry('stackable', 'Integrated or stackable towards another credential', undefined, 'integration-'),
] as const;
export type IntegrationOption = (typeof INTEGRATION_OPTIONS)[number]['code'];

/** EQF levels 1–8 and their ELM concepts (http://data.europa.eu/snb/eqf/25831c2). */
export const EQF_LEVELS = [1, 2, 3, 4, 5, 6, 7, 8].map((level) => ({
  code: String(level),
  label: `EQF level ${level}`,
  elmIri: `http://data.europa.eu/snb/eqf/${level}`,
  iri: `http://data.europa.eu/snb/eqf/${level}`,
}));
export const EQF_FRAMEWORK_NAME = 'European Qualifications Framework';
export const EQF_IRI_PREFIX = 'http://data.europa.eu/snb/eqf/';
export const ESCO_SKILL_IRI_PREFIX = 'http://data.europa.eu/esco/skill/';
/** ELM concept for the ECTS credit system (http://data.europa.eu/snb/education-credit/25831c2). */
export const ECTS_ELM_IRI = 'http://data.europa.eu/snb/education-credit/6fcec5c5af';

/** ISO 3166-1 alpha-2 country codes (officially assigned, 249). */
export const ISO_3166_ALPHA2: ReadonlySet<string> = new Set(
  (
    'AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ ' +
    'CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR ' +
    'GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP ' +
    'KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT ' +
    'MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW ' +
    'SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG ' +
    'UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW'
  ).split(' '),
);

/**
 * The EU extension properties carried directly on an OB 3.0 Achievement (input and credential use
 * the same shape). Terms are defined by the context https://w3id.org/microcred/eu/v1.
 */
export interface EuAchievementExtension {
  /** Learning outcomes, one statement each (Annex I: learning outcomes). */
  learningOutcome?: string[];
  /** Annex I: type of assessment. */
  assessmentType?: AssessmentType[];
  /** Annex I: form of participation in the learning activity. */
  participationForm?: ParticipationForm;
  /** Annex I: type of quality assurance used to underpin the micro-credential. */
  qualityAssurance?: QualityAssuranceType[];
  /** Annex I (optional): prerequisites needed to enrol in the learning activity. */
  prerequisites?: string;
  /** Annex I (optional): supervision and identity verification during assessment. */
  supervision?: SupervisionType;
  /** Annex I (optional): stand-alone or integrated/stackable. */
  integration?: IntegrationOption;
  /** IRIs of the credentials or achievements this one stacks towards. */
  stackableTowards?: string[];
  /** Annex I (optional): further information. */
  furtherInformation?: string;
}

/** The names of the extension properties, in a stable order. */
export const EU_EXTENSION_PROPERTIES = [
  'learningOutcome',
  'assessmentType',
  'participationForm',
  'qualityAssurance',
  'prerequisites',
  'supervision',
  'integration',
  'stackableTowards',
  'furtherInformation',
] as const satisfies readonly (keyof EuAchievementExtension)[];

/** The Annex I elements as one flat record: what a micro-credential says, whatever its encoding. */
export interface AnnexIElements {
  learner: { id?: string; identifier?: unknown[] };
  title: string;
  issuerCountries: string[];
  awardingBodies: { id: string; name?: string }[];
  dateOfIssuing: string;
  learningOutcomes: string[];
  ectsCredits: number;
  eqfLevel?: number;
  assessmentTypes: AssessmentType[];
  participationForm: ParticipationForm;
  qualityAssurance: QualityAssuranceType[];
  prerequisites?: string;
  supervision?: SupervisionType;
  grade?: string;
  integration?: IntegrationOption;
  stackableTowards?: string[];
  furtherInformation?: string;
}

/** Each Annex I element, whether it is mandatory, and where it lives in an OB 3.0 credential. */
export const ANNEX_I_ELEMENTS = [
  { element: 'learner', label: 'Identification of the learner', mandatory: true, ob3: 'credentialSubject.id / credentialSubject.identifier' },
  { element: 'title', label: 'Title of the micro-credential', mandatory: true, ob3: 'achievement.name' },
  { element: 'issuerCountries', label: 'Country(ies) of the issuer', mandatory: true, ob3: 'issuer.address.addressCountryCode' },
  { element: 'awardingBodies', label: 'Awarding body(ies)', mandatory: true, ob3: 'issuer' },
  { element: 'dateOfIssuing', label: 'Date of issuing', mandatory: true, ob3: 'validFrom (awardedDate when given)' },
  { element: 'learningOutcomes', label: 'Learning outcomes', mandatory: true, ob3: 'achievement.learningOutcome (+ alignment to ESCO)' },
  { element: 'ectsCredits', label: 'Notional workload (ECTS)', mandatory: true, ob3: 'achievement.creditsAvailable' },
  { element: 'eqfLevel', label: 'Level (EQF), where applicable', mandatory: false, ob3: 'achievement.alignment (European Qualifications Framework)' },
  { element: 'assessmentTypes', label: 'Type of assessment', mandatory: true, ob3: 'achievement.assessmentType' },
  { element: 'participationForm', label: 'Form of participation', mandatory: true, ob3: 'achievement.participationForm' },
  { element: 'qualityAssurance', label: 'Type of quality assurance', mandatory: true, ob3: 'achievement.qualityAssurance' },
  { element: 'prerequisites', label: 'Prerequisites', mandatory: false, ob3: 'achievement.prerequisites' },
  { element: 'supervision', label: 'Supervision and identity verification', mandatory: false, ob3: 'achievement.supervision' },
  { element: 'grade', label: 'Grade achieved', mandatory: false, ob3: 'credentialSubject.result[].value' },
  { element: 'integration', label: 'Integration / stackability options', mandatory: false, ob3: 'achievement.integration, achievement.stackableTowards' },
  { element: 'furtherInformation', label: 'Further information', mandatory: false, ob3: 'achievement.furtherInformation' },
] as const;

type Obj = { [key: string]: unknown };

function isObject(value: unknown): value is Obj {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isNonEmptyString(value: unknown): value is string {
  return typeof value === 'string' && value.trim() !== '';
}

/** RFC 6901 escaping of one path segment. */
function seg(key: string | number): string {
  return '/' + String(key).replace(/~/g, '~0').replace(/\//g, '~1');
}

function looksLikeIri(value: unknown): value is string {
  return typeof value === 'string' && /^[a-z][a-z0-9+.-]*:\S+$/i.test(value);
}

/** True when the number has at most two decimals (ECTS is stated to the hundredth). */
export function hasAtMostTwoDecimals(value: number): boolean {
  const scaled = value * 100;
  return Math.abs(scaled - Math.round(scaled)) < 1e-6;
}

/** The EQF alignment of an achievement: targetFramework names EQF, or targetUrl is an EQF concept. */
export function isEqfAlignment(alignment: unknown): boolean {
  if (!isObject(alignment)) return false;
  const framework = alignment.targetFramework;
  const url = alignment.targetUrl;
  return (
    (typeof framework === 'string' && /european qualifications framework|^eqf$/i.test(framework.trim())) ||
    (typeof url === 'string' && url.startsWith(EQF_IRI_PREFIX))
  );
}

/** Reads the EQF level (1–8) from an achievement's alignments; undefined when none or invalid. */
export function findEqfLevel(achievement: unknown): number | undefined {
  if (!isObject(achievement) || !Array.isArray(achievement.alignment)) return undefined;
  for (const alignment of achievement.alignment) {
    if (!isEqfAlignment(alignment)) continue;
    const level = eqfLevelOf(alignment as Obj);
    if (level !== undefined) return level;
  }
  return undefined;
}

function eqfLevelOf(alignment: Obj): number | undefined {
  const code = alignment.targetCode;
  const fromCode = typeof code === 'string' || typeof code === 'number' ? String(code).trim() : undefined;
  const url = typeof alignment.targetUrl === 'string' ? alignment.targetUrl : '';
  const fromUrl = url.startsWith(EQF_IRI_PREFIX) ? url.slice(EQF_IRI_PREFIX.length) : undefined;
  const text = fromCode ?? fromUrl;
  if (text === undefined || !/^[1-8]$/.test(text)) return undefined;
  return Number(text);
}

function codeList(entries: readonly CodeEntry[]): string {
  return entries.map((e) => `"${e.code}"`).join(', ');
}

function checkCode(
  problems: Problem[],
  path: string,
  value: unknown,
  entries: readonly CodeEntry[],
  what: string,
): void {
  if (typeof value !== 'string' || !entries.some((e) => e.code === value)) {
    problems.push({
      path,
      message: `${JSON.stringify(value)} is not a known ${what}; use one of ${codeList(entries)}.`,
    });
  }
}

/** Checks a list of codes given as one code or an array of codes; at least one when required. */
function checkCodes(
  problems: Problem[],
  base: string,
  value: unknown,
  entries: readonly CodeEntry[],
  what: string,
  required: boolean,
): void {
  if (value === undefined) {
    if (required) problems.push({ path: base, message: `The ${what} is missing; it is a mandatory EU element. Use one or more of ${codeList(entries)}.` });
    return;
  }
  const values = Array.isArray(value) ? value : [value];
  if (values.length === 0 && required) {
    problems.push({ path: base, message: `At least one ${what} must be given.` });
    return;
  }
  values.forEach((v, i) => checkCode(problems, Array.isArray(value) ? base + seg(i) : base, v, entries, what));
}

function checkCountry(problems: Problem[], path: string, value: unknown): void {
  if (typeof value !== 'string' || !ISO_3166_ALPHA2.has(value)) {
    const hint = value === 'EL' ? ' (Greece is "GR" in ISO 3166-1)' : value === 'UK' ? ' (the United Kingdom is "GB" in ISO 3166-1)' : '';
    problems.push({ path, message: `${JSON.stringify(value)} is not an ISO 3166-1 two-letter country code${hint}.` });
  }
}

/**
 * Checks an OB 3.0 Achievement definition against the EU micro-credential elements that belong to
 * the achievement (title, learning outcomes, ECTS, EQF, assessment, participation, quality assurance
 * and the optional ones). Returns the problems found; an empty list means valid. Paths are JSON
 * pointers into the achievement. Never throws.
 *
 * @example
 *   validateMicroCredential(achievement) // → [{ path: '/creditsAvailable', message: '…' }]
 */
export function validateMicroCredential(achievement: unknown): Problem[] {
  const problems: Problem[] = [];
  if (!isObject(achievement)) {
    return [{ path: '', message: 'The achievement definition must be a JSON object.' }];
  }
  const a = achievement;

  // Annex I: title of the micro-credential.
  if (!isNonEmptyString(a.name)) {
    problems.push({ path: '/name', message: 'The title of the micro-credential (name) is missing; it is a mandatory EU element.' });
  }

  // Annex I: learning outcomes.
  if (a.learningOutcome === undefined) {
    problems.push({ path: '/learningOutcome', message: 'The learning outcomes are missing; list at least one statement of what the learner knows or can do.' });
  } else if (!Array.isArray(a.learningOutcome) || a.learningOutcome.length === 0) {
    problems.push({ path: '/learningOutcome', message: 'The learning outcomes must be a list of at least one statement.' });
  } else {
    a.learningOutcome.forEach((outcome, i) => {
      if (!isNonEmptyString(outcome)) {
        problems.push({ path: `/learningOutcome${seg(i)}`, message: 'Each learning outcome must be a non-empty sentence.' });
      }
    });
  }

  // Annex I: notional workload, in ECTS wherever possible.
  const credits = a.creditsAvailable;
  if (credits === undefined) {
    problems.push({ path: '/creditsAvailable', message: 'The notional workload in ECTS credits (creditsAvailable) is missing; it is a mandatory EU element.' });
  } else if (typeof credits !== 'number' || !Number.isFinite(credits)) {
    problems.push({ path: '/creditsAvailable', message: 'The ECTS workload (creditsAvailable) must be a number.' });
  } else if (credits < 0) {
    problems.push({ path: '/creditsAvailable', message: 'The ECTS workload (creditsAvailable) cannot be negative.' });
  } else if (!hasAtMostTwoDecimals(credits)) {
    problems.push({ path: '/creditsAvailable', message: `The ECTS workload ${credits} has more than two decimals; round it to the hundredth (for example ${Math.round(credits * 100) / 100}).` });
  }

  // Annex I: level (EQF), where applicable; alignments must be well-formed, ESCO skills must be IRIs.
  if (a.alignment !== undefined) {
    if (!Array.isArray(a.alignment)) {
      problems.push({ path: '/alignment', message: 'The alignments must be a list.' });
    } else {
      a.alignment.forEach((alignment, i) => {
        if (!isEqfAlignment(alignment)) return;
        const al = alignment as Obj;
        const level = eqfLevelOf(al);
        if (level === undefined) {
          problems.push({
            path: `/alignment${seg(i)}/targetCode`,
            message: `The EQF level ${JSON.stringify(al.targetCode ?? al.targetUrl)} is not valid; EQF levels are whole numbers from 1 to 8.`,
          });
        } else if (typeof al.targetUrl === 'string' && al.targetUrl.startsWith(EQF_IRI_PREFIX) && al.targetUrl !== `${EQF_IRI_PREFIX}${level}`) {
          problems.push({
            path: `/alignment${seg(i)}/targetUrl`,
            message: `The EQF alignment says level ${level} but links to ${al.targetUrl}; use ${EQF_IRI_PREFIX}${level}.`,
          });
        }
      });
    }
  }

  // Annex I: type of assessment, form of participation, type of quality assurance.
  checkCodes(problems, '/assessmentType', a.assessmentType, ASSESSMENT_TYPES, 'type of assessment', true);
  if (a.participationForm === undefined) {
    problems.push({ path: '/participationForm', message: `The form of participation is missing; it is a mandatory EU element. Use one of ${codeList(PARTICIPATION_FORMS)}.` });
  } else {
    checkCode(problems, '/participationForm', a.participationForm, PARTICIPATION_FORMS, 'form of participation');
  }
  checkCodes(problems, '/qualityAssurance', a.qualityAssurance, QUALITY_ASSURANCE_TYPES, 'type of quality assurance', true);

  // Optional elements: checked only for shape when present.
  for (const key of ['prerequisites', 'furtherInformation'] as const) {
    if (a[key] !== undefined && !isNonEmptyString(a[key])) {
      problems.push({ path: seg(key), message: `${key === 'prerequisites' ? 'The prerequisites' : 'The further information'} must be a non-empty text when given.` });
    }
  }
  if (a.supervision !== undefined) {
    checkCode(problems, '/supervision', a.supervision, SUPERVISION_TYPES, 'kind of supervision and identity verification');
  }
  if (a.integration !== undefined) {
    checkCode(problems, '/integration', a.integration, INTEGRATION_OPTIONS, 'integration option');
  }
  if (a.stackableTowards !== undefined) {
    if (!Array.isArray(a.stackableTowards)) {
      problems.push({ path: '/stackableTowards', message: 'stackableTowards must be a list of credential or achievement IRIs.' });
    } else {
      a.stackableTowards.forEach((target, i) => {
        if (!looksLikeIri(target)) {
          problems.push({ path: `/stackableTowards${seg(i)}`, message: `${JSON.stringify(target)} is not an IRI of a credential or achievement.` });
        }
      });
      if (a.integration === 'stand-alone' && a.stackableTowards.length > 0) {
        problems.push({ path: '/integration', message: 'A stand-alone micro-credential cannot also list credentials it stacks towards; use "stackable".' });
      }
    }
  }

  // Country of the issuer, when the achievement names its creator (otherwise checked on the credential).
  if (isObject(a.creator) && isObject(a.creator.address) && a.creator.address.addressCountryCode !== undefined) {
    checkCountry(problems, '/creator/address/addressCountryCode', a.creator.address.addressCountryCode);
  }
  return problems;
}

function prefixed(problems: Problem[], prefix: string): Problem[] {
  return problems.map((p) => ({ path: prefix + p.path, message: p.message }));
}

/**
 * Checks a whole OB 3.0 credential for every mandatory Annex I element: the achievement's elements
 * (via validateMicroCredential) plus learner identification, the issuer as awarding body with its
 * country, and the date of issuing. Paths are JSON pointers into the credential. Never throws.
 */
export function validateMicroCredentialCredential(credential: unknown): Problem[] {
  if (!isObject(credential)) return [{ path: '', message: 'The credential must be a JSON object.' }];
  const problems: Problem[] = [];
  const issuer = credential.issuer;
  if (!isObject(issuer)) {
    problems.push({ path: '/issuer', message: 'The issuer must be a profile with a name and an address, so that the awarding body and its country can be shown.' });
  } else {
    if (!isNonEmptyString(issuer.name)) {
      problems.push({ path: '/issuer/name', message: 'The awarding body (issuer) has no name.' });
    }
    const address = issuer.address;
    if (!isObject(address) || address.addressCountryCode === undefined) {
      problems.push({ path: '/issuer/address/addressCountryCode', message: 'The country of the issuer (address.addressCountryCode) is missing; it is a mandatory EU element.' });
    } else {
      checkCountry(problems, '/issuer/address/addressCountryCode', address.addressCountryCode);
    }
  }
  const issued = credential.validFrom ?? credential.issuanceDate;
  if (!isNonEmptyString(issued)) {
    problems.push({ path: '/validFrom', message: 'The date of issuing (validFrom) is missing.' });
  }
  const subjects = Array.isArray(credential.credentialSubject) ? credential.credentialSubject : [credential.credentialSubject];
  subjects.forEach((subject, i) => {
    const base = Array.isArray(credential.credentialSubject) ? `/credentialSubject${seg(i)}` : '/credentialSubject';
    if (!isObject(subject)) {
      problems.push({ path: base, message: 'The credential subject (the learner) is missing.' });
      return;
    }
    const identified = isNonEmptyString(subject.id) || (Array.isArray(subject.identifier) && subject.identifier.length > 0);
    if (!identified) {
      problems.push({ path: base, message: 'The learner is not identified: give the subject an id or an identifier.' });
    }
    problems.push(...prefixed(validateMicroCredential(subject.achievement), `${base}/achievement`));
  });
  return problems;
}
