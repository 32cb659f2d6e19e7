import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { importJWK, jwtVerify, type JWK } from 'jose';
import type { Kysely } from 'kysely';
import { clientAuthenticationAnonymous, Oauth2AuthorizationServer, Oauth2ServerErrorResponseError, PkceCodeChallengeMethod, type Jwk, type AuthorizationServerMetadata, type CallbackContext } from '@openid4vc/oauth2';
import { Openid4vciIssuer, Openid4vciVersion, setGlobalConfig, type CredentialIssuerMetadata, type IssuerMetadataResult } from '@openid4vc/openid4vci';
import type { DB, Row } from '../../store/schema.ts';
import { didJwkOf, holderKey, publicJwkOf, type PublicJwk } from '../../vc/did/holder-key.ts';
import { qrSvg } from '../../render/qr.ts';
import { CONTEXTS } from '../../vc/contexts/index.ts';
import { isObject } from '../../vc/json.ts';
import type { JsonObject } from '../../vc/types.ts';
import { CAN, requireAccess, type Actor } from '../access.ts';
import type { AchievementSource } from '../credentials/types.ts';
import type { ServiceContext } from '../context.ts';
import { Conflict, InvalidInput, NotFound, Unauthorized } from '../errors.ts';
import { randomToken, sha256Hex } from '../tokens.ts';
import { achievementNameOf, findByClaimToken } from '../wallet/claim.ts';
import { Oid4vciError } from './errors.ts';

export { Oid4vciError } from './errors.ts';
export { claimOfferLink, claimOfferUri, credentialIssuerUrl, OID4VCI_PATH } from './links.ts';
import { claimOfferLink, claimOfferUri, credentialIssuerUrl } from './links.ts';

/** The two formats each achievement is offered in (OpenID4VCI 1.0 Appendix A.1). */
export const OID4VCI_FORMATS = ['ldp_vc', 'jwt_vc_json'] as const;
export type Oid4vciFormat = (typeof OID4VCI_FORMATS)[number];
/** Proof-of-possession algorithms accepted (the wallet's key): Ed25519 and P-256. */
export const PROOF_ALGS = ['EdDSA', 'ES256'] as const;

const PRE_AUTHORIZED_GRANT = 'urn:ietf:params:oauth:grant-type:pre-authorized_code';
/** How long a pre-authorized code made for an offer stays redeemable (the wallet uses it at once). */
const CODE_LIFETIME_MS = 10 * 60_000;
/** An offer made by issuer staff (shown or sent to the learner by hand) lives longer. */
const STAFF_OFFER_LIFETIME_MS = 7 * 24 * 60 * 60_000;
const AUTHORIZATION_CODE_LIFETIME_MS = 60_000;
const ACCESS_TOKEN_LIFETIME_S = 300;
const NONCE_LIFETIME_S = 300;
/** Wrong transaction codes tolerated before the pre-authorized code dies (OpenID4VCI 1.0 §13.6: limit guessing). */
export const TX_CODE_TRIES = 5;
const TX_CODE_LENGTH = 6;

/**
 * The holder-binding service (src/services/credentials/holder-binding.ts), as much of it as is used
 * here: it consumes a claim once and issues the copy bound to the holder's DID (new id, own status
 * entry, linked to the original so the issuer's revoke and suspend reach it), running `within` in its
 * transaction. Written once for every channel (OpenID4VCI, the LCW's VC-API exchanges).
 */
export interface HolderBinding {
  bind(actor: Actor, input: {
    credentialId: string;
    holderDid: string;
    format?: 'ldp' | 'jwt';
    via: 'openid4vci';
    within?: (trx: Kysely<DB>, bound: { id: string }) => Promise<void>;
  }): Promise<{ id: string; document: JsonObject | string }>;
}

export interface Oid4vciDeps {
  achievements: AchievementSource;
  binding: HolderBinding;
  learners: { verifiedEmails(userId: string): Promise<string[]> };
}

/** An authorization request (RFC 6749 §4.1.1 with PKCE, RFC 7636 §4.3) as the wallet sent it. */
export interface AuthorizationRequest {
  response_type?: string;
  client_id?: string;
  redirect_uri?: string;
  scope?: string;
  state?: string;
  code_challenge?: string;
  code_challenge_method?: string;
  authorization_details?: string;
  issuer_state?: string;
}

/** What the learner is asked to allow: the credential that would go to the wallet. */
export interface AuthorizationPrompt {
  credentialId: string;
  achievementName: string;
  issuerName: string;
  clientId: string;
  redirectUri: string;
}

/** The configuration id of an achievement in a format: `<achievementId>_ldp_vc`, `<achievementId>_jwt_vc_json`. */
export function configurationId(achievementId: string, format: Oid4vciFormat): string {
  return `${achievementId}_${format}`;
}

function parseConfigurationId(id: string): { achievementId: string; format: Oid4vciFormat } | undefined {
  for (const format of OID4VCI_FORMATS) {
    if (id.endsWith(`_${format}`)) return { achievementId: id.slice(0, -format.length - 1), format };
  }
  return undefined;
}


