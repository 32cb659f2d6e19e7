/**
 * Credentials with issuer-dependent terms (VC 2.0 §5.2), signed by the reference library with the
 * VC 2.0 base context as it was published with `@vocab`, as an issuer of that time signed them.
 */
import * as vc from '@digitalbazaar/vc';
import { DataIntegrityProof } from '@digitalbazaar/data-integrity';
import { cryptosuite as eddsaRdfc2022Cryptosuite } from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import * as Ed25519Multikey from '@digitalbazaar/ed25519-multikey';
import { CONTEXTS } from '../../src/vc/contexts/index.ts';
import type { Ed25519Multikey as OurKey } from '../../src/vc/keys/ed25519.ts';
import type { DocumentLoader, JsonObject } from '../../src/vc/types.ts';
import { referenceDocumentLoader } from './reference.ts';

/** The reference's loader, with the VC 2.0 context carrying `@vocab` (issuer-dependent). */
export const candidateLoader: DocumentLoader = async (url) => {
  const loaded = await referenceDocumentLoader(url);
  if (url !== CONTEXTS.CREDENTIALS_V2) return loaded;
  const document = loaded.document as { '@context': JsonObject };
  return { ...loaded, document: { ...document, '@context': { ...document['@context'], '@vocab': 'https://www.w3.org/ns/credentials/issuer-dependent#' } } };
};

/** A VC 2.0 credential by the key's did:key whose subject uses terms no context defines. */
export function withIssuerDependentTerms(key: OurKey): JsonObject {
  return {
    '@context': [CONTEXTS.CREDENTIALS_V2],
    type: ['VerifiableCredential'],
    issuer: key.controller,
    validFrom: '2025-01-01T00:00:00Z',
    credentialSubject: { id: 'did:example:learner', statusEntry: 'enrolled', degree: { type: 'BachelorDegree', url: 'https://uni.example/degrees/1' } },
  };
}

export async function referenceSignWithVocab(key: OurKey, credential: JsonObject, now: Date): Promise<JsonObject> {
  const keyPair = await Ed25519Multikey.from({ ...key });
  const suite = new DataIntegrityProof({ signer: keyPair.signer(), date: now, cryptosuite: eddsaRdfc2022Cryptosuite });
  return (await vc.issue({ credential: structuredClone(credential), suite, documentLoader: candidateLoader, now })) as JsonObject;
}
