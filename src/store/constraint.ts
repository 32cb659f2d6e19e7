/**
 * Whether an error is a unique-constraint violation, on either database: PostgreSQL's SQLSTATE 23505
 * (which covers primary keys too) and SQLite's UNIQUE and PRIMARY KEY codes. Services use it to turn a
 * lost race or a repeated request into a clear conflict instead of a 500.
 */
export function isUniqueViolation(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}
