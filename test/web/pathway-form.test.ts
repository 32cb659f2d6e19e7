/**
 * The pathway designer's form ↔ rules translation (web/src/pathway-form.ts): every kind of
 * requirement survives a round trip unchanged, what the form builds is what the engine accepts, and
 * half-written numbers reach the engine as typed so its problem lands on the field.
 */
import { describe, expect, it } from 'vitest';
import { validatePathway } from '../../src/domain/stacking/index.ts';
import { emptyPathwayForm, formFromPathway, inputOf, localProblems, move, newRequirement, rulesOf } from '../../web/src/pathway-form.ts';
import type { PathwayView } from '../../web/src/api-types.ts';
import type { RulesDraft as PathwayRules } from '../../web/src/pathway-form.ts';

const A = 'https://uni.example/achievements/a';
const B = 'https://uni.example/achievements/b';
const SKILL = 'http://data.europa.eu/esco/skill/ccd0a1d9-afda-43d9-b901-96344886e14d';

const RULES: PathwayRules = {
  trustedIssuers: ['did:web:uni.example'],
  maxAge: 'P5Y',
  requirements: [
    { id: 'core', label: 'Core', kind: 'allOf', achievements: [A, B], where: { maxAge: 'P2Y', issuers: ['did:web:uni.example'] } },
    { id: 'elective', kind: 'atLeastN', n: 1, from: { achievements: [A], alignments: [SKILL], fieldsOfStudy: ['Statistics'], minEqfLevel: 6 } },
    { id: 'credits', kind: 'atLeastCredits', credits: 7.5, allowSharing: true },
    { id: 'level', kind: 'minEqfLevel', level: 7, count: 2, allowSharing: true, from: { minCredits: 5 } },
    { id: 'skills', kind: 'outcomes', outcomes: [SKILL], from: { maxAge: 365 } },
  ],
};

function view(rules: PathwayRules): PathwayView {
  return {
    id: 'p1', organisationId: 'o1', name: 'Data Science', description: null, status: 'published', version: 3, achievementId: 't1',
    achievementUrl: 'https://uni.example/achievements/t1', issuerId: null, autoIssue: true, revocationPolicy: 'suspend', useTrustList: true,
    rules, definition: {}, createdAt: '2026-01-01T00:00:00Z', updatedAt: '2026-01-01T00:00:00Z',
  };
}

function engine(rules: PathwayRules) {
  return validatePathway({ id: 'urn:x', version: 1, name: 'X', ...rules });
}

describe('pathway designer form', () => {
  it('keeps every kind of requirement unchanged through the form', () => {
    const form = formFromPathway(view(RULES));
    expect(rulesOf(form)).toEqual(RULES);
    expect(engine(rulesOf(form))).toEqual([]);
    expect(inputOf(form)).toMatchObject({ name: 'Data Science', achievementId: 't1', status: 'published', revocationPolicy: 'suspend', useTrustList: true, description: null });
  });

  it('writes the pathway-wide sharing default onto each requirement, so the form shows what applies', () => {
    const form = formFromPathway(view({ allowSharing: true, requirements: [{ id: 'a', kind: 'atLeastN', n: 2, from: {} }, { id: 'b', kind: 'allOf', achievements: [A], allowSharing: false }] }));
    expect(form.requirements.map((r) => r.allowSharing)).toEqual([true, false]);
    expect(rulesOf(form).requirements.map((r) => r.allowSharing)).toEqual([true, undefined]);
  });

  it('builds rules the engine accepts once the designer fills in each new requirement', () => {
    const form = emptyPathwayForm('t1');
    form.requirements[0]!.achievements = [A];
    for (const kind of ['atLeastN', 'atLeastCredits', 'minEqfLevel', 'outcomes'] as const) form.requirements.push(newRequirement(kind, form.requirements));
    form.requirements[2]!.credits = '10';
    form.requirements[4]!.outcomes = [SKILL, '  '];
    const rules = rulesOf(form);
    expect(new Set(rules.requirements.map((r) => r.id)).size).toBe(5);
    expect(engine(rules)).toEqual([]);
    expect(rules.requirements[4]!.outcomes).toEqual([SKILL]);
  });

  it('sends half-written numbers as typed, so the engine points at the field', () => {
    const form = emptyPathwayForm('t1');
    form.requirements = [newRequirement('atLeastN', [])];
    form.requirements[0]!.n = 'two';
    form.maxAge = 'five years';
    const problems = engine(rulesOf(form));
    expect(problems.map((p) => p.path)).toEqual(expect.arrayContaining(['/requirements/0/n', '/maxAge']));
    form.requirements[0]!.n = '';
    expect(engine(rulesOf(form)).map((p) => p.message)).toContain('The number of credentials (n) is missing.');
  });

  it('asks for a name and a target before saving, and moves requirements by one place', () => {
    expect(Object.keys(localProblems(emptyPathwayForm()))).toEqual(['/name', '/achievementId']);
    expect(move(['a', 'b', 'c'], 0, 1)).toEqual(['b', 'a', 'c']);
    expect(move(['a', 'b', 'c'], 0, -1)).toEqual(['a', 'b', 'c']);
  });
});
