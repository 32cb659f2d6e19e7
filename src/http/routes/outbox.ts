import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Services } from '../../services/index.ts';
import { errors, Items, Nullable, OrgParams } from '../schemas.ts';

const OutboxMessage = Type.Object({
  id: Type.String(), to: Type.String(), subject: Type.String(), text: Type.String(), html: Nullable(Type.String()),
  createdAt: Type.String(), sentAt: Nullable(Type.String()), error: Nullable(Type.String()),
});

/** The e-mail outbox of an organisation (admins): the development outbox, or the delivery record with SMTP. */
export function outboxRoutes(services: Services): FastifyPluginAsyncTypebox {
  const { mail } = services;
  return async (app) => {
    app.get('/api/v1/organisations/:orgId/outbox', {
      schema: {
        tags: ['organisations'], summary: 'E-mails queued or sent for the organisation, newest first (admins)', params: OrgParams,
        querystring: Type.Object({ limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 })), before: Type.Optional(Type.String({ maxLength: 40 })) }, { additionalProperties: false }),
        response: { 200: Items(OutboxMessage), ...errors(400, 401, 403, 404) },
      },
    }, async (request) => ({ items: await mail.list(request.actor, request.params.orgId, request.query) }));
  };
}
