import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bakePng, bakeSvg, detectAndExtract, extractFromPng, extractFromSvg } from '../../src/vc/baking/index.ts';
import { itxtChunk, pngChunk } from '../../src/vc/baking/png.ts';
import type { ExtractResult } from '../../src/vc/baking/types.ts';
import type { JsonObject } from '../../src/vc/types.ts';
import { TINY_SVG, tinyPng } from '../fixtures/images/tiny-png.ts';

const HEAP_BOUND = 200 * 1024 * 1024;
const credential: JsonObject = { '@context': ['https://www.w3.org/ns/credentials/v2'], type: ['VerifiableCredential', 'OpenBadgeCredential'], name: 'Fuzz ]]> badge' };
const BAKED_PNG = bakePng({ image: tinyPng(), credential });
const BAKED_SVG = bakeSvg({ svg: TINY_SVG, credential });

/** A result is one of the documented shapes: undefined, {ok: false, error: sentence}, or a credential. */
function wellFormed(result: ExtractResult): boolean {
  if (result === undefined) return true;
  if (!result.ok) return typeof result.error === 'string' && result.error.length > 0;
  return ['ob3', 'ob3-jwt', 'ob2'].includes(result.kind);
}

function heapGrowth(run: () => void): number {
  const before = process.memoryUsage().heapUsed;
  run();
  return process.memoryUsage().heapUsed - before;
}

/** Applies byte edits: flips, truncation, insertion. */
const pngMutation = fc.record({
  flips: fc.array(fc.tuple(fc.nat(), fc.integer({ min: 1, max: 255 })), { maxLength: 8 }),
  truncateTo: fc.option(fc.nat(), { nil: undefined }),
  insert: fc.option(fc.tuple(fc.nat(), fc.uint8Array({ maxLength: 64 })), { nil: undefined }),
});

describe('fuzz: PNG extraction', () => {
  it('never throws on arbitrary bytes, with or without a PNG signature', () => {
    const growth = heapGrowth(() =>
      fc.assert(
        fc.property(fc.uint8Array({ maxLength: 4096 }), fc.boolean(), (bytes, signed) => {
          const input = signed ? new Uint8Array([...BAKED_PNG.subarray(0, 8), ...bytes]) : bytes;
          expect(wellFormed(extractFromPng(input))).toBe(true);
          expect(wellFormed(detectAndExtract(input))).toBe(true);
        }),
        { numRuns: 500 },
      ),
    );
    expect(growth).toBeLessThan(HEAP_BOUND);
  });

  it('never throws on mutated baked PNGs', () => {
    fc.assert(
      fc.property(pngMutation, ({ flips, truncateTo, insert }) => {
        let bytes = BAKED_PNG.slice();
        for (const [position, xor] of flips) bytes[position % bytes.length] = bytes[position % bytes.length]! ^ xor;
        if (insert) {
          const at = insert[0] % bytes.length;
          bytes = new Uint8Array([...bytes.subarray(0, at), ...insert[1], ...bytes.subarray(at)]);
        }
        if (truncateTo !== undefined) bytes = bytes.subarray(0, truncateTo % (bytes.length + 1));
        expect(wellFormed(extractFromPng(bytes))).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it('never throws on text chunks with valid CRCs but arbitrary content', () => {
    fc.assert(
      fc.property(fc.constantFrom('openbadgecredential', 'openbadges'), fc.uint8Array({ maxLength: 512 }), (keyword, body) => {
        const data = new Uint8Array([...new TextEncoder().encode(keyword), 0, ...body]);
        expect(wellFormed(extractFromPng(tinyPng([pngChunk('iTXt', data)])))).toBe(true);
        expect(wellFormed(extractFromPng(tinyPng([pngChunk('tEXt', data)])))).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it('round-trips any JSON credential through a PNG', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.jsonValue()), (object) => {
        const expected = JSON.parse(JSON.stringify(object)) as JsonObject;
        expect(extractFromPng(bakePng({ image: tinyPng([itxtChunk('Comment', 'x')]), credential: object }))).toEqual({ ok: true, kind: 'ob3', credential: expected });
      }),
      { numRuns: 200 },
    );
  });
});

describe('fuzz: SVG extraction', () => {
  it('never throws on arbitrary text', () => {
    const growth = heapGrowth(() =>
      fc.assert(
        fc.property(fc.string({ maxLength: 2000, unit: 'grapheme' }), fc.boolean(), (text, asSvg) => {
          const input = asSvg ? `<svg xmlns:openbadges="https://purl.imsglobal.org/ob/v3p0">${text}` : text;
          expect(wellFormed(extractFromSvg(input))).toBe(true);
        }),
        { numRuns: 500 },
      ),
    );
    expect(growth).toBeLessThan(HEAP_BOUND);
  });

  it('never throws on mutated baked SVGs, including markup fragments and entity bombs', () => {
    const fragment = fc.oneof(
      fc.string({ maxLength: 40 }),
      fc.constantFrom('<', '>', '</svg>', '<![CDATA[', ']]>', '<!--', '-->', '&amp;', '&lol;', '"', "'", '<openbadges:credential>', '</openbadges:credential>', '<!DOCTYPE svg [<!ENTITY lol "lol">]>', '<?x?>'),
    );
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(), fragment, fc.nat({ max: 20 })), { maxLength: 6 }), (edits) => {
        let text = BAKED_SVG;
        for (const [position, insert, remove] of edits) {
          const at = position % (text.length + 1);
          text = text.slice(0, at) + insert + text.slice(at + remove);
        }
        expect(wellFormed(extractFromSvg(text))).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it('refuses billion-laughs documents of any depth without expanding them', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 30 }), fc.integer({ min: 2, max: 20 }), (levels, fanOut) => {
        let entities = '<!ENTITY l0 "lol">';
        for (let i = 1; i <= levels; i++) entities += `<!ENTITY l${i} "${`&l${i - 1};`.repeat(fanOut)}">`;
        const svg = `<?xml version="1.0"?><!DOCTYPE svg [${entities}]><svg xmlns:openbadges="https://purl.imsglobal.org/ob/v3p0"><openbadges:credential verify="&l${levels};"/></svg>`;
        expect(extractFromSvg(svg)).toMatchObject({ ok: false, error: expect.stringContaining('entities') });
      }),
      { numRuns: 100 },
    );
  });

  it('round-trips any JSON credential through an SVG, whatever its strings contain', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.oneof(fc.jsonValue(), fc.constantFrom(']]>', '<![CDATA[', '</openbadges:credential>'))), (object) => {
        const expected = JSON.parse(JSON.stringify(object)) as JsonObject;
        expect(extractFromSvg(bakeSvg({ svg: TINY_SVG, credential: object }))).toEqual({ ok: true, kind: 'ob3', credential: expected });
      }),
      { numRuns: 200 },
    );
  });
});
