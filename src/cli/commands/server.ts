import { ConfigError, loadConfig } from '../../config.ts';
import { startServer } from '../../http/server.ts';
import { openRuntime } from '../../runtime.ts';
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
  TRUST_PROXY (false), JOB_WORKERS (1)`;

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
    const server = await startServer(settings);
    const needsSetup = await server.runtime.services.accounts.needsSetup();
    print(io, `microcred is running at ${server.url} (public URL ${settings.publicUrl}; database ${settings.databaseUrl ? 'PostgreSQL' : `SQLite in ${settings.dataDir}`})`);
    print(io, needsSetup
      ? `Next: open ${settings.publicUrl}/setup to create your organisation, or run \`npx microcred init --org NAME --admin-email E --admin-password P\`.`
      : `Sign in at ${settings.publicUrl}/login · API docs at ${settings.publicUrl}/docs · health at ${settings.publicUrl}/health`);
    await new Promise<void>((resolve) => {
      const shutdown = (signal: string) => {
        print(io, `${signal}: finishing in-flight requests…`);
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
