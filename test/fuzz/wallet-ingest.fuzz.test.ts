/**
 * Fuzz of the wallet import: whatever arrives (random bytes and text, arbitrary JSON, signed credentials
 * and OB 2.0 assertions with arbitrary values put in, tokens, baked images with arbitrary payloads, and
 * arbitrary documents answered by the issuer's "site"), ingest either returns a well-formed row or
 * refuses with InvalidInput — never another error; verifyAny never throws anything but InputError.
 */
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidInput } from '../../src/services/errors.ts';
import { ingest, type Ingested } from '../../src/services/wallet/ingest.ts';
import { bakePng, bakeSvg } from '../../src/vc/baking/index.ts';
import { itxtChunk } from '../../src/vc/baking/png.ts';
import { createEngine } from '../../src/vc/engine.ts';
import type { Fetcher, JsonObject } from '../../src/vc/types.ts';
import { InputError, verifyAny } from '../../src/vc/verify-any.ts';
import { TINY_SVG, tinyPng } from '../fixtures/images/tiny-png.ts';
import { standardsUrl } from '../support/standards.ts';

const NOW = new Date('2026-05-01T12:00:00Z');
const encode = (text: string) => new TextEncoder().encode(text);
const SIGNED = JSON.parse(readFileSync(standardsUrl('examples/ob3/ob3-test-vector.signed-eddsa-rdfc-2022.json'), 'utf8')) as JsonObject;
const HOSTED = JSON.parse(readFileSync(new URL('../fixtures/ob2/assertion-hosted.json', import.meta.url), 'utf8')) as JsonObject;
const STATUSES = new Set(['verified', 'revoked', 'suspended', 'expired', 'invalid', 'unknown']);
const ORIGINAL_TYPES = new Set(['application/json', 'application/jwt', 'image/png', 'image/svg+xml', 'text/uri-list']);

/** The issuer's "site": answers every URL with the same arbitrary document, or fails. */
const siteServing = (document: unknown): Fetcher => async (url) => {
  if (document === undefined) throw new Error('404');
  return { url, body: encode(typeof document === 'string' ? document : JSON.stringify(document) ?? 'null') };
};

const context = (fetch: Fetcher) => ({ engine: createEngine({ clock: () => NOW, fetcher: fetch }), fetch, now: () => NOW });

/** A row the wallet can store and show. */
function expectWellFormed(row: Ingested): void {
  expect(STATUSES.has(row.status)).toBe(true);
  expect(ORIGINAL_TYPES.has(row.original_type)).toBe(true);
  expect(['ldp', 'jwt', 'ob2']).toContain(row.format);
  expect(typeof row.name === 'string' && row.name.length > 0 && row.name.length <= 500).toBe(true);
  expect(row.search_text).toBe(row.search_text.toLowerCase());
  const verification = JSON.parse(row.verification) as { verified: boolean; checks: unknown[] };
  expect(typeof verification.verified).toBe('boolean');
  expect(verification.checks.length).toBeGreaterThan(0);
  if (row.status === 'verified') expect(verification.verified).toBe(true);
  if (['invalid', 'revoked', 'suspended', 'expired'].includes(row.status)) expect(verification.verified).toBe(false);
  if (row.document !== null) expect(typeof JSON.parse(row.document)).toBe('object');
  if (row.skills !== null) expect(Array.isArray(JSON.parse(row.skills))).toBe(true);
  if (row.ects_centi !== null) expect(Number.isInteger(row.ects_centi) && row.ects_centi >= 0).toBe(true);
  if (row.eqf_level !== null) expect(row.eqf_level >= 1 && row.eqf_level <= 8).toBe(true);
  for (const date of [row.issued_at, row.valid_until]) if (date !== null) expect(new Date(date).toISOString()).toBe(date);
}

/** Ingest resolves to a well-formed row or refuses with InvalidInput; anything else fails the property. */
async function ingestsOrRefuses(bytes: Uint8Array, fetch: Fetcher = siteServing(undefined)): Promise<'row' | 'refused'> {
  let row: Ingested;
  try {
    row = await ingest(context(fetch), { bytes, source: 'upload' });
  } catch (error) {
    if (error instanceof InvalidInput) {
      expect(error.message.length).toBeGreaterThan(0);
      return 'refused';
    }
    throw error;
  }
  expectWellFormed(row);
  return 'row';
}

/** How often each outcome happened: a fuzz that only ever refuses (or only ever stores) tests half of ingest. */
function tally() {
  const seen = { row: 0, refused: 0 };
  return { seen, count: (outcome: 'row' | 'refused') => void seen[outcome]++ };
}

