/**
 * Issue 10 §3: the issuer-key rule applies to a proof set or chain (VC Data Integrity 1.0 §2.1.1–2.1.2):
 * a notary's proof followed by the issuer's passes when every proof verifies and one is the issuer's.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { generateDidKey } from '../../src/vc/did/did-key.ts';
import { createDocumentLoader } from '../../src/vc/document-loader.ts';
import { createEngine } from '../../src/vc/engine.ts';
import { signerFromMultikey } from '../../src/vc/keys/ed25519.ts';
import { multibaseEncode } from '../../src/vc/multibase.ts';
import { createVerifyData, eddsaRdfc2022Suite, signDataIntegrity } from '../../src/vc/proofs/data-integrity/index.ts';
import type { JsonObject } from '../../src/vc/types.ts';
import { createReferenceIssuer, referenceVerify } from '../support/reference.ts';
import { standardsUrl } from '../support/standards.ts';

const documentLoader = createDocumentLoader();
const now = new Date('2024-05-03T12:00:00Z');
const notaryKey = generateDidKey(new Uint8Array(32).fill(21));
const issuerKey = generateDidKey(new Uint8Array(32).fill(22));
const notary = signerFromMultikey(notaryKey);
const issuer = signerFromMultikey(issuerKey);
const NOTARY_PROOF = 'urn:uuid:2f6a0c1e-8a51-4b7e-9f0e-3c1d2b4a5e61';

function credential(): JsonObject {
  const unsigned = JSON.parse(readFileSync(new URL('ob3/ob3-basic-openbadgecredential.unsigned.json', standardsUrl('examples/')), 'utf8')) as JsonObject;
  return { ...unsigned, issuer: { id: issuer.id.split('#')[0]!, type: ['Profile'], name: 'Example Corp' } };
}

/** A proof by `signer` over the document carrying `previous` (VC Data Integrity 1.0 §4.3, chains). */
async function chainedProof(document: JsonObject, previous: JsonObject[] | undefined, extra: JsonObject, signer = issuer): Promise<JsonObject> {
  const { proof: _all, ...unsecured } = document;
  const options: JsonObject = { type: 'DataIntegrityProof', created: '2024-05-02T12:00:00Z', verificationMethod: signer.id, cryptosuite: 'eddsa-rdfc-2022', proofPurpose: 'assertionMethod', ...extra };
  const input = previous === undefined ? unsecured : { ...unsecured, proof: previous };
  const verifyData = await createVerifyData({ suite: eddsaRdfc2022Suite, document: input, proofConfig: { ...options, '@context': unsecured['@context'] }, documentLoader });
  return { ...options, proofValue: multibaseEncode(await signer.sign(verifyData)) };
}

async function notarised(): Promise<JsonObject> {
  const document = credential();
  return { ...document, proof: await chainedProof(document, undefined, { id: NOTARY_PROOF }, notary) };
}

const issuerKeyOf = (result: { checks: { check: string; outcome: string; message: string }[] }) => result.checks.find((c) => c.check === 'issuer-key')!;

describe('issuer key over a proof chain', () => {
  it('passes a notary proof followed by the issuer’s proof naming it in previousProof', async () => {
    const first = await notarised();
    const chained = { ...first, proof: [first.proof as JsonObject, await chainedProof(first, [first.proof as JsonObject], { previousProof: NOTARY_PROOF })] };
    const result = await createEngine().verify({ credential: chained, now });
    expect(issuerKeyOf(result).outcome, issuerKeyOf(result).message).toBe('passed');
    expect(result.verified, JSON.stringify(result.checks)).toBe(true);
    expect(issuerKeyOf(result).message).toContain(notary.id.split('#')[0]);
  });

  it('still fails when a proof in the chain does not verify, or previousProof names a proof not in the set', async () => {
    const first = await notarised();
    const chained = { ...first, proof: [first.proof as JsonObject, await chainedProof(first, [first.proof as JsonObject], { previousProof: NOTARY_PROOF })] };
    const broken = structuredClone(chained);
    (broken.proof as JsonObject[])[0]!.created = '2024-05-01T00:00:00Z';
    expect((await createEngine().verify({ credential: broken, now })).verified).toBe(false);
    const dangling = { ...first, proof: [first.proof as JsonObject, await chainedProof(first, [], { previousProof: 'urn:uuid:00000000-0000-4000-8000-000000000000' })] };
    const result = await createEngine().verify({ credential: dangling, now });
    expect(result.verified).toBe(false);
    expect(result.checks.find((c) => c.check === 'proof')!.message).toContain('urn:uuid:00000000-0000-4000-8000-000000000000');
  });

  it('still fails when no proof in the set is the issuer’s', async () => {
    const other = signerFromMultikey(generateDidKey(new Uint8Array(32).fill(23)));
    const once = await signDataIntegrity({ document: credential(), signer: notary, documentLoader, now });
    const twice = await signDataIntegrity({ document: once, signer: other, documentLoader, now });
    const result = await createEngine().verify({ credential: twice, now });
    expect(issuerKeyOf(result).outcome).toBe('failed');
  });

  it('passes a proof set whose issuer proof the reference library made, which the reference verifies too', async () => {
    // @digitalbazaar/vc cannot write previousProof; it adds an independent proof beside the notary's (a proof set).
    const first = await signDataIntegrity({ document: credential(), signer: notary, documentLoader, now });
    const reference = await createReferenceIssuer(issuerKey);
    const set = await reference.sign(first, now);
    expect(Array.isArray(set.proof) && set.proof.length).toBe(2);
    expect((await referenceVerify(set, { now })).verified).toBe(true);
    const result = await createEngine().verify({ credential: set, now });
    expect(result.verified, JSON.stringify(result.checks)).toBe(true);
    expect(issuerKeyOf(result).outcome).toBe('passed');
  });
});
