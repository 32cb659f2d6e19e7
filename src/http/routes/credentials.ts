import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import type { Services } from '../../services/index.ts';
import { PROBLEM_BASE, sendProblem } from '../problem.ts';
import { errors, OrgParams } from '../contract/common.ts';
import {
  CredentialListQuery, CredentialPageSchema, CredentialParams, EmptyBodySchema, IdempotencyHeaders, IssueBodySchema, IssuedCredentialRef,
  IssuedCredentialSchema, RevokeBodySchema, SuspendBodySchema,
} from '../contract/credentials.ts';

/** A POST whose body is optional: no body reads as `{}`, so the body schema still applies. */
async function emptyBodyAsObject(request: FastifyRequest): Promise<void> {
  if (request.body === undefined || request.body === null) request.body = {};
}

/** Console API for issued credentials, and the public URL of each credential. */
export function credentialRoutes(services: Services): FastifyPluginAsyncTypebox {
  const { credentials } = services;
  return async (app) => {
    app.addSchema(IssuedCredentialSchema);

    app.post('/api/v1/organisations/:orgId/credentials', {
      schema: {
        tags: ['credentials'],
        summary: 'Issue one credential (signed OB 3.0 AchievementCredential); a retry with the same Idempotency-Key answers the first answer',
        params: OrgParams,
        headers: IdempotencyHeaders,
        body: IssueBodySchema,
        response: { 201: IssuedCredentialRef, ...errors(400, 401, 403, 404, 409, 422) },
      },
    }, async (request, reply) => {
      const key = request.headers['idempotency-key'];
      const issued = await credentials.issue(request.actor, request.params.orgId, request.body, key !== undefined ? { idempotencyKey: key } : {});
      return reply.code(201).header('location', `/api/v1/credentials/${issued.id}`).send(issued);
    });

    app.get('/api/v1/organisations/:orgId/credentials', {
      schema: {
        tags: ['credentials'], summary: 'Credentials issued by the organisation, newest first (search, filters, cursor pages)',
        params: OrgParams, querystring: CredentialListQuery,
        response: { 200: CredentialPageSchema, ...errors(400, 401, 403, 404) },
      },
    }, (request) => credentials.list(request.actor, request.params.orgId, request.query));

    app.get('/api/v1/credentials/:id', {
      schema: { tags: ['credentials'], summary: 'One issued credential with its signed document', params: CredentialParams, response: { 200: IssuedCredentialRef, ...errors(401, 403, 404) } },
    }, (request) => credentials.get(request.actor, request.params.id));

    app.post('/api/v1/credentials/:id/revoke', {
      schema: {
        tags: ['credentials'], summary: 'Revoke (final)', params: CredentialParams,
        body: RevokeBodySchema,
        response: { 200: IssuedCredentialRef, ...errors(400, 401, 403, 404, 409, 422) },
      },
    }, (request) => credentials.changeStatus(request.actor, request.params.id, 'revoke', request.body.reason));

    app.post('/api/v1/credentials/:id/suspend', {
      preValidation: emptyBodyAsObject,
      schema: { tags: ['credentials'], summary: 'Suspend (until reinstated)', params: CredentialParams, body: SuspendBodySchema, response: { 200: IssuedCredentialRef, ...errors(400, 401, 403, 404, 409, 422) } },
    }, (request) => credentials.changeStatus(request.actor, request.params.id, 'suspend', request.body.reason));

    app.post('/api/v1/credentials/:id/reinstate', {
      preValidation: emptyBodyAsObject,
      schema: { tags: ['credentials'], summary: 'Lift a suspension', params: CredentialParams, body: EmptyBodySchema, response: { 200: IssuedCredentialRef, ...errors(400, 401, 403, 404, 409, 422) } },
    }, (request) => credentials.changeStatus(request.actor, request.params.id, 'reinstate'));

    app.post('/api/v1/credentials/:id/renew', {
      preValidation: emptyBodyAsObject,
      schema: {
        tags: ['credentials'], summary: "Issue a new credential from the achievement's current version to the same recipient, linked to this one",
        params: CredentialParams, body: EmptyBodySchema, response: { 201: IssuedCredentialRef, ...errors(400, 401, 403, 404, 422) },
      },
    }, async (request, reply) => {
      const renewed = await credentials.renew(request.actor, request.params.id);
      return reply.code(201).header('location', `/api/v1/credentials/${renewed.id}`).send(renewed);
    });

    app.get('/credentials/:id', {
      schema: {
        tags: ['public'], summary: 'A credential exactly as issued (JSON-LD; VC-JWT where issued so). Revoked ones stay readable: the status list says so.',
        // Any text is looked up, so an address that is not a credential's is a plain 404.
        params: Type.Object({ id: Type.String({ maxLength: 100 }) }), response: { 404: errors(404)[404]!, 406: errors(406)[406]! },
      },
    }, async (request, reply) => {
      const { format, document } = await credentials.publicDocument(request.params.id);
      const accept = request.headers.accept ?? '';
      if (format === 'jwt') return reply.header('cache-control', 'public, max-age=3600').type('application/vc+jwt').send(document);
      if (/application\/vc\+jwt/i.test(accept) && !/application\/(?:vc\+ld\+|ld\+)?json|\*\/\*/i.test(accept)) {
        return sendProblem(reply, {
          type: `${PROBLEM_BASE}not-acceptable`, title: 'Not acceptable', status: 406,
          detail: 'this credential was issued as JSON-LD with a Data Integrity proof; it has no VC-JWT form', instance: request.url,
        });
      }
      const type = /application\/ld\+json/i.test(accept) && !/application\/vc\+ld\+json/i.test(accept) ? 'application/ld+json' : 'application/vc+ld+json';
      return reply.header('cache-control', 'public, max-age=3600').header('vary', 'accept').type(type).send(document);
    });
  };
}
