import type { Services } from '../services/index.ts';
import { NotFound } from '../services/errors.ts';
import { PATHWAY_PROGRESS_JOB_KIND, type PathwayProgressPayload } from '../services/pathways/index.ts';
import type { JobHandler } from './runner.ts';

export { PATHWAY_PROGRESS_JOB_KIND };

/**
 * Recomputes one learner's pathways after their wallet changed (queued by the wallet and by status
 * changes of credentials they hold): items named in `reverify` are verified again first, so a
 * revocation here shows in the progress and flags the awards built on it.
 */
export function pathwayProgressJob(services: Pick<Services, 'wallet' | 'pathways'>): JobHandler<PathwayProgressPayload> {
  return {
    maxAttempts: 5,
    async run(job) {
      const { userId, reverify = [] } = job.payload;
      for (const itemId of reverify) {
        try {
          await services.wallet.reverifyHeld(userId, itemId);
        } catch (error) {
          if (!(error instanceof NotFound)) throw error; // removed from the wallet meanwhile
        }
      }
      await job.checkpoint();
      await services.pathways.recompute(userId);
    },
  };
}
