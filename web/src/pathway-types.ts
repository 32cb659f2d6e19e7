/**
 * Shapes of the pathway API (stacked credentials; docs/stacking.md for the rule language), as the
 * server returns them. The rules are the engine's JSON without id, version, name and target.
 */

export type RequirementKind = 'allOf' | 'atLeastN' | 'atLeastCredits' | 'minEqfLevel' | 'outcomes';

export interface CredentialFilter {
  issuers?: string[];
  minEqfLevel?: number;
  achievementTypes?: string[];
  maxAge?: string | number;
  minCredits?: number;
}

export interface CredentialSelector extends CredentialFilter {
  achievements?: string[];
  alignments?: string[];
  fieldsOfStudy?: string[];
}

/** A requirement as the engine reads it (loosely typed: the designer may send half-written ones). */
export interface Requirement {
  id: string;
  kind: RequirementKind;
  label?: string;
  allowSharing?: boolean;
  achievements?: string[];
  where?: CredentialFilter;
  n?: number | string;
  credits?: number | string;
  level?: number | string;
  count?: number | string;
  outcomes?: string[];
  from?: CredentialSelector;
}

export interface PathwayRules {
  requirements: Requirement[];
  trustedIssuers?: string[];
  maxAge?: string | number;
  allowSharing?: boolean;
}

export type PathwayStatus = 'draft' | 'published' | 'archived';
export type RevocationPolicy = 'suspend' | 'review';

export interface PathwayView {
  id: string;
  organisationId: string;
  name: string;
  description: string | null;
  status: PathwayStatus;
  version: number;
  achievementId: string;
  achievementUrl: string;
  issuerId: string | null;
  autoIssue: boolean;
  revocationPolicy: RevocationPolicy;
  useTrustList: boolean;
  rules: PathwayRules;
  createdAt: string;
  updatedAt: string;
  versions?: { version: number; updatedAt: string }[];
}

export interface PathwayInput {
  name: string;
  description?: string | null;
  achievementId: string;
  status: PathwayStatus;
  autoIssue: boolean;
  revocationPolicy: RevocationPolicy;
  useTrustList: boolean;
  rules: PathwayRules;
}

export interface Missing {
  achievements?: string[];
  outcomes?: string[];
  count?: number;
  credits?: number;
}

export interface RequirementResult {
  id: string;
  label?: string;
  kind: RequirementKind;
  satisfied: boolean;
  progress: number;
  assigned: string[];
  shared: boolean;
  achieved: number;
  required: number;
  unit: 'credentials' | 'ECTS' | 'items';
  missing: Missing;
  reasons: string[];
}

export interface UnusableCredential {
  key: string;
  achievementName: string;
  reasons: string[];
}

export interface PathwayEvaluation {
  pathwayId: string;
  pathwayVersion: number;
  asOf: string;
  complete: boolean;
  progress: number;
  creditsCounted: number;
  requirements: RequirementResult[];
  unusable: UnusableCredential[];
  exact: boolean;
  summary: string;
}

export interface Problem {
  path: string;
  message: string;
}

export interface SampleCredential {
  key: string;
  achievementName: string;
  issuerName: string | null;
  status: string;
}

export interface PathwayCheck {
  problems: Problem[];
  evaluation: PathwayEvaluation | null;
  sample: SampleCredential[];
}

export interface CatalogueItem {
  achievementUrl: string;
  achievementId: string;
  name: string;
  issuerId: string;
  issuerName: string | null;
  organisationId: string;
  organisationName: string;
  creditsEcts: number | null;
  eqfLevel: number | null;
  achievementType?: string | null;
  fieldOfStudy: string | null;
  alignments: { targetUrl?: string; name?: string }[];
}

export interface TrustedIssuer {
  id: string;
  issuerId: string;
  name: string;
  createdAt: string;
}

export interface PathwayFlag {
  id: string;
  pathwayId: string;
  pathwayName: string;
  awardCredentialId: string;
  constituentCredentialKey: string;
  constituentName: string;
  reason: string;
  status: 'open' | 'resolved';
  action: null | 'suspended' | 'revoked' | 'kept';
  resolutionReason?: string | null;
  createdAt: string;
  resolvedAt: string | null;
}

export interface PathwayAward {
  userId: string;
  credentialId: string;
  issuedAt: string;
  pathwayVersion: number;
  flagged: boolean;
}

/** A published pathway as every signed-in user sees it. */
export interface PublishedPathway {
  id: string;
  organisationId: string;
  organisationName: string;
  name: string;
  description: string | null;
  version: number;
  achievementUrl: string;
  requirementsCount: number;
}

export interface PathwayProgress {
  pathwayId: string;
  pathwayName: string;
  organisationId?: string;
  organisationName: string;
  version: number;
  progress: number;
  complete: boolean;
  creditsCounted: number;
  evaluation: PathwayEvaluation;
  awardedCredentialId: string | null;
  awardedWalletItemId: string | null;
  computedAt: string;
  following: boolean;
}

export interface PlannedAchievement {
  achievementId: string;
  achievementName: string;
  issuerId: string;
  creditsEcts?: number;
  reasons: string[];
}

export interface Plan {
  feasible: boolean;
  alreadyComplete: boolean;
  method: 'exact' | 'greedy';
  objective: 'count' | 'credits';
  achievements: PlannedAchievement[];
  cost: number;
  progressBefore: number;
  progressAfter: number;
  candidatesConsidered: number;
  reasons: string[];
}

export type PathwayDetail = PathwayProgress & { plan?: Plan };

export const KIND_LABELS: Record<RequirementKind, string> = {
  allOf: 'All of these achievements',
  atLeastN: 'At least N credentials from a selection',
  atLeastCredits: 'At least so many ECTS credits',
  minEqfLevel: 'Credentials at an EQF level or above',
  outcomes: 'Learning outcomes or skills covered',
};

/** A share (0..1) as a whole percentage. */
export function percent(share: number): number {
  return Math.round(Math.max(0, Math.min(1, share)) * 100);
}

/** ECTS without needless decimals ("7.5", "10"). */
export function credits(value: number): string {
  return String(Math.round(value * 100) / 100);
}
