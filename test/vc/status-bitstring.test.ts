import { readFileSync } from 'node:fs';
import { createGzip, gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { base64urlEncode } from '../../src/vc/multibase.ts';
import {
  DEFAULT_MAX_DECODED_BYTES,
  MIN_STATUS_LIST_ENTRIES,
  StatusBitstring,
  decodeStatusList,
} from '../../src/vc/status/bitstring.ts';
import { buildStatusListCredential, buildStatusListEntry } from '../../src/vc/status/status-list-credential.ts';
import { standardsUrl } from '../support/standards.ts';

// The reference library ships no types: describe the two functions used here.
interface ReferenceList {
  length: number;
  setStatus(index: number, status: boolean): void;
  getStatus(index: number): boolean;
  encode(): Promise<string>;
}
const REFERENCE = '@digitalbazaar/vc-bitstring-status-list';
const { createList, decodeList } = (await import(REFERENCE)) as {
  createList(options: { length: number }): Promise<ReferenceList>;
  decodeList(options: { encodedList: string }): Promise<ReferenceList>;
};

const EXAMPLES = standardsUrl('examples/bitstring-status-list/');

function decodeOk(encodedList: string, statusSize = 1): StatusBitstring {
  const result = decodeStatusList({ encodedList, statusSize });
  if (!result.ok) throw new Error(result.error.message);
  return result.list;
}

/** Gzip of `total` zero bytes, compressed chunk by chunk so the test never holds them all. */
async function gzipOfZeros(total: number): Promise<Buffer> {
  const gzip = createGzip({ level: 9 });
  const out: Buffer[] = [];
  gzip.on('data', (chunk: Buffer) => out.push(chunk));
  const done = new Promise((resolve, reject) => { gzip.on('end', resolve); gzip.on('error', reject); });
  const chunk = Buffer.alloc(1024 * 1024);
  for (let written = 0; written < total; written += chunk.length) {
    if (!gzip.write(chunk)) await new Promise((resolve) => gzip.once('drain', resolve));
  }
  gzip.end();
  await done;
  return Buffer.concat(out);
}

describe('StatusBitstring', () => {
  it('defaults to the 131,072-entry minimum and refuses shorter lists unless asked', () => {
    expect(new StatusBitstring().length).toBe(MIN_STATUS_LIST_ENTRIES);
    expect(() => new StatusBitstring({ length: 1000 })).toThrow(TypeError);
    expect(new StatusBitstring({ length: 1000, allowShort: true }).length).toBe(1000);
  });

  it('sets and reads back random indices on a full-size list, and survives encoding', () => {
    const list = new StatusBitstring();
    const indices = new Set<number>();
    fc.assert(
      fc.property(fc.integer({ min: 0, max: MIN_STATUS_LIST_ENTRIES - 1 }), (index) => {
        list.set(index, true);
        indices.add(index);
        expect(list.get(index)).toBe(1);
      }),
      { numRuns: 300 },
    );
    const decoded = decodeOk(list.encode());
    expect(decoded.length).toBe(MIN_STATUS_LIST_ENTRIES);
    for (let i = 0; i < MIN_STATUS_LIST_ENTRIES; i++) {
      if (decoded.get(i) !== (indices.has(i) ? 1 : 0)) throw new Error(`bit ${i} differs`);
    }
  });

  it('puts index 0 in the most significant bit of the first byte (§4.1)', () => {
    const list = new StatusBitstring();
    list.set(0, 1);
    list.set(9, 1);
    const bytes = list.toBytes();
    expect(bytes[0]).toBe(0x80);
    expect(bytes[1]).toBe(0x40);
  });

  it('rejects misuse with TypeError', () => {
    const list = new StatusBitstring();
    expect(() => list.set(-1, 1)).toThrow(TypeError);
    expect(() => list.set(MIN_STATUS_LIST_ENTRIES, 1)).toThrow(TypeError);
    expect(() => list.get(1.5)).toThrow(TypeError);
    expect(() => list.set(0, 2)).toThrow(TypeError);
    expect(() => new StatusBitstring({ statusSize: 0 })).toThrow(TypeError);
    expect(() => new StatusBitstring({ statusSize: 9 })).toThrow(TypeError);
  });

  it('round-trips multi-bit statuses (statusSize 2 and 3)', () => {
    for (const statusSize of [2, 3]) {
      const list = new StatusBitstring({ statusSize });
      const max = 2 ** statusSize;
      for (let i = 0; i < 5000; i += 7) list.set(i, i % max);
      const decoded = decodeOk(list.encode(), statusSize);
      expect(decoded.statusSize).toBe(statusSize);
      for (let i = 0; i < 5000; i++) expect(decoded.get(i)).toBe(i % 7 === 0 ? i % max : 0);
    }
    const two = new StatusBitstring({ statusSize: 2 });
    two.set(0, 2); // binary 10: most significant bit first
    expect(two.toBytes()[0]).toBe(0b1000_0000);
  });
});

describe('decodeStatusList', () => {
  it('reads the Bitstring Status List spec example (131,072 entries, none set)', () => {
    const example = JSON.parse(readFileSync(new URL('bsl-spec-example.status-list-credential.json', EXAMPLES), 'utf8'));
    const list = decodeOk(example.credentialSubject.encodedList);
    expect(list.length).toBe(131_072);
    expect(list.toBytes().every((byte) => byte === 0)).toBe(true);
    const entry = JSON.parse(readFileSync(new URL('bsl-spec-example.credential-with-status-entry.json', EXAMPLES), 'utf8'));
    expect(list.get(Number(entry.credentialStatus.statusListIndex))).toBe(0);
  });

  it('interoperates with @digitalbazaar/vc-bitstring-status-list both ways', async () => {
    const indices = [0, 1, 7, 8, 94567, 131071];
    const theirs = await createList({ length: MIN_STATUS_LIST_ENTRIES });
    for (const i of indices) theirs.setStatus(i, true);
    const ours = decodeOk(await theirs.encode());
    for (let i = 0; i < MIN_STATUS_LIST_ENTRIES; i++) {
      if (ours.get(i) !== (indices.includes(i) ? 1 : 0)) throw new Error(`bit ${i} differs`);
    }
    const mine = new StatusBitstring();
    for (const i of indices) mine.set(i, 1);
    const decoded = await decodeList({ encodedList: mine.encode() });
    expect(decoded.length).toBe(MIN_STATUS_LIST_ENTRIES);
    for (let i = 0; i < MIN_STATUS_LIST_ENTRIES; i++) {
      if (decoded.getStatus(i) !== indices.includes(i)) throw new Error(`bit ${i} differs`);
    }
  });

  it('refuses a gzip bomb without inflating past the bound', async () => {
    const bomb = `u${base64urlEncode(await gzipOfZeros(64 * 1024 * 1024))}`;
    const small = decodeStatusList({ encodedList: bomb, maxDecodedBytes: 1024 * 1024 });
    expect(small.ok).toBe(false);
    if (!small.ok) {
      expect(small.error.code).toBe('STATUS_LIST_TOO_LARGE');
      expect(small.error.message).toMatch(/expands to more than/);
    }
    const byDefault = decodeStatusList({ encodedList: bomb });
    expect(byDefault.ok).toBe(false);
    expect(DEFAULT_MAX_DECODED_BYTES).toBeLessThan(64 * 1024 * 1024);
  });

  it('reports malformed and short lists as typed errors', () => {
    const cases: [unknown, string][] = [
      [undefined, 'MALFORMED_VALUE_ERROR'],
      ['', 'MALFORMED_VALUE_ERROR'],
      ['H4sIAAAA', 'MALFORMED_VALUE_ERROR'], // no multibase prefix
      ['u!!!!', 'MALFORMED_VALUE_ERROR'],
      [`u${base64urlEncode(new Uint8Array([1, 2, 3, 4]))}`, 'MALFORMED_VALUE_ERROR'],
      [`u${base64urlEncode(gzipSync(new Uint8Array(100)))}`, 'STATUS_LIST_LENGTH_ERROR'],
      [`u${base64urlEncode(gzipSync(new Uint8Array(0)))}`, 'STATUS_LIST_LENGTH_ERROR'],
    ];
    for (const [encodedList, code] of cases) {
      const result = decodeStatusList({ encodedList });
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.error.code).toBe(code);
    }
    // a 2-bit list needs twice the bytes for the same minimum number of entries
    const oneBitMinimum = new StatusBitstring().encode();
    const asTwoBit = decodeStatusList({ encodedList: oneBitMinimum, statusSize: 2 });
    expect(asTwoBit.ok).toBe(false);
  });

  it('reads legacy StatusList2021 lists (no multibase prefix) only when asked', () => {
    const legacy = new StatusBitstring().encode().slice(1);
    expect(decodeStatusList({ encodedList: legacy }).ok).toBe(false);
    expect(decodeStatusList({ encodedList: legacy, multibase: 'auto' }).ok).toBe(true);
    expect(decodeStatusList({ encodedList: `u${legacy}`, multibase: 'auto' }).ok).toBe(true);
  });

  it('never throws, whatever the input', () => {
    const small = { maxDecodedBytes: 64 * 1024, minimumEntries: 8 };
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.string().map((s) => `u${s}`), fc.anything()), (encodedList) => {
        const result = decodeStatusList({ encodedList, ...small });
        expect(typeof result.ok).toBe('boolean');
      }),
      { numRuns: 500 },
    );
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 2048 }), fc.boolean(), (bytes, zipped) => {
        const payload = zipped ? gzipSync(bytes) : bytes;
        const result = decodeStatusList({ encodedList: `u${base64urlEncode(payload)}`, ...small });
        expect(typeof result.ok).toBe('boolean');
        if (result.ok) expect(result.list.toBytes().length).toBeLessThanOrEqual(small.maxDecodedBytes);
      }),
      { numRuns: 500 },
    );
  });
});

