/**
 * Differential tests for the fast RDF path: each shape runs at least three times with different
 * values (so the cached template is really used) and must give jsonld.toRDF's canonical N-Quads.
 */
import jsonld from 'jsonld';
import rdfCanonize from 'rdf-canonize';
import { describe, expect, it } from 'vitest';
import { createDocumentLoader } from '../../src/vc/document-loader.ts';
import { JSONLD_TO_RDF_OPTIONS } from '../../src/vc/jsonld.ts';
import { createRdfTemplateCache, type RdfTemplateCache } from '../../src/vc/fast-rdf/index.ts';
import type { JsonObject } from '../../src/vc/types.ts';

const documentLoader = createDocumentLoader();
const VC_V2 = 'https://www.w3.org/ns/credentials/v2';
const OB_V3 = 'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json';
const XSD = 'http://www.w3.org/2001/XMLSchema#';

async function outcome(run: () => Promise<unknown>): Promise<string> {
  try {
    return await rdfCanonize.canonize(await run(), { algorithm: 'RDFC-1.0' });
  } catch (error) {
    return `error ${(error as Error).name}: ${(error as Error).message}`;
  }
}

/** Runs every document through one cache, in order, and compares each with jsonld.toRDF. */
async function expectSameForAll(documents: JsonObject[]): Promise<RdfTemplateCache> {
  expect(documents.length).toBeGreaterThanOrEqual(3);
  const cache = createRdfTemplateCache({ documentLoader });
  for (const [i, document] of documents.entries()) {
    const reference = await outcome(() => jsonld.toRDF(structuredClone(document), JSONLD_TO_RDF_OPTIONS(documentLoader)));
    const fast = await outcome(() => cache.toRdf(document));
    expect({ i, fast }).toEqual({ i, fast: reference });
  }
  return cache;
}

// A small inline context: `name` plain, `n` coerced to xsd:integer, `s` coerced to xsd:string.
const CONTEXT = {
  '@version': 1.1,
  name: 'https://ex.org/name',
  n: { '@id': 'https://ex.org/n', '@type': `${XSD}integer` },
  s: { '@id': 'https://ex.org/name', '@type': `${XSD}string` },
  ref: { '@id': 'https://ex.org/ref', '@type': '@id' },
  knows: { '@id': 'https://ex.org/knows', '@type': '@id' },
};

