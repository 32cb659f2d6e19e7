import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Services } from '../../services/index.ts';
import { VC_API_FORMATS } from '../../services/vc-api.ts';
import { errors } from '../schemas.ts';

const Check = Type.Object({
  check: Type.String(),
  outcome: Type.Union([Type.Literal('passed'), Type.Literal('failed'), Type.Literal('warning'), Type.Literal('skipped')]),
  message: Type.String(),
  details: Type.Optional(Type.Unknown()),
});
const ProblemDetail = Type.Object({ type: Type.String(), title: Type.String(), detail: Type.String(), code: Type.Optional(Type.Integer({ description: 'The error code the VC 2.0, Data Integrity or Bitstring Status List specification names (e.g. -17 PROOF_VERIFICATION_ERROR)' })) });
const Verification = Type.Object({
  verified: Type.Boolean(),
  checks: Type.Array(Check),
  warnings: Type.Array(ProblemDetail),
  errors: Type.Array(ProblemDetail),
}, { description: 'Every check made; failed ones are also listed in errors, doubtful ones in warnings' });
// A 400 is a verification that failed, or a request that is not one at all (problem+json).
const VerificationOrProblem = Type.Unknown({ description: 'A verification that failed (same shape as 200), or a problem+json for a malformed request' });
/** VC-API options objects carry members for other implementations; the ones microcred reads are typed. */
const Options = { additionalProperties: true } as const;

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
        body: Type.Object({
          credential: Type.Object({}, { additionalProperties: true, description: 'An unsigned VC 1.1 or 2.0 credential; issuer, id, issue date and status are filled in when absent' }),
          options: Type.Optional(Type.Object({
            credentialStatus: Type.Optional(Type.Union([Type.Object({ type: Type.String() }, Options), Type.Literal(false)])),
            format: Type.Optional(Type.Union(VC_API_FORMATS.map((format) => Type.Literal(format)), { description: 'microcred: Data Integrity (default eddsa-rdfc-2022) or vc-jwt (answered as an EnvelopedVerifiableCredential)' })),
          }, Options)),
        }, { additionalProperties: false }),
        response: { 201: Type.Object({ verifiableCredential: Type.Unknown() }), ...errors(400, 401, 403, 404, 409) },
      },
    }, async (request, reply) => {
      const { verifiableCredential } = await vcApi.issue(request.actor, request.body.credential, request.body.options ?? {});
      return reply.code(201).send({ verifiableCredential });
    });

    app.post('/credentials/verify', {
      schema: {
        tags: ['vc-api'], summary: 'Verify a credential (JSON or VC-JWT): 200 when verified, 400 otherwise',
        body: Type.Object({
          verifiableCredential: Type.Union([Type.Object({}, { additionalProperties: true }), Type.String()]),
          options: Type.Optional(Type.Object({}, Options)),
        }, { additionalProperties: false }),
        response: { 200: Verification, 400: VerificationOrProblem, ...errors(401, 413) },
      },
    }, async (request, reply) => {
      const result = await vcApi.verify(request.body.verifiableCredential);
      return reply.code(result.verified ? 200 : 400).send(result);
    });

    app.post('/presentations/verify', {
      schema: {
        tags: ['vc-api'], summary: 'Verify a presentation, signed (authentication, challenge, domain) or not, and every credential in it',
        body: Type.Object({
          verifiablePresentation: Type.Object({}, { additionalProperties: true }),
          options: Type.Optional(Type.Object({
            challenge: Type.Optional(Type.String({ minLength: 1, maxLength: 1024 })),
            domain: Type.Optional(Type.String({ minLength: 1, maxLength: 1024 })),
          }, Options)),
        }, { additionalProperties: false }),
        response: { 200: Verification, 400: VerificationOrProblem, ...errors(401, 413) },
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
        tags: ['vc-api'], summary: 'Revoke, suspend or reinstate a credential by its id', security: [{ apiKey: [] }],
        body: Type.Object({
          credentialId: Type.String({ minLength: 1, maxLength: 2048 }),
          credentialStatus: Type.Object({
            type: Type.Literal('BitstringStatusListEntry'),
            statusPurpose: Type.Union([Type.Literal('revocation'), Type.Literal('suspension')]),
          }, { additionalProperties: false }),
          status: Type.Boolean(),
        }, { additionalProperties: false }),
        response: {
          200: Type.Object({ credentialId: Type.String(), status: Type.Union([Type.Literal('active'), Type.Literal('revoked'), Type.Literal('suspended')]) }),
          ...errors(400, 401, 403, 404, 409),
        },
      },
    }, (request) => vcApi.updateStatus(request.actor, request.body));
  };
}
