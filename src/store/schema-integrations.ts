/** Tables of the integrations (issue 13): webhook subscriptions and deliveries, xAPI rules, statements and awards. */

export type WebhookDeliveryStatus = 'pending' | 'delivered' | 'failed' | 'cancelled';

/** A URL an organisation subscribed to some of its events (Standard Webhooks). */
export interface WebhookSubscriptionTable {
  id: string;
  organisation_id: string;
  url: string;
  description: string | null;
  /** JSON array of event types. */
  events: string;
  /** The signing secret (`whsec_` + base64), encrypted with the key vault; shown once on creation. */
  secret_encrypted: string;
  /** 1 while deliveries are made; 0 once deleted (kept so its deliveries stay readable until purged). */
  active: number;
  created_by: string | null;
  created_at: string;
}

/** One message to one subscription: its body is fixed when the event happens, its attempts recorded. */
export interface WebhookDeliveryTable {
  /** The Standard Webhooks message id (`msg_` + UUID): the same on every attempt and replay, so receivers dedupe. */
  id: string;
  subscription_id: string;
  organisation_id: string;
  event_type: string;
  /** The JSON body sent, byte for byte the same on every attempt (the signature covers it). */
  payload: string;
  status: WebhookDeliveryStatus;
  attempts: number;
  last_status_code: number | null;
  last_error: string | null;
  last_attempt_at: string | null;
  /** The event's time, or its last replay's: retries stop a day after it. */
  window_started_at: string;
  next_attempt_at: string | null;
  delivered_at: string | null;
  created_at: string;
}

/** An organisation's rule: a statement with this verb on this activity (and at least this scaled score) earns the achievement. */
export interface XapiRuleTable {
  id: string;
  organisation_id: string;
  achievement_id: string;
  verb_id: string;
  activity_id: string;
  /** -1..1 (xAPI `result.score.scaled`), or null for any (or no) score. */
  min_scaled: number | null;
  created_by: string | null;
  created_at: string;
}

/** Statements received: unmatched ones only for the audit window (`purge_after`), matched ones with their award. */
export interface XapiStatementTable {
  organisation_id: string;
  /** The statement's id (UUID), given or assigned. */
  id: string;
  /** sha256 of the statement's comparable form: a re-sent statement with the same id is a no-op, a different one a conflict. */
  hash: string;
  statement: string;
  verb_id: string;
  activity_id: string | null;
  /** The rule that matched, or null. */
  rule_id: string | null;
  received_at: string;
  /** Null for statements that earned something (kept with the award). */
  purge_after: string | null;
}

/** At most one credential per organisation, achievement and learner earned through xAPI (exactly once). */
export interface XapiAwardTable {
  id: string;
  organisation_id: string;
  achievement_id: string;
  /** `mailto:…` or `did:…`: whom the credential goes to. */
  recipient: string;
  rule_id: string;
  statement_id: string;
  credential_id: string | null;
  created_at: string;
}

export interface IntegrationTables {
  webhook_subscriptions: WebhookSubscriptionTable;
  webhook_deliveries: WebhookDeliveryTable;
  xapi_rules: XapiRuleTable;
  xapi_statements: XapiStatementTable;
  xapi_awards: XapiAwardTable;
}
