import { readdirSync, readFileSync } from 'node:fs';
import fc from 'fast-check';
import jsonld from 'jsonld';
import rdfCanonize from 'rdf-canonize';
import { describe, expect, it } from 'vitest';
import { createDocumentLoader } from '../../src/vc/document-loader.ts';
import { JSONLD_TO_RDF_OPTIONS } from '../../src/vc/jsonld.ts';
import { createRdfTemplateCache, type Quad, type RdfTemplateCache } from '../../src/vc/fast-rdf/index.ts';
import type { JsonObject } from '../../src/vc/types.ts';
import { standardsUrl } from '../support/standards.ts';

const documentLoader = createDocumentLoader();
const VC_V2 = 'https://www.w3.org/ns/credentials/v2';
const OB_V3 = 'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json';
const EXAMPLES = standardsUrl('examples/');

type Outcome = { canonical: string } | { error: string };

async function canonize(quads: unknown): Promise<string> {
  return rdfCanonize.canonize(quads, { algorithm: 'RDFC-1.0' });
}

async function settle(run: () => Promise<unknown>): Promise<Outcome> {
  try {
    return { canonical: await canonize(await run()) };
  } catch (error) {
    const { name, message } = error as Error;
    return { error: `${name}: ${message}` };
  }
}

/** Canonical N-Quads (or the error) from the fast path and from jsonld.toRDF; they must be equal. */
async function compare(cache: RdfTemplateCache, document: JsonObject): Promise<{ fast: Outcome; reference: Outcome }> {
  const reference = await settle(() => jsonld.toRDF(structuredClone(document), JSONLD_TO_RDF_OPTIONS(documentLoader)));
  const fast = await settle(() => cache.toRdf(document));
  return { fast, reference };
}

async function expectSame(cache: RdfTemplateCache, document: JsonObject): Promise<Outcome> {
  const { fast, reference } = await compare(cache, document);
  expect(fast).toEqual(reference);
  return reference;
}

// --- generators -------------------------------------------------------------------------------

const trickyText = fc.constantFrom(
  '',
  ' ',
  'a "quoted" \\ back\\slash',
  'line one\nline two\r\n\ttabbed',
  'Ümlaut — ✓ 𝄞 emoji 🎓 and RTL עברית',
  '\u0000 nul and \u2028 separator',
  'urn:uuid:0f8fad5b-d9cb-469f-a165-70867728950e',
  'https://example.org/looks-like-an-iri',
  '_:b0',
  'Achievement',
  'xsd:string',
  '@id',
);
const text = fc.oneof(
  { weight: 3, arbitrary: fc.string({ maxLength: 30 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 20 }) },
  { weight: 2, arbitrary: trickyText },
);

// A small pool so that the same value lands in two places (node merging, duplicate quads).
const sharedIri = fc.constantFrom(
  'https://example.edu/issuers/565049',
  'did:example:ebfeb1f712ebc6f1c276e12ec21',
  'urn:uuid:0f8fad5b-d9cb-469f-a165-70867728950e',
);
const goodIri = fc.oneof(
  fc.webUrl({ withQueryParameters: true, withFragments: true }),
  fc.uuid().map((u) => `urn:uuid:${u}`),
  fc.stringMatching(/^[0-9a-f]{8,24}$/).map((h) => `did:example:${h}`),
  fc.stringMatching(/^[1-9A-HJ-NP-Za-km-z]{20,40}$/).map((k) => `did:key:z6Mk${k}`),
  sharedIri,
);
// Values jsonld does not keep verbatim in an IRI position: relative, blank, terms, compact IRIs.
const oddIri = fc.constantFrom('relative/path', 'alice', '', '_:b0', '_:c14n3', 'Achievement', 'xsd:string', 'cred:issuer', 'https://has space.org/', '@id');
const iri = fc.oneof({ weight: 12, arbitrary: goodIri }, { weight: 1, arbitrary: oddIri });
const date = fc
  .date({ min: new Date('1990-01-01T00:00:00Z'), max: new Date('2090-01-01T00:00:00Z'), noInvalidDate: true })
  .map((d) => d.toISOString().replace('.000Z', 'Z'));
const number = fc.oneof(
  fc.constantFrom(5, 2.5, 0, -0, 1, 0.1, 1e21, 120, 7.5e-7),
  fc.integer({ min: -1000, max: 1000 }),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
);

