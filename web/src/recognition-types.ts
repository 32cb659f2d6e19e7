/** Shapes of the recognition (credit transfer) and RPL routes (docs/recognition.md, src/http/routes/recognition.ts). */

export interface ProgrammeModule {
  id: string;
  name: string;
  credits: number;
}

export interface Programme {
  id: string;
  organisationId: string;
  organisationName?: string;
  version?: number;
  name: string;
  totalCredits: number;
  modules: ProgrammeModule[];
  maxRecognisedCredits?: number;
  maxRecognisedShare?: number;
  partialCredits?: boolean;
  achievementId?: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface AgreementConditions {
  minEqfLevel?: number;
  minCredits?: number;
  maxAge?: string | number;
  qualityAssuranceRequired?: boolean;
  acceptedAssessmentTypes?: string[];
  identityVerifiedRequired?: boolean;
  minGrade?: { value: number | string; scale?: string[] };
}

export interface Agreement {
  id: string;
  organisationId: string;
  programmeId: string;
  moduleId: string;
  credits: number;
  match: { issuerId?: string; achievementId?: string; alignments?: string[]; fieldsOfStudy?: string[] };
  conditions?: AgreementConditions;
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
  programmeId: string;
  programme: Programme;
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
  decidedOn: string;
  items: FinalItem[];
  totalRecognised: number;
  gap: RecognitionGap;
  final: boolean;
}

export interface RecognitionRequest {
  id: string;
  organisationId: string;
  programmeId: string;
  userId: string;
  credentialIds: string[];
  status: 'pending' | 'decided' | 'withdrawn';
  proposal: Proposal;
  decision: DecisionRecord | null;
  decidedAt: string | null;
  issuedCredentialId: string | null;
  createdAt: string;
  programmeName?: string;
  organisationName?: string;
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

export interface RecognitionRequestDetail extends RecognitionRequest {
  learner: { name: string | null; email: string };
  programmeName: string;
  credentials: SourceCredential[];
}

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

export const DECISION_WORDS: Record<ProposalItem['decision'], string> = { accept: 'Accept', partial: 'Accept in part', reject: 'Reject' };
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

/** An agreement's match and conditions in words, for people choosing or reviewing. */
export function agreementInWords(a: Agreement): string[] {
  const words: string[] = [];
  if (a.match.achievementId) words.push(`Achievement ${a.match.achievementId}`);
  if (a.match.issuerId) words.push(`Issuer ${a.match.issuerId}`);
  if (a.match.alignments?.length) words.push(`Aligned to ${a.match.alignments.join(', ')}`);
  if (a.match.fieldsOfStudy?.length) words.push(`Field of study ${a.match.fieldsOfStudy.join(', ')}`);
  const c = a.conditions ?? {};
  if (c.minEqfLevel !== undefined) words.push(`EQF level ${c.minEqfLevel} or above`);
  if (c.minCredits !== undefined) words.push(`At least ${c.minCredits} ECTS`);
  if (c.maxAge !== undefined) words.push(`No older than ${typeof c.maxAge === 'number' ? `${c.maxAge} days` : c.maxAge}`);
  if (c.qualityAssuranceRequired) words.push('Quality assured');
  if (c.acceptedAssessmentTypes?.length) words.push(`Assessed by ${c.acceptedAssessmentTypes.join(', ')}`);
  if (c.identityVerifiedRequired) words.push('Identity-verified assessment');
  if (c.minGrade) words.push(`Grade at least ${c.minGrade.value}${c.minGrade.scale ? ` (scale ${c.minGrade.scale.join(', ')})` : ''}`);
  return words;
}
