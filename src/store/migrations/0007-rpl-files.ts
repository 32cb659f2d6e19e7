import type { Kysely } from 'kysely';

/**
 * Files a learner gives as RPL evidence, kept in the database beside the case (so several nodes on
 * one PostgreSQL serve them, and deleting the account or the case deletes them). The bytes are
 * base64 text, as achievement images and wallet originals are: one column type on both dialects.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations run against the schema as it was, not the current DB type
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createTable('rpl_files')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('case_id', 'text', (c) => c.notNull().references('rpl_cases.id').onDelete('cascade'))
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('outcome_id', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('media_type', 'text', (c) => c.notNull())
    .addColumn('size_bytes', 'integer', (c) => c.notNull())
    .addColumn('sha256', 'text', (c) => c.notNull())
    .addColumn('content', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('rpl_files_case').on('rpl_files').columns(['case_id', 'created_at']).execute();
  await db.schema.createIndex('rpl_files_user').on('rpl_files').column('user_id').execute();
}
