import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { API_KEY_SCOPES, ROLES } from '../../domain/roles.ts';
import { SESSION_DAYS } from '../../services/accounts.ts';
import type { Services } from '../../services/index.ts';
import { clearSessionCookie, setSessionCookie } from '../auth.ts';
import { errors, Id, Items, Nullable, OrgParams } from '../schemas.ts';

const User = Type.Object({ id: Type.String(), email: Type.String(), name: Nullable(Type.String()) });
const RoleSchema = Type.Union(ROLES.map((role) => Type.Literal(role)));
const ScopeSchema = Type.Union(API_KEY_SCOPES.map((scope) => Type.Literal(scope)));
const Membership = Type.Object({ organisationId: Type.String(), organisationName: Type.String(), role: RoleSchema });
const Member = Type.Object({ userId: Type.String(), email: Type.String(), name: Nullable(Type.String()), role: RoleSchema, since: Type.String() });
const Organisation = Type.Object({ id: Type.String(), name: Type.String(), createdAt: Type.String(), updatedAt: Type.String() });
const ApiKey = Type.Object({
  id: Type.String(), name: Type.String(), scopes: Type.Array(ScopeSchema), prefix: Type.String(),
  createdAt: Type.String(), lastUsedAt: Nullable(Type.String()), revokedAt: Nullable(Type.String()),
});
const AuditEntry = Type.Object({
  id: Type.String(), at: Type.String(), actor: Type.Object({ type: Type.String(), id: Nullable(Type.String()) }), action: Type.String(),
  targetType: Nullable(Type.String()), targetId: Nullable(Type.String()), ip: Nullable(Type.String()), details: Type.Unknown(),
});

