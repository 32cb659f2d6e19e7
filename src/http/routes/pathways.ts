import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Services } from '../../services/index.ts';

/** Issue 5 routes; being built. */
export function pathwayRoutes(_services: Services): FastifyPluginAsyncTypebox {
  return async () => {};
}
