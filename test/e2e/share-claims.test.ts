/**
 * Issue 10 §6 on the public share page: a shared credential whose signature no longer holds (a
 * forged copy in a wallet) shows its values as the file's claims, greyed and labelled so, never as
 * "Credits: 5 ECTS"; the genuine one shows them as fact. Read in Chromium, as a visitor sees it; the
 * certificate that would print the claims as fact is not offered, and not made.
 */
import { randomUUID } from 'node:crypto';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ingestIssued } from '../../src/services/wallet/ingest.ts';
import type { JsonObject } from '../../src/vc/types.ts';
import { createTestApp, sessionFrom, signUpAndSignIn, type Session, type TestApp } from '../support/app.ts';
import { issuingOrganisation } from '../http/credentials-fixture.ts';
import { browserSkipReason, launchBrowser } from './support/browser.ts';
import { saveScreenshot, screenshotIfFailed } from './support/screenshots.ts';

const skipReason = browserSkipReason();

describe.skipIf(skipReason !== undefined)('the public share page of a forged credential, in Chromium', () => {
  let testApp: TestApp;
  let base: string;
  let browser: Browser;
  let page: Page;
  let ana: Session;
  let genuinePath: string;
  let forgedPath: string;

  async function shareOf(walletId: string): Promise<string> {
    const response = await ana.request('POST', '/api/v1/wallet/shares', { targetType: 'credential', targetId: walletId });
    expect(response.statusCode, response.body).toBe(201);
    return new URL((response.json() as { url: string }).url).pathname;
  }

  beforeAll(async () => {
    testApp = await createTestApp('sqlite');
    const org = await issuingOrganisation(testApp);
    const signedUp = await signUpAndSignIn(testApp.app, { email: 'ana@example.org', password: 'learner-password-1', name: 'Ana López' });
    ana = await sessionFrom(testApp.app, signedUp);
    const db = testApp.runtime.store.db;
    const walletIds: string[] = [];
    for (let i = 0; i < 2; i++) {
      const issued = await org.owner.request('POST', `/api/v1/organisations/${org.organisationId}/credentials`, { achievementId: org.achievementId, recipient: { email: 'ana@example.org', name: 'Ana López' } });
      expect(issued.statusCode, issued.body).toBe(201);
      const row = await db.selectFrom('credentials').selectAll().where('id', '=', (issued.json() as { id: string }).id).executeTakeFirstOrThrow();
      const id = randomUUID();
      await db.insertInto('wallet_credentials').values({ ...await ingestIssued(testApp.runtime.ctx, row), id, user_id: ana.userId, added_at: new Date().toISOString() }).execute();
      walletIds.push(id);
    }
    // The second copy is forged in place: six times the credits, in the signed document and in what the wallet read from it.
    const held = await db.selectFrom('wallet_credentials').selectAll().where('id', '=', walletIds[1]!).executeTakeFirstOrThrow();
    const forged = JSON.parse(held.original) as JsonObject;
    const achievement = (forged.credentialSubject as JsonObject).achievement as JsonObject;
    achievement.creditsAvailable = 30;
    const text = JSON.stringify(forged);
    await db.updateTable('wallet_credentials').set({ original: text, document: text, ects_centi: 3000 }).where('id', '=', walletIds[1]!).execute();

    genuinePath = await shareOf(walletIds[0]!);
    forgedPath = await shareOf(walletIds[1]!);
    base = await testApp.app.listen({ host: '127.0.0.1', port: 0 });
    browser = await launchBrowser();
    page = await (await browser.newContext({ baseURL: base })).newPage();
    page.setDefaultTimeout(15_000);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await testApp?.close();
  });

  afterEach(async (test) => {
    await screenshotIfFailed(test, page, 'share-claims');
  });

  /** The browser's computed style, typed here without the DOM library (the tests compile for Node). */
  type Styled = { textContent: string | null; nextElementSibling: unknown };
  type StyleOf = (element: unknown) => { color: string; fontStyle: string };

  /** The page's facts as the visitor reads them: label → value, and how the value is drawn. */
  async function facts(): Promise<{ label: string; value: string; color: string; fontStyle: string }[]> {
    return await page.locator('main dl.certifies dt').evaluateAll((terms) => terms.map((term) => {
      const dt = term as unknown as Styled;
      const dd = dt.nextElementSibling as Styled;
      const style = (globalThis as unknown as { getComputedStyle: StyleOf }).getComputedStyle(dd);
      return { label: dt.textContent ?? '', value: dd.textContent ?? '', color: style.color, fontStyle: style.fontStyle };
    }));
  }

  it('the genuine credential: verified, its credits stated as fact', async () => {
    await page.goto(genuinePath);
    await expect(page.getByRole('status').first().textContent()).resolves.toMatch(/^Verified\./);
    const shown = await facts();
    expect(shown).toContainEqual(expect.objectContaining({ label: 'Notional workload', value: '5 ECTS credits', fontStyle: 'normal' }));
    expect(await page.getByTestId('claims-note').count()).toBe(0);
    expect(await page.getByRole('link', { name: /certificate/i }).count()).toBe(1);
  });

  it('the forged copy: not valid, and every value is a claim, greyed and labelled, never "Credits" as fact', async () => {
    await page.goto(forgedPath);
    const verdict = await page.getByRole('status').first().textContent();
    expect(verdict).toMatch(/^Not valid\./);
    expect(verdict).toMatch(/signature/i);
    await page.getByTestId('claims-note').waitFor();
    expect(await page.getByTestId('claims-note').textContent()).toMatch(/claims.*signature does not hold/);
    const shown = await facts();
    const credits = shown.find((fact) => /workload/i.test(fact.label));
    expect(credits).toMatchObject({ label: 'Claimed notional workload', value: '30 ECTS credits', fontStyle: 'italic' });
    const genuineColor = await (async () => {
      const probe = await browser.newPage({ baseURL: base });
      await probe.goto(genuinePath);
      const color = await probe.locator('main dl.certifies dd').first().evaluate((dd) => (globalThis as unknown as { getComputedStyle: StyleOf }).getComputedStyle(dd).color);
      await probe.close();
      return color;
    })();
    expect(credits!.color).not.toBe(genuineColor);
    // No fact label survives for a claimed value (the standard, which the page itself found, is under Technical details).
    expect(shown.length).toBeGreaterThan(0);
    for (const fact of shown) expect(fact.label.startsWith('Claimed ')).toBe(true);
    expect(await page.getByText('Notional workload', { exact: true }).count()).toBe(0);
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toMatch(/^Claims to be: /);
    await expect(page.title()).resolves.toMatch(/^Not verified: /);
    // The failures listed are the ones that happened: the signature, not a key "that could not be found".
    const failures = await page.locator('ul.checks li.failed').allTextContents();
    expect(failures.join(' ')).toMatch(/signature/i);
    expect(failures.join(' ')).not.toMatch(/could not be found/);
    // A certificate would print the claims as fact: not offered, and not made when asked for.
    expect(await page.getByRole('link', { name: /certificate/i }).count()).toBe(0);
    const pdf = await page.request.get(`${forgedPath}/certificate.pdf`);
    expect(pdf.status()).toBe(409);
    expect((await page.request.get(`${genuinePath}/certificate.pdf`)).status()).toBe(200);
    await saveScreenshot(page, 'share-page-forged-claims');
  });
});
