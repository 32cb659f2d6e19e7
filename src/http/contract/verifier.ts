import { Type, type Static } from '@sinclair/typebox';

/** Largest credential the verifier reads (src/services/verifier.ts MAX_VERIFY_BYTES; test/meta/contract.test.ts keeps them equal). */
export const VERIFY_MAX_BYTES = 2 * 1024 * 1024;
const MAX_VERIFY_BYTES = VERIFY_MAX_BYTES;

export const CheckOutcomeSchema = Type.Union([Type.Literal('passed'), Type.Literal('failed'), Type.Literal('warning'), Type.Literal('skipped')]);
export const VerifyCheckSchema = Type.Object({ id: Type.String({ description: 'Stable name: structure, proof, issuer-key, status, validity, recipient…' }), outcome: CheckOutcomeSchema, message: Type.String() });
export const WorthSchema = Type.Object({
  ects: Type.Optional(Type.Number({ description: 'ECTS credits of the achievement (or earned, when only that is stated)' })),
  creditsEarned: Type.Optional(Type.Number()),
  eqfLevel: Type.Optional(Type.Integer({ minimum: 1, maximum: 8 })),
  level: Type.Optional(Type.String({ description: 'A level that is not an EQF number, as written' })),
  grade: Type.Optional(Type.String()),
  outcomes: Type.Array(Type.String(), { description: 'Learning outcomes' }),
  skills: Type.Array(Type.String()),
});
export const PartySchema = Type.Object({ id: Type.Optional(Type.String()), name: Type.Optional(Type.String()), url: Type.Optional(Type.String()) });
export const VerifiedMemberSchema = Type.Object({
  name: Type.String(),
  verified: Type.Optional(Type.Boolean()),
  authentic: Type.Optional(Type.Boolean()),
  summary: Type.Optional(Type.String()),
  issuer: PartySchema,
  achievement: Type.Optional(Type.Object({ name: Type.String() })),
  checks: Type.Optional(Type.Array(VerifyCheckSchema)),
  worth: WorthSchema,
});
export const VerifyAnswerSchema = Type.Object({
  verified: Type.Boolean(),
  authentic: Type.Boolean({ description: 'The signature holds and the key is the issuer’s: the values are the issuer’s. When false they are only what the file claims' }),
  summary: Type.String({ description: 'The outcome in one sentence' }),
  standard: Type.String({ description: 'Open Badges 3.0, Open Badges 2.0, CLR 2.0, Verifiable Credential or Verifiable Presentation' }),
  format: Type.String({ description: 'ldp (Data Integrity), jwt, ob2 or vp' }),
  container: Type.String({ description: 'json, jwt, png or svg' }),
  name: Type.String(),
  issuer: PartySchema,
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
  checks: Type.Array(VerifyCheckSchema),
  worth: WorthSchema,
  credentials: Type.Optional(Type.Array(VerifiedMemberSchema, { description: 'For a presentation or a CLR: each credential it holds' })),
  credential: Type.Optional(Type.Unknown({ description: 'The credential as read (decoded from a JWT or an image)' })),
});

export const VerifyBodySchema = Type.Object({
  credential: Type.Optional(Type.Union([Type.Object({}, { additionalProperties: true }), Type.String({ maxLength: MAX_VERIFY_BYTES })], { description: 'The credential as JSON, or as text (JSON or a VC-JWT)' })),
  text: Type.Optional(Type.String({ maxLength: MAX_VERIFY_BYTES, description: 'Pasted text: JSON or a VC-JWT' })),
  url: Type.Optional(Type.String({ maxLength: 2048, description: 'Where the credential is published (http or https), or a microcred share page' })),
  file: Type.Optional(Type.Unknown({ description: 'multipart/form-data only: the file (JSON, VC-JWT, baked PNG or SVG)' })),
  recipientEmail: Type.Optional(Type.String({ maxLength: 320, description: 'Compared with the credential’s (hashed) recipient identity' })),
  challenge: Type.Optional(Type.String({ maxLength: 1024, description: 'For a presentation: the challenge you gave the holder' })),
  domain: Type.Optional(Type.String({ maxLength: 1024 })),
}, { additionalProperties: false });

export type CheckOutcome = Static<typeof CheckOutcomeSchema>;
export type VerifyCheck = Static<typeof VerifyCheckSchema>;
export type Worth = Static<typeof WorthSchema>;
export type VerifiedMember = Static<typeof VerifiedMemberSchema>;
export type VerifyAnswer = Static<typeof VerifyAnswerSchema>;
export type VerifyBody = Static<typeof VerifyBodySchema>;

// OpenID4VP 1.0 (issue 12 §2): presentation requests a wallet answers.
export const PresentationRequestBodySchema = Type.Object({
  issuerId: Type.Optional(Type.String({ minLength: 1, maxLength: 2048, description: 'Ask only for a credential of this issuer (its id: a DID or URL)' })),
  achievementId: Type.Optional(Type.String({ minLength: 1, maxLength: 2048, description: 'Ask only for a credential of this achievement (its id)' })),
}, { additionalProperties: false });
export const RecognitionPresentationBodySchema = Type.Object({
  programmeId: Type.String({ minLength: 1, maxLength: 100, description: 'The programme applied to: the wallet is asked for the credentials its agreements name' }),
}, { additionalProperties: false });
export const PresentationRequestCreatedSchema = Type.Object({
  id: Type.String({ description: 'Public id, part of the request_uri and response_uri' }),
  handle: Type.String({ description: 'Secret: poll GET /api/v1/verifier/presentation-requests/{handle} with it' }),
  link: Type.String({ description: 'openid4vp://?client_id=…&request_uri=… (what the QR code holds)' }),
  qr: Type.String({ description: 'The QR code of the link, as SVG' }),
  requestUri: Type.String(),
  clientId: Type.String({ description: 'redirect_uri:<response_uri> (OpenID4VP 1.0 §5.9.3)' }),
  expiresAt: Type.String({ format: 'date-time' }),
  dcqlQuery: Type.Unknown({ description: 'The DCQL query the wallet is asked to satisfy' }),
});
export const PresentationRequestStateSchema = Type.Object({
  status: Type.Union([Type.Literal('pending'), Type.Literal('answered'), Type.Literal('declined'), Type.Literal('expired')]),
  expiresAt: Type.String({ format: 'date-time' }),
  refused: Type.Integer({ description: 'Answers refused so far (wrong nonce or audience, bad holder signature, replay)' }),
  lastRefusal: Type.Optional(Type.String()),
  answer: Type.Optional(VerifyAnswerSchema),
  declined: Type.Optional(Type.Object({ error: Type.String(), description: Type.Optional(Type.String()) })),
  recognitionRequestId: Type.Optional(Type.String()),
  recognitionProblem: Type.Optional(Type.String()),
});
export const PresentationHandleParams = Type.Object({ handle: Type.String({ maxLength: 64 }) });
export const PresentationIdParams = Type.Object({ id: Type.String({ maxLength: 64 }) });

export type PresentationRequestBody = Static<typeof PresentationRequestBodySchema>;
export type PresentationRequestCreated = Static<typeof PresentationRequestCreatedSchema>;
export type PresentationRequestState = Static<typeof PresentationRequestStateSchema>;
