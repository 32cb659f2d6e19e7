/**
 * The planner: which achievements of the catalogue (every issuer on the instance) would complete a
 * target — a pathway, or a programme through its recognition agreements — at the smallest cost
 * (number of achievements, or ECTS of study).
 *
 * This is a set-cover problem. Candidates that bring exactly the same thing to the target are
 * interchangeable, so only the cheapest few of each kind are kept. When at most `exactLimit`
 * candidates remain, a branch and bound search returns an optimal plan. Beyond that a greedy search
 * adds, one at a time, the achievement with the best gain in progress per unit of cost, then drops
 * any achievement the plan no longer needs. Guarantees are in docs/stacking.md.
 */
import { createEvaluator } from '../stacking/evaluate.ts';
import type { Contribution } from '../stacking/evaluate.ts';
import type { HeldAlignment, HeldCredential } from '../stacking/held-credential.ts';
import { compareStrings, roundCredits } from '../stacking/json.ts';
import type { Pathway } from '../stacking/pathway.ts';
import { proposeRecognition } from '../recognition/propose.ts';
import type { Programme, RecognitionAgreement } from '../recognition/types.ts';

/** An achievement a learner could still earn, as the catalogue describes it. */
export interface CatalogueEntry {
  achievementId: string;
  achievementName: string;
  issuerId: string;
  issuerName?: string;
  achievementType?: string;
  creditsEcts?: number;
  eqfLevel?: number;
  alignments?: HeldAlignment[];
  fieldOfStudy?: string;
  assessmentTypes?: string[];
  qualityAssurance?: string[];
  qualityAssured?: boolean;
  identityVerifiedAssessment?: boolean;
}

export type PlanTarget =
  | { kind: 'pathway'; pathway: Pathway }
  | { kind: 'programme'; programme: Programme; agreements: readonly RecognitionAgreement[] };

export interface PlanOptions {
  asOf: string;
  /** Minimise the number of achievements (default) or the ECTS to study. */
  objective?: 'count' | 'credits';
  /** Largest number of candidates searched exactly (default 22). */
  exactLimit?: number;
  /** Search nodes allowed for the exact search before falling back to greedy (default 20,000). */
  exactBudget?: number;
}

export interface PlannedAchievement {
  achievementId: string;
  achievementName: string;
  issuerId: string;
  creditsEcts?: number;
  /** What it brings to the target, in words. */
  reasons: string[];
}

export interface Plan {
  /** True when the plan (with the credentials held) completes the target. */
  feasible: boolean;
  /** True when the credentials held already complete the target. */
  alreadyComplete: boolean;
  method: 'exact' | 'greedy';
  objective: 'count' | 'credits';
  achievements: PlannedAchievement[];
  /** Number of achievements, or their ECTS, by objective. */
  cost: number;
  progressBefore: number;
  progressAfter: number;
  /** Catalogue entries that could help, after removing interchangeable ones. */
  candidatesConsidered: number;
  reasons: string[];
}

interface Goal {
  /** Progress (0..1) and completion with the held credentials plus these hypothetical ones. */
  score(extra: readonly HeldCredential[]): { complete: boolean; progress: number };
  /** For each candidate: a signature (equal ⇒ interchangeable) and how many copies could matter, or undefined when it cannot help. */
  describe(candidates: readonly HeldCredential[]): Map<string, { signature: string; copies: number; reasons: string[] }>;
}

function hypothetical(entry: CatalogueEntry, asOf: string): HeldCredential {
  const c: HeldCredential = {
    key: `catalogue:${entry.issuerId}:${entry.achievementId}`,
    issuerId: entry.issuerId,
    achievementId: entry.achievementId,
    achievementName: entry.achievementName,
    alignments: entry.alignments ?? [],
    issuedOn: asOf,
    status: 'valid',
  };
  for (const k of ['issuerName', 'achievementType', 'creditsEcts', 'eqfLevel', 'fieldOfStudy', 'assessmentTypes', 'qualityAssurance', 'qualityAssured', 'identityVerifiedAssessment'] as const) {
    if (entry[k] !== undefined) (c as unknown as Record<string, unknown>)[k] = entry[k];
  }
  return c;
}

