import type { Runtime } from '../runtime.ts';
import { BULK_JOB_KIND } from '../services/bulk/service.ts';
import { createJobQueue } from './queue.ts';
import { createJobRunner, type JobHandler, type JobRunner, type JobRunnerOptions } from './runner.ts';
import { PATHWAY_PROGRESS_JOB_KIND, pathwayProgressJob } from './pathway-progress.ts';
import { startWalletReverify, WALLET_REVERIFY_JOB_KIND, walletReverifyJob } from './wallet-reverify.ts';

export { createJobQueue, type EnqueueOptions, type JobQueue, type JobRow } from './queue.ts';
export { createJobRunner, JobInterrupted, PermanentJobError, type JobContext, type JobHandler, type JobRunner, type JobRunnerOptions } from './runner.ts';

/** The handler of every job kind the platform queues. */
export function jobHandlers(runtime: Pick<Runtime, 'services'>): Record<string, JobHandler<never>> {
  return {
    [BULK_JOB_KIND]: runtime.services.bulk.handler as JobHandler<never>,
    [WALLET_REVERIFY_JOB_KIND]: walletReverifyJob(runtime.services) as JobHandler<never>,
    [PATHWAY_PROGRESS_JOB_KIND]: pathwayProgressJob(runtime.services) as JobHandler<never>,
  };
}

/** A runner over the runtime's database with the platform's handlers; not started. */
export function createRuntimeJobRunner(runtime: Pick<Runtime, 'services' | 'store' | 'ctx'>, options: Partial<JobRunnerOptions> = {}): JobRunner {
  const queue = createJobQueue({ db: runtime.store.db, dialect: runtime.store.dialect, now: runtime.ctx.now });
  return createJobRunner({ queue, handlers: jobHandlers(runtime), log: runtime.ctx.log, ...options });
}

/**
 * Starts `workers` job workers in this process (server.ts; JOB_WORKERS). `stop()` is the graceful
 * half of shutdown: no new claims, running jobs stop at their next checkpoint and give their lease
 * back, so another node or the next start resumes them.
 */
export function startJobRunner(runtime: Pick<Runtime, 'services' | 'store' | 'ctx'>, options: { workers: number } & Partial<JobRunnerOptions>): { stop(): Promise<void>; runner: JobRunner } {
  const runner = createRuntimeJobRunner(runtime, options);
  if (options.workers > 0) {
    runner.start();
    // Wallets are re-verified on a schedule (a chain of jobs, one queued at a time across nodes), so a
    // revocation or an expiry shows in the learner's wallet and on shared pages without a visit.
    void startWalletReverify(runtime.services).catch((error: unknown) => runtime.ctx.log.warn({ err: String(error) }, 'could not schedule wallet re-verification'));
  }
  return { runner, stop: () => runner.stop() };
}
