/**
 * Interop over many generated credentials, not only the samples: for every shape the builder makes
 * (VC 1.1 and 2.0, EU fields or not, e-mail or DID recipients, alignments, results, status entries),
 * microcred's signature is byte-identical to the reference library's for the same key and time, each
 * verifies the other's, and a changed value fails both.
 */
import { describe, expect, it, vi } from 'vitest';
import * as fc from 'fast-check';
import type * as FastRdf from '../../src/vc/fast-rdf/index.ts';
import type { RdfTemplateCache } from '../../src/vc/fast-rdf/index.ts';
import { generateDidKey } from '../../src/vc/did/did-key.ts';
import { createEngine } from '../../src/vc/engine.ts';
import { signerFromMultikey } from '../../src/vc/keys/ed25519.ts';
import type { JsonObject } from '../../src/vc/types.ts';
import { credentialArbitrary } from '../support/arbitraries.ts';
import { createReferenceIssuer, referenceVerify } from '../support/reference.ts';

const key = generateDidKey(new Uint8Array(32).fill(7));
const signer = signerFromMultikey(key);
const now = new Date('2026-02-01T08:00:00Z');
const RUNS = Number(process.env.INTEROP_RUNS ?? 40);

// The engine's template caches, so the test can tell that signing went through cached templates.
const caches = vi.hoisted(() => [] as RdfTemplateCache[]);
vi.mock('../../src/vc/fast-rdf/index.ts', async (importOriginal) => {
  const original = await importOriginal<typeof FastRdf>();
  return {
    ...original,
    createRdfTemplateCache: (options: Parameters<typeof original.createRdfTemplateCache>[0]) => {
      const cache = original.createRdfTemplateCache(options);
      caches.push(cache);
      return cache;
    },
  };
});

describe('generated credentials: microcred and the reference agree', () => {
  it('produces byte-identical signed credentials, and each verifies the other’s', async () => {
    const engine = createEngine({ clock: () => now });
    const reference = await createReferenceIssuer(key);
    await fc.assert(
      fc.asyncProperty(credentialArbitrary(key.controller), async (credential) => {
        const ours = (await engine.sign({ credential, signer, now })) as JsonObject;
        const theirs = await reference.sign(credential, now);
        expect(JSON.stringify(ours)).toBe(JSON.stringify(theirs));
        expect((await referenceVerify(ours, { now: validityInstant(credential) })).verified).toBe(true);
        const proof = (await engine.providers[0]!.verify({ document: theirs, documentLoader: engine.documentLoader, keys: {}, proofPurpose: 'assertionMethod' }));
        expect(proof.verified).toBe(true);
      }),
      { numRuns: RUNS },
    );
  });

  it('stays byte-identical when a shape comes again with other values (the template cache hit path)', async () => {
    caches.length = 0;
    const engine = createEngine({ clock: () => now });
    const reference = await createReferenceIssuer(key);
    await fc.assert(
      fc.asyncProperty(credentialArbitrary(key.controller), async (credential) => {
        // The engine admits a shape on its second document and serves it from the template from the
        // third: the first sighting, the template's first use and two hits are each compared.
        for (let round = 0; round < 4; round++) {
          const variant = round === 0 ? credential : revalue(credential, round);
          const ours = (await engine.sign({ credential: variant, signer, now })) as JsonObject;
          const theirs = await reference.sign(variant, now);
          expect(JSON.stringify(ours), `round ${round}`).toBe(JSON.stringify(theirs));
        }
      }),
      { numRuns: Math.ceil(RUNS / 2) },
    );
    const stats = caches.map((cache) => cache.stats());
    expect(stats.length).toBeGreaterThan(0);
    expect(stats.reduce((sum, s) => sum + s.hits, 0)).toBeGreaterThanOrEqual(Math.ceil(RUNS / 2));
  });

  it('fails on both sides when any signed value changes', async () => {
    const engine = createEngine({ clock: () => now });
    await fc.assert(
      fc.asyncProperty(credentialArbitrary(key.controller), fc.nat(), async (credential, pick) => {
        const signed = (await engine.sign({ credential, signer, now })) as JsonObject;
        const tampered = structuredClone(signed);
        const changed = changeOneValue(tampered, pick);
        if (!changed) return;
        expect((await referenceVerify(tampered, { now: validityInstant(credential) })).verified).toBe(false);
        const proof = await engine.providers[0]!.verify({ document: tampered, documentLoader: engine.documentLoader, keys: {}, proofPurpose: 'assertionMethod' });
        expect(proof.verified).toBe(false);
      }),
      { numRuns: Math.ceil(RUNS / 2) },
    );
  });
});

/** Changes the pick-th string value outside @context and the proofValue; false if there is none. */
function changeOneValue(document: JsonObject, pick: number): boolean {
  const slots: { holder: Record<string, unknown> | unknown[]; key: string | number }[] = [];
  const walk = (value: unknown, path: string[]) => {
    if (Array.isArray(value)) value.forEach((item, index) => (typeof item === 'string' ? slots.push({ holder: value, key: index }) : walk(item, path)));
    else if (value && typeof value === 'object') {
      for (const [k, v] of Object.entries(value)) {
        if (k === '@context' || k === 'proofValue' || k === 'type' || k === 'cryptosuite' || k === 'proofPurpose' || k === 'verificationMethod') continue;
        if (typeof v === 'string') slots.push({ holder: value as Record<string, unknown>, key: k });
        else walk(v, [...path, k]);
      }
    }
  };
  walk(document, []);
  if (slots.length === 0) return false;
  const slot = slots[pick % slots.length]!;
  const holder = slot.holder as Record<string | number, unknown>;
  const old = holder[slot.key] as string;
  // Keep dates valid dates and URLs valid URLs, so the change reaches the signature check.
  holder[slot.key] = /^\d{4}-\d{2}-\d{2}T/.test(old) ? old.replace(/^(\d{4})/, (y) => String(Number(y) + 1)) : /^[a-z]+:/.test(old) ? `${old}x` : `${old}!`;
  return true;
}

/**
 * The same credential with its values changed, shape kept: dates a few years on, IRIs extended,
 * texts marked. The issuer stays (the reference signs for it); types, contexts and enumerated values
 * are part of the shape or must stay valid.
 */
function revalue(credential: JsonObject, round: number): JsonObject {
  const copy = structuredClone(credential);
  const walk = (value: unknown): void => {
    if (Array.isArray(value)) {
      value.forEach((item, index) => (typeof item === 'string' ? (value[index] = changed(item)) : walk(item)));
    } else if (value && typeof value === 'object') {
      const record = value as Record<string, unknown>;
      for (const [k, v] of Object.entries(record)) {
        if (k === '@context' || k === 'type' || k === 'issuer') continue;
        if (typeof v === 'string') record[k] = changed(v);
        else walk(v);
      }
    }
  };
  const changed = (old: string): string =>
    // Enumerated values (vocabulary terms such as online-exam or MicroCredential) are kept: others are not valid.
    /^(?:[a-z][a-z-]*|[A-Z][A-Za-z]*)$/.test(old) ? old
    : /^\d{4}-\d{2}-\d{2}T/.test(old) ? old.replace(/^(\d{4})/, (y) => String(Number(y) + round)) : /^[a-z]+:/.test(old) ? `${old}${round}` : `${old} (${round})`;
  walk(copy);
  return copy;
}

/** A moment inside the credential's validity period, so the reference judges the proof, not the dates. */
function validityInstant(credential: JsonObject): Date {
  const from = String(credential.validFrom ?? credential.issuanceDate);
  return new Date(new Date(from).getTime() + 1000);
}
