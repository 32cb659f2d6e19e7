import type { Migration, MigrationProvider } from 'kysely';
import * as initial from './0001-initial.ts';

/** Migrations in order, bundled in the code (no folder scanning at run time). */
const MIGRATIONS: Record<string, Migration> = {
  '0001-initial': initial,
};

export const migrationProvider: MigrationProvider = {
  getMigrations: () => Promise.resolve(MIGRATIONS),
};
