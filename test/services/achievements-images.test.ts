import { deflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { checkPng, MAX_PNG_SIDE } from '../../src/services/achievements/png.ts';
import { parseSvg, sanitiseSvg, type SvgElement } from '../../src/services/achievements/svg.ts';
import { PNG_SIGNATURE, pngChunk } from '../../src/vc/baking/png.ts';
import { TINY_SVG, tinyPng, textChunk } from '../fixtures/images/tiny-png.ts';

const NS = 'xmlns="http://www.w3.org/2000/svg"';
const XLINK = 'xmlns:xlink="http://www.w3.org/1999/xlink"';

function clean(svg: string): string {
  const result = sanitiseSvg(svg);
  if (!result.ok) throw new Error(result.error);
  return result.svg.trim();
}

function refused(svg: string | Uint8Array): string {
  const result = sanitiseSvg(svg);
  if (result.ok) throw new Error(`accepted: ${result.svg}`);
  return result.error;
}

function elements(root: SvgElement): SvgElement[] {
  return [root, ...root.children.flatMap((c) => ('text' in c ? [] : elements(c)))];
}

describe('SVG sanitiser', () => {
  it('keeps a plain drawing, gradients, fragment references and safe CSS', () => {
    const drawing = `<svg ${NS} ${XLINK} viewBox="0 0 10 10"><defs><linearGradient id="g"><stop offset="0" stop-color="#fff"/></linearGradient></defs>`
      + `<style>rect { fill: url(#g); } .a > .b { opacity: .5 }</style><rect class="a" width="10" height="10" fill="url(#g)"/>`
      + `<use xlink:href="#g"/><text x="1" y="5" xml:space="preserve">A &amp; B &lt;3</text>`
      + `<image href="data:image/png;base64,iVBORw0KGgo=" width="1" height="1"/></svg>`;
    const result = sanitiseSvg(drawing);
    expect(result).toMatchObject({ ok: true, removed: [] });
    expect(clean(drawing)).toBe(drawing.replace('.a > .b', '.a &gt; .b'));
    expect(clean(TINY_SVG)).toBe(`<svg ${NS} width="10" height="10"><rect width="10" height="10" fill="#0a0"/></svg>`);
  });

  it('drops scripts and foreign content however they are spelled', () => {
    const cases = [
      `<svg ${NS}><script>alert(1)</script><rect/></svg>`,
      `<svg ${NS}><script type="text/javascript"><![CDATA[alert(1)]]></script><rect/></svg>`,
      `<s:svg xmlns:s="http://www.w3.org/2000/svg"><s:script>alert(1)</s:script><rect ${NS}/></s:svg>`,
      `<svg ${NS}><SCRIPT>alert(1)</SCRIPT><rect/></svg>`,
      `<svg ${NS}><foreignObject><div xmlns="http://www.w3.org/1999/xhtml"><img src="x" onerror="alert(1)"/></div></foreignObject><rect/></svg>`,
      `<svg ${NS}><h:script xmlns:h="http://www.w3.org/1999/xhtml">alert(1)</h:script><rect/></svg>`,
      `<svg ${NS}><handler type="application/ecmascript">alert(1)</handler><rect/></svg>`,
      `<svg ${NS}><iframe src="https://evil.example"/><rect/></svg>`,
    ];
    for (const svg of cases) {
      const out = clean(svg);
      expect(out, svg).not.toMatch(/script|alert|foreignObject|iframe|onerror|handler/i);
      expect(out, svg).toMatch(/<rect/);
    }
  });

  it('drops event handlers, xml:base and attributes of foreign namespaces', () => {
    const out = clean(`<svg ${NS} onload="alert(1)" ONMOUSEOVER="x()" xml:base="https://evil.example/" xmlns:i="http://www.inkscape.org/namespaces/inkscape" i:label="layer"><g onclick="x()" id="k"/></svg>`);
    expect(out).toBe(`<svg ${NS} xmlns:i="http://www.inkscape.org/namespaces/inkscape"><g id="k"/></svg>`);
  });

  it('keeps only fragment and raster data: links; javascript:, data:text, svg data and external links go, however encoded', () => {
    const hrefs = [
      'javascript:alert(1)', ' javascript:alert(1)', 'java&#x09;script:alert(1)', '&#106;avascript:alert(1)', 'JaVaScRiPt:alert(1)',
      'vbscript:msgbox(1)', 'data:text/html,<script>', 'data:image/svg+xml;base64,PHN2Zz4=', 'https://evil.example/a.png',
      'http://evil.example/a.png', '//evil.example/a.png', 'a.png', 'file:///etc/passwd',
    ];
    for (const href of hrefs) {
      const safeHref = href.replace(/</g, '&lt;');
      for (const attribute of ['href', 'xlink:href']) {
        const out = clean(`<svg ${NS} ${XLINK}><a ${attribute}="${safeHref}"><rect/></a><image ${attribute}="${safeHref}"/><use ${attribute}="${safeHref}"/></svg>`);
        expect(out, `${attribute}=${href}`).not.toMatch(/href/);
      }
    }
    expect(clean(`<svg ${NS}><image href="data:image/jpeg;base64,/9j/4AAQ"/></svg>`)).toContain('href="data:image/jpeg;base64,/9j/4AAQ"');
  });

  it('drops external url() in attributes and CSS, and @import', () => {
    expect(clean(`<svg ${NS}><rect fill="url(https://evil.example/#g)" stroke="red"/></svg>`)).toBe(`<svg ${NS}><rect stroke="red"/></svg>`);
    expect(clean(`<svg ${NS}><rect filter="url( 'http://evil.example/f' )"/></svg>`)).toBe(`<svg ${NS}><rect/></svg>`);
    expect(clean(`<svg ${NS}><rect style="fill:red;background:url(https://t.example/p)"/></svg>`)).toBe(`<svg ${NS}><rect/></svg>`);
    expect(clean(`<svg ${NS}><rect style="fill:u\\72l(https://t.example/p)"/></svg>`)).toBe(`<svg ${NS}><rect/></svg>`);
    expect(clean(`<svg ${NS}><style>@import url(https://evil.example/x.css);</style><rect/></svg>`)).toBe(`<svg ${NS}><rect/></svg>`);
    expect(clean(`<svg ${NS}><style>rect{fill:url(https://t.example/p)}</style><rect/></svg>`)).toBe(`<svg ${NS}><rect/></svg>`);
    expect(clean(`<svg ${NS}><rect style="fill:red"/></svg>`)).toBe(`<svg ${NS}><rect style="fill:red"/></svg>`);
  });

  it('drops animations that would set a link, a handler or a style', () => {
    for (const target of ['href', 'xlink:href', 'HREF', 'onclick', 'style']) {
      const out = clean(`<svg ${NS} ${XLINK}><a href="#x"><set attributeName="${target}" to="javascript:alert(1)"/><rect/></a></svg>`);
      expect(out, target).not.toContain('<set');
    }
    expect(clean(`<svg ${NS}><rect><animate attributeName="opacity" from="0" to="1" dur="1s"/></rect></svg>`)).toContain('<animate attributeName="opacity"');
  });

  it('drops comments and processing instructions; CDATA becomes escaped text', () => {
    expect(clean(`<?xml version="1.0"?><?xml-stylesheet href="https://evil.example/x.css"?><!-- <script>alert(1)</script> --><svg ${NS}><?php echo 1 ?><text><![CDATA[<script>x</script>]]></text></svg>`))
      .toBe(`<svg ${NS}><text>&lt;script&gt;x&lt;/script&gt;</text></svg>`);
  });

  it('refuses DOCTYPEs, entity declarations and undefined entities (XXE, billion laughs)', () => {
    expect(refused(`<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd"><svg ${NS}/>`)).toMatch(/DOCTYPE or ENTITY/);
    expect(refused(`<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;">]><svg ${NS}>&lol2;</svg>`)).toMatch(/DOCTYPE or ENTITY/);
    expect(refused(`<svg ${NS}><!ENTITY x "y"></svg>`)).toMatch(/DOCTYPE or ENTITY/);
    expect(refused(`<svg ${NS}><text>&nbsp;</text></svg>`)).toMatch(/entity &nbsp; is not defined/);
    expect(refused(`<svg ${NS}><text>Q&A</text></svg>`)).toMatch(/not well-formed/);
  });

  it('refuses what is not well-formed or not an SVG', () => {
    for (const bad of [
      `<svg ${NS}><g></svg>`, `<svg ${NS}><g></h></g></svg>`, `<svg ${NS}>`, `<svg ${NS}/><svg ${NS}/>`, `<svg ${NS} width=10/>`,
      `<svg ${NS} a="1" a="2"/>`, `<svg ${NS} a="1"b="2"/>`, `<svg ${NS}><rect x="<"/></svg>`, `text<svg ${NS}/>`, '',
      `<svg ${NS}><x:rect/></svg>`, `<svg ${NS}>\u0001</svg>`, `<svg ${NS}><text>&#0;</text></svg>`, `<svg ${NS}><text>]]></text></svg>`,
    ]) {
      expect(refused(bad), bad).toMatch(/not well-formed/);
    }
    expect(refused('<svg width="1"/>')).toMatch(/not an SVG image/);
    expect(refused('<html xmlns="http://www.w3.org/1999/xhtml"/>')).toMatch(/not an SVG image/);
    expect(refused(new Uint8Array([0x3c, 0xff, 0xfe, 0x3e]))).toMatch(/UTF-8/);
  });

  it('refuses nesting and element counts beyond its limits instead of recursing without bound', () => {
    const deep = `<svg ${NS}>${'<g>'.repeat(10_000)}${'</g>'.repeat(10_000)}</svg>`;
    expect(refused(deep)).toMatch(/nested more than/);
    const wide = `<svg ${NS}>${'<g/>'.repeat(60_000)}</svg>`;
    expect(refused(wide)).toMatch(/more than 50000 elements/);
  });

  it('writes output that parses again to the same tree and sanitises to itself', () => {
    const hostile = `<svg ${NS} ${XLINK} onload="x()"><script>1</script><a xlink:href="javascript:1"><text title="a&quot;b&#10;c">1 &lt; 2 &amp;&amp; "q"</text></a><rect fill="url(http://e/x)"/></svg>`;
    const once = clean(hostile);
    const twice = sanitiseSvg(once);
    expect(twice).toMatchObject({ ok: true, removed: [] });
    expect(twice.ok && twice.svg.trim()).toBe(once);
    const tree = parseSvg(once);
    expect(elements(tree).map((e) => e.local)).toEqual(['svg', 'a', 'text', 'rect']);
    const text = elements(tree)[2]!;
    // XML §3.3.3: a character reference survives attribute-value normalisation.
    expect(text.attributes[0]!.value).toBe('a"b\nc');
    expect(text.children).toEqual([{ text: '1 < 2 && "q"' }]);
  });
});

function png(width: number, height: number, depth = 8, colour = 2, extra: Uint8Array[] = []): Uint8Array {
  const ihdr = new Uint8Array(13);
  const view = new DataView(ihdr.buffer);
  view.setUint32(0, width);
  view.setUint32(4, height);
  ihdr.set([depth, colour, 0, 0, 0], 8);
  return Buffer.concat([PNG_SIGNATURE, pngChunk('IHDR', ihdr), ...extra, pngChunk('IDAT', new Uint8Array(deflateSync(new Uint8Array(4)))), pngChunk('IEND', new Uint8Array())]);
}

describe('PNG check', () => {
  it('accepts well-formed PNGs, with ancillary chunks, and reports their size', () => {
    expect(checkPng(tinyPng())).toEqual({ ok: true, width: 2, height: 2 });
    expect(checkPng(tinyPng([textChunk('Comment', 'hello')]))).toEqual({ ok: true, width: 2, height: 2 });
    expect(checkPng(png(MAX_PNG_SIDE, 1, 16, 6))).toEqual({ ok: true, width: MAX_PNG_SIDE, height: 1 });
  });

  it('refuses other files, damaged chunks, bad headers, huge sizes and trailing data, in words', () => {
    const good = tinyPng();
    const flipped = good.slice();
    flipped[20] = flipped[20]! ^ 1;
    const cases: [Uint8Array, RegExp][] = [
      [new TextEncoder().encode('GIF89a'), /not a PNG/],
      [good.subarray(0, 8), /no IEND/],
      [good.subarray(0, 30), /cut short/],
      [flipped, /checksum of its IHDR/],
      [png(0, 1), /no pixels/],
      [png(MAX_PNG_SIDE + 1, 1), /at most 4096/],
      [png(1, 1, 3, 2), /header is invalid/],
      [png(1, 1, 8, 5), /header is invalid/],
      [Buffer.concat([good, new TextEncoder().encode('<script>')]), /data after its end/],
      [Buffer.concat([PNG_SIGNATURE, pngChunk('IDAT', new Uint8Array(1)), pngChunk('IEND', new Uint8Array())]), /IHDR/],
      [Buffer.concat([good.subarray(0, 33), pngChunk('IEND', new Uint8Array())]), /no image data/],
      [Buffer.concat([good.subarray(0, 33), pngChunk('XXXX', new Uint8Array(1)), good.subarray(33)]), /unknown critical chunk/],
    ];
    for (const [bytes, message] of cases) {
      const result = checkPng(bytes);
      expect(result.ok, String(message)).toBe(false);
      expect(!result.ok && result.error, String(message)).toMatch(message);
    }
  });
});
