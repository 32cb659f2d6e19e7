/**
 * Evaluation of pathways against a learner's credentials on a given date.
 *
 * How an assignment is found (docs/stacking.md, "What is exact"): requirements that allow sharing
 * take every eligible credential. For the others, a credential eligible for only one of them is
 * assigned to it (nobody else could use it); the credentials eligible for several ("contested") are
 * assigned by a branch-and-bound search that maximises progress, which is 1 exactly when the pathway
 * is complete. The search is exact (it finds a completing assignment whenever one exists) unless it
 * runs out of its node budget, which the result says (`exact: false`).
 */
import { describePeriod, earliestWithin, parseInstant, parsePeriod, day } from './dates.ts';
import type { Period } from './dates.ts';
import { credentialProblem } from './held-credential.ts';
import type { HeldCredential } from './held-credential.ts';
import { compareStrings, roundCredits } from './json.ts';
import { validatePathway } from './pathway.ts';
import type { CredentialFilter, CredentialSelector, Pathway, Requirement, RequirementKind } from './pathway.ts';

export interface EvaluateOptions {
  /** The evaluation date (ISO 8601 date or date-time): ages, expiry and validity are taken on it. */
  asOf: string;
  /** Search nodes allowed per pathway before settling for the best assignment found (default 200,000). */
  searchBudget?: number;
}

/** What a requirement still needs. */
export interface Missing {
  /** Achievement ids still to be held (allOf). */
  achievements?: string[];
  /** Outcome or skill URLs still to be covered (outcomes). */
  outcomes?: string[];
  /** Credentials still to be counted (atLeastN, minEqfLevel). */
  count?: number;
  /** ECTS credits still to be counted (atLeastCredits). */
  credits?: number;
}

export interface RequirementResult {
  id: string;
  label?: string;
  kind: RequirementKind;
  satisfied: boolean;
  /** 0..1: share of this requirement met. */
  progress: number;
  /** Keys of the credentials counted toward this requirement, sorted. */
  assigned: string[];
  /** True when the requirement allows sharing (its credentials may count elsewhere too). */
  shared: boolean;
  /** What has been reached and what is required, in the requirement's unit. */
  achieved: number;
  required: number;
  unit: 'credentials' | 'ECTS' | 'items';
  missing: Missing;
  /** The explanation, sentence by sentence. */
  reasons: string[];
}

export interface UnusableCredential {
  key: string;
  achievementName: string;
  reasons: string[];
}

export interface PathwayEvaluation {
  pathwayId: string;
  pathwayVersion: number;
  asOf: string;
  complete: boolean;
  /** 0..1: mean of the requirements' progress. */
  progress: number;
  /** ECTS of the distinct credentials counted toward any requirement. */
  creditsCounted: number;
  requirements: RequirementResult[];
  /** Credentials that would count toward a requirement but may not, with the reasons. */
  unusable: UnusableCredential[];
  /** False only when the assignment search ran out of budget (see docs/stacking.md). */
  exact: boolean;
  summary: string;
}

export interface PathwayEvaluator {
  readonly asOf: string;
  /** Evaluates one pathway. Throws TypeError when the pathway is not valid (see validatePathway). */
  evaluate(pathway: Pathway | CompiledPathway): PathwayEvaluation;
  /** The credentials any requirement of the pathway could draw from (usable or not), sorted by key. */
  relevantCredentials(pathway: Pathway | CompiledPathway): HeldCredential[];
  /**
   * For each usable credential, what it could bring to each requirement (before any assignment):
   * requirement index, its value in the requirement's unit, and the items it covers. Used by the planner.
   */
  contributions(pathway: Pathway | CompiledPathway): Map<string, Contribution[]>;
}

export interface Contribution {
  requirement: number;
  value: number;
  cover?: number[];
}

type Unit = 'count' | 'credits' | 'cover';

interface Filter {
  issuers?: Set<string>;
  minEqf?: number;
  types?: Set<string>;
  maxAge?: Period;
  maxAgeText?: string;
  minCredits?: number;
}

