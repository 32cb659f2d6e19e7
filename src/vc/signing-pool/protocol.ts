import type { AchievementInput, ProfileInput, VcVersion } from '../credential/build.ts';
import type { CredentialFields, CredentialTemplate } from '../credential/compose.ts';
import type { RecipientRow } from '../issue.ts';
import type { IssueFormat } from '../proofs/provider.ts';
import type { JsonObject } from '../types.ts';

/**
 * The key a signing worker signs with: the verification method id and the Ed25519 seed (opened
 * from the vault by the server, read from the key file by the CLI). Sent with every message (32
 * bytes); the worker keeps the imported key, so it is imported once per worker and key. Never logged.
 */
export interface SigningKey {
  id: string;
  seed: Uint8Array;
}

/** What every credential of a CLI batch shares: one achievement issued to rows of recipients. */
export interface RowsTemplate {
  achievement: AchievementInput;
  issuer: ProfileInput;
  version?: VcVersion;
  /** ISO date-time. */
  validUntil?: string;
  statusList?: { url: string; purpose: 'revocation' | 'suspension' };
  /** See CreateAchievementIssuerOptions.euContext. */
  euContext?: string;
}

/** One recipient row of a CLI batch, with the credential's id and status position. */
export interface RowRequest {
  row: RecipientRow;
  id: string;
  statusListIndex?: number;
}

/**
 * The credentials of one batch, in one of three forms: whole (signed as given); as each one's own
 * fields and the batch's template (the server: composed by the worker, a far smaller message); or
 * as recipient rows of one achievement (the CLI's `issue --csv`).
 */
export type SignItems =
  | { credentials: JsonObject[] }
  | { compose: { template: CredentialTemplate; fields: CredentialFields[] } }
  | { rows: { template: RowsTemplate; requests: RowRequest[] } };

/** A batch to sign with one key at one instant. */
export type SignBatch = SignItems & {
  key: SigningKey;
  /** The proof's `created` (and the CLI's `validFrom`). */
  now: Date;
  /** Default `eddsa-rdfc-2022`. */
  format?: IssueFormat;
};

/** One message to a worker: a batch (or a part of one), numbered, with its instant as text. */
export type SignJob = SignItems & {
  seq: number;
  key: SigningKey;
  /** ISO date-time. */
  now: string;
  format?: IssueFormat;
};

/** Each credential's outcome: its signed text (JSON, or a compact VC-JWT), or why it failed. */
export type SignResult = { ok: true; text: string } | { ok: false; error: string };

/** The results of a job, in its order. */
export interface SignReply {
  seq: number;
  results: SignResult[];
}

/** How many credentials the items hold. */
export function itemCount(items: SignItems): number {
  if ('credentials' in items) return items.credentials.length;
  if ('compose' in items) return items.compose.fields.length;
  return items.rows.requests.length;
}

/** The items from `from` to `to` (exclusive), in the same form. */
export function sliceItems(items: SignItems, from: number, to: number): SignItems {
  if ('credentials' in items) return { credentials: items.credentials.slice(from, to) };
  if ('compose' in items) return { compose: { template: items.compose.template, fields: items.compose.fields.slice(from, to) } };
  return { rows: { template: items.rows.template, requests: items.rows.requests.slice(from, to) } };
}