function hashOf(value: string): string {
  return sha256Hex(value);
}

function sameText(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/** Library callbacks: hashing and randomness from node; JWTs checked with jose against the key the wallet named. */
const callbacks: Omit<CallbackContext, 'decryptJwe'> = {
  // Client-side only (this is the server); required by the type.
  clientAuthentication: clientAuthenticationAnonymous(),
  hash: (data, alg) => new Uint8Array(createHash(alg.replace('-', '').toLowerCase()).update(data).digest()),
  generateRandom: (length) => new Uint8Array(randomBytes(length)),
  signJwt: () => { throw new Error('this issuer signs no JWT through the library'); },
  encryptJwe: () => { throw new Error('credential response encryption is not offered'); },
  verifyJwt: async (signer, jwt) => {
    let jwk: PublicJwk | undefined;
    if (signer.method === 'jwk') jwk = publicJwkOf(signer.publicJwk);
    else if (signer.method === 'did') jwk = holderKey(signer.didUrl)?.jwk;
    if (!jwk) return { verified: false };
    try {
      const key = await importJWK(jwk as JWK, signer.alg);
      await jwtVerify(jwt.compact, key, { algorithms: [...PROOF_ALGS], currentDate: new Date(0), clockTolerance: Number.MAX_SAFE_INTEGER });
      return { verified: true, signerJwk: { ...jwk } as Jwk };
    } catch {
      return { verified: false };
    }
  },
};

const issuerLibrary = new Openid4vciIssuer({ callbacks });
const authorizationLibrary = new Oauth2AuthorizationServer({ callbacks });

/** Maps the library's OAuth error answers to ours (same words); anything else passes through. */
function protocolError(error: unknown): unknown {
  if (error instanceof Oauth2ServerErrorResponseError) {
    const { error: code, error_description: description } = error.errorResponse;
    return new Oid4vciError(error.status >= 400 && error.status < 500 ? error.status : 400, code, typeof description === 'string' ? description : code);
  }
  return error;
}

interface AchievementOffer {
  achievementId: string;
  name: string;
  description?: string;
  image?: string;
  locale: string;
}

/**
 * OpenID for Verifiable Credential Issuance 1.0, issuer side (issue 12 §1): each organisation issuer is
 * a Credential Issuer at PUBLIC_URL/oid4vci/<issuerId> and its own authorization server. Every claim
 * link can be redeemed by a wallet with a pre-authorized code (an offer at the link's own address), a
 * staff-made offer can require a transaction code, and a signed-in learner can authorize a wallet with
 * the authorization code flow and PKCE. The wallet proves a key (jwt proof: did:key, did:jwk or a JWK,
 * EdDSA or ES256) and receives the copy of the credential bound to it; the claim link is spent once.
 *
 * Protocol parsing and checks are @openid4vc/openid4vci and @openid4vc/oauth2 (Openid4vciIssuer,
 * Oauth2AuthorizationServer); state (codes, tokens, nonces) lives in the database, hashed.
 */
export function createOid4vciService(ctx: ServiceContext, deps: Oid4vciDeps) {
  const { publicUrl } = ctx.config;
  // The library refuses http identifiers (OpenID4VCI 1.0 §12.2.1 asks for https); an instance whose own
  // PUBLIC_URL is http (development, a private network) is allowed to name itself so.
  if (publicUrl.startsWith('http:')) setGlobalConfig({ allowInsecureUrls: true });

  async function issuerRow(issuerId: string): Promise<Row<'issuers'>> {
    if (!/^[0-9a-f-]{36}$/.test(issuerId)) throw new NotFound('credential issuer');
    const row = await ctx.db.selectFrom('issuers').selectAll().where('id', '=', issuerId).executeTakeFirst();
    if (!row) throw new NotFound('credential issuer');
    return row;
  }

  async function achievementOffers(issuerId: string): Promise<AchievementOffer[]> {
    const rows = await ctx.db.selectFrom('achievements').select('id').where('issuer_id', '=', issuerId).where('archived_at', 'is', null).orderBy('created_at').orderBy('id').execute();
    const offers: AchievementOffer[] = [];
    for (const row of rows) {
      try {
        const { version, definition } = await deps.achievements.getVersion(row.id);
        const ob3 = deps.achievements.toOb3Achievement(row.id, version, definition);
        const image = isObject(ob3.image) && typeof ob3.image.id === 'string' ? ob3.image.id : typeof ob3.image === 'string' ? ob3.image : undefined;
        offers.push({
          achievementId: row.id,
          name: typeof ob3.name === 'string' ? ob3.name : 'Credential',
          ...(typeof ob3.description === 'string' ? { description: ob3.description } : {}),
          ...(image && !image.startsWith('data:') ? { image } : {}),
          locale: typeof ob3.inLanguage === 'string' ? ob3.inLanguage : 'en',
        });
      } catch {
        // An achievement whose definition cannot be read is not offered.
      }
    }
    return offers;
  }

  function configurations(offers: AchievementOffer[]): CredentialIssuerMetadata['credential_configurations_supported'] {
    const out: CredentialIssuerMetadata['credential_configurations_supported'] = {};
    for (const offer of offers) {
      const display = [{
        name: offer.name, locale: offer.locale,
        ...(offer.description ? { description: offer.description } : {}),
        ...(offer.image ? { logo: { uri: offer.image, alt_text: offer.name } } : {}),
      }];
      const common = {
        scope: configurationId(offer.achievementId, 'ldp_vc'),
        cryptographic_binding_methods_supported: ['did:key', 'did:jwk', 'jwk'],
        proof_types_supported: { jwt: { proof_signing_alg_values_supported: [...PROOF_ALGS] } },
        // 1.0 final puts display under credential_metadata; draft 15 wallets read it at the top.
        credential_metadata: { display },
        display,
      };
      out[configurationId(offer.achievementId, 'ldp_vc')] = {
        ...common,
        format: 'ldp_vc',
        credential_signing_alg_values_supported: ['eddsa-rdfc-2022'],
        credential_definition: { '@context': [CONTEXTS.CREDENTIALS_V2, CONTEXTS.OB_V3], type: ['VerifiableCredential', 'OpenBadgeCredential'] },
      };
      out[configurationId(offer.achievementId, 'jwt_vc_json')] = {
        ...common,
        scope: configurationId(offer.achievementId, 'jwt_vc_json'),
        format: 'jwt_vc_json',
        credential_signing_alg_values_supported: ['EdDSA'],
        credential_definition: { type: ['VerifiableCredential', 'OpenBadgeCredential'] },
      };
    }
    return out;
  }

  function endpoints(issuerId: string) {
    const base = credentialIssuerUrl(publicUrl, issuerId);
    return {
      base,
      token: `${base}/token`,
      credential: `${base}/credential`,
      nonce: `${base}/nonce`,
      authorize: `${base}/authorize`,
    };
  }

  async function credentialIssuerMetadata(issuerId: string): Promise<CredentialIssuerMetadata> {
    const issuer = await issuerRow(issuerId);
    const urls = endpoints(issuerId);
    return issuerLibrary.createCredentialIssuerMetadata({
      credential_issuer: urls.base,
      authorization_servers: [urls.base],
      credential_endpoint: urls.credential,
      nonce_endpoint: urls.nonce,
      display: [{ name: issuer.name, locale: 'en', ...(issuer.image && !issuer.image.startsWith('data:') ? { logo: { uri: issuer.image, alt_text: issuer.name } } : {}) }],
      credential_configurations_supported: configurations(await achievementOffers(issuerId)),
    });
  }

  function authorizationServerMetadata(issuerId: string): AuthorizationServerMetadata {
    const urls = endpoints(issuerId);
    return authorizationLibrary.createAuthorizationServerMetadata({
      issuer: urls.base,
      token_endpoint: urls.token,
      authorization_endpoint: urls.authorize,
      response_types_supported: ['code'],
      grant_types_supported: ['authorization_code', PRE_AUTHORIZED_GRANT],
      code_challenge_methods_supported: ['S256'],
      token_endpoint_auth_methods_supported: ['none'],
      'pre-authorized_grant_anonymous_access_supported': true,
    });
  }

  async function metadataResult(issuerId: string): Promise<IssuerMetadataResult> {
    const credentialIssuer = await credentialIssuerMetadata(issuerId);
    return {
      originalDraftVersion: Openid4vciVersion.V1,
      credentialIssuer,
      authorizationServers: [authorizationServerMetadata(issuerId)],
      knownCredentialConfigurations: issuerLibrary.getKnownCredentialConfigurationsSupported(credentialIssuer),
    };
  }

  /** The configurations a credential can be delivered in: its achievement in both formats. */
  function configurationsOf(credential: Row<'credentials'>): string[] {
    if (credential.achievement_id === null) return [];
    return OID4VCI_FORMATS.map((format) => configurationId(credential.achievement_id!, format));
  }

  function assertRedeemable(credential: Row<'credentials'>): void {
    if (credential.claimed_at !== null) throw new Conflict('this credential was already claimed: a claim link is redeemed once');
    if (credential.status !== 'active') throw new Conflict(`this credential was ${credential.status} by its issuer`);
    if (credential.achievement_id === null) throw new Conflict('this credential cannot be offered to a wallet');
  }

  /** A new pre-authorized code for the credential (optionally guarded by a transaction code). */
  async function newPreAuthorizedGrant(credential: Row<'credentials'>, lifetimeMs: number, txCode: string | undefined): Promise<{ code: string; expiresAt: string }> {
    const code = randomToken();
    const now = ctx.now();
    const expiresAt = new Date(now.getTime() + lifetimeMs).toISOString();
    await ctx.db.transaction().execute(async (trx) => {
      // Spent and expired codes of the credential are no longer needed.
      await trx.deleteFrom('oid4vci_grants').where('credential_id', '=', credential.id).where('used_at', 'is', null).where('expires_at', '<', now.toISOString()).execute();
      await trx.insertInto('oid4vci_grants').values({
        id: randomUUID(), issuer_id: credential.issuer_id, credential_id: credential.id, kind: 'pre-authorized', user_id: null,
        code_hash: hashOf(code), tx_code_hash: txCode !== undefined ? hashOf(txCode) : null, client_id: null, redirect_uri: null, code_challenge: null,
        configuration_ids: JSON.stringify(configurationsOf(credential)), created_at: now.toISOString(), expires_at: expiresAt,
        used_at: null, access_token_hash: null, token_expires_at: null, redeemed_at: null, bound_credential_id: null,
      }).execute();
    });
    return { code, expiresAt };
  }

  async function offerObject(credential: Row<'credentials'>, code: string, txCode: boolean): Promise<JsonObject> {
    const { credentialOfferObject } = await issuerLibrary.createCredentialOffer({
      issuerMetadata: await metadataResult(credential.issuer_id),
      credentialConfigurationIds: configurationsOf(credential),
      grants: {
        [PRE_AUTHORIZED_GRANT]: {
          'pre-authorized_code': code,
          ...(txCode ? { tx_code: { input_mode: 'numeric', length: TX_CODE_LENGTH, description: 'The code your issuer gave you separately' } } : {}),
        },
      },
    });
    return credentialOfferObject as unknown as JsonObject;
  }

  /**
   * Checks an authorization request: errors that cannot be sent back to the client (no or a bad
   * redirect_uri, no client_id) throw; others are answered by redirect (RFC 6749 §4.1.2.1).
   */
  function checkAuthorizationRequest(issuerId: string, request: AuthorizationRequest): { redirectUri: string; clientId: string; configurationIds: string[] } | { redirect: string } {
    const redirectUri = request.redirect_uri;
    if (typeof request.client_id !== 'string' || request.client_id === '' || request.client_id.length > 500) throw InvalidInput.field('/client_id', 'is required');
    let parsedRedirect: URL;
    try {
      parsedRedirect = new URL(redirectUri ?? '');
    } catch {
      throw InvalidInput.field('/redirect_uri', 'must be an absolute URI');
    }
    // A native wallet's own scheme is fine; a script or data URI is not a place to send a code.
    if (['javascript:', 'data:', 'vbscript:', 'file:'].includes(parsedRedirect.protocol) || parsedRedirect.hash !== '') throw InvalidInput.field('/redirect_uri', 'is not a redirect URI');
    const fail = (error: string, description: string) => ({ redirect: withParams(redirectUri!, { error, error_description: description, ...(request.state ? { state: request.state } : {}), iss: credentialIssuerUrl(publicUrl, issuerId) }) });
    if (request.response_type !== 'code') return fail('unsupported_response_type', 'only response_type=code is supported');
    if (!request.code_challenge || request.code_challenge_method !== 'S256' || !/^[A-Za-z0-9_-]{43}$/.test(request.code_challenge)) return fail('invalid_request', 'PKCE with code_challenge_method=S256 is required');
    const configurationIds = new Set<string>();
    for (const scope of (request.scope ?? '').split(' ')) if (parseConfigurationId(scope)) configurationIds.add(scope);
    if (request.authorization_details) {
      try {
        const details = JSON.parse(request.authorization_details) as unknown;
        for (const detail of Array.isArray(details) ? details : []) {
          if (isObject(detail) && detail.type === 'openid_credential' && typeof detail.credential_configuration_id === 'string') configurationIds.add(detail.credential_configuration_id);
        }
      } catch {
        return fail('invalid_request', 'authorization_details is not JSON');
      }
    }
    if (configurationIds.size !== 1) return fail('invalid_scope', 'ask for exactly one credential configuration (scope or authorization_details)');
    return { redirectUri: redirectUri!, clientId: request.client_id, configurationIds: [...configurationIds] };
  }

  /** The learner's unclaimed credential of the achievement from this issuer, newest first. */
  async function learnerCredential(userId: string, issuerId: string, configuration: string): Promise<Row<'credentials'> | undefined> {
    const target = parseConfigurationId(configuration);
    if (!target) return undefined;
    const emails = (await deps.learners.verifiedEmails(userId)).map((email) => email.toLowerCase());
    if (emails.length === 0) return undefined;
    return ctx.db.selectFrom('credentials').selectAll().where('issuer_id', '=', issuerId).where('achievement_id', '=', target.achievementId)
      .where('recipient_email', 'in', emails).where('claimed_at', 'is', null).where('status', '!=', 'revoked')
      .orderBy('issued_at', 'desc').orderBy('id', 'desc').executeTakeFirst();
  }

  const service = {
    credentialIssuerMetadata,

    /**
     * The authorization endpoint's first step for a signed-in learner: what she would allow (the
     * credential), or where to send the wallet back with an error.
     */
    async authorizationPrompt(actor: Actor, issuerId: string, request: AuthorizationRequest): Promise<AuthorizationPrompt | { redirect: string }> {
      const issuer = await issuerRow(issuerId);
      if (actor.kind !== 'user') throw new Unauthorized('sign in to microcred first');
      const checked = checkAuthorizationRequest(issuerId, request);
      if ('redirect' in checked) return checked;
      const credential = await learnerCredential(actor.userId, issuerId, checked.configurationIds[0]!);
      if (!credential) {
        return { redirect: withParams(checked.redirectUri, { error: 'access_denied', error_description: 'you have no unclaimed credential of this kind from this issuer', ...(request.state ? { state: request.state } : {}), iss: credentialIssuerUrl(publicUrl, issuerId) }) };
      }
      return { credentialId: credential.id, achievementName: achievementNameOf(credential), issuerName: issuer.name, clientId: checked.clientId, redirectUri: checked.redirectUri };
    },

    /**
     * The learner's answer: allowed, an authorization code (one minute, once, bound to the PKCE
     * challenge, the client and the redirect URI) goes back to the wallet; denied, access_denied.
     */
    async authorizationDecision(actor: Actor, issuerId: string, request: AuthorizationRequest, allow: boolean): Promise<{ redirect: string }> {
      await issuerRow(issuerId);
      if (actor.kind !== 'user') throw new Unauthorized('sign in to microcred first');
      const checked = checkAuthorizationRequest(issuerId, request);
      if ('redirect' in checked) return checked;
      const iss = credentialIssuerUrl(publicUrl, issuerId);
      const state: Record<string, string> = request.state ? { state: request.state } : {};
      if (!allow) return { redirect: withParams(checked.redirectUri, { error: 'access_denied', error_description: 'the learner did not allow it', ...state, iss }) };
      const credential = await learnerCredential(actor.userId, issuerId, checked.configurationIds[0]!);
      if (!credential) return { redirect: withParams(checked.redirectUri, { error: 'access_denied', error_description: 'you have no unclaimed credential of this kind from this issuer', ...state, iss }) };
      const code = randomToken();
      const now = ctx.now();
      await ctx.db.insertInto('oid4vci_grants').values({
        id: randomUUID(), issuer_id: issuerId, credential_id: credential.id, kind: 'authorization', user_id: actor.userId,
        code_hash: hashOf(code), tx_code_hash: null, client_id: checked.clientId, redirect_uri: checked.redirectUri, code_challenge: request.code_challenge!,
        configuration_ids: JSON.stringify(checked.configurationIds), created_at: now.toISOString(), expires_at: new Date(now.getTime() + AUTHORIZATION_CODE_LIFETIME_MS).toISOString(),
        used_at: null, access_token_hash: null, token_expires_at: null, redeemed_at: null, bound_credential_id: null,
      }).execute();
      // RFC 9207: the issuer identifier beside the code, against mix-up attacks.
      return { redirect: withParams(checked.redirectUri, { code, ...state, iss }) };
    },
    async authorizationServerMetadata(issuerId: string): Promise<AuthorizationServerMetadata> {
      await issuerRow(issuerId);
      return authorizationServerMetadata(issuerId);
    },

    /**
     * The Credential Offer of a claim link (OpenID4VCI 1.0 §4.1.1), served at credential_offer_uri: a
     * fresh pre-authorized code each time it is fetched, for the credential until it is claimed.
     */
    async claimOffer(claimToken: string): Promise<JsonObject> {
      const credential = await findByClaimToken(ctx.db, claimToken);
      if (!credential) throw new NotFound('claim link');
      assertRedeemable(credential);
      const { code } = await newPreAuthorizedGrant(credential, CODE_LIFETIME_MS, undefined);
      return offerObject(credential, code, false);
    },

    /**
     * The `openid-credential-offer://` link of a claim link, for its page (link and QR code): static (it
     * names the offer's address, which makes a code only when a wallet fetches it). 409 once claimed.
     */
    async claimOfferLink(claimToken: string): Promise<{ link: string; offerUri: string }> {
      const credential = await findByClaimToken(ctx.db, claimToken);
      if (!credential) throw new NotFound('claim link');
      assertRedeemable(credential);
      return { link: claimOfferLink(publicUrl, claimToken), offerUri: claimOfferUri(publicUrl, claimToken) };
    },

    /**
     * An offer made by issuer staff for a credential not yet claimed, by value, optionally requiring a
     * transaction code: the code is answered here once (to be given to the learner separately) and
     * stored hashed. Valid for a week or until used.
     */
    async staffOffer(actor: Actor, credentialId: string, options: { txCode?: boolean } = {}): Promise<{ offer: JsonObject; link: string; txCode?: string; expiresAt: string; qr: string }> {
      const credential = await ctx.db.selectFrom('credentials').selectAll().where('id', '=', credentialId).executeTakeFirst();
      if (!credential) throw new NotFound('credential');
      await requireAccess(ctx, actor, credential.organisation_id, { roles: CAN.issue, scope: 'issue' }, 'credential');
      if (credential.recipient_email === null) throw InvalidInput.field('/', 'only a credential issued to an e-mail address has a claim to offer');
      assertRedeemable(credential);
      const txCode = options.txCode ? String(randomBytes(4).readUInt32BE() % 10 ** TX_CODE_LENGTH).padStart(TX_CODE_LENGTH, '0') : undefined;
      const { code, expiresAt } = await newPreAuthorizedGrant(credential, STAFF_OFFER_LIFETIME_MS, txCode);
      const offer = await offerObject(credential, code, txCode !== undefined);
      const link = `openid-credential-offer://?credential_offer=${encodeURIComponent(JSON.stringify(offer))}`;
      return { offer, link, ...(txCode ? { txCode } : {}), expiresAt, qr: qrSvg(link, { title: 'QR code of the credential offer: scan it with your wallet app' }) };
    },

    /** The nonce endpoint (OpenID4VCI 1.0 §7): a single-use c_nonce, stored until used or expired. */
    async nonce(issuerId: string): Promise<{ c_nonce: string; c_nonce_expires_in: number }> {
      await issuerRow(issuerId);
      return issueNonce(ctx.db);
    },

    /**
     * The token endpoint (RFC 6749 §3.2; OpenID4VCI 1.0 §6): a pre-authorized code (with its tx_code
     * when it has one; TX_CODE_TRIES wrong codes kill it) or an authorization code with its PKCE
     * verifier, exchanged once for an access token.
     */
    async token(issuerId: string, body: Record<string, unknown>, request: { url: string; headers: Headers }): Promise<JsonObject> {
      await issuerRow(issuerId);
      const metadata = authorizationServerMetadata(issuerId);
      const requestLike = { method: 'POST' as const, url: request.url, headers: request.headers };
      let parsed: ReturnType<typeof authorizationLibrary.parseAccessTokenRequest>;
      try {
        parsed = authorizationLibrary.parseAccessTokenRequest({ request: requestLike, accessTokenRequest: body, authorizationServerMetadata: metadata });
      } catch (error) {
        throw protocolError(error);
      }
      const { grant } = parsed;
      const code = grant.grantType === PRE_AUTHORIZED_GRANT ? grant.preAuthorizedCode : grant.grantType === 'authorization_code' ? grant.code : undefined;
      if (code === undefined) throw new Oid4vciError(400, 'unsupported_grant_type', 'this server grants pre-authorized and authorization codes only');
      const row = await ctx.db.selectFrom('oid4vci_grants').selectAll().where('code_hash', '=', hashOf(code)).executeTakeFirst();
      const now = ctx.now();
      if (!row || row.issuer_id !== issuerId) throw Oid4vciError.invalidGrant('the code is not one this issuer gave');
      if (row.used_at !== null) throw Oid4vciError.invalidGrant('the code was already used');
      if (row.expires_at <= now.toISOString()) throw Oid4vciError.invalidGrant('the code has expired');
      try {
        if (grant.grantType === PRE_AUTHORIZED_GRANT) {
          if (row.kind !== 'pre-authorized') throw Oid4vciError.invalidGrant('the code is not a pre-authorized code');
          if (row.tx_code_hash !== null) {
            const sent = grant.txCode;
            if (sent === undefined) throw Oid4vciError.invalidRequest('this offer requires the tx_code given to you separately');
            if (!sameText(hashOf(sent), row.tx_code_hash)) {
              const failures = row.tx_code_failures + 1;
              await ctx.db.updateTable('oid4vci_grants').set({ tx_code_failures: failures, ...(failures >= TX_CODE_TRIES ? { used_at: now.toISOString() } : {}) }).where('id', '=', row.id).execute();
              throw Oid4vciError.invalidGrant(failures >= TX_CODE_TRIES
                ? 'the tx_code was wrong too many times: this offer no longer works; ask the issuer for a new one'
                : `the tx_code is wrong (${TX_CODE_TRIES - failures} tries left)`);
            }
          } else if (grant.txCode !== undefined) {
            throw Oid4vciError.invalidRequest('this offer has no tx_code');
          }
          await authorizationLibrary.verifyPreAuthorizedCodeAccessTokenRequest({
            authorizationServerMetadata: metadata, grant, accessTokenRequest: parsed.accessTokenRequest, request: requestLike,
            expectedPreAuthorizedCode: code, ...(grant.txCode !== undefined ? { expectedTxCode: grant.txCode } : {}), preAuthorizedCodeExpiresAt: new Date(row.expires_at), now,
          });
        } else if (grant.grantType === 'authorization_code') {
          if (row.kind !== 'authorization' || row.code_challenge === null) throw Oid4vciError.invalidGrant('the code is not an authorization code');
          const redirectUri = parsed.accessTokenRequest.redirect_uri;
          if (row.redirect_uri !== null && redirectUri !== row.redirect_uri) throw Oid4vciError.invalidGrant('redirect_uri is not the one the code was granted for');
          if (row.client_id !== null && parsed.accessTokenRequest.client_id !== undefined && parsed.accessTokenRequest.client_id !== row.client_id) throw Oid4vciError.invalidGrant('the code was granted to another client');
          await authorizationLibrary.verifyAuthorizationCodeAccessTokenRequest({
            authorizationServerMetadata: metadata, grant, accessTokenRequest: parsed.accessTokenRequest, request: requestLike, expectedCode: code,
            pkce: { codeChallenge: row.code_challenge, codeChallengeMethod: PkceCodeChallengeMethod.S256, ...(parsed.pkceCodeVerifier !== undefined ? { codeVerifier: parsed.pkceCodeVerifier } : {}) },
            codeExpiresAt: new Date(row.expires_at), now,
          });
        }
      } catch (error) {
        throw protocolError(error);
      }
      const accessToken = randomToken();
      const tokenExpiresAt = new Date(now.getTime() + ACCESS_TOKEN_LIFETIME_S * 1000).toISOString();
      const spent = await ctx.db.updateTable('oid4vci_grants').set({ used_at: now.toISOString(), access_token_hash: hashOf(accessToken), token_expires_at: tokenExpiresAt })
        .where('id', '=', row.id).where('used_at', 'is', null).executeTakeFirst();
      if (Number(spent.numUpdatedRows) !== 1) throw Oid4vciError.invalidGrant('the code was already used');
      const configurationIds = JSON.parse(row.configuration_ids) as string[];
      // Draft 13–15 wallets still read c_nonce here; 1.0 wallets ask the nonce endpoint.
      const { c_nonce, c_nonce_expires_in } = await issueNonce(ctx.db);
      return {
        access_token: accessToken, token_type: 'Bearer', expires_in: ACCESS_TOKEN_LIFETIME_S,
        c_nonce, c_nonce_expires_in,
        authorization_details: configurationIds.map((id) => ({ type: 'openid_credential', credential_configuration_id: id, credential_identifiers: [id] })),
      };
    },

    /**
     * The credential endpoint (OpenID4VCI 1.0 §8): the access token's grant, a configuration it covers,
     * one jwt proof over a fresh nonce from this issuer for this issuer; the credential is delivered
     * once, bound to the proven key, and its claim link is spent.
     */
    async credential(issuerId: string, accessToken: string | undefined, body: Record<string, unknown>): Promise<JsonObject> {
      if (accessToken === undefined) throw Oid4vciError.invalidToken('an access token from the token endpoint is required');
      const grant = await ctx.db.selectFrom('oid4vci_grants').selectAll().where('access_token_hash', '=', hashOf(accessToken)).executeTakeFirst();
      const now = ctx.now();
      if (!grant || grant.issuer_id !== issuerId) throw Oid4vciError.invalidToken('the access token is unknown');
      if (grant.token_expires_at === null || grant.token_expires_at <= now.toISOString()) throw Oid4vciError.invalidToken('the access token has expired');
      const metadata = await metadataResult(issuerId);
      let parsed: ReturnType<typeof issuerLibrary.parseCredentialRequest>;
      try {
        parsed = issuerLibrary.parseCredentialRequest({ issuerMetadata: metadata, credentialRequest: body });
      } catch (error) {
        const mapped = protocolError(error);
        if (mapped instanceof Oid4vciError && /credential_configuration_id/.test(mapped.description)) throw new Oid4vciError(400, 'unknown_credential_configuration', mapped.description);
        throw mapped instanceof Oid4vciError ? mapped : new Oid4vciError(400, 'invalid_credential_request', 'the credential request is malformed');
      }
      const granted = JSON.parse(grant.configuration_ids) as string[];
      const requested = parsed.credentialConfigurationId ?? parsed.credentialIdentifier ?? requestedByFormat(parsed.credentialRequest as JsonObject, granted);
      if (requested === undefined || !granted.includes(requested)) {
        if (parsed.credentialIdentifier !== undefined) throw new Oid4vciError(400, 'unknown_credential_identifier', 'the access token does not cover this credential_identifier');
        throw new Oid4vciError(400, 'unknown_credential_configuration', 'the access token does not cover this credential configuration');
      }
      const target = parseConfigurationId(requested)!;
      const jwts = parsed.proofs?.jwt;
      if (!jwts || jwts.length === 0) throw Oid4vciError.invalidProof('a jwt proof of possession of the key to bind the credential to is required (proof or proofs)');
      if (jwts.length > 1) throw Oid4vciError.invalidProof('this issuer delivers one credential per request: send one proof');
      const jwt = jwts[0]!;
      const header = decodePart(jwt, 0);
      const payload = decodePart(jwt, 1);
      if (!header || !payload) throw Oid4vciError.invalidProof('the proof is not a JWT');
      if (typeof header.alg !== 'string' || !(PROOF_ALGS as readonly string[]).includes(header.alg)) throw Oid4vciError.invalidProof(`the proof's alg must be one of ${PROOF_ALGS.join(', ')}`);
      if (header.typ !== 'openid4vci-proof+jwt') throw Oid4vciError.invalidProof('the proof\'s typ must be openid4vci-proof+jwt');
      if (typeof payload.nonce !== 'string') throw Oid4vciError.invalidNonce('the proof must carry a c_nonce from the nonce endpoint');
      const nonce = await ctx.db.selectFrom('oid4vci_nonces').selectAll().where('nonce', '=', payload.nonce).executeTakeFirst();
      if (!nonce || nonce.used_at !== null || nonce.expires_at <= now.toISOString()) throw Oid4vciError.invalidNonce('the proof\'s nonce is unknown, used or expired: ask the nonce endpoint for a new one');
      let verified: Awaited<ReturnType<typeof issuerLibrary.verifyCredentialRequestJwtProof>>;
      try {
        verified = await issuerLibrary.verifyCredentialRequestJwtProof({ issuerMetadata: metadata, jwt, expectedNonce: nonce.nonce, nonceExpiresAt: new Date(nonce.expires_at), now });
      } catch (error) {
        const mapped = protocolError(error);
        throw mapped instanceof Oid4vciError ? new Oid4vciError(400, mapped.error === 'invalid_nonce' ? 'invalid_nonce' : 'invalid_proof', mapped.description) : Oid4vciError.invalidProof(error instanceof Error ? error.message : 'the proof does not verify');
      }
      const holderDid = holderDidOf(verified.signer);
      if (holderDid === undefined) throw Oid4vciError.invalidProof('the proof\'s key must be a did:key, a did:jwk or a JWK (Ed25519 or P-256)');

      if (grant.redeemed_at !== null) throw new Oid4vciError(400, 'credential_request_denied', 'the credential of this access token was already delivered');
      let delivered: { id: string; document: JsonObject | string };
      try {
        delivered = await deps.binding.bind(grant.user_id !== null ? { kind: 'user', userId: grant.user_id } : { kind: 'anonymous' }, {
          credentialId: grant.credential_id, holderDid, format: target.format === 'ldp_vc' ? 'ldp' : 'jwt', via: 'openid4vci',
          // In the binding's transaction: the nonce and the grant are spent with the claim, or none of them.
          within: async (trx, bound) => {
            const used = await trx.updateTable('oid4vci_nonces').set({ used_at: now.toISOString() }).where('nonce', '=', nonce.nonce).where('used_at', 'is', null).executeTakeFirst();
            if (Number(used.numUpdatedRows) !== 1) throw Oid4vciError.invalidNonce('the proof\'s nonce was already used');
            const redeemed = await trx.updateTable('oid4vci_grants').set({ redeemed_at: now.toISOString(), bound_credential_id: bound.id })
              .where('id', '=', grant.id).where('redeemed_at', 'is', null).executeTakeFirst();
            if (Number(redeemed.numUpdatedRows) !== 1) throw new Oid4vciError(400, 'credential_request_denied', 'the credential of this access token was already delivered');
          },
        });
      } catch (error) {
        if (error instanceof Conflict) throw new Oid4vciError(400, 'credential_request_denied', error.message);
        throw protocolError(error);
      }
      ctx.metrics.increment('microcred_oid4vci_credentials_total', { format: target.format });
      const document = typeof delivered.document === 'string' && target.format === 'ldp_vc' ? JSON.parse(delivered.document) as JsonObject : delivered.document;
      const { credentialResponse } = await issuerLibrary.createCredentialResponse({ credentialRequest: parsed, credentials: [{ credential: document }] });
      return credentialResponse as unknown as JsonObject;
    },
  };
  return service;

  async function issueNonce(db: Kysely<DB>): Promise<{ c_nonce: string; c_nonce_expires_in: number }> {
    const now = ctx.now();
    const nonce = randomToken();
    await db.deleteFrom('oid4vci_nonces').where('expires_at', '<', new Date(now.getTime() - NONCE_LIFETIME_S * 1000).toISOString()).execute();
    await db.insertInto('oid4vci_nonces').values({ nonce, created_at: now.toISOString(), expires_at: new Date(now.getTime() + NONCE_LIFETIME_S * 1000).toISOString(), used_at: null }).execute();
    const response = issuerLibrary.createNonceResponse({ cNonce: nonce, cNonceExpiresIn: NONCE_LIFETIME_S });
    return { c_nonce: response.c_nonce, c_nonce_expires_in: response.c_nonce_expires_in ?? NONCE_LIFETIME_S };
  }
}

function withParams(uri: string, params: Record<string, string>): string {
  const url = new URL(uri);
  for (const [key, value] of Object.entries(params)) url.searchParams.set(key, value);
  return url.toString();
}

/** Draft 13/14 requests name a format (and a credential_definition) instead of a configuration id. */
function requestedByFormat(request: JsonObject, granted: string[]): string | undefined {
  if (typeof request.format !== 'string') return undefined;
  return granted.find((id) => parseConfigurationId(id)?.format === request.format);
}

function decodePart(jwt: string, index: 0 | 1): JsonObject | undefined {
  const part = jwt.split('.')[index];
  if (part === undefined) return undefined;
  try {
    const value = JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as unknown;
    return isObject(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

/** The holder's DID from the proof's signer: the DID of a did:key or did:jwk kid, or the did:jwk of a bare JWK. */
function holderDidOf(signer: { method: string; didUrl?: string; publicJwk?: unknown }): string | undefined {
  if (signer.method === 'did' && typeof signer.didUrl === 'string') return holderKey(signer.didUrl)?.did;
  if (signer.method === 'jwk') {
    const jwk = publicJwkOf(signer.publicJwk);
    return jwk ? didJwkOf(jwk) : undefined;
  }
  return undefined;
}

export type Oid4vciService = ReturnType<typeof createOid4vciService>;
