import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createDocumentLoader } from '../../src/vc/document-loader.ts';
import { createEd25519Signer, decodeSecretKeyMultibase } from '../../src/vc/keys/ed25519.ts';
import { canonize } from '../../src/vc/jsonld.ts';
import {
  createVerifyData,
  ed25519Signature2020Provider,
  eddsaJcs2022Provider,
  eddsaJcs2022Suite,
  eddsaRdfc2022Provider,
  eddsaRdfc2022Suite,
  signDataIntegrity,
} from '../../src/vc/proofs/data-integrity/index.ts';
import { base58btcDecode } from '../../src/vc/multibase.ts';
import type { JsonObject } from '../../src/vc/types.ts';
import { standardsUrl } from '../support/standards.ts';

const EXAMPLES = standardsUrl('examples/');
const text = (path: string): string => readFileSync(new URL(path, EXAMPLES), 'utf8');
const json = (path: string): JsonObject => JSON.parse(text(path)) as JsonObject;
const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');

const documentLoader = createDocumentLoader();
const keys = {};

function withoutProof(document: JsonObject): JsonObject {
  const { proof: _proof, ...rest } = document;
  return rest;
}

function proofOf(document: JsonObject): JsonObject {
  const proof = Array.isArray(document.proof) ? (document.proof[0] as JsonObject) : (document.proof as JsonObject);
  return proof;
}

// The 1EdTech OB 3.0 / CLR 2.0 test key (published; test use only).
const obKey = json('ob3/ob3-test-vector.keypair.json') as {
  verificationMethod: string;
  privateKeyHex: string;
  obv3p0: Record<string, string> & { proofConfig: JsonObject };
};
const obSigner = createEd25519Signer({
  id: obKey.verificationMethod,
  seed: Uint8Array.from(Buffer.from(obKey.privateKeyHex, 'hex').subarray(0, 32)),
});

describe('OB 3.0 test vector (eddsa-rdfc-2022)', () => {
  const unsigned = json('ob3/ob3-test-vector.unsigned.json');
  const signed = json('ob3/ob3-test-vector.signed-eddsa-rdfc-2022.json');

  it('reproduces the canonical document and proof configuration byte for byte', async () => {
    expect(await canonize({ document: unsigned, documentLoader })).toBe(text('ob3/ob3-test-vector.document-canon.nq'));
    const proofConfig = { '@context': unsigned['@context'], ...obKey.obv3p0.proofConfig };
    expect(await canonize({ document: proofConfig, documentLoader })).toBe(text('ob3/ob3-test-vector.proof-canon.nq'));
    const verifyData = await createVerifyData({ suite: eddsaRdfc2022Suite, document: unsigned, proofConfig, documentLoader });
    expect(hex(verifyData)).toBe(obKey.obv3p0.dataToSignHex);
  });

  it('reproduces the signature and proofValue, and the whole signed document', async () => {
    const result = await signDataIntegrity({ document: unsigned, signer: obSigner, documentLoader, now: new Date('2010-01-01T19:23:24Z') });
    expect(hex(base58btcDecode(String(proofOf(result).proofValue).slice(1))!)).toBe(obKey.obv3p0.signatureHex);
    expect(proofOf(result).proofValue).toBe(obKey.obv3p0.proofValue);
    expect(result).toEqual(signed);
  });

  it('verifies the published signed credential', async () => {
    const result = await eddsaRdfc2022Provider.verify({ document: signed, documentLoader, keys, proofPurpose: 'assertionMethod' });
    expect(result).toMatchObject({ verified: true, format: 'eddsa-rdfc-2022' });
    expect(result.key?.controller).toBe('https://example.edu/issuers/565049');
  });
});

