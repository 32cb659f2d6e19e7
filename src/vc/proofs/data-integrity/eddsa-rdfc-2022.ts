/**
 * `eddsa-rdfc-2022` (VC Data Integrity EdDSA Cryptosuites v1.0 §3.3): RDFC-1.0 canonical N-Quads,
 * sha256, Ed25519. microcred's default proof format.
 */
import { canonize, type QuadProducer } from '../../jsonld.ts';
import type { ProofProvider } from '../provider.ts';
import { createSuiteProvider, type DataIntegritySuite } from './common.ts';

export interface RdfcSuiteOptions {
  /** Replaces jsonld.js's toRDF with a faster producer of the same quads (e.g. a template cache). */
  quads?: QuadProducer;
}

/** The eddsa-rdfc-2022 suite; `quads` plugs in another producer of the RDF dataset. */
export function createEddsaRdfc2022Suite(options: RdfcSuiteOptions = {}): DataIntegritySuite {
  return {
    name: 'eddsa-rdfc-2022',
    proofType: 'DataIntegrityProof',
    cryptosuite: 'eddsa-rdfc-2022',
    issuable: true,
    proofCarriesContext: false,
    addsSuiteContextToProofConfig: true,
    // vc-di-eddsa §3.3.3 Transformation: RDFC-1.0 over the JSON-LD dataset.
    canonicalize: ({ document, documentLoader }) => canonize({ document, documentLoader, quads: options.quads }),
  };
}

/** Issues and verifies `eddsa-rdfc-2022` proofs. */
export function createEddsaRdfc2022Provider(options: RdfcSuiteOptions = {}): ProofProvider {
  return createSuiteProvider(createEddsaRdfc2022Suite(options));
}

export const eddsaRdfc2022Suite = createEddsaRdfc2022Suite();
export const eddsaRdfc2022Provider = createSuiteProvider(eddsaRdfc2022Suite);
