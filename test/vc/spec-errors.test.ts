/**
 * Issue 10 §3: failures carry the error codes the standards name (VC 2.0 §7.1, Data Integrity,
 * Bitstring Status List §3.4) beside microcred's check names.
 */
import { describe, expect, it } from 'vitest';
import { StatusBitstring } from '../../src/vc/status/bitstring.ts';
import { checkCredentialStatus } from '../../src/vc/status/check-status.ts';
import { specErrorOf } from '../../src/vc/spec-errors.ts';
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
  it('a list shorter than the minimum is STATUS_LIST_LENGTH_ERROR', async () => {
    expect(await statusError(credentialAt('3'), list(1024))).toBe('STATUS_LIST_LENGTH_ERROR');
  });
  it('an index beyond the list is RANGE_ERROR; a list of another issuer STATUS_VERIFICATION_ERROR; an unreadable one STATUS_RETRIEVAL_ERROR', async () => {
    const result = await checkCredentialStatus({ credential: credentialAt('200000'), now, fetchStatusList: async () => list(131_072) });
    expect(specErrorOf(result)).toMatchObject({ name: 'RANGE_ERROR', code: -67 });
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
  it('maps checks to the Data Integrity and VC codes', () => {
    expect(specErrorOf({ check: 'proof', outcome: 'failed', message: 'The signature does not match.' })).toMatchObject({ name: 'PROOF_VERIFICATION_ERROR', code: -17, type: 'https://w3id.org/security#PROOF_VERIFICATION_ERROR' });
    expect(specErrorOf({ check: 'presentation-proof', outcome: 'failed', message: 'The proof\'s challenge "a" is not the expected "b".' })?.name).toBe('INVALID_CHALLENGE_ERROR');
    expect(specErrorOf({ check: 'structure', outcome: 'failed', message: 'not valid JSON', details: { code: 'PARSING_ERROR' } })).toMatchObject({ code: -64, type: 'https://www.w3.org/TR/vc-data-model#PARSING_ERROR' });
    expect(specErrorOf({ check: 'structure', outcome: 'failed', message: 'The credential is not well-formed' })?.name).toBe('MALFORMED_VALUE_ERROR');
    expect(specErrorOf({ check: 'proof', outcome: 'passed', message: 'fine' })).toBeUndefined();
  });
});
