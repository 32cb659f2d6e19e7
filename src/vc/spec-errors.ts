/**
 * The error codes the standards name for verification failures, so that a VC-API answer carries them
 * beside microcred's own check names: VC Data Model 2.0 §7.1 (parsing, malformed values, ranges),
 * VC Data Integrity 1.0 §2.2 (proof verification, transformation, challenge, domain) and Bitstring
 * Status List 1.0 §3.4 (retrieval, verification, list length).
 */
import { isObject } from './json.ts';
import type { Check } from './types.ts';

const VC = 'https://www.w3.org/TR/vc-data-model#';
const DI = 'https://w3id.org/security#';
const BSL = 'https://www.w3.org/ns/credentials/status-list#';

export const SPEC_ERRORS = {
  PARSING_ERROR: { type: `${VC}PARSING_ERROR`, code: -64 },
  CRYPTOGRAPHIC_SECURITY_ERROR: { type: `${VC}CRYPTOGRAPHIC_SECURITY_ERROR`, code: -65 },
  MALFORMED_VALUE_ERROR: { type: `${VC}MALFORMED_VALUE_ERROR`, code: -66 },
  RANGE_ERROR: { type: `${VC}RANGE_ERROR`, code: -67 },
  PROOF_VERIFICATION_ERROR: { type: `${DI}PROOF_VERIFICATION_ERROR`, code: -17 },
  PROOF_TRANSFORMATION_ERROR: { type: `${DI}PROOF_TRANSFORMATION_ERROR`, code: -18 },
  INVALID_DOMAIN_ERROR: { type: `${DI}INVALID_DOMAIN_ERROR`, code: -19 },
  INVALID_CHALLENGE_ERROR: { type: `${DI}INVALID_CHALLENGE_ERROR`, code: -20 },
  STATUS_RETRIEVAL_ERROR: { type: `${BSL}STATUS_RETRIEVAL_ERROR`, code: -128 },
  STATUS_VERIFICATION_ERROR: { type: `${BSL}STATUS_VERIFICATION_ERROR`, code: -129 },
  STATUS_LIST_LENGTH_ERROR: { type: `${BSL}STATUS_LIST_LENGTH_ERROR`, code: -130 },
} as const;

export type SpecErrorName = keyof typeof SPEC_ERRORS;
export interface SpecError {
  name: SpecErrorName;
  type: string;
  code: number;
}

function named(name: unknown): SpecError | undefined {
  if (typeof name !== 'string' || !(name in SPEC_ERRORS)) return undefined;
  return { name: name as SpecErrorName, ...SPEC_ERRORS[name as SpecErrorName] };
}

/**
 * The standard error a failed or doubtful check stands for, or undefined when the standards name
 * none (a revoked credential, for one, is a status, not an error). A check may name its code in
 * `details.code`; otherwise it is read from the check's kind.
 */
export function specErrorOf(entry: Check): SpecError | undefined {
  if (entry.outcome !== 'failed' && entry.outcome !== 'warning') return undefined;
  const given = named(entry.details?.code);
  if (given) return given;
  const message = entry.message;
  switch (entry.check) {
    case 'structure':
    case 'presentation':
    case 'subject':
      return named('MALFORMED_VALUE_ERROR');
    case 'proof':
    case 'presentation-proof':
      if (/\bchallenge\b/.test(message)) return named('INVALID_CHALLENGE_ERROR');
      if (/\bdomain\b/.test(message)) return named('INVALID_DOMAIN_ERROR');
      if (/could not be processed|not defined/.test(message)) return named('PROOF_TRANSFORMATION_ERROR');
      return named('PROOF_VERIFICATION_ERROR');
    case 'issuer-key':
      return entry.outcome === 'failed' ? named('PROOF_VERIFICATION_ERROR') : undefined;
    case 'status': {
      const entries = Array.isArray(entry.details?.entries) ? entry.details.entries : [];
      const same = entries.filter((item): item is { outcome: string; code?: unknown } => isObject(item) && item.outcome === entry.outcome);
      return same.map((item) => named(item.code)).find(Boolean);
    }
    case 'validity':
      return /not a valid date/.test(message) ? named('MALFORMED_VALUE_ERROR') : undefined;
    default:
      return undefined;
  }
}
