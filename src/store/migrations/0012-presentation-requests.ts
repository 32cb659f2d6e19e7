import type { Kysely } from 'kysely';

/**
 * OpenID4VP 1.0 presentation requests (issue 12 §2): one row per request the verifier made, so that any
 * node can serve its request object, take the wallet's answer and tell the page that polls it. The
 * page holds a secret handle (only its hash is kept); the wallet knows the public id from the
 * request_uri. `status` moves once from `pending` to `answered` or `declined` (the replay guard).
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations run against the schema as it was, not the current DB type
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createTable('presentation_requests')
    .addColumn('id', 'text', (c) => c.primaryKey())
    /** sha256 (hex) of the handle the requesting page polls with. */
    .addColumn('handle_hash', 'text', (c) => c.notNull().unique())
    /** 'verify' (the public verifier) or 'recognition' (a learner's application to a programme). */
    .addColumn('purpose', 'text', (c) => c.notNull())
    .addColumn('nonce', 'text', (c) => c.notNull())
    .addColumn('client_id', 'text', (c) => c.notNull())
    /** The request object (JSON) as the wallet reads it at the request_uri. */
    .addColumn('request', 'text', (c) => c.notNull())
    /** For recognition: the learner applying and the programme. */
    .addColumn('user_id', 'text', (c) => c.references('users.id').onDelete('cascade'))
    .addColumn('programme_id', 'text', (c) => c.references('recognition_programmes.id').onDelete('cascade'))
    .addColumn('status', 'text', (c) => c.notNull())
    /** The verdict (JSON) once answered; the wallet's error once declined. */
    .addColumn('result', 'text')
    /** Answers refused (wrong nonce, audience, signature…): how many, and the last reason, for the page. */
    .addColumn('refused', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('last_refusal', 'text')
    /** The recognition request made from the answer, when the purpose is recognition. */
    .addColumn('recognition_request_id', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addColumn('answered_at', 'text')
    .execute();
  await db.schema.createIndex('presentation_requests_expiry').on('presentation_requests').column('expires_at').execute();
  await db.schema.createIndex('presentation_requests_user').on('presentation_requests').column('user_id').execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- see up()
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('presentation_requests').execute();
}
