import type { Kysely } from 'kysely';
import type { JobHandler, JobQueue } from '../../queue/index.ts';
import type { DB } from '../../store/schema.ts';
import { sweepExpiredOAuth } from './oauth-store.ts';

export const OAUTH_SWEEP_JOB_KIND = 'oauth.sweep';

export interface OAuthSweepDeps {
  db: Kysely<DB>;
  queue: Pick<JobQueue, 'enqueue' | 'hasQueued'>;
  now: () => Date;
}

/**
 * Removes the authorization server's rows past their expiry (codes, tokens, interactions, sessions):
 * reads never answer them, but open registration and abandoned sign-ins would otherwise grow the table.
 * Each run queues the next (one chain across nodes, as the wallet re-verification does).
 */
export function oauthSweepJob(deps: OAuthSweepDeps, options: { intervalMs?: number } = {}): JobHandler<Record<string, never>> {
  const intervalMs = options.intervalMs ?? 60 * 60_000;
  return {
    maxAttempts: 3,
    async run() {
      // The authorization server keeps its expiries on the wall clock (milliseconds), so the sweep does too.
      await sweepExpiredOAuth(deps.db, Date.now());
      await scheduleOAuthSweep(deps, intervalMs);
    },
  };
}

/** Queues the next sweep unless one is queued already. */
export async function scheduleOAuthSweep(deps: Omit<OAuthSweepDeps, 'db'>, delayMs: number): Promise<boolean> {
  if (await deps.queue.hasQueued(OAUTH_SWEEP_JOB_KIND)) return false;
  await deps.queue.enqueue(OAUTH_SWEEP_JOB_KIND, {}, { runAt: new Date(deps.now().getTime() + delayMs) });
  return true;
}
