/**
 * Recognition for credit. Scenario: a 60-ECTS postgraduate diploma that accepts at most 30 ECTS of
 * prior learning, at EQF level 6 or above (the structure of many European university diplomas).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { agreementAuthoringProblems, applyRegistrarDecisions, proposeRecognition, validateAgreement, validateProgramme } from '../../src/domain/recognition/index.ts';
import type { AgreementConditions, Programme, RecognitionAgreement } from '../../src/domain/recognition/index.ts';
import type { HeldCredential } from '../../src/domain/stacking/index.ts';

const ASOF = '2026-09-01';
const UNI = 'did:web:uni.example.eu';
const MOOC = 'did:web:mooc.example.com';

const diploma: Programme = {
  id: 'pgdip-ds',
  name: 'Postgraduate Diploma in Data Science',
  version: 3,
  totalCredits: 60,
  maxRecognisedCredits: 30,
  modules: [
    { id: 'stats', name: 'Statistics', credits: 10 },
    { id: 'prog', name: 'Programming for Data Science', credits: 10 },
    { id: 'ml', name: 'Machine Learning', credits: 10 },
    { id: 'db', name: 'Databases', credits: 5 },
    { id: 'viz', name: 'Visualisation', credits: 5 },
    { id: 'ethics', name: 'Data Ethics', credits: 5 },
    { id: 'project', name: 'Project', credits: 15 },
  ],
};

const strict: AgreementConditions = { minEqfLevel: 6, maxAge: 'P5Y', qualityAssuranceRequired: true, acceptedAssessmentTypes: ['exam', 'online-exam', 'project'], identityVerifiedRequired: true, minGrade: { value: 'C', scale: ['A', 'B', 'C', 'D', 'E'] } };

const agreements: RecognitionAgreement[] = [
  { id: 'ag-stats', moduleId: 'stats', credits: 10, match: { issuerId: MOOC, achievementId: 'mooc:stats' }, conditions: { ...strict, minCredits: 8 } },
  { id: 'ag-prog', moduleId: 'prog', credits: 10, match: { issuerId: MOOC, achievementId: 'mooc:python' }, conditions: { minEqfLevel: 6 }, allowPartial: true },
  { id: 'ag-ml', moduleId: 'ml', credits: 10, match: { alignments: ['http://data.europa.eu/esco/skill/machine-learning'] }, conditions: { minEqfLevel: 6 } },
  { id: 'ag-db', moduleId: 'db', credits: 5, match: { fieldsOfStudy: ['Databases'] }, conditions: { minEqfLevel: 6 } },
  { id: 'ag-viz', moduleId: 'viz', credits: 5, match: { issuerId: UNI, achievementId: 'uni:viz' }, conditions: { minEqfLevel: 6 } },
];

function cred(key: string, extra: Partial<HeldCredential>): HeldCredential {
  return {
    key,
    issuerId: MOOC,
    achievementId: `mooc:${key}`,
    achievementName: key,
    creditsEcts: 10,
    eqfLevel: 6,
    alignments: [],
    issuedOn: '2025-02-01',
    status: 'valid',
    qualityAssured: true,
    qualityAssurance: ['external'],
    assessmentTypes: ['online-exam'],
    identityVerifiedAssessment: true,
    grade: { value: 'B', scale: ['A', 'B', 'C', 'D', 'E', 'F'] },
    ...extra,
  };
}

const stats = cred('stats', { achievementId: 'mooc:stats' });

describe('proposeRecognition', () => {
  it('the programme and agreements are valid', () => {
    expect(validateProgramme(diploma)).toEqual([]);
    for (const a of agreements) expect(validateAgreement(a, diploma)).toEqual([]);
  });

  it('accepts a credential meeting every condition, listing each check', () => {
    const p = proposeRecognition(diploma, agreements, [stats], { asOf: ASOF });
    const item = p.items[0]!;
    expect(item).toMatchObject({ decision: 'accept', moduleId: 'stats', credits: 10, agreementId: 'ag-stats' });
    expect(item.checks.map((c) => [c.condition, c.passed])).toEqual([
      ['match', true], ['status', true], ['minEqfLevel', true], ['minCredits', true], ['maxAge', true],
      ['qualityAssurance', true], ['assessmentType', true], ['identityVerified', true], ['minGrade', true],
    ]);
    expect(p.totalRecognised).toBe(10);
    expect(p.gap.creditsStillNeeded).toBe(50);
    expect(p.gap.modules.map((m) => m.moduleId)).toEqual(['prog', 'ml', 'db', 'viz', 'ethics', 'project']);
  });

  const failing: [string, Partial<HeldCredential>, RegExp][] = [
    ['status', { status: 'revoked' }, /revoked/],
    ['minEqfLevel', { eqfLevel: 5 }, /EQF level 5 is below the minimum 6/],
    ['minCredits', { creditsEcts: 6 }, /6 ECTS is below the minimum 8/],
    ['maxAge', { issuedOn: '2020-06-01' }, /Issued on 2020-06-01: more than 5 years before/],
    ['qualityAssurance', { qualityAssured: false, qualityAssurance: ['none'] }, /quality assurance \(none\) is none/],
    ['assessmentType', { assessmentTypes: ['self-assessment'] }, /Assessment by self-assessment; accepted: exam, online-exam, project/],
    ['identityVerified', { identityVerifiedAssessment: false }, /not supervised with identity verification/],
    ['minGrade', { grade: { value: 'D' } }, /The grade D is below the minimum C/],
  ];
  for (const [condition, change, message] of failing) {
    it(`rejects when ${condition} fails, and says so`, () => {
      const p = proposeRecognition(diploma, agreements, [{ ...stats, ...change }], { asOf: ASOF });
      const item = p.items[0]!;
      expect(item.decision).toBe('reject');
      expect(item.credits).toBe(0);
      const failed = item.checks.filter((c) => !c.passed);
      expect(failed.map((c) => c.condition)).toContain(condition);
      expect(failed.find((c) => c.condition === condition)!.message).toMatch(message);
      expect(item.reasons[0]).toMatch(/^Agreement ag-stats does not apply/);
    });
  }

  it('rejects a credential no agreement covers', () => {
    const p = proposeRecognition(diploma, agreements, [cred('cooking', {})], { asOf: ASOF });
    expect(p.items[0]!.decision).toBe('reject');
    expect(p.items[0]!.reasons).toEqual(['No recognition agreement of this programme covers this achievement.']);
  });

  it('recognises part of a module when the agreement allows it, and refuses it otherwise', () => {
    const small = cred('python', { achievementId: 'mooc:python', creditsEcts: 6 });
    const p = proposeRecognition(diploma, agreements, [small], { asOf: ASOF });
    expect(p.items[0]).toMatchObject({ decision: 'partial', credits: 6, moduleId: 'prog' });
    expect(p.gap.modules.find((m) => m.moduleId === 'prog')!.creditsOutstanding).toBe(4);
    const strictAgreements = agreements.map((a) => (a.id === 'ag-prog' ? { ...a, allowPartial: false } : a));
    const q = proposeRecognition(diploma, strictAgreements, [small], { asOf: ASOF });
    expect(q.items[0]!.decision).toBe('reject');
    expect(q.items[0]!.checks.find((c) => c.condition === 'credits')!.message).toMatch(/does not allow partial recognition/);
  });

  it('at most 30 ECTS of prior learning at EQF 6 or above: caps applied in module order', () => {
    const creds = [
      stats,
      cred('python', { achievementId: 'mooc:python' }),
      cred('deep-learning', { achievementId: 'mooc:dl', alignments: [{ targetUrl: 'http://data.europa.eu/esco/skill/machine-learning' }] }),
      cred('sql', { achievementId: 'mooc:sql', creditsEcts: 5, fieldOfStudy: 'databases' }),
      cred('viz', { issuerId: UNI, achievementId: 'uni:viz', creditsEcts: 5 }),
      cred('bootcamp-ml', { achievementId: 'mooc:bootcamp', eqfLevel: 5, alignments: [{ targetUrl: 'http://data.europa.eu/esco/skill/machine-learning' }] }),
    ];
    const p = proposeRecognition(diploma, agreements, creds, { asOf: ASOF });
    const by = Object.fromEntries(p.items.map((i) => [i.credentialKey, [i.decision, i.credits]]));
    expect(by).toEqual({
      'bootcamp-ml': ['reject', 0], // EQF 5
      'deep-learning': ['accept', 10],
      python: ['accept', 10],
      sql: ['reject', 0], // databases come after the cap is reached
      stats: ['accept', 10],
      viz: ['reject', 0],
    });
    expect(p.totalRecognised).toBe(30);
    expect(p.cap).toMatchObject({ limit: 30, reached: true });
    expect(p.items.find((i) => i.credentialKey === 'sql')!.reasons.join(' ')).toMatch(/would exceed the cap of at most 30 ECTS of prior learning/);
    expect(p.gap.creditsStillNeeded).toBe(30);

    // With partial credits, nothing more fits either (the cap is reached exactly)…
    expect(proposeRecognition({ ...diploma, partialCredits: true }, agreements, creds, { asOf: ASOF }).totalRecognised).toBe(30);
    // …and with a cap of 25, the third module is cut to 5 ECTS.
    const cut = proposeRecognition({ ...diploma, maxRecognisedCredits: 25, partialCredits: true }, agreements, creds, { asOf: ASOF });
    expect(cut.items.find((i) => i.credentialKey === 'deep-learning')).toMatchObject({ decision: 'partial', credits: 5 });
    // A share cap works the same way: 25% of 60 ECTS.
    expect(proposeRecognition({ ...diploma, maxRecognisedCredits: undefined, maxRecognisedShare: 0.25 }, agreements, creds, { asOf: ASOF }).totalRecognised).toBe(15);
  });

  it('a module is recognised once: the second credential for it is refused with the reason', () => {
    const a = cred('dl1', { achievementId: 'x:1', alignments: [{ targetUrl: 'http://data.europa.eu/esco/skill/machine-learning' }] });
    const b = cred('dl2', { achievementId: 'x:2', alignments: [{ targetUrl: 'http://data.europa.eu/esco/skill/machine-learning' }] });
    const p = proposeRecognition(diploma, agreements, [b, a], { asOf: ASOF });
    expect(p.items.map((i) => [i.credentialKey, i.decision])).toEqual([['dl1', 'accept'], ['dl2', 'reject']]);
    expect(p.items[1]!.reasons.join(' ')).toMatch(/Machine Learning is already recognised in full by dl1/);
  });

  it('a credential that fits two modules leaves the only one another fits to it', () => {
    const both: RecognitionAgreement[] = [
      { id: 'x-ml', moduleId: 'ml', credits: 10, match: { alignments: ['esco:ml'] } },
      { id: 'x-stats', moduleId: 'stats', credits: 10, match: { alignments: ['esco:stats'] } },
    ];
    // “a” (first by key, and bigger) fits Machine Learning and Statistics; “b” fits only Machine Learning.
    const a = cred('a', { achievementId: 'x:a', creditsEcts: 12, alignments: [{ targetUrl: 'esco:ml' }, { targetUrl: 'esco:stats' }] });
    const b = cred('b', { achievementId: 'x:b', alignments: [{ targetUrl: 'esco:ml' }] });
    const p = proposeRecognition(diploma, both, [a, b], { asOf: ASOF });
    expect(p.items.map((i) => [i.credentialKey, i.decision, i.moduleId])).toEqual([['a', 'accept', 'stats'], ['b', 'accept', 'ml']]);
    expect(p.totalRecognised).toBe(20);
  });

  it('does not depend on the order of credentials or agreements', () => {
    const creds = [stats, cred('python', { achievementId: 'mooc:python', creditsEcts: 7 }), cred('sql', { achievementId: 'mooc:sql', creditsEcts: 5, fieldOfStudy: 'Databases' })];
    const a = proposeRecognition(diploma, agreements, creds, { asOf: ASOF });
    const b = proposeRecognition(diploma, [...agreements].reverse(), [...creds].reverse(), { asOf: ASOF });
    expect(b).toEqual(a);
  });

  it('refuses invalid agreements with a TypeError, and the validator names the field', () => {
    const bad = { id: 'x', moduleId: 'nope', credits: 50, match: { issuerId: MOOC }, conditions: { minGrade: { value: 'B' }, colour: 1 } };
    expect(validateAgreement(bad, diploma).map((p) => p.path)).toEqual(['/match', '/conditions/colour', '/conditions/minGrade/scale', '/moduleId']);
    expect(() => proposeRecognition(diploma, [bad as unknown as RecognitionAgreement], [], { asOf: ASOF })).toThrow(TypeError);
  });

  it('refuses an achievement id that is a name, not an IRI, when an agreement is written: it could never match', () => {
    const named = { id: 'x', moduleId: 'stats', credits: 5, match: { achievementId: 'Statistics I' } };
    const problems = agreementAuthoringProblems(named);
    expect(problems.map((p) => p.path)).toEqual(['/match/achievementId']);
    expect(problems[0]!.message).toContain('would never match');
    for (const iri of ['https://uni.example/achievements/stats', 'urn:uuid:5a0c0f8e-9c2e-4c1b-8d8e-1f0a4b7c9d10', 'mooc:stats', 'did:web:mooc.example']) {
      expect(agreementAuthoringProblems({ ...named, match: { achievementId: iri } })).toEqual([]);
    }
    for (const bad of ['stats', 'https://uni.example/a b', ' https://x.example/', '<https://x.example/>', ':nope']) {
      expect(agreementAuthoringProblems({ ...named, match: { achievementId: bad } }).map((p) => p.path)).toEqual(['/match/achievementId']);
    }
    for (const hostile of [null, 1, 'x', { match: null }, { match: { achievementId: 7 } }]) expect(agreementAuthoringProblems(hostile)).toEqual([]);
    // One stored before the rule still evaluates: it matches nothing instead of making the proposal throw.
    expect(validateAgreement(named, diploma)).toEqual([]);
    expect(() => proposeRecognition(diploma, [named as unknown as RecognitionAgreement], [stats], { asOf: ASOF })).not.toThrow();
  });
});

describe('validators on hostile input', () => {
  it('never throw, and what they accept can be proposed on', () => {
    fc.assert(
      fc.property(fc.anything(), fc.anything(), (programme, agreement) => {
        const pp = validateProgramme(programme);
        const ap = validateAgreement(agreement, diploma);
        if (pp.length === 0) expect(() => proposeRecognition(programme as Programme, [], [stats], { asOf: ASOF })).not.toThrow();
        if (ap.length === 0) expect(() => proposeRecognition(diploma, [agreement as RecognitionAgreement], [stats], { asOf: ASOF })).not.toThrow();
      }),
      { numRuns: 500 },
    );
    const mutate = fc.tuple(fc.jsonValue(), fc.constantFrom('id', 'moduleId', 'credits', 'match', 'conditions', 'allowPartial', 'c.minGrade', 'c.maxAge', 'c.minEqfLevel', 'c.acceptedAssessmentTypes', 'm.alignments'))
      .map(([value, key]) => {
        const a = structuredClone(agreements[0]!) as unknown as Record<string, Record<string, unknown>>;
        if (key.startsWith('c.')) a.conditions![key.slice(2)] = value;
        else if (key.startsWith('m.')) a.match![key.slice(2)] = value;
        else (a as Record<string, unknown>)[key] = value;
        return a;
      });
    fc.assert(
      fc.property(mutate, (agreement) => {
        if (validateAgreement(agreement, diploma).length === 0) {
          const p = proposeRecognition(diploma, [agreement as unknown as RecognitionAgreement], [stats], { asOf: ASOF });
          expect(p.items).toHaveLength(1);
        }
      }),
      { numRuns: 500 },
    );
  });
});

describe('applyRegistrarDecisions', () => {
  const creds = [stats, cred('python', { achievementId: 'mooc:python', creditsEcts: 6 }), cred('sql', { achievementId: 'mooc:sql', creditsEcts: 5, fieldOfStudy: 'Databases', eqfLevel: 5 })];
  const proposal = proposeRecognition(diploma, agreements, creds, { asOf: ASOF });
  const who = { decidedBy: 'registrar-1', decidedOn: '2026-09-10T10:00:00Z' };

  it('approves, amends and rejects with reasons, keeping the proposal for audit', () => {
    const r = applyRegistrarDecisions(proposal, [
      { credentialKey: 'stats', action: 'approve' },
      { credentialKey: 'python', action: 'amend', credits: 5, reason: 'Only the Python half of the module is covered.' },
      { credentialKey: 'sql', action: 'reject', reason: 'EQF level 5.' },
    ], who);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.record.items.map((i) => [i.credentialKey, i.outcome, i.credits])).toEqual([['python', 'recognised', 5], ['sql', 'rejected', 0], ['stats', 'recognised', 10]]);
    expect(r.record.totalRecognised).toBe(15);
    expect(r.record.final).toBe(true);
    expect(r.record.proposal).toBe(proposal);
    expect(r.record.items[0]!.decision!.reason).toBe('Only the Python half of the module is covered.');
    expect(r.record.items[0]!.proposed.credits).toBe(6);
    expect(r.record.gap.creditsStillNeeded).toBe(45);
  });

  it('leaves undecided items pending', () => {
    const r = applyRegistrarDecisions(proposal, [{ credentialKey: 'stats', action: 'approve' }], who);
    expect(r.ok && r.record.final).toBe(false);
    expect(r.ok && r.record.items.filter((i) => i.outcome === 'pending').length).toBe(2);
  });

  it('refuses bad decisions with pointers: no reason, unknown item, twice, too many credits, unknown module, over the cap', () => {
    const r = applyRegistrarDecisions(proposal, [
      { credentialKey: 'stats', action: 'reject' },
      { credentialKey: 'nope', action: 'approve' },
      { credentialKey: 'stats', action: 'approve' },
      { credentialKey: 'python', action: 'amend', credits: 12, reason: 'x' },
      { credentialKey: 'sql', action: 'amend', credits: 5, moduleId: 'cooking', reason: 'x' },
    ], who);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.problems.map((p) => p.path)).toEqual(['/0/reason', '/1/credentialKey', '/2/credentialKey', '/3/credits', '/4/moduleId']);
    const over = applyRegistrarDecisions({ ...proposal, cap: { ...proposal.cap, limit: 12 } }, [
      { credentialKey: 'stats', action: 'approve' },
      { credentialKey: 'sql', action: 'amend', credits: 5, moduleId: 'db', reason: 'Accepted on appeal.' },
    ], who);
    expect(over.ok).toBe(false);
    if (!over.ok) expect(over.problems[0]!.message).toMatch(/more than the cap/);
  });
});
