import { describe, expect, it } from 'vitest';
import { bakeSvg, extractFromSvg } from '../../src/vc/baking/index.ts';

const NS = 'xmlns:openbadges="https://purl.imsglobal.org/ob/v3p0"';
const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const jwt = (n: number) => `${b64({ alg: 'EdDSA' })}.${b64({ vc: { n } })}.c2ln`;

describe('SVG baking: files two XML readers would read differently (review)', () => {
  it('refuses an element with the same attribute twice (XML 1.0 §3.1, Unique Att Spec)', () => {
    // A browser or XML parser refuses this file; microcred must not pick one of the two tokens silently.
    const twoTokens = `<svg ${NS}><openbadges:credential verify="${jwt(1)}" verify="${jwt(2)}"/></svg>`;
    expect(extractFromSvg(twoTokens)).toEqual({ ok: false, error: expect.stringMatching(/attribute "verify" twice/) });
    const twoBindings = `<svg ${NS} xmlns:openbadges="http://evil.example/ns"><openbadges:credential verify="${jwt(1)}"/></svg>`;
    expect(extractFromSvg(twoBindings)).toMatchObject({ ok: false, error: expect.stringMatching(/xmlns:openbadges" twice/) });
    expect(() => bakeSvg({ svg: '<svg width="1" width="2"/>', credential: jwt(1) })).toThrow(TypeError);
  });

  it('bakes JSON holding U+FFFE or U+FFFF as well-formed XML, and reads the same credential back', () => {
    const credential = { name: 'a\uFFFEb\uFFFFc', note: ']]>' };
    const baked = bakeSvg({ svg: '<svg/>', credential });
    // XML 1.0 §2.2: U+FFFE and U+FFFF are not characters; JSON escapes keep the text the same credential.
    expect(/[\uFFFE\uFFFF]/.test(baked)).toBe(false);
    const found = extractFromSvg(baked);
    expect(found).toEqual({ ok: true, kind: 'ob3', credential });
    expect(found?.ok && found.kind === 'ob3' && JSON.stringify(found.credential)).toBe(JSON.stringify(credential));
  });
});
