import type { FastifyPluginAsyncTypebox, TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { parse as parseQuery } from 'node:querystring';
import type { Config } from '../../config.ts';
import { DomainError } from '../../services/errors.ts';
import type { Services } from '../../services/index.ts';
import { CONSUMER_CALLBACK_PATH } from '../../services/ob-api/consumer.ts';
import { ALL_OB_SCOPES, OB_SCOPES, SCOPE_WORDS, type ObScope } from '../../services/ob-api/host.ts';
import { renderConsentPage, renderMessagePage } from '../../render/oauth-pages.ts';
import { formCsrfMatches } from '../auth.ts';
import { walletOwner } from '../../services/wallet/index.ts';
import { errors, Items } from '../contract/common.ts';
import {
  CredentialBodySchema, GetCredentialsResponseSchema, ObConnectionParams, ObConnectionSchema, ImsxStatusInfoSchema, imsxErrors, ObCallbackQuery, ObCredentialsQuery, ObProfileSchema,
  ObProfileUpdateSchema, ObPushBodySchema, ObPushParams, ObPushStartSchema, type ImsxCodeMinor, type ImsxStatusInfo,
} from '../contract/ob-api.ts';
import { problemFromError } from '../problem.ts';
import { createAuthorizationServer, OAUTH_PATH, OAUTH_ROUTES, OB_API_PATH, type ObAuthorizationServer } from '../ob-api/provider.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** The learner an OB 3.0 API access token was granted by, and the client it was granted to. */
    obGrant?: { userId: string; clientId: string; scopes: Set<string> };
    /** The body of an OB 3.0 API write exactly as sent (upsertCredential keeps it verbatim). */
    obRawBody?: string;
  }
}

/** An OB 3.0 API error (OB 3.0 §B.2.7 Imsx_StatusInfo). */
class ImsxError extends Error {
  constructor(readonly status: number, readonly codeMinor: ImsxCodeMinor, message: string, readonly authenticate?: string) {
    super(message);
  }
}

function statusInfo(codeMinor: ImsxCodeMinor, description: string): ImsxStatusInfo {
  return {
    imsx_codeMajor: 'failure', imsx_severity: 'error', imsx_description: description,
    imsx_codeMinor: { imsx_codeMinorField: [{ imsx_codeMinorFieldName: 'TargetEndSystem', imsx_codeMinorFieldValue: codeMinor }] },
  };
}

const MINOR_BY_STATUS: Record<number, ImsxCodeMinor> = {
  400: 'invalid_data', 401: 'unauthorizedrequest', 403: 'forbidden', 404: 'not_found', 405: 'not_allowed', 406: 'not_acceptable',
  413: 'invalid_data', 415: 'invalid_data', 422: 'invalid_data', 429: 'server_busy', 503: 'server_busy',
};

/** Every error of the resource routes, said as Imsx_StatusInfo (never problem+json, never internal text). */
function sendImsx(error: unknown, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  if (error instanceof ImsxError) {
    if (error.authenticate) void reply.header('www-authenticate', error.authenticate);
    return reply.code(error.status).type('application/json').send(statusInfo(error.codeMinor, error.message));
  }
  const problem = problemFromError(error, request);
  if (problem.status >= 500 && !(error instanceof DomainError)) request.log.error({ err: error }, 'request failed');
  const validation = (error as { validation?: unknown; validationContext?: string }).validation !== undefined;
  const minor = validation && (error as { validationContext?: string }).validationContext === 'querystring' ? 'invalid_query_parameter' : MINOR_BY_STATUS[problem.status] ?? (problem.status >= 500 ? 'internal_server_error' : 'unknown');
  return reply.code(problem.status).type('application/json').send(statusInfo(minor, problem.detail ?? problem.title));
}

/** OB 3.0 §6.2.2: the `Link` header (RFC 8288) of a page of getCredentials. */
function linkHeader(base: string, query: { limit: number; offset: number; since?: string }, total: number): string {
  const at = (offset: number) => {
    const params = new URLSearchParams({ limit: String(query.limit), offset: String(offset), ...(query.since ? { since: query.since } : {}) });
    return `<${base}?${params.toString()}>`;
  };
  const last = Math.max(0, Math.floor((total - 1) / query.limit) * query.limit);
  const links = [`${at(0)}; rel="first"`, `${at(last)}; rel="last"`];
  if (query.offset + query.limit < total) links.push(`${at(query.offset + query.limit)}; rel="next"`);
  if (query.offset > 0) links.push(`${at(Math.max(0, query.offset - query.limit))}; rel="prev"`);
  return links.join(', ');
}

