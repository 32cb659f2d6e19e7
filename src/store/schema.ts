import type { Role } from '../domain/roles.ts';
import type { Generated, Insertable, Selectable, Updateable } from 'kysely';
import type { ObApiTables } from './schema-ob-api.ts';
import type { PresentationTables } from './schema-presentations.ts';
import type { Oid4vciTables } from './schema-oid4vci.ts';
import type { PathwayTables } from './schema-pathways.ts';
import type { RecognitionTables } from './schema-recognition.ts';
import type { IntegrationTables } from './schema-integrations.ts';
import type { LtiTables } from './schema-lti.ts';

/**
 * The one description of every table (STYLE.md, from kysely). Times are ISO 8601 UTC strings
 * (`Date#toISOString`, so they sort as text on both dialects); JSON columns are text holding JSON;
 * booleans are 0/1 integers. Ids are random UUIDs unless noted.
 */
/** Issue 5's recognition tables are described beside this file (schema-recognition.ts). */
export interface DB extends RecognitionTables, PathwayTables, IntegrationTables, ObApiTables, PresentationTables, Oid4vciTables, LtiTables {
  organisations: OrganisationTable;
  users: UserTable;
  memberships: MembershipTable;
  sessions: SessionTable;
  rate_limits: RateLimitTable;
  api_keys: ApiKeyTable;
  audit_log: AuditTable;
  issuers: IssuerTable;
  issuer_keys: IssuerKeyTable;
  achievements: AchievementTable;
  achievement_versions: AchievementVersionTable;
  credentials: CredentialTable;
  status_lists: StatusListTable;
  status_allocations: StatusAllocationTable;
  idempotency_keys: IdempotencyTable;
  bulk_jobs: BulkJobTable;
  bulk_job_chunks: BulkJobChunkTable;
  bulk_job_errors: BulkJobErrorTable;
  jobs: JobTable;
  outbox: OutboxTable;
  user_emails: UserEmailTable;
  learner_keys: LearnerKeyTable;
  wallet_credentials: WalletCredentialTable;
  wallet_collections: WalletCollectionTable;
  wallet_collection_items: WalletCollectionItemTable;
  shares: ShareTable;
  vcapi_exchanges: VcApiExchangeTable;
  account_links: AccountLinkTable;
}

export interface OrganisationTable {
  id: string;
  name: string;
  created_at: string;
  updated_at: string;
}

export interface UserTable {
  id: string;
  /** Lower-cased. */
  email: string;
  name: string | null;
  password_hash: string | null;
  email_verified_at: string | null;
  created_at: string;
  /** Sessions issued before this instant are void ("log out everywhere"). */
  sessions_valid_after: string | null;
}

export { ROLES, type Role } from '../domain/roles.ts';

export interface MembershipTable {
  organisation_id: string;
  user_id: string;
  role: Role;
  created_at: string;
}

export interface SessionTable {
  /** sha256 (hex) of the cookie token: a database leak yields no usable session. */
  id: string;
  user_id: string;
  csrf_token: string;
  created_at: string;
  expires_at: string;
  ip: string | null;
}

export interface RateLimitTable {
  /** e.g. `login:ip:127.0.0.1` — kept in the database so every node sees the same count. */
  key: string;
  window_start: string;
  count: number;
}

export { API_KEY_SCOPES, type ApiKeyScope } from '../domain/roles.ts';

export interface ApiKeyTable {
  id: string;
  organisation_id: string;
  name: string;
  /** First characters of the key, shown in lists so a key can be recognised. */
  prefix: string;
  /** sha256 (hex) of the secret part; the key itself is shown once. */
  secret_hash: string;
  /** JSON array of ApiKeyScope. */
  scopes: string;
  created_by: string | null;
  created_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
}

export interface AuditTable {
  id: string;
  organisation_id: string | null;
  at: string;
  actor_type: 'user' | 'api-key' | 'system' | 'anonymous';
  actor_id: string | null;
  action: string;
  target_type: string | null;
  target_id: string | null;
  ip: string | null;
  /** JSON object; never secrets or personal data beyond ids. */
  details: string | null;
}

export interface IssuerTable {
  id: string;
  organisation_id: string;
  name: string;
  url: string | null;
  email: string | null;
  image: string | null;
  country: string | null;
  description: string | null;
  did_method: 'web' | 'key';
  did: string;
  is_default: number;
  created_at: string;
  updated_at: string;
}

export interface IssuerKeyTable {
  /** Verification method id (DID URL). */
  id: string;
  issuer_id: string;
  public_key_multibase: string;
  /** AES-256-GCM under the master key: base64(iv | tag | ciphertext) of the 32-byte seed. */
  secret_encrypted: string;
  status: 'active' | 'retired';
  created_at: string;
  retired_at: string | null;
}

