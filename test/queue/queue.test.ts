import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createJobQueue, createJobRunner, JobInterrupted, PermanentJobError, type JobContext, type JobQueue } from '../../src/queue/index.ts';
import type { Store } from '../../src/store/database.ts';
import { createTestDatabase, DIALECTS, warnIfPostgresSkipped, type TestDatabase } from '../support/db.ts';

warnIfPostgresSkipped();

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits (without a deadline of its own: the test timeout is the bound) until `done()` holds. */
async function until(done: () => Promise<boolean>): Promise<void> {
  while (!(await done())) await sleep(20);
}

for (const dialect of DIALECTS) {
  describe(`job queue and runner (${dialect})`, () => {
    let database: TestDatabase;
    let store: Store;
    let clock: Date;
    let queue: JobQueue;
    const now = () => clock;

    beforeAll(async () => {
      database = await createTestDatabase(dialect);
      store = await database.open();
    });
    afterAll(async () => {
      await store.destroy();
      await database.drop();
    });
    beforeEach(async () => {
      await store.db.deleteFrom('jobs').execute();
      clock = new Date('2026-06-01T10:00:00.000Z');
      queue = createJobQueue({ db: store.db, dialect, now });
    });

    it('claims a due job once, leaves a future one alone until its time, and only kinds it knows', async () => {
      const due = await queue.enqueue('mail', { n: 1 });
      await queue.enqueue('mail', { n: 2 }, { runAt: new Date('2026-06-01T11:00:00.000Z') });
      await queue.enqueue('other', {});
      const claimed = await queue.claim('w1', 30_000, ['mail']);
      expect(claimed).toMatchObject({ id: due, status: 'running', locked_by: 'w1', attempts: 1, locked_until: '2026-06-01T10:00:30.000Z' });
      expect(await queue.claim('w2', 30_000, ['mail'])).toBeUndefined();
      await queue.complete(due, 'w1');
      expect(await queue.findJob(due)).toMatchObject({ status: 'done', locked_by: null, locked_until: null });
      clock = new Date('2026-06-01T11:00:00.000Z');
      expect(JSON.parse((await queue.claim('w2', 30_000, ['mail']))!.payload)).toEqual({ n: 2 });
      expect(await queue.counts()).toEqual({ queued: 1, running: 1, done: 1, failed: 0 });
    });

    it('hasQueued sees a waiting job of a kind (with exactly a payload, when asked), inside a transaction too, and not a claimed one', async () => {
      expect(await queue.hasQueued('pathway.progress')).toBe(false);
      await store.db.transaction().execute(async (trx) => {
        await queue.enqueue('pathway.progress', { userId: 'u1' }, { trx });
        expect(await queue.hasQueued('pathway.progress', { payload: { userId: 'u1' }, trx })).toBe(true);
      });
      expect(await queue.hasQueued('pathway.progress', { payload: { userId: 'u2' } })).toBe(false);
      expect(await queue.hasQueued('wallet.reverify')).toBe(false);
      await queue.claim('w1', 30_000, ['pathway.progress']);
      expect(await queue.hasQueued('pathway.progress')).toBe(false);
    });

    it('enqueues inside a transaction: a rolled-back change leaves no job', async () => {
      await expect(store.db.transaction().execute(async (trx) => {
        await queue.enqueue('mail', {}, { trx });
        throw new Error('the change failed');
      })).rejects.toThrow('the change failed');
      expect(await queue.claim('w1', 1000)).toBeUndefined();
    });

    it('retries a failing job with growing backoff, then fails it for good and tells the handler', async () => {
      const id = await queue.enqueue('flaky', { what: 'x' });
      const failures: string[] = [];
      const runner = createJobRunner({
        queue, now, workers: 0, backoffMs: (attempt) => attempt * 60_000,
        handlers: { flaky: { maxAttempts: 3, run: async () => { throw new Error('SMTP said no'); }, failed: async (payload: { what: string }, error) => { failures.push(`${payload.what}: ${error}`); } } },
      });
      expect(await runner.runOnce()).toBe(true);
      expect(await queue.findJob(id)).toMatchObject({ status: 'queued', attempts: 1, last_error: 'SMTP said no', run_at: '2026-06-01T10:01:00.000Z', locked_by: null });
      expect(await runner.runOnce()).toBe(false); // not due yet
      clock = new Date('2026-06-01T10:01:00.000Z');
      expect(await runner.runOnce()).toBe(true);
      expect(await queue.findJob(id)).toMatchObject({ status: 'queued', attempts: 2, run_at: '2026-06-01T10:03:00.000Z' });
      expect(failures).toEqual([]);
      clock = new Date('2026-06-01T10:03:00.000Z');
      expect(await runner.runOnce()).toBe(true);
      expect(await queue.findJob(id)).toMatchObject({ status: 'failed', attempts: 3, last_error: 'SMTP said no' });
      expect(failures).toEqual(['x: SMTP said no']);
      expect(await runner.runOnce()).toBe(false);
    });

    it('fails a job at once when the handler says retrying cannot help, and a job nobody handles', async () => {
      const id = await queue.enqueue('strict', {});
      const runner = createJobRunner({ queue, now, workers: 0, handlers: { strict: { run: async () => { throw new PermanentJobError('the achievement is gone'); } } } });
      await runner.runOnce();
      expect(await queue.findJob(id)).toMatchObject({ status: 'failed', attempts: 1, last_error: 'the achievement is gone' });
      const orphan = await queue.enqueue('unknown', {});
      const row = await queue.claim('w1', 1000);
      expect(row?.id).toBe(orphan);
    });

    it('takes over a job whose runner died (lease expired); the dead runner can no longer touch it', async () => {
      const id = await queue.enqueue('bulk', {});
      expect((await queue.claim('node-a', 10_000))?.id).toBe(id);
      clock = new Date(clock.getTime() + 9_000);
      expect(await queue.claim('node-b', 10_000)).toBeUndefined(); // still leased
      clock = new Date(clock.getTime() + 2_000);
      const taken = await queue.claim('node-b', 10_000);
      expect(taken).toMatchObject({ id, locked_by: 'node-b', attempts: 2 });
      expect(await queue.extend(id, 'node-a', 10_000)).toBe(false);
      expect(await queue.holds(id, 'node-a')).toBe(false);
      await queue.complete(id, 'node-a');
      await queue.release(id, 'node-a');
      expect(await queue.findJob(id)).toMatchObject({ status: 'running', locked_by: 'node-b' });

      // The runner resumes such a job: its handler sees a later attempt.
      clock = new Date(clock.getTime() + 20_000);
      const attempts: number[] = [];
      const runner = createJobRunner({ queue, now, workers: 0, handlers: { bulk: { run: async (job) => { attempts.push(job.attempt); } } } });
      expect(await runner.runOnce()).toBe(true);
      expect(attempts).toEqual([3]);
      expect(await queue.findJob(id)).toMatchObject({ status: 'done' });
    });

    it('stops gracefully: the running job reaches a checkpoint and gives its lease back, without spending an attempt', async () => {
      const id = await queue.enqueue('long', {});
      let steps = 0;
      let interrupted: unknown;
      const long = {
        async run(job: JobContext) {
          try {
            for (;;) {
              await job.checkpoint();
              steps++;
              if (steps === 3) void runner.stop();
              await sleep(5);
            }
          } catch (error) {
            interrupted = error;
            throw error;
          }
        },
      };
      const runner = createJobRunner({ queue, now, workers: 0, handlers: { long } });
      expect(await runner.runOnce()).toBe(true);
      expect(steps).toBe(3);
      expect(interrupted).toBeInstanceOf(JobInterrupted);
      expect(await queue.findJob(id)).toMatchObject({ status: 'queued', locked_by: null, attempts: 0, last_error: null });
      expect(await runner.runOnce()).toBe(false); // a stopped runner claims nothing
      const next = createJobRunner({ queue, now, workers: 0, handlers: { long: { run: async () => {} } } });
      expect(await next.runOnce()).toBe(true);
      expect(await queue.findJob(id)).toMatchObject({ status: 'done', attempts: 1 });
    });

    it('a runner that lost its lease stops at the next checkpoint and leaves the job to its new holder', async () => {
      const id = await queue.enqueue('long', {});
      let reason: string | undefined;
      const runner = createJobRunner({
        queue, now, workers: 0, leaseMs: 10_000,
        handlers: {
          long: {
            async run(job: JobContext) {
              clock = new Date(clock.getTime() + 11_000);
              expect((await queue.claim('node-b', 10_000))?.id).toBe(id);
              try {
                await job.checkpoint();
              } catch (error) {
                reason = (error as JobInterrupted).reason;
                throw error;
              }
            },
          },
        },
      });
      await runner.runOnce();
      expect(reason).toBe('lease-lost');
      expect(await queue.findJob(id)).toMatchObject({ status: 'running', locked_by: 'node-b', attempts: 2 });
    });

    it('the heartbeat keeps the lease of a long job, so no other runner takes it', async () => {
      const realQueue = createJobQueue({ db: store.db, dialect });
      const id = await realQueue.enqueue('slow', {});
      const runner = createJobRunner({
        queue: realQueue, workers: 0, leaseMs: 1200,
        handlers: { slow: { async run(job) { for (let i = 0; i < 25; i++) { await sleep(100); await job.checkpoint(); } } } },
      });
      const running = runner.runOnce();
      let stolen = 0;
      let finished = false;
      void running.then(() => { finished = true; });
      while (!finished) {
        if (await realQueue.claim('thief', 1200)) stolen++;
        await sleep(50);
      }
      expect(stolen).toBe(0);
      expect(await realQueue.findJob(id)).toMatchObject({ status: 'done', attempts: 1 });
    });

    it('two runners (each with its own connections and two workers) never run the same job', async () => {
      const storeB = await database.open();
      try {
        const realQueueA = createJobQueue({ db: store.db, dialect });
        const realQueueB = createJobQueue({ db: storeB.db, dialect });
        const ids = new Set<string>();
        for (let n = 0; n < 40; n++) ids.add(await realQueueA.enqueue('work', { n }));
        const runs: string[] = [];
        const running = new Set<string>();
        let overlaps = 0;
        const work = {
          async run(job: JobContext) {
            if (running.has(job.id)) overlaps++;
            running.add(job.id);
            runs.push(job.id);
            await sleep(Math.random() * 15);
            running.delete(job.id);
          },
        };
        const a = createJobRunner({ queue: realQueueA, workers: 2, pollMs: 10, id: 'a', handlers: { work } });
        const b = createJobRunner({ queue: realQueueB, workers: 2, pollMs: 10, id: 'b', handlers: { work } });
        a.start();
        b.start();
        await until(async () => (await realQueueA.counts()).done === 40);
        await Promise.all([a.stop(), b.stop()]);
        expect(overlaps).toBe(0);
        expect(runs).toHaveLength(40);
        expect(new Set(runs)).toEqual(ids);
        const lockedBy = await store.db.selectFrom('jobs').select('attempts').execute();
        expect(lockedBy.every((row) => row.attempts === 1)).toBe(true);
      } finally {
        await storeB.destroy();
      }
    });
  });
}
