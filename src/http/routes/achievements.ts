import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { InvalidInput, NotFound } from '../../services/errors.ts';
import { IMAGE_TYPES, MAX_IMAGE_BYTES } from '../../services/achievements/index.ts';
import type { Services } from '../../services/index.ts';
import { errors, Id, Items, Nullable, OrgParams } from '../schemas.ts';

const Text = (maxLength: number) => Type.String({ maxLength });
const TextList = (maxItems: number, maxLength = 2000) => Type.Array(Text(maxLength), { maxItems });

/** The EU Annex I elements; codes and ranges are checked by the service so the message can name them. */
const Eu = Type.Object({
  creditsAvailable: Type.Optional(Type.Number({ description: 'Notional workload in ECTS credits (≥ 0, at most two decimals)' })),
  eqfLevel: Type.Optional(Type.Number({ description: 'EQF level 1–8, where applicable' })),
  learningOutcome: Type.Optional(TextList(100)),
  assessmentType: Type.Optional(TextList(20, 100)),
  participationForm: Type.Optional(Text(100)),
  qualityAssurance: Type.Optional(TextList(20, 100)),
  prerequisites: Type.Optional(Text(5000)),
  supervision: Type.Optional(Text(100)),
  integration: Type.Optional(Text(100)),
  stackableTowards: Type.Optional(TextList(50)),
  furtherInformation: Type.Optional(Text(5000)),
}, { additionalProperties: false });

const Alignment = Type.Object({
  targetUrl: Text(2000), targetName: Text(500), targetFramework: Type.Optional(Text(200)),
  targetCode: Type.Optional(Text(200)), targetDescription: Type.Optional(Text(2000)),
}, { additionalProperties: false });

const ResultDescription = Type.Object({
  name: Text(200), resultType: Text(100), allowedValue: Type.Optional(TextList(100, 100)), requiredValue: Type.Optional(Text(100)),
}, { additionalProperties: false });

const Body = Type.Object({
  issuerId: Type.String({ maxLength: 100 }),
  name: Text(500),
  description: Text(10_000),
  criteria: Text(10_000),
  achievementType: Type.Optional(Text(100)),
  image: Type.Optional(Nullable(Text(2000))),
  eu: Type.Optional(Eu),
  alignments: Type.Optional(Type.Array(Alignment, { maxItems: 100 })),
  resultDescriptions: Type.Optional(Type.Array(ResultDescription, { maxItems: 10 })),
  validityPeriod: Type.Optional(Nullable(Text(50))),
}, { additionalProperties: false });

const Achievement = Type.Object({
  id: Type.String(), organisationId: Type.String(), issuerId: Type.String(), version: Type.Integer(), currentVersion: Type.Integer(),
  name: Type.String(), description: Type.String(), criteria: Type.String(), achievementType: Type.String(), imageUrl: Nullable(Type.String()),
  eu: Eu, alignments: Type.Array(Alignment), resultDescriptions: Type.Optional(Type.Array(ResultDescription)),
  validityPeriod: Type.Optional(Type.String()), url: Type.String(), archivedAt: Nullable(Type.String()), createdAt: Type.String(), updatedAt: Type.String(),
});

const Version = Type.Object({ version: Type.Integer(), name: Type.String(), createdAt: Type.String(), createdBy: Nullable(Type.String()) });
const Params = Type.Object({ id: Id });
const VersionQuery = Type.Object({ version: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_000_000 })) }, { additionalProperties: false });

