import type { Kysely } from 'kysely';

/** LTI 1.3 tool (issue 13 §2): platforms, the tool's key, launch states, launch sessions, course mappings and awards. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations run against the schema as it was, not the current DB type
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createTable('lti_platforms')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('organisation_id', 'text', (c) => c.notNull().references('organisations.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('issuer', 'text', (c) => c.notNull())
    .addColumn('client_id', 'text', (c) => c.notNull())
    .addColumn('deployment_ids', 'text', (c) => c.notNull())
    .addColumn('jwks_url', 'text', (c) => c.notNull())
    .addColumn('auth_login_url', 'text', (c) => c.notNull())
    .addColumn('token_url', 'text', (c) => c.notNull())
    .addColumn('token_audience', 'text')
    .addColumn('created_by', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  // A platform (issuer + client id) belongs to one organisation: a launch names no organisation.
  await db.schema.createIndex('lti_platforms_client').on('lti_platforms').columns(['issuer', 'client_id']).unique().execute();
  await db.schema.createIndex('lti_platforms_org').on('lti_platforms').column('organisation_id').execute();
  await db.schema.createTable('lti_tool_keys')
    .addColumn('kid', 'text', (c) => c.primaryKey())
    .addColumn('slot', 'text', (c) => c.notNull().unique())
    .addColumn('public_jwk', 'text', (c) => c.notNull())
    .addColumn('private_jwk_encrypted', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createTable('lti_states')
    .addColumn('state', 'text', (c) => c.primaryKey())
    .addColumn('nonce', 'text', (c) => c.notNull())
    .addColumn('platform_id', 'text', (c) => c.notNull().references('lti_platforms.id').onDelete('cascade'))
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('lti_states_expiry').on('lti_states').column('expires_at').execute();
  await db.schema.createTable('lti_sessions')
    .addColumn('token_hash', 'text', (c) => c.primaryKey())
    .addColumn('platform_id', 'text', (c) => c.notNull().references('lti_platforms.id').onDelete('cascade'))
    .addColumn('deployment_id', 'text', (c) => c.notNull())
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('claims', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('lti_sessions_expiry').on('lti_sessions').column('expires_at').execute();
  await db.schema.createTable('lti_courses')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('organisation_id', 'text', (c) => c.notNull().references('organisations.id').onDelete('cascade'))
    .addColumn('platform_id', 'text', (c) => c.notNull().references('lti_platforms.id').onDelete('cascade'))
    .addColumn('deployment_id', 'text', (c) => c.notNull())
    .addColumn('context_id', 'text', (c) => c.notNull())
    .addColumn('context_title', 'text')
    .addColumn('achievement_id', 'text', (c) => c.notNull().references('achievements.id').onDelete('cascade'))
    .addColumn('line_item_url', 'text', (c) => c.notNull())
    .addColumn('line_item_label', 'text')
    .addColumn('min_score', 'real', (c) => c.notNull())
    .addColumn('memberships_url', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('last_run_at', 'text')
    .addColumn('last_error', 'text')
    .execute();
  await db.schema.createIndex('lti_courses_context').on('lti_courses').columns(['platform_id', 'deployment_id', 'context_id']).unique().execute();
  await db.schema.createTable('lti_awards')
    .addColumn('id', 'text', (c) => c.primaryKey())
    // An award outlives its course mapping (and platform): a learner re-mapped later is not issued twice.
    .addColumn('course_id', 'text', (c) => c.references('lti_courses.id').onDelete('set null'))
    .addColumn('organisation_id', 'text', (c) => c.notNull().references('organisations.id').onDelete('cascade'))
    .addColumn('achievement_id', 'text', (c) => c.notNull().references('achievements.id').onDelete('cascade'))
    .addColumn('platform_id', 'text')
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('email', 'text', (c) => c.notNull())
    .addColumn('name', 'text')
    .addColumn('score', 'real')
    .addColumn('evidence', 'text', (c) => c.notNull())
    .addColumn('credential_id', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  // Exactly once per learner (her e-mail) and achievement of the organisation, whatever runs at the same
  // time, and whichever course or re-registered platform it comes through.
  await db.schema.createIndex('lti_awards_once').on('lti_awards').columns(['organisation_id', 'achievement_id', 'email']).unique().execute();
  await db.schema.createIndex('lti_awards_course').on('lti_awards').columns(['course_id', 'subject']).execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- as above
export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['lti_awards', 'lti_courses', 'lti_sessions', 'lti_states', 'lti_tool_keys', 'lti_platforms']) await db.schema.dropTable(table).execute();
}
