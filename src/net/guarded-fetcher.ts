import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import type { FetchedDocument, Fetcher, FetchOptions } from '../vc/types.ts';
import { isPublicAddress } from './address-policy.ts';

export class FetchRefusedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FetchRefusedError';
  }
}

/** The server answered with an error status the caller did not ask to see (the message is the fetcher's sentence). */
export class FetchStatusError extends Error {
  readonly status: number;
  constructor(status: number) {
    super(`The server answered ${status}.`);
    this.name = 'FetchStatusError';
    this.status = status;
  }
}

export interface GuardedFetcherOptions {
  /** Largest response body accepted (default 2 MiB). */
  maxBytes?: number;
  /** Whole-request time limit in milliseconds, redirects included (default 10 s). */
  timeoutMs?: number;
  maxRedirects?: number;
  /**
   * Which resolved addresses may be contacted. Default: public unicast only. Tests that serve
   * fixtures on 127.0.0.1 pass `() => true` explicitly.
   */
  allowAddress?: (address: string) => boolean;
  /** DNS lookup (injectable so tests can simulate DNS answers). */
  lookup?: typeof dnsLookup;
  userAgent?: string;
  /**
   * Extra certificate authorities trusted for https (default: the system's). Tests that run a peer over
   * TLS on 127.0.0.1 pass its self-signed certificate here, never through a global agent.
   */
  ca?: string | Buffer;
}

/**
 * The one door to the network. http(s) only; the address is checked after DNS resolution, at
 * connection time (so DNS rebinding between check and connect cannot slip through), and again
 * for every redirect; size and time are bounded.
 */
export function createGuardedFetcher(options: GuardedFetcherOptions = {}): Fetcher {
  const maxBytes = options.maxBytes ?? 2 * 1024 * 1024;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const maxRedirects = options.maxRedirects ?? 5;
  const allowAddress = options.allowAddress ?? isPublicAddress;
  const baseLookup = options.lookup ?? dnsLookup;

  const guardedLookup: LookupFunction = (hostname, lookupOptions, callback) => {
    baseLookup(hostname, { ...lookupOptions, all: true }, (error, addresses) => {
      if (error) return callback(error, '', 0);
      const list = (Array.isArray(addresses) ? addresses : []) as LookupAddress[];
      const refused = list.find((entry) => !allowAddress(entry.address));
      if (list.length === 0 || refused) {
        return callback(new FetchRefusedError(`${hostname} resolves to an address that may not be contacted.`), '', 0);
      }
      if (lookupOptions.all) return callback(null, list);
      return callback(null, list[0]!.address, list[0]!.family);
    });
  };

  return async (url: string, fetchOptions: FetchOptions = {}): Promise<FetchedDocument> => {
    const deadline = Date.now() + timeoutMs;
    let current = url;
    for (let hop = 0; hop <= maxRedirects; hop++) {
      const target = parseTarget(current);
      if (isIP(target.hostname.replace(/^\[|\]$/g, '')) && !allowAddress(target.hostname.replace(/^\[|\]$/g, ''))) {
        throw new FetchRefusedError(`${target.hostname} is not a public address.`);
      }
      const response = await send(target, guardedLookup, deadline, options.userAgent ?? 'microcred', fetchOptions.post,
        // A bearer token is not carried to another origin a redirect points at.
        new URL(url).origin === target.origin ? fetchOptions.headers : undefined, options.ca);
      const status = response.statusCode ?? 0;
      if (!fetchOptions.post && status >= 300 && status < 400 && response.headers.location) {
        response.resume();
        current = new URL(response.headers.location, current).toString();
        continue;
      }
      // An error answer the caller asked for (e.g. 410 Gone for a revoked OB 2.0 assertion) is read under
      // the same size and time limits as any other; the rest are refused without reading the body.
      if ((status < 200 || status >= 300) && !fetchOptions.acceptStatus?.includes(status)) {
        response.resume();
        throw new FetchStatusError(status);
      }
      const body = await readBounded(response, maxBytes, deadline);
      const contentType = response.headers['content-type'];
      // Node joins repeated Link headers with ", " (a valid RFC 8288 list); an array is joined the same way.
      const rawLink = response.headers.link as string | string[] | undefined;
      const link = Array.isArray(rawLink) ? rawLink.join(', ') : rawLink;
      return { url: current, status, body, ...(contentType ? { contentType } : {}), ...(link ? { link } : {}) };
    }
    throw new FetchRefusedError(`More than ${maxRedirects} redirects.`);
  };
}

