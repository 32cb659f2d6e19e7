import '@fastify/cookie';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Actor } from '../services/access.ts';
import type { AccountService } from '../services/accounts.ts';
import { Forbidden, Unauthorized } from '../services/errors.ts';
import { safeEqual } from '../services/tokens.ts';

export const SESSION_COOKIE = 'mc_session';

declare module 'fastify' {
  interface FastifyRequest {
    actor: Actor;
    /** The raw session token when the request came with a valid session cookie. */
    sessionToken?: string;
    csrfToken?: string;
  }
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /**
     * The route authenticates its callers itself (OAuth 2.0 endpoints and the resources they protect:
     * `Authorization` carries an OAuth token or client credentials there, not an API key).
     */
    ownAuth?: boolean;
    /**
     * A server-rendered form posts here: the session's CSRF token comes in the form body (a form cannot
     * set headers), and the route checks it with `formCsrfMatches`.
     */
    formCsrf?: boolean;
  }
}

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * Resolves the actor of every request: a Bearer API key, else a session cookie, else anonymous.
 * A request authenticated by cookie that changes state must carry the session's CSRF token in
 * `x-csrf-token` (a cross-site form cannot set that header).
 */
export function registerAuth(app: FastifyInstance, accounts: AccountService): void {
  // Fastify wants decorators declared up front; the hook below always sets it.
  app.decorateRequest('actor', null as never);
  app.addHook('onRequest', async (request: FastifyRequest) => {
    const ip = request.ip;
    const routeConfig = request.routeOptions.config as { ownAuth?: boolean; formCsrf?: boolean } | undefined;
    if (routeConfig?.ownAuth) {
      request.actor = { kind: 'anonymous', ip };
      return;
    }
    const authorization = request.headers.authorization;
    if (authorization !== undefined) {
      const match = /^Bearer\s+(\S+)$/i.exec(authorization);
      const actor = match ? await accounts.apiKeyActor(match[1]!, ip) : undefined;
      if (!actor) throw new Unauthorized('the API key is unknown or revoked');
      request.actor = actor;
      return;
    }
    const token = request.cookies[SESSION_COOKIE];
    if (token) {
      const session = await accounts.session(token);
      if (session) {
        request.actor = { kind: 'user', userId: session.userId, ip };
        request.sessionToken = token;
        request.csrfToken = session.csrfToken;
        if (UNSAFE.has(request.method) && !routeConfig?.formCsrf) {
          const sent = request.headers['x-csrf-token'];
          if (typeof sent !== 'string' || !safeEqual(sent, session.csrfToken)) throw new Forbidden('missing or wrong x-csrf-token header');
        }
        return;
      }
    }
    request.actor = { kind: 'anonymous', ip };
  });
}

export function setSessionCookie(reply: FastifyReply, token: string, secure: boolean, maxAgeSeconds: number): void {
  void reply.setCookie(SESSION_COOKIE, token, { path: '/', httpOnly: true, sameSite: 'lax', secure, maxAge: maxAgeSeconds });
}

export function clearSessionCookie(reply: FastifyReply, secure: boolean): void {
  void reply.clearCookie(SESSION_COOKIE, { path: '/', httpOnly: true, sameSite: 'lax', secure });
}

/** For `formCsrf` routes: the CSRF token posted in the form matches the session's. */
export function formCsrfMatches(request: FastifyRequest, sent: unknown): boolean {
  return request.csrfToken !== undefined && typeof sent === 'string' && safeEqual(sent, request.csrfToken);
}