function pathwayGoal(pathway: Pathway, held: readonly HeldCredential[], asOf: string): Goal {
  const relevant = createEvaluator(held, { asOf }).relevantCredentials(pathway);
  return {
    score(extra) {
      const r = createEvaluator([...relevant, ...extra], { asOf }).evaluate(pathway);
      return { complete: r.complete, progress: r.progress };
    },
    describe(candidates) {
      const contributions = createEvaluator(candidates, { asOf }).contributions(pathway);
      const out = new Map<string, { signature: string; copies: number; reasons: string[] }>();
      for (const [key, list] of contributions) {
        // Interchangeable candidates may be needed once per unit each requirement still counts.
        let copies = 0;
        const reasons: string[] = [];
        for (const c of list) {
          const req = pathway.requirements[c.requirement]!;
          const label = req.label ?? req.id;
          if (req.kind === 'atLeastN') copies += req.n;
          else if (req.kind === 'minEqfLevel') copies += req.count ?? 1;
          else if (req.kind === 'atLeastCredits') copies += Math.ceil(req.credits / c.value);
          else copies += 1;
          reasons.push(describeContribution(pathway, c, label));
        }
        out.set(key, { signature: JSON.stringify(list), copies, reasons });
      }
      return out;
    },
  };
}

function describeContribution(pathway: Pathway, c: Contribution, label: string): string {
  const req = pathway.requirements[c.requirement]!;
  switch (req.kind) {
    case 'allOf':
      return `required by “${label}”`;
    case 'outcomes':
      return `covers ${c.cover!.map((k) => req.outcomes[k]).join(', ')} for “${label}”`;
    case 'atLeastCredits':
      return `brings ${roundCredits(c.value)} ECTS to “${label}”`;
    default:
      return `counts toward “${label}”`;
  }
}

function programmeGoal(programme: Programme, agreements: readonly RecognitionAgreement[], held: readonly HeldCredential[], asOf: string): Goal {
  // A planned achievement is not yet graded: assume the learner reaches the minimum grade.
  const planning = agreements.map((a) => {
    if (!a.conditions?.minGrade) return a;
    const { minGrade: _minGrade, ...rest } = a.conditions;
    return { ...a, conditions: rest };
  });
  const total = (extra: readonly HeldCredential[]) => proposeRecognition(programme, planning, [...held, ...extra], { asOf }).totalRecognised;
  let target: number | undefined;
  return {
    score(extra) {
      if (target === undefined) throw new Error('describe() sets the target first');
      const t = total(extra);
      return { complete: t >= target - 1e-9, progress: target <= 0 ? 1 : Math.min(1, t / target) };
    },
    describe(candidates) {
      const out = new Map<string, { signature: string; copies: number; reasons: string[] }>();
      const proposal = proposeRecognition(programme, planning, candidates, { asOf });
      for (const item of proposal.items) {
        const passing = item.checks.filter((k) => k.condition !== 'module' && k.condition !== 'cap');
        const agreementsOk = [...new Set(passing.map((k) => k.agreementId))].filter((id) => passing.filter((k) => k.agreementId === id).every((k) => k.passed));
        if (agreementsOk.length === 0) continue;
        const modules = agreementsOk.map((id) => planning.find((a) => a.id === id)!);
        const credits = Math.max(...modules.map((a) => a.credits));
        const copies = modules.reduce((s, a) => s + Math.ceil(programme.modules.find((m) => m.id === a.moduleId)!.credits / a.credits), 0);
        out.set(item.credentialKey, {
          signature: JSON.stringify(agreementsOk),
          copies,
          reasons: modules.map((a) => `recognised for ${programme.modules.find((m) => m.id === a.moduleId)!.name} (${roundCredits(Math.min(credits, a.credits))} ECTS, agreement ${a.id})`),
        });
      }
      // The most that can be recognised, with everything the catalogue offers.
      const all = candidates.filter((c) => out.has(c.key));
      target = Math.min(proposeRecognition(programme, planning, [...held, ...all], { asOf }).totalRecognised, proposal.cap.limit);
      return out;
    },
  };
}