const alignment = fc.record(
  {
    targetName: text,
    targetUrl: fc.oneof(goodIri, text),
    targetCode: text,
    targetFramework: text,
    targetType: fc.constantFrom('ext:EQF', 'CFItem', 'ceterms:Credential', 'CTDL'),
    targetDescription: text,
  },
  { requiredKeys: ['targetName', 'targetUrl'] },
);

const result = fc.record(
  { resultDescription: goodIri, value: text, status: fc.constantFrom('Completed', 'Enrolled', 'Failed') },
  { requiredKeys: ['resultDescription'] },
);

const resultDescription = fc.record({
  id: goodIri,
  name: text,
  resultType: fc.constantFrom('LetterGrade', 'Status', 'ext:Custom'),
  allowedValue: fc.array(text, { maxLength: 3 }),
});

const achievement = fc.record(
  {
    id: iri,
    name: text,
    description: text,
    criteria: text,
    achievementType: fc.constantFrom('Certificate', 'Badge', 'MicroCredential', 'ext:Custom', 'Degree'),
    creditsAvailable: number,
    humanCode: text,
    tag: fc.array(text, { maxLength: 4 }),
    alignment: fc.array(alignment, { maxLength: 4 }),
    resultDescription: fc.array(resultDescription, { maxLength: 2 }),
    creatorId: iri,
    creatorName: text,
  },
  { requiredKeys: ['id', 'name', 'description', 'criteria'] },
);

const credentialInput = fc.record(
  {
    id: iri,
    name: text,
    description: text,
    issuerAsString: fc.boolean(),
    issuerId: iri,
    issuerName: text,
    issuerEmail: text,
    validFrom: date,
    validUntil: date,
    awardedDate: date,
    subjectId: iri,
    identityHash: text,
    hashed: fc.boolean(),
    achievement,
    results: fc.array(result, { maxLength: 2 }),
    status: fc.record({ id: iri, index: fc.nat(131071).map(String), purpose: fc.constantFrom('revocation', 'suspension'), list: iri }),
  },
  { requiredKeys: ['id', 'name', 'issuerAsString', 'issuerId', 'issuerName', 'validFrom', 'achievement'] },
);

type CredentialInput = typeof credentialInput extends fc.Arbitrary<infer T> ? T : never;

function buildCredential(input: CredentialInput): JsonObject {
  const a = input.achievement;
  const achievementNode: JsonObject = {
    id: a.id,
    type: ['Achievement'],
    name: a.name,
    description: a.description,
    criteria: { narrative: a.criteria },
  };
  if (a.achievementType !== undefined) achievementNode.achievementType = a.achievementType;
  if (a.creditsAvailable !== undefined) achievementNode.creditsAvailable = a.creditsAvailable;
  if (a.humanCode !== undefined) achievementNode.humanCode = a.humanCode;
  if (a.tag !== undefined) achievementNode.tag = a.tag;
  if (a.alignment !== undefined) achievementNode.alignment = a.alignment.map((al) => ({ type: ['Alignment'], ...al }));
  if (a.resultDescription !== undefined) {
    achievementNode.resultDescription = a.resultDescription.map((rd) => ({ type: ['ResultDescription'], ...rd }));
  }
  if (a.creatorId !== undefined) {
    achievementNode.creator = { id: a.creatorId, type: ['Profile'], ...(a.creatorName === undefined ? {} : { name: a.creatorName }) };
  }

  const subject: JsonObject = { type: ['AchievementSubject'], achievement: achievementNode };
  if (input.subjectId !== undefined) subject.id = input.subjectId;
  else if (input.identityHash !== undefined) {
    subject.identifier = [{ type: 'IdentityObject', identityHash: input.identityHash, identityType: 'emailAddress', hashed: input.hashed ?? false }];
  }
  if (input.results !== undefined) subject.result = input.results.map((r) => ({ type: ['Result'], ...r }));

  const issuer: JsonObject | string = input.issuerAsString
    ? input.issuerId
    : { id: input.issuerId, type: ['Profile'], name: input.issuerName, ...(input.issuerEmail === undefined ? {} : { email: input.issuerEmail }) };

  const credential: JsonObject = {
    '@context': [VC_V2, OB_V3],
    id: input.id,
    type: ['VerifiableCredential', 'OpenBadgeCredential'],
    issuer,
    validFrom: input.validFrom,
    name: input.name,
    credentialSubject: subject,
  };
  if (input.description !== undefined) credential.description = input.description;
  if (input.validUntil !== undefined) credential.validUntil = input.validUntil;
  if (input.awardedDate !== undefined) credential.awardedDate = input.awardedDate;
  if (input.status !== undefined) {
    credential.credentialStatus = {
      id: input.status.id,
      type: 'BitstringStatusListEntry',
      statusPurpose: input.status.purpose,
      statusListIndex: input.status.index,
      statusListCredential: input.status.list,
    };
  }
  return credential;
}

