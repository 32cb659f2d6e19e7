/**
 * The public verifier in a real browser (Debian's Chromium), no sign-in: a credential issued by the
 * server is dropped on the page as a file (a DataTransfer drop), chosen as a baked PNG, and pasted; the
 * page shows the sentence, issuer, achievement, recipient match against an e-mail, every check and what
 * the credential is worth. Tampered, revoked and unreadable input each get their answer in words. axe on
 * a desktop and a phone-sized viewport; the page is photographed.
 */
import { PNG } from 'pngjs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import jsQRModule from 'jsqr';
import { bakePng } from '../../src/vc/baking/index.ts';
import type { JsonObject } from '../../src/vc/types.ts';
import { answer as walletAnswer, ldpPresentation, makeHolder, readRequest } from '../support/openid4vp-holder.ts';
import { expectAccessible } from './support/axe.ts';
import { browserSkipReason, launchBrowser } from './support/browser.ts';
import { buildWebApart, dropFile, expectNoSidewaysScroll, PHONE, setUpIssuing, type Issuing } from './support/learner.ts';
import { saveScreenshot, screenshotIfFailed } from './support/screenshots.ts';
import { startTestServer, type TestServer } from './support/server.ts';

// jsqr is CommonJS whose types declare an ES default export: take whichever the loader hands over.
const jsQR = ((jsQRModule as unknown as { default?: typeof jsQRModule.default }).default ?? jsQRModule) as typeof jsQRModule.default;

const skipReason = browserSkipReason();

const RECIPIENT = 'ada.lovelace@example.org';
const ACHIEVEMENT = 'Data Literacy Essentials';

/** A small plain PNG (a blue square) to bake a credential into. */
function bluePng(): Buffer {
  const png = new PNG({ width: 8, height: 8 });
  for (let i = 0; i < png.data.length; i += 4) png.data.set([11, 87, 164, 255], i);
  return PNG.sync.write(png);
}

