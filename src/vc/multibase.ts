/**
 * Multibase (draft-multiformats-multibase) for the two bases credentials use: base58btc (`z`) and
 * base64url without padding (`u`). Decoders return undefined on malformed input, never throw.
 */

const B58_ALPHABET = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';
const B58_MAP = new Int8Array(128).fill(-1);
for (let i = 0; i < B58_ALPHABET.length; i++) B58_MAP[B58_ALPHABET.charCodeAt(i)] = i;

export function base58btcEncode(bytes: Uint8Array): string {
  let zeros = 0;
  while (zeros < bytes.length && bytes[zeros] === 0) zeros++;
  // log(256) / log(58) ≈ 1.366
  const size = Math.ceil(((bytes.length - zeros) * 138) / 100) + 1;
  const digits = new Uint8Array(size);
  let length = 0;
  for (let i = zeros; i < bytes.length; i++) {
    let carry = bytes[i]!;
    let j = 0;
    for (let k = size - 1; (carry !== 0 || j < length) && k >= 0; k--, j++) {
      carry += 256 * digits[k]!;
      digits[k] = carry % 58;
      carry = Math.floor(carry / 58);
    }
    length = j;
  }
  let start = size - length;
  while (start < size && digits[start] === 0) start++;
  let out = '1'.repeat(zeros);
  for (let i = start; i < size; i++) out += B58_ALPHABET[digits[i]!];
  return out;
}

/** Decodes base58btc; undefined on a character outside the alphabet or an absurd length. */
export function base58btcDecode(text: string, maxLength = 4096): Uint8Array | undefined {
  if (typeof text !== 'string' || text.length > maxLength) return undefined;
  let zeros = 0;
  while (zeros < text.length && text[zeros] === '1') zeros++;
  const size = Math.ceil(((text.length - zeros) * 733) / 1000) + 1; // log(58)/log(256)
  const bytes = new Uint8Array(size);
  let length = 0;
  // Up to five digits at a time (58^5 < 2^30, so carry stays an exact double): a fifth of the passes
  // over the bytes of the plain digit-by-digit method, for signatures decoded on every verification.
  for (let i = zeros; i < text.length; ) {
    let chunk = 0;
    let multiplier = 1;
    for (let n = 0; n < 5 && i < text.length; n++, i++) {
      const code = text.charCodeAt(i);
      const value = code < 128 ? B58_MAP[code]! : -1;
      if (value < 0) return undefined;
      chunk = chunk * 58 + value;
      multiplier *= 58;
    }
    let carry = chunk;
    let j = 0;
    for (let k = size - 1; (carry !== 0 || j < length) && k >= 0; k--, j++) {
      carry += multiplier * bytes[k]!;
      bytes[k] = carry % 256;
      carry = Math.floor(carry / 256);
    }
    length = j;
  }
  let start = size - length;
  while (start < size && bytes[start] === 0) start++;
  const out = new Uint8Array(zeros + (size - start));
  out.set(bytes.subarray(start), zeros);
  return out;
}

export function base64urlEncode(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64url');
}

/** Decodes unpadded base64url; undefined if the text has characters outside the alphabet. */
export function base64urlDecode(text: string): Uint8Array | undefined {
  if (typeof text !== 'string' || !/^[A-Za-z0-9_-]*$/.test(text) || text.length % 4 === 1) return undefined;
  return new Uint8Array(Buffer.from(text, 'base64url'));
}

/** Multibase-encodes with base58btc (`z…`) or base64url (`u…`). */
export function multibaseEncode(bytes: Uint8Array, base: 'base58btc' | 'base64url' = 'base58btc'): string {
  return base === 'base58btc' ? `z${base58btcEncode(bytes)}` : `u${base64urlEncode(bytes)}`;
}

/** Decodes a `z` or `u` multibase string; undefined for any other prefix or bad characters. */
export function multibaseDecode(text: unknown): Uint8Array | undefined {
  if (typeof text !== 'string' || text.length === 0) return undefined;
  if (text[0] === 'z') return base58btcDecode(text.slice(1), 1 << 20);
  if (text[0] === 'u') return base64urlDecode(text.slice(1));
  return undefined;
}
