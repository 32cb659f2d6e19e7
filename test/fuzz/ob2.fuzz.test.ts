import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { toDisplay } from '../../src/vc/display.ts';
import { parseOb2Assertion } from '../../src/vc/ob2/parse.ts';
import { verifyOb2 } from '../../src/vc/ob2/verify.ts';
import type { Fetcher, JsonObject } from '../../src/vc/types.ts';

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
