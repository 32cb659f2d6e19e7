import { Type, type Static } from '@sinclair/typebox';
import { Id, Nullable } from './common.ts';

export const UserEmailSchema = Type.Object({
  id: Type.String(), email: Type.String(), verified: Type.Boolean(), verifiedAt: Nullable(Type.String()),
  primary: Type.Boolean({ description: 'The sign-in address (cannot be removed)' }), verificationSentAt: Nullable(Type.String()), createdAt: Type.String(),
});
export const LearnerKeySchema = Type.Object({
  did: Type.String({ description: 'did:key (Ed25519) kept by microcred' }),
  verificationMethod: Type.String({ description: 'DID URL presentations are signed with' }), createdAt: Type.String(),
});
export const LearnerKeyOrNoneSchema = Type.Union([LearnerKeySchema, Type.Object({ did: Type.Null(), verificationMethod: Type.Null(), createdAt: Type.Null() })]);
/** One e-mail of an outbox (the instance's, or an organisation's). */
export const OutboxMessageSchema = Type.Object({
  id: Type.String(), to: Type.String(), subject: Type.String(), text: Type.String(), html: Nullable(Type.String()),
  createdAt: Type.String(), sentAt: Nullable(Type.String()), error: Nullable(Type.String()),
});
export const OutboxQuery = Type.Object({ limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 })), before: Type.Optional(Type.String({ maxLength: 40 })) }, { additionalProperties: false });
export const EmailParams = Type.Object({ emailId: Id });
export const SignupBodySchema = Type.Object({
  email: Type.String({ maxLength: 320 }), password: Type.String({ maxLength: 256 }), name: Type.Optional(Type.String({ maxLength: 200 })),
}, { additionalProperties: false });
export const SignupResultSchema = Type.Object({ email: Type.String({ description: 'The address, in the form microcred keeps it' }), message: Type.String() });
export const ConfirmEmailBodySchema = Type.Object({ token: Type.String({ minLength: 1, maxLength: 200 }) }, { additionalProperties: false });
export const ConfirmEmailResultSchema = Type.Object({ email: Type.String() });
export const EmailAddSchema = Type.Object({ email: Type.String({ maxLength: 320 }) }, { additionalProperties: false });
export const AccountDeleteSchema = Type.Object({ password: Type.String({ maxLength: 256 }) }, { additionalProperties: false });

export type UserEmail = Static<typeof UserEmailSchema>;
export type LearnerKey = Static<typeof LearnerKeySchema>;
export type LearnerKeyOrNone = Static<typeof LearnerKeyOrNoneSchema>;
export type OutboxMessage = Static<typeof OutboxMessageSchema>;
export type SignupBody = Static<typeof SignupBodySchema>;
export type SignupResult = Static<typeof SignupResultSchema>;
export type ConfirmEmailBody = Static<typeof ConfirmEmailBodySchema>;
export type ConfirmEmailResult = Static<typeof ConfirmEmailResultSchema>;
export type EmailAdd = Static<typeof EmailAddSchema>;
export type AccountDelete = Static<typeof AccountDeleteSchema>;
