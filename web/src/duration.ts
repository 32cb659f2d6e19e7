/**
 * ISO 8601 durations ("P3Y", "P18M", "P2W", "P90D") as a number and a unit people pick, and back.
 * Only what a validity period needs: one whole number of one unit. A duration that mixes units is
 * turned into one unit when that is exact ("P1Y6M" → 18 months, "P1W3D" → 10 days), else undefined.
 */
export type DurationUnit = 'D' | 'W' | 'M' | 'Y';

export const DURATION_UNITS: readonly { unit: DurationUnit; one: string; many: string }[] = [
  { unit: 'D', one: 'day', many: 'days' },
  { unit: 'W', one: 'week', many: 'weeks' },
  { unit: 'M', one: 'month', many: 'months' },
  { unit: 'Y', one: 'year', many: 'years' },
];

/**
 * What the picker keeps while its number is not a whole number above zero ("2.5", "-1"), so the form
 * can say so beside the field instead of sending something the server would refuse.
 */
export const NOT_A_DURATION = 'not-a-duration:';

export interface Duration {
  amount: number;
  unit: DurationUnit;
}

/** "P3Y" → {amount: 3, unit: 'Y'}; "" → undefined; a time part or fractions → undefined. */
export function parseDuration(text: string): Duration | undefined {
  const m = /^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?$/.exec(text.trim().toUpperCase());
  if (!m || text.trim().toUpperCase() === 'P') return undefined;
  const [y, mo, w, d] = m.slice(1).map((v) => (v === undefined ? 0 : Number(v))) as [number, number, number, number];
  if (w && !y && !mo && !d) return { amount: w, unit: 'W' };
  if ((y || mo) && (w || d)) return undefined;
  if (y || mo) return mo ? { amount: y * 12 + mo, unit: 'M' } : { amount: y, unit: 'Y' };
  return { amount: w * 7 + d, unit: 'D' };
}

/** {amount: 3, unit: 'Y'} → "P3Y"; an amount that is not a whole number above zero → "". */
export function formatDuration(d: Duration): string {
  return Number.isInteger(d.amount) && d.amount > 0 ? `P${d.amount}${d.unit}` : '';
}

/** "P3Y" → "3 years", for reading; what cannot be parsed is shown as it is. */
export function durationInWords(text: string): string {
  const d = parseDuration(text);
  if (!d) return text;
  const u = DURATION_UNITS.find((x) => x.unit === d.unit)!;
  return `${d.amount} ${d.amount === 1 ? u.one : u.many}`;
}
