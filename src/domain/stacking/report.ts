/**
 * Step 4 of an evaluation: from an assignment to the result a person reads — what each requirement
 * counts (trimmed to what it needs), what it still needs, and why each credential counts or not.
 */
import { scoreOf } from './compile.ts';
import type { Compiled } from './compile.ts';
import type { Eligible, Entry } from './entry.ts';
import type { Missing, PathwayEvaluation, RequirementResult, UnusableCredential } from './evaluation.ts';
import { roundCredits } from './json.ts';
import type { Pathway } from './pathway.ts';
import { describeMissing, headline, name, plural, whyCounts } from './reasons.ts';

/** What the report needs of the evaluator: its credentials (in key order) and its date. */
export interface ReportContext {
  readonly entries: readonly Entry[];
  readonly asOf: string;
  readonly asOfDay: string;
}

export function report(
  ctx: ReportContext,
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
    for (const el of assigned) reasons.push(`${name(ctx.entries[el.i]!.cred)} counts: ${whyCounts(c, ctx.entries[el.i]!.cred)}.`);
    if (surplus.length > 0) {
      const keys = surplus.map((el) => ctx.entries[el.i]!.cred.key);
      reasons.push(`${plural(keys.length, 'more credential')} also ${keys.length === 1 ? 'qualifies' : 'qualify'} but ${keys.length === 1 ? 'is' : 'are'} not needed: ${keys.slice(0, 10).join(', ')}${keys.length > 10 ? ', …' : ''}.`);
    }
    let elsewhere = 0;
    for (const el of eligible[c.index]!) {
      const other = where.get(el.i);
      if (other !== undefined && other !== c.index && elsewhere++ < 20) {
        reasons.push(`${name(ctx.entries[el.i]!.cred)} could count here but is counted toward “${reqs[other]!.req.label ?? reqs[other]!.req.id}” (a credential counts toward one requirement only).`);
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
      assigned: assigned.map((el) => ctx.entries[el.i]!.cred.key),
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
  for (const i of counted) credits += ctx.entries[i]!.cred.creditsEcts ?? 0;
  const unusableList: UnusableCredential[] = [...unusable.entries()]
    .filter(([i]) => !counted.has(i))
    .sort((a, b) => a[0] - b[0])
    .map(([i, reasons]) => ({ key: ctx.entries[i]!.cred.key, achievementName: ctx.entries[i]!.cred.achievementName, reasons }));
  const done = results.filter((r) => r.satisfied).length;
  return {
    pathwayId: pathway.id,
    pathwayVersion: pathway.version,
    asOf: ctx.asOf,
    complete,
    progress,
    creditsCounted: roundCredits(credits),
    requirements: results,
    unusable: unusableList,
    exact,
    summary: complete
      ? `“${pathway.name}” is complete on ${ctx.asOfDay}: every requirement is met with ${plural(counted.size, 'credential')}.`
      : `“${pathway.name}” is ${Math.floor(progress * 100)}% complete on ${ctx.asOfDay}: ${done} of ${plural(results.length, 'requirement')} met.`,
  };
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