// One fixed shape with every value random: nearly every run is served from a cached template.
const fixedShapeCredential = fc
  .record({
    id: iri,
    issuerId: iri,
    issuerName: text,
    validFrom: date,
    name: text,
    description: text,
    subjectId: iri,
    achievementId: iri,
    achievementName: text,
    achievementDescription: text,
    criteria: text,
    creatorId: iri,
    alignments: fc.tuple(alignment, alignment).map(([x, y]) => [
      { targetName: x.targetName, targetUrl: x.targetUrl, targetCode: x.targetCode ?? 'A1' },
      { targetName: y.targetName, targetUrl: y.targetUrl, targetCode: y.targetCode ?? 'A1' },
    ]),
    tags: fc.tuple(text, text),
    statusId: iri,
    statusIndex: fc.nat(131071).map(String),
    statusList: iri,
  })
  .map((v): JsonObject => ({
    '@context': [VC_V2, OB_V3],
    id: v.id,
    type: ['VerifiableCredential', 'AchievementCredential'],
    issuer: { id: v.issuerId, type: ['Profile'], name: v.issuerName },
    validFrom: v.validFrom,
    name: v.name,
    description: v.description,
    credentialSubject: {
      id: v.subjectId,
      type: ['AchievementSubject'],
      achievement: {
        id: v.achievementId,
        type: ['Achievement'],
        achievementType: 'MicroCredential',
        name: v.achievementName,
        description: v.achievementDescription,
        criteria: { narrative: v.criteria },
        creditsAvailable: 5,
        tag: v.tags,
        alignment: v.alignments.map((al) => ({ type: ['Alignment'], ...al })),
        creator: { id: v.creatorId, type: ['Profile'] },
      },
    },
    credentialStatus: {
      id: v.statusId,
      type: 'BitstringStatusListEntry',
      statusPurpose: 'revocation',
      statusListIndex: v.statusIndex,
      statusListCredential: v.statusList,
    },
  }));

/** The same document with every string value replaced (IRI-looking ones by IRIs), types and contexts kept. */
function revalue(value: unknown, iris: Iterator<string>, texts: Iterator<string>, key?: string): unknown {
  if (key === '@context' || key === 'type') return value;
  if (typeof value === 'string') return (value.includes(':') ? iris : texts).next().value as string;
  if (Array.isArray(value)) return value.map((item) => revalue(item, iris, texts, key));
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, revalue(v, iris, texts, k)]));
  }
  return value;
}

function sortedQuads(quads: Quad[]): string[] {
  return quads.map((q) => JSON.stringify([q.subject, q.predicate, q.object, q.graph])).sort();
}

// --- tests ------------------------------------------------------------------------------------

