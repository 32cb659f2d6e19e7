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
