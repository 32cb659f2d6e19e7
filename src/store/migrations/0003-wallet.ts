import type { Kysely } from 'kysely';

/**
 * The learner's side: several e-mail addresses per user (each verified by a link), a did:key per
 * learner, the wallet (every credential received or imported, its original bytes verbatim and the
 * outcome of its last verification), collections, and share links.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations run against the schema as it was, not the current DB type
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createTable('user_emails')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('email', 'text', (c) => c.notNull().unique())
    .addColumn('verified_at', 'text')
    .addColumn('verify_token_hash', 'text')
    .addColumn('verify_sent_at', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('user_emails_user').on('user_emails').column('user_id').execute();
  await db.schema.createIndex('user_emails_token').on('user_emails').column('verify_token_hash').execute();

  await db.schema.createTable('learner_keys')
    .addColumn('user_id', 'text', (c) => c.primaryKey().references('users.id').onDelete('cascade'))
    .addColumn('did', 'text', (c) => c.notNull().unique())
    .addColumn('public_key_multibase', 'text', (c) => c.notNull())
    .addColumn('secret_encrypted', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema.createTable('wallet_credentials')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('source_url', 'text')
    .addColumn('issued_credential_id', 'text')
    .addColumn('original_type', 'text', (c) => c.notNull())
    .addColumn('original', 'text', (c) => c.notNull())
    .addColumn('format', 'text', (c) => c.notNull())
    .addColumn('standard', 'text', (c) => c.notNull())
    .addColumn('document', 'text')
    .addColumn('credential_key', 'text')
    .addColumn('proof_key', 'text')
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('description', 'text')
    .addColumn('issuer_id', 'text')
    .addColumn('issuer_name', 'text')
    .addColumn('image', 'text')
    .addColumn('issued_at', 'text')
    .addColumn('valid_until', 'text')
    .addColumn('ects_centi', 'integer')
    .addColumn('eqf_level', 'integer')
    .addColumn('field', 'text')
    .addColumn('skills', 'text')
    .addColumn('search_text', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('verification', 'text', (c) => c.notNull())
    .addColumn('verified_at', 'text', (c) => c.notNull())
    .addColumn('added_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('wallet_credentials_user_added').on('wallet_credentials').columns(['user_id', 'added_at']).execute();
  await db.schema.createIndex('wallet_credentials_user_key').on('wallet_credentials').columns(['user_id', 'credential_key']).unique().execute();
  await db.schema.createIndex('wallet_credentials_user_proof').on('wallet_credentials').columns(['user_id', 'proof_key']).unique().execute();
  await db.schema.createIndex('wallet_credentials_verified').on('wallet_credentials').column('verified_at').execute();
  await db.schema.createIndex('wallet_credentials_issued').on('wallet_credentials').column('issued_credential_id').execute();

  await db.schema.createTable('wallet_collections')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('description', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('wallet_collections_user').on('wallet_collections').column('user_id').execute();

  await db.schema.createTable('wallet_collection_items')
    .addColumn('collection_id', 'text', (c) => c.notNull().references('wallet_collections.id').onDelete('cascade'))
    .addColumn('credential_id', 'text', (c) => c.notNull().references('wallet_credentials.id').onDelete('cascade'))
    .addColumn('position', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('wallet_collection_items_pk', ['collection_id', 'credential_id'])
    .execute();
  await db.schema.createIndex('wallet_collection_items_credential').on('wallet_collection_items').column('credential_id').execute();

  await db.schema.createTable('shares')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('target_type', 'text', (c) => c.notNull())
    .addColumn('target_id', 'text', (c) => c.notNull())
    .addColumn('token', 'text', (c) => c.notNull().unique())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text')
    .addColumn('revoked_at', 'text')
    .addColumn('views', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema.createIndex('shares_target').on('shares').columns(['target_type', 'target_id']).execute();
  await db.schema.createIndex('shares_user').on('shares').column('user_id').execute();
}
