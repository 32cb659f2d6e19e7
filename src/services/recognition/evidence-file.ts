/**
 * RPL evidence files: what is accepted is decided by the bytes (sniffed), never by the name or the
 * type the browser claims; the name kept is one that is safe in a Content-Disposition header and on
 * any file system.
 */

/** At most this many bytes per file. */
export const MAX_EVIDENCE_FILE_BYTES = 5 * 1024 * 1024;
/** At most this many files per case. */
export const MAX_EVIDENCE_FILES_PER_CASE = 20;

export type EvidenceMediaType = 'application/pdf' | 'image/png' | 'image/jpeg' | 'text/plain';
export const EVIDENCE_MEDIA_TYPES: readonly EvidenceMediaType[] = ['application/pdf', 'image/png', 'image/jpeg', 'text/plain'];

const EXTENSIONS: Record<EvidenceMediaType, string> = { 'application/pdf': '.pdf', 'image/png': '.png', 'image/jpeg': '.jpg', 'text/plain': '.txt' };
const PNG = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

function startsWith(bytes: Uint8Array, prefix: readonly number[]): boolean {
  return bytes.length >= prefix.length && prefix.every((b, i) => bytes[i] === b);
}

/**
 * The type of the content: PDF (`%PDF-`), PNG (its 8-byte signature), JPEG (FF D8 FF), or plain
 * text (valid UTF-8 without control characters other than tab, line feed, form feed and carriage
 * return); undefined for anything else.
 */
export function sniffEvidenceType(bytes: Uint8Array): EvidenceMediaType | undefined {
  if (startsWith(bytes, [0x25, 0x50, 0x44, 0x46, 0x2d])) return 'application/pdf';
  if (startsWith(bytes, PNG)) return 'image/png';
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return 'image/jpeg';
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return undefined;
  }
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if ((code < 0x20 && code !== 0x09 && code !== 0x0a && code !== 0x0c && code !== 0x0d) || code === 0x7f) return undefined;
  }
  return 'text/plain';
}

/**
 * A file name safe to store and to send: the last path segment of what was given, in ASCII letters,
 * digits, spaces and `._-()`, at most 100 characters, ending with the extension of the sniffed type.
 *
 * @example safeEvidenceName('../../etc/passwd', 'text/plain') // 'passwd.txt'
 */
export function safeEvidenceName(given: string | undefined, type: EvidenceMediaType): string {
  const extension = EXTENSIONS[type];
  const last = (given ?? '').split(/[/\\]/).pop() ?? '';
  let base = last.normalize('NFKD').replace(/[\u0300-\u036f]/g, '').replace(/[^A-Za-z0-9 ._()-]+/g, '_').replace(/_+/g, '_').replace(/^[ ._-]+|[ ._-]+$/g, '');
  const lower = base.toLowerCase();
  const known = type === 'image/jpeg' ? ['.jpg', '.jpeg'] : [extension];
  const ext = known.find((e) => lower.endsWith(e));
  if (ext) base = base.slice(0, -ext.length).replace(/[ ._-]+$/g, '');
  base = base.slice(0, 100 - extension.length).replace(/[ ._-]+$/g, '');
  return `${base || 'evidence'}${extension}`;
}
