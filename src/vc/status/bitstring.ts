import { gunzipSync, gzipSync } from 'node:zlib';
import { base64urlDecode, base64urlEncode } from '../multibase.ts';

/** Bitstring Status List §6.1 (herd privacy): a list holds at least 131,072 entries. */
export const MIN_STATUS_LIST_ENTRIES = 131_072;
/** A real list is 16 KiB to a few MiB; anything that inflates beyond this is refused (gzip bombs). */
export const DEFAULT_MAX_DECODED_BYTES = 16 * 1024 * 1024;
/** Bits per entry this implementation reads and writes. The spec allows any size; 8 covers 256 states. */
export const MAX_STATUS_SIZE = 8;

export type StatusListErrorCode =
  | 'MALFORMED_VALUE_ERROR'
  | 'STATUS_LIST_LENGTH_ERROR'
  | 'STATUS_LIST_TOO_LARGE';

/** Why an encoded list could not be read. Returned (not thrown) by `decodeStatusList`. */
export class StatusListError extends Error {
  readonly code: StatusListErrorCode;
  constructor(code: StatusListErrorCode, message: string) {
    super(message);
    this.name = 'StatusListError';
    this.code = code;
  }
}

export interface StatusBitstringOptions {
  /** Number of entries (credentials) the list holds. Default and minimum: 131,072. */
  length?: number;
  /** Bits per entry, 1 to 8. Default 1. */
  statusSize?: number;
  /** Allows fewer than 131,072 entries. Only for tests: short lists break herd privacy (§6.1). */
  allowShort?: boolean;
}

/**
 * A status bitstring (Bitstring Status List §3.1): entry `i` occupies bits `i·statusSize …
 * (i+1)·statusSize − 1`, and bit 0 is the left-most (most significant) bit of the first byte (§4.1).
 *
 * @example
 *   const list = new StatusBitstring();
 *   list.set(94567, 1);
 *   const encodedList = list.encode(); // 'uH4sI…'
 */
export class StatusBitstring {
  /** Number of entries. */
  readonly length: number;
  readonly statusSize: number;
  readonly #bytes: Uint8Array;

  constructor(options: StatusBitstringOptions = {}) {
    const statusSize = options.statusSize ?? 1;
    assertStatusSize(statusSize);
    const length = options.length ?? MIN_STATUS_LIST_ENTRIES;
    if (!Number.isSafeInteger(length) || length <= 0) {
      throw new TypeError('The status list length must be a positive whole number.');
    }
    if (length < MIN_STATUS_LIST_ENTRIES && !options.allowShort) {
      throw new TypeError(
        `A status list must hold at least ${MIN_STATUS_LIST_ENTRIES} entries so that one credential cannot be singled out (Bitstring Status List §6.1).`,
      );
    }
    const bytes = Math.ceil((length * statusSize) / 8);
    if (bytes > DEFAULT_MAX_DECODED_BYTES) throw new TypeError('The status list is larger than 16 MiB.');
    this.length = length;
    this.statusSize = statusSize;
    this.#bytes = new Uint8Array(bytes);
  }

  /** Wraps already-expanded bytes (the list holds as many whole entries as the bytes carry). */
  static fromBytes(options: { bytes: Uint8Array; statusSize?: number; allowShort?: boolean }): StatusBitstring {
    if (!(options.bytes instanceof Uint8Array) || options.bytes.length === 0) {
      throw new TypeError('bytes must be a non-empty Uint8Array.');
    }
    const statusSize = options.statusSize ?? 1;
    assertStatusSize(statusSize);
    const length = Math.floor((options.bytes.length * 8) / statusSize);
    const list = new StatusBitstring({ length, statusSize, allowShort: true });
    if (length < MIN_STATUS_LIST_ENTRIES && !options.allowShort) {
      throw new TypeError(`A status list must hold at least ${MIN_STATUS_LIST_ENTRIES} entries.`);
    }
    list.#bytes.set(options.bytes.subarray(0, list.#bytes.length));
    return list;
  }