/**
 * Suggests the smallest set of catalogue achievements that completes the target, with reasons.
 * Pure and deterministic. Throws TypeError on an invalid pathway, programme or agreement.
 *
 * @example
 *   planAchievements(held, { kind: 'pathway', pathway }, catalogue, { asOf: '2026-06-01', objective: 'credits' })
 */
export function planAchievements(held: readonly HeldCredential[], target: PlanTarget, catalogue: readonly CatalogueEntry[], options: PlanOptions): Plan {
  const objective = options.objective ?? 'count';
  const exactLimit = options.exactLimit ?? 22;
  const goal = target.kind === 'pathway' ? pathwayGoal(target.pathway, held, options.asOf) : programmeGoal(target.programme, target.agreements, held, options.asOf);

  // Candidates: catalogue achievements not already held (valid), one per issuer and achievement id.
  const heldIds = new Set(held.filter((c) => c.status === 'valid').map((c) => `${c.issuerId}\u0000${c.achievementId}`));
  const seen = new Set<string>();
  const hyp: HeldCredential[] = [];
  for (const e of [...catalogue].sort((a, b) => compareStrings(a.issuerId, b.issuerId) || compareStrings(a.achievementId, b.achievementId))) {
    const k = `${e.issuerId}\u0000${e.achievementId}`;
    if (heldIds.has(k) || seen.has(k)) continue;
    seen.add(k);
    hyp.push(hypothetical(e, options.asOf));
  }
  const info = goal.describe(hyp);
  const costOf = (c: HeldCredential) => (objective === 'count' ? 1 : c.creditsEcts ?? 0);

  // Interchangeable candidates: keep the cheapest few of each signature.
  const groups = new Map<string, HeldCredential[]>();
  for (const c of hyp) {
    const d = info.get(c.key);
    if (!d) continue;
    const g = groups.get(d.signature) ?? [];
    g.push(c);
    groups.set(d.signature, g);
  }
  const candidates: HeldCredential[] = [];
  for (const [signature, g] of groups) {
    g.sort((a, b) => costOf(a) - costOf(b) || compareStrings(a.key, b.key));
    const copies = info.get(g[0]!.key)!.copies;
    candidates.push(...g.slice(0, copies));
    void signature;
  }
  candidates.sort((a, b) => costOf(a) - costOf(b) || compareStrings(a.key, b.key));

  const before = goal.score([]);
  const base: Plan = {
    feasible: before.complete,
    alreadyComplete: before.complete,
    method: 'exact',
    objective,
    achievements: [],
    cost: 0,
    progressBefore: before.progress,
    progressAfter: before.progress,
    candidatesConsidered: candidates.length,
    reasons: [],
  };
  if (before.complete) return { ...base, reasons: ['The credentials held already complete the target; nothing more is needed.'] };
  const everything = goal.score(candidates);

  let chosen: HeldCredential[] | undefined;
  let method: 'exact' | 'greedy' = 'greedy';
  if (everything.complete && candidates.length <= exactLimit) {
    chosen = exactSearch(goal, candidates, costOf, options.exactBudget ?? 20_000);
    if (chosen) method = 'exact';
  }
  chosen ??= greedy(goal, candidates, costOf, everything.complete);
  const after = goal.score(chosen);
  const cost = roundCredits(chosen.reduce((s, c) => s + costOf(c), 0));
  const byKey = new Map(catalogue.map((e) => [`catalogue:${e.issuerId}:${e.achievementId}`, e]));
  const reasons: string[] = [];
  if (!everything.complete) reasons.push('No combination of catalogue achievements completes the target; the plan brings it as far as the catalogue allows.');
  reasons.push(method === 'exact'
    ? `Optimal: no plan with a smaller ${objective === 'count' ? 'number of achievements' : 'ECTS workload'} exists among the ${candidates.length} candidates (exhaustive search).`
    : `Greedy approximation over ${candidates.length} candidates (more than ${exactLimit}, or the exact search ran out of budget): each step adds the best gain per ${objective === 'count' ? 'achievement' : 'ECTS'}, then unneeded achievements are dropped.`);
  return {
    ...base,
    feasible: after.complete,
    method,
    achievements: chosen
      .map((c) => {
        const e = byKey.get(c.key)!;
        const p: PlannedAchievement = { achievementId: e.achievementId, achievementName: e.achievementName, issuerId: e.issuerId, reasons: info.get(c.key)!.reasons };
        if (e.creditsEcts !== undefined) p.creditsEcts = e.creditsEcts;
        return p;
      })
      .sort((a, b) => compareStrings(a.issuerId, b.issuerId) || compareStrings(a.achievementId, b.achievementId)),
    cost,
    progressAfter: after.progress,
    reasons,
  };
}

