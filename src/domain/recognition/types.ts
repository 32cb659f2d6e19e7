/**
 * Recognition of prior learning for credit (credit transfer): programmes, the agreements a
 * registrar defines, the engine's proposal and the registrar's decision record.
 */
import type { Grade } from '../stacking/held-credential.ts';

export interface ProgrammeModule {
  id: string;
  name: string;
  /** ECTS credits of the module. */
  credits: number;
}

export interface Programme {
  id: string;
  name: string;
  version?: number;
  /** ECTS credits needed for the programme. */
  totalCredits: number;
  modules: ProgrammeModule[];
  /** At most this many ECTS from prior learning (e.g. 30, or 60). */
  maxRecognisedCredits?: number;
  /** At most this share (0..1) of totalCredits from prior learning. */
  maxRecognisedShare?: number;
  /**
   * When a cap cuts through an item: false (default) refuses the item whole and tries the next;
   * true recognises the part that fits (a partial decision).
   */
  partialCredits?: boolean;
}

/** Which external achievements an agreement covers. Every given field must match. */
export interface AgreementMatch {
  issuerId?: string;
  achievementId?: string;
  /** Alignment target URLs (ESCO skills…): any one is enough. */
  alignments?: string[];
  /** Field of study, without case: any one is enough. */
  fieldsOfStudy?: string[];
}

export interface AgreementConditions {
  minEqfLevel?: number;
  /** Minimum ECTS workload of the external credential. */
  minCredits?: number;
  /** Days or ISO 8601 duration (P5Y). */
  maxAge?: string | number;
  qualityAssuranceRequired?: boolean;
  /** EU Annex I assessment type codes; the credential must state at least one. */
  acceptedAssessmentTypes?: string[];
  identityVerifiedRequired?: boolean;
  /** A number (the grade must be at least it) or a value of `scale`, listed best first. */
  minGrade?: Grade;
}

export interface RecognitionAgreement {
  id: string;
  version?: number;
  /** The internal module the external achievement counts for. */
  moduleId: string;
  /** ECTS credits granted (at most the module's credits). */
  credits: number;
  match: AgreementMatch;
  conditions?: AgreementConditions;
  /**
   * When the credential's own ECTS are fewer than `credits`, grant its ECTS instead of refusing
   * (a partial decision). Without it such a credential is refused.
   */
  allowPartial?: boolean;
}

export interface ConditionCheck {
  agreementId: string;
  /** Machine name: match, status, minEqfLevel, minCredits, credits, maxAge, qualityAssurance, assessmentType, identityVerified, minGrade, module, cap. */
  condition: string;
  passed: boolean;
  message: string;
}

export type ProposedDecision = 'accept' | 'partial' | 'reject';

export interface ProposalItem {
  credentialKey: string;
  achievementName: string;
  issuerId: string;
  decision: ProposedDecision;
  agreementId?: string;
  moduleId?: string;
  moduleName?: string;
  /** Credits proposed, after module and programme caps. */
  credits: number;
  /** Credits the agreement grants before caps. */
  creditsBeforeCaps: number;
  /** Every condition checked, for every agreement that matched the credential. */
  checks: ConditionCheck[];
  reasons: string[];
}

export interface ModuleGap {
  moduleId: string;
  moduleName: string;
  creditsOutstanding: number;
}

export interface RecognitionGap {
  /** totalCredits minus recognised credits. */
  creditsStillNeeded: number;
  modules: ModuleGap[];
  summary: string;
}

export interface RecognitionProposal {
  programmeId: string;
  programmeVersion?: number;
  asOf: string;
  /** Copied so that the decision step can check amendments without the programme at hand. */
  programme: Programme;
  items: ProposalItem[];
  totalRecognised: number;
  /** The effective cap on prior-learning credits, and whether it cut anything. */
  cap: { limit: number; reached: boolean; explanation: string };
  gap: RecognitionGap;
  summary: string;
}

export type RegistrarAction = 'approve' | 'amend' | 'reject';

export interface RegistrarDecision {
  credentialKey: string;
  action: RegistrarAction;
  /** For amend: the credits granted. */
  credits?: number;
  /** For amend: another module of the programme. */
  moduleId?: string;
  /** Required for amend and reject. */
  reason?: string;
}

export interface FinalItem {
  credentialKey: string;
  proposed: ProposalItem;
  decision?: { action: RegistrarAction; reason?: string; credits?: number; moduleId?: string };
  outcome: 'recognised' | 'rejected' | 'pending';
  credits: number;
  moduleId?: string;
}

export interface DecisionRecord {
  programmeId: string;
  programmeVersion?: number;
  asOf: string;
  decidedBy: string;
  decidedOn: string;
  items: FinalItem[];
  totalRecognised: number;
  gap: RecognitionGap;
  /** True when every item has a decision. */
  final: boolean;
  /** The engine's proposal as the registrar saw it, kept for audit and appeal. */
  proposal: RecognitionProposal;
}
