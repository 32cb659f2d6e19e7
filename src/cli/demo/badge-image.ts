import { deflateSync } from 'node:zlib';
import { pngChunk, PNG_SIGNATURE } from '../../vc/baking/png.ts';

/**
 * Draws a simple round badge (a blue disc in a gold ring) as a PNG, so the demo and tests need no
 * binary assets.
 */
export function drawBadgePng(size = 128): Uint8Array {
  const rowLength = size * 4 + 1;
  const raw = new Uint8Array(rowLength * size);
  const centre = (size - 1) / 2;
  for (let y = 0; y < size; y++) {
    raw[y * rowLength] = 0; // filter: none
    for (let x = 0; x < size; x++) {
      const distance = Math.hypot(x - centre, y - centre) / (size / 2);
      const offset = y * rowLength + 1 + x * 4;
      let pixel: [number, number, number, number] = [0, 0, 0, 0];
      if (distance <= 0.78) pixel = [30, 80 + Math.round(60 * (1 - distance)), 170, 255];
      else if (distance <= 0.95) pixel = [212, 175, 55, 255];
      raw.set(pixel, offset);
    }
  }
  const header = new Uint8Array(13);
  const view = new DataView(header.buffer);
  view.setUint32(0, size);
  view.setUint32(4, size);
  header.set([8, 6, 0, 0, 0], 8); // 8-bit RGBA, no interlace
  const parts = [PNG_SIGNATURE, pngChunk('IHDR', header), pngChunk('IDAT', new Uint8Array(deflateSync(raw))), pngChunk('IEND', new Uint8Array())];
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

/** The same badge as SVG. */
export function drawBadgeSvg(): string {
  return [
    '<svg xmlns="http://www.w3.org/2000/svg" width="128" height="128" viewBox="0 0 128 128">',
    '<circle cx="64" cy="64" r="60" fill="#d4af37"/>',
    '<circle cx="64" cy="64" r="50" fill="#1e50aa"/>',
    '</svg>',
  ].join('');
}
