import type { Kysely } from 'kysely';

/** Idempotency keys expire: expired ones are deleted per organisation by age, which this index serves. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations run against the schema as it was, not the current DB type
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createIndex('idempotency_keys_org_created').on('idempotency_keys').columns(['organisation_id', 'created_at']).execute();
}
