/**
 * `eddsa-jcs-2022` (VC Data Integrity EdDSA Cryptosuites v1.0 §3.4): JSON Canonicalization Scheme
 * (RFC 8785), sha256, Ed25519. The proof carries the document's @context (§3.4.1 Create Proof).
 */
import { toRdfQuads } from '../../jsonld.ts';
import type { ProofProvider } from '../provider.ts';
import { createSuiteProvider, type DataIntegritySuite } from './common.ts';
import { canonicalizeJcs } from './jcs.ts';

/**
 * The eddsa-jcs-2022 suite. Verification does no JSON-LD processing (the cryptosuite does not need
 * it); issuing still runs JSON-LD safe mode, so microcred never signs a credential whose terms a
 * JSON-LD verifier would drop.
 */
export const eddsaJcs2022Suite: DataIntegritySuite = {
  name: 'eddsa-jcs-2022',
  proofType: 'DataIntegrityProof',
  cryptosuite: 'eddsa-jcs-2022',
  issuable: true,
  proofCarriesContext: true,
  addsSuiteContextToProofConfig: false,
  canonicalize: async ({ document }) => canonicalizeJcs(document),
  checkBeforeIssue: async ({ document, documentLoader }) => {
    await toRdfQuads({ document, documentLoader });
  },
};

/** Issues and verifies `eddsa-jcs-2022` proofs. */
export const eddsaJcs2022Provider: ProofProvider = createSuiteProvider(eddsaJcs2022Suite);
