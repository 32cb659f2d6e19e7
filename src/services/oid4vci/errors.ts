/**
 * An error a wallet must be told in the protocol's own words: OAuth 2.0 (RFC 6749 §5.2) at the token
 * endpoint, OpenID4VCI 1.0 §8.3.1.2 at the credential endpoint. Answered as `{ error, error_description }`,
 * never as problem+json, since wallets branch on `error`.
 */
export class Oid4vciError extends Error {
  constructor(readonly status: number, readonly error: string, readonly description: string, readonly authenticate?: string) {
    super(description);
  }

  /** RFC 6749 §5.2 / OpenID4VCI 1.0 §6.3: the code is unknown, expired, used, or the tx_code is wrong. */
  static invalidGrant(description: string): Oid4vciError {
    return new Oid4vciError(400, 'invalid_grant', description);
  }

  static invalidRequest(description: string): Oid4vciError {
    return new Oid4vciError(400, 'invalid_request', description);
  }

  /** RFC 6750 §3.1: no, unknown or expired access token. */
  static invalidToken(description: string): Oid4vciError {
    return new Oid4vciError(401, 'invalid_token', description, `Bearer error="invalid_token", error_description="${description.replace(/["\\]/g, '')}"`);
  }

  static invalidProof(description: string): Oid4vciError {
    return new Oid4vciError(400, 'invalid_proof', description);
  }

  static invalidNonce(description: string): Oid4vciError {
    return new Oid4vciError(400, 'invalid_nonce', description);
  }
}