/** Sets `value` at the pick-th place of the document (any depth), or adds it as a new property there. */
function put(document: JsonObject, pick: number, value: unknown, asNewKey?: string): JsonObject {
  const copy = structuredClone(document);
  const slots: { holder: Record<string, unknown>; key: string }[] = [];
  const walk = (node: unknown) => {
    if (Array.isArray(node)) node.forEach((item, index) => {
      slots.push({ holder: node as unknown as Record<string, unknown>, key: String(index) });
      walk(item);
    });
    else if (node && typeof node === 'object') {
      for (const [key, item] of Object.entries(node)) {
        slots.push({ holder: node as Record<string, unknown>, key });
        walk(item);
      }
    }
  };
  walk(copy);
  const slot = slots[pick % slots.length]!;
  if (asNewKey !== undefined && !Array.isArray(slot.holder)) slot.holder[asNewKey] = value;
  else slot.holder[slot.key] = value;
  return copy;
}

const oddValue = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  fc.constantFrom('', 'x', 'did:key:zBad', 'https://example.org/\u0000', '2026-13-45T99:99:99Z', '-1', 'NaN', '1e308', '<script>', 'data:image/png;base64,AAAA'),
  fc.constantFrom(Number.MAX_VALUE, -0, 1e21, 0.005, -5),
  fc.constant({ '@value': 'x', '@language': 'en' }),
  fc.constant({ id: 'http://data.europa.eu/snb/eqf/9', targetFramework: 'European Qualifications Framework', targetName: 'x', targetCode: '99' }),
  fc.constant([{ type: 'BitstringStatusListEntry', statusPurpose: 'revocation', statusListIndex: '5', statusListCredential: 'https://issuer.example/list' }]),
);

const base64urlJson = fc.jsonValue({ maxDepth: 3 }).map((value) => Buffer.from(JSON.stringify(value) ?? 'null').toString('base64url'));