/** Micro-credential definitions: the console API under /api/v1 and the public OB 3.0 documents. */
export function achievementRoutes(services: Services): FastifyPluginAsyncTypebox {
  const { achievements } = services;
  return async (app) => {
    // Raw image uploads; this plugin's scope only, so other routes keep refusing these types.
    app.addContentTypeParser([...IMAGE_TYPES], { parseAs: 'buffer', bodyLimit: MAX_IMAGE_BYTES }, (_request, body, done) => done(null, body));

    app.get('/api/v1/organisations/:orgId/achievements', {
      schema: {
        tags: ['achievements'], summary: 'Micro-credential definitions of an organisation (current versions)', params: OrgParams,
        querystring: Type.Object({ includeArchived: Type.Optional(Type.Boolean()) }, { additionalProperties: false }),
        response: { 200: Items(Achievement), ...errors(400, 401, 403, 404) },
      },
    }, async (request) => ({ items: await achievements.list(request.actor, request.params.orgId, request.query) }));

    app.post('/api/v1/organisations/:orgId/achievements', {
      schema: { tags: ['achievements'], summary: 'Define a micro-credential (version 1)', params: OrgParams, body: Body, response: { 201: Achievement, ...errors(400, 401, 403, 404, 422) } },
    }, async (request, reply) => reply.code(201).send(await achievements.create(request.actor, request.params.orgId, request.body)));

    app.post('/api/v1/organisations/:orgId/achievements/preview', {
      schema: {
        tags: ['achievements'], summary: 'The unsigned example credential a definition produces (nothing is saved)', params: OrgParams, body: Body,
        response: { 200: Type.Object({ credential: Type.Unknown() }), ...errors(400, 401, 403, 404, 422) },
      },
    }, (request) => achievements.preview(request.actor, request.params.orgId, request.body));

    app.get('/api/v1/achievements/:id', {
      schema: { tags: ['achievements'], summary: 'A definition as of its current version, or of ?version=N', params: Params, querystring: VersionQuery, response: { 200: Achievement, ...errors(400, 401, 403, 404) } },
    }, (request) => achievements.get(request.actor, request.params.id, request.query.version));

    app.put('/api/v1/achievements/:id', {
      schema: { tags: ['achievements'], summary: 'Save a new version (issued credentials keep theirs)', params: Params, body: Body, response: { 200: Achievement, ...errors(400, 401, 403, 404, 409, 422) } },
    }, (request) => achievements.update(request.actor, request.params.id, request.body));

    app.post('/api/v1/achievements/:id/archive', {
      schema: { tags: ['achievements'], summary: 'Archive: no more issuing or editing; stays readable', params: Params, response: { 200: Achievement, ...errors(401, 403, 404) } },
    }, (request) => achievements.archive(request.actor, request.params.id));

    app.get('/api/v1/achievements/:id/versions', {
      schema: { tags: ['achievements'], summary: 'Every version, newest first', params: Params, response: { 200: Items(Version), ...errors(401, 403, 404) } },
    }, async (request) => ({ items: await achievements.versions(request.actor, request.params.id) }));

    app.post('/api/v1/achievements/:id/image', {
      bodyLimit: MAX_IMAGE_BYTES,
      schema: {
        tags: ['achievements'], summary: 'Upload the image: the raw PNG or SVG body (≤ 512 kB); SVG is sanitised', params: Params,
        consumes: [...IMAGE_TYPES], body: Type.Unknown({ description: 'The PNG or SVG file itself (binary)' }),
        response: { 200: Type.Composite([Achievement, Type.Object({ removed: Type.Array(Type.String()) })]), ...errors(400, 401, 403, 404, 409, 413, 415, 422) },
      },
    }, (request) => {
      if (!Buffer.isBuffer(request.body)) throw new InvalidInput('send the image as the raw body with content-type image/png or image/svg+xml', [{ pointer: '/', message: 'must be an image/png or image/svg+xml body' }], { status: 400 });
      return achievements.setImage(request.actor, request.params.id, { contentType: String(request.headers['content-type']).split(';')[0]!.trim().toLowerCase(), bytes: request.body });
    });

    app.get('/achievements/:id', {
      schema: { tags: ['public'], summary: 'An achievement (OB 3.0 Achievement JSON), current version or ?version=N; archived ones stay readable', params: Params, querystring: VersionQuery, response: { 200: Type.Unknown(), ...errors(400, 404) } },
    }, async (request, reply) => {
      const document = await achievements.publicDocument(request.params.id, request.query.version);
      return reply.header('cache-control', request.query.version ? 'public, max-age=86400, immutable' : 'public, max-age=300').type('application/json').send(document);
    });

    app.get('/achievements/:id/image', {
      schema: { tags: ['public'], summary: "An achievement's uploaded image (PNG or sanitised SVG)", params: Params, response: { 200: Type.Unknown(), 304: Type.Null(), ...errors(404) } },
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