/**
 * The 1EdTech Open Badges 3.0 API (issue 13 §1). As a host: the Service Description Document, the
 * learner's credentials and profile under /ims/ob/v3p0 behind OAuth 2.0 access tokens, and the
 * authorization server under /oauth with its consent screen. As a consumer: a learner's claim link can
 * send its credential to her wallet on another OB 3.0 host.
 */
export function obApiRoutes(services: Services, config: Config): FastifyPluginAsyncTypebox {
  const { obHost, obConsumer } = services;
  return async (app) => {
    // Made on first use, not at start: it reads its keys from the database, sealed with the master key,
    // and a node that cannot open them (or reach the database at start) still serves everything else.
    const server = lazyAuthorizationServer(() => createAuthorizationServer(config, obHost));
    // Registered at this plugin's level (not in a child) so the OpenAPI document can resolve its $ref.
    app.addSchema(ImsxStatusInfoSchema);
    await app.register(oauthMount(server));
    await app.register(interactionRoutes(server, services));
    await app.register(resourceRoutes(server, services, config));

    const signedIn = async (request: FastifyRequest) => {
      walletOwner(request.actor);
    };
    app.get('/api/v1/wallet/connections', {
      preValidation: signedIn,
      schema: { tags: ['ob-api'], summary: 'The applications you allowed to use your wallet through the Open Badges 3.0 API, and what each may see or do', response: { 200: Items(ObConnectionSchema), ...errors(401, 403) } },
    }, async (request) => ({ items: await obHost.listConnections(request.actor) }));

    app.delete('/api/v1/wallet/connections/:grantId', {
      preValidation: signedIn,
      schema: { tags: ['ob-api'], summary: 'Withdraw an application\'s access: its tokens stop working at once', params: ObConnectionParams, response: { 204: { type: 'null' }, ...errors(400, 401, 403, 404) } },
    }, async (request, reply) => {
      await obHost.disconnect(request.actor, request.params.grantId);
      return reply.code(204).send(null);
    });

    app.post('/api/v1/claim/:token/ob-push', {
      schema: {
        tags: ['ob-api'],
        summary: 'Send the credential of a claim link to your wallet on another Open Badges 3.0 host: registers with the host if needed and answers where you consent there',
        params: ObPushParams, body: ObPushBodySchema, response: { 200: ObPushStartSchema, ...errors(400, 404, 422) },
      },
    }, (request) => obConsumer.startPush(request.params.token, request.body.hostUrl));

    app.get(CONSUMER_CALLBACK_PATH, {
      config: { ownAuthorization: true },
      schema: { tags: ['ob-api'], summary: "Where a learner's OB 3.0 host sends her back after consent: the credential is pushed and the outcome shown", querystring: ObCallbackQuery, produces: ['text/html'] },
    }, async (request, reply) => {
      const { state, code, error } = request.query;
      const outcome = await obConsumer.completePush({ ...(state ? { state } : {}), ...(code ? { code } : {}), ...(error ? { error } : {}) });
      const title = outcome.status === 'pushed' ? 'Sent to your wallet' : outcome.status === 'denied' ? 'Not sent' : 'Could not send the credential';
      return reply.code(outcome.status === 'failed' ? 502 : 200).type('text/html; charset=utf-8')
        .send(renderMessagePage(title, [outcome.detail], { status: outcome.status, 'http-status': String(outcome.httpStatus ?? '') }));
    });
  };
}

interface LazyServer {
  (): Promise<{ server: ObAuthorizationServer; handle: ReturnType<ObAuthorizationServer['provider']['callback']> }>;
}

/** The server made once, when first asked for; a failed attempt is not kept, so the next request tries again. */
function lazyAuthorizationServer(create: () => Promise<ObAuthorizationServer>): LazyServer {
  let pending: ReturnType<LazyServer> | undefined;
  return () => {
    pending ??= create().then((server) => ({ server, handle: server.provider.callback() })).catch((error: unknown) => {
      pending = undefined;
      throw error;
    });
    return pending;
  };
}

