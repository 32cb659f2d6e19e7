import type { Kysely } from 'kysely';
import type { DB } from '../../store/schema.ts';
import type { Actor } from '../access.ts';
import type { FieldError } from '../errors.ts';

/*
 * The small part of the credential service that bulk issuance consumes (STYLE.md: declare the
 * interface the core needs). The credential service's `prepareBatch` satisfies it; bulk never signs,
 * allocates status or stores a credential itself.
 */

/** One credential to issue, as the credential service takes it (server-contracts.md, IssueInput). */
export interface IssueInput {
  achievementId: string;
  recipient: { email?: string; did?: string; name?: string };
  result?: { grade?: string; creditsEarned?: number; description?: string };
  evidence?: { id?: string; name?: string; narrative?: string }[];
  validFrom?: string;
  validUntil?: string;
}

export interface BatchItem {
  input: IssueInput;
  dedupeKey?: string;
  bulkJobId?: string;
}

/** The achievement, issuer and key loaded once, for many credentials. */
export interface IssuanceBatch {
  /** Pure, per row: what is wrong with the input, with pointers like `/recipient/email`. */
  validate(input: IssueInput): FieldError[];
  /** Allocates status, signs, stores and queues claim e-mails for every item; the caller owns the transaction. */
  issueMany(trx: Kysely<DB>, items: BatchItem[]): Promise<{ id: string; credentialUrl: string }[]>;
  /**
   * Optional, for pipelining: allocates status (in a short transaction of its own) and starts
   * signing, outside any transaction; the result stores the items it is told to keep.
   */
  stage?(items: BatchItem[]): Promise<StagedBatch>;
}

/** Items whose status is allocated and whose signing has started. */
export interface StagedBatch {
  /** Stores the staged items `keep` accepts (by index in the staged list) in the caller's transaction. */
  commit(trx: Kysely<DB>, keep?: (index: number) => boolean): Promise<{ id: string; credentialUrl: string }[]>;
}

export interface BatchIssuer {
  /** Checks that the actor may issue in the organisation and loads the achievement (NotFound otherwise). */
  prepareBatch(actor: Actor, organisationId: string, achievementId: string): Promise<IssuanceBatch>;
}
