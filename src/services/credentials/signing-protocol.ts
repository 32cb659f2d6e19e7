import type { JsonObject } from '../../vc/types.ts';
import type { CredentialFields, CredentialTemplate } from './compose.ts';

/**
 * The key a signing worker signs with: the verification method id and the Ed25519 seed, opened from
 * the vault by the main thread. Sent with every message (32 bytes); the worker keeps the imported
 * key, so it is imported once per worker and key. Never logged.
 */
export interface SigningKey {
  id: string;
  seed: Uint8Array;
}

/**
 * One message to a worker: credentials to sign with one key at one instant, given whole or as
 * each one's own fields and the batch's template (composed by the worker: a far smaller message).
 */
export interface SignJob {
  seq: number;
  key: SigningKey;
  /** ISO date-time: the proof's `created`, the same as the main thread would pass. */
  now: string;
  credentials?: JsonObject[];
  compose?: { template: CredentialTemplate; fields: CredentialFields[] };
}

/** The signed credentials as JSON text, in the job's order, or why the job failed. */
export type SignReply = { seq: number; ok: true; documents: string[] } | { seq: number; ok: false; error: string };
