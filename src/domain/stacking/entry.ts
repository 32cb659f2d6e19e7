/** A learner's credential as the evaluator holds it, and the date-dependent tests on it. */
import { day } from './dates.ts';
import type { HeldCredential } from './held-credential.ts';
import { compareStrings } from './json.ts';
import type { Filter } from './compile.ts';

export interface Entry {
  cred: HeldCredential;
  issued: number;
  /** Index of another entry for the same issuer and achievement, the first one; -1 when alone. */
  group: number;
  /** The date of issuing as YYYY-MM-DD, made when first needed. */
  issuedDay?: string;
  /** Why the credential cannot count in any pathway on this date, if so. */
  problem?: string;
}

/** One eligible credential for one requirement: its contribution. */
export interface Eligible {
  i: number;
  value: number;
  cover?: number[];
}

/** True when a credential fails a requirement's filter (the cheap test; filterProblem says why). */
export function filterFails(f: Filter, e: Entry, earliest: number | undefined): boolean {
  const c = e.cred;
  return (
    (f.issuers !== undefined && !f.issuers.has(c.issuerId)) ||
    (f.minEqf !== undefined && (c.eqfLevel === undefined || c.eqfLevel < f.minEqf)) ||
    (f.types !== undefined && (c.achievementType === undefined || !f.types.has(c.achievementType))) ||
    (earliest !== undefined && e.issued < earliest) ||
    (f.minCredits !== undefined && (c.creditsEcts ?? 0) < f.minCredits)
  );
}

/** The date of issuing as YYYY-MM-DD. */
export function issuedDay(e: Entry): string {
  return (e.issuedDay ??= day(e.issued));
}

/** Total order used to pick one credential when a learner holds several for the same achievement. */
export function betterDuplicate(a: Entry, b: Entry): number {
  return (
    (b.cred.creditsEcts ?? 0) - (a.cred.creditsEcts ?? 0) ||
    (b.cred.eqfLevel ?? 0) - (a.cred.eqfLevel ?? 0) ||
    b.issued - a.issued ||
    compareStrings(a.cred.key, b.cred.key)
  );
}