/** The authorization server, as oidc-provider answers it: the request's body is left unread for it. */
function oauthMount(server: LazyServer): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.removeAllContentTypeParsers();
    app.addContentTypeParser('*', (_request, _payload, done) => done(null, undefined));
    const route = async (request: FastifyRequest, reply: FastifyReply) => {
      const { handle } = await server();
      reply.hijack();
      // The provider is mounted at OAUTH_PATH (its issuer's path): it routes on the rest.
      // Mounted as Express mounts a sub-app: `originalUrl` keeps the full path, which the provider's URLs are built from.
      const raw = request.raw as typeof request.raw & { originalUrl?: string };
      raw.originalUrl = raw.url!;
      raw.url = raw.url!.slice(OAUTH_PATH.length) || '/';
      handle(request.raw, reply.raw);
    };
    app.all(`${OAUTH_PATH}/*`, { config: { ownAuthorization: true }, schema: { hide: true } }, route);
  };
}

function interactionRoutes(server: LazyServer, services: Services): FastifyPluginAsyncTypebox {
  const page = (reply: FastifyReply, status: number, title: string, text: string) =>
    reply.code(status).type('text/html; charset=utf-8').send(renderMessagePage(title, [text]));
  const details = async (request: FastifyRequest, reply: FastifyReply) => {
    try {
      return await (await server()).server.provider.interactionDetails(request.raw, reply.raw);
    } catch {
      return undefined;
    }
  };
  return async (app) => {
    // The consent screen may not be framed by another site (a framed "Allow" button could be clicked by trickery).
    app.addHook('onSend', async (_request, reply, payload) => {
      void reply.header('x-frame-options', 'DENY').header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'; img-src https: data:; form-action 'self' http: https:; frame-ancestors 'none'; base-uri 'none'");
      return payload;
    });
    app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: 4096 }, (_request, body, done) => {
      done(null, parseQuery(body as string));
    });

    app.get(`${OAUTH_PATH}/interaction/:uid`, { schema: { hide: true } }, async (request, reply) => {
      const { uid } = request.params as { uid: string };
      const interaction = await details(request, reply);
      if (!interaction || interaction.uid !== uid) return page(reply, 400, 'This authorization request has expired', 'Go back to the application that sent you here and start again.');
      // Sign-in is microcred's own: without a session, the learner signs in and comes back here.
      if (request.actor.kind !== 'user') return reply.redirect(`/login?next=${encodeURIComponent(`${OAUTH_PATH}/interaction/${uid}`)}`, 303);
      const userId = request.actor.userId;
      const { provider } = (await server()).server;
      if (interaction.prompt.name === 'login' || interaction.session?.accountId !== userId) {
        const returnTo = await provider.interactionResult(request.raw, reply.raw, { login: { accountId: userId } }, { mergeWithLastSubmission: false });
        return reply.redirect(returnTo, 303);
      }
      const client = await provider.Client.find(String(interaction.params.client_id ?? ''));
      if (!client) return page(reply, 400, 'Unknown application', 'The application that sent you here is not registered.');
      const requested = String(interaction.params.scope ?? '').split(' ').filter((scope): scope is ObScope => (ALL_OB_SCOPES as readonly string[]).includes(scope));
      const profile = await services.obHost.profile(userId);
      return reply.type('text/html; charset=utf-8').header('cache-control', 'no-store').send(renderConsentPage({
        clientName: client.clientName ?? client.clientId,
        ...(client.clientUri ? { clientUri: client.clientUri } : {}),
        ...(typeof interaction.params.redirect_uri === 'string' ? { redirectUri: interaction.params.redirect_uri } : {}),
        permissions: requested.length > 0 ? requested.map((scope) => SCOPE_WORDS[scope]) : ['Nothing beyond knowing that you have an account here.'],
        learnerName: profile.name ?? profile.email ?? 'you',
        formAction: `${OAUTH_PATH}/interaction/${uid}`,
        csrfToken: request.csrfToken ?? '',
      }));
    });

    app.post(`${OAUTH_PATH}/interaction/:uid`, { config: { formCsrf: true }, schema: { hide: true } }, async (request, reply) => {
      const { uid } = request.params as { uid: string };
      const form = (request.body ?? {}) as Record<string, unknown>;
      if (request.actor.kind !== 'user') return page(reply, 401, 'Sign in first', 'Your session ended: go back to the application and start again.');
      if (!formCsrfMatches(request, form.csrf)) return page(reply, 403, 'This form has expired', 'Reload the page and choose again.');
      const interaction = await details(request, reply);
      if (!interaction || interaction.uid !== uid || interaction.prompt.name !== 'consent' || interaction.session?.accountId !== request.actor.userId) {
        return page(reply, 400, 'This authorization request has expired', 'Go back to the application that sent you here and start again.');
      }
      const { provider } = (await server()).server;
      if (form.decision !== 'allow') {
        const returnTo = await provider.interactionResult(request.raw, reply.raw, { error: 'access_denied', error_description: 'The learner did not allow access.' }, { mergeWithLastSubmission: false });
        return reply.redirect(returnTo, 303);
      }
      const grant = interaction.grantId ? (await provider.Grant.find(interaction.grantId)) : undefined;
      const current = grant ?? new provider.Grant({ accountId: request.actor.userId, clientId: String(interaction.params.client_id) });
      const { missingOIDCScope, missingResourceScopes } = interaction.prompt.details;
      // Only the OB 3.0 scopes exist here; whatever else was asked is not granted.
      const allowed = (scopes: string[]) => scopes.filter((scope) => (ALL_OB_SCOPES as readonly string[]).includes(scope) || scope === 'openid');
      if (missingOIDCScope) current.addOIDCScope(allowed(missingOIDCScope).join(' '));
      for (const [indicator, scopes] of Object.entries(missingResourceScopes ?? {})) current.addResourceScope(indicator, allowed(scopes).join(' '));
      const grantId = await current.save();
      const returnTo = await provider.interactionResult(request.raw, reply.raw, { consent: { grantId } });
      return reply.redirect(returnTo, 303);
    });
  };
}

