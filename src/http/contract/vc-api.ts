import { Type, type Static } from '@sinclair/typebox';

/** Proof formats the VC-API issues (src/services/vc-api.ts VC_API_FORMATS; test/meta/contract.test.ts keeps them equal). */
export const VC_API_FORMAT_NAMES = ['eddsa-rdfc-2022', 'eddsa-jcs-2022', 'vc-jwt'] as const;

export const VcApiCheckSchema = Type.Object({
  check: Type.String(),
  outcome: Type.Union([Type.Literal('passed'), Type.Literal('failed'), Type.Literal('warning'), Type.Literal('skipped')]),
  message: Type.String(),
  details: Type.Optional(Type.Unknown()),
});
export const VcApiProblemDetailSchema = Type.Object({
  type: Type.String({ description: 'The problem type the standards name (e.g. https://w3id.org/security#PROOF_VERIFICATION_ERROR, https://www.w3.org/TR/vc-data-model#MALFORMED_VALUE_ERROR, https://www.w3.org/ns/credentials/status-list#STATUS_RETRIEVAL_ERROR), else https://w3id.org/microcred/checks/<check>' }),
  title: Type.String({ description: "microcred's check name (proof, status, structure…)" }),
  detail: Type.String(),
});
export const VerificationSchema = Type.Object({
  verified: Type.Boolean(),
  checks: Type.Array(VcApiCheckSchema),
  warnings: Type.Array(VcApiProblemDetailSchema),
  errors: Type.Array(VcApiProblemDetailSchema),
}, { description: 'Every check made; failed ones are also listed in errors, doubtful ones in warnings' });
// A 400 is a verification that failed, or a request that is not one at all (problem+json).
export const VerificationOrProblemSchema = Type.Unknown({ description: 'A verification that failed (same shape as 200), or a problem+json for a malformed request' });
/** VC-API options objects carry members for other implementations; the ones microcred reads are typed. */
export const VcApiOptions = { additionalProperties: true } as const;

export const VcApiIssueBodySchema = Type.Object({
  credential: Type.Object({}, { additionalProperties: true, description: "An unsigned VC 1.1 or 2.0 credential, signed as given: issuer, id and issue date are filled in when absent; status entries only when options.credentialStatus asks. A credentialStatus the credential brings must be a BitstringStatusListEntry pointing at a free position of one of this issuer's lists on this instance (statusListIndex a non-negative integer string, purpose matching the list's)" }),
  options: Type.Optional(Type.Object({
    credentialStatus: Type.Optional(Type.Union([
      Type.Object({
        type: Type.String({ description: 'BitstringStatusListEntry' }),
        statusPurpose: Type.Optional(Type.Union([Type.String(), Type.Array(Type.String(), { minItems: 1, maxItems: 4 })], { description: 'revocation (default), suspension or message, or a list of them: one entry each' })),
        statusSize: Type.Optional(Type.Integer({ minimum: 1, maximum: 8, description: 'message entries: bits per entry (Bitstring Status List §2.1), default 1' })),
        statusMessage: Type.Optional(Type.Array(Type.Object({ status: Type.String({ pattern: '^0x[0-9a-fA-F]+$' }), message: Type.String({ maxLength: 1000 }) }, { additionalProperties: true }), { maxItems: 256, description: 'message entries: one {status: "0x…", message} per value, 2^statusSize of them (required above 1 bit)' })),
        statusReference: Type.Optional(Type.Union([Type.String({ maxLength: 2048 }), Type.Array(Type.String({ maxLength: 2048 }), { minItems: 1, maxItems: 16 })], { description: 'message entries: where the issuer explains its statuses' })),
      }, VcApiOptions),
      Type.Literal(false),
    ], { description: 'VC-API: the status to add. Absent or false: the credential is signed without status' })),
    format: Type.Optional(Type.Union(VC_API_FORMAT_NAMES.map((format) => Type.Literal(format)), { description: 'microcred: Data Integrity (default eddsa-rdfc-2022) or vc-jwt (answered as an EnvelopedVerifiableCredential)' })),
  }, VcApiOptions)),
}, { additionalProperties: false });
export const VcApiIssueResultSchema = Type.Object({ verifiableCredential: Type.Unknown() });
export const VcApiVerifyBodySchema = Type.Object({
  verifiableCredential: Type.Union([Type.Object({}, { additionalProperties: true }), Type.String()]),
  options: Type.Optional(Type.Object({}, VcApiOptions)),
}, { additionalProperties: false });
export const VcApiPresentationVerifyBodySchema = Type.Object({
  verifiablePresentation: Type.Object({}, { additionalProperties: true }),
  options: Type.Optional(Type.Object({
    challenge: Type.Optional(Type.String({ minLength: 1, maxLength: 1024 })),
    domain: Type.Optional(Type.String({ minLength: 1, maxLength: 1024 })),
  }, VcApiOptions)),
}, { additionalProperties: false });
export const VcApiStatusBodySchema = Type.Object({
  credentialId: Type.String({ minLength: 1, maxLength: 2048 }),
  credentialStatus: Type.Object({
    type: Type.Literal('BitstringStatusListEntry'),
    statusPurpose: Type.Union([Type.Literal('revocation'), Type.Literal('suspension'), Type.Literal('message')]),
  }, { additionalProperties: false }),
  status: Type.Union([Type.Boolean(), Type.Integer({ minimum: 0, maximum: 255 })], { description: 'revocation, suspension: true or false; message: the value to hold, 0 … 2^statusSize − 1' }),
}, { additionalProperties: false });
export const VcApiStatusResultSchema = Type.Object({
  credentialId: Type.String(),
  status: Type.Union([Type.Literal('active'), Type.Literal('revoked'), Type.Literal('suspended')]),
  message: Type.Optional(Type.Integer({ description: 'after a message change: the value the credential\'s message entry now holds' })),
});

export type Verification = Static<typeof VerificationSchema>;
export type VcApiIssueBody = Static<typeof VcApiIssueBodySchema>;
export type VcApiStatusBody = Static<typeof VcApiStatusBodySchema>;
export type VcApiStatusResult = Static<typeof VcApiStatusResultSchema>;
