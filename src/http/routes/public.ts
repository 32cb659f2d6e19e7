import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Services } from '../../services/index.ts';
import { NotFound } from '../../services/errors.ts';
import { EU_CONTEXT_BYTES, EU_CONTEXT_PATH } from '../../vc/contexts/index.ts';
import { errors, Id } from '../contract/common.ts';
import { EU_SCHEMA_PATH, euExtensionSchema, euSchemaUrl } from '../../vc/schemas/eu-extension.ts';

export { EU_CONTEXT_PATH };

/** What anyone may read without signing in: DID documents, issuer profiles, our JSON-LD context. */
export function publicRoutes(services: Services, options: { publicUrl: string }): FastifyPluginAsyncTypebox {
  const { issuers } = services;
  return async (app) => {
    app.get('/issuers/:issuerId/did.json', {
      schema: { tags: ['public'], summary: "An issuer's did:web DID document (every key it ever had)", params: Type.Object({ issuerId: Id }), response: { 200: Type.Unknown(), ...errors(404) } },
    }, async (request, reply) => {
      const document = await issuers.didDocument(request.params.issuerId);
      if (!document) throw new NotFound('DID document');
      return reply.header('cache-control', 'public, max-age=300').type('application/did+json').send(document);
    });

    app.get('/.well-known/did.json', {
      schema: { tags: ['public'], summary: "This host's did:web DID document (the first organisation's default issuer)", response: { 200: Type.Unknown(), ...errors(404) } },
    }, async (_request, reply) => {
      const document = await issuers.hostDidDocument();
      if (!document) throw new NotFound('DID document');
      return reply.header('cache-control', 'public, max-age=300').type('application/did+json').send(document);
    });

    app.get('/issuers/:issuerId', {
      schema: { tags: ['public'], summary: 'An issuer profile (OB 3.0 Profile)', params: Type.Object({ issuerId: Id }), response: { 200: Type.Unknown(), ...errors(404) } },
    }, async (request, reply) => {
      const row = await issuers.findRow(request.params.issuerId);
      if (!row) throw new NotFound('issuer');
      return reply.header('cache-control', 'public, max-age=300').send({
        '@context': ['https://www.w3.org/ns/credentials/v2', 'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json'],
        ...issuers.profile(row),
      });
    });

    app.get(EU_CONTEXT_PATH, {
      schema: {
        tags: ['public'],
        summary: "microcred's JSON-LD context for the EU micro-credential elements",
        description: 'The exact bytes every microcred release bundles: credentials pin them with a relatedResource digestSRI (sha384), so the body is served as stored, never re-serialised.',
        response: { 200: Type.Unknown() },
      },
    }, async (_request, reply) => reply
      .header('cache-control', 'public, max-age=86400')
      .header('access-control-allow-origin', '*')
      .type('application/ld+json')
      .send(Buffer.from(EU_CONTEXT_BYTES)));

    const schema = JSON.stringify(euExtensionSchema(euSchemaUrl(options.publicUrl)), null, 2);
    app.get(EU_SCHEMA_PATH, {
      schema: {
        tags: ['public'],
        summary: "JSON Schema of microcred's EU micro-credential extension",
        description: 'Named by EU micro-credentials in credentialSchema (type 1EdTechJsonSchemaValidator2019) beside the official OB 3.0 AchievementCredential schema; JSON Schema 2019-09, $id at this instance.',
        response: { 200: Type.Unknown() },
      },
    }, async (_request, reply) => reply
      .header('cache-control', 'public, max-age=86400')
      .header('access-control-allow-origin', '*')
      .type('application/schema+json')
      .send(schema));
  };
}
