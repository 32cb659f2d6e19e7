/** How the screens write dates, credits and shares, and which images they may show. */

/** A date without the time (credentials are issued on a day). */
export function formatDay(value: string | null | undefined): string {
  if (!value) return '—';
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? value : date.toLocaleDateString('en-GB', { dateStyle: 'medium' });
}

/** ECTS credits in people's notation: 2.5, 5, 0.25. */
export function formatEcts(ects: number | null | undefined): string | undefined {
  if (ects === null || ects === undefined) return undefined;
  return `${Number(ects.toFixed(2))} ECTS`;
}

/** "5 ECTS", "2.5 ECTS". */
export function ects(value: number | null | undefined): string {
  return value === null || value === undefined ? '—' : `${Math.round(value * 100) / 100} ECTS`;
}

/** A share (0..1) as a whole percentage. */
export function percent(share: number): number {
  return Math.round(Math.max(0, Math.min(1, share)) * 100);
}

/** ECTS without needless decimals ("7.5", "10"). */
export function credits(value: number): string {
  return String(Math.round(value * 100) / 100);
}

/** A credential image safe to show: this instance's own, or a raster/SVG data URL (img never runs script). */
export function safeImage(src: string | null | undefined): string | undefined {
  if (!src) return undefined;
  // Images hosted elsewhere are not loaded: an imported credential's image URL would tell its host
  // each time the learner opens the wallet (and from where). This instance's own and embedded ones are.
  if (src.startsWith('/') && !src.startsWith('//')) return src;
  if (/^https?:\/\//i.test(src)) {
    try {
      return new URL(src).origin === window.location.origin ? src : undefined;
    } catch {
      return undefined;
    }
  }
  if (/^data:image\/(png|jpeg|gif|webp|svg\+xml)[;,]/i.test(src)) return src;
  return undefined;
}
