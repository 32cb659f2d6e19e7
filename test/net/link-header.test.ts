/**
 * The RFC 8288 Link header parser on honest headers (Canvas's paging header, relative targets, several
 * relation types, quoted commas and semicolons) and hostile ones (garbage, unclosed brackets and quotes,
 * non-http targets, anchors, __proto__, a huge header).
 */
import { describe, expect, it } from 'vitest';
import { findNextLink, parseLinkHeader } from '../../src/net/link-header.ts';

const BASE = 'https://lms.example/api/lti/courses/1/names_and_roles?limit=100';

describe('parseLinkHeader', () => {
  it('reads a Canvas paging header', () => {
    const header = '<https://lms.example/api/lti/courses/1/names_and_roles?page=1&per_page=50>; rel="current",'
      + '<https://lms.example/api/lti/courses/1/names_and_roles?page=2&per_page=50>; rel="next",'
      + '<https://lms.example/api/lti/courses/1/names_and_roles?page=1&per_page=50>; rel="first",'
      + '<https://lms.example/api/lti/courses/1/names_and_roles?page=7&per_page=50>; rel="last"';
    const links = parseLinkHeader(header, BASE);
    expect(links.map((link) => link.rel)).toEqual([['current'], ['next'], ['first'], ['last']]);
    expect(findNextLink(header, BASE)).toBe('https://lms.example/api/lti/courses/1/names_and_roles?page=2&per_page=50');
  });

  it('resolves relative targets against the answer URL, reads several rel types, tokens, case and spacing', () => {
    const links = parseLinkHeader(' </p/2> ;REL = "prev NEXT" ; title="a, b; c" ,<?page=3>;rel=last;type="text/plain", <?page=4>; rel=next; type=text/plain', BASE);
    expect(links).toEqual([
      { href: 'https://lms.example/p/2', rel: ['prev', 'next'], params: { title: 'a, b; c' } },
      { href: 'https://lms.example/api/lti/courses/1/names_and_roles?page=3', rel: ['last'], params: { type: 'text/plain' } },
    ]);
    // `type=text/plain` is not a token ('/' is no tchar, RFC 9110 §5.6.2): that link-value is dropped.
    expect(findNextLink('</p/2>; rel="prev NEXT"', BASE)).toBe('https://lms.example/p/2');
  });

  it('keeps the first rel and unescapes quoted strings', () => {
    const [link] = parseLinkHeader('</a>; rel="next"; rel="prev"; title="say \\"hi\\""', BASE);
    expect(link).toMatchObject({ rel: ['next'], params: { title: 'say "hi"' } });
  });

  it('skips malformed link-values and keeps the well-formed ones after them', () => {
    const header = 'garbage; rel="next", <https://lms.example/ok>; rel=next, </bad>; rel, </x> junk; rel="next", </good>; rel="next"';
    expect(parseLinkHeader(header, BASE).map((link) => link.href)).toEqual(['https://lms.example/ok', 'https://lms.example/bad', 'https://lms.example/good']);
    // `rel` with no value is a link with no relation, not a next link.
    expect(parseLinkHeader('</bad>; rel', BASE)[0]!.rel).toEqual([]);
    // An unclosed quote swallows the rest of its value, and nothing after it is guessed at.
    expect(parseLinkHeader('</a>; title="unclosed, </b>; rel="next"', BASE).map((link) => link.href)).not.toContain('https://lms.example/b');
  });

  it('refuses hostile targets: non-http schemes, whitespace and controls, an unclosed bracket', () => {
    expect(findNextLink('<javascript:alert(1)>; rel="next"', BASE)).toBeUndefined();
    expect(findNextLink('<file:///etc/passwd>; rel="next"', BASE)).toBeUndefined();
    expect(findNextLink('<https://lms.example/a b>; rel="next"', BASE)).toBeUndefined();
    expect(findNextLink('<https://lms.example/a\u0000b>; rel="next"', BASE)).toBeUndefined();
    expect(findNextLink('<https://lms.example/a; rel="next"', BASE)).toBeUndefined();
    expect(findNextLink('<http://[::1>; rel="next"', BASE)).toBeUndefined();
    expect(findNextLink('<https://lms.example/é>; rel="next"', BASE)).toBeUndefined();
    expect(findNextLink('', BASE)).toBeUndefined();
    expect(findNextLink(undefined, BASE)).toBeUndefined();
  });

  it('does not follow a next link about another resource (anchor, RFC 8288 §3.2)', () => {
    expect(findNextLink('</other>; rel="next"; anchor="/elsewhere", </mine>; rel="next"', BASE)).toBe('https://lms.example/mine');
  });

  it('treats a __proto__ parameter as a plain parameter', () => {
    const [link] = parseLinkHeader('</a>; __proto__="x"; rel="next"', BASE);
    expect(link!.params.__proto__).toBe('x');
    expect(Object.getPrototypeOf(link!.params)).toBeNull();
    expect(({} as Record<string, unknown>).x).toBeUndefined();
  });

  it('reads a huge hostile header in one bounded pass', () => {
    const header = `${'<https://lms.example/x>; rel="first", '.repeat(10_000)}</late>; rel="next"`;
    expect(parseLinkHeader(header, BASE)).toHaveLength(64);
    expect(parseLinkHeader(`</a>; title="${'\\'.repeat(200_001)}`, BASE)).toEqual([]);
    expect(parseLinkHeader(`${';'.repeat(100_000)},${'<'.repeat(100_000)}`, BASE)).toEqual([]);
  });
});
