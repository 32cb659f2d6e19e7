import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { planAchievements } from '../../src/domain/planner/index.ts';
import type { CatalogueEntry } from '../../src/domain/planner/index.ts';
import type { Programme, RecognitionAgreement } from '../../src/domain/recognition/index.ts';
import { evaluatePathway } from '../../src/domain/stacking/index.ts';
import type { HeldCredential, Pathway } from '../../src/domain/stacking/index.ts';

const ASOF = '2026-06-01';
const ISS = 'did:web:issuer';

function entry(id: string, credits: number, extra: Partial<CatalogueEntry> = {}): CatalogueEntry {
  return { achievementId: id, achievementName: id.toUpperCase(), issuerId: ISS, creditsEcts: credits, eqfLevel: 6, ...extra };
}

function held(id: string, credits = 5): HeldCredential {
  return { key: `k-${id}`, issuerId: ISS, achievementId: id, achievementName: id, creditsEcts: credits, eqfLevel: 6, alignments: [], issuedOn: '2025-01-01', status: 'valid' };
}

const skill = (n: number) => ({ targetUrl: `http://data.europa.eu/esco/skill/s${n}` });

describe('planAchievements', () => {
  const certificate: Pathway = {
    id: 'cert', version: 1, name: 'Certificate',
    requirements: [
      { id: 'core', kind: 'allOf', achievements: ['core1', 'core2', 'capstone'] },
      { id: 'electives', kind: 'atLeastN', n: 2, from: { fieldsOfStudy: ['Data'] } },
    ],
  };
  const catalogue = [
    entry('core1', 5), entry('core2', 5), entry('capstone', 10),
    entry('e1', 6, { fieldOfStudy: 'Data' }), entry('e2', 3, { fieldOfStudy: 'Data' }), entry('e3', 4, { fieldOfStudy: 'data' }),
    entry('cooking', 2, { fieldOfStudy: 'Cooking' }),
  ];

  it('suggests what is missing, cheapest electives first, and the plan completes the pathway', () => {
    const have = [held('core1'), { ...held('e1'), fieldOfStudy: 'Data' }];
    const plan = planAchievements(have, { kind: 'pathway', pathway: certificate }, catalogue, { asOf: ASOF, objective: 'credits' });
    expect(plan).toMatchObject({ feasible: true, method: 'exact', cost: 18, alreadyComplete: false });
    expect(plan.achievements.map((a) => a.achievementId)).toEqual(['capstone', 'core2', 'e2']);
    expect(plan.achievements.find((a) => a.achievementId === 'e2')!.reasons).toEqual(['counts toward “electives”']);
    expect(plan.progressAfter).toBe(1);
    const extra: HeldCredential[] = plan.achievements.map((a) => ({ ...held(a.achievementId, a.creditsEcts), key: `new-${a.achievementId}`, fieldOfStudy: catalogue.find((e) => e.achievementId === a.achievementId)!.fieldOfStudy }));
    expect(evaluatePathway(certificate, [...have, ...extra], { asOf: ASOF }).complete).toBe(true);
  });

  it('by count or by credits can give different plans', () => {
    const pathway: Pathway = { id: 'p', version: 1, name: 'Ten ECTS', requirements: [{ id: 'c', kind: 'atLeastCredits', credits: 10, from: { fieldsOfStudy: ['Data'] } }] };
    const cat = [entry('big', 12, { fieldOfStudy: 'Data' }), entry('b', 5, { fieldOfStudy: 'Data' }), entry('c', 5, { fieldOfStudy: 'Data' })];
    const byCount = planAchievements([], { kind: 'pathway', pathway }, cat, { asOf: ASOF, objective: 'count' });
    const byCredits = planAchievements([], { kind: 'pathway', pathway }, cat, { asOf: ASOF, objective: 'credits' });
    expect(byCount.achievements.map((a) => a.achievementId)).toEqual(['big']);
    expect(byCredits.achievements.map((a) => a.achievementId)).toEqual(['b', 'c']);
    expect(byCredits.cost).toBe(10);
  });

  it('exact beats greedy on the classic set-cover trap, and greedy stays within its bound', () => {
    const pathway: Pathway = { id: 'p', version: 1, name: 'Skills', requirements: [{ id: 's', kind: 'outcomes', outcomes: [1, 2, 3, 4, 5, 6].map((n) => skill(n).targetUrl) }] };
    // Greedy takes “wide” (4 skills) first, then needs one achievement for skill 3 and one for 6;
    // the optimum is “x” and “y” (3 skills each).
    const cat = [
      entry('wide', 5, { alignments: [1, 2, 4, 5].map(skill) }),
      entry('x', 5, { alignments: [1, 2, 3].map(skill) }),
      entry('y', 5, { alignments: [4, 5, 6].map(skill) }),
      entry('p3', 5, { alignments: [3].map(skill) }),
      entry('q6', 5, { alignments: [6].map(skill) }),
    ];
    const exact = planAchievements([], { kind: 'pathway', pathway }, cat, { asOf: ASOF });
    const greedy = planAchievements([], { kind: 'pathway', pathway }, cat, { asOf: ASOF, exactLimit: 0 });
    expect(exact.method).toBe('exact');
    expect(exact.achievements.map((a) => a.achievementId)).toEqual(['x', 'y']);
    expect(greedy.achievements.map((a) => a.achievementId)).toEqual(['p3', 'q6', 'wide']);
    expect(greedy.method).toBe('greedy');
    expect(greedy.feasible).toBe(true);
    expect(greedy.cost).toBe(3);
    // H(4) = 1 + 1/2 + 1/3 + 1/4 ≈ 2.08: the greedy set-cover bound for sets of at most 4 items.
    expect(greedy.cost).toBeLessThanOrEqual(exact.cost * (1 + 1 / 2 + 1 / 3 + 1 / 4));
  });

  it('exact is optimal (brute force), greedy is complete and never better than exact, on random small catalogues', () => {
    const catArb = fc.uniqueArray(
      fc.record({ id: fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i'), credits: fc.integer({ min: 1, max: 8 }), skills: fc.subarray([1, 2, 3, 4]), data: fc.boolean() }),
      { selector: (r) => r.id, minLength: 1, maxLength: 8 },
    );
    fc.assert(
      fc.property(catArb, fc.constantFrom<'count' | 'credits'>('count', 'credits'), fc.integer({ min: 1, max: 12 }), (rows, objective, creditsNeeded) => {
        const pathway: Pathway = {
          id: 'p', version: 1, name: 'P',
          requirements: [
            { id: 'skills', kind: 'outcomes', outcomes: [1, 2, 3].map((n) => skill(n).targetUrl) },
            { id: 'credits', kind: 'atLeastCredits', credits: creditsNeeded, from: { fieldsOfStudy: ['Data'] } },
          ],
        };
        const cat = rows.map((r) => entry(r.id, r.credits, { alignments: r.skills.map(skill), ...(r.data ? { fieldOfStudy: 'Data' } : {}) }));
        const cost = (ids: string[]) => ids.reduce((s, id) => s + (objective === 'count' ? 1 : cat.find((e) => e.achievementId === id)!.creditsEcts!), 0);
        const completes = (ids: string[]) => evaluatePathway(pathway, ids.map((id) => {
          const e = cat.find((x) => x.achievementId === id)!;
          return { ...held(id, e.creditsEcts), alignments: e.alignments ?? [], ...(e.fieldOfStudy ? { fieldOfStudy: e.fieldOfStudy } : {}) };
        }), { asOf: ASOF }).complete;
        let best = Number.POSITIVE_INFINITY;
        for (let mask = 0; mask < 1 << cat.length; mask++) {
          const ids = cat.filter((_, i) => mask & (1 << i)).map((e) => e.achievementId);
          if (cost(ids) < best && completes(ids)) best = cost(ids);
        }
        const exact = planAchievements([], { kind: 'pathway', pathway }, cat, { asOf: ASOF, objective });
        const greedy = planAchievements([], { kind: 'pathway', pathway }, cat, { asOf: ASOF, objective, exactLimit: 0 });
        if (best === Number.POSITIVE_INFINITY) {
          expect(exact.feasible).toBe(false);
          expect(greedy.feasible).toBe(false);
          return;
        }
        expect(exact.method).toBe('exact');
        expect(exact.feasible).toBe(true);
        expect(exact.cost).toBe(best);
        expect(completes(exact.achievements.map((a) => a.achievementId))).toBe(true);
        expect(greedy.feasible).toBe(true);
        expect(greedy.cost).toBeGreaterThanOrEqual(best);
        expect(completes(greedy.achievements.map((a) => a.achievementId))).toBe(true);
      }),
      { numRuns: 120 },
    );
  });

  it('says when the catalogue cannot complete the target, and when nothing is needed', () => {
    const none = planAchievements([], { kind: 'pathway', pathway: certificate }, catalogue.filter((e) => e.achievementId !== 'capstone'), { asOf: ASOF });
    expect(none.feasible).toBe(false);
    expect(none.reasons[0]).toMatch(/No combination of catalogue achievements completes the target/);
    expect(none.progressAfter).toBeGreaterThan(none.progressBefore);
    const all = ['core1', 'core2', 'capstone'].map((id) => held(id)).concat([{ ...held('e1'), fieldOfStudy: 'Data' }, { ...held('e2'), fieldOfStudy: 'Data' }]);
    const done = planAchievements(all, { kind: 'pathway', pathway: certificate }, catalogue, { asOf: ASOF });
    expect(done).toMatchObject({ alreadyComplete: true, feasible: true, achievements: [], cost: 0 });
  });

  it('plans toward a programme through its recognition agreements, up to the cap', () => {
    const programme: Programme = {
      id: 'dip', name: 'Diploma', totalCredits: 60, maxRecognisedCredits: 20,
      modules: [{ id: 'm1', name: 'Statistics', credits: 10 }, { id: 'm2', name: 'Programming', credits: 10 }, { id: 'm3', name: 'Ethics', credits: 5 }],
    };
    const agreements: RecognitionAgreement[] = [
      { id: 'a1', moduleId: 'm1', credits: 10, match: { achievementId: 'stats' }, conditions: { minEqfLevel: 6, minGrade: { value: 'C', scale: ['A', 'B', 'C'] } } },
      { id: 'a2', moduleId: 'm2', credits: 10, match: { achievementId: 'python' } },
      { id: 'a3', moduleId: 'm3', credits: 5, match: { achievementId: 'ethics' } },
      { id: 'a4', moduleId: 'm2', credits: 10, match: { achievementId: 'java' }, conditions: { minEqfLevel: 7 } },
    ];
    const cat = [entry('stats', 10), entry('python', 10), entry('ethics', 5), entry('java', 10), entry('low-stats', 10, { eqfLevel: 4 })];
    const plan = planAchievements([held('ethics', 5)], { kind: 'programme', programme, agreements }, cat, { asOf: ASOF });
    expect(plan.feasible).toBe(true);
    expect(plan.achievements.map((a) => a.achievementId)).toEqual(['python', 'stats']);
    expect(plan.achievements[0]!.reasons[0]).toMatch(/recognised for Programming/);
    expect(plan.progressBefore).toBeCloseTo(5 / 20, 9);
  });

  it('is deterministic whatever the catalogue order', () => {
    const a = planAchievements([held('core1')], { kind: 'pathway', pathway: certificate }, catalogue, { asOf: ASOF });
    const b = planAchievements([held('core1')], { kind: 'pathway', pathway: certificate }, [...catalogue].reverse(), { asOf: ASOF });
    expect(b).toEqual(a);
  });
});
