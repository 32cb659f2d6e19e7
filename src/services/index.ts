import { createAccountService } from './accounts.ts';
import { createAchievementService } from './achievements/index.ts';
import { createBulkService } from './bulk/index.ts';
import type { ServiceContext } from './context.ts';
import { createCredentialService } from './credentials/index.ts';
import { createIssuerService } from './issuers.ts';
import { createExportService } from './exports.ts';
import { createLearnerService } from './learners.ts';
import { createMailer } from './mail.ts';
import { createRecognitionService } from './recognition/index.ts';
import { createSharingService } from './sharing/index.ts';
import { createStatusService } from './status/index.ts';
import { createVcApiService } from './vc-api.ts';
import { createVerifierService } from './verifier.ts';
import { createWalletService } from './wallet/index.ts';

/** Every service of the platform, built once per process over one context. */
export function createServices(ctx: ServiceContext) {
  const issuers = createIssuerService(ctx);
  const accounts = createAccountService(ctx, issuers);
  const achievements = createAchievementService(ctx, issuers);
  const status = createStatusService(ctx, issuers);
  const vcApi = createVcApiService(ctx, { issuers, status });
  const mail = createMailer(ctx);
  const credentials = createCredentialService(ctx, { issuers, achievements, status, mail });
  const bulk = createBulkService(ctx, { issuance: credentials, afterIssue: () => mail.kick() });
  const learners = createLearnerService(ctx, { mail });
  const wallet = createWalletService(ctx, { learners });
  const sharing = createSharingService(ctx, { wallet, learners });
  const verifier = createVerifierService(ctx);
  const exports = createExportService(ctx, { wallet, learners, issuers });
  const recognition = createRecognitionService(ctx, { issuers, achievements, credentials, wallet, mail });
  return { ctx, issuers, accounts, achievements, status, vcApi, mail, credentials, bulk, learners, wallet, sharing, verifier, exports, recognition };
}

export type Services = ReturnType<typeof createServices>;
