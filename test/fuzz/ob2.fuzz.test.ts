import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { toDisplay } from '../../src/vc/display.ts';
import { parseOb2Assertion } from '../../src/vc/ob2/parse.ts';
import { verifyOb2 } from '../../src/vc/ob2/verify.ts';
import type { Fetcher, JsonObject } from '../../src/vc/types.ts';
import { InputError, verifyAny } from '../../src/vc/verify-any.ts';

const HEAP_BOUND = 200 * 1024 * 1024;
const NOW = new Date('2025-06-01T00:00:00Z');
const fixture = (name: string) => JSON.parse(readFileSync(new URL(`../fixtures/ob2/${name}`, import.meta.url), 'utf8')) as JsonObject;
const HOSTED = fixture('assertion-hosted.json');
const BADGE = fixture('badge-class.json');
const ISSUER = fixture('issuer.json');

/** Serves the same (arbitrary) document for every URL, or fails. */
const fetcherServing = (document: unknown): Fetcher => async (url) => {
  if (document === undefined) throw new Error('404');
  return { url, body: new TextEncoder().encode(JSON.stringify(document)) };
};

/** Serves the real fixtures, with one document replaced by arbitrary JSON. */
const fetcherWith = (replace: string, document: unknown): Fetcher => {
  const documents: Record<string, unknown> = { [HOSTED.id as string]: HOSTED, [BADGE.id as string]: BADGE, [ISSUER.id as string]: ISSUER, [replace]: document };
  return async (url) => {
    if (!(url in documents)) throw new Error('404');
    return { url, body: new TextEncoder().encode(JSON.stringify(documents[url]) ?? '') };
  };
};

describe('fuzz: OB 2.0', () => {
  it('parseOb2Assertion never throws on arbitrary JSON or objects', () => {
    const before = process.memoryUsage().heapUsed;
    fc.assert(
      fc.property(fc.oneof(fc.jsonValue(), fc.object()), (value) => {
        const parsed = parseOb2Assertion(value);
        expect(parsed.ok || parsed.errors.length > 0).toBe(true);
      }),
      { numRuns: 500 },
    );
    expect(process.memoryUsage().heapUsed - before).toBeLessThan(HEAP_BOUND);
  });

  it('verifyOb2 resolves with a report for arbitrary input and arbitrary fetched documents', async () => {
    const before = process.memoryUsage().heapUsed;
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.jsonValue(), fc.string(), fc.constant('https://issuer.example/x')), fc.option(fc.jsonValue(), { nil: undefined }), async (input, served) => {
        const result = await verifyOb2({ input, fetcher: fetcherServing(served), now: NOW, recipient: 'a@example.org' });
        expect(typeof result.verified).toBe('boolean');
        expect(result.checks.length).toBeGreaterThan(0);
      }),
      { numRuns: 500 },
    );
    expect(process.memoryUsage().heapUsed - before).toBeLessThan(HEAP_BOUND);
  });

  it('verifyOb2 never throws when any property of a valid assertion, badge or issuer is replaced', async () => {
    const keys = ['@context', 'type', 'id', 'recipient', 'badge', 'verification', 'issuedOn', 'expires', 'revoked', 'evidence', 'image', 'issuer', 'name', 'criteria'];
    await fc.assert(
      fc.asyncProperty(fc.constantFrom('assertion', 'badge', 'issuer'), fc.dictionary(fc.constantFrom(...keys), fc.jsonValue(), { minKeys: 1, maxKeys: 3 }), async (target, overrides) => {
        const documents = { assertion: HOSTED, badge: BADGE, issuer: ISSUER };
        const changed = { ...documents[target], ...overrides };
        const url = documents[target].id as string;
        const input = target === 'assertion' ? changed : HOSTED;
        const result = await verifyOb2({ input, fetcher: fetcherWith(url, changed), now: NOW });
        expect(typeof result.verified).toBe('boolean');
        if (result.verified && result.document) expect(() => toDisplay(result.document!, { version: 'ob2' })).not.toThrow();
      }),
      { numRuns: 300 },
    );
  });

  it('toDisplay never throws on arbitrary objects, in either version', () => {
    fc.assert(
      fc.property(fc.object(), fc.constantFrom<'ob2' | 'ob3'>('ob2', 'ob3'), (value, version) => {
        expect(typeof toDisplay(value, { version }).name).toBe('string');
      }),
      { numRuns: 500 },
    );
  });
});

