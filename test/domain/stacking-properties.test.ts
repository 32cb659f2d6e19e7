/**
 * Properties of the pathway engine, checked against a brute-force oracle on small inputs: the
 * oracle tries every assignment of credentials to requirements and keeps the best.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compilePathway, createEvaluator, evaluatePathway } from '../../src/domain/stacking/index.ts';
import type { CredentialSelector, HeldCredential, Pathway, Requirement } from '../../src/domain/stacking/index.ts';

const ASOF = '2026-06-01';
const ACH = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'];
const SKILLS = ['s1', 's2', 's3'];

const credentialArb = (achievementId: string) =>
  fc.record({
    credits: fc.integer({ min: 0, max: 6 }),
    eqf: fc.integer({ min: 4, max: 7 }),
    skills: fc.subarray(SKILLS, { maxLength: 2 }),
    revoked: fc.integer({ min: 0, max: 9 }).map((n) => n < 2),
  }).map((r): HeldCredential => ({
    key: `k-${achievementId}`,
    issuerId: 'did:web:issuer',
    achievementId,
    achievementName: achievementId.toUpperCase(),
    creditsEcts: r.credits,
    eqfLevel: r.eqf,
    alignments: r.skills.map((s) => ({ targetUrl: s })),
    issuedOn: '2025-01-01',
    status: r.revoked ? 'revoked' : 'valid',
  }));

const walletArb = (max: number, min = 0) =>
  fc.uniqueArray(fc.constantFrom(...ACH), { minLength: min, maxLength: max }).chain((ids) => fc.tuple(...ids.map(credentialArb)));

const selectorArb: fc.Arbitrary<CredentialSelector> = fc.record(
  {
    achievements: fc.uniqueArray(fc.constantFrom(...ACH), { minLength: 1, maxLength: 4 }),
    alignments: fc.uniqueArray(fc.constantFrom(...SKILLS), { minLength: 1, maxLength: 2 }),
    minEqfLevel: fc.integer({ min: 4, max: 7 }),
  },
  { requiredKeys: [] },
);

const requirementArb = (id: string): fc.Arbitrary<Requirement> =>
  fc.oneof(
    fc.record({ kind: fc.constant('allOf' as const), achievements: fc.uniqueArray(fc.constantFrom(...ACH), { minLength: 1, maxLength: 3 }) }),
    fc.record({ kind: fc.constant('atLeastN' as const), n: fc.integer({ min: 1, max: 3 }), from: selectorArb }),
    fc.record({ kind: fc.constant('atLeastCredits' as const), credits: fc.integer({ min: 1, max: 12 }), from: selectorArb }),
    fc.record({ kind: fc.constant('minEqfLevel' as const), level: fc.integer({ min: 5, max: 7 }), count: fc.integer({ min: 1, max: 2 }) }),
    fc.record({ kind: fc.constant('outcomes' as const), outcomes: fc.uniqueArray(fc.constantFrom(...SKILLS), { minLength: 1, maxLength: 3 }) }),
  ).chain((r) => fc.integer({ min: 0, max: 3 }).map((n) => ({ ...r, id, ...(n === 0 ? { allowSharing: true } : {}) }) as Requirement));

const pathwayArb = (maxReqs: number, minReqs = 1): fc.Arbitrary<Pathway> =>
  fc.integer({ min: minReqs, max: maxReqs }).chain((n) =>
    fc.tuple(...Array.from({ length: n }, (_, i) => requirementArb(`r${i}`))).map((requirements) => ({ id: 'p', version: 1, name: 'P', requirements })),
  );

// ---- the oracle: an independent, naive reading of the rules ----

function selects(s: CredentialSelector | undefined, c: HeldCredential): boolean {
  if (!s) return true;
  const positive = s.achievements !== undefined || s.alignments !== undefined;
  const hit = (s.achievements?.includes(c.achievementId) ?? false) || (s.alignments?.some((a) => c.alignments.some((x) => x.targetUrl === a)) ?? false);
  if (positive && !hit) return false;
  if (s.minEqfLevel !== undefined && (c.eqfLevel ?? 0) < s.minEqfLevel) return false;
  return true;
}

/** What credential c brings to requirement r: a number, a set of items, or undefined when not eligible. */
function brings(r: Requirement, c: HeldCredential): number | Set<string> | undefined {
  if (c.status !== 'valid') return undefined;
  switch (r.kind) {
    case 'allOf':
      return r.achievements.includes(c.achievementId) ? new Set([c.achievementId]) : undefined;
    case 'outcomes': {
      const hit = c.alignments.map((a) => a.targetUrl).filter((u) => r.outcomes.includes(u));
      return hit.length > 0 ? new Set(hit) : undefined;
    }
    case 'atLeastN':
      return selects(r.from, c) ? 1 : undefined;
    case 'atLeastCredits':
      return selects(r.from, c) && (c.creditsEcts ?? 0) > 0 ? c.creditsEcts! : undefined;
    case 'minEqfLevel':
      return (c.eqfLevel ?? 0) >= r.level ? 1 : undefined;
  }
}

function demand(r: Requirement): number {
  switch (r.kind) {
    case 'allOf': return r.achievements.length;
    case 'outcomes': return r.outcomes.length;
    case 'atLeastN': return r.n;
    case 'atLeastCredits': return r.credits;
    case 'minEqfLevel': return r.count ?? 1;
  }
}

function progressOf(r: Requirement, got: (number | Set<string>)[]): number {
  let achieved = 0;
  if (r.kind === 'allOf' || r.kind === 'outcomes') {
    const s = new Set<string>();
    for (const g of got) for (const x of g as Set<string>) s.add(x);
    achieved = s.size;
  } else achieved = got.reduce<number>((a, g) => a + (g as number), 0);
  return Math.min(1, achieved / demand(r));
}

