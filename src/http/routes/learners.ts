import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Services } from '../../services/index.ts';
import { clearSessionCookie } from '../auth.ts';
import { errors, Items } from '../contract/common.ts';
import {
  AccountDeleteSchema, ConfirmEmailBodySchema, ConfirmEmailResultSchema, EmailAddSchema, EmailParams, LearnerKeyOrNoneSchema, LearnerKeySchema,
  OutboxMessageSchema, OutboxQuery, SignupBodySchema, SignupResultSchema, UserEmailSchema,
} from '../contract/learners.ts';

/** Learner accounts: sign-up, address confirmation, the learner's addresses and did:key, deletion, the instance outbox. */
export function learnerRoutes(services: Services, options: { secureCookies: boolean }): FastifyPluginAsyncTypebox {
  const { learners } = services;
  return async (app) => {
    app.post('/api/v1/auth/signup', {
      schema: {
        tags: ['learners'],
        summary: 'Create a learner account: 202 whether or not the address already has one (its owner is told by e-mail); a confirmation link is e-mailed; then sign in',
        body: SignupBodySchema,
        response: { 202: SignupResultSchema, ...errors(400, 422, 429) },
      },
    }, async (request, reply) => {
      const { email } = await learners.signup({ ...request.body, ip: request.ip });
      return reply.code(202).send({ email, message: 'check your e-mail: a message is on its way to this address; sign in with your password' });
    });

    app.post('/api/v1/auth/confirm-email', {
      schema: {
        tags: ['learners'], summary: 'Confirm an e-mail address with the token from its link (no sign-in needed; 410 once expired)',
        body: ConfirmEmailBodySchema,
        response: { 200: ConfirmEmailResultSchema, ...errors(400, 404, 410) },
      },
    }, (request) => learners.confirmEmail(request.body.token, request.ip));

    app.get('/api/v1/me/emails', {
      schema: { tags: ['learners'], summary: 'Your e-mail addresses, the sign-in one first', response: { 200: Items(UserEmailSchema), ...errors(401) } },
    }, async (request) => ({ items: await learners.listEmails(request.actor) }));

    app.post('/api/v1/me/emails', {
      schema: {
        tags: ['learners'], summary: 'Add an e-mail address (a confirmation link is e-mailed to it)',
        body: EmailAddSchema,
        response: { 201: UserEmailSchema, ...errors(400, 401, 403, 409, 422) },
      },
    }, async (request, reply) => reply.code(201).send(await learners.addEmail(request.actor, request.body.email)));

    app.delete('/api/v1/me/emails/:emailId', {
      schema: { tags: ['learners'], summary: 'Remove one of your e-mail addresses (not the sign-in one)', params: EmailParams, response: { 204: Type.Null(), ...errors(400, 401, 403, 404, 409) } },
    }, async (request, reply) => {
      await learners.removeEmail(request.actor, request.params.emailId);
      return reply.code(204).send(null);
    });

    app.post('/api/v1/me/emails/:emailId/resend', {
      schema: { tags: ['learners'], summary: 'E-mail a new confirmation link (the previous one stops working; once a minute)', params: EmailParams, response: { 200: UserEmailSchema, ...errors(400, 401, 403, 404, 409, 429) } },
    }, (request) => learners.resendVerification(request.actor, request.params.emailId));

    app.get('/api/v1/me/did', {
      schema: { tags: ['learners'], summary: 'Your did:key (every field null before you made one)', response: { 200: LearnerKeyOrNoneSchema, ...errors(401) } },
    }, async (request) => (await learners.getKey(request.actor)) ?? { did: null, verificationMethod: null, createdAt: null });

    app.post('/api/v1/me/did', {
      schema: { tags: ['learners'], summary: 'Make your did:key (kept by microcred, key encrypted at rest); answers the existing one if made', response: { 200: LearnerKeySchema, ...errors(401, 403) } },
    }, (request) => learners.createKey(request.actor));

    app.delete('/api/v1/me', {
      schema: {
        tags: ['learners'], summary: 'Delete your account and personal data (what organisations issued stays); signs you out',
        body: AccountDeleteSchema,
        response: { 204: Type.Null(), ...errors(400, 401, 403, 409, 422, 429) },
      },
    }, async (request, reply) => {
      await learners.deleteAccount(request.actor, request.body);
      clearSessionCookie(reply, options.secureCookies);
      return reply.code(204).send(null);
    });

    app.get('/api/v1/outbox', {
      schema: {
        tags: ['learners'],
        summary: 'Development outbox of e-mail that belongs to no organisation (sign-up and address confirmations), newest first: '
          + 'owners and admins of any organisation on this instance may read it, and only while the instance has no SMTP',
        querystring: OutboxQuery,
        response: { 200: Items(OutboxMessageSchema), ...errors(400, 401, 403, 404) },
      },
    }, async (request) => ({ items: await learners.listOutbox(request.actor, request.query) }));
  };
}
