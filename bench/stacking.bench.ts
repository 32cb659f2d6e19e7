/**
 * Stacking engine speed: evaluating 1,000 pathways for a learner holding 1,000 credentials (target:
 * under 100 ms in all), and the planner on a catalogue of 10,000 achievements.
 *
 * Run: node --import tsx bench/stacking.bench.ts
 *
 * The data is generated from a fixed seed: 40 issuers, 20 fields of study, 400 ESCO-like skills;
 * credentials of 1–10 ECTS at EQF 4–7, some revoked or old; pathways of 3–6 requirements mixing
 * every kind (specific achievements, n of a set, credits from a field, EQF level, skills), a third
 * with trusted issuers and a maximum age.
 */
import { availableParallelism, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { planAchievements } from '../src/domain/planner/index.ts';
import type { CatalogueEntry } from '../src/domain/planner/index.ts';
import { compilePathway, createEvaluator } from '../src/domain/stacking/index.ts';
import type { HeldCredential, Pathway, Requirement } from '../src/domain/stacking/index.ts';

let seed = 20261128;
const rand = () => {
  seed = (seed * 1103515245 + 12345) & 0x7fffffff;
  return seed / 0x80000000;
};
const int = (lo: number, hi: number) => lo + Math.floor(rand() * (hi - lo + 1));
const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)]!;

const ISSUERS = Array.from({ length: 40 }, (_, i) => `did:web:issuer${i}.example`);
const FIELDS = Array.from({ length: 20 }, (_, i) => `Field ${i}`);
const SKILLS = Array.from({ length: 400 }, (_, i) => `http://data.europa.eu/esco/skill/s${i}`);

function catalogue(n: number): CatalogueEntry[] {
  return Array.from({ length: n }, (_, i) => ({
    achievementId: `https://${ISSUERS[i % ISSUERS.length]!.slice(8)}/achievements/a${i}`,
    achievementName: `Achievement ${i}`,
    issuerId: ISSUERS[i % ISSUERS.length]!,
    creditsEcts: int(1, 10),
    eqfLevel: int(4, 7),
    fieldOfStudy: pick(FIELDS),
    alignments: Array.from({ length: int(0, 3) }, () => ({ targetUrl: pick(SKILLS) })),
  }));
}

const CATALOGUE = catalogue(10_000);

function holding(count: number): HeldCredential[] {
  const chosen = new Set<number>();
  while (chosen.size < count) chosen.add(int(0, 2_999)); // the learner's credentials come from the first 3,000
  return [...chosen].map((i, k) => {
    const e = CATALOGUE[i]!;
    const r = rand();
    return {
      key: `urn:uuid:cred-${k}`,
      issuerId: e.issuerId,
      achievementId: e.achievementId,
      achievementName: e.achievementName,
      creditsEcts: e.creditsEcts!,
      eqfLevel: e.eqfLevel!,
      fieldOfStudy: e.fieldOfStudy!,
      alignments: e.alignments!,
      issuedOn: `20${int(18, 26)}-0${int(1, 5)}-1${int(0, 9)}`,
      status: r < 0.04 ? 'revoked' : r < 0.06 ? 'suspended' : 'valid',
    };
  });
}

function requirement(id: string, held: HeldCredential[]): Requirement {
  const someAchievements = (n: number) => Array.from({ length: n }, () => (rand() < 0.7 ? pick(held).achievementId : pick(CATALOGUE).achievementId));
  switch (int(0, 4)) {
    case 0:
      return { id, kind: 'allOf', achievements: [...new Set(someAchievements(int(2, 4)))] };
    case 1:
      return { id, kind: 'atLeastN', n: 2, from: { achievements: [...new Set(someAchievements(8))] } };
    case 2:
      return { id, kind: 'atLeastCredits', credits: int(10, 30), from: { fieldsOfStudy: [pick(FIELDS)], minEqfLevel: 5 } };
    case 3:
      return { id, kind: 'minEqfLevel', level: 6, count: int(1, 3), from: { fieldsOfStudy: [...new Set([pick(FIELDS), pick(FIELDS)])] } };
    default:
      return { id, kind: 'outcomes', outcomes: [...new Set(Array.from({ length: 3 }, () => (rand() < 0.6 ? pick(pick(held).alignments.length ? held.filter((h) => h.alignments.length)! : held).alignments[0]?.targetUrl ?? pick(SKILLS) : pick(SKILLS))))] };
  }
}

