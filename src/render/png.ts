/**
 * A small PNG writer for generated images (QR codes): 8-bit greyscale, no interlace, one IDAT
 * compressed with node:zlib. PNG specification (ISO/IEC 15948) §5 (chunks), §7 (filtering), §11.2.2 (IHDR).
 */
import { crc32, deflateSync } from 'node:zlib';

const SIGNATURE = Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a);
/** PNG §11.2.2: width and height are at most 2^31 − 1; we keep generated images far smaller. */
const MAX_SIDE = 16_384;

function chunk(type: string, data: Uint8Array): Buffer {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'latin1');
  out.set(data, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)) >>> 0, 8 + data.length);
  return out;
}

export interface GreyImage {
  width: number;
  height: number;
  /** One byte per pixel, row after row: 0 black … 255 white. */
  pixels: Uint8Array;
}

/**
 * Encodes a greyscale image as a PNG file.
 *
 * @example
 *   const png = encodeGreyPng({ width: 2, height: 1, pixels: Uint8Array.of(0, 255) });
 */
export function encodeGreyPng(image: GreyImage): Uint8Array {
  const { width, height, pixels } = image;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1 || width > MAX_SIDE || height > MAX_SIDE) {
    throw new TypeError(`width and height must be whole numbers from 1 to ${MAX_SIDE}.`);
  }
  if (!(pixels instanceof Uint8Array) || pixels.length !== width * height) throw new TypeError('pixels must hold one byte per pixel.');
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bit depth
  header[9] = 0; // colour type: greyscale
  // compression 0 (deflate), filter method 0, interlace 0 (none): already zero.
  // Each scanline starts with its filter type; 0 (None) suits two-tone images, which deflate well as they are.
  const raw = Buffer.alloc((width + 1) * height);
  for (let y = 0; y < height; y++) raw.set(pixels.subarray(y * width, (y + 1) * width), y * (width + 1) + 1);
  return Buffer.concat([SIGNATURE, chunk('IHDR', header), chunk('IDAT', deflateSync(raw, { level: 9 })), chunk('IEND', new Uint8Array(0))]);
}
