/**
 * Interop over many generated credentials, not only the samples: for every shape the builder makes
 * (VC 1.1 and 2.0, EU fields or not, e-mail or DID recipients, alignments, results, status entries),
 * microcred's signature is byte-identical to the reference library's for the same key and time, each
 * verifies the other's, and a changed value fails both.
 */
import { describe, expect, it } from 'vitest';
import * as fc from 'fast-check';
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

/** A moment inside the credential's validity period, so the reference judges the proof, not the dates. */
function validityInstant(credential: JsonObject): Date {
  const from = String(credential.validFrom ?? credential.issuanceDate);
  return new Date(new Date(from).getTime() + 1000);
}
