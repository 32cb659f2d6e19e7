/**
 * Several microcred nodes the way an institution runs them (docs/deployment.md): each a real server
 * process (`microcred serve`, as `npm start` runs it) on its own 127.0.0.1 port, all on one PostgreSQL
 * database, behind a real HAProxy whose address is the PUBLIC_URL. The multi-node test and the
 * multi-node benchmark use it.
 */
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { freePort } from './net.ts';

export { freePort };

export const BIN = fileURLToPath(new URL('../../bin/microcred.js', import.meta.url));

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Waits until `url` answers 200, or throws after `timeoutMs` (with `describe()` in the message, e.g. a node's output). */
export async function waitForOk(url: string, timeoutMs: number, describe: () => string = () => ''): Promise<void> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(2000) });
      await response.arrayBuffer();
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > end) throw new Error(`${url} did not answer 200 within ${timeoutMs} ms\n${describe()}`);
    await sleep(200);
  }
}

export interface ClusterDatabase {
  /** The DATABASE_URL of the nodes. */
  url: string;
  name: string;
  /**
   * One query on a connection of its own, closed after it: a long-lived client of the test's would be
   * ended by terminateConnections() like the nodes' are.
   */
  query<R extends pg.QueryResultRow>(text: string, values?: unknown[]): Promise<R[]>;
  /** Ends every connection to this database (as a restart or failover would); returns how many. */
  terminateConnections(): Promise<number>;
  /** Drops the database (ending its connections first). */
  drop(): Promise<void>;
}

/**
 * A fresh database of its own on the server of `baseUrl` (TEST_DATABASE_URL), so that terminating
 * its connections (`where datname = …`) touches no other test's.
 */
