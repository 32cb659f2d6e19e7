import type { ServiceContext } from './context.ts';
import type { IssuerService } from './issuers.ts';
import type { LearnerService } from './learners.ts';
import type { WalletService } from './wallet/index.ts';

/** Exports (issue 4): the learner's whole wallet as a zip; an issuer's CLR 2.0 of a learner. Being built. */
export function createExportService(_ctx: ServiceContext, _deps: { wallet: WalletService; learners: LearnerService; issuers: IssuerService }) {
  return {};
}

export type ExportService = ReturnType<typeof createExportService>;
