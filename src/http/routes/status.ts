import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Services } from '../../services/index.ts';
import { NotFound } from '../../services/errors.ts';
import { errors, Id } from '../contract/common.ts';

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
        description: 'The list states `ttl` (milliseconds a verifier may cache it, STATUS_LIST_TTL); the answer carries `Cache-Control: public, max-age=<ttl in seconds>, must-revalidate` and a strong `ETag` that changes whenever a bit does. `If-None-Match` with the current tag answers 304 without a body.',
        headers: Type.Object({ 'if-none-match': Type.Optional(Type.String({ description: 'An ETag from an earlier answer' })) }),
        params: Type.Object({ listId: Id }),
        response: { 200: Type.Unknown(), 304: Type.Null(), ...errors(400, 404) },
      },
    }, async (request, reply) => {
      const list = await status.published(request.params.listId);
      if (!list) throw new NotFound('status list');
      // HTTP caches keep the list no longer than verifiers may (its ttl, §2.2), then revalidate with the ETag.
      void reply.header('cache-control', `public, max-age=${Math.floor(list.ttlMs / 1000)}, must-revalidate`)
        .header('etag', list.etag)
        .header('last-modified', new Date(list.updatedAt).toUTCString());
      if (matches(request.headers['if-none-match'], list.etag)) return reply.code(304).send(null);
      return reply.type('application/vc+ld+json').send(list.credential);
    });
  };
}
