import type { Check, CheckOutcome, JsonObject } from './types.ts';
import { isObject } from './json.ts';

/** Builds one report line. */
export function check(name: string, outcome: CheckOutcome, message: string, details?: JsonObject): Check {
  return details ? { check: name, outcome, message, details } : { check: name, outcome, message };
}

/** True when no check failed (warnings and skipped checks do not fail verification). */
export function allPassed(checks: readonly Check[]): boolean {
  return checks.every((entry) => entry.outcome !== 'failed');
}



/** The id of an issuer given as a URL string or a Profile object. */
export function issuerId(credential: JsonObject): string | undefined {
  const issuer = credential.issuer;
  if (typeof issuer === 'string') return issuer;
  if (isObject(issuer) && typeof issuer.id === 'string') return issuer.id;
  return undefined;
}
