import { createHash } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import type { CredentialStatus, DB, Row } from '../../store/schema.ts';
import { StatusBitstring } from '../../vc/status/bitstring.ts';
import { buildStatusListCredential, buildStatusListEntry, statusListTtl } from '../../vc/status/status-list-credential.ts';
import type { JsonObject } from '../../vc/types.ts';
import { CAN, requireAccess, type Actor } from '../access.ts';
import { audit } from '../audit.ts';
import { emitEvents } from '../webhooks/events.ts';
import type { ServiceContext } from '../context.ts';
import { Conflict, InvalidInput, NotFound } from '../errors.ts';
import type { IssuerService, IssuerSigning } from '../issuers.ts';
import { allocateSlots, ListUsage, lockList, type ListPurpose } from './lists.ts';

export type { AnyListPurpose, ListPurpose } from './lists.ts';

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
  /** Only where suspension was asked for: by default a credential has a revocation entry alone. */
  suspension?: StatusSlot;
}

export type StatusAction = 'revoke' | 'suspend' | 'reinstate';

export interface PublishedList {
  /** The signed BitstringStatusListCredential as JSON text. */
  credential: string;
  /** A strong entity tag: the same on every node for the same signed list. */
  etag: string;
  updatedAt: string;
  /** Milliseconds verifiers may cache it: the list's own `ttl`, else this instance's setting. */
  ttlMs: number;
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
  const ttlMs = ctx.config.statusListTtlSeconds * 1000;

