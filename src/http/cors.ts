import type { FastifyInstance, FastifyRequest } from 'fastify';

/** The contract's tag for what anyone may read without signing in (DID documents, status lists, credentials…). */
const PUBLIC_TAG = 'public';
const READS = new Set(['GET', 'HEAD']);

function isPublicRead(request: FastifyRequest): boolean {
  const tags = (request.routeOptions.schema as { tags?: unknown } | undefined)?.tags;
  return READS.has(request.method) && Array.isArray(tags) && tags.includes(PUBLIC_TAG);
}

/**
 * CORS (Fetch standard §3.2) for the public documents: verifiers that run in a browser (the DCC's
 * VerifierPlus, web wallets) read DID documents, status lists, contexts and credentials from another
 * origin, and their HTTP clients add headers (Cache-Control, Pragma) that make the browser ask first
 * with a preflight. Only reads of routes tagged "public" are opened, to any origin and without
 * credentials (no Access-Control-Allow-Credentials), so nothing a session can read becomes readable
 * cross-origin: a preflight may succeed for any path, but the answer to the read itself carries
 * Access-Control-Allow-Origin only on public routes, and the browser holds back the rest.
 */
export function registerPublicCors(app: FastifyInstance): void {
  app.addHook('onSend', async (request, reply, payload) => {
    if (isPublicRead(request)) void reply.header('access-control-allow-origin', '*');
    return payload;
  });
  app.options('*', { schema: { hide: true } }, async (request, reply) => {
    const method = String(request.headers['access-control-request-method'] ?? '').toUpperCase();
    if (!READS.has(method)) return reply.code(204).send();
    const asked = String(request.headers['access-control-request-headers'] ?? '');
    return reply.code(204)
      .header('access-control-allow-origin', '*')
      .header('access-control-allow-methods', 'GET, HEAD')
      // Request headers do not widen what can be read: any the client names may be sent.
      .header('access-control-allow-headers', asked.replace(/[^A-Za-z0-9!#$%&'*+.^_`|~,\s-]/g, ''))
      .header('access-control-max-age', '86400')
      .send();
  });
}
