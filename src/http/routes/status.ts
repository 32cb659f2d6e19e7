import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Services } from '../../services/index.ts';
import { NotFound } from '../../services/errors.ts';
import { errors, Id } from '../contract/common.ts';

/**
 * How long verifiers and caches may keep a list. Short: a revocation should show within minutes,
 * and the engine's own status-list cache keeps lists for the same five minutes.
 */
const MAX_AGE_SECONDS = 300;

/** RFC 9110 §13.1.2: does If-None-Match name this entity tag (or `*`)? Weak comparison. */
function matches(ifNoneMatch: string | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false;
  const opaque = (tag: string) => tag.trim().replace(/^W\//, '');
  return ifNoneMatch.split(',').some((tag) => tag.trim() === '*' || opaque(tag) === opaque(etag));
}

/** The public, signed BitstringStatusListCredentials (Bitstring Status List §2.2), with HTTP caching. */
export function statusRoutes(services: Services): FastifyPluginAsyncTypebox {
  const { status } = services;
  return async (app) => {
    app.get('/status/:listId', {
      schema: {
        tags: ['public'], summary: 'A signed BitstringStatusListCredential (revocation or suspension list of one issuer)',
        params: Type.Object({ listId: Id }),
        response: { 200: Type.Unknown(), 304: Type.Null(), ...errors(400, 404) },
      },
    }, async (request, reply) => {
      const list = await status.published(request.params.listId);
      if (!list) throw new NotFound('status list');
      void reply.header('cache-control', `public, max-age=${MAX_AGE_SECONDS}, must-revalidate`)
        .header('etag', list.etag)
        .header('last-modified', new Date(list.updatedAt).toUTCString());
      if (matches(request.headers['if-none-match'], list.etag)) return reply.code(304).send(null);
      return reply.type('application/vc+ld+json').send(list.credential);
    });
  };
}
