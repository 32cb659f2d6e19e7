import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Services } from '../../services/index.ts';

/** Issue 4 routes; being built (see /work/notes/contracts-4.md). */
export function exportRoutes(_services: Services): FastifyPluginAsyncTypebox {
  return async () => {};
}