  /**
   * Builds the list and signs it with the issuer's active key: revocation and suspension bits from
   * the credentials table's status, a message list's values from its positions.
   */
  async function signList(db: Kysely<DB>, list: Pick<Row<'status_lists'>, 'id' | 'purpose' | 'size'> & { status_size?: number }, signing: IssuerSigning): Promise<string> {
    const purpose = list.purpose;
    let bits: StatusBitstring;
    if (purpose === 'message') {
      bits = new StatusBitstring({ length: list.size, statusSize: list.status_size ?? 1 });
      const rows = await db.selectFrom('status_allocations').select(['idx', 'value']).where('list_id', '=', list.id).where('value', '<>', 0).execute();
      for (const row of rows) bits.set(Number(row.idx), Number(row.value));
    } else {
      const indexColumn = purpose === 'revocation' ? 'revocation_index' : 'suspension_index';
      const listColumn = purpose === 'revocation' ? 'revocation_list_id' : 'suspension_list_id';
      const rows = await db.selectFrom('credentials').select(indexColumn).where(listColumn, '=', list.id).where('status', '=', BIT_STATUS[purpose]).execute();
      bits = new StatusBitstring({ length: list.size });
      for (const row of rows) {
        const index = (row as Record<string, number | null>)[indexColumn];
        if (index !== null && index !== undefined) bits.set(index, 1);
      }
    }
    const unsigned = buildStatusListCredential({ url: listUrl(list.id), issuer: signing.issuer.did, statusPurpose: purpose, list: bits, validFrom: ctx.now(), ttl: ttlMs });
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
    async allocate(trx: Kysely<DB>, issuerId: string, count: number, options: { suspension?: boolean } = {}): Promise<StatusAllocation[]> {
      if (!Number.isSafeInteger(count) || count < 0) throw new TypeError('count must be a whole number from 0.');
      if (count === 0) return [];
      const at = ctx.now().toISOString();
      const revocation = await allocateSlots(trx, ctx.dialect, issuerId, 'revocation', count, at, usage);
      const suspension = options.suspension ? await allocateSlots(trx, ctx.dialect, issuerId, 'suspension', count, at, usage) : undefined;
      return revocation.map((slot, i) => ({
        revocation: { ...slot, listUrl: listUrl(slot.listId) },
        ...(suspension ? { suspension: { ...suspension[i]!, listUrl: listUrl(suspension[i]!.listId) } } : {}),
      }));
    },

    /**
     * Allocates one random free position per purpose asked for (VC-API `options.credentialStatus`),
     * in the caller's transaction, as `allocate` does for both purposes.
     */
    async allocatePurposes(trx: Kysely<DB>, issuerId: string, purposes: readonly ListPurpose[]): Promise<Partial<Record<ListPurpose, StatusSlot>>> {
      const at = ctx.now().toISOString();
      const slots: Partial<Record<ListPurpose, StatusSlot>> = {};
      for (const purpose of purposes) {
        const [slot] = await allocateSlots(trx, ctx.dialect, issuerId, purpose, 1, at, usage);
        slots[purpose] = { ...slot!, listUrl: listUrl(slot!.listId) };
      }
      return slots;
    },

    /**
     * A position in the issuer's message list of `statusSize`-bit entries (Bitstring Status List
     * §2.1, purpose `message`) for the credential `credentialId` (`credentials.id`), in the caller's
     * transaction. Its value starts at 0; `setMessage` changes it.
     */
    async allocateMessage(trx: Kysely<DB>, issuerId: string, credentialId: string, statusSize: number): Promise<StatusSlot> {
      const [slot] = await allocateSlots(trx, ctx.dialect, issuerId, 'message', 1, ctx.now().toISOString(), usage, statusSize);
      await trx.updateTable('status_allocations').set({ credential_id: credentialId }).where('list_id', '=', slot!.listId).where('idx', '=', slot!.index).execute();
      return { ...slot!, listUrl: listUrl(slot!.listId) };
    },

    /**
     * Sets the value a credential's message-list position holds (0 … 2^statusSize − 1) and re-signs
     * the list, in one transaction serialised on the list row, as `change` does.
     */
    async setMessage(actor: Actor, credentialId: string, value: number): Promise<{ value: number; statusSize: number }> {
      const row = await loadCredential(credentialId);
      await requireAccess(ctx, actor, row.organisation_id, { roles: CAN.changeStatus, scope: 'status' }, 'credential');
      const slot = await ctx.db.selectFrom('status_allocations').innerJoin('status_lists', 'status_lists.id', 'status_allocations.list_id')
        .select(['status_allocations.list_id as listId', 'status_allocations.idx as idx', 'status_lists.status_size as statusSize'])
        .where('status_allocations.credential_id', '=', row.id).where('status_lists.purpose', '=', 'message').executeTakeFirst();
      if (!slot) throw new Conflict('the credential was issued without a message status entry, so it has no message to change');
      const statusSize = Number(slot.statusSize);
      if (!Number.isSafeInteger(value) || value < 0 || value >= 2 ** statusSize) {
        const message = `must be a whole number from 0 to ${2 ** statusSize - 1}: the credential's message status has ${statusSize} bit${statusSize === 1 ? '' : 's'}`;
        throw new InvalidInput(`status ${message}`, [{ pointer: '/status', message }], { status: 400 });
      }
      const signing = await issuers.signing(row.issuer_id);
      const at = ctx.now().toISOString();
      await ctx.db.transaction().execute(async (trx) => {
        await lockList(trx, ctx.dialect, slot.listId);
        await trx.updateTable('status_allocations').set({ value }).where('list_id', '=', slot.listId).where('idx', '=', slot.idx).execute();
        const list = await trx.selectFrom('status_lists').select(['id', 'purpose', 'size', 'status_size']).where('id', '=', slot.listId).executeTakeFirstOrThrow();
        const credential = await signList(trx, list, signing);
        await trx.updateTable('status_lists').set((eb) => ({ credential, version: eb('version', '+', 1), updated_at: at })).where('id', '=', slot.listId).execute();
        await audit(ctx, trx, actor, { organisationId: row.organisation_id, action: 'credential.message', targetType: 'credential', targetId: row.id, details: { value } });
      });
      ctx.engine.forgetStatusList(listUrl(slot.listId));
      ctx.metrics.increment('microcred_status_changes_total', { action: 'message' });
      return { value, statusSize };
    },

    /** One BitstringStatusListEntry for a slot. */
    entryFor(purpose: ListPurpose, slot: StatusSlot): JsonObject {
      return buildStatusListEntry({ listUrl: slot.listUrl, index: slot.index, statusPurpose: purpose });
    },

    /**
     * Takes a position a caller named in its own `credentialStatus` entry (VC-API). The list must be
     * one of THIS instance's lists, of this issuer and purpose, and the position inside it and free:
     * a position held by another credential would tie the two credentials' status together.
     * Returns why not, with the entry member to point at, or the slot now held in the transaction.
     */
    async claimNamed(trx: Kysely<DB>, issuerId: string, purpose: string, url: string, index: number): Promise<{ ok: true; slot: StatusSlot } | { ok: false; member: string; status: 400 | 409; reason: string }> {
      const prefix = `${ctx.config.publicUrl}/status/`;
      const listId = url.startsWith(prefix) ? url.slice(prefix.length) : undefined;
      const list = listId && /^[0-9a-f-]{36}$/.test(listId)
        ? await trx.selectFrom('status_lists').select(['id', 'issuer_id', 'purpose', 'size']).where('id', '=', listId).executeTakeFirst()
        : undefined;
      if (!list || list.issuer_id !== issuerId) {
        return { ok: false, member: 'statusListCredential', status: 400, reason: `must be the URL of one of this issuer's status lists at ${prefix}…; microcred signs only status it publishes itself, so that the entry can be checked and changed` };
      }
      if (list.purpose !== purpose) {
        return { ok: false, member: 'statusPurpose', status: 400, reason: `is ${purpose}, but the list ${url} is a ${list.purpose} list (Bitstring Status List §3.2: the purposes must match)` };
      }
      if (index >= list.size) {
        return { ok: false, member: 'statusListIndex', status: 400, reason: `is beyond the end of the list (${list.size} entries)` };
      }
      const taken = await trx.insertInto('status_allocations').values({ list_id: list.id, idx: index })
        .onConflict((oc) => oc.columns(['list_id', 'idx']).doNothing()).returning('idx').execute();
      if (taken.length === 0) {
        return { ok: false, member: 'statusListIndex', status: 409, reason: 'is already the position of another credential; leave credentialStatus out and ask for it in options.credentialStatus, and microcred picks a free one' };
      }
      usage.add(list.id, 1);
      return { ok: true, slot: { listId: list.id, index, listUrl: url } };
    },

    /**
     * The `credentialStatus` of a credential: the revocation entry alone, as one object (what the
     * OB 3.0 JSON Schema takes), or, where suspension was allocated, a list of both entries (VC 2.0
     * allows it; a strict OB 3.0 schema validator flags it: docs/server.md, Status).
     */
    entries(allocation: StatusAllocation): JsonObject | JsonObject[] {
      const revocation = buildStatusListEntry({ listUrl: allocation.revocation.listUrl, index: allocation.revocation.index, statusPurpose: 'revocation' });
      if (!allocation.suspension) return revocation;
      return [revocation, buildStatusListEntry({ listUrl: allocation.suspension.listUrl, index: allocation.suspension.index, statusPurpose: 'suspension' })];
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
      if (row.bound_from !== null) {
        throw new Conflict('this is a copy bound to a learner\'s wallet: change the status of the credential it was taken from, and the change reaches every copy');
      }
      transition(row.status, action); // refuse early, before any key is opened
      const purposes: ListPurpose[] = action === 'revoke' ? ['revocation', 'suspension'] : ['suspension'];
      if (action === 'revoke' && !row.revocation_list_id) {
        throw new Conflict('the credential was issued without a revocation list entry, so it cannot be revoked');
      }
      if (action !== 'revoke' && !row.suspension_list_id) {
        throw new Conflict(`suspension is not enabled for this credential: it was issued with a revocation entry only (the default, as the Open Badges 3.0 schema wants), so it cannot be ${action === 'suspend' ? 'suspended' : 'reinstated'}; it can be revoked. Achievements that enable suspension issue suspendable credentials from then on`);
      }
      // Opened before the transaction: on SQLite the one connection is the transaction's until it ends.
      const signing = await issuers.signing(row.issuer_id);
      const at = ctx.now().toISOString();
      const changedLists = new Set<string>();
      await ctx.db.transaction().execute(async (trx) => {
        // The credential's row first, as holder binding takes it (services/credentials/holder-binding.ts):
        // a copy bound meanwhile is then either seen below or bound after this change, never missed.
        if (ctx.dialect === 'postgres') await sql`select id from credentials where id = ${row.id} for no key update`.execute(trx);
        // Copies bound to learners' wallets (bound_from) carry the same status in lists of their own.
        const copies = await trx.selectFrom('credentials').select(['revocation_list_id', 'suspension_list_id']).where('bound_from', '=', row.id).execute();
        const listIds = [...new Set([row, ...copies].flatMap((holder) => purposes
          .map((purpose) => (purpose === 'revocation' ? holder.revocation_list_id : holder.suspension_list_id))
          .filter((id): id is string => typeof id === 'string')))]
          .sort(); // one lock order everywhere: no deadlock between two changes
        for (const listId of listIds) await lockList(trx, ctx.dialect, listId);
        // Read again under the lock: another node may have changed it since.
        const current = await trx.selectFrom('credentials').select('status').where('id', '=', row.id).executeTakeFirstOrThrow();
        const next = transition(current.status, action);
        await trx.updateTable('credentials').set({ status: next, status_reason: reason ?? null, status_changed_at: at })
          .where((eb) => eb.or([eb('id', '=', row.id), eb('bound_from', '=', row.id)])).execute();
        for (const listId of listIds) {
          const list = await trx.selectFrom('status_lists').select(['id', 'purpose', 'size']).where('id', '=', listId).executeTakeFirstOrThrow();
          // A revocation clears the suspension bit too (revoked is not "suspended"): re-sign only what changed.
          if (list.purpose === 'suspension' && current.status !== 'suspended' && next !== 'suspended') continue;
          changedLists.add(listId);
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
      for (const listId of changedLists) ctx.engine.forgetStatusList(listUrl(listId));
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
      // A list signed before the setting changed (or before lists carried a ttl) keeps the ttl it states.
      let stated: number | undefined;
      try {
        stated = statusListTtl(JSON.parse(credential));
      } catch {
        stated = statusListTtl(credential);
      }
      return {
        credential,
        // Strong: a digest of the signed text, so it changes whenever a bit (or the signature) does.
        etag: `"${createHash('sha256').update(credential).digest('base64url').slice(0, 27)}"`,
        updatedAt: list.updated_at,
        ttlMs: stated ?? ttlMs,
      };
    },
  };
}

export type StatusService = ReturnType<typeof createStatusService>;
