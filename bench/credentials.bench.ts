/**
 * Issue and verify throughput of a realistic Open Badges 3.0 credential (EU micro-credential with
 * alignments, result and a status entry), eddsa-rdfc-2022, per core: microcred beside the reference
 * library (@digitalbazaar/vc) doing the same work in the same run, plus raw Ed25519 in node:crypto
 * as the ceiling, and offline bulk signing on every core.
 *
 * Run: npm run bench        (about a minute; BENCH_SECONDS=N changes the time per figure)
 */
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { performance } from 'node:perf_hooks';
import { sign, verify, createPublicKey } from 'node:crypto';
import { createSigningPool, signingKeyFromMultikey, type RowRequest } from '../src/vc/signing-pool/index.ts';
import type { AchievementInput } from '../src/vc/credential/build.ts';
import { generateDidKey } from '../src/vc/did/did-key.ts';
import { createEngine } from '../src/vc/engine.ts';
import { privateKeyObject, signerFromMultikey } from '../src/vc/keys/ed25519.ts';
import { StatusBitstring } from '../src/vc/status/bitstring.ts';
import { buildStatusListCredential } from '../src/vc/status/status-list-credential.ts';
import type { JsonObject } from '../src/vc/types.ts';
import { sampleCredential } from '../test/support/arbitraries.ts';
import { createReferenceIssuer, referenceVerify } from '../test/support/reference.ts';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 6);
const achievement = JSON.parse(readFileSync(new URL('../test/fixtures/achievements/data-science-microcredential.json', import.meta.url), 'utf8')) as AchievementInput;
const key = generateDidKey(new Uint8Array(32).fill(9));
const signer = signerFromMultikey(key);
const now = new Date('2026-03-01T12:00:00Z');
const POOL = 512;
const credentials = Array.from({ length: POOL }, (_, n) => sampleCredential({ issuerId: key.controller, n, achievement, euContext: 'https://uni.example.eu/contexts/eu/v1' }));

