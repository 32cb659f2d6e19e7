import { Type, type Static } from '@sinclair/typebox';
import { Id } from './common.ts';

/**
 * OpenID4VCI 1.0 (issue 12 §1). The protocol documents are the specifications' (OpenID4VCI 1.0 §4.1.1
 * Credential Offer, §12.2 Credential Issuer Metadata, RFC 8414 Authorization Server Metadata): they are
 * described here loosely (open objects) and built by @openid4vc/openid4vci, which validates them.
 */
export const IssuerParams = Type.Object({ issuerId: Id });
export const CredentialIdParams = Type.Object({ id: Id });

const Open = (description: string) => Type.Object({}, { additionalProperties: true, description });

export const CredentialIssuerMetadataSchema = Open('Credential Issuer Metadata (OpenID4VCI 1.0 §12.2.4)');
export const AuthorizationServerMetadataSchema = Open('OAuth 2.0 Authorization Server Metadata (RFC 8414 §2)');
export const CredentialOfferSchema = Open('A Credential Offer (OpenID4VCI 1.0 §4.1.1), with a fresh pre-authorized code');
export const TokenResponseSchema = Open('Access Token Response (RFC 6749 §5.1, OpenID4VCI 1.0 §6.2)');
export const CredentialResponseSchema = Open('Credential Response (OpenID4VCI 1.0 §8.3): credentials: [{ credential }]');
export const NonceResponseSchema = Type.Object({ c_nonce: Type.String(), c_nonce_expires_in: Type.Optional(Type.Integer()) }, { description: 'Nonce Response (OpenID4VCI 1.0 §7.2)' });
export const OAuthErrorSchema = Type.Object({ error: Type.String(), error_description: Type.Optional(Type.String()) }, { additionalProperties: true, description: 'OAuth 2.0 / OpenID4VCI error (RFC 6749 §5.2, OpenID4VCI 1.0 §8.3.1.2)' });

export const TokenRequestSchema = Type.Object({
  grant_type: Type.String({ maxLength: 200 }),
  'pre-authorized_code': Type.Optional(Type.String({ maxLength: 500 })),
  tx_code: Type.Optional(Type.String({ maxLength: 100 })),
  code: Type.Optional(Type.String({ maxLength: 500 })),
  code_verifier: Type.Optional(Type.String({ maxLength: 200 })),
  redirect_uri: Type.Optional(Type.String({ maxLength: 2000 })),
  client_id: Type.Optional(Type.String({ maxLength: 500 })),
}, { additionalProperties: true, description: 'Token Request (RFC 6749 §4.1.3; OpenID4VCI 1.0 §6.1), form-encoded' });

export const CredentialRequestSchema = Type.Object({}, { additionalProperties: true, description: 'Credential Request (OpenID4VCI 1.0 §8.2): credential_configuration_id or credential_identifier, and proofs.jwt (or the draft-15 proof)' });

export const AuthorizationQuery = Type.Object({
  response_type: Type.Optional(Type.String({ maxLength: 50 })),
  client_id: Type.Optional(Type.String({ maxLength: 500 })),
  redirect_uri: Type.Optional(Type.String({ maxLength: 2000 })),
  scope: Type.Optional(Type.String({ maxLength: 2000 })),
  state: Type.Optional(Type.String({ maxLength: 500 })),
  code_challenge: Type.Optional(Type.String({ maxLength: 200 })),
  code_challenge_method: Type.Optional(Type.String({ maxLength: 20 })),
  authorization_details: Type.Optional(Type.String({ maxLength: 4000 })),
  issuer_state: Type.Optional(Type.String({ maxLength: 500 })),
}, { additionalProperties: true });

export const StaffOfferBodySchema = Type.Object({
  txCode: Type.Optional(Type.Boolean({ description: 'Require a 6-digit transaction code, answered here once, to be given to the learner separately' })),
}, { additionalProperties: false });

export const StaffOfferSchema = Type.Object({
  offer: CredentialOfferSchema,
  link: Type.String({ description: 'openid-credential-offer://?credential_offer=… (the offer by value)' }),
  txCode: Type.Optional(Type.String({ description: 'The transaction code: shown once, give it to the learner by another channel than the link' })),
  expiresAt: Type.String({ format: 'date-time' }),
  qr: Type.String({ description: 'The QR code (SVG) of the link, for a wallet app to scan' }),
});
export type StaffOffer = Static<typeof StaffOfferSchema>;

export const ClaimOfferLinkSchema = Type.Object({
  link: Type.String({ description: 'openid-credential-offer://?credential_offer_uri=… : open it on the phone with the wallet, or scan its QR code' }),
  offerUri: Type.String({ description: 'The credential_offer_uri it names' }),
});
export type ClaimOfferLink = Static<typeof ClaimOfferLinkSchema>;
