import { parse as parseQuery } from 'node:querystring';
import fastifyMultipart from '@fastify/multipart';
import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { InvalidInput } from '../../services/errors.ts';
import type { Services } from '../../services/index.ts';
import { MAX_RESPONSE_BYTES, Openid4vpError, REQUEST_PATH, RESPONSE_PATH } from '../../services/openid4vp/index.ts';
import { MAX_VERIFY_BYTES } from '../../services/verifier.ts';
import { errors } from '../contract/common.ts';
import {
  PresentationHandleParams, PresentationIdParams, PresentationRequestBodySchema, PresentationRequestCreatedSchema, PresentationRequestStateSchema,
  RecognitionPresentationBodySchema, VerifyAnswerSchema, VerifyBodySchema,
} from '../contract/verifier.ts';

/** RFC 6749 §5.2 / OpenID4VP 1.0 §8.2: what the response endpoint answers a wallet it refuses. */
const OAuthErrorSchema = Type.Object({ error: Type.String(), error_description: Type.Optional(Type.String()) });

/** The public verifier's API: anyone (no sign-in), rate-limited per address with the VC-API verify routes. */
export function verifierRoutes(services: Services): FastifyPluginAsyncTypebox {
  const { verifier, presentations } = services;
  return async (app) => {
    // OpenID4VP 1.0: the wallet's side (request object by reference, direct_post answer) in a scope of its own,
    // so the form parser serves only the response endpoint.
    const walletSide: FastifyPluginAsyncTypebox = async (wallets) => {
      wallets.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: MAX_RESPONSE_BYTES }, (_request, body, done) => {
        done(null, parseQuery(body as string));
      });

      wallets.get(`${REQUEST_PATH}/:id`, {
        schema: {
          tags: ['verify'], summary: 'OpenID4VP 1.0 request object (by reference): an unsigned JWT, client identifier prefix redirect_uri',
          params: PresentationIdParams, response: { 200: Type.String({ description: 'application/oauth-authz-req+jwt' }), 404: OAuthErrorSchema },
        },
      }, async (request, reply) => {
        const jwt = await presentations.requestObject(request.params.id);
        void reply.header('cache-control', 'no-store');
        if (jwt === undefined) return reply.code(404).send({ error: 'invalid_request_uri', error_description: 'There is no pending presentation request at this address (unknown, answered or expired).' });
        return reply.type('application/oauth-authz-req+jwt').send(jwt);
      });

      wallets.post(`${RESPONSE_PATH}/:id`, {
        bodyLimit: MAX_RESPONSE_BYTES,
        schema: {
          tags: ['verify'], summary: 'OpenID4VP 1.0 response endpoint (response_mode direct_post): the wallet posts its vp_token (or an error) here, once',
          consumes: ['application/x-www-form-urlencoded'],
          params: PresentationIdParams,
          body: Type.Object({
            vp_token: Type.Optional(Type.Unknown({ description: 'JSON object: DCQL credential query id → presentations (ldp_vp objects or jwt_vp_json strings)' })),
            state: Type.Optional(Type.String()),
            error: Type.Optional(Type.String()),
            error_description: Type.Optional(Type.String()),
          }, { additionalProperties: true }),
          response: { 200: Type.Object({}), 400: OAuthErrorSchema, 429: OAuthErrorSchema },
        },
      }, async (request, reply) => {
        void reply.header('cache-control', 'no-store');
        try {
          return await presentations.respond(request.params.id, request.body as Record<string, unknown>);
        } catch (error) {
          if (error instanceof Openid4vpError) return reply.code(error.status as 400).send({ error: error.error, error_description: error.message });
          throw error;
        }
      });
    };
    await app.register(walletSide);

    app.post('/api/v1/verifier/presentation-requests', {
      schema: {
        tags: ['verify'],
        summary: 'Ask a wallet for an Open Badge over OpenID4VP 1.0 (DCQL, ldp_vc or jwt_vc_json, optionally one issuer or achievement): answers the openid4vp:// link, its QR code and the handle to poll',
        body: PresentationRequestBodySchema,
        response: { 201: PresentationRequestCreatedSchema, ...errors(400, 429) },
      },
    }, async (request, reply) => reply.code(201).send(await presentations.createForVerifier(request.body)));

    app.get('/api/v1/verifier/presentation-requests/:handle', {
      schema: {
        tags: ['verify'],
        summary: 'A presentation request by its secret handle: pending, expired, declined by the wallet, or answered with the verdict and every check',
        params: PresentationHandleParams, response: { 200: PresentationRequestStateSchema, ...errors(404) },
      },
    }, async (request, reply) => {
      void reply.header('cache-control', 'no-store');
      return await presentations.state(request.params.handle);
    });

    app.post('/api/v1/wallet/recognition/presentation-requests', {
      schema: {
        tags: ['recognition'],
        summary: "Apply to a programme from your own wallet app: asks it over OpenID4VP for the credentials the programme's agreements name; the answer becomes a recognition request",
        body: RecognitionPresentationBodySchema,
        response: { 201: PresentationRequestCreatedSchema, ...errors(400, 401, 403, 404) },
      },
    }, async (request, reply) => reply.code(201).send(await presentations.createForRecognition(request.actor, request.body)));

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
