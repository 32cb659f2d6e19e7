import { describe, expect, it } from 'vitest';
import { StatusListCache } from '../../src/vc/status/list-cache.ts';

describe('StatusListCache', () => {
  it('keeps at most maxEntries lists, dropping the least recently used', async () => {
    const cache = new StatusListCache<boolean>({ maxEntries: 2 });
    const loads: string[] = [];
    const load = (url: string) => cache.list(url, async () => (loads.push(url), { url }));
    await load('a');
    await load('b');
    await load('a'); // a is now the most recently used
    await load('c'); // evicts b
    await load('a');
    await load('b');
    expect(loads).toEqual(['a', 'b', 'c', 'b']);
  });

  it('shares one load between callers that ask at the same time', async () => {
    const cache = new StatusListCache<boolean>();
    let loads = 0;
    const results = await Promise.all(Array.from({ length: 5 }, () => cache.list('u', async () => ++loads)));
    expect(results).toEqual([1, 1, 1, 1, 1]);
  });

  it('caches a verification per document object and per token text, for maxAge', async () => {
    let clock = 0;
    const cache = new StatusListCache<number>({ maxAgeMs: 1000, clock: () => new Date(clock) });
    let checks = 0;
    const document = { id: 'list' };
    const verify = async () => ++checks;
    expect(await cache.verification(document, verify)).toBe(1);
    expect(await cache.verification(document, verify)).toBe(1);
    expect(await cache.verification('a.b.c', verify)).toBe(2);
    expect(await cache.verification('a.b.c', verify)).toBe(2);
    clock = 1001;
    expect(await cache.verification(document, verify)).toBe(3);
  });

  it('refuses nonsense bounds', () => {
    expect(() => new StatusListCache({ maxEntries: 0 })).toThrow(TypeError);
    expect(() => new StatusListCache({ maxAgeMs: -1 })).toThrow(TypeError);
  });
});
