import type { ServiceContext } from '../context.ts';
import type { Services } from '../index.ts';

/** Recognition of prior learning for credit, and RPL by assessment (issue 5). Being built. */
export function createRecognitionService(_ctx: ServiceContext, _deps: Pick<Services, 'issuers' | 'achievements' | 'credentials' | 'wallet'>) {
  return {};
}

export type RecognitionService = ReturnType<typeof createRecognitionService>;
