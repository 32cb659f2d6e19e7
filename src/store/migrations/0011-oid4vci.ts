import type { Kysely } from 'kysely';

/**
 * OpenID for Verifiable Credential Issuance 1.0 (issue 12 §1). `oid4vci_grants` holds each grant a
 * wallet may redeem at the token endpoint: a pre-authorized code made for a claim link's credential
 * (optionally guarded by a transaction code with a limited number of tries), or an authorization code
 * a signed-in learner granted (with its PKCE challenge); once redeemed it carries the access token's
 * hash. `oid4vci_nonces` are the nonce endpoint's single-use values. All secrets are stored hashed.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations run against the schema as it was, not the current DB type
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createTable('oid4vci_grants')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('issuer_id', 'text', (c) => c.notNull().references('issuers.id').onDelete('cascade'))
    .addColumn('credential_id', 'text', (c) => c.notNull().references('credentials.id').onDelete('cascade'))
    /** 'pre-authorized' or 'authorization'. */
    .addColumn('kind', 'text', (c) => c.notNull())
    /** The learner who granted an authorization code (null for a pre-authorized code). */
    .addColumn('user_id', 'text', (c) => c.references('users.id').onDelete('cascade'))
    /** sha256 (hex) of the code. */
    .addColumn('code_hash', 'text', (c) => c.notNull())
    .addColumn('tx_code_hash', 'text')
    .addColumn('tx_code_failures', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('client_id', 'text')
    .addColumn('redirect_uri', 'text')
    .addColumn('code_challenge', 'text')
    /** JSON array of the credential configuration ids granted. */
    .addColumn('configuration_ids', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    /** When the code was exchanged for an access token (a code works once). */
    .addColumn('used_at', 'text')
    .addColumn('access_token_hash', 'text')
    .addColumn('token_expires_at', 'text')
    /** When the credential was delivered under this grant's access token (once). */
    .addColumn('redeemed_at', 'text')
    .addColumn('bound_credential_id', 'text')
    .execute();
  await db.schema.createIndex('oid4vci_grants_code').on('oid4vci_grants').column('code_hash').unique().execute();
  await db.schema.createIndex('oid4vci_grants_token').on('oid4vci_grants').column('access_token_hash').unique().execute();
  await db.schema.createIndex('oid4vci_grants_credential').on('oid4vci_grants').column('credential_id').execute();

  await db.schema.createTable('oid4vci_nonces')
    .addColumn('nonce', 'text', (c) => c.primaryKey())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addColumn('used_at', 'text')
    .execute();
  await db.schema.createIndex('oid4vci_nonces_expiry').on('oid4vci_nonces').column('expires_at').execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- see up()
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('oid4vci_nonces').execute();
  await db.schema.dropTable('oid4vci_grants').execute();
}
