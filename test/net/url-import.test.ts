/**
 * Wallet import from a URL, through the guarded fetcher with an injected DNS: every way to reach a
 * loopback, private, link-local or metadata address is refused before a connection is made (the test
 * server on 127.0.0.1 counts its requests), as are other schemes, oversize and slow answers; a public
 * address (127.0.0.1 standing in for one) is imported, and a share page's ld+json link is followed once,
 * through the same guard.
 */
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { LookupAddress } from 'node:dns';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { isPublicAddress } from '../../src/net/address-policy.ts';
import { createGuardedFetcher } from '../../src/net/guarded-fetcher.ts';
import { InvalidInput } from '../../src/services/errors.ts';
import { alternateLink, ingestUrl, readImportUrl } from '../../src/services/wallet/url-import.ts';
import { bakePng } from '../../src/vc/baking/index.ts';
import { createEngine } from '../../src/vc/engine.ts';
import type { Fetcher, JsonObject } from '../../src/vc/types.ts';
import { tinyPng } from '../fixtures/images/tiny-png.ts';
import { standardsUrl } from '../support/standards.ts';

const VECTOR_TEXT = readFileSync(standardsUrl('examples/ob3/ob3-test-vector.signed-eddsa-rdfc-2022.json'), 'utf8');
const VECTOR = JSON.parse(VECTOR_TEXT) as JsonObject;
const NOW = new Date('2026-05-01T12:00:00Z');

let server: Server;
let port: number;
let origin: string;
const hits = new Map<string, number>();
const totalHits = () => [...hits.values()].reduce((sum, n) => sum + n, 0);

const page = (head: string) => `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Shared credential</title>${head}</head><body><h1>Teamwork</h1></body></html>`;

