/**
 * Recognition of prior informal learning by assessment (RPL): a case, opened by a learner against
 * an achievement's learning outcomes, as a pure state machine. Each function takes a case and an
 * action and returns the next case, or a typed error for a transition that is not allowed; the
 * input case is never changed.
 *
 *   case:    draft ──submit──▶ submitted ──review──▶ in-review ──decide──▶ awarded | not-awarded
 *              └──────────────── withdraw (any state before the decision) ──────▶ withdrawn
 *   outcome: awaiting-evidence ──submit──▶ submitted ──accept──▶ accepted
 *                                                    ──reject──▶ rejected
 *                                                    ──request-more──▶ more-requested ──(evidence, submit)──▶ submitted
 */
import { parseInstant } from '../stacking/dates.ts';
import { isNonEmptyString } from '../stacking/json.ts';

export type CaseStatus = 'draft' | 'submitted' | 'in-review' | 'awarded' | 'not-awarded' | 'withdrawn';
export type OutcomeStatus = 'awaiting-evidence' | 'submitted' | 'accepted' | 'more-requested' | 'rejected';
export type ReviewAction = 'accept' | 'request-more' | 'reject';

export type EvidenceInput =
  | { kind: 'file'; id: string; name: string; mediaType: string; sizeBytes: number; sha256?: string; title?: string }
  | { kind: 'link'; id: string; url: string; title?: string }
  | { kind: 'narrative'; id: string; text: string };

export type Evidence = EvidenceInput & { addedAt: string };

export interface EvidenceLimits {
  maxFileBytes: number;
  /** Media types accepted for files (exact, lower case). */
  mediaTypes: readonly string[];
  maxItemsPerOutcome: number;
  maxNarrativeChars: number;
}

export const DEFAULT_EVIDENCE_LIMITS: EvidenceLimits = {
  maxFileBytes: 25 * 1024 * 1024,
  mediaTypes: [
    'application/pdf',
    'image/png',
    'image/jpeg',
    'video/mp4',
    'audio/mpeg',
    'text/plain',
    'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    'application/vnd.oasis.opendocument.text',
  ],
  maxItemsPerOutcome: 20,
  maxNarrativeChars: 20_000,
};

export interface OutcomeReview {
  action: ReviewAction;
  assessorId: string;
  at: string;
  feedback?: string;
}

export interface RplOutcome {
  id: string;
  statement: string;
  status: OutcomeStatus;
  evidence: Evidence[];
  reviews: OutcomeReview[];
}

export interface CaseEvent {
  at: string;
  actor: string;
  action: 'open' | 'add-evidence' | 'remove-evidence' | 'submit' | 'review' | 'decide' | 'withdraw';
  outcomeId?: string;
  note?: string;
}

export interface RplCase {
  id: string;
  learnerId: string;
  achievementId: string;
  achievementName: string;
  status: CaseStatus;
  outcomes: RplOutcome[];
  history: CaseEvent[];
  decision?: { result: 'awarded' | 'not-awarded'; assessorId: string; at: string; feedback: string[] };
}

export type RplErrorCode =
  | 'invalid-input'
  | 'invalid-transition'
  | 'unknown-outcome'
  | 'invalid-evidence'
  | 'feedback-required'
  | 'evidence-missing'
  | 'outcomes-pending'
  | 'not-allowed';

export interface RplError {
  code: RplErrorCode;
  message: string;
  outcomeId?: string;
}

export type RplResult = { ok: true; case: RplCase } | { ok: false; error: RplError };

const fail = (code: RplErrorCode, message: string, outcomeId?: string): RplResult => ({ ok: false, error: { code, message, ...(outcomeId !== undefined ? { outcomeId } : {}) } });

function withOutcome(c: RplCase, outcomeId: string, change: (o: RplOutcome) => RplOutcome): RplCase {
  return { ...c, outcomes: c.outcomes.map((o) => (o.id === outcomeId ? change(o) : o)) };
}

function log(c: RplCase, event: CaseEvent): RplCase {
  return { ...c, history: [...c.history, event] };
}

export interface OpenCaseInput {
  id: string;
  learnerId: string;
  achievement: { id: string; name: string; learningOutcomes: readonly (string | { id: string; statement: string })[] };
  at: string;
}

/**
 * The outcome entries a case against these learning outcomes has: a plain statement gets the id
 * `lo-<n>` (its place, from 1), an object keeps its own id. What learners are shown before opening
 * a case matches what the case will hold.
 */
export function outcomeEntries(learningOutcomes: readonly (string | { id: string; statement: string })[]): { id: string; statement: string }[] {
  return learningOutcomes.map((lo, n) => (typeof lo === 'string' ? { id: `lo-${n + 1}`, statement: lo } : { id: lo.id, statement: lo.statement }));
}

