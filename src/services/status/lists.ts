import { createHash, randomInt } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import type { Dialect } from '../../store/database.ts';
import type { DB } from '../../store/schema.ts';
import { MIN_STATUS_LIST_ENTRIES } from '../../vc/status/bitstring.ts';

/** The purposes of the lists that decide a credential's state: read from the credentials table. */
export type ListPurpose = 'revocation' | 'suspension';
/** Every purpose microcred keeps lists for: `message` lists hold a value per position (Bitstring Status List §2.1). */
export type AnyListPurpose = ListPurpose | 'message';

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
export function statusListId(issuerId: string, purpose: AnyListPurpose, sequence: number, statusSize = 1): string {
  // One-bit lists keep the ids they always had; a list of wider entries is another series.
  const kind = statusSize === 1 ? purpose : `${purpose}/${statusSize}`;
  const hex = createHash('sha256').update(`microcred status list\u0000${issuerId}\u0000${kind}\u0000${sequence}`).digest('hex').slice(0, 32).split('');
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

/** Beyond the fill limit a list is still used while its successor is being opened by another transaction. */
const HARD_LIMIT = 0.97;
/**
 * PostgreSQL makes an insert wait when another open transaction holds the same key, and two such
 * waits in opposite order deadlock. Allocation never needs to wait (another random position does as
 * well), so its statements run with this lock_timeout inside a savepoint, and a blocked one is redrawn.
 */
const NO_WAIT = '2ms';
const BLOCKED = Symbol('blocked');

/** Runs one statement that could wait for another transaction: on PostgreSQL, gives up instead of waiting. */
async function withoutWaiting<T>(db: Kysely<DB>, dialect: Dialect, run: () => Promise<T>): Promise<T | typeof BLOCKED> {
  if (dialect !== 'postgres') return run();
  await sql`savepoint microcred_status_slot`.execute(db);
  try {
    const result = await run();
    await sql`release savepoint microcred_status_slot`.execute(db);
    return result;
  } catch (error) {
    if ((error as { code?: unknown }).code !== '55P03') throw error; // lock_not_available
    await sql`rollback to savepoint microcred_status_slot`.execute(db);
    return BLOCKED;
  }
}

/**
 * The list new credentials of this issuer go to: the last one opened (lists are opened in sequence,
 * 1, 2, 3…, and never deleted, so their count is the last sequence). Opens the first when none exists.
 */
async function currentList(db: Kysely<DB>, issuerId: string, purpose: AnyListPurpose, at: string, statusSize: number): Promise<OpenList> {
  const { count } = await db.selectFrom('status_lists').select((eb) => eb.fn.countAll<number>().as('count'))
    .where('issuer_id', '=', issuerId).where('purpose', '=', purpose).where('status_size', '=', statusSize).executeTakeFirstOrThrow();
  return openList(db, issuerId, purpose, Math.max(1, Number(count)), at, statusSize);
}

/** Makes sure list `sequence` exists (a concurrent creator's insert wins; ours is then a no-op). */
async function openList(db: Kysely<DB>, issuerId: string, purpose: AnyListPurpose, sequence: number, at: string, statusSize: number): Promise<OpenList> {
  const id = statusListId(issuerId, purpose, sequence, statusSize);
  await db.insertInto('status_lists').values({
    id, issuer_id: issuerId, purpose, size: LIST_SIZE, status_size: statusSize, allocated: 0, credential: null, version: 0, created_at: at, updated_at: at,
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
 * How full this process believes each list is, so that deciding when to open the next list does
 * not count a growing list on every allocation (a count(*) over up to 118,000 rows, twice per batch).
 * A list is counted on first use, again after every `recountEvery` positions taken here, and again
 * whenever the estimate says it is at its limit: the next list is only ever opened on a fresh count.
 * In between, other nodes' allocations and rolled-back ones are not seen; that only makes probing
 * meet taken positions more often, which allocation already handles. Which position belongs to
 * whom is decided by the primary key alone, never by this number.
 */
export class ListUsage {
  readonly #entries = new Map<string, { counted: number; since: number }>();

  constructor(readonly options: { maxLists?: number; recountEvery?: number } = {}) {}

  /** Positions taken in the list: counted now when `fresh` or when the estimate is due, else estimated. */
  async used(db: Kysely<DB>, listId: string, fresh = false): Promise<{ used: number; counted: boolean }> {
    const entry = this.#entries.get(listId);
    if (entry && !fresh && entry.since < (this.options.recountEvery ?? 2048)) return { used: entry.counted + entry.since, counted: false };
    const counted = await usedEntries(db, listId);
    this.#entries.delete(listId);
    if (this.#entries.size >= (this.options.maxLists ?? 1024)) this.#entries.delete(this.#entries.keys().next().value!);
    this.#entries.set(listId, { counted, since: 0 });
    return { used: counted, counted: true };
  }

  /** Records positions this process has just taken in the list. */
  add(listId: string, taken: number): void {
    const entry = this.#entries.get(listId);
    if (entry) entry.since += taken;
  }
}


/**
 * Inserts candidate positions; returns those this transaction now holds. A position already taken
 * is skipped by the conflict clause; one held by another open transaction blocks the statement,
 * which is then halved until only the blocked positions are left out.
 */
async function insertSlots(db: Kysely<DB>, dialect: Dialect, listId: string, indices: number[]): Promise<number[]> {
  const inserted = await withoutWaiting(db, dialect, async () => {
    const rows = await db.insertInto('status_allocations').values(indices.map((idx) => ({ list_id: listId, idx })))
      .onConflict((oc) => oc.columns(['list_id', 'idx']).doNothing())
      .returning('idx').execute();
    return rows.map((row) => Number(row.idx));
  });
  if (inserted !== BLOCKED) return inserted;
  if (indices.length === 1) return [];
  const half = Math.ceil(indices.length / 2);
  return [...await insertSlots(db, dialect, listId, indices.slice(0, half)), ...await insertSlots(db, dialect, listId, indices.slice(half))];
}

/**
 * Claims up to `wanted` free random positions in one list. Each position is a row keyed by
 * (list, index): an insert that meets an existing row does nothing and is simply not returned, so
 * two nodes (or two transactions) can never hold the same position; what was lost is drawn again.
 *
 * With `estimatedFill` (the share of the list believed taken, from an estimate rather than a
 * count), the probing itself checks the estimate: a random draw meets taken positions at the list's
 * true fill rate, so far more misses than the estimate predicts mean others filled the list. Then
 * the positions claimed here are given back and `surprised` is returned, for a count and a new decision.
 */
async function claimRandom(db: Kysely<DB>, dialect: Dialect, list: OpenList, wanted: number, estimatedFill?: number): Promise<{ claimed: number[]; surprised: boolean }> {
  const claimed: number[] = [];
  let draws = 0;
  for (let round = 0; round < MAX_ROUNDS && claimed.length < wanted; round++) {
    const draw = new Set<number>();
    while (draw.size < wanted - claimed.length) draw.add(randomInt(list.size));
    const candidates = [...draw];
    draws += candidates.length;
    for (let start = 0; start < candidates.length; start += CHUNK) {
      claimed.push(...await insertSlots(db, dialect, list.id, candidates.slice(start, start + CHUNK)));
    }
    if (estimatedFill !== undefined) {
      const expected = draws * estimatedFill;
      if (draws - claimed.length > expected + 4 + 3 * Math.sqrt(expected)) {
        for (let start = 0; start < claimed.length; start += CHUNK) {
          await db.deleteFrom('status_allocations').where('list_id', '=', list.id).where('idx', 'in', claimed.slice(start, start + CHUNK)).execute();
        }
        return { claimed: [], surprised: true };
      }
    }
  }
  return { claimed, surprised: false };
}

/**
 * Allocates `count` positions for one purpose, moving to the issuer's next list when the current
 * one reaches the fill limit. Runs in the caller's transaction: if it rolls back, the positions
 * are free again. On PostgreSQL it never waits for another transaction's positions (see NO_WAIT);
 * it waits only for the creation of an issuer's very first list, or of a next list once the
 * current one is at its hard limit.
 */
export async function allocateSlots(
  db: Kysely<DB>, dialect: Dialect, issuerId: string, purpose: AnyListPurpose, count: number, at: string, usage: ListUsage, statusSize = 1,
): Promise<ListSlot[]> {
  const slots: ListSlot[] = [];
  let list = await currentList(db, issuerId, purpose, at, statusSize);
  let previous: string | undefined;
  if (dialect === 'postgres') {
    const setting = await sql<{ value: string }>`select current_setting('lock_timeout') as value`.execute(db);
    previous = setting.rows[0]!.value;
    await sql`select set_config('lock_timeout', ${NO_WAIT}, true)`.execute(db);
  }
  const waiting = async <T>(run: () => Promise<T>): Promise<T> => {
    if (previous === undefined) return run();
    await sql`select set_config('lock_timeout', ${previous}, true)`.execute(db);
    try {
      return await run();
    } finally {
      await sql`select set_config('lock_timeout', ${NO_WAIT}, true)`.execute(db);
    }
  };
  const recounted = new Set<string>();
  while (slots.length < count) {
    const estimate = await usage.used(db, list.id);
    let used = estimate.used;
    let room = Math.floor(list.size * FILL_LIMIT) - used;
    if (room <= 0 && !estimate.counted) {
      // Only an estimate says the list is full: count before moving on.
      recounted.add(list.id);
      used = (await usage.used(db, list.id, true)).used;
      room = Math.floor(list.size * FILL_LIMIT) - used;
    }
    if (room <= 0) {
      const current = list;
      const next = await withoutWaiting(db, dialect, () => openList(db, issuerId, purpose, current.sequence + 1, at, statusSize));
      if (next !== BLOCKED) {
        list = next;
        continue;
      }
      // Another transaction is opening the next list: keep filling this one a little longer.
      room = Math.floor(list.size * HARD_LIMIT) - used;
      if (room <= 0) {
        list = await waiting(() => openList(db, issuerId, purpose, current.sequence + 1, at, statusSize));
        continue;
      }
    }
    const wanted = Math.min(count - slots.length, room);
    // Once counted in this call, a list's misses are taken as they come (positions held by open
    // transactions are not in any count).
    const trusted = estimate.counted || recounted.has(list.id);
    const { claimed, surprised } = await claimRandom(db, dialect, list, wanted, trusted ? undefined : used / list.size);
    if (surprised) {
      recounted.add(list.id);
      await usage.used(db, list.id, true);
      continue;
    }
    usage.add(list.id, claimed.length);
    for (const index of claimed) slots.push({ listId: list.id, index });
    // Probing kept failing: the list is fuller than its count said (other nodes); go on to the next.
    if (claimed.length < wanted) {
      const current = list;
      list = await waiting(() => openList(db, issuerId, purpose, current.sequence + 1, at, statusSize));
    }
  }
  if (previous !== undefined) await sql`select set_config('lock_timeout', ${previous}, true)`.execute(db);
  return slots;
}

/**
 * Locks a list row until the transaction ends (PostgreSQL; SQLite already has one writer at a
 * time). `no key update` does not conflict with the key-share locks that foreign keys from new
 * allocations take, so a status change never waits for a long issuing transaction.
 */
export async function lockList(db: Kysely<DB>, dialect: Dialect, listId: string): Promise<void> {
  if (dialect === 'postgres') await sql`select id from status_lists where id = ${listId} for no key update`.execute(db);
}
