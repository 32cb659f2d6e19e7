import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { LookupAddress } from 'node:dns';
import { isPublicAddress } from '../../src/net/address-policy.ts';
import { createGuardedFetcher, FetchRefusedError, FetchStatusError } from '../../src/net/guarded-fetcher.ts';

let server: Server;
let base: string;
let port: number;

beforeAll(async () => {
  server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://x');
    if (url.pathname === '/doc') return response.end('{"ok":true}');
    if (url.pathname === '/echo') {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => response.end(JSON.stringify({ method: request.method, type: request.headers['content-type'], auth: request.headers.authorization ?? null, body: Buffer.concat(chunks).toString() })));
      return;
    }
    if (url.pathname === '/big') return response.end('x'.repeat(5000));
    if (url.pathname === '/chunked-big') {
      response.write('x'.repeat(3000));
      return response.end('x'.repeat(3000));
    }
    if (url.pathname === '/redirect') {
      response.writeHead(302, { location: url.searchParams.get('to') ?? '/doc' });
      return response.end();
    }
    if (url.pathname === '/loop') {
      response.writeHead(302, { location: '/loop' });
      return response.end();
    }
    if (url.pathname === '/paged') {
      // Two Link header lines (RFC 8288 §3 allows a list across several header fields).
      response.setHeader('link', ['</paged?page=2>; rel="next"', '</paged?page=9>; rel="last"']);
      return response.end('[]');
    }
    if (url.pathname === '/slow') return setTimeout(() => response.end('late'), 2000);
    if (url.pathname === '/gone') {
      response.statusCode = 410;
      return response.end('{"revoked":true}');
    }
    if (url.pathname === '/gone-big') {
      response.statusCode = 410;
      return response.end('x'.repeat(5000));
    }
    response.statusCode = 404;
    response.end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
  base = `http://127.0.0.1:${port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

/** A DNS stand-in: every name resolves to the given address (simulates public or rebinding names). */
function fakeDns(address: string) {
  return ((_host: string, _options: unknown, callback: (error: Error | null, addresses: LookupAddress[]) => void) => {
    callback(null, [{ address, family: address.includes(':') ? 6 : 4 }]);
  }) as never;
}

describe('isPublicAddress', () => {
  it.each([
    '127.0.0.1', '10.1.2.3', '172.16.0.1', '192.168.1.1', '169.254.169.254', '100.64.0.1', '0.0.0.0',
    '::1', '::', 'fe80::1', 'fc00::1', 'fd12::1', '::ffff:127.0.0.1', '::ffff:7f00:1', '::ffff:a9fe:a9fe',
    '64:ff9b::a9fe:a9fe', '224.0.0.1', '255.255.255.255', 'not-an-ip',
  ])('refuses %s', (address) => {
    expect(isPublicAddress(address)).toBe(false);
  });
  it.each(['93.184.216.34', '8.8.8.8', '2606:4700:4700::1111', '::ffff:8.8.8.8'])('allows %s', (address) => {
    expect(isPublicAddress(address)).toBe(true);
  });
});

describe('createGuardedFetcher', () => {
  it('refuses loopback by default, as a literal and after DNS resolution', async () => {
    const fetcher = createGuardedFetcher();
    await expect(fetcher(`${base}/doc`)).rejects.toThrow(FetchRefusedError);
    const viaDns = createGuardedFetcher({ lookup: fakeDns('127.0.0.1') });
    await expect(viaDns(`http://innocent.example:${port}/doc`)).rejects.toThrow(/may not be contacted/);
    const mapped = createGuardedFetcher({ lookup: fakeDns('::ffff:127.0.0.1') });
    await expect(mapped(`http://innocent.example:${port}/doc`)).rejects.toThrow(/may not be contacted/);
    await expect(fetcher(`http://[::1]:${port}/doc`)).rejects.toThrow(FetchRefusedError);
    await expect(fetcher(`http://0x7f000001:${port}/doc`)).rejects.toThrow(FetchRefusedError);
  });

  it('fetches when the address is allowed', async () => {
    const fetcher = createGuardedFetcher({ allowAddress: () => true });
    const result = await fetcher(`${base}/doc`);
    expect(new TextDecoder().decode(result.body)).toBe('{"ok":true}');
  });

  it('passes on the Link header, several header lines joined into one list, and none when there is none', async () => {
    const fetcher = createGuardedFetcher({ allowAddress: () => true });
    expect((await fetcher(`${base}/paged`)).link).toBe('</paged?page=2>; rel="next", </paged?page=9>; rel="last"');
    expect(await fetcher(`${base}/doc`)).not.toHaveProperty('link');
  });

  it('answers the status; error statuses reject unless the caller asks to see them, under the same limits', async () => {
    const fetcher = createGuardedFetcher({ allowAddress: () => true, maxBytes: 1000 });
    expect((await fetcher(`${base}/doc`)).status).toBe(200);
    const gone = fetcher(`${base}/gone`);
    await expect(gone).rejects.toThrow(FetchStatusError);
    await expect(gone).rejects.toMatchObject({ status: 410, message: 'The server answered 410.' });
    const seen = await fetcher(`${base}/gone`, { acceptStatus: [410] });
    expect(seen).toMatchObject({ status: 410, url: `${base}/gone` });
    expect(new TextDecoder().decode(seen.body)).toBe('{"revoked":true}');
    await expect(fetcher(`${base}/missing`, { acceptStatus: [410] })).rejects.toMatchObject({ status: 404 });
    await expect(fetcher(`${base}/gone-big`, { acceptStatus: [410] })).rejects.toThrow(/larger than 1000 bytes/);
    // Asking to see 410 does not open the door: the address is still checked.
    await expect(createGuardedFetcher()(`${base}/gone`, { acceptStatus: [410] })).rejects.toThrow(FetchRefusedError);
  });

  it('checks every redirect target again', async () => {
    // The first hop is allowed (a "public" name), the redirect points at a private literal.
    let calls = 0;
    const allowFirst = createGuardedFetcher({
      lookup: fakeDns('127.0.0.1'),
      allowAddress: (address) => address === '127.0.0.1' && calls++ === 0,
    });
    await expect(allowFirst(`http://public.example:${port}/redirect?to=${encodeURIComponent(`http://internal.example:${port}/doc`)}`)).rejects.toThrow(FetchRefusedError);
    const fetcher = createGuardedFetcher({ allowAddress: () => true });
    await expect(fetcher(`${base}/redirect?to=${encodeURIComponent('file:///etc/passwd')}`)).rejects.toThrow(/Only http and https/);
    await expect(fetcher(`${base}/loop`)).rejects.toThrow(/redirects/);
    expect(new TextDecoder().decode((await fetcher(`${base}/redirect`)).body)).toBe('{"ok":true}');
  });

  it('refuses other schemes, credentials in URLs, oversize bodies and slow servers', async () => {
    const fetcher = createGuardedFetcher({ allowAddress: () => true, maxBytes: 4096, timeoutMs: 500 });
    await expect(fetcher('ftp://example.com/x')).rejects.toThrow(/Only http and https/);
    await expect(fetcher('gopher://127.0.0.1/')).rejects.toThrow(FetchRefusedError);
    await expect(fetcher(`http://user:pw@127.0.0.1:${port}/doc`)).rejects.toThrow(/credentials/);
    await expect(fetcher(`${base}/big`)).rejects.toThrow(/larger/);
    await expect(fetcher(`${base}/chunked-big`)).rejects.toThrow(/larger/);
    await expect(fetcher(`${base}/slow`)).rejects.toThrow(/timed out/);
    await expect(fetcher(`${base}/missing`)).rejects.toThrow(/404/);
    await expect(fetcher('not a url')).rejects.toThrow(/not a valid URL/);
  });
});

