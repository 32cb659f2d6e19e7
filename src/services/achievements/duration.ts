/**
 * ISO 8601 durations as used for an achievement's validity period (`P2Y`, `P6M`, `P30D`, `P1Y6M`,
 * `PT12H`). Whole numbers only: a credential's expiry does not need fractions of a unit.
 */

export interface Duration {
  years: number;
  months: number;
  weeks: number;
  days: number;
  hours: number;
  minutes: number;
  seconds: number;
}

const DURATION = /^P(?:(\d{1,4})Y)?(?:(\d{1,4})M)?(?:(\d{1,5})W)?(?:(\d{1,5})D)?(?:T(?:(\d{1,6})H)?(?:(\d{1,7})M)?(?:(\d{1,9})S)?)?$/;

/** The parts of an ISO 8601 duration; undefined when the text is not one, or when it is zero. */
export function parseDuration(text: string): Duration | undefined {
  const match = DURATION.exec(text);
  if (!match || text === 'P' || text.endsWith('T')) return undefined;
  const [years, months, weeks, days, hours, minutes, seconds] = match.slice(1).map((part) => (part === undefined ? 0 : Number(part)));
  const duration = { years: years!, months: months!, weeks: weeks!, days: days!, hours: hours!, minutes: minutes!, seconds: seconds! };
  return Object.values(duration).some((n) => n > 0) ? duration : undefined;
}

/**
 * Adds a duration to an instant in UTC calendar terms. Months and years that land past the end of a
 * month stop at its last day (31 January + P1M = 28 or 29 February), as people read "one month".
 *
 * @example addDuration(new Date('2026-01-31T00:00:00Z'), 'P1M') // 2026-02-28T00:00:00Z
 */
export function addDuration(from: Date, duration: string | Duration): Date {
  const parts = typeof duration === 'string' ? parseDuration(duration) : duration;
  if (!parts) throw new TypeError(`${String(duration)} is not an ISO 8601 duration such as P1Y or P6M.`);
  const date = new Date(from.getTime());
  const totalMonths = date.getUTCMonth() + parts.months + 12 * parts.years;
  const year = date.getUTCFullYear() + Math.floor(totalMonths / 12);
  const month = totalMonths % 12;
  const lastDay = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  date.setUTCFullYear(year, month, Math.min(date.getUTCDate(), lastDay));
  const ms = (((parts.weeks * 7 + parts.days) * 24 + parts.hours) * 60 + parts.minutes) * 60_000 + parts.seconds * 1000;
  return new Date(date.getTime() + ms);
}
