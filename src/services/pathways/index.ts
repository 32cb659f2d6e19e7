import type { ServiceContext } from '../context.ts';
import type { Services } from '../index.ts';

/** Pathways (issue 5): stacked credentials across issuers, learners' progress, automatic issue. Being built. */
export function createPathwayService(_ctx: ServiceContext, _deps: Pick<Services, 'issuers' | 'achievements' | 'credentials' | 'wallet'>) {
  return {};
}

export type PathwayService = ReturnType<typeof createPathwayService>;