function resourceRoutes(lazyServer: LazyServer, services: Services, config: Config): FastifyPluginAsyncTypebox {
  const { obHost } = services;
  const base = `${config.publicUrl}${OB_API_PATH}`;

  /** OB 3.0 §6.1: a valid access token, for this API, carrying the scope (RFC 6750 §3.1 errors). */
  const requireScope = (scope: ObScope) => async (request: FastifyRequest) => {
    const match = /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? '');
    if (!match) throw new ImsxError(401, 'unauthorizedrequest', 'An OAuth 2.0 access token is required (Authorization: Bearer …).', 'Bearer realm="ob"');
    const { server } = await lazyServer();
    const token = await server.findAccessToken(match[1]!);
    const audience = token ? [token.aud].flat() : [];
    if (!token || !audience.includes(server.resource)) {
      throw new ImsxError(401, 'unauthorizedrequest', 'The access token is unknown, expired or revoked.', 'Bearer realm="ob", error="invalid_token"');
    }
    const scopes = new Set((token.scope ?? '').split(' '));
    if (!scopes.has(scope)) {
      throw new ImsxError(403, 'forbidden', `The access token does not carry the scope ${scope}.`, `Bearer realm="ob", error="insufficient_scope", scope="${scope}"`);
    }
    if (!(await obHost.accountExists(token.accountId))) throw new ImsxError(401, 'unauthorizedrequest', 'The account of this access token no longer exists.', 'Bearer realm="ob", error="invalid_token"');
    request.obGrant = { userId: token.accountId, clientId: token.clientId, scopes };
  };
  const grantOf = (request: FastifyRequest) => request.obGrant!;
  const security = [{ OAuth2ACG: [] as string[] }];

  return async (app: FastifyInstance) => {
    const typed = app.withTypeProvider<TypeBoxTypeProvider>();
    app.setErrorHandler((error, request, reply) => sendImsx(error, request, reply));
    // upsertCredential keeps what it is sent verbatim: the JSON body is read as text, a compact JWS as text/plain.
    app.removeContentTypeParser(['application/json', 'text/plain']);
    app.addContentTypeParser(['application/json', 'application/ld+json', 'application/vc+ld+json'], { parseAs: 'string', bodyLimit: 2 * 1024 * 1024 }, (request, body, done) => {
      try {
        request.obRawBody = body as string;
        done(null, JSON.parse(body as string) as unknown);
      } catch {
        done(new ImsxError(400, 'invalid_data', 'The body is not valid JSON.'), undefined);
      }
    });
    app.addContentTypeParser(['text/plain', 'application/jwt', 'application/vc+jwt'], { parseAs: 'string', bodyLimit: 2 * 1024 * 1024 }, (request, body, done) => {
      request.obRawBody = body as string;
      done(null, body);
    });

    typed.get(`${OB_API_PATH}/discovery`, {
      config: { ownAuthorization: true },
      schema: { tags: ['ob-api'], summary: 'getServiceDescription: the Service Description Document (OpenAPI) of this OB 3.0 API host, with its OAuth 2.0 endpoints and scopes', response: { ...imsxErrors(500) } },
    }, () => serviceDescription(config));

    typed.get(`${OB_API_PATH}/privacy`, {
      config: { ownAuthorization: true },
      schema: { tags: ['ob-api'], summary: 'What an application you connect through the OB 3.0 API can see and do (the privacy policy the Service Description Document names)', produces: ['text/html'] },
    }, (_request, reply) => reply.type('text/html; charset=utf-8').send(renderMessagePage('Connecting applications to your wallet', [
      'An application you allow can see or change only what the consent screen listed, and only for your own account: reading your credentials, adding credentials, reading your profile (name and sign-in e-mail), or changing your profile name.',
      'Every credential an application adds is verified before it is kept, and the outcome is shown beside it in your wallet. What an application does is recorded in your account\'s audit log.',
      'Access lasts until it expires (one hour; a refresh token renews it for at most 180 days) or until it is revoked.',
    ])));

    typed.get(`${OB_API_PATH}/credentials`, {
      config: { ownAuthorization: true },
      preHandler: requireScope(OB_SCOPES.credentialRead),
      schema: {
        tags: ['ob-api'], security, summary: 'getCredentials: the learner\'s OB 3.0 credentials (oldest first), paged with limit and offset; X-Total-Count and Link headers',
        querystring: ObCredentialsQuery, response: { 200: GetCredentialsResponseSchema, ...imsxErrors(400, 401, 403, 500) },
      },
    }, async (request, reply) => {
      const limit = Math.min(request.query.limit ?? 100, 100);
      const offset = request.query.offset ?? 0;
      const page = await obHost.listCredentials(grantOf(request).userId, { limit, offset, ...(request.query.since ? { since: request.query.since } : {}) });
      void reply.header('x-total-count', String(page.total)).header('link', linkHeader(`${base}/credentials`, { limit, offset, ...(request.query.since ? { since: request.query.since } : {}) }, page.total));
      return { credential: page.credential, compactJwsString: page.compactJwsString };
    });

    typed.post(`${OB_API_PATH}/credentials`, {
      config: { ownAuthorization: true },
      preHandler: requireScope(OB_SCOPES.credentialUpsert),
      schema: {
        tags: ['ob-api'], security,
        summary: 'upsertCredential: add a credential (JSON-LD, or a compact JWS as text/plain) to the learner\'s wallet, verified first and kept with the outcome; 201 created, 200 replaced, 304 identical',
        consumes: ['application/json', 'text/plain'],
        body: { content: { 'application/json': { schema: CredentialBodySchema }, 'text/plain': { schema: { type: 'string', description: 'A compact JWS (VC-JWT)' } } } },
        response: { 200: CredentialBodySchema, 201: CredentialBodySchema, 304: { type: 'null', description: 'Identical to the credential held' }, ...imsxErrors(400, 401, 403, 413, 415, 500) },
      },
    }, async (request, reply) => {
      const text = request.obRawBody;
      if (text === undefined) throw new ImsxError(400, 'invalid_data', 'Send the credential as JSON, or a compact JWS as text/plain.');
      const json = typeof request.body === 'string' ? undefined : request.body;
      const grant = grantOf(request);
      const outcome = await obHost.upsertCredential(grant.userId, { bytes: new TextEncoder().encode(text), clientId: grant.clientId });
      void reply.header('x-microcred-verification', outcome.verificationStatus);
      if (outcome.status === 304) return reply.code(304).send();
      // Answered as sent (OB 3.0 §6.2.3: the credential), byte for byte.
      if (json === undefined) return reply.code(outcome.status).type('text/plain; charset=utf-8').serializer(() => text.trim()).send(text);
      return reply.code(outcome.status).type('application/json').serializer(() => text).send(json);
    });

    typed.get(`${OB_API_PATH}/profile`, {
      config: { ownAuthorization: true },
      preHandler: requireScope(OB_SCOPES.profileRead),
      schema: { tags: ['ob-api'], security, summary: 'getProfile: the learner\'s profile', response: { 200: ObProfileSchema, ...imsxErrors(401, 403, 404, 500) } },
    }, (request) => obHost.profile(grantOf(request).userId));

    typed.put(`${OB_API_PATH}/profile`, {
      config: { ownAuthorization: true },
      preHandler: requireScope(OB_SCOPES.profileUpdate),
      schema: {
        tags: ['ob-api'], security, summary: 'putProfile: change the learner\'s name (other properties are the host\'s and are not changed); answers the profile as kept',
        body: ObProfileUpdateSchema, response: { 200: ObProfileSchema, ...imsxErrors(400, 401, 403, 404, 500) },
      },
    }, (request) => {
      return obHost.updateProfile(grantOf(request).userId, request.body.name !== undefined ? { name: request.body.name } : {});
    });
  };
}

