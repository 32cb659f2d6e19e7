/**
 * JSON Schemas (draft 2019-09) of the two metadata documents an OpenID4VCI issuer serves, written by
 * hand from the specifications' text (not from any implementation's types):
 *
 * - Credential Issuer Metadata: OpenID for Verifiable Credential Issuance 1.0, §12.2.4 (parameters),
 *   §12.2.1 (the identifier) and Appendix A.1 (the W3C VC formats: jwt_vc_json A.1.1, ldp_vc A.1.2).
 * - Authorization Server Metadata: RFC 8414 §2, with the parameter OpenID4VCI 1.0 §12.3 adds.
 *
 * Both leave room for parameters they do not name ("Additional … parameters MAY be defined", §12.2.4;
 * RFC 8414 §2 "Additional authorization server metadata parameters MAY also be used"), so objects are
 * open; what the text requires, its types and its conditions are checked.
 */

/** §12.2.1 / RFC 8414 §2 "issuer": a URL using the https scheme with no query or fragment components. */
const HTTPS_IDENTIFIER = { type: 'string', format: 'uri', pattern: '^https://[^?#]+$' } as const;
/** An endpoint: a URL (§12.2.4 "URL of the Credential Issuer's …"); RFC 8414 §2 asks for https too. */
const HTTPS_URL = { type: 'string', format: 'uri', pattern: '^https://[^#]+$' } as const;
const NON_EMPTY_STRINGS = { type: 'array', minItems: 1, items: { type: 'string', minLength: 1 } } as const;
/** BCP47 language tag (§12.2.4 display.locale, "value is a language tag" per RFC 5646). */
const LOCALE = { type: 'string', pattern: '^[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*$' } as const;
/** §12.2.4 display.logo and credential_metadata.display.logo: `uri` REQUIRED, `alt_text` OPTIONAL. */
const LOGO = {
  type: 'object', required: ['uri'],
  properties: { uri: { type: 'string', format: 'uri' }, alt_text: { type: 'string' } },
} as const;

/** §12.2.4 credential_configurations_supported.*.proof_types_supported: each proof type's object. */
const PROOF_TYPE = {
  type: 'object', required: ['proof_signing_alg_values_supported'],
  properties: {
    // REQUIRED, a non-empty array of algorithm identifiers (for `jwt`, JWS algorithms, Appendix F.1).
    proof_signing_alg_values_supported: NON_EMPTY_STRINGS,
    key_attestations_required: {
      type: 'object',
      properties: { key_storage: NON_EMPTY_STRINGS, user_authentication: NON_EMPTY_STRINGS },
    },
  },
} as const;

/** §12.2.4 credential_metadata: how a wallet shows the credential (display) and its claims. */
const CREDENTIAL_METADATA = {
  type: 'object',
  properties: {
    display: {
      type: 'array', minItems: 1,
      items: {
        type: 'object', required: ['name'], // "name: REQUIRED. String value of a display name for the Credential."
        properties: {
          name: { type: 'string', minLength: 1 },
          locale: LOCALE,
          logo: LOGO,
          description: { type: 'string' },
          background_color: { type: 'string' },
          background_image: { type: 'object', required: ['uri'], properties: { uri: { type: 'string', format: 'uri' } } },
          text_color: { type: 'string' },
        },
      },
    },
    // Appendix B.2 claims description: `path` REQUIRED, a non-empty array of string, integer or null.
    claims: {
      type: 'array', minItems: 1,
      items: {
        type: 'object', required: ['path'],
        properties: {
          path: { type: 'array', minItems: 1, items: { type: ['string', 'integer', 'null'] } },
          mandatory: { type: 'boolean' },
          display: { type: 'array', items: { type: 'object', properties: { name: { type: 'string' }, locale: LOCALE } } },
        },
      },
    },
  },
} as const;

/** One entry of §12.2.4 credential_configurations_supported, with Appendix A.1's per-format parameters. */
const CREDENTIAL_CONFIGURATION = {
  type: 'object', required: ['format'],
  properties: {
    format: { type: 'string', minLength: 1 }, // REQUIRED: the format identifier (Appendix A).
    scope: { type: 'string', minLength: 1 },
    // "non-empty array" for each of these three (§12.2.4).
    credential_signing_alg_values_supported: { type: 'array', minItems: 1, items: { type: ['string', 'integer'] } },
    cryptographic_binding_methods_supported: NON_EMPTY_STRINGS,
    proof_types_supported: { type: 'object', minProperties: 1, additionalProperties: PROOF_TYPE },
    credential_metadata: CREDENTIAL_METADATA,
  },
  // §12.2.4 proof_types_supported: "this parameter MUST be present if cryptographic_binding_methods_supported is present".
  dependentRequired: { cryptographic_binding_methods_supported: ['proof_types_supported'] },
  allOf: [
    {
      // Appendix A.1.1.2 (jwt_vc_json): credential_definition REQUIRED, with `type` REQUIRED, an array of types (VCDM §4.3).
      if: { properties: { format: { const: 'jwt_vc_json' } } },
      then: {
        required: ['credential_definition'],
        properties: { credential_definition: { type: 'object', required: ['type'], properties: { type: NON_EMPTY_STRINGS } } },
        // A.1.1.2: JWS algorithm names (strings).
        allOf: [{ properties: { credential_signing_alg_values_supported: NON_EMPTY_STRINGS } }],
      },
    },
    {
      // Appendix A.1.2.2 (ldp_vc): credential_definition REQUIRED, with `@context` and `type` both REQUIRED arrays.
      if: { properties: { format: { const: 'ldp_vc' } } },
      then: {
        required: ['credential_definition'],
        properties: {
          credential_definition: {
            type: 'object', required: ['@context', 'type'],
            properties: { '@context': { type: 'array', minItems: 1, items: { type: ['string', 'object'] } }, type: NON_EMPTY_STRINGS },
          },
          // A.1.2.2: Data Integrity cryptosuites or Linked Data proof suites (strings).
          credential_signing_alg_values_supported: NON_EMPTY_STRINGS,
        },
      },
    },
  ],
} as const;

