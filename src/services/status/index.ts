import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { CredentialStatus, DB, Row } from '../../store/schema.ts';
import { StatusBitstring } from '../../vc/status/bitstring.ts';
import { buildStatusListCredential, buildStatusListEntry } from '../../vc/status/status-list-credential.ts';
import type { JsonObject } from '../../vc/types.ts';
import { CAN, requireAccess, type Actor } from '../access.ts';
import { audit } from '../audit.ts';
import { emitEvents } from '../webhooks/events.ts';
import type { ServiceContext } from '../context.ts';
import { Conflict, InvalidInput, NotFound } from '../errors.ts';
import type { IssuerService, IssuerSigning } from '../issuers.ts';
import { allocateSlots, ListUsage, lockList, type ListPurpose } from './lists.ts';

export { statusListId, LIST_SIZE, FILL_LIMIT } from './lists.ts';

export interface StatusSlot {
  listId: string;
  index: number;
  /** The list credential's URL (`${publicUrl}/status/${listId}`), also its `id`. */
  listUrl: string;
}

/** Where one credential sits in its issuer's revocation and suspension lists. */
export interface StatusAllocation {
  revocation: StatusSlot;
  suspension: StatusSlot;
}

export type StatusAction = 'revoke' | 'suspend' | 'reinstate';

export interface PublishedList {
  /** The signed BitstringStatusListCredential as JSON text. */
  credential: string;
  /** A strong entity tag: the same on every node for the same signed list. */
  etag: string;
  updatedAt: string;
}

const MAX_REASON = 500;

/** The status a credential ends in after an action, or why the action is refused. */
function transition(current: CredentialStatus, action: StatusAction): CredentialStatus {
  if (current === 'revoked') {
    throw new Conflict(action === 'revoke' ? 'the credential is already revoked' : 'the credential is revoked, and revocation is final');
  }
  switch (action) {
    case 'revoke':
      return 'revoked';
    case 'suspend':
      if (current === 'suspended') throw new Conflict('the credential is already suspended');
      return 'suspended';
    case 'reinstate':
      if (current !== 'suspended') throw new Conflict('the credential is not suspended, so there is nothing to reinstate');
      return 'active';
  }
}

/** Which status sets a list's bit: a revocation list shows the revoked, a suspension list the suspended. */
const BIT_STATUS: Record<ListPurpose, CredentialStatus> = { revocation: 'revoked', suspension: 'suspended' };

/**
 * Bitstring Status Lists per issuer: random, collision-free positions for new credentials, the
 * revoke / suspend / reinstate changes, and the signed list credentials published at
 * `/status/:listId`. The bits are never stored on their own: a list is rebuilt from the credentials
 * table whenever it is signed, so it cannot drift from the credentials' recorded status.
 */
