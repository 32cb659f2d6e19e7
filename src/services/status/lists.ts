import { createHash, randomInt } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import type { DB } from '../../store/schema.ts';
import { MIN_STATUS_LIST_ENTRIES } from '../../vc/status/bitstring.ts';

export type ListPurpose = 'revocation' | 'suspension';
export const LIST_PURPOSES: readonly ListPurpose[] = ['revocation', 'suspension'];

/** Entries per list: the Bitstring Status List minimum (§6.1 herd privacy). */
export const LIST_SIZE = MIN_STATUS_LIST_ENTRIES;
/**
 * Share of a list that is handed out before the next list is opened. Random probing of a list that
 * is 90 % full still succeeds one time in ten, so an allocation never spins.
 */
export const FILL_LIMIT = 0.9;
/** Rows per insert statement (2 parameters each, well under SQLite's and PostgreSQL's limits). */
const CHUNK = 500;
/** Rounds of random probing before a list is treated as full. */
const MAX_ROUNDS = 64;

/**
 * The id of an issuer's n-th list for a purpose. Derived, not random, so that two nodes opening the
 * same list at once insert the same primary key and one insert is a no-op: list creation needs no
 * lock and no extra column. Shaped as a UUID (version 8, RFC 9562 custom layout).
 */
export function statusListId(issuerId: string, purpose: ListPurpose, sequence: number): string {
  const hex = createHash('sha256').update(`microcred status list\u0000${issuerId}\u0000${purpose}\u0000${sequence}`).digest('hex').slice(0, 32).split('');
  hex[12] = '8';
  hex[16] = ((Number.parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16);
  const text = hex.join('');
  return `${text.slice(0, 8)}-${text.slice(8, 12)}-${text.slice(12, 16)}-${text.slice(16, 20)}-${text.slice(20)}`;
}

export interface ListSlot {
  listId: string;
  index: number;
}

interface OpenList {
  id: string;
  sequence: number;
  size: number;
}

/**
 * The list new credentials of this issuer go to: the last one opened (lists are opened in sequence,
 * 1, 2, 3…, and never deleted, so their count is the last sequence). Opens the first when none exists.
 */
async function currentList(db: Kysely<DB>, issuerId: string, purpose: ListPurpose, at: string): Promise<OpenList> {
  const { count } = await db.selectFrom('status_lists').select((eb) => eb.fn.countAll<number>().as('count'))
    .where('issuer_id', '=', issuerId).where('purpose', '=', purpose).executeTakeFirstOrThrow();
  return openList(db, issuerId, purpose, Math.max(1, Number(count)), at);
}

/** Makes sure list `sequence` exists (a concurrent creator's insert wins; ours is then a no-op). */
async function openList(db: Kysely<DB>, issuerId: string, purpose: ListPurpose, sequence: number, at: string): Promise<OpenList> {
  const id = statusListId(issuerId, purpose, sequence);
  await db.insertInto('status_lists').values({
    id, issuer_id: issuerId, purpose, size: LIST_SIZE, allocated: 0, credential: null, version: 0, created_at: at, updated_at: at,
  }).onConflict((oc) => oc.column('id').doNothing()).execute();
  const row = await db.selectFrom('status_lists').select(['id', 'size']).where('id', '=', id).executeTakeFirstOrThrow();
  return { id: row.id, sequence, size: row.size };
}

async function usedEntries(db: Kysely<DB>, listId: string): Promise<number> {
  const { count } = await db.selectFrom('status_allocations').select((eb) => eb.fn.countAll<number>().as('count'))
    .where('list_id', '=', listId).executeTakeFirstOrThrow();
  return Number(count);
}

/**
 * Claims up to `wanted` free random positions in one list. Each position is a row keyed by
 * (list, index): an insert that meets an existing row does nothing and is simply not returned, so
 * two nodes (or two transactions) can never hold the same position; what was lost is drawn again.
 */
async function claimRandom(db: Kysely<DB>, list: OpenList, wanted: number): Promise<number[]> {
  const claimed: number[] = [];
  for (let round = 0; round < MAX_ROUNDS && claimed.length < wanted; round++) {
    const draw = new Set<number>();
    while (draw.size < wanted - claimed.length) draw.add(randomInt(list.size));
    const candidates = [...draw];
    for (let start = 0; start < candidates.length; start += CHUNK) {
      const rows = candidates.slice(start, start + CHUNK).map((idx) => ({ list_id: list.id, idx }));
      const inserted = await db.insertInto('status_allocations').values(rows)
        .onConflict((oc) => oc.columns(['list_id', 'idx']).doNothing())
        .returning('idx').execute();
      for (const row of inserted) claimed.push(Number(row.idx));
    }
  }
  return claimed;
}

/**
 * Allocates `count` positions for one purpose, moving to the issuer's next list when the current
 * one reaches the fill limit. Runs in the caller's transaction: if it rolls back, the positions
 * are free again.
 */
export async function allocateSlots(db: Kysely<DB>, issuerId: string, purpose: ListPurpose, count: number, at: string): Promise<ListSlot[]> {
  const slots: ListSlot[] = [];
  let list = await currentList(db, issuerId, purpose, at);
  while (slots.length < count) {
    const room = Math.floor(list.size * FILL_LIMIT) - (await usedEntries(db, list.id));
    if (room <= 0) {
      list = await openList(db, issuerId, purpose, list.sequence + 1, at);
      continue;
    }
    const wanted = Math.min(count - slots.length, room);
    const claimed = await claimRandom(db, list, wanted);
    for (const index of claimed) slots.push({ listId: list.id, index });
    // Probing kept failing: the list is fuller than its count said (other nodes); go on to the next.
    if (claimed.length < wanted) list = await openList(db, issuerId, purpose, list.sequence + 1, at);
  }
  return slots;
}

/** Locks a list row until the transaction ends (PostgreSQL); SQLite already has one writer at a time. */
export async function lockList(db: Kysely<DB>, dialect: 'sqlite' | 'postgres', listId: string): Promise<void> {
  if (dialect === 'postgres') await sql`select id from status_lists where id = ${listId} for update`.execute(db);
}
