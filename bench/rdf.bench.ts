/**
 * How fast Data Integrity (eddsa-rdfc-2022) issuance goes when the RDF quads come from the fast path
 * (src/vc/fast-rdf) instead of JSON-LD expansion, beside the reference library doing the same work.
 * Run: node --import tsx bench/rdf.bench.ts   (about 30 s; prints a table)
 */
import { createHash, sign, type KeyObject } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import * as vc from '@digitalbazaar/vc';
import { DataIntegrityProof } from '@digitalbazaar/data-integrity';
import { cryptosuite as eddsaRdfc2022Cryptosuite } from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import * as Ed25519Multikey from '@digitalbazaar/ed25519-multikey';
import jsonld from 'jsonld';
import rdfCanonize from 'rdf-canonize';
import { CONTEXTS } from '../src/vc/contexts/index.ts';
import { generateDidKey } from '../src/vc/did/did-key.ts';
import { createDocumentLoader } from '../src/vc/document-loader.ts';
import { createRdfTemplateCache, type Quad } from '../src/vc/fast-rdf/index.ts';
import { privateKeyObject } from '../src/vc/keys/ed25519.ts';
import { base58btcEncode } from '../src/vc/multibase.ts';
import type { JsonObject } from '../src/vc/types.ts';

const documentLoader = createDocumentLoader();
const seed = new Uint8Array(32).fill(7);
const issuerKey = generateDidKey(seed);
const privateKey: KeyObject = privateKeyObject(seed);
const created = '2024-03-01T10:00:00Z';

/** A realistic OB 3.0 AchievementCredential; ids and names differ per index. */
function credential(i: number): JsonObject {
  return {
    '@context': [CONTEXTS.CREDENTIALS_V2, CONTEXTS.OB_V3],
    id: `urn:uuid:6f1d5e1a-9f0a-4b8e-8a43-${String(i).padStart(12, '0')}`,
    type: ['VerifiableCredential', 'AchievementCredential'],
    issuer: { id: issuerKey.controller, type: ['Profile'], name: 'Example University' },
    validFrom: '2024-01-01T00:00:00Z',
    name: `Data Literacy — learner ${i}`,
    credentialSubject: {
      id: `did:example:learner-${i}`,
      type: ['AchievementSubject'],
      achievement: {
        id: 'https://example.edu/achievements/data-literacy',
        type: ['Achievement'],
        achievementType: 'MicroCredential',
        name: 'Data Literacy',
        description: 'Reads, cleans and charts tabular data; explains what a chart does and does not show.',
        criteria: { narrative: 'Passed the final project with a grade of at least C.' },
        creditsAvailable: 5,
        alignment: [
          {
            type: ['Alignment'],
            targetName: 'EQF level 5',
            targetUrl: 'http://data.europa.eu/snb/eqf/5',
            targetFramework: 'European Qualifications Framework',
            targetType: 'ext:EQF',
          },
          {
            type: ['Alignment'],
            targetName: 'data analysis',
            targetUrl: 'http://data.europa.eu/esco/skill/ab2b0f9a-4f2b-4b5c-9e2f-7e1d6c2a6d3e',
            targetFramework: 'ESCO',
          },
        ],
        resultDescription: [
          {
            id: 'https://example.edu/achievements/data-literacy/grade',
            type: ['ResultDescription'],
            name: 'Final grade',
            resultType: 'LetterGrade',
            allowedValue: ['A', 'B', 'C', 'D', 'F'],
          },
        ],
      },
      result: [
        {
          type: ['Result'],
          resultDescription: 'https://example.edu/achievements/data-literacy/grade',
          value: ['A', 'B', 'C'][i % 3],
        },
      ],
    },
    credentialStatus: {
      id: `https://example.edu/status/1#${i}`,
      type: 'BitstringStatusListEntry',
      statusPurpose: 'revocation',
      statusListIndex: String(i),
      statusListCredential: 'https://example.edu/status/1',
    },
  };
}

function proofConfig(document: JsonObject): JsonObject {
  return {
    '@context': document['@context'],
    type: 'DataIntegrityProof',
    cryptosuite: 'eddsa-rdfc-2022',
    created,
    verificationMethod: issuerKey.id,
    proofPurpose: 'assertionMethod',
  };
}

type ToRdf = (document: JsonObject) => Promise<Quad[]>;

