import { Type, type TSchema } from '@sinclair/typebox';

/** Shared TypeBox pieces: one schema gives validation, types and the OpenAPI document. */
export const Id = Type.String({ format: 'uuid', description: 'A microcred id (UUID)' });
export const OrgParams = Type.Object({ orgId: Id });
export const Problem = Type.Object({
  type: Type.String(),
  title: Type.String(),
  status: Type.Integer(),
  detail: Type.Optional(Type.String()),
  instance: Type.Optional(Type.String()),
  errors: Type.Optional(Type.Array(Type.Object({ pointer: Type.String(), message: Type.String() }))),
}, { $id: 'Problem', additionalProperties: true });

export const ProblemRef = Type.Ref('Problem');

/** Standard error responses for a route, so the OpenAPI document lists them. */
export function errors(...codes: number[]): Record<number, TSchema> {
  return Object.fromEntries(codes.map((code) => [code, ProblemRef]));
}

export const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);
export const Items = <T extends TSchema>(schema: T) => Type.Object({ items: Type.Array(schema) });
