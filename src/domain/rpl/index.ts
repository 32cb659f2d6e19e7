/** Recognition of prior informal learning by assessment: the case as a pure state machine. */
export {
  addEvidence,
  awardedEvidence,
  decideCase,
  evidenceProblem,
  openCase,
  removeEvidence,
  reviewOutcome,
  submitCase,
  withdrawCase,
  DEFAULT_EVIDENCE_LIMITS,
} from './case.ts';
export type {
  CaseEvent,
  CaseStatus,
  Evidence,
  EvidenceInput,
  EvidenceLimits,
  OpenCaseInput,
  OutcomeReview,
  OutcomeStatus,
  ReviewAction,
  RplCase,
  RplError,
  RplErrorCode,
  RplOutcome,
  RplResult,
} from './case.ts';
