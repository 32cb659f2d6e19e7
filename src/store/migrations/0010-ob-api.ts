import type { Kysely } from 'kysely';

/**
 * The Open Badges 3.0 API (issue 13, section 1). `oauth_models` keeps the authorization server's state
 * (clients, grants, codes, tokens, interactions, sessions) so that several nodes on one database share
 * it: one row per model instance, its payload as JSON, the lookups the server asks for as columns.
 * `ob_hosts` and `ob_pushes` are the consumer's side: the hosts an organisation registered with
 * (dynamic registration), and each push of a credential to a learner's host with its outcome.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations run against the schema as it was, not the current DB type
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createTable('oauth_models')
    .addColumn('model', 'text', (c) => c.notNull())
    .addColumn('id', 'text', (c) => c.notNull())
    .addColumn('payload', 'text', (c) => c.notNull())
    .addColumn('grant_id', 'text')
    .addColumn('uid', 'text')
    .addColumn('user_code', 'text')
    .addColumn('account_id', 'text')
    // Milliseconds since the epoch (the authorization server's own clock); null: does not expire.
    .addColumn('expires_at', 'bigint')
    .addColumn('consumed_at', 'bigint')
    .addPrimaryKeyConstraint('oauth_models_pk', ['model', 'id'])
    .execute();
  await db.schema.createIndex('oauth_models_grant').on('oauth_models').column('grant_id').execute();
  await db.schema.createIndex('oauth_models_uid').on('oauth_models').column('uid').execute();
  await db.schema.createIndex('oauth_models_account').on('oauth_models').column('account_id').execute();
  await db.schema.createIndex('oauth_models_expiry').on('oauth_models').column('expires_at').execute();

  await db.schema.createTable('ob_hosts')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('organisation_id', 'text', (c) => c.notNull().references('organisations.id').onDelete('cascade'))
    /** The host's Service Description Document URL, as given. */
    .addColumn('discovery_url', 'text', (c) => c.notNull())
    .addColumn('api_base', 'text', (c) => c.notNull())
    .addColumn('authorization_url', 'text', (c) => c.notNull())
    .addColumn('token_url', 'text', (c) => c.notNull())
    .addColumn('client_id', 'text', (c) => c.notNull())
    /** Encrypted with the key vault. */
    .addColumn('client_secret', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('ob_hosts_org_url').on('ob_hosts').columns(['organisation_id', 'discovery_url']).unique().execute();

  await db.schema.createTable('ob_pushes')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('host_id', 'text', (c) => c.notNull().references('ob_hosts.id').onDelete('cascade'))
    .addColumn('credential_id', 'text', (c) => c.notNull().references('credentials.id').onDelete('cascade'))
    /** sha256 (hex) of the OAuth `state`: the callback finds its push by it. */
    .addColumn('state_hash', 'text', (c) => c.notNull())
    /** The PKCE code verifier, encrypted with the key vault; cleared once used. */
    .addColumn('code_verifier', 'text')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('http_status', 'integer')
    .addColumn('detail', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addColumn('completed_at', 'text')
    .execute();
  await db.schema.createIndex('ob_pushes_state').on('ob_pushes').column('state_hash').unique().execute();
  await db.schema.createIndex('ob_pushes_credential').on('ob_pushes').column('credential_id').execute();
}
