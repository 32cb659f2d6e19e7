import { createJobRunner, type JobHandler, type JobRunner, type JobRunnerOptions } from './queue/index.ts';
import type { Runtime } from './runtime.ts';
import { BULK_JOB_KIND } from './services/bulk/index.ts';
import { OAUTH_SWEEP_JOB_KIND, oauthSweepJob, scheduleOAuthSweep } from './services/ob-api/sweep-job.ts';
import { LTI_AWARD_JOB_KIND, LTI_SCHEDULE_JOB_KIND, LTI_SYNC_JOB_KIND, ltiAwardJob, ltiScheduleJob, ltiSyncJob, scheduleLtiRuns } from './services/lti/index.ts';
import { PATHWAY_PROGRESS_JOB_KIND, pathwayProgressJob } from './services/pathways/index.ts';
import { WEBHOOK_DELIVERY_JOB_KIND, webhookDeliveryJob } from './services/webhooks/index.ts';
import { scheduleXapiPurge, XAPI_AWARD_JOB_KIND, XAPI_PURGE_JOB_KIND, xapiAwardJob, xapiPurgeJob } from './services/xapi/index.ts';
import { startWalletReverify, WALLET_REVERIFY_JOB_KIND, walletReverifyJob } from './services/wallet/index.ts';

/**
 * The handler of every job kind the platform queues: the one place that knows both the queue and
 * the services (each service exports its own handlers; the queue knows none of them).
 */
export function jobHandlers(runtime: Pick<Runtime, 'services' | 'queue' | 'ctx'>): Record<string, JobHandler<never>> {
  const { services } = runtime;
  return {
    [BULK_JOB_KIND]: services.bulk.handler as JobHandler<never>,
    [WALLET_REVERIFY_JOB_KIND]: walletReverifyJob({ wallet: services.wallet, queue: runtime.queue, now: runtime.ctx.now }) as JobHandler<never>,
    [PATHWAY_PROGRESS_JOB_KIND]: pathwayProgressJob(services) as JobHandler<never>,
    [WEBHOOK_DELIVERY_JOB_KIND]: webhookDeliveryJob(services.webhooks) as JobHandler<never>,
    [XAPI_AWARD_JOB_KIND]: xapiAwardJob(services.xapi) as JobHandler<never>,
    [XAPI_PURGE_JOB_KIND]: xapiPurgeJob({ xapi: services.xapi, queue: runtime.queue, now: runtime.ctx.now }) as JobHandler<never>,
    [LTI_AWARD_JOB_KIND]: ltiAwardJob(services.lti) as JobHandler<never>,
    [LTI_SYNC_JOB_KIND]: ltiSyncJob(services.lti) as JobHandler<never>,
    [LTI_SCHEDULE_JOB_KIND]: ltiScheduleJob({ lti: services.lti, queue: runtime.queue, now: runtime.ctx.now }) as JobHandler<never>,
    [OAUTH_SWEEP_JOB_KIND]: oauthSweepJob({ db: runtime.ctx.db, queue: runtime.queue, now: runtime.ctx.now }) as JobHandler<never>,
  };
}

/** A runner over the runtime's queue with the platform's handlers; not started. */
export function createRuntimeJobRunner(runtime: Pick<Runtime, 'services' | 'queue' | 'ctx'>, options: Partial<JobRunnerOptions> = {}): JobRunner {
  return createJobRunner({ queue: runtime.queue, handlers: jobHandlers(runtime), log: runtime.ctx.log, ...options });
}

/**
 * Starts `workers` job workers in this process (server.ts; JOB_WORKERS). `stop()` is the graceful
 * half of shutdown: no new claims, running jobs stop at their next checkpoint and give their lease
 * back, so another node or the next start resumes them.
 */
export function startJobRunner(runtime: Pick<Runtime, 'services' | 'queue' | 'ctx'>, options: { workers: number } & Partial<JobRunnerOptions>): { stop(): Promise<void>; runner: JobRunner } {
  const runner = createRuntimeJobRunner(runtime, options);
  if (options.workers > 0) {
    runner.start();
    // Wallets are re-verified on a schedule (a chain of jobs, one queued at a time across nodes), so a
    // revocation or an expiry shows in the learner's wallet and on shared pages without a visit.
    void startWalletReverify({ queue: runtime.queue, now: runtime.ctx.now }).catch((error: unknown) => runtime.ctx.log.warn({ err: String(error) }, 'could not schedule wallet re-verification'));
    // xAPI statements that earned nothing are purged once their audit window is over (XAPI_AUDIT_HOURS).
    void scheduleXapiPurge({ queue: runtime.queue, now: runtime.ctx.now }).catch((error: unknown) => runtime.ctx.log.warn({ err: String(error) }, 'could not schedule the xAPI purge'));
    // Courses mapped by their instructors (LTI) are checked hourly: grades and roster read, new learners issued.
    void scheduleLtiRuns({ queue: runtime.queue, now: runtime.ctx.now }).catch((error: unknown) => runtime.ctx.log.warn({ err: String(error) }, 'could not schedule the LTI course runs'));
    // Expired OAuth 2.0 codes, tokens and sessions of the OB 3.0 API are swept hourly.
    void scheduleOAuthSweep({ queue: runtime.queue, now: runtime.ctx.now }, 5 * 60_000).catch((error: unknown) => runtime.ctx.log.warn({ err: String(error) }, 'could not schedule the OAuth sweep'));
  }
  return { runner, stop: () => runner.stop() };
}
