/** Tables of the Open Badges 3.0 API (issue 13): the authorization server's state, and the consumer's hosts and pushes. */

export interface OAuthModelTable {
  /** oidc-provider's model name: Client, Grant, AuthorizationCode, AccessToken, RefreshToken, Interaction, Session… */
  model: string;
  id: string;
  /** The model's payload as JSON. */
  payload: string;
  grant_id: string | null;
  uid: string | null;
  user_code: string | null;
  account_id: string | null;
  /** Milliseconds since the epoch; null: does not expire. Stored as bigint (a string from pg). */
  expires_at: number | string | null;
  consumed_at: number | string | null;
}

export interface ObHostTable {
  id: string;
  organisation_id: string;
  discovery_url: string;
  api_base: string;
  authorization_url: string;
  token_url: string;
  client_id: string;
  client_secret: string | null;
  created_at: string;
}

export type ObPushStatus = 'pending' | 'pushed' | 'failed' | 'denied';

export interface ObPushTable {
  id: string;
  host_id: string;
  credential_id: string;
  state_hash: string;
  code_verifier: string | null;
  status: ObPushStatus;
  http_status: number | null;
  detail: string | null;
  created_at: string;
  expires_at: string;
  completed_at: string | null;
}

export interface ObApiTables {
  oauth_models: OAuthModelTable;
  ob_hosts: ObHostTable;
  ob_pushes: ObPushTable;
}
