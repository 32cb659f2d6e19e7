/**
 * A plain badge picture for credentials that carry no image of their own (or one that cannot be
 * baked), so every credential can still be downloaded as a baked PNG or SVG.
 */
import { encodeGreyPng } from './png.ts';

function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Cuts text to `max` characters on a word boundary, with an ellipsis. */
function shorten(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = text.slice(0, max - 1);
  const space = cut.lastIndexOf(' ');
  return `${space > max / 2 ? cut.slice(0, space) : cut}…`;
}

/** A round SVG badge with the achievement's name and the issuer's. */
export function badgeSvg(options: { name: string; issuerName?: string }): string {
  const name = escapeXml(shorten(options.name, 28));
  const issuer = options.issuerName ? escapeXml(shorten(options.issuerName, 32)) : '';
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 256 256" width="256" height="256" role="img" aria-label="${name}">`
    + `<title>${name}</title>`
    + '<circle cx="128" cy="128" r="120" fill="#12549e"/><circle cx="128" cy="128" r="104" fill="none" stroke="#fff" stroke-width="4"/>'
    + `<text x="128" y="124" text-anchor="middle" font-family="sans-serif" font-size="16" font-weight="700" fill="#fff">${name}</text>`
    + (issuer ? `<text x="128" y="150" text-anchor="middle" font-family="sans-serif" font-size="11" fill="#fff">${issuer}</text>` : '')
    + '</svg>';
}

/** A round greyscale PNG badge (a dark disc with a light ring), 256 × 256. */
export function badgePng(): Uint8Array {
  const side = 256;
  const pixels = new Uint8Array(side * side).fill(255);
  const centre = (side - 1) / 2;
  for (let y = 0; y < side; y++) {
    for (let x = 0; x < side; x++) {
      const r = Math.hypot(x - centre, y - centre);
      if (r <= 120) pixels[y * side + x] = r >= 100 && r <= 106 ? 235 : 60;
    }
  }
  return encodeGreyPng({ width: side, height: side, pixels });
}
