/**
 * Pathways (stacked credentials) as data: the rule language, and its validator. A pathway is JSON
 * written by a pathway designer, stored and versioned; it is never code. docs/stacking.md describes
 * the language with examples.
 */
import { parsePeriod } from './dates.ts';
import { isNonEmptyString, isObject, seg } from './json.ts';
import type { Obj, Problem } from './json.ts';

/** Conditions every credential counted by a requirement must meet. */
export interface CredentialFilter {
  /** Only credentials from these issuers (ids), in addition to the pathway's trusted issuers. */
  issuers?: string[];
  minEqfLevel?: number;
  achievementTypes?: string[];
  /** No older than this on the evaluation date: days, or an ISO 8601 duration (`P5Y`, `P18M`). */
  maxAge?: string | number;
  /** Only credentials of at least this ECTS workload. */
  minCredits?: number;
}

/**
 * Which credentials a requirement draws from: those matching any of `achievements`, `alignments` or
 * `fieldsOfStudy` (all credentials when none of the three is given), and meeting every filter.
 */
export interface CredentialSelector extends CredentialFilter {
  achievements?: string[];
  /** Alignment target URLs (ESCO skills, frameworks' competencies…). */
  alignments?: string[];
  /** Field of study, compared without case. */
  fieldsOfStudy?: string[];
}

interface RequirementBase {
  /** Unique within the pathway; results refer to it. */
  id: string;
  label?: string;
  /**
   * When true, credentials counted here may also count toward one other requirement. Otherwise a
   * credential counts toward one requirement only. Defaults to the pathway's `allowSharing`.
   */
  allowSharing?: boolean;
}

/** Every listed achievement, one credential each. */
export interface AllOfRequirement extends RequirementBase {
  kind: 'allOf';
  achievements: string[];
  where?: CredentialFilter;
}
/** At least `n` credentials from a selection. */
export interface AtLeastNRequirement extends RequirementBase {
  kind: 'atLeastN';
  n: number;
  from: CredentialSelector;
}
/** At least `credits` ECTS from a selection (credentials count whole, never split). */
export interface AtLeastCreditsRequirement extends RequirementBase {
  kind: 'atLeastCredits';
  credits: number;
  from?: CredentialSelector;
}
/** At least `count` (default 1) credentials at EQF `level` or above. */
export interface MinEqfLevelRequirement extends RequirementBase {
  kind: 'minEqfLevel';
  level: number;
  count?: number;
  from?: CredentialSelector;
}
/** Every listed learning outcome or skill (alignment target URL) covered by a counted credential. */
export interface OutcomesRequirement extends RequirementBase {
  kind: 'outcomes';
  outcomes: string[];
  from?: CredentialFilter;
}

export type Requirement =
  | AllOfRequirement
  | AtLeastNRequirement
  | AtLeastCreditsRequirement
  | MinEqfLevelRequirement
  | OutcomesRequirement;

export type RequirementKind = Requirement['kind'];
export const REQUIREMENT_KINDS: readonly RequirementKind[] = ['allOf', 'atLeastN', 'atLeastCredits', 'minEqfLevel', 'outcomes'];

export interface Pathway {
  id: string;
  /** Revision of these rules (1, 2, …); evaluations record the version they used. */
  version: number;
  name: string;
  /** The stacked achievement awarded on completion. */
  target?: { achievementId: string; issuerId?: string };
  /** Only credentials from these issuers count anywhere in the pathway. */
  trustedIssuers?: string[];
  /** No credential older than this counts anywhere in the pathway. */
  maxAge?: string | number;
  /** Default of each requirement's `allowSharing` (false: a credential counts once). */
  allowSharing?: boolean;
  requirements: Requirement[];
}

export type PathwayParseResult = { ok: true; pathway: Pathway } | { ok: false; problems: Problem[] };

const MAX_LIST = 10_000;
const MAX_REQUIREMENTS = 200;