describe('createRdfTemplateCache', () => {
  it('gives the same canonical dataset as jsonld.toRDF for generated OB 3.0 credentials', async () => {
    const cache = createRdfTemplateCache({ documentLoader });
    await fc.assert(
      fc.asyncProperty(credentialInput, fc.infiniteStream(iri), fc.infiniteStream(text), async (input, iris, texts) => {
        const credential = buildCredential(input);
        await expectSame(cache, credential);
        // Same shape, every value changed: served from the template just built.
        await expectSame(cache, revalue(credential, iris, texts) as JsonObject);
      }),
      { numRuns: 120 },
    );
    // Shapes repeat across runs often enough that some documents come from a cached template.
    expect(cache.stats().hits).toBeGreaterThan(0);
  }, 120_000);

  it('fills a cached template with any values and still matches jsonld.toRDF, quad for quad', async () => {
    const cache = createRdfTemplateCache({ documentLoader });
    await fc.assert(
      fc.asyncProperty(fixedShapeCredential, async (credential) => {
        const reference = await settle(() => jsonld.toRDF(structuredClone(credential), JSONLD_TO_RDF_OPTIONS(documentLoader)));
        const fast = await settle(() => cache.toRdf(credential));
        expect(fast).toEqual(reference);
        if ('canonical' in reference) {
          // Beyond canonical equality: the very same quads, blank node labels included.
          const expected = (await jsonld.toRDF(structuredClone(credential), JSONLD_TO_RDF_OPTIONS(documentLoader))) as Quad[];
          expect(sortedQuads(await cache.toRdf(credential))).toEqual([...new Set(sortedQuads(expected))]);
        }
      }),
      { numRuns: 150 },
    );
    const stats = cache.stats();
    expect(stats.hits).toBeGreaterThan(stats.misses + stats.fallbacks);
  }, 120_000);

  const exampleFiles = ['ob3', 'clr2', 'vc-di-eddsa'].flatMap((dir) =>
    readdirSync(new URL(`${dir}/`, EXAMPLES))
      .filter((file) => file.endsWith('.json'))
      .map((file) => `${dir}/${file}`),
  );
  it.each(exampleFiles)('matches jsonld.toRDF on %s (miss, then hit with other values)', async (file) => {
    const document = JSON.parse(readFileSync(new URL(file, EXAMPLES), 'utf8')) as JsonObject;
    if (!('@context' in document)) return;
    const cache = createRdfTemplateCache({ documentLoader });
    const outcome = await expectSame(cache, document);
    await expectSame(cache, document);
    // The same shape with different values must come from the template and still match.
    const renamed = JSON.parse(
      JSON.stringify(document).replace(/"(name|description|narrative|validFrom)":"([^"]*)"/g, (_m, key: string, value: string) => `"${key}":"${value} ✓ \\"2\\"\\n"`),
    ) as JsonObject;
    await expectSame(cache, renamed);
    if ('canonical' in outcome) expect(cache.stats().hits).toBeGreaterThan(0);
  });

  it('treats compact and relative IRIs in @id positions exactly as jsonld does', async () => {
    const cache = createRdfTemplateCache({ documentLoader });
    const doc = (id: string): JsonObject => ({
      '@context': [VC_V2, { ex: 'https://example.org/vocab#', knows: { '@id': 'ex:knows', '@type': '@id' } }],
      id,
      type: ['VerifiableCredential'],
      issuer: 'https://example.edu/issuers/1',
      credentialSubject: { id: 'did:example:alice', knows: id },
    });
    for (const id of ['https://example.org/c/1', 'ex:alice', 'https://example.org/c/2', 'relative/1', '_:b0', 'ex:bob', 'knows', 'urn:x:1']) {
      await expectSame(cache, doc(id));
    }
    expect(cache.stats().hits).toBeGreaterThan(0);
  });

  it('expands values of @vocab-typed terms and coerced doubles as jsonld does', async () => {
    const cache = createRdfTemplateCache({ documentLoader });
    const doc = (kind: string, score: string, note: string): JsonObject => ({
      '@context': [
        VC_V2,
        {
          '@vocab': 'https://example.org/vocab#',
          kind: { '@id': 'https://example.org/vocab#kind', '@type': '@vocab' },
          score: { '@id': 'https://example.org/vocab#score', '@type': 'http://www.w3.org/2001/XMLSchema#double' },
          note: { '@id': 'https://example.org/vocab#note', '@language': 'fr' },
          data: { '@id': 'https://example.org/vocab#data', '@type': '@json' },
        },
      ],
      type: ['VerifiableCredential'],
      issuer: 'https://example.edu/issuers/1',
      credentialSubject: { id: 'did:example:alice', kind, score, note, data: { inner: note } },
    });
    for (const [kind, score, note] of [
      ['Gold', '2.50', 'bien'],
      ['Silver', '7', 'très "bien"'],
      ['https://example.org/k/Bronze', '1e3', 'assez\nbien'],
      ['Gold', 'abc', 'bien'],
    ] as const) {
      await expectSame(cache, doc(kind, score, note));
    }
  });

  it('merges nodes and drops duplicate quads when two places share a value', async () => {
    const cache = createRdfTemplateCache({ documentLoader });
    const doc = (issuer: string, creator: string, tags: [string, string], names: [string, string]): JsonObject => ({
      '@context': [VC_V2, OB_V3],
      id: 'urn:uuid:0f8fad5b-d9cb-469f-a165-70867728950e',
      type: ['VerifiableCredential', 'OpenBadgeCredential'],
      issuer: { id: issuer, type: ['Profile'], name: names[0] },
      validFrom: '2024-01-01T00:00:00Z',
      credentialSubject: {
        id: 'did:example:alice',
        type: ['AchievementSubject'],
        achievement: {
          id: 'https://example.edu/a/1',
          type: ['Achievement'],
          name: 'A',
          description: 'D',
          criteria: { narrative: 'N' },
          tag: tags,
          creator: { id: creator, type: ['Profile'], name: names[1] },
        },
      },
    });
    await expectSame(cache, doc('https://example.edu/i/1', 'https://example.edu/i/2', ['x', 'y'], ['I', 'C']));
    const merged = await expectSame(cache, doc('https://example.edu/i/1', 'https://example.edu/i/1', ['x', 'x'], ['Same', 'Same']));
    await expectSame(cache, doc('did:example:alice', 'https://example.edu/a/1', ['A', 'D'], ['N', 'A']));
    expect(cache.stats().hits).toBe(2);
    // Merged issuer and creator: one name quad, one type quad, one tag quad.
    expect('canonical' in merged && merged.canonical.split('\n').filter((line) => line.includes('"Same"')).length).toBe(1);
  });

  it('deduplicates many repeated values in one list-less array, as a dataset does', async () => {
    const cache = createRdfTemplateCache({ documentLoader });
    const doc = (tags: string[]): JsonObject => ({
      '@context': [VC_V2, OB_V3],
      type: ['VerifiableCredential', 'OpenBadgeCredential'],
      issuer: 'https://example.edu/i',
      validFrom: '2024-01-01T00:00:00Z',
      credentialSubject: {
        type: ['AchievementSubject'],
        achievement: { id: 'https://example.edu/a/1', type: ['Achievement'], name: 'A', description: 'D', criteria: { narrative: 'N' }, tag: tags },
      },
    });
    await expectSame(cache, doc(Array.from({ length: 2000 }, (_, i) => `tag ${i}`)));
    await expectSame(cache, doc(Array.from({ length: 2000 }, (_, i) => (i % 3 === 0 ? 'A' : `t${i % 7}`))));
    expect(cache.stats().hits).toBe(1);
  });

  it('rejects an undefined term with jsonld safe mode error, before and after the shape is cached', async () => {
    const cache = createRdfTemplateCache({ documentLoader });
    const good: JsonObject = { '@context': [VC_V2], type: ['VerifiableCredential'], issuer: 'https://example.edu/i', credentialSubject: { id: 'did:example:a' } };
    const bad: JsonObject = { ...good, credentialSubject: { id: 'did:example:a', undefinedTerm: 'x' } };
    for (const document of [bad, good, bad, good]) {
      const { fast, reference } = await compare(cache, document);
      expect(fast).toEqual(reference);
    }
    await expect(cache.toRdf(bad)).rejects.toMatchObject({ name: 'jsonld.ValidationError' });
    const relative: JsonObject = { ...good, credentialSubject: { id: 'not-absolute' } };
    await expect(cache.toRdf(relative)).rejects.toMatchObject({ name: 'jsonld.ValidationError' });
  });

  it('neither mutates the document nor lets a caller corrupt the template through returned quads', async () => {
    const cache = createRdfTemplateCache({ documentLoader });
    const document = JSON.parse(readFileSync(new URL('ob3/ob3-complete-openbadgecredential.unsigned.json', EXAMPLES), 'utf8')) as JsonObject;
    const copy = structuredClone(document);
    const first = await cache.toRdf(document);
    // Constant terms are shared between results and frozen: writing to them fails (strict mode)
    // instead of changing what the next call returns.
    let refused = 0;
    for (const quad of first) {
      try {
        quad.object.value = 'tampered';
      } catch (error) {
        expect(error).toBeInstanceOf(TypeError);
        refused++;
      }
    }
    expect(refused).toBeGreaterThan(0);
    expect(document).toEqual(copy);
    await expectSame(cache, document);
  });

  it('keeps at most maxShapes templates and counts what it did', async () => {
    const cache = createRdfTemplateCache({ documentLoader, maxShapes: 2 });
    const doc = (extra: JsonObject): JsonObject => ({ '@context': [VC_V2], type: ['VerifiableCredential'], issuer: 'https://example.edu/i', ...extra });
    await cache.toRdf(doc({ name: 'a' }));
    await cache.toRdf(doc({ name: 'b' }));
    await cache.toRdf(doc({ description: 'c' }));
    await cache.toRdf(doc({ validFrom: '2024-01-01T00:00:00Z' }));
    await cache.toRdf(doc({ name: 'd', description: 'e' }));
    expect(cache.stats()).toEqual({ hits: 1, misses: 4, fallbacks: 0, shapes: 2, bytes: expect.any(Number) });
    await expect(cache.toRdf(doc({ credentialSubject: { id: 'did:example:a', nope: 1 } }))).rejects.toThrow();
    expect(cache.stats().fallbacks).toBe(1);
  });

  it('serves documents built in code with undefined fields from the template', async () => {
    const cache = createRdfTemplateCache({ documentLoader });
    const doc = (name: string): JsonObject => ({
      '@context': [VC_V2],
      type: ['VerifiableCredential'],
      issuer: 'https://example.edu/i',
      name,
      description: undefined,
      credentialSubject: { id: 'did:example:a', name: undefined },
    });
    await expectSame(cache, doc('one'));
    await expectSame(cache, doc('two'));
    expect(cache.stats()).toMatchObject({ hits: 1, misses: 1, fallbacks: 0 });
  });

  it('admits a shape only from its n-th document, so one-off shapes cost no template', async () => {
    const cache = createRdfTemplateCache({ documentLoader, admitAfter: 2 });
    const doc = (name: string, extra: JsonObject = {}): JsonObject => ({ '@context': [VC_V2], type: ['VerifiableCredential'], issuer: 'https://example.edu/i', name, ...extra });
    await expectSame(cache, doc('first'));
    expect(cache.stats()).toEqual({ hits: 0, misses: 0, fallbacks: 1, shapes: 0, bytes: expect.any(Number) });
    await expectSame(cache, doc('second'));
    expect(cache.stats()).toMatchObject({ misses: 1, shapes: 1 });
    await expectSame(cache, doc('third'));
    expect(cache.stats()).toMatchObject({ hits: 1, misses: 1 });
    for (let i = 0; i < 20; i++) await expectSame(cache, doc('one-off', { [`https://example.edu/p${i}`]: 'x' }));
    expect(cache.stats()).toMatchObject({ shapes: 1, fallbacks: 21 });
  });

  it('builds one template when many documents of a new shape arrive at once', async () => {
    const cache = createRdfTemplateCache({ documentLoader, admitAfter: 2 });
    const doc = (i: number): JsonObject => ({ '@context': [VC_V2], type: ['VerifiableCredential'], issuer: `https://example.edu/issuers/${i}`, name: `Credential ${i}`, validFrom: '2024-01-01T00:00:00Z' });
    const results = await Promise.all(Array.from({ length: 50 }, (_, i) => cache.toRdf(doc(i))));
    expect(cache.stats()).toEqual({ hits: 48, misses: 1, fallbacks: 1, shapes: 1, bytes: expect.any(Number) });
    for (const i of [0, 1, 25, 49]) {
      const expected = await jsonld.toRDF(doc(i), JSONLD_TO_RDF_OPTIONS(documentLoader));
      expect(await rdfCanonize.canonize(results[i]!, { algorithm: 'RDFC-1.0' })).toBe(await rdfCanonize.canonize(expected, { algorithm: 'RDFC-1.0' }));
    }
  });

  it('uses the general algorithm it is given, and its errors', async () => {
    class Marked extends Error {}
    const general = async (document: JsonObject) => {
      if (document.name === 'fail') throw new Marked('from the general algorithm');
      return (await jsonld.toRDF(document, JSONLD_TO_RDF_OPTIONS(documentLoader))) as Quad[];
    };
    const cache = createRdfTemplateCache({ documentLoader, general });
    await expect(cache.toRdf({ '@context': [VC_V2], type: ['VerifiableCredential'], name: 'fail', nope: 1 })).rejects.toThrow(Marked);
  });

  it('throws TypeError when misused', () => {
    expect(() => createRdfTemplateCache({} as never)).toThrow(TypeError);
    expect(() => createRdfTemplateCache({ documentLoader, maxShapes: 0 })).toThrow(TypeError);
    expect(() => createRdfTemplateCache({ documentLoader, admitAfter: 0 })).toThrow(TypeError);
    expect(() => createRdfTemplateCache({ documentLoader, maxBytes: 0 })).toThrow(TypeError);
    expect(() => createRdfTemplateCache({ documentLoader, maxStructureLength: 1.5 })).toThrow(TypeError);
  });
});

