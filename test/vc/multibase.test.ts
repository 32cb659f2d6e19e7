import fc from 'fast-check';
import * as base58 from 'base58-universal';
import { describe, expect, it } from 'vitest';
import { base58btcDecode, base58btcEncode } from '../../src/vc/multibase.ts';

describe('base58btc against an independent implementation', () => {
  it('decodes what base58-universal encodes, leading zero bytes included, and round-trips', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 120 }), fc.nat({ max: 4 }), (body, zeros) => {
      const bytes = new Uint8Array([...new Uint8Array(zeros), ...body]);
      const text = base58.encode(bytes);
      expect(base58btcEncode(bytes)).toBe(text);
      expect(Buffer.from(base58btcDecode(text)!).equals(Buffer.from(bytes))).toBe(true);
    }), { numRuns: 500 });
  });

  it('refuses characters outside the alphabet wherever they are', () => {
    fc.assert(fc.property(fc.uint8Array({ minLength: 1, maxLength: 40 }), fc.constantFrom('0', 'O', 'I', 'l', '+', 'é'), fc.nat(), (bytes, bad, at) => {
      const text = base58.encode(bytes);
      const i = at % (text.length + 1);
      expect(base58btcDecode(text.slice(0, i) + bad + text.slice(i))).toBeUndefined();
    }), { numRuns: 300 });
  });
});
