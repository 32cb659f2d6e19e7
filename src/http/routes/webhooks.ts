import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Services } from '../../services/index.ts';
import { errors, Items, OrgParams, RefTo } from '../contract/common.ts';
import { CreatedWebhookSchema, WebhookCreateSchema, WebhookDeliveriesQuery, WebhookDeliveryParams, WebhookDeliverySchema, WebhookParams, WebhookSchema } from '../contract/webhooks.ts';

const security = [{ session: [] }];

/** An organisation's webhook subscriptions and their deliveries (owners and admins). */
export function webhookRoutes(services: Services): FastifyPluginAsyncTypebox {
  const { webhooks } = services;
  return async (app) => {
    app.addSchema(WebhookSchema);
    app.addSchema(WebhookDeliverySchema);

    app.get('/api/v1/organisations/:orgId/webhooks', {
      schema: { tags: ['webhooks'], summary: 'The organisation\'s webhook subscriptions', security, params: OrgParams, response: { 200: Items(RefTo(WebhookSchema)), ...errors(401, 403, 404) } },
    }, async (request) => ({ items: await webhooks.list(request.actor, request.params.orgId) }));

    app.post('/api/v1/organisations/:orgId/webhooks', {
      schema: {
        tags: ['webhooks'], summary: 'Subscribe a URL to events; the answer carries the signing secret, shown this once',
        description: 'Deliveries follow Standard Webhooks: headers webhook-id, webhook-timestamp and webhook-signature (v1,<base64 HMAC-SHA256 of "id.timestamp.body">). Failed deliveries are retried with exponential backoff for a day.',
        security, params: OrgParams, body: WebhookCreateSchema,
        response: { 201: CreatedWebhookSchema, ...errors(400, 401, 403, 404, 422) },
      },
    }, async (request, reply) => reply.code(201).send(await webhooks.create(request.actor, request.params.orgId, request.body)));

    app.delete('/api/v1/organisations/:orgId/webhooks/:webhookId', {
      schema: { tags: ['webhooks'], summary: 'End a subscription (its pending deliveries are cancelled)', security, params: WebhookParams, response: { 204: { type: 'null' }, ...errors(401, 403, 404) } },
    }, async (request, reply) => {
      await webhooks.remove(request.actor, request.params.orgId, request.params.webhookId);
      return reply.code(204).send();
    });

    app.get('/api/v1/organisations/:orgId/webhooks/:webhookId/deliveries', {
      schema: {
        tags: ['webhooks'], summary: 'A subscription\'s deliveries, newest first: status, attempts, last answer, next retry',
        security, params: WebhookParams, querystring: WebhookDeliveriesQuery, response: { 200: Items(RefTo(WebhookDeliverySchema)), ...errors(400, 401, 403, 404) },
      },
    }, async (request) => ({ items: await webhooks.deliveries(request.actor, request.params.orgId, request.params.webhookId, request.query) }));

    app.post('/api/v1/organisations/:orgId/webhook-deliveries/:deliveryId/replay', {
      schema: {
        tags: ['webhooks'], summary: 'Send a delivery again (same message id and body, a new signature), with a fresh day of retries',
        security, params: WebhookDeliveryParams, response: { 202: RefTo(WebhookDeliverySchema), ...errors(400, 401, 403, 404, 422) },
      },
    }, async (request, reply) => reply.code(202).send(await webhooks.replay(request.actor, request.params.orgId, request.params.deliveryId)));
  };
}
