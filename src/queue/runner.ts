import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import { isDatabaseUnavailable } from '../store/unavailable.ts';
import type { JobQueue, JobRow } from './queue.ts';

/**
 * The structured log the runner writes to (ids and outcomes, never payloads). Declared here so the
 * queue knows no service; the platform's log fits it.
 */
export interface JobLog {
  info(fields: Record<string, unknown>, message: string): void;
  warn(fields: Record<string, unknown>, message: string): void;
  error(fields: Record<string, unknown>, message: string): void;
}

const silentLog: JobLog = { info() {}, warn() {}, error() {} };

/** What a handler is given: the job, and a checkpoint to call between units of work. */
export interface JobContext<P = unknown> {
  id: string;
  kind: string;
  payload: P;
  /** 1 on the first run; a job taken over after a crash or a failure runs again with a higher number. */
  attempt: number;
  /** Aborted when the runner is stopping or the lease was lost. */
  signal: AbortSignal;
  /**
   * Call between units of work whose results are committed: throws `JobInterrupted` when the runner is
   * stopping or this runner lost the lease, so the job stops where nothing is half done.
   */
  checkpoint(): Promise<void>;
}

export interface JobHandler<P = unknown> {
  run(job: JobContext<P>): Promise<void>;
  /** Runs (with the last error) once the job failed for good, e.g. to mark the work failed for its user. */
  failed?(payload: P, error: string): Promise<void>;
  /** Most attempts before the job fails for good (default 5). */
  maxAttempts?: number;
}

/** Thrown by `checkpoint()`: the job gives its lease back (stop) or walks away (lease lost). */
export class JobInterrupted extends Error {
  constructor(readonly reason: 'stopping' | 'lease-lost') {
    super(reason === 'stopping' ? 'the job runner is stopping' : 'the lease on this job was lost');
    this.name = 'JobInterrupted';
  }
}

/** A job's own verdict that retrying cannot help (bad input, missing data): it fails at once. */
export class PermanentJobError extends Error {
  override name = 'PermanentJobError';
}

export interface JobRunnerOptions {
  queue: JobQueue;
  handlers: Record<string, JobHandler<never>>;
  /** Jobs run at once by this runner (0: it never claims on its own; `runOnce()` still works). */
  workers?: number;
  /** Lease length (default 30 s); the heartbeat extends it every third of that. */
  leaseMs?: number;
  /** Pause between polls of an empty queue (default 1 s). */
  pollMs?: number;
  /** Delay before retry n (default 2^n s, at most 5 min). */
  backoffMs?: (attempt: number) => number;
  /** Identifies this runner in `locked_by` (default host:pid:random). */
  id?: string;
  now?: () => Date;
  log?: JobLog;
}

export interface JobRunner {
  readonly id: string;
  /** Starts the worker loops. */
  start(): void;
  /**
   * Graceful stop: no new claims; running jobs reach their next checkpoint and give their lease back
   * (they resume elsewhere or after a restart). Resolves when every worker is idle.
   */
  stop(): Promise<void>;
  /** Claims and runs one due job; false when none was due. Tests drive the runner with it. */
  runOnce(): Promise<boolean>;
  /** Runs due jobs until none is left (tests, and the CLI). */
  drain(): Promise<number>;
}

const defaultBackoff = (attempt: number) => Math.min(2 ** attempt * 1000, 5 * 60_000);

