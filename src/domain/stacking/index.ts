/** Stacking: a learner's held credentials, pathways as data, and their evaluation. Pure. */
export { credentialProblem, heldCredentialFromDocument, isEscoAlignment, CREDENTIAL_STATUSES } from './held-credential.ts';
export type { CredentialStatus, Grade, HeldAlignment, HeldCredential, HeldCredentialResult, ReadOptions, VerificationOutcome } from './held-credential.ts';
export { parsePathway, validatePathway, REQUIREMENT_KINDS } from './pathway.ts';
export type {
  AllOfRequirement,
  AtLeastCreditsRequirement,
  AtLeastNRequirement,
  CredentialFilter,
  CredentialSelector,
  MinEqfLevelRequirement,
  OutcomesRequirement,
  Pathway,
  PathwayParseResult,
  Requirement,
  RequirementKind,
} from './pathway.ts';
export { compilePathway, createEvaluator, evaluatePathway, CompiledPathway } from './evaluate.ts';
export type { Contribution, EvaluateOptions, Missing, PathwayEvaluation, PathwayEvaluator, RequirementResult, UnusableCredential } from './evaluate.ts';
export { parsePeriod, describePeriod } from './dates.ts';
export type { Period } from './dates.ts';
export type { Problem } from './json.ts';