describe('fuzz: wallet ingest', () => {
  it('random bytes and text are ingested or refused with InvalidInput', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.uint8Array({ maxLength: 600 }), fc.string({ maxLength: 400, unit: 'binary' }).map(encode)), async (bytes) => {
        await ingestsOrRefuses(bytes);
      }),
      { numRuns: 400 },
    );
  });

  it('arbitrary JSON, and JSON shaped like a credential, is ingested or refused', async () => {
    const { seen, count } = tally();
    const credentialLike = fc.record({
      '@context': fc.oneof(fc.constant(['https://www.w3.org/ns/credentials/v2']), fc.constant(['https://www.w3.org/2018/credentials/v1']), fc.jsonValue({ maxDepth: 1 })),
      type: fc.oneof(fc.constant(['VerifiableCredential']), fc.constant(['VerifiableCredential', 'OpenBadgeCredential']), fc.constant('VerifiablePresentation'), fc.jsonValue({ maxDepth: 1 })),
      id: fc.oneof(fc.string(), fc.webUrl(), fc.jsonValue({ maxDepth: 1 })),
      issuer: fc.oneof(fc.webUrl(), fc.record({ id: fc.string(), name: fc.jsonValue({ maxDepth: 1 }) }), fc.jsonValue({ maxDepth: 1 })),
      credentialSubject: fc.jsonValue({ maxDepth: 3 }),
      proof: fc.oneof(fc.constant(undefined), fc.jsonValue({ maxDepth: 2 })),
    }, { requiredKeys: [] });
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.jsonValue({ maxDepth: 4 }), credentialLike), async (value) => {
        count(await ingestsOrRefuses(encode(JSON.stringify(value) ?? 'null')));
      }),
      { numRuns: 300 },
    );
    expect(seen.row).toBeGreaterThan(10);
    expect(seen.refused).toBeGreaterThan(10);
  });

  it('a signed credential with an arbitrary value put anywhere is ingested or refused (never an exception)', async () => {
    const { seen, count } = tally();
    await fc.assert(
      fc.asyncProperty(fc.nat(), oddValue, fc.option(fc.constantFrom('credentialStatus', 'validUntil', 'alignment', 'creditsAvailable', 'image', 'name', '@context', 'type'), { nil: undefined }), async (pick, value, key) => {
        count(await ingestsOrRefuses(encode(JSON.stringify(put(SIGNED, pick, value, key))), siteServing({ type: 'BitstringStatusListCredential', credentialSubject: value })));
      }),
      { numRuns: 150 },
    );
    expect(seen.row).toBeGreaterThan(50);
  });

  it('an OB 2.0 assertion with arbitrary values, against a site answering arbitrary documents, is ingested or refused', async () => {
    const { seen, count } = tally();
    await fc.assert(
      fc.asyncProperty(fc.nat(), oddValue, fc.option(fc.jsonValue({ maxDepth: 3 }), { nil: undefined }), async (pick, value, served) => {
        count(await ingestsOrRefuses(encode(JSON.stringify(put(HOSTED, pick, value))), siteServing(served)));
        count(await ingestsOrRefuses(encode(HOSTED.id as string), siteServing(served)));
      }),
      { numRuns: 150 },
    );
    expect(seen.row).toBeGreaterThan(50);
  });

  it('tokens with arbitrary parts, and images baked with arbitrary payloads, are ingested or refused', async () => {
    const token = fc.tuple(base64urlJson, base64urlJson, fc.string({ maxLength: 90 }).map((s) => Buffer.from(s).toString('base64url'))).map((parts) => parts.join('.'));
    const payload = fc.oneof(token, fc.jsonValue({ maxDepth: 3 }).map((value) => JSON.stringify(value) ?? 'null'), fc.string({ maxLength: 200 }), fc.webUrl());
    await fc.assert(
      fc.asyncProperty(payload, fc.constantFrom('text', 'png-ob3', 'png-ob2', 'svg-ob3', 'svg-ob2', 'svg-jwt'), fc.option(fc.jsonValue({ maxDepth: 2 }), { nil: undefined }), async (text, container, served) => {
        const bytes = container === 'text'
          ? encode(text)
          : container === 'png-ob3' ? tinyPng([itxtChunk('openbadgecredential', text)])
            : container === 'png-ob2' ? tinyPng([itxtChunk('openbadges', text)])
              : container === 'svg-ob3' ? encode(TINY_SVG.replace('<svg ', '<svg xmlns:ob="https://purl.imsglobal.org/ob/v3p0" ').replace(/(<svg[^>]*>)/, `$1<ob:credential><![CDATA[${text.replaceAll(']]>', '')}]]></ob:credential>`))
                : container === 'svg-ob2' ? encode(`<svg xmlns="http://www.w3.org/2000/svg" xmlns:openbadges="http://openbadges.org"><openbadges:assertion verify="${text.replace(/["<&]/g, '')}"/></svg>`)
                  : encode(`<svg xmlns="http://www.w3.org/2000/svg" xmlns:openbadges="https://purl.imsglobal.org/ob/v3p0"><openbadges:credential verify="${text.replace(/["<&]/g, '')}"/></svg>`);
        await ingestsOrRefuses(bytes, siteServing(served));
      }),
      { numRuns: 300 },
    );
  });

  it('a baked image cut or changed anywhere is ingested or refused', async () => {
    const png = bakePng({ image: tinyPng(), credential: SIGNED });
    const svg = encode(bakeSvg({ svg: TINY_SVG, credential: SIGNED }));
    await fc.assert(
      fc.asyncProperty(fc.boolean(), fc.nat(), fc.option(fc.integer({ min: 0, max: 255 }), { nil: undefined }), async (isPng, at, byte) => {
        const source = isPng ? png : svg;
        const position = at % source.length;
        const bytes = byte === undefined ? source.slice(0, position) : Uint8Array.from(source, (value, index) => (index === position ? byte : value));
        await ingestsOrRefuses(bytes);
      }),
      { numRuns: 150 },
    );
  });

  it('verifyAny throws nothing but InputError', async () => {
    const engine = createEngine({ clock: () => NOW });
    await fc.assert(
      fc.asyncProperty(fc.oneof(
        fc.uint8Array({ maxLength: 300 }),
        fc.jsonValue({ maxDepth: 3 }).map((value) => encode(JSON.stringify(value) ?? 'null')),
        fc.tuple(fc.nat(), oddValue).map(([pick, value]) => encode(JSON.stringify(put(SIGNED, pick, value)))),
        fc.constant(encode(JSON.stringify({ '@context': ['https://www.w3.org/ns/credentials/v2'], type: ['VerifiablePresentation'] }))),
      ), fc.option(fc.string({ maxLength: 20 }), { nil: undefined }), async (bytes, challenge) => {
        try {
          const result = await verifyAny({ bytes, engine, fetcher: siteServing(undefined), now: NOW, ...(challenge !== undefined ? { challenge } : {}) });
          expect(typeof result.verified).toBe('boolean');
          expect(['json', 'jwt', 'png', 'svg']).toContain(result.container);
        } catch (error) {
          if (!(error instanceof InputError)) throw error;
          expect(error.message.length).toBeGreaterThan(0);
        }
      }),
      { numRuns: 300 },
    );
  });
});
