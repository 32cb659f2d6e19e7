import type { Kysely } from 'kysely';

/** Pathways (stacked credentials): rules and their versions, trusted issuers, learners' progress, awards, flags. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations run against the schema as it was, not the current DB type
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createTable('pathways')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('organisation_id', 'text', (c) => c.notNull().references('organisations.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('description', 'text')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('achievement_id', 'text', (c) => c.notNull().references('achievements.id'))
    .addColumn('auto_issue', 'integer', (c) => c.notNull())
    .addColumn('revocation_policy', 'text', (c) => c.notNull())
    .addColumn('use_trust_list', 'integer', (c) => c.notNull())
    .addColumn('rules', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('pathways_org').on('pathways').columns(['organisation_id', 'name']).execute();
  await db.schema.createIndex('pathways_status').on('pathways').columns(['status']).execute();
  await db.schema.createTable('pathway_versions')
    .addColumn('pathway_id', 'text', (c) => c.notNull().references('pathways.id').onDelete('cascade'))
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('data', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('pathway_versions_pk', ['pathway_id', 'version'])
    .execute();
  await db.schema.createTable('trusted_issuers')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('organisation_id', 'text', (c) => c.notNull().references('organisations.id').onDelete('cascade'))
    .addColumn('issuer_id', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('trusted_issuers_unique', ['organisation_id', 'issuer_id'])
    .execute();
  await db.schema.createTable('pathway_progress')
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('pathway_id', 'text', (c) => c.notNull().references('pathways.id').onDelete('cascade'))
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('progress_permille', 'integer', (c) => c.notNull())
    .addColumn('complete', 'integer', (c) => c.notNull())
    .addColumn('credits_centi', 'integer', (c) => c.notNull())
    .addColumn('evaluation', 'text', (c) => c.notNull())
    .addColumn('following', 'integer', (c) => c.notNull())
    .addColumn('computed_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('pathway_progress_pk', ['user_id', 'pathway_id'])
    .execute();
  await db.schema.createTable('pathway_awards')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('pathway_id', 'text', (c) => c.notNull().references('pathways.id').onDelete('cascade'))
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('credential_id', 'text', (c) => c.notNull().references('credentials.id'))
    .addColumn('pathway_version', 'integer', (c) => c.notNull())
    .addColumn('constituents', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('pathway_awards_once', ['pathway_id', 'user_id'])
    .execute();
  await db.schema.createTable('pathway_flags')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('organisation_id', 'text', (c) => c.notNull().references('organisations.id').onDelete('cascade'))
    .addColumn('pathway_id', 'text', (c) => c.notNull().references('pathways.id').onDelete('cascade'))
    .addColumn('award_id', 'text', (c) => c.notNull().references('pathway_awards.id').onDelete('cascade'))
    .addColumn('constituent_key', 'text', (c) => c.notNull())
    .addColumn('constituent_name', 'text', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('action', 'text')
    .addColumn('resolution_reason', 'text')
    .addColumn('resolved_by', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('resolved_at', 'text')
    .addUniqueConstraint('pathway_flags_once', ['award_id', 'constituent_key'])
    .execute();
  await db.schema.createIndex('pathway_flags_queue').on('pathway_flags').columns(['organisation_id', 'status', 'created_at']).execute();
}
