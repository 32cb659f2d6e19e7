/**
 * Issue 14 §2 in a real browser (Debian's Chromium) against the real server: submits are guarded (two
 * clicks in one task, as a double click or a held Enter key delivers them before React re-renders,
 * make one record), errors sit beside their fields in sentences (no JSON pointers, no codes), the
 * achievement preview opens without a wall of red, the validity period is a number and a unit (kept
 * as an ISO 8601 duration), and a learner who signed up gets her confirmation e-mail where the console
 * shows e-mail. Each screen passes axe.
 */
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { expectAccessible } from './support/axe.ts';
import { browserSkipReason, launchBrowser } from './support/browser.ts';
import { buildWebApart, setUpIssuing, type Issuing } from './support/learner.ts';
import { saveScreenshot, screenshotIfFailed } from './support/screenshots.ts';
import { startTestServer, type TestServer } from './support/server.ts';

const skipReason = browserSkipReason();

/** Two clicks in one task: both arrive before React can re-render the button as disabled. */
async function clickTwiceAtOnce(button: Locator): Promise<void> {
  await button.evaluate((el) => {
    const b = el as unknown as { click(): void };
    b.click();
    b.click();
  });
}

describe.skipIf(skipReason !== undefined)('nothing false on screen, guarded submits, field errors (Chromium)', () => {
  let server: TestServer;
  let web: Awaited<ReturnType<typeof buildWebApart>>;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let issuing: Issuing;

  beforeAll(async () => {
    web = await buildWebApart();
    server = await startTestServer({ webRoot: web.webRoot });
    browser = await launchBrowser();
    context = await browser.newContext({ baseURL: server.url, viewport: { width: 1280, height: 900 } });
    context.setDefaultTimeout(15_000);
    issuing = await setUpIssuing(context.request);
    page = await context.newPage();
  }, 180_000);

  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await server?.close();
    web?.remove();
  });

  afterEach(async (test) => {
    await screenshotIfFailed(test, page, 'truth');
  });

  async function achievementsNamed(name: string): Promise<{ id: string; validityPeriod?: string | null }[]> {
    const list = await context.request.get(`/api/v1/organisations/${issuing.organisationId}/achievements`);
    return ((await list.json()) as { items: { id: string; name: string; validityPeriod?: string | null }[] }).items.filter((a) => a.name === name);
  }

  it('opens the achievement editor without red, lists what is left to fill in, and creates one definition from a double submit', async () => {
    await page.goto('/console/achievements/new');
    await page.getByRole('heading', { level: 1, name: 'New micro-credential' }).waitFor();
    const preview = page.getByRole('complementary', { name: 'Preview' });
    await preview.getByTestId('preview-missing').getByText(/^Still to fill in: /).waitFor();
    expect(await preview.getByTestId('preview-problems').count()).toBe(0);
    expect(await page.locator('.field-error, .error-summary').count()).toBe(0);
    await expectAccessible(page, 'achievement editor (empty)');
    await saveScreenshot(page, 'achievement-editor-empty');

    const name = 'Spreadsheet Modelling';
    await page.getByLabel('Title').fill(name);
    await page.getByLabel('Description').fill('Building models of cash flow in a spreadsheet.');
    await page.getByLabel('Criteria').fill('Pass the final project.');
    await page.getByLabel('Outcome 1').fill('Build a three-statement model.');
    await page.getByLabel('Notional workload (ECTS credits)').fill('2');
    await page.getByLabel('EQF level').selectOption('5');
    await page.getByLabel('Project').check();
    await page.getByLabel('Internal quality assurance of the provider').check();
    await page.getByLabel('Blended (hybrid)').check();
    // The validity period: a number and a unit, not "P3Y".
    await page.getByLabel('Valid for').fill('3');
    await page.getByLabel('Unit of the validity period').selectOption({ label: 'years' });
    await preview.getByTestId('preview-card').waitFor();
    expect(await preview.getByTestId('preview-problems').count()).toBe(0);

    await clickTwiceAtOnce(page.getByRole('button', { name: 'Create micro-credential' }));
    await page.waitForURL(/\/console\/achievements\/[0-9a-f-]{36}\?saved=1$/);
    await page.getByText('Saved as version 1.').waitFor();
    const made = await achievementsNamed(name);
    expect(made).toHaveLength(1);
    expect(made[0]!.validityPeriod).toBe('P3Y');
    // And back: the saved duration reads as 3 years.
    expect(await page.getByLabel('Valid for').inputValue()).toBe('3');
    expect(await page.getByLabel('Unit of the validity period').inputValue()).toBe('Y');
    await expectAccessible(page, 'achievement editor (saved)');
  });

  it('says a bad number in the validity period beside the field and sends nothing', async () => {
    await page.getByLabel('Valid for').fill('2.5');
    await page.getByRole('button', { name: 'Save new version' }).click();
    const field = page.locator('.field').filter({ has: page.getByLabel('Valid for') });
    await field.locator('.field-error').getByText('The validity period must be a whole number above zero, for example 3 years', { exact: false }).waitFor();
    expect(await page.getByLabel('Valid for').getAttribute('aria-invalid')).toBe('true');
    await expectAccessible(page, 'achievement editor (bad duration)');
  });

  it('puts the server’s field error beside the recipient field in a sentence, with no pointer or code on the page', async () => {
    await page.goto(`/console/issue?achievementId=${issuing.achievementId}`);
    await page.getByRole('heading', { level: 1, name: 'Issue a credential' }).waitFor();
    await page.getByLabel('Recipient e-mail or DID').fill('ada at example');
    await page.getByRole('button', { name: 'Issue credential' }).click();
    const field = page.locator('.field').filter({ has: page.getByLabel('Recipient e-mail or DID') });
    await field.locator('.field-error').getByText('The recipient’s e-mail address is not an e-mail address.').waitFor();
    expect(await page.getByLabel('Recipient e-mail or DID').getAttribute('aria-invalid')).toBe('true');
    const text = (await page.locator('main').textContent()) ?? '';
    expect(text).not.toMatch(/recipient\/email|\/recipient|creditsAvailable|online-exam/);
    await expectAccessible(page, 'issue (field error)');
    await saveScreenshot(page, 'issue-field-error');
  });

  it('issues one credential from two clicks in one task, and shows success alone', async () => {
    const email = 'twice@example.org';
    await page.getByLabel('Recipient e-mail or DID').fill(email);
    await clickTwiceAtOnce(page.getByRole('button', { name: 'Issue credential' }));
    await page.getByText(`to ${email}.`, { exact: false }).waitFor();
    expect(await page.locator('.error-summary').count()).toBe(0);
    const list = await context.request.get(`/api/v1/organisations/${issuing.organisationId}/credentials?q=${encodeURIComponent(email)}`);
    const items = ((await list.json()) as { items: { recipient: { email?: string } }[] }).items.filter((c) => c.recipient.email === email);
    expect(items).toHaveLength(1);
  });

  it('shows a learner’s sign-up confirmation e-mail in the console outbox', async () => {
    const learner = await browser.newContext({ baseURL: server.url, viewport: { width: 1280, height: 900 } });
    try {
      const signup = await learner.newPage();
      signup.setDefaultTimeout(15_000);
      await signup.goto('/signup');
      const form = signup.getByRole('form', { name: 'Create an account' });
      await form.getByLabel('Your name').fill('Lena Nowak');
      await form.getByLabel('E-mail address').fill('lena.nowak@example.org');
      await form.getByLabel('Choose a password').fill('a long learner passphrase');
      await form.getByRole('button', { name: 'Create account' }).click();
      await signup.waitForURL((url) => !url.pathname.startsWith('/signup'));
    } finally {
      await learner.close();
    }
    await page.goto('/console/outbox');
    await page.getByRole('heading', { level: 1, name: 'Outbox' }).waitFor();
    const instance = page.getByRole('list', { name: 'E-mails to learners signing up' });
    const mail = instance.getByRole('listitem').filter({ hasText: 'lena.nowak@example.org' });
    await mail.waitFor();
    await mail.locator('summary').click();
    expect(await mail.locator('pre').textContent()).toMatch(/\/confirm-email\/[A-Za-z0-9_-]+/);
    await expectAccessible(page, 'outbox (sign-up confirmations)');
    await saveScreenshot(page, 'outbox-signup-confirmation');
  });
});
