/**
 * Baked PNG images: OB 3.0 §5.3.1 (iTXt chunk `openbadgecredential`) and the Open Badges 2.0 baking
 * spec (iTXt chunk `openbadges`). The parser treats every file as hostile: lengths are checked
 * against the file, every CRC is verified, chunks and decoded text are capped.
 */
import { crc32, inflateSync } from 'node:zlib';
import {
  MAX_CREDENTIAL_TEXT,
  credentialText,
  interpretBakedText,
  type BakeableCredential,
  type BakingStandard,
  type ExtractError,
  type ExtractResult,
  type ExtractedCredential,
} from './types.ts';

export const PNG_SIGNATURE = Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a);

/** OB 3.0 §5.3.1 keyword, and the OB 2.0 one. */
export const OB3_PNG_KEYWORD = 'openbadgecredential';
export const OB2_PNG_KEYWORD = 'openbadges';

const DEFAULT_MAX_BYTES = 64 * 1024 * 1024;
const MAX_CHUNKS = 100_000;
// PNG 1.2 §5.3: a chunk length is at most 2^31 - 1.
const MAX_CHUNK_LENGTH = 0x7fffffff;

interface Chunk {
  type: string;
  /** Offset of the chunk's length field in the file. */
  start: number;
  /** Offset just past the chunk's CRC. */
  end: number;
  data: Uint8Array;
}

type ParsedPng = { ok: true; chunks: Chunk[] } | ExtractError;

export function isPng(bytes: Uint8Array): boolean {
  if (bytes.length < PNG_SIGNATURE.length) return false;
  for (let i = 0; i < PNG_SIGNATURE.length; i++) if (bytes[i] !== PNG_SIGNATURE[i]) return false;
  return true;
}

function readU32(bytes: Uint8Array, offset: number): number {
  return ((bytes[offset]! << 24) | (bytes[offset + 1]! << 16) | (bytes[offset + 2]! << 8) | bytes[offset + 3]!) >>> 0;
}

function isChunkTypeByte(byte: number): boolean {
  return (byte >= 0x41 && byte <= 0x5a) || (byte >= 0x61 && byte <= 0x7a);
}

function parseChunks(bytes: Uint8Array, maxBytes: number): ParsedPng {
  if (!(bytes instanceof Uint8Array)) return { ok: false, error: 'The image must be given as bytes.' };
  if (bytes.length > maxBytes) return { ok: false, error: 'The image is larger than microcred accepts.' };
  if (!isPng(bytes)) return { ok: false, error: 'The file is not a PNG image (its signature is missing).' };
  const chunks: Chunk[] = [];
  let offset = PNG_SIGNATURE.length;
  for (;;) {
    if (chunks.length >= MAX_CHUNKS) return { ok: false, error: 'The PNG image has too many chunks to be read safely.' };
    if (offset + 12 > bytes.length) return { ok: false, error: 'The PNG image is truncated (it ends before its IEND chunk).' };
    const length = readU32(bytes, offset);
    if (length > MAX_CHUNK_LENGTH || offset + 12 + length > bytes.length) {
      return { ok: false, error: 'The PNG image is damaged: a chunk claims to be longer than the file.' };
    }
    for (let i = 4; i < 8; i++) {
      if (!isChunkTypeByte(bytes[offset + i]!)) return { ok: false, error: 'The PNG image is damaged: a chunk has an invalid type.' };
    }
    const type = String.fromCharCode(bytes[offset + 4]!, bytes[offset + 5]!, bytes[offset + 6]!, bytes[offset + 7]!);
    const crcStored = readU32(bytes, offset + 8 + length);
    // PNG 1.2 §5.3: the CRC covers the chunk type and data, not the length.
    if ((crc32(bytes.subarray(offset + 4, offset + 8 + length)) >>> 0) !== crcStored) {
      return { ok: false, error: `The PNG image is damaged: the checksum of its ${type} chunk does not match.` };
    }
    if (chunks.length === 0 && type !== 'IHDR') return { ok: false, error: 'The PNG image is damaged: it does not start with an IHDR chunk.' };
    chunks.push({ type, start: offset, end: offset + 12 + length, data: bytes.subarray(offset + 8, offset + 8 + length) });
    offset += 12 + length;
    if (type === 'IEND') return { ok: true, chunks };
  }
}