beforeAll(async () => {
  const png = bakePng({ image: tinyPng(), credential: VECTOR });
  server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://x');
    hits.set(url.pathname, (hits.get(url.pathname) ?? 0) + 1);
    const html = (body: string) => {
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      response.end(body);
    };
    switch (url.pathname) {
      case '/credential.json':
        response.writeHead(200, { 'content-type': 'application/ld+json' });
        return response.end(VECTOR_TEXT);
      case '/badge.png':
        response.writeHead(200, { 'content-type': 'image/png' });
        return response.end(Buffer.from(png));
      case '/s/abc':
        return html(page('<meta property="og:title" content="Teamwork"><link href="/s/abc/credential.json" type="application/ld+json" rel="alternate">'));
      case '/s/abc/credential.json':
        response.writeHead(200, { 'content-type': 'application/json' });
        return response.end(VECTOR_TEXT);
      case '/s/untyped':
        // No content type: recognised as HTML by its start.
        return response.end(page(`<link rel='alternate' type='application/ld+json; charset=utf-8' href='${origin}/credential.json'>`));
      case '/s/to-metadata':
        return html(page('<link rel="alternate" type="application/ld+json" href="http://169.254.169.254/latest/meta-data/iam">'));
      case '/s/to-private-name':
        return html(page(`<link rel="alternate" type="application/ld+json" href="http://intranet.example:${port}/credential.json">`));
      case '/s/to-file':
        return html(page('<link rel="alternate" type="application/ld+json" href="file:///etc/passwd">'));
      case '/s/to-page':
        return html(page('<link rel="alternate" type="application/ld+json" href="/s/abc">'));
      case '/plain':
        return html(page('<link rel="stylesheet" href="/style.css">'));
      case '/big':
        response.writeHead(200, { 'content-type': 'application/json' });
        response.write(`{"padding":"${'x'.repeat(1024 * 1024)}`);
        response.write('x'.repeat(1024 * 1024));
        return response.end(`${'x'.repeat(1024 * 1024)}"}`);
      case '/big-declared':
        response.writeHead(200, { 'content-type': 'application/json', 'content-length': String(3 * 1024 * 1024) });
        return response.write('{');
      case '/slow':
        return setTimeout(() => response.end(VECTOR_TEXT), 3000);
      case '/redirect':
        response.writeHead(302, { location: url.searchParams.get('to') ?? '/credential.json' });
        return response.end();
      default:
        response.statusCode = 404;
        return response.end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
  origin = `http://127.0.0.1:${port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
beforeEach(() => hits.clear());

/** Injected DNS: names of the test resolve as given; any other name does not exist (nothing reaches real DNS). */
const DNS: Record<string, string[]> = {
  'localhost': ['127.0.0.1'],
  'looks-public.example': ['127.0.0.1'],
  'rebinding.example': ['93.184.216.34', '127.0.0.1'],
  'intranet.example': ['192.168.1.10'],
  'metadata.example': ['169.254.169.254'],
  'ula.example': ['fd00::1'],
  'mapped.example': ['::ffff:10.0.0.1'],
  'share.example': ['127.0.0.1'],
};
const lookups: string[] = [];
const fakeLookup = ((hostname: string, _options: unknown, callback: (error: Error | null, addresses: LookupAddress[]) => void) => {
  lookups.push(hostname);
  const addresses = DNS[hostname];
  if (!addresses) return callback(Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' }), []);
  callback(null, addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 })));
}) as never;

const context = (fetch: Fetcher) => ({ engine: createEngine({ clock: () => NOW }), fetch, now: () => NOW });
/** The production policy (public addresses only). */
const guarded = () => createGuardedFetcher({ lookup: fakeLookup });
/** The same guard, but the test server's 127.0.0.1 counts as a public server (the only one the test has). */
const publicLocal = (options: { timeoutMs?: number } = {}) =>
  createGuardedFetcher({ lookup: fakeLookup, allowAddress: (address) => address === '127.0.0.1' || isPublicAddress(address), ...options });

async function refusedUrl(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(() => undefined, (caught: unknown) => caught);
  expect(error).toBeInstanceOf(InvalidInput);
  expect((error as InvalidInput).errors[0]?.pointer).toBe('/url');
  return (error as InvalidInput).message;
}

describe('URL import: addresses that may not be read are refused before any connection', () => {
  const bypasses = () => [
    [`http://127.0.0.1:${port}/credential.json`, 'loopback'],
    [`http://localhost:${port}/credential.json`, 'localhost by DNS'],
    [`http://2130706433:${port}/credential.json`, 'decimal IPv4'],
    [`http://0177.0.0.1:${port}/credential.json`, 'octal IPv4'],
    [`http://0x7f.0.0.1:${port}/credential.json`, 'hex IPv4'],
    [`http://0x7f000001:${port}/credential.json`, 'hex IPv4 as one number'],
    [`http://127.1:${port}/credential.json`, 'short IPv4'],
    [`http://0.0.0.0:${port}/credential.json`, 'unspecified address'],
    [`http://[::1]:${port}/credential.json`, 'IPv6 loopback'],
    [`http://[::ffff:127.0.0.1]:${port}/credential.json`, 'IPv4-mapped loopback'],
    [`http://[::ffff:7f00:1]:${port}/credential.json`, 'IPv4-mapped loopback in hex'],
    ['http://10.0.0.1/credential.json', '10/8'],
    ['http://10.255.255.254/credential.json', '10/8, top'],
    ['http://172.16.0.1/credential.json', '172.16/12'],
    ['http://172.31.255.254/credential.json', '172.16/12, top'],
    ['http://192.168.1.1/credential.json', '192.168/16'],
    ['http://169.254.169.254/latest/meta-data/', 'cloud metadata'],
    ['http://[fc00::1]/credential.json', 'fc00::/7'],
    ['http://[fd12:3456::1]/credential.json', 'fd00::/8'],
    ['http://[fe80::1]/credential.json', 'IPv6 link-local'],
    [`http://looks-public.example:${port}/credential.json`, 'a public-looking name resolving to loopback'],
    [`http://rebinding.example:${port}/credential.json`, 'a name resolving to a public and a private address'],
    ['http://intranet.example/credential.json', 'a name resolving to 192.168/16'],
    ['http://metadata.example/latest/meta-data/', 'a name resolving to the metadata address'],
    ['http://ula.example/credential.json', 'a name resolving to fd00::/8'],
    ['http://mapped.example/credential.json', 'a name resolving to an IPv4-mapped private address'],
  ] as const;

  it('refuses each private, loopback, link-local and metadata address, literal or by DNS', async () => {
    for (const [url, what] of bypasses()) {
      const message = await refusedUrl(ingestUrl(context(guarded()), url));
      expect(message, what).toMatch(/This address may not be read: .* Only public http\(s\) addresses can be imported\./);
    }
    expect(totalHits()).toBe(0);
    // Names were resolved (by the injected DNS) and refused on their answer; literal addresses never reached DNS.
    expect(lookups).toEqual(expect.arrayContaining(['localhost', 'looks-public.example', 'rebinding.example', 'intranet.example', 'metadata.example']));
    expect(lookups).not.toContain('127.0.0.1');
  });

  it('refuses other schemes, credentials in the URL and what is not a URL, in words', async () => {
    const cases: [unknown, RegExp][] = [
      ['file:///etc/passwd', /Only http and https addresses can be imported, not file\./],
      [`gopher://127.0.0.1:${port}/_GET%20/credential.json`, /not gopher\./],
      ['ftp://example.org/credential.json', /not ftp\./],
      ['data:application/json,{"type":"VerifiableCredential"}', /not data\./],
      ['javascript:alert(1)', /not javascript\./],
      [`http://user:secret@looks-public.example:${port}/credential.json`, /user name or password/],
      ['not a url', /not a valid web address/],
      ['', /Give the address/],
      [42, /Give the address/],
      [`https://example.org/${'a'.repeat(3000)}`, /longer than 2048 characters/],
    ];
    for (const [url, words] of cases) expect(await refusedUrl(ingestUrl(context(guarded()), url))).toMatch(words);
    expect(totalHits()).toBe(0);
  });

  it('follows a redirect only to where it may go: every hop is checked again', async () => {
    const fetch = publicLocal();
    for (const to of ['http://10.0.0.1/credential.json', 'http://169.254.169.254/latest/meta-data/', `http://[::1]:${port}/credential.json`, `http://intranet.example:${port}/credential.json`]) {
      expect(await refusedUrl(ingestUrl(context(fetch), `${origin}/redirect?to=${encodeURIComponent(to)}`)), to).toMatch(/may not be read/);
    }
    expect(await refusedUrl(ingestUrl(context(fetch), `${origin}/redirect?to=${encodeURIComponent('file:///etc/passwd')}`))).toMatch(/Only http and https/);
    expect(hits.get('/credential.json')).toBeUndefined();
    expect(hits.get('/redirect')).toBe(5);
    // A redirect to an allowed place is followed.
    const row = await ingestUrl(context(fetch), `${origin}/redirect?to=/credential.json`);
    expect(row.status).toBe('verified');
  });

  it('refuses oversize answers (streamed or declared) and slow ones', async () => {
    expect(await refusedUrl(ingestUrl(context(publicLocal()), `${origin}/big`))).toMatch(/larger than the 2 MiB the wallet accepts/);
    expect(await refusedUrl(ingestUrl(context(publicLocal()), `${origin}/big-declared`))).toMatch(/larger than the 2 MiB/);
    const started = Date.now();
    expect(await refusedUrl(ingestUrl(context(publicLocal({ timeoutMs: 300 })), `${origin}/slow`))).toMatch(/did not answer in time/);
    expect(Date.now() - started).toBeLessThan(2500);
    expect(await refusedUrl(ingestUrl(context(publicLocal()), `${origin}/missing`))).toMatch(/answered 404 instead of a credential/);
    expect(await refusedUrl(ingestUrl(context(publicLocal()), 'http://no-such-name.example/credential.json'))).toBe('Nothing could be read at this address (the server could not be reached).');
  });
});

