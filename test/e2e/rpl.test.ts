/**
 * Recognition of prior learning by assessment (RPL), in a real browser (Debian's Chromium) against the
 * real server: a learner opens a case against a micro-credential with learning outcomes, adds a
 * narrative, a link and a file, removes a mistaken link and submits; the assessor accepts one outcome
 * and asks for more on the other; the learner reads the feedback, adds evidence and resubmits; the
 * assessor accepts all and decides; the learner sees the award. Every new screen passes axe on a
 * desktop and a 375 px phone without sideways scroll.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { expectAccessible } from './support/axe.ts';
import { browserSkipReason, launchBrowser } from './support/browser.ts';
import { buildWebApart, expectNoSidewaysScroll, PHONE, setUpIssuing, type Issuing } from './support/learner.ts';
import { saveScreenshot, screenshotIfFailed } from './support/screenshots.ts';
import { startTestServer, type TestServer } from './support/server.ts';

const skipReason = browserSkipReason();

const LEARNER = { email: 'noor.haddad@example.org', name: 'Noor Haddad', password: 'a long learner passphrase' };

describe.skipIf(skipReason !== undefined)('recognition of prior learning by assessment in Chromium', () => {
  let server: TestServer;
  let web: Awaited<ReturnType<typeof buildWebApart>>;
  let browser: Browser;
  let registrarContext: BrowserContext;
  let learnerContext: BrowserContext;
  /** The organisation's owner, who may assess. */
  let registrar: Page;
  let learner: Page;
  let issuing: Issuing;
  let rplCasePath: string;

  beforeAll(async () => {
    web = await buildWebApart();
    server = await startTestServer({ webRoot: web.webRoot });
    browser = await launchBrowser();
    registrarContext = await browser.newContext({ baseURL: server.url, viewport: { width: 1280, height: 900 } });
    registrarContext.setDefaultTimeout(15_000);
    issuing = await setUpIssuing(registrarContext.request);
    // The learner gets an account by claiming a first credential.
    await issuing.issue({ email: LEARNER.email, name: LEARNER.name });
    registrar = await registrarContext.newPage();
    learnerContext = await browser.newContext({ baseURL: server.url, viewport: { width: 1280, height: 900 } });
    learnerContext.setDefaultTimeout(15_000);
    learner = await learnerContext.newPage();
    await learner.goto(new URL(await issuing.claimLink(LEARNER.email)).pathname);
    const form = learner.getByRole('form', { name: 'Create an account' });
    await form.getByLabel('Your name').fill(LEARNER.name);
    await form.getByLabel('E-mail address').fill(LEARNER.email);
    await form.getByLabel('Choose a password').fill(LEARNER.password);
    await form.getByRole('button', { name: 'Create account' }).click();
    await learner.waitForURL(/\/wallet\/credentials\/[^/?]+\?claimed=1$/);
    await registrar.goto('/console/credentials');
  }, 180_000);

  afterAll(async () => {
    await learnerContext?.close();
    await registrarContext?.close();
    await browser?.close();
    await server?.close();
    web?.remove();
  });

  afterEach(async (test) => {
    await screenshotIfFailed(test, learner, 'rpl-learner');
    await screenshotIfFailed(test, registrar, 'rpl-assessor');
  });

  async function heading(page: Page, name: string | RegExp): Promise<void> {
    await page.getByRole('heading', { level: 1, name }).waitFor();
  }

  /** The same screen on a phone with the same cookies: no sideways scroll, no serious axe violations. */
  async function onPhone(context: BrowserContext, path: string, title: string | RegExp, name: string): Promise<void> {
    const phone = await browser.newContext({ baseURL: server.url, viewport: PHONE, isMobile: true, hasTouch: true, storageState: await context.storageState() });
    try {
      const small = await phone.newPage();
      await small.goto(path);
      await heading(small, title);
      await small.waitForLoadState('networkidle');
      await expectNoSidewaysScroll(small);
      await expectAccessible(small, `${name}-phone`);
    } finally {
      await phone.close();
    }
  }

  it('RPL: the learner gives a narrative, a link and a file per outcome and submits', async () => {
    await learner.getByRole('navigation', { name: 'Wallet' }).getByRole('link', { name: 'Prior learning' }).click();
    await heading(learner, 'Prior learning');
    await learner.getByText('No cases yet.').waitFor();
    await learner.getByLabel('Micro-credential').selectOption({ label: 'Data Literacy Essentials — Université Exemple' });
    await learner.getByRole('listitem').filter({ hasText: 'Clean a tabular data set' }).waitFor();
    await expectAccessible(learner, 'wallet-rpl');
    await onPhone(learnerContext, '/wallet/rpl', 'Prior learning', 'wallet-rpl');
    await learner.getByRole('button', { name: 'Open case' }).click();
    await learner.waitForURL(/\/wallet\/rpl\/[^/]+$/);
    rplCasePath = new URL(learner.url()).pathname;
    await heading(learner, 'Prior learning: Data Literacy Essentials');
    const first = learner.getByTestId('rpl-outcome').nth(0);
    const second = learner.getByTestId('rpl-outcome').nth(1);
    await first.getByLabel('What you did and how it shows the outcome').fill('I cleaned the city open-data bus timetables every week for a year.');
    await first.getByRole('button', { name: 'Add evidence for outcome 1' }).click();
    await first.getByText(/Narrative: .*bus timetables/).waitFor();
    await first.getByLabel('Kind of evidence').selectOption('link');
    await first.getByLabel('Link (https)').fill('https://github.com/example/bus-cleaning');
    await first.getByLabel('Title (optional)').fill('My cleaning scripts');
    await first.getByRole('button', { name: 'Add evidence for outcome 1' }).click();
    await first.getByRole('link', { name: 'My cleaning scripts' }).waitFor();
    await second.getByLabel('Kind of evidence').selectOption('file');
    await second.getByLabel('File').setInputFiles({ name: 'report.txt', mimeType: 'text/plain', buffer: Buffer.from('Monthly ridership report with three bar charts.\n') });
    await second.getByRole('button', { name: 'Add evidence for outcome 2' }).click();
    await second.getByRole('link', { name: 'report.txt' }).waitFor();
    // A link added by mistake is removed again.
    await second.getByLabel('Kind of evidence').selectOption('link');
    await second.getByLabel('Link (https)').fill('https://example.org/wrong');
    await second.getByRole('button', { name: 'Add evidence for outcome 2' }).click();
    await second.getByRole('link', { name: 'https://example.org/wrong' }).waitFor();
    await second.getByRole('listitem').filter({ hasText: 'https://example.org/wrong' }).getByRole('button', { name: /^Remove/ }).click();
    await learner.getByText('Evidence removed.').waitFor();
    expect(await second.getByRole('link', { name: 'https://example.org/wrong' }).count()).toBe(0);
    await expectAccessible(learner, 'wallet-rpl-case');
    await saveScreenshot(learner, 'wallet-rpl-case');
    await onPhone(learnerContext, rplCasePath, 'Prior learning: Data Literacy Essentials', 'wallet-rpl-case');
    await learner.getByRole('button', { name: 'Submit for review' }).click();
    await learner.getByTestId('case-status').getByText('Submitted').waitFor();
  });

  it('RPL: the assessor accepts one outcome and asks for more on the other', async () => {
    await registrar.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: 'RPL', exact: true }).click();
    await heading(registrar, 'Prior learning cases');
    await expectAccessible(registrar, 'rpl-queue');
    await onPhone(registrarContext, '/console/rpl', 'Prior learning cases', 'rpl-queue');
    await registrar.getByRole('link', { name: 'Data Literacy Essentials' }).click();
    await heading(registrar, 'Prior learning: Data Literacy Essentials');
    await registrar.getByText(`${LEARNER.name} <${LEARNER.email}>`).waitFor();
    const first = registrar.getByTestId('rpl-outcome').nth(0);
    const second = registrar.getByTestId('rpl-outcome').nth(1);
    // The file downloads from the organisation's route.
    expect(await second.getByRole('link', { name: 'report.txt' }).getAttribute('href')).toMatch(/\/api\/v1\/organisations\/[^/]+\/rpl-cases\/[^/]+\/evidence\/[^/]+\/file$/);
    await expectAccessible(registrar, 'rpl-case');
    await saveScreenshot(registrar, 'rpl-case-review');
    await onPhone(registrarContext, new URL(registrar.url()).pathname, 'Prior learning: Data Literacy Essentials', 'rpl-case');
    await first.getByRole('button', { name: 'Accept outcome 1' }).click();
    await first.getByText('Status: Accepted').waitFor();
    // A review answers the case without the learner (RplCase): the screen keeps the learner it showed.
    await registrar.getByText(`${LEARNER.name} <${LEARNER.email}>`).waitFor();
    await second.getByLabel('Feedback').fill('Please add a chart you drew yourself.');
    await second.getByRole('button', { name: 'Ask for more on outcome 2' }).click();
    await second.getByText('Status: More evidence requested').waitFor();
    expect(await registrar.getByRole('button', { name: 'Decide the case' }).isDisabled()).toBe(true);
  });

  it('RPL: the learner reads the feedback, adds evidence and resubmits', async () => {
    await learner.goto(rplCasePath);
    await heading(learner, 'Prior learning: Data Literacy Essentials');
    const second = learner.getByTestId('rpl-outcome').nth(1);
    await second.getByText('Please add a chart you drew yourself.').waitFor();
    await second.getByLabel('What you did and how it shows the outcome').fill('I drew the bar charts in the report with matplotlib and chose them for monthly comparisons.');
    await second.getByRole('button', { name: 'Add evidence for outcome 2' }).click();
    await second.getByText(/Narrative: .*matplotlib/).waitFor();
    await learner.getByRole('button', { name: 'Resubmit' }).click();
    await second.getByText('Status: Submitted').waitFor();
  });

  it('RPL: the assessor accepts all and decides; the learner sees the award', async () => {
    await registrar.reload();
    await heading(registrar, 'Prior learning: Data Literacy Essentials');
    const second = registrar.getByTestId('rpl-outcome').nth(1);
    await second.getByRole('button', { name: 'Accept outcome 2' }).click();
    await second.getByText('Status: Accepted').waitFor();
    // A double click on "Decide the case" opens one dialog; the award waits for the assessor's yes.
    await registrar.getByRole('button', { name: 'Decide the case' }).dblclick();
    const dialog = registrar.getByRole('dialog', { name: 'Award “Data Literacy Essentials”?' });
    await dialog.waitFor();
    expect(await registrar.getByRole('dialog').count()).toBe(1);
    await expectAccessible(registrar, 'rpl-decide-confirmation');
    await dialog.getByRole('button', { name: 'Award the micro-credential' }).dblclick();
    await registrar.getByTestId('case-decision').getByText('Awarded').waitFor();
    // One decision: success alone, no error beside it from a second request.
    await registrar.getByText('Case decided.').waitFor();
    expect(await registrar.getByRole('alert').count()).toBe(0);
    await learner.goto(rplCasePath);
    await learner.getByTestId('case-status').getByText('Awarded').waitFor();
    await learner.getByText(/The micro-credential is in your/).waitFor();
    await expectAccessible(learner, 'wallet-rpl-awarded');
    await saveScreenshot(learner, 'wallet-rpl-awarded');
  });

  it('RPL: a learner who never confirmed her address is told where the award really is (a claim e-mail), not "in your wallet"', async () => {
    const late = { email: 'lea.unconfirmed@example.org', password: 'another learner passphrase' };
    const context = await browser.newContext({ baseURL: server.url, viewport: { width: 1280, height: 900 } });
    try {
      const api = context.request;
      const ok = async (response: { ok(): boolean; status(): number; text(): Promise<string> }) => {
        expect(response.ok(), `${response.status()} ${await response.text()}`).toBe(true);
        return JSON.parse(await response.text()) as Record<string, unknown>;
      };
      await ok(await api.post('/api/v1/auth/signup', { data: { ...late, name: 'Léa' } }));
      const { csrfToken } = await ok(await api.post('/api/v1/auth/login', { data: late }));
      const headers = { 'x-csrf-token': String(csrfToken) };
      const opened = await ok(await api.post('/api/v1/wallet/rpl-cases', { headers, data: { achievementId: issuing.achievementId } }));
      const caseId = String(opened.id);
      for (const outcome of opened.outcomes as { id: string }[]) {
        await ok(await api.post(`/api/v1/wallet/rpl-cases/${caseId}/evidence`, { headers, data: { outcomeId: outcome.id, evidence: { kind: 'narrative', text: 'Two years of weekly data cleaning at work.' } } }));
      }
      await ok(await api.post(`/api/v1/wallet/rpl-cases/${caseId}/submission`, { headers }));
      const assessor = registrarContext.request;
      const me = await ok(await assessor.get('/api/v1/me'));
      const assessorHeaders = { 'x-csrf-token': String(me.csrfToken) };
      const orgCase = `/api/v1/organisations/${issuing.organisationId}/rpl-cases/${caseId}`;
      for (const outcome of opened.outcomes as { id: string }[]) {
        await ok(await assessor.post(`${orgCase}/reviews`, { headers: assessorHeaders, data: { outcomeId: outcome.id, action: 'accept' } }));
      }
      expect((await ok(await assessor.post(`${orgCase}/decision`, { headers: assessorHeaders, data: {} }))).status).toBe('awarded');

      const page = await context.newPage();
      await page.goto(`/wallet/rpl/${caseId}`);
      await page.getByTestId('case-status').getByText('Awarded').waitFor();
      const delivery = page.getByTestId('case-delivery');
      await delivery.getByText(`it was sent to ${late.email} with a claim link`, { exact: false }).waitFor();
      expect(await delivery.textContent()).not.toContain('is in your wallet');
      await expectAccessible(page, 'wallet-rpl-awarded-unconfirmed');
      await saveScreenshot(page, 'wallet-rpl-awarded-unconfirmed');
      // The claim e-mail it names went out (her confirmation e-mail is checked over HTTP in test/http/rpl.test.ts).
      const outbox = await ok(await assessor.get(`/api/v1/organisations/${issuing.organisationId}/outbox`));
      const hers = (outbox.items as { to: string; text?: string | null }[]).filter((mail) => mail.to === late.email);
      expect(hers.some((mail) => /\/claim\//.test(mail.text ?? ''))).toBe(true);
    } finally {
      await context.close();
    }
  });
});
