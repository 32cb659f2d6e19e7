import type { Kysely } from 'kysely';
import type { Config } from '../config.ts';
import type { JobQueue } from '../queue/index.ts';
import type { Dialect } from '../store/database.ts';
import type { DB } from '../store/schema.ts';
import type { Engine } from '../vc/engine.ts';
import type { Fetcher } from '../vc/types.ts';
import type { KeyVault } from './vault.ts';

/** What a service needs from the outside, passed in (never imported): database, clock, engine, keys. */
export interface ServiceContext {
  db: Kysely<DB>;
  dialect: Dialect;
  config: Config;
  /** The current time; tests pass a fixed clock. */
  now(): Date;
  engine: Engine;
  /**
   * The one door to the network (guarded: http(s), public addresses only, size and time limits);
   * this instance's own URLs are answered locally. URL imports and the public verifier read through it.
   */
  fetch: Fetcher;
  vault: KeyVault;
  /** Structured log without personal data; services log ids, never e-mails or keys. */
  log: Log;
  metrics: Metrics;
  /**
   * The platform's job queue, built once (src/runtime.ts): services enqueue on it, inside their
   * transaction (`{ trx }`) when the job must exist exactly when their change does.
   */
  queue: Pick<JobQueue, 'enqueue' | 'hasQueued' | 'counts'>;
}

export interface Log {
  info(fields: Record<string, unknown>, message: string): void;
  warn(fields: Record<string, unknown>, message: string): void;
  error(fields: Record<string, unknown>, message: string): void;
}

/** Counters the /metrics endpoint exposes. */
export interface Metrics {
  increment(name: string, labels?: Record<string, string>, by?: number): void;
}

export const silentLog: Log = { info() {}, warn() {}, error() {} };

export function nowIso(ctx: Pick<ServiceContext, 'now'>): string {
  return ctx.now().toISOString();
}
