import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Services } from '../../services/index.ts';
import { errors, Items, OrgParams } from '../contract/common.ts';
import { OutboxMessageSchema, OutboxQuery } from '../contract/learners.ts';

/** The e-mail outbox of an organisation (admins): the development outbox, or the delivery record with SMTP. */
export function outboxRoutes(services: Services): FastifyPluginAsyncTypebox {
  const { mail } = services;
  return async (app) => {
    app.get('/api/v1/organisations/:orgId/outbox', {
      schema: {
        tags: ['organisations'], summary: 'E-mails queued or sent for the organisation, newest first (admins)', params: OrgParams,
        querystring: OutboxQuery,
        response: { 200: Items(OutboxMessageSchema), ...errors(400, 401, 403, 404) },
      },
    }, async (request) => ({ items: await mail.list(request.actor, request.params.orgId, request.query) }));
  };
}
