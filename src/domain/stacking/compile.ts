/**
 * Pathways compiled for evaluation: each requirement's unit, demand and selection, its filter as sets,
 * and the tests that need only a compiled requirement and a credential. Independent of the date.
 */
import { describePeriod, parsePeriod } from './dates.ts';
import type { Period } from './dates.ts';
import type { HeldCredential } from './held-credential.ts';
import { validatePathway } from './pathway.ts';
import type { CredentialFilter, CredentialSelector, Pathway, Requirement } from './pathway.ts';

export type Unit = 'count' | 'credits' | 'cover';

export interface Filter {
  issuers?: Set<string>;
  minEqf?: number;
  types?: Set<string>;
  maxAge?: Period;
  maxAgeText?: string;
  minCredits?: number;
}

/** A requirement compiled. */
export interface Compiled {
  index: number;
  req: Requirement;
  unit: Unit;
  demand: number;
  shared: boolean;
  /** Positive parts of the selection; all undefined means "every credential". */
  achievements?: string[];
  alignments?: string[];
  fields?: string[];
  filter: Filter;
  elements?: string[];
  elementIndex?: Map<string, number>;
}

function compileFilter(f: CredentialFilter | undefined): Filter {
  const out: Filter = {};
  if (!f) return out;
  if (f.issuers) out.issuers = new Set(f.issuers);
  if (f.minEqfLevel !== undefined) out.minEqf = f.minEqfLevel;
  if (f.achievementTypes) out.types = new Set(f.achievementTypes);
  if (f.maxAge !== undefined) {
    const p = parsePeriod(f.maxAge);
    if (p) {
      out.maxAge = p;
      out.maxAgeText = describePeriod(p);
    }
  }
  if (f.minCredits !== undefined) out.minCredits = f.minCredits;
  return out;
}

function compileRequirement(req: Requirement, index: number, pathway: Pathway): Compiled {
  // Written without spreads or closures: a service compiles thousands of pathways.
  const c: Compiled = { index, req, shared: req.allowSharing ?? pathway.allowSharing ?? false, unit: 'count', demand: 0, filter: {} };
  let selector: CredentialSelector | undefined;
  switch (req.kind) {
    case 'allOf':
    case 'outcomes': {
      const elements = req.kind === 'allOf' ? req.achievements.slice() : req.outcomes.slice();
      const elementIndex = new Map<string, number>();
      for (let k = 0; k < elements.length; k++) elementIndex.set(elements[k]!, k);
      c.unit = 'cover';
      c.demand = elements.length;
      c.elements = elements;
      c.elementIndex = elementIndex;
      if (req.kind === 'allOf') c.achievements = elements;
      else c.alignments = elements;
      c.filter = compileFilter(req.kind === 'allOf' ? req.where : req.from);
      return c;
    }
    case 'atLeastN':
      c.demand = req.n;
      selector = req.from;
      break;
    case 'atLeastCredits':
      c.unit = 'credits';
      c.demand = req.credits;
      selector = req.from;
      break;
    case 'minEqfLevel':
      c.demand = req.count ?? 1;
      selector = req.from;
      break;
  }
  c.filter = compileFilter(selector);
  if (req.kind === 'minEqfLevel') c.filter.minEqf = Math.max(c.filter.minEqf ?? 1, req.level);
  if (selector?.achievements) c.achievements = selector.achievements;
  if (selector?.alignments) c.alignments = selector.alignments;
  if (selector?.fieldsOfStudy) {
    const fields: string[] = [];
    for (const f of selector.fieldsOfStudy) fields.push(f.trim().toLowerCase());
    c.fields = fields;
  }
  return c;
}

/** 0..1: the share of a requirement met. */
export function scoreOf(unit: Unit, achieved: number, demand: number): number {
  if (demand <= 0) return 1;
  return Math.min(1, achieved / demand);
}

/**
 * A validated pathway, prepared for evaluation. Pathways are versioned and do not change, so a
 * service can compile each once and evaluate it for many learners. Independent of the date.
 */
export class CompiledPathway {
  /** @internal */ readonly reqs: Compiled[];
  /** @internal */ readonly trusted?: Set<string>;
  /** @internal */ readonly maxAge?: Period;
  /** @internal */ readonly maxAgeText?: string;
  constructor(readonly pathway: Pathway) {
    this.reqs = pathway.requirements.map((r, i) => compileRequirement(r, i, pathway));
    if (pathway.trustedIssuers) this.trusted = new Set(pathway.trustedIssuers);
    const maxAge = pathway.maxAge !== undefined ? parsePeriod(pathway.maxAge) : undefined;
    if (maxAge) {
      this.maxAge = maxAge;
      this.maxAgeText = describePeriod(maxAge);
    }
  }
}

/**
 * Validates and prepares a pathway for evaluation. Throws TypeError when it is not valid (the
 * message cites the first problems; validatePathway lists them all).
 */
export function compilePathway(pathway: Pathway): CompiledPathway {
  const problems = validatePathway(pathway);
  if (problems.length > 0) {
    throw new TypeError(`The pathway is not valid: ${problems.slice(0, 3).map((p) => `${p.path || '/'}: ${p.message}`).join(' ')}`);
  }
  return new CompiledPathway(pathway);
}

/** True when a credential is one a requirement with a selection names (by achievement, alignment or field). */
export function matchesPositive(c: Compiled, cred: HeldCredential): boolean {
  if (c.achievements?.includes(cred.achievementId)) return true;
  if (c.alignments && cred.alignments.some((a) => c.alignments!.includes(a.targetUrl))) return true;
  if (c.fields && cred.fieldOfStudy && c.fields.includes(cred.fieldOfStudy.trim().toLowerCase())) return true;
  return false;
}

/** The items of an allOf or outcomes requirement that a credential covers, sorted. */
export function coverOf(c: Compiled, cred: HeldCredential): number[] {
  const out: number[] = [];
  if (c.req.kind === 'allOf') {
    const k = c.elementIndex!.get(cred.achievementId);
    if (k !== undefined) out.push(k);
  } else {
    for (const a of cred.alignments) {
      const k = c.elementIndex!.get(a.targetUrl);
      if (k !== undefined && !out.includes(k)) out.push(k);
    }
  }
  return out.sort((a, b) => a - b);
}
