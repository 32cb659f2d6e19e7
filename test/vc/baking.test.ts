import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { bakePng, bakeSvg, detectAndExtract, extractFromPng, extractFromSvg, unbakePng, unbakeSvg } from '../../src/vc/baking/index.ts';
import { itxtChunk, pngChunk } from '../../src/vc/baking/png.ts';
import type { JsonObject } from '../../src/vc/types.ts';
import { TINY_SVG, compressedItxt, textChunk, tinyPng } from '../fixtures/images/tiny-png.ts';
import { standardsUrl } from '../support/standards.ts';

const credential = JSON.parse(
  readFileSync(standardsUrl('examples/ob3/ob3-test-vector.signed-eddsa-rdfc-2022.json'), 'utf8'),
) as JsonObject;
const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const JWT = `${b64({ alg: 'EdDSA', typ: 'JWT' })}.${b64({ vc: { type: ['VerifiableCredential'] } })}.c2lnbmF0dXJl`;
const OB2_JWS = `${b64({ alg: 'RS256' })}.${b64({ '@context': 'https://w3id.org/openbadges/v2', type: 'Assertion' })}.c2ln`;

// An independent table CRC-32 (PNG 1.2 Annex D), so the test does not trust the code under test.
const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const byte of bytes) c = CRC_TABLE[(c ^ byte) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
/** Lists chunks, checking lengths and CRCs independently. */
function chunks(png: Uint8Array): { type: string; data: Buffer }[] {
  const buf = Buffer.from(png);
  expect(buf.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
  const out: { type: string; data: Buffer }[] = [];
  let offset = 8;
  while (offset < buf.length) {
    const length = buf.readUInt32BE(offset);
    const type = buf.toString('latin1', offset + 4, offset + 8);
    expect(crc(buf.subarray(offset + 4, offset + 8 + length))).toBe(buf.readUInt32BE(offset + 8 + length));
    out.push({ type, data: buf.subarray(offset + 8, offset + 8 + length) });
    offset += 12 + length;
  }
  return out;
}

describe('PNG baking (OB 3.0 §5.3.1)', () => {
  it('bakes a JSON credential into an uncompressed iTXt chunk right after IHDR and reads it back', () => {
    const baked = bakePng({ image: tinyPng(), credential });
    const list = chunks(baked);
    expect(list.map((c) => c.type)).toEqual(['IHDR', 'iTXt', 'IDAT', 'IEND']);
    const data = list[1]!.data;
    // keyword NUL, compression flag 0, method 0, empty language tag, empty translated keyword
    expect(data.subarray(0, 24).toString('latin1')).toBe('openbadgecredential\0\0\0\0\0');
    expect(JSON.parse(data.subarray(24).toString('utf8'))).toEqual(credential);
    expect(extractFromPng(baked)).toEqual({ ok: true, kind: 'ob3', credential });
    expect(unbakePng(baked)).toEqual(extractFromPng(baked));
  });

  it('stores a JWT as its compact string', () => {
    const baked = bakePng({ image: tinyPng(), credential: JWT });
    expect(chunks(baked)[1]!.data.subarray(24).toString('utf8')).toBe(JWT);
    expect(extractFromPng(baked)).toEqual({ ok: true, kind: 'ob3-jwt', jwt: JWT });
  });

  it('replaces an earlier baked credential (OB 3.0 or OB 2.0) instead of adding a second', () => {
    const old = tinyPng([itxtChunk('openbadges', 'https://example.org/assertions/1')]);
    const once = bakePng({ image: old, credential: JWT });
    const twice = bakePng({ image: once, credential });
    const text = chunks(twice).filter((c) => c.type === 'iTXt');
    expect(text).toHaveLength(1);
    expect(extractFromPng(twice)).toEqual({ ok: true, kind: 'ob3', credential });
  });

  it('reads OB 2.0 images: hosted URL, assertion JSON, JWS, and the old tEXt form', () => {
    const url = 'https://example.org/assertions/1';
    expect(extractFromPng(bakePng({ image: tinyPng(), credential: url, standard: 'ob2' }))).toEqual({ ok: true, kind: 'ob2', assertion: url });
    const assertion = { id: url, type: 'Assertion' };
    expect(extractFromPng(bakePng({ image: tinyPng(), credential: assertion, standard: 'ob2' }))).toEqual({ ok: true, kind: 'ob2', assertion });
    expect(extractFromPng(tinyPng([itxtChunk('openbadges', OB2_JWS)]))).toEqual({ ok: true, kind: 'ob2', assertion: OB2_JWS });
    expect(extractFromPng(tinyPng([textChunk('openbadges', url)]))).toEqual({ ok: true, kind: 'ob2', assertion: url });
  });

  it('reads a compressed iTXt chunk, but refuses one that inflates past the limit', () => {
    expect(extractFromPng(tinyPng([compressedItxt('openbadgecredential', JSON.stringify(credential))]))).toEqual({ ok: true, kind: 'ob3', credential });
    const bomb = tinyPng([compressedItxt('openbadgecredential', `{"a":"${'x'.repeat(5 * 1024 * 1024)}"}`)]);
    expect(bomb.length).toBeLessThan(20_000);
    const result = extractFromPng(bomb);
    expect(result?.ok).toBe(false);
  });

  it('returns undefined for a PNG without a credential, ignoring other text chunks', () => {
    expect(extractFromPng(tinyPng([itxtChunk('Comment', 'hello'), textChunk('Software', 'x')]))).toBeUndefined();
  });

  it('refuses two credentials in one image', () => {
    const result = extractFromPng(tinyPng([itxtChunk('openbadgecredential', JWT), itxtChunk('openbadgecredential', JWT)]));
    expect(result).toMatchObject({ ok: false, error: expect.stringContaining('more than one') });
  });

  it('reports damaged files without throwing', () => {
    const baked = bakePng({ image: tinyPng(), credential });
    const flipped = baked.slice();
    flipped[60] = flipped[60]! ^ 0xff;
    expect(extractFromPng(flipped)).toMatchObject({ ok: false, error: expect.stringContaining('checksum') });
    expect(extractFromPng(baked.subarray(0, baked.length - 5))).toMatchObject({ ok: false, error: expect.stringContaining('truncated') });
    expect(extractFromPng(new TextEncoder().encode('GIF89a....'))).toMatchObject({ ok: false, error: expect.stringContaining('not a PNG') });
    const huge = baked.slice();
    new DataView(huge.buffer).setUint32(8 + 25, 0x7ffffff0); // the iTXt chunk's length field
    expect(extractFromPng(huge)).toMatchObject({ ok: false, error: expect.stringContaining('longer than the file') });
    expect(extractFromPng(tinyPng([itxtChunk('openbadgecredential', 'not a credential')]))).toMatchObject({ ok: false });
    expect(extractFromPng(tinyPng([pngChunk('iTXt', new TextEncoder().encode('openbadgecredential\0\x00\x00nolanguageterminator'))]))).toMatchObject({ ok: false });
  });

  it('throws TypeError for misuse of bakePng', () => {
    expect(() => bakePng({ image: new TextEncoder().encode(TINY_SVG), credential })).toThrow(TypeError);
    expect(() => bakePng({ image: tinyPng(), credential: 'not a jwt' })).toThrow(TypeError);
    expect(() => bakePng({ image: tinyPng(), credential: [] as unknown as JsonObject })).toThrow(TypeError);
  });
});

describe('SVG baking (OB 3.0 §5.3.2)', () => {
  it('declares the namespace on <svg> and puts the JSON in CDATA right after the opening tag', () => {
    const baked = bakeSvg({ svg: TINY_SVG, credential });
    expect(baked).toContain('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10" xmlns:openbadges="https://purl.imsglobal.org/ob/v3p0"><openbadges:credential><![CDATA[{');
    expect(baked.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<svg')).toBe(true);
    expect(baked).toContain('<rect width="10" height="10" fill="#0a0"/></svg>');
    expect(extractFromSvg(baked)).toEqual({ ok: true, kind: 'ob3', credential });
    expect(unbakeSvg(baked)).toEqual(extractFromSvg(baked));
  });

  it('keeps JSON containing "]]>" intact by splitting the CDATA section', () => {
    const tricky = { ...credential, name: 'a]]>b<![CDATA[c]]>' };
    const baked = bakeSvg({ svg: TINY_SVG, credential: tricky });
    expect(extractFromSvg(baked)).toEqual({ ok: true, kind: 'ob3', credential: tricky });
  });

  it('puts a JWT in the verify attribute', () => {
    const baked = bakeSvg({ svg: TINY_SVG, credential: JWT });
    expect(baked).toContain(`<openbadges:credential verify="${JWT}"></openbadges:credential>`);
    expect(extractFromSvg(baked)).toEqual({ ok: true, kind: 'ob3-jwt', jwt: JWT });
  });

  it('re-baking replaces the credential, and works on a self-closing root', () => {
    const once = bakeSvg({ svg: '<svg xmlns="http://www.w3.org/2000/svg"/>', credential: JWT });
    const twice = bakeSvg({ svg: once, credential });
    expect(twice.match(/<openbadges:credential[ >]/g)).toHaveLength(1);
    expect(twice.match(/xmlns:openbadges=/g)).toHaveLength(1);
    expect(extractFromSvg(twice)).toEqual({ ok: true, kind: 'ob3', credential });
  });

  it('finds the credential whatever prefix (or default namespace) the file uses', () => {
    const prefixed = `<svg xmlns="http://www.w3.org/2000/svg" xmlns:ob="https://purl.imsglobal.org/ob/v3p0"><ob:credential verify="${JWT}"/></svg>`;
    expect(extractFromSvg(prefixed)).toEqual({ ok: true, kind: 'ob3-jwt', jwt: JWT });
    const defaulted = `<svg xmlns="http://www.w3.org/2000/svg"><g><credential xmlns="https://purl.imsglobal.org/ob/v3p0"><![CDATA[${JSON.stringify(credential)}]]></credential></g></svg>`;
    expect(extractFromSvg(defaulted)).toEqual({ ok: true, kind: 'ob3', credential });
    // The element name alone is not enough: an unbound or foreign prefix is not a credential.
    expect(extractFromSvg(`<svg xmlns="http://www.w3.org/2000/svg" xmlns:openbadges="http://example.org/"><openbadges:credential verify="${JWT}"/></svg>`)).toBeUndefined();
    // Namespace declarations are scoped to their element (Namespaces in XML §6.1).
    const ob3 = 'https://purl.imsglobal.org/ob/v3p0';
    expect(extractFromSvg(`<svg><g xmlns:ob="${ob3}"/><g xmlns:ob="${ob3}"></g><ob:credential verify="${JWT}"/></svg>`)).toBeUndefined();
    expect(extractFromSvg(`<svg xmlns:ob="${ob3}"><g xmlns:ob="urn:other"><ob:credential verify="${JWT}"/></g></svg>`)).toBeUndefined();
    expect(extractFromSvg(`<svg xmlns:ob="urn:other"><g xmlns:ob="${ob3}"><ob:credential verify="${JWT}"/></g></svg>`)).toEqual({ ok: true, kind: 'ob3-jwt', jwt: JWT });
  });

  it('reads OB 2.0 SVGs: hosted URL (entity-decoded), assertion JSON and JWS', () => {
    const head = '<svg xmlns="http://www.w3.org/2000/svg" xmlns:openbadges="http://openbadges.org">';
    expect(extractFromSvg(`${head}<openbadges:assertion verify="https://example.org/a?x=1&amp;y=2"></openbadges:assertion></svg>`)).toEqual({
      ok: true,
      kind: 'ob2',
      assertion: 'https://example.org/a?x=1&y=2',
    });
    const assertion = { id: 'https://example.org/a', type: 'Assertion' };
    expect(extractFromSvg(`${head}<openbadges:assertion verify="https://example.org/a"><![CDATA[${JSON.stringify(assertion)}]]></openbadges:assertion></svg>`)).toEqual({
      ok: true,
      kind: 'ob2',
      assertion,
    });
    expect(extractFromSvg(`${head}<openbadges:assertion verify="${OB2_JWS}"/></svg>`)).toEqual({ ok: true, kind: 'ob2', assertion: OB2_JWS });
  });

  it('bakes OB 3.0 over an OB 2.0 image whose "openbadges" prefix is taken', () => {
    const ob2 = '<svg xmlns="http://www.w3.org/2000/svg" xmlns:openbadges="http://openbadges.org"><openbadges:assertion verify="https://example.org/a"/><rect/></svg>';
    const baked = bakeSvg({ svg: ob2, credential: JWT });
    expect(baked).toContain('xmlns:openbadges3="https://purl.imsglobal.org/ob/v3p0"');
    expect(baked).not.toContain('openbadges:assertion');
    expect(extractFromSvg(baked)).toEqual({ ok: true, kind: 'ob3-jwt', jwt: JWT });
  });

  it('refuses a DOCTYPE that declares entities (billion laughs) without expanding it', () => {
    const laughs = `<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]><svg xmlns="http://www.w3.org/2000/svg" xmlns:openbadges="https://purl.imsglobal.org/ob/v3p0"><openbadges:credential verify="&lol2;"/></svg>`;
    expect(extractFromSvg(laughs)).toMatchObject({ ok: false, error: expect.stringContaining('declares XML entities') });
    expect(() => bakeSvg({ svg: laughs, credential: JWT })).toThrow(TypeError);
    const svg11 = '<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd"><svg xmlns="http://www.w3.org/2000/svg"></svg>';
    expect(extractFromSvg(bakeSvg({ svg: svg11, credential: JWT }))).toEqual({ ok: true, kind: 'ob3-jwt', jwt: JWT });
  });

  it('reports malformed or ambiguous files without throwing', () => {
    const ns = 'xmlns:openbadges="https://purl.imsglobal.org/ob/v3p0"';
    expect(extractFromSvg(`<svg ${ns}><openbadges:credential verify="${JWT}"/><openbadges:credential verify="${JWT}"/></svg>`)).toMatchObject({
      ok: false,
      error: expect.stringContaining('more than one'),
    });
    expect(extractFromSvg('<html><body/></html>')).toMatchObject({ ok: false, error: expect.stringContaining('not an SVG') });
    expect(extractFromSvg(`<svg ${ns}><openbadges:credential verify="&xxe;"/></svg>`)).toMatchObject({ ok: false });
    expect(extractFromSvg(`<svg ${ns}><openbadges:credential><![CDATA[{"a":1}`)).toMatchObject({ ok: false });
    expect(extractFromSvg(`<svg ${ns}><openbadges:credential><b/></openbadges:credential></svg>`)).toMatchObject({ ok: false });
    expect(extractFromSvg(`<svg ${ns}><openbadges:credential/></svg>`)).toMatchObject({ ok: false, error: expect.stringContaining('empty') });
    expect(extractFromSvg('<svg xmlns="http://www.w3.org/2000/svg"><rect/></svg>')).toBeUndefined();
    expect(extractFromSvg(undefined as unknown as string)).toMatchObject({ ok: false });
    expect(extractFromSvg(`<svg>${'<g>'.repeat(1001)}`)).toMatchObject({ ok: false, error: expect.stringContaining('too deeply') });
  });
});

describe('detectAndExtract', () => {
  const enc = (text: string) => new TextEncoder().encode(text);
  it('recognises each kind of file', () => {
    expect(detectAndExtract(bakePng({ image: tinyPng(), credential }))).toEqual({ ok: true, kind: 'ob3', credential });
    expect(detectAndExtract(enc(bakeSvg({ svg: `\uFEFF${TINY_SVG}`, credential: JWT })))).toEqual({ ok: true, kind: 'ob3-jwt', jwt: JWT });
    expect(detectAndExtract(enc(JSON.stringify(credential)))).toEqual({ ok: true, kind: 'ob3', credential });
    const ob2 = { '@context': 'https://w3id.org/openbadges/v2', type: 'Assertion', id: 'https://example.org/a' };
    expect(detectAndExtract(enc(JSON.stringify(ob2)))).toEqual({ ok: true, kind: 'ob2', assertion: ob2 });
    expect(detectAndExtract(enc(`${JWT}\n`))).toEqual({ ok: true, kind: 'ob3-jwt', jwt: JWT });
    expect(detectAndExtract(enc(OB2_JWS))).toEqual({ ok: true, kind: 'ob2', assertion: OB2_JWS });
    expect(detectAndExtract(enc(' https://example.org/a '))).toEqual({ ok: true, kind: 'ob2', assertion: 'https://example.org/a' });
    expect(detectAndExtract(tinyPng())).toBeUndefined();
    expect(detectAndExtract(enc('hello'))).toMatchObject({ ok: false });
    expect(detectAndExtract(Uint8Array.of(0xff, 0xfe, 0x00))).toMatchObject({ ok: false });
    expect(detectAndExtract(enc('[1,2]'))).toMatchObject({ ok: false });
  });
});
