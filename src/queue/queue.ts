import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Dialect } from '../store/database.ts';
import type { DB, Row } from '../store/schema.ts';

export type JobRow = Row<'jobs'>;

export interface EnqueueOptions {
  /** Not before this instant (default: now). */
  runAt?: Date;
  /** Enqueue inside the caller's transaction, so the job exists exactly when the caller's change does. */
  trx?: Kysely<DB>;
}

export interface JobQueueOptions {
  db: Kysely<DB>;
  dialect: Dialect;
  now?: () => Date;
}

/**
 * The job queue in the `jobs` table, one code path for SQLite and PostgreSQL. Nothing lives in a
 * node's memory: a job is claimed with a lease (`locked_by`, `locked_until`) that its runner extends
 * while it works; a lease that expires (the node died) lets any other runner take the job over.
 *
 * @example
 *   const queue = createJobQueue({ db, dialect });
 *   await queue.enqueue('bulk-issuance', { bulkJobId });
 *   const job = await queue.claim('node-a:1', 30_000); // undefined when nothing is due
 */
export function createJobQueue(options: JobQueueOptions) {
  const { db, dialect } = options;
  const now = options.now ?? (() => new Date());
  const later = (ms: number) => new Date(now().getTime() + ms).toISOString();

  return {
    async enqueue(kind: string, payload: unknown, enqueue: EnqueueOptions = {}): Promise<string> {
      const id = randomUUID();
      const at = now().toISOString();
      await (enqueue.trx ?? db).insertInto('jobs').values({
        id, kind, payload: JSON.stringify(payload), status: 'queued', run_at: (enqueue.runAt ?? now()).toISOString(),
        locked_by: null, locked_until: null, attempts: 0, last_error: null, created_at: at, updated_at: at,
      }).execute();
      return id;
    },

    /**
     * Takes the next due job (queued and due, or running under an expired lease) in one statement, so
     * two runners never both get it: on PostgreSQL the candidate row is locked with FOR UPDATE SKIP
     * LOCKED (a second runner skips to the next row instead of waiting); SQLite runs one writer at a
     * time and the update repeats the guard. `attempts` counts claims, so a job that kills its node
     * every time still runs out of attempts.
     */
    async claim(workerId: string, leaseMs: number, kinds?: readonly string[]): Promise<JobRow | undefined> {
      const at = now().toISOString();
      let candidate = db.selectFrom('jobs').select('id')
        .where((eb) => eb.or([
          eb.and([eb('status', '=', 'queued'), eb('run_at', '<=', at)]),
          eb.and([eb('status', '=', 'running'), eb('locked_until', '<', at)]),
        ]))
        .orderBy('run_at').limit(1);
      if (kinds) candidate = candidate.where('kind', 'in', kinds.length > 0 ? [...kinds] : ['']);
      if (dialect === 'postgres') candidate = candidate.forUpdate().skipLocked();
      const row = await db.updateTable('jobs')
        .set((eb) => ({ status: 'running', locked_by: workerId, locked_until: later(leaseMs), attempts: eb('attempts', '+', 1), updated_at: at }))
        .where('id', '=', candidate)
        .where((eb) => eb.or([
          eb.and([eb('status', '=', 'queued'), eb('run_at', '<=', at)]),
          eb.and([eb('status', '=', 'running'), eb('locked_until', '<', at)]),
        ]))
        .returningAll()
        .executeTakeFirst();
      return row;
    },

    /** Extends the lease; false when this worker no longer holds it (it expired and was taken over). */
    async extend(jobId: string, workerId: string, leaseMs: number): Promise<boolean> {
      const result = await db.updateTable('jobs').set({ locked_until: later(leaseMs), updated_at: now().toISOString() })
        .where('id', '=', jobId).where('locked_by', '=', workerId).where('status', '=', 'running')
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },

    /** True while this worker holds an unexpired lease on the job. */
    async holds(jobId: string, workerId: string): Promise<boolean> {
      const row = await db.selectFrom('jobs').select(['locked_by', 'locked_until', 'status']).where('id', '=', jobId).executeTakeFirst();
      return row?.status === 'running' && row.locked_by === workerId && (row.locked_until ?? '') > now().toISOString();
    },

    async complete(jobId: string, workerId: string): Promise<void> {
      await db.updateTable('jobs').set({ status: 'done', locked_by: null, locked_until: null, updated_at: now().toISOString() })
        .where('id', '=', jobId).where('locked_by', '=', workerId).execute();
    },

    /** Records a failure: back in the queue at `retryAt`, or failed for good when `retryAt` is undefined. */
    async fail(jobId: string, workerId: string, error: string, retryAt: Date | undefined): Promise<void> {
      const at = now().toISOString();
      await db.updateTable('jobs').set({
        status: retryAt ? 'queued' : 'failed', run_at: retryAt ? retryAt.toISOString() : at, locked_by: null, locked_until: null,
        last_error: error.slice(0, 2000), updated_at: at,
      }).where('id', '=', jobId).where('locked_by', '=', workerId).execute();
    },

    /**
     * Gives the job back without counting the attempt (graceful stop at a checkpoint): another runner,
     * or this one after a restart, picks it up at once.
     */
    async release(jobId: string, workerId: string): Promise<void> {
      const at = now().toISOString();
      await db.updateTable('jobs').set((eb) => ({
        status: 'queued', run_at: at, locked_by: null, locked_until: null, updated_at: at,
        attempts: eb.case().when('attempts', '>', 0).then(eb('attempts', '-', 1)).else(0).end(),
      })).where('id', '=', jobId).where('locked_by', '=', workerId).where('status', '=', 'running').execute();
    },

    /**
     * True when a job of this kind waits in the queue (with exactly this payload, when given), so a
     * caller can leave one request standing instead of queuing another.
     */
    async hasQueued(kind: string, options: { payload?: unknown; trx?: Kysely<DB> } = {}): Promise<boolean> {
      let query = (options.trx ?? db).selectFrom('jobs').select('id').where('kind', '=', kind).where('status', '=', 'queued');
      if (options.payload !== undefined) query = query.where('payload', '=', JSON.stringify(options.payload));
      return (await query.executeTakeFirst()) !== undefined;
    },

    findJob(jobId: string): Promise<JobRow | undefined> {
      return db.selectFrom('jobs').selectAll().where('id', '=', jobId).executeTakeFirst();
    },

    /** Counts by status, for /metrics. */
    async counts(): Promise<Record<JobRow['status'], number>> {
      const rows = await db.selectFrom('jobs').select((eb) => ['status', eb.fn.countAll<number>().as('n')]).groupBy('status').execute();
      const counts: Record<JobRow['status'], number> = { queued: 0, running: 0, done: 0, failed: 0 };
      for (const row of rows) counts[row.status] = Number(row.n);
      return counts;
    },
  };
}

export type JobQueue = ReturnType<typeof createJobQueue>;