function oracle(p: Pathway, creds: HeldCredential[]): { best: number; complete: boolean } {
  const R = p.requirements;
  const sharedGot = R.map((r) => (r.allowSharing ? creds.map((c) => brings(r, c)).filter((x) => x !== undefined) : []));
  const options = creds.map((c) => R.map((r, i) => (!r.allowSharing && brings(r, c) !== undefined ? i : -1)).filter((i) => i >= 0));
  let best = -1;
  const got: (number | Set<string>)[][] = R.map(() => []);
  const rec = (k: number) => {
    if (k === creds.length) {
      const s = R.reduce((a, r, i) => a + progressOf(r, r.allowSharing ? sharedGot[i]! : got[i]!), 0);
      best = Math.max(best, s);
      return;
    }
    rec(k + 1); // counted nowhere
    for (const i of options[k]!) {
      got[i]!.push(brings(R[i]!, creds[k]!)!);
      rec(k + 1);
      got[i]!.pop();
    }
  };
  rec(0);
  return { best: best / R.length, complete: best >= R.length - 1e-9 };
}

const shuffle = <T>(xs: T[], seed: number) => {
  const out = [...xs];
  let s = seed;
  for (let i = out.length - 1; i > 0; i--) {
    s = (s * 1103515245 + 12345) & 0x7fffffff;
    const j = s % (i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
};

describe('pathway evaluation properties', () => {
  it('finds a completing assignment whenever one exists, and the best progress otherwise (brute-force oracle)', () => {
    fc.assert(
      fc.property(pathwayArb(4, 2), walletArb(7, 3), (pathway, creds) => {
        const r = evaluatePathway(pathway, creds, { asOf: ASOF });
        const o = oracle(pathway, creds);
        expect(r.exact).toBe(true);
        expect(r.complete).toBe(o.complete);
        expect(r.progress).toBeCloseTo(o.best, 9);
      }),
      { numRuns: 500 },
    );
  });

  it('the generated cases include complete pathways and credentials contested by several requirements', () => {
    let complete = 0;
    let contested = 0;
    fc.assert(
      fc.property(pathwayArb(4, 2), walletArb(7, 3), (pathway, creds) => {
        const r = evaluatePathway(pathway, creds, { asOf: ASOF });
        if (r.complete) complete++;
        if (creds.some((c) => pathway.requirements.filter((q) => !q.allowSharing && brings(q, c) !== undefined).length > 1)) contested++;
      }),
      { numRuns: 300, seed: 42 },
    );
    expect(complete).toBeGreaterThan(20);
    expect(contested).toBeGreaterThan(80);
  });

  it('counts no credential twice (outside requirements that allow sharing), and only usable eligible ones', () => {
    fc.assert(
      fc.property(pathwayArb(4), walletArb(8), (pathway, creds) => {
        const r = evaluatePathway(pathway, creds, { asOf: ASOF });
        const seen = new Set<string>();
        for (const req of r.requirements) {
          const rule = pathway.requirements.find((x) => x.id === req.id)!;
          for (const key of req.assigned) {
            const c = creds.find((x) => x.key === key)!;
            expect(brings(rule, c)).toBeDefined();
            if (!req.shared) {
              expect(seen.has(key)).toBe(false);
              seen.add(key);
            }
          }
        }
        const counted = new Set(r.requirements.flatMap((q) => q.assigned));
        const credits = [...counted].reduce((s, k) => s + (creds.find((c) => c.key === k)!.creditsEcts ?? 0), 0);
        expect(r.creditsCounted).toBeCloseTo(credits, 6);
      }),
      { numRuns: 300 },
    );
  });

  it('is deterministic, independent of the order of credentials, and the same for a compiled pathway', () => {
    fc.assert(
      fc.property(pathwayArb(4), walletArb(8), fc.integer(), (pathway, creds, seed) => {
        const a = evaluatePathway(pathway, creds, { asOf: ASOF });
        const b = evaluatePathway(pathway, shuffle(creds, seed), { asOf: ASOF });
        const c = createEvaluator(shuffle(creds, seed + 1), { asOf: ASOF }).evaluate(pathway);
        const d = createEvaluator(creds, { asOf: ASOF }).evaluate(compilePathway(pathway));
        expect(b).toEqual(a);
        expect(c).toEqual(a);
        expect(d).toEqual(a);
      }),
      { numRuns: 200 },
    );
  });

  it('adding a valid credential never lowers progress; removing or revoking one never raises it', () => {
    fc.assert(
      fc.property(pathwayArb(4), walletArb(7), fc.nat(), (pathway, creds, pick) => {
        if (creds.length === 0) return;
        const i = pick % creds.length;
        const all = evaluatePathway(pathway, creds, { asOf: ASOF });
        const without = evaluatePathway(pathway, creds.filter((_, k) => k !== i), { asOf: ASOF });
        const revoked = evaluatePathway(pathway, creds.map((c, k) => (k === i ? { ...c, status: 'revoked' as const } : c)), { asOf: ASOF });
        expect(without.progress).toBeLessThanOrEqual(all.progress + 1e-12);
        expect(revoked.progress).toBeLessThanOrEqual(all.progress + 1e-12);
        if (without.complete) expect(all.complete).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('a satisfied requirement has nothing missing, an unsatisfied one says what is missing', () => {
    fc.assert(
      fc.property(pathwayArb(4), walletArb(6), (pathway, creds) => {
        const r = evaluatePathway(pathway, creds, { asOf: ASOF });
        for (const q of r.requirements) {
          expect(Object.keys(q.missing).length === 0).toBe(q.satisfied);
          expect(q.reasons.length).toBeGreaterThan(0);
        }
      }),
      { numRuns: 200 },
    );
  });
});
