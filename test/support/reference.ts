/**
 * The digitalbazaar reference stack (@digitalbazaar/vc + data-integrity + eddsa-rdfc-2022), set up
 * once for interop tests and benchmarks: an independent implementation to check ours against.
 */
import * as vc from '@digitalbazaar/vc';
import { DataIntegrityProof } from '@digitalbazaar/data-integrity';
import { cryptosuite as eddsaRdfc2022Cryptosuite } from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import * as Ed25519Multikey from '@digitalbazaar/ed25519-multikey';
import { CONTEXTS, EU_CONTEXT_BYTES, isEuContextUrlForm } from '../../src/vc/contexts/index.ts';
import { resolveDidKey } from '../../src/vc/did/did-key.ts';
import { createDocumentLoader } from '../../src/vc/document-loader.ts';
import type { Ed25519Multikey as OurKey } from '../../src/vc/keys/ed25519.ts';
import type { DocumentLoader, JsonObject } from '../../src/vc/types.ts';

const bundled = createDocumentLoader();

/**
 * Bundled contexts plus did:key documents and verification methods, which the reference dereferences;
 * an instance's EU context URL (https://host/contexts/eu/v1) reads as what every instance serves there.
 */
export const referenceDocumentLoader: DocumentLoader = async (url) => {
  if (isEuContextUrlForm(url)) return { contextUrl: null, documentUrl: url, document: JSON.parse(new TextDecoder().decode(EU_CONTEXT_BYTES)) as unknown };
  if (url.startsWith('did:key:')) {
    const [did, fragment] = url.split('#') as [string, string | undefined];
    const document = resolveDidKey(did);
    if (!document) throw new Error(`Not an Ed25519 did:key: ${url}`);
    if (fragment === undefined) return { contextUrl: null, documentUrl: url, document };
    const method = (document.verificationMethod as JsonObject[]).find((vm) => vm.id === url);
    if (!method) throw new Error(`No verification method ${url}`);
    return { contextUrl: null, documentUrl: url, document: { '@context': CONTEXTS.MULTIKEY_V1, ...method } };
  }
  return bundled(url);
};

export interface ReferenceIssuer {
  sign(credential: JsonObject, now: Date): Promise<JsonObject>;
}

/** A reference signer for one key (the key pair object is built once, as a real issuer would). */
export async function createReferenceIssuer(key: OurKey): Promise<ReferenceIssuer> {
  const keyPair = await Ed25519Multikey.from({ ...key });
  return {
    async sign(credential, now) {
      const suite = new DataIntegrityProof({ signer: keyPair.signer(), date: now, cryptosuite: eddsaRdfc2022Cryptosuite });
      return (await vc.issue({ credential: structuredClone(credential), suite, documentLoader: referenceDocumentLoader, now })) as JsonObject;
    },
  };
}

/**
 * Verifies a credential's proof with the reference. Status is not the reference's job here (our own
 * tests check status); it requires a checker when `credentialStatus` is present, so one that reports
 * "not checked" as verified is passed.
 */
export async function referenceVerify(credential: JsonObject, options: { now?: Date } = {}): Promise<{ verified: boolean; error?: unknown }> {
  const suite = new DataIntegrityProof({ cryptosuite: eddsaRdfc2022Cryptosuite });
  const result = await vc.verifyCredential({
    credential,
    suite,
    documentLoader: referenceDocumentLoader,
    checkStatus: async () => ({ verified: true }),
    ...(options.now ? { now: options.now } : {}),
  });
  return { verified: result.verified === true, ...(result.error ? { error: result.error } : {}) };
}