export function accountRoutes(services: Services, options: { secureCookies: boolean }): FastifyPluginAsyncTypebox {
  const { accounts } = services;
  const maxAge = SESSION_DAYS * 86_400;
  return async (app) => {
    app.get('/api/v1/setup', {
      schema: { tags: ['accounts'], summary: 'Whether this instance still needs its first organisation', response: { 200: Type.Object({ needsSetup: Type.Boolean() }) } },
    }, async () => ({ needsSetup: await accounts.needsSetup() }));

    app.post('/api/v1/setup', {
      schema: {
        tags: ['accounts'], summary: 'Create the first organisation, its owner and default issuer (only on a new instance)',
        body: Type.Object({
          organisationName: Type.String({ minLength: 1, maxLength: 200 }), email: Type.String({ maxLength: 320 }),
          password: Type.String({ maxLength: 256 }), name: Type.Optional(Type.String({ maxLength: 200 })),
        }, { additionalProperties: false }),
        response: { 201: Type.Object({ organisationId: Type.String(), issuerId: Type.String(), issuerDid: Type.String(), user: User, csrfToken: Type.String() }), ...errors(400, 409, 422) },
      },
    }, async (request, reply) => {
      const result = await accounts.setup(request.body);
      const session = await accounts.login({ email: request.body.email, password: request.body.password, ip: request.ip });
      setSessionCookie(reply, session.token, options.secureCookies, maxAge);
      return reply.code(201).send({ ...result, csrfToken: session.csrfToken });
    });

    app.post('/api/v1/auth/login', {
      schema: {
        tags: ['accounts'], summary: 'Sign in (sets an HttpOnly session cookie; answer carries the CSRF token)',
        body: Type.Object({ email: Type.String({ maxLength: 320 }), password: Type.String({ maxLength: 256 }) }, { additionalProperties: false }),
        response: { 200: Type.Object({ user: User, csrfToken: Type.String() }), ...errors(400, 401, 422, 429) },
      },
    }, async (request, reply) => {
      const session = await accounts.login({ ...request.body, ip: request.ip });
      setSessionCookie(reply, session.token, options.secureCookies, maxAge);
      return { user: session.user, csrfToken: session.csrfToken };
    });

    app.post('/api/v1/auth/logout', { schema: { tags: ['accounts'], summary: 'End this session', response: { 204: Type.Null() } } }, async (request, reply) => {
      if (request.sessionToken) await accounts.logout(request.sessionToken);
      clearSessionCookie(reply, options.secureCookies);
      return reply.code(204).send(null);
    });

    app.post('/api/v1/auth/logout-all', { schema: { tags: ['accounts'], summary: 'End every session of this user, on every device', response: { 204: Type.Null(), ...errors(401) } } }, async (request, reply) => {
      await accounts.logoutEverywhere(request.actor);
      clearSessionCookie(reply, options.secureCookies);
      return reply.code(204).send(null);
    });

    app.post('/api/v1/me/password', {
      schema: {
        tags: ['accounts'], summary: 'Change your password (every other session ends; this device gets a new one)',
        body: Type.Object({ currentPassword: Type.String({ maxLength: 256 }), newPassword: Type.String({ maxLength: 256 }) }, { additionalProperties: false }),
        response: { 200: Type.Object({ user: User, csrfToken: Type.String() }), ...errors(400, 401, 403, 422, 429) },
      },
    }, async (request, reply) => {
      const session = await accounts.changePassword(request.actor, { ...request.body, ip: request.ip });
      setSessionCookie(reply, session.token, options.secureCookies, maxAge);
      return { user: session.user, csrfToken: session.csrfToken };
    });

    app.get('/api/v1/me', {
      schema: { tags: ['accounts'], summary: 'The signed-in user and their organisations', response: { 200: Type.Object({ user: User, memberships: Type.Array(Membership), csrfToken: Type.String() }), ...errors(401) } },
    }, async (request) => ({ ...(await accounts.me(request.actor)), csrfToken: request.csrfToken ?? '' }));

    app.get('/api/v1/organisations/:orgId', {
      schema: { tags: ['organisations'], params: OrgParams, response: { 200: Organisation, ...errors(401, 403, 404) } },
    }, (request) => accounts.getOrganisation(request.actor, request.params.orgId));

    app.patch('/api/v1/organisations/:orgId', {
      schema: { tags: ['organisations'], params: OrgParams, body: Type.Object({ name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })) }, { additionalProperties: false }), response: { 200: Organisation, ...errors(400, 401, 403, 404, 422) } },
    }, (request) => accounts.updateOrganisation(request.actor, request.params.orgId, request.body));

    app.get('/api/v1/organisations/:orgId/members', {
      schema: { tags: ['organisations'], params: OrgParams, response: { 200: Items(Member), ...errors(401, 403, 404) } },
    }, async (request) => ({ items: await accounts.listMembers(request.actor, request.params.orgId) }));

    app.post('/api/v1/organisations/:orgId/members', {
      schema: {
        tags: ['organisations'], summary: 'Add a member (a new e-mail gets an account)', params: OrgParams,
        body: Type.Object({ email: Type.String({ maxLength: 320 }), role: RoleSchema, name: Type.Optional(Type.String({ maxLength: 200 })), password: Type.Optional(Type.String({ maxLength: 256 })) }, { additionalProperties: false }),
        response: { 201: Items(Member), ...errors(400, 401, 403, 404, 409, 422) },
      },
    }, async (request, reply) => reply.code(201).send({ items: await accounts.addMember(request.actor, request.params.orgId, request.body) }));

    app.patch('/api/v1/organisations/:orgId/members/:userId', {
      schema: { tags: ['organisations'], params: Type.Object({ orgId: Id, userId: Id }), body: Type.Object({ role: RoleSchema }, { additionalProperties: false }), response: { 200: Items(Member), ...errors(400, 401, 403, 404, 422) } },
    }, async (request) => ({ items: await accounts.changeRole(request.actor, request.params.orgId, request.params.userId, request.body.role) }));

    app.delete('/api/v1/organisations/:orgId/members/:userId', {
      schema: { tags: ['organisations'], params: Type.Object({ orgId: Id, userId: Id }), response: { 204: Type.Null(), ...errors(401, 403, 404) } },
    }, async (request, reply) => {
      await accounts.removeMember(request.actor, request.params.orgId, request.params.userId);
      return reply.code(204).send(null);
    });

    app.get('/api/v1/organisations/:orgId/api-keys', {
      schema: { tags: ['api-keys'], params: OrgParams, response: { 200: Items(ApiKey), ...errors(401, 403, 404) } },
    }, async (request) => ({ items: await accounts.listApiKeys(request.actor, request.params.orgId) }));

    app.post('/api/v1/organisations/:orgId/api-keys', {
      schema: {
        tags: ['api-keys'], summary: 'Create an API key (the key is shown in this answer only)', params: OrgParams,
        body: Type.Object({ name: Type.String({ minLength: 1, maxLength: 100 }), scopes: Type.Array(ScopeSchema, { minItems: 1, maxItems: 3 }) }, { additionalProperties: false }),
        response: { 201: Type.Composite([ApiKey, Type.Object({ key: Type.String() })]), ...errors(400, 401, 403, 404, 422) },
      },
    }, async (request, reply) => reply.code(201).send(await accounts.createApiKey(request.actor, request.params.orgId, request.body)));

    app.delete('/api/v1/organisations/:orgId/api-keys/:keyId', {
      schema: { tags: ['api-keys'], params: Type.Object({ orgId: Id, keyId: Id }), response: { 204: Type.Null(), ...errors(401, 403, 404) } },
    }, async (request, reply) => {
      await accounts.revokeApiKey(request.actor, request.params.orgId, request.params.keyId);
      return reply.code(204).send(null);
    });

    app.get('/api/v1/organisations/:orgId/audit', {
      schema: {
        tags: ['organisations'], summary: 'Audit log, newest first', params: OrgParams,
        querystring: Type.Object({ limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 })), before: Type.Optional(Type.String({ maxLength: 40 })) }, { additionalProperties: false }),
        response: { 200: Items(AuditEntry), ...errors(400, 401, 403, 404) },
      },
    }, async (request) => ({ items: await accounts.listAudit(request.actor, request.params.orgId, request.query) }));
  };
}
