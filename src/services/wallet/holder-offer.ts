/**
 * microcred's wallet as an OpenID4VCI 1.0 holder (issue 12 §4): a learner pastes another issuer's
 * Credential Offer (`openid-credential-offer://…`), sees who offers what, and takes it with the
 * pre-authorized code flow, proving possession of her did:key. The protocol is @openid4vc/openid4vci's
 * Openid4vciClient; every read and post goes through the guarded fetcher; what arrives is ingested (and
 * so verified) as any import is. Nothing is stored between preview and accept: the offer is read again.
 */
import { clientAuthenticationAnonymous, Oauth2Client, Oauth2ClientErrorResponseError, type JwtSigner } from '@openid4vc/oauth2';
import {
  Openid4vciClient, Openid4vciRetrieveCredentialsError, type CredentialOfferObject, type IssuerMetadataResult, type Openid4vciClientOptions,
} from '@openid4vc/openid4vci';
import { asArray, isObject } from '../../vc/json.ts';
import type { JsonObject, Signer } from '../../vc/types.ts';
import type { ServiceContext } from '../context.ts';
import { InvalidInput } from '../errors.ts';
import { ingest, type Ingested } from './ingest.ts';
import { guardedFetch, jwkOfDidKey, random, sha, signCompactJwt, unreachable } from './openid4vc-callbacks.ts';

type HolderContext = Pick<ServiceContext, 'engine' | 'fetch' | 'now'>;

const MAX_OFFER_LENGTH = 16 * 1024;
const PRE_AUTHORIZED_GRANT = 'urn:ietf:params:oauth:grant-type:pre-authorized_code';
const AUTHORIZATION_CODE_GRANT = 'authorization_code';
/** The formats the wallet can keep and verify (W3C VCs with Data Integrity proofs, or VC-JWT). */
const SUPPORTED_FORMATS = new Set(['ldp_vc', 'jwt_vc_json']);

export interface OfferedCredential {
  configurationId: string;
  format: string | null;
  name: string | null;
  /** False for a format the wallet cannot keep (SD-JWT VC, mdoc…): it is not requested. */
  supported: boolean;
}

export interface OfferPreview {
  credentialIssuer: string;
  issuerName: string | null;
  issuerLogo: string | null;
  credentials: OfferedCredential[];
  /** The offer needs a transaction code (sent to the learner another way); its shape, when given. */
  txCode: { length: number | null; inputMode: 'numeric' | 'text'; description: string | null } | null;
  /** The grant the wallet will use; 'authorization_code' alone is not supported yet. */
  grant: 'pre-authorized_code' | 'authorization_code' | null;
}

export interface ReceivedCredential {
  ingested: Ingested;
  configurationId: string;
  /** True when the credential's subject is the learner's DID (the key she proved). */
  boundToHolder: boolean;
}

function offerProblem(message: string): InvalidInput {
  return new InvalidInput(message, [{ pointer: '/offer', message }]);
}

function callbacks(ctx: HolderContext, signer?: Signer): Openid4vciClientOptions['callbacks'] {
  return {
    fetch: guardedFetch(ctx.fetch),
    hash: sha,
    generateRandom: random,
    clientAuthentication: clientAuthenticationAnonymous(),
    signJwt: async (jwtSigner: JwtSigner, jwt) => {
      if (!signer || jwtSigner.method !== 'did') throw new TypeError('The wallet signs only with the learner\'s did:key.');
      const signerJwk = jwkOfDidKey(jwtSigner.didUrl);
      if (!signerJwk) throw new TypeError('The wallet signs only with the learner\'s did:key.');
      return { jwt: await signCompactJwt(signer, jwt.header as Record<string, unknown>, jwt.payload as Record<string, unknown>), signerJwk };
    },
    decryptJwe: () => {
      throw new TypeError('Encrypted credential responses are not supported.');
    },
  };
}

function client(ctx: HolderContext, signer?: Signer): Openid4vciClient {
  return new Openid4vciClient({ callbacks: callbacks(ctx, signer) });
}