/** The OB 3.0 API's OAuth 2.0 scheme (OB 3.0 §6.1), as the Service Description Document and microcred's OpenAPI name it. */
export function obSecurityScheme(config: Config) {
  const oauth = `${config.publicUrl}${OAUTH_PATH}`;
  const privacy = `${config.publicUrl}${OB_API_PATH}/privacy`;
  return {
    type: 'oauth2' as const,
    description: 'OAuth 2.0 Authorization Code Grant authorization (PKCE S256 required), for the 1EdTech Open Badges 3.0 API',
    'x-imssf-name': 'microcred',
    'x-imssf-privacyPolicyUrl': privacy,
    'x-imssf-registrationUrl': `${oauth}${OAUTH_ROUTES.registration}`,
    flows: {
      authorizationCode: {
        authorizationUrl: `${oauth}${OAUTH_ROUTES.authorization}`,
        tokenUrl: `${oauth}${OAUTH_ROUTES.token}`,
        refreshUrl: `${oauth}${OAUTH_ROUTES.token}`,
        scopes: Object.fromEntries(ALL_OB_SCOPES.map((scope) => [scope, SCOPE_WORDS[scope]])),
      },
    },
  };
}

/** OB 3.0 §6.3 getServiceDescription: an OpenAPI document naming the API, its OAuth 2.0 flow and scopes. */
export function serviceDescription(config: Config): Record<string, unknown> {
  const privacy = `${config.publicUrl}${OB_API_PATH}/privacy`;
  return {
    openapi: '3.0.1',
    info: {
      title: 'microcred Open Badges 3.0 API',
      description: 'The learner wallet of this microcred instance, as an Open Badges 3.0 API host.',
      version: '3.0',
      'x-imssf-privacyPolicyUrl': privacy,
    },
    servers: [{ url: `${config.publicUrl}${OB_API_PATH}`, description: 'microcred' }],
    paths: {
      '/credentials': {
        get: { operationId: 'getCredentials', security: [{ OAuth2ACG: [OB_SCOPES.credentialRead] }], responses: { 200: { description: 'GetOpenBadgeCredentialsResponse' } } },
        post: { operationId: 'upsertCredential', security: [{ OAuth2ACG: [OB_SCOPES.credentialUpsert] }], responses: { 200: { description: 'Replaced' }, 201: { description: 'Created' }, 304: { description: 'Not modified' } } },
      },
      '/profile': {
        get: { operationId: 'getProfile', security: [{ OAuth2ACG: [OB_SCOPES.profileRead] }], responses: { 200: { description: 'Profile' } } },
        put: { operationId: 'putProfile', security: [{ OAuth2ACG: [OB_SCOPES.profileUpdate] }], responses: { 200: { description: 'Profile' } } },
      },
      '/discovery': { get: { operationId: 'getServiceDescription', responses: { 200: { description: 'ServiceDescriptionDocument' } } } },
    },
    components: { securitySchemes: { OAuth2ACG: obSecurityScheme(config) } },
  };
}
