/**
 * Worked scenarios from real programme structures. The MicroMasters structure follows MITx's
 * MicroMasters in Statistics and Data Science (core courses, electives, a proctored capstone exam);
 * the ECTS figures are illustrative.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { evaluatePathway, parsePathway, validatePathway } from '../../src/domain/stacking/index.ts';
import type { HeldCredential, Pathway } from '../../src/domain/stacking/index.ts';

const MITX = 'did:web:mitx.example.org';
const ACH = (code: string) => `https://mitx.example.org/achievements/${code}`;
const ASOF = '2026-06-01';

const micromasters: Pathway = {
  id: 'https://mitx.example.org/pathways/sds',
  version: 2,
  name: 'MicroMasters in Statistics and Data Science',
  target: { achievementId: ACH('micromasters-sds'), issuerId: MITX },
  trustedIssuers: [MITX],
  maxAge: 'P5Y',
  requirements: [
    { id: 'core', label: 'Core courses', kind: 'allOf', achievements: [ACH('6.431x'), ACH('18.6501x'), ACH('6.86x')] },
    { id: 'elective', label: 'One elective', kind: 'atLeastN', n: 1, from: { achievements: [ACH('14.310x'), ACH('6.419x')] } },
    { id: 'capstone', label: 'Capstone exam', kind: 'allOf', achievements: [ACH('DS-CFx')], where: { maxAge: 'P2Y' } },
    { id: 'level', label: 'Master level', kind: 'minEqfLevel', level: 7, count: 4, allowSharing: true },
    { id: 'credits', label: 'Workload', kind: 'atLeastCredits', credits: 30, allowSharing: true },
  ],
};

function held(code: string, extra: Partial<HeldCredential> = {}): HeldCredential {
  return {
    key: `urn:uuid:${code}`,
    issuerId: MITX,
    issuerName: 'MITx',
    achievementId: ACH(code),
    achievementName: code,
    creditsEcts: code === 'DS-CFx' ? 2 : 7,
    eqfLevel: 7,
    alignments: [],
    issuedOn: '2025-05-01T00:00:00Z',
    status: 'valid',
    ...extra,
  };
}

const all = ['6.431x', '18.6501x', '6.86x', '14.310x', 'DS-CFx'].map((c) => held(c));

describe('a MicroMasters: four courses and a capstone exam', () => {
  it('the pathway is valid', () => {
    expect(validatePathway(micromasters)).toEqual([]);
  });

  it('is complete with the four courses and the capstone, and says why', () => {
    const r = evaluatePathway(micromasters, all, { asOf: ASOF });
    expect(r.complete).toBe(true);
    expect(r.progress).toBe(1);
    expect(r.creditsCounted).toBe(30);
    expect(r.requirements.find((q) => q.id === 'elective')!.assigned).toEqual(['urn:uuid:14.310x']);
    expect(r.requirements.find((q) => q.id === 'credits')!.reasons[0]).toBe('Met: 30 of at least 30 ECTS counted.');
    expect(r.summary).toMatch(/is complete on 2026-06-01/);
  });

  it('without the capstone it is incomplete and names what is missing', () => {
    const r = evaluatePathway(micromasters, all.filter((c) => c.achievementName !== 'DS-CFx'), { asOf: ASOF });
    expect(r.complete).toBe(false);
    const capstone = r.requirements.find((q) => q.id === 'capstone')!;
    expect(capstone.missing).toEqual({ achievements: [ACH('DS-CFx')] });
    expect(capstone.reasons.at(-1)).toBe(`Still needed: ${ACH('DS-CFx')}.`);
    const credits = r.requirements.find((q) => q.id === 'credits')!;
    expect(credits.missing).toEqual({ credits: 2 });
    expect(r.progress).toBeCloseTo((1 + 1 + 0 + 1 + 28 / 30) / 5, 9);
  });

  it('a capstone passed more than two years ago does not count, with the date in words', () => {
    const old = all.map((c) => (c.achievementName === 'DS-CFx' ? { ...c, issuedOn: '2023-01-15' } : c));
    const r = evaluatePathway(micromasters, old, { asOf: ASOF });
    const capstone = r.requirements.find((q) => q.id === 'capstone')!;
    expect(capstone.satisfied).toBe(false);
    expect(capstone.reasons.join(' ')).toMatch(/issued on 2023-01-15, more than 2 years ago/);
  });

  it('refuses credentials from issuers the pathway does not trust, even for the same achievement id', () => {
    const forged = held('DS-CFx', { key: 'urn:uuid:forged', issuerId: 'did:web:diploma-mill.example' });
    const r = evaluatePathway(micromasters, [...all.filter((c) => c.achievementName !== 'DS-CFx'), forged], { asOf: ASOF });
    expect(r.complete).toBe(false);
    expect(r.unusable).toEqual([
      { key: 'urn:uuid:forged', achievementName: 'DS-CFx', reasons: [expect.stringMatching(/not on this pathway's list of trusted issuers/)] },
    ]);
  });

  it('revoking a course takes completion away; an expired one is refused with its date', () => {
    const revoked = all.map((c) => (c.achievementName === '6.86x' ? { ...c, status: 'revoked' as const } : c));
    const r = evaluatePathway(micromasters, revoked, { asOf: ASOF });
    expect(r.complete).toBe(false);
    expect(r.unusable[0]!.reasons[0]).toMatch(/revoked/);
    const expired = all.map((c) => (c.achievementName === '6.86x' ? { ...c, validUntil: '2026-01-31' } : c));
    expect(evaluatePathway(micromasters, expired, { asOf: ASOF }).unusable[0]!.reasons[0]).toMatch(/expired on 2026-01-31/);
  });

  it('a course taken twice counts once', () => {
    const twice = [...all, held('14.310x', { key: 'urn:uuid:14.310x-retake', issuedOn: '2025-09-01', creditsEcts: 7 })];
    const r = evaluatePathway(micromasters, twice, { asOf: ASOF });
    expect(r.creditsCounted).toBe(30);
    expect(r.unusable.map((u) => u.key)).toEqual(['urn:uuid:14.310x']);
    expect(r.unusable[0]!.reasons[0]).toMatch(/same achievement and is counted instead/);
  });

  it('a credential dated after the evaluation date does not count yet', () => {
    const future = all.map((c) => (c.achievementName === 'DS-CFx' ? { ...c, issuedOn: '2026-07-01' } : c));
    const r = evaluatePathway(micromasters, future, { asOf: ASOF });
    expect(r.complete).toBe(false);
    expect(r.unusable[0]!.reasons[0]).toMatch(/after the evaluation date/);
  });
});

describe('matching, not first fit', () => {
  it('gives a course to the requirement that has no other way to be met', () => {
    // First fit in key order would give “a” to the elective and leave the core unmet.
    const pathway: Pathway = {
      id: 'p', version: 1, name: 'Certificate',
      requirements: [
        { id: 'elective', kind: 'atLeastN', n: 1, from: { achievements: ['a', 'b'] } },
        { id: 'core', kind: 'allOf', achievements: ['a'] },
        { id: 'skills', kind: 'outcomes', outcomes: ['esco:python', 'esco:sql'] },
      ],
    };
    const c = (id: string, skills: string[]) => ({ ...held(id), achievementId: id, key: id, alignments: skills.map((s) => ({ targetUrl: s })) });
    const r = evaluatePathway(pathway, [c('a', ['esco:python']), c('b', ['esco:sql']), c('c', ['esco:python', 'esco:sql'])], { asOf: ASOF });
    expect(r.complete).toBe(true);
    expect(Object.fromEntries(r.requirements.map((q) => [q.id, q.assigned]))).toEqual({ elective: ['b'], core: ['a'], skills: ['c'] });
    expect(r.requirements[0]!.reasons.join(' ')).toMatch(/“a” \(a\) could count here but is counted toward “core”/);
  });

  it('credits are counted whole: 4 + 4 ECTS do not make two requirements of 5 and 3 when split is needed', () => {
    const pathway: Pathway = {
      id: 'p', version: 1, name: 'Credits',
      requirements: [
        { id: 'x', kind: 'atLeastCredits', credits: 5, from: { fieldsOfStudy: ['Data'] } },
        { id: 'y', kind: 'atLeastCredits', credits: 3, from: { fieldsOfStudy: ['data'] } },
      ],
    };
    const c = (k: string, credits: number) => ({ ...held(k), key: k, achievementId: k, creditsEcts: credits, fieldOfStudy: 'Data' });
    expect(evaluatePathway(pathway, [c('p', 4), c('q', 4)], { asOf: ASOF }).complete).toBe(false);
    const r = evaluatePathway(pathway, [c('p', 4), c('q', 4), c('r', 1)], { asOf: ASOF });
    expect(r.complete).toBe(true);
    expect(r.requirements.map((q) => q.assigned.length)).toEqual([2, 1]);
  });
});

describe('a search that must prove the best progress', () => {
  it('two credit requirements and a count over the same 60 credentials: exact, with the optimum', () => {
    // Infeasible (240 ECTS for 300 + 50 credentials): the engine must show that no assignment does
    // better than giving each credential where it adds most. Without the "each credential once"
    // bound the search has to walk a tree of up to 3^60 branches.
    const creds: HeldCredential[] = Array.from({ length: 60 }, (_, i) => ({
      ...held(`c${i}`), key: `k${String(i).padStart(3, '0')}`, achievementId: `a${i}`, creditsEcts: 3 + (i % 3), fieldOfStudy: 'F',
    }));
    const pathway: Pathway = {
      id: 'p', version: 1, name: 'P',
      requirements: [
        { id: 'x', kind: 'atLeastCredits', credits: 150, from: { fieldsOfStudy: ['F'] } },
        { id: 'y', kind: 'atLeastCredits', credits: 150, from: { fieldsOfStudy: ['F'] } },
        { id: 'z', kind: 'atLeastN', n: 50, from: { fieldsOfStudy: ['F'] } },
      ],
    };
    const r = evaluatePathway(pathway, creds, { asOf: ASOF, searchBudget: 50_000 });
    expect(r.exact).toBe(true);
    expect(r.progress).toBeCloseTo((20 * 3 / 150 + 20 * 4 / 150 + 20 * 5 / 150) / 3, 9);
  });
});

describe('validatePathway', () => {
  it('explains every problem with a JSON pointer', () => {
    const problems = validatePathway({
      id: 'p',
      version: 0,
      name: '',
      maxAge: 'PT5H',
      trustedIssuers: [],
      requirements: [
        { id: 'a', kind: 'atLeastN' },
        { id: 'a', kind: 'allOf', achievements: ['x', 'x'] },
        { id: 'b', kind: 'minEqfLevel', level: 9 },
        { id: 'c', kind: 'anyOf' },
        { id: 'd', kind: 'atLeastCredits', credits: 10, from: { minEqfLevel: 6, colour: 'red' } },
      ],
    });
    expect(problems.map((p) => p.path)).toEqual([
      '/name',
      '/version',
      '/trustedIssuers',
      '/maxAge',
      '/requirements/0/n',
      '/requirements/0/from',
      '/requirements/1/achievements/1',
      '/requirements/1/id',
      '/requirements/2/level',
      '/requirements/3/kind',
      '/requirements/4/from/colour',
    ]);
    expect(problems.find((p) => p.path === '/maxAge')!.message).toMatch(/ISO 8601 duration/);
    expect(problems.find((p) => p.path === '/requirements/1/id')!.message).toMatch(/already used by requirement 1/);
  });

  it('never throws on garbage, and evaluation refuses an invalid pathway with a TypeError', () => {
    for (const v of [null, 1, 'x', [], { requirements: {} }, { requirements: [null, 1, []] }]) {
      expect(validatePathway(v).length).toBeGreaterThan(0);
      expect(parsePathway(v).ok).toBe(false);
    }
    expect(() => evaluatePathway({ id: 'p', version: 1, name: 'x', requirements: [] }, [], { asOf: ASOF })).toThrow(TypeError);
    expect(() => evaluatePathway(micromasters, [], { asOf: 'tomorrow' })).toThrow(TypeError);
  });

  it('fuzz: validation never throws, and whatever it accepts evaluates without error', () => {
    const mutate = fc.tuple(fc.jsonValue(), fc.constantFrom('id', 'version', 'name', 'maxAge', 'trustedIssuers', 'allowSharing', 'requirements', 'r.kind', 'r.n', 'r.from', 'r.achievements', 'r.outcomes', 'r.where', 'r.credits', 'r.level', 'r.count', 'r.allowSharing'), fc.nat(4))
      .map(([value, key, index]) => {
        const p = structuredClone(micromasters) as unknown as Record<string, unknown>;
        if (key.startsWith('r.')) {
          const reqs = p.requirements as Record<string, unknown>[];
          reqs[index % reqs.length]![key.slice(2)] = value;
        } else p[key] = value;
        return p;
      });
    fc.assert(
      fc.property(fc.oneof(fc.anything(), mutate), (value) => {
        const problems = validatePathway(value);
        expect(Array.isArray(problems)).toBe(true);
        for (const p of problems) {
          expect(typeof p.message).toBe('string');
          expect(p.path === '' || p.path.startsWith('/')).toBe(true);
        }
        if (problems.length === 0) {
          const r = evaluatePathway(value as Pathway, all, { asOf: ASOF });
          expect(r.progress).toBeGreaterThanOrEqual(0);
          expect(r.progress).toBeLessThanOrEqual(1);
        }
      }),
      { numRuns: 1000 },
    );
  });
});
