/**
 * Evaluation of pathways against a learner's credentials on a given date.
 *
 * How an assignment is found (docs/stacking.md, "What is exact"): requirements that allow sharing
 * take every eligible credential. For the others, a credential eligible for only one of them is
 * assigned to it (nobody else could use it); the credentials eligible for several ("contested") are
 * assigned by a branch-and-bound search that maximises progress, which is 1 exactly when the pathway
 * is complete. The search is exact (it finds a completing assignment whenever one exists) unless it
 * runs out of its node budget, which the result says (`exact: false`).
 *
 * This file holds the evaluator (indexing, eligibility, assignment) and is the entry callers import.
 * Beside it: compile.ts (pathways prepared once), entry.ts (a credential as evaluated), search.ts
 * (the branch and bound), report.ts (from an assignment to the result), reasons.ts (the wording) and
 * evaluation.ts (the public types).
 */
import { earliestWithin, parseInstant, day } from './dates.ts';
import { compilePathway, CompiledPathway, coverOf, matchesPositive } from './compile.ts';
import type { Compiled } from './compile.ts';
import { betterDuplicate, filterFails, issuedDay } from './entry.ts';
import type { Eligible, Entry } from './entry.ts';
import type { Contribution, EvaluateOptions, PathwayEvaluation, PathwayEvaluator } from './evaluation.ts';
import { credentialProblem } from './held-credential.ts';
import type { HeldCredential } from './held-credential.ts';
import { compareStrings } from './json.ts';
import type { Pathway } from './pathway.ts';
import { filterProblem, MAX_SHOWN, name } from './reasons.ts';
import { report } from './report.ts';
import { Search } from './search.ts';

// The entry point of stacking's evaluation: callers import from here (or from index.ts).
export { compilePathway, CompiledPathway } from './compile.ts';
export type { Contribution, EvaluateOptions, Missing, PathwayEvaluation, PathwayEvaluator, RequirementResult, UnusableCredential } from './evaluation.ts';

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
    return report({ entries: this.entries, asOf: this.asOf, asOfDay: this.asOfDay }, pathway, reqs, eligible, ineligible, assignedTo, unusable, exact);
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
}

function push(map: Map<string, number[]>, key: string, i: number): void {
  const list = map.get(key);
  if (list) {
    if (list[list.length - 1] !== i) list.push(i);
  } else map.set(key, [i]);
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
