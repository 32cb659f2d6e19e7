/**
 * Small readers for untrusted JSON used across the stacking, recognition and RPL engines. The
 * domain layer does not import src/vc, so it keeps its own guard (the same one as src/vc/json.ts).
 */
import type { Problem } from '../eu-elements.ts';

export type { Problem };

export type Obj = { [key: string]: unknown };

/** True for a plain JSON object (not null, not an array). */
export function isObject(value: unknown): value is Obj {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A JSON-LD value that may be one item or an array, as an array (none for undefined or null). */
export function asArray(value: unknown): unknown[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : [value];
}

export function isNonEmptyString(value: unknown): value is string {
  return typeof value === 'string' && value.trim() !== '';
}

/** A string, or the `id` of an object (OB 3.0 allows a profile or a bare IRI in many places). */
export function idOf(value: unknown): string | undefined {
  if (isNonEmptyString(value)) return value;
  if (isObject(value) && isNonEmptyString(value.id)) return value.id;
  return undefined;
}

/** RFC 6901 escaping of one path segment. */
export function seg(key: string | number): string {
  return '/' + String(key).replace(/~/g, '~0').replace(/\//g, '~1');
}

/** A finite number ≥ 0, or undefined. */
export function nonNegativeNumber(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : undefined;
}

/** Compares two strings by UTF-16 code units: the same order on every machine and locale. */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Rounds credits to the hundredth, so that sums like 0.1 + 0.2 compare as people expect. */
export function roundCredits(value: number): number {
  return Math.round(value * 100) / 100;
}
