import { sql, SqliteAdapter, type Kysely } from 'kysely';

/**
 * The wallet list stays fast for a learner with 10,000 credentials (bench/wallet.bench.ts): each sort
 * has an index in its own order (keyset pages, first page at once), and on SQLite one covering index
 * holds every column a filter or search reads, so counting and choosing the matches scans that index
 * (a few MB) instead of the rows with their originals (tens of MB). PostgreSQL gets the sort indexes
 * only: its b-tree entries are limited to about 2.7 kB, which the search text may exceed.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations run against the schema as it was, not the current DB type
export async function up(db: Kysely<any>): Promise<void> {
  await sql`create index wallet_credentials_user_name on wallet_credentials (user_id, lower(name), id)`.execute(db);
  await sql`create index wallet_credentials_user_issued on wallet_credentials (user_id, coalesce(issued_at, ''), id)`.execute(db);
  if (db.getExecutor().adapter instanceof SqliteAdapter) {
    await db.schema.createIndex('wallet_credentials_search').on('wallet_credentials').columns([
      'user_id', 'status', 'eqf_level', 'ects_centi', 'issued_at', 'issuer_id', 'issuer_name', 'field', 'added_at', 'id', 'name', 'skills', 'search_text',
    ]).execute();
  } else {
    await db.schema.createIndex('wallet_credentials_user_status').on('wallet_credentials').columns(['user_id', 'status']).execute();
  }
}
