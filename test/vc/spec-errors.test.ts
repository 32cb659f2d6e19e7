/**
 * Issue 10 §3: failures carry the problem types the standards name (VC 2.0 §7.2, Data Integrity
 * §4.7, Bitstring Status List §3.5) beside microcred's check names; none of the Recommendations
 * gives numeric codes, so none is sent.
 */
import { describe, expect, it } from 'vitest';
import { StatusBitstring } from '../../src/vc/status/bitstring.ts';
import { checkCredentialStatus } from '../../src/vc/status/check-status.ts';
import { SPEC_ERRORS, specErrorOf } from '../../src/vc/spec-errors.ts';
import type { JsonObject } from '../../src/vc/types.ts';

const now = new Date('2025-01-01T00:00:00Z');
const ISSUER = 'did:example:issuer';
const LIST = 'https://issuer.example/status/1';

function credentialAt(index: string): JsonObject {
  return {
    issuer: ISSUER,
    credentialStatus: { type: 'BitstringStatusListEntry', statusPurpose: 'revocation', statusListCredential: LIST, statusListIndex: index },
  };
}

function list(entries: number, issuer = ISSUER): JsonObject {
  const bits = new StatusBitstring({ length: entries, allowShort: true });
  return { id: LIST, type: ['VerifiableCredential', 'BitstringStatusListCredential'], issuer, credentialSubject: { type: 'BitstringStatusList', statusPurpose: 'revocation', encodedList: bits.encode() } };
}

async function statusError(credential: JsonObject, document: JsonObject | undefined) {
  const result = await checkCredentialStatus({ credential, now, fetchStatusList: async () => { if (!document) throw new Error('offline'); return document; } });
  return specErrorOf(result)?.name;
}

describe('status failures in the Bitstring Status List codes', () => {
  it('a list shorter than the minimum is STATUS_LIST_LENGTH_ERROR, in the status-list namespace', async () => {
    expect(await statusError(credentialAt('3'), list(1024))).toBe('STATUS_LIST_LENGTH_ERROR');
    const result = await checkCredentialStatus({ credential: credentialAt('3'), now, fetchStatusList: async () => list(1024) });
    expect(specErrorOf(result)?.type).toBe('https://www.w3.org/ns/credentials/status-list#STATUS_LIST_LENGTH_ERROR');
  });
  it('an entry whose purpose the list does not have is STATUS_VERIFICATION_ERROR (§3.2 step 5)', async () => {
    const credential = { issuer: ISSUER, credentialStatus: { type: 'BitstringStatusListEntry', statusPurpose: 'suspension', statusListCredential: LIST, statusListIndex: '3' } };
    expect(await statusError(credential, list(131_072))).toBe('STATUS_VERIFICATION_ERROR');
  });
  it('a statusSize above 1 without 2^statusSize messages is MALFORMED_VALUE_ERROR (§2.1)', async () => {
    const entry = { type: 'BitstringStatusListEntry', statusPurpose: 'message', statusListCredential: LIST, statusListIndex: '3', statusSize: 2, statusMessage: [{ status: '0x0', message: 'a' }, { status: '0x1', message: 'b' }] };
    const messageList = { ...list(131_072 * 2), credentialSubject: { type: 'BitstringStatusList', statusPurpose: 'message', encodedList: new StatusBitstring({ length: 131_072, statusSize: 2 }).encode() } };
    expect(await statusError({ issuer: ISSUER, credentialStatus: entry }, messageList)).toBe('MALFORMED_VALUE_ERROR');
    expect(await statusError({ issuer: ISSUER, credentialStatus: { ...entry, statusMessage: undefined } }, messageList)).toBe('MALFORMED_VALUE_ERROR');
  });
  it('a list whose signature fails is STATUS_VERIFICATION_ERROR; one too large to read STATUS_RETRIEVAL_ERROR', async () => {
    const result = await checkCredentialStatus({ credential: credentialAt('3'), now, fetchStatusList: async () => list(131_072), verifyStatusListCredential: async () => ({ verified: false, message: 'bad signature' }) });
    expect(specErrorOf(result)?.name).toBe('STATUS_VERIFICATION_ERROR');
  });
  it('an index beyond the list is RANGE_ERROR; a list of another issuer STATUS_VERIFICATION_ERROR; an unreadable one STATUS_RETRIEVAL_ERROR', async () => {
    const result = await checkCredentialStatus({ credential: credentialAt('200000'), now, fetchStatusList: async () => list(131_072) });
    // Bitstring Status List §3.2 step 10 raises the VC Data Model's RANGE_ERROR.
    expect(specErrorOf(result)).toMatchObject({ name: 'RANGE_ERROR', type: 'https://www.w3.org/TR/vc-data-model#RANGE_ERROR' });
    expect(specErrorOf(result)).not.toHaveProperty('code');
    expect(await statusError(credentialAt('3'), list(131_072, 'did:example:someone-else'))).toBe('STATUS_VERIFICATION_ERROR');
    expect(await statusError(credentialAt('3'), undefined)).toBe('STATUS_RETRIEVAL_ERROR');
    expect(await statusError(credentialAt('three'), list(131_072))).toBe('MALFORMED_VALUE_ERROR');
  });
  it('a revoked credential is a status, not an error: no code', async () => {
    const bits = new StatusBitstring({ length: 131_072 });
    bits.set(3, 1);
    const document = { ...list(131_072), credentialSubject: { type: 'BitstringStatusList', statusPurpose: 'revocation', encodedList: bits.encode() } };
    const result = await checkCredentialStatus({ credential: credentialAt('3'), now, fetchStatusList: async () => document });
    expect(result.outcome).toBe('failed');
    expect(specErrorOf(result)).toBeUndefined();
  });
});

