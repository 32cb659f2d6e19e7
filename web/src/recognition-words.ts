/** The recognition office's words: statuses, proposed and final outcomes, an agreement in a sentence. */
import type { Agreement, FinalItem, ProposalItem, RequestStatus, RplCaseView, RplOutcome } from './api-types.ts';

export const REQUEST_STATUS: Record<RequestStatus, string> = { pending: 'Waiting for a decision', decided: 'Decided', withdrawn: 'Withdrawn' };
export const PROPOSED: Record<ProposalItem['decision'], string> = { accept: 'Recognise', partial: 'Recognise in part', reject: 'Do not recognise' };
export const OUTCOME: Record<FinalItem['outcome'], string> = { recognised: 'Recognised', rejected: 'Not recognised', pending: 'Not decided yet' };

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

export const OUTCOME_WORDS: Record<RplOutcome['status'], string> = {
  'awaiting-evidence': 'Awaiting evidence',
  submitted: 'Submitted',
  accepted: 'Accepted',
  'more-requested': 'More evidence requested',
  rejected: 'Rejected',
};
export const CASE_WORDS: Record<RplCaseView['status'], string> = {
  draft: 'Draft',
  submitted: 'Submitted',
  'in-review': 'In review',
  awarded: 'Awarded',
  'not-awarded': 'Not awarded',
  withdrawn: 'Withdrawn',
};