/** Branch and bound over include/exclude, cheapest first; undefined when out of budget. */
function exactSearch(goal: Goal, candidates: HeldCredential[], costOf: (c: HeldCredential) => number, budget: number): HeldCredential[] | undefined {
  let best: HeldCredential[] | undefined;
  let bestCost = Number.POSITIVE_INFINITY;
  let nodes = 0;
  const chosen: HeldCredential[] = [];
  const dfs = (i: number, cost: number): boolean => {
    if (++nodes > budget) return false;
    if (cost >= bestCost - 1e-9) return true;
    const now = goal.score(chosen);
    if (now.complete) {
      best = [...chosen];
      bestCost = cost;
      return true;
    }
    if (i === candidates.length) return true;
    // Completion is monotone: if even every remaining candidate does not complete it, stop here.
    if (!goal.score([...chosen, ...candidates.slice(i)]).complete) return true;
    chosen.push(candidates[i]!);
    const ok = dfs(i + 1, cost + costOf(candidates[i]!));
    chosen.pop();
    if (!ok) return false;
    return dfs(i + 1, cost);
  };
  return dfs(0, 0) ? best : undefined;
}

/** Greedy: best progress gain per unit of cost, then drop what is not needed. */
function greedy(goal: Goal, candidates: HeldCredential[], costOf: (c: HeldCredential) => number, completable: boolean): HeldCredential[] {
  const chosen: HeldCredential[] = [];
  const left = [...candidates];
  let current = goal.score([]);
  while (!current.complete && left.length > 0) {
    let bestIndex = -1;
    let bestRatio = 0;
    let bestScore = current;
    for (let i = 0; i < left.length; i++) {
      const s = goal.score([...chosen, left[i]!]);
      const gain = s.progress - current.progress + (s.complete ? 1 : 0);
      const ratio = gain / Math.max(costOf(left[i]!), 1e-6);
      if (gain > 1e-12 && ratio > bestRatio + 1e-12) {
        bestRatio = ratio;
        bestIndex = i;
        bestScore = s;
      }
    }
    if (bestIndex < 0) {
      // No single step helps (credentials that help only together): take the cheapest and go on,
      // when completion is possible at all.
      if (!completable) break;
      bestIndex = 0;
      bestScore = goal.score([...chosen, left[0]!]);
    }
    chosen.push(left.splice(bestIndex, 1)[0]!);
    current = bestScore;
  }
  if (!current.complete) return chosen;
  // Drop what is not needed, most expensive first.
  const order = [...chosen].sort((a, b) => costOf(b) - costOf(a) || compareStrings(b.key, a.key));
  let kept = chosen;
  for (const c of order) {
    const without = kept.filter((x) => x !== c);
    if (goal.score(without).complete) kept = without;
  }
  return kept;
}
