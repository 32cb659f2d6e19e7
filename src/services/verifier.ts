import type { ServiceContext } from './context.ts';

/** The public verifier (issue 4): anything in, every check out in plain words. Being built. */
export function createVerifierService(_ctx: ServiceContext) {
  return {};
}

export type VerifierService = ReturnType<typeof createVerifierService>;
