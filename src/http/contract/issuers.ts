import { Type, type Static } from '@sinclair/typebox';
import { Nullable } from './common.ts';

export const IssuerSchema = Type.Object({
  id: Type.String(), organisationId: Type.String(), name: Type.String(), url: Nullable(Type.String()), email: Nullable(Type.String()),
  image: Nullable(Type.String()), country: Nullable(Type.String()), description: Nullable(Type.String()), did: Type.String(),
  didMethod: Type.Union([Type.Literal('web'), Type.Literal('key')]), isDefault: Type.Boolean(),
  keys: Type.Array(Type.Object({ id: Type.String(), status: Type.String(), createdAt: Type.String(), retiredAt: Nullable(Type.String()) })),
  createdAt: Type.String(), updatedAt: Type.String(),
}, { $id: 'Issuer' });

const Editable = {
  url: Type.Optional(Nullable(Type.String({ maxLength: 2000 }))),
  email: Type.Optional(Nullable(Type.String({ maxLength: 320 }))),
  image: Type.Optional(Nullable(Type.String({ maxLength: 200_000 }))),
  country: Type.Optional(Nullable(Type.String({ maxLength: 2, description: 'ISO 3166-1 alpha-2' }))),
  description: Type.Optional(Nullable(Type.String({ maxLength: 5000 }))),
};

const DidMethod = Type.Union([Type.Literal('web'), Type.Literal('key')]);
export const IssuerCreateSchema = Type.Object({ name: Type.String({ minLength: 1, maxLength: 200 }), ...Editable, didMethod: Type.Optional(DidMethod) }, { additionalProperties: false });
export const IssuerUpdateSchema = Type.Object({ name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })), ...Editable }, { additionalProperties: false });

export type Issuer = Static<typeof IssuerSchema>;
export type IssuerKey = Issuer['keys'][number];
export type IssuerCreate = Static<typeof IssuerCreateSchema>;
export type IssuerUpdate = Static<typeof IssuerUpdateSchema>;