describe('protocol writes (POST)', () => {
  it('sends the method, headers and body, and reads the answer under the same limits', async () => {
    const fetcher = createGuardedFetcher({ allowAddress: () => true });
    const answer = await fetcher(`${base}/echo`, { post: { headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: 'Basic abc' }, body: 'a=1&b=é' } });
    expect(JSON.parse(new TextDecoder().decode(answer.body))).toEqual({ method: 'POST', type: 'application/x-www-form-urlencoded', auth: 'Basic abc', body: 'a=1&b=é' });
  });

  it('does not follow a redirect for a POST (the body would be replayed elsewhere)', async () => {
    const fetcher = createGuardedFetcher({ allowAddress: () => true });
    await expect(fetcher(`${base}/redirect?to=/echo`, { post: { headers: {}, body: 'secret=1' } })).rejects.toBeInstanceOf(FetchStatusError);
  });

  it('still refuses private addresses for a POST', async () => {
    const fetcher = createGuardedFetcher();
    await expect(fetcher(`${base}/echo`, { post: { headers: {}, body: 'x' } })).rejects.toBeInstanceOf(FetchRefusedError);
  });
});

describe('reads with headers (LTI Advantage services)', () => {
  it('sends the caller\'s headers with a GET, and never carries them to another origin a redirect points at', async () => {
    const fetcher = createGuardedFetcher({ allowAddress: () => true });
    const direct = await fetcher(`${base}/echo`, { headers: { authorization: 'Bearer t-1', accept: 'application/vnd.ims.lis.v2.resultcontainer+json' } });
    expect(JSON.parse(new TextDecoder().decode(direct.body))).toMatchObject({ method: 'GET', auth: 'Bearer t-1' });
    const sameOrigin = await fetcher(`${base}/redirect?to=/echo`, { headers: { authorization: 'Bearer t-1' } });
    expect(JSON.parse(new TextDecoder().decode(sameOrigin.body))).toMatchObject({ auth: 'Bearer t-1' });
    // localhost is another origin than 127.0.0.1 (same server): the token stays behind.
    const elsewhere = await fetcher(`${base}/redirect?to=${encodeURIComponent(`http://localhost:${port}/echo`)}`, { headers: { authorization: 'Bearer t-1' } });
    expect(JSON.parse(new TextDecoder().decode(elsewhere.body))).toMatchObject({ auth: null });
  });
});