function checkOffer(offer: unknown): string {
  if (typeof offer !== 'string' || offer.trim() === '') throw offerProblem('Paste the credential offer (a link starting with openid-credential-offer://).');
  const text = offer.trim();
  if (text.length > MAX_OFFER_LENGTH) throw offerProblem(`The offer is longer than ${MAX_OFFER_LENGTH} characters.`);
  let parsed: URL;
  try {
    parsed = new URL(text);
  } catch {
    throw offerProblem('This is not a credential offer link: it should start with openid-credential-offer://');
  }
  if (!parsed.searchParams.has('credential_offer') && !parsed.searchParams.has('credential_offer_uri')) {
    throw offerProblem('This link holds no credential offer (neither credential_offer nor credential_offer_uri).');
  }
  return text;
}

/** The library's and the network's failures, in words for the learner (never a stack or an internal message). */
function explain(error: unknown, doing: string): InvalidInput {
  if (error instanceof InvalidInput) return error;
  const peer = unreachable(error);
  if (peer) return offerProblem(`${doing}: ${peer.message}`);
  if (error instanceof Oauth2ClientErrorResponseError) {
    const { error: code, error_description: description } = error.errorResponse;
    return offerProblem(`${doing}: the issuer answered ${code}${description ? ` (${String(description).slice(0, 300)})` : ''}.`);
  }
  if (error instanceof Openid4vciRetrieveCredentialsError) {
    const body = error.response.credentialErrorResponseResult?.data as { error?: string; error_description?: string } | undefined;
    const code = body?.error ?? `status ${error.response.response.status}`;
    return offerProblem(`${doing}: the issuer answered ${code}${body?.error_description ? ` (${String(body.error_description).slice(0, 300)})` : ''}.`);
  }
  const message = error instanceof Error ? error.message : '';
  if (/https/i.test(message) && /url/i.test(message)) return offerProblem(`${doing}: the issuer's addresses must be https.`);
  return offerProblem(`${doing}: the issuer's answer is not a valid OpenID4VCI document.`);
}

async function resolve(ctx: HolderContext, offer: string, signer?: Signer): Promise<{ vci: Openid4vciClient; credentialOffer: CredentialOfferObject; metadata: IssuerMetadataResult }> {
  const vci = client(ctx, signer);
  let credentialOffer: CredentialOfferObject;
  try {
    credentialOffer = await vci.resolveCredentialOffer(offer);
  } catch (error) {
    throw explain(error, 'The offer could not be read');
  }
  let metadata: IssuerMetadataResult;
  try {
    metadata = await vci.resolveIssuerMetadata(credentialOffer.credential_issuer);
  } catch (error) {
    throw explain(error, 'The issuer\'s metadata could not be read');
  }
  return { vci, credentialOffer, metadata };
}

function displayName(entries: unknown): { name: string | null; logo: string | null } {
  const list = asArray(entries).filter(isObject) as JsonObject[];
  const chosen = list.find((entry) => typeof entry.locale === 'string' && entry.locale.toLowerCase().startsWith('en')) ?? list[0];
  const name = typeof chosen?.name === 'string' ? chosen.name.slice(0, 300) : null;
  const logo = isObject(chosen?.logo) && typeof chosen.logo.uri === 'string' ? chosen.logo.uri.slice(0, 2048) : null;
  return { name, logo };
}

function describe(credentialOffer: CredentialOfferObject, metadata: IssuerMetadataResult): OfferPreview {
  const issuer = metadata.credentialIssuer as unknown as JsonObject;
  const configurations = (issuer.credential_configurations_supported ?? {}) as Record<string, JsonObject>;
  const ids = (credentialOffer.credential_configuration_ids ?? []) as string[];
  const credentials = ids.map((configurationId): OfferedCredential => {
    const configuration = configurations[configurationId];
    const format = typeof configuration?.format === 'string' ? configuration.format : null;
    // 1.0 keeps display under credential_metadata; drafts had it on the configuration.
    const display = isObject(configuration?.credential_metadata) ? configuration.credential_metadata.display : configuration?.display;
    return { configurationId, format, name: displayName(display).name, supported: format !== null && SUPPORTED_FORMATS.has(format) };
  });
  const grants = (credentialOffer.grants ?? {}) as Record<string, JsonObject | undefined>;
  const preAuthorized = grants[PRE_AUTHORIZED_GRANT];
  const txCode = isObject(preAuthorized?.tx_code) ? preAuthorized.tx_code : undefined;
  const { name, logo } = displayName(issuer.display);
  return {
    credentialIssuer: credentialOffer.credential_issuer,
    issuerName: name,
    issuerLogo: logo,
    credentials,
    txCode: preAuthorized && (txCode || preAuthorized.tx_code === true || preAuthorized.user_pin_required === true)
      ? {
        length: typeof txCode?.length === 'number' ? txCode.length : null,
        inputMode: txCode?.input_mode === 'text' ? 'text' : 'numeric',
        description: typeof txCode?.description === 'string' ? txCode.description.slice(0, 300) : null,
      }
      : null,
    grant: preAuthorized ? 'pre-authorized_code' : grants[AUTHORIZATION_CODE_GRANT] ? 'authorization_code' : null,
  };
}

