import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Services } from '../../services/index.ts';
import { errors } from '../contract/common.ts';
import { ClaimResentSchema, CredentialHistorySchema, CredentialParams, EmptyBodySchema } from '../contract/credentials.ts';

/** What the console's credential page adds to the credential: its history, and sending the claim e-mail again. */
export function credentialConsoleRoutes(services: Services): FastifyPluginAsyncTypebox {
  const { credentialConsole } = services;
  return async (app) => {
    app.get('/api/v1/credentials/:id/history', {
      schema: {
        tags: ['credentials'], summary: 'Delivery state (claimed, pending, offered) and every status change with who and when, oldest first',
        params: CredentialParams, response: { 200: CredentialHistorySchema, ...errors(401, 403, 404) },
      },
    }, (request) => credentialConsole.history(request.actor, request.params.id));

    app.post('/api/v1/credentials/:id/resend-claim', {
      schema: {
        tags: ['credentials'], summary: 'Send the claim e-mail again with a fresh link (the previous link stops working)',
        params: CredentialParams, body: EmptyBodySchema, response: { 200: ClaimResentSchema, ...errors(400, 401, 403, 404, 409) },
      },
    }, (request) => credentialConsole.resendClaim(request.actor, request.params.id));
  };
}
