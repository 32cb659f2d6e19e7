import { describe, expect, it } from 'vitest';
import { StatusBitstring } from '../../src/vc/status/bitstring.ts';
import { checkCredentialStatus, type StatusListVerifier } from '../../src/vc/status/check-status.ts';
import { buildStatusListCredential, buildStatusListEntry, type StatusPurpose } from '../../src/vc/status/status-list-credential.ts';
import type { JsonObject } from '../../src/vc/types.ts';

const ISSUER = 'did:web:issuer.example';
const REVOCATION = 'https://issuer.example/status/revocation';
const SUSPENSION = 'https://issuer.example/status/suspension';
const MESSAGES = 'https://issuer.example/status/messages';
const now = new Date('2026-01-01T00:00:00Z');

function listCredential(url: string, statusPurpose: StatusPurpose, set: Record<number, number>, statusSize = 1, extra: JsonObject = {}): JsonObject {
  const list = new StatusBitstring({ statusSize });
  for (const [index, value] of Object.entries(set)) list.set(Number(index), value);
  return { ...buildStatusListCredential({ url, issuer: ISSUER, statusPurpose, list, validFrom: new Date('2025-01-01T00:00:00Z') }), ...extra };
}

function credentialWith(status: unknown, issuer = ISSUER): JsonObject {
  return {
    '@context': ['https://www.w3.org/ns/credentials/v2'],
    type: ['VerifiableCredential'],
    issuer,
    credentialSubject: { id: 'did:example:learner' },
    ...(status === undefined ? {} : { credentialStatus: status }),
  };
}

const lists = new Map<string, unknown>([
  [REVOCATION, listCredential(REVOCATION, 'revocation', { 7: 1 })],
  [SUSPENSION, listCredential(SUSPENSION, 'suspension', { 9: 1 })],
  [MESSAGES, listCredential(MESSAGES, 'message', { 3: 2 }, 2)],
]);
const fetchStatusList = async (url: string) => {
  const found = lists.get(url);
  if (found === undefined) throw new Error('connection refused');
  return structuredClone(found);
};
const entry = (url: string, index: number, purpose: StatusPurpose) => buildStatusListEntry({ listUrl: url, index, statusPurpose: purpose });

