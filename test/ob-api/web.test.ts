/**
 * The learner's side of the OB 3.0 API in the built web app, in Chromium: an application sends her to
 * consent while she is signed out; she signs in, comes back to the consent screen, allows it; later she
 * finds it under "Connected applications" in her account and withdraws its access.
 */
import * as client from 'openid-client';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OB_SCOPES } from '../../src/services/ob-api/host.ts';
import { expectAccessible } from '../e2e/support/axe.ts';
import { browserSkipReason, launchBrowser } from '../e2e/support/browser.ts';
import { buildWebApart } from '../e2e/support/learner.ts';
import { callbackServer, learner, startInstance, type Instance } from './support.ts';

const skip = browserSkipReason();

describe.skipIf(skip)('OB 3.0 API in the web app: sign in on the way to consent, withdraw from the account', () => {
  let web: Awaited<ReturnType<typeof buildWebApart>>;
  let host: Instance;
  let browser: Browser;
  let callback: Awaited<ReturnType<typeof callbackServer>>;

  beforeAll(async () => {
    web = await buildWebApart();
    host = await startInstance({ webRoot: web.webRoot });
    callback = await callbackServer();
    browser = await launchBrowser();
    // An instance that was set up (the sign-in screen sends a fresh one to first-time setup).
    const setup = await host.app.inject({ method: 'POST', url: '/api/v1/setup', payload: { organisationName: 'Host University', email: 'owner@host.test', password: 'owner-password-1' } });
    expect(setup.statusCode, setup.body).toBe(201);
    await learner(host.app, 'erin@learner.test', 'Erin Learner');
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await callback?.close();
    await host?.close();
    web?.remove();
  });

  it('signs in, consents, then lists and withdraws the application', async () => {
    const config = await client.dynamicClientRegistration(new URL(`${host.url}/oauth`), {
      client_name: 'Portfolio Example', client_uri: 'https://portfolio.example', redirect_uris: [callback.url],
      grant_types: ['authorization_code', 'refresh_token'], response_types: ['code'], scope: OB_SCOPES.credentialRead,
    }, undefined, { execute: [client.allowInsecureRequests] });
    const verifier = client.randomPKCECodeVerifier();
    const state = client.randomState();
    const url = client.buildAuthorizationUrl(config, { redirect_uri: callback.url, scope: OB_SCOPES.credentialRead, state, code_challenge: await client.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256' });

    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(url.href);
    await page.waitForURL(/\/login\?next=/);
    await page.getByLabel('E-mail address').fill('erin@learner.test');
    await page.getByLabel('Password').fill('learner-password-1');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: /Allow Portfolio Example/ }).waitFor();
    expect(await page.locator('ul.permissions li').count()).toBe(1);
    await page.getByRole('button', { name: 'Allow' }).click();
    await page.waitForURL((target) => target.href.startsWith(callback.url));
    const tokens = await client.authorizationCodeGrant(config, new URL(page.url()), { pkceCodeVerifier: verifier, expectedState: state });
    const read = () => fetch(`${host.url}/ims/ob/v3p0/credentials`, { headers: { authorization: `Bearer ${tokens.access_token}` } });
    expect((await read()).status).toBe(200);

    await page.goto(`${host.url}/wallet/account`);
    const table = page.getByTestId('connections-table');
    await table.getByRole('cell', { name: /Portfolio Example/ }).first().waitFor();
    await expect(table.getByText('See every credential in your wallet', { exact: false }).count()).resolves.toBe(1);
    await expectAccessible(page, 'Account with connected applications');
    await table.getByRole('button', { name: /Withdraw access/ }).click();
    await page.getByText('Portfolio Example can no longer use your wallet.').waitFor();
    expect((await read()).status).toBe(401);
    await context.close();
  }, 120_000);
});
