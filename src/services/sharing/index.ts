import type { ServiceContext } from '../context.ts';
import type { LearnerService } from '../learners.ts';
import type { WalletService } from '../wallet/index.ts';

/**
 * Sharing (issue 4): share links, public pages, QR codes, PDF certificates, downloads, presentations.
 * Being built; see /work/notes/contracts-4.md.
 */
export function createSharingService(_ctx: ServiceContext, _deps: { wallet: WalletService; learners: LearnerService }) {
  return {};
}

export type SharingService = ReturnType<typeof createSharingService>;
