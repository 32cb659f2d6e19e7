import fastifyMultipart from '@fastify/multipart';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { InvalidInput } from '../../services/errors.ts';
import type { Services } from '../../services/index.ts';
import { MAX_VERIFY_BYTES } from '../../services/verifier.ts';
import { errors } from '../contract/common.ts';
import { VerifyAnswerSchema, VerifyBodySchema } from '../contract/verifier.ts';

/** The public verifier's API: anyone (no sign-in), rate-limited per address with the VC-API verify routes. */
export function verifierRoutes(services: Services): FastifyPluginAsyncTypebox {
  const { verifier } = services;
  return async (app) => {
    // Fields and the one file become the body, so one schema checks JSON and multipart requests alike.
    await app.register(fastifyMultipart, {
      attachFieldsToBody: 'keyValues',
      limits: { fileSize: MAX_VERIFY_BYTES, files: 1, fields: 10, fieldSize: MAX_VERIFY_BYTES, parts: 11 },
      async onFile(part) {
        (part as unknown as { value: unknown }).value = await part.toBuffer();
      },
    });

    app.post('/api/v1/verify', {
      bodyLimit: MAX_VERIFY_BYTES + 64 * 1024,
      schema: {
        tags: ['verify'],
        summary: 'Verify any credential (JSON, VC-JWT, baked PNG or SVG, OB 2.0, CLR, presentation) given as a file, JSON, text or URL, and explain each check in words',
        consumes: ['application/json', 'multipart/form-data'],
        body: VerifyBodySchema,
        response: { 200: VerifyAnswerSchema, ...errors(400, 413, 429) },
      },
    }, async (request) => {
      const { file, ...fields } = request.body;
      // A multipart file arrives as a Buffer; a text file part (text/plain) may arrive as its text.
      const bytes = Buffer.isBuffer(file) ? new Uint8Array(file) : typeof file === 'string' ? new TextEncoder().encode(file) : undefined;
      if (file !== undefined && bytes === undefined) throw new InvalidInput('file must be an uploaded file (multipart/form-data)', [{ pointer: '/file', message: 'must be an uploaded file' }], { status: 400 });
      return await verifier.verify({ ...fields, ...(bytes ? { file: bytes } : {}) });
    });
  };
}
