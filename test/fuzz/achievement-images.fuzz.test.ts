import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkPng } from '../../src/services/achievements/png.ts';
import { parseSvg, sanitiseSvg, SVG_NS, type SvgElement } from '../../src/services/achievements/svg.ts';
import { tinyPng } from '../fixtures/images/tiny-png.ts';

/**
 * Properties of the upload checks under hostile input: they never throw, and whatever the sanitiser
 * lets through is an SVG tree with no script-capable element, no handler, no link leaving the document,
 * and that sanitises to itself.
 */

const SAFE_LINK = /^(#|data:image\/(png|jpeg|gif|webp);base64,)/i;
const FORBIDDEN_ELEMENTS = /^(script|foreignObject|iframe|handler|listener|object|embed)$/i;

function elements(root: SvgElement): SvgElement[] {
  return [root, ...root.children.flatMap((c) => ('text' in c ? [] : elements(c)))];
}

/** The invariants every accepted output keeps. */
function assertSafe(svg: string): void {
  const tree = parseSvg(svg);
  expect(tree.ns).toBe(SVG_NS);
  expect(tree.local).toBe('svg');
  for (const element of elements(tree)) {
    expect(element.ns).toBe(SVG_NS);
    expect(element.local).not.toMatch(FORBIDDEN_ELEMENTS);
    for (const attribute of element.attributes) {
      expect(attribute.local).not.toMatch(/^on/i);
      if (attribute.local === 'href' || attribute.local === 'src') expect(attribute.value.replace(/\s/g, '')).toMatch(SAFE_LINK);
      for (const url of attribute.value.matchAll(/url\s*\(\s*['"]?([^'")]*)/gi)) expect(url[1]!.trim().startsWith('#')).toBe(true);
      if (['set', 'animate'].includes(element.local) && attribute.local === 'attributeName') expect(attribute.value).not.toMatch(/href|^on|style/i);
    }
    if (element.local === 'style') {
      const css = element.children.map((c) => ('text' in c ? c.text : '')).join('');
      expect(css).not.toMatch(/@import/i);
    }
  }
  const again = sanitiseSvg(svg);
  expect(again.ok && again.removed).toEqual([]);
  expect(again.ok && again.svg).toBe(svg);
}

const names = fc.constantFrom('g', 'rect', 'circle', 'path', 'a', 'use', 'image', 'text', 'style', 'set', 'animate', 'script', 'foreignObject',
  'SCRIPT', 'iframe', 'handler', 'svg:script', 'svg:rect', 'x:script', 'h:div', 'defs', 'linearGradient', 'stop');
const attributeNames = fc.constantFrom('id', 'fill', 'style', 'href', 'xlink:href', 'src', 'onload', 'onClick', 'ONERROR', 'xml:base',
  'attributeName', 'to', 'values', 'filter', 'x:href', 'class', 'transform');
const hostileValues = fc.constantFrom('#a', 'javascript:alert(1)', 'java&#x09;script:alert(1)', '&#106;avascript:x', ' javascript:x',
  'data:text/html,x', 'data:image/png;base64,iVBORw0KGgo=', 'data:image/svg+xml;base64,PHN2Zz4=', 'https://evil.example/x', '//evil.example',
  'url(#g)', 'url(https://evil.example/x)', "url( 'http://e/x' )", 'fill:url(http://e)', '@import url(x)', 'href', 'xlink:href', 'onclick',
  'style', 'red', '&lt;script&gt;', '&amp;', 'a"b', "a'b", '\\75rl(http://x)');
const texts = fc.constantFrom('hello', '<script>alert(1)</script>', ']]>', '&', '&amp;', '&lt;', '&nbsp;', '<![CDATA[<script>x</script>]]>',
  '<!-- c -->', '<?pi x?>', '@import url(https://e/x);', 'rect{fill:url(#g)}', 'rect{fill:url(http://e)}', '<!DOCTYPE x>', '<!ENTITY e "x">');

function escapeAttr(value: string): string {
  return value.replace(/"/g, '&quot;').replace(/</g, '&lt;');
}

/** SVG-like documents: mostly well-formed trees, with hostile names, attributes and texts mixed in. */
const documentArb = fc.letrec((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    texts,
    fc.tuple(names, fc.array(fc.tuple(attributeNames, hostileValues), { maxLength: 4 }), fc.array(tie('node'), { maxLength: 4 }))
      .map(([name, attributes, children]) => {
        const seen = new Set<string>();
        const attrs = attributes.filter(([n]) => !seen.has(n) && seen.add(n)).map(([n, v]) => ` ${n}="${escapeAttr(v)}"`).join('');
        return children.length === 0 ? `<${name}${attrs}/>` : `<${name}${attrs}>${(children as string[]).join('')}</${name}>`;
      }),
  ),
})).node.map((body) => `<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" xmlns:svg="http://www.w3.org/2000/svg" xmlns:x="urn:x" xmlns:h="http://www.w3.org/1999/xhtml">${body}</svg>`);

describe('fuzz: SVG sanitiser', () => {
  it('never throws on arbitrary text or bytes', () => {
    fc.assert(fc.property(fc.string({ unit: 'grapheme', maxLength: 300 }), (text) => {
      const result = sanitiseSvg(text);
      if (result.ok) assertSafe(result.svg);
      else expect(result.error.length).toBeGreaterThan(0);
    }), { numRuns: 500 });
    fc.assert(fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
      const result = sanitiseSvg(bytes);
      if (result.ok) assertSafe(result.svg);
    }), { numRuns: 300 });
  });

  it('whatever it accepts from hostile SVG-like documents is safe and stable', () => {
    let accepted = 0;
    fc.assert(fc.property(documentArb, (svg) => {
      const result = sanitiseSvg(svg);
      if (!result.ok) return;
      accepted++;
      assertSafe(result.svg);
    }), { numRuns: 400 });
    // The generator must mostly produce parseable documents, or the property above tests little.
    expect(accepted).toBeGreaterThan(100);
  });

  it('never throws on hostile documents cut and spliced at random points', () => {
    fc.assert(fc.property(documentArb, fc.nat(), fc.nat(), fc.string({ maxLength: 8 }), (svg, cut, at, insert) => {
      const cutAt = cut % (svg.length + 1);
      const spliceAt = at % (cutAt + 1);
      const mutated = svg.slice(0, spliceAt) + insert + svg.slice(spliceAt, cutAt);
      const result = sanitiseSvg(mutated);
      if (result.ok) assertSafe(result.svg);
    }), { numRuns: 400 });
  });
});

describe('fuzz: PNG check', () => {
  const PNG = tinyPng();

  it('never throws on arbitrary bytes, with or without the PNG signature', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 2048 }), fc.boolean(), (bytes, signed) => {
      const input = signed ? new Uint8Array([...PNG.subarray(0, 8), ...bytes]) : bytes;
      const result = checkPng(input);
      expect(typeof result.ok).toBe('boolean');
      if (!result.ok) expect(result.error.length).toBeGreaterThan(0);
    }), { numRuns: 500 });
  });

  it('accepts a mutated PNG only when it is still structurally whole', () => {
    fc.assert(fc.property(fc.array(fc.tuple(fc.nat(), fc.integer({ min: 1, max: 255 })), { maxLength: 4 }), fc.option(fc.nat(), { nil: undefined }), (flips, truncate) => {
      let bytes = PNG.slice();
      for (const [position, xor] of flips) bytes[position % bytes.length] = bytes[position % bytes.length]! ^ xor;
      if (truncate !== undefined) bytes = bytes.subarray(0, truncate % (bytes.length + 1));
      const result = checkPng(bytes);
      if (result.ok) {
        // Only flips that every CRC tolerates can pass: none inside a chunk, so the file is unchanged.
        expect(Buffer.from(bytes).equals(Buffer.from(PNG))).toBe(true);
      }
    }), { numRuns: 500 });
  });
});
