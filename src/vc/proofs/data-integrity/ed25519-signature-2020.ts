/**
 * `Ed25519Signature2020` (W3C CCG Ed25519 Signature 2020): the legacy Linked Data proof many
 * wallets and OB 3.0 issuers still send. Read-only: microcred verifies it and never issues it.
 * Same hashing as eddsa-rdfc-2022 (URDNA2015 = RDFC-1.0); the proof configuration takes the
 * document's @context, as jsonld-signatures does.
 */
import { canonize, type QuadProducer } from '../../jsonld.ts';
import type { ProofProvider } from '../provider.ts';
import { createSuiteProvider, type DataIntegritySuite } from './common.ts';

/** The Ed25519Signature2020 suite (verification only). */
export function createEd25519Signature2020Suite(options: { quads?: QuadProducer } = {}): DataIntegritySuite {
  return {
    name: 'Ed25519Signature2020',
    proofType: 'Ed25519Signature2020',
    issuable: false,
    proofCarriesContext: false,
    addsSuiteContextToProofConfig: false,
    canonicalize: ({ document, documentLoader }) => canonize({ document, documentLoader, quads: options.quads }),
  };
}

export const ed25519Signature2020Suite = createEd25519Signature2020Suite();
/** Verifies `Ed25519Signature2020` proofs; `canIssue` is always false. */
export const ed25519Signature2020Provider: ProofProvider = createSuiteProvider(ed25519Signature2020Suite);
