import type { ServiceContext } from '../context.ts';
import type { LearnerService } from '../learners.ts';

/**
 * The learner's wallet (issue 4): claim, import, list and search, re-verify, collections, totals.
 * Being built; see /work/notes/contracts-4.md.
 */
export function createWalletService(_ctx: ServiceContext, _deps: { learners: LearnerService }) {
  return {};
}

export type WalletService = ReturnType<typeof createWalletService>;
