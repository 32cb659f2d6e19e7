/** Recognition of prior learning for credit: agreements, the engine's proposal, the registrar's decisions. Pure. */
export { proposeRecognition, compareGrade, gapOf } from './propose.ts';
export type { ProposeOptions } from './propose.ts';
export { applyRegistrarDecisions } from './decide.ts';
export type { DecideOptions, DecideResult } from './decide.ts';
export { agreementAuthoringProblems, isIri, validateAgreement, validateProgramme } from './validate.ts';
export type {
  AgreementConditions,
  AgreementMatch,
  ConditionCheck,
  DecisionRecord,
  FinalItem,
  ModuleGap,
  Programme,
  ProgrammeModule,
  ProposalItem,
  ProposedDecision,
  RecognitionAgreement,
  RecognitionGap,
  RecognitionProposal,
  RegistrarAction,
  RegistrarDecision,
} from './types.ts';
