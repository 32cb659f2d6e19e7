import type { JobHandler, JobQueue } from '../../queue/index.ts';
import type { WalletService } from './index.ts';

export const WALLET_REVERIFY_JOB_KIND = 'wallet.reverify';

export interface WalletReverifyDeps {
  wallet: Pick<WalletService, 'reverifyDue'>;
  queue: Pick<JobQueue, 'enqueue' | 'hasQueued'>;
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
export function walletReverifyJob(deps: WalletReverifyDeps, options: WalletReverifyOptions = {}): JobHandler<Record<string, never>> {
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
 * Queues the next run unless one is queued already. Where the job runner starts, the first run is
 * queued a minute out (`startWalletReverify`), and the job keeps itself going.
 */
export async function scheduleWalletReverify(deps: Omit<WalletReverifyDeps, 'wallet'>, delayMs: number): Promise<boolean> {
  if (await deps.queue.hasQueued(WALLET_REVERIFY_JOB_KIND)) return false;
  await deps.queue.enqueue(WALLET_REVERIFY_JOB_KIND, {}, { runAt: new Date(deps.now().getTime() + delayMs) });
  return true;
}

/** Queues the first run (soon) unless one is queued: called where the job runner starts. */
export function startWalletReverify(deps: Omit<WalletReverifyDeps, 'wallet'>): Promise<boolean> {
  return scheduleWalletReverify(deps, 60_000);
}