export function createStatusService(ctx: ServiceContext, issuers: IssuerService, hooks: { changed?: (trx: Kysely<DB>, credentialId: string) => Promise<void> } = {}) {
  const listUrl = (listId: string) => `${ctx.config.publicUrl}/status/${listId}`;
  // How full each list is, estimated in this process between counts (bounded; see ListUsage).
  const usage = new ListUsage();

  /** Builds the list from the credentials table and signs it with the issuer's active key. */
  async function signList(db: Kysely<DB>, list: Pick<Row<'status_lists'>, 'id' | 'purpose' | 'size'>, signing: IssuerSigning): Promise<string> {
    const purpose = list.purpose;
    const indexColumn = purpose === 'revocation' ? 'revocation_index' : 'suspension_index';
    const listColumn = purpose === 'revocation' ? 'revocation_list_id' : 'suspension_list_id';
    const rows = await db.selectFrom('credentials').select(indexColumn).where(listColumn, '=', list.id).where('status', '=', BIT_STATUS[purpose]).execute();
    const bits = new StatusBitstring({ length: list.size });
    for (const row of rows) {
      const index = (row as Record<string, number | null>)[indexColumn];
      if (index !== null && index !== undefined) bits.set(index, 1);
    }
    const unsigned = buildStatusListCredential({ url: listUrl(list.id), issuer: signing.issuer.did, statusPurpose: purpose, list: bits, validFrom: ctx.now() });
    const signed = await ctx.engine.sign({ credential: unsigned, signer: signing.signer, now: ctx.now() });
    return typeof signed === 'string' ? signed : JSON.stringify(signed);
  }

  async function loadCredential(credentialId: string): Promise<Row<'credentials'>> {
    const row = await ctx.db.selectFrom('credentials').selectAll().where('id', '=', credentialId).executeTakeFirst();
    if (!row) throw new NotFound('credential');
    return row;
  }

  return {
    /**
     * Allocates, for each of `count` credentials, a random free position in the issuer's current
     * revocation list and another in its suspension list (opening lists as needed). Runs in the
     * caller's transaction; no access check (the issuing service has checked). Safe across nodes:
     * a position is a primary-key row, so two transactions can never both hold it.
     */
    async allocate(trx: Kysely<DB>, issuerId: string, count: number): Promise<StatusAllocation[]> {
      if (!Number.isSafeInteger(count) || count < 0) throw new TypeError('count must be a whole number from 0.');
      if (count === 0) return [];
      const at = ctx.now().toISOString();
      const revocation = await allocateSlots(trx, ctx.dialect, issuerId, 'revocation', count, at, usage);
      const suspension = await allocateSlots(trx, ctx.dialect, issuerId, 'suspension', count, at, usage);
      return revocation.map((slot, i) => ({
        revocation: { ...slot, listUrl: listUrl(slot.listId) },
        suspension: { ...suspension[i]!, listUrl: listUrl(suspension[i]!.listId) },
      }));
    },

    /** The `credentialStatus` array for a credential: one BitstringStatusListEntry per purpose. */
    entries(allocation: StatusAllocation): JsonObject[] {
      return [
        buildStatusListEntry({ listUrl: allocation.revocation.listUrl, index: allocation.revocation.index, statusPurpose: 'revocation' }),
        buildStatusListEntry({ listUrl: allocation.suspension.listUrl, index: allocation.suspension.index, statusPurpose: 'suspension' }),
      ];
    },

    /**
     * Revokes (final), suspends or reinstates a credential (`credentials.id`) and re-signs the lists
     * whose bit changed, in one transaction. Concurrent changes to one list are serialised on the list
     * row (PostgreSQL `for update`; SQLite has one writer), and each re-signing reads the credentials
     * table inside that lock, so no change is lost.
     */
    async change(actor: Actor, credentialId: string, action: StatusAction, reason?: string): Promise<void> {
      const row = await loadCredential(credentialId);
      await requireAccess(ctx, actor, row.organisation_id, { roles: CAN.changeStatus, scope: 'status' }, 'credential');
      if (reason !== undefined && (typeof reason !== 'string' || reason.length > MAX_REASON)) {
        throw InvalidInput.field('/reason', `must be a text of at most ${MAX_REASON} characters`);
      }
      transition(row.status, action); // refuse early, before any key is opened
      const purposes: ListPurpose[] = action === 'revoke' ? ['revocation', 'suspension'] : ['suspension'];
      if (action === 'revoke' ? !row.revocation_list_id : !row.suspension_list_id) {
        throw new Conflict(`the credential was issued without a ${action === 'revoke' ? 'revocation' : 'suspension'} list entry, so its status cannot be changed`);
      }
      // Opened before the transaction: on SQLite the one connection is the transaction's until it ends.
      const signing = await issuers.signing(row.issuer_id);
      const at = ctx.now().toISOString();
      await ctx.db.transaction().execute(async (trx) => {
        const listIds = purposes
          .map((purpose) => (purpose === 'revocation' ? row.revocation_list_id : row.suspension_list_id))
          .filter((id): id is string => typeof id === 'string')
          .sort(); // one lock order everywhere: no deadlock between two changes
        for (const listId of listIds) await lockList(trx, ctx.dialect, listId);
        // Read again under the lock: another node may have changed it since.
        const current = await trx.selectFrom('credentials').select('status').where('id', '=', row.id).executeTakeFirstOrThrow();
        const next = transition(current.status, action);
        await trx.updateTable('credentials').set({ status: next, status_reason: reason ?? null, status_changed_at: at }).where('id', '=', row.id).execute();
        for (const listId of listIds) {
          const list = await trx.selectFrom('status_lists').select(['id', 'purpose', 'size']).where('id', '=', listId).executeTakeFirstOrThrow();
          // A revocation clears the suspension bit too (revoked is not "suspended"): re-sign only what changed.
          if (list.purpose === 'suspension' && current.status !== 'suspended' && next !== 'suspended') continue;
          const credential = await signList(trx, list, signing);
          const { count } = await trx.selectFrom('status_allocations').select((eb) => eb.fn.countAll<number>().as('count')).where('list_id', '=', listId).executeTakeFirstOrThrow();
          await trx.updateTable('status_lists').set((eb) => ({ credential, version: eb('version', '+', 1), allocated: Number(count), updated_at: at })).where('id', '=', listId).execute();
        }
        await hooks.changed?.(trx, row.id);
        await emitEvents(ctx, trx, row.organisation_id, [{
          type: next === 'revoked' ? 'credential.revoked' : next === 'suspended' ? 'credential.suspended' : 'credential.reinstated',
          data: { id: row.id, credentialId: row.credential_url, from: current.status, to: next, ...(reason ? { reason } : {}) },
        }]);
        await audit(ctx, trx, actor, {
          organisationId: row.organisation_id, action: `credential.${action}`, targetType: 'credential', targetId: row.id,
          details: { from: current.status, to: next, ...(reason ? { reason } : {}) },
        });
      });
      // This node's verifier reads the changed lists anew at once; other nodes within their cache age.
      for (const listId of [row.revocation_list_id, row.suspension_list_id]) if (listId) ctx.engine.forgetStatusList(listUrl(listId));
      ctx.metrics.increment('microcred_status_changes_total', { action });
    },

    /**
     * The signed list credential as published. A list nobody has changed yet is signed on first
     * request (every bit clear); a concurrent change wins over that first signing.
     */
    async published(listId: string): Promise<PublishedList | undefined> {
      let list = await ctx.db.selectFrom('status_lists').selectAll().where('id', '=', listId).executeTakeFirst();
      if (!list) return undefined;
      if (list.credential === null) {
        const signing = await issuers.signing(list.issuer_id);
        const credential = await signList(ctx.db, list, signing);
        await ctx.db.updateTable('status_lists').set({ credential, updated_at: ctx.now().toISOString() })
          .where('id', '=', listId).where('credential', 'is', null).execute();
        list = await ctx.db.selectFrom('status_lists').selectAll().where('id', '=', listId).executeTakeFirstOrThrow();
      }
      const credential = list.credential!;
      return { credential, etag: `"${createHash('sha256').update(credential).digest('base64url').slice(0, 27)}"`, updatedAt: list.updated_at };
    },
  };
}

export type StatusService = ReturnType<typeof createStatusService>;
