import { describe, expect, it } from 'vitest';
import { addEvidence, awardedEvidence, decideCase, evidenceProblem, openCase, outcomeEntries, removeEvidence, reviewOutcome, submitCase, withdrawCase } from '../../src/domain/rpl/index.ts';
import type { RplCase, RplResult } from '../../src/domain/rpl/index.ts';

const LEARNER = 'user:learner';
const ASSESSOR = 'user:assessor';

function ok(r: RplResult): RplCase {
  if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
  return r.case;
}

function opened(): RplCase {
  return ok(openCase({
    id: 'case-1',
    learnerId: LEARNER,
    achievement: { id: 'https://uni.example.eu/achievements/ds-101', name: 'Data analysis with Python', learningOutcomes: ['Clean tabular data with pandas.', 'Chart distributions with matplotlib.'] },
    at: '2026-03-01T09:00:00Z',
  }));
}

function withEvidence(): RplCase {
  let c = opened();
  c = ok(addEvidence(c, { outcomeId: 'lo-1', actor: LEARNER, at: '2026-03-02T09:00:00Z', evidence: { kind: 'file', id: 'e1', name: 'cleaning.ipynb.pdf', mediaType: 'application/pdf', sizeBytes: 120_000 } }));
  c = ok(addEvidence(c, { outcomeId: 'lo-2', actor: LEARNER, at: '2026-03-02T09:05:00Z', evidence: { kind: 'link', id: 'e2', url: 'https://github.com/learner/charts' } }));
  return ok(submitCase(c, { actor: LEARNER, at: '2026-03-03T09:00:00Z' }));
}

