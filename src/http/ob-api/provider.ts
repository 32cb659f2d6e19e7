import Provider, { errors, type AccessTokenInstance } from 'oidc-provider';
import type { Config } from '../../config.ts';
import { ALL_OB_SCOPES, type ObHostService } from '../../services/ob-api/host.ts';

/** Where the authorization server lives under the public URL; its issuer identifier is `${publicUrl}${OAUTH_PATH}`. */
export const OAUTH_PATH = '/oauth';
/** The OB 3.0 API's base path (OB 3.0 §6, "Open Badges API"). */
export const OB_API_PATH = '/ims/ob/v3p0';

/** The endpoints, under OAUTH_PATH, named in the Service Description Document. */
export const OAUTH_ROUTES = {
  authorization: '/authorize',
  token: '/token',
  registration: '/register',
  revocation: '/revoke',
  jwks: '/jwks',
  introspection: '/introspect',
  end_session: '/session/end',
  userinfo: '/me',
} as const;

export interface ObAuthorizationServer {
  provider: Provider;
  issuer: string;
  /** The resource indicator of the OB 3.0 API: every access token is issued for it. */
  resource: string;
  /** The access token's grant, or undefined when it is unknown, expired or revoked. */
  findAccessToken(token: string): Promise<AccessTokenInstance | undefined>;
}

/**
 * The OAuth 2.0 authorization server of the OB 3.0 API (OB 3.0 §6.1, "Authorization"), built on
 * oidc-provider (a certified implementation) rather than by hand: open dynamic client registration
 * (RFC 7591), the authorization code grant with PKCE S256 required (RFC 7636), refresh tokens, token
 * revocation (RFC 7009). Its state lives in microcred's database (services.obHost.oauthAdapter), so any
 * node answers any step. Access tokens are opaque, issued for the OB 3.0 API as their one resource.
 */
export async function createAuthorizationServer(config: Config, host: ObHostService): Promise<ObAuthorizationServer> {
  const issuer = `${config.publicUrl}${OAUTH_PATH}`;
  const resource = `${config.publicUrl}${OB_API_PATH}`;
  const keys = await host.serverKeys();
  const scopes = ALL_OB_SCOPES.join(' ');

  const provider = new Provider(issuer, {
    adapter: class {
      readonly impl;
      constructor(model: string) {
        this.impl = host.oauthAdapter(model);
      }
      upsert(id: string, payload: Record<string, unknown>, expiresIn?: number) { return this.impl.upsert(id, payload, expiresIn); }
      find(id: string) { return this.impl.find(id); }
      findByUid(uid: string) { return this.impl.findByUid(uid); }
      findByUserCode(code: string) { return this.impl.findByUserCode(code); }
      consume(id: string) { return this.impl.consume(id); }
      destroy(id: string) { return this.impl.destroy(id); }
      revokeByGrantId(grantId: string) { return this.impl.revokeByGrantId(grantId); }
    },
    jwks: { keys: [keys.signingKey] },
    cookies: { keys: keys.cookieKeys, long: { httpOnly: true, sameSite: 'lax', signed: true }, short: { httpOnly: true, sameSite: 'lax', signed: true } },
    routes: OAUTH_ROUTES,
    scopes: [...ALL_OB_SCOPES],
    claims: { openid: ['sub'] },
    clientDefaults: { grant_types: ['authorization_code', 'refresh_token'], response_types: ['code'], token_endpoint_auth_method: 'client_secret_basic' },
    responseTypes: ['code'],
    // OB 3.0 §6.1.1: clients register themselves (dynamic registration, no initial access token).
    features: {
      devInteractions: { enabled: false },
      registration: { enabled: true },
      // RFC 7009 §2.1: a client revokes only the tokens issued to it.
      revocation: { enabled: true, allowedPolicy: (_ctx: unknown, client: { clientId: string }, token: { clientId?: string }) => token.clientId === client.clientId },
      introspection: { enabled: false },
      userinfo: { enabled: false },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => resource,
        useGrantedResource: () => true,
        getResourceServerInfo: (_ctx: unknown, indicator: string) => {
          if (indicator !== resource) throw new errors.InvalidTarget!();
          return { scope: scopes, audience: resource, accessTokenTTL: 60 * 60, accessTokenFormat: 'opaque' };
        },
      },
    },
    // OB 3.0 §6.1.2 and RFC 9700: PKCE for every client, S256 only.
    pkce: { required: () => true },
    // A refresh token for every client that registered the refresh_token grant (OB 3.0 §6.1.4).
    issueRefreshToken: (_ctx: unknown, client: { grantTypeAllowed(type: string): boolean }) => client.grantTypeAllowed('refresh_token'),
    ttl: {
      AccessToken: 60 * 60,
      AuthorizationCode: 60,
      Interaction: 60 * 60,
      Grant: 180 * 24 * 60 * 60,
      Session: 24 * 60 * 60,
      RefreshToken: 180 * 24 * 60 * 60,
    },
    interactions: { url: (_ctx: unknown, interaction: { uid: string }) => `${OAUTH_PATH}/interaction/${interaction.uid}` },
    findAccount: async (_ctx: unknown, sub: string) => ((await host.accountExists(sub)) ? { accountId: sub, claims: () => ({ sub }) } : undefined),
    renderError: (ctx: { type: string; body: string; status: number }, out: Record<string, string>) => {
      ctx.type = 'html';
      ctx.body = errorPage(out.error ?? 'error', out.error_description ?? 'The request could not be completed.');
    },
  });
  provider.proxy = config.trustProxy;
  return {
    provider,
    issuer,
    resource,
    async findAccessToken(token) {
      const found = await provider.AccessToken.find(token);
      return found?.isValid ? found : undefined;
    },
  };
}

function errorPage(code: string, description: string): string {
  const escape = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Authorization failed — microcred</title></head>`
    + `<body><main><h1>The authorization could not be completed</h1><p>${escape(description)}</p><p>Code: <code>${escape(code)}</code></p></main></body></html>`;
}
