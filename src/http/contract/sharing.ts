import { Type, type Static } from '@sinclair/typebox';
import { Id } from './common.ts';

export const ShareTargetSchema = Type.Union([Type.Literal('credential'), Type.Literal('collection')]);

export const ShareViewSchema = Type.Object({
  id: Id,
  targetType: ShareTargetSchema,
  targetId: Type.String(),
  url: Type.String({ format: 'uri', description: 'The public page: anyone with this link can see the item' }),
  createdAt: Type.String({ format: 'date-time' }),
  expiresAt: Type.Optional(Type.String({ format: 'date-time' })),
  revokedAt: Type.Optional(Type.String({ format: 'date-time' })),
  active: Type.Boolean({ description: 'The link opens the page (not revoked, not expired)' }),
  views: Type.Integer({ description: 'How many times the public page was opened' }),
  linkedIn: Type.Optional(Type.String({ format: 'uri', description: "LinkedIn's add-to-profile link (credential shares)" })),
}, { $id: 'ShareView' });

export const ShareCreateSchema = Type.Object({
  targetType: ShareTargetSchema,
  targetId: Id,
  expiresAt: Type.Optional(Type.String({ format: 'date-time', description: 'When the link stops working (optional)' })),
}, { additionalProperties: false });

/**
 * Not constrained in the schema: a malformed token gets the same 404 as an unknown one (a segment longer
 * than the router's limit, far longer than a token, is refused by the router itself with 414).
 */
export const ShareTokenParams = Type.Object({ token: Type.String() });
export const DownloadKindSchema = Type.Union([Type.Literal('json'), Type.Literal('jwt'), Type.Literal('png'), Type.Literal('svg'), Type.Literal('pdf')]);
export const ShareListQuery = Type.Object({ targetType: Type.Optional(ShareTargetSchema), targetId: Type.Optional(Id) }, { additionalProperties: false });
export const PresentationBodySchema = Type.Object({
  credentialIds: Type.Array(Id, { minItems: 1, maxItems: 100 }),
  challenge: Type.String({ minLength: 1, maxLength: 512, description: 'The one-time value the verifier gave' }),
  domain: Type.Optional(Type.String({ minLength: 1, maxLength: 512, description: "The verifier's domain, when it gave one" })),
}, { additionalProperties: false });

export type ShareTarget = Static<typeof ShareTargetSchema>;
export type Share = Static<typeof ShareViewSchema>;
export type ShareCreate = Static<typeof ShareCreateSchema>;
export type DownloadKind = Static<typeof DownloadKindSchema>;
export type PresentationBody = Static<typeof PresentationBodySchema>;