const latin1 = new TextDecoder('latin1');
const utf8 = new TextDecoder('utf-8', { fatal: true });

interface TextChunk {
  keyword: string;
  /** The decoded text, or an error when it could not be decoded. */
  text: string | ExtractError;
}

/** Decodes an iTXt (PNG 1.2 §11.3.4.5) or tEXt chunk whose keyword is in `keywords`; `budget` bounds inflation. */
function readTextChunk(chunk: Chunk, keywords: ReadonlySet<string>, budget: number): TextChunk | undefined {
  const data = chunk.data;
  const nul = data.indexOf(0);
  if (nul < 1 || nul > 79) return undefined;
  const keyword = latin1.decode(data.subarray(0, nul));
  if (!keywords.has(keyword)) return undefined;
  if (chunk.type === 'tEXt') {
    // OB 1.0 era images carried the hosted URL in a Latin-1 tEXt chunk.
    if (data.length - nul - 1 > budget) return { keyword, text: tooLarge() };
    return { keyword, text: latin1.decode(data.subarray(nul + 1)) };
  }
  let p = nul + 1;
  if (p + 2 > data.length) return { keyword, text: damaged(keyword) };
  const compressed = data[p]!;
  const method = data[p + 1]!;
  p += 2;
  const languageEnd = data.indexOf(0, p);
  if (languageEnd < 0) return { keyword, text: damaged(keyword) };
  const translatedEnd = data.indexOf(0, languageEnd + 1);
  if (translatedEnd < 0) return { keyword, text: damaged(keyword) };
  let body = data.subarray(translatedEnd + 1);
  if (compressed === 1) {
    if (method !== 0) return { keyword, text: { ok: false, error: 'The credential in the PNG image uses an unknown compression method.' } };
    try {
      body = new Uint8Array(inflateSync(body, { maxOutputLength: Math.max(1, budget) }));
    } catch {
      return { keyword, text: { ok: false, error: 'The compressed credential in the PNG image could not be decompressed, or is too large.' } };
    }
  } else if (compressed !== 0) {
    return { keyword, text: damaged(keyword) };
  }
  if (body.length > budget) return { keyword, text: tooLarge() };
  try {
    return { keyword, text: utf8.decode(body) };
  } catch {
    return { keyword, text: { ok: false, error: 'The credential in the PNG image is not valid UTF-8 text.' } };
  }
}

function damaged(keyword: string): ExtractError {
  return { ok: false, error: `The PNG image is damaged: its "${keyword}" text chunk is malformed.` };
}

function tooLarge(): ExtractError {
  return { ok: false, error: 'The credential in the PNG image is larger than microcred accepts.' };
}

const BAKED_KEYWORDS: ReadonlySet<string> = new Set([OB3_PNG_KEYWORD, OB2_PNG_KEYWORD]);

export interface ExtractFromPngOptions {
  /** Largest file accepted, in bytes (default 64 MiB). */
  maxBytes?: number;
}

/**
 * Reads the credential baked into a PNG: OB 3.0 (`openbadgecredential`) or OB 2.0 (`openbadges`).
 * Returns `undefined` when the image carries none, `{ok: false, error}` for a damaged file or more
 * than one credential. Never throws on bad bytes.
 *
 * @example
 *   const found = extractFromPng(bytes);
 *   if (found?.ok && found.kind === 'ob3') use(found.credential);
 */
export function extractFromPng(bytes: Uint8Array, options: ExtractFromPngOptions = {}): ExtractResult {
  try {
    const parsed = parseChunks(bytes, options.maxBytes ?? DEFAULT_MAX_BYTES);
    if (!parsed.ok) return parsed;
    let budget = MAX_CREDENTIAL_TEXT;
    let found: ExtractedCredential | undefined;
    for (const chunk of parsed.chunks) {
      if (chunk.type !== 'iTXt' && chunk.type !== 'tEXt') continue;
      const text = readTextChunk(chunk, BAKED_KEYWORDS, budget);
      if (text === undefined) continue;
      if (typeof text.text !== 'string') return text.text;
      budget -= text.text.length;
      // OB 3.0 §5.3.1: the keyword MUST NOT appear more than once; two credentials are ambiguous.
      if (found) return { ok: false, error: 'The PNG image carries more than one baked credential, so it is ambiguous which one to trust.' };
      const interpreted = interpretBakedText(text.text, text.keyword === OB3_PNG_KEYWORD ? 'ob3' : 'ob2');
      if (!interpreted.ok) return interpreted;
      found = interpreted;
    }
    return found;
  } catch {
    // Defensive: the parser above is written not to throw, but bad input must never escape as an exception.
    return { ok: false, error: 'The PNG image could not be read.' };
  }
}

