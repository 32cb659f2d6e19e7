import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, Migrator, PostgresDialect, SqliteDialect, sql } from 'kysely';
import pg from 'pg';
import { migrationProvider } from './migrations/index.ts';
import type { DB } from './schema.ts';

export type Dialect = 'sqlite' | 'postgres';

export interface Store {
  readonly db: Kysely<DB>;
  readonly dialect: Dialect;
  /** True when the database answers a trivial query (for /health). */
  ping(): Promise<boolean>;
  destroy(): Promise<void>;
}

export interface OpenStoreOptions {
  /** PostgreSQL URL; without it, SQLite at `sqliteFile` (or `<dataDir>/microcred.sqlite`). */
  databaseUrl?: string;
  dataDir?: string;
  sqliteFile?: string;
  /** Most PostgreSQL connections this process opens (default 10). */
  poolSize?: number;
  /** Apply pending migrations (default true). */
  migrate?: boolean;
  /**
   * Told of connection errors outside any query (PostgreSQL ended an idle connection: restart,
   * failover, idle timeout, network reset). The connection is dropped and the pool opens a new one.
   */
  onConnectionError?: (error: Error) => void;
}

// PostgreSQL returns int8 (count(*), sums) as strings to avoid precision loss; our counts fit a double.
pg.types.setTypeParser(20, (value: string) => Number(value));

/** Opens the configured database and brings its schema up to date. */
export async function openStore(options: OpenStoreOptions): Promise<Store> {
  let db: Kysely<DB>;
  let dialect: Dialect;
  if (options.databaseUrl) {
    dialect = 'postgres';
    // A connection the server ends makes its client emit 'error': unheard, that kills the process
    // (every node at once when the database restarts). The pool drops such a client and opens a new
    // one; each client is heard while checked out too (between the queries of a transaction).
    // connectionTimeoutMillis: an unreachable server fails a request (503) instead of hanging it.
    const pool = new pg.Pool({ connectionString: options.databaseUrl, max: options.poolSize ?? 10, connectionTimeoutMillis: 10_000 });
    const heard = options.onConnectionError ?? (() => {});
    pool.on('error', (error) => heard(error));
    pool.on('connect', (client) => {
      // Idle, the pool hears it (above); checked out, the query under way or the next one fails instead.
      client.on('error', () => {});
    });
    db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
  } else {
    dialect = 'sqlite';
    const file = options.sqliteFile ?? join(options.dataDir ?? './data', 'microcred.sqlite');
    if (file !== ':memory:') mkdirSync(join(file, '..'), { recursive: true });
    const database = new SQLite(file);
    // WAL lets readers run beside the one writer; busy_timeout makes a second process wait, not fail.
    database.pragma('journal_mode = WAL');
    database.pragma('busy_timeout = 5000');
    database.pragma('synchronous = NORMAL');
    database.pragma('foreign_keys = ON');
    db = new Kysely<DB>({ dialect: new SqliteDialect({ database }) });
  }
  if (options.migrate !== false) {
    // Kysely looks for its bookkeeping tables across every schema it can see; name ours, so that
    // another schema's copy (another tenant, another test) is never taken for this one's.
    const schema = dialect === 'postgres' ? (await sql<{ schema: string }>`select current_schema() as schema`.execute(db)).rows[0]?.schema : undefined;
    await migrate(db, schema);
  }
  let destroyed: Promise<void> | undefined;
  return {
    db,
    dialect,
    async ping() {
      try {
        await sql`select 1`.execute(db);
        return true;
      } catch {
        return false;
      }
    },
    destroy: () => (destroyed ??= db.destroy()),
  };
}

export async function migrate(db: Kysely<DB>, schema?: string): Promise<void> {
  const migrator = new Migrator({
    db, provider: migrationProvider, migrationTableName: 'microcred_migrations', migrationLockTableName: 'microcred_migrations_lock',
    ...(schema ? { migrationTableSchema: schema } : {}),
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((result) => result.status === 'Error');
    throw new Error(`database migration ${failed?.migrationName ?? ''} failed: ${(error as Error).message}`);
  }
}
