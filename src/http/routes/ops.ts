import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Services } from '../../services/index.ts';
import { HealthSchema, UnhealthySchema } from '../contract/ops.ts';

/** /health (is the database reachable) and /metrics (Prometheus text). */
export function opsRoutes(services: Services): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get('/health', {
      schema: {
        tags: ['operations'], summary: 'Liveness and database reachability',
        response: { 200: HealthSchema, 503: UnhealthySchema },
      },
      logLevel: 'warn',
    }, async (_request, reply) => {
      if (await services.ops.healthy()) return { status: 'ok' as const, database: 'ok' as const };
      return reply.code(503).send({ status: 'unavailable' as const, database: 'unreachable' as const });
    });

    app.get('/metrics', { schema: { tags: ['operations'], summary: 'Prometheus metrics', hide: false }, logLevel: 'warn' }, async (_request, reply) => {
      return reply.type('text/plain; version=0.0.4').send(await services.ops.metrics());
    });
  };
}
