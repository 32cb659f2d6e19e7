import type { Kysely } from 'kysely';

/**
 * Bitstring Status List `message` lists (§2.1): a list keeps how many bits each entry holds
 * (`status_size`, 1 for revocation and suspension), and a position keeps the value it holds in a
 * message list and the credential it belongs to (revocation and suspension bits are still read from
 * the credentials table's status, so both stay 0 / null there). Numbered 0009 so that it sorts after
 * the 0008 migrations other branches add.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations run against the schema as it was, not the current DB type
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('status_lists').addColumn('status_size', 'integer', (c) => c.notNull().defaultTo(1)).execute();
  await db.schema.alterTable('status_allocations').addColumn('value', 'integer', (c) => c.notNull().defaultTo(0)).execute();
  await db.schema.alterTable('status_allocations').addColumn('credential_id', 'text').execute();
  await db.schema.createIndex('status_allocations_credential').on('status_allocations').column('credential_id').execute();
}
