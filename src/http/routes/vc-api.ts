import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Services } from '../../services/index.ts';
import { errors } from '../contract/common.ts';
import {
  VcApiIssueBodySchema, VcApiIssueResultSchema, VcApiPresentationVerifyBodySchema, VcApiStatusBodySchema, VcApiStatusResultSchema, VcApiVerifyBodySchema,
  VerificationOrProblemSchema, VerificationSchema,
} from '../contract/vc-api.ts';

/**
 * VC-API (VCALM) endpoints: issue with an API key (scope issue), verify for anyone, change status
 * with an API key (scope status). Verification answers exactly 200 when verified and 400 otherwise.
 */
export function vcApiRoutes(services: Services): FastifyPluginAsyncTypebox {
  const { vcApi } = services;
  return async (app) => {
    app.post('/credentials/issue', {
      schema: {
        tags: ['vc-api'], summary: 'Issue a credential (any VC 1.1 or 2.0) with one of the organisation’s issuers', security: [{ apiKey: [] }],
        body: VcApiIssueBodySchema,
        response: { 201: VcApiIssueResultSchema, ...errors(400, 401, 403, 404, 409) },
      },
    }, async (request, reply) => {
      const { verifiableCredential } = await vcApi.issue(request.actor, request.body.credential, request.body.options ?? {});
      return reply.code(201).send({ verifiableCredential });
    });

    app.post('/credentials/verify', {
      schema: {
        tags: ['vc-api'], summary: 'Verify a credential (JSON or VC-JWT): 200 when verified, 400 otherwise',
        body: VcApiVerifyBodySchema,
        response: { 200: VerificationSchema, 400: VerificationOrProblemSchema, ...errors(401, 413) },
      },
    }, async (request, reply) => {
      const result = await vcApi.verify(request.body.verifiableCredential);
      return reply.code(result.verified ? 200 : 400).send(result);
    });

    app.post('/presentations/verify', {
      schema: {
        tags: ['vc-api'], summary: 'Verify a presentation, signed (authentication, challenge, domain) or not, and every credential in it',
        body: VcApiPresentationVerifyBodySchema,
        response: { 200: VerificationSchema, 400: VerificationOrProblemSchema, ...errors(401, 413) },
      },
    }, async (request, reply) => {
      const { challenge, domain } = request.body.options ?? {};
      const result = await vcApi.verifyPresentation(request.body.verifiablePresentation, {
        ...(challenge !== undefined ? { challenge } : {}),
        ...(domain !== undefined ? { domain } : {}),
      });
      return reply.code(result.verified ? 200 : 400).send(result);
    });

    app.post('/credentials/status', {
      schema: {
        tags: ['vc-api'], summary: 'Revoke, suspend or reinstate a credential by its id, or set the value of its message status', security: [{ apiKey: [] }],
        body: VcApiStatusBodySchema,
        response: {
          200: VcApiStatusResultSchema,
          ...errors(400, 401, 403, 404, 409),
        },
      },
    }, (request) => vcApi.updateStatus(request.actor, request.body));
  };
}
