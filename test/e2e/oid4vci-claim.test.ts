/**
 * Issue 12 §1 on the claim page, in Chromium: a claim link offers the credential to a wallet app as an
 * OpenID4VCI Credential Offer, a QR code and an openid-credential-offer:// link, beside the microcred
 * wallet; the QR code is that link's, and the link names the claim's offer, whose pre-authorized code
 * the issuer answers. The claim e-mail carries the
 * same link. The page passes axe on a desktop and on a phone; once the claim is used, the offer is gone.
 * In the console, the credential's page makes an offer by value with a transaction code: QR code, link
 * and the 6-digit code shown once, the offer in the link asking for that code.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { qrSvg } from '../../src/render/qr.ts';
import { expectAccessible } from './support/axe.ts';
import { browserSkipReason, launchBrowser } from './support/browser.ts';
import { buildWebApart, expectNoSidewaysScroll, PHONE, setUpIssuing, type Issuing } from './support/learner.ts';
import { saveScreenshot, screenshotIfFailed } from './support/screenshots.ts';
import { startTestServer, type TestServer } from './support/server.ts';

const skipReason = browserSkipReason();
const EMAIL = 'noor@example.org';

describe.skipIf(skipReason !== undefined)('the claim page offers the credential to a wallet app (OpenID4VCI), in Chromium', () => {
  let server: TestServer;
  let web: Awaited<ReturnType<typeof buildWebApart>>;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let issuing: Issuing;
  let claimPath: string;
  let issuerContext: BrowserContext;

  beforeAll(async () => {
    web = await buildWebApart();
    server = await startTestServer({ webRoot: web.webRoot });
    browser = await launchBrowser();
    issuerContext = await browser.newContext({ baseURL: server.url, viewport: { width: 1280, height: 900 } });
    issuerContext.setDefaultTimeout(15_000);
    issuing = await setUpIssuing(issuerContext.request);
    await issuing.issue({ email: EMAIL, name: 'Noor Haddad' });
    claimPath = new URL(await issuing.claimLink(EMAIL)).pathname;
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
    await screenshotIfFailed(test, page, 'oid4vci-claim');
  });

  it('shows the offer as a QR code and a link, both naming the claim\'s Credential Offer, and passes axe', async () => {
    await page.goto(claimPath);
    const offer = page.getByTestId('credential-offer');
    await offer.getByRole('heading', { name: 'Or take it into a wallet app' }).waitFor();
    const link = await offer.getByRole('link', { name: 'Open in my wallet app' }).getAttribute('href');
    const token = claimPath.split('/').pop()!;
    expect(link).toBe(`openid-credential-offer://?credential_offer_uri=${encodeURIComponent(`${server.url}/api/v1/claim/${token}/credential-offer`)}`);
    // The QR code is an image the browser loaded, with words for a screen reader.
    const qr = offer.getByRole('img', { name: /QR code of the credential offer/ });
    await qr.waitFor();
    expect(await qr.evaluate((img) => { const image = img as unknown as { complete: boolean; naturalWidth: number }; return image.complete && image.naturalWidth > 0; })).toBe(true);
    const svg = await (await page.request.get(`/api/v1/claim/${token}/credential-offer/qr.svg`)).text();
    // It is the QR code of that very link (the module matrix of qrcode-generator, drawn by src/render/qr.ts).
    expect(svg).toBe(qrSvg(link!, { title: 'QR code of the credential offer: scan it with your wallet app' }));
    // What the link names: a Credential Offer of this issuer with a pre-authorized code.
    const fetched = await page.request.get(decodeURIComponent(link!.split('credential_offer_uri=')[1]!));
    expect(fetched.status(), await fetched.text()).toBe(200);
    const credentialOffer = await fetched.json() as { credential_issuer: string; grants: Record<string, { 'pre-authorized_code': string }> };
    expect(credentialOffer.credential_issuer).toMatch(new RegExp(`^${server.url}/oid4vci/[0-9a-f-]{36}$`));
    expect(credentialOffer.grants['urn:ietf:params:oauth:grant-type:pre-authorized_code']!['pre-authorized_code']).toMatch(/^[A-Za-z0-9_-]{40,}$/);
    // The claim e-mail carries the same link.
    expect(((await (await page.request.get(`/api/v1/claim/${token}`)).json()) as { claimed: boolean }).claimed).toBe(false);
    const mails = await server.runtime.store.db.selectFrom('outbox').select(['text_body', 'html_body']).where('to_address', '=', EMAIL).execute();
    expect(mails[0]!.text_body).toContain(link!);
    expect(mails[0]!.html_body).toContain(link!.replaceAll('&', '&amp;'));
    await expectAccessible(page, 'claim-oid4vci');
    await saveScreenshot(page, 'claim-oid4vci');
  });

  it('fits a phone, and passes axe there', async () => {
    const phone = await browser.newContext({ baseURL: server.url, viewport: PHONE, isMobile: true, hasTouch: true });
    try {
      const small = await phone.newPage();
      await small.goto(claimPath);
      await small.getByTestId('credential-offer').getByRole('link', { name: 'Open in my wallet app' }).waitFor();
      await expectNoSidewaysScroll(small);
      await expectAccessible(small, 'claim-oid4vci-phone');
      await saveScreenshot(small, 'claim-oid4vci-phone');
    } finally {
      await phone.close();
    }
  });

  it('lets the issuer offer it from the console with a transaction code: QR code, link and code, and passes axe', async () => {
    const issued = await issuing.issue({ email: 'sami@example.org', name: 'Sami Laine' });
    const consolePage = await issuerContext.newPage();
    try {
      await consolePage.goto(`/console/credentials/${issued.id}`);
      const section = consolePage.getByTestId('wallet-offer');
      await section.getByRole('heading', { name: 'Offer to a wallet app' }).waitFor();
      const withCode = section.getByRole('checkbox', { name: /With a transaction code/ });
      expect(await withCode.isChecked()).toBe(true);
      await section.getByRole('button', { name: 'Make the offer' }).click();
      const result = section.getByTestId('wallet-offer-result');
      await result.waitFor();
      const code = (await result.getByTestId('wallet-offer-code').textContent())!;
      expect(code).toMatch(/^\d{6}$/);
      await result.getByText('by phone or in person', { exact: false }).waitFor();
      const qr = result.getByRole('img', { name: /QR code of the credential offer/ });
      expect(await qr.evaluate((img) => { const image = img as unknown as { complete: boolean; naturalWidth: number }; return image.complete && image.naturalWidth > 0; })).toBe(true);
      const link = (await result.getByRole('link', { name: 'Open in a wallet app' }).getAttribute('href'))!;
      expect(link.startsWith('openid-credential-offer://?credential_offer=')).toBe(true);
      // The QR code is the link's.
      const src = (await qr.getAttribute('src'))!;
      expect(decodeURIComponent(src.replace(/^data:image\/svg\+xml;charset=utf-8,/, ''))).toBe(qrSvg(link, { title: 'QR code of the credential offer: scan it with your wallet app' }));
      // The offer, by value, asks the wallet for a 6-digit numeric transaction code; the code is not in it.
      const offer = JSON.parse(decodeURIComponent(link.split('credential_offer=')[1]!)) as { grants: Record<string, { 'pre-authorized_code': string; tx_code?: { input_mode?: string; length?: number } }> };
      const grant = offer.grants['urn:ietf:params:oauth:grant-type:pre-authorized_code']!;
      expect(grant.tx_code).toMatchObject({ input_mode: 'numeric', length: 6 });
      expect(link).not.toContain(code);
      await expectAccessible(consolePage, 'console-wallet-offer');
      await saveScreenshot(consolePage, 'console-wallet-offer');
      // The code is stored hashed: it is nowhere in the database as given.
      const grants = await server.runtime.store.db.selectFrom('oid4vci_grants').selectAll().execute();
      expect(JSON.stringify(grants)).not.toContain(`"${code}"`);
    } finally {
      await consolePage.close();
    }
  });

  it('no longer offers it once the claim is used', async () => {
    const token = claimPath.split('/').pop()!;
    await server.runtime.store.db.updateTable('credentials').set({ claimed_at: new Date().toISOString() }).where('claim_token_hash', 'is not', null).execute();
    expect((await page.request.get(`/api/v1/claim/${token}/credential-offer`)).status()).toBe(409);
    await page.goto(claimPath);
    await page.getByTestId('claim-preview').getByText('already been claimed', { exact: false }).waitFor();
    expect(await page.getByTestId('credential-offer').count()).toBe(0);
  });
});
