/**
 * Imports the credential at a URL: only through ctx.fetch (the guarded door: http(s), public addresses
 * after DNS and on every redirect, size and time limits). A web page that announces its credential
 * (`<link rel="alternate" type="application/ld+json" href>`, as a microcred share page does) is followed
 * once, so "import from a share link" works.
 */
import { FetchRefusedError, FetchStatusError } from '../../net/guarded-fetcher.ts';
import type { FetchedDocument, FetchOptions } from '../../vc/types.ts';
import type { ServiceContext } from '../context.ts';
import { InvalidInput } from '../errors.ts';
import { ingest, MAX_IMPORT_BYTES, type Ingested } from './ingest.ts';

type UrlImportContext = Pick<ServiceContext, 'engine' | 'fetch' | 'now'>;

const MAX_URL_LENGTH = 2048;
const GONE = 410;

export interface ImportedDocument {
  bytes: Uint8Array;
  mediaType?: string;
  /** The URL the credential was finally read from (after redirects and a page's alternate link). */
  url: string;
  /** The URL asked for that answered the credential (the one given, or the page's alternate link), before redirects. */
  requested: string;
}

/**
 * Reads what a URL holds for an import. Throws InvalidInput (pointer `/url`) in words for an address that
 * is not http(s), refused by the guard, unreachable, too large, or a web page without a credential.
 */
export async function readImportUrl(ctx: Pick<ServiceContext, 'fetch'>, url: unknown): Promise<ImportedDocument> {
  const target = checkUrl(url);
  const first = await read(ctx, target, { acceptStatus: [GONE] });
  // OB 2.0 §Revocation: a hosted assertion answering 410 Gone is revoked. Its address is what was given and
  // what is verified (the verifier reads it again and reports it revoked), as `microcred verify URL` does.
  if (first.status === GONE) return { bytes: new TextEncoder().encode(target), url: target, requested: target, mediaType: 'text/uri-list' };
  if (!isHtml(first)) return document(first, target);
  const alternate = alternateLink(new TextDecoder().decode(first.body), first.url);
  if (!alternate) {
    throw urlProblem('The address is a web page that does not point to a credential (no application/ld+json alternate link).');
  }
  const linked = checkUrl(alternate);
  const second = await read(ctx, linked);
  if (isHtml(second)) throw urlProblem('The web page points to another web page instead of a credential.');
  return document(second, linked);
}

/** Reads the URL and ingests what it holds, as source 'url' (the address given is kept as its source). */
export async function ingestUrl(ctx: UrlImportContext, url: unknown): Promise<Ingested> {
  const fetched = await readImportUrl(ctx, url);
  return await ingest(ctx, {
    bytes: fetched.bytes, source: 'url', sourceUrl: typeof url === 'string' ? url.trim() : fetched.url, readFrom: fetched.requested,
    ...(fetched.mediaType ? { mediaType: fetched.mediaType } : {}),
  });
}

function urlProblem(message: string): InvalidInput {
  return new InvalidInput(message, [{ pointer: '/url', message }]);
}

function checkUrl(url: unknown): string {
  if (typeof url !== 'string' || url.trim() === '') throw urlProblem('Give the address (URL) of the credential.');
  const text = url.trim();
  if (text.length > MAX_URL_LENGTH) throw urlProblem(`The address is longer than ${MAX_URL_LENGTH} characters.`);
  let parsed: URL;
  try {
    parsed = new URL(text);
  } catch {
    throw urlProblem('This is not a valid web address.');
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
    throw urlProblem(`Only http and https addresses can be imported, not ${parsed.protocol.replace(/:$/, '')}.`);
  }
  if (parsed.username || parsed.password) throw urlProblem('Addresses with a user name or password are not read.');
  return parsed.href;
}

async function read(ctx: Pick<ServiceContext, 'fetch'>, url: string, options: FetchOptions = {}): Promise<FetchedDocument> {
  let fetched: FetchedDocument;
  try {
    fetched = await ctx.fetch(url, options);
  } catch (error) {
    throw urlProblem(fetchFailure(error));
  }
  if (fetched.body.byteLength > MAX_IMPORT_BYTES) {
    throw urlProblem(`The document at this address is larger than the ${MAX_IMPORT_BYTES / (1024 * 1024)} MiB the wallet accepts.`);
  }
  return fetched;
}

/**
 * The reason in words, without internal detail: the guard's refusals and the timeout/status messages are
 * the fetcher's own sentences; anything else (a socket error naming an address) is summarised.
 */
function fetchFailure(error: unknown): string {
  if (error instanceof FetchRefusedError) {
    if (/larger than/i.test(error.message)) return `The document at this address is larger than the ${MAX_IMPORT_BYTES / (1024 * 1024)} MiB the wallet accepts.`;
    return `This address may not be read: ${error.message} Only public http(s) addresses can be imported.`;
  }
  if (error instanceof FetchStatusError) return `The server at this address answered ${error.status} instead of a credential.`;
  const message = error instanceof Error ? error.message : '';
  if (/timed out/i.test(message)) return 'The address did not answer in time.';
  const status = /^The server answered (\d{3})\.$/.exec(message);
  if (status) return `The server at this address answered ${status[1]} instead of a credential.`;
  return 'Nothing could be read at this address (the server could not be reached).';
}

function document(fetched: FetchedDocument, requested: string): ImportedDocument {
  return { bytes: fetched.body, url: fetched.url, requested, ...(fetched.contentType ? { mediaType: fetched.contentType } : {}) };
}

function isHtml(fetched: FetchedDocument): boolean {
  if (fetched.contentType && /^\s*(text\/html|application\/xhtml\+xml)\b/i.test(fetched.contentType)) return true;
  if (fetched.contentType) return false;
  const head = new TextDecoder().decode(fetched.body.subarray(0, 512)).replace(/^\uFEFF/, '').trimStart().toLowerCase();
  return head.startsWith('<!doctype html') || head.startsWith('<html');
}

/** The href of the page's `<link rel="alternate" type="application/ld+json">`, resolved against the page. */
export function alternateLink(html: string, base: string): string | undefined {
  for (const match of html.slice(0, 256 * 1024).matchAll(/<link\b([^>]*)>/gi)) {
    const attributes = parseAttributes(match[1] ?? '');
    const rel = (attributes.get('rel') ?? '').toLowerCase().split(/\s+/);
    const type = (attributes.get('type') ?? '').toLowerCase().split(';')[0]!.trim();
    const href = attributes.get('href');
    if (!rel.includes('alternate') || !href) continue;
    if (type !== 'application/ld+json' && type !== 'application/vc+ld+json' && type !== 'application/json') continue;
    try {
      return new URL(decodeEntities(href), base).href;
    } catch {
      continue;
    }
  }
  return undefined;
}

function parseAttributes(text: string): Map<string, string> {
  const attributes = new Map<string, string>();
  for (const match of text.matchAll(/([a-zA-Z_:][-a-zA-Z0-9_:.]*)\s*(?:=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?/g)) {
    const name = match[1]!.toLowerCase();
    if (!attributes.has(name)) attributes.set(name, match[2] ?? match[3] ?? match[4] ?? '');
  }
  return attributes;
}

function decodeEntities(text: string): string {
  return text.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}
