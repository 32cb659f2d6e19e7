import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { ConfigError, loadConfig, type Config } from '../../config.ts';
import { findMasterKey, masterKeyFingerprint } from '../../services/vault.ts';
import { BackupError, describeTarget, readBackup, restoreBackup, writeBackup, type BackupManifest, type DatabaseLocation } from '../../store/backup.ts';
import { EXIT, UsageError } from '../errors.ts';
import { print, printJson, type Io } from '../output.ts';
import type { Command } from './types.ts';

const SETTINGS = `Settings (environment variables, as for \`microcred serve\`):
  MICROCRED_DATA (./data: the SQLite file and master.key), DATABASE_URL (PostgreSQL instead of
  SQLite; pg_dump / pg_restore of the server's version must be installed), MICROCRED_MASTER_KEY`;

function settings(io: Io): Config {
  try {
    return loadConfig(io.env, io.cwd);
  } catch (error) {
    if (error instanceof ConfigError) throw new UsageError(`configuration: ${error.message}`);
    throw error;
  }
}

function locationOf(config: Config): DatabaseLocation {
  return config.databaseUrl ? { dialect: 'postgres', databaseUrl: config.databaseUrl, dataDir: config.dataDir } : { dialect: 'sqlite', dataDir: config.dataDir };
}

function fileArgument(positionals: string[], io: Io, verb: string): string {
  if (positionals.length !== 1) throw new UsageError(`give one backup file: microcred ${verb} <file>`);
  return resolve(io.cwd, positionals[0]!);
}

/** Refusals are usage errors: exit 2 with the message, nothing written. */
async function refusing<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof BackupError) throw new UsageError(error.message);
    throw error;
  }
}

export const backup: Command = {
  name: 'backup',
  summary: 'copy the database (and, if asked, the master key) into one file, while the server runs',
  help: `Usage: microcred backup <file> [--include-master-key] [--force] [--json]

Writes a consistent copy of the database to <file> (mode 0600): for SQLite with its online backup
API, safe while the server runs and writes; for PostgreSQL with pg_dump (one snapshot of the schema
DATABASE_URL uses). The file records its length and SHA-256, so \`microcred restore\` refuses a
damaged or truncated copy.

The master key (MICROCRED_MASTER_KEY, or master.key in the data folder) seals every issuer's private
key. It is NOT put in the backup unless you ask: keep a copy of it apart from the backups, since a
backup without its key cannot sign again. The backup records the key's fingerprint, so a restore
knows whether the key at hand is the right one.

Options:
  --include-master-key   put the master key in the file too (the file then lets anyone holding it
                         sign as your issuers: keep it as secret as the key)
  --force                overwrite <file> if it exists
  --json                 print {"file", "dialect", "bytes", "sha256", "masterKey": {"included", "fingerprint", "location"}}

${SETTINGS}`,
  options: { 'include-master-key': { type: 'boolean' }, force: { type: 'boolean' }, json: { type: 'boolean' } },
  async run({ values, positionals }, io) {
    const file = fileArgument(positionals, io, 'backup');
    const config = settings(io);
    if (existsSync(file) && !values.force) throw new UsageError(`${file} already exists; refusing to overwrite it (use --force).`);
    const key = findMasterKey({ configured: config.masterKey, dataDir: config.dataDir });
    if (values['include-master-key'] && !key) throw new UsageError(`there is no master key to include: MICROCRED_MASTER_KEY is not set and ${join(config.dataDir, 'master.key')} does not exist.`);
    const masterKey: BackupManifest['masterKey'] = key
      ? { fingerprint: masterKeyFingerprint(key.key), ...(values['include-master-key'] ? { value: Buffer.from(key.key).toString('base64') } : {}) }
      : undefined;
    const manifest = await refusing(() => writeBackup({ location: locationOf(config), file, now: (io.now ?? (() => new Date()))(), ...(masterKey ? { masterKey } : {}) }));
    const included = manifest.masterKey?.value !== undefined;
    if (values.json) {
      printJson(io, {
        file, dialect: manifest.dialect, bytes: manifest.payload.bytes, sha256: manifest.payload.sha256,
        masterKey: { included, fingerprint: manifest.masterKey?.fingerprint ?? null, location: key?.location ?? null },
      });
      return EXIT.ok;
    }
    print(io, `Backed up the ${manifest.dialect === 'sqlite' ? 'SQLite' : 'PostgreSQL'} database to ${file} (${manifest.payload.bytes} bytes, SHA-256 ${manifest.payload.sha256}).`);
    if (!key) print(io, 'There is no master key yet (no issuer key has been sealed), so there is nothing more to keep.');
    else if (included) print(io, `The master key (fingerprint ${manifest.masterKey!.fingerprint}) IS in this file: anyone holding it can sign as your issuers. Keep it as secret as the key.`);
    else {
      print(io, `The master key is NOT in this file. It is ${key.location} (fingerprint ${manifest.masterKey!.fingerprint}).`);
      print(io, 'Keep a copy of it apart from the backup: without it the issuer keys in the backup cannot be opened (or use --include-master-key).');
    }
    return EXIT.ok;
  },
};

