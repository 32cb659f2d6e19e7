import type { Kysely } from 'kysely';

/**
 * Holder binding (issue 12): a learner who takes a claim into a wallet she carries (OpenID4VCI, the
 * Learner Credential Wallet) gets a copy of the e-mail-addressed credential bound to her wallet's DID.
 * The copy is a credentials row of its own (own id, own status entries) that names its original in
 * `bound_from`, so a status change of the original reaches it and lists count the original once;
 * `bound_via` says which channel took it. `vcapi_exchanges` holds the VC-API exchanges (the LCW's
 * protocol): one per claim taken, with its DID Authentication challenge, state and expiry.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations run against the schema as it was, not the current DB type
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('credentials').addColumn('bound_from', 'text', (c) => c.references('credentials.id').onDelete('cascade')).execute();
  await db.schema.alterTable('credentials').addColumn('bound_via', 'text').execute();
  await db.schema.createIndex('credentials_bound_from').on('credentials').column('bound_from').execute();

  await db.schema.createTable('vcapi_exchanges')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('workflow_id', 'text', (c) => c.notNull())
    /** The original (e-mail-addressed) credential whose claim the exchange takes. */
    .addColumn('credential_id', 'text', (c) => c.notNull().references('credentials.id').onDelete('cascade'))
    /** pending → active (request sent) → complete, or invalid (an answer was refused). */
    .addColumn('state', 'text', (c) => c.notNull())
    /** The DID Authentication challenge the wallet must sign. */
    .addColumn('challenge', 'text', (c) => c.notNull())
    .addColumn('holder_did', 'text')
    /** The bound copy issued by the exchange. */
    .addColumn('result_credential_id', 'text', (c) => c.references('credentials.id').onDelete('set null'))
    .addColumn('created_by', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addColumn('completed_at', 'text')
    .execute();
  await db.schema.createIndex('vcapi_exchanges_credential').on('vcapi_exchanges').column('credential_id').execute();
  await db.schema.createIndex('vcapi_exchanges_expiry').on('vcapi_exchanges').column('expires_at').execute();
}