describe('CLR 2.0 test vector (eddsa-rdfc-2022, nested credential)', () => {
  const unsigned = json('clr2/clr2-test-vector.unsigned.json');
  const signed = json('clr2/clr2-test-vector.signed-eddsa-rdfc-2022.json');
  const nested = (document: JsonObject): JsonObject =>
    ((document.credentialSubject as JsonObject).verifiableCredential as JsonObject[])[0]!;

  it('reproduces the outer canonical document, proof configuration and proofValue', async () => {
    expect(await canonize({ document: unsigned, documentLoader })).toBe(text('clr2/clr2-test-vector.document-canon.nq'));
    const { proofValue: _value, ...proofOptions } = proofOf(signed);
    expect(await canonize({ document: { '@context': unsigned['@context'], ...proofOptions }, documentLoader })).toBe(
      text('clr2/clr2-test-vector.proof-canon.nq'),
    );
    const result = await signDataIntegrity({ document: unsigned, signer: obSigner, documentLoader, now: new Date('2010-01-01T19:23:24Z') });
    expect(proofOf(result).proofValue).toBe(proofOf(signed).proofValue);
  });

  it('reproduces the nested credential’s proofValue', async () => {
    const inner = nested(unsigned);
    const result = await signDataIntegrity({ document: withoutProof(inner), signer: obSigner, documentLoader, now: new Date('2010-01-01T19:23:24Z') });
    expect(proofOf(result).proofValue).toBe(proofOf(inner).proofValue);
  });

  it('verifies both the outer proof and the nested credential’s proof', async () => {
    const outer = await eddsaRdfc2022Provider.verify({ document: signed, documentLoader, keys, proofPurpose: 'assertionMethod' });
    expect(outer.verified, outer.message).toBe(true);
    const inner = await eddsaRdfc2022Provider.verify({ document: nested(signed), documentLoader, keys, proofPurpose: 'assertionMethod' });
    expect(inner.verified, inner.message).toBe(true);
  });
});

describe('W3C vc-di-eddsa test vectors', () => {
  const unsigned = json('vc-di-eddsa/unsigned.json');
  const keyPair = json('vc-di-eddsa/keyPair.json') as { publicKeyMultibase: string; privateKeyMultibase: string };
  const did = `did:key:${keyPair.publicKeyMultibase}`;
  const signer = createEd25519Signer({ id: `${did}#${keyPair.publicKeyMultibase}`, seed: decodeSecretKeyMultibase(keyPair.privateKeyMultibase)! });
  const now = new Date('2023-02-24T23:36:38Z');

  it('eddsa-rdfc-2022: canonical document, proof configuration, signature and proofValue match', async () => {
    const proofConfig = json('vc-di-eddsa/eddsa-rdfc-2022_proofConfigDataInt.json');
    expect(await canonize({ document: unsigned, documentLoader })).toBe(text('vc-di-eddsa/eddsa-rdfc-2022_canonDocDataInt.txt'));
    expect(await canonize({ document: proofConfig, documentLoader })).toBe(text('vc-di-eddsa/eddsa-rdfc-2022_proofCanonDataInt.txt'));
    const result = await signDataIntegrity({ document: unsigned, signer, documentLoader, now });
    expect(proofOf(result).proofValue).toBe(text('vc-di-eddsa/eddsa-rdfc-2022_sigBTC58DataInt.txt').trim());
    expect(result).toEqual(json('vc-di-eddsa/eddsa-rdfc-2022_signedDataInt.json'));
  });

  it('eddsa-jcs-2022: canonical document, proof configuration, signature and proofValue match', async () => {
    const proofConfig = json('vc-di-eddsa/eddsa-jcs-2022_proofConfigJCS.json');
    expect(await eddsaJcs2022Suite.canonicalize({ document: unsigned, documentLoader })).toBe(text('vc-di-eddsa/eddsa-jcs-2022_canonDocJCS.txt').trim());
    expect(await eddsaJcs2022Suite.canonicalize({ document: proofConfig, documentLoader })).toBe(text('vc-di-eddsa/eddsa-jcs-2022_proofCanonJCS.txt').trim());
    const result = await signDataIntegrity({ document: unsigned, signer, documentLoader, now, cryptosuite: 'eddsa-jcs-2022' });
    expect(proofOf(result).proofValue).toBe(text('vc-di-eddsa/eddsa-jcs-2022_sigBTC58JCS.txt').trim());
    expect(result).toEqual(json('vc-di-eddsa/eddsa-jcs-2022_signedJCS.json'));
  });

  it('the signed vectors verify, and resolve their did:key', async () => {
    for (const [provider, file] of [
      [eddsaRdfc2022Provider, 'eddsa-rdfc-2022_signedDataInt.json'],
      [eddsaJcs2022Provider, 'eddsa-jcs-2022_signedJCS.json'],
      [ed25519Signature2020Provider, 'Ed25519Signature2020_signedEdSig.json'],
    ] as const) {
      const document = json(`vc-di-eddsa/${file}`);
      expect(provider.canVerify(document)).toBe(true);
      const result = await provider.verify({ document, documentLoader, keys, proofPurpose: 'assertionMethod' });
      expect(result.verified, `${file}: ${result.message}`).toBe(true);
      expect(result.key?.controller).toBe(did);
    }
  });
});
