import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { SESSION_DAYS } from '../../services/accounts.ts';
import type { Services } from '../../services/index.ts';
import { clearSessionCookie, setSessionCookie } from '../auth.ts';
import {
  ApiKeyCreateSchema, ApiKeySchema, AuditEntrySchema, AuditQuerySchema, CreatedApiKeySchema, LoginBodySchema, MeSchema, MemberAddSchema,
  InvitationAcceptSchema, InvitationCreateSchema, InvitationPreviewSchema, InvitationSchema,
  MemberRoleSchema, MemberSchema, NeedsSetupSchema, OrganisationSchema, OrganisationUpdateSchema, PasswordChangeSchema, PasswordResetRequestSchema,
  PasswordResetSchema, SetupBodySchema, SetupResultSchema, SignedInSchema, TokenParams,
} from '../contract/accounts.ts';
import { errors, Id, Items, OrgParams } from '../contract/common.ts';

export function accountRoutes(services: Services, options: { secureCookies: boolean }): FastifyPluginAsyncTypebox {
  const { accounts, accountLinks } = services;
  const maxAge = SESSION_DAYS * 86_400;
  return async (app) => {
    app.get('/api/v1/setup', {
      schema: { tags: ['accounts'], summary: 'Whether this instance still needs its first organisation', response: { 200: NeedsSetupSchema } },
    }, async () => ({ needsSetup: await accounts.needsSetup() }));

    app.post('/api/v1/setup', {
      schema: {
        tags: ['accounts'], summary: 'Create the first organisation, its owner and default issuer (only on a new instance)',
        body: SetupBodySchema,
        response: { 201: SetupResultSchema, ...errors(400, 409, 422) },
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
        body: LoginBodySchema,
        response: { 200: SignedInSchema, ...errors(400, 401, 422, 429) },
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
        body: PasswordChangeSchema,
        response: { 200: SignedInSchema, ...errors(400, 401, 403, 422, 429) },
      },
    }, async (request, reply) => {
      const session = await accounts.changePassword(request.actor, { ...request.body, ip: request.ip });
      setSessionCookie(reply, session.token, options.secureCookies, maxAge);
      return { user: session.user, csrfToken: session.csrfToken };
    });

    app.get('/api/v1/me', {
      schema: { tags: ['accounts'], summary: 'The signed-in user and their organisations', response: { 200: MeSchema, ...errors(401) } },
    }, async (request) => ({ ...(await accounts.me(request.actor)), csrfToken: request.csrfToken ?? '' }));

    app.get('/api/v1/organisations/:orgId', {
      schema: { tags: ['organisations'], params: OrgParams, response: { 200: OrganisationSchema, ...errors(401, 403, 404) } },
    }, (request) => accounts.getOrganisation(request.actor, request.params.orgId));

    app.patch('/api/v1/organisations/:orgId', {
      schema: { tags: ['organisations'], params: OrgParams, body: OrganisationUpdateSchema, response: { 200: OrganisationSchema, ...errors(400, 401, 403, 404, 422) } },
    }, (request) => accounts.updateOrganisation(request.actor, request.params.orgId, request.body));

    app.get('/api/v1/organisations/:orgId/members', {
      schema: { tags: ['organisations'], params: OrgParams, response: { 200: Items(MemberSchema), ...errors(401, 403, 404) } },
    }, async (request) => ({ items: await accounts.listMembers(request.actor, request.params.orgId) }));

    app.post('/api/v1/organisations/:orgId/members', {
      schema: {
        tags: ['organisations'], summary: 'Add an existing account as a member (an address without one is invited instead)', params: OrgParams,
        body: MemberAddSchema,
        response: { 201: Items(MemberSchema), ...errors(400, 401, 403, 404, 409, 422) },
      },
    }, async (request, reply) => reply.code(201).send({ items: await accounts.addMember(request.actor, request.params.orgId, request.body) }));

    app.patch('/api/v1/organisations/:orgId/members/:userId', {
      schema: { tags: ['organisations'], params: Type.Object({ orgId: Id, userId: Id }), body: MemberRoleSchema, response: { 200: Items(MemberSchema), ...errors(400, 401, 403, 404, 422) } },
    }, async (request) => ({ items: await accounts.changeRole(request.actor, request.params.orgId, request.params.userId, request.body.role) }));

    app.delete('/api/v1/organisations/:orgId/members/:userId', {
      schema: { tags: ['organisations'], params: Type.Object({ orgId: Id, userId: Id }), response: { 204: Type.Null(), ...errors(401, 403, 404) } },
    }, async (request, reply) => {
      await accounts.removeMember(request.actor, request.params.orgId, request.params.userId);
      return reply.code(204).send(null);
    });

    app.get('/api/v1/organisations/:orgId/invitations', {
      schema: { tags: ['organisations'], summary: 'Invitations not yet accepted (admins)', params: OrgParams, response: { 200: Items(InvitationSchema), ...errors(401, 403, 404) } },
    }, async (request) => ({ items: await accountLinks.listInvitations(request.actor, request.params.orgId) }));

    app.post('/api/v1/organisations/:orgId/invitations', {
      schema: {
        tags: ['organisations'], summary: 'Invite someone by e-mail with a role (they choose their own password when they accept)', params: OrgParams,
        body: InvitationCreateSchema,
        response: { 201: InvitationSchema, ...errors(400, 401, 403, 404, 409, 422) },
      },
    }, async (request, reply) => reply.code(201).send(await accountLinks.invite(request.actor, request.params.orgId, request.body)));

    app.delete('/api/v1/organisations/:orgId/invitations/:invitationId', {
      schema: { tags: ['organisations'], summary: 'Withdraw an invitation (its link stops working)', params: Type.Object({ orgId: Id, invitationId: Id }), response: { 204: Type.Null(), ...errors(401, 403, 404) } },
    }, async (request, reply) => {
      await accountLinks.withdrawInvitation(request.actor, request.params.orgId, request.params.invitationId);
      return reply.code(204).send(null);
    });

    app.get('/api/v1/invitations/:token', {
      schema: { tags: ['accounts'], summary: 'What an invitation link offers (organisation, address, role)', params: TokenParams, response: { 200: InvitationPreviewSchema, ...errors(400, 422) } },
    }, (request) => accountLinks.previewInvitation(request.params.token));

    app.post('/api/v1/invitations/:token/accept', {
      schema: {
        tags: ['accounts'], summary: 'Accept an invitation: choose a password (or give your account\'s), become a member, sign in', params: TokenParams,
        body: InvitationAcceptSchema,
        response: { 200: SignedInSchema, ...errors(400, 422, 429) },
      },
    }, async (request, reply) => {
      const session = await accountLinks.acceptInvitation({ ...request.body, token: request.params.token, ip: request.ip });
      setSessionCookie(reply, session.token, options.secureCookies, maxAge);
      return { user: session.user, csrfToken: session.csrfToken };
    });

    app.post('/api/v1/auth/password-reset/request', {
      schema: {
        tags: ['accounts'], summary: 'Send a password-reset link to the address if it has an account (the answer is the same either way)',
        body: PasswordResetRequestSchema,
        response: { 202: Type.Null(), ...errors(400, 422, 429) },
      },
    }, async (request, reply) => {
      await accountLinks.requestPasswordReset({ email: request.body.email, ip: request.ip });
      return reply.code(202).send(null);
    });

    app.post('/api/v1/auth/password-reset', {
      schema: {
        tags: ['accounts'], summary: 'Choose a new password with a reset link\'s token (every session ends; this device is signed in)',
        body: PasswordResetSchema,
        response: { 200: SignedInSchema, ...errors(400, 422) },
      },
    }, async (request, reply) => {
      const session = await accountLinks.resetPassword({ ...request.body, ip: request.ip });
      setSessionCookie(reply, session.token, options.secureCookies, maxAge);
      return { user: session.user, csrfToken: session.csrfToken };
    });

    app.get('/api/v1/organisations/:orgId/api-keys', {
      schema: { tags: ['api-keys'], params: OrgParams, response: { 200: Items(ApiKeySchema), ...errors(401, 403, 404) } },
    }, async (request) => ({ items: await accounts.listApiKeys(request.actor, request.params.orgId) }));

    app.post('/api/v1/organisations/:orgId/api-keys', {
      schema: {
        tags: ['api-keys'], summary: 'Create an API key (the key is shown in this answer only)', params: OrgParams,
        body: ApiKeyCreateSchema,
        response: { 201: CreatedApiKeySchema, ...errors(400, 401, 403, 404, 422) },
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
        querystring: AuditQuerySchema,
        response: { 200: Items(AuditEntrySchema), ...errors(400, 401, 403, 404) },
      },
    }, async (request) => ({ items: await accounts.listAudit(request.actor, request.params.orgId, request.query) }));
  };
}
