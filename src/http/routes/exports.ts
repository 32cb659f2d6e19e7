import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Services } from '../../services/index.ts';
import { errors, OrgParams } from '../contract/common.ts';
import { ClrQuery } from '../contract/exports.ts';

/** The learner's wallet as a zip; an issuer's CLR 2.0 of what it issued to one learner. */
export function exportRoutes(services: Services): FastifyPluginAsyncTypebox {
  const { exports } = services;
  return async (app) => {
    app.get('/api/v1/wallet/export', {
      schema: {
        tags: ['wallet'],
        summary: 'Export the whole wallet as a zip: every credential as received, summary.json and summary.html, and presentation.json signed by your did:key',
        security: [{ session: [] }],
        response: { 200: Type.Unknown({ description: 'application/zip' }), ...errors(401) },
      },
    }, async (request, reply) => {
      const { fileName, zip } = await exports.walletZip(request.actor);
      return reply.type('application/zip').header('content-disposition', `attachment; filename="${fileName}"`)
        .header('cache-control', 'no-store').send(Buffer.from(zip));
    });

    app.get('/api/v1/organisations/:orgId/clr', {
      schema: {
        tags: ['credentials'],
        summary: 'A CLR 2.0 ClrCredential of every active credential the organisation issued to an e-mail address, signed by its default issuer',
        security: [{ session: [] }, { apiKey: [] }],
        params: OrgParams,
        // Optional in the schema so that access is checked before the address (another organisation gets
        // its 404 either way); a missing or malformed address is a 400 from the service.
        querystring: ClrQuery,
        response: { 200: Type.Unknown({ description: 'The signed ClrCredential (application/ld+json)' }), ...errors(400, 401, 403, 404) },
      },
    }, async (request, reply) => {
      const clr = await exports.clr(request.actor, request.params.orgId, request.query.email);
      return reply.type('application/ld+json').header('cache-control', 'no-store').send(clr);
    });
  };
}
