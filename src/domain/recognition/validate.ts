/** Validators for programmes and recognition agreements: JSON pointers and sentences, never throws. */
import { parsePeriod } from '../stacking/dates.ts';
import { isNonEmptyString, isObject, seg } from '../stacking/json.ts';
import type { Obj, Problem } from '../stacking/json.ts';

function num(p: Problem[], o: Obj, key: string, base: string, what: string, opts: { required?: boolean; min: number; max?: number; integer?: boolean }): void {
  const v = o[key];
  if (v === undefined) {
    if (opts.required) p.push({ path: base + seg(key), message: `${what} is missing.` });
    return;
  }
  if (typeof v !== 'number' || !Number.isFinite(v) || (opts.integer && !Number.isInteger(v))) {
    p.push({ path: base + seg(key), message: `${what} must be ${opts.integer ? 'a whole number' : 'a number'}.` });
  } else if (v < opts.min || (opts.max !== undefined && v > opts.max)) {
    p.push({ path: base + seg(key), message: `${what} must be ${opts.max !== undefined ? `from ${opts.min} to ${opts.max}` : `at least ${opts.min}`}; it is ${v}.` });
  }
}

/** An absolute IRI: a scheme, a colon, and no spaces (RFC 3987 §2.2, as far as matching needs). */
export function isIri(value: string): boolean {
  return /^[A-Za-z][A-Za-z0-9+.-]*:[^\s<>"{}|\\^`]+$/.test(value);
}

function str(p: Problem[], o: Obj, key: string, base: string, what: string, required: boolean): void {
  if (o[key] === undefined) {
    if (required) p.push({ path: base + seg(key), message: `${what} is missing.` });
  } else if (!isNonEmptyString(o[key])) p.push({ path: base + seg(key), message: `${what} must be a non-empty text.` });
}

function strList(p: Problem[], o: Obj, key: string, base: string, what: string): void {
  const v = o[key];
  if (v === undefined) return;
  if (!Array.isArray(v) || v.length === 0 || !v.every(isNonEmptyString)) {
    p.push({ path: base + seg(key), message: `${what} must be a list of at least one non-empty text.` });
  }
}

/** Checks a programme definition. */
/**
 * What a registrar writing an agreement is told on top of validateAgreement: the match's achievement
 * id must be an IRI, since credentials carry an achievement's id as one (OB 3.0 Achievement.id, VC 2.0
 * §4.4) and a name ("Statistics I") can never match. Kept apart from validateAgreement so that an
 * agreement stored before this rule still evaluates (it matches nothing, as it always did) instead of
 * making every proposal toward its programme throw.
 */
export function agreementAuthoringProblems(value: unknown): Problem[] {
  if (!isObject(value) || !isObject(value.match)) return [];
  const id = value.match.achievementId;
  if (isNonEmptyString(id) && !isIri(id)) {
    return [{ path: '/match/achievementId', message: `The achievement id must be the id credentials carry, an address such as https://example.org/achievements/stats; “${id.slice(0, 80)}” is not one and would never match.` }];
  }
  return [];
}

export function validateProgramme(value: unknown): Problem[] {
  const p: Problem[] = [];
  if (!isObject(value)) return [{ path: '', message: 'A programme must be a JSON object.' }];
  str(p, value, 'id', '', 'The programme id', true);
  str(p, value, 'name', '', 'The programme name', true);
  num(p, value, 'version', '', 'The version', { min: 1, integer: true });
  num(p, value, 'totalCredits', '', 'The total ECTS of the programme', { required: true, min: 0.01, max: 1000 });
  num(p, value, 'maxRecognisedCredits', '', 'The cap on recognised ECTS', { min: 0, max: 1000 });
  num(p, value, 'maxRecognisedShare', '', 'The cap on the recognised share', { min: 0, max: 1 });
  if (value.partialCredits !== undefined && typeof value.partialCredits !== 'boolean') p.push({ path: '/partialCredits', message: 'partialCredits must be true or false.' });
  if (!Array.isArray(value.modules)) {
    p.push({ path: '/modules', message: 'The modules must be a list (it may be empty).' });
    return p;
  }
  const ids = new Set<string>();
  value.modules.forEach((m, i) => {
    const base = `/modules${seg(i)}`;
    if (!isObject(m)) return p.push({ path: base, message: 'A module must be an object with an id, a name and credits.' });
    str(p, m, 'id', base, 'The module id', true);
    str(p, m, 'name', base, 'The module name', true);
    num(p, m, 'credits', base, 'The module ECTS', { required: true, min: 0.01, max: 1000 });
    if (isNonEmptyString(m.id)) {
      if (ids.has(m.id)) p.push({ path: `${base}/id`, message: `The module id ${JSON.stringify(m.id)} is used twice.` });
      ids.add(m.id);
    }
  });
  return p;
}

const CONDITION_KEYS = ['minEqfLevel', 'minCredits', 'maxAge', 'qualityAssuranceRequired', 'acceptedAssessmentTypes', 'identityVerifiedRequired', 'minGrade'];

/**
 * Checks one agreement; with a programme, also that its module exists and its credits fit the module.
 */
export function validateAgreement(value: unknown, programme?: { modules: { id: string; credits: number }[] }): Problem[] {
  const p: Problem[] = [];
  if (!isObject(value)) return [{ path: '', message: 'An agreement must be a JSON object.' }];
  str(p, value, 'id', '', 'The agreement id', true);
  num(p, value, 'version', '', 'The version', { min: 1, integer: true });
  str(p, value, 'moduleId', '', 'The module the agreement counts for (moduleId)', true);
  num(p, value, 'credits', '', 'The ECTS granted', { required: true, min: 0.01, max: 1000 });
  if (value.allowPartial !== undefined && typeof value.allowPartial !== 'boolean') p.push({ path: '/allowPartial', message: 'allowPartial must be true or false.' });
  if (!isObject(value.match)) p.push({ path: '/match', message: 'The match (which external achievements count) is missing.' });
  else {
    const m = value.match;
    str(p, m, 'issuerId', '/match', 'The issuer id', false);
    str(p, m, 'achievementId', '/match', 'The achievement id', false);
    strList(p, m, 'alignments', '/match', 'The alignments');
    strList(p, m, 'fieldsOfStudy', '/match', 'The fields of study');
    if (m.achievementId === undefined && m.alignments === undefined && m.fieldsOfStudy === undefined) {
      p.push({ path: '/match', message: 'The match must name an achievement, alignments or fields of study; an issuer alone would accept anything it issues.' });
    }
    for (const key of Object.keys(m)) {
      if (!['issuerId', 'achievementId', 'alignments', 'fieldsOfStudy'].includes(key)) p.push({ path: `/match${seg(key)}`, message: `${JSON.stringify(key)} is not a property of a match.` });
    }
  }
  if (value.conditions !== undefined) {
    const c = value.conditions;
    if (!isObject(c)) p.push({ path: '/conditions', message: 'The conditions must be an object.' });
    else {
      for (const key of Object.keys(c)) {
        if (!CONDITION_KEYS.includes(key)) p.push({ path: `/conditions${seg(key)}`, message: `${JSON.stringify(key)} is not a condition; use ${CONDITION_KEYS.join(', ')}.` });
      }
      num(p, c, 'minEqfLevel', '/conditions', 'The minimum EQF level', { min: 1, max: 8, integer: true });
      num(p, c, 'minCredits', '/conditions', 'The minimum ECTS', { min: 0 });
      if (c.maxAge !== undefined && parsePeriod(c.maxAge) === undefined) p.push({ path: '/conditions/maxAge', message: 'The maximum age must be a whole number of days or an ISO 8601 duration such as "P5Y".' });
      for (const key of ['qualityAssuranceRequired', 'identityVerifiedRequired']) {
        if (c[key] !== undefined && typeof c[key] !== 'boolean') p.push({ path: `/conditions${seg(key)}`, message: `${key} must be true or false.` });
      }
      strList(p, c, 'acceptedAssessmentTypes', '/conditions', 'The accepted assessment types');
      if (c.minGrade !== undefined) {
        const g = c.minGrade;
        if (!isObject(g) || !(isNonEmptyString(g.value) || (typeof g.value === 'number' && Number.isFinite(g.value)))) {
          p.push({ path: '/conditions/minGrade', message: 'The minimum grade must be an object with a value (a number or a grade of its scale).' });
        } else if (isNonEmptyString(g.value)) {
          if (!Array.isArray(g.scale) || !g.scale.every(isNonEmptyString) || !g.scale.includes(g.value)) {
            p.push({ path: '/conditions/minGrade/scale', message: `A minimum grade ${JSON.stringify(g.value)} needs its scale, listed best first, that contains it (for example ["A","B","C","D","E"]).` });
          }
        }
      }
    }
  }
  if (programme && isNonEmptyString(value.moduleId)) {
    const module = programme.modules.find((m) => m.id === value.moduleId);
    if (!module) p.push({ path: '/moduleId', message: `The programme has no module ${JSON.stringify(value.moduleId)}.` });
    else if (typeof value.credits === 'number' && value.credits > module.credits) {
      p.push({ path: '/credits', message: `The agreement grants ${value.credits} ECTS but the module has only ${module.credits}.` });
    }
  }
  return p;
}
