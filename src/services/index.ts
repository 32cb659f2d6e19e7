import { createAccountService } from './accounts.ts';
import type { ServiceContext } from './context.ts';
import { createIssuerService } from './issuers.ts';

/** Every service of the platform, built once per process over one context. */
export function createServices(ctx: ServiceContext) {
  const issuers = createIssuerService(ctx);
  const accounts = createAccountService(ctx, issuers);
  return { ctx, issuers, accounts };
}

export type Services = ReturnType<typeof createServices>;
