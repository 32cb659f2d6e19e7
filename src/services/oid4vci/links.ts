/** The addresses of OpenID4VCI issuance (issue 12 §1), pure: the claim e-mail and the routes name them. */

/** Where each issuer's OpenID4VCI Credential Issuer lives, below PUBLIC_URL: `/oid4vci/<issuerId>`. */
export const OID4VCI_PATH = '/oid4vci';

/** The Credential Issuer Identifier of an issuer (OpenID4VCI 1.0 §12.2.1). */
export function credentialIssuerUrl(publicUrl: string, issuerId: string): string {
  return `${publicUrl}${OID4VCI_PATH}/${issuerId}`;
}

/** Where a claim link's Credential Offer is served (OpenID4VCI 1.0 §4.1.3 credential_offer_uri). */
export function claimOfferUri(publicUrl: string, claimToken: string): string {
  return `${publicUrl}/api/v1/claim/${claimToken}/credential-offer`;
}

/** The `openid-credential-offer://` link (OpenID4VCI 1.0 §4.1) of a claim link: what the QR code and the e-mail carry. */
export function claimOfferLink(publicUrl: string, claimToken: string): string {
  return `openid-credential-offer://?credential_offer_uri=${encodeURIComponent(claimOfferUri(publicUrl, claimToken))}`;
}
