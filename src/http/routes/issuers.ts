import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Services } from '../../services/index.ts';
import { errors, Id, Items, Nullable, OrgParams } from '../schemas.ts';

export const IssuerSchema = Type.Object({
  id: Type.String(), organisationId: Type.String(), name: Type.String(), url: Nullable(Type.String()), email: Nullable(Type.String()),
  image: Nullable(Type.String()), country: Nullable(Type.String()), description: Nullable(Type.String()), did: Type.String(),
  didMethod: Type.Union([Type.Literal('web'), Type.Literal('key')]), isDefault: Type.Boolean(),
  keys: Type.Array(Type.Object({ id: Type.String(), status: Type.String(), createdAt: Type.String(), retiredAt: Nullable(Type.String()) })),
  createdAt: Type.String(), updatedAt: Type.String(),
}, { $id: 'Issuer' });

const Editable = {
  url: Type.Optional(Nullable(Type.String({ maxLength: 2000 }))),
  email: Type.Optional(Nullable(Type.String({ maxLength: 320 }))),
  image: Type.Optional(Nullable(Type.String({ maxLength: 200_000 }))),
  country: Type.Optional(Nullable(Type.String({ maxLength: 2, description: 'ISO 3166-1 alpha-2' }))),
  description: Type.Optional(Nullable(Type.String({ maxLength: 5000 }))),
};

export function issuerRoutes(services: Services): FastifyPluginAsyncTypebox {
  const { issuers } = services;
  const IssuerRef = Type.Ref('Issuer');
  return async (app) => {
    app.get('/api/v1/organisations/:orgId/issuers', {
      schema: { tags: ['issuers'], params: OrgParams, response: { 200: Items(IssuerRef), ...errors(401, 403, 404) } },
    }, async (request) => ({ items: await issuers.list(request.actor, request.params.orgId) }));

    app.post('/api/v1/organisations/:orgId/issuers', {
      schema: {
        tags: ['issuers'], summary: 'Create an issuer profile with its own Ed25519 key and DID', params: OrgParams,
        body: Type.Object({ name: Type.String({ minLength: 1, maxLength: 200 }), ...Editable, didMethod: Type.Optional(Type.Union([Type.Literal('web'), Type.Literal('key')])) }, { additionalProperties: false }),
        response: { 201: IssuerRef, ...errors(400, 401, 403, 404, 422) },
      },
    }, async (request, reply) => reply.code(201).send(await issuers.create(request.actor, request.params.orgId, request.body)));

    app.get('/api/v1/issuers/:issuerId', {
      schema: { tags: ['issuers'], params: Type.Object({ issuerId: Id }), response: { 200: IssuerRef, ...errors(401, 403, 404) } },
    }, (request) => issuers.get(request.actor, request.params.issuerId));

    app.patch('/api/v1/issuers/:issuerId', {
      schema: {
        tags: ['issuers'], params: Type.Object({ issuerId: Id }),
        body: Type.Object({ name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })), ...Editable }, { additionalProperties: false }),
        response: { 200: IssuerRef, ...errors(400, 401, 403, 404, 422) },
      },
    }, (request) => issuers.update(request.actor, request.params.issuerId, request.body));

    app.post('/api/v1/issuers/:issuerId/keys/rotate', {
      schema: { tags: ['issuers'], summary: 'New key for new credentials; old keys stay in the DID document (did:web issuers only: 409 for did:key)', params: Type.Object({ issuerId: Id }), response: { 200: IssuerRef, ...errors(401, 403, 404, 409) } },
    }, (request) => issuers.rotateKey(request.actor, request.params.issuerId));
  };
}