describe('createRdfTemplateCache memory bound', () => {
  /** A credential whose structure grows with `width` (that many distinct properties), unique by `tag`. */
  const wide = (tag: string, width: number, value = 'v'): JsonObject => {
    const subject: JsonObject = { id: `did:example:${tag}` };
    for (let i = 0; i < width; i++) subject[`https://example.org/${tag}/p${i}`] = `${value} ${i}`;
    return { '@context': [VC_V2], type: ['VerifiableCredential'], issuer: 'https://example.edu/i', validFrom: '2024-01-01T00:00:00Z', credentialSubject: subject };
  };

  it('keeps its own accounting of bytes held under maxBytes however many distinct large documents come', async () => {
    const maxBytes = 4 * 1024 * 1024;
    const cache = createRdfTemplateCache({ documentLoader, maxBytes });
    let peak = 0;
    for (let d = 0; d < 40; d++) {
      // ~6 KB of structure each, all different: before keys were digests, each key held it whole.
      const document = wide(`d${d}`, 150);
      await cache.toRdf(document);
      peak = Math.max(peak, cache.stats().bytes);
    }
    const stats = cache.stats();
    expect(stats.misses).toBe(40);
    expect(peak).toBeLessThanOrEqual(maxBytes);
    // The bound did the evicting, not the count of shapes (256 by default).
    expect(stats.shapes).toBeLessThan(40);
    expect(stats.shapes).toBeGreaterThan(0);
    // What is kept still serves, byte for byte the same as jsonld.toRDF.
    await expectSame(cache, wide('d39', 150, 'other'));
    expect(cache.stats().hits).toBe(1);
  });

  it('sends a document with a huge structure straight to the general algorithm and keeps nothing of it', async () => {
    const cache = createRdfTemplateCache({ documentLoader });
    const huge = wide('huge', 2500); // ~100 KB of structure, above the default 64 KiB
    await expectSame(cache, huge);
    await expectSame(cache, wide('huge', 2500, 'again'));
    expect(cache.stats()).toEqual({ hits: 0, misses: 0, fallbacks: 2, shapes: 0, bytes: 0 });
    // A smaller bound is honoured the same way; a document under it is cached as before.
    const small = createRdfTemplateCache({ documentLoader, maxStructureLength: 2000 });
    await expectSame(small, wide('w', 100));
    expect(small.stats()).toMatchObject({ fallbacks: 1, shapes: 0, bytes: 0 });
    await expectSame(small, wide('n', 5));
    await expectSame(small, wide('n', 5, 'other'));
    expect(small.stats()).toMatchObject({ hits: 1, misses: 1, fallbacks: 1, shapes: 1 });
  });

  it('does not keep a template made large by one long fixed value, and goes on serving its shape', async () => {
    const cache = createRdfTemplateCache({ documentLoader, maxBytes: 1024 * 1024 });
    const doc = (id: string, name: string): JsonObject => ({ '@context': [VC_V2], type: ['VerifiableCredential'], issuer: 'https://example.edu/i', credentialSubject: { id, name } });
    await expectSame(cache, doc('https://example.org/a', 'a'));
    const before = cache.stats();
    // A compact-looking IRI (its prefix is a term) is not filled in verbatim: it is fixed, part of the key and template.
    await expectSame(cache, doc(`name:${'x'.repeat(100_000)}`, 'b'));
    expect(cache.stats().bytes).toBeLessThan(before.bytes + 64 * 1024);
    await expectSame(cache, doc('https://example.org/c', 'c'));
    expect(cache.stats().hits).toBe(before.hits + 1);
  });

  it('keeps one-off shapes seen once (admitAfter) by digest only, a few hundred bytes each', async () => {
    const cache = createRdfTemplateCache({ documentLoader, admitAfter: 2, maxShapes: 4 });
    for (let d = 0; d < 30; d++) await cache.toRdf(wide(`s${d}`, 300));
    const stats = cache.stats();
    expect(stats).toMatchObject({ fallbacks: 30, shapes: 0 });
    // 16 sightings (4 × maxShapes) of ~12 KB structures: held as digests, not as the structures.
    expect(stats.bytes).toBeGreaterThan(0);
    expect(stats.bytes).toBeLessThan(16 * 1024);
  });
});
