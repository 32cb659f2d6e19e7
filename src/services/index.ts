import { createAccountLinkService } from './account-links.ts';
import { createAccountService } from './accounts.ts';
import { createAchievementService } from './achievements/index.ts';
import { createBulkService } from './bulk/index.ts';
import type { ServiceContext } from './context.ts';
import { createCredentialConsoleService } from './credentials/console.ts';
import { createCredentialService } from './credentials/index.ts';
import { createHolderBindingService } from './credentials/holder-binding.ts';
import { createIssuerService } from './issuers.ts';
import { createExchangeService } from './exchanges.ts';
import { createExportService } from './exports.ts';
import { createLearnerService } from './learners.ts';
import { createLtiService } from './lti/index.ts';
import { createMailer } from './mail.ts';
import { createObConsumerService } from './ob-api/consumer.ts';
import { createObHostService } from './ob-api/host.ts';
import { createOid4vciService } from './oid4vci/index.ts';
import { createOpsService, type OpsDeps } from './ops.ts';
import { createPathwayService, queueHoldersOf, queuePathwayProgress } from './pathways/index.ts';
import { createRecognitionService } from './recognition/index.ts';
import { createSharingService } from './sharing/index.ts';
import { createStatusService } from './status/index.ts';
import { createVcApiService } from './vc-api.ts';
import { createVerifierService } from './verifier.ts';
import { createPresentationRequestService } from './openid4vp/index.ts';
import { createWalletService } from './wallet/index.ts';
import { createWebhookService, type WebhookDeps } from './webhooks/index.ts';
import { createXapiService } from './xapi/index.ts';

/**
 * Every service of the platform, built once per process over one context. The context stays with
 * the services: callers (routes, commands) get use cases, never the database.
 */
export function createServices(ctx: ServiceContext, outside: { ops: OpsDeps; webhooks: WebhookDeps }) {
  const issuers = createIssuerService(ctx);
  const achievements = createAchievementService(ctx, issuers);
  // A status change here reaches the wallets holding the credential, and through them their pathways.
  const status = createStatusService(ctx, issuers, { changed: (trx, credentialId) => queueHoldersOf(ctx, trx, credentialId) });
  const vcApi = createVcApiService(ctx, { issuers, status });
  const mail = createMailer(ctx);
  const accounts = createAccountService(ctx, issuers, mail);
  const credentials = createCredentialService(ctx, { issuers, achievements, status, mail });
  // Claims taken into wallets learners carry (OpenID4VCI, the Learner Credential Wallet) as DID-bound copies.
  const holderBinding = createHolderBindingService(ctx, { issuers, status });
  const exchanges = createExchangeService(ctx, { binding: holderBinding });
  const credentialConsole = createCredentialConsoleService(ctx, { mail });
  const bulk = createBulkService(ctx, { issuance: credentials, afterIssue: () => mail.kick() });
  const learners = createLearnerService(ctx, { mail });
  const accountLinks = createAccountLinkService(ctx, { mail });
  const wallet = createWalletService(ctx, { learners, changed: (trx, userId) => queuePathwayProgress(ctx, trx, { userId }) });
  const sharing = createSharingService(ctx, { wallet, learners });
  const verifier = createVerifierService(ctx);
  const exports = createExportService(ctx, { wallet, learners, issuers });
  const recognition = createRecognitionService(ctx, { issuers, achievements, credentials, wallet, mail });
  const pathways = createPathwayService(ctx, { issuers, achievements, credentials, wallet });
  const presentations = createPresentationRequestService(ctx, { wallet, recognition });
  const ops = createOpsService(ctx, outside.ops);
  const obHost = createObHostService(ctx, { changed: (trx, userId) => queuePathwayProgress(ctx, trx, { userId }) });
  const obConsumer = createObConsumerService(ctx);
  const webhooks = createWebhookService(ctx, outside.webhooks);
  const xapi = createXapiService(ctx, { credentials, achievements });
  // OpenID4VCI delivers claims as copies bound to the wallet's key, through the one holder-binding service.
  const oid4vci = createOid4vciService(ctx, { achievements, learners, binding: holderBinding });
  const lti = createLtiService(ctx, { credentials, achievements });
  return { webhooks, xapi, issuers, accounts, achievements, status, vcApi, mail, credentials, bulk, learners, wallet, sharing, verifier, presentations, exports, recognition, pathways, ops, obHost, obConsumer, holderBinding, exchanges, oid4vci, lti, accountLinks, credentialConsole };
}

export type Services = ReturnType<typeof createServices>;
