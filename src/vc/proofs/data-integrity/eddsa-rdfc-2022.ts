/**
 * `eddsa-rdfc-2022` (VC Data Integrity EdDSA Cryptosuites v1.0 §3.3): RDFC-1.0 canonical N-Quads,
 * sha256, Ed25519. microcred's default proof format.
 */
import { canonize, type QuadProducer } from '../../jsonld.ts';
import type { DocumentLoader } from '../../types.ts';
import type { ProofProvider } from '../provider.ts';
import { createSuiteProvider, type DataIntegritySuite } from './common.ts';

export interface RdfcSuiteOptions {
  /** Replaces jsonld.js's toRDF with a faster producer of the same quads (e.g. a template cache). */
  quads?: QuadProducer;
  /**
   * Remember the canonical form of this many proof configurations (default 0: none). They repeat:
   * one issuer, one key, one purpose, and within a batch one `created` time.
   */
  proofConfigCacheSize?: number;
}

/** The eddsa-rdfc-2022 suite; `quads` plugs in another producer of the RDF dataset. */
export function createEddsaRdfc2022Suite(options: RdfcSuiteOptions = {}): DataIntegritySuite {
  const canonicalize: DataIntegritySuite['canonicalize'] = ({ document, documentLoader }) =>
    canonize({ document, documentLoader, quads: options.quads });
  const size = options.proofConfigCacheSize ?? 0;
  if (!Number.isInteger(size) || size < 0) throw new TypeError('proofConfigCacheSize must be a whole number ≥ 0.');
  // Per loader (what a context URL means is the loader's), then by the configuration's JSON text.
  const byLoader = new WeakMap<DocumentLoader, Map<string, string>>();
  const canonicalizeProofConfig: DataIntegritySuite['canonicalize'] = async ({ document, documentLoader }) => {
    let remembered = byLoader.get(documentLoader);
    if (!remembered) byLoader.set(documentLoader, (remembered = new Map()));
    const key = JSON.stringify(document);
    const held = remembered.get(key);
    if (held !== undefined) return held;
    const canonical = await canonicalize({ document, documentLoader });
    remembered.set(key, canonical);
    if (remembered.size > size) remembered.delete(remembered.keys().next().value!);
    return canonical;
  };
  return {
    name: 'eddsa-rdfc-2022',
    proofType: 'DataIntegrityProof',
    cryptosuite: 'eddsa-rdfc-2022',
    issuable: true,
    proofCarriesContext: false,
    addsSuiteContextToProofConfig: true,
    // vc-di-eddsa §3.3.3 Transformation: RDFC-1.0 over the JSON-LD dataset.
    canonicalize,
    ...(size > 0 ? { canonicalizeProofConfig } : {}),
  };
}

/** Issues and verifies `eddsa-rdfc-2022` proofs. */
export function createEddsaRdfc2022Provider(options: RdfcSuiteOptions = {}): ProofProvider {
  return createSuiteProvider(createEddsaRdfc2022Suite(options));
}

export const eddsaRdfc2022Suite = createEddsaRdfc2022Suite();
export const eddsaRdfc2022Provider = createSuiteProvider(eddsaRdfc2022Suite);
