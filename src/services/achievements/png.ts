/**
 * Checks that an uploaded achievement image is a plain, well-formed PNG before it is stored and served.
 * The check reads the chunk structure only (PNG §5: signature, chunks with CRC-32, IHDR first, at least
 * one IDAT, IEND last); it does not decompress, so a hostile file costs one linear pass.
 */
import { crc32 } from 'node:zlib';

const SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
/** Larger images are refused: an achievement image is shown at badge size. */
export const MAX_PNG_SIDE = 4096;
/** PNG §11.2.2: the bit depths each colour type allows. */
const BIT_DEPTHS: Record<number, readonly number[]> = { 0: [1, 2, 4, 8, 16], 2: [8, 16], 3: [1, 2, 4, 8], 4: [8, 16], 6: [8, 16] };

export type ImageCheck = { ok: true; width: number; height: number } | { ok: false; error: string };

function u32(bytes: Uint8Array, at: number): number {
  return ((bytes[at]! << 24) | (bytes[at + 1]! << 16) | (bytes[at + 2]! << 8) | bytes[at + 3]!) >>> 0;
}

/** Checks a PNG's structure; never throws. */
export function checkPng(bytes: Uint8Array): ImageCheck {
  if (bytes.length < 8 || SIGNATURE.some((b, i) => bytes[i] !== b)) return { ok: false, error: 'The file is not a PNG image (its first bytes are not the PNG signature).' };
  let offset = 8;
  let width = 0;
  let height = 0;
  let sawIdat = false;
  let index = 0;
  while (offset < bytes.length) {
    if (offset + 12 > bytes.length) return { ok: false, error: 'The PNG image is cut short (a chunk header is incomplete).' };
    const length = u32(bytes, offset);
    if (length > 0x7fffffff || offset + 12 + length > bytes.length) return { ok: false, error: 'The PNG image is cut short (a chunk is longer than the file).' };
    const type = String.fromCharCode(...bytes.subarray(offset + 4, offset + 8));
    if (!/^[A-Za-z]{4}$/.test(type)) return { ok: false, error: 'The PNG image has a chunk with an invalid type.' };
    if ((crc32(bytes.subarray(offset + 4, offset + 8 + length)) >>> 0) !== u32(bytes, offset + 8 + length)) {
      return { ok: false, error: `The PNG image is damaged (the checksum of its ${type} chunk is wrong).` };
    }
    const data = bytes.subarray(offset + 8, offset + 8 + length);
    if (index === 0) {
      if (type !== 'IHDR' || length !== 13) return { ok: false, error: 'The PNG image does not start with a valid IHDR header.' };
      width = u32(data, 0);
      height = u32(data, 4);
      const [depth, colour, compression, filter, interlace] = data.subarray(8, 13);
      if (width === 0 || height === 0) return { ok: false, error: 'The PNG image has no pixels (width or height is 0).' };
      if (width > MAX_PNG_SIDE || height > MAX_PNG_SIDE) return { ok: false, error: `The PNG image is ${width}×${height}; images may be at most ${MAX_PNG_SIDE} pixels on a side.` };
      if (!BIT_DEPTHS[colour!]?.includes(depth!) || compression !== 0 || filter !== 0 || (interlace !== 0 && interlace !== 1)) {
        return { ok: false, error: 'The PNG image header is invalid (bit depth, colour type, compression, filter or interlace).' };
      }
    } else if (type === 'IHDR') {
      return { ok: false, error: 'The PNG image has more than one IHDR header.' };
    }
    if (type === 'IDAT') sawIdat = true;
    // Critical chunks (upper-case first letter) other than these would be unreadable by viewers.
    if (/^[A-Z]/.test(type) && !['IHDR', 'PLTE', 'IDAT', 'IEND'].includes(type)) return { ok: false, error: `The PNG image has an unknown critical chunk ${type}.` };
    offset += 12 + length;
    index++;
    if (type === 'IEND') {
      if (offset !== bytes.length) return { ok: false, error: 'The PNG image has data after its end (IEND); upload the image alone.' };
      if (!sawIdat) return { ok: false, error: 'The PNG image has no image data (IDAT).' };
      return { ok: true, width, height };
    }
  }
  return { ok: false, error: 'The PNG image is cut short (it has no IEND chunk).' };
}
