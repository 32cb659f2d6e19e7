/**
 * The small interfaces the credential library needs from the outside world (STYLE.md: declare the
 * interface the core needs, adapt to it). Nothing here is tied to a driver or a framework.
 */

/** A JSON object as it arrives from outside: untrusted until checked. */
export type JsonObject = { [key: string]: unknown };

/** Signs bytes with one private key. `id` is the verification method (a DID URL). */
export interface Signer {
  /** Verification method id, e.g. `did:key:z6Mk…#z6Mk…`. */
  id: string;
  /** JOSE / Data Integrity algorithm name. Only `Ed25519` (EdDSA) is issued today. */
  algorithm: 'Ed25519';
  sign(data: Uint8Array): Promise<Uint8Array>;
}

/** The result of fetching a remote document through the caller's chosen fetcher. */
export interface FetchedDocument {
  /** The URL the document was finally read from (after redirects). */
  url: string;
  /**
   * The HTTP status of the answer: a 2xx, or one the caller listed in `acceptStatus`. Absent for a
   * document that did not come over HTTP (a saved file, a fixture), which counts as 200.
   */
  status?: number;
  contentType?: string;
  /**
   * The answer's `Link` header(s) as received (RFC 8288), several joined with ", "; absent when there
   * was none or the document did not come over HTTP. Untrusted: parse with `parseLinkHeader`.
   */
  link?: string;
  body: Uint8Array;
}

export interface FetchOptions {
  /**
   * Error statuses the caller wants to see as an answer instead of a failure, e.g. `[410]`: an Open
   * Badges 2.0 hosted assertion answering 410 Gone has been revoked (OB 2.0 §Revocation). Any other
   * non-2xx answer still rejects.
   */
  acceptStatus?: readonly number[];
  /**
   * POST instead of GET, with this body and these headers (webhook deliveries). Redirects are not
   * followed for a POST: its answer is the answer.
   */
  post?: { body: string; headers: Record<string, string> };
  /** Headers for a GET (an OAuth 2.0 bearer token and the media type an LTI Advantage service answers in). */
  headers?: Record<string, string>;
}

/**
 * Reads a document over the network. The only door to the network: the library never calls
 * `fetch` itself. Implementations guard against SSRF, size and time; tests pass fixtures.
 * Rejects (throws) when the document cannot be read, or answers with a non-2xx status the caller did
 * not list in `options.acceptStatus`.
 */
export type Fetcher = (url: string, options?: FetchOptions) => Promise<FetchedDocument>;

/** A JSON-LD document loader as jsonld.js expects it. */
export interface RemoteDocument {
  contextUrl: string | null;
  documentUrl: string;
  document: unknown;
}
export type DocumentLoader = (url: string) => Promise<RemoteDocument>;

/** Returns the current time. Passed in so verification is testable and reproducible. */
export type Clock = () => Date;

export type CheckOutcome = 'passed' | 'failed' | 'warning' | 'skipped';

/** One line of a verification report, worded for a non-expert. */
export interface Check {
  /** Stable machine name, e.g. `proof`, `status`, `expiry`. */
  check: string;
  outcome: CheckOutcome;
  message: string;
  /** Optional machine detail (never needed to understand the message). */
  details?: JsonObject;
}

export interface VerificationResult<T = JsonObject> {
  /** True when no check failed. Warnings do not fail verification. */
  verified: boolean;
  checks: Check[];
  /** The credential as parsed (the JWT payload's credential for VC-JWT), when it could be parsed. */
  credential?: T;
}