function pathways(n: number, held: HeldCredential[]): Pathway[] {
  return Array.from({ length: n }, (_, i) => ({
    id: `https://example.org/pathways/${i}`,
    version: 1,
    name: `Pathway ${i}`,
    ...(i % 3 === 0 ? { trustedIssuers: ISSUERS.slice(0, 30), maxAge: 'P5Y' } : {}),
    requirements: Array.from({ length: int(3, 6) }, (_, k) => requirement(`r${k}`, held)),
  }));
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const held = holding(1_000);
const PATHWAYS = pathways(1_000, held);
const ASOF = '2026-11-28';

// Warm up the JIT on a different learner, then measure five rounds of each variant.
const COMPILED = PATHWAYS.map(compilePathway);
{
  const warm = createEvaluator(holding(1_000), { asOf: ASOF });
  for (const p of PATHWAYS) warm.evaluate(p);
  for (const p of COMPILED) warm.evaluate(p);
}
function measurePathways(inputs: readonly (Pathway | ReturnType<typeof compilePathway>)[]) {
  const wall: number[] = [];
  const cpu: number[] = [];
  let complete = 0;
  let inexact = 0;
  for (let round = 0; round < 9; round++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    const evaluator = createEvaluator(held, { asOf: ASOF });
    complete = 0;
    inexact = 0;
    for (const p of inputs) {
      const r = evaluator.evaluate(p);
      if (r.complete) complete++;
      if (!r.exact) inexact++;
    }
    wall.push(performance.now() - t0);
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / 1000);
  }
  return { wall: median(wall), cpu: median(cpu), complete, inexact };
}
const raw = measurePathways(PATHWAYS);
const pre = measurePathways(COMPILED);
// Compiling once must not change a result: figures for different answers would compare different work.
if (raw.complete !== pre.complete || raw.inexact !== pre.inexact) {
  throw new Error(`Compiled pathways give different results (${pre.complete} complete, ${pre.inexact} inexact) from pathways as JSON (${raw.complete}, ${raw.inexact}): the benchmark stops.`);
}
console.log('Pathways: 1,000 pathways × a learner holding 1,000 credentials (index the credentials, evaluate every pathway; median of 9)');
console.log(`  pathways as JSON (validated and compiled each time): ${raw.wall.toFixed(1)} ms wall, ${raw.cpu.toFixed(1)} ms CPU`);
console.log(`  pathways compiled once (compilePathway):              ${pre.wall.toFixed(1)} ms wall, ${pre.cpu.toFixed(1)} ms CPU   (target < 100 ms)`);
console.log(`  ${raw.complete} complete, ${raw.inexact} settled by the search budget; machine load average ${loadavg()[0]!.toFixed(2)} on ${availableParallelism()} cores`);

// Planner: a pathway the learner has not completed, against the 10,000-achievement catalogue.
const target: Pathway = {
  id: 'https://example.org/pathways/plan',
  version: 1,
  name: 'Certificate in Field 3',
  requirements: [
    { id: 'core', kind: 'allOf', achievements: [CATALOGUE[5_001]!.achievementId, CATALOGUE[5_002]!.achievementId, held[0]!.achievementId] },
    { id: 'electives', kind: 'atLeastN', n: 3, from: { fieldsOfStudy: ['Field 3'], minEqfLevel: 6 } },
    { id: 'credits', kind: 'atLeastCredits', credits: 40, from: { fieldsOfStudy: ['Field 3', 'Field 4'] } },
    { id: 'skills', kind: 'outcomes', outcomes: SKILLS.slice(0, 6) },
  ],
};
for (const objective of process.env.BENCH_SKIP_PLANNER ? [] : (["count", "credits"] as const)) {
  const times: number[] = [];
  let plan = planAchievements(held, { kind: 'pathway', pathway: target }, CATALOGUE, { asOf: ASOF, objective });
  for (let i = 0; i < 3; i++) {
    const t0 = performance.now();
    plan = planAchievements(held, { kind: 'pathway', pathway: target }, CATALOGUE, { asOf: ASOF, objective });
    times.push(performance.now() - t0);
  }
  console.log(`Planner (${objective}): catalogue of 10,000 achievements, learner holding 1,000 credentials: ${median(times).toFixed(0)} ms (median of 3)`);
  console.log(`  ${plan.method}, ${plan.candidatesConsidered} candidates after merging interchangeable ones; plan of ${plan.achievements.length} achievements, cost ${plan.cost}; progress ${(plan.progressBefore * 100).toFixed(0)}% → ${(plan.progressAfter * 100).toFixed(0)}%`);
}
