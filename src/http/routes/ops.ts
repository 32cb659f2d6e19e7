import { createHash, timingSafeEqual } from 'node:crypto';
import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Services } from '../../services/index.ts';
import { Unauthorized } from '../../services/errors.ts';
import { errors } from '../contract/common.ts';
import { HealthSchema, UnhealthySchema } from '../contract/ops.ts';

export interface OpsRouteOptions {
  /** The bearer token that opens /metrics; without one /metrics is not served at all (404). */
  metricsToken?: string;
}

/** Compares digests, so neither the content nor the length of the token leaks through timing. */
function sameToken(given: string, expected: string): boolean {
  const digest = (text: string) => createHash('sha256').update(text).digest();
  return timingSafeEqual(digest(given), digest(expected));
}

/**
 * /health (is the database reachable) and /metrics (Prometheus text). /metrics tells counts of
 * issuance, sign-ins and verifications, so it answers only with METRICS_TOKEN as a bearer token;
 * its route sets `ownAuthorization`, so the API-key hook leaves its Authorization header alone.
 */
export function opsRoutes(services: Services, options: OpsRouteOptions = {}): FastifyPluginAsyncTypebox {
  const { metricsToken } = options;
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

    app.get('/metrics', {
      schema: {
        tags: ['operations'],
        summary: 'Prometheus metrics (needs METRICS_TOKEN)',
        description: 'Served only when the server is given METRICS_TOKEN (404 otherwise); the token is sent as `Authorization: Bearer <METRICS_TOKEN>` (401 without it or with another).',
        security: [{ metricsToken: [] }],
        response: { 200: Type.String({ description: 'Prometheus text exposition format 0.0.4' }), ...errors(401, 404) },
      },
      config: { ownAuthorization: true },
      logLevel: 'warn',
    }, async (request, reply) => {
      if (metricsToken === undefined) return reply.callNotFound();
      const match = /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? '');
      if (!match || !sameToken(match[1]!, metricsToken)) {
        void reply.header('www-authenticate', 'Bearer realm="metrics"');
        throw new Unauthorized('/metrics needs the METRICS_TOKEN as a bearer token');
      }
      return reply.type('text/plain; version=0.0.4').send(await services.ops.metrics());
    });
  };
}