/** Operations per second of `work(i)` over `seconds` (after a short warm-up). */
async function measure(work: (i: number) => Promise<unknown> | unknown, seconds: number): Promise<number> {
  for (let i = 0; i < 20; i++) await work(i);
  const start = performance.now();
  const deadline = start + seconds * 1000;
  let count = 0;
  while (performance.now() < deadline) {
    for (let k = 0; k < 10; k++) await work(count++);
  }
  return count / ((performance.now() - start) / 1000);
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

/**
 * Measures several implementations of the same work in interleaved rounds (A, B, C, A, B, C, …) and
 * prints each one's median: a burst of load on the machine then hits every contender alike, instead
 * of skewing the one that happened to run during it.
 */
async function compare(entries: { label: string; work: (i: number) => Promise<unknown> | unknown }[], rounds = 3): Promise<number[]> {
  const results: number[][] = entries.map(() => []);
  for (let round = 0; round < rounds; round++) {
    for (const [index, entry] of entries.entries()) results[index]!.push(await measure(entry.work, SECONDS / rounds));
  }
  return entries.map((entry, index) => {
    const value = median(results[index]!);
    process.stdout.write(`  ${entry.label.padEnd(58)} ${value.toFixed(0).padStart(8)} /s\n`);
    return value;
  });
}

async function rate(label: string, work: (i: number) => Promise<unknown> | unknown): Promise<number> {
  return (await compare([{ label, work }], 1))[0]!;
}

const fast = createEngine({ clock: () => now });
const general = createEngine({ clock: () => now, fastPath: false });
const reference = await createReferenceIssuer(key);

// Status list the credentials point to, held locally (as `verify --resolve` would).
const list = new StatusBitstring();
list.set(12345, 1);
const statusList = await fast.sign({
  credential: buildStatusListCredential({ url: 'https://uni.example.eu/status/revocation/1', issuer: key.controller, statusPurpose: 'revocation', list, validFrom: now }),
  signer,
});
const withStatus = createEngine({ clock: () => now, documents: new Map([['https://uni.example.eu/status/revocation/1', statusList]]) });

console.log(`microcred credential benchmark — ${SECONDS}s per figure, one core unless stated, node ${process.version}`);
console.log('\nByte-identical output (same key, same time):');
// A figure for output that differs from the reference's is no figure: the run stops here. The 100
// credentials share one shape, so all but the first come from the fast path's cached template.
const signedOurs: JsonObject[] = [];
const signedTheirs: JsonObject[] = [];
for (let i = 0; i < 100; i++) {
  const ours = (await fast.sign({ credential: credentials[i]!, signer, now })) as JsonObject;
  const theirs = await reference.sign(credentials[i]!, now);
  if (JSON.stringify(ours) !== JSON.stringify(theirs)) {
    throw new Error(`Credential ${i} signed by microcred differs from the reference library's (same key, same time): the benchmark stops, as its figures would compare different work.\n  ours:   ${JSON.stringify(ours.proof)}\n  theirs: ${JSON.stringify(theirs.proof)}`);
  }
  signedOurs.push(ours);
  signedTheirs.push(theirs);
}
console.log('  100 of 100 credentials identical to the reference\'s');

console.log('\nIssue (build the proof and sign), medians of 3 interleaved rounds:');
const [refIssue, ourIssueGeneral, ourIssue] = (await compare([
  { label: 'reference @digitalbazaar/vc, eddsa-rdfc-2022', work: (i) => reference.sign(credentials[i % POOL]!, now) },
  { label: 'microcred, general path (jsonld.js expansion)', work: (i) => general.sign({ credential: credentials[i % POOL]!, signer, now }) },
  { label: 'microcred, fast path (RDF templates)', work: (i) => fast.sign({ credential: credentials[i % POOL]!, signer, now }) },
])) as [number, number, number];

console.log('\nVerify (proof), medians of 3 interleaved rounds:');
const rdfc = fast.providers[0]!;
const rdfcGeneral = general.providers[0]!;
// The credentials name the EU context at an instance, pinned by digest: each is read with the loader
// that recognises its pin (engine.loaderFor), as the engine's own verify does.
const proofOnly = (provider: typeof rdfc, engine: typeof fast, document: JsonObject) =>
  provider.verify({ document, documentLoader: engine.loaderFor(document), keys: {}, proofPurpose: 'assertionMethod' });
// A figure for work that fails would mean nothing: every contender must verify before it is timed.
for (const [name, outcome] of [
  ['general path', (await proofOnly(rdfcGeneral, general, signedOurs[0]!)).verified],
  ['fast path', (await proofOnly(rdfc, fast, signedOurs[0]!)).verified],
  ['every check', (await withStatus.verify({ credential: signedOurs[0]!, now })).verified],
  ['reference', (await referenceVerify(signedTheirs[0]!, { now })).verified],
] as const) {
  if (!outcome) throw new Error(`The ${name} does not verify the benchmark's credential: the benchmark stops.`);
}
const [refVerify, ourVerifyGeneral, ourVerify, ourFull] = (await compare([
  { label: 'reference @digitalbazaar/vc, proof only', work: (i) => referenceVerify(signedTheirs[i % 100]!, { now }) },
  { label: 'microcred, proof only, general path', work: (i) => proofOnly(rdfcGeneral, general, signedOurs[i % 100]!) },
  { label: 'microcred, proof only, fast path', work: (i) => proofOnly(rdfc, fast, signedOurs[i % 100]!) },
  { label: 'microcred, every check (schema, status list, dates…)', work: (i) => withStatus.verify({ credential: signedOurs[i % 100]!, now }) },
])) as [number, number, number, number];

console.log('\nCeiling: raw Ed25519 in node:crypto, cached key object:');
const privateKey = privateKeyObject(new Uint8Array(32).fill(9));
const publicKey = createPublicKey(privateKey);
const message = Buffer.alloc(64, 1);
const signature = sign(null, message, privateKey);
await rate('node:crypto Ed25519 sign', () => sign(null, message, privateKey));
await rate('node:crypto Ed25519 verify', () => verify(null, message, publicKey, signature));

console.log(`\nOffline bulk signing on ${availableParallelism()} cores (worker threads, microcred issue --csv):`);
const pool = createSigningPool();
const template = { achievement, issuer: { id: key.controller, name: 'Universidad de Ejemplo' }, version: '2.0' as const };
const signingKey = signingKeyFromMultikey(key);
const request = (n: number): RowRequest => ({ row: { recipient: `learner${n}@example.org`, grade: 'A', creditsEarned: 5 }, id: `urn:uuid:00000000-0000-4000-9000-${String(n).padStart(12, '0')}` });
// Batches of 16 rows, as `issue --csv` sends them.
const signBatch = (from: number, count: number) =>
  Promise.all(Array.from({ length: Math.ceil(count / 16) }, (_, b) => pool.sign({
    rows: { template, requests: Array.from({ length: Math.min(16, count - b * 16) }, (_, k) => request(from + b * 16 + k)) },
    key: signingKey, now, format: 'eddsa-rdfc-2022',
  })));
const startupStart = performance.now();
await signBatch(0, 200); // threads start, load the code and warm their caches
const startup = performance.now() - startupStart;
const total = Math.round(4000 * SECONDS / 3);
const bulkStart = performance.now();
await signBatch(200, total);
const bulkRate = total / ((performance.now() - bulkStart) / 1000);
await pool.close();
console.log(`  ${`${total} credentials, after start-up (${(startup / 1000).toFixed(1)} s for the first 200)`.padEnd(58)} ${bulkRate.toFixed(0).padStart(8)} /s`);

console.log('\nRatios (microcred fast path ÷ reference, per core; target ≥ 20×):');
console.log(`  issue  ${(ourIssue / refIssue).toFixed(1)}×   (general path ${(ourIssueGeneral / refIssue).toFixed(1)}×)`);
console.log(`  verify ${(ourVerify / refVerify).toFixed(1)}×   (general path ${(ourVerifyGeneral / refVerify).toFixed(1)}×; with every check ${(ourFull / refVerify).toFixed(1)}×)`);