export const restore: Command = {
  name: 'restore',
  summary: 'put a backup in place in an empty data folder or database (the server stopped)',
  help: `Usage: microcred restore <file> [--force] [--json]

Restores a backup made by \`microcred backup\` into the configured data folder (SQLite) or database
(PostgreSQL: pg_restore in one transaction). Stop the server on the target first. The whole file is
checked before anything is touched: a damaged, truncated or foreign file is refused and nothing changes.

The target must be empty (a data folder with nothing but, perhaps, master.key; a schema without
tables) unless --force is given, which replaces what is there.

Master key: the issuer keys in the backup open only with the master key that sealed them.
  - If the backup holds the key (\`backup --include-master-key\`), it is written to
    <data>/master.key (mode 0600), unless MICROCRED_MASTER_KEY is set (it must then be the same key).
  - If not, the key must be at hand before the restore: MICROCRED_MASTER_KEY, or master.key copied
    into the data folder. The restore refuses to start when the key at hand is absent or another one.

Options:
  --force   replace a non-empty data folder or database
  --json    print {"file", "dialect", "createdAt", "masterKey": {"fingerprint", "source"}}

${SETTINGS}`,
  options: { force: { type: 'boolean' }, json: { type: 'boolean' } },
  async run({ values, positionals }, io) {
    const file = fileArgument(positionals, io, 'restore');
    const config = settings(io);
    const location = locationOf(config);
    return await refusing(async () => {
      const checked = await readBackup(file);
      try {
        const { manifest } = checked;
        if (manifest.dialect !== location.dialect) {
          throw new BackupError(`the backup is of a ${manifest.dialect} database, but the target is ${location.dialect} (${location.dialect === 'postgres' ? 'DATABASE_URL is set' : 'DATABASE_URL is not set'}).`);
        }
        const target = await describeTarget(location);
        if (!target.empty && !values.force) throw new BackupError(`the target is not empty (${target.found}); refusing to restore over it (use --force to replace it).`);
        const plan = planMasterKey(manifest, config, Boolean(values.force));
        await restoreBackup(checked, location, { replace: !target.empty });
        if (plan.write) {
          await mkdir(config.dataDir, { recursive: true });
          await writeFile(plan.write.file, `${plan.write.value}\n`, { mode: 0o600 });
        }
        if (values.json) printJson(io, { file, dialect: manifest.dialect, createdAt: manifest.createdAt, masterKey: { fingerprint: manifest.masterKey?.fingerprint ?? null, source: plan.source } });
        else {
          print(io, `Restored the ${manifest.dialect === 'sqlite' ? 'SQLite' : 'PostgreSQL'} backup of ${manifest.createdAt} into ${location.dialect === 'sqlite' ? config.dataDir : 'DATABASE_URL'}.`);
          print(io, plan.message);
        }
        return EXIT.ok;
      } finally {
        await checked.dispose();
      }
    });
  },
};

/** What the restore does about the master key, decided (and refused) before anything is written. */
function planMasterKey(manifest: BackupManifest, config: Config, force: boolean): { source: string; message: string; write?: { file: string; value: string } } {
  const recorded = manifest.masterKey;
  const file = join(config.dataDir, 'master.key');
  let present: ReturnType<typeof findMasterKey>;
  try {
    present = findMasterKey({ configured: config.masterKey, dataDir: config.dataDir });
  } catch (error) {
    throw new BackupError((error as Error).message);
  }
  if (!recorded) return { source: 'none', message: 'The backup was made before any issuer key was sealed: there is no master key to match.' };
  const presentPrint = present ? masterKeyFingerprint(present.key) : undefined;
  if (recorded.value !== undefined) {
    if (config.masterKey) {
      if (presentPrint !== recorded.fingerprint) {
        throw new BackupError(`MICROCRED_MASTER_KEY is another key (fingerprint ${presentPrint}) than the one in the backup (${recorded.fingerprint}); the server would not open the restored issuer keys. Unset it, or set it to the backup's key.`);
      }
      return { source: 'MICROCRED_MASTER_KEY', message: 'MICROCRED_MASTER_KEY is the key in the backup: the issuer keys will open.' };
    }
    if (present && presentPrint !== recorded.fingerprint && !force) {
      throw new BackupError(`${file} is another master key (fingerprint ${presentPrint}) than the one in the backup (${recorded.fingerprint}); refusing to replace it (use --force).`);
    }
    return { source: 'backup', message: `The master key from the backup was written to ${file} (mode 0600).`, write: { file, value: recorded.value } };
  }
  if (!present) {
    throw new BackupError(
      `the backup does not hold the master key (fingerprint ${recorded.fingerprint}) that seals its issuer keys, and none is at hand: `
      + `set MICROCRED_MASTER_KEY to it, or copy its master.key into ${config.dataDir} first, then restore again. `
      + 'Without it the restored issuers could not sign. (A backup made with --include-master-key carries it.)',
    );
  }
  if (presentPrint !== recorded.fingerprint) {
    throw new BackupError(`the master key at hand (${present.location}, fingerprint ${presentPrint}) is not the one that sealed the backup's issuer keys (${recorded.fingerprint}); the restored issuers could not sign. Give the right key and restore again.`);
  }
  return { source: present.location, message: `The master key at hand (${present.location}) is the one that sealed the backup's issuer keys.` };
}
