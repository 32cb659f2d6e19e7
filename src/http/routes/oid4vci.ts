import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { parse as parseQuery } from 'node:querystring';
import { renderConsentPage, renderMessagePage } from '../../render/oauth-pages.ts';
import { qrSvg } from '../../render/qr.ts';
import { DomainError } from '../../services/errors.ts';
import type { Services } from '../../services/index.ts';
import { OID4VCI_PATH, Oid4vciError, type AuthorizationRequest } from '../../services/oid4vci/index.ts';
import { formCsrfMatches } from '../auth.ts';
import { errors } from '../contract/common.ts';
import {
  AuthorizationQuery, AuthorizationServerMetadataSchema, ClaimOfferLinkSchema, CredentialIdParams, CredentialIssuerMetadataSchema, CredentialOfferSchema, CredentialRequestSchema,
  CredentialResponseSchema, IssuerParams, NonceResponseSchema, OAuthErrorSchema, StaffOfferBodySchema, StaffOfferSchema, TokenRequestSchema, TokenResponseSchema,
} from '../contract/oid4vci.ts';
import { ClaimTokenParams } from '../contract/wallet.ts';
import { problemFromError } from '../problem.ts';

const TAGS = ['oid4vci'];
/** The authorization request's parameters carried through the consent form. */
const AUTHORIZATION_FIELDS = ['response_type', 'client_id', 'redirect_uri', 'scope', 'state', 'code_challenge', 'code_challenge_method', 'authorization_details', 'issuer_state'] as const;

function authorizationRequestOf(source: Record<string, unknown>): AuthorizationRequest {
  const out: Record<string, string> = {};
  for (const field of AUTHORIZATION_FIELDS) {
    const value = source[field];
    if (typeof value === 'string') out[field] = value;
  }
  return out as AuthorizationRequest;
}

/**
 * Protocol errors in the protocol's words (`{ error, error_description }`, RFC 6749 §5.2), never
 * cached; everything else as the app answers it (problem+json), without internal text.
 */
function sendProtocolError(error: unknown, request: FastifyRequest, reply: FastifyReply, invalidRequest: string): FastifyReply {
  void reply.header('cache-control', 'no-store');
  if (error instanceof Oid4vciError) {
    if (error.authenticate) void reply.header('www-authenticate', error.authenticate);
    return reply.code(error.status).type('application/json').send({ error: error.error, error_description: error.description });
  }
  if ((error as { validation?: unknown }).validation !== undefined) {
    return reply.code(400).type('application/json').send({ error: invalidRequest, error_description: (error as Error).message });
  }
  const problem = problemFromError(error, request);
  if (problem.status >= 500 && !(error instanceof DomainError)) request.log.error({ err: error }, 'request failed');
  return reply.code(problem.status).type('application/problem+json').send(problem);
}

function bearerToken(request: FastifyRequest): string | undefined {
  const match = /^(?:Bearer|DPoP)\s+([A-Za-z0-9._~+/-]+=*)$/i.exec(request.headers.authorization ?? '');
  return match?.[1];
}

/**
 * OpenID for Verifiable Credential Issuance 1.0, issuer side (issue 12 §1). Each organisation issuer is a
 * Credential Issuer (and its own authorization server) at PUBLIC_URL/oid4vci/<issuerId>; its metadata is
 * at the well-known URIs the specifications derive from that identifier (the well-known segment inserted
 * after the host: OpenID4VCI 1.0 §12.2.2, RFC 8414 §3), and also appended to it, where draft-era wallets
 * (Sphereon's client among them) look. Claim links answer their own Credential Offer.
 */