/** Opens a case in draft, one entry per learning outcome of the achievement. */
export function openCase(input: OpenCaseInput): RplResult {
  if (!isNonEmptyString(input?.id) || !isNonEmptyString(input.learnerId) || !isNonEmptyString(input.at)) {
    return fail('invalid-input', 'A case needs an id, a learner and a date.');
  }
  const a = input.achievement;
  if (!a || !isNonEmptyString(a.id) || !Array.isArray(a.learningOutcomes) || a.learningOutcomes.length === 0) {
    return fail('invalid-input', 'The achievement must have an id and at least one learning outcome to assess against.');
  }
  const outcomes: RplOutcome[] = [];
  for (const [n, { id, statement }] of outcomeEntries(a.learningOutcomes).entries()) {
    if (!isNonEmptyString(id) || !isNonEmptyString(statement)) return fail('invalid-input', `Learning outcome ${n + 1} has no statement.`);
    if (outcomes.some((o) => o.id === id)) return fail('invalid-input', `The learning outcome id ${id} is used twice.`);
    outcomes.push({ id, statement, status: 'awaiting-evidence', evidence: [], reviews: [] });
  }
  return {
    ok: true,
    case: {
      id: input.id,
      learnerId: input.learnerId,
      achievementId: a.id,
      achievementName: a.name,
      status: 'draft',
      outcomes,
      history: [{ at: input.at, actor: input.learnerId, action: 'open' }],
    },
  };
}

/** Checks one evidence item against the limits; a sentence when it is refused. */
export function evidenceProblem(e: EvidenceInput, limits: EvidenceLimits = DEFAULT_EVIDENCE_LIMITS): string | undefined {
  if (typeof e !== 'object' || e === null || !isNonEmptyString(e.id)) return 'Each evidence item needs an id.';
  switch (e.kind) {
    case 'file': {
      if (!isNonEmptyString(e.name) || e.name.length > 255 || hasControlOrSlash(e.name)) return 'The file name must be 1 to 255 characters, without slashes or control characters.';
      const type = typeof e.mediaType === 'string' ? e.mediaType.toLowerCase().split(';')[0]!.trim() : '';
      if (!limits.mediaTypes.includes(type)) return `Files of type ${JSON.stringify(e.mediaType)} are not accepted; accepted: ${limits.mediaTypes.join(', ')}.`;
      if (!Number.isInteger(e.sizeBytes) || e.sizeBytes <= 0) return 'The file is empty or its size is unknown.';
      if (e.sizeBytes > limits.maxFileBytes) return `The file is ${(e.sizeBytes / 1048576).toFixed(1)} MB; at most ${(limits.maxFileBytes / 1048576).toFixed(0)} MB are accepted.`;
      if (e.sha256 !== undefined && !/^[0-9a-f]{64}$/i.test(e.sha256)) return 'The file digest must be 64 hexadecimal characters (SHA-256).';
      if (e.title !== undefined && (typeof e.title !== 'string' || e.title.length > 200)) return 'The title of a file must be at most 200 characters.';
      return undefined;
    }
    case 'link': {
      if (typeof e.url !== 'string' || e.url.length > 2048 || !/^https?:\/\/[^\s/]+\S*$/i.test(e.url)) return 'A link must be an http or https address of at most 2,048 characters.';
      return undefined;
    }
    case 'narrative': {
      if (!isNonEmptyString(e.text)) return 'A narrative must not be empty.';
      if (e.text.length > limits.maxNarrativeChars) return `The narrative has ${e.text.length} characters; at most ${limits.maxNarrativeChars} are accepted.`;
      return undefined;
    }
    default:
      return 'Evidence must be a file, a link or a narrative.';
  }
}

function hasControlOrSlash(name: string): boolean {
  for (let i = 0; i < name.length; i++) {
    const code = name.charCodeAt(i);
    if (code < 0x20 || code === 0x7f || name[i] === '/' || name[i] === '\\') return true;
  }
  return false;
}

/** True when instant a is after b (ISO 8601 texts; unreadable ones compare as text). */
function after(a: string, b: string): boolean {
  const x = parseInstant(a);
  const y = parseInstant(b);
  return x !== undefined && y !== undefined ? x > y : a > b;
}

const OPEN_FOR_EVIDENCE: readonly OutcomeStatus[] = ['awaiting-evidence', 'more-requested'];

