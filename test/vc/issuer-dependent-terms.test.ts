/**
 * Issue 10 §4: terms no context defines, which VC 2.0 reads as issuer-dependent (§5.2; the base
 * context carried `@vocab` for them while VC 2.0 was a Candidate Recommendation), are accepted on
 * verify with a warning naming them; microcred's own signing still refuses them.
 */
import { describe, expect, it } from 'vitest';
import * as vc from '@digitalbazaar/vc';
import { DataIntegrityProof } from '@digitalbazaar/data-integrity';
import { cryptosuite as eddsaRdfc2022Cryptosuite } from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import { generateDidKey } from '../../src/vc/did/did-key.ts';
import { createEngine } from '../../src/vc/engine.ts';
import { JsonLdSafeModeError } from '../../src/vc/jsonld.ts';
import { signerFromMultikey } from '../../src/vc/keys/ed25519.ts';
import type { JsonObject } from '../../src/vc/types.ts';
import { candidateLoader, referenceSignWithVocab, withIssuerDependentTerms } from '../support/issuer-dependent.ts';

const now = new Date('2025-03-01T12:00:00Z');
const key = generateDidKey(new Uint8Array(32).fill(41));
const unsigned = () => withIssuerDependentTerms(key);
const referenceSign = (credential: JsonObject) => referenceSignWithVocab(key, credential, now);

describe('issuer-dependent terms (VC 2.0 §5.2)', () => {
  it('verifies a credential whose issuer signed them under the @vocab, warning and naming them', async () => {
    const signed = await referenceSign(unsigned());
    const reference = await vc.verifyCredential({ credential: signed, suite: new DataIntegrityProof({ cryptosuite: eddsaRdfc2022Cryptosuite }), documentLoader: candidateLoader, now });
    expect(reference.verified).toBe(true);

    const result = await createEngine().verify({ credential: signed, now });
    expect(result.verified, JSON.stringify(result.checks)).toBe(true);
    const proof = result.checks.find((c) => c.check === 'proof')!;
    expect(proof.outcome).toBe('warning');
    for (const term of ['statusEntry', 'degree']) expect(proof.message).toContain(term);
    expect(proof.message).toContain('issuer-dependent');
  });

  it('still fails a changed copy, and a document whose other problems the @vocab does not cover', async () => {
    const signed = await referenceSign(unsigned());
    const changed = structuredClone(signed);
    (changed.credentialSubject as JsonObject).statusEntry = 'graduated';
    const result = await createEngine().verify({ credential: changed, now });
    expect(result.verified).toBe(false);
    expect(result.checks.find((c) => c.check === 'proof')!.outcome).toBe('failed');
  });

  it('microcred’s own signing stays strict: it refuses the undefined terms, naming them', async () => {
    const error = await createEngine().sign({ credential: unsigned(), signer: signerFromMultikey(key), now }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(JsonLdSafeModeError);
    expect((error as JsonLdSafeModeError).terms).toEqual(expect.arrayContaining(['statusEntry', 'degree']));
  });
});
