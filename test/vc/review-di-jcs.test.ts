/** RFC 8785 edge cases for canonicalizeJcs (numbers §3.2.2.3, strings §3.2.2.2, key order §3.2.3). */
import { describe, expect, it } from 'vitest';
import { canonicalizeJcs } from '../../src/vc/proofs/data-integrity/index.ts';

describe('canonicalizeJcs, RFC 8785 edge cases', () => {
  it('writes numbers as ECMAScript Number::toString', () => {
    const cases: Array<[number, string]> = [
      [-0, '0'], [1e21, '1e+21'], [1e20, '100000000000000000000'], [1e-7, '1e-7'], [0.000001, '0.000001'],
      [Number('9007199254740993'), '9007199254740992'], [Number('333333333.33333329'), '333333333.3333333'], [5e-324, '5e-324'],
      [1.7976931348623157e308, '1.7976931348623157e+308'], [4.5, '4.5'], [-1e-7, '-1e-7'],
    ];
    for (const [value, text] of cases) expect(canonicalizeJcs(value), String(value)).toBe(text);
  });

  it('escapes strings minimally (RFC 8785 §3.2.2.2 example), U+2028 and DEL stay raw', () => {
    expect(canonicalizeJcs('\u20ac$\u000F\u000aA\'\u0042\u0022\u005c\\"/')).toBe('"€$\\u000f\\nA\'B\\"\\\\\\\\\\"/"');
    expect(canonicalizeJcs('\u2028\u2029\u007f\b\t\f\r')).toBe('"\u2028\u2029\u007f\\b\\t\\f\\r"');
    expect(canonicalizeJcs('😀')).toBe('"😀"');
    expect(() => canonicalizeJcs('\ud83d')).toThrow(TypeError);
    expect(() => canonicalizeJcs({ '\ude00': 1 })).toThrow(TypeError);
  });

  it('sorts keys by UTF-16 code units, not code points (RFC 8785 §3.2.3 example)', () => {
    const input = { '\u20ac': 'Euro Sign', '\r': 'Carriage Return', '\ufb33': 'Hebrew Letter Dalet With Dagesh', '1': 'One', '😀': 'Emoji: Grinning Face', '\u0080': 'Control', '\u00f6': 'Latin Small Letter O With Diaeresis' };
    expect(Object.keys(JSON.parse(canonicalizeJcs(input)) as object)).toEqual(['1', '\r', '\u0080', '\u00f6', '\u20ac', '😀', '\ufb33']);
    expect(canonicalizeJcs(input).indexOf('😀')).toBeLessThan(canonicalizeJcs(input).indexOf('\ufb33'));
  });

  it('keeps a __proto__ key from JSON.parse as an ordinary key', () => {
    expect(canonicalizeJcs(JSON.parse('{"b":1,"__proto__":{"x":[1,{"a":null}]}}'))).toBe('{"__proto__":{"x":[1,{"a":null}]},"b":1}');
  });
});