function parseTarget(url: string): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new FetchRefusedError(`${JSON.stringify(url)} is not a valid URL.`);
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
    throw new FetchRefusedError(`Only http and https URLs can be fetched, not ${parsed.protocol}`);
  }
  if (parsed.username || parsed.password) throw new FetchRefusedError('URLs with credentials are not fetched.');
  return parsed;
}

function send(
  target: URL, lookup: LookupFunction, deadline: number, userAgent: string, post?: FetchOptions['post'], headers?: FetchOptions['headers'],
  ca?: string | Buffer,
): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const remaining = deadline - Date.now();
    if (remaining <= 0) return reject(new Error('The request timed out.'));
    const request = (target.protocol === 'https:' ? httpsRequest : httpRequest)(
      target,
      {
        method: post ? 'POST' : 'GET', lookup, timeout: remaining, ...(ca && target.protocol === 'https:' ? { ca } : {}),
        headers: post
          ? { ...post.headers, 'user-agent': userAgent, 'content-length': String(Buffer.byteLength(post.body)) }
          : { accept: 'application/json, application/ld+json, */*;q=0.5', ...headers, 'user-agent': userAgent },
      },
      resolve,
    );
    // `timeout` above is only the socket's idle time: a server that drips its status line and headers
    // a byte at a time never goes idle, so the whole request (DNS, connect, headers) has its own timer.
    const timer = setTimeout(() => request.destroy(new Error('The request timed out.')), remaining);
    request.on('response', () => clearTimeout(timer));
    request.on('timeout', () => request.destroy(new Error('The request timed out.')));
    request.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    request.end(post?.body);
  });
}

function readBounded(response: IncomingMessage, maxBytes: number, deadline: number): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const declared = Number(response.headers['content-length']);
    if (Number.isFinite(declared) && declared > maxBytes) {
      response.destroy();
      return reject(new FetchRefusedError(`The document is larger than ${maxBytes} bytes.`));
    }
    const chunks: Buffer[] = [];
    let size = 0;
    const timer = setTimeout(() => response.destroy(new Error('The request timed out.')), Math.max(0, deadline - Date.now()));
    response.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        response.destroy(new FetchRefusedError(`The document is larger than ${maxBytes} bytes.`));
        return;
      }
      chunks.push(chunk);
    });
    response.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    response.on('end', () => {
      clearTimeout(timer);
      resolve(new Uint8Array(Buffer.concat(chunks)));
    });
  });
}

/**
 * Refuses a URL the guarded fetcher would refuse to contact, before it is stored (webhook targets):
 * not http(s), credentials in it, or a host that is or resolves to a non-public address. The
 * fetcher checks again at every connection (DNS may change in between).
 */
export async function checkTargetUrl(url: string, options: Pick<GuardedFetcherOptions, 'allowAddress' | 'lookup'> = {}): Promise<void> {
  const target = parseTarget(url);
  const allowAddress = options.allowAddress ?? isPublicAddress;
  const host = target.hostname.replace(/^\[|\]$/g, '');
  if (isIP(host)) {
    if (!allowAddress(host)) throw new FetchRefusedError(`${host} is not a public address.`);
    return;
  }
  const addresses = await new Promise<LookupAddress[]>((resolve, reject) => {
    (options.lookup ?? dnsLookup)(host, { all: true }, (error, found) => (error ? reject(new FetchRefusedError(`${host} does not resolve.`)) : resolve(found as LookupAddress[])));
  });
  if (addresses.length === 0 || addresses.some((entry) => !allowAddress(entry.address))) {
    throw new FetchRefusedError(`${host} resolves to an address that may not be contacted.`);
  }
}
