import { Type, type Static, type TSchema } from '@sinclair/typebox';

/**
 * Shared TypeBox pieces of the API contract: one schema gives validation, types and the OpenAPI
 * document. Contract files import nothing but TypeBox and each other, so the web app can import
 * their types (type-only) without pulling server code (test/meta/contract.test.ts).
 */
export const Id = Type.String({ format: 'uuid', description: 'A microcred id (UUID)' });
export const OrgParams = Type.Object({ orgId: Id });
export const ProblemSchema = Type.Object({
  type: Type.String(),
  title: Type.String(),
  status: Type.Integer(),
  detail: Type.Optional(Type.String()),
  instance: Type.Optional(Type.String()),
  errors: Type.Optional(Type.Array(Type.Object({ pointer: Type.String(), message: Type.String() }))),
}, { $id: 'Problem', additionalProperties: true });
/** An RFC 9457 problem+json answer, with per-field errors (JSON pointers into the request). */
export type Problem = Static<typeof ProblemSchema>;

export const ProblemRef = Type.Ref('Problem');

/** Standard error responses for a route, so the OpenAPI document lists them. */
export function errors(...codes: number[]): Record<number, TSchema> {
  return Object.fromEntries(codes.map((code) => [code, ProblemRef]));
}

export const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);
export const Items = <T extends TSchema>(schema: T) => Type.Object({ items: Type.Array(schema) });
/** A `{ items }` answer. */
export type Items<T> = { items: T[] };

/**
 * A `$ref` to a schema registered with `app.addSchema` (it must have an `$id`), typed as the schema
 * itself: the JSON is `{ "$ref": id }`, as `Type.Ref(id)` writes it.
 */
export function RefTo<T extends TSchema>(schema: T) {
  if (!schema.$id) throw new TypeError('RefTo needs a schema with an $id');
  return Type.Unsafe<Static<T>>(Type.Ref(schema.$id));
}
