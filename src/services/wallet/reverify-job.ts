import type { Kysely } from 'kysely';
import type { Services } from '../services/index.ts';
import type { WalletService } from '../services/wallet/index.ts';
import type { DB } from '../store/schema.ts';
import { createJobQueue, type JobQueue } from './queue.ts';
import type { JobHandler } from './runner.ts';

export const WALLET_REVERIFY_JOB_KIND = 'wallet.reverify';

export interface WalletReverifyDeps {
  wallet: Pick<WalletService, 'reverifyDue'>;
  queue: Pick<JobQueue, 'enqueue'>;
  db: Kysely<DB>;
  now: () => Date;
}

export interface WalletReverifyOptions {
  /** Items re-verified per batch (default 200). */
  batch?: number;
  /** Pause before the next run once nothing more is due (default 15 min). */
  intervalMs?: number;
}

/**
 * The scheduled re-verification of wallets: each run re-verifies the items whose last verification is
 * more than a day old, a batch at a time with a checkpoint between batches, then queues the next run.
 * A run that finds another run already queued does not queue one more, so two chains (two nodes
 * that both scheduled one) merge into one.
 */
export function walletReverifyHandler(deps: WalletReverifyDeps, options: WalletReverifyOptions = {}): JobHandler<Record<string, never>> {
  const { wallet } = deps;
  const batch = options.batch ?? 200;
  const intervalMs = options.intervalMs ?? 15 * 60_000;
  return {
    maxAttempts: 3,
    async run(job) {
      for (;;) {
        const { checked, failed } = await wallet.reverifyDue(batch);
        await job.checkpoint();
        // A batch that was all failures would come back first again: leave it for the next run.
        if (checked < batch || failed === checked) break;
      }
      await scheduleWalletReverify(deps, intervalMs);
    },
  };
}

/**
 * Queues the next run unless one is queued already; call once when the job runner starts
 * (`scheduleWalletReverify(queue, 0)`), and the job keeps itself going.
 */
export async function scheduleWalletReverify(deps: Omit<WalletReverifyDeps, 'wallet'>, delayMs: number): Promise<boolean> {
  const queued = await deps.db.selectFrom('jobs').select('id').where('kind', '=', WALLET_REVERIFY_JOB_KIND).where('status', '=', 'queued').executeTakeFirst();
  if (queued) return false;
  await deps.queue.enqueue(WALLET_REVERIFY_JOB_KIND, {}, { runAt: new Date(deps.now().getTime() + delayMs) });
  return true;
}

function depsOf(services: Pick<Services, 'wallet' | 'ctx'>): WalletReverifyDeps {
  const { ctx } = services;
  return { wallet: services.wallet, db: ctx.db, now: ctx.now, queue: createJobQueue({ db: ctx.db, dialect: ctx.dialect, now: ctx.now }) };
}

/** The handler over the platform's services (src/jobs/index.ts `jobHandlers`). */
export function walletReverifyJob(services: Pick<Services, 'wallet' | 'ctx'>, options: WalletReverifyOptions = {}): JobHandler<never> {
  return walletReverifyHandler(depsOf(services), options) as JobHandler<never>;
}

/** Queues the first run (soon) unless one is queued: called where the job runner starts. */
export function startWalletReverify(services: Pick<Services, 'wallet' | 'ctx'>): Promise<boolean> {
  return scheduleWalletReverify(depsOf(services), 60_000);
}
