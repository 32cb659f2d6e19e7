import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, existsSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, open, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import SQLite from 'better-sqlite3';
import pg from 'pg';
import type { Dialect } from './database.ts';

/**
 * The backup file: a magic line, one line of JSON (the manifest), then the database copy (payload):
 * SQLite's own file made with its online backup API, or a `pg_dump --format=custom` archive.
 * The manifest carries the payload's length and SHA-256, so a truncated or damaged file is refused
 * before anything is restored.
 */
const MAGIC = 'microcred-backup 1\n';
const MAX_MANIFEST = 64 * 1024;
export const SQLITE_FILE = 'microcred.sqlite';

export interface BackupManifest {
  format: 1;
  createdAt: string;
  dialect: Dialect;
  /** PostgreSQL: the schema that was dumped (restored under the same name). */
  schema?: string;
  payload: { kind: 'sqlite-file' | 'pg_dump-custom'; bytes: number; sha256: string };
  /** Which master key sealed the issuer keys in this database, and the key itself when asked for. */
  masterKey?: { fingerprint: string; value?: string };
}

/** A refusal the operator can act on (bad file, wrong target, missing tool): said in words, nothing touched. */
export class BackupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BackupError';
  }
}

export interface DatabaseLocation {
  dialect: Dialect;
  /** PostgreSQL URL (dialect postgres). */
  databaseUrl?: string;
  /** The data folder holding microcred.sqlite (dialect sqlite). */
  dataDir: string;
}

/**
 * Writes a backup of the database to `file` (mode 0600: it holds learner data). SQLite is copied with
 * its online backup API, page by page, so the server may keep running and writing meanwhile; PostgreSQL
 * with pg_dump (one consistent snapshot). The file appears complete or not at all (written beside, then renamed).
 */