export function oid4vciRoutes(services: Services, options: { publicUrl: string }): FastifyPluginAsyncTypebox {
  const { oid4vci } = services;
  const basePath = new URL(options.publicUrl).pathname.replace(/\/$/, '');
  return async (app) => {
    const issuerMetadata = {
      schema: { tags: [...TAGS, 'public'], summary: 'Credential Issuer Metadata of an organisation issuer (OpenID4VCI 1.0 §12.2): a credential configuration per published achievement in ldp_vc and jwt_vc_json', params: IssuerParams, response: { 200: CredentialIssuerMetadataSchema, ...errors(404) } },
    };
    const handleIssuerMetadata = async (request: FastifyRequest<{ Params: { issuerId: string } }>, reply: FastifyReply) => {
      void reply.header('cache-control', 'public, max-age=60');
      return oid4vci.credentialIssuerMetadata(request.params.issuerId);
    };
    app.get(`/.well-known/openid-credential-issuer${basePath}${OID4VCI_PATH}/:issuerId`, issuerMetadata, handleIssuerMetadata);
    app.get(`${OID4VCI_PATH}/:issuerId/.well-known/openid-credential-issuer`, { schema: { ...issuerMetadata.schema, summary: 'The same Credential Issuer Metadata at the draft-era location (well-known appended to the issuer identifier)' } }, handleIssuerMetadata);

    const asMetadata = {
      schema: { tags: [...TAGS, 'public'], summary: "OAuth 2.0 Authorization Server Metadata (RFC 8414) of an organisation issuer's OpenID4VCI authorization server", params: IssuerParams, response: { 200: AuthorizationServerMetadataSchema, ...errors(404) } },
    };
    const handleAsMetadata = async (request: FastifyRequest<{ Params: { issuerId: string } }>, reply: FastifyReply) => {
      void reply.header('cache-control', 'public, max-age=60');
      return oid4vci.authorizationServerMetadata(request.params.issuerId);
    };
    app.get(`/.well-known/oauth-authorization-server${basePath}${OID4VCI_PATH}/:issuerId`, asMetadata, handleAsMetadata);
    app.get(`${OID4VCI_PATH}/:issuerId/.well-known/oauth-authorization-server`, { schema: { ...asMetadata.schema, summary: 'The same Authorization Server Metadata at the draft-era location (appended)' } }, handleAsMetadata);

    app.get('/api/v1/claim/:token/credential-offer', {
      schema: {
        tags: TAGS, summary: "A claim link's Credential Offer (OpenID4VCI 1.0 §4.1.3 credential_offer_uri): a fresh pre-authorized code for a wallet, until the credential is claimed (409 after)",
        params: ClaimTokenParams, response: { 200: CredentialOfferSchema, ...errors(404, 409) },
      },
    }, async (request, reply) => {
      void reply.header('cache-control', 'no-store');
      return oid4vci.claimOffer(request.params.token);
    });

    app.get('/api/v1/claim/:token/credential-offer-link', {
      schema: {
        tags: TAGS, summary: "A claim link's openid-credential-offer:// link, for its page (no code is made until a wallet fetches the offer); 409 once claimed",
        params: ClaimTokenParams, response: { 200: ClaimOfferLinkSchema, ...errors(404, 409) },
      },
    }, async (request, reply) => {
      void reply.header('cache-control', 'no-store');
      return oid4vci.claimOfferLink(request.params.token);
    });

    app.get('/api/v1/claim/:token/credential-offer/qr.svg', {
      schema: { tags: TAGS, summary: "The QR code (SVG) of a claim link's openid-credential-offer:// link, to scan with a wallet app", params: ClaimTokenParams, produces: ['image/svg+xml'], response: { ...errors(404, 409) } },
    }, async (request, reply) => {
      const { link } = await oid4vci.claimOfferLink(request.params.token);
      return reply.type('image/svg+xml').header('cache-control', 'no-store').send(qrSvg(link, { title: 'QR code of the credential offer: scan it with your wallet app' }));
    });

    app.post('/api/v1/credentials/:id/credential-offer', {
      schema: {
        tags: TAGS, summary: 'Make a Credential Offer (by value) for a credential not yet claimed, optionally with a transaction code shown here once, to give the learner separately',
        params: CredentialIdParams, body: StaffOfferBodySchema, response: { 201: StaffOfferSchema, ...errors(400, 401, 403, 404, 409, 422) },
      },
    }, async (request, reply) => {
      const offer = await oid4vci.staffOffer(request.actor, request.params.id, request.body);
      return reply.code(201).header('cache-control', 'no-store').send(offer);
    });

    await app.register(protocolEndpoints(services));
    await app.register(authorizationEndpoint(services));
  };
}

/** Token, nonce and credential endpoints: form or JSON in, the protocol's errors out. */
function protocolEndpoints(services: Services): FastifyPluginAsyncTypebox {
  const { oid4vci } = services;
  return async (app) => {
    app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: 8192 }, (_request, body, done) => {
      done(null, parseQuery(body as string));
    });

    app.post(`${OID4VCI_PATH}/:issuerId/token`, {
      config: { ownAuthorization: true },
      errorHandler: (error, request, reply) => sendProtocolError(error, request, reply, 'invalid_request'),
      schema: {
        tags: TAGS, summary: 'Token endpoint (RFC 6749 §3.2, OpenID4VCI 1.0 §6): a pre-authorized code (with its tx_code) or an authorization code with its PKCE verifier, once, for an access token',
        params: IssuerParams, body: TokenRequestSchema, consumes: ['application/x-www-form-urlencoded'], response: { 200: TokenResponseSchema, 400: OAuthErrorSchema, 401: OAuthErrorSchema, ...errors(404) },
      },
    }, async (request, reply) => {
      const headers = new Headers();
      for (const [name, value] of Object.entries(request.headers)) if (typeof value === 'string') headers.set(name, value);
      const url = `${request.protocol}://${request.host}${request.url}`;
      const answer = await oid4vci.token(request.params.issuerId, request.body as Record<string, unknown>, { url, headers });
      return reply.header('cache-control', 'no-store').header('pragma', 'no-cache').send(answer);
    });

    app.post(`${OID4VCI_PATH}/:issuerId/nonce`, {
      config: { ownAuthorization: true },
      errorHandler: (error, request, reply) => sendProtocolError(error, request, reply, 'invalid_request'),
      schema: { tags: TAGS, summary: 'Nonce endpoint (OpenID4VCI 1.0 §7): a fresh single-use c_nonce for the key proof', params: IssuerParams, response: { 200: NonceResponseSchema, ...errors(404) } },
    }, async (request, reply) => {
      const answer = await oid4vci.nonce(request.params.issuerId);
      return reply.header('cache-control', 'no-store').send(answer);
    });

    app.post(`${OID4VCI_PATH}/:issuerId/credential`, {
      config: { ownAuthorization: true },
      errorHandler: (error, request, reply) => sendProtocolError(error, request, reply, 'invalid_credential_request'),
      schema: {
        tags: TAGS, summary: 'Credential endpoint (OpenID4VCI 1.0 §8): with the access token and a jwt proof of the wallet\'s key (did:key, did:jwk or jwk; EdDSA or ES256), the credential bound to that key, once',
        params: IssuerParams, body: CredentialRequestSchema, response: { 200: CredentialResponseSchema, 400: OAuthErrorSchema, 401: OAuthErrorSchema, ...errors(404) },
      },
    }, async (request, reply) => {
      const answer = await oid4vci.credential(request.params.issuerId, bearerToken(request), request.body as Record<string, unknown>);
      return reply.header('cache-control', 'no-store').send(answer);
    });
  };
}

