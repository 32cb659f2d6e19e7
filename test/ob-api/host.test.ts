/**
 * microcred as an Open Badges 3.0 API host (issue 13 §1), driven by an independent OAuth 2.0 client
 * (openid-client) over real HTTP on 127.0.0.1, with the learner's consent given in Chromium.
 */
import * as client from 'openid-client';
import type { Browser, BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OB_SCOPES } from '../../src/services/ob-api/host.ts';
import { expectAccessible } from '../e2e/support/axe.ts';
import { browserSkipReason, launchBrowser } from '../e2e/support/browser.ts';
import type { Session } from '../support/app.ts';
import { callbackServer, issueOn, learner, startInstance, type Instance } from './support.ts';

const skip = browserSkipReason();
const ALL = Object.values(OB_SCOPES).join(' ');

describe.skipIf(skip)('OB 3.0 API host: OAuth 2.0 with openid-client, consent in Chromium', () => {
  let host: Instance;
  let issuer: Instance;
  let browser: Browser;
  let callback: Awaited<ReturnType<typeof callbackServer>>;
  let alice: Session;
  let bob: Session;
  let signed: { document: string; email: string };

  beforeAll(async () => {
    [host, issuer] = await Promise.all([startInstance(), startInstance()]);
    callback = await callbackServer();
    browser = await launchBrowser();
    alice = await learner(host.app, 'alice@learner.test', 'Alice Learner');
    bob = await learner(host.app, 'bob@learner.test', 'Bob Learner');
    signed = await issueOn(issuer, 'alice@learner.test');
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await callback?.close();
    await Promise.all([host?.close(), issuer?.close()]);
  });

  /** Registers dynamically (RFC 7591) with the host, as a backpack would. */
  async function register(scope = ALL, name = 'Test Backpack'): Promise<client.Configuration> {
    return await client.dynamicClientRegistration(new URL(`${host.url}/oauth`), {
      client_name: name, client_uri: 'https://backpack.example', redirect_uris: [callback.url],
      grant_types: ['authorization_code', 'refresh_token'], response_types: ['code'], token_endpoint_auth_method: 'client_secret_basic', scope,
    }, undefined, { execute: [client.allowInsecureRequests] });
  }

  async function signedInContext(session: Session): Promise<BrowserContext> {
    const context = await browser.newContext();
    await context.addCookies([{ name: 'mc_session', value: session.cookie.slice('mc_session='.length), url: host.url }]);
    return context;
  }

  /** The authorization code flow with PKCE S256, the learner choosing on the consent screen in Chromium. */
  async function authorize(config: client.Configuration, session: Session, scope: string, decision: 'Allow' | 'Deny' = 'Allow', check?: (html: string) => void) {
    const verifier = client.randomPKCECodeVerifier();
    const state = client.randomState();
    const url = client.buildAuthorizationUrl(config, { redirect_uri: callback.url, scope, state, code_challenge: await client.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256' });
    const context = await signedInContext(session);
    const page = await context.newPage();
    try {
      await page.goto(url.href);
      await page.getByRole('button', { name: decision }).waitFor();
      check?.(await page.content());
      await expectAccessible(page, 'OB 3.0 consent');
      await page.getByRole('button', { name: decision }).click();
      await page.waitForURL((target) => target.href.startsWith(callback.url));
      const back = new URL(page.url());
      return { back, verifier, state };
    } finally {
      await context.close();
    }
  }

  async function tokensFor(session: Session, scope = ALL) {
    const config = await register(scope);
    const { back, verifier, state } = await authorize(config, session, scope);
    const tokens = await client.authorizationCodeGrant(config, back, { pkceCodeVerifier: verifier, expectedState: state });
    return { config, tokens };
  }

  const api = (path: string, token: string, init: RequestInit = {}) =>
    fetch(`${host.url}/ims/ob/v3p0${path}`, { ...init, headers: { authorization: `Bearer ${token}`, ...init.headers } });

  it('publishes a Service Description Document with the registration URL, the flow and the four scopes', async () => {
    const response = await fetch(`${host.url}/ims/ob/v3p0/discovery`);
    expect(response.status).toBe(200);
    const sdd = await response.json() as { info: Record<string, string>; servers: { url: string }[]; components: { securitySchemes: { OAuth2ACG: Record<string, unknown> & { flows: { authorizationCode: { authorizationUrl: string; tokenUrl: string; scopes: Record<string, string> } } } } } };
    expect(sdd.servers[0]!.url).toBe(`${host.url}/ims/ob/v3p0`);
    expect(sdd.info['x-imssf-privacyPolicyUrl']).toBe(`${host.url}/ims/ob/v3p0/privacy`);
    const scheme = sdd.components.securitySchemes.OAuth2ACG;
    expect(scheme.type).toBe('oauth2');
    expect(scheme['x-imssf-registrationUrl']).toBe(`${host.url}/oauth/register`);
    expect(Object.keys(scheme.flows.authorizationCode.scopes).sort()).toEqual(Object.values(OB_SCOPES).sort());
    // The URLs it names are the authorization server's own (its metadata agrees).
    const metadata = await (await fetch(`${host.url}/oauth/.well-known/openid-configuration`)).json() as Record<string, unknown>;
    expect(metadata.authorization_endpoint).toBe(scheme.flows.authorizationCode.authorizationUrl);
    expect(metadata.token_endpoint).toBe(scheme.flows.authorizationCode.tokenUrl);
    expect(metadata.registration_endpoint).toBe(scheme['x-imssf-registrationUrl']);
    expect(metadata.code_challenge_methods_supported).toEqual(['S256']);
    expect((await fetch(`${host.url}/ims/ob/v3p0/privacy`)).status).toBe(200);
  });

  it('registers a client, gets consent in the browser, reads and upserts credentials, and refreshes', async () => {
    const config = await register();
    const { back, verifier, state } = await authorize(config, alice, ALL, 'Allow', (html) => {
      // The consent screen names the client and says what it will see and do.
      expect(html).toContain('Test Backpack');
      expect(html).toContain('backpack.example');
      expect(html).toContain('See every credential in your wallet');
      expect(html).toContain('Add credentials to your wallet');
      expect(html).toContain('Change the name on your profile');
    });
    const tokens = await client.authorizationCodeGrant(config, back, { pkceCodeVerifier: verifier, expectedState: state });
    expect(tokens.access_token).toBeTruthy();
    expect(tokens.refresh_token).toBeTruthy();
    expect(tokens.scope?.split(' ').sort()).toEqual(Object.values(OB_SCOPES).sort());

    const empty = await api('/credentials', tokens.access_token);
    expect(empty.status).toBe(200);
    expect(empty.headers.get('x-total-count')).toBe('0');

    const created = await api('/credentials', tokens.access_token, { method: 'POST', headers: { 'content-type': 'application/json' }, body: signed.document });
    expect(created.status).toBe(201);
    expect(await created.text()).toBe(signed.document);
    expect(created.headers.get('x-microcred-verification')).toBe('verified');
    const again = await api('/credentials', tokens.access_token, { method: 'POST', headers: { 'content-type': 'application/json' }, body: signed.document });
    expect(again.status).toBe(304);

    const listed = await api('/credentials?limit=1&offset=0', tokens.access_token);
    expect(listed.status).toBe(200);
    expect(listed.headers.get('x-total-count')).toBe('1');
    expect(listed.headers.get('link')).toContain('rel="first"');
    const body = await listed.json() as { credential: { id: string }[] };
    expect(body.credential.map((c) => c.id)).toEqual([JSON.parse(signed.document).id]);
    // It is in the learner's wallet, with its verification, as any import.
    const wallet = await alice.request('GET', '/api/v1/wallet/credentials');
    expect((wallet.json() as { items: { source: string; status: string }[] }).items).toEqual([expect.objectContaining({ source: 'ob-api', status: 'verified' })]);
    const later = await api(`/credentials?since=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}`, tokens.access_token);
    expect(later.headers.get('x-total-count')).toBe('0');

    const profile = await api('/profile', tokens.access_token);
    expect(await profile.json()).toMatchObject({ type: ['Profile'], name: 'Alice Learner', email: 'alice@learner.test' });
    const renamed = await api('/profile', tokens.access_token, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ type: ['Profile'], name: 'Alice L.' }) });
    expect(renamed.status).toBe(200);
    expect(await renamed.json()).toMatchObject({ name: 'Alice L.' });

    // Refresh (OB 3.0 §6.1.4): a new access token that works.
    const refreshed = await client.refreshTokenGrant(config, tokens.refresh_token!);
    expect(refreshed.access_token).not.toBe(tokens.access_token);
    expect((await api('/credentials', refreshed.access_token)).status).toBe(200);

    // Alice sees the application among her connections, in words, and withdraws it: its tokens stop at once.
    const connections = (await alice.request('GET', '/api/v1/wallet/connections')).json() as { items: { id: string; clientName: string; permissions: string[] }[] };
    const mine = connections.items.find((c) => c.clientName === 'Test Backpack')!;
    expect(mine.permissions).toHaveLength(4);
    expect((await bob.request('DELETE', `/api/v1/wallet/connections/${mine.id}`)).statusCode).toBe(404);
    expect((await api('/credentials', refreshed.access_token)).status).toBe(200);
    expect((await alice.request('DELETE', `/api/v1/wallet/connections/${mine.id}`)).statusCode).toBe(204);
    expect((await api('/credentials', refreshed.access_token)).status).toBe(401);
    await expect(client.refreshTokenGrant(config, refreshed.refresh_token!)).rejects.toThrow();
  }, 60_000);

  it('refuses a token without the scope (403), unknown, revoked and expired tokens (401)', async () => {
    const { config, tokens } = await tokensFor(bob, OB_SCOPES.credentialRead);
    expect(tokens.scope).toBe(OB_SCOPES.credentialRead);
    expect((await api('/credentials', tokens.access_token)).status).toBe(200);
    const upsert = await api('/credentials', tokens.access_token, { method: 'POST', headers: { 'content-type': 'application/json' }, body: signed.document });
    expect(upsert.status).toBe(403);
    expect(upsert.headers.get('www-authenticate')).toContain('insufficient_scope');
    expect(await upsert.json()).toMatchObject({ imsx_codeMajor: 'failure', imsx_severity: 'error', imsx_codeMinor: { imsx_codeMinorField: [{ imsx_codeMinorFieldValue: 'forbidden' }] } });
    expect((await api('/profile', tokens.access_token)).status).toBe(403);
    expect((await api('/profile', tokens.access_token, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: '{"name":"X"}' })).status).toBe(403);

    const none = await fetch(`${host.url}/ims/ob/v3p0/credentials`);
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toContain('Bearer');
    expect((await none.json() as { imsx_codeMinor: unknown }).imsx_codeMinor).toEqual({ imsx_codeMinorField: [{ imsx_codeMinorFieldName: 'TargetEndSystem', imsx_codeMinorFieldValue: 'unauthorizedrequest' }] });
    expect((await api('/credentials', 'not-a-token')).status).toBe(401);

    // RFC 7009 revocation: the token stops working at once, and the refresh token of the same grant with it.
    await client.tokenRevocation(config, tokens.refresh_token!);
    expect((await api('/credentials', tokens.access_token)).status).toBe(401);
    await expect(client.refreshTokenGrant(config, tokens.refresh_token!)).rejects.toThrow();

    // An access token past its expiry.
    const fresh = await tokensFor(bob, OB_SCOPES.credentialRead);
    expect((await api('/credentials', fresh.tokens.access_token)).status).toBe(200);
    const { db } = host.server.runtime.ctx;
    await db.updateTable('oauth_models').set({ expires_at: Date.now() - 1000 }).where('model', '=', 'AccessToken').execute();
    const expired = await api('/credentials', fresh.tokens.access_token);
    expect(expired.status).toBe(401);
    expect(expired.headers.get('www-authenticate')).toContain('invalid_token');
  }, 90_000);

  it('a token for one learner never reads or writes another learner\'s wallet', async () => {
    const { tokens } = await tokensFor(bob, ALL);
    const listed = await api('/credentials', tokens.access_token);
    expect(listed.headers.get('x-total-count')).toBe('0');
    expect(await listed.json()).toEqual({ credential: [], compactJwsString: [] });
    expect(await (await api('/profile', tokens.access_token)).json()).toMatchObject({ email: 'bob@learner.test' });
    // Bob's client adds to Bob's wallet only.
    const before = (await alice.request('GET', '/api/v1/wallet/credentials')).json() as { items: unknown[] };
    const other = await issueOn(issuer, 'bob@learner.test');
    expect((await api('/credentials', tokens.access_token, { method: 'POST', headers: { 'content-type': 'application/json' }, body: other.document })).status).toBe(201);
    expect(((await alice.request('GET', '/api/v1/wallet/credentials')).json() as { items: unknown[] }).items).toHaveLength(before.items.length);
    expect(((await bob.request('GET', '/api/v1/wallet/credentials')).json() as { items: unknown[] }).items).toHaveLength(1);
  }, 60_000);

  it('hostile upserts: garbage is refused; a tampered credential is kept as failed; a tampered copy of a held one is refused and the held one kept', async () => {
    const { tokens } = await tokensFor(alice, ALL);
    const post = (body: string, type = 'application/json') => api('/credentials', tokens.access_token, { method: 'POST', headers: { 'content-type': type }, body });
    for (const [body, type] of [['{not json', 'application/json'], ['[1,2]', 'application/json'], ['"text"', 'application/json'], ['{"hello":"world"}', 'application/json'], ['not.a.jws', 'text/plain'], ['', 'text/plain']] as const) {
      const answer = await post(body, type);
      expect(answer.status, `${type} ${body}`).toBe(400);
      expect(await answer.json(), body).toMatchObject({ imsx_codeMajor: 'failure', imsx_severity: 'error' });
    }
    expect((await post('<x/>', 'application/xml')).status).toBe(415);

    const held = JSON.parse(signed.document) as { id: string; credentialSubject: { achievement: { name: string } } };
    const tampered = structuredClone(held);
    tampered.credentialSubject.achievement.name = 'Doctorate in Everything';
    const refused = await post(JSON.stringify(tampered));
    expect(refused.status).toBe(400);
    const wallet = (await alice.request('GET', '/api/v1/wallet/credentials')).json() as { items: { name: string; status: string }[] };
    expect(wallet.items.map((item) => item.name)).not.toContain('Doctorate in Everything');

    // A credential the wallet does not hold, whose content and signature were changed: kept, with its failed verification.
    const stranger = structuredClone(held) as typeof held & { id: string; proof: { proofValue: string } | { proofValue: string }[] };
    stranger.id = 'urn:uuid:7f0c8a86-8f5c-4b8e-9d6a-0d7c2f5b9a11';
    stranger.credentialSubject.achievement.name = 'Forged Badge';
    const proof = [stranger.proof].flat()[0]!;
    proof.proofValue = `${proof.proofValue.slice(0, -6)}${proof.proofValue.endsWith('AAAAAA') ? 'BBBBBB' : 'AAAAAA'}`;
    const kept = await post(JSON.stringify(stranger));
    expect(kept.status).toBe(201);
    expect(kept.headers.get('x-microcred-verification')).toBe('invalid');
    const after = (await alice.request('GET', '/api/v1/wallet/credentials')).json() as { items: { name: string; status: string }[] };
    expect(after.items.find((item) => item.name === 'Forged Badge')?.status).toBe('invalid');
  }, 60_000);

  it('requires PKCE S256 and refuses a denied consent', async () => {
    const config = await register();
    const state = client.randomState();
    const plain = client.buildAuthorizationUrl(config, { redirect_uri: callback.url, scope: ALL, state });
    const answer = await fetch(plain, { redirect: 'manual' });
    const location = new URL(answer.headers.get('location')!, host.url);
    expect(location.href.startsWith(callback.url)).toBe(true);
    expect(location.searchParams.get('error')).toBe('invalid_request');

    const denied = await authorize(config, alice, ALL, 'Deny');
    expect(denied.back.searchParams.get('error')).toBe('access_denied');

    // Without a session, the interaction sends the learner to sign in and back.
    const verifier = client.randomPKCECodeVerifier();
    const start = await fetch(client.buildAuthorizationUrl(config, { redirect_uri: callback.url, scope: ALL, state, code_challenge: await client.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256' }), { redirect: 'manual' });
    const interaction = start.headers.get('location')!;
    expect(interaction).toMatch(/\/oauth\/interaction\/[\w-]+$/);
    const cookies = start.headers.getSetCookie().map((cookie) => cookie.split(';')[0]).join('; ');
    const login = await fetch(new URL(interaction, host.url), { redirect: 'manual', headers: { cookie: cookies } });
    expect(login.status).toBe(303);
    expect(login.headers.get('location')).toBe(`/login?next=${encodeURIComponent(interaction)}`);

    // Signed in, over plain HTTP: the consent page comes with headers that forbid framing it.
    const jar = new Map(start.headers.getSetCookie().map((cookie) => cookie.split(';')[0]!.split('=') as [string, string]));
    jar.set('mc_session', alice.cookie.slice('mc_session='.length));
    let next = new URL(interaction, host.url);
    let page: Response | undefined;
    for (let hop = 0; hop < 6; hop++) {
      page = await fetch(next, { redirect: 'manual', headers: { cookie: [...jar].map(([k, v]) => `${k}=${v}`).join('; ') } });
      for (const cookie of page.headers.getSetCookie()) {
        const [pair] = cookie.split(';');
        const [name, value] = pair!.split('=') as [string, string];
        jar.set(name, value);
      }
      if (page.status !== 303 && page.status !== 302) break;
      next = new URL(page.headers.get('location')!, host.url);
    }
    expect(page!.status).toBe(200);
    expect(await page!.text()).toContain('Allow');
    expect(page!.headers.get('x-frame-options')).toBe('DENY');
    expect(page!.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
  }, 60_000);
});
