/**
 * Cross-checks with the digitalbazaar reference libraries: what microcred signs, they verify; what
 * they sign, microcred verifies; a tampered credential fails both. Run once per data-model version.
 */
import * as vc from '@digitalbazaar/vc';
import { DataIntegrityProof } from '@digitalbazaar/data-integrity';
import { cryptosuite as eddsaRdfc2022Cryptosuite } from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import * as Ed25519Multikey from '@digitalbazaar/ed25519-multikey';
import { Ed25519Signature2020 } from '@digitalbazaar/ed25519-signature-2020';
import { Ed25519VerificationKey2020 } from '@digitalbazaar/ed25519-verification-key-2020';
import { describe, expect, it } from 'vitest';
import { CONTEXTS } from '../../src/vc/contexts/index.ts';
import { generateDidKey } from '../../src/vc/did/did-key.ts';
import { createDocumentLoader } from '../../src/vc/document-loader.ts';
import { signerFromMultikey } from '../../src/vc/keys/ed25519.ts';
import {
  ed25519Signature2020Provider,
  eddsaRdfc2022Provider,
  signDataIntegrity,
} from '../../src/vc/proofs/data-integrity/index.ts';
import { createPresentation, signPresentation, verifyPresentationProof } from '../../src/vc/presentation.ts';
import type { JsonObject } from '../../src/vc/types.ts';
import { referenceDocumentLoader } from '../support/reference.ts';

const documentLoader = createDocumentLoader();
const keys = {};

const referenceLoader = referenceDocumentLoader;

const seed = new Uint8Array(32).fill(42);
const issuerKey = generateDidKey(seed);
const signer = signerFromMultikey(issuerKey);
const now = new Date('2024-03-01T10:00:00Z');

const VERSIONS = {
  'VC 2.0': (): JsonObject => ({
    '@context': [CONTEXTS.CREDENTIALS_V2, CONTEXTS.OB_V3],
    id: 'urn:uuid:6f1d5e1a-9f0a-4b8e-8a43-0c6f0d0e1b2c',
    type: ['VerifiableCredential', 'OpenBadgeCredential'],
    issuer: { id: issuerKey.controller, type: ['Profile'], name: 'Example University' },
    validFrom: '2024-01-01T00:00:00Z',
    name: 'Data Literacy',
    credentialSubject: subject(),
  }),
  'VC 1.1': (): JsonObject => ({
    '@context': [CONTEXTS.CREDENTIALS_V1, CONTEXTS.OB_V3],
    id: 'urn:uuid:6f1d5e1a-9f0a-4b8e-8a43-0c6f0d0e1b2c',
    type: ['VerifiableCredential', 'OpenBadgeCredential'],
    issuer: { id: issuerKey.controller, type: ['Profile'], name: 'Example University' },
    issuanceDate: '2024-01-01T00:00:00Z',
    name: 'Data Literacy',
    credentialSubject: subject(),
  }),
};

function subject(): JsonObject {
  return {
    id: 'did:example:learner-1',
    type: ['AchievementSubject'],
    achievement: {
      id: 'https://example.edu/achievements/data-literacy',
      type: ['Achievement'],
      name: 'Data Literacy',
      description: 'Reads, works with and communicates data.',
      criteria: { narrative: 'Passed the final assessment.' },
    },
  };
}

function tamper(document: JsonObject): JsonObject {
  const copy = structuredClone(document);
  ((copy.credentialSubject as JsonObject).achievement as JsonObject).name = 'Data Mastery';
  return copy;
}

function proofOf(document: JsonObject): JsonObject {
  return (Array.isArray(document.proof) ? document.proof[0] : document.proof) as JsonObject;
}

async function referenceSigner() {
  const keyPair = await Ed25519Multikey.generate({ seed, controller: issuerKey.controller });
  return keyPair.signer();
}

function referenceSuite(options: { signer?: unknown; date?: Date } = {}) {
  return new DataIntegrityProof({ cryptosuite: eddsaRdfc2022Cryptosuite, ...options });
}

async function referenceVerify(credential: JsonObject): Promise<{ verified: boolean; error?: unknown }> {
  return await vc.verifyCredential({ credential, suite: referenceSuite(), documentLoader: referenceLoader, now });
}

