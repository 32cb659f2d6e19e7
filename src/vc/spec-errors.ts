/**
 * The problem types the standards name for verification failures, so that a VC-API answer carries
 * them beside microcred's own check names. Each is checked against the Recommendation's text:
 *
 * - VC Data Model 2.0 §7.2 "Problem Details": `https://www.w3.org/TR/vc-data-model#` + PARSING_ERROR,
 *   CRYPTOGRAPHIC_SECURITY_ERROR, MALFORMED_VALUE_ERROR, RANGE_ERROR (§7.1 raises them).
 * - VC Data Integrity 1.0 §4.7 "Processing Errors": `https://w3id.org/security#` + PROOF_GENERATION_ERROR,
 *   PROOF_VERIFICATION_ERROR, PROOF_TRANSFORMATION_ERROR, INVALID_DOMAIN_ERROR, INVALID_CHALLENGE_ERROR.
 * - Bitstring Status List 1.0 §3.5 "Processing Errors": `https://www.w3.org/ns/credentials/status-list#`
 *   + STATUS_RETRIEVAL_ERROR, STATUS_VERIFICATION_ERROR, STATUS_LIST_LENGTH_ERROR; its §3.2 raises the
 *   VC Data Model's MALFORMED_VALUE_ERROR and RANGE_ERROR for malformed entries and out-of-range indexes.
 *
 * None of the three Recommendations gives numeric codes: the Candidate Recommendations' (-17, -64,
 * -128…) were removed before publication, so microcred sends none. Names some drafts used
 * (MALFORMED_PROOF_ERROR, MISMATCHED_PROOF_PURPOSE_ERROR, CRYPTOSUITE_VERIFICATION_ERROR) are in no
 * Recommendation: a proof made for another purpose is PROOF_VERIFICATION_ERROR (Data Integrity §4.4 step 5).
 */
import { isObject } from './json.ts';
import type { Check } from './types.ts';

const VC = 'https://www.w3.org/TR/vc-data-model#';
const DI = 'https://w3id.org/security#';
const BSL = 'https://www.w3.org/ns/credentials/status-list#';

export const SPEC_ERRORS = {
  PARSING_ERROR: { type: `${VC}PARSING_ERROR`, title: 'There was an error while parsing input.' },
  CRYPTOGRAPHIC_SECURITY_ERROR: { type: `${VC}CRYPTOGRAPHIC_SECURITY_ERROR`, title: 'The securing mechanism detected a modification of the document since it was created.' },
  MALFORMED_VALUE_ERROR: { type: `${VC}MALFORMED_VALUE_ERROR`, title: 'The value of a property is malformed.' },
  RANGE_ERROR: { type: `${VC}RANGE_ERROR`, title: 'A value is outside the expected range.' },
  PROOF_GENERATION_ERROR: { type: `${DI}PROOF_GENERATION_ERROR`, title: 'A request to generate a proof failed.' },
  PROOF_VERIFICATION_ERROR: { type: `${DI}PROOF_VERIFICATION_ERROR`, title: 'An error was encountered during proof verification.' },
  PROOF_TRANSFORMATION_ERROR: { type: `${DI}PROOF_TRANSFORMATION_ERROR`, title: 'An error was encountered during the transformation process.' },
  INVALID_DOMAIN_ERROR: { type: `${DI}INVALID_DOMAIN_ERROR`, title: 'The domain value in a proof did not match the expected value.' },
  INVALID_CHALLENGE_ERROR: { type: `${DI}INVALID_CHALLENGE_ERROR`, title: 'The challenge value in a proof did not match the expected value.' },
  STATUS_RETRIEVAL_ERROR: { type: `${BSL}STATUS_RETRIEVAL_ERROR`, title: 'Retrieval of the status list failed.' },
  STATUS_VERIFICATION_ERROR: { type: `${BSL}STATUS_VERIFICATION_ERROR`, title: 'Validation of the status entry failed.' },
  STATUS_LIST_LENGTH_ERROR: { type: `${BSL}STATUS_LIST_LENGTH_ERROR`, title: 'The status list length does not satisfy the minimum length required for herd privacy.' },
} as const;

export type SpecErrorName = keyof typeof SPEC_ERRORS;
export interface SpecError {
  name: SpecErrorName;
  type: string;
  title: string;
}

function named(name: unknown): SpecError | undefined {
  if (typeof name !== 'string' || !Object.hasOwn(SPEC_ERRORS, name)) return undefined;
  return { name: name as SpecErrorName, ...SPEC_ERRORS[name as SpecErrorName] };
}

/** Proof formats whose securing mechanism is not Data Integrity: their failures are VC 2.0 §7.1's. */
const ENVELOPING_FORMATS = new Set(['vc-jwt', 'jwt', 'vc+jwt']);

/**
 * The standard error a failed or doubtful check stands for, or undefined when the standards name
 * none (a revoked or expired credential, for one, is a finding, not a processing error). A check
 * may name its error in `details.code`; otherwise it is read from the check's kind.
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
    case 'presentation-proof': {
      if (entry.outcome !== 'failed') return undefined;
      // Data Integrity §4.4 steps 6 and 7.
      if (/\bchallenge\b/.test(message)) return named('INVALID_CHALLENGE_ERROR');
      if (/\bdomain\b/.test(message)) return named('INVALID_DOMAIN_ERROR');
      // Data Integrity §4.4 step 2: a document without a proof object cannot be read as secured.
      if (/has no digital signature|carries no Data Integrity proof|has no [\w-]+ proof/.test(message)) return named('PARSING_ERROR');
      if (/could not be processed/.test(message)) return named('PROOF_TRANSFORMATION_ERROR');
      // VC 2.0 §7.1: an enveloping mechanism (VC-JWT) that fails reports CRYPTOGRAPHIC_SECURITY_ERROR.
      const format = entry.details?.format;
      if (typeof format === 'string' && ENVELOPING_FORMATS.has(format)) return named('CRYPTOGRAPHIC_SECURITY_ERROR');
      return named('PROOF_VERIFICATION_ERROR');
    }
    case 'issuer-key':
      // A valid signature by a key the issuer did not authorise: the proof does not verify for this issuer.
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