describe('fuzz: baked OB 2.0 SVG is hostile input (issue 15)', () => {
  const SPEC = new URL('../fixtures/ob2/spec/', import.meta.url);
  const SVG_EMBEDDED = readFileSync(new URL('baked-embedded.svg', SPEC), 'utf8');
  const SVG_VERIFY = readFileSync(new URL('baked-verify.svg', SPEC), 'utf8');
  const specJson = (name: string) => JSON.parse(readFileSync(new URL(name, SPEC), 'utf8')) as JsonObject;
  const SPEC_DOCS: Record<string, unknown> = Object.fromEntries(['assertion.json', 'badge-class.json', 'issuer.json'].map((name) => [specJson(name).id, specJson(name)]));
  /** Serves the specification's documents, counting what was asked. */
  const counting = () => {
    const calls: string[] = [];
    const fetcher: Fetcher = async (url) => {
      calls.push(url);
      if (!(url in SPEC_DOCS)) throw new Error('404');
      return { url, body: new TextEncoder().encode(JSON.stringify(SPEC_DOCS[url])) };
    };
    return { fetcher, calls };
  };
  const verifySvg = async (svg: string, fetcher: Fetcher) => {
    try {
      return await verifyAny({ bytes: new TextEncoder().encode(svg), fetcher, now: new Date('2024-06-01T00:00:00Z') });
    } catch (error) {
      // Input that holds nothing verifiable is refused in words; anything else thrown is a bug.
      expect(error).toBeInstanceOf(InputError);
      return undefined;
    }
  };

  it('both forms of the specification example verify', async () => {
    for (const svg of [SVG_EMBEDDED, SVG_VERIFY]) expect((await verifySvg(svg, counting().fetcher))?.verified).toBe(true);
  });

  it('hostile tokens spliced anywhere into a baked OB 2.0 SVG never throw, hang or grow the heap', async () => {
    const before = process.memoryUsage().heapUsed;
    const token = fc.constantFrom(
      '<', '>', '</svg>', '<![CDATA[', ']]>', '<!--', '-->', '&amp;', '&lol;', '&#0;', '&#x110000;', '"', "'",
      '<openbadges:assertion>', '</openbadges:assertion>', '<openbadges:assertion verify="https://example.org/beths-robotics-badge.json"/>',
      '<!DOCTYPE svg [<!ENTITY lol "lol">]>', '<!DOCTYPE svg SYSTEM "file:///etc/passwd">', '<!ENTITY x SYSTEM "file:///etc/passwd">',
      '<?xml version="1.0"?>', 'xmlns:openbadges="http://openbadges.org"', 'xmlns:ob="https://openbadges.org/"', '<g>', '</g>', '{', '}', '"id":',
    );
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(SVG_EMBEDDED, SVG_VERIFY), fc.array(fc.tuple(fc.nat(), token), { minLength: 1, maxLength: 6 }), async (svg, splices) => {
        let text = svg;
        for (const [at, piece] of splices) {
          const index = at % (text.length + 1);
          text = text.slice(0, index) + piece + text.slice(index);
        }
        const started = Date.now();
        const result = await verifySvg(text, counting().fetcher);
        expect(Date.now() - started).toBeLessThan(5000);
        if (result) expect(typeof result.verified).toBe('boolean');
      }),
      { numRuns: 300 },
    );
    expect(process.memoryUsage().heapUsed - before).toBeLessThan(HEAP_BOUND);
  });

  it('refuses entity declarations (billion laughs, external entities) without expanding or fetching anything', async () => {
    const laughs = Array.from({ length: 10 }, (_, i) => `<!ENTITY l${i + 1} "${`&l${i};`.repeat(10)}">`).join('');
    const bombs = [
      `<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY l0 "lol">${laughs}]><svg xmlns:openbadges="http://openbadges.org"><openbadges:assertion>&l10;</openbadges:assertion></svg>`,
      `<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY xxe SYSTEM "https://example.org/beths-robotics-badge.json">]><svg xmlns:openbadges="http://openbadges.org"><openbadges:assertion verify="&xxe;"/></svg>`,
      `<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY % p SYSTEM "file:///etc/passwd"> %p;]><svg xmlns:openbadges="http://openbadges.org"><openbadges:assertion verify="https://example.org/beths-robotics-badge.json"/></svg>`,
    ];
    for (const svg of bombs) {
      const { fetcher, calls } = counting();
      await expect(verifyAny({ bytes: new TextEncoder().encode(svg), fetcher })).rejects.toThrow(/entities/);
      expect(calls).toEqual([]);
    }
    // An undeclared entity is refused too; the five XML ones and character references are read.
    await expect(verifyAny({ bytes: new TextEncoder().encode(SVG_VERIFY.replace('https://example.org', '&ext;')), fetcher: counting().fetcher })).rejects.toThrow(/does not expand/);
    const encoded = SVG_VERIFY.replace('verify="https://', 'verify="&#x68;ttps&#58;//');
    expect((await verifySvg(encoded, counting().fetcher))?.verified).toBe(true);
  });

  it('refuses huge files and deep nesting quickly, and a second baked assertion as ambiguous', async () => {
    const cases: [string, RegExp][] = [
      [SVG_VERIFY.replace('<!-- rest-of-image -->', `<!--${'x'.repeat(9 * 1024 * 1024)}-->`), /larger than microcred accepts/],
      [SVG_VERIFY.replace('<!-- rest-of-image -->', '<g>'.repeat(200_000)), /nests elements too deeply/],
      [SVG_VERIFY.replace('<!-- rest-of-image -->', '<openbadges:assertion verify="https://evil.example/a.json"/>'), /more than one baked credential/],
      [SVG_EMBEDDED.replace('<![CDATA[', `<![CDATA[${' '.repeat(5 * 1024 * 1024)}`), /larger than microcred accepts/],
    ];
    for (const [svg, refusal] of cases) {
      const { fetcher, calls } = counting();
      const started = Date.now();
      await expect(verifyAny({ bytes: new TextEncoder().encode(svg), fetcher })).rejects.toThrow(refusal);
      expect(Date.now() - started).toBeLessThan(3000);
      expect(calls).toEqual([]);
    }
  });
});
