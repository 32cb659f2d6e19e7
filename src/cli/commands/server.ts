import cluster from 'node:cluster';
import { ConfigError, loadConfig, type Config } from '../../config.ts';
import { startServer } from '../../http/server.ts';
import { openRuntime } from '../../runtime.ts';
import { openStore } from '../../store/database.ts';
import { loadMasterKey } from '../../services/vault.ts';
import { DomainError, InvalidInput } from '../../services/errors.ts';
import { EXIT, UsageError } from '../errors.ts';
import { print, printJson, type Io } from '../output.ts';
import { requiredOption } from './args.ts';
import type { Command } from './types.ts';

const SETTINGS = `Settings (environment variables):
  PORT (3000), HOST (127.0.0.1), MICROCRED_DATA (./data), DATABASE_URL (PostgreSQL; default SQLite
  in the data folder), PUBLIC_URL (http://HOST:PORT), TLS_CERT + TLS_KEY (serve https),
  SMTP_URL (smtp://…; default a development outbox in the database), MAIL_FROM,
  MICROCRED_MASTER_KEY (base64 of 32 bytes; default <data>/master.key), LOG_LEVEL (info),
  LOG_FORMAT (auto: one line per request on a terminal, JSON otherwise; json; pretty), TRUST_PROXY (false), JOB_WORKERS (1 per process), VERIFY_RATE_LIMIT (600 per minute per
  address on the verify endpoints, counted by each node; 0 for none), WORKERS (1: server processes sharing the port),
  STATUS_LIST_TTL (300: seconds verifiers may cache a status list; its ttl and Cache-Control max-age),
  METRICS_TOKEN (bearer token that opens /metrics; without it /metrics is not served),
  XAPI_AUDIT_HOURS (72: hours an xAPI statement that earned nothing is kept for audit)`;

function config(io: Io) {
  try {
    return loadConfig(io.env, io.cwd);
  } catch (error) {
    if (error instanceof ConfigError) throw new UsageError(`configuration: ${error.message}`);
    throw error;
  }
}

export const serve: Command = {
  name: 'serve',
  summary: 'run the microcred server (issuer console, API, public pages)',
  help: `Usage: microcred serve

Starts the server: migrations are applied, then it listens until SIGINT/SIGTERM, when it finishes
in-flight requests and leaves background jobs to resume on the next start.

${SETTINGS}`,
  options: {},
  async run(_args, io) {
    const settings = config(io);
    if (settings.workers > 1 && cluster.isPrimary) return runPrimary(settings, io);
    let server;
    try {
      server = await startServer(settings);
    } catch (error) {
      // A forked process leaves on its own (its channel to the primary would keep it alive).
      cluster.worker?.disconnect();
      if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') throw new UsageError(`PORT ${settings.port} on ${settings.host} is already in use; choose another with PORT=…`);
      throw error;
    }
    if (!cluster.isWorker) await announce(server.runtime.services.accounts.needsSetup(), server.url, settings, io);
    else process.send?.({ microcred: 'listening', url: server.url });
    await new Promise<void>((resolve) => {
      const shutdown = (signal: string) => {
        if (!cluster.isWorker) print(io, `${signal}: finishing in-flight requests…`);
        server.stop().then(resolve, (error: unknown) => {
          io.stderr.write(`shutdown failed: ${(error as Error).message}\n`);
          resolve();
        });
      };
      process.once('SIGINT', () => shutdown('SIGINT'));
      process.once('SIGTERM', () => shutdown('SIGTERM'));
    });
    return EXIT.ok;
  },
};

async function announce(needsSetup: Promise<boolean>, url: string, settings: Config, io: Io): Promise<void> {
  print(io, `microcred is running at ${url} (public URL ${settings.publicUrl}; database ${settings.databaseUrl ? 'PostgreSQL' : `SQLite in ${settings.dataDir}`}${settings.workers > 1 ? `; ${settings.workers} processes` : ''})`);
  print(io, (await needsSetup)
    ? `Next: open ${settings.publicUrl}/setup to create your organisation, or run \`npx microcred init --org NAME --admin-email E --admin-password P\`.`
    : `Sign in at ${settings.publicUrl}/login · API docs at ${settings.publicUrl}/docs · health at ${settings.publicUrl}/health`);
}

/**
 * WORKERS > 1: this process migrates the database and makes the master key once, then forks the
 * server processes, which share the port (node:cluster) and are each a full, stateless node.
 */