describe('status list documents', () => {
  const url = 'https://issuer.example/status/1';

  it('builds a BitstringStatusListCredential and an entry that point at each other', () => {
    const list = new StatusBitstring();
    list.set(42, 1);
    const credential = buildStatusListCredential({
      url,
      issuer: 'did:web:issuer.example',
      statusPurpose: 'revocation',
      list,
      validFrom: new Date('2025-01-01T00:00:00.000Z'),
      ttl: 300_000,
    });
    expect(credential).toMatchObject({
      id: url,
      type: ['VerifiableCredential', 'BitstringStatusListCredential'],
      validFrom: '2025-01-01T00:00:00Z',
      credentialSubject: { id: `${url}#list`, type: 'BitstringStatusList', statusPurpose: 'revocation', ttl: 300_000 },
    });
    const subject = credential.credentialSubject as { encodedList: string };
    expect(decodeOk(subject.encodedList).get(42)).toBe(1);

    expect(buildStatusListEntry({ listUrl: url, index: 42, statusPurpose: 'revocation' })).toEqual({
      id: `${url}#42`,
      type: 'BitstringStatusListEntry',
      statusPurpose: 'revocation',
      statusListIndex: '42',
      statusListCredential: url,
    });
  });

  it('requires a message for every value of a multi-bit status (§2.1)', () => {
    const statusMessage = [
      { status: '0x0', message: 'valid' },
      { status: '0x1', message: 'pending review' },
      { status: '0x2', message: 'under investigation' },
      { status: '0x3', message: 'withdrawn' },
    ];
    expect(buildStatusListEntry({ listUrl: url, index: 3, statusPurpose: 'message', statusSize: 2, statusMessage })).toMatchObject({
      statusSize: 2,
      statusMessage,
    });
    expect(() => buildStatusListEntry({ listUrl: url, index: 3, statusPurpose: 'message', statusSize: 2 })).toThrow(TypeError);
    expect(() =>
      buildStatusListEntry({ listUrl: url, index: 3, statusPurpose: 'message', statusSize: 2, statusMessage: statusMessage.slice(1) }),
    ).toThrow(TypeError);
    expect(() => buildStatusListEntry({ listUrl: `${url}#x`, index: 1, statusPurpose: 'revocation' })).toThrow(TypeError);
    expect(() => buildStatusListEntry({ listUrl: url, index: -1, statusPurpose: 'revocation' })).toThrow(TypeError);
  });
});