export async function createClusterDatabase(baseUrl: string): Promise<ClusterDatabase> {
  const name = `microcred_cluster_${randomBytes(5).toString('hex')}`;
  const admin = new pg.Client({ connectionString: baseUrl });
  await admin.connect();
  try {
    await admin.query(`create database ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(baseUrl);
  url.pathname = `/${name}`;
  const asAdmin = async <T>(work: (client: pg.Client) => Promise<T>): Promise<T> => {
    const client = new pg.Client({ connectionString: baseUrl });
    await client.connect();
    try {
      return await work(client);
    } finally {
      await client.end();
    }
  };
  return {
    url: url.toString(),
    name,
    async query<R extends pg.QueryResultRow>(text: string, values?: unknown[]) {
      const client = new pg.Client({ connectionString: url.toString() });
      await client.connect();
      try {
        return (await client.query<R>(text, values)).rows;
      } finally {
        await client.end();
      }
    },
    terminateConnections: () => asAdmin(async (client) => {
      const result = await client.query<{ pid: number }>('select pg_terminate_backend(pid) as ok, pid from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()', [name]);
      return result.rowCount ?? 0;
    }),
    drop: () => asAdmin(async (client) => {
      await client.query(`drop database if exists ${name} with (force)`);
    }),
  };
}

/** What every node of one deployment shares (docs/deployment.md). */
export interface ClusterSettings {
  databaseUrl: string;
  publicUrl: string;
  masterKey: string;
  /** Further settings for every node (VERIFY_RATE_LIMIT, JOB_WORKERS…). */
  env?: Record<string, string>;
}

/** The environment of a node: the shared settings, its own port and data folder, nothing inherited that would change it. */
export function nodeEnv(settings: ClusterSettings, port: number, dataDir: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATABASE_URL: settings.databaseUrl, PUBLIC_URL: settings.publicUrl, MICROCRED_MASTER_KEY: settings.masterKey, MICROCRED_DATA: dataDir,
    PORT: String(port), HOST: '127.0.0.1', TRUST_PROXY: 'true', LOG_LEVEL: 'warn', LOG_FORMAT: 'json', WORKERS: '1',
    ...settings.env,
  };
  delete env.PGAPPNAME;
  return env;
}

/** Runs a `microcred` command (e.g. `init --json`) with the cluster's settings and returns its standard output. */
export function runCli(settings: ClusterSettings, args: string[]): Promise<string> {
  const dataDir = mkdtempSync(join(tmpdir(), 'microcred-cli-'));
  return new Promise<string>((resolve, reject) => {
    execFile(process.execPath, [BIN, ...args], { env: nodeEnv(settings, 0, dataDir) }, (error, stdout, stderr) => {
      rmSync(dataDir, { recursive: true, force: true });
      if (error) reject(new Error(`microcred ${args.join(' ')}: ${error.message}\n${stderr}`));
      else resolve(stdout);
    });
  });
}

export interface ClusterNode {
  name: string;
  port: number;
  url: string;
  /** The running process, while there is one. */
  readonly child: ChildProcess | undefined;
  /** Starts the process and waits for /health (200). */
  start(timeoutMs?: number): Promise<void>;
  /** Sends the signal and waits for the process to exit. */
  kill(signal: NodeJS.Signals): Promise<void>;
  /** The last lines the process wrote (for failure messages). */
  output(): string;
  /** Times the process ended without being asked to by kill(). */
  readonly unexpectedExits: number;
  /** Stops the process (SIGTERM: in-flight requests finish) and removes its data folder. */
  dispose(): Promise<void>;
}

/** A node: `node bin/microcred.js serve` on 127.0.0.1:port with its own (unused on PostgreSQL) data folder. */
export function clusterNode(name: string, port: number, settings: ClusterSettings): ClusterNode {
  const dataDir = mkdtempSync(join(tmpdir(), `microcred-${name}-`));
  const lines: string[] = [];
  let child: ChildProcess | undefined;
  let expectingExit = false;
  let unexpectedExits = 0;
  const keep = (chunk: Buffer) => {
    lines.push(...chunk.toString().split('\n').filter(Boolean));
    if (lines.length > 200) lines.splice(0, lines.length - 200);
  };
  const node: ClusterNode = {
    name,
    port,
    url: `http://127.0.0.1:${port}`,
    get child() { return child; },
    get unexpectedExits() { return unexpectedExits; },
    async start(timeoutMs = 60_000) {
      expectingExit = false;
      const started = spawn(process.execPath, [BIN, 'serve'], { env: nodeEnv(settings, port, dataDir), stdio: ['ignore', 'pipe', 'pipe'] });
      child = started;
      started.stdout!.on('data', keep);
      started.stderr!.on('data', keep);
      started.once('exit', (code, signal) => {
        lines.push(`[${name} exited: ${signal ?? code}]`);
        if (!expectingExit) unexpectedExits++;
        if (child === started) child = undefined;
      });
      await waitForOk(`${node.url}/health`, timeoutMs, () => `${name}:\n${lines.join('\n')}`);
    },
    async kill(signal) {
      const running = child;
      if (!running || running.exitCode !== null || running.signalCode !== null) return;
      expectingExit = true;
      const exited = new Promise((resolve) => running.once('exit', resolve));
      running.kill(signal);
      await exited;
    },
    output: () => lines.join('\n'),
    async dispose() {
      await node.kill('SIGTERM');
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return node;
}

export interface HaproxyOptions {
  port: number;
  backends: { name: string; port: number }[];
  /** Milliseconds between health checks of each node (default 1000). */
  checkIntervalMs?: number;
}

/**
 * The load balancer's configuration, the one docs/deployment.md shows (addresses aside): round robin,
 * a node is taken out after two failed `GET /health` (503 when its database is unreachable) and put
 * back after two good ones; the client's own address replaces any X-Forwarded-For it sent, so the nodes
 * (TRUST_PROXY=true) rate-limit by the real address; X-Served-By names the node (the tests read it).
 */
export function haproxyConfig(options: HaproxyOptions): string {
  const inter = options.checkIntervalMs ?? 1000;
  return [
    'global',
    '  maxconn 4096',
    '',
    'defaults',
    '  mode http',
    '  timeout connect 2s',
    '  timeout client 60s',
    '  timeout server 60s',
    '  timeout check 3s',
    '  retries 2',
    '  option redispatch 1',
    '',
    'frontend microcred',
    `  bind 127.0.0.1:${options.port}`,
    '  http-request del-header X-Forwarded-For',
    '  option forwardfor',
    '  default_backend nodes',
    '',
    'backend nodes',
    '  balance roundrobin',
    '  option httpchk',
    '  http-check send meth GET uri /health',
    '  http-check expect status 200',
    `  default-server inter ${inter}ms fall 2 rise 2`,
    '  http-response set-header X-Served-By %[srv_name]',
    ...options.backends.map((backend) => `  server ${backend.name} 127.0.0.1:${backend.port} check`),
    '',
  ].join('\n');
}

export interface Haproxy {
  url: string;
  stop(): Promise<void>;
  output(): string;
}

/** Starts `haproxy` in the foreground with haproxyConfig(options), written to a temporary folder. */
export async function startHaproxy(command: string, options: HaproxyOptions): Promise<Haproxy> {
  const dir = mkdtempSync(join(tmpdir(), 'microcred-haproxy-'));
  const file = join(dir, 'haproxy.cfg');
  writeFileSync(file, haproxyConfig(options));
  const lines: string[] = [];
  const child = spawn(command, ['-db', '-f', file], { stdio: ['ignore', 'pipe', 'pipe'] });
  const keep = (chunk: Buffer) => {
    lines.push(...chunk.toString().split('\n').filter(Boolean));
    if (lines.length > 200) lines.splice(0, lines.length - 200);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const url = `http://127.0.0.1:${options.port}`;
  try {
    await waitForOk(`${url}/health`, 20_000, () => `haproxy:\n${lines.join('\n')}`);
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
  return {
    url,
    output: () => lines.join('\n'),
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
