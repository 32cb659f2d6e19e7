import type { Config } from './config.ts';
import { createGuardedFetcher } from './net/guarded-fetcher.ts';
import { createJobQueue, type JobQueue } from './queue/index.ts';
import { openStore, type Store } from './store/database.ts';
import type { Log, ServiceContext } from './services/context.ts';
import { MetricsRegistry } from './services/metrics.ts';
import { silentLog } from './services/context.ts';
import { createServices, type Services } from './services/index.ts';
import { createKeyVault, loadMasterKey } from './services/vault.ts';
import { createEngine } from './vc/engine.ts';
import type { FetchedDocument, Fetcher } from './vc/types.ts';

/** Answers a GET for one of this instance's own public paths, without the network. */
export type LocalFetch = (path: string) => Promise<FetchedDocument | undefined>;

export interface Runtime {
  config: Config;
  store: Store;
  ctx: ServiceContext;
  /** The one job queue of this process: services enqueue on it, the runner (src/app-jobs.ts) claims from it. */
  queue: JobQueue;
  services: Services;
  /** This process's counters, exposed at /metrics. */
  metrics: MetricsRegistry;
  /**
   * Set by the HTTP app: lets the engine read this instance's own DID documents and status lists
   * from the database instead of over the network (and works before the server listens).
   */
  setLocalFetch(local: LocalFetch): void;
  close(): Promise<void>;
}

export interface RuntimeOptions {
  now?: () => Date;
  /** The door to the network for everything not published by this instance (default: guarded). */
  fetcher?: Fetcher;
  log?: Log;
}

/** Opens the database (migrating it), the key vault, the credential engine and the job queue, and builds the services. */
export async function openRuntime(config: Config, options: RuntimeOptions = {}): Promise<Runtime> {
  const store = await openStore({
    databaseUrl: config.databaseUrl, dataDir: config.dataDir,
    onConnectionError: (error) => (options.log ?? silentLog).warn({ err: error.message }, 'database connection lost; the pool opens a new one'),
  });
  const vault = createKeyVault(loadMasterKey({ configured: config.masterKey, dataDir: config.dataDir }));
  const remote = options.fetcher ?? createGuardedFetcher();
  const origin = new URL(config.publicUrl);
  const basePath = origin.pathname.replace(/\/$/, '');
  let local: LocalFetch | undefined;
  // did:web resolution always asks https; this instance may be on http (development), so its own
  // URLs are matched on host and port and answered locally.
  const fetcher: Fetcher = async (url, fetchOptions) => {
    const target = new URL(url);
    // A POST (a webhook delivery) always goes out: only reads of published documents are answered here.
    if (local && !fetchOptions?.post && target.host === origin.host && target.pathname.startsWith(`${basePath}/`)) {
      const answer = await local(target.pathname.slice(basePath.length) + target.search);
      if (answer) return answer;
      throw new Error(`${url} is not published by this instance`);
    }
    return remote(url, fetchOptions);
  };
  const now = options.now ?? (() => new Date());
  const metrics = new MetricsRegistry();
  for (const [name, help] of [
    ['microcred_credentials_issued_total', 'Credentials signed and stored'],
    ['microcred_bulk_credentials_total', 'Bulk rows by outcome (issued, duplicate, failed)'],
    ['microcred_verifications_total', 'Verifications through the API, by kind and outcome'],
    ['microcred_status_changes_total', 'Revocations, suspensions and reinstatements'],
    ['microcred_logins_total', 'Sign-in attempts by outcome'],
    ['microcred_mail_sent_total', 'E-mails delivered over SMTP'],
    ['microcred_mail_failed_total', 'E-mails SMTP refused'],
    ['microcred_signups_total', 'Learner accounts created'],
  ] as const) metrics.describe(name, help);
  const engine = createEngine({ fetcher, clock: now });
  const queue = createJobQueue({ db: store.db, dialect: store.dialect, now });
  const ctx: ServiceContext = {
    db: store.db,
    dialect: store.dialect,
    config,
    now,
    engine,
    fetch: fetcher,
    vault,
    log: options.log ?? silentLog,
    metrics,
    queue,
  };
  const services = createServices(ctx, { ops: { ping: () => store.ping(), registry: metrics } });
  return {
    config,
    store,
    ctx,
    queue,
    services,
    metrics,
    setLocalFetch(fetch) {
      local = fetch;
    },
    async close() {
      await services.credentials.close();
      await store.destroy();
    },
  };
}
