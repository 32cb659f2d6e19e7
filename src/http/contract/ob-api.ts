import { Type, type Static } from '@sinclair/typebox';

/**
 * The 1EdTech Open Badges 3.0 API (OB 3.0 §6, "Open Badges API"; issue 13 §1): the host's resources
 * under /ims/ob/v3p0, its errors (Imsx_StatusInfo), and the consumer's push of a credential to a
 * learner's host.
 */

const CODE_MINOR = Type.Union([
  'forbidden', 'fullsuccess', 'internal_server_error', 'invalid_data', 'invalid_query_parameter', 'misdirected_request',
  'not_acceptable', 'not_allowed', 'not_found', 'not_modified', 'server_busy', 'unauthorizedrequest', 'unknown',
].map((value) => Type.Literal(value)));

/** OB 3.0 §B.2.7 Imsx_StatusInfo: how every error of the API is said. */
export const ImsxStatusInfoSchema = Type.Object({
  imsx_codeMajor: Type.Union([Type.Literal('failure'), Type.Literal('processing'), Type.Literal('success'), Type.Literal('unsupported')]),
  imsx_severity: Type.Union([Type.Literal('error'), Type.Literal('status'), Type.Literal('warning')]),
  imsx_description: Type.Optional(Type.String()),
  imsx_codeMinor: Type.Optional(Type.Object({
    imsx_codeMinorField: Type.Array(Type.Object({ imsx_codeMinorFieldName: Type.String(), imsx_codeMinorFieldValue: CODE_MINOR })),
  })),
}, { $id: 'Imsx_StatusInfo', additionalProperties: false });
export type ImsxStatusInfo = Static<typeof ImsxStatusInfoSchema>;
export type ImsxCodeMinor = Static<typeof CODE_MINOR>;

export const ImsxRef = Type.Ref('Imsx_StatusInfo');
/** Error responses of an OB 3.0 API route, so the OpenAPI document lists them. */
export function imsxErrors(...codes: number[]) {
  return Object.fromEntries(codes.map((code) => [code, ImsxRef]));
}

/** getCredentials' query (OB 3.0 §6.2.2). */
export const ObCredentialsQuery = Type.Object({
  limit: Type.Optional(Type.Integer({ minimum: 1, description: 'The largest number of credentials to answer (at most 100)' })),
  offset: Type.Optional(Type.Integer({ minimum: 0, description: 'How many to skip' })),
  since: Type.Optional(Type.String({ format: 'date-time', description: 'Only credentials added to the wallet after this time' })),
}, { additionalProperties: false });

/** OB 3.0 §B.2.3 GetOpenBadgeCredentialsResponse. */
export const GetCredentialsResponseSchema = Type.Object({
  credential: Type.Optional(Type.Array(Type.Object({}, { additionalProperties: true }))),
  compactJwsString: Type.Optional(Type.Array(Type.String())),
});

/** An AchievementCredential (JSON-LD) as upsertCredential takes and answers it; verified by the service. */
export const CredentialBodySchema = Type.Object({}, { additionalProperties: true, description: 'An OpenBadgeCredential (JSON-LD); or send a compact JWS as text/plain' });

/** OB 3.0 §B.1.17 Profile, as the host shows the learner's. */
export const ObProfileSchema = Type.Object({
  id: Type.String(),
  type: Type.Array(Type.String()),
  name: Type.Optional(Type.String()),
  email: Type.Optional(Type.String()),
}, { additionalProperties: true });

/** putProfile: a Profile; the host keeps `name` (the other properties are the host's own and are not changed). */
export const ObProfileUpdateSchema = Type.Object({
  name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
}, { additionalProperties: true });

export const ObPushParams = Type.Object({ token: Type.String({ pattern: '^[A-Za-z0-9_-]{20,100}$' }) });
export const ObPushBodySchema = Type.Object({
  hostUrl: Type.String({ minLength: 1, maxLength: 2048, description: "The learner's OB 3.0 host: its site or its Service Description Document (…/ims/ob/v3p0/discovery)" }),
}, { additionalProperties: false });
export const ObPushStartSchema = Type.Object({
  pushId: Type.String(),
  authorizationUrl: Type.String({ description: 'Where the learner signs in on her host and consents; she comes back to this instance afterwards' }),
});
export type ObPushStarted = Static<typeof ObPushStartSchema>;
export const ObCallbackQuery = Type.Object({
  state: Type.Optional(Type.String({ maxLength: 200 })),
  code: Type.Optional(Type.String({ maxLength: 2000 })),
  error: Type.Optional(Type.String({ maxLength: 200 })),
  error_description: Type.Optional(Type.String({ maxLength: 2000 })),
  iss: Type.Optional(Type.String({ maxLength: 2048 })),
}, { additionalProperties: true });

/** An application the learner allowed to use her wallet through the OB 3.0 API. */
export const ObConnectionSchema = Type.Object({
  id: Type.String(),
  clientName: Type.String(),
  clientUri: Type.Optional(Type.String()),
  scopes: Type.Array(Type.String()),
  permissions: Type.Array(Type.String(), { description: 'What each scope lets it see or do, in words' }),
  grantedAt: Type.Optional(Type.String({ format: 'date-time' })),
});
export type ConnectedApplication = Static<typeof ObConnectionSchema>;
export const ObConnectionParams = Type.Object({ grantId: Type.String({ minLength: 1, maxLength: 200, pattern: '^[A-Za-z0-9_-]+$' }) });