export interface AchievementTable {
  id: string;
  organisation_id: string;
  issuer_id: string;
  current_version: number;
  archived_at: string | null;
  image_type: string | null;
  /** base64 of the (sanitised) image. */
  image_data: string | null;
  created_at: string;
  updated_at: string;
}

export interface AchievementVersionTable {
  achievement_id: string;
  version: number;
  /** JSON: the definition as entered (name, description, criteria, EU elements, alignments…). */
  data: string;
  created_by: string | null;
  created_at: string;
}

export type CredentialStatus = 'active' | 'revoked' | 'suspended';

export interface CredentialTable {
  id: string;
  organisation_id: string;
  issuer_id: string;
  achievement_id: string | null;
  achievement_version: number | null;
  /** The credential's `id` (a URL under PUBLIC_URL). */
  credential_url: string;
  recipient_email: string | null;
  recipient_did: string | null;
  recipient_name: string | null;
  format: 'ldp' | 'jwt';
  /** The signed credential exactly as issued (JSON text or compact JWT). Never updated. */
  document: string;
  issued_at: string;
  valid_from: string | null;
  valid_until: string | null;
  status: CredentialStatus;
  status_reason: string | null;
  status_changed_at: string | null;
  revocation_list_id: string | null;
  revocation_index: number | null;
  suspension_list_id: string | null;
  suspension_index: number | null;
  renewed_from: string | null;
  claim_token_hash: string | null;
  claimed_at: string | null;
  bulk_job_id: string | null;
  /** Hash identifying a bulk row's recipient and content: re-running a file issues nothing twice. */
  dedupe_key: string | null;
  created_by: string | null;
  /**
   * A holder-bound copy (issued to a wallet's DID when a claim was taken into it) names its original
   * here: the original's status changes reach it, and lists show the original alone.
   */
  bound_from: string | null;
  /** The channel that took the copy: 'openid4vci', 'lcw'. */
  bound_via: string | null;
}

export interface StatusListTable {
  id: string;
  issuer_id: string;
  purpose: 'revocation' | 'suspension' | 'message';
  /** Entries (credentials) the list holds. */
  size: number;
  /** Bits per entry (Bitstring Status List §2.1 statusSize): 1, or more for a message list. */
  status_size: Generated<number>;
  allocated: number;
  /** The signed BitstringStatusListCredential (JSON text), re-signed on every change. */
  credential: string | null;
  version: number;
  created_at: string;
  updated_at: string;
}

export interface StatusAllocationTable {
  list_id: string;
  idx: number;
  /** In a message list, the status value the position holds (0 … 2^statusSize − 1); 0 elsewhere. */
  value: Generated<number>;
  /** In a message list, the credential (`credentials.id`) the position belongs to. */
  credential_id: string | null;
}

export interface IdempotencyTable {
  organisation_id: string;
  key: string;
  /** sha256 of method, path and body: the same key with another request is refused. */
  request_hash: string;
  response_status: number | null;
  response_body: string | null;
  created_at: string;
}

export type BulkJobStatus = 'queued' | 'validating' | 'issuing' | 'done' | 'failed';

export interface BulkJobTable {
  id: string;
  organisation_id: string;
  achievement_id: string;
  file_name: string | null;
  file_sha256: string;
  file_bytes: number;
  status: BulkJobStatus;
  total_rows: number;
  valid_rows: number;
  invalid_rows: number;
  processed: number;
  issued: number;
  skipped_duplicates: number;
  failure: string | null;
  created_by: string | null;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
}

/** The uploaded CSV in pieces, so neither upload nor processing holds the whole file. */
export interface BulkJobChunkTable {
  job_id: string;
  seq: number;
  data: string;
}

export interface BulkJobErrorTable {
  job_id: string;
  line: number;
  /** JSON array of messages in words. */
  messages: string;
}

export interface JobTable {
  id: string;
  kind: string;
  payload: string;
  status: 'queued' | 'running' | 'done' | 'failed';
  run_at: string;
  locked_by: string | null;
  locked_until: string | null;
  attempts: number;
  last_error: string | null;
  created_at: string;
  updated_at: string;
}

export interface OutboxTable {
  id: string;
  organisation_id: string | null;
  to_address: string;
  subject: string;
  text_body: string;
  html_body: string | null;
  created_at: string;
  sent_at: string | null;
  error: string | null;
}

/** Every address of a user, the sign-in one included; credentials issued to a verified one are offered. */
export interface UserEmailTable {
  id: string;
  user_id: string;
  /** Lower-cased; one user per address. */
  email: string;
  verified_at: string | null;
  /** sha256 (hex) of the token in the verification link; cleared once used. */
  verify_token_hash: string | null;
  verify_sent_at: string | null;
  created_at: string;
}

