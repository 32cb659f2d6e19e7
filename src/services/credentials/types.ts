import type { Kysely } from 'kysely';
import type { DB, Row } from '../../store/schema.ts';
import type { JsonObject } from '../../vc/types.ts';
import type { Actor } from '../access.ts';
import type { FieldError } from '../errors.ts';

/**
 * What issuance needs from the achievements service (STYLE.md: declare the small interface the core
 * needs). The real service is passed in by services/index.ts; its definition type stays opaque here
 * (method parameters are compared bivariantly, so the typed service fits).
 */
export interface AchievementSource {
  /** The achievement and one version of its definition (current when `version` is absent); throws NotFound. */
  getVersion(achievementId: string, version?: number): Promise<{ achievement: Row<'achievements'>; version: number; definition: unknown }>;
  /** The OB 3.0 Achievement embedded in credentials of this version. */
  toOb3Achievement(achievementId: string, version: number, definition: unknown): JsonObject;
  /** ISO 8601 duration after which a credential expires, if the definition sets one. */
  validityPeriod(definition: unknown): string | undefined;
  /** Whether the definition opts in to suspension (credentials then carry a suspension entry too). */
  suspendable(definition: unknown): boolean;
}

/** One credential's places in its issuer's revocation and suspension lists. */
export interface StatusAllocation {
  revocation: { listId: string; index: number; listUrl: string };
  /** Only where suspension was asked for (the achievement opts in): most credentials have one entry. */
  suspension?: { listId: string; index: number; listUrl: string };
}

export type StatusAction = 'revoke' | 'suspend' | 'reinstate';

/** What issuance needs from the status service. */
export interface StatusSource {
  allocate(trx: Kysely<DB>, issuerId: string, count: number, options?: { suspension?: boolean }): Promise<StatusAllocation[]>;
  /** The credentialStatus of an allocation: one revocation entry (an object), or a list of it and the suspension entry. */
  entries(allocation: StatusAllocation): JsonObject | JsonObject[];
  change(actor: Actor, credentialId: string, action: StatusAction, reason?: string): Promise<void>;
}

export interface MailMessage {
  organisationId: string | null;
  to: string;
  subject: string;
  text: string;
  html?: string;
}

/** What issuance needs from the mailer (src/services/mail.ts). */
export interface MailSender {
  /** Queues messages inside the caller's transaction: they exist only if it commits. */
  sendMany(trx: Kysely<DB>, messages: MailMessage[]): Promise<void>;
  /** Delivers what committed transactions queued (a no-op without SMTP); never throws. */
  kick(): void;
}

/** A request to issue one credential (server-contracts.md). */
export interface IssueInput {
  achievementId: string;
  recipient: { email?: string; did?: string; name?: string };
  result?: { grade?: string; creditsEarned?: number; description?: string };
  evidence?: { id?: string; name?: string; narrative?: string }[];
  /** ISO 8601 date-time; default: the time of issue. */
  validFrom?: string;
  /** ISO 8601 date-time; default: validFrom plus the achievement's validity period, if any. */
  validUntil?: string;
}

export type CredentialViewStatus = 'active' | 'revoked' | 'suspended' | 'expired';

/** IssuedCredential of the HTTP contract (api-contract.md, Credentials). */
export interface IssuedCredentialView {
  id: string;
  credentialId: string;
  organisationId: string;
  issuerId: string;
  achievementId: string | null;
  achievementVersion: number | null;
  achievementName: string | null;
  recipient: { email?: string; did?: string; name?: string };
  status: CredentialViewStatus;
  statusReason?: string;
  /** Whether it carries a suspension entry, so that it can be suspended (the achievement opted in when it was issued). */
  suspendable: boolean;
  issuedAt: string;
  validFrom?: string;
  validUntil?: string;
  claimedAt?: string;
  renewedFrom?: string;
  bulkJobId?: string;
  /** The signed credential as issued (JSON object, or the compact JWT). Only on single reads. */
  document?: JsonObject | string;
}

export interface BatchItem {
  input: IssueInput;
  /** Identifies a bulk row (recipient + content): unique per organisation, so a re-run issues nothing twice. */
  dedupeKey?: string;
  bulkJobId?: string;
}

/** Issuance of one achievement many times, with everything loaded once (for bulk). */
export interface IssuanceBatch {
  readonly organisationId: string;
  readonly achievementId: string;
  readonly achievementVersion: number;
  /** Pure per-row checks; pointers like /recipient/email. */
  validate(input: IssueInput): FieldError[];
  /**
   * Allocates status for all items, signs all, inserts all and queues their claim e-mails, in the
   * caller's transaction. Items must be valid (validate first); results are in item order.
   */
  issueMany(trx: Kysely<DB>, items: BatchItem[]): Promise<{ id: string; credentialUrl: string }[]>;
  /**
   * Pipelined issueMany, present when signing runs on worker threads: allocates status in a short
   * transaction of its own and starts signing at once; `commit` stores the items it keeps (by
   * index) in the caller's transaction. Call it outside any transaction.
   */
  stage?(items: BatchItem[]): Promise<{ commit(trx: Kysely<DB>, keep?: (index: number) => boolean): Promise<{ id: string; credentialUrl: string }[]> }>;
}