export async function writeBackup(options: { location: DatabaseLocation; file: string; now: Date; masterKey?: BackupManifest['masterKey'] }): Promise<BackupManifest> {
  const { location, file } = options;
  const work = await mkdtemp(join(tmpdir(), 'microcred-backup-'));
  try {
    const copy = join(work, 'payload');
    let schema: string | undefined;
    if (location.dialect === 'sqlite') {
      const source = join(location.dataDir, SQLITE_FILE);
      if (!existsSync(source)) throw new BackupError(`there is no microcred database at ${source} (MICROCRED_DATA names the data folder).`);
      const database = new SQLite(source, { fileMustExist: true });
      try {
        await database.backup(copy);
      } finally {
        database.close();
      }
    } else {
      const url = requireUrl(location);
      schema = (await targetSchema(url)).name;
      await run('pg_dump', ['--format=custom', '--no-owner', '--no-privileges', `--schema=${schema}`, `--file=${copy}`], url);
    }
    const { bytes, sha256 } = await digestFile(copy);
    const manifest: BackupManifest = {
      format: 1,
      createdAt: options.now.toISOString(),
      dialect: location.dialect,
      ...(schema !== undefined ? { schema } : {}),
      payload: { kind: location.dialect === 'sqlite' ? 'sqlite-file' : 'pg_dump-custom', bytes, sha256 },
      ...(options.masterKey ? { masterKey: options.masterKey } : {}),
    };
    const partial = `${file}.partial`;
    const out = createWriteStream(partial, { mode: 0o600 });
    out.write(MAGIC);
    out.write(`${JSON.stringify(manifest)}\n`);
    await pipeline(createReadStream(copy), out);
    await rename(partial, file);
    return manifest;
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/** A backup file read and checked: its manifest, and its payload in a temporary file (call `dispose`). */
export interface CheckedBackup {
  manifest: BackupManifest;
  payloadFile: string;
  dispose(): Promise<void>;
}

/**
 * Reads a backup file and checks it whole: magic line, manifest, payload length and SHA-256, and
 * for SQLite the copy's own integrity check. Throws BackupError naming what is wrong; writes only
 * to a temporary folder.
 */
export async function readBackup(file: string): Promise<CheckedBackup> {
  let handle;
  try {
    handle = await open(file, 'r');
  } catch (error) {
    throw new BackupError(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message}`);
  }
  let headerLength: number;
  let manifest: BackupManifest;
  try {
    const head = Buffer.alloc(MAGIC.length + MAX_MANIFEST);
    const { bytesRead } = await handle.read(head, 0, head.length, 0);
    const text = head.subarray(0, bytesRead);
    if (text.subarray(0, MAGIC.length).toString('latin1') !== MAGIC) throw new BackupError(`${file} is not a microcred backup (it does not start with "${MAGIC.trim()}").`);
    const end = text.indexOf(0x0a, MAGIC.length);
    if (end < 0) throw new BackupError(`${file} is damaged or cut short: its description line is incomplete.`);
    try {
      manifest = JSON.parse(text.subarray(MAGIC.length, end).toString('utf8')) as BackupManifest;
    } catch {
      throw new BackupError(`${file} is damaged: its description line is not valid JSON.`);
    }
    assertManifest(manifest, file);
    headerLength = end + 1;
  } finally {
    await handle.close();
  }

  const work = await mkdtemp(join(tmpdir(), 'microcred-restore-'));
  const dispose = () => rm(work, { recursive: true, force: true });
  try {
    const payloadFile = join(work, 'payload');
    const { bytes, sha256 } = await digestStream(createReadStream(file, { start: headerLength }), payloadFile);
    if (bytes !== manifest.payload.bytes) {
      throw new BackupError(`${file} is cut short or padded: it holds ${bytes} bytes of database where its description says ${manifest.payload.bytes}.`);
    }
    if (sha256 !== manifest.payload.sha256) throw new BackupError(`${file} is damaged: the database copy in it does not match its checksum (SHA-256).`);
    if (manifest.dialect === 'sqlite') checkSqliteCopy(payloadFile, file);
    return { manifest, payloadFile, dispose };
  } catch (error) {
    await dispose();
    throw error;
  }
}

/**
 * Is the target empty? SQLite: the data folder holds nothing but, perhaps, a master key; PostgreSQL:
 * the target schema holds no table. Returns what was found there when it is not.
 */
export async function describeTarget(location: DatabaseLocation): Promise<{ empty: boolean; found: string }> {
  if (location.dialect === 'sqlite') {
    const entries = existsSync(location.dataDir) ? (await readdir(location.dataDir)).filter((name) => name !== 'master.key') : [];
    return { empty: entries.length === 0, found: `${location.dataDir} holds ${entries.slice(0, 3).join(', ')}${entries.length > 3 ? ', …' : ''}` };
  }
  const schema = await targetSchema(requireUrl(location));
  return { empty: schema.tables === 0, found: `schema ${schema.name} holds ${schema.tables} tables` };
}

/**
 * Puts a checked backup in place. SQLite: the copy replaces `microcred.sqlite` in one rename (its WAL
 * files removed first, so none is replayed over it). PostgreSQL: pg_restore in one transaction (with
 * `replace`, dropping the objects it restores first), so a failure leaves the database as it was.
 * The server must not be running on the target.
 */
export async function restoreBackup(backup: CheckedBackup, location: DatabaseLocation, options: { replace: boolean }): Promise<void> {
  if (backup.manifest.dialect !== location.dialect) {
    throw new BackupError(`the backup is of a ${backup.manifest.dialect} database, but the target is ${location.dialect} (${location.dialect === 'postgres' ? 'DATABASE_URL is set' : 'DATABASE_URL is not set'}).`);
  }
  if (location.dialect === 'sqlite') {
    await mkdir(location.dataDir, { recursive: true });
    const target = join(location.dataDir, SQLITE_FILE);
    const incoming = `${target}.restoring`;
    await copyFile(backup.payloadFile, incoming);
    for (const suffix of ['-wal', '-shm', '-journal']) await rm(`${target}${suffix}`, { force: true });
    await rename(incoming, target);
    return;
  }
  const url = requireUrl(location);
  const schema = await targetSchema(url);
  if (backup.manifest.schema !== undefined && schema.name !== backup.manifest.schema) {
    throw new BackupError(`the backup holds schema ${backup.manifest.schema}, but DATABASE_URL uses schema ${schema.name}; restore into a database whose search_path names ${backup.manifest.schema}.`);
  }
  // An existing, empty schema (`public` always exists in a new database) must not be created again:
  // restore from the archive's table of contents without its CREATE SCHEMA entry.
  const listArgs: string[] = [];
  if (schema.exists && !options.replace) {
    const toc = await run('pg_restore', ['--list', backup.payloadFile]);
    const list = `${backup.payloadFile}.list`;
    await writeFile(list, toc.split('\n').filter((line) => !new RegExp(`^\\d+; \\d+ \\d+ SCHEMA - ${schema.name} `).test(line)).join('\n'));
    listArgs.push(`--use-list=${list}`);
  }
  await run('pg_restore', [
    '--no-owner', '--no-privileges', '--exit-on-error', '--single-transaction',
    ...(options.replace ? ['--clean', '--if-exists'] : []),
    ...listArgs,
    backup.payloadFile,
  ], url);
}

function requireUrl(location: DatabaseLocation): string {
  if (!location.databaseUrl) throw new TypeError('databaseUrl is required for PostgreSQL');
  return location.databaseUrl;
}

/** The schema microcred uses on this connection (the first of search_path, existing or not) and its table count. */
async function targetSchema(url: string): Promise<{ name: string; tables: number; exists: boolean }> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 10_000 });
  try {
    await client.connect();
  } catch (error) {
    throw new BackupError(`cannot connect to DATABASE_URL: ${(error as Error).message}`);
  }
  try {
    const { rows } = await client.query<{ current: string | null; path: string }>("select current_schema() as current, current_setting('search_path') as path");
    const first = rows[0]!.path.split(',').map((part) => part.trim().replace(/^"(.*)"$/, '$1')).find((part) => part !== '' && part !== '$user');
    const name = rows[0]!.current ?? first ?? 'public';
    const counted = await client.query<{ n: number; exists: boolean }>(
      'select (select count(*)::int from pg_tables where schemaname = $1) as n, exists (select 1 from pg_namespace where nspname = $1) as exists', [name]);
    return { name, tables: counted.rows[0]!.n, exists: counted.rows[0]!.exists };
  } finally {
    await client.end();
  }
}

function assertManifest(manifest: BackupManifest, file: string): void {
  const bad = (what: string) => new BackupError(`${file} is damaged or of another version: ${what}.`);
  if (typeof manifest !== 'object' || manifest === null) throw bad('no description');
  if (manifest.format !== 1) throw bad(`format ${String(manifest.format)} is not one this version reads`);
  if (manifest.dialect !== 'sqlite' && manifest.dialect !== 'postgres') throw bad('unknown database kind');
  const payload = manifest.payload;
  if (typeof payload !== 'object' || payload === null || !Number.isSafeInteger(payload.bytes) || payload.bytes < 0 || typeof payload.sha256 !== 'string' || !/^[0-9a-f]{64}$/.test(payload.sha256)) {
    throw bad('the description of the database copy is incomplete');
  }
  if (manifest.schema !== undefined && (typeof manifest.schema !== 'string' || !/^[A-Za-z_][A-Za-z0-9_$]*$/.test(manifest.schema))) throw bad('the schema name is not valid');
  const key = manifest.masterKey;
  if (key !== undefined) {
    if (typeof key !== 'object' || key === null || typeof key.fingerprint !== 'string') throw bad('the master key description is incomplete');
    if (key.value !== undefined && (typeof key.value !== 'string' || Buffer.from(key.value, 'base64').length !== 32)) throw bad('the master key in it is not 32 bytes');
  }
}

/** The restored SQLite copy must be a sound microcred database before it replaces anything. */
function checkSqliteCopy(copy: string, file: string): void {
  let database: SQLite.Database | undefined;
  try {
    database = new SQLite(copy, { readonly: true, fileMustExist: true });
    const result = database.pragma('integrity_check', { simple: true });
    if (result !== 'ok') throw new BackupError(`${file} holds a damaged SQLite database (${String(result)}).`);
    const table = database.prepare("select name from sqlite_master where type = 'table' and name = 'credentials'").get();
    if (!table) throw new BackupError(`${file} holds an SQLite database that is not microcred's (no credentials table).`);
  } catch (error) {
    if (error instanceof BackupError) throw error;
    throw new BackupError(`${file} holds a damaged SQLite database: ${(error as Error).message}`);
  } finally {
    database?.close();
  }
}

async function digestFile(path: string): Promise<{ bytes: number; sha256: string }> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return { bytes: (await stat(path)).size, sha256: hash.digest('hex') };
}

/** Copies a stream to `path` while counting and hashing it. */
async function digestStream(source: NodeJS.ReadableStream, path: string): Promise<{ bytes: number; sha256: string }> {
  const hash = createHash('sha256');
  let bytes = 0;
  const tap = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      hash.update(chunk);
      bytes += chunk.length;
      callback(null, chunk);
    },
  });
  await pipeline(source, tap, createWriteStream(path, { mode: 0o600 }));
  return { bytes, sha256: hash.digest('hex') };
}

