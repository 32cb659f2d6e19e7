import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import fastifyCookie from '@fastify/cookie';
import fastifyStatic from '@fastify/static';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import type { Runtime } from '../runtime.ts';
import { registerAuth } from './auth.ts';
import { registerPublicCors } from './cors.ts';
import { ProblemSchema } from './contract/common.ts';
import { IssuerSchema } from './contract/issuers.ts';
import { registerJsonBodyRules } from './json-body.ts';
import { chooseLogFormat, humanLogStream } from './log-format.ts';
import { instanceOf, problemFromError, sendProblem } from './problem.ts';
import { registerRateLimit } from './rate-limit.ts';
import { DOCS_CSS, MARK_SVG } from './brand.ts';
import { accountRoutes } from './routes/accounts.ts';
import { credentialConsoleRoutes } from './routes/credential-console.ts';
import { achievementRoutes } from './routes/achievements.ts';
import { bulkRoutes } from './routes/bulk.ts';
import { credentialRoutes } from './routes/credentials.ts';
import { exchangeRoutes } from './routes/exchanges.ts';
import { exportRoutes } from './routes/exports.ts';
import { issuerRoutes } from './routes/issuers.ts';
import { learnerRoutes } from './routes/learners.ts';
import { ltiRoutes } from './routes/lti.ts';
import { obApiRoutes, obSecurityScheme } from './routes/ob-api.ts';
import { oid4vciRoutes } from './routes/oid4vci.ts';
import { opsRoutes } from './routes/ops.ts';
import { outboxRoutes } from './routes/outbox.ts';
import { publicRoutes } from './routes/public.ts';
import { pathwayRoutes } from './routes/pathways.ts';
import { recognitionRoutes } from './routes/recognition.ts';
import { sharingRoutes } from './routes/sharing.ts';
import { statusRoutes } from './routes/status.ts';
import { vcApiRoutes } from './routes/vc-api.ts';
import { verifierRoutes } from './routes/verifier.ts';
import { walletRoutes } from './routes/wallet.ts';
import { webhookRoutes } from './routes/webhooks.ts';
import { xapiRoutes } from './routes/xapi.ts';


export interface BuildAppOptions {
  runtime: Runtime;
  /** Fastify logger options (default: the configured level and format, no secrets). */
  logger?: FastifyServerOptions['logger'];
  /** Where the default logger writes (default standard output); whether it is a TTY picks LOG_FORMAT=auto's form. */
  logStream?: NodeJS.WritableStream;
  /** Folder of the built web app (default web/dist beside the package). */
  webRoot?: string;
  /** HTTPS options when TLS is configured. */
  https?: { cert: Buffer; key: Buffer };
}

export const WEB_ROOT = resolve(import.meta.dirname, '../../web/dist');
/** Paths the browser application owns (served index.html, the app routes itself). */
const APP_PATHS = ['/setup', '/login', '/signup', '/confirm-email', '/forgot-password', '/reset-password', '/invitation', '/console', '/wallet', '/verify', '/claim'];

/**
 * Builds the whole application from plugins in a fixed order (external → auth → routes), without
 * listening: tests call it with `app.inject`, `server.ts` starts it.
 */
