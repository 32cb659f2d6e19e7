/**
 * QR codes of a public URL, as PNG and SVG. qrcode-generator computes the module matrix (ISO/IEC 18004);
 * drawing it is ours: a PNG through src/render/png.ts, an SVG as one path.
 */
import qrcode from 'qrcode-generator';
import { encodeGreyPng } from './png.ts';

/** ISO/IEC 18004 §6.3.8: a quiet zone of four modules on every side. */
export const QUIET_ZONE = 4;
const MAX_TEXT = 2048;

export interface QrMatrix {
  /** Modules per side (without the quiet zone). */
  size: number;
  isDark(row: number, column: number): boolean;
}

/**
 * The module matrix for a text (error correction M: survives a smudge or a small logo, still small).
 * Throws TypeError for empty or over-long text.
 */
export function qrMatrix(text: string, level: 'L' | 'M' | 'Q' | 'H' = 'M'): QrMatrix {
  if (typeof text !== 'string' || text.length === 0 || text.length > MAX_TEXT) throw new TypeError(`QR text must be 1 to ${MAX_TEXT} characters.`);
  const code = qrcode(0, level);
  code.addData(text, 'Byte');
  code.make();
  return { size: code.getModuleCount(), isDark: (row, column) => code.isDark(row, column) };
}

/**
 * A PNG of the QR code: `scale` pixels per module, black on white, with the quiet zone.
 *
 * @example
 *   const png = qrPng('https://example.org/s/abc', { scale: 8 });
 */
export function qrPng(text: string, options: { scale?: number } = {}): Uint8Array {
  const scale = options.scale ?? 8;
  if (!Number.isInteger(scale) || scale < 1 || scale > 64) throw new TypeError('scale must be a whole number from 1 to 64.');
  const matrix = qrMatrix(text);
  const side = (matrix.size + 2 * QUIET_ZONE) * scale;
  const pixels = new Uint8Array(side * side).fill(255);
  for (let row = 0; row < matrix.size; row++) {
    for (let column = 0; column < matrix.size; column++) {
      if (!matrix.isDark(row, column)) continue;
      const top = (row + QUIET_ZONE) * scale;
      const left = (column + QUIET_ZONE) * scale;
      for (let y = top; y < top + scale; y++) pixels.fill(0, y * side + left, y * side + left + scale);
    }
  }
  return encodeGreyPng({ width: side, height: side, pixels });
}

/** The code's dark modules as horizontal runs, row by row: what vector drawings (SVG, PDF) draw. */
export function darkRuns(matrix: QrMatrix): { row: number; column: number; length: number }[] {
  const runs: { row: number; column: number; length: number }[] = [];
  for (let row = 0; row < matrix.size; row++) {
    let column = 0;
    while (column < matrix.size) {
      if (!matrix.isDark(row, column)) {
        column++;
        continue;
      }
      let end = column;
      while (end < matrix.size && matrix.isDark(row, end)) end++;
      runs.push({ row, column, length: end - column });
      column = end;
    }
  }
  return runs;
}

/**
 * An SVG of the QR code, scalable (viewBox in modules), with a title for screen readers.
 *
 * @example
 *   const svg = qrSvg('https://example.org/s/abc', { title: 'QR code of the verification page' });
 */
export function qrSvg(text: string, options: { title?: string } = {}): string {
  const matrix = qrMatrix(text);
  const side = matrix.size + 2 * QUIET_ZONE;
  let path = '';
  // One horizontal run of dark modules per path segment keeps the file small.
  for (const run of darkRuns(matrix)) path += `M${run.column + QUIET_ZONE} ${run.row + QUIET_ZONE}h${run.length}v1h${-run.length}z`;
  const title = escapeXml(options.title ?? 'QR code');
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${side} ${side}" width="${side * 8}" height="${side * 8}" shape-rendering="crispEdges" role="img" aria-label="${title}">`
    + `<title>${title}</title><rect width="${side}" height="${side}" fill="#fff"/><path fill="#000" d="${path}"/></svg>`;
}

function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
