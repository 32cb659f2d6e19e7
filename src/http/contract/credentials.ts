import { Type, type Static } from '@sinclair/typebox';
import { Id, Nullable, RefTo } from './common.ts';

export const CredentialStatusSchema = Type.Union([Type.Literal('active'), Type.Literal('revoked'), Type.Literal('suspended'), Type.Literal('expired')]);

export const IssuedCredentialSchema = Type.Object({
  id: Type.String(),
  credentialId: Type.String({ description: 'The credential URL (its `id`)' }),
  organisationId: Type.String(),
  issuerId: Type.String(),
  achievementId: Nullable(Type.String()),
  achievementVersion: Nullable(Type.Integer()),
  achievementName: Nullable(Type.String()),
  recipient: Type.Object({ email: Type.Optional(Type.String()), did: Type.Optional(Type.String()), name: Type.Optional(Type.String()) }),
  status: CredentialStatusSchema,
  statusReason: Type.Optional(Type.String()),
  suspendable: Type.Boolean({ description: 'Whether it carries a suspension status entry and so can be suspended (its achievement enabled suspension when it was issued)' }),
  issuedAt: Type.String(),
  validFrom: Type.Optional(Type.String()),
  validUntil: Type.Optional(Type.String()),
  claimedAt: Type.Optional(Type.String()),
  renewedFrom: Type.Optional(Type.String()),
  bulkJobId: Type.Optional(Type.String()),
  document: Type.Optional(Type.Unknown({ description: 'The signed credential as issued' })),
}, { $id: 'IssuedCredential' });

export const IssuedCredentialRef = RefTo(IssuedCredentialSchema);

export const IssueBodySchema = Type.Object({
  achievementId: Id,
  recipient: Type.Object({
    email: Type.Optional(Type.String({ maxLength: 320 })),
    did: Type.Optional(Type.String({ maxLength: 2000 })),
    name: Type.Optional(Type.String({ maxLength: 200 })),
  }, { additionalProperties: false }),
  result: Type.Optional(Type.Object({
    grade: Type.Optional(Type.String({ maxLength: 100 })),
    creditsEarned: Type.Optional(Type.Number({ minimum: 0 })),
    description: Type.Optional(Type.String({ maxLength: 2000 })),
  }, { additionalProperties: false })),
  evidence: Type.Optional(Type.Array(Type.Object({
    id: Type.Optional(Type.String({ maxLength: 2000 })),
    name: Type.Optional(Type.String({ maxLength: 200 })),
    narrative: Type.Optional(Type.String({ maxLength: 5000 })),
  }, { additionalProperties: false }), { maxItems: 20 })),
  validFrom: Type.Optional(Type.String({ maxLength: 40, description: 'ISO 8601 date-time; default now' })),
  validUntil: Type.Optional(Type.String({ maxLength: 40, description: "ISO 8601 date-time; default validFrom + the achievement's validity period" })),
}, { additionalProperties: false });

export const CredentialListQuery = Type.Object({
  q: Type.Optional(Type.String({ maxLength: 200 })),
  status: Type.Optional(CredentialStatusSchema),
  achievementId: Type.Optional(Id),
  issuedFrom: Type.Optional(Type.String({ maxLength: 40 })),
  issuedTo: Type.Optional(Type.String({ maxLength: 40 })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200 })),
  cursor: Type.Optional(Type.String({ maxLength: 500 })),
}, { additionalProperties: false });

export const CredentialParams = Type.Object({ id: Id });
export const SuspendBodySchema = Type.Object({ reason: Type.Optional(Type.String({ maxLength: 500 })) }, { additionalProperties: false });
export const RevokeBodySchema = Type.Object({ reason: Type.String({ minLength: 1, maxLength: 500 }) }, { additionalProperties: false });
export const EmptyBodySchema = Type.Object({}, { additionalProperties: false });
export const IdempotencyHeaders = Type.Object({ 'idempotency-key': Type.Optional(Type.String({ minLength: 1, maxLength: 200 })) });
export const CredentialPageSchema = Type.Object({ items: Type.Array(IssuedCredentialRef), nextCursor: Type.Optional(Type.String()) });

export type CredentialStatus = Static<typeof CredentialStatusSchema>;
export type IssuedCredential = Static<typeof IssuedCredentialSchema>;
export type IssueBody = Static<typeof IssueBodySchema>;
export type CredentialListQuery = Static<typeof CredentialListQuery>;
export type CredentialPage = Static<typeof CredentialPageSchema>;
export type RevokeBody = Static<typeof RevokeBodySchema>;
export type SuspendBody = Static<typeof SuspendBodySchema>;

/** The console's credential page (issue 14 §3): where it is on its way to the learner, and every recorded event. */
export const CredentialHistorySchema = Type.Object({
  delivery: Type.Union([Type.Literal('claimed'), Type.Literal('pending'), Type.Literal('offered')], {
    description: 'claimed: the learner took it; pending: a claim link was e-mailed and not used yet; offered: no e-mail (given by DID or a wallet channel)',
  }),
  events: Type.Array(Type.Object({ at: Type.String(), action: Type.String(), by: Type.String(), reason: Type.Union([Type.String(), Type.Null()]) })),
});
export const ClaimResentSchema = Type.Object({ sentTo: Type.String() });
export type CredentialHistory = Static<typeof CredentialHistorySchema>;