describe('proof and structure failures', () => {
  const name = (check: Parameters<typeof specErrorOf>[0]) => specErrorOf(check)?.name;
  it('maps each kind of failure to the Data Integrity or VC Data Model problem type', () => {
    expect(specErrorOf({ check: 'proof', outcome: 'failed', message: 'The signature does not match.', details: { format: 'eddsa-rdfc-2022' } })).toEqual({ name: 'PROOF_VERIFICATION_ERROR', type: 'https://w3id.org/security#PROOF_VERIFICATION_ERROR', title: expect.any(String) });
    // Data Integrity §4.4 step 5: another purpose is a PROOF_VERIFICATION_ERROR (no MISMATCHED_PROOF_PURPOSE_ERROR in the Recommendation).
    expect(name({ check: 'proof', outcome: 'failed', message: 'The eddsa-rdfc-2022 proof was made for the purpose authentication, but "assertionMethod" was expected.' })).toBe('PROOF_VERIFICATION_ERROR');
    expect(name({ check: 'proof', outcome: 'failed', message: 'The signed document could not be processed: term x is not defined' })).toBe('PROOF_TRANSFORMATION_ERROR');
    expect(name({ check: 'proof', outcome: 'failed', message: 'The credential has no digital signature (proof), so nothing shows who issued it or that it is unchanged.' })).toBe('PARSING_ERROR');
    expect(name({ check: 'proof', outcome: 'failed', message: 'The token signature does not match.', details: { format: 'vc-jwt' } })).toBe('CRYPTOGRAPHIC_SECURITY_ERROR');
    expect(name({ check: 'presentation-proof', outcome: 'failed', message: 'The proof\'s challenge "a" is not the expected "b".' })).toBe('INVALID_CHALLENGE_ERROR');
    expect(name({ check: 'presentation-proof', outcome: 'failed', message: 'The proof\'s domain "a" is not the expected "b".' })).toBe('INVALID_DOMAIN_ERROR');
    expect(name({ check: 'issuer-key', outcome: 'failed', message: 'signed with a key of someone else' })).toBe('PROOF_VERIFICATION_ERROR');
    expect(specErrorOf({ check: 'structure', outcome: 'failed', message: 'not valid JSON', details: { code: 'PARSING_ERROR' } })).toMatchObject({ type: 'https://www.w3.org/TR/vc-data-model#PARSING_ERROR' });
    expect(name({ check: 'structure', outcome: 'failed', message: 'The credential is not well-formed' })).toBe('MALFORMED_VALUE_ERROR');
    expect(name({ check: 'validity', outcome: 'failed', message: 'The start date "x" is not a valid date.' })).toBe('MALFORMED_VALUE_ERROR');
  });
  it('findings that are no processing error carry none', () => {
    expect(specErrorOf({ check: 'proof', outcome: 'passed', message: 'fine' })).toBeUndefined();
    expect(specErrorOf({ check: 'validity', outcome: 'failed', message: 'The credential expired on 2020-01-01.' })).toBeUndefined();
    expect(specErrorOf({ check: 'recipient', outcome: 'failed', message: 'not the holder' })).toBeUndefined();
  });
  it('every type is one of the three namespaces the Recommendations fix, and no numeric code is given', () => {
    for (const [key, value] of Object.entries(SPEC_ERRORS)) {
      expect(value.type.endsWith(`#${key}`)).toBe(true);
      expect(value.type).toMatch(/^(https:\/\/www\.w3\.org\/TR\/vc-data-model#|https:\/\/w3id\.org\/security#|https:\/\/www\.w3\.org\/ns\/credentials\/status-list#)/);
      expect(value).not.toHaveProperty('code');
    }
    expect(Object.keys(SPEC_ERRORS)).not.toContain('MALFORMED_PROOF_ERROR');
  });
});
