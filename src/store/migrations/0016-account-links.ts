import type { Kysely } from 'kysely';

/**
 * Links sent by e-mail that act on an account (issue 14 §3): a password reset, or an invitation to
 * join an organisation with a role. Only the sha256 of the token is kept (the link is the secret);
 * a link works once (`used_at`) and until `expires_at`. An invitation makes no account until it is
 * accepted: the invitee chooses her own password.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations run against the schema as it was, not the current DB type
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createTable('account_links')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('purpose', 'text', (c) => c.notNull())
    .addColumn('email', 'text', (c) => c.notNull())
    .addColumn('user_id', 'text', (c) => c.references('users.id').onDelete('cascade'))
    .addColumn('organisation_id', 'text', (c) => c.references('organisations.id').onDelete('cascade'))
    .addColumn('role', 'text')
    .addColumn('name', 'text')
    .addColumn('created_by', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addColumn('used_at', 'text')
    .execute();
  await db.schema.createIndex('account_links_org').on('account_links').columns(['organisation_id', 'purpose']).execute();
  await db.schema.createIndex('account_links_email').on('account_links').columns(['email', 'purpose']).execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- as above
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('account_links').execute();
}