describe('fast RDF path: values that become equal only in some documents', () => {
  // jsonld deduplicates values by @value/@type/@language/@index but not @direction
  // (jsonld/lib/util.js compareValues), so equal texts with different directions become ONE quad.
  it('texts equal except for their @direction', async () => {
    const doc = (a: string, b: string): JsonObject => ({
      '@context': CONTEXT,
      '@id': 'https://ex.org/s',
      name: [{ '@value': a, '@language': 'en', '@direction': 'ltr' }, { '@value': b, '@language': 'en', '@direction': 'rtl' }],
    });
    await expectSameForAll([doc('a', 'b'), doc('c', 'd'), doc('x', 'x'), doc('e', 'f'), doc('y', 'y')]);
  });

  it('a plain text and a text with a direction but no language', async () => {
    const doc = (a: string, b: string): JsonObject => ({
      '@context': CONTEXT,
      '@id': 'https://ex.org/s',
      name: [a, { '@value': b, '@direction': 'rtl' }],
    });
    await expectSameForAll([doc('a', 'b'), doc('c', 'd'), doc('x', 'x'), doc('e', 'f')]);
  });

  // Different expanded values, same RDF literal: jsonld keeps both quads (and RDFC-1.0 keeps both lines).
  it('a number and a string coerced to the same integer literal', async () => {
    const doc = (text: string): JsonObject => ({ '@context': CONTEXT, '@id': 'https://ex.org/s', n: [5, text] });
    await expectSameForAll([doc('6'), doc('7'), doc('5'), doc('8'), doc('5')]);
  });

  it('a plain string and a string with an explicit xsd:string type', async () => {
    const doc = (a: string, b: string): JsonObject => ({ '@context': CONTEXT, '@id': 'https://ex.org/s', name: a, s: b });
    await expectSameForAll([doc('a', 'b'), doc('c', 'd'), doc('x', 'x'), doc('e', 'f'), doc('y', 'y')]);
  });

  it('a plain string and a value object typed xsd:string', async () => {
    const doc = (a: string, b: string): JsonObject => ({
      '@context': CONTEXT,
      '@id': 'https://ex.org/s',
      name: [a, { '@value': b, '@type': `${XSD}string` }],
    });
    await expectSameForAll([doc('a', 'b'), doc('c', 'd'), doc('x', 'x'), doc('e', 'f')]);
  });

  // `@type` and an explicit rdf:type property are different entries of jsonld's node map: both quads stay.
  it('a type and an explicit rdf:type property of two nodes that merge in some documents', async () => {
    const doc = (a: string, b: string): JsonObject => ({
      '@context': CONTEXT,
      '@id': 'https://ex.org/s',
      knows: [
        { '@id': a, '@type': 'https://ex.org/A', name: 'n' },
        { '@id': b, 'http://www.w3.org/1999/02/22-rdf-syntax-ns#type': { '@id': 'https://ex.org/A' }, name: 'm' },
      ],
    });
    await expectSameForAll([
      doc('https://ex.org/1', 'https://ex.org/2'),
      doc('https://ex.org/3', 'https://ex.org/4'),
      doc('https://ex.org/5', 'https://ex.org/5'),
      doc('https://ex.org/6', 'https://ex.org/7'),
    ]);
  });

  it('two nodes with the same id in one document only (merged, duplicate quads dropped)', async () => {
    const doc = (a: string, b: string, na: string, nb: string): JsonObject => ({
      '@context': CONTEXT,
      '@id': 'https://ex.org/s',
      ref: a,
      knows: [{ '@id': a, name: na }, { '@id': b, name: nb, ref: a }],
    });
    await expectSameForAll([
      doc('https://ex.org/1', 'https://ex.org/2', 'A', 'B'),
      doc('https://ex.org/3', 'https://ex.org/4', 'C', 'D'),
      doc('https://ex.org/5', 'https://ex.org/5', 'E', 'E'),
      doc('https://ex.org/5', 'https://ex.org/5', 'E', 'F'),
      doc('https://ex.org/6', 'https://ex.org/7', 'G', 'G'),
    ]);
  });

  it('OB 3.0 issuer equal to the achievement creator in some documents', async () => {
    const doc = (issuer: string, creator: string, name: string, creatorName: string): JsonObject => ({
      '@context': [VC_V2, OB_V3],
      id: 'urn:uuid:0f8fad5b-d9cb-469f-a165-70867728950e',
      type: ['VerifiableCredential', 'OpenBadgeCredential'],
      issuer: { id: issuer, type: ['Profile'], name },
      validFrom: '2024-01-01T00:00:00Z',
      credentialSubject: {
        id: 'did:example:alice',
        type: ['AchievementSubject'],
        achievement: {
          id: 'https://example.edu/a/1', type: ['Achievement'], name: 'A', description: 'D', criteria: { narrative: 'N' },
          creator: { id: creator, type: ['Profile'], name: creatorName },
        },
      },
    });
    const cache = await expectSameForAll([
      doc('https://example.edu/i/1', 'https://example.edu/i/2', 'I', 'C'),
      doc('https://example.edu/i/1', 'https://example.edu/i/1', 'Same', 'Same'),
      doc('https://example.edu/i/3', 'https://example.edu/i/3', 'One', 'Other'),
      doc('did:example:alice', 'https://example.edu/a/1', 'A', 'D'),
    ]);
    // Merging plain node references and plain texts is settled by the template, without jsonld.
    expect(cache.stats()).toMatchObject({ misses: 1, hits: 3, fallbacks: 0 });
  });
});