/** The learner adds evidence to an outcome that awaits it (or for which more was asked). */
export function addEvidence(c: RplCase, input: { outcomeId: string; evidence: EvidenceInput; actor: string; at: string; limits?: EvidenceLimits }): RplResult {
  if (input.actor !== c.learnerId) return fail('not-allowed', 'Only the learner who opened the case adds evidence.');
  if (c.status !== 'draft' && c.status !== 'in-review') return fail('invalid-transition', `Evidence cannot be added to a case that is ${c.status}.`);
  const o = c.outcomes.find((x) => x.id === input.outcomeId);
  if (!o) return fail('unknown-outcome', `The case has no learning outcome ${JSON.stringify(input.outcomeId)}.`);
  if (!OPEN_FOR_EVIDENCE.includes(o.status)) return fail('invalid-transition', `The outcome “${o.statement}” is ${o.status}; evidence is added only while it awaits evidence or more was requested.`, o.id);
  const limits = input.limits ?? DEFAULT_EVIDENCE_LIMITS;
  const problem = evidenceProblem(input.evidence, limits);
  if (problem) return fail('invalid-evidence', problem, o.id);
  if (c.outcomes.some((x) => x.evidence.some((e) => e.id === input.evidence.id))) return fail('invalid-evidence', `An evidence item with id ${input.evidence.id} is already in the case.`, o.id);
  if (o.evidence.length >= limits.maxItemsPerOutcome) return fail('invalid-evidence', `At most ${limits.maxItemsPerOutcome} evidence items per outcome.`, o.id);
  const next = withOutcome(c, o.id, (x) => ({ ...x, evidence: [...x.evidence, { ...input.evidence, addedAt: input.at }] }));
  return { ok: true, case: log(next, { at: input.at, actor: input.actor, action: 'add-evidence', outcomeId: o.id, note: input.evidence.id }) };
}

/** The learner removes evidence not yet submitted (after submission it belongs to the record). */
export function removeEvidence(c: RplCase, input: { outcomeId: string; evidenceId: string; actor: string; at: string }): RplResult {
  if (input.actor !== c.learnerId) return fail('not-allowed', 'Only the learner who opened the case removes evidence.');
  if (c.status !== 'draft' && c.status !== 'in-review') return fail('invalid-transition', `Evidence cannot be removed from a case that is ${c.status}.`);
  const o = c.outcomes.find((x) => x.id === input.outcomeId);
  if (!o) return fail('unknown-outcome', `The case has no learning outcome ${JSON.stringify(input.outcomeId)}.`);
  if (!OPEN_FOR_EVIDENCE.includes(o.status)) return fail('invalid-transition', `The outcome “${o.statement}” is ${o.status}; its evidence is part of the record.`, o.id);
  const e = o.evidence.find((x) => x.id === input.evidenceId);
  if (!e) return fail('invalid-input', `The outcome has no evidence ${JSON.stringify(input.evidenceId)}.`, o.id);
  const lastReview = o.reviews[o.reviews.length - 1];
  if (lastReview && !after(e.addedAt, lastReview.at)) return fail('invalid-transition', 'Evidence the assessor has already seen cannot be removed.', o.id);
  const next = withOutcome(c, o.id, (x) => ({ ...x, evidence: x.evidence.filter((y) => y.id !== e.id) }));
  return { ok: true, case: log(next, { at: input.at, actor: input.actor, action: 'remove-evidence', outcomeId: o.id, note: e.id }) };
}

/**
 * The learner submits: from draft, every outcome needs evidence; during review, the outcomes for
 * which more was requested and that have new evidence go back to the assessor.
 */
export function submitCase(c: RplCase, input: { actor: string; at: string }): RplResult {
  if (input.actor !== c.learnerId) return fail('not-allowed', 'Only the learner who opened the case submits it.');
  if (c.status === 'draft') {
    const bare = c.outcomes.find((o) => o.evidence.length === 0);
    if (bare) return fail('evidence-missing', `The outcome “${bare.statement}” has no evidence yet.`, bare.id);
    const next = { ...c, status: 'submitted' as const, outcomes: c.outcomes.map((o) => ({ ...o, status: 'submitted' as const })) };
    return { ok: true, case: log(next, { at: input.at, actor: input.actor, action: 'submit' }) };
  }
  if (c.status === 'in-review') {
    const ready = c.outcomes.filter((o) => o.status === 'more-requested' && o.evidence.some((e) => after(e.addedAt, o.reviews[o.reviews.length - 1]!.at)));
    if (ready.length === 0) {
      const waiting = c.outcomes.find((o) => o.status === 'more-requested');
      return waiting
        ? fail('evidence-missing', `Add new evidence to “${waiting.statement}” before submitting again.`, waiting.id)
        : fail('invalid-transition', 'Nothing to submit: no outcome is waiting for more evidence.');
    }
    const ids = new Set(ready.map((o) => o.id));
    const next = { ...c, outcomes: c.outcomes.map((o) => (ids.has(o.id) ? { ...o, status: 'submitted' as const } : o)) };
    return { ok: true, case: log(next, { at: input.at, actor: input.actor, action: 'submit', note: [...ids].join(', ') }) };
  }
  return fail('invalid-transition', `A case that is ${c.status} cannot be submitted.`);
}

