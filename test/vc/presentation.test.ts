import { describe, expect, it } from 'vitest';
import { CONTEXTS } from '../../src/vc/contexts/index.ts';
import { generateDidKey } from '../../src/vc/did/did-key.ts';
import { createDocumentLoader } from '../../src/vc/document-loader.ts';
import { signerFromMultikey } from '../../src/vc/keys/ed25519.ts';
import { signDataIntegrity, type DataIntegrityCryptosuite } from '../../src/vc/proofs/data-integrity/index.ts';
import { createPresentation, embeddedCredentials, signPresentation, verifyPresentationProof } from '../../src/vc/presentation.ts';
import type { JsonObject } from '../../src/vc/types.ts';

const documentLoader = createDocumentLoader();
const keys = {};
const now = new Date('2024-06-01T08:00:00Z');
const issuerKey = generateDidKey(new Uint8Array(32).fill(11));
const holderKey = generateDidKey(new Uint8Array(32).fill(12));
const holderSigner = signerFromMultikey(holderKey);
const challenge = '6c3f0c8e-one-time';
const domain = 'https://admissions.example';
const JWT = 'eyJhbGciOiJFZERTQSJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl';

async function credential(): Promise<JsonObject> {
  return signDataIntegrity({
    document: {
      '@context': [CONTEXTS.CREDENTIALS_V2, CONTEXTS.OB_V3],
      type: ['VerifiableCredential', 'OpenBadgeCredential'],
      issuer: { id: issuerKey.controller, type: ['Profile'], name: 'Issuer' },
      validFrom: '2024-01-01T00:00:00Z',
      name: 'Badge',
      credentialSubject: {
        id: holderKey.controller,
        type: ['AchievementSubject'],
        achievement: { id: 'https://issuer.example/a/1', type: ['Achievement'], name: 'Badge', description: 'd', criteria: { narrative: 'n' } },
      },
    },
    signer: signerFromMultikey(issuerKey),
    documentLoader,
    now,
  });
}

async function signedPresentation(cryptosuite: DataIntegrityCryptosuite = 'eddsa-rdfc-2022'): Promise<JsonObject> {
  const presentation = createPresentation({ credentials: [await credential()], holder: holderKey.controller, id: 'urn:uuid:8b9a4c8e-5e4f-4b7e-9a1d-0f2d3c4b5a69' });
  return signPresentation({ presentation, signer: holderSigner, documentLoader, now, challenge, domain, cryptosuite });
}

describe('createPresentation', () => {
  it('builds a VC 2.0 presentation and wraps VC-JWTs as enveloped credentials', async () => {
    const vc = await credential();
    const vp = createPresentation({ credentials: [vc, JWT], holder: holderKey.controller });
    expect(vp).toEqual({
      '@context': [CONTEXTS.CREDENTIALS_V2],
      type: ['VerifiablePresentation'],
      holder: holderKey.controller,
      verifiableCredential: [vc, { '@context': CONTEXTS.CREDENTIALS_V2, id: `data:application/vc+jwt,${JWT}`, type: 'EnvelopedVerifiableCredential' }],
    });
    expect(embeddedCredentials(vp)).toEqual([vc, JWT]);
    expect(embeddedCredentials('nonsense')).toEqual([]);
  });

  it('throws TypeError on misuse', () => {
    expect(() => createPresentation({ credentials: 'x' as never })).toThrow(TypeError);
    expect(() => createPresentation({ credentials: ['not a jwt'] })).toThrow(TypeError);
    expect(() => createPresentation({ credentials: [], holder: '' })).toThrow(TypeError);
  });
});

describe('signPresentation and verifyPresentationProof', () => {
  for (const cryptosuite of ['eddsa-rdfc-2022', 'eddsa-jcs-2022'] as const) {
    describe(cryptosuite, () => {
      it('signs for authentication with the challenge and domain, and verifies', async () => {
        const vp = await signedPresentation(cryptosuite);
        expect(vp.proof).toMatchObject({ cryptosuite, proofPurpose: 'authentication', challenge, domain, verificationMethod: holderKey.id });
        const result = await verifyPresentationProof({ presentation: vp, documentLoader, keys, challenge, domain });
        expect(result.verified, result.message).toBe(true);
        expect(result.key?.controller).toBe(holderKey.controller);
        expect(result.message).toContain('holder');
      });

      it('fails with another challenge or domain, or none', async () => {
        const vp = await signedPresentation(cryptosuite);
        for (const options of [{ challenge: 'replayed', domain }, { challenge, domain: 'https://evil.example' }, { challenge }]) {
          const result = await verifyPresentationProof({ presentation: vp, documentLoader, keys, ...options });
          expect(result.verified, JSON.stringify(options)).toBe(false);
          expect(result.message).toMatch(/challenge|domain/);
        }
      });

      it('fails when an embedded credential is changed: it is inside the signed document', async () => {
        const vp = await signedPresentation(cryptosuite);
        const inner = (vp.verifiableCredential as JsonObject[])[0]!;
        inner.validFrom = '2020-01-01T00:00:00Z';
        const result = await verifyPresentationProof({ presentation: vp, documentLoader, keys, challenge, domain });
        expect(result.verified).toBe(false);
        expect(result.message).toMatch(/signature does not match/);
      });
    });
  }

  it('fails when the key is not the holder’s', async () => {
    const presentation = createPresentation({ credentials: [await credential()], holder: 'did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK' });
    const vp = await signPresentation({ presentation, signer: holderSigner, documentLoader, now, challenge, domain });
    const result = await verifyPresentationProof({ presentation: vp, documentLoader, keys, challenge, domain });
    expect(result.verified).toBe(false);
    expect(result.message).toContain('not of its holder');
  });

  it('accepts a presentation without holder (the key is then reported, not bound)', async () => {
    const presentation = createPresentation({ credentials: [await credential()] });
    const vp = await signPresentation({ presentation, signer: holderSigner, documentLoader, now, challenge });
    const result = await verifyPresentationProof({ presentation: vp, documentLoader, keys, challenge });
    expect(result.verified, result.message).toBe(true);
  });

  it('a credential proof (assertionMethod) does not pass as a presentation proof', async () => {
    const presentation = createPresentation({ credentials: [], holder: holderKey.controller });
    const asAssertion = await signDataIntegrity({ document: presentation, signer: holderSigner, documentLoader, now, challenge, domain });
    const result = await verifyPresentationProof({ presentation: asAssertion, documentLoader, keys, challenge, domain });
    expect(result.verified).toBe(false);
  });

  it('bad input is a failed result, never an exception', async () => {
    for (const presentation of [null, 'x', {}, { type: 'VerifiablePresentation' }, { type: ['VerifiableCredential'], proof: {} }, { type: 'VerifiablePresentation', proof: [1, 'a'] }]) {
      const result = await verifyPresentationProof({ presentation, documentLoader, keys, challenge });
      expect(result.verified).toBe(false);
    }
  });

  it('misuse throws TypeError', async () => {
    const presentation = createPresentation({ credentials: [] });
    await expect(signPresentation({ presentation, signer: holderSigner, documentLoader, now, challenge: '' })).rejects.toBeInstanceOf(TypeError);
    await expect(verifyPresentationProof({ presentation, documentLoader, keys, challenge: undefined as never })).rejects.toBeInstanceOf(TypeError);
  });
});
