import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Encrypts private keys at rest (AES-256-GCM under the master key). */
export interface KeyVault {
  seal(secret: Uint8Array): string;
  open(sealed: string): Uint8Array;
}

export function createKeyVault(masterKey: Uint8Array): KeyVault {
  if (masterKey.length !== 32) throw new TypeError('master key must be 32 bytes');
  const key = Buffer.from(masterKey);
  return {
    seal(secret) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      const body = Buffer.concat([cipher.update(secret), cipher.final()]);
      return `v1.${Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64')}`;
    },
    open(sealed) {
      if (!sealed.startsWith('v1.')) throw new Error('sealed secret has an unknown format');
      const raw = Buffer.from(sealed.slice(3), 'base64');
      const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, 12));
      decipher.setAuthTag(raw.subarray(12, 28));
      return new Uint8Array(Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]));
    },
  };
}

/**
 * The master key: the configured one, else `master.key` in the data folder, created (mode 0600) on
 * first run. Several nodes on one PostgreSQL must be given the same MICROCRED_MASTER_KEY.
 */
export function loadMasterKey(options: { configured?: string; dataDir: string }): Uint8Array {
  if (options.configured) return new Uint8Array(Buffer.from(options.configured, 'base64'));
  const file = join(options.dataDir, 'master.key');
  if (existsSync(file)) {
    const key = Buffer.from(readFileSync(file, 'utf8').trim(), 'base64');
    if (key.length !== 32) throw new Error(`${file} does not hold a base64 32-byte key`);
    return new Uint8Array(key);
  }
  mkdirSync(options.dataDir, { recursive: true });
  const key = randomBytes(32);
  writeFileSync(file, `${key.toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
  return new Uint8Array(key);
}

/**
 * Names a master key without revealing it (SHA-256 of a label and the key, 16 hex digits): a backup
 * records it, so a restore can tell whether the key at hand opens the issuer keys in it.
 */
export function masterKeyFingerprint(key: Uint8Array): string {
  return createHash('sha256').update('microcred master key\n').update(key).digest('hex').slice(0, 16);
}

/** Where the master key comes from, and the key, without creating one (unlike loadMasterKey). */
export function findMasterKey(options: { configured?: string; dataDir: string }): { key: Uint8Array; location: string } | undefined {
  if (options.configured) return { key: new Uint8Array(Buffer.from(options.configured, 'base64')), location: 'the MICROCRED_MASTER_KEY setting' };
  const file = join(options.dataDir, 'master.key');
  if (!existsSync(file)) return undefined;
  const key = Buffer.from(readFileSync(file, 'utf8').trim(), 'base64');
  if (key.length !== 32) throw new Error(`${file} does not hold a base64 32-byte key`);
  return { key: new Uint8Array(key), location: file };
}