/** The assessor reviews one submitted outcome: accept, ask for more, or reject (feedback required for the last two). */
export function reviewOutcome(c: RplCase, input: { outcomeId: string; action: ReviewAction; assessorId: string; at: string; feedback?: string }): RplResult {
  if (c.status !== 'submitted' && c.status !== 'in-review') return fail('invalid-transition', `A case that is ${c.status} cannot be reviewed.`);
  if (!isNonEmptyString(input.assessorId)) return fail('invalid-input', 'The assessor is missing.');
  if (input.assessorId === c.learnerId) return fail('not-allowed', 'A learner cannot assess their own case.');
  if (!['accept', 'request-more', 'reject'].includes(input.action)) return fail('invalid-input', `The action ${JSON.stringify(input.action)} is not accept, request-more or reject.`);
  const o = c.outcomes.find((x) => x.id === input.outcomeId);
  if (!o) return fail('unknown-outcome', `The case has no learning outcome ${JSON.stringify(input.outcomeId)}.`);
  if (o.status !== 'submitted') return fail('invalid-transition', `The outcome “${o.statement}” is ${o.status}; only submitted outcomes are reviewed.`, o.id);
  if (input.action !== 'accept' && !isNonEmptyString(input.feedback)) return fail('feedback-required', 'Tell the learner why: feedback is required to ask for more or to reject.', o.id);
  const status: OutcomeStatus = input.action === 'accept' ? 'accepted' : input.action === 'reject' ? 'rejected' : 'more-requested';
  const review: OutcomeReview = { action: input.action, assessorId: input.assessorId, at: input.at, ...(input.feedback !== undefined ? { feedback: input.feedback } : {}) };
  const next = withOutcome({ ...c, status: 'in-review' }, o.id, (x) => ({ ...x, status, reviews: [...x.reviews, review] }));
  return { ok: true, case: log(next, { at: input.at, actor: input.assessorId, action: 'review', outcomeId: o.id, note: input.action }) };
}

/**
 * The assessor decides the case once every outcome is accepted or rejected: all accepted → awarded
 * (the credential follows, with the evidence referenced); otherwise not awarded, with the feedback.
 */
export function decideCase(c: RplCase, input: { assessorId: string; at: string }): RplResult {
  if (c.status !== 'in-review') return fail('invalid-transition', `A case that is ${c.status} cannot be decided${c.status === 'submitted' ? ' before its outcomes are reviewed' : ''}.`);
  if (input.assessorId === c.learnerId) return fail('not-allowed', 'A learner cannot decide their own case.');
  const open = c.outcomes.find((o) => o.status !== 'accepted' && o.status !== 'rejected');
  if (open) return fail('outcomes-pending', `The outcome “${open.statement}” is ${open.status}; decide every outcome first.`, open.id);
  const awarded = c.outcomes.every((o) => o.status === 'accepted');
  const feedback = c.outcomes.filter((o) => o.status === 'rejected').map((o) => `${o.statement}: ${o.reviews[o.reviews.length - 1]?.feedback ?? ''}`);
  const result = awarded ? ('awarded' as const) : ('not-awarded' as const);
  const next: RplCase = { ...c, status: result, decision: { result, assessorId: input.assessorId, at: input.at, feedback } };
  return { ok: true, case: log(next, { at: input.at, actor: input.assessorId, action: 'decide', note: result }) };
}

/** The learner withdraws a case not yet decided. */
export function withdrawCase(c: RplCase, input: { actor: string; at: string }): RplResult {
  if (input.actor !== c.learnerId) return fail('not-allowed', 'Only the learner who opened the case withdraws it.');
  if (c.status === 'awarded' || c.status === 'not-awarded' || c.status === 'withdrawn') return fail('invalid-transition', `A case that is ${c.status} cannot be withdrawn.`);
  return { ok: true, case: log({ ...c, status: 'withdrawn' }, { at: input.at, actor: input.actor, action: 'withdraw' }) };
}

/** For an awarded case: the evidence to reference in the credential, outcome by outcome. */
export function awardedEvidence(c: RplCase): { outcomeId: string; statement: string; evidence: Evidence[] }[] | undefined {
  if (c.status !== 'awarded') return undefined;
  return c.outcomes.map((o) => ({ outcomeId: o.id, statement: o.statement, evidence: o.evidence }));
}