describe.skipIf(skipReason !== undefined)('public verifier in Chromium', () => {
  let server: TestServer;
  let web: Awaited<ReturnType<typeof buildWebApart>>;
  let browser: Browser;
  let issuerContext: BrowserContext;
  let context: BrowserContext;
  let page: Page;
  let issuing: Issuing;
  let issued: { id: string; document: unknown };
  let json: Buffer;

  beforeAll(async () => {
    web = await buildWebApart();
    server = await startTestServer({ webRoot: web.webRoot });
    browser = await launchBrowser();
    issuerContext = await browser.newContext({ baseURL: server.url });
    issuing = await setUpIssuing(issuerContext.request);
    issued = await issuing.issue({ email: RECIPIENT, name: 'Ada Lovelace' });
    json = Buffer.from(JSON.stringify(issued.document, null, 2));
    // A visitor: a fresh context with no session.
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
    await screenshotIfFailed(test, page, 'verifier');
  });

  const result = () => page.getByTestId('verify-result');
  const verdict = () => result().getByTestId('verdict');
  let answers = 0;

  /** Waits for the next answer (the page numbers them), never reading the previous one. */
  async function answer(): Promise<void> {
    answers += 1;
    await page.locator(`[data-testid="verify-result"][data-round="${answers}"]`).waitFor();
  }

  it('verifies a credential file dropped on the page: sentence, issuer, achievement, checks and worth', async () => {
    await page.goto('/verify');
    await page.getByRole('heading', { level: 1, name: 'Verify a credential' }).waitFor();
    await expectAccessible(page, 'verifier-empty');

    await dropFile(page, '[data-testid="verify-drop"]', { name: 'credential.json', mimeType: 'application/json', buffer: json });
    await answer();
    expect(await page.getByTestId('verify-drop').textContent()).toContain('Chosen: credential.json');
    expect(await verdict().getAttribute('class')).toContain('verdict-ok');
    expect((await verdict().textContent())?.length).toBeGreaterThan(10);
    const facts = await result().locator('.facts').first().textContent();
    expect(facts).toContain(ACHIEVEMENT);
    expect(facts).toContain('Université Exemple');
    expect(facts).toContain('Open Badges 3.0');
    expect(await result().getByTestId('claims-note').count()).toBe(0);
    await result().getByTestId('recipient').getByText('Not checked').waitFor();
    const checks = result().getByTestId('checks');
    expect(await checks.locator('li').count()).toBeGreaterThanOrEqual(4);
    expect(await checks.locator('.check-failed').count()).toBe(0);
    expect(await checks.locator('[data-check="proof"]').textContent()).toContain('Passed');
    const worth = result().getByTestId('worth');
    expect(await worth.textContent()).toContain('5 ECTS');
    expect(await worth.textContent()).toContain('EQF level 5');
    await result().getByText('Clean a tabular data set').waitFor();
    await expectAccessible(page, 'verifier');
    await saveScreenshot(page, 'verifier');
  });

  it('checks the recipient against an e-mail address: the right one matches, another does not', async () => {
    await page.getByLabel('Recipient’s e-mail address (optional)').fill(RECIPIENT.toUpperCase());
    await page.getByRole('button', { name: 'Check again with this address' }).click();
    await answer();
    await result().getByTestId('recipient').getByText('Matches').waitFor();

    await page.getByLabel('Recipient’s e-mail address (optional)').fill('someone.else@example.org');
    await page.getByRole('button', { name: 'Check again with this address' }).click();
    await answer();
    await result().getByTestId('recipient').getByText('Does not match').waitFor();
    await page.getByLabel('Recipient’s e-mail address (optional)').fill('');
  });

  it('verifies the same credential baked into a PNG badge, chosen with the file picker', async () => {
    const baked = Buffer.from(bakePng({ image: new Uint8Array(bluePng()), credential: issued.document as Record<string, never> }));
    await page.getByLabel('Credential file').setInputFiles({ name: 'badge.png', mimeType: 'image/png', buffer: baked });
    await answer();
    expect(await verdict().getAttribute('class')).toContain('verdict-ok');
    expect(await result().locator('.facts').first().textContent()).toMatch(/png/);
  });

  it('verifies pasted text', async () => {
    await page.getByText('Paste the credential instead').click();
    await page.getByLabel('Credential text').fill(json.toString('utf8'));
    await page.getByRole('button', { name: 'Verify pasted credential' }).click();
    await answer();
    expect(await verdict().getAttribute('class')).toContain('verdict-ok');
  });

  it('says in words that a tampered credential does not verify, and which check failed', async () => {
    const tampered = JSON.parse(json.toString('utf8')) as { validFrom?: string; credentialSubject: { achievement: { name: string } } };
    tampered.credentialSubject.achievement.name = 'Doctorate in Everything';
    await dropFile(page, '[data-testid="verify-drop"]', { name: 'tampered.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(tampered)) });
    await answer();
    expect(await verdict().getAttribute('class')).toContain('verdict-bad');
    const failed = result().getByTestId('checks').locator('.check-failed');
    expect(await failed.count()).toBeGreaterThan(0);
    expect(await failed.first().textContent()).toMatch(/Failed:\s+\S+/);
    // Issue 10 §6: the forged values are the file's claims, greyed, never "what it is worth"; only the
    // signature is listed as failed (no misleading "signing key could not be found").
    expect(await failed.count()).toBe(1);
    expect(await result().getByTestId('checks').locator('[data-check="proof"]').getAttribute('class')).toContain('check-failed');
    expect(await result().textContent()).not.toMatch(/could not be found/);
    await result().getByTestId('claims-note').waitFor();
    expect(await verdict().textContent()).toMatch(/^This file claims to be an Open Badge “.*, but it is not authentic: the signature does not match/);
    expect(await result().getByTestId('facts').getAttribute('class')).toContain('claimed');
    expect(await result().getByTestId('facts').textContent()).toMatch(/Claimed achievement\s*Doctorate in Everything/);
    expect(await result().getByRole('heading', { name: 'What it is worth' }).count()).toBe(0);
    await result().getByRole('heading', { name: 'What the file claims it is worth' }).waitFor();
    await expectAccessible(page, 'verifier-failed');
  });

  it('answers a file without a credential with a clear problem instead of a result', async () => {
    await dropFile(page, '[data-testid="verify-drop"]', { name: 'plain.png', mimeType: 'image/png', buffer: bluePng() });
    const alert = page.getByRole('alert');
    await alert.getByText('The credential could not be checked').waitFor();
    expect((await alert.textContent())?.length).toBeGreaterThan('The credential could not be checked'.length + 5);
    expect(await result().count()).toBe(0);
    await expectAccessible(page, 'verifier-error');
  });

  it('shows a revocation: the credential no longer verifies once the issuer revokes it', async () => {
    await issuing.revoke(issued.id, 'Issued in error');
    await dropFile(page, '[data-testid="verify-drop"]', { name: 'credential.json', mimeType: 'application/json', buffer: json });
    await answer();
    expect(await verdict().getAttribute('class')).toContain('verdict-bad');
    expect(await verdict().textContent()).toMatch(/revoked/i);
  });

  it('fits a phone-sized screen, with a result, without sideways scrolling or serious accessibility problems', async () => {
    const phone = await browser.newContext({ baseURL: server.url, viewport: PHONE, isMobile: true, hasTouch: true });
    try {
      const small = await phone.newPage();
      await small.goto('/verify');
      await small.getByRole('heading', { level: 1, name: 'Verify a credential' }).waitFor();
      await expectNoSidewaysScroll(small);
      await dropFile(small, '[data-testid="verify-drop"]', { name: 'credential.json', mimeType: 'application/json', buffer: json });
      await small.getByTestId('verify-result').waitFor();
      await expectNoSidewaysScroll(small);
      await expectAccessible(small, 'verifier-phone');
      await saveScreenshot(small, 'verifier-phone');
    } finally {
      await phone.close();
    }
  });

  it('asks a wallet: the request QR code and link, then the verdict when the (scripted) wallet answers', async () => {
    const fresh = await issuing.issue({ email: 'grace.hopper@example.org', name: 'Grace Hopper' });
    await page.goto('/verify');
    await page.getByRole('heading', { level: 2, name: 'Ask a wallet' }).waitFor();
    await page.getByRole('button', { name: 'Ask a wallet for a credential' }).click();
    const qr = page.getByTestId('wallet-request-qr');
    await qr.waitFor();
    const link = await page.getByTestId('wallet-request-link').getAttribute('href');
    expect(link).toMatch(/^openid4vp:\/\/\?client_id=redirect_uri%3A.*&request_uri=/);
    // The QR code, as the browser draws it, holds exactly the link.
    const shot = PNG.sync.read(await qr.screenshot());
    expect(jsQR(new Uint8ClampedArray(shot.data), shot.width, shot.height)?.data).toBe(link);
    await expectAccessible(page, 'verifier-wallet-request');
    await saveScreenshot(page, 'verifier-wallet-request');

    // The wallet: reads the request by reference, signs a presentation with its own did:key, posts it.
    const holder = await makeHolder();
    const request = await readRequest(link!);
    // A presentation for another verifier first: refused, and the page says so while it waits.
    const wrong = await ldpPresentation(holder, [fresh.document as JsonObject], request.nonce, 'redirect_uri:https://evil.example/cb');
    expect((await walletAnswer(request, { badge0_ldp: [wrong] })).status).toBe(400);
    await page.getByTestId('wallet-request-refused').waitFor();
    const vp = await ldpPresentation(holder, [fresh.document as JsonObject], request.nonce, request.client_id);
    expect((await walletAnswer(request, { badge0_ldp: [vp] })).status).toBe(200);

    // The page was loaded afresh above, so this is its first answer.
    await page.locator('[data-testid="verify-result"][data-round="1"]').waitFor();
    expect(await verdict().getAttribute('class')).toContain('verdict-ok');
    expect(await verdict().textContent()).toMatch(/presentation and every credential in it are authentic and valid/);
    const checks = result().getByTestId('checks');
    expect(await checks.locator('[data-check="presentation-proof"]').textContent()).toContain('Passed');
    expect(await checks.locator('[data-check="request"]').textContent()).toContain('Passed');
    const member = result().getByTestId('member-checks-0');
    expect(await member.locator('[data-check="proof"]').textContent()).toContain('Passed');
    expect(await member.locator('[data-check="status"]').textContent()).toContain('Passed');
    await result().getByText(ACHIEVEMENT).first().waitFor();
    await expectAccessible(page, 'verifier-wallet-answer');
    await saveScreenshot(page, 'verifier-wallet-answer');
  });
});
