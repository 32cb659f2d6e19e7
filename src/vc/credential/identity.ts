import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** OB 3.0 IdentityObject (§B.1.22): a recipient identifier, usually a salted hash of an e-mail address. */
export interface IdentityObject {
  type: 'IdentityObject';
  /** `sha256$<hex>` or `md5$<hex>` when hashed, else the plaintext identifier. */
  identityHash: string;
  /** e.g. `emailAddress`, `did`, `url`, `phoneNumber`, `studentId`, or `ext:…`. */
  identityType: string;
  hashed: boolean;
  salt?: string;
}

/**
 * One form per address: Unicode NFC (the composed and decomposed forms of `josé` are one address),
 * trimmed, and lower-cased as a whole. The domain is case-insensitive by definition; the local part
 * is too in practice (RFC 5321 §2.4 leaves it to the receiving server, and none we know of tells
 * `Ana` from `ana`), and microcred has always compared whole addresses lower-cased. Look-alikes from
 * other scripts (Cyrillic `а` for Latin `a`) stay different addresses, as they are for mail servers.
 */
export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase().normalize('NFC');
}

function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/**
 * Hashes an e-mail address into an OB 3.0 IdentityObject: `sha256$` + hex(SHA-256(email + salt)),
 * the e-mail being trimmed and lower-cased first. A random 16-byte hex salt is used when none is given.
 *
 * @example
 *   hashEmailIdentity({ email: 'Ana@Example.org', salt: 'abc' })
 *   // → { type: 'IdentityObject', identityHash: 'sha256$…', identityType: 'emailAddress', hashed: true, salt: 'abc' }
 */
export function hashEmailIdentity(options: { email: string; salt?: string }): IdentityObject {
  const { email, salt = randomBytes(16).toString('hex') } = options ?? {};
  if (typeof email !== 'string' || !email.includes('@')) throw new TypeError('email must be an e-mail address.');
  if (typeof salt !== 'string') throw new TypeError('salt must be a string.');
  return {
    type: 'IdentityObject',
    identityHash: `sha256$${sha256Hex(normaliseEmail(email) + salt)}`,
    identityType: 'emailAddress',
    hashed: true,
    salt,
  };
}

function equalText(a: string, b: string): boolean {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * True when the IdentityObject identifies the given e-mail address (OB 3.0 §B.1.22, IdentityHash:
 * `sha256$` or `md5$` over identity + salt, or the plaintext identity when `hashed` is false).
 * The address is tried normalised (trimmed, lower-case) and as given. Returns false, never throws, for
 * a malformed identity object.
 */
export function matchesIdentity(options: { identity: unknown; email: string }): boolean {
  const { identity, email } = options ?? {};
  if (typeof email !== 'string') throw new TypeError('email must be a string.');
  if (typeof identity !== 'object' || identity === null) return false;
  const { identityHash, identityType, hashed, salt } = identity as Record<string, unknown>;
  if (typeof identityHash !== 'string') return false;
  if (identityType !== undefined && identityType !== 'emailAddress') return false;
  const candidates = [...new Set([normaliseEmail(email), email.trim(), email])];
  if (hashed !== true) {
    return candidates.some((c) => c.toLowerCase() === identityHash.trim().toLowerCase());
  }
  const match = /^(sha256|md5)\$([0-9a-fA-F]+)$/.exec(identityHash);
  if (!match) return false;
  const [, algorithm, hex] = match as unknown as [string, string, string];
  const saltText = typeof salt === 'string' ? salt : '';
  return candidates.some((c) =>
    equalText(createHash(algorithm).update(c + saltText, 'utf8').digest('hex'), hex.toLowerCase()),
  );
}
