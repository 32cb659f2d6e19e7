/**
 * Dates and durations for age rules. Pure: the evaluation date is always passed in.
 */

/** Milliseconds since the epoch of an ISO 8601 date or date-time; undefined when it does not parse. */
export function parseInstant(value: unknown): number | undefined {
  if (typeof value !== 'string') return undefined;
  // Date.parse accepts many informal forms; only ISO 8601 dates and date-times are read.
  if (!/^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/.test(value.trim())) return undefined;
  const ms = Date.parse(value.trim());
  return Number.isNaN(ms) ? undefined : ms;
}

/** A period of calendar time: ISO 8601 duration parts (weeks are folded into days). */
export interface Period {
  years: number;
  months: number;
  days: number;
}

/**
 * Reads a maximum age: a number of days, or an ISO 8601 duration of years, months, weeks and days
 * (`P5Y`, `P18M`, `P2Y6M`, `P10W`, `P90D`). Time parts (`PT…`) are refused: ages of learning are
 * measured in days. Returns undefined when the value is not one of these.
 */
export function parsePeriod(value: unknown): Period | undefined {
  if (typeof value === 'number') {
    return Number.isInteger(value) && value >= 0 && value <= 100_000 ? { years: 0, months: 0, days: value } : undefined;
  }
  if (typeof value !== 'string') return undefined;
  const m = /^P(?:(\d{1,4})Y)?(?:(\d{1,5})M)?(?:(\d{1,5})W)?(?:(\d{1,6})D)?$/.exec(value);
  if (!m || value === 'P') return undefined;
  return {
    years: Number(m[1] ?? 0),
    months: Number(m[2] ?? 0),
    days: Number(m[3] ?? 0) * 7 + Number(m[4] ?? 0),
  };
}

/** The earliest instant that is still within `period` before `asOf` (calendar arithmetic, UTC). */
export function earliestWithin(asOf: number, period: Period): number {
  const d = new Date(asOf);
  d.setUTCFullYear(d.getUTCFullYear() - period.years, d.getUTCMonth() - period.months, d.getUTCDate() - period.days);
  return d.getTime();
}

/** A period in words: "5 years", "18 months and 10 days". */
export function describePeriod(period: Period): string {
  const parts: string[] = [];
  const unit = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  if (period.years) parts.push(unit(period.years, 'year'));
  if (period.months) parts.push(unit(period.months, 'month'));
  if (period.days || parts.length === 0) parts.push(unit(period.days, 'day'));
  return parts.length === 1 ? parts[0]! : `${parts.slice(0, -1).join(', ')} and ${parts[parts.length - 1]}`;
}

/** The calendar date (YYYY-MM-DD) of an instant, for messages. */
export function day(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}
