import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { openStore, type Dialect, type Store } from '../../src/store/database.ts';

/**
 * The dialects the store tests run on: SQLite always, PostgreSQL when TEST_DATABASE_URL is set
 * (`.ci/run` sets it). Loop over them in test files: `for (const dialect of DIALECTS)`.
 */
export const DIALECTS: Dialect[] = process.env.TEST_DATABASE_URL ? ['sqlite', 'postgres'] : ['sqlite'];

let warned = false;
export function warnIfPostgresSkipped(): void {
  if (!process.env.TEST_DATABASE_URL && !warned) {
    warned = true;
    console.warn('PostgreSQL tests SKIPPED: TEST_DATABASE_URL is not set (e.g. postgres://postgres@127.0.0.1:5432/test)');
  }
}

export interface TestDatabase {
  dialect: Dialect;
  /** What to pass as DATABASE_URL (PostgreSQL) or undefined (SQLite). */
  databaseUrl?: string;
  /** A data folder of its own (SQLite file, master key). */
  dataDir: string;
  open(): Promise<Store>;
  /** Drops the schema / folder. */
  drop(): Promise<void>;
}

/**
 * A fresh, empty database for one test file: a temporary folder for SQLite, a schema of its own
 * (selected through search_path) on PostgreSQL, so test files running in parallel never meet.
 */
export async function createTestDatabase(dialect: Dialect): Promise<TestDatabase> {
  const dataDir = mkdtempSync(join(tmpdir(), 'microcred-test-'));
  if (dialect === 'sqlite') {
    return {
      dialect,
      dataDir,
      open: () => openStore({ dataDir }),
      drop: () => Promise.resolve(rmSync(dataDir, { recursive: true, force: true })),
    };
  }
  const base = process.env.TEST_DATABASE_URL;
  if (!base) throw new Error('TEST_DATABASE_URL is not set');
  const schema = `t_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  await admin.query(`create schema ${schema}`);
  await admin.end();
  const url = new URL(base);
  url.searchParams.set('options', `-c search_path=${schema}`);
  const databaseUrl = url.toString();
  return {
    dialect,
    databaseUrl,
    dataDir,
    open: () => openStore({ databaseUrl, poolSize: 4 }),
    async drop() {
      const client = new pg.Client({ connectionString: base });
      await client.connect();
      await client.query(`drop schema if exists ${schema} cascade`);
      await client.end();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
