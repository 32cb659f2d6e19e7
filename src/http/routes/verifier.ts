import fastifyMultipart from '@fastify/multipart';
import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { InvalidInput } from '../../services/errors.ts';
import type { Services } from '../../services/index.ts';
import { MAX_VERIFY_BYTES } from '../../services/verifier.ts';
import { errors } from '../schemas.ts';

const Outcome = Type.Union([Type.Literal('passed'), Type.Literal('failed'), Type.Literal('warning'), Type.Literal('skipped')]);
const Check = Type.Object({ id: Type.String({ description: 'Stable name: structure, proof, issuer-key, status, validity, recipient…' }), outcome: Outcome, message: Type.String() });
const Worth = Type.Object({
  ects: Type.Optional(Type.Number({ description: 'ECTS credits of the achievement (or earned, when only that is stated)' })),
  creditsEarned: Type.Optional(Type.Number()),
  eqfLevel: Type.Optional(Type.Integer({ minimum: 1, maximum: 8 })),
  level: Type.Optional(Type.String({ description: 'A level that is not an EQF number, as written' })),
  grade: Type.Optional(Type.String()),
  outcomes: Type.Array(Type.String(), { description: 'Learning outcomes' }),
  skills: Type.Array(Type.String()),
});
const Party = Type.Object({ id: Type.Optional(Type.String()), name: Type.Optional(Type.String()), url: Type.Optional(Type.String()) });
const Member = Type.Object({
  name: Type.String(),
  verified: Type.Optional(Type.Boolean()),
  authentic: Type.Optional(Type.Boolean()),
  summary: Type.Optional(Type.String()),
  issuer: Party,
  achievement: Type.Optional(Type.Object({ name: Type.String() })),
  checks: Type.Optional(Type.Array(Check)),
  worth: Worth,
});
const Answer = Type.Object({
  verified: Type.Boolean(),
  authentic: Type.Boolean({ description: 'The signature holds and the key is the issuer’s: the values are the issuer’s. When false they are only what the file claims' }),
  summary: Type.String({ description: 'The outcome in one sentence' }),
  standard: Type.String({ description: 'Open Badges 3.0, Open Badges 2.0, CLR 2.0, Verifiable Credential or Verifiable Presentation' }),
  format: Type.String({ description: 'ldp (Data Integrity), jwt, ob2 or vp' }),
  container: Type.String({ description: 'json, jwt, png or svg' }),
  name: Type.String(),
  issuer: Party,
  achievement: Type.Optional(Type.Object({
    name: Type.String(),
    description: Type.Optional(Type.String()),
    type: Type.Optional(Type.String()),
    image: Type.Optional(Type.String()),
    criteria: Type.Optional(Type.String()),
    fieldOfStudy: Type.Optional(Type.String()),
    humanCode: Type.Optional(Type.String()),
  })),
  issuedAt: Type.Optional(Type.String()),
  validUntil: Type.Optional(Type.String()),
  recipient: Type.Object({
    outcome: Type.Union([Type.Literal('match'), Type.Literal('no-match'), Type.Literal('not-checked')]),
    message: Type.String(),
    name: Type.Optional(Type.String()),
  }),
  checks: Type.Array(Check),
  worth: Worth,
  credentials: Type.Optional(Type.Array(Member, { description: 'For a presentation or a CLR: each credential it holds' })),
  credential: Type.Optional(Type.Unknown({ description: 'The credential as read (decoded from a JWT or an image)' })),
});

const Body = Type.Object({
  credential: Type.Optional(Type.Union([Type.Object({}, { additionalProperties: true }), Type.String({ maxLength: MAX_VERIFY_BYTES })], { description: 'The credential as JSON, or as text (JSON or a VC-JWT)' })),
  text: Type.Optional(Type.String({ maxLength: MAX_VERIFY_BYTES, description: 'Pasted text: JSON or a VC-JWT' })),
  url: Type.Optional(Type.String({ maxLength: 2048, description: 'Where the credential is published (http or https), or a microcred share page' })),
  file: Type.Optional(Type.Unknown({ description: 'multipart/form-data only: the file (JSON, VC-JWT, baked PNG or SVG)' })),
  recipientEmail: Type.Optional(Type.String({ maxLength: 320, description: 'Compared with the credential’s (hashed) recipient identity' })),
  challenge: Type.Optional(Type.String({ maxLength: 1024, description: 'For a presentation: the challenge you gave the holder' })),
  domain: Type.Optional(Type.String({ maxLength: 1024 })),
}, { additionalProperties: false });

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
        body: Body,
        response: { 200: Answer, ...errors(400, 413, 429) },
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
