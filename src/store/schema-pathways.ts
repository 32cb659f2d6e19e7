/** Tables of pathways (stacked credentials, issue 5): rules, trusted issuers, learners' progress, awards and flags. */

export type PathwayStatus = 'draft' | 'published' | 'archived';
export type RevocationPolicy = 'suspend' | 'review';

/** A pathway of an organisation: its current rules (the engine's JSON, without id/version/name/target) and settings. */
export interface PathwayTable {
  id: string;
  organisation_id: string;
  name: string;
  description: string | null;
  status: PathwayStatus;
  /** Raised by each change; evaluations and awards record the version they used. */
  version: number;
  /** The organisation's achievement issued on completion (the stacked credential). */
  achievement_id: string;
  /** 1: issue the target automatically when a learner completes the pathway. */
  auto_issue: number;
  revocation_policy: RevocationPolicy;
  /** 1: the organisation's trusted issuers (and its own issuers) are the pathway's trusted issuers too. */
  use_trust_list: number;
  /** JSON: requirements, trustedIssuers, maxAge, allowSharing. */
  rules: string;
  created_at: string;
  updated_at: string;
}

/** Every version of a pathway as saved (JSON of the whole input), for audit and for awards that name a version. */
export interface PathwayVersionTable {
  pathway_id: string;
  version: number;
  data: string;
  created_by: string | null;
  created_at: string;
}

/** Issuers (DIDs or URLs) an organisation trusts for its pathways. */
export interface TrustedIssuerTable {
  id: string;
  organisation_id: string;
  issuer_id: string;
  name: string;
  created_at: string;
}

/** A learner's last computed progress on a pathway (and whether they follow it). */
export interface PathwayProgressTable {
  user_id: string;
  pathway_id: string;
  version: number;
  /** Progress × 1000 (0..1000). */
  progress_permille: number;
  complete: number;
  /** ECTS counted × 100. */
  credits_centi: number;
  /** JSON: the PathwayEvaluation (credential keys are wallet item ids). */
  evaluation: string;
  following: number;
  computed_at: string;
}

/** The stacked credential issued to a learner for completing a pathway. */
export interface PathwayAwardTable {
  id: string;
  pathway_id: string;
  user_id: string;
  /** credentials.id of the stacked credential. */
  credential_id: string;
  pathway_version: number;
  /** JSON: [{walletItemId, credentialKey, achievementName, requirements}] the award was built from. */
  constituents: string;
  created_at: string;
}

/** A constituent of an award that is no longer valid (revoked…), for the issuer to decide on. */
export interface PathwayFlagTable {
  id: string;
  organisation_id: string;
  pathway_id: string;
  award_id: string;
  /** wallet_credentials.id of the constituent. */
  constituent_key: string;
  constituent_name: string;
  reason: string;
  status: 'open' | 'resolved';
  action: 'suspended' | 'revoked' | 'kept' | null;
  resolution_reason: string | null;
  resolved_by: string | null;
  created_at: string;
  resolved_at: string | null;
}

export interface PathwayTables {
  pathways: PathwayTable;
  pathway_versions: PathwayVersionTable;
  trusted_issuers: TrustedIssuerTable;
  pathway_progress: PathwayProgressTable;
  pathway_awards: PathwayAwardTable;
  pathway_flags: PathwayFlagTable;
}