/**
 * Runs a PostgreSQL client tool against `url`; a missing tool or a failure is a BackupError in the
 * tool's own words. The password goes in the environment (PGPASSWORD), not on the command line,
 * where any user of the machine could read it.
 */
async function run(command: string, args: string[], url?: string): Promise<string> {
  const env = { ...process.env };
  const connection: string[] = [];
  if (url !== undefined) {
    const parsed = new URL(url);
    const password = decodeURIComponent(parsed.password);
    parsed.password = '';
    // node-postgres reads `+` in the query as a space (form encoding); libpq does not: write %20.
    const query = [...parsed.searchParams].map(([name, value]) => `${encodeURIComponent(name)}=${encodeURIComponent(value)}`).join('&');
    parsed.search = query ? `?${query}` : '';
    if (password) env.PGPASSWORD = password;
    connection.push(`--dbname=${parsed.toString()}`);
  }
  return await new Promise<string>((resolve, reject) => {
    const child = spawn(command, [...args, ...connection], { stdio: ['ignore', 'pipe', 'pipe'], env });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      if (stderr.length < 8192) stderr += chunk.toString('utf8');
    });
    child.on('error', (error: NodeJS.ErrnoException) => {
      reject(new BackupError(error.code === 'ENOENT'
        ? `${command} was not found; install the PostgreSQL client tools of your server's version (Debian: apt-get install postgresql-client).`
        : `${command} could not start: ${error.message}`));
    });
    child.on('close', (code) => {
      if (code === 0) resolve(stdout);
      // The tools' own words name the problem (version mismatch, permissions); passwords are not in them.
      else reject(new BackupError(`${command} failed (exit ${code}): ${stderr.trim().split('\n').slice(-3).join(' ')}`));
    });
  });
}