/** OpenID4VCI 1.0 §12.2.4 Credential Issuer Metadata. */
export const CREDENTIAL_ISSUER_METADATA_SCHEMA = {
  $schema: 'https://json-schema.org/draft/2019-09/schema',
  $id: 'urn:microcred:test:openid4vci-1.0:credential-issuer-metadata',
  type: 'object',
  required: ['credential_issuer', 'credential_endpoint', 'credential_configurations_supported'],
  properties: {
    credential_issuer: HTTPS_IDENTIFIER, // REQUIRED (§12.2.4; form §12.2.1).
    authorization_servers: { type: 'array', minItems: 1, items: HTTPS_IDENTIFIER }, // OPTIONAL, non-empty array of AS identifiers.
    credential_endpoint: HTTPS_URL, // REQUIRED.
    nonce_endpoint: HTTPS_URL, // OPTIONAL ("MUST be present if the Credential Issuer requires a c_nonce in the proofs": checked by the test).
    deferred_credential_endpoint: HTTPS_URL,
    notification_endpoint: HTTPS_URL,
    credential_request_encryption: {
      type: 'object', required: ['jwks', 'enc_values_supported', 'encryption_required'],
      properties: { jwks: { type: 'object', required: ['keys'] }, enc_values_supported: NON_EMPTY_STRINGS, zip_values_supported: NON_EMPTY_STRINGS, encryption_required: { type: 'boolean' } },
    },
    credential_response_encryption: {
      type: 'object', required: ['alg_values_supported', 'enc_values_supported', 'encryption_required'],
      properties: { alg_values_supported: NON_EMPTY_STRINGS, enc_values_supported: NON_EMPTY_STRINGS, zip_values_supported: NON_EMPTY_STRINGS, encryption_required: { type: 'boolean' } },
    },
    // batch_size: REQUIRED inside, an integer "MUST be 2 or greater".
    batch_credential_issuance: { type: 'object', required: ['batch_size'], properties: { batch_size: { type: 'integer', minimum: 2 } } },
    signed_metadata: { type: 'string', pattern: '^[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+$' },
    // OPTIONAL: an array of objects, each for one language; name, locale and logo all OPTIONAL.
    display: {
      type: 'array', minItems: 1,
      items: { type: 'object', properties: { name: { type: 'string' }, locale: LOCALE, logo: LOGO } },
    },
    // REQUIRED: an object from configuration identifiers to configurations.
    credential_configurations_supported: { type: 'object', minProperties: 1, additionalProperties: CREDENTIAL_CONFIGURATION },
  },
} as const;

/** RFC 8414 §2 Authorization Server Metadata, with OpenID4VCI 1.0 §12.3's parameter. */
export const AUTHORIZATION_SERVER_METADATA_SCHEMA = {
  $schema: 'https://json-schema.org/draft/2019-09/schema',
  $id: 'urn:microcred:test:rfc8414:authorization-server-metadata',
  type: 'object',
  // issuer REQUIRED; token_endpoint "REQUIRED unless only the implicit grant type is supported" (never here).
  required: ['issuer', 'token_endpoint'],
  properties: {
    issuer: HTTPS_IDENTIFIER,
    authorization_endpoint: HTTPS_URL,
    token_endpoint: HTTPS_URL,
    jwks_uri: HTTPS_URL,
    registration_endpoint: HTTPS_URL,
    scopes_supported: NON_EMPTY_STRINGS,
    response_types_supported: NON_EMPTY_STRINGS,
    response_modes_supported: NON_EMPTY_STRINGS,
    grant_types_supported: NON_EMPTY_STRINGS,
    token_endpoint_auth_methods_supported: NON_EMPTY_STRINGS,
    // RFC 8414 §2: "The value 'none' MUST NOT be used" in the *_signing_alg_values_supported lists.
    token_endpoint_auth_signing_alg_values_supported: { type: 'array', items: { type: 'string', not: { const: 'none' } } },
    service_documentation: { type: 'string', format: 'uri' },
    ui_locales_supported: { type: 'array', items: LOCALE },
    op_policy_uri: { type: 'string', format: 'uri' },
    op_tos_uri: { type: 'string', format: 'uri' },
    revocation_endpoint: HTTPS_URL,
    introspection_endpoint: HTTPS_URL,
    code_challenge_methods_supported: NON_EMPTY_STRINGS,
    // OpenID4VCI 1.0 §12.3: OPTIONAL boolean.
    'pre-authorized_grant_anonymous_access_supported': { type: 'boolean' },
  },
  // RFC 8414 §2 response_types_supported is REQUIRED; an AS with an authorization endpoint must say what it
  // answers there (one used only for the pre-authorized code grant has no response type to name).
  dependentRequired: { authorization_endpoint: ['response_types_supported'] },
  allOf: [
    {
      // RFC 8414 §2 authorization_endpoint: "REQUIRED unless no grant types are supported that use the authorization endpoint".
      if: { required: ['grant_types_supported'], properties: { grant_types_supported: { contains: { enum: ['authorization_code', 'implicit'] } } } },
      then: { required: ['authorization_endpoint'] },
    },
  ],
} as const;
