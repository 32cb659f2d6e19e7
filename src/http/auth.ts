import '@fastify/cookie';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Actor } from '../services/access.ts';
import type { AccountService } from '../services/accounts.ts';
import { Forbidden, Unauthorized } from '../services/errors.ts';
import { safeEqual } from '../services/tokens.ts';

export const SESSION_COOKIE = 'mc_session';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The route reads the Authorization header itself (/metrics): no API-key lookup for it. */
    ownAuthorization?: boolean;
    /**
     * A server-rendered form posts here (the OB 3.0 API's consent screen): the session's CSRF token
     * comes in the form body (a form cannot set headers), and the route checks it with `formCsrfMatches`.
     */
    formCsrf?: boolean;
  }
  interface FastifyRequest {
    actor: Actor;
    /** The raw session token when the request came with a valid session cookie. */
    sessionToken?: string;
    csrfToken?: string;
  }
}

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * Resolves the actor of every request: an API key (Bearer, or HTTP Basic as xAPI clients send it),
 * else a session cookie, else anonymous.
 * A request authenticated by cookie that changes state must carry the session's CSRF token in
 * `x-csrf-token` (a cross-site form cannot set that header).
 */
export function registerAuth(app: FastifyInstance, accounts: AccountService): void {
  // Fastify wants decorators declared up front; the hook below always sets it.
  app.decorateRequest('actor', null as never);
  app.addHook('onRequest', async (request: FastifyRequest) => {
    const ip = request.ip;
    const authorization = request.headers.authorization;
    if (request.routeOptions.config.ownAuthorization) {
      request.actor = { kind: 'anonymous', ip };
      return;
    }
    if (authorization !== undefined) {
      const match = /^Bearer\s+(\S+)$/i.exec(authorization);
      const basic = match ? undefined : basicKey(authorization);
      const key = match?.[1] ?? basic;
      const actor = key ? await accounts.apiKeyActor(key, ip) : undefined;
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
        if (UNSAFE.has(request.method) && !request.routeOptions.config.formCsrf) {
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

/**
 * The API key in an HTTP Basic header (RFC 7617), as an LRS forwarder sends its "key" and "secret":
 * the password, or the user name when the password is empty (some clients put the whole key there).
 */
function basicKey(authorization: string): string | undefined {
  const match = /^Basic\s+([A-Za-z0-9+/=]+)$/i.exec(authorization);
  if (!match) return undefined;
  const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  const user = decoded.slice(0, colon);
  const password = decoded.slice(colon + 1);
  return password || user || undefined;
}

/** For `formCsrf` routes: the CSRF token posted in the form matches the session's. */
export function formCsrfMatches(request: FastifyRequest, sent: unknown): boolean {
  return request.csrfToken !== undefined && typeof sent === 'string' && safeEqual(sent, request.csrfToken);
}
