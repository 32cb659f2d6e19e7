import type { KeyResolverOptions, ResolvedKey } from '../did/resolve-key.ts';
import type { DocumentLoader, JsonObject, Signer } from '../types.ts';

/** Proof formats microcred can issue. */
export type IssueFormat = 'eddsa-rdfc-2022' | 'eddsa-jcs-2022' | 'vc-jwt';

export interface IssueProofOptions {
  /** The unsigned credential or presentation (never mutated). */
  document: JsonObject;
  signer: Signer;
  documentLoader: DocumentLoader;
  /** The proof's `created` time. */
  now: Date;
  /** `assertionMethod` for credentials, `authentication` for presentations. */
  proofPurpose?: 'assertionMethod' | 'authentication';
  challenge?: string;
  domain?: string;
}

export interface VerifyProofOptions {
  /** A credential / presentation object, or a compact JWS string for VC-JWT. */
  document: unknown;
  documentLoader: DocumentLoader;
  keys: KeyResolverOptions;
  /** The purpose the verifier expects (`assertionMethod` for credentials). */
  proofPurpose: 'assertionMethod' | 'authentication';
  challenge?: string;
  domain?: string;
  /** The verifier's clock, for a proof's own `expires` (VC Data Integrity §2.1). */
  now?: Date;
}

/** What a provider found when checking a proof. Never thrown: bad input is `verified: false`. */
export interface ProofVerification {
  verified: boolean;
  /** A plain sentence for the report: what was checked and what was found. */
  message: string;
  /** The key that made the proof, when it could be resolved (used by the key-binding check). */
  key?: ResolvedKey;
  /**
   * Every key whose proof verified, in the document's order, when the document carries a proof set
   * or chain (VC Data Integrity 1.0 §2.1.1–2.1.2): the issuer-key rule holds when one is the issuer's.
   */
  keys?: ResolvedKey[];
  /** For VC-JWT: the credential carried in the token, for the other checks to read. */
  credential?: JsonObject;
  /** The proof format that was checked, e.g. `eddsa-rdfc-2022`. */
  format?: string;
  /** A doubt about a valid proof, e.g. issuer-dependent terms (VC 2.0 §5.2) it covers. */
  warning?: string;
}

/**
 * One proof format (STYLE.md: providers chosen by capability, so a new format adds a file, not a
 * branch in every function).
 */
export interface ProofProvider {
  readonly name: string;
  canIssue(format: string): boolean;
  /** True when this provider recognises the proof on the document (or the JWT string). */
  canVerify(document: unknown): boolean;
  issue(options: IssueProofOptions): Promise<JsonObject | string>;
  verify(options: VerifyProofOptions): Promise<ProofVerification>;
}
