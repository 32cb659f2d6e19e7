import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Services } from '../../services/index.ts';
import { errors } from '../contract/common.ts';
import {
  BareExchangeParams, CreateExchangeBodySchema, ExchangeParams, ExchangeSchema, ParticipateBodySchema, ParticipateResultSchema, WorkflowParams,
} from '../contract/exchanges.ts';

/**
 * VC-API workflows and exchanges, as the Learner Credential Wallet speaks them: make an exchange for
 * a claim, then the wallet posts to it (DID Authentication, then the credential). The exchange is
 * served at /workflows/{workflowId}/exchanges/{exchangeId} (what `protocols.vcapi` names) and at
 * /exchanges/{exchangeId}.
 */
export function exchangeRoutes(services: Services): FastifyPluginAsyncTypebox {
  const { exchanges } = services;
  return async (app) => {
    app.post('/workflows/:workflowId/exchanges', {
      schema: {
        tags: ['vc-api'], summary: 'Make an exchange that takes one claim into a wallet (workflow "claim"): by the claim link\'s token (anyone holding it) or by credential id (members who may issue)',
        params: WorkflowParams, body: CreateExchangeBodySchema,
        response: { 201: ExchangeSchema, ...errors(400, 401, 403, 404, 409) },
      },
    }, async (request, reply) => {
      const exchange = await exchanges.create(request.actor, request.params.workflowId, request.body);
      return reply.code(201).header('location', exchange.exchangeUrl).send(exchange);
    });

    app.get('/workflows/:workflowId/exchanges/:exchangeId', {
      schema: {
        tags: ['vc-api'], summary: "An exchange's state and expiry (the exchange id is the capability)",
        params: ExchangeParams, response: { 200: ExchangeSchema, ...errors(404) },
      },
    }, (request) => exchanges.get(request.params.workflowId, request.params.exchangeId));

    app.get('/workflows/:workflowId/exchanges/:exchangeId/lcw-qr.svg', {
      schema: {
        tags: ['vc-api'], summary: "The exchange's Learner Credential Wallet deep link as a QR code (SVG)",
        params: ExchangeParams, produces: ['image/svg+xml'], response: { 200: Type.Unknown({ description: 'SVG image' }), ...errors(404) },
      },
    }, async (request, reply) => reply.type('image/svg+xml').header('cache-control', 'no-store')
      .send(await exchanges.qr(request.params.workflowId, request.params.exchangeId)));

    const participate = {
      tags: ['vc-api'],
      summary: 'Take part in an exchange (the wallet): an empty body gets the DID Authentication request; the signed presentation gets the credential bound to its holder. Used once; expires',
      body: ParticipateBodySchema,
      response: { 200: ParticipateResultSchema, ...errors(400, 404, 409, 410) },
    };
    app.post('/workflows/:workflowId/exchanges/:exchangeId', { schema: { ...participate, params: ExchangeParams } },
      (request) => exchanges.participate(request.actor, request.params.workflowId, request.params.exchangeId, request.body));
    app.post('/exchanges/:exchangeId', { schema: { ...participate, params: BareExchangeParams } },
      (request) => exchanges.participate(request.actor, 'claim', request.params.exchangeId, request.body));
  };
}
