/**
 * An anonymous caller cannot make a node keep its memory (issue 11, fault 8). The fast path's template
 * cache kept a template per document shape; many large distinct shapes sent to the public verifier made
 * one process retain about 1 GB. The cache is now bounded in bytes (src/vc/fast-rdf/template-cache.ts);
 * this test checks it from outside: the heap after a forced collection, before and after the flood.
 * Measured here: about 45 MiB kept with the 64 MiB bound, about 200 MiB with the bound lifted (it then
 * fails), so the 96 MiB threshold tells the two apart. Set VERIFY_MEMORY_SHAPES for a longer flood.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/app.ts';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const SHAPES = Number(process.env.VERIFY_MEMORY_SHAPES ?? 160);
const KEYS = 1500;

/** A VC 2.0 credential with an eddsa-rdfc-2022 proof (a wrong one: canonicalisation runs before the signature check) and `KEYS` properties named for `shape`. */
function document(shape: number): Record<string, unknown> {
  const subject: Record<string, unknown> = { id: `did:example:${shape}` };
  for (let k = 0; k < KEYS; k++) subject[`s${shape}p${k}`] = `value ${k} of document ${shape}`;
  return {
    '@context': ['https://www.w3.org/ns/credentials/v2', { '@vocab': 'https://example.org/terms#' }],
    type: ['VerifiableCredential'],
    issuer: 'did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK',
    validFrom: '2025-01-01T00:00:00Z',
    credentialSubject: subject,
    proof: {
      type: 'DataIntegrityProof', cryptosuite: 'eddsa-rdfc-2022', created: '2025-01-01T00:00:00Z', proofPurpose: 'assertionMethod',
      verificationMethod: 'did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK#z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK',
      proofValue: 'z5C5b1uzHKgBv7bD2mrFvYgBsbNRkBTHzUQpU5gRq6s4nCzkvwyo4yhgFqJY8LPkfuhJyHiVDpYTcuH9F8dbg2qkB',
    },
  };
}

function retainedBytes(): number {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

describe('the public verifier does not retain memory a caller chooses (sqlite)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp('sqlite', { env: { VERIFY_RATE_LIMIT: '0' } });
  });
  afterAll(async () => {
    await t.close();
  });

  it(`${SHAPES} large distinct shapes, each sent twice (admitted to the cache), leave the heap within the cache's bound`, async () => {
    const verify = (body: string) => t.app.inject({ method: 'POST', url: '/credentials/verify', payload: body, headers: { 'content-type': 'application/json' } });
    // Warm up: contexts, providers and the first template paid for before measuring.
    for (const shape of [-1, -1, -2, -2]) expect((await verify(JSON.stringify({ verifiableCredential: document(shape) }))).statusCode).toBe(400);
    const before = retainedBytes();
    for (let shape = 0; shape < SHAPES; shape++) {
      const body = JSON.stringify({ verifiableCredential: document(shape) });
      for (let n = 0; n < 2; n++) {
        const response = await verify(body);
        expect(response.statusCode).toBe(400); // not verified (the signature is wrong), and nothing worse
      }
    }
    const grown = retainedBytes() - before;
    console.log(`verify-memory: ${SHAPES} shapes of ${KEYS} properties, heap grew ${(grown / 2 ** 20).toFixed(1)} MiB after gc`);
    // The cache holds at most 64 MiB by its own estimate; the rest of the process keeps nothing per request.
    expect(grown).toBeLessThan(96 * 2 ** 20);
  }, 900_000);
});
