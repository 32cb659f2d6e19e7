import { randomUUID } from 'node:crypto';
import { findNextLink } from '../../net/link-header.ts';
import type { Fetcher } from '../../vc/types.ts';
import { MEDIA } from './claims.ts';
import type { ToolKey } from './tool-key.ts';

/** A platform's LTI Advantage services as this tool calls them. */
export interface PlatformAccess {
  clientId: string;
  tokenUrl: string;
  /** The assertion's aud when not the token URL (Brightspace names one). */
  audience?: string | null;
}

export interface LineItem { id: string; label: string; scoreMaximum?: number; resourceLinkId?: string }
export interface ResultEntry { userId: string; score: number | null }
export interface Member { userId: string; email?: string; name?: string; roles: string[]; active: boolean }

/** A platform's answer this tool could not use, said so the administrator can act on it. */
export class AdvantageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AdvantageError';
  }
}

function parseJson(body: Uint8Array, what: string): unknown {
  try {
    return JSON.parse(new TextDecoder().decode(body));
  } catch {
    throw new AdvantageError(`the platform's ${what} is not JSON`);
  }
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** A service URL with a path segment added before its query (AGS §3.2: `{lineitem}/results`) and query parameters set. */
export function serviceUrl(base: string, segment: string, query: Record<string, string> = {}): string {
  const url = new URL(base);
  if (segment) url.pathname = `${url.pathname.replace(/\/$/, '')}/${segment}`;
  for (const [key, value] of Object.entries(query)) url.searchParams.set(key, value);
  return url.toString();
}

/**
 * The client-credentials grant with a signed JWT assertion (Security Framework §4.1, RFC 7523):
 * iss and sub our client id, aud the token endpoint, a fresh jti.
 */
export async function requestAccessToken(deps: { fetch: Fetcher; key: ToolKey }, platform: PlatformAccess, scopes: readonly string[]): Promise<string> {
  const assertion = await deps.key.sign({ iss: platform.clientId, sub: platform.clientId, aud: platform.audience ?? platform.tokenUrl, jti: randomUUID() });
  const body = new URLSearchParams({
    grant_type: 'client_credentials',
    client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
    client_assertion: assertion,
    scope: scopes.join(' '),
  }).toString();
  let answer;
  try {
    answer = await deps.fetch(platform.tokenUrl, { post: { body, headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' } } });
  } catch (error) {
    throw new AdvantageError(`the platform's token endpoint refused microcred's client assertion (${error instanceof Error ? error.message : 'no answer'})`);
  }
  const token = parseJson(answer.body, 'token answer');
  if (!isRecord(token) || typeof token.access_token !== 'string') throw new AdvantageError('the platform\'s token answer has no access_token');
  return token.access_token;
}

/** Items asked for per page; platforms cap it anyway (Canvas at 50 or 100) and say where the rest is. */
export const PAGE_SIZE = 100;
/** Pages read at most per listing (10 000 items at the page size): more is a platform gone wrong. */
export const MAX_PAGES = 100;

/**
 * Every page of a paged AGS or NRPS listing, parsed (AGS §3.2.1 and §3.3.1, NRPS §2.4.1: the next page
 * is the `Link` header's rel="next", RFC 8288). The next page must be on the first request's origin
 * (the bearer token goes with it), may not be one already read, and there are at most `MAX_PAGES`.
 */
async function getPages(fetch: Fetcher, url: string, token: string, accept: string, what: string): Promise<unknown[]> {
  const origin = new URL(url).origin;
  const read = new Set<string>();
  const pages: unknown[] = [];
  for (let current: string | undefined = url; current !== undefined;) {
    if (pages.length >= MAX_PAGES) throw new AdvantageError(`the platform's ${what} ran past ${MAX_PAGES} pages; microcred stopped reading rather than loop forever`);
    read.add(current);
    let answer;
    try {
      answer = await fetch(current, { headers: { authorization: `Bearer ${token}`, accept } });
    } catch (error) {
      throw new AdvantageError(`could not read the platform's ${what} (${error instanceof Error ? error.message : 'no answer'})`);
    }
    pages.push(parseJson(answer.body, what));
    current = findNextLink(answer.link, answer.url);
    if (current === undefined) break;
    const nextOrigin = new URL(current).origin;
    if (nextOrigin !== origin) throw new AdvantageError(`the platform's ${what} gave a next page on another origin (${nextOrigin}); microcred reads pages only from ${origin}`);
    if (read.has(current)) throw new AdvantageError(`the platform's ${what} linked back to a page already read (a paging loop); microcred stopped reading`);
  }
  return pages;
}

/** AGS §3.2: the course's line items. */
export async function listLineItems(fetch: Fetcher, lineItemsUrl: string, token: string): Promise<LineItem[]> {
  const pages = await getPages(fetch, serviceUrl(lineItemsUrl, '', { limit: String(PAGE_SIZE) }), token, MEDIA.lineItems, 'line items');
  if (!pages.every(Array.isArray)) throw new AdvantageError('the platform\'s line items are not an array');
  return (pages as unknown[][]).flat().filter(isRecord).filter((item) => typeof item.id === 'string').map((item) => ({
    id: item.id as string, label: typeof item.label === 'string' ? item.label : item.id as string,
    ...(typeof item.scoreMaximum === 'number' ? { scoreMaximum: item.scoreMaximum } : {}),
    ...(typeof item.resourceLinkId === 'string' ? { resourceLinkId: item.resourceLinkId } : {}),
  }));
}

/** AGS §3.3: a line item's results, each as a share of its maximum (0..1), or null when not graded. */
export async function listResults(fetch: Fetcher, lineItemUrl: string, token: string, userId?: string): Promise<ResultEntry[]> {
  const pages = await getPages(fetch, serviceUrl(lineItemUrl, 'results', { limit: String(PAGE_SIZE), ...(userId ? { user_id: userId } : {}) }), token, MEDIA.results, 'results');
  if (!pages.every(Array.isArray)) throw new AdvantageError('the platform\'s results are not an array');
  return (pages as unknown[][]).flat().filter(isRecord).filter((result) => typeof result.userId === 'string').map((result) => {
    const score = typeof result.resultScore === 'number' ? result.resultScore : null;
    const maximum = typeof result.resultMaximum === 'number' ? result.resultMaximum : 1;
    return { userId: result.userId as string, score: score === null || !(maximum > 0) ? null : score / maximum };
  });
}

/** NRPS §2: the course's members, with their e-mail when the platform shares it. */
export async function listMembers(fetch: Fetcher, membershipsUrl: string, token: string): Promise<Member[]> {
  const pages = await getPages(fetch, serviceUrl(membershipsUrl, '', { limit: String(PAGE_SIZE) }), token, MEDIA.memberships, 'roster');
  const members = pages.map((page) => {
    if (!isRecord(page) || !Array.isArray(page.members)) throw new AdvantageError('the platform\'s roster has no members array');
    return page.members as unknown[];
  }).flat();
  return members.filter(isRecord).filter((member) => typeof member.user_id === 'string').map((member) => ({
    userId: member.user_id as string,
    ...(typeof member.email === 'string' && /^[^\s@]+@[^\s@]+$/.test(member.email) ? { email: member.email.toLowerCase() } : {}),
    ...(typeof member.name === 'string' ? { name: member.name.slice(0, 200) } : {}),
    roles: Array.isArray(member.roles) ? member.roles.filter((role): role is string => typeof role === 'string') : [],
    active: member.status === undefined || member.status === 'Active',
  }));
}
