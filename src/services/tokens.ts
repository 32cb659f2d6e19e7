import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** A random token for cookies, claim links and API keys (256 bits, base64url). */
export function randomToken(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

export function sha256Hex(text: string | Uint8Array): string {
  return createHash('sha256').update(text).digest('hex');
}

export function safeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/** API keys read `mck_<id>_<secret>`: the id finds the row, the secret is compared by hash. */
export function formatApiKey(id: string, secret: string): string {
  return `mck_${id.replaceAll('-', '')}_${secret}`;
}

export function parseApiKey(key: string): { compactId: string; secret: string } | undefined {
  const match = /^mck_([0-9a-f]{32})_([A-Za-z0-9_-]{20,100})$/.exec(key);
  return match ? { compactId: match[1]!, secret: match[2]! } : undefined;
}

export function expandUuid(compact: string): string {
  return `${compact.slice(0, 8)}-${compact.slice(8, 12)}-${compact.slice(12, 16)}-${compact.slice(16, 20)}-${compact.slice(20)}`;
}
