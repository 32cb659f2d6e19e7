/**
 * Data Integrity proofs: the providers, and two conveniences that pick one by capability.
 */
import type { DocumentLoader, JsonObject, Signer } from '../../types.ts';
import type { ProofProvider, ProofVerification, VerifyProofOptions } from '../provider.ts';
import { ed25519Signature2020Provider } from './ed25519-signature-2020.ts';
import { eddsaJcs2022Provider } from './eddsa-jcs-2022.ts';
import { eddsaRdfc2022Provider } from './eddsa-rdfc-2022.ts';

export { createEddsaRdfc2022Provider, createEddsaRdfc2022Suite, eddsaRdfc2022Provider, eddsaRdfc2022Suite } from './eddsa-rdfc-2022.ts';
export { eddsaJcs2022Provider, eddsaJcs2022Suite } from './eddsa-jcs-2022.ts';
export { createEd25519Signature2020Suite, ed25519Signature2020Provider, ed25519Signature2020Suite } from './ed25519-signature-2020.ts';
export { createSuiteProvider, createVerifyData, type DataIntegritySuite } from './common.ts';
export { canonicalizeJcs } from './jcs.ts';

/** Every Data Integrity format microcred knows, default (eddsa-rdfc-2022) first. */
export const dataIntegrityProviders: readonly ProofProvider[] = [
  eddsaRdfc2022Provider,
  eddsaJcs2022Provider,
  ed25519Signature2020Provider,
];

export type DataIntegrityCryptosuite = 'eddsa-rdfc-2022' | 'eddsa-jcs-2022';

export interface SignDataIntegrityOptions {
  /** The unsigned credential or presentation (not mutated). */
  document: JsonObject;
  signer: Signer;
  documentLoader: DocumentLoader;
  /** Becomes the proof's `created`. */
  now: Date;
  cryptosuite?: DataIntegrityCryptosuite;
  proofPurpose?: 'assertionMethod' | 'authentication';
  challenge?: string;
  domain?: string;
}

/**
 * Returns a copy of the document with a Data Integrity proof (default `eddsa-rdfc-2022`,
 * `assertionMethod`). Throws TypeError on misuse and `JsonLdSafeModeError` (naming the terms)
 * when the document uses terms its context does not define.
 *
 * @example
 *   const signed = await signDataIntegrity({ document: credential, signer, documentLoader, now: new Date() });
 */
export async function signDataIntegrity(options: SignDataIntegrityOptions): Promise<JsonObject> {
  const { cryptosuite = 'eddsa-rdfc-2022', ...rest } = options ?? {};
  const provider = dataIntegrityProviders.find((candidate) => candidate.canIssue(cryptosuite));
  if (!provider) throw new TypeError(`Unknown Data Integrity cryptosuite ${JSON.stringify(cryptosuite)}.`);
  return (await provider.issue(rest)) as JsonObject;
}

/**
 * Verifies a document's Data Integrity proof with the first provider that recognises it. Never
 * throws: a document without a known proof is `verified: false`.
 */
export async function verifyDataIntegrity(options: VerifyProofOptions): Promise<ProofVerification> {
  const provider = dataIntegrityProviders.find((candidate) => candidate.canVerify(options?.document));
  if (!provider) {
    return { verified: false, message: 'The document carries no Data Integrity proof that microcred can check.' };
  }
  return provider.verify(options);
}
