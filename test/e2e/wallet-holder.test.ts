/**
 * microcred's wallet as a holder in a real browser (Chromium): the learner pastes another issuer's
 * OpenID4VCI offer (with a transaction code), sees who offers what, takes it; then pastes another
 * verifier's OpenID4VP request, sees who asks and which credential matches, shares it, and is sent on
 * to the verifier's redirect. The peers are the spec-written ones of test/support/openid4vc-peers.ts
 * (HTTPS on 127.0.0.1; the server's guarded fetcher trusts their certificate and that address only).
 * The screen passes axe at each step.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createGuardedFetcher } from '../../src/net/guarded-fetcher.ts';
import { startPeers, type Peers } from '../support/openid4vc-peers.ts';
import { expectAccessible } from './support/axe.ts';
import { browserSkipReason, launchBrowser } from './support/browser.ts';
import { buildWebApart } from './support/learner.ts';
import { saveScreenshot, screenshotIfFailed } from './support/screenshots.ts';
import { startTestServer, type TestServer } from './support/server.ts';

const skipReason = browserSkipReason();
const LEARNER = { email: 'noor@example.org', name: 'Noor Haddad', password: 'a long learner passphrase' };

describe.skipIf(skipReason !== undefined)('the wallet takes another issuer\'s offer and answers another verifier in Chromium', () => {
  let peers: Peers;
  let server: TestServer;
  let web: Awaited<ReturnType<typeof buildWebApart>>;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;

  beforeAll(async () => {
    peers = await startPeers();
    web = await buildWebApart();
    server = await startTestServer({ webRoot: web.webRoot, fetcher: createGuardedFetcher({ allowAddress: (address) => address === '127.0.0.1', ca: peers.ca }) });
    browser = await launchBrowser();
    // The verifier's redirect lands on the peers' self-signed HTTPS page: only this context accepts it.
    context = await browser.newContext({ baseURL: server.url, viewport: { width: 1280, height: 900 }, ignoreHTTPSErrors: true });
    context.setDefaultTimeout(20_000);
    expect((await context.request.post('/api/v1/auth/signup', { data: LEARNER })).status()).toBe(202);
    expect((await context.request.post('/api/v1/auth/login', { data: { email: LEARNER.email, password: LEARNER.password } })).status()).toBe(200);
    page = await context.newPage();
  }, 180_000);

  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await server?.close();
    await peers?.close();
    web?.remove();
  });

  afterEach(async (test) => {
    await screenshotIfFailed(test, page, 'wallet-holder');
  });

  it('pastes an offer, is asked for the transaction code, and takes the credential', async () => {
    await page.goto('/wallet/exchange');
    await page.getByRole('heading', { level: 1, name: 'Offers and requests from other organisations' }).waitFor();
    await expectAccessible(page, 'wallet-exchange');

    const offers = page.getByTestId('offer-section');
    await offers.getByLabel('Credential offer link').fill(peers.offer({ txCode: '7305', configurations: ['teamwork-ldp'] }));
    await offers.getByRole('button', { name: 'Read the offer' }).click();
    const preview = page.getByTestId('offer-preview');
    await preview.getByText('Partner University').waitFor();
    await preview.getByText('Teamwork Badge').waitFor();
    await expectAccessible(page, 'wallet-exchange-offer');

    // A wrong code: the issuer refuses, the field says why, nothing is added.
    await preview.getByLabel(/Transaction code/).fill('1111');
    await preview.getByRole('button', { name: 'Add to my wallet' }).click();
    await offers.getByRole('alert').getByText(/transaction code/i).first().waitFor();
    await expectAccessible(page, 'wallet-exchange-offer-refused');

    await preview.getByLabel(/Transaction code/).fill('7305');
    await preview.getByRole('button', { name: 'Add to my wallet' }).click();
    const result = page.getByTestId('offer-result');
    await result.getByText(/One credential from Partner University in your wallet/).waitFor();
    await result.getByRole('link', { name: 'Teamwork' }).waitFor();
    await expect(result.textContent()).resolves.toMatch(/verified/);
    await saveScreenshot(page, 'wallet-exchange-offer-taken');
  });

  it('takes an offer that needs a sign-in at the issuer: goes there and comes back to the wallet with the credential', async () => {
    await page.goto('/wallet/exchange');
    const offers = page.getByTestId('offer-section');
    await offers.getByLabel('Credential offer link').fill(peers.offer({ authorizationCode: true, configurations: ['teamwork-jwt'] }));
    await offers.getByRole('button', { name: 'Read the offer' }).click();
    const preview = page.getByTestId('offer-preview');
    await preview.getByText('Teamwork Badge (JWT)').waitFor();
    await preview.getByRole('button', { name: 'Sign in at the issuer' }).click();
    await page.waitForURL(/\/wallet\/exchange\/callback\?/);
    await page.getByRole('heading', { level: 1, name: 'Back from the issuer' }).waitFor();
    await page.getByTestId('offer-result').getByText(/One credential from Partner University in your wallet/).waitFor();
    expect(peers.authorizationRequests.at(-1)).toMatchObject({ client_id: server.url, redirect_uri: `${server.url}/wallet/exchange/callback`, code_challenge_method: 'S256' });
    await expectAccessible(page, 'wallet-exchange-callback');
  });

  it('pastes a presentation request, sees who asks and what matches, shares, and is sent on to the verifier', async () => {
    const request = await peers.request();
    await page.goto('/wallet/exchange');
    const section = page.getByTestId('request-section');
    await section.getByLabel('Presentation request link').fill(request.link);
    await section.getByRole('button', { name: 'Read the request' }).click();
    const preview = page.getByTestId('request-preview');
    await preview.getByText('Acme Hiring', { exact: true }).waitFor();
    const box = preview.getByRole('checkbox', { name: /Teamwork/ });
    await expect(box.isChecked()).resolves.toBe(true);
    await expectAccessible(page, 'wallet-exchange-request');
    await saveScreenshot(page, 'wallet-exchange-request');

    expect(peers.presentations).toHaveLength(0);
    await preview.getByRole('button', { name: 'Share the chosen credentials' }).click();
    await page.waitForURL(`${peers.origin}/vp/done/${request.id}`);
    await page.getByRole('heading', { name: 'Thank you, we received your credential' }).waitFor();
    expect(peers.presentations).toHaveLength(1);
    expect(peers.presentations[0]).toMatchObject({ verified: true, challenge: request.nonce, domain: request.clientId });
  });
});
