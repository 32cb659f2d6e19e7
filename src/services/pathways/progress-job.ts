import type { JobHandler } from '../../queue/index.ts';
import { NotFound } from '../errors.ts';
import type { WalletService } from '../wallet/index.ts';
import type { PathwayService } from './index.ts';
import type { PathwayProgressPayload } from './queue.ts';

/**
 * Recomputes one learner's pathways after their wallet changed (queued by the wallet and by status
 * changes of credentials they hold, `queuePathwayProgress`): items named in `reverify` are verified
 * again first, so a revocation here shows in the progress and flags the awards built on it.
 */
export function pathwayProgressJob(services: { wallet: Pick<WalletService, 'reverifyHeld'>; pathways: Pick<PathwayService, 'recompute'> }): JobHandler<PathwayProgressPayload> {
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
