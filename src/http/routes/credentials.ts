import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import type { Services } from '../../services/index.ts';
import { PROBLEM_BASE, sendProblem } from '../problem.ts';
import { errors, Id, Nullable, OrgParams } from '../schemas.ts';

const StatusSchema = Type.Union([Type.Literal('active'), Type.Literal('revoked'), Type.Literal('suspended'), Type.Literal('expired')]);

export const IssuedCredentialSchema = Type.Object({
  id: Type.String(),
  credentialId: Type.String({ description: 'The credential URL (its `id`)' }),
  organisationId: Type.String(),
  issuerId: Type.String(),
  achievementId: Nullable(Type.String()),
  achievementVersion: Nullable(Type.Integer()),
  achievementName: Nullable(Type.String()),
  recipient: Type.Object({ email: Type.Optional(Type.String()), did: Type.Optional(Type.String()), name: Type.Optional(Type.String()) }),
  status: StatusSchema,
  statusReason: Type.Optional(Type.String()),
  issuedAt: Type.String(),
  validFrom: Type.Optional(Type.String()),
  validUntil: Type.Optional(Type.String()),
  claimedAt: Type.Optional(Type.String()),
  renewedFrom: Type.Optional(Type.String()),
  bulkJobId: Type.Optional(Type.String()),
  document: Type.Optional(Type.Unknown({ description: 'The signed credential as issued' })),
}, { $id: 'IssuedCredential' });

const IssuedCredential = Type.Ref('IssuedCredential');

const IssueBody = Type.Object({
  achievementId: Id,
  recipient: Type.Object({
    email: Type.Optional(Type.String({ maxLength: 320 })),
    did: Type.Optional(Type.String({ maxLength: 2000 })),
    name: Type.Optional(Type.String({ maxLength: 200 })),
  }, { additionalProperties: false }),
  result: Type.Optional(Type.Object({
    grade: Type.Optional(Type.String({ maxLength: 100 })),
    creditsEarned: Type.Optional(Type.Number({ minimum: 0 })),
    description: Type.Optional(Type.String({ maxLength: 2000 })),
  }, { additionalProperties: false })),
  evidence: Type.Optional(Type.Array(Type.Object({
    id: Type.Optional(Type.String({ maxLength: 2000 })),
    name: Type.Optional(Type.String({ maxLength: 200 })),
    narrative: Type.Optional(Type.String({ maxLength: 5000 })),
  }, { additionalProperties: false }), { maxItems: 20 })),
  validFrom: Type.Optional(Type.String({ maxLength: 40, description: 'ISO 8601 date-time; default now' })),
  validUntil: Type.Optional(Type.String({ maxLength: 40, description: "ISO 8601 date-time; default validFrom + the achievement's validity period" })),
}, { additionalProperties: false });

const ListQuery = Type.Object({
  q: Type.Optional(Type.String({ maxLength: 200 })),
  status: Type.Optional(StatusSchema),
  achievementId: Type.Optional(Id),
  issuedFrom: Type.Optional(Type.String({ maxLength: 40 })),
  issuedTo: Type.Optional(Type.String({ maxLength: 40 })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200 })),
  cursor: Type.Optional(Type.String({ maxLength: 500 })),
}, { additionalProperties: false });

const IdParams = Type.Object({ id: Id });
const ReasonBody = Type.Object({ reason: Type.Optional(Type.String({ maxLength: 500 })) }, { additionalProperties: false });

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
        headers: Type.Object({ 'idempotency-key': Type.Optional(Type.String({ minLength: 1, maxLength: 200 })) }),
        body: IssueBody,
        response: { 201: IssuedCredential, ...errors(400, 401, 403, 404, 409, 422) },
      },
    }, async (request, reply) => {
      const key = request.headers['idempotency-key'];
      const issued = await credentials.issue(request.actor, request.params.orgId, request.body, key !== undefined ? { idempotencyKey: key } : {});
      return reply.code(201).header('location', `/api/v1/credentials/${issued.id}`).send(issued);
    });

    app.get('/api/v1/organisations/:orgId/credentials', {
      schema: {
        tags: ['credentials'], summary: 'Credentials issued by the organisation, newest first (search, filters, cursor pages)',
        params: OrgParams, querystring: ListQuery,
        response: { 200: Type.Object({ items: Type.Array(IssuedCredential), nextCursor: Type.Optional(Type.String()) }), ...errors(400, 401, 403, 404) },
      },
    }, (request) => credentials.list(request.actor, request.params.orgId, request.query));

    app.get('/api/v1/credentials/:id', {
      schema: { tags: ['credentials'], summary: 'One issued credential with its signed document', params: IdParams, response: { 200: IssuedCredential, ...errors(401, 403, 404) } },
    }, (request) => credentials.get(request.actor, request.params.id));

    app.post('/api/v1/credentials/:id/revoke', {
      schema: {
        tags: ['credentials'], summary: 'Revoke (final)', params: IdParams,
        body: Type.Object({ reason: Type.String({ minLength: 1, maxLength: 500 }) }, { additionalProperties: false }),
        response: { 200: IssuedCredential, ...errors(400, 401, 403, 404, 409, 422) },
      },
    }, (request) => credentials.changeStatus(request.actor, request.params.id, 'revoke', request.body.reason));

    app.post('/api/v1/credentials/:id/suspend', {
      preValidation: emptyBodyAsObject,
      schema: { tags: ['credentials'], summary: 'Suspend (until reinstated)', params: IdParams, body: ReasonBody, response: { 200: IssuedCredential, ...errors(400, 401, 403, 404, 409, 422) } },
    }, (request) => credentials.changeStatus(request.actor, request.params.id, 'suspend', request.body.reason));

    app.post('/api/v1/credentials/:id/reinstate', {
      preValidation: emptyBodyAsObject,
      schema: { tags: ['credentials'], summary: 'Lift a suspension', params: IdParams, body: Type.Object({}, { additionalProperties: false }), response: { 200: IssuedCredential, ...errors(400, 401, 403, 404, 409, 422) } },
    }, (request) => credentials.changeStatus(request.actor, request.params.id, 'reinstate'));

    app.post('/api/v1/credentials/:id/renew', {
      preValidation: emptyBodyAsObject,
      schema: {
        tags: ['credentials'], summary: "Issue a new credential from the achievement's current version to the same recipient, linked to this one",
        params: IdParams, body: Type.Object({}, { additionalProperties: false }), response: { 201: IssuedCredential, ...errors(400, 401, 403, 404, 422) },
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
