/** Tables of the LTI 1.3 tool (issue 13 §2). */

/** An LMS registered by an organisation: what its launches are checked against. */
export interface LtiPlatformTable {
  id: string;
  organisation_id: string;
  name: string;
  /** The platform's `iss`. */
  issuer: string;
  /** The client id the platform gave microcred (the `aud` of its id_tokens). */
  client_id: string;
  /** JSON array of the deployment ids accepted. */
  deployment_ids: string;
  jwks_url: string;
  /** The platform's OIDC authorisation endpoint (where the authentication request goes). */
  auth_login_url: string;
  /** The platform's OAuth 2.0 token endpoint (client-credentials grant for AGS and NRPS). */
  token_url: string;
  /** The `aud` of the client assertion when the platform wants another than its token URL (Brightspace's "OAuth2 Audience"). */
  token_audience: string | null;
  created_by: string | null;
  created_at: string;
}

/** The tool's own signing key (RS256), one per instance: its private JWK sealed with the master key. */
export interface LtiToolKeyTable {
  kid: string;
  /** 'current': one row, so nodes starting together agree on one key. */
  slot: string;
  public_jwk: string;
  private_jwk_encrypted: string;
  created_at: string;
}

/** A login initiation waiting for its launch: the state and nonce sent, consumed by the launch (single use). */
export interface LtiStateTable {
  state: string;
  nonce: string;
  platform_id: string;
  expires_at: string;
}

/** A validated launch, for the pages that follow it inside the LMS frame (the token travels in the form, not a cookie). */
export interface LtiSessionTable {
  /** sha256 of the token. */
  token_hash: string;
  platform_id: string;
  deployment_id: string;
  subject: string;
  /** JSON: the launch claims the pages need (roles, context, AGS, NRPS, deep-linking settings). */
  claims: string;
  expires_at: string;
}

/** A course mapped by its instructor to an achievement and a completion rule (grade line item ≥ threshold). */
export interface LtiCourseTable {
  id: string;
  organisation_id: string;
  platform_id: string;
  deployment_id: string;
  context_id: string;
  context_title: string | null;
  achievement_id: string;
  line_item_url: string;
  line_item_label: string | null;
  /** The lowest result score (resultScore / resultMaximum, 0..1) that earns the credential. */
  min_score: number;
  memberships_url: string;
  created_by: string | null;
  created_at: string;
  last_run_at: string | null;
  last_error: string | null;
}

/** A learner who met a mapped course's rule: issued once (unique per organisation, achievement and e-mail). */
export interface LtiAwardTable {
  id: string;
  /** The course it was earned in; null once that mapping (or its platform) is removed. */
  course_id: string | null;
  organisation_id: string;
  achievement_id: string;
  platform_id: string | null;
  /** The learner's id at the platform (`sub`, NRPS `user_id`). */
  subject: string;
  email: string;
  name: string | null;
  score: number | null;
  /** The evidence narrative put in the credential (grade item, course, score), fixed when awarded. */
  evidence: string;
  credential_id: string | null;
  created_at: string;
}

export interface LtiTables {
  lti_platforms: LtiPlatformTable;
  lti_tool_keys: LtiToolKeyTable;
  lti_states: LtiStateTable;
  lti_sessions: LtiSessionTable;
  lti_courses: LtiCourseTable;
  lti_awards: LtiAwardTable;
}