class Checker {
  readonly problems: Problem[] = [];
  add(path: string, message: string): void {
    this.problems.push({ path, message });
  }
  string(o: Obj, key: string, base: string, required: boolean, what: string): void {
    const v = o[key];
    if (v === undefined) {
      if (required) this.add(base + seg(key), `${what} is missing.`);
    } else if (!isNonEmptyString(v)) this.add(base + seg(key), `${what} must be a non-empty text.`);
  }
  stringList(o: Obj, key: string, base: string, what: string, nonEmpty = false): void {
    const v = o[key];
    if (v === undefined) {
      if (nonEmpty) this.add(base + seg(key), `${what} is missing.`);
      return;
    }
    if (!Array.isArray(v)) return this.add(base + seg(key), `${what} must be a list of texts.`);
    if (nonEmpty && v.length === 0) this.add(base + seg(key), `${what} must list at least one item.`);
    if (v.length > MAX_LIST) return this.add(base + seg(key), `${what} lists ${v.length} items; at most ${MAX_LIST} are allowed.`);
    const seen = new Set<string>();
    v.forEach((item, i) => {
      if (!isNonEmptyString(item)) this.add(base + seg(key) + seg(i), `Each item of ${what.toLowerCase()} must be a non-empty text.`);
      else if (seen.has(item)) this.add(base + seg(key) + seg(i), `${JSON.stringify(item)} is listed twice.`);
      else seen.add(item);
    });
  }
  number(o: Obj, key: string, base: string, what: string, options: { required?: boolean; integer?: boolean; min: number; max?: number }): void {
    const v = o[key];
    if (v === undefined) {
      if (options.required) this.add(base + seg(key), `${what} is missing.`);
      return;
    }
    const kind = options.integer ? 'a whole number' : 'a number';
    if (typeof v !== 'number' || !Number.isFinite(v) || (options.integer && !Number.isInteger(v))) {
      this.add(base + seg(key), `${what} must be ${kind}.`);
    } else if (v < options.min || (options.max !== undefined && v > options.max)) {
      this.add(base + seg(key), `${what} must be ${options.max !== undefined ? `from ${options.min} to ${options.max}` : `at least ${options.min}`}; it is ${v}.`);
    }
  }
  boolean(o: Obj, key: string, base: string, what: string): void {
    if (o[key] !== undefined && typeof o[key] !== 'boolean') this.add(base + seg(key), `${what} must be true or false.`);
  }
  maxAge(o: Obj, base: string): void {
    if (o.maxAge !== undefined && parsePeriod(o.maxAge) === undefined) {
      this.add(base + '/maxAge', `The maximum age ${JSON.stringify(o.maxAge)} is neither a whole number of days nor an ISO 8601 duration of years, months, weeks or days (for example "P5Y" or "P18M").`);
    }
  }
  unknown(o: Obj, base: string, allowed: readonly string[], what: string): void {
    for (const key of Object.keys(o)) {
      if (!allowed.includes(key)) this.add(base + seg(key), `${JSON.stringify(key)} is not a property of ${what}; allowed: ${allowed.join(', ')}.`);
    }
  }
  filter(value: unknown, base: string, selector: boolean): void {
    if (value === undefined) return;
    if (!isObject(value)) return this.add(base, selector ? 'The selection must be an object.' : 'The conditions must be an object.');
    const filterKeys = ['issuers', 'minEqfLevel', 'achievementTypes', 'maxAge', 'minCredits'];
    const selectorKeys = ['achievements', 'alignments', 'fieldsOfStudy'];
    this.unknown(value, base, selector ? [...selectorKeys, ...filterKeys] : filterKeys, selector ? 'a selection' : 'the conditions');
    this.stringList(value, 'issuers', base, 'The issuers');
    this.number(value, 'minEqfLevel', base, 'The minimum EQF level', { integer: true, min: 1, max: 8 });
    this.stringList(value, 'achievementTypes', base, 'The achievement types');
    this.maxAge(value, base);
    this.number(value, 'minCredits', base, 'The minimum ECTS', { min: 0 });
    if (selector) {
      this.stringList(value, 'achievements', base, 'The achievements');
      this.stringList(value, 'alignments', base, 'The alignments');
      this.stringList(value, 'fieldsOfStudy', base, 'The fields of study');
    }
  }
}

const COMMON = ['id', 'kind', 'label', 'allowSharing'];
const KIND_KEYS: Record<RequirementKind, string[]> = {
  allOf: [...COMMON, 'achievements', 'where'],
  atLeastN: [...COMMON, 'n', 'from'],
  atLeastCredits: [...COMMON, 'credits', 'from'],
  minEqfLevel: [...COMMON, 'level', 'count', 'from'],
  outcomes: [...COMMON, 'outcomes', 'from'],
};

