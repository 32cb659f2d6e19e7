import { createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';
import { multibaseDecode, multibaseEncode } from '../multibase.ts';
import type { Signer } from '../types.ts';

// Multicodec prefixes (varint): ed25519-pub 0xed, ed25519-priv 0x1300.
const ED25519_PUB_PREFIX = [0xed, 0x01];
const ED25519_PRIV_PREFIX = [0x80, 0x26];
// DER wrappers for a raw 32-byte key (RFC 8410).
const SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');
const PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

/** An Ed25519 key pair in the W3C Multikey form (Controlled Identifiers 1.0 §2.2.2). */
export interface Ed25519Multikey {
  type: 'Multikey';
  /** Verification method id, e.g. `did:key:z6Mk…#z6Mk…`. */
  id: string;
  controller: string;
  publicKeyMultibase: string;
  /** Present only on private key material; never publish it. */
  secretKeyMultibase?: string;
}

/** Encodes a 32-byte Ed25519 public key as a Multikey `z6Mk…` string. */
export function encodePublicKeyMultibase(publicKey: Uint8Array): string {
  if (publicKey.length !== 32) throw new TypeError('An Ed25519 public key is 32 bytes.');
  return multibaseEncode(Uint8Array.from([...ED25519_PUB_PREFIX, ...publicKey]));
}

/** The raw 32-byte public key of a `z6Mk…` Multikey string, or undefined if it is not one. */
export function decodePublicKeyMultibase(text: unknown): Uint8Array | undefined {
  const bytes = multibaseDecode(text);
  if (!bytes || bytes.length !== 34 || bytes[0] !== 0xed || bytes[1] !== 0x01) return undefined;
  return bytes.slice(2);
}

export function encodeSecretKeyMultibase(seed: Uint8Array): string {
  if (seed.length !== 32) throw new TypeError('An Ed25519 private key seed is 32 bytes.');
  return multibaseEncode(Uint8Array.from([...ED25519_PRIV_PREFIX, ...seed]));
}

/** The 32-byte seed of a secret key multibase (accepts seed-only and seed‖public forms). */
export function decodeSecretKeyMultibase(text: unknown): Uint8Array | undefined {
  const bytes = multibaseDecode(text);
  if (!bytes || bytes[0] !== 0x80 || bytes[1] !== 0x26) return undefined;
  if (bytes.length !== 34 && bytes.length !== 66) return undefined;
  return bytes.slice(2, 34);
}

export function publicKeyObject(publicKey: Uint8Array): KeyObject {
  return createPublicKey({ key: Buffer.concat([SPKI_PREFIX, publicKey]), format: 'der', type: 'spki' });
}

export function privateKeyObject(seed: Uint8Array): KeyObject {
  return createPrivateKey({ key: Buffer.concat([PKCS8_PREFIX, seed]), format: 'der', type: 'pkcs8' });
}

/** Raw 32-byte public key of a private key seed. */
export function publicKeyFromSeed(seed: Uint8Array): Uint8Array {
  const spki = createPublicKey(privateKeyObject(seed)).export({ format: 'der', type: 'spki' });
  return new Uint8Array(spki.subarray(SPKI_PREFIX.length));
}

/** Generates a fresh key pair: raw 32-byte seed and public key. */
export function generateEd25519(): { seed: Uint8Array; publicKey: Uint8Array } {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const pkcs8 = privateKey.export({ format: 'der', type: 'pkcs8' });
  const spki = publicKey.export({ format: 'der', type: 'spki' });
  return {
    seed: new Uint8Array(pkcs8.subarray(PKCS8_PREFIX.length)),
    publicKey: new Uint8Array(spki.subarray(SPKI_PREFIX.length)),
  };
}

/**
 * A signer over node:crypto. The KeyObject is built once: importing the key on every call costs
 * ten times the signature itself.
 */
export function createEd25519Signer(options: { id: string; seed: Uint8Array }): Signer {
  const key = privateKeyObject(options.seed);
  return {
    id: options.id,
    algorithm: 'Ed25519',
    async sign(data: Uint8Array) {
      return new Uint8Array(sign(null, data, key));
    },
  };
}

/** Signs synchronously (for hot loops that cannot afford a promise per signature). */
export function signEd25519Sync(key: KeyObject, data: Uint8Array): Uint8Array {
  return new Uint8Array(sign(null, data, key));
}

/** Verifies an Ed25519 signature; false (never a throw) on malformed keys or signatures. */
export function verifyEd25519(publicKey: Uint8Array | KeyObject, data: Uint8Array, signature: Uint8Array): boolean {
  try {
    if (signature.length !== 64) return false;
    const key = publicKey instanceof Uint8Array ? publicKeyObject(publicKey) : publicKey;
    return verify(null, data, key, signature);
  } catch {
    return false;
  }
}

/** A signer from a stored Multikey with its secret. Throws TypeError when the secret is missing or bad. */
export function signerFromMultikey(key: Ed25519Multikey): Signer {
  const seed = decodeSecretKeyMultibase(key.secretKeyMultibase);
  if (!seed) throw new TypeError('The key has no valid Ed25519 secretKeyMultibase.');
  const expected = decodePublicKeyMultibase(key.publicKeyMultibase);
  const actual = publicKeyFromSeed(seed);
  if (!expected || Buffer.compare(Buffer.from(expected), Buffer.from(actual)) !== 0) {
    throw new TypeError('The key’s secretKeyMultibase does not match its publicKeyMultibase.');
  }
  return createEd25519Signer({ id: key.id, seed });
}

/**
 * A bounded cache of imported Ed25519 public keys (least recently used out first). Importing a key
 * from DER costs several times the verification itself, and a verifier sees the same issuers again
 * and again.
 */
export class PublicKeyCache {
  readonly #entries = new Map<string, KeyObject>();
  readonly #maxEntries: number;

  constructor(maxEntries = 1024) {
    if (!Number.isInteger(maxEntries) || maxEntries < 1) throw new TypeError('maxEntries must be a positive whole number.');
    this.#maxEntries = maxEntries;
  }

  /** The key object for a raw 32-byte public key, or undefined when it is not a valid key. */
  get(publicKey: Uint8Array): KeyObject | undefined {
    const id = Buffer.from(publicKey).toString('base64');
    const found = this.#entries.get(id);
    if (found) {
      this.#entries.delete(id);
      this.#entries.set(id, found);
      return found;
    }
    let key: KeyObject;
    try {
      key = publicKeyObject(publicKey);
    } catch {
      return undefined;
    }
    this.#entries.set(id, key);
    if (this.#entries.size > this.#maxEntries) this.#entries.delete(this.#entries.keys().next().value!);
    return key;
  }

  get size(): number {
    return this.#entries.size;
  }
}
