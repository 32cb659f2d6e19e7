/**
 * Proof chains (VC Data Integrity 1.0 §4.4, `previousProof`) and date checks on received proofs.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { generateDidKey } from '../../src/vc/did/did-key.ts';
import { createDocumentLoader } from '../../src/vc/document-loader.ts';
import { signerFromMultikey } from '../../src/vc/keys/ed25519.ts';
import { multibaseEncode } from '../../src/vc/multibase.ts';
import {
  createVerifyData,
  eddsaJcs2022Suite,
  eddsaRdfc2022Suite,
  signDataIntegrity,
  verifyDataIntegrity,
  type DataIntegritySuite,
} from '../../src/vc/proofs/data-integrity/index.ts';
import type { JsonObject } from '../../src/vc/types.ts';
import { standardsUrl } from '../support/standards.ts';

const EXAMPLES = standardsUrl('examples/');
const documentLoader = createDocumentLoader();
const now = new Date('2024-05-01T12:00:00Z');
const first = signerFromMultikey(generateDidKey(new Uint8Array(32).fill(7)));
const second = signerFromMultikey(generateDidKey(new Uint8Array(32).fill(9)));

function credential(): JsonObject {
  const unsigned = JSON.parse(readFileSync(new URL('ob3/ob3-basic-openbadgecredential.unsigned.json', EXAMPLES), 'utf8')) as JsonObject;
  return { ...unsigned, issuer: { id: first.id.split('#')[0]!, type: ['Profile'], name: 'Example Corp' } };
}

async function verify(document: unknown) {
  return verifyDataIntegrity({ document, documentLoader, keys: {}, proofPurpose: 'assertionMethod' });
}

/** A proof over the document with `previous` as its proofs (VC Data Integrity 1.0 §4.3 Add Proof, chains). */
async function makeProof(suite: DataIntegritySuite, document: JsonObject, previous: JsonObject[] | undefined, extra: JsonObject, signer = second): Promise<JsonObject> {
  const { proof: _all, ...unsecured } = document;
  const options: JsonObject = {
    type: 'DataIntegrityProof',
    created: '2024-05-02T12:00:00Z',
    verificationMethod: signer.id,
    cryptosuite: suite.cryptosuite!,
    proofPurpose: 'assertionMethod',
    ...extra,
  };
  const proofConfig = { ...options, '@context': unsecured['@context'] } as JsonObject;
  const input = previous === undefined ? unsecured : { ...unsecured, proof: previous };
  const verifyData = await createVerifyData({ suite, document: input, proofConfig, documentLoader });
  const proofValue = multibaseEncode(await signer.sign(verifyData));
  return { ...(suite.proofCarriesContext ? proofConfig : options), proofValue };
}

const EARLIER_ID = 'urn:uuid:7d3d8a58-2d6b-4d0a-9d8e-1f8f6b3c5a01';

for (const suite of [eddsaRdfc2022Suite, eddsaJcs2022Suite]) {
  describe(`proof chains, ${suite.name}`, () => {
    it('verifies a proof made over an earlier proof it names in previousProof (string or list)', async () => {
      const document = credential();
      const earlier = await makeProof(suite, document, undefined, { id: EARLIER_ID }, first);
      const set = { ...document, proof: [earlier] };
      expect((await verify(set)).verified).toBe(true);
      for (const previousProof of [EARLIER_ID, [EARLIER_ID]]) {
        const chained = { ...document, proof: [earlier, await makeProof(suite, document, [earlier], { previousProof })] };
        const result = await verify(chained);
        expect(result.verified, result.message).toBe(true);
        expect(result.message).toContain('All 2');
        // The chained proof covers the earlier one: changing it breaks the chain too.
        const tampered = structuredClone(chained);
        (tampered.proof as JsonObject[])[0]!.created = '2024-05-01T12:00:01Z';
        expect((await verify(tampered)).verified).toBe(false);
      }
    });

    it('fails a proof whose previousProof names no proof of the document, saying so', async () => {
      const document = credential();
      const earlier = await makeProof(suite, document, undefined, { id: EARLIER_ID }, first);
      const dangling = await makeProof(suite, document, [], { previousProof: 'urn:uuid:00000000-0000-4000-8000-000000000000' });
      const result = await verify({ ...document, proof: [earlier, dangling] });
      expect(result.verified).toBe(false);
      expect(result.message).toContain('urn:uuid:00000000-0000-4000-8000-000000000000');
    });
  });
}

describe('proof dates', () => {
  it('refuses a created time that only looks like a date, and reads real ones', async () => {
    const signed = await signDataIntegrity({ document: credential(), signer: first, documentLoader, now });
    for (const created of ['2024-13-45T25:61:00Z', '2023-02-29T12:00:00Z', '2024-05-01T24:30:00Z', '2024-05-01T12:00:00+15:00']) {
      (signed.proof as JsonObject).created = created;
      const result = await verify(signed);
      expect(result.verified).toBe(false);
      expect(result.message, created).toContain('not a valid date');
    }
    // Valid, but not what was signed: the signature fails instead.
    for (const created of ['2024-02-29T12:00:00Z', '2024-05-01T14:00:00.5+02:00', '2024-05-01T24:00:00Z']) {
      (signed.proof as JsonObject).created = created;
      const result = await verify(signed);
      expect(result.message, created).toContain('signature does not match');
    }
  });
});