function checkRequirement(c: Checker, r: unknown, base: string): void {
  if (!isObject(r)) return c.add(base, 'A requirement must be an object with an id and a kind.');
  c.string(r, 'id', base, true, 'The requirement id');
  c.string(r, 'label', base, false, 'The label');
  c.boolean(r, 'allowSharing', base, 'allowSharing');
  const kind = r.kind;
  if (typeof kind !== 'string' || !(REQUIREMENT_KINDS as readonly string[]).includes(kind)) {
    return c.add(base + '/kind', `The kind ${JSON.stringify(kind)} is not known; use one of ${REQUIREMENT_KINDS.join(', ')}.`);
  }
  c.unknown(r, base, KIND_KEYS[kind as RequirementKind], `a requirement of kind ${kind}`);
  switch (kind as RequirementKind) {
    case 'allOf':
      c.stringList(r, 'achievements', base, 'The achievements', true);
      c.filter(r.where, base + '/where', false);
      break;
    case 'atLeastN':
      c.number(r, 'n', base, 'The number of credentials (n)', { required: true, integer: true, min: 1, max: MAX_LIST });
      if (r.from === undefined) c.add(base + '/from', 'The selection (from) is missing: say which credentials count.');
      c.filter(r.from, base + '/from', true);
      break;
    case 'atLeastCredits':
      c.number(r, 'credits', base, 'The number of ECTS credits', { required: true, min: 0.01, max: 10_000 });
      c.filter(r.from, base + '/from', true);
      break;
    case 'minEqfLevel':
      c.number(r, 'level', base, 'The EQF level', { required: true, integer: true, min: 1, max: 8 });
      c.number(r, 'count', base, 'The number of credentials (count)', { integer: true, min: 1, max: MAX_LIST });
      c.filter(r.from, base + '/from', true);
      break;
    case 'outcomes':
      c.stringList(r, 'outcomes', base, 'The learning outcomes or skills', true);
      c.filter(r.from, base + '/from', false);
      break;
  }
}

/**
 * Checks a pathway definition. Returns the problems found, each with a JSON pointer and a sentence;
 * an empty list means the pathway can be evaluated. Never throws.
 *
 * @example
 *   validatePathway({ id: 'p', version: 1, name: 'X', requirements: [{ id: 'a', kind: 'atLeastN' }] })
 *   // → [{ path: '/requirements/0/n', message: 'The number of credentials (n) is missing.' }, …]
 */
export function validatePathway(value: unknown): Problem[] {
  const c = new Checker();
  if (!isObject(value)) return [{ path: '', message: 'A pathway must be a JSON object.' }];
  c.unknown(value, '', ['id', 'version', 'name', 'description', 'target', 'trustedIssuers', 'maxAge', 'allowSharing', 'requirements'], 'a pathway');
  c.string(value, 'id', '', true, 'The pathway id');
  c.string(value, 'name', '', true, 'The pathway name');
  c.string(value, 'description', '', false, 'The description');
  c.number(value, 'version', '', 'The version', { required: true, integer: true, min: 1 });
  if (value.target !== undefined) {
    if (!isObject(value.target)) c.add('/target', 'The target must be an object with an achievementId.');
    else {
      c.unknown(value.target, '/target', ['achievementId', 'issuerId'], 'the target');
      c.string(value.target, 'achievementId', '/target', true, 'The target achievement id');
      c.string(value.target, 'issuerId', '/target', false, 'The target issuer id');
    }
  }
  c.stringList(value, 'trustedIssuers', '', 'The trusted issuers');
  if (Array.isArray(value.trustedIssuers) && value.trustedIssuers.length === 0) {
    c.add('/trustedIssuers', 'An empty list of trusted issuers would refuse every credential; leave it out to accept any issuer.');
  }
  c.maxAge(value, '');
  c.boolean(value, 'allowSharing', '', 'allowSharing');
  const reqs = value.requirements;
  if (!Array.isArray(reqs) || reqs.length === 0) {
    c.add('/requirements', 'The requirements must be a list of at least one requirement.');
  } else if (reqs.length > MAX_REQUIREMENTS) {
    c.add('/requirements', `A pathway may have at most ${MAX_REQUIREMENTS} requirements; this one has ${reqs.length}.`);
  } else {
    const ids = new Map<string, number>();
    reqs.forEach((r, i) => {
      checkRequirement(c, r, `/requirements${seg(i)}`);
      if (isObject(r) && isNonEmptyString(r.id)) {
        const first = ids.get(r.id);
        if (first !== undefined) c.add(`/requirements${seg(i)}/id`, `The requirement id ${JSON.stringify(r.id)} is already used by requirement ${first + 1}.`);
        else ids.set(r.id, i);
      }
    });
  }
  return c.problems;
}

/** Validates and returns the pathway typed, or the problems. Never throws. */
export function parsePathway(value: unknown): PathwayParseResult {
  const problems = validatePathway(value);
  return problems.length === 0 ? { ok: true, pathway: value as Pathway } : { ok: false, problems };
}
