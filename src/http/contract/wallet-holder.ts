/**
 * The API contract of microcred's wallet as an OpenID4VCI / OpenID4VP holder (issue 12 §4): the learner
 * pastes another issuer's Credential Offer or another verifier's presentation request.
 */
import { Type, type Static } from '@sinclair/typebox';
import { WalletItemRef } from './wallet.ts';

const Nullable = <T extends ReturnType<typeof Type.String>>(schema: T) => Type.Union([schema, Type.Null()]);

export const ExternalOfferBodySchema = Type.Object({
  offer: Type.String({ minLength: 1, maxLength: 16384, description: 'The Credential Offer link: openid-credential-offer://?credential_offer=… or …?credential_offer_uri=…' }),
}, { additionalProperties: false });

export const ExternalOfferAcceptSchema = Type.Object({
  offer: Type.String({ minLength: 1, maxLength: 16384, description: 'The Credential Offer link' }),
  txCode: Type.Optional(Type.String({ maxLength: 256, description: 'The transaction code the issuer sent separately, when the offer asks for one' })),
}, { additionalProperties: false });

export const AuthorizationCallbackSchema = Type.Object({
  code: Type.String({ minLength: 1, maxLength: 4096, description: 'The authorization code the issuer sent you back with' }),
  state: Type.String({ minLength: 1, maxLength: 65536, description: 'The state the issuer sent you back with (sealed by this wallet)' }),
}, { additionalProperties: false });

export const OfferPreviewSchema = Type.Object({
  credentialIssuer: Type.String({ description: 'The issuer\'s Credential Issuer Identifier (https URL)' }),
  issuerName: Nullable(Type.String()),
  issuerLogo: Nullable(Type.String()),
  credentials: Type.Array(Type.Object({
    configurationId: Type.String(),
    format: Nullable(Type.String()),
    name: Nullable(Type.String()),
    supported: Type.Boolean({ description: 'False for a format the wallet cannot keep (only ldp_vc and jwt_vc_json are taken)' }),
  })),
  txCode: Type.Union([Type.Object({
    length: Type.Union([Type.Integer(), Type.Null()]),
    inputMode: Type.Union([Type.Literal('numeric'), Type.Literal('text')]),
    description: Nullable(Type.String()),
  }), Type.Null()], { description: 'The offer needs a transaction code (sent to the learner another way)' }),
  grant: Type.Union([Type.Literal('pre-authorized_code'), Type.Literal('authorization_code'), Type.Null()], {
    description: 'The grant offered; only pre-authorized_code is taken by this wallet today',
  }),
});

export const AuthorizationStartSchema = Type.Object({
  authorizationUrl: Type.String({ description: 'The issuer\'s sign-in page (authorization request with PKCE) to send you to' }),
  offer: OfferPreviewSchema,
});

export const ExternalOfferResultSchema = Type.Object({
  offer: OfferPreviewSchema,
  items: Type.Array(Type.Object({
    item: WalletItemRef,
    duplicate: Type.Boolean(),
    configurationId: Type.String(),
    boundToHolder: Type.Boolean({ description: 'The credential\'s subject is your DID (the key the wallet proved)' }),
  })),
});

export const PresentationRequestBodySchema = Type.Object({
  request: Type.String({ minLength: 1, maxLength: 16384, description: 'The OpenID4VP request link: openid4vp://?client_id=…&request_uri=… (or the request by value)' }),
}, { additionalProperties: false });

export const PresentationAnswerBodySchema = Type.Object({
  request: Type.String({ minLength: 1, maxLength: 16384, description: 'The OpenID4VP request link' }),
  credentialIds: Type.Array(Type.String({ maxLength: 100 }), { minItems: 1, maxItems: 20, description: 'Your wallet credentials to present (each must answer one of the request\'s queries)' }),
}, { additionalProperties: false });

export const RequestPreviewSchema = Type.Object({
  clientId: Type.String({ description: 'The verifier\'s client_id as the wallet checked it' }),
  verifierName: Nullable(Type.String({ description: 'The name the verifier gives itself (client_metadata.client_name), unverified' })),
  responseUri: Type.String({ description: 'Where the presentation is sent' }),
  signedRequest: Type.Boolean(),
  satisfiable: Type.Boolean({ description: 'Every credential asked for has a match in your wallet' }),
  credentials: Type.Array(Type.Object({
    queryId: Type.String(),
    format: Type.String(),
    types: Type.Array(Type.Array(Type.String())),
    supported: Type.Boolean(),
    matches: Type.Array(Type.Object({ id: Type.String(), name: Type.String(), issuerName: Nullable(Type.String()), status: Type.String() })),
  })),
});

export const PresentationAnswerSchema = Type.Object({
  request: RequestPreviewSchema,
  outcome: Type.Object({
    accepted: Type.Boolean({ description: 'The verifier accepted the presentation (answered 2xx)' }),
    status: Type.Integer(),
    error: Nullable(Type.String()),
    redirectUri: Nullable(Type.String({ description: 'Where the verifier asks to send you next (https)' })),
    presented: Type.Array(Type.String()),
  }),
});

export type OfferPreview = Static<typeof OfferPreviewSchema>;
export type AuthorizationStart = Static<typeof AuthorizationStartSchema>;
export type ExternalOfferResult = Static<typeof ExternalOfferResultSchema>;
export type RequestPreview = Static<typeof RequestPreviewSchema>;
export type PresentationAnswer = Static<typeof PresentationAnswerSchema>;
