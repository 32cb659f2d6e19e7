/**
 * Reads the credential a PDF carries as an embedded file (as microcred's certificate does). A small
 * reader of our own, not a PDF parser: it looks for `/Type /EmbeddedFile` stream objects, takes the
 * stream bytes by their direct `/Length` (or up to `endstream`) and inflates them when they are
 * FlateDecode. Hostile input is bounded: the input size, the number of streams looked at, the search
 * windows and the inflated size are all capped; every pattern is linear; it never throws.
 */
import { inflateSync } from 'node:zlib';

/** Larger PDFs are refused before any scanning. */
export const MAX_PDF_BYTES = 8 * 1024 * 1024;
/** An embedded credential larger than this once inflated is refused (a credential is small). */
export const MAX_EMBEDDED_BYTES = 2 * 1024 * 1024;
const MAX_STREAMS = 16;
const DICT_WINDOW = 4096;

export type PdfExtract =
  | { ok: true; bytes: Uint8Array; name?: string }
  | { ok: false; error: string }
  | undefined;

/** `%PDF-` at the very start (so a JSON credential that mentions it is never taken for a PDF). */
export function isPdf(bytes: Uint8Array): boolean {
  return bytes.length >= 5 && Buffer.from(bytes.subarray(0, 5)).toString('latin1') === '%PDF-';
}

/**
 * The first embedded file of the PDF that reads as text (JSON or a JWT), `undefined` when it embeds
 * none, `{ok: false}` in words when one is there but cannot be read.
 *
 * @example
 *   const found = extractFromPdf(pdfBytes); // { ok: true, bytes } with the credential's bytes
 */
export function extractFromPdf(bytes: Uint8Array): PdfExtract {
  if (bytes.length > MAX_PDF_BYTES) return { ok: false, error: 'The PDF is larger than microcred accepts.' };
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
  const marker = /\/Type\s*\/EmbeddedFile(?![A-Za-z])/g;
  let error: string | undefined;
  for (let seen = 0; seen < MAX_STREAMS; seen++) {
    const match = marker.exec(text);
    if (!match) break;
    const found = readStream(bytes, text, match.index);
    if (found.ok) return found;
    error ??= found.error;
  }
  return error ? { ok: false, error } : undefined;
}

function readStream(bytes: Uint8Array, text: string, at: number): { ok: true; bytes: Uint8Array } | { ok: false; error: string } {
  const unreadable = { ok: false as const, error: 'The PDF embeds a file microcred cannot read.' };
  const before = text.lastIndexOf('obj', at);
  if (before < 0 || at - before > DICT_WINDOW) return unreadable;
  const streamAt = text.indexOf('stream', at);
  if (streamAt < 0 || streamAt - at > DICT_WINDOW) return unreadable;
  const dict = text.slice(before, streamAt);
  const filter = /\/Filter\s*(\[\s*)?\/([A-Za-z0-9]+)/.exec(dict);
  if (filter && filter[2] !== 'FlateDecode') return { ok: false, error: `The PDF's embedded file is encoded as ${filter[2]}, which microcred does not read.` };
  let start = streamAt + 'stream'.length;
  if (text[start] === '\r') start++;
  if (text[start] === '\n') start++;
  const length = /\/Length\s+(\d{1,9})(?!\s+\d+\s+R)/.exec(dict);
  let end = length ? start + Number(length[1]) : -1;
  if (end < 0 || end > bytes.length || !/^\s*endstream/.test(text.slice(end, end + 32))) {
    end = text.indexOf('endstream', start);
    if (end < 0) return unreadable;
  }
  const raw = bytes.subarray(start, end);
  let data: Uint8Array;
  if (filter) {
    try {
      data = new Uint8Array(inflateSync(raw, { maxOutputLength: MAX_EMBEDDED_BYTES }));
    } catch {
      return { ok: false, error: 'The PDF\'s embedded file is damaged or too large.' };
    }
  } else {
    if (raw.length > MAX_EMBEDDED_BYTES) return { ok: false, error: 'The PDF\'s embedded file is too large.' };
    data = raw;
  }
  return { ok: true, bytes: data };
}