/**
 * Reads an offer (by value or by its credential_offer_uri) and the issuer's metadata, and says who offers
 * what and whether a transaction code is needed. Throws InvalidInput (pointer `/offer`) in words.
 */
export async function previewOffer(ctx: HolderContext, offer: unknown): Promise<OfferPreview> {
  const { credentialOffer, metadata } = await resolve(ctx, checkOffer(offer));
  return describe(credentialOffer, metadata);
}

/**
 * Takes the offered credentials: token with the pre-authorized code (and the transaction code), a nonce,
 * a `jwt` key proof signed by the learner's did:key for each credential, and the credentials, each
 * ingested (verified) with source 'openid4vci'. Stores nothing: the caller keeps what it returns.
 */
export async function receiveOffer(
  ctx: HolderContext,
  input: { offer: unknown; txCode?: string | undefined; signer: Signer },
): Promise<{ preview: OfferPreview; received: ReceivedCredential[] }> {
  const { vci, credentialOffer, metadata } = await resolve(ctx, checkOffer(input.offer), input.signer);
  const preview = describe(credentialOffer, metadata);
  if (preview.grant !== 'pre-authorized_code') {
    throw offerProblem(preview.grant === 'authorization_code'
      ? 'This offer asks you to sign in at the issuer first: start with "Sign in at the issuer" (authorization code flow).'
      : 'This offer names no grant microcred\'s wallet can use.');
  }
  const wanted = keepable(preview);
  const txCode = typeof input.txCode === 'string' ? input.txCode.trim() : '';
  if (preview.txCode && txCode === '') throw new InvalidInput('The issuer asks for a transaction code (sent to you separately).', [{ pointer: '/txCode', message: 'is required by this offer' }]);
  if (txCode.length > 256) throw InvalidInput.field('/txCode', 'is longer than 256 characters');

  let accessToken: string;
  let tokenNonce: string | undefined;
  try {
    const token = await vci.retrievePreAuthorizedCodeAccessTokenFromOffer({
      credentialOffer, issuerMetadata: metadata, ...(preview.txCode ? { txCode } : {}),
    });
    accessToken = token.accessTokenResponse.access_token;
    tokenNonce = typeof token.accessTokenResponse.c_nonce === 'string' ? token.accessTokenResponse.c_nonce : undefined;
  } catch (error) {
    const explained = explain(error, 'The issuer did not give access to the credential');
    if (preview.txCode && error instanceof Oauth2ClientErrorResponseError && error.errorResponse.error === 'invalid_grant') {
      throw new InvalidInput('The issuer refused the transaction code, or the offer has been used or has expired.', [
        { pointer: '/txCode', message: 'was refused by the issuer (invalid_grant)' },
      ]);
    }
    throw explained;
  }

  const received = await retrieveAll(ctx, { vci, metadata, credentialOffer, wanted, accessToken, tokenNonce, signer: input.signer });
  return { preview, received };
}

function keepable(preview: OfferPreview): OfferedCredential[] {
  const wanted = preview.credentials.filter((entry) => entry.supported);
  if (wanted.length === 0) {
    const formats = [...new Set(preview.credentials.map((entry) => entry.format ?? 'unknown'))].join(', ');
    throw offerProblem(`The offer holds only credentials in formats microcred's wallet cannot keep (${formats}); it keeps ldp_vc and jwt_vc_json.`);
  }
  return wanted;
}

