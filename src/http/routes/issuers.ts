import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Services } from '../../services/index.ts';
import { errors, Id, Items, OrgParams, RefTo } from '../contract/common.ts';
import { IssuerCreateSchema, IssuerSchema, IssuerUpdateSchema } from '../contract/issuers.ts';

export function issuerRoutes(services: Services): FastifyPluginAsyncTypebox {
  const { issuers } = services;
  const IssuerRef = RefTo(IssuerSchema);
  return async (app) => {
    app.get('/api/v1/organisations/:orgId/issuers', {
      schema: { tags: ['issuers'], params: OrgParams, response: { 200: Items(IssuerRef), ...errors(401, 403, 404) } },
    }, async (request) => ({ items: await issuers.list(request.actor, request.params.orgId) }));

    app.post('/api/v1/organisations/:orgId/issuers', {
      schema: {
        tags: ['issuers'], summary: 'Create an issuer profile with its own Ed25519 key and DID', params: OrgParams,
        body: IssuerCreateSchema,
        response: { 201: IssuerRef, ...errors(400, 401, 403, 404, 422) },
      },
    }, async (request, reply) => reply.code(201).send(await issuers.create(request.actor, request.params.orgId, request.body)));

    app.get('/api/v1/issuers/:issuerId', {
      schema: { tags: ['issuers'], params: Type.Object({ issuerId: Id }), response: { 200: IssuerRef, ...errors(401, 403, 404) } },
    }, (request) => issuers.get(request.actor, request.params.issuerId));

    app.patch('/api/v1/issuers/:issuerId', {
      schema: {
        tags: ['issuers'], params: Type.Object({ issuerId: Id }),
        body: IssuerUpdateSchema,
        response: { 200: IssuerRef, ...errors(400, 401, 403, 404, 422) },
      },
    }, (request) => issuers.update(request.actor, request.params.issuerId, request.body));

    app.post('/api/v1/issuers/:issuerId/keys/rotate', {
      schema: { tags: ['issuers'], summary: 'New key for new credentials; old keys stay in the DID document (did:web issuers only: 409 for did:key)', params: Type.Object({ issuerId: Id }), response: { 200: IssuerRef, ...errors(401, 403, 404, 409) } },
    }, (request) => issuers.rotateKey(request.actor, request.params.issuerId));
  };
}