/** The learner's did:key, kept by microcred: receives DID-bound credentials, signs presentations. */
export interface LearnerKeyTable {
  user_id: string;
  did: string;
  public_key_multibase: string;
  /** AES-256-GCM under the master key, as issuer_keys.secret_encrypted. */
  secret_encrypted: string;
  created_at: string;
}

export type WalletSource = 'claim' | 'upload' | 'paste' | 'url' | 'ob-api' | 'openid4vci';
export type WalletStatus = 'verified' | 'revoked' | 'suspended' | 'expired' | 'invalid' | 'unknown';

/** One credential in a learner's wallet. */
export interface WalletCredentialTable {
  id: string;
  user_id: string;
  source: WalletSource;
  /** Where a URL import read it. */
  source_url: string | null;
  /** credentials.id when claimed from this instance. */
  issued_credential_id: string | null;
  /** Media type of `original`: application/json, application/jwt, image/png, image/svg+xml. */
  original_type: string;
  /** The bytes as received: text as is, binary (PNG) as base64. Never updated. */
  original: string;
  /** 'ldp' | 'jwt' | 'ob2' */
  format: string;
  /** 'Open Badges 3.0' | 'Open Badges 2.0' | 'CLR 2.0' | 'Verifiable Credential' */
  standard: string;
  /** The credential as JSON text (decoded from the JWT or the badge image), when it could be read. */
  document: string | null;
  /** The credential's own id (duplicates are recognised by it)… */
  credential_key: string | null;
  /** …or by sha256 of its proof (signature value or JWT signature). */
  proof_key: string | null;
  name: string;
  description: string | null;
  issuer_id: string | null;
  issuer_name: string | null;
  /** Image URL or data: URL of the achievement's image. */
  image: string | null;
  issued_at: string | null;
  valid_until: string | null;
  /** ECTS credits × 100 (two decimals, exact on both dialects). */
  ects_centi: number | null;
  eqf_level: number | null;
  /** Field of study (ISCED-F code or name), for totals by field. */
  field: string | null;
  /** JSON array of {uri?, label} skills and outcomes aligned in the credential. */
  skills: string | null;
  /** Lower-cased name, description, issuer and skills: what the wallet's search matches. */
  search_text: string;
  status: WalletStatus;
  /** JSON: the last VerificationResult's checks (no credential copy). */
  verification: string;
  verified_at: string;
  added_at: string;
}

export interface WalletCollectionTable {
  id: string;
  user_id: string;
  name: string;
  description: string | null;
  created_at: string;
  updated_at: string;
}

export interface WalletCollectionItemTable {
  collection_id: string;
  credential_id: string;
  position: number;
}

export type ShareTarget = 'credential' | 'collection';

/** A public link to one wallet credential or collection: private until made, revocable, may expire. */
export interface ShareTable {
  id: string;
  user_id: string;
  target_type: ShareTarget;
  /** wallet_credentials.id or wallet_collections.id */
  target_id: string;
  /** The unguessable part of the public URL (/s/{token}); the learner sees it again, so it is kept. */
  token: string;
  created_at: string;
  expires_at: string | null;
  revoked_at: string | null;
  views: number;
}

export type Row<T extends keyof DB> = Selectable<DB[T]>;
export type NewRow<T extends keyof DB> = Insertable<DB[T]>;
export type RowUpdate<T extends keyof DB> = Updateable<DB[T]>;
// Generated is re-exported for tables that later gain database-made columns.
export type { Generated };

export type VcApiExchangeState = 'pending' | 'active' | 'complete' | 'invalid';

/** A VC-API exchange (the Learner Credential Wallet's protocol) that takes one claim into a wallet. */
export interface VcApiExchangeTable {
  /** Random, unguessable: the exchange URL is the capability the wallet is given. */
  id: string;
  workflow_id: string;
  /** The original credential whose claim link the exchange consumes. */
  credential_id: string;
  state: VcApiExchangeState;
  challenge: string;
  holder_did: string | null;
  result_credential_id: string | null;
  created_by: string | null;
  created_at: string;
  expires_at: string;
  completed_at: string | null;
}

/** A password-reset or invitation link sent by e-mail (migration 0016); works once, until it expires. */
export interface AccountLinkTable {
  id: string;
  /** sha256 (hex) of the token in the link. */
  token_hash: string;
  purpose: 'password-reset' | 'invitation';
  /** Lower-cased: where the link was sent. */
  email: string;
  /** The account a reset is for; null for an invitation until it is accepted. */
  user_id: string | null;
  organisation_id: string | null;
  role: Role | null;
  /** The invitee's name as the inviter typed it. */
  name: string | null;
  created_by: string | null;
  created_at: string;
  expires_at: string;
  used_at: string | null;
}