/** Alias of {@link extractFromPng}, named after the OB 2.0 "unbake" operation. */
export const unbakePng = extractFromPng;

function u32(value: number): Uint8Array {
  return Uint8Array.of((value >>> 24) & 0xff, (value >>> 16) & 0xff, (value >>> 8) & 0xff, value & 0xff);
}

/** Builds one PNG chunk (length, type, data, CRC). */
export function pngChunk(type: string, data: Uint8Array): Uint8Array {
  if (!/^[A-Za-z]{4}$/.test(type)) throw new TypeError('A PNG chunk type is four ASCII letters.');
  const typeBytes = new TextEncoder().encode(type);
  const out = new Uint8Array(12 + data.length);
  out.set(u32(data.length), 0);
  out.set(typeBytes, 4);
  out.set(data, 8);
  out.set(u32(crc32(out.subarray(4, 8 + data.length)) >>> 0), 8 + data.length);
  return out;
}

/** An uncompressed iTXt chunk with an empty language tag and translated keyword. */
export function itxtChunk(keyword: string, text: string): Uint8Array {
  const key = new TextEncoder().encode(keyword);
  const value = new TextEncoder().encode(text);
  // keyword, NUL, compression flag 0, method 0, empty language tag NUL, empty translated keyword NUL.
  const data = new Uint8Array(key.length + 5 + value.length);
  data.set(key, 0);
  data.set(value, key.length + 5);
  return pngChunk('iTXt', data);
}

export interface BakePngOptions {
  /** The PNG image to bake into (not modified). */
  image: Uint8Array;
  /** OB 3.0: the credential object, or a VC-JWT compact string. OB 2.0: an assertion, its URL, or a JWS. */
  credential: BakeableCredential;
  /** Which baking spec to follow (default `ob3`). */
  standard?: BakingStandard;
}

/**
 * Returns a new PNG with the credential in an iTXt chunk placed right after IHDR (so readers that stop at
 * the first IDAT still find it). Any credential already baked in (OB 3.0 or OB 2.0) is removed first, so
 * the result never carries two. Throws TypeError when the image is not a valid PNG or the credential is
 * not bakeable.
 *
 * @example
 *   const baked = bakePng({ image, credential: signedCredential });
 */
export function bakePng(options: BakePngOptions): Uint8Array {
  if (typeof options !== 'object' || options === null) throw new TypeError('bakePng takes an options object.');
  const { image, credential, standard = 'ob3' } = options;
  if (standard !== 'ob3' && standard !== 'ob2') throw new TypeError('standard must be "ob3" or "ob2".');
  if (!(image instanceof Uint8Array)) throw new TypeError('image must be a Uint8Array holding a PNG file.');
  const text = credentialText(credential, standard);
  const parsed = parseChunks(image, DEFAULT_MAX_BYTES);
  if (!parsed.ok) throw new TypeError(parsed.error);
  const keep = parsed.chunks.filter((chunk) => {
    if (chunk.type !== 'iTXt' && chunk.type !== 'tEXt' && chunk.type !== 'zTXt') return true;
    const nul = chunk.data.indexOf(0);
    return !(nul > 0 && BAKED_KEYWORDS.has(latin1.decode(chunk.data.subarray(0, nul))));
  });
  const baked = itxtChunk(standard === 'ob3' ? OB3_PNG_KEYWORD : OB2_PNG_KEYWORD, text);
  const parts: Uint8Array[] = [PNG_SIGNATURE];
  for (const chunk of keep) {
    parts.push(image.subarray(chunk.start, chunk.end));
    if (chunk.type === 'IHDR') parts.push(baked);
  }
  const total = parts.reduce((sum, part) => sum + part.length, 0);
  const out = new Uint8Array(total);
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}