describe('eddsa-rdfc-2022 with @digitalbazaar/vc', () => {
  for (const [version, build] of Object.entries(VERSIONS)) {
    describe(version, () => {
      it('the reference library verifies what microcred signs, and rejects it tampered', async () => {
        const signed = await signDataIntegrity({ document: build(), signer, documentLoader, now });
        const result = await referenceVerify(signed);
        expect(result.verified, String(result.error)).toBe(true);
        const tampered = await referenceVerify(tamper(signed));
        expect(tampered.verified).toBe(false);
        expect(String((tampered as { results?: Array<{ error?: unknown }> }).results?.[0]?.error ?? tampered.error)).toMatch(/Invalid signature/);
      });

      it('microcred verifies what the reference library signs, and rejects it tampered', async () => {
        const signed = (await vc.issue({
          credential: build(),
          suite: referenceSuite({ signer: await referenceSigner(), date: now }),
          documentLoader: referenceLoader,
          now,
        })) as JsonObject;
        const result = await eddsaRdfc2022Provider.verify({ document: signed, documentLoader, keys, proofPurpose: 'assertionMethod' });
        expect(result.verified, result.message).toBe(true);
        const tampered = await eddsaRdfc2022Provider.verify({ document: tamper(signed), documentLoader, keys, proofPurpose: 'assertionMethod' });
        expect(tampered.verified).toBe(false);
      });

      it('both produce the same document and the same signature for the same key and time', async () => {
        const ours = await signDataIntegrity({ document: build(), signer, documentLoader, now });
        const theirs = (await vc.issue({
          credential: build(),
          suite: referenceSuite({ signer: await referenceSigner(), date: now }),
          documentLoader: referenceLoader,
          now,
        })) as JsonObject;
        expect(ours['@context']).toEqual(theirs['@context']);
        expect(proofOf(ours)).toEqual(proofOf(theirs));
      });
    });
  }
});

describe('Ed25519Signature2020 signed by @digitalbazaar/ed25519-signature-2020', () => {
  for (const [version, build] of Object.entries(VERSIONS)) {
    it(`${version}: microcred verifies it, and rejects it tampered`, async () => {
      const key = await Ed25519VerificationKey2020.generate({ seed, controller: issuerKey.controller });
      const signed = (await vc.issue({
        credential: build(),
        suite: new Ed25519Signature2020({ key, date: now }),
        documentLoader: referenceLoader,
        now,
      })) as JsonObject;
      expect(proofOf(signed).type).toBe('Ed25519Signature2020');
      const result = await ed25519Signature2020Provider.verify({ document: signed, documentLoader, keys, proofPurpose: 'assertionMethod' });
      expect(result.verified, result.message).toBe(true);
      expect(result.key?.controller).toBe(issuerKey.controller);
      const tampered = await ed25519Signature2020Provider.verify({ document: tamper(signed), documentLoader, keys, proofPurpose: 'assertionMethod' });
      expect(tampered.verified).toBe(false);
    });
  }
});

describe('presentations with @digitalbazaar/vc', () => {
  const holderKey = generateDidKey(new Uint8Array(32).fill(5));
  const holderSigner = signerFromMultikey(holderKey);
  const challenge = 'b8a6c1c4-challenge';
  const domain = 'https://verifier.example';

  async function ourPresentation(credential?: JsonObject): Promise<JsonObject> {
    const signedCredential = credential ?? (await signDataIntegrity({ document: VERSIONS['VC 2.0'](), signer, documentLoader, now }));
    const presentation = createPresentation({ credentials: [signedCredential], holder: holderKey.controller });
    return signPresentation({ presentation, signer: holderSigner, documentLoader, now, challenge, domain });
  }

  it('the reference library verifies a presentation microcred signs (with its credential)', async () => {
    const vp = await ourPresentation();
    const result = await vc.verify({ presentation: vp, challenge, domain, suite: referenceSuite(), documentLoader: referenceLoader, now });
    expect(result.verified, JSON.stringify(result.error ?? result.presentationResult?.error)).toBe(true);
  });

  it('the reference library rejects it with another challenge, or with a tampered credential', async () => {
    const vp = await ourPresentation();
    const wrongChallenge = await vc.verify({ presentation: vp, challenge: 'other', domain, suite: referenceSuite(), documentLoader: referenceLoader, now });
    expect(wrongChallenge.verified).toBe(false);
    const tampered = structuredClone(vp);
    tampered.verifiableCredential = [tamper((vp.verifiableCredential as JsonObject[])[0]!)];
    const result = await vc.verify({ presentation: tampered, challenge, domain, suite: referenceSuite(), documentLoader: referenceLoader, now });
    expect(result.verified).toBe(false);
    const ours = await verifyPresentationProof({ presentation: tampered, documentLoader, keys, challenge, domain });
    expect(ours.verified).toBe(false);
  });

  it('microcred verifies a presentation the reference library signs', async () => {
    const credential = await signDataIntegrity({ document: VERSIONS['VC 2.0'](), signer, documentLoader, now });
    const holderPair = await Ed25519Multikey.generate({ seed: new Uint8Array(32).fill(5), controller: holderKey.controller });
    const presentation = vc.createPresentation({ verifiableCredential: [credential], holder: holderKey.controller, version: 2.0 });
    const vp = (await vc.signPresentation({
      presentation,
      suite: referenceSuite({ signer: holderPair.signer(), date: now }),
      challenge,
      domain,
      documentLoader: referenceLoader,
    })) as JsonObject;
    const result = await verifyPresentationProof({ presentation: vp, documentLoader, keys, challenge, domain });
    expect(result.verified, result.message).toBe(true);
    expect((await verifyPresentationProof({ presentation: vp, documentLoader, keys, challenge: 'other', domain })).verified).toBe(false);
  });
});
