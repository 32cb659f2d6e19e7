/** Recognition (credit transfer) as the API answers it: docs/recognition.md and src/domain/recognition/types.ts. */

export interface ProgrammeModule {
  id: string;
  name: string;
  credits: number;
}

export interface Programme {
  id: string;
  organisationId: string;
  organisationName?: string;
  name: string;
  version?: number;
  totalCredits: number;
  modules: ProgrammeModule[];
  maxRecognisedCredits?: number;
  maxRecognisedShare?: number;
  partialCredits?: boolean;
  achievementId: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface Agreement {
  id: string;
  programmeId: string;
  version?: number;
  moduleId: string;
  credits: number;
  match: { issuerId?: string; achievementId?: string; alignments?: string[]; fieldsOfStudy?: string[] };
  conditions?: {
    minEqfLevel?: number;
    minCredits?: number;
    maxAge?: string | number;
    qualityAssuranceRequired?: boolean;
    acceptedAssessmentTypes?: string[];
    identityVerifiedRequired?: boolean;
    minGrade?: { value: number | string; scale?: string[] };
  };
  allowPartial?: boolean;
  createdAt: string;
}

export interface ConditionCheck {
  agreementId: string;
  condition: string;
  passed: boolean;
  message: string;
}

export interface ProposalItem {
  credentialKey: string;
  achievementName: string;
  issuerId: string;
  decision: 'accept' | 'partial' | 'reject';
  agreementId?: string;
  moduleId?: string;
  moduleName?: string;
  credits: number;
  creditsBeforeCaps: number;
  checks: ConditionCheck[];
  reasons: string[];
}

export interface RecognitionGap {
  creditsStillNeeded: number;
  modules: { moduleId: string; moduleName: string; creditsOutstanding: number }[];
  summary: string;
}

export interface Proposal {
  programme: { name: string; modules: ProgrammeModule[]; totalCredits: number };
  items: ProposalItem[];
  totalRecognised: number;
  cap: { limit: number; reached: boolean; explanation: string };
  gap: RecognitionGap;
  summary: string;
}

export type RegistrarAction = 'approve' | 'amend' | 'reject';

export interface FinalItem {
  credentialKey: string;
  proposed: ProposalItem;
  decision?: { action: RegistrarAction; reason?: string; credits?: number; moduleId?: string };
  outcome: 'recognised' | 'rejected' | 'pending';
  credits: number;
  moduleId?: string;
}

export interface DecisionRecord {
  items: FinalItem[];
  totalRecognised: number;
  gap: RecognitionGap;
  final: boolean;
  decidedOn: string;
}

export interface RecognitionRequest {
  id: string;
  organisationId: string;
  programmeId: string;
  programmeName?: string;
  organisationName?: string;
  userId: string;
  credentialIds: string[];
  status: 'pending' | 'decided' | 'withdrawn';
  proposal: Proposal;
  decision: DecisionRecord | null;
  decidedAt: string | null;
  issuedCredentialId: string | null;
  createdAt: string;
}

export interface SourceCredential {
  id: string;
  achievementName: string;
  issuerName: string | null;
  issuerId: string | null;
  creditsEcts: number | null;
  eqfLevel: number | null;
  status: string;
  issuedOn: string | null;
}

export interface QueueRequest extends RecognitionRequest {
  learner: { name: string | null; email: string };
  programmeName: string;
}

export interface RequestDetail extends RecognitionRequest {
  learner: { name: string | null; email: string };
  credentials: SourceCredential[];
}

export const REQUEST_STATUS: Record<RecognitionRequest['status'], string> = { pending: 'Waiting for a decision', decided: 'Decided', withdrawn: 'Withdrawn' };
export const PROPOSED: Record<ProposalItem['decision'], string> = { accept: 'Recognise', partial: 'Recognise in part', reject: 'Do not recognise' };
export const OUTCOME: Record<FinalItem['outcome'], string> = { recognised: 'Recognised', rejected: 'Not recognised', pending: 'Not decided yet' };

/** "5 ECTS", "2.5 ECTS". */
export function ects(value: number | null | undefined): string {
  return value === null || value === undefined ? '—' : `${Math.round(value * 100) / 100} ECTS`;
}

/** An agreement's match and conditions in a sentence. */
export function describeAgreement(a: Agreement): string {
  const match = [
    a.match.achievementId ? `achievement ${a.match.achievementId}` : '',
    a.match.issuerId ? `from ${a.match.issuerId}` : '',
    a.match.alignments?.length ? `aligned to ${a.match.alignments.join(', ')}` : '',
    a.match.fieldsOfStudy?.length ? `in ${a.match.fieldsOfStudy.join(', ')}` : '',
  ].filter(Boolean).join(' ');
  const c = a.conditions ?? {};
  const conditions = [
    c.minEqfLevel !== undefined ? `EQF ${c.minEqfLevel} or above` : '',
    c.minCredits !== undefined ? `at least ${c.minCredits} ECTS` : '',
    c.maxAge !== undefined ? `no older than ${typeof c.maxAge === 'number' ? `${c.maxAge} days` : c.maxAge}` : '',
    c.qualityAssuranceRequired ? 'quality assured' : '',
    c.acceptedAssessmentTypes?.length ? `assessed by ${c.acceptedAssessmentTypes.join(' or ')}` : '',
    c.identityVerifiedRequired ? 'identity-verified assessment' : '',
    c.minGrade ? `grade ${String(c.minGrade.value)} or better` : '',
  ].filter(Boolean);
  return `${match || 'Any credential'}${conditions.length ? `; ${conditions.join(', ')}` : ''}.`;
}

// RPL by assessment (cases, evidence per learning outcome, reviews).

export type RplEvidence =
  | { kind: 'file'; id: string; name: string; mediaType: string; sizeBytes: number; title?: string; addedAt: string }
  | { kind: 'link'; id: string; url: string; title?: string; addedAt: string }
  | { kind: 'narrative'; id: string; text: string; addedAt: string };

export interface RplReview {
  action: 'accept' | 'request-more' | 'reject';
  assessorId: string;
  at: string;
  feedback?: string;
}

export interface RplOutcome {
  id: string;
  statement: string;
  status: 'awaiting-evidence' | 'submitted' | 'accepted' | 'more-requested' | 'rejected';
  evidence: RplEvidence[];
  reviews: RplReview[];
}

export interface RplCase {
  id: string;
  organisationId: string;
  learnerId: string;
  achievementId: string;
  achievementName: string;
  status: 'draft' | 'submitted' | 'in-review' | 'awarded' | 'not-awarded' | 'withdrawn';
  outcomes: RplOutcome[];
  decision?: { result: 'awarded' | 'not-awarded'; at: string; feedback: string[] };
  issuedCredentialId: string | null;
  createdAt: string;
  updatedAt: string;
  learner?: { name: string | null; email: string };
}

export interface RplAchievement {
  achievementId: string;
  name: string;
  organisationId: string;
  organisationName: string;
  outcomes: { id: string; statement: string }[];
}

export const OUTCOME_WORDS: Record<RplOutcome['status'], string> = {
  'awaiting-evidence': 'Awaiting evidence',
  submitted: 'Submitted',
  accepted: 'Accepted',
  'more-requested': 'More evidence requested',
  rejected: 'Rejected',
};
export const CASE_WORDS: Record<RplCase['status'], string> = {
  draft: 'Draft',
  submitted: 'Submitted',
  'in-review': 'In review',
  awarded: 'Awarded',
  'not-awarded': 'Not awarded',
  withdrawn: 'Withdrawn',
};