describe('URL import: what a public address answers', () => {
  it('imports a JSON credential and a baked PNG, keeping the address as the source', async () => {
    const url = `${origin}/credential.json`;
    const row = await ingestUrl(context(publicLocal()), ` ${url} `);
    expect(row).toMatchObject({ source: 'url', source_url: url, status: 'verified', original: VECTOR_TEXT, original_type: 'application/json', credential_key: VECTOR.id });
    const png = await ingestUrl(context(publicLocal()), `${origin}/badge.png`);
    expect(png).toMatchObject({ source: 'url', status: 'verified', original_type: 'image/png', credential_key: VECTOR.id, proof_key: row.proof_key });
  });

  it('follows a share page’s ld+json alternate link once (relative or absolute, with or without a content type)', async () => {
    const row = await ingestUrl(context(publicLocal()), `http://share.example:${port}/s/abc`);
    expect(row).toMatchObject({ source: 'url', source_url: `http://share.example:${port}/s/abc`, status: 'verified', original: VECTOR_TEXT, credential_key: VECTOR.id });
    expect(hits.get('/s/abc/credential.json')).toBe(1);
    const read = await readImportUrl({ fetch: publicLocal() }, `${origin}/s/untyped`);
    expect(read.url).toBe(`${origin}/credential.json`);
    expect(new TextDecoder().decode(read.bytes)).toBe(VECTOR_TEXT);
  });

  it('the followed link goes through the same guard; a page that is no share page is refused in words', async () => {
    expect(await refusedUrl(ingestUrl(context(publicLocal()), `${origin}/s/to-metadata`))).toMatch(/may not be read/);
    expect(await refusedUrl(ingestUrl(context(publicLocal()), `${origin}/s/to-private-name`))).toMatch(/may not be read/);
    expect(await refusedUrl(ingestUrl(context(publicLocal()), `${origin}/s/to-file`))).toMatch(/Only http and https/);
    expect(await refusedUrl(ingestUrl(context(publicLocal()), `${origin}/s/to-page`))).toMatch(/points to another web page/);
    expect(hits.get('/s/abc')).toBe(1); // followed once, not on and on
    expect(await refusedUrl(ingestUrl(context(publicLocal()), `${origin}/plain`))).toMatch(/web page that does not point to a credential/);
  });
});

describe('alternateLink', () => {
  const base = 'https://wallet.example/s/tok';
  it('reads the ld+json alternate link in any attribute order and quoting, resolved against the page', () => {
    expect(alternateLink('<link rel="alternate" type="application/ld+json" href="/s/tok/credential.json">', base)).toBe('https://wallet.example/s/tok/credential.json');
    expect(alternateLink("<LINK HREF='credential.json' TYPE='application/ld+json' REL='alternate nofollow'/>", `${base}/`)).toBe('https://wallet.example/s/tok/credential.json');
    expect(alternateLink('<link rel=alternate type=application/ld+json href=https://other.example/c.json>', base)).toBe('https://other.example/c.json');
    expect(alternateLink('<link rel="alternate" type="application/ld+json" href="/c.json?a=1&amp;b=2">', base)).toBe('https://wallet.example/c.json?a=1&b=2');
  });
  it('ignores other links', () => {
    expect(alternateLink('<link rel="stylesheet" href="/a.css"><link rel="alternate" type="application/rss+xml" href="/feed">', base)).toBeUndefined();
    expect(alternateLink('<link rel="alternate" type="application/ld+json">', base)).toBeUndefined();
    expect(alternateLink('<p>no links</p>', base)).toBeUndefined();
  });
});