async function runPrimary(settings: Config, io: Io): Promise<number> {
  loadMasterKey({ configured: settings.masterKey, dataDir: settings.dataDir });
  const store = await openStore({ databaseUrl: settings.databaseUrl, dataDir: settings.dataDir });
  const needsSetup = store.db.selectFrom('organisations').select('id').limit(1).executeTakeFirst().then((row) => row === undefined);
  const setup = await needsSetup;
  await store.destroy();
  let stopping = false;
  let announced = false;
  let failed = false;
  const listened = new Set<number>();
  const exited = new Promise<void>((resolve) => {
    let alive = settings.workers;
    cluster.on('exit', (worker, code) => {
      alive--;
      if (!stopping && listened.has(worker.id)) {
        io.stderr.write(`server process ${worker.process.pid} exited (${code}); starting another\n`);
        alive++;
        cluster.fork();
        return;
      }
      if (!stopping) {
        // It never got to listen (port taken, bad certificate…): another would fail the same way.
        failed = true;
        io.stderr.write(`server process ${worker.process.pid} exited (${code}) before it could listen; stopping\n`);
        shutdown('startup failure');
      }
      if (alive === 0) resolve();
    });
  });
  cluster.on('message', (worker, message: { microcred?: string; url?: string }) => {
    if (message.microcred === 'listening') listened.add(worker.id);
    if (message.microcred === 'listening' && !announced && message.url) {
      announced = true;
      void announce(Promise.resolve(setup), message.url, settings, io);
    }
  });
  for (let i = 0; i < settings.workers; i++) cluster.fork();
  function shutdown(signal: string): void {
    if (stopping) return;
    stopping = true;
    print(io, `${signal}: finishing in-flight requests in every process…`);
    for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill('SIGTERM');
  }
  process.once('SIGINT', () => shutdown('SIGINT'));
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  await exited;
  return failed ? EXIT.failed : EXIT.ok;
}

export const init: Command = {
  name: 'init',
  summary: 'create an organisation, its owner, default issuer (did:web) and an API key',
  help: `Usage: microcred init --org NAME --admin-email EMAIL --admin-password PASSWORD [--json]

Creates (in the configured database, migrating it first) an organisation, its owner account, a
default issuer with an Ed25519 key and did:web identity, and an API key that may issue, read and
change status. The API key is printed once.

Options:
  --org NAME               the organisation's name
  --admin-email EMAIL      the owner's e-mail (their sign-in)
  --admin-password PASS    the owner's password (at least 10 characters)
  --admin-name NAME        the owner's name
  --json                   print {"organisationId", "issuerId", "issuerDid", "apiKey"}

${SETTINGS}`,
  options: { org: { type: 'string' }, 'admin-email': { type: 'string' }, 'admin-password': { type: 'string' }, 'admin-name': { type: 'string' }, json: { type: 'boolean' } },
  async run({ values }, io) {
    const organisationName = requiredOption(values, 'org');
    const email = requiredOption(values, 'admin-email');
    const password = requiredOption(values, 'admin-password');
    const name = typeof values['admin-name'] === 'string' ? values['admin-name'] : undefined;
    const runtime = await openRuntime(config(io));
    try {
      const result = await runtime.services.accounts.init({ organisationName, email, password, name });
      const answer = { organisationId: result.organisationId, issuerId: result.issuerId, issuerDid: result.issuerDid, apiKey: result.apiKey };
      if (values.json) printJson(io, answer);
      else {
        print(io, `Organisation "${organisationName}" created (${answer.organisationId}).`);
        print(io, `Default issuer ${answer.issuerId}, DID ${answer.issuerDid}`);
        print(io, `API key (shown once, keep it secret): ${answer.apiKey}`);
        print(io, `Sign in as ${email} at ${runtime.config.publicUrl}/login`);
      }
      return EXIT.ok;
    } catch (error) {
      if (error instanceof InvalidInput) {
        const field = error.errors[0];
        const option = field ? { '/organisationName': '--org', '/email': '--admin-email', '/password': '--admin-password' }[field.pointer] ?? field.pointer : '';
        throw new UsageError(field ? `${option} ${field.message}` : error.message);
      }
      if (error instanceof DomainError) throw new UsageError(error.message);
      throw error;
    } finally {
      await runtime.close();
    }
  },
};
