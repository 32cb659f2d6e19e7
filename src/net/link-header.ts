/**
 * RFC 8288 §3 `Link` header parsing, for headers from servers we do not trust (an LMS's paging
 * links). One linear pass; a malformed link-value is skipped up to the next top-level comma, never
 * guessed at; targets are resolved against the URL the answer came from (§3.1) and must be http(s).
 */

export interface LinkValue {
  /** The target, resolved to an absolute http(s) URL. */
  href: string;
  /** The relation types (§3.3), lowercased; empty when the link has no rel. */
  rel: string[];
  /** The other parameters, names lowercased; the first occurrence of a name wins (§3.3 for rel). */
  params: Record<string, string>;
}

/** More link-values than any paging header carries are not read (a bound on hostile input). */
const MAX_LINKS = 64;
// RFC 9110 §5.6.2 token, and §5.6.4 quoted-string (escapes kept simple: backslash and any character).
const TOKEN = /[!#$%&'*+\-.^_`|~0-9A-Za-z]+/y;
const QUOTED = /"((?:[^"\\]|\\[\s\S])*)"/y;
// A URI-Reference has no whitespace, controls, quotes, angle brackets or non-ASCII (RFC 3986 §2).
const badTarget = (target: string) => [...target].some((c) => c <= ' ' || c >= '\x7f' || c === '"' || c === '<' || c === '>');

/**
 * The link-values of a `Link` header. `base` is the URL of the answer (after redirects).
 * Example: `parseLinkHeader('<?page=2>; rel="next"', 'https://lms.example/members?page=1')`
 * → `[{ href: 'https://lms.example/members?page=2', rel: ['next'], params: {} }]`.
 */
export function parseLinkHeader(header: string, base: string): LinkValue[] {
  const links: LinkValue[] = [];
  const n = header.length;
  let i = 0;
  const skipSpace = () => {
    while (i < n && (header[i] === ' ' || header[i] === '\t')) i++;
  };
  // Past the next comma that is outside a quoted string (a malformed link-value is dropped whole).
  const skipPastComma = () => {
    let quoted = false;
    while (i < n) {
      const c = header[i++];
      if (quoted) {
        if (c === '\\') i++;
        else if (c === '"') quoted = false;
      } else if (c === '"') quoted = true;
      else if (c === ',') return;
    }
  };
  const match = (pattern: RegExp): RegExpExecArray | null => {
    pattern.lastIndex = i;
    const found = pattern.exec(header);
    if (found) i = pattern.lastIndex;
    return found;
  };

  while (i < n && links.length < MAX_LINKS) {
    skipSpace();
    if (i >= n) break;
    if (header[i] === ',') {
      i++;
      continue;
    }
    if (header[i] !== '<') {
      skipPastComma();
      continue;
    }
    const close = header.indexOf('>', i + 1);
    if (close < 0) break;
    const target = header.slice(i + 1, close);
    i = close + 1;
    // No prototype: a parameter named __proto__ is a parameter like any other.
    const params = Object.create(null) as Record<string, string>;
    let wellFormed = true;
    for (;;) {
      skipSpace();
      if (i >= n) break;
      if (header[i] === ',') {
        i++;
        break;
      }
      if (header[i] !== ';') {
        wellFormed = false;
        skipPastComma();
        break;
      }
      i++;
      skipSpace();
      const name = match(TOKEN)?.[0].toLowerCase();
      if (!name) {
        wellFormed = false;
        skipPastComma();
        break;
      }
      skipSpace();
      let value = '';
      if (header[i] === '=') {
        i++;
        skipSpace();
        const quoted = match(QUOTED);
        const token = quoted ? undefined : match(TOKEN);
        if (!quoted && !token) {
          wellFormed = false;
          skipPastComma();
          break;
        }
        value = quoted ? quoted[1]!.replace(/\\([\s\S])/g, '$1') : token![0];
      }
      if (!Object.hasOwn(params, name)) params[name] = value;
    }
    if (!wellFormed) continue;
    const href = resolve(target, base);
    if (!href) continue;
    const rel = (params.rel ?? '').toLowerCase().split(/[ \t]+/).filter(Boolean);
    delete params.rel;
    links.push({ href, rel, params });
  }
  return links;
}

function resolve(target: string, base: string): string | undefined {
  if (badTarget(target)) return undefined;
  try {
    const url = new URL(target, base);
    return url.protocol === 'https:' || url.protocol === 'http:' ? url.toString() : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The target of the first `rel="next"` link about the answer itself (a link with an `anchor` is about
 * another resource, §3.2, and is not followed), or undefined.
 */
export function findNextLink(header: string | undefined, base: string): string | undefined {
  if (!header) return undefined;
  return parseLinkHeader(header, base).find((link) => link.rel.includes('next') && !Object.hasOwn(link.params, 'anchor'))?.href;
}