describe('RPL case', () => {
  it('a file may carry a title of at most 200 characters', () => {
    const file = { kind: 'file' as const, id: 'f1', name: 'a.pdf', mediaType: 'application/pdf', sizeBytes: 10 };
    expect(evidenceProblem({ ...file, title: 'My report' })).toBeUndefined();
    expect(evidenceProblem({ ...file, title: 'x'.repeat(201) })).toMatch(/title/);
  });

  it('outcomeEntries gives the ids a case will hold: lo-<n> for statements, their own for objects', () => {
    const entries = outcomeEntries(['Clean tabular data with pandas.', { id: 'charts', statement: 'Chart distributions.' }]);
    expect(entries).toEqual([{ id: 'lo-1', statement: 'Clean tabular data with pandas.' }, { id: 'charts', statement: 'Chart distributions.' }]);
    expect(ok(openCase({ id: 'c', learnerId: LEARNER, achievement: { id: 'a', name: 'A', learningOutcomes: ['Clean tabular data with pandas.', { id: 'charts', statement: 'Chart distributions.' }] }, at: '2026-03-01T09:00:00Z' }))
      .outcomes.map((o) => ({ id: o.id, statement: o.statement }))).toEqual(entries);
  });

  it('all outcomes accepted → awarded, with the evidence to reference', () => {
    let c = withEvidence();
    expect(c.status).toBe('submitted');
    c = ok(reviewOutcome(c, { outcomeId: 'lo-1', action: 'accept', assessorId: ASSESSOR, at: '2026-03-05T10:00:00Z' }));
    expect(c.status).toBe('in-review');
    c = ok(reviewOutcome(c, { outcomeId: 'lo-2', action: 'accept', assessorId: ASSESSOR, at: '2026-03-05T10:10:00Z' }));
    c = ok(decideCase(c, { assessorId: ASSESSOR, at: '2026-03-05T10:20:00Z' }));
    expect(c.status).toBe('awarded');
    expect(c.decision).toEqual({ result: 'awarded', assessorId: ASSESSOR, at: '2026-03-05T10:20:00Z', feedback: [] });
    expect(awardedEvidence(c)!.map((o) => o.evidence.map((e) => e.id))).toEqual([['e1'], ['e2']]);
    expect(c.history.map((h) => h.action)).toEqual(['open', 'add-evidence', 'add-evidence', 'submit', 'review', 'review', 'decide']);
  });

  it('request more → learner adds evidence and resubmits → accepted', () => {
    let c = withEvidence();
    c = ok(reviewOutcome(c, { outcomeId: 'lo-2', action: 'request-more', feedback: 'Show a histogram with labelled axes.', assessorId: ASSESSOR, at: '2026-03-05T10:00:00Z' }));
    expect(c.outcomes[1]!.status).toBe('more-requested');
    const early = submitCase(c, { actor: LEARNER, at: '2026-03-05T11:00:00Z' });
    expect(!early.ok && early.error.code).toBe('evidence-missing');
    expect(!removeEvidence(c, { outcomeId: 'lo-2', evidenceId: 'e2', actor: LEARNER, at: '2026-03-05T11:00:00Z' }).ok).toBe(true);
    c = ok(addEvidence(c, { outcomeId: 'lo-2', actor: LEARNER, at: '2026-03-06T09:00:00Z', evidence: { kind: 'narrative', id: 'e3', text: 'I added a labelled histogram in charts.ipynb, cell 4.' } }));
    c = ok(submitCase(c, { actor: LEARNER, at: '2026-03-06T09:10:00Z' }));
    expect(c.outcomes[1]!.status).toBe('submitted');
    c = ok(reviewOutcome(c, { outcomeId: 'lo-2', action: 'accept', assessorId: ASSESSOR, at: '2026-03-07T10:00:00Z' }));
    const pending = decideCase(c, { assessorId: ASSESSOR, at: '2026-03-07T10:05:00Z' });
    expect(!pending.ok && pending.error).toMatchObject({ code: 'outcomes-pending', outcomeId: 'lo-1' });
    c = ok(reviewOutcome(c, { outcomeId: 'lo-1', action: 'accept', assessorId: ASSESSOR, at: '2026-03-07T10:06:00Z' }));
    expect(ok(decideCase(c, { assessorId: ASSESSOR, at: '2026-03-07T10:07:00Z' })).status).toBe('awarded');
  });

  it('a rejected outcome → not awarded, with the feedback', () => {
    let c = withEvidence();
    c = ok(reviewOutcome(c, { outcomeId: 'lo-1', action: 'reject', feedback: 'The notebook does not clean the data.', assessorId: ASSESSOR, at: '2026-03-05T10:00:00Z' }));
    c = ok(reviewOutcome(c, { outcomeId: 'lo-2', action: 'accept', assessorId: ASSESSOR, at: '2026-03-05T10:01:00Z' }));
    c = ok(decideCase(c, { assessorId: ASSESSOR, at: '2026-03-05T10:02:00Z' }));
    expect(c.status).toBe('not-awarded');
    expect(c.decision!.feedback).toEqual(['Clean tabular data with pandas.: The notebook does not clean the data.']);
    expect(awardedEvidence(c)).toBeUndefined();
  });

  it('refuses invalid transitions with typed errors and leaves the case unchanged', () => {
    const draft = opened();
    const frozen = JSON.stringify(draft);
    const cases: [RplResult, string][] = [
      [submitCase(draft, { actor: LEARNER, at: 't' }), 'evidence-missing'],
      [reviewOutcome(draft, { outcomeId: 'lo-1', action: 'accept', assessorId: ASSESSOR, at: 't' }), 'invalid-transition'],
      [decideCase(draft, { assessorId: ASSESSOR, at: 't' }), 'invalid-transition'],
      [addEvidence(draft, { outcomeId: 'lo-9', actor: LEARNER, at: 't', evidence: { kind: 'narrative', id: 'n', text: 'x' } }), 'unknown-outcome'],
      [addEvidence(draft, { outcomeId: 'lo-1', actor: ASSESSOR, at: 't', evidence: { kind: 'narrative', id: 'n', text: 'x' } }), 'not-allowed'],
    ];
    for (const [r, code] of cases) expect(!r.ok && r.error.code).toBe(code);
    expect(JSON.stringify(draft)).toBe(frozen);

    const submitted = withEvidence();
    const more = addEvidence(submitted, { outcomeId: 'lo-1', actor: LEARNER, at: 't', evidence: { kind: 'narrative', id: 'n', text: 'x' } });
    expect(!more.ok && more.error.code).toBe('invalid-transition');
    const self = reviewOutcome(submitted, { outcomeId: 'lo-1', action: 'accept', assessorId: LEARNER, at: 't' });
    expect(!self.ok && self.error.code).toBe('not-allowed');
    const silent = reviewOutcome(submitted, { outcomeId: 'lo-1', action: 'reject', assessorId: ASSESSOR, at: 't' });
    expect(!silent.ok && silent.error.code).toBe('feedback-required');
    const early = decideCase(submitted, { assessorId: ASSESSOR, at: 't' });
    expect(!early.ok && early.error.message).toMatch(/before its outcomes are reviewed/);

    const withdrawn = ok(withdrawCase(submitted, { actor: LEARNER, at: 't' }));
    expect(withdrawn.status).toBe('withdrawn');
    expect(withdrawCase(withdrawn, { actor: LEARNER, at: 't' }).ok).toBe(false);
    expect(reviewOutcome(withdrawn, { outcomeId: 'lo-1', action: 'accept', assessorId: ASSESSOR, at: 't' }).ok).toBe(false);
  });

  it('validates evidence: type, size, name, link, narrative length, duplicates', () => {
    expect(evidenceProblem({ kind: 'file', id: 'f', name: 'a.exe', mediaType: 'application/x-msdownload', sizeBytes: 10 })).toMatch(/not accepted/);
    expect(evidenceProblem({ kind: 'file', id: 'f', name: 'big.pdf', mediaType: 'application/pdf', sizeBytes: 26 * 1024 * 1024 })).toMatch(/26.0 MB; at most 25 MB/);
    expect(evidenceProblem({ kind: 'file', id: 'f', name: '../../etc/passwd', mediaType: 'application/pdf', sizeBytes: 10 })).toMatch(/slashes/);
    expect(evidenceProblem({ kind: 'file', id: 'f', name: 'empty.pdf', mediaType: 'application/pdf', sizeBytes: 0 })).toMatch(/empty/);
    expect(evidenceProblem({ kind: 'file', id: 'f', name: 'ok.pdf', mediaType: 'Application/PDF; charset=binary', sizeBytes: 10 })).toBeUndefined();
    expect(evidenceProblem({ kind: 'link', id: 'l', url: 'javascript:alert(1)' })).toMatch(/http or https/);
    expect(evidenceProblem({ kind: 'narrative', id: 'n', text: 'x'.repeat(20_001) })).toMatch(/at most 20000/);
    expect(evidenceProblem({ kind: 'video', id: 'v' } as never)).toMatch(/file, a link or a narrative/);
    const c = opened();
    const first = ok(addEvidence(c, { outcomeId: 'lo-1', actor: LEARNER, at: 't1', evidence: { kind: 'narrative', id: 'dup', text: 'x' } }));
    const again = addEvidence(first, { outcomeId: 'lo-2', actor: LEARNER, at: 't2', evidence: { kind: 'narrative', id: 'dup', text: 'y' } });
    expect(!again.ok && again.error.code).toBe('invalid-evidence');
    const limited = addEvidence(first, { outcomeId: 'lo-1', actor: LEARNER, at: 't2', evidence: { kind: 'narrative', id: 'n2', text: 'y' }, limits: { maxFileBytes: 1, mediaTypes: [], maxItemsPerOutcome: 1, maxNarrativeChars: 10 } });
    expect(!limited.ok && limited.error.message).toMatch(/At most 1 evidence items/);
  });

  it('refuses to open a case without learning outcomes', () => {
    const r = openCase({ id: 'c', learnerId: LEARNER, achievement: { id: 'a', name: 'A', learningOutcomes: [] }, at: 't' });
    expect(!r.ok && r.error.code).toBe('invalid-input');
  });
});