async function canonize(quads: Quad[]): Promise<string> {
  return await rdfCanonize.canonize(quads, { algorithm: 'RDFC-1.0' });
}

const sha256 = (text: string): Buffer => createHash('sha256').update(text).digest();

/** eddsa-rdfc-2022 proof value: sign(sha256(canon(proof config)) ‖ sha256(canon(document))). */
async function proofValue(toRdf: ToRdf, document: JsonObject): Promise<string> {
  const [configQuads, documentQuads] = await Promise.all([toRdf(proofConfig(document)), toRdf(document)]);
  const data = Buffer.concat([sha256(await canonize(configQuads)), sha256(await canonize(documentQuads))]);
  return `z${base58btcEncode(sign(null, data, privateKey))}`;
}

/** Operations per second of `run(i)` over about `ms` milliseconds (sequential, one core). */
async function rate(ms: number, run: (i: number) => Promise<unknown>): Promise<number> {
  for (let i = 0; i < 20; i++) await run(i);
  let count = 0;
  const start = performance.now();
  let elapsed = 0;
  while (elapsed < ms) {
    await run(count++);
    elapsed = performance.now() - start;
  }
  return (count / elapsed) * 1000;
}

const POOL = 1000;
const credentials = Array.from({ length: POOL }, (_, i) => credential(i));
const at = (i: number): JsonObject => credentials[i % POOL]!;
const general: ToRdf = async (document) => (await jsonld.toRDF(document, { documentLoader, safe: true })) as Quad[];
const cache = createRdfTemplateCache({ documentLoader });
const fast: ToRdf = (document) => cache.toRdf(document);

// Correctness first: the fast pipeline's proof value must be the reference library's, byte for byte.
const keyPair = await Ed25519Multikey.from({ ...issuerKey, secretKeyMultibase: issuerKey.secretKeyMultibase });
const referenceSuite = (): unknown =>
  new DataIntegrityProof({ signer: keyPair.signer(), cryptosuite: eddsaRdfc2022Cryptosuite, date: created });
const referenceIssue = async (document: JsonObject): Promise<JsonObject> =>
  (await vc.issue({ credential: structuredClone(document), suite: referenceSuite(), documentLoader })) as JsonObject;
for (const i of [0, 1, 2, 997]) {
  const theirs = ((await referenceIssue(at(i))).proof as JsonObject).proofValue;
  const ours = await proofValue(fast, at(i));
  if (theirs !== ours || (await proofValue(general, at(i))) !== ours) {
    throw new Error(`Credential ${i}: the fast path's proof value differs from the reference library's.`);
  }
}

const quadsPool = await Promise.all(credentials.slice(0, 200).map((c) => fast(c)));
const figures: Array<[string, number]> = [];
const measure = async (label: string, ms: number, run: (i: number) => Promise<unknown>): Promise<number> => {
  const perSecond = await rate(ms, run);
  figures.push([label, perSecond]);
  console.log(`  ${label}: ${perSecond.toFixed(0)}/s`);
  return perSecond;
};

console.log(`OB 3.0 AchievementCredential (${quadsPool[0]!.length} quads), Node ${process.version}, one core:`);
const reference = await measure('reference: @digitalbazaar/vc issue (eddsa-rdfc-2022)', 5000, (i) => referenceIssue(at(i)));
await measure('jsonld.toRDF (expansion)', 3000, (i) => general(at(i)));
await measure('fast toRdf (warm template cache)', 2000, (i) => fast(at(i)));
await measure('rdf-canonize RDFC-1.0 on the quads', 3000, (i) => canonize(quadsPool[i % quadsPool.length]!));
const slow = await measure('pipeline with jsonld.toRDF (quads+canonize+sha256+sign)', 4000, (i) => proofValue(general, at(i)));
const quick = await measure('pipeline with fast toRdf (quads+canonize+sha256+sign)', 4000, (i) => proofValue(fast, at(i)));

const width = Math.max(...figures.map(([label]) => label.length));
console.log(`\n${'step'.padEnd(width)}  per second`);
for (const [label, perSecond] of figures) console.log(`${label.padEnd(width)}  ${perSecond.toFixed(0).padStart(10)}`);
console.log(`\nfast pipeline vs reference library: ${(quick / reference).toFixed(1)}×`);
console.log(`fast pipeline vs same pipeline on jsonld.toRDF: ${(quick / slow).toFixed(1)}×`);
console.log('template cache:', cache.stats());