export async function buildApp(options: BuildAppOptions): Promise<FastifyInstance> {
  const { runtime } = options;
  const { config, services } = runtime;
  const { metrics } = runtime;
  const logOut = options.logStream ?? process.stdout;
  // A person at a terminal gets one line per request; files, pipes and collectors keep JSON lines.
  const logDestination = chooseLogFormat(config.logFormat, logOut) === 'pretty' ? humanLogStream(logOut) : options.logStream;
  const app = Fastify({
    logger: options.logger ?? {
      level: config.logLevel,
      // Requests are logged by method, path and status only: no headers (cookies, API keys), no query
      // strings (searches by e-mail), no claim, share or confirmation tokens.
      serializers: {
        req: (request: { method: string; url: string; ip?: string }) => ({ method: request.method, path: loggablePath(request.url) }),
        res: (reply: { statusCode: number }) => ({ statusCode: reply.statusCode }),
      },
      ...(logDestination ? { stream: logDestination } : {}),
    },
    trustProxy: config.trustProxy,
    bodyLimit: 1024 * 1024,
    ...(options.https ? { https: options.https } : {}),
    ajv: { customOptions: { removeAdditional: false, coerceTypes: 'array', allErrors: true } },
    return503OnClosing: true,
  } as FastifyServerOptions).withTypeProvider<TypeBoxTypeProvider>();

  app.addSchema(ProblemSchema);
  app.addSchema(IssuerSchema);

  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: 'microcred', version: '0.1.0', description: 'Issue, keep, stack, verify and recognise Open Badges 3.0 micro-credentials. Console API under /api/v1, VC-API (VCALM) at /credentials/* and /presentations/*, the 1EdTech Open Badges 3.0 API at /ims/ob/v3p0 (OAuth 2.0 authorization server at /oauth; docs/integrations.md).' },
      components: {
        securitySchemes: {
          apiKey: { type: 'http', scheme: 'bearer', description: 'An organisation API key (mck_…)' },
          session: { type: 'apiKey', in: 'cookie', name: 'mc_session' },
          metricsToken: { type: 'http', scheme: 'bearer', description: 'The METRICS_TOKEN the server was started with (for /metrics only)' },
          basic: { type: 'http', scheme: 'basic', description: 'xAPI: an organisation API key as the password (or as the user name with an empty password)' },
          OAuth2ACG: obSecurityScheme(config),
        },
      },
    },
    refResolver: { buildLocalReference: (json, _baseUri, _fragment, i) => (typeof json.$id === 'string' ? json.$id : `def-${i}`) },
  });
  await app.register(fastifySwaggerUi, {
    routePrefix: '/docs',
    logo: { type: 'image/svg+xml', content: Buffer.from(MARK_SVG), href: '/console', target: '_self' },
    theme: {
      title: 'microcred API',
      css: [{ filename: 'microcred.css', content: DOCS_CSS }],
      favicon: [{ filename: 'favicon.svg', rel: 'icon', sizes: 'any', type: 'image/svg+xml', content: Buffer.from(MARK_SVG) }],
    },
  });
  await app.register(fastifyCookie);
  registerJsonBodyRules(app);

  app.setErrorHandler((error, request, reply) => {
    const problem = problemFromError(error, request);
    if (problem.status >= 500) request.log.error({ err: error }, 'request failed');
    return sendProblem(reply, problem);
  });
  // The web app's own paths are routes of their own (below), so anything unmatched is a problem.
  app.setNotFoundHandler((request, reply) => {
    return sendProblem(reply, { type: 'https://w3id.org/microcred/problems/not-found', title: 'Not found', status: 404, detail: `nothing at ${request.method} ${instanceOf(request.url)}`, instance: instanceOf(request.url) });
  });
  app.addHook('onResponse', async (request, reply) => {
    metrics.increment('microcred_http_requests_total', { method: request.method, route: request.routeOptions.url ?? 'unmatched', status: String(reply.statusCode) });
  });
  metrics.describe('microcred_http_requests_total', 'HTTP requests by route and status');

  registerAuth(app, services.accounts);
  registerPublicCors(app);
  registerRateLimit(app, { routes: ['/credentials/verify', '/presentations/verify', '/api/v1/verify', '/s/:token', '/s/:token/certificate.pdf', '/api/v1/verifier/presentation-requests', '/oid4vp/responses/:id'], perWindow: config.verifyRateLimit, windowMs: 60_000 });

  await app.register(opsRoutes(services, config.metricsToken !== undefined ? { metricsToken: config.metricsToken } : {}));
  await app.register(accountRoutes(services, { secureCookies: config.publicUrl.startsWith('https:') }));
  await app.register(issuerRoutes(services));
  await app.register(achievementRoutes(services));
  await app.register(publicRoutes(services, { publicUrl: config.publicUrl }));
  await app.register(credentialRoutes(services));
  await app.register(credentialConsoleRoutes(services));
  await app.register(bulkRoutes(services));
  await app.register(outboxRoutes(services));
  await app.register(statusRoutes(services));
  await app.register(vcApiRoutes(services));
  await app.register(exchangeRoutes(services));
  await app.register(learnerRoutes(services, { secureCookies: config.publicUrl.startsWith('https:') }));
  await app.register(walletRoutes(services));
  await app.register(sharingRoutes(services));
  await app.register(verifierRoutes(services));
  await app.register(exportRoutes(services));
  await app.register(recognitionRoutes(services));
  await app.register(pathwayRoutes(services));
  await app.register(webhookRoutes(services));
  await app.register(xapiRoutes(services));
  await app.register(ltiRoutes(services, config));
  await app.register(obApiRoutes(services, config));
  await app.register(oid4vciRoutes(services, { publicUrl: config.publicUrl }));

  const webRoot = options.webRoot ?? WEB_ROOT;
  if (existsSync(join(webRoot, 'index.html'))) {
    await app.register(fastifyStatic, { root: webRoot, prefix: '/', wildcard: false, index: false });
    for (const path of APP_PATHS) {
      app.get(path, { schema: { hide: true } }, (_request, reply) => reply.sendFile('index.html'));
      app.get(`${path}/*`, { schema: { hide: true } }, (_request, reply) => reply.sendFile('index.html'));
    }
    app.get('/', { schema: { hide: true } }, (_request, reply) => reply.redirect('/console'));
  }

  runtime.setLocalFetch(async (path) => {
    const response = await app.inject({ method: 'GET', url: path, headers: { accept: 'application/json' } });
    if (response.statusCode !== 200) return undefined;
    return { url: `${config.publicUrl}${path}`, contentType: String(response.headers['content-type'] ?? ''), body: new Uint8Array(response.rawPayload) };
  });
  return app;
}

/** A request path fit for logs: without its query, and with secrets in the path masked. */
export function loggablePath(url: string): string {
  const path = url.split('?')[0]!;
  // Claim, share, address-confirmation, invitation and password-reset links carry their only secret in the path.
  return path.replace(/^(\/claim|\/api\/v1\/claim|\/s|\/confirm-email|\/invitation|\/api\/v1\/invitations|\/reset-password)\/[^/]+/, '$1/***');
}
