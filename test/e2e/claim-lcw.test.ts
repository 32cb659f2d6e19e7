/**
 * The claim page in a real browser offers the Learner Credential Wallet: a learner without an account
 * asks for the wallet link, gets the LCW deep link and its QR code (an image the server draws from the
 * same link), and once a scripted LCW (test/support/lcw-client.ts) has taken the credential, the page
 * says it is in the wallet. axe passes on the page before and after.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { expectAccessible } from './support/axe.ts';
import { browserSkipReason, launchBrowser } from './support/browser.ts';
import { buildWebApart, setUpIssuing, type Issuing } from './support/learner.ts';
import { saveScreenshot, screenshotIfFailed } from './support/screenshots.ts';
import { startTestServer, type TestServer } from './support/server.ts';
import { readLcwDeepLink, takeIntoLcw } from '../support/lcw-client.ts';

const skipReason = browserSkipReason();
const LEARNER = { email: 'noa.lind@example.org', name: 'Noa Lind' };

describe.skipIf(skipReason !== undefined)('claim page: Add to Learner Credential Wallet, in Chromium', () => {
  let server: TestServer;
  let web: Awaited<ReturnType<typeof buildWebApart>>;
  let browser: Browser;
  let issuerContext: BrowserContext;
  let context: BrowserContext;
  let page: Page;
  let issuing: Issuing;

  beforeAll(async () => {
    web = await buildWebApart();
    server = await startTestServer({ webRoot: web.webRoot });
    browser = await launchBrowser();
    issuerContext = await browser.newContext({ baseURL: server.url });
    issuing = await setUpIssuing(issuerContext.request);
    await issuing.issue(LEARNER);
    context = await browser.newContext({ baseURL: server.url, viewport: { width: 1280, height: 900 } });
    context.setDefaultTimeout(15_000);
    page = await context.newPage();
  }, 180_000);

  afterAll(async () => {
    await context?.close();
    await issuerContext?.close();
    await browser?.close();
    await server?.close();
    web?.remove();
  });

  afterEach(async (test) => {
    await screenshotIfFailed(test, page, 'claim-lcw');
  });

  it('shows the LCW deep link and its QR code, then that the wallet has it', async () => {
    const link = await issuing.claimLink(LEARNER.email);
    await page.goto(link);
    const block = page.getByTestId('claim-lcw');
    await block.getByRole('heading', { name: 'Add to Learner Credential Wallet' }).waitFor();
    await expectAccessible(page, 'claim-lcw');
    await block.getByRole('button', { name: 'Add to Learner Credential Wallet' }).click();

    const anchor = block.getByTestId('lcw-link');
    await anchor.waitFor();
    const deepLink = (await anchor.getAttribute('href'))!;
    const request = readLcwDeepLink(deepLink);
    expect(request.credentialRequestOrigin).toBe(server.url);
    expect(request.protocols.vcapi.startsWith(`${server.url}/workflows/claim/exchanges/`)).toBe(true);

    const qr = block.getByRole('img', { name: /QR code that opens this credential in the Learner Credential Wallet/ });
    await qr.waitFor();
    expect(await qr.evaluate((img) => { const image = img as unknown as { complete: boolean; naturalWidth: number }; return image.complete && image.naturalWidth > 0; })).toBe(true);
    const svg = await issuerContext.request.get((await qr.getAttribute('src'))!);
    expect(svg.headers()['content-type']).toContain('image/svg+xml');
    await expectAccessible(page, 'claim-lcw-link');
    await saveScreenshot(page, 'claim-lcw');

    // The phone's wallet follows the link.
    const { credential, did } = await takeIntoLcw(fetch, deepLink);
    expect((credential.credentialSubject as { id: string }).id).toBe(did);
    await block.getByText('The credential is in your Learner Credential Wallet.').waitFor();
    await expectAccessible(page, 'claim-lcw-done');
  });
});