type AuthorizationContext = HolderContext & Pick<ServiceContext, 'vault'>;

/** How long the learner has to sign in at the issuer and come back. */
const AUTHORIZATION_WINDOW_MS = 15 * 60_000;

/**
 * What the wallet needs back when the issuer's authorization server returns the learner: who she is,
 * the offer, the PKCE verifier. Sealed with the master key into `state` (RFC 6749 §10.12), so no node keeps
 * it in memory and the authorization server sees only ciphertext.
 */
interface PendingAuthorization { user: string; offer: string; verifier: string; expires: number }

/**
 * Starts the authorization code flow (with PKCE, S256) for an offer that asks the learner to sign in at
 * the issuer: answers the authorization server's URL to send her to. The redirect comes back to
 * `redirectUri` with `code` and `state`, which completeAuthorization takes.
 */
export async function startAuthorization(
  ctx: AuthorizationContext,
  input: { offer: unknown; userId: string; clientId: string; redirectUri: string },
): Promise<{ authorizationUrl: string; offer: OfferPreview }> {
  const offer = checkOffer(input.offer);
  const { credentialOffer, metadata } = await resolve(ctx, offer);
  const preview = describe(credentialOffer, metadata);
  const grants = (credentialOffer.grants ?? {}) as Record<string, unknown>;
  if (!grants[AUTHORIZATION_CODE_GRANT]) throw offerProblem('This offer is pre-authorized: take it directly (no sign-in at the issuer is needed).');
  const wanted = keepable(preview);
  const configurations = (metadata.credentialIssuer as unknown as JsonObject).credential_configurations_supported as Record<string, JsonObject>;
  const scopes = [...new Set(wanted.map((entry) => configurations[entry.configurationId]?.scope).filter((scope): scope is string => typeof scope === 'string'))];
  const verifier = Buffer.from(random(32)).toString('base64url');
  const pending: PendingAuthorization = { user: input.userId, offer, verifier, expires: ctx.now().getTime() + AUTHORIZATION_WINDOW_MS };
  const state = ctx.vault.seal(new TextEncoder().encode(JSON.stringify(pending)));
  try {
    // The offer's convenience method leaves `state` out, so the OAuth 2.0 client is called directly (RFC 6749 §4.1.1).
    const grant = grants[AUTHORIZATION_CODE_GRANT] as { issuer_state?: string; authorization_server?: string };
    const server = metadata.authorizationServers.find((entry) => entry.issuer === grant.authorization_server) ?? metadata.authorizationServers[0];
    if (!server) throw offerProblem('The issuer names no authorization server to sign in at.');
    const { authorizationRequestUrl } = await new Oauth2Client({ callbacks: callbacks(ctx) }).createAuthorizationRequestUrl({
      authorizationServerMetadata: server, clientId: input.clientId, redirectUri: input.redirectUri, pkceCodeVerifier: verifier, state,
      resource: credentialOffer.credential_issuer,
      ...(scopes.length > 0 ? { scope: scopes.join(' ') } : {}),
      ...(grant.issuer_state ? { additionalRequestPayload: { issuer_state: grant.issuer_state } } : {}),
    });
    if (!/^https:\/\//i.test(authorizationRequestUrl)) throw offerProblem('The issuer\'s sign-in page is not an https address.');
    return { authorizationUrl: authorizationRequestUrl, offer: preview };
  } catch (error) {
    throw explain(error, 'The sign-in at the issuer could not be prepared');
  }
}

/**
 * Finishes the authorization code flow when the issuer sends the learner back: checks the sealed state
 * is hers and fresh, exchanges the code (with the PKCE verifier) for a token, and takes the credentials
 * as the pre-authorized flow does.
 */
export async function completeAuthorization(
  ctx: AuthorizationContext,
  input: { state: unknown; code: unknown; userId: string; clientId: string; redirectUri: string; signer: Signer },
): Promise<{ preview: OfferPreview; received: ReceivedCredential[] }> {
  const stateProblem = (message: string) => new InvalidInput(message, [{ pointer: '/state', message }]);
  if (typeof input.state !== 'string' || typeof input.code !== 'string' || input.code === '') throw stateProblem('The issuer did not send you back with a sign-in result.');
  let pending: PendingAuthorization;
  try {
    pending = JSON.parse(new TextDecoder().decode(ctx.vault.open(input.state))) as PendingAuthorization;
  } catch {
    throw stateProblem('This sign-in result was not started by this wallet.');
  }
  if (pending.user !== input.userId) throw stateProblem('This sign-in was started by another account.');
  if (pending.expires < ctx.now().getTime()) throw stateProblem('This sign-in took too long: start again from the offer.');
  const { vci, credentialOffer, metadata } = await resolve(ctx, pending.offer, input.signer);
  const preview = describe(credentialOffer, metadata);
  const wanted = keepable(preview);
  let accessToken: string;
  let tokenNonce: string | undefined;
  try {
    const token = await vci.retrieveAuthorizationCodeAccessTokenFromOffer({
      credentialOffer, issuerMetadata: metadata, authorizationCode: input.code, pkceCodeVerifier: pending.verifier, redirectUri: input.redirectUri,
      additionalRequestPayload: { client_id: input.clientId },
    });
    accessToken = token.accessTokenResponse.access_token;
    tokenNonce = typeof token.accessTokenResponse.c_nonce === 'string' ? token.accessTokenResponse.c_nonce : undefined;
  } catch (error) {
    throw explain(error, 'The issuer did not give access to the credential');
  }
  const received = await retrieveAll(ctx, { vci, metadata, credentialOffer, wanted, accessToken, tokenNonce, signer: input.signer });
  return { preview, received };
}

/** Nonce, key proof and credential request for each wanted configuration; each credential ingested (verified). */
async function retrieveAll(ctx: HolderContext, options: {
  vci: Openid4vciClient; metadata: IssuerMetadataResult; credentialOffer: CredentialOfferObject; wanted: OfferedCredential[];
  accessToken: string; tokenNonce: string | undefined; signer: Signer;
}): Promise<ReceivedCredential[]> {
  const { vci, metadata, credentialOffer, wanted, accessToken, tokenNonce } = options;
  const input = { signer: options.signer };
  const received: ReceivedCredential[] = [];
  const holderDid = input.signer.id.split('#')[0]!;
  for (const { configurationId } of wanted) {
    let nonce = tokenNonce;
    try {
      if (metadata.credentialIssuer.nonce_endpoint) nonce = (await vci.requestNonce({ issuerMetadata: metadata })).c_nonce;
    } catch (error) {
      throw explain(error, 'The issuer did not give a nonce for the key proof');
    }
    let credentials: unknown[];
    try {
      const proof = await vci.createCredentialRequestJwtProof({
        issuerMetadata: metadata, credentialConfigurationId: configurationId,
        signer: { method: 'did', didUrl: input.signer.id, alg: 'EdDSA' },
        ...(nonce ? { nonce } : {}), issuedAt: ctx.now(),
      });
      const answer = await vci.retrieveCredentials({ issuerMetadata: metadata, accessToken, credentialConfigurationId: configurationId, proof: { proof_type: 'jwt', jwt: proof.jwt } });
      const response = answer.credentialResponse as { credentials?: { credential: unknown }[]; credential?: unknown; transaction_id?: string };
      credentials = response.credentials?.map((entry) => entry.credential) ?? (response.credential !== undefined ? [response.credential] : []);
      if (credentials.length === 0 && response.transaction_id) throw offerProblem('The issuer deferred the credential (deferred issuance), which microcred\'s wallet does not wait for.');
    } catch (error) {
      throw explain(error, 'The issuer did not issue the credential');
    }
    for (const credential of credentials) {
      const text = typeof credential === 'string' ? credential : JSON.stringify(credential);
      const ingested = await ingest(ctx, { bytes: new TextEncoder().encode(text), source: 'openid4vci', sourceUrl: credentialOffer.credential_issuer });
      received.push({ ingested, configurationId, boundToHolder: subjectIds(ingested.document).includes(holderDid) });
    }
  }
  return received;
}

function subjectIds(document: string | null): string[] {
  if (!document) return [];
  try {
    const parsed = JSON.parse(document) as JsonObject;
    return (asArray(parsed.credentialSubject).filter(isObject) as JsonObject[]).map((subject) => subject.id).filter((id): id is string => typeof id === 'string');
  } catch {
    return [];
  }
}