interface Compiled {
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

interface Entry {
  cred: HeldCredential;
  issued: number;
  /** Index of another entry for the same issuer and achievement, the first one; -1 when alone. */
  group: number;
  /** The date of issuing as YYYY-MM-DD, made when first needed. */
  issuedDay?: string;
  /** Why the credential cannot count in any pathway on this date, if so. */
  problem?: string;
}

/** One eligible credential for one requirement: its contribution. */
interface Eligible {
  i: number;
  value: number;
  cover?: number[];
}

function name(c: HeldCredential): string {
  return `“${c.achievementName || c.achievementId}” (${c.key})`;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function fmt(n: number): string {
  return String(roundCredits(n));
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

const MAX_SHOWN = 20;

/** True when a credential fails a requirement's filter (the cheap test; filterProblem says why). */
function filterFails(f: Filter, e: Entry, earliest: number | undefined): boolean {
  const c = e.cred;
  return (
    (f.issuers !== undefined && !f.issuers.has(c.issuerId)) ||
    (f.minEqf !== undefined && (c.eqfLevel === undefined || c.eqfLevel < f.minEqf)) ||
    (f.types !== undefined && (c.achievementType === undefined || !f.types.has(c.achievementType))) ||
    (earliest !== undefined && e.issued < earliest) ||
    (f.minCredits !== undefined && (c.creditsEcts ?? 0) < f.minCredits)
  );
}

/** Why a credential fails a requirement's filter, or undefined when it passes. */
function filterProblem(f: Filter, e: Entry, earliest: number | undefined): string | undefined {
  const c = e.cred;
  if (f.issuers && !f.issuers.has(c.issuerId)) return `its issuer ${c.issuerName ?? c.issuerId} is not one this requirement accepts`;
  if (f.minEqf !== undefined && (c.eqfLevel === undefined || c.eqfLevel < f.minEqf)) {
    return c.eqfLevel === undefined ? `it states no EQF level (level ${f.minEqf} or above is required)` : `its EQF level ${c.eqfLevel} is below ${f.minEqf}`;
  }
  if (f.types && (c.achievementType === undefined || !f.types.has(c.achievementType))) {
    return `its achievement type ${c.achievementType ?? '(none)'} is not one of ${[...f.types].join(', ')}`;
  }
  if (earliest !== undefined && e.issued < earliest) return `it was issued on ${issuedDay(e)}, more than ${f.maxAgeText} ago`;
  if (f.minCredits !== undefined && (c.creditsEcts ?? 0) < f.minCredits) return `its workload of ${fmt(c.creditsEcts ?? 0)} ECTS is below ${fmt(f.minCredits)}`;
  return undefined;
}

function issuedDay(e: Entry): string {
  return (e.issuedDay ??= day(e.issued));
}

function scoreOf(unit: Unit, achieved: number, demand: number): number {
  if (demand <= 0) return 1;
  return Math.min(1, achieved / demand);
}

/** Total order used to pick one credential when a learner holds several for the same achievement. */
function betterDuplicate(a: Entry, b: Entry): number {
  return (
    (b.cred.creditsEcts ?? 0) - (a.cred.creditsEcts ?? 0) ||
    (b.cred.eqfLevel ?? 0) - (a.cred.eqfLevel ?? 0) ||
    b.issued - a.issued ||
    compareStrings(a.cred.key, b.cred.key)
  );
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

class Evaluator implements PathwayEvaluator {
  readonly asOf: string;
  private readonly asOfMs: number;
  private readonly budget: number;
  private readonly entries: Entry[];
  private readonly byAchievement = new Map<string, number[]>();
  private readonly byAlignment = new Map<string, number[]>();
  private readonly byField = new Map<string, number[]>();
  private readonly all: number[];
  private readonly asOfDay: string;
  /** Marks for de-duplicating candidate lists without allocating a Set each time. */
  private readonly stamp: Uint32Array;
  private epoch = 0;
  private readonly hasDuplicates: boolean;
  private readonly firstReq: Int32Array;
  private readonly firstEl: (Eligible | undefined)[];

  constructor(credentials: readonly HeldCredential[], options: EvaluateOptions) {
    const asOfMs = parseInstant(options.asOf);
    if (asOfMs === undefined) throw new TypeError('options.asOf must be an ISO 8601 date or date-time.');
    if (!Array.isArray(credentials)) throw new TypeError('credentials must be an array of HeldCredential.');
    this.asOf = options.asOf;
    this.asOfMs = asOfMs;
    this.budget = options.searchBudget ?? 200_000;
    // One credential per key; should a key repeat, the choice must not depend on input order.
    const byKey = new Map<string, HeldCredential>();
    for (const c of credentials) {
      const seen = byKey.get(c.key);
      if (!seen || compareStrings(JSON.stringify(c), JSON.stringify(seen)) < 0) byKey.set(c.key, c);
    }
    const sorted = [...byKey.values()].sort((a, b) => compareStrings(a.key, b.key));
    this.entries = sorted.map((cred) => this.entry(cred));
    this.all = this.entries.map((_, i) => i);
    this.asOfDay = day(asOfMs);
    this.stamp = new Uint32Array(this.entries.length);
    this.firstReq = new Int32Array(this.entries.length);
    this.firstEl = new Array<Eligible | undefined>(this.entries.length);
    const firstOf = new Map<string, number>();
    let duplicates = false;
    this.entries.forEach((e, i) => {
      const k = `${e.cred.issuerId}\u0000${e.cred.achievementId}`;
      const first = firstOf.get(k);
      if (first === undefined) firstOf.set(k, i);
      else {
        e.group = first;
        this.entries[first]!.group = first;
        duplicates = true;
      }
    });
    this.hasDuplicates = duplicates;
    this.entries.forEach((e, i) => {
      push(this.byAchievement, e.cred.achievementId, i);
      for (const a of e.cred.alignments) push(this.byAlignment, a.targetUrl, i);
      if (e.cred.fieldOfStudy) push(this.byField, e.cred.fieldOfStudy.trim().toLowerCase(), i);
    });
  }

  private entry(cred: HeldCredential): Entry {
    const e: Entry = { cred, issued: parseInstant(cred.issuedOn) ?? Number.NaN, group: -1 };
    const problem = credentialProblem(cred, this.asOfMs);
    if (problem) e.problem = problem;
    return e;
  }

  private take(list: number[] | undefined, epoch: number, out: number[]): void {
    if (!list) return;
    for (const i of list) {
      if (this.stamp[i] !== epoch) {
        this.stamp[i] = epoch;
        out.push(i);
      }
    }
  }

  private candidates(c: Compiled): number[] {
    if (!c.achievements && !c.alignments && !c.fields) return this.all;
    // Order follows the rule's lists, which is deterministic; results are sorted later.
    const epoch = ++this.epoch;
    const out: number[] = [];
    for (const a of c.achievements ?? []) this.take(this.byAchievement.get(a), epoch, out);
    for (const a of c.alignments ?? []) this.take(this.byAlignment.get(a), epoch, out);
    for (const f of c.fields ?? []) this.take(this.byField.get(f), epoch, out);
    return out;
  }

  private compile(pathway: Pathway | CompiledPathway): CompiledPathway {
    return pathway instanceof CompiledPathway ? pathway : compilePathway(pathway);
  }

  relevantCredentials(pathway: Pathway | CompiledPathway): HeldCredential[] {
    const seen = new Set<number>();
    for (const c of this.compile(pathway).reqs) for (const i of this.candidates(c)) seen.add(i);
    return [...seen].sort((a, b) => a - b).map((i) => this.entries[i]!.cred);
  }

  contributions(pathway: Pathway | CompiledPathway): Map<string, Contribution[]> {
    const compiled = this.compile(pathway);
    const reqs = compiled.reqs;
    const { eligible } = this.eligibility(compiled);
    const out = new Map<string, Contribution[]>();
    for (const c of reqs) {
      for (const el of eligible[c.index]!) {
        const key = this.entries[el.i]!.cred.key;
        const list = out.get(key) ?? [];
        list.push({ requirement: c.index, value: el.value, ...(el.cover ? { cover: el.cover } : {}) });
        out.set(key, list);
      }
    }
    return out;
  }

  evaluate(input: Pathway | CompiledPathway): PathwayEvaluation {
    const compiled = this.compile(input);
    const { pathway, reqs } = compiled;
    const { eligible, ineligible, unusable, markUnusable } = this.eligibility(compiled);

    // 2. One credential per achievement (a renewed or re-imported credential is not a second course).
    const byAchievement = new Map<number, number[]>();
    if (this.hasDuplicates) for (const list of eligible) for (const el of list) {
      const k = this.entries[el.i]!.group;
      if (k < 0) continue;
      const group = byAchievement.get(k);
      if (!group) byAchievement.set(k, [el.i]);
      else if (!group.includes(el.i)) group.push(el.i);
    }
    const dropped = new Set<number>();
    for (const group of byAchievement.values()) {
      if (group.length < 2) continue;
      group.sort((a, b) => betterDuplicate(this.entries[a]!, this.entries[b]!));
      const kept = this.entries[group[0]!]!.cred;
      for (const i of group.slice(1)) {
        dropped.add(i);
        markUnusable(i, `It does not count: ${name(kept)} is a credential for the same achievement and is counted instead.`);
      }
    }
    if (dropped.size > 0) for (let r = 0; r < eligible.length; r++) eligible[r] = eligible[r]!.filter((el) => !dropped.has(el.i));

    // 3. Assignment.
    const { assignedTo, exact } = this.assign(reqs, eligible);

    // 4. Results.
    return this.report(pathway, reqs, eligible, ineligible, assignedTo, unusable, exact);
  }

  /** Step 1: who may count where, and why the others may not. */
  private eligibility(compiled: CompiledPathway) {
    const { reqs, trusted, maxAge, maxAgeText } = compiled;
    const earliest = maxAge ? earliestWithin(this.asOfMs, maxAge) : undefined;
    const earliestOf = reqs.map((c) => (c.filter.maxAge ? earliestWithin(this.asOfMs, c.filter.maxAge) : undefined));

    const unusable = new Map<number, string[]>();
    const markUnusable = (i: number, reason: string) => {
      const list = unusable.get(i);
      if (!list) unusable.set(i, [reason]);
      else if (!list.includes(reason)) list.push(reason);
    };
    const worded = new Uint8Array(this.entries.length);
    const once = (i: number, bit: number): boolean => {
      if (worded[i]! & bit) return false;
      worded[i] = worded[i]! | bit;
      return true;
    };
    // Why credentials do not count toward a requirement: the first few sentences, and how many in all.
    const ineligible: { shown: string[]; total: number }[] = reqs.map(() => ({ shown: [], total: 0 }));
    const eligible: Eligible[][] = reqs.map(() => []);

    // 1. Who may count where.
    for (const c of reqs) {
      for (const i of this.candidates(c)) {
        const e = this.entries[i]!;
        const cred = e.cred;
        // Pathway-wide reasons are the same for every requirement: each is worded once per credential.
        if (e.problem) { if (once(i, 1)) markUnusable(i, `It does not count: ${e.problem}.`); continue; }
        if (trusted && !trusted.has(cred.issuerId)) { if (once(i, 2)) markUnusable(i, `It does not count: its issuer ${cred.issuerName ?? cred.issuerId} is not on this pathway's list of trusted issuers.`); continue; }
        if (earliest !== undefined && e.issued < earliest) { if (once(i, 4)) markUnusable(i, `It does not count: it was issued on ${issuedDay(e)}, more than ${maxAgeText} before ${this.asOfDay}.`); continue; }
        const notHere = ineligible[c.index]!;
        if (filterFails(c.filter, e, earliestOf[c.index])) {
          if (notHere.total++ < MAX_SHOWN) notHere.shown.push(`${name(cred)} does not count here: ${filterProblem(c.filter, e, earliestOf[c.index])}.`);
          continue;
        }
        if (!c.achievements && !c.alignments && !c.fields) {
          // fine: the requirement takes any credential passing its filter
        } else if (c.unit !== 'cover' && !matchesPositive(c, cred)) continue;
        if (c.unit === 'credits') {
          if (!cred.creditsEcts || cred.creditsEcts <= 0) {
            if (notHere.total++ < MAX_SHOWN) notHere.shown.push(`${name(cred)} does not count here: it states no ECTS credits.`);
            continue;
          }
          eligible[c.index]!.push({ i, value: cred.creditsEcts });
        } else if (c.unit === 'cover') {
          const cover = coverOf(c, cred);
          if (cover.length === 0) continue;
          eligible[c.index]!.push({ i, value: cover.length, cover });
        } else eligible[c.index]!.push({ i, value: 1 });
      }
    }

    return { eligible, ineligible, unusable, markUnusable };
  }

  /** assignedTo[r] = credential indices counted toward requirement r. */
  private assign(reqs: Compiled[], eligible: Eligible[][]): { assignedTo: Eligible[][]; exact: boolean } {
    const assignedTo: Eligible[][] = reqs.map(() => []);
    // First pass: how many exclusive requirements each credential is eligible for (typed arrays, no Map).
    const epoch = ++this.epoch;
    const firstReq = this.firstReq;
    const firstEl = this.firstEl;
    let contestedMap: Map<number, { r: number; el: Eligible }[]> | undefined;
    for (const c of reqs) {
      if (c.shared) { assignedTo[c.index] = [...eligible[c.index]!]; continue; }
      for (const el of eligible[c.index]!) {
        if (this.stamp[el.i] !== epoch) {
          this.stamp[el.i] = epoch;
          firstReq[el.i] = c.index;
          firstEl[el.i] = el;
          continue;
        }
        contestedMap ??= new Map();
        const list = contestedMap.get(el.i);
        if (list) list.push({ r: c.index, el });
        else contestedMap.set(el.i, [{ r: firstReq[el.i]!, el: firstEl[el.i]! }, { r: c.index, el }]);
      }
    }
    for (const c of reqs) {
      if (c.shared) continue;
      for (const el of eligible[c.index]!) {
        if (firstReq[el.i] === c.index && !contestedMap?.has(el.i)) assignedTo[c.index]!.push(el);
      }
    }
    if (!contestedMap) return { assignedTo, exact: true };
    const contested = [...contestedMap].map(([i, opts]) => ({ i, opts })).sort((a, b) => a.i - b.i);
    const search = new Search(reqs, assignedTo, contested, this.budget);
    const choice = search.run();
    contested.forEach((c, k) => {
      const opt = c.opts.find((o) => o.r === choice[k])!;
      assignedTo[opt.r]!.push(opt.el);
    });
    return { assignedTo, exact: search.exact };
  }


  private report(
    pathway: Pathway,
    reqs: Compiled[],
    eligible: Eligible[][],
    ineligible: { shown: string[]; total: number }[],
    assignedTo: Eligible[][],
    unusable: Map<number, string[]>,
    exact: boolean,
  ): PathwayEvaluation {
    const trimmed = reqs.map((c) => trim(c, assignedTo[c.index]!));
    const where = new Map<number, number>();
    for (const c of reqs) if (!c.shared) for (const el of trimmed[c.index]!.needed) where.set(el.i, c.index);
    const counted = new Set<number>();
    const results: RequirementResult[] = reqs.map((c) => {
      const { needed: assigned, surplus } = trimmed[c.index]!;
      for (const el of assigned) counted.add(el.i);
      const reasons: string[] = [];
      const missing: Missing = {};
      let achieved: number;
      let unit: RequirementResult['unit'];
      const req = c.req;
      if (c.unit === 'cover') {
        const covered = new Set<number>();
        for (const el of assigned) for (const k of el.cover!) covered.add(k);
        achieved = covered.size;
        unit = 'items';
        const left = c.elements!.filter((_, k) => !covered.has(k));
        if (left.length > 0) {
          if (req.kind === 'allOf') missing.achievements = left;
          else missing.outcomes = left;
        }
      } else if (c.unit === 'credits') {
        achieved = roundCredits(assigned.reduce((s, el) => s + el.value, 0));
        unit = 'ECTS';
        if (achieved < c.demand) missing.credits = roundCredits(c.demand - achieved);
      } else {
        achieved = assigned.length;
        unit = 'credentials';
        if (achieved < c.demand) missing.count = c.demand - achieved;
      }
      const progress = scoreOf(c.unit, achieved, c.demand);
      const satisfied = progress >= 1;
      reasons.push(headline(c, achieved, satisfied));
      for (const el of assigned) reasons.push(`${name(this.entries[el.i]!.cred)} counts: ${whyCounts(c, this.entries[el.i]!.cred)}.`);
      if (surplus.length > 0) {
        const keys = surplus.map((el) => this.entries[el.i]!.cred.key);
        reasons.push(`${plural(keys.length, 'more credential')} also ${keys.length === 1 ? 'qualifies' : 'qualify'} but ${keys.length === 1 ? 'is' : 'are'} not needed: ${keys.slice(0, 10).join(', ')}${keys.length > 10 ? ', …' : ''}.`);
      }
      let elsewhere = 0;
      for (const el of eligible[c.index]!) {
        const other = where.get(el.i);
        if (other !== undefined && other !== c.index && elsewhere++ < 20) {
          reasons.push(`${name(this.entries[el.i]!.cred)} could count here but is counted toward “${reqs[other]!.req.label ?? reqs[other]!.req.id}” (a credential counts toward one requirement only).`);
        }
      }
      const notHere = ineligible[c.index]!;
      reasons.push(...notHere.shown);
      if (notHere.total > notHere.shown.length) reasons.push(`${plural(notHere.total - notHere.shown.length, 'more credential')} ${notHere.total - notHere.shown.length === 1 ? 'does' : 'do'} not count here.`);
      if (!satisfied) reasons.push(`Still needed: ${describeMissing(c, missing)}.`);
      const result: RequirementResult = {
        id: req.id,
        kind: req.kind,
        satisfied,
        progress,
        assigned: assigned.map((el) => this.entries[el.i]!.cred.key),
        shared: c.shared,
        achieved,
        required: c.demand,
        unit,
        missing,
        reasons,
      };
      if (req.label) result.label = req.label;
      return result;
    });
    const progress = results.reduce((s, r) => s + r.progress, 0) / results.length;
    const complete = results.every((r) => r.satisfied);
    let credits = 0;
    for (const i of counted) credits += this.entries[i]!.cred.creditsEcts ?? 0;
    const unusableList: UnusableCredential[] = [...unusable.entries()]
      .filter(([i]) => !counted.has(i))
      .sort((a, b) => a[0] - b[0])
      .map(([i, reasons]) => ({ key: this.entries[i]!.cred.key, achievementName: this.entries[i]!.cred.achievementName, reasons }));
    const done = results.filter((r) => r.satisfied).length;
    return {
      pathwayId: pathway.id,
      pathwayVersion: pathway.version,
      asOf: this.asOf,
      complete,
      progress,
      creditsCounted: roundCredits(credits),
      requirements: results,
      unusable: unusableList,
      exact,
      summary: complete
        ? `“${pathway.name}” is complete on ${this.asOfDay}: every requirement is met with ${plural(counted.size, 'credential')}.`
        : `“${pathway.name}” is ${Math.floor(progress * 100)}% complete on ${this.asOfDay}: ${done} of ${plural(results.length, 'requirement')} met.`,
    };
  }
}

/**
 * The credentials a requirement needs out of those given to it: all of them while it is not met;
 * once met, a small sufficient subset (the rest are reported as not needed, and not counted).
 * Count: the first by key; credits: the largest first; items: the widest cover first.
 */
function trim(c: Compiled, given: Eligible[]): { needed: Eligible[]; surplus: Eligible[] } {
  const sorted = byIndex(given);
  if (sorted.length <= 1 || (c.unit === 'count' && sorted.length <= c.demand)) return { needed: sorted, surplus: [] };
  if (c.unit === 'count') {
    const n = Math.max(0, Math.ceil(c.demand - 1e-9));
    return { needed: sorted.slice(0, n), surplus: sorted.slice(n) };
  }
  if (c.unit === 'credits') {
    let total = 0;
    for (const el of sorted) total += el.value;
    if (total < c.demand + 1e-9) return { needed: sorted, surplus: [] };
    const byValue = sorted.slice().sort(largestFirst);
    let sum = 0;
    let n = 0;
    while (n < byValue.length && sum < c.demand - 1e-9) sum += byValue[n++]!.value;
    return { needed: byIndex(byValue.slice(0, n)), surplus: byIndex(byValue.slice(n)) };
  }
  // Items: the widest cover first, until nothing new is covered.
  const covered = new Set<number>();
  const taken = new Set<Eligible>();
  for (;;) {
    let best: Eligible | undefined;
    let gain = 0;
    for (const el of sorted) {
      if (taken.has(el)) continue;
      let g = 0;
      for (const x of el.cover!) if (!covered.has(x)) g++;
      if (g > gain) { gain = g; best = el; }
    }
    if (!best) break;
    taken.add(best);
    for (const x of best.cover!) covered.add(x);
  }
  if (taken.size === sorted.length) return { needed: sorted, surplus: [] };
  const needed: Eligible[] = [];
  const surplus: Eligible[] = [];
  for (const el of sorted) (taken.has(el) ? needed : surplus).push(el);
  return { needed, surplus };
}

function largestFirst(a: Eligible, b: Eligible): number {
  return b.value - a.value || a.i - b.i;
}

/** The list in credential (key) order; the list itself when it already is. */
function byIndex(list: Eligible[]): Eligible[] {
  for (let k = 1; k < list.length; k++) {
    if (list[k - 1]!.i > list[k]!.i) return list.slice().sort((a, b) => a.i - b.i);
  }
  return list;
}

function push(map: Map<string, number[]>, key: string, i: number): void {
  const list = map.get(key);
  if (list) {
    if (list[list.length - 1] !== i) list.push(i);
  } else map.set(key, [i]);
}

function matchesPositive(c: Compiled, cred: HeldCredential): boolean {
  if (c.achievements?.includes(cred.achievementId)) return true;
  if (c.alignments && cred.alignments.some((a) => c.alignments!.includes(a.targetUrl))) return true;
  if (c.fields && cred.fieldOfStudy && c.fields.includes(cred.fieldOfStudy.trim().toLowerCase())) return true;
  return false;
}

function coverOf(c: Compiled, cred: HeldCredential): number[] {
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

function headline(c: Compiled, achieved: number, satisfied: boolean): string {
  const req = c.req;
  const state = satisfied ? 'Met' : 'Not yet met';
  switch (req.kind) {
    case 'allOf':
      return `${state}: ${achieved} of the ${plural(c.demand, 'required achievement')} held.`;
    case 'outcomes':
      return `${state}: ${achieved} of ${plural(c.demand, 'required learning outcome')} or skills covered.`;
    case 'atLeastCredits':
      return `${state}: ${fmt(achieved)} of at least ${fmt(c.demand)} ECTS counted.`;
    case 'minEqfLevel':
      return `${state}: ${achieved} of ${plural(c.demand, 'credential')} at EQF level ${req.level} or above counted.`;
    case 'atLeastN':
      return `${state}: ${achieved} of at least ${plural(c.demand, 'credential')} counted.`;
  }
}

function whyCounts(c: Compiled, cred: HeldCredential): string {
  const parts: string[] = [];
  if (c.req.kind === 'allOf') parts.push('it is one of the required achievements');
  else if (c.req.kind === 'outcomes') {
    const hit = cred.alignments.filter((a) => c.elementIndex!.has(a.targetUrl)).map((a) => a.targetName ?? a.targetUrl);
    parts.push(`it is aligned to ${[...new Set(hit)].join(', ')}`);
  } else if (c.achievements?.includes(cred.achievementId)) parts.push('it is one of the listed achievements');
  else if (c.alignments && cred.alignments.some((a) => c.alignments!.includes(a.targetUrl))) parts.push('it is aligned to a listed skill or outcome');
  else if (c.fields && cred.fieldOfStudy) parts.push(`its field of study is ${cred.fieldOfStudy}`);
  else parts.push('it meets the conditions');
  if (c.unit === 'credits') parts.push(`${fmt(cred.creditsEcts ?? 0)} ECTS`);
  if (c.filter.minEqf !== undefined) parts.push(`EQF level ${cred.eqfLevel}`);
  return parts.join('; ');
}

function describeSelection(c: Compiled): string {
  const parts: string[] = [];
  if (c.achievements) parts.push(`the achievements ${c.achievements.join(', ')}`);
  if (c.alignments) parts.push(`credentials aligned to ${c.alignments.join(', ')}`);
  if (c.fields) parts.push(`the fields ${c.fields.join(', ')}`);
  let text = parts.length > 0 ? parts.join(' or ') : 'any credential';
  const f = c.filter;
  const conditions: string[] = [];
  if (f.minEqf !== undefined) conditions.push(`at EQF level ${f.minEqf} or above`);
  if (f.issuers) conditions.push(`issued by ${[...f.issuers].join(', ')}`);
  if (f.types) conditions.push(`of type ${[...f.types].join(', ')}`);
  if (f.maxAge) conditions.push(`no older than ${f.maxAgeText}`);
  if (f.minCredits !== undefined) conditions.push(`of at least ${fmt(f.minCredits)} ECTS`);
  if (conditions.length > 0) text += `, ${conditions.join(', ')}`;
  return text;
}

function describeMissing(c: Compiled, m: Missing): string {
  if (m.achievements) return m.achievements.join(', ');
  if (m.outcomes) return `credentials covering ${m.outcomes.join(', ')}`;
  if (m.credits !== undefined) return `${fmt(m.credits)} more ECTS from ${describeSelection(c)}`;
  return `${plural(m.count ?? 0, 'more credential')} from ${describeSelection(c)}`;
}

/**
 * Branch and bound over the contested credentials: each goes to one of the requirements it is
 * eligible for. Maximises the sum of the requirements' progress (so finds a complete assignment if
 * any exists); stops at the first complete one. Only unmet requirements are tried for a credential
 * (giving it to a met one is never better), and a branch is cut when even giving every remaining
 * credential to every requirement could not beat the best found.
 */
class Search {
  exact = true;
  private nodes = 0;
  private best = -1;
  private bestChoice: number[] = [];
  private readonly choice: number[];
  private readonly achieved: number[];
  private readonly remaining: number[];
  private readonly coverCount: number[][];
  private readonly coverRemaining: number[][];
  private readonly R: number;
  /** suffix[d]: the most the contested credentials from depth d on could add, each counted once. */
  private readonly suffix: number[];

  constructor(
    private readonly reqs: Compiled[],
    fixed: Eligible[][],
    private readonly contested: { i: number; opts: { r: number; el: Eligible }[] }[],
    private readonly budget: number,
  ) {
    this.R = reqs.filter((c) => !c.shared).length;
    // A credential adds at most value/demand to the one requirement it goes to.
    this.suffix = new Array<number>(contested.length + 1).fill(0);
    for (let d = contested.length - 1; d >= 0; d--) {
      let most = 0;
      for (const o of contested[d]!.opts) {
        const c = reqs[o.r]!;
        most = Math.max(most, c.demand > 0 ? Math.min(1, o.el.value / c.demand) : 0);
      }
      this.suffix[d] = this.suffix[d + 1]! + most;
    }
    this.choice = contested.map(() => -1);
    this.achieved = reqs.map(() => 0);
    this.remaining = reqs.map(() => 0);
    this.coverCount = reqs.map((c) => (c.unit === 'cover' ? c.elements!.map(() => 0) : []));
    this.coverRemaining = reqs.map((c) => (c.unit === 'cover' ? c.elements!.map(() => 0) : []));
    for (const c of reqs) {
      if (c.shared) continue;
      for (const el of fixed[c.index]!) this.add(c.index, el, 1);
    }
    for (const k of contested) for (const o of k.opts) this.addRemaining(o.r, o.el, 1);
  }

  private add(r: number, el: Eligible, sign: 1 | -1): void {
    if (this.reqs[r]!.unit === 'cover') {
      for (const k of el.cover!) this.coverCount[r]![k]! += sign;
    } else this.achieved[r]! += sign * el.value;
  }

  private addRemaining(r: number, el: Eligible, sign: 1 | -1): void {
    if (this.reqs[r]!.unit === 'cover') {
      for (const k of el.cover!) this.coverRemaining[r]![k]! += sign;
    } else this.remaining[r]! += sign * el.value;
  }

  private score(r: number, optimistic: boolean): number {
    const c = this.reqs[r]!;
    if (c.unit === 'cover') {
      const counts = this.coverCount[r]!;
      const rem = this.coverRemaining[r]!;
      let n = 0;
      for (let k = 0; k < counts.length; k++) if (counts[k]! > 0 || (optimistic && rem[k]! > 0)) n++;
      return scoreOf(c.unit, n, c.demand);
    }
    return scoreOf(c.unit, this.achieved[r]! + (optimistic ? this.remaining[r]! : 0), c.demand + (c.unit === 'credits' ? -1e-9 : 0));
  }

  private total(optimistic: boolean): number {
    let s = 0;
    for (const c of this.reqs) if (!c.shared) s += this.score(c.index, optimistic);
    return s;
  }

  run(): number[] {
    this.dfs(0);
    return this.bestChoice;
  }

  /** Returns true to stop the whole search (complete assignment found or budget spent). */
  private dfs(depth: number): boolean {
    if (++this.nodes > this.budget) {
      this.exact = false;
      if (this.best < 0) this.greedyFinish(depth);
      return true;
    }
    if (depth === this.contested.length) {
      const s = this.total(false);
      if (s > this.best + 1e-12) {
        this.best = s;
        this.bestChoice = [...this.choice];
      }
      return s >= this.R - 1e-12;
    }
    // Two bounds: every remaining credential given to every requirement, or each given once.
    const bound = Math.min(this.total(true), this.total(false) + this.suffix[depth]!);
    if (bound <= this.best + 1e-12) return false;
    const k = this.contested[depth]!;
    for (const o of k.opts) this.addRemaining(o.r, o.el, -1);
    let opts = k.opts.filter((o) => this.score(o.r, false) < 1);
    if (opts.length === 0) opts = [k.opts[0]!];
    else if (opts.length > 1) {
      // Try first the requirement with the least slack: the one that needs this credential most.
      opts = [...opts].sort((a, b) => this.slack(a.r) - this.slack(b.r) || a.r - b.r);
    }
    let stop = false;
    for (const o of opts) {
      this.choice[depth] = o.r;
      this.add(o.r, o.el, 1);
      stop = this.dfs(depth + 1);
      this.add(o.r, o.el, -1);
      if (stop) break;
    }
    this.choice[depth] = -1;
    for (const o of k.opts) this.addRemaining(o.r, o.el, 1);
    return stop;
  }

  private slack(r: number): number {
    const c = this.reqs[r]!;
    if (c.unit === 'cover') return this.score(r, true) - 1;
    return (this.achieved[r]! + this.remaining[r]! - c.demand) / c.demand;
  }

  /** Out of budget before any leaf: complete the current branch greedily so every credential has a place. */
  private greedyFinish(depth: number): void {
    const choice = [...this.choice];
    for (let d = depth; d < this.contested.length; d++) choice[d] = this.contested[d]!.opts[0]!.r;
    this.bestChoice = choice.map((r, d) => (r === -1 ? this.contested[d]!.opts[0]!.r : r));
    this.best = 0;
  }
}

/**
 * Indexes a learner's credentials once for an evaluation date, to evaluate many pathways quickly.
 * Throws TypeError when `asOf` is not an ISO 8601 date.
 *
 * @example
 *   const evaluator = createEvaluator(credentials, { asOf: '2026-06-01' });
 *   const results = pathways.map((p) => evaluator.evaluate(p));
 */
export function createEvaluator(credentials: readonly HeldCredential[], options: EvaluateOptions): PathwayEvaluator {
  return new Evaluator(credentials, options);
}

/** Evaluates one pathway against a learner's credentials on `asOf`. Throws TypeError on an invalid pathway. */
export function evaluatePathway(pathway: Pathway | CompiledPathway, credentials: readonly HeldCredential[], options: EvaluateOptions): PathwayEvaluation {
  return new Evaluator(credentials, options).evaluate(pathway);
}
