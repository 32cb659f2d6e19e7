/** Words and numbers as the certificate and the public page show them (English, UTC dates). */

/** A date as "2 March 2026" (UTC), or the text as given when it is not a date. */
export function longDate(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return date.toLocaleDateString('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });
}

/** Credits as "5 ECTS credits": the same words as the facts of src/vc/certifies.ts. */
export { creditsText } from '../vc/certifies.ts';
