/**
 * Recognition of prior learning for credit in a real browser (Debian's Chromium) against the real
 * server: the registrar defines a programme and two recognition agreements in the console; a learner
 * holding two credentials asks for recognition in the wallet and reads the engine's proposal; the
 * registrar opens the request, approves one item and amends the other (fewer credits, with a reason);
 * the learner reads the decision and finds the recognition credential in the wallet. Every new screen
 * is checked with axe on a desktop and a 375 px phone (no sideways scroll); the decision screen and the
 * learner's request are photographed.
 */
import type { APIRequestContext, Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { expectAccessible } from './support/axe.ts';
import { browserSkipReason, launchBrowser } from './support/browser.ts';
import { buildWebApart, expectNoSidewaysScroll, MICRO_CREDENTIAL, PHONE, setUpIssuing, type Issuing } from './support/learner.ts';
import { saveScreenshot, screenshotIfFailed } from './support/screenshots.ts';
import { startTestServer, type TestServer } from './support/server.ts';

const skipReason = browserSkipReason();

const LEARNER = { email: 'ines.moreau@example.org', name: 'Inès Moreau', password: 'a long learner passphrase' };
const PROGRAMME = 'MSc Data Science';
const STATS = 'Statistics for Data Science';
const ML = 'Machine Learning Foundations';
const RECOGNITION = 'Recognised Prior Learning';

async function json<T>(response: { ok(): boolean; status(): number; text(): Promise<string> }, what: string): Promise<T> {
  const text = await response.text();
  if (!response.ok()) throw new Error(`${what} answered ${response.status()}: ${text}`);
  return JSON.parse(text) as T;
}

describe.skipIf(skipReason !== undefined)('recognition in Chromium', () => {
  let server: TestServer;
  let web: Awaited<ReturnType<typeof buildWebApart>>;
  let browser: Browser;
  let registrarContext: BrowserContext;
  let learnerContext: BrowserContext;
  let registrarPage: Page;
  let page: Page;
  let issuing: Issuing;
  let request: APIRequestContext;
  let csrf: string;
  const course: Record<string, string> = {};
  let programmePath: string;
  let requestPath: string;

  async function define(name: string, credits: number): Promise<string> {
    const created = await json<{ id: string }>(
      await request.post(`/api/v1/organisations/${issuing.organisationId}/achievements`, {
        headers: { 'x-csrf-token': csrf },
        data: { issuerId: issuing.issuerId, ...MICRO_CREDENTIAL, name, eu: { ...MICRO_CREDENTIAL.eu, creditsAvailable: credits, eqfLevel: 7 } },
      }),
      `achievement ${name}`,
    );
    return created.id;
  }

  async function issue(achievementId: string): Promise<void> {
    await json(await request.post(`/api/v1/organisations/${issuing.organisationId}/credentials`, {
      headers: { 'x-csrf-token': csrf },
      data: { achievementId, recipient: { email: LEARNER.email, name: LEARNER.name } },
    }), 'issue');
  }

  async function heading(name: string | RegExp, on: Page): Promise<void> {
    await on.getByRole('heading', { level: 1, name }).waitFor();
  }

  /** The same screen on a 375 px phone with the same cookies: no sideways scrolling, no serious axe violations. */
  async function onPhone(context: BrowserContext, path: string, title: string | RegExp, name: string, screenshot?: string): Promise<void> {
    const phone = await browser.newContext({ baseURL: server.url, viewport: PHONE, isMobile: true, hasTouch: true, storageState: await context.storageState() });
    try {
      const small = await phone.newPage();
      small.setDefaultTimeout(15_000);
      await small.goto(path);
      await heading(title, small);
      await small.waitForLoadState('networkidle');
      await expectNoSidewaysScroll(small);
      await expectAccessible(small, `${name} (phone)`);
      if (screenshot) await saveScreenshot(small, screenshot);
    } finally {
      await phone.close();
    }
  }

  beforeAll(async () => {
    web = await buildWebApart();
    server = await startTestServer({ webRoot: web.webRoot });
    browser = await launchBrowser();
    registrarContext = await browser.newContext({ baseURL: server.url, viewport: { width: 1280, height: 900 } });
    registrarContext.setDefaultTimeout(15_000);
    request = registrarContext.request;
    issuing = await setUpIssuing(request);
    csrf = (await json<{ csrfToken: string }>(await request.get('/api/v1/me'), 'me')).csrfToken;
    course.stats = await define(STATS, 5);
    course.ml = await define(ML, 10);
    course.recognition = await define(RECOGNITION, 1);
    registrarPage = await registrarContext.newPage();
    learnerContext = await browser.newContext({ baseURL: server.url, viewport: { width: 1280, height: 900 } });
    learnerContext.setDefaultTimeout(15_000);
    page = await learnerContext.newPage();
  }, 180_000);

  afterAll(async () => {
    await learnerContext?.close();
    await registrarContext?.close();
    await browser?.close();
    await server?.close();
    web?.remove();
  });

  afterEach(async (test) => {
    await screenshotIfFailed(test, registrarPage, 'recognition-registrar');
    await screenshotIfFailed(test, page, 'recognition-learner');
  });

  it('lets the registrar define a programme and two agreements in the console', async () => {
    await registrarPage.goto('/console/credentials');
    await registrarPage.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: 'Recognition' }).click();
    await heading('Recognition requests', registrarPage);
    await registrarPage.getByRole('navigation', { name: 'Recognition' }).getByRole('link', { name: 'Programmes and agreements' }).click();
    await heading('Programmes', registrarPage);
    const form = registrarPage.getByRole('form', { name: 'Define a programme' });
    await form.getByLabel(/^Name/).fill(PROGRAMME);
    await form.getByLabel('Total credits (ECTS)').fill('60');
    await form.getByLabel('Module 1 code').fill('STATS');
    await form.getByLabel('Module 1 name').fill('Statistics');
    await form.getByLabel('Module 1 ECTS').fill('5');
    await form.getByRole('button', { name: 'Add a module' }).click();
    await form.getByLabel('Module 2 code').fill('ML');
    await form.getByLabel('Module 2 name').fill('Machine learning');
    await form.getByLabel('Module 2 ECTS').fill('10');
    await form.getByLabel('At most this many ECTS from prior learning').fill('30');
    await form.getByLabel('Recognition credential').selectOption({ label: RECOGNITION });
    await expectAccessible(registrarPage, 'programmes');
    await form.getByRole('button', { name: 'Define programme' }).click();
    await registrarPage.getByText(`${PROGRAMME} is defined.`).waitFor();
    await registrarPage.getByRole('link', { name: PROGRAMME }).click();
    await heading(PROGRAMME, registrarPage);
    programmePath = new URL(registrarPage.url()).pathname;

    const agreement = registrarPage.getByRole('form', { name: 'Add an agreement' });
    // A wrong value is refused with the reason beside the field.
    await agreement.getByLabel('Module').selectOption('STATS');
    await agreement.getByLabel('Credits recognised (ECTS)').fill('50');
    // A name is not an achievement id: said beside the field, and nothing is sent.
    await agreement.getByLabel('Achievement id').fill('Statistics I');
    const idField = agreement.locator('.field').filter({ has: registrarPage.getByLabel('Achievement id') });
    await idField.locator('.field-error').getByText(/not a name: “Statistics I” would never match/).waitFor();
    await agreement.getByRole('button', { name: 'Add agreement' }).click();
    expect(await registrarPage.getByRole('alert').count()).toBe(0);
    // An IRI nothing here carries is allowed, and said so.
    await agreement.getByLabel('Achievement id').fill('https://elsewhere.example/achievements/statistics');
    await agreement.getByTestId('achievement-unknown').getByText('Nothing on this platform carries this id yet', { exact: false }).waitFor();
    expect(await idField.locator('.field-error').count()).toBe(0);
    await expectAccessible(registrarPage, 'agreement (achievement id)');
    await agreement.getByLabel('Achievement id').fill(`${server.url}/achievements/${course.stats}`);
    expect(await agreement.getByTestId('achievement-unknown').count()).toBe(0);
    await agreement.getByRole('button', { name: 'Add agreement' }).click();
    await registrarPage.getByRole('alert').waitFor();
    await agreement.getByLabel('Credits recognised (ECTS)').fill('5');
    await agreement.getByLabel('Minimum EQF level').fill('6');
    await agreement.getByRole('button', { name: 'Add agreement' }).click();
    await registrarPage.getByText('Agreement added for Statistics.').waitFor();
    await agreement.getByLabel('Module').selectOption('ML');
    await agreement.getByLabel('Credits recognised (ECTS)').fill('10');
    // Picked from the catalogue: the id (and issuer) are filled in.
    const picker = agreement.getByLabel('Pick from the catalogue');
    await picker.selectOption(`${server.url}/achievements/${course.ml}`);
    expect(await agreement.getByLabel('Achievement id').inputValue()).toBe(`${server.url}/achievements/${course.ml}`);
    await agreement.getByText(`${ML}, issued by`, { exact: false }).waitFor();
    await agreement.getByRole('button', { name: 'Add agreement' }).click();
    await registrarPage.getByText('Agreement added for Machine learning.').waitFor();
    // Changed in place: the machine-learning agreement now asks for EQF 7.
    await registrarPage.getByRole('button', { name: 'Edit the agreement for Machine learning' }).click();
    const editing = registrarPage.getByRole('form', { name: 'Edit the agreement for Machine learning' });
    expect(await editing.getByLabel('Credits recognised (ECTS)').inputValue()).toBe('10');
    await editing.getByLabel('Minimum EQF level').fill('7');
    await editing.getByRole('button', { name: 'Save agreement' }).click();
    await registrarPage.getByText('Agreement for Machine learning saved.').waitFor();
    await registrarPage.getByRole('table', { name: 'Recognition agreements' }).getByText(/EQF 7 or above/).waitFor();
    // The programme itself is changed in place too (version + 1): a cap of 40 ECTS.
    await registrarPage.getByText('Change this programme').click();
    const change = registrarPage.getByRole('form', { name: 'Change the programme' });
    expect(await change.getByLabel('Module 2 code').inputValue()).toBe('ML');
    await change.getByLabel('At most this many ECTS from prior learning').fill('40');
    await change.getByRole('button', { name: 'Save programme' }).click();
    await registrarPage.getByText(`${PROGRAMME} saved (version 2).`).waitFor();
    await registrarPage.getByText(/cap on prior learning: 40 ECTS/).waitFor();
    const rows = registrarPage.getByRole('table', { name: 'Recognition agreements' }).getByRole('row');
    expect(await rows.count()).toBe(3);
    expect(await registrarPage.getByRole('table', { name: 'Recognition agreements' }).textContent()).toContain('EQF 6 or above');
    await expectAccessible(registrarPage, 'programme');
    await onPhone(registrarContext, programmePath, PROGRAMME, 'programme');
    await onPhone(registrarContext, '/console/programmes', 'Programmes', 'programmes');
  });

  it("lets the learner ask for recognition of two wallet credentials and read the engine's proposal", async () => {
    await issue(course.stats!);
    const first = await issuing.claimLink(LEARNER.email);
    await page.goto(new URL(first).pathname);
    await heading('Claim your credential', page);
    const form = page.getByRole('form', { name: 'Create an account' });
    await form.getByLabel('Your name').fill(LEARNER.name);
    await form.getByLabel('E-mail address').fill(LEARNER.email);
    await form.getByLabel('Choose a password').fill(LEARNER.password);
    await form.getByRole('button', { name: 'Create account' }).click();
    await page.waitForURL(/\/wallet\/credentials\/[^/?]+\?claimed=1$/);
    // The second credential waits as an offer for the confirmed address; accepted from the wallet's API.
    await issue(course.ml!);
    const offers = await json<{ items: { credentialId: string }[] }>(await page.request.get('/api/v1/wallet/offers'), 'offers');
    const learnerCsrf = (await json<{ csrfToken: string }>(await page.request.get('/api/v1/me'), 'me')).csrfToken;
    for (const offer of offers.items) {
      await json(await page.request.post(`/api/v1/wallet/offers/${offer.credentialId}/accept`, { headers: { 'x-csrf-token': learnerCsrf } }), 'accept');
    }

    await page.goto('/wallet');
    await page.getByRole('navigation', { name: 'Wallet' }).getByRole('link', { name: 'Recognition' }).click();
    await heading('Recognition', page);
    const ask = page.getByRole('form', { name: 'Ask for recognition' });
    await ask.getByLabel('Programme').selectOption({ label: `${PROGRAMME} (Université Exemple)` });
    await ask.getByRole('heading', { name: `What counts toward ${PROGRAMME}` }).waitFor();
    await ask.getByText('EQF 6 or above').waitFor();
    await ask.getByRole('checkbox', { name: new RegExp(STATS) }).check();
    await ask.getByRole('checkbox', { name: new RegExp(ML) }).check();
    await expectAccessible(page, 'wallet recognition');
    await ask.getByRole('button', { name: 'Send request' }).click();
    await heading(`Recognition toward ${PROGRAMME}`, page);
    requestPath = new URL(page.url()).pathname;
    await page.getByRole('heading', { level: 2, name: 'Waiting for a decision' }).waitFor();
    await page.getByText('Proposed: 15 ECTS.', { exact: false }).waitFor();
    const stats = page.getByRole('article').filter({ has: page.getByRole('heading', { name: STATS }) });
    await stats.getByText('Proposed: Recognise, 5 ECTS for Statistics.').waitFor();
    await expectAccessible(page, 'wallet recognition request');
    await onPhone(learnerContext, '/wallet/recognition', 'Recognition', 'wallet recognition');
  });

  it('lets the registrar approve one item and amend the other with a reason, beside the proposal and the credentials', async () => {
    await registrarPage.goto('/console/recognition');
    await heading('Recognition requests', registrarPage);
    const queue = registrarPage.getByRole('table', { name: 'Recognition requests' });
    await queue.getByRole('row').filter({ hasText: PROGRAMME }).getByRole('link').click();
    await heading('Recognition decision', registrarPage);
    await registrarPage.getByText(`${LEARNER.name} asks for recognition toward ${PROGRAMME}.`).waitFor();
    const stats = registrarPage.getByRole('article').filter({ has: registrarPage.getByRole('heading', { name: STATS }) });
    const ml = registrarPage.getByRole('article').filter({ has: registrarPage.getByRole('heading', { name: ML }) });
    // The source credential's facts beside the engine's proposal and its reasons.
    await stats.getByText('Proposed: Recognise').waitFor();
    expect(await stats.textContent()).toContain('5 ECTS');
    await stats.getByText('Every condition checked').click();
    await stats.getByText(/^Passed: /).first().waitFor();
    await stats.getByRole('radio', { name: 'Approve as proposed' }).check();
    await ml.getByRole('radio', { name: 'Amend' }).check();
    await ml.getByLabel('Credits to recognise (ECTS)').fill('6');
    await ml.getByLabel('Reason').fill('Only the supervised part of the course matches our module.');
    await expectAccessible(registrarPage, 'recognition decision');
    await saveScreenshot(registrarPage, 'recognition-decision');
    await registrarPage.getByRole('button', { name: 'Record decisions' }).click();
    const dialog = registrarPage.getByRole('dialog', { name: 'Record these 2 decisions?' });
    await dialog.waitFor();
    await expectAccessible(registrarPage, 'recognition decision confirmation');
    // Two clicks on the dialog's button record once: success alone, no error beside it.
    await dialog.getByRole('button', { name: 'Yes, record them' }).dblclick();
    await registrarPage.getByText('Decided: 11 ECTS recognised. The learner is told.').waitFor();
    expect(await registrarPage.getByRole('alert').count()).toBe(0);
    // The summary gives the final figure; the engine's 15 ECTS proposal is history, under a disclosure.
    const summary = registrarPage.getByRole('region', { name: 'Summary' });
    await summary.getByTestId('final-figure').getByText('Recognised in all: 11 ECTS').waitFor();
    expect(await summary.getByText(/15 ECTS/).first().isVisible()).toBe(false);
    await summary.getByText('What the engine proposed before the decision').click();
    await summary.getByText(/15 ECTS/).first().waitFor();
    await ml.getByText(/Recognised.*6 ECTS \(amend\)\. Reason: Only the supervised part/).waitFor();
    expect(await registrarPage.getByRole('button', { name: 'Record decisions' }).count()).toBe(0);
    await onPhone(registrarContext, new URL(registrarPage.url()).pathname, 'Recognition decision', 'recognition decision');
    await onPhone(registrarContext, '/console/recognition', 'Recognition requests', 'recognition queue');
  });

  it('shows the learner the decision with its reasons, and the recognition credential in the wallet', async () => {
    await page.goto(requestPath);
    await heading(`Recognition toward ${PROGRAMME}`, page);
    await page.getByRole('heading', { level: 2, name: 'Decided' }).waitFor();
    await page.getByText('11 ECTS recognised.').waitFor();
    const ml = page.getByRole('article').filter({ has: page.getByRole('heading', { name: ML }) });
    await ml.getByText(/Decision: Recognised, 6 ECTS \(amended by the registrar\)\. Only the supervised part/).waitFor();
    // The decision stands alone; the 10 ECTS proposal is under a disclosure, not beside it.
    expect(await ml.getByText(/^Proposed: /).isVisible()).toBe(false);
    expect(await page.getByRole('button', { name: 'Withdraw this request' }).count()).toBe(0);
    await expectAccessible(page, 'wallet recognition request (decided)');
    await saveScreenshot(page, 'wallet-recognition');
    await onPhone(learnerContext, requestPath, `Recognition toward ${PROGRAMME}`, 'wallet recognition request', 'wallet-recognition-phone');
    await page.getByRole('link', { name: 'your wallet' }).click();
    await heading('My credentials', page);
    await page.getByTestId('wallet-card').filter({ hasText: RECOGNITION }).waitFor();
  });
});
