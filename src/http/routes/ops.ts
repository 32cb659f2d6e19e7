import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Services } from '../../services/index.ts';
import type { Store } from '../../store/database.ts';
import type { MetricsRegistry } from '../../services/metrics.ts';
import { HealthSchema, UnhealthySchema } from '../contract/ops.ts';

/** /health (is the database reachable) and /metrics (Prometheus text). */
export function opsRoutes(services: Services, store: Store, metrics: MetricsRegistry): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get('/health', {
      schema: {
        tags: ['operations'], summary: 'Liveness and database reachability',
        response: { 200: HealthSchema, 503: UnhealthySchema },
      },
      logLevel: 'warn',
    }, async (_request, reply) => {
      if (await store.ping()) return { status: 'ok' as const, database: 'ok' as const };
      return reply.code(503).send({ status: 'unavailable' as const, database: 'unreachable' as const });
    });

    app.get('/metrics', { schema: { tags: ['operations'], summary: 'Prometheus metrics', hide: false }, logLevel: 'warn' }, async (_request, reply) => {
      const jobs = await services.ctx.db.selectFrom('jobs').select(['status', (eb) => eb.fn.countAll<number>().as('n')]).groupBy('status').execute();
      const gauges = jobs.map((row) => ({ name: 'microcred_jobs', help: 'Background jobs by state', value: Number(row.n), labels: { status: row.status } }));
      return reply.type('text/plain; version=0.0.4').send(metrics.render(gauges));
    });
  };
}
