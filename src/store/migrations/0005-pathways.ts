import type { Kysely } from 'kysely';

/** Issue 5 tables; being built. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations run against the schema as it was, not the current DB type
export async function up(_db: Kysely<any>): Promise<void> {}
