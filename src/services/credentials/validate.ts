import type { FieldError } from '../errors.ts';
import type { IssueInput } from './types.ts';

// The recipient's syntax lives in the domain, where the console's bulk review reads it too.
import { DID, EMAIL } from '../../domain/recipient.ts';

export { DID, EMAIL };
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:\d{2})$/;
const URL_LIKE = /^(?:https?:\/\/[^\s]+|urn:[a-z0-9][a-z0-9-]{0,31}:\S+)$/i;
const MAX_EVIDENCE = 20;

/** A valid XMLSchema dateTime with a time zone (VC 2.0 §4.9 validFrom/validUntil), else undefined. */
export function parseDateTime(value: string): Date | undefined {
  if (!DATE_TIME.test(value)) return undefined;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

function text(errors: FieldError[], pointer: string, value: unknown, max: number): void {
  if (value === undefined) return;
  if (typeof value !== 'string' || value.trim() === '') errors.push({ pointer, message: 'must be a non-empty text' });
  else if (value.length > max) errors.push({ pointer, message: `must be at most ${max} characters` });
}

/**
 * Checks one request to issue, without IO or clock: recipient (an e-mail address or a DID, not both),
 * result, evidence and dates. Returns every problem, each with a JSON pointer into the input.
 */
export function validateIssueInput(input: IssueInput): FieldError[] {
  const errors: FieldError[] = [];
  const recipient = input.recipient as IssueInput['recipient'] | undefined;
  if (!recipient || typeof recipient !== 'object') {
    errors.push({ pointer: '/recipient', message: 'is required: an e-mail address or a DID' });
  } else {
    const { email, did } = recipient;
    if (email === undefined && did === undefined) errors.push({ pointer: '/recipient/email', message: 'is required (or give a DID in /recipient/did)' });
    if (email !== undefined && did !== undefined) errors.push({ pointer: '/recipient/did', message: 'give an e-mail address or a DID, not both' });
    if (email !== undefined && (typeof email !== 'string' || !EMAIL.test(email.trim()))) errors.push({ pointer: '/recipient/email', message: 'is not an e-mail address' });
    if (did !== undefined && (typeof did !== 'string' || !DID.test(did.trim()))) errors.push({ pointer: '/recipient/did', message: 'is not a DID (did:method:identifier)' });
    text(errors, '/recipient/name', recipient.name, 200);
  }
  const result = input.result;
  if (result !== undefined) {
    text(errors, '/result/grade', result.grade, 100);
    text(errors, '/result/description', result.description, 2000);
    const credits = result.creditsEarned;
    // ECTS credits: a number ≥ 0 with at most two decimals (as the achievement's creditsAvailable).
    if (credits !== undefined && (typeof credits !== 'number' || !Number.isFinite(credits) || credits < 0 || credits > 1000 || Math.round(credits * 100) !== credits * 100)) {
      errors.push({ pointer: '/result/creditsEarned', message: 'must be a number from 0 to 1000 with at most two decimals' });
    }
  }
  if (input.evidence !== undefined) {
    if (!Array.isArray(input.evidence)) errors.push({ pointer: '/evidence', message: 'must be a list' });
    else {
      if (input.evidence.length > MAX_EVIDENCE) errors.push({ pointer: '/evidence', message: `may hold at most ${MAX_EVIDENCE} entries` });
      input.evidence.slice(0, MAX_EVIDENCE).forEach((entry, i) => {
        if (entry.id !== undefined && (typeof entry.id !== 'string' || !URL_LIKE.test(entry.id))) errors.push({ pointer: `/evidence/${i}/id`, message: 'must be an http(s) URL or a URN' });
        text(errors, `/evidence/${i}/name`, entry.name, 200);
        text(errors, `/evidence/${i}/narrative`, entry.narrative, 5000);
        if (entry.id === undefined && entry.name === undefined && entry.narrative === undefined) errors.push({ pointer: `/evidence/${i}`, message: 'needs an id (URL), a name or a narrative' });
      });
    }
  }
  const from = checkDate(errors, '/validFrom', input.validFrom);
  const until = checkDate(errors, '/validUntil', input.validUntil);
  if (from && until && until.getTime() <= from.getTime()) errors.push({ pointer: '/validUntil', message: 'must be after validFrom' });
  return errors;
}

function checkDate(errors: FieldError[], pointer: string, value: unknown): Date | undefined {
  if (value === undefined) return undefined;
  const date = typeof value === 'string' ? parseDateTime(value) : undefined;
  if (!date) errors.push({ pointer, message: 'must be a date and time with a time zone, e.g. 2026-09-01T00:00:00Z' });
  return date;
}

const DURATION = /^P(?!$)(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?(?:T(?=\d)(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$/;

/**
 * Adds an ISO 8601 duration (`P2Y`, `P18M`, `P1Y6M`, `P90D`, `PT12H`) to a date in UTC calendar
 * arithmetic; undefined for a duration it cannot read. A month added to 31 January gives the last
 * day of February, not a day in March.
 */
export function addDuration(date: Date, duration: string): Date | undefined {
  const match = DURATION.exec(duration);
  if (!match) return undefined;
  const [years, months, weeks, days, hours, minutes, seconds] = match.slice(1).map((part) => Number(part ?? 0)) as [number, number, number, number, number, number, number];
  const result = new Date(date.getTime());
  const day = result.getUTCDate();
  result.setUTCDate(1);
  result.setUTCFullYear(result.getUTCFullYear() + years, result.getUTCMonth() + months);
  const lastDay = new Date(Date.UTC(result.getUTCFullYear(), result.getUTCMonth() + 1, 0)).getUTCDate();
  result.setUTCDate(Math.min(day, lastDay));
  result.setTime(result.getTime() + ((weeks * 7 + days) * 86_400 + hours * 3600 + minutes * 60 + seconds) * 1000);
  return Number.isNaN(result.getTime()) ? undefined : result;
}