  /** The status value of one entry (0 … 2^statusSize − 1). */
  get(index: number): number {
    this.#assertIndex(index);
    let value = 0;
    const start = index * this.statusSize;
    for (let bit = start; bit < start + this.statusSize; bit++) {
      value = (value << 1) | ((this.#bytes[bit >> 3]! >> (7 - (bit & 7))) & 1);
    }
    return value;
  }

  /** Sets one entry. `true`/`false` stand for 1/0. The most significant bit of the value comes first. */
  set(index: number, value: number | boolean): void {
    this.#assertIndex(index);
    const numeric = typeof value === 'boolean' ? Number(value) : value;
    if (!Number.isInteger(numeric) || numeric < 0 || numeric >= 2 ** this.statusSize) {
      throw new TypeError(`A status value must be a whole number from 0 to ${2 ** this.statusSize - 1}.`);
    }
    const start = index * this.statusSize;
    for (let offset = 0; offset < this.statusSize; offset++) {
      const bit = start + offset;
      const mask = 0x80 >> (bit & 7);
      const on = (numeric >> (this.statusSize - 1 - offset)) & 1;
      this.#bytes[bit >> 3] = on ? this.#bytes[bit >> 3]! | mask : this.#bytes[bit >> 3]! & ~mask;
    }
  }

  /** A copy of the uncompressed bitstring. */
  toBytes(): Uint8Array {
    return this.#bytes.slice();
  }

  /** The `encodedList` value: multibase base64url (no padding) of the GZIP-compressed bitstring (§3.1). */
  encode(): string {
    return `u${base64urlEncode(gzipSync(this.#bytes))}`;
  }

  #assertIndex(index: number): void {
    if (!Number.isSafeInteger(index) || index < 0 || index >= this.length) {
      throw new TypeError(`The status list index must be a whole number from 0 to ${this.length - 1}.`);
    }
  }
}

export interface DecodeStatusListOptions {
  encodedList: unknown;
  statusSize?: number;
  /** Upper bound on the inflated size. Default 16 MiB. */
  maxDecodedBytes?: number;
  /** Lower bound on the number of entries (§3.2 step 9). Default 131,072. */
  minimumEntries?: number;
  /**
   * `true` (Bitstring Status List) requires the multibase `u` prefix; `false` reads plain base64url
   * (legacy StatusList2021); `'auto'` accepts either. Default `true`.
   */
  multibase?: boolean | 'auto';
}

export type DecodeStatusListResult = { ok: true; list: StatusBitstring } | { ok: false; error: StatusListError };

// The gzip member header (1f 8b 08) in base64url.
const GZIP_BASE64_START = 'H4sI';

/**
 * Expands an `encodedList` (Bitstring Status List §3.2 "Bitstring Expansion Algorithm") into a
 * `StatusBitstring`. Never throws on bad input: the result says what was wrong. Decompression stops
 * at `maxDecodedBytes`, so a gzip bomb costs at most that much memory.
 */
export function decodeStatusList(options: DecodeStatusListOptions): DecodeStatusListResult {
  const statusSize = options.statusSize ?? 1;
  assertStatusSize(statusSize);
  const maxDecodedBytes = options.maxDecodedBytes ?? DEFAULT_MAX_DECODED_BYTES;
  if (!Number.isSafeInteger(maxDecodedBytes) || maxDecodedBytes <= 0) {
    throw new TypeError('maxDecodedBytes must be a positive whole number.');
  }
  const minimumEntries = options.minimumEntries ?? MIN_STATUS_LIST_ENTRIES;
  const fail = (code: StatusListErrorCode, message: string): DecodeStatusListResult => ({
    ok: false,
    error: new StatusListError(code, message),
  });

  const encoded = options.encodedList;
  if (typeof encoded !== 'string' || encoded.length === 0) {
    return fail('MALFORMED_VALUE_ERROR', 'The status list has no encoded list.');
  }
  // Compressed data is never larger than the inflated limit plus a little; a longer text is refused unread.
  if (encoded.length > Math.ceil((maxDecodedBytes * 4) / 3) + 1024) {
    return fail('STATUS_LIST_TOO_LARGE', 'The status list is too large to be read.');
  }
  const mode = options.multibase ?? true;
  let text: string;
  if (encoded[0] === 'u' && (mode === true || (mode === 'auto' && encoded.startsWith(`u${GZIP_BASE64_START}`)))) {
    text = encoded.slice(1);
  } else if (mode === true) {
    return fail('MALFORMED_VALUE_ERROR', 'The status list is not encoded as the standard requires (it must start with “u”).');
  } else {
    text = encoded;
  }
  const compressed = base64urlDecode(text.replace(/={1,2}$/, ''));
  if (!compressed || compressed.length === 0) {
    return fail('MALFORMED_VALUE_ERROR', 'The status list is not valid base64url text.');
  }

  let bytes: Buffer;
  try {
    bytes = gunzipSync(compressed, { maxOutputLength: maxDecodedBytes });
  } catch (error) {
    if ((error as { code?: unknown }).code === 'ERR_BUFFER_TOO_LARGE' || error instanceof RangeError) {
      return fail(
        'STATUS_LIST_TOO_LARGE',
        `The status list expands to more than ${maxDecodedBytes} bytes, so it was not read (a real list is far smaller).`,
      );
    }
    return fail('MALFORMED_VALUE_ERROR', 'The status list is not valid GZIP-compressed data.');
  }
  const entries = Math.floor((bytes.length * 8) / statusSize);
  if (entries === 0 || entries < minimumEntries) {
    return fail(
      'STATUS_LIST_LENGTH_ERROR',
      `The status list holds ${entries} entries; at least ${minimumEntries} are required so that one credential cannot be singled out.`,
    );
  }
  const list = StatusBitstring.fromBytes({
    bytes: new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength),
    statusSize,
    allowShort: true,
  });
  return { ok: true, list };
}

function assertStatusSize(statusSize: unknown): asserts statusSize is number {
  if (typeof statusSize !== 'number' || !Number.isInteger(statusSize) || statusSize < 1 || statusSize > MAX_STATUS_SIZE) {
    throw new TypeError(`statusSize must be a whole number from 1 to ${MAX_STATUS_SIZE}.`);
  }
}
