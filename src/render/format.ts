/** Words and numbers as the certificate and the public page show them (English, UTC dates). */

/** A date as "2 March 2026" (UTC), or the text as given when it is not a date. */
export function longDate(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return date.toLocaleDateString('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });
}

/** Credits as "5 ECTS credits", "2.5 ECTS credits", "1 ECTS credit". */
export function creditsText(ects: number): string {
  const value = Number.isInteger(ects) ? String(ects) : String(Math.round(ects * 100) / 100);
  return `${value} ECTS credit${ects === 1 ? '' : 's'}`;
}
