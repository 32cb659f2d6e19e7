/**
 * Recognition of prior learning for credit, in a real browser (Debian's Chromium) against the real
 * server: the registrar defines a programme and two recognition agreements in the console; a learner
 * holding two credentials issued on the instance (claimed from the outbox links) asks for recognition
 * in the wallet and reads the engine's proposal; the registrar approves one item and amends the other
 * (fewer credits, with a reason); the learner reads the decision and finds the recognition credential
 * in the wallet. Every new screen passes axe on a desktop and a 375 px phone without sideways scroll.
 */
import type { APIRequestContext, Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { expectAccessible } from './support/axe.ts';
import { browserSkipReason, launchBrowser } from './support/browser.ts';
import { buildWebApart, expectNoSidewaysScroll, PHONE, setUpIssuing, type Issuing } from './support/learner.ts';
import { saveScreenshot, screenshotIfFailed } from './support/screenshots.ts';
import { startTestServer, type TestServer } from './support/server.ts';

const skipReason = browserSkipReason();
if (skipReason) console.warn(skipReason);

const LEARNER = { email: 'noor.haddad@example.org', name: 'Noor Haddad', password: 'a long learner passphrase' };
const STATISTICS = {
  name: 'Statistics Foundations',
  description: 'Descriptive statistics, probability and inference.',
  criteria: 'Pass the proctored exam.',
  achievementType: 'MicroCredential',
  eu: { creditsAvailable: 6, eqfLevel: 6, learningOutcome: ['Estimate a confidence interval'], assessmentType: ['exam'], participationForm: 'online', qualityAssurance: ['internal'] },
};
const RECOGNITION = { name: 'Recognised prior learning', description: 'Credits recognised from prior learning.', criteria: 'A registrar decision.', achievementType: 'Badge' };

async function json<T>(response: { ok(): boolean; status(): number; text(): Promise<string> }, what: string): Promise<T> {
  const text = await response.text();
  if (!response.ok()) throw new Error(`${what} answered ${response.status()}: ${text}`);
  return JSON.parse(text) as T;
}

describe.skipIf(skipReason !== undefined)('recognition of prior learning in Chromium', () => {
  let server: TestServer;
  let web: Awaited<ReturnType<typeof buildWebApart>>;
  let browser: Browser;
  let registrarContext: BrowserContext;
  let learnerContext: BrowserContext;
  let registrar: Page;
  let learner: Page;
  let issuing: Issuing;
  /** Issuer DID and achievement IRIs as the credentials carry them. */
  let issuerDid: string;
  let dataIri: string;
  let statsIri: string;
  let requestPath: string;
  let rplCasePath: string;

  async function csrf(request: APIRequestContext): Promise<Record<string, string>> {
    const me = await json<{ csrfToken: string }>(await request.get('/api/v1/me'), 'me');
    return { 'x-csrf-token': me.csrfToken };
  }

  beforeAll(async () => {
    web = await buildWebApart();
    server = await startTestServer({ webRoot: web.webRoot });
    browser = await launchBrowser();
    registrarContext = await browser.newContext({ baseURL: server.url, viewport: { width: 1280, height: 900 } });
    registrarContext.setDefaultTimeout(15_000);
    issuing = await setUpIssuing(registrarContext.request);
    const headers = await csrf(registrarContext.request);
    const orgUrl = `/api/v1/organisations/${issuing.organisationId}`;
    const stats = await json<{ id: string }>(await registrarContext.request.post(`${orgUrl}/achievements`, { headers, data: { issuerId: issuing.issuerId, ...STATISTICS } }), 'statistics');
    await json(await registrarContext.request.post(`${orgUrl}/achievements`, { headers, data: { issuerId: issuing.issuerId, ...RECOGNITION } }), 'recognition achievement');
    const first = await issuing.issue({ email: LEARNER.email, name: LEARNER.name });
    const second = await json<{ id: string }>(
      await registrarContext.request.post(`${orgUrl}/credentials`, { headers, data: { achievementId: stats.id, recipient: { email: LEARNER.email, name: LEARNER.name } } }),
      'issue statistics',
    );
    const documentOf = async (id: string) => JSON.parse(await (await registrarContext.request.get(`/credentials/${id}`)).text()) as { issuer: { id: string } | string; credentialSubject: { achievement: { id: string } } };
    const dataDocument = await documentOf(first.id);
    issuerDid = typeof dataDocument.issuer === 'string' ? dataDocument.issuer : dataDocument.issuer.id;
    dataIri = dataDocument.credentialSubject.achievement.id;
    statsIri = (await documentOf(second.id)).credentialSubject.achievement.id;
    registrar = await registrarContext.newPage();
    learnerContext = await browser.newContext({ baseURL: server.url, viewport: { width: 1280, height: 900 } });
    learnerContext.setDefaultTimeout(15_000);
    learner = await learnerContext.newPage();
  }, 180_000);

  afterAll(async () => {
    await learnerContext?.close();
    await registrarContext?.close();
    await browser?.close();
    await server?.close();
    web?.remove();
  });

  afterEach(async (test) => {
    await screenshotIfFailed(test, learner, 'recognition-learner');
    await screenshotIfFailed(test, registrar, 'recognition-registrar');
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

  /** Every claim link e-mailed to an address, oldest first, from the development outbox. */
  async function claimLinks(): Promise<string[]> {
    const outbox = await json<{ items: { to: string; text?: string | null }[] }>(await registrarContext.request.get(`/api/v1/organisations/${issuing.organisationId}/outbox`), 'outbox');
    const links = outbox.items.filter((m) => m.to === LEARNER.email).flatMap((m) => m.text?.match(/https?:\/\/\S+\/claim\/[A-Za-z0-9_-]+/g) ?? []);
    return [...new Set(links)];
  }

  it('the learner claims both credentials into the wallet', async () => {
    const links = await claimLinks();
    expect(links).toHaveLength(2);
    await learner.goto(new URL(links[0]!).pathname);
    await heading(learner, 'Claim your credential');
    const form = learner.getByRole('form', { name: 'Create an account' });
    await form.getByLabel('Your name').fill(LEARNER.name);
    await form.getByLabel('E-mail address').fill(LEARNER.email);
    await form.getByLabel('Choose a password').fill(LEARNER.password);
    await form.getByRole('button', { name: 'Create account' }).click();
    await learner.waitForURL(/\/wallet\/credentials\/[^/?]+\?claimed=1$/);
    await learner.goto(new URL(links[1]!).pathname);
    await learner.getByRole('button', { name: 'Add to my wallet' }).click();
    await learner.waitForURL(/\/wallet\/credentials\/[^/?]+\?claimed=1$/);
    await learner.goto('/wallet');
    await learner.getByTestId('wallet-card').filter({ hasText: 'Statistics Foundations' }).waitFor();
    await learner.getByTestId('wallet-card').filter({ hasText: 'Data Literacy Essentials' }).waitFor();
  });

  it('the registrar defines a programme with modules and a cap', async () => {
    await registrar.goto('/console/credentials');
    await registrar.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: 'Recognition', exact: true }).click();
    await heading(registrar, 'Recognition requests');
    await registrar.getByRole('link', { name: 'Programmes and agreements' }).click();
    await heading(registrar, 'Programmes');
    expect(await registrar.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: 'Recognition', exact: true }).getAttribute('aria-current')).toBe('page');
    await registrar.getByText('No programmes yet.').waitFor();
    const form = registrar.getByRole('form', { name: 'Create a programme' });
    // The server's problems arrive at their fields.
    await form.getByRole('button', { name: 'Create programme' }).click();
    await form.getByRole('alert').waitFor();
    await form.getByRole('textbox', { name: 'Name (required)' }).fill('MSc Data Science');
    await form.getByLabel('Total credits (ECTS)').fill('60');
    await form.getByLabel('Module 1 code').fill('DATA');
    await form.getByLabel('Module 1 name').fill('Data handling');
    await form.getByLabel('Module 1 ECTS').fill('5');
    await form.getByRole('button', { name: 'Add a module' }).click();
    await form.getByLabel('Module 2 code').fill('STATS');
    await form.getByLabel('Module 2 name').fill('Statistics');
    await form.getByLabel('Module 2 ECTS').fill('6');
    await form.getByRole('button', { name: 'Add a module' }).click();
    await form.getByRole('button', { name: 'Remove module 3' }).click();
    await form.getByLabel('At most this many ECTS from prior learning').fill('30');
    await form.getByLabel('Recognition credential').selectOption({ label: 'Recognised prior learning' });
    await form.getByRole('button', { name: 'Create programme' }).click();
    await registrar.getByText('Programme “MSc Data Science” created.').waitFor();
    await expectAccessible(registrar, 'programmes');
    await onPhone(registrarContext, '/console/programmes', 'Programmes', 'programmes');
  });

  it('the registrar adds two agreements, seeing the server refuse a bad one at its field', async () => {
    await registrar.getByRole('link', { name: 'MSc Data Science' }).click();
    await heading(registrar, 'MSc Data Science');
    await registrar.getByText('No agreements yet.').waitFor();
    const form = registrar.getByRole('form', { name: 'Add an agreement' });
    // EQF 9 does not exist: the message stands beside the field.
    await form.getByLabel('Module').selectOption('DATA');
    await form.getByLabel('Credits granted (ECTS)').fill('5');
    await form.getByLabel('Issuer id').fill(issuerDid);
    await form.getByLabel('Achievement id').fill(dataIri);
    await form.getByLabel('Minimum EQF level').fill('9');
    await form.getByRole('button', { name: 'Add agreement' }).click();
    await form.locator('#agreement-min-eqf-error').waitFor();
    await form.getByLabel('Minimum EQF level').fill('5');
    await form.getByLabel('Maximum age').fill('P5Y');
    await form.getByRole('button', { name: 'Add agreement' }).click();
    await registrar.getByText('Agreement added.').waitFor();
    await form.getByLabel('Module').selectOption('STATS');
    await form.getByLabel('Credits granted (ECTS)').fill('6');
    await form.getByLabel('Issuer id').fill(issuerDid);
    await form.getByLabel('Achievement id').fill(statsIri);
    await form.getByLabel('Minimum EQF level').fill('6');
    await form.getByLabel('Quality assurance required').check();
    await form.getByRole('button', { name: 'Add agreement' }).click();
    await registrar.getByText('Agreement added.').waitFor();
    const rows = registrar.getByRole('table', { name: 'Recognition agreements' }).locator('tbody > tr');
    await expect.poll(() => rows.count()).toBe(2);
    await registrar.getByRole('cell', { name: /EQF level 6 or above; Quality assured/ }).waitFor();
    // Editing the programme: removing a module an agreement counts for is refused, a new name is kept.
    const edit = registrar.getByRole('form', { name: 'Edit the programme' });
    await edit.getByRole('button', { name: 'Remove module 2' }).click();
    await edit.getByRole('button', { name: 'Save programme' }).click();
    await edit.getByRole('alert').waitFor();
    await edit.getByRole('button', { name: 'Add a module' }).click();
    await edit.getByLabel('Module 2 code').fill('STATS');
    await edit.getByLabel('Module 2 name').fill('Statistics');
    await edit.getByLabel('Module 2 ECTS').fill('6');
    await edit.getByRole('button', { name: 'Save programme' }).click();
    await edit.getByText('Programme “MSc Data Science” saved.').waitFor();
    await expectAccessible(registrar, 'programme-agreements');
    await onPhone(registrarContext, new URL(registrar.url()).pathname, 'MSc Data Science', 'programme-agreements');
  });

  it('the learner sees what counts, asks for recognition and reads the proposal with its reasons', async () => {
    await learner.getByRole('navigation', { name: 'Wallet' }).getByRole('link', { name: 'Recognition' }).click();
    await heading(learner, 'Recognition');
    await learner.getByText('No requests yet.').waitFor();
    await expectAccessible(learner, 'wallet-recognition');
    await learner.getByLabel('Programme').selectOption({ label: 'MSc Data Science — Université Exemple (60 ECTS)' });
    const counts = learner.getByTestId('what-counts');
    await counts.getByText(/Data handling: 5 ECTS when/).waitFor();
    await counts.getByText(/Statistics: 6 ECTS when .*Quality assured/).waitFor();
    await learner.getByText('At most 30 ECTS can come from prior learning.').waitFor();
    await learner.getByRole('checkbox', { name: /Data Literacy Essentials/ }).check();
    await learner.getByRole('checkbox', { name: /Statistics Foundations/ }).check();
    await expectAccessible(learner, 'wallet-recognition-form');
    await learner.getByRole('button', { name: 'Send request' }).click();
    await learner.waitForURL(/\/wallet\/recognition\/[^/]+$/);
    requestPath = new URL(learner.url()).pathname;
    await heading(learner, 'Recognition: MSc Data Science');
    await expect.poll(() => learner.getByTestId('recognition-item').count()).toBe(2);
    const stats = learner.getByTestId('recognition-item').filter({ hasText: 'Statistics Foundations' });
    await stats.getByText(/Proposed: Accept, 6 ECTS for Statistics/).waitFor();
    expect(await stats.locator('.check-passed').count()).toBeGreaterThan(0);
    await learner.getByTestId('cap-and-gap').getByText('11 ECTS proposed of 60').waitFor();
    await learner.getByTestId('cap-and-gap').getByText(/^49 ECTS/).waitFor();
    await learner.getByTestId('request-status').getByText('Waiting for a decision').waitFor();
    await learner.getByRole('button', { name: 'Withdraw this request' }).waitFor();
    await expectAccessible(learner, 'wallet-recognition-request');
    await saveScreenshot(learner, 'wallet-recognition-proposal');
    await onPhone(learnerContext, '/wallet/recognition', 'Recognition', 'wallet-recognition');
    await onPhone(learnerContext, requestPath, 'Recognition: MSc Data Science', 'wallet-recognition-request');
  });

  it('the registrar approves one item and amends the other with fewer credits and a reason', async () => {
    await registrar.goto('/console/recognition');
    await heading(registrar, 'Recognition requests');
    const queue = registrar.getByRole('table', { name: 'Recognition requests' });
    await queue.getByRole('cell', { name: 'MSc Data Science' }).waitFor();
    await expectAccessible(registrar, 'recognition-queue');
    await onPhone(registrarContext, '/console/recognition', 'Recognition requests', 'recognition-queue');
    await queue.locator('tbody > tr').first().getByRole('link').click();
    await heading(registrar, 'Recognition decision');
    await registrar.getByText(`${LEARNER.name} <${LEARNER.email}>`).waitFor();
    const data = registrar.getByTestId('recognition-item').filter({ hasText: 'Data Literacy Essentials' });
    const stats = registrar.getByTestId('recognition-item').filter({ hasText: 'Statistics Foundations' });
    await stats.getByText(/Proposal: Accept/).waitFor();
    await stats.getByText('Université Exemple', { exact: true }).waitFor();
    await data.getByRole('radio', { name: 'Approve' }).check();
    await stats.getByRole('radio', { name: 'Amend' }).check();
    await stats.getByLabel('Credits (ECTS)').fill('4');
    await expectAccessible(registrar, 'recognition-decision');
    await saveScreenshot(registrar, 'recognition-decision');
    await onPhone(registrarContext, new URL(registrar.url()).pathname, 'Recognition decision', 'recognition-decision');
    // An amendment without a reason is refused; nothing is saved.
    await registrar.getByRole('button', { name: 'Submit decision' }).click();
    await registrar.getByRole('alert').waitFor();
    await stats.getByLabel('Reason').fill('The exam covered only part of our Statistics module.');
    await registrar.getByRole('button', { name: 'Submit decision' }).click();
    await registrar.getByText(/Decision saved\./).waitFor();
    await stats.getByTestId('final-item').getByText(/recognised, 4 ECTS/).waitFor();
    await data.getByTestId('final-item').getByText(/recognised, 5 ECTS/).waitFor();
    await registrar.getByTestId('cap-and-gap').getByText('9 ECTS of 60').waitFor();
    await registrar.getByTestId('issued').getByText('The recognition credential was issued to the learner.').waitFor();
    await saveScreenshot(registrar, 'recognition-decision-final');
  });

  it('the learner reads the decision and finds the recognition credential in the wallet', async () => {
    await learner.goto(requestPath);
    await heading(learner, 'Recognition: MSc Data Science');
    await learner.getByTestId('request-status').getByText('Decided').waitFor();
    const stats = learner.getByTestId('recognition-item').filter({ hasText: 'Statistics Foundations' });
    await stats.getByTestId('decision').getByText(/4 ECTS recognised for Statistics/).waitFor();
    await stats.getByTestId('decision').getByText(/\(amended\)\. Reason: The exam covered only part of our Statistics module\./).waitFor();
    await learner.getByTestId('cap-and-gap').getByText('9 ECTS of 60').waitFor();
    await learner.getByText('Your recognition credential is in your').waitFor();
    expect(await learner.getByRole('button', { name: 'Withdraw this request' }).count()).toBe(0);
    await expectAccessible(learner, 'wallet-recognition-decided');
    await saveScreenshot(learner, 'wallet-recognition-decided');
    await learner.goto('/wallet/recognition');
    await learner.getByTestId('my-requests').getByText(/Decided, 9 ECTS recognised/).waitFor();
    await learner.goto('/wallet');
    await learner.getByTestId('wallet-card').filter({ hasText: 'Recognised prior learning' }).waitFor();
  });

  it('the learner withdraws a pending request; the registrar finds the decided one under its filter', async () => {
    await learner.goto('/wallet/recognition');
    await heading(learner, 'Recognition');
    await learner.getByLabel('Programme').selectOption({ label: 'MSc Data Science — Université Exemple (60 ECTS)' });
    await learner.getByRole('checkbox', { name: /Data Literacy Essentials/ }).check();
    await learner.getByRole('button', { name: 'Send request' }).click();
    await learner.waitForURL(/\/wallet\/recognition\/[^/]+$/);
    expect(new URL(learner.url()).pathname).not.toBe(requestPath);
    await learner.getByRole('button', { name: 'Withdraw this request' }).click();
    await learner.getByTestId('request-status').getByText('Withdrawn').waitFor();
    expect(await learner.getByRole('button', { name: 'Withdraw this request' }).count()).toBe(0);
    await registrar.goto('/console/recognition');
    await heading(registrar, 'Recognition requests');
    await registrar.getByText('No pending requests.').waitFor();
    await registrar.getByLabel('Show').selectOption('decided');
    const decided = registrar.getByRole('table', { name: 'Recognition requests' }).locator('tbody > tr');
    await expect.poll(() => decided.count()).toBe(1);
    await decided.getByRole('cell', { name: 'Decided' }).waitFor();
  });

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
    await onPhone(registrarContext, new URL(registrar.url()).pathname, 'Prior learning: Data Literacy Essentials', 'rpl-case');
    await first.getByRole('button', { name: 'Accept outcome 1' }).click();
    await first.getByText('Status: Accepted').waitFor();
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
    await registrar.getByRole('button', { name: 'Decide the case' }).click();
    await registrar.getByTestId('case-decision').getByText('Awarded').waitFor();
    await learner.goto(rplCasePath);
    await learner.getByTestId('case-status').getByText('Awarded').waitFor();
    await learner.getByText(/The micro-credential is in your/).waitFor();
    await expectAccessible(learner, 'wallet-rpl-awarded');
    await saveScreenshot(learner, 'wallet-rpl-awarded');
  });
});