/** Runs jobs from the queue with leases, heartbeats, retries with backoff and graceful stop. */
export function createJobRunner(options: JobRunnerOptions): JobRunner {
  const { queue, handlers } = options;
  const leaseMs = options.leaseMs ?? 30_000;
  const pollMs = options.pollMs ?? 1000;
  const backoff = options.backoffMs ?? defaultBackoff;
  const now = options.now ?? (() => new Date());
  const log = options.log ?? silentLog;
  const id = options.id ?? `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  const kinds = Object.keys(handlers);
  let stopping = false;
  const stopController = new AbortController();
  const loops: Promise<void>[] = [];
  let started = false;

  async function execute(row: JobRow, workerId: string): Promise<void> {
    const handler = handlers[row.kind] as JobHandler<unknown> | undefined;
    if (!handler) {
      await queue.fail(row.id, workerId, `no handler for jobs of kind "${row.kind}"`, undefined);
      return;
    }
    const controller = new AbortController();
    let lost = false;
    const onStop = () => controller.abort(new JobInterrupted('stopping'));
    stopController.signal.addEventListener('abort', onStop, { once: true });
    // The heartbeat keeps the lease while the handler works between checkpoints.
    const heartbeat = setInterval(() => {
      queue.extend(row.id, workerId, leaseMs).then((held) => {
        if (!held && !lost) {
          lost = true;
          controller.abort(new JobInterrupted('lease-lost'));
        }
      }, (error: unknown) => log.warn({ jobId: row.id, err: String(error) }, 'job heartbeat failed'));
    }, Math.max(10, Math.floor(leaseMs / 3)));
    heartbeat.unref();
    const context: JobContext = {
      id: row.id,
      kind: row.kind,
      payload: JSON.parse(row.payload) as unknown,
      attempt: row.attempts,
      signal: controller.signal,
      async checkpoint() {
        if (stopping) throw new JobInterrupted('stopping');
        if (lost || !(await queue.holds(row.id, workerId))) {
          lost = true;
          throw new JobInterrupted('lease-lost');
        }
      },
    };
    try {
      await handler.run(context);
      await queue.complete(row.id, workerId);
      log.info({ jobId: row.id, kind: row.kind }, 'job done');
    } catch (error) {
      if (error instanceof JobInterrupted) {
        if (error.reason === 'stopping') await queue.release(row.id, workerId);
        log.info({ jobId: row.id, kind: row.kind, reason: error.reason }, 'job interrupted');
        return;
      }
      if (isDatabaseUnavailable(error)) {
        // The database went away (restart, failover): not the job's fault. Hand it back uncounted if
        // the database is already back, else its lease runs out; either way a runner resumes it.
        log.warn({ jobId: row.id, kind: row.kind }, 'job interrupted: database unavailable');
        await queue.release(row.id, workerId).catch(() => undefined);
        return;
      }
      const message = error instanceof Error ? error.message : String(error);
      const permanent = error instanceof PermanentJobError;
      const final = permanent || row.attempts >= (handler.maxAttempts ?? 5);
      await queue.fail(row.id, workerId, message, final ? undefined : new Date(now().getTime() + backoff(row.attempts)));
      log.warn({ jobId: row.id, kind: row.kind, attempt: row.attempts, final, err: message }, 'job failed');
      if (final) await handler.failed?.(context.payload, message);
    } finally {
      clearInterval(heartbeat);
      stopController.signal.removeEventListener('abort', onStop);
    }
  }

  async function runOnce(workerId = `${id}:0`): Promise<boolean> {
    if (stopping) return false;
    const row = await queue.claim(workerId, leaseMs, kinds);
    if (!row) return false;
    await execute(row, workerId);
    return true;
  }

  async function loop(workerId: string): Promise<void> {
    while (!stopping) {
      let worked = false;
      try {
        worked = await runOnce(workerId);
      } catch (error) {
        log.error({ err: String(error) }, 'job runner could not claim');
      }
      if (!worked && !stopping) await sleep(pollMs, stopController.signal);
    }
  }

  return {
    id,
    start() {
      if (started) return;
      started = true;
      const workers = options.workers ?? 1;
      for (let n = 0; n < workers; n++) loops.push(loop(`${id}:${n}`));
    },
    async stop() {
      stopping = true;
      stopController.abort();
      await Promise.all(loops);
    },
    runOnce: () => runOnce(),
    async drain() {
      let count = 0;
      while (await runOnce()) count++;
      return count;
    },
  };
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}
