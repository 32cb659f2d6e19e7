import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:net';
import type { AddressInfo } from 'node:net';
import { isPublicAddress } from '../../src/net/address-policy.ts';
import { createGuardedFetcher } from '../../src/net/guarded-fetcher.ts';
import { didWebFromUrl, didWebToUrl } from '../../src/vc/did/did-web.ts';
import { resolveVerificationMethod } from '../../src/vc/did/resolve-key.ts';

describe('isPublicAddress: IPv6 forms that carry an IPv4 address', () => {
  it.each([
    '::7f00:1', '::127.0.0.1', // IPv4-compatible (::/96)
    '::ffff:0:7f00:1', '::ffff:0:a9fe:a9fe', // IPv4-translated (RFC 2765)
    '64:ff9b:0:0:0:0:7f00:1', '64:ff9b::1', // NAT64 well-known prefix, uncompressed and short forms
    '64:ff9b:1::a9fe:a9fe', // local-use NAT64 (RFC 8215)
    '0:0:0:0:0:ffff:7f00:1', '0000:0000:0000:0000:0000:FFFF:10.0.0.1',
  ])('refuses %s', (address) => {
    expect(isPublicAddress(address)).toBe(false);
  });
  it.each(['::ffff:8.8.8.8', '64:ff9b::808:808', '2606:4700:4700::1111'])('still allows %s', (address) => {
    expect(isPublicAddress(address)).toBe(true);
  });
});

describe('guarded fetcher time limit', () => {
  let server: Server;
  let port: number;
  beforeAll(async () => {
    // Drips a status line and then one header every 100 ms, forever: the socket never goes idle.
    server = createServer((socket) => {
      socket.on('error', () => {});
      socket.write('HTTP/1.1 200 OK\r\n');
      let n = 0;
      const timer = setInterval(() => socket.write(`x-drip-${n++}: 1\r\n`), 100);
      socket.on('close', () => clearInterval(timer));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('covers headers dripped slowly, not only the body', async () => {
    const fetcher = createGuardedFetcher({ allowAddress: () => true, timeoutMs: 500 });
    const started = Date.now();
    await expect(fetcher(`http://127.0.0.1:${port}/`)).rejects.toThrow(/timed out/);
    expect(Date.now() - started).toBeLessThan(3000);
  }, 5000);
});

describe('did:web percent-encoding', () => {
  it('answers undefined (never throws) for malformed percent-encoding', () => {
    expect(didWebToUrl('did:web:example.com%ZZ')).toBeUndefined();
    expect(didWebToUrl('did:web:example.com:a%E0%A4')).toBeUndefined();
  });
  it('keeps a decoded # or space inside the path segment', () => {
    expect(didWebToUrl('did:web:example.com:a%23')).toBe('https://example.com/a%23/did.json');
    expect(didWebToUrl('did:web:example.com:a%20b')).toBe('https://example.com/a%20b/did.json');
    expect(didWebFromUrl('https://example.com/a%20b/did.json')).toBe('did:web:example.com:a%20b');
  });
  it('refuses ports outside 1-65535 and empty host labels', () => {
    expect(didWebToUrl('did:web:example.com%3A99999')).toBeUndefined();
    expect(didWebToUrl('did:web:example.com%3A0')).toBeUndefined();
    expect(didWebToUrl('did:web:..')).toBeUndefined();
    expect(didWebToUrl('did:web:example.com%3A8443')).toBe('https://example.com:8443/.well-known/did.json');
  });
  it('reports a malformed did:web key in plain words instead of "URI malformed"', async () => {
    const resolved = await resolveVerificationMethod('did:web:example.com%ZZ#key-1');
    expect(resolved).toEqual({ ok: false, reason: 'did:web:example.com%ZZ is not a valid did:web identifier.' });
  });
});