/**
 * The authorization endpoint for the authorization code flow (RFC 6749 §4.1 with PKCE): microcred's own
 * session is the sign-in (a learner without one signs in and comes back), then a consent page names the
 * credential and where it goes; its form posts back here with the session's CSRF token.
 */
function authorizationEndpoint(services: Services): FastifyPluginAsyncTypebox {
  const { oid4vci } = services;
  const page = (reply: FastifyReply, status: number, title: string, text: string) =>
    reply.code(status).type('text/html; charset=utf-8').send(renderMessagePage(title, [text]));
  return async (app) => {
    // The consent page may not be framed by another site (a framed "Allow" button could be clicked by trickery).
    app.addHook('onSend', async (_request, reply, payload) => {
      void reply.header('x-frame-options', 'DENY').header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'");
      return payload;
    });
    app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: 16384 }, (_request, body, done) => {
      done(null, parseQuery(body as string));
    });
    const failed = (reply: FastifyReply, error: unknown) => {
      if (error instanceof DomainError && error.status < 500) return page(reply, error.status, 'This request cannot be answered', `${error.message}. Go back to your wallet and start again.`);
      throw error;
    };

    app.get(`${OID4VCI_PATH}/:issuerId/authorize`, {
      schema: {
        tags: TAGS, summary: 'Authorization endpoint (RFC 6749 §4.1.1, PKCE S256 required): a signed-in learner allows her wallet to receive one of her unclaimed credentials',
        params: IssuerParams, querystring: AuthorizationQuery, produces: ['text/html'],
      },
    }, async (request, reply) => {
      const query = authorizationRequestOf(request.query as Record<string, unknown>);
      if (request.actor.kind !== 'user') {
        const back = `${OID4VCI_PATH}/${request.params.issuerId}/authorize?${new URLSearchParams(query as Record<string, string>).toString()}`;
        return reply.redirect(`/login?next=${encodeURIComponent(back)}`, 303);
      }
      try {
        const prompt = await oid4vci.authorizationPrompt(request.actor, request.params.issuerId, query);
        if ('redirect' in prompt) return await reply.redirect(prompt.redirect, 303);
        return await reply.type('text/html; charset=utf-8').header('cache-control', 'no-store').send(renderConsentPage({
          clientName: prompt.clientId,
          redirectUri: prompt.redirectUri,
          permissions: [`Receive your credential “${prompt.achievementName}” from ${prompt.issuerName}, bound to the wallet's key. The claim link is then used: the credential cannot be claimed again.`],
          learnerName: 'you',
          formAction: `${OID4VCI_PATH}/${request.params.issuerId}/authorize`,
          csrfToken: request.csrfToken ?? '',
          hidden: query as Record<string, string>,
        }));
      } catch (error) {
        return failed(reply, error);
      }
    });

    app.post(`${OID4VCI_PATH}/:issuerId/authorize`, {
      config: { formCsrf: true },
      schema: { tags: TAGS, summary: "The learner's answer on the consent page (form with the session's CSRF token): back to the wallet with a code, or access_denied", params: IssuerParams, hide: true },
    }, async (request, reply) => {
      const form = (request.body ?? {}) as Record<string, unknown>;
      if (request.actor.kind !== 'user') return page(reply, 401, 'Sign in first', 'Your session ended: go back to your wallet and start again.');
      if (!formCsrfMatches(request, form.csrf)) return page(reply, 403, 'This form has expired', 'Reload the page and choose again.');
      try {
        const answer = await oid4vci.authorizationDecision(request.actor, request.params.issuerId, authorizationRequestOf(form), form.decision === 'allow');
        return await reply.redirect(answer.redirect, 303);
      } catch (error) {
        return failed(reply, error);
      }
    });
  };
}
