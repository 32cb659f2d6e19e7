import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { InvalidInput, NotFound } from '../../services/errors.ts';
import { IMAGE_TYPES, MAX_IMAGE_BYTES } from '../../services/achievements/index.ts';
import type { Services } from '../../services/index.ts';
import {
  AchievementInputSchema, AchievementListQuery, AchievementParams, AchievementPreviewSchema, AchievementSchema, AchievementVersionQuery,
  AchievementVersionSchema, AchievementWithImageSchema,
} from '../contract/achievements.ts';
import { errors, Items, OrgParams } from '../contract/common.ts';

/** Micro-credential definitions: the console API under /api/v1 and the public OB 3.0 documents. */
export function achievementRoutes(services: Services): FastifyPluginAsyncTypebox {
  const { achievements } = services;
  return async (app) => {
    // Raw image uploads; this plugin's scope only, so other routes keep refusing these types.
    app.addContentTypeParser([...IMAGE_TYPES], { parseAs: 'buffer', bodyLimit: MAX_IMAGE_BYTES }, (_request, body, done) => done(null, body));

    app.get('/api/v1/organisations/:orgId/achievements', {
      schema: {
        tags: ['achievements'], summary: 'Micro-credential definitions of an organisation (current versions)', params: OrgParams,
        querystring: AchievementListQuery,
        response: { 200: Items(AchievementSchema), ...errors(400, 401, 403, 404) },
      },
    }, async (request) => ({ items: await achievements.list(request.actor, request.params.orgId, request.query) }));

    app.post('/api/v1/organisations/:orgId/achievements', {
      schema: { tags: ['achievements'], summary: 'Define a micro-credential (version 1)', params: OrgParams, body: AchievementInputSchema, response: { 201: AchievementSchema, ...errors(400, 401, 403, 404, 422) } },
    }, async (request, reply) => reply.code(201).send(await achievements.create(request.actor, request.params.orgId, request.body)));

    app.post('/api/v1/organisations/:orgId/achievements/preview', {
      schema: {
        tags: ['achievements'], summary: 'The unsigned example credential a definition produces (nothing is saved)', params: OrgParams, body: AchievementInputSchema,
        response: { 200: AchievementPreviewSchema, ...errors(400, 401, 403, 404, 422) },
      },
    }, (request) => achievements.preview(request.actor, request.params.orgId, request.body));

    app.get('/api/v1/achievements/:id', {
      schema: { tags: ['achievements'], summary: 'A definition as of its current version, or of ?version=N', params: AchievementParams, querystring: AchievementVersionQuery, response: { 200: AchievementSchema, ...errors(400, 401, 403, 404) } },
    }, (request) => achievements.get(request.actor, request.params.id, request.query.version));

    app.put('/api/v1/achievements/:id', {
      schema: { tags: ['achievements'], summary: 'Save a new version (issued credentials keep theirs)', params: AchievementParams, body: AchievementInputSchema, response: { 200: AchievementSchema, ...errors(400, 401, 403, 404, 409, 422) } },
    }, (request) => achievements.update(request.actor, request.params.id, request.body));

    app.post('/api/v1/achievements/:id/archive', {
      schema: { tags: ['achievements'], summary: 'Archive: no more issuing or editing; stays readable', params: AchievementParams, response: { 200: AchievementSchema, ...errors(401, 403, 404) } },
    }, (request) => achievements.archive(request.actor, request.params.id));

    app.get('/api/v1/achievements/:id/versions', {
      schema: { tags: ['achievements'], summary: 'Every version, newest first', params: AchievementParams, response: { 200: Items(AchievementVersionSchema), ...errors(401, 403, 404) } },
    }, async (request) => ({ items: await achievements.versions(request.actor, request.params.id) }));

    app.post('/api/v1/achievements/:id/image', {
      bodyLimit: MAX_IMAGE_BYTES,
      schema: {
        tags: ['achievements'], summary: 'Upload the image: the raw PNG or SVG body (≤ 512 kB); SVG is sanitised', params: AchievementParams,
        consumes: [...IMAGE_TYPES], body: Type.Unknown({ description: 'The PNG or SVG file itself (binary)' }),
        response: { 200: AchievementWithImageSchema, ...errors(400, 401, 403, 404, 409, 413, 415, 422) },
      },
    }, (request) => {
      if (!Buffer.isBuffer(request.body)) throw new InvalidInput('send the image as the raw body with content-type image/png or image/svg+xml', [{ pointer: '/', message: 'must be an image/png or image/svg+xml body' }], { status: 400 });
      return achievements.setImage(request.actor, request.params.id, { contentType: String(request.headers['content-type']).split(';')[0]!.trim().toLowerCase(), bytes: request.body });
    });

    app.get('/achievements/:id', {
      schema: { tags: ['public'], summary: 'An achievement (OB 3.0 Achievement JSON), current version or ?version=N; archived ones stay readable', params: AchievementParams, querystring: AchievementVersionQuery, response: { 200: Type.Unknown(), ...errors(400, 404) } },
    }, async (request, reply) => {
      const document = await achievements.publicDocument(request.params.id, request.query.version);
      return reply.header('cache-control', request.query.version ? 'public, max-age=86400, immutable' : 'public, max-age=300').type('application/json').send(document);
    });

    app.get('/achievements/:id/image', {
      schema: { tags: ['public'], summary: "An achievement's uploaded image (PNG or sanitised SVG)", params: AchievementParams, response: { 200: Type.Unknown(), 304: Type.Null(), ...errors(404) } },
    }, async (request, reply) => {
      const image = await achievements.image(request.params.id);
      if (!image) throw new NotFound('image');
      const etag = `"${image.sha256}"`;
      void reply.header('cache-control', 'public, max-age=300').header('etag', etag).header('x-content-type-options', 'nosniff');
      // An SVG opened directly is a document: no scripts, no loads, even if the sanitiser missed something.
      if (image.contentType === 'image/svg+xml') void reply.header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'");
      if (request.headers['if-none-match'] === etag) return reply.code(304).send(null);
      return reply.type(image.contentType).send(image.bytes);
    });
  };
}