describe('checkCredentialStatus', () => {
  it('fails a revoked credential and passes one that is not', async () => {
    const revoked = await checkCredentialStatus({ credential: credentialWith(entry(REVOCATION, 7, 'revocation')), fetchStatusList, now });
    expect(revoked.outcome).toBe('failed');
    expect(revoked.message).toMatch(/revoked/);
    expect(revoked.entries[0]?.status).toBe(1);
    const fine = await checkCredentialStatus({ credential: credentialWith(entry(REVOCATION, 8, 'revocation')), fetchStatusList, now });
    expect(fine.outcome).toBe('passed');
    expect(fine.message).toMatch(/not revoked/);
    expect(fine.message).toMatch(/signature was not checked/);
  });

  it('fails a suspended credential; reports each entry of an array', async () => {
    const result = await checkCredentialStatus({
      credential: credentialWith([entry(REVOCATION, 9, 'revocation'), entry(SUSPENSION, 9, 'suspension')]),
      fetchStatusList,
      now,
    });
    expect(result.outcome).toBe('failed');
    expect(result.message).toMatch(/suspended/);
    expect(result.entries.map((e) => e.outcome)).toEqual(['passed', 'failed']);
  });

  it('warns that the status is unknown when the list cannot be read, and never says not revoked', async () => {
    const result = await checkCredentialStatus({
      credential: credentialWith(entry('https://issuer.example/status/gone', 1, 'revocation')),
      fetchStatusList,
      now,
    });
    expect(result.outcome).toBe('warning');
    expect(result.message).toBe("The issuer's status list could not be read, so whether this credential has been revoked is unknown.");
    expect(result.message).not.toMatch(/not revoked/);
  });

  it('skips when there is no credentialStatus or an unknown status type', async () => {
    const none = await checkCredentialStatus({ credential: credentialWith(undefined), fetchStatusList, now });
    expect(none).toMatchObject({ check: 'status', outcome: 'skipped', message: 'The issuer did not publish a way to revoke this credential.' });
    const other = await checkCredentialStatus({
      credential: credentialWith({ type: 'CredentialStatusList2017', id: 'https://x.example/1' }),
      fetchStatusList,
      now,
    });
    expect(other.outcome).toBe('skipped');
    expect(other.message).toMatch(/CredentialStatusList2017/);
  });

  it('fails malformed entries and indices beyond the list', async () => {
    const bad = [
      { ...entry(REVOCATION, 1, 'revocation'), statusListIndex: '-1' },
      { ...entry(REVOCATION, 1, 'revocation'), statusListIndex: 'abc' },
      { ...entry(REVOCATION, 1, 'revocation'), statusListCredential: 42 },
      { ...entry(REVOCATION, 1, 'revocation'), statusPurpose: undefined },
      { ...entry(REVOCATION, 1, 'revocation'), statusSize: 0 },
      'not an object',
    ];
    for (const status of bad) {
      const result = await checkCredentialStatus({ credential: credentialWith(status), fetchStatusList, now });
      expect(result.outcome, JSON.stringify(status)).toBe('failed');
    }
    const beyond = await checkCredentialStatus({ credential: credentialWith(entry(REVOCATION, 131_072, 'revocation')), fetchStatusList, now });
    expect(beyond.outcome).toBe('failed');
    expect(beyond.message).toMatch(/beyond the end/);
  });

  it('fails when the list is for another purpose, from another issuer, or served under another id', async () => {
    const purpose = await checkCredentialStatus({ credential: credentialWith(entry(SUSPENSION, 1, 'revocation')), fetchStatusList, now });
    expect(purpose.outcome).toBe('failed');
    expect(purpose.message).toMatch(/for revocation, but the list .* is for suspension/);
    const otherIssuer = await checkCredentialStatus({
      credential: credentialWith(entry(REVOCATION, 1, 'revocation'), 'did:web:someone.else'),
      fetchStatusList,
      now,
    });
    expect(otherIssuer.outcome).toBe('failed');
    expect(otherIssuer.message).toMatch(/published by did:web:issuer.example/);
    const moved = await checkCredentialStatus({
      credential: credentialWith(entry(REVOCATION, 1, 'revocation')),
      fetchStatusList: async () => listCredential('https://issuer.example/status/other', 'revocation', {}),
      now,
    });
    expect(moved.outcome).toBe('failed');
  });

  it('fails when the list proof does not verify, and uses the verified list when it does', async () => {
    const rejecting: StatusListVerifier = async () => ({ verified: false, message: 'The signature does not match.' });
    const failed = await checkCredentialStatus({
      credential: credentialWith(entry(REVOCATION, 1, 'revocation')),
      fetchStatusList,
      verifyStatusListCredential: rejecting,
      now,
    });
    expect(failed.outcome).toBe('failed');
    expect(failed.message).toMatch(/cannot be trusted/);
    // A VC-JWT list: the fetcher returns a token, the verifier hands back the list it carries.
    const accepting: StatusListVerifier = async (document) => ({
      verified: document === 'jwt-token',
      message: 'ok',
      credential: lists.get(REVOCATION) as JsonObject,
    });
    const viaJwt = await checkCredentialStatus({
      credential: credentialWith(entry(REVOCATION, 7, 'revocation')),
      fetchStatusList: async () => 'jwt-token',
      verifyStatusListCredential: accepting,
      now,
    });
    expect(viaJwt.outcome).toBe('failed');
    expect(viaJwt.message).toMatch(/revoked/);
    expect(viaJwt.message).not.toMatch(/not checked/);
  });

  it('warns when the list has expired but still reports a revocation', async () => {
    const stale = listCredential(REVOCATION, 'revocation', { 7: 1 }, 1, { validUntil: '2025-06-01T00:00:00Z' });
    const fetchStale = async () => stale;
    const ok = await checkCredentialStatus({ credential: credentialWith(entry(REVOCATION, 1, 'revocation')), fetchStatusList: fetchStale, now });
    expect(ok.outcome).toBe('warning');
    expect(ok.message).toMatch(/expired/);
    const revoked = await checkCredentialStatus({ credential: credentialWith(entry(REVOCATION, 7, 'revocation')), fetchStatusList: fetchStale, now });
    expect(revoked.outcome).toBe('failed');
  });

  it('tolerates a few minutes of clock difference with the list signer, and warns beyond', async () => {
    const signedAt = (offsetMs: number) => listCredential(REVOCATION, 'revocation', {}, 1, { validFrom: new Date(now.getTime() + offsetMs).toISOString() });
    const justSigned = await checkCredentialStatus({ credential: credentialWith(entry(REVOCATION, 1, 'revocation')), fetchStatusList: async () => signedAt(60_000), now });
    expect(justSigned.outcome).toBe('passed');
    const future = await checkCredentialStatus({ credential: credentialWith(entry(REVOCATION, 1, 'revocation')), fetchStatusList: async () => signedAt(3_600_000), now });
    expect(future.outcome).toBe('warning');
    expect(future.message).toMatch(/only valid from/);
  });

  it('reads the message of a 2-bit message status, and refresh as a note', async () => {
    const statusMessage = [
      { status: '0x0', message: 'valid' },
      { status: '0x1', message: 'pending review' },
      { status: '0x2', message: 'under investigation' },
      { status: '0x3', message: 'withdrawn' },
    ];
    const messageEntry = buildStatusListEntry({ listUrl: MESSAGES, index: 3, statusPurpose: 'message', statusSize: 2, statusMessage });
    const result = await checkCredentialStatus({ credential: credentialWith(messageEntry), fetchStatusList, now });
    expect(result.outcome).toBe('passed');
    expect(result.message).toMatch(/under investigation/);
    expect(result.entries[0]?.status).toBe(2);

    const refreshUrl = 'https://issuer.example/status/refresh';
    const refresh = await checkCredentialStatus({
      credential: credentialWith(entry(refreshUrl, 5, 'refresh')),
      fetchStatusList: async () => listCredential(refreshUrl, 'refresh', { 5: 1 }),
      now,
    });
    expect(refresh.outcome).toBe('passed');
    expect(refresh.message).toMatch(/newer version/);
  });

  describe('multi-bit statuses (Bitstring Status List §2.1, §3.2)', () => {
    const statusMessage = [
      { status: '0x0', message: 'pending_review' },
      { status: '0x1', message: 'accepted' },
      { status: '0x2', message: 'rejected' },
      { status: '0x3', message: 'undefined' },
    ];
    const url = 'https://issuer.example/status/8';
    // Neighbours hold other values: the value is read at index × statusSize, not at index.
    const messageList = listCredential(url, 'message', { 41: 3, 42: 1, 43: 2 }, 2);
    const at = (index: number, extra: JsonObject = {}) => credentialWith({ ...buildStatusListEntry({ listUrl: url, index, statusPurpose: 'message', statusSize: 2, statusMessage }), statusReference: 'https://issuer.example/status-dictionary/', ...extra });
    const check = (credential: JsonObject) => checkCredentialStatus({ credential, fetchStatusList: async () => structuredClone(messageList), now });

    it('reports the value at index × statusSize with its statusMessage and statusReference', async () => {
      const result = await check(at(42));
      expect(result.outcome).toBe('passed');
      expect(result.entries[0]).toMatchObject({ status: 1, statusSize: 2, valid: false, statusMessage: 'accepted', statusReference: ['https://issuer.example/status-dictionary/'] });
      expect(result.message).toContain('“accepted”');
      expect(result.message).toContain('https://issuer.example/status-dictionary/');
      expect((await check(at(43))).entries[0]).toMatchObject({ status: 2, statusMessage: 'rejected' });
      expect((await check(at(7))).entries[0]).toMatchObject({ status: 0, valid: true, statusMessage: 'pending_review' });
    });

    it('refuses an entry whose statusMessage does not have 2^statusSize messages, or has none', async () => {
      const short = await check(at(42, { statusMessage: statusMessage.slice(0, 2) }));
      expect(short.outcome).toBe('failed');
      expect(short.entries[0]?.code).toBe('MALFORMED_VALUE_ERROR');
      expect(short.message).toMatch(/2 messages.*4 values/);
      const { statusMessage: _dropped, ...bare } = at(42).credentialStatus as JsonObject;
      expect((await check(credentialWith(bare))).entries[0]?.code).toBe('MALFORMED_VALUE_ERROR');
      const repeated = await check(at(42, { statusMessage: [...statusMessage.slice(0, 3), { status: '0x1', message: 'again' }] }));
      expect(repeated.entries[0]?.code).toBe('MALFORMED_VALUE_ERROR');
      const badReference = await check(at(42, { statusReference: ['not a url'] }));
      expect(badReference.entries[0]?.code).toBe('MALFORMED_VALUE_ERROR');
    });

    it("refuses an entry whose purpose the list does not have, and reads a list's length in entries of statusSize bits", async () => {
      const revocationEntry = { ...(at(42).credentialStatus as JsonObject), statusPurpose: 'revocation' };
      const mismatch = await check(credentialWith(revocationEntry));
      expect(mismatch.outcome).toBe('failed');
      expect(mismatch.entries[0]?.code).toBe('STATUS_VERIFICATION_ERROR');
      // 131,072 one-bit entries read as 2-bit entries are only 65,536: too few (§3.2 step 9).
      const oneBit = listCredential(url, 'message', {}, 1);
      const short = await checkCredentialStatus({ credential: at(42), fetchStatusList: async () => oneBit, now });
      expect(short.entries[0]?.code).toBe('STATUS_LIST_LENGTH_ERROR');
    });
  });

  it('reads a legacy StatusList2021 entry', async () => {
    const url = 'https://issuer.example/status/2021';
    const list = new StatusBitstring();
    list.set(11, 1);
    const legacyList = {
      '@context': ['https://www.w3.org/2018/credentials/v1', 'https://w3id.org/vc/status-list/2021/v1'],
      id: url,
      type: ['VerifiableCredential', 'StatusList2021Credential'],
      issuer: ISSUER,
      issuanceDate: '2025-01-01T00:00:00Z',
      credentialSubject: { id: `${url}#list`, type: 'StatusList2021', statusPurpose: 'revocation', encodedList: list.encode().slice(1) },
    };
    const result = await checkCredentialStatus({
      credential: credentialWith({ id: `${url}#11`, type: 'StatusList2021Entry', statusPurpose: 'revocation', statusListIndex: '11', statusListCredential: url }),
      fetchStatusList: async () => legacyList,
      now,
    });
    expect(result.outcome).toBe('failed');
    expect(result.message).toMatch(/revoked/);
  });

  it('fails a list whose encodedList is garbage, without throwing', async () => {
    const broken = listCredential(REVOCATION, 'revocation', {});
    (broken.credentialSubject as JsonObject).encodedList = 'u$$$';
    const result = await checkCredentialStatus({ credential: credentialWith(entry(REVOCATION, 1, 'revocation')), fetchStatusList: async () => broken, now });
    expect(result.outcome).toBe('failed');
    expect(result.message).toMatch(/not usable/);
  });

  it('throws TypeError on API misuse', async () => {
    await expect(checkCredentialStatus({ credential: 'x' as unknown as JsonObject, fetchStatusList, now })).rejects.toThrow(TypeError);
    await expect(checkCredentialStatus({ credential: credentialWith(undefined), fetchStatusList, now: new Date('x') })).rejects.toThrow(TypeError);
  });
});
