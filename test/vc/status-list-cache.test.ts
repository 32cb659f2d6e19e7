import { describe, expect, it } from 'vitest';
import { StatusListCache } from '../../src/vc/status/list-cache.ts';
import { statusListTtl } from '../../src/vc/status/status-list-credential.ts';

const b64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

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

  it("keeps a list no longer than the ttl it states (§2.2), counted from its fetch, and never beyond maxAge", async () => {
    let clock = 0;
    const cache = new StatusListCache<boolean>({ maxAgeMs: 10_000, ttlOf: statusListTtl, clock: () => new Date(clock) });
    const loads: string[] = [];
    const list = (ttl: number | undefined) => ({ credentialSubject: { type: 'BitstringStatusList', ...(ttl !== undefined ? { ttl } : {}) } });
    const load = (url: string, ttl: number | undefined) => cache.list(url, async () => (loads.push(`${url}@${clock}`), list(ttl)));
    await load('short', 1_000);
    await load('long', 60_000);
    await load('none', undefined);
    clock = 999;
    await load('short', 1_000); // held
    clock = 1_000;
    await load('short', 1_000); // its ttl has passed: read again
    clock = 9_999;
    await load('long', 60_000);
    await load('none', undefined);
    clock = 10_000; // maxAge caps a longer ttl and stands in for a missing one
    await load('long', 60_000);
    await load('none', undefined);
    expect(loads).toEqual(['short@0', 'long@0', 'none@0', 'short@1000', 'long@10000', 'none@10000']);
  });

  it('a ttl of 0 means the list is read every time', async () => {
    const cache = new StatusListCache<boolean>({ ttlOf: statusListTtl, clock: () => new Date(0) });
    let loads = 0;
    for (let i = 0; i < 3; i++) await cache.list('u', async () => (loads++, { credentialSubject: { ttl: 0 } }));
    expect(loads).toBe(3);
  });

  it('statusListTtl reads a list object or a VC-JWT payload (plain or in `vc`), and ignores nonsense', () => {
    expect(statusListTtl({ credentialSubject: { ttl: 300_000 } })).toBe(300_000);
    expect(statusListTtl({ credentialSubject: [{ ttl: 5 }] })).toBe(5);
    expect(statusListTtl(`eyJhbGciOiJFZERTQSJ9.${b64url({ credentialSubject: { ttl: 42 } })}.c2ln`)).toBe(42);
    expect(statusListTtl(`eyJhbGciOiJFZERTQSJ9.${b64url({ vc: { credentialSubject: { ttl: 43 } } })}.c2ln`)).toBe(43);
    for (const bad of [{ credentialSubject: { ttl: -1 } }, { credentialSubject: { ttl: '300' } }, { credentialSubject: {} }, {}, null, 'not.a-jwt!.x', 'abc', 7]) {
      expect(statusListTtl(bad), JSON.stringify(bad)).toBeUndefined();
    }
  });

  it('refuses nonsense bounds', () => {
    expect(() => new StatusListCache({ maxEntries: 0 })).toThrow(TypeError);
    expect(() => new StatusListCache({ maxAgeMs: -1 })).toThrow(TypeError);
  });
});
