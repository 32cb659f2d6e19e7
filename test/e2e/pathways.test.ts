/**
 * Pathways (stacked credentials) in a real browser (Debian's Chromium) against the real server and its
 * job runner: an issuer designs a pathway in the designer (two courses lead to a certificate), watching
 * the live check go from incomplete to complete for a sample learner, and publishes it; a learner
 * claims the first course credential, sees 50% and what to take next; the issuer issues the second, the
 * learner claims it, the background job recomputes and issues the stacked credential, and the learner's
 * pathway page shows it complete with the credential in the wallet. Every new screen is checked with axe
 * on a desktop and a 375 px phone (no sideways scroll); the designer and the progress page are photographed.
 */
import type { APIRequestContext, Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { expectAccessible } from './support/axe.ts';
import { browserSkipReason, launchBrowser } from './support/browser.ts';
import { buildWebApart, expectNoSidewaysScroll, MICRO_CREDENTIAL, PHONE, setUpIssuing, type Issuing } from './support/learner.ts';
import { saveScreenshot, screenshotIfFailed } from './support/screenshots.ts';
import { startTestServer, type TestServer } from './support/server.ts';

const skipReason = browserSkipReason();

const LEARNER = { email: 'noor.haddad@example.org', name: 'Noor Haddad', password: 'a long learner passphrase' };
const PATHWAY = 'Certificate in Data Science';
const TARGET = 'Data Science Certificate (stacked)';
const FIRST = 'Statistics I';
const SECOND = 'Machine Learning Basics';

async function json<T>(response: { ok(): boolean; status(): number; text(): Promise<string> }, what: string): Promise<T> {
  const text = await response.text();
  if (!response.ok()) throw new Error(`${what} answered ${response.status()}: ${text}`);
  return JSON.parse(text) as T;
}

describe.skipIf(skipReason !== undefined)('pathways in Chromium', () => {
  let server: TestServer;
  let web: Awaited<ReturnType<typeof buildWebApart>>;
  let browser: Browser;
  let issuerContext: BrowserContext;
  let learnerContext: BrowserContext;
  let issuerPage: Page;
  let page: Page;
  let issuing: Issuing;
  let request: APIRequestContext;
  let csrf: string;
  const course: Record<string, string> = {};
  let pathwayPath: string;
  let firstIssued: string;
  let learnerPathwayPath: string;

  async function define(name: string, credits: number): Promise<string> {
    const created = await json<{ id: string }>(
      await request.post(`/api/v1/organisations/${issuing.organisationId}/achievements`, {
        headers: { 'x-csrf-token': csrf },
        data: { issuerId: issuing.issuerId, ...MICRO_CREDENTIAL, name, eu: { ...MICRO_CREDENTIAL.eu, creditsAvailable: credits } },
      }),
      `achievement ${name}`,
    );
    return created.id;
  }

  async function issue(achievementId: string): Promise<string> {
    const issued = await json<{ id: string }>(
      await request.post(`/api/v1/organisations/${issuing.organisationId}/credentials`, {
        headers: { 'x-csrf-token': csrf },
        data: { achievementId, recipient: { email: LEARNER.email, name: LEARNER.name } },
      }),
      'issue',
    );
    return issued.id;
  }

  beforeAll(async () => {
    web = await buildWebApart();
    server = await startTestServer({ webRoot: web.webRoot });
    browser = await launchBrowser();
    issuerContext = await browser.newContext({ baseURL: server.url, viewport: { width: 1280, height: 900 } });
    issuerContext.setDefaultTimeout(15_000);
    request = issuerContext.request;
    issuing = await setUpIssuing(request);
    csrf = (await json<{ csrfToken: string }>(await request.get('/api/v1/me'), 'me')).csrfToken;
    course.first = await define(FIRST, 5);
    course.second = await define(SECOND, 5);
    course.target = await define(TARGET, 10);
    issuerPage = await issuerContext.newPage();
    learnerContext = await browser.newContext({ baseURL: server.url, viewport: { width: 1280, height: 900 } });
    learnerContext.setDefaultTimeout(15_000);
    page = await learnerContext.newPage();
  }, 180_000);

  afterAll(async () => {
    await learnerContext?.close();
    await issuerContext?.close();
    await browser?.close();
    await server?.close();
    web?.remove();
  });

  afterEach(async (test) => {
    await screenshotIfFailed(test, issuerPage, 'pathways-issuer');
    await screenshotIfFailed(test, page, 'pathways-learner');
  });

  async function heading(name: string | RegExp, on: Page): Promise<void> {
    await on.getByRole('heading', { level: 1, name }).waitFor();
  }

  /** The same screen on a 375 px phone with the same cookies: no sideways scrolling, no serious axe violations. */
  async function onPhone(context: BrowserContext, path: string, title: string | RegExp, name: string, extra?: (small: Page) => Promise<void>, screenshot?: string): Promise<void> {
    const phone = await browser.newContext({ baseURL: server.url, viewport: PHONE, isMobile: true, hasTouch: true, storageState: await context.storageState() });
    try {
      const small = await phone.newPage();
      small.setDefaultTimeout(15_000);
      await small.goto(path);
      await heading(title, small);
      await extra?.(small);
      await expectNoSidewaysScroll(small);
      await expectAccessible(small, `${name} (phone)`);
      if (screenshot) await saveScreenshot(small, screenshot);
    } finally {
      await phone.close();
    }
  }

  /** Reloads until the locator shows (the background job runs about once a second). */
  async function reloadUntil(on: Page, probe: () => Promise<boolean>, what: string, timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (await probe()) return;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await on.waitForTimeout(700);
      await on.reload();
    }
  }

  it('designs the pathway in the form, watching the live check go from incomplete to complete, and publishes it', async () => {
    await issuerPage.goto('/console/pathways');
    await heading('Pathways', issuerPage);
    await issuerPage.getByText('No pathways yet.').waitFor();
    await expectAccessible(issuerPage, 'pathways (empty)');
    await issuerPage.getByRole('link', { name: 'New pathway' }).click();
    await heading('New pathway', issuerPage);

    const form = issuerPage.getByRole('form', { name: 'Pathway definition' });
    await form.getByLabel(/^Name/).fill(PATHWAY);
    await form.getByLabel('Description').fill('Two courses, ten ECTS.');
    await form.getByLabel(/Micro-credential awarded on completion/).selectOption({ label: `${TARGET} (10 ECTS)` });
    await form.getByTestId('target-issuer').getByText('Université Exemple').waitFor();

    const requirement = form.getByTestId('requirement-editor').first();
    await requirement.getByLabel('Label').fill('Core courses');
    for (const name of [FIRST, SECOND]) {
      await requirement.getByLabel('Find in the catalogue').fill(name.split(' ')[0]!);
      await requirement.getByRole('button', { name: `Add ${name}` }).click();
    }
    await requirement.getByRole('list', { name: /chosen/ }).locator('.item-name', { hasText: FIRST }).waitFor();
    await requirement.getByRole('list', { name: /chosen/ }).locator('.item-name', { hasText: SECOND }).waitFor();

    // The live check: a sample learner holding the first course only is half-way.
    const check = issuerPage.getByTestId('live-check');
    await check.getByLabel('Find in the catalogue').fill('Statistics');
    await check.getByRole('button', { name: `Add ${FIRST}` }).click();
    await check.getByText('Not complete yet.').waitFor();
    await check.getByTestId('check-progress').getByText('50% complete').waitFor();
    const result = check.getByTestId('requirement-result').first();
    await result.getByText('Still missing').waitFor();
    await result.getByText(SECOND, { exact: false }).waitFor();
    expect(await check.getByRole('progressbar', { name: 'Sample learner’s progress' }).getAttribute('value')).toBe('50');
    // With the second course too, it is complete.
    await check.getByLabel('Find in the catalogue').fill('Machine');
    await check.getByRole('button', { name: `Add ${SECOND}` }).click();
    await check.getByText('Complete: this learner would receive the stacked credential.').waitFor();
    await check.getByTestId('check-progress').getByText('100% complete').waitFor();

    // A problem in the rules comes back at its field: an "at least N" with no number.
    await form.getByLabel('Kind of requirement').selectOption({ label: 'At least N credentials from a selection' });
    await form.getByRole('button', { name: 'Add requirement' }).click();
    const second = form.getByTestId('requirement-editor').nth(1);
    await second.getByLabel('How many credentials').fill('');
    await second.locator('.field-error').filter({ hasText: 'The number of credentials (n) is missing.' }).waitFor();
    await check.getByText('The rules have a problem.').waitFor();
    // Every kind of requirement, with its conditions open, passes the accessibility check too.
    for (const kind of ['At least so many ECTS credits', 'Credentials at an EQF level or above', 'Learning outcomes or skills covered']) {
      await form.getByLabel('Kind of requirement').selectOption({ label: kind });
      await form.getByRole('button', { name: 'Add requirement' }).click();
    }
    expect(await form.getByTestId('requirement-editor').count()).toBe(5);
    for (const summary of await form.locator('details.conditions > summary').all()) await summary.click();
    await form.getByTestId('requirement-editor').nth(4).getByRole('button', { name: 'Add an outcome or skill' }).click();
    await form.getByTestId('requirement-editor').nth(4).getByLabel('Outcome or skill address 1').fill('http://data.europa.eu/esco/skill/ccd0a1d9-afda-43d9-b901-96344886e14d');
    await expectAccessible(issuerPage, 'pathway designer (every kind of requirement)');
    for (let i = 0; i < 4; i++) await form.getByRole('button', { name: /^Remove requirement 2$/ }).click();
    expect(await form.getByTestId('requirement-editor').count()).toBe(1);
    await check.getByText('Complete: this learner would receive the stacked credential.').waitFor();

    await form.getByText('Rules as JSON').click();
    const rules = JSON.parse((await form.getByTestId('rules-json').textContent()) ?? '{}') as { requirements: { kind: string; achievements: string[] }[] };
    expect(rules.requirements).toEqual([expect.objectContaining({ kind: 'allOf', label: 'Core courses', achievements: [expect.stringContaining(course.first!), expect.stringContaining(course.second!)] })]);

    await form.getByLabel('Status').selectOption('published');
    await expectAccessible(issuerPage, 'pathway designer');
    // From the top, so the sticky live check sits beside the form in the picture.
    await issuerPage.evaluate(() => (globalThis as unknown as { scrollTo(x: number, y: number): void }).scrollTo(0, 0));
    await saveScreenshot(issuerPage, 'pathway-designer');
    await form.getByRole('button', { name: 'Create pathway' }).click();
    await issuerPage.waitForURL(/\/console\/pathways\/[0-9a-f-]{36}\?saved=1$/);
    pathwayPath = new URL(issuerPage.url()).pathname;
    await heading(`Pathway: ${PATHWAY}`, issuerPage);
    await issuerPage.getByText('Saved as version 1.').waitFor();
    await issuerPage.getByText(/Version 1, published/).waitFor();
    // Saving again makes version 2; the form came back as it was saved.
    const saved = issuerPage.getByRole('form', { name: 'Pathway definition' });
    expect(await saved.getByTestId('requirement-editor').first().getByLabel('Label').inputValue()).toBe('Core courses');
    await saved.getByLabel('Description').fill('Two courses, ten ECTS in all.');
    await saved.getByRole('button', { name: 'Save new version' }).click();
    await issuerPage.getByText('Saved as version 2.').waitFor();
    await issuerPage.getByText(/Version 2, published/).waitFor();
    await saved.getByText('Versions (2)').waitFor();

    await issuerPage.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: 'Pathways' }).click();
    await heading('Pathways', issuerPage);
    const row = issuerPage.getByRole('row').filter({ hasText: PATHWAY });
    await row.getByText('Published').waitFor();
    expect(await row.textContent()).toContain(TARGET);
    await expectAccessible(issuerPage, 'pathways');
    await onPhone(issuerContext, '/console/pathways', 'Pathways', 'pathways');
    await onPhone(issuerContext, pathwayPath, `Pathway: ${PATHWAY}`, 'pathway designer', async (small) => {
      await small.getByTestId('live-check').getByText('Not complete yet.').waitFor();
    }, 'pathway-designer-phone');
  });

  it('keeps the trusted issuers and shows the flags, on desktop and phone', async () => {
    await issuerPage.getByRole('link', { name: 'Trusted issuers' }).click();
    await heading('Trusted issuers', issuerPage);
    await issuerPage.getByLabel(/Issuer identifier/).fill('not an issuer');
    await issuerPage.getByLabel(/^Name/).fill('Partner University');
    await issuerPage.getByRole('button', { name: 'Trust this issuer' }).click();
    await issuerPage.locator('.field-error').filter({ hasText: 'must be a DID or an http(s) URL' }).waitFor();
    await issuerPage.getByLabel(/Issuer identifier/).fill('did:web:partner.example');
    await issuerPage.getByRole('button', { name: 'Trust this issuer' }).click();
    await issuerPage.getByText('Partner University is trusted.').waitFor();
    await issuerPage.getByRole('cell', { name: 'did:web:partner.example' }).waitFor();
    await expectAccessible(issuerPage, 'trusted issuers');
    await onPhone(issuerContext, '/console/pathways/trusted-issuers', 'Trusted issuers', 'trusted issuers');
    await issuerPage.getByRole('button', { name: 'Remove Partner University' }).click();
    await issuerPage.getByText('Partner University is no longer trusted.').waitFor();

    await issuerPage.getByRole('navigation', { name: 'Pathways' }).getByRole('link', { name: 'Flags' }).click();
    await heading('Flagged stacked credentials', issuerPage);
    await issuerPage.getByText('No open flags.').waitFor();
    await expectAccessible(issuerPage, 'pathway flags');
    await onPhone(issuerContext, '/console/pathways/flags', 'Flagged stacked credentials', 'pathway flags');
  });

  it('shows the learner 50% and what to take next once the first credential is claimed', async () => {
    firstIssued = await issue(course.first!);
    const link = await issuing.claimLink(LEARNER.email);
    await page.goto(new URL(link).pathname);
    await heading('Claim your credential', page);
    const form = page.getByRole('form', { name: 'Create an account' });
    await form.getByLabel('Your name').fill(LEARNER.name);
    await form.getByLabel('E-mail address').fill(LEARNER.email);
    await form.getByLabel('Choose a password').fill(LEARNER.password);
    await form.getByRole('button', { name: 'Create account' }).click();
    await page.waitForURL(/\/wallet\/credentials\/[^/?]+\?claimed=1$/);

    await page.getByRole('navigation', { name: 'Wallet' }).getByRole('link', { name: 'Pathways' }).click();
    await heading('My pathways', page);
    const card = page.getByTestId('pathway-card').filter({ hasText: PATHWAY });
    await reloadUntil(page, async () => (await card.count()) > 0 && (await card.getByText('50% complete').count()) > 0, 'the pathway at 50%');
    expect(await card.getByRole('progressbar', { name: `${PATHWAY}: progress` }).getAttribute('value')).toBe('50');
    expect(await card.textContent()).toContain('5 ECTS counted');
    // The words agree with the 50% bar: the one requirement is partly met, not "0 of 1 met" alone.
    expect(await card.textContent()).toContain('0 of 1 requirement fully met, 1 partly met');
    await expectAccessible(page, 'wallet pathways');
    await onPhone(learnerContext, '/wallet/pathways', 'My pathways', 'wallet pathways', async (small) => {
      await small.getByTestId('pathway-card').first().waitFor();
    }, 'wallet-pathways-phone');

    await card.getByRole('link', { name: PATHWAY }).click();
    await heading(PATHWAY, page);
    learnerPathwayPath = new URL(page.url()).pathname;
    await page.getByTestId('overall-progress').getByText('50% complete').waitFor();
    const next = page.getByTestId('next-steps');
    await next.getByRole('heading', { name: 'What to take next' }).waitFor();
    await next.getByText(SECOND).waitFor();
    expect(await next.textContent()).toContain('5 ECTS');
    // The plan's bar is what the learner would reach, not what she holds: never "100% complete" here.
    expect(await next.textContent()).not.toContain('100% complete');
    await next.getByText('100% once you hold it', { exact: true }).waitFor();
    const requirement = page.getByTestId('requirement-result').first();
    await requirement.getByRole('link', { name: FIRST }).waitFor();
    await requirement.getByText('Still missing').waitFor();
    await page.getByRole('button', { name: `Follow ${PATHWAY}` }).click();
    await page.getByRole('button', { name: `Stop following ${PATHWAY}` }).waitFor();
    await expectAccessible(page, 'wallet pathway');
    await saveScreenshot(page, 'wallet-pathway-progress');
    await onPhone(learnerContext, new URL(page.url()).pathname, PATHWAY, 'wallet pathway', async (small) => {
      await small.getByTestId('next-steps').waitFor();
    }, 'wallet-pathway-progress-phone');
  });

  it('completes the pathway when the second credential is claimed: the job issues the stacked credential into the wallet', async () => {
    await issue(course.second!);
    const link = await issuing.claimLink(LEARNER.email);
    await page.goto(new URL(link).pathname);
    await heading('Claim your credential', page);
    await page.getByTestId('claim-preview').getByRole('heading', { name: SECOND }).waitFor();
    await page.getByRole('button', { name: 'Add to my wallet' }).click();
    await page.waitForURL(/\/wallet\/credentials\/[^/?]+\?claimed=1$/);

    await page.getByRole('navigation', { name: 'Wallet' }).getByRole('link', { name: 'Pathways' }).click();
    await heading('My pathways', page);
    const card = page.getByTestId('pathway-card').filter({ hasText: PATHWAY });
    await card.getByRole('link', { name: PATHWAY }).click();
    await heading(PATHWAY, page);
    const overall = page.getByTestId('pathway-overall');
    await reloadUntil(page, async () => (await overall.getByRole('link', { name: 'Open your stacked credential' }).count()) > 0, 'the stacked credential');
    await overall.getByText('100% complete').waitFor();
    await overall.getByText('Complete', { exact: true }).first().waitFor();
    expect(await page.getByTestId('next-steps').count()).toBe(0);
    // Complete: once she stops following, nothing offers to follow it again.
    await overall.getByRole('button', { name: `Stop following ${PATHWAY}` }).click();
    await overall.getByRole('button', { name: `Stop following ${PATHWAY}` }).waitFor({ state: 'detached' });
    expect(await page.getByRole('button', { name: `Follow ${PATHWAY}` }).count()).toBe(0);
    await expectAccessible(page, 'wallet pathway (complete)');
    await saveScreenshot(page, 'wallet-pathway-complete');

    await overall.getByRole('link', { name: 'Open your stacked credential' }).click();
    await heading(TARGET, page);
    await page.getByRole('navigation', { name: 'Wallet' }).getByRole('link', { name: 'My credentials' }).click();
    await heading('My credentials', page);
    await page.getByTestId('wallet-card').filter({ hasText: TARGET }).waitFor();
    // The totals count the stacked credential's 10 ECTS once, not on top of the two courses' 5 + 5, and say so.
    const totals = page.getByTestId('totals');
    await totals.getByTestId('totals-stacked').getByText('2 credentials are part of a stacked credential', { exact: false }).waitFor();
    expect(await totals.locator('.total-figure').nth(1).textContent()).toBe('10');
    await saveScreenshot(page, 'wallet-totals-stacked');
    await page.getByRole('navigation', { name: 'Wallet' }).getByRole('link', { name: 'Pathways' }).click();
    const done = page.getByTestId('pathway-card').filter({ hasText: PATHWAY });
    await done.getByText('Complete', { exact: true }).waitFor();
    expect(await done.getByRole('button', { name: `Follow ${PATHWAY}` }).count()).toBe(0);
    expect(await page.getByTestId('published-pathway').filter({ hasText: PATHWAY }).count()).toBe(0);
  });

  it('flags the stacked credential when a constituent is revoked: the learner sees why it no longer counts, the issuer keeps it with a reason', async () => {
    await issuing.revoke(firstIssued, 'Exam re-marked');
    await page.goto(learnerPathwayPath);
    await heading(PATHWAY, page);
    const unusable = page.getByTestId('unusable');
    await reloadUntil(page, async () => (await unusable.count()) > 0, 'the revoked credential among those that do not count');
    expect(await unusable.textContent()).toContain(FIRST);
    expect(await unusable.textContent()).toMatch(/revoked/i);
    await page.getByTestId('overall-progress').getByText('50% complete').waitFor();
    await expectAccessible(page, 'wallet pathway (revoked constituent)');

    await issuerPage.goto('/console/pathways/flags');
    await heading('Flagged stacked credentials', issuerPage);
    const flag = issuerPage.getByTestId('flag').filter({ hasText: PATHWAY });
    await reloadUntil(issuerPage, async () => (await flag.count()) > 0, 'the flag');
    expect(await flag.textContent()).toContain(FIRST);
    // The pathway's page lists the award, flagged.
    await issuerPage.goto(pathwayPath);
    await heading(`Pathway: ${PATHWAY}`, issuerPage);
    await issuerPage.getByText('Stacked credentials awarded (1)').click();
    await issuerPage.getByTestId('awards').getByRole('link', { name: 'Yes: review' }).click();
    await heading('Flagged stacked credentials', issuerPage);
    await expectAccessible(issuerPage, 'pathway flags (open)');
    await onPhone(issuerContext, '/console/pathways/flags', 'Flagged stacked credentials', 'pathway flags (open)');
    // The award was issued without a suspension entry (the default): it can be kept or revoked, and only that is offered.
    expect(await flag.getByLabel('Revoke it').count()).toBe(1);
    expect(await flag.getByLabel('Suspend it').count()).toBe(0);
    await flag.getByRole('button', { name: /^Resolve/ }).click();
    await flag.locator('.field-error').waitFor();
    await flag.getByLabel('Keep it').check();
    await flag.getByLabel(/^Reason/).fill('Re-marked paper still passes');
    await flag.getByRole('button', { name: /^Resolve/ }).click();
    await issuerPage.getByText(`${PATHWAY}: kept.`).waitFor();
    await issuerPage.getByText('No open flags.').waitFor();
    const resolved = issuerPage.getByRole('row').filter({ hasText: 'Re-marked paper still passes' });
    expect(await resolved.textContent()).toContain('Kept');
  });
});
