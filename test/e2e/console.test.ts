/**
 * The issuer console driven in a real browser (Debian's Chromium) against the real server: built web
 * app, in-process server on an ephemeral port, SQLite in a temporary folder. Every screen is checked
 * with axe (no serious or critical violations) and photographed under test-artifacts/screenshots/.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { expectAccessible } from './support/axe.ts';
import { browserSkipReason, launchBrowser } from './support/browser.ts';
import { saveScreenshot, screenshotIfFailed } from './support/screenshots.ts';
import { startTestServer, type TestServer } from './support/server.ts';
import { buildWeb } from './support/web-build.ts';

const skipReason = browserSkipReason();

const PHONE = { width: 375, height: 740 };
const ADMIN = { email: 'registrar@uni.example', password: 'correct horse battery staple', name: 'Rita Registrar' };
const CSV_WITH_ONE_BAD_ROW = ['email,name,result', 'grace@example.org,Grace Hopper,A', 'not-an-email,Bad Row,B', 'alan@example.org,Alan Turing,A', ''].join('\n');

describe.skipIf(skipReason !== undefined)('issuer console in Chromium', () => {
  let server: TestServer;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;

  beforeAll(async () => {
    const webRoot = await buildWeb();
    server = await startTestServer({ webRoot });
    browser = await launchBrowser();
    context = await browser.newContext({ baseURL: server.url, viewport: { width: 1280, height: 900 } });
    context.setDefaultTimeout(10_000);
    page = await context.newPage();
  }, 180_000);

  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await server?.close();
  });

  // A failed step leaves a picture of where it stopped.
  afterEach(async (test) => {
    await screenshotIfFailed(test, page, '');
  });

  /** Every screen: accessibility check, then a screenshot. */
  async function check(name: string): Promise<void> {
    await expectAccessible(page, name);
    await saveScreenshot(page, name);
  }

  async function openFromNav(label: string, heading: string): Promise<void> {
    await page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: label, exact: true }).click();
    await page.getByRole('heading', { level: 1, name: heading }).waitFor();
  }

  /** The token of the newest link of that kind mailed to the address (the development outbox is the mailbox). */
  async function linkTokenFor(to: string, kind: 'invitation' | 'reset-password'): Promise<string> {
    const rows = await server.runtime.store.db.selectFrom('outbox').select(['text_body', 'created_at']).where('to_address', '=', to).orderBy('created_at', 'desc').execute();
    const token = rows.map((row) => new RegExp(`/${kind}/([A-Za-z0-9_-]+)`).exec(row.text_body)?.[1]).find(Boolean);
    if (!token) throw new Error(`no ${kind} link mailed to ${to}`);
    return token;
  }

  async function rowCount(testId: string): Promise<number> {
    return await page.getByTestId(testId).locator('tbody > tr').count();
  }

  it('sends a visitor of a fresh server to setup, shows the server’s field errors, and creates the organisation', async () => {
    await page.goto('/console');
    await page.waitForURL('**/setup');
    await page.getByRole('heading', { level: 1, name: 'Set up microcred' }).waitFor();

    await page.getByRole('button', { name: 'Create organisation' }).click();
    await page.getByRole('alert').waitFor();
    // The problem+json pointer /organisationName lands beside that field, linked for screen readers.
    const fieldError = page.locator('#organisationName-error');
    await fieldError.waitFor();
    expect(await page.getByLabel('Organisation name').getAttribute('aria-invalid')).toBe('true');
    await check('setup');

    await page.getByLabel('Organisation name').fill('Université Exemple');
    await page.getByLabel('Your name').fill(ADMIN.name);
    await page.getByLabel('Your e-mail address').fill(ADMIN.email);
    await page.getByLabel('Password').fill(ADMIN.password);
    await page.getByRole('button', { name: 'Create organisation' }).click();
    await page.waitForURL('**/console/organisation');
    await page.getByRole('heading', { level: 1, name: 'Organisation' }).waitFor();
    await page.getByRole('cell', { name: ADMIN.email }).waitFor();
    expect(await page.getByLabel('Organisation name').inputValue()).toBe('Université Exemple');

    // Colleagues are invited by e-mail and choose their own password; nobody types it for them.
    expect(await page.getByLabel('Initial password').count()).toBe(0);
    const invite = page.getByRole('form', { name: 'Invite a colleague' });
    await invite.getByLabel('E-mail address').fill('ian@uni.example');
    await invite.getByLabel('Name').fill('Ian Issuer');
    await invite.getByLabel('Role').selectOption('issuer');
    await invite.getByRole('button', { name: 'Send invitation' }).click();
    await page.getByText('Invitation sent to ian@uni.example.').waitFor();
    await page.getByTestId('invitations').getByText('ian@uni.example', { exact: true }).waitFor();
    await check('organisation');

    const invitee = await browser.newContext({ baseURL: server.url, viewport: { width: 1280, height: 900 } });
    const previous = page;
    page = await invitee.newPage();
    try {
      await page.goto(`/invitation/${await linkTokenFor('ian@uni.example', 'invitation')}`);
      await page.getByRole('heading', { level: 1, name: 'Join Université Exemple' }).waitFor();
      await page.getByText('as issuer').waitFor();
      expect(await page.getByLabel('Your name').inputValue()).toBe('Ian Issuer');
      await page.getByLabel('Choose a password').fill('short');
      await page.getByRole('button', { name: 'Accept and join' }).click();
      await page.locator('#password-error').waitFor();
      await check('invitation');
      await page.getByLabel('Choose a password').fill('another long passphrase here');
      await page.getByRole('button', { name: 'Accept and join' }).click();
      await page.waitForURL('**/console/credentials');
      await page.getByRole('heading', { level: 1, name: 'Credentials' }).waitFor();
    } finally {
      page = previous;
      await invitee.close();
    }
    await page.reload();
    await page.getByRole('cell', { name: 'ian@uni.example', exact: true }).waitFor();
    expect(await page.getByLabel('Role of ian@uni.example').inputValue()).toBe('issuer');
    expect(await page.getByTestId('invitations').count()).toBe(0);
  });

  it('resets a forgotten password by e-mail and changes it on the account screen, the current one required', async () => {
    const visitor = await browser.newContext({ baseURL: server.url, viewport: { width: 1280, height: 900 } });
    const previous = page;
    page = await visitor.newPage();
    try {
      await page.goto('/login');
      await page.getByRole('link', { name: 'Forgot your password?' }).click();
      await page.getByRole('heading', { level: 1, name: 'Reset your password' }).waitFor();
      await page.getByLabel('E-mail address').fill('ian@uni.example');
      await page.getByRole('button', { name: 'Send the link' }).click();
      await page.getByText('If ian@uni.example has a microcred account').waitFor();
      await check('forgot-password');

      await page.goto(`/reset-password/${await linkTokenFor('ian@uni.example', 'reset-password')}`);
      await page.getByRole('heading', { level: 1, name: 'Choose a new password' }).waitFor();
      await check('reset-password');
      await page.getByLabel('New password', { exact: true }).fill('a forgotten one replaced');
      await page.getByRole('button', { name: 'Save the new password' }).click();
      await page.waitForURL('**/console/credentials?password=reset');

      await page.getByRole('link', { name: 'Your account' }).click();
      await page.getByRole('heading', { level: 1, name: 'Your account' }).waitFor();
      await page.getByLabel('Current password', { exact: true }).fill('not my password at all');
      await page.getByLabel('New password', { exact: true }).fill('another long passphrase here');
      await page.getByRole('button', { name: 'Change password' }).click();
      await page.locator('#current-password-error').getByText('is not your current password').waitFor();
      await page.getByLabel('Current password', { exact: true }).fill('a forgotten one replaced');
      await page.getByRole('button', { name: 'Change password' }).click();
      await page.getByText('Your password is changed.').waitFor();
      await check('console-account');
    } finally {
      page = previous;
      await visitor.close();
    }
    await check('organisation');
  });

  it('shows a first-run checklist that ticks what is done and links to what is next', async () => {
    await openFromNav('Credentials', 'Credentials');
    const checklist = page.getByRole('region', { name: /^Get started/ });
    // The colleague who accepted is the one step done so far.
    await checklist.getByRole('heading', { name: 'Get started: 1 of 4 done' }).waitFor();
    expect(await checklist.getByRole('link').allTextContents()).toEqual([
      'Complete your issuer profile and add its logo', 'Define your first micro-credential', 'Issue one to a learner',
    ]);
    expect(await checklist.getByText('Invite your colleagues').count()).toBe(1);
    await check('first-run-checklist');
    await checklist.getByRole('link', { name: 'Define your first micro-credential' }).click();
    await page.getByRole('heading', { level: 1, name: 'New micro-credential' }).waitFor();
  });

  it('edits the issuer profile and rotates its key, keeping the old key listed as retired', async () => {
    await openFromNav('Issuers and keys', 'Issuers and keys');
    await page.getByRole('button', { name: /^Edit profile/ }).click();
    const edit = page.getByRole('form', { name: /^Edit / });
    await edit.getByLabel('Country').fill('FR');
    await edit.getByLabel('Web site').fill('https://uni.example');
    await page.getByRole('button', { name: 'Save profile' }).click();
    await page.locator('.facts dd', { hasText: 'FR' }).first().waitFor();

    await page.getByRole('button', { name: /^Rotate key/ }).click();
    await page.getByText('A new key is active.').waitFor();
    await page.getByRole('cell', { name: 'Retired' }).waitFor();
    expect(await page.getByRole('cell', { name: 'Active' }).count()).toBe(1);
    await check('issuers');
  });

  it('defines a micro-credential with the EU elements, an ESCO skill and a live preview', async () => {
    await openFromNav('Micro-credentials', 'Micro-credentials');
    await check('achievements-empty');
    await page.getByRole('link', { name: 'New micro-credential' }).click();
    await page.getByRole('heading', { level: 1, name: 'New micro-credential' }).waitFor();

    await page.getByLabel('Title').fill('Data Analysis with Python');
    await page.getByLabel('Description').fill('Cleaning, exploring and visualising data sets with pandas.');
    await page.getByLabel('Criteria').fill('Pass the final project with at least 60%.');
    await page.getByLabel('Outcome 1').fill('Clean and reshape tabular data with pandas.');
    await page.getByRole('button', { name: 'Add an outcome' }).click();
    await page.getByLabel('Outcome 2').fill('Choose and draw a chart that answers a question about the data.');
    await page.getByRole('button', { name: 'Add an ESCO skill' }).click();
    await page.getByLabel('Skill 1 address (URI)').fill('http://data.europa.eu/esco/skill/ccd0a1d9-afda-43d9-b901-96344886e14d');
    await page.getByLabel('Skill 1 name').fill('Python (computer programming)');

    // ECTS is stated to the hundredth: a third decimal is refused beside the field at once.
    await page.getByLabel('Notional workload (ECTS credits)').fill('2.505');
    await page.locator('#ects-error').getByText('more than two decimals').waitFor();
    await page.getByLabel('Notional workload (ECTS credits)').fill('2.5');
    await page.locator('#ects-error').waitFor({ state: 'detached' });

    await page.getByLabel('EQF level').selectOption('5');
    await page.getByLabel('Project').check();
    await page.getByLabel('Online examination').check();
    await page.getByLabel('Internal quality assurance of the provider').check();

    // The form of participation is mandatory: the server's problem (pointer /eu/participationForm)
    // is shown beside that group, and nothing is saved.
    await page.getByRole('button', { name: 'Create micro-credential' }).click();
    await page.locator('#participationForm-error').waitFor();
    expect(await page.locator('#participationForm').getAttribute('aria-describedby')).toContain('participationForm-error');
    expect(page.url()).toMatch(/\/console\/achievements\/new$/);
    await page.getByLabel('Blended (hybrid)').check();

    const preview = page.getByTestId('preview-card');
    await preview.getByText('Data Analysis with Python').waitFor();
    await preview.getByText('2.5', { exact: true }).waitFor();
    await preview.getByText('Clean and reshape tabular data with pandas.').waitFor();
    await preview.getByText('Blended (hybrid)').waitFor();
    // Suspension is an opt-in (one status entry by default, as the OB 3.0 schema wants): enabled here,
    // so the credentials of this achievement can be suspended below.
    await page.getByLabel('Credentials can be suspended').check();
    await check('achievement-editor');

    await page.getByRole('button', { name: 'Create micro-credential' }).click();
    await page.waitForURL(/\/console\/achievements\/[0-9a-f-]{36}\?saved=1$/);
    await page.getByText('Saved as version 1.').waitFor();

    // Editing saves a new version; the image upload sanitises SVG and says what it removed.
    await page.getByLabel('Notional workload (ECTS credits)').fill('3');
    await page.getByRole('button', { name: 'Save new version' }).click();
    await page.getByText('Saved as version 2.').waitFor();
    await page.getByText('Versions (2)').waitFor();
    const svg = '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10" onload="alert(1)"><script>alert(2)</script><rect width="10" height="10" fill="#0b57a4"/></svg>';
    await page.getByLabel('Image', { exact: true }).setInputFiles({ name: 'badge.svg', mimeType: 'image/svg+xml', buffer: Buffer.from(svg) });
    // The upload saved version 3: the page says so, and no banner still names version 2.
    await page.getByText(/Image uploaded and saved as version 3; credentials issued from now on show it\. Removed from the SVG for safety: .*script/).waitFor();
    await page.getByRole('img', { name: 'Current image of the micro-credential' }).waitFor();
    await page.getByText('Versions (3)').waitFor();
    await page.getByText('Saved as version 3.').waitFor();
    expect(await page.getByText('Saved as version 2.').count()).toBe(0);
    await check('achievement-edit');
    await openFromNav('Micro-credentials', 'Micro-credentials');
    await page.getByRole('link', { name: 'Data Analysis with Python' }).waitFor();
    await check('achievements');
  });

  it('issues one credential to an e-mail address', async () => {
    await openFromNav('Issue one', 'Issue a credential');
    await page.getByLabel('Recipient e-mail or DID').fill('ada@example.org');
    await page.getByLabel('Recipient name').fill('Ada Lovelace');
    await page.getByLabel('Result or grade').fill('A');
    await page.getByRole('button', { name: 'Issue credential' }).click();
    await page.getByText('Issued “Data Analysis with Python” to ada@example.org.').waitFor();
    await check('issue');
  });

  it('bulk-issues a CSV, follows the progress bar, and names the bad row by its line', async () => {
    await openFromNav('Bulk issue', 'Bulk issue from CSV');
    await page.getByLabel('CSV file').setInputFiles({ name: 'cohort.csv', mimeType: 'text/csv', buffer: Buffer.from(CSV_WITH_ONE_BAD_ROW) });
    // A review first: the rows, the recipients and the e-mail they will get; nothing is sent yet.
    await page.getByRole('button', { name: 'Review before issuing' }).click();
    const review = page.getByTestId('bulk-review');
    await review.getByRole('heading', { name: 'Check before sending' }).waitFor();
    await review.getByTestId('mail-preview').getByText(/Subject: Your credential from /).waitFor();
    await check('bulk-review');
    expect(await page.getByTestId('bulk-job').count()).toBe(0);
    await review.getByRole('button', { name: /^Issue \d+ credentials?$/ }).click();
    await page.getByRole('progressbar').waitFor();
    const summary = page.getByTestId('bulk-summary');
    await summary.waitFor({ timeout: 30_000 });
    expect(await summary.textContent()).toContain('2 issued, 1 row with problems');
    const report = page.getByTestId('bulk-report');
    expect(await report.locator('tbody > tr').count()).toBe(1);
    expect(await report.locator('tbody > tr > td').first().textContent()).toBe('3');
    await check('bulk');

    // The same file again issues nothing twice.
    await page.getByRole('button', { name: 'Review before issuing' }).click();
    await page.getByTestId('bulk-review').getByRole('button', { name: /^Issue \d+ credentials?$/ }).click();
    await page.getByTestId('bulk-summary').getByText('0 issued, 1 row with problems, 2 already issued earlier.').waitFor({ timeout: 30_000 });
  });

  it('says one true thing of a CSV without a recipient column, and tells a PNG that it is not a CSV file, beside the field and before sending', async () => {
    await page.getByLabel('CSV file').setInputFiles({ name: 'no-email.csv', mimeType: 'text/csv', buffer: Buffer.from('name,result\nGrace Hopper,A\n') });
    await page.getByRole('button', { name: 'Review before issuing' }).click();
    const field = page.locator('.field').filter({ has: page.getByLabel('CSV file') });
    await field.locator('.field-error').getByText(/none says who each row is for: add an “email”/).waitFor();
    // Said once, and nothing was sent: no job, no review, no bar.
    expect(await page.getByText(/none says who each row is for/).count()).toBe(1);
    expect(await page.getByTestId('bulk-job').count()).toBe(0);
    expect(await page.getByTestId('bulk-review').count()).toBe(0);
    expect(await page.getByRole('progressbar').count()).toBe(0);
    await check('bulk-missing-column');

    const png = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8cfc0f01f0005000201a0a3f9bb0000000049454e44ae426082', 'hex');
    await page.getByLabel('CSV file').setInputFiles({ name: 'badge.png', mimeType: 'image/png', buffer: png });
    await page.getByRole('button', { name: 'Review before issuing' }).click();
    await field.locator('.field-error').getByText('“badge.png” is not a CSV file', { exact: false }).waitFor();
    expect(await page.getByTestId('bulk-job').count()).toBe(0);
    await check('bulk-not-csv');
  });

  it('lists, searches and filters credentials, and revokes one', async () => {
    await openFromNav('Credentials', 'Credentials');
    await page.getByTestId('credentials-table').waitFor();
    expect(await rowCount('credentials-table')).toBe(3);

    await page.getByLabel('Search').fill('grace');
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await page.getByTestId('credentials-table').locator('tbody > tr').filter({ hasText: 'Alan Turing' }).waitFor({ state: 'detached' });
    expect(await rowCount('credentials-table')).toBe(1);

    await page.getByRole('button', { name: 'Revoke credential of Grace Hopper' }).click();
    await page.getByLabel(/Reason for revoking/).fill('Academic misconduct');
    await page.getByRole('button', { name: 'Confirm revocation' }).click();
    // Revoking is final: an accessible dialog asks first.
    const dialog = page.getByRole('dialog', { name: /^Revoke the credential of / });
    await dialog.waitFor();
    await expectAccessible(page, 'revoke confirmation');
    await dialog.getByRole('button', { name: 'Revoke for good' }).click();
    await page.getByTestId('credentials-table').getByText('Revoked', { exact: true }).waitFor();

    await page.getByLabel('Search').fill('');
    await page.getByLabel('Status').selectOption('revoked');
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await page.getByTestId('credentials-table').locator('tbody > tr').filter({ hasText: 'Ada Lovelace' }).waitFor({ state: 'detached' });
    expect(await rowCount('credentials-table')).toBe(1);
    await check('credentials');

    // Suspend and reinstate another one: both directions of a reversible status.
    await page.getByLabel('Status').selectOption('');
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await page.getByRole('button', { name: 'Suspend credential of Alan Turing' }).click();
    await page.getByLabel(/Reason for suspending/).fill('Under review');
    await page.getByRole('button', { name: 'Confirm suspension' }).click();
    await page.getByRole('button', { name: 'Reinstate credential of Alan Turing' }).click();
    await page.getByRole('button', { name: 'Suspend credential of Alan Turing' }).waitFor();
  });

  it('opens a credential: recipient, delivery, every status change with who and when; sends the claim e-mail again', async () => {
    await page.getByTestId('credentials-table').getByRole('link', { name: /^Alan Turing/ }).click();
    await page.getByRole('heading', { level: 1, name: 'Data Analysis with Python' }).waitFor();
    const facts = page.getByTestId('credential-facts');
    await facts.getByText('Waiting to be claimed: a claim link was e-mailed to alan@example.org').waitFor();
    const history = page.getByTestId('credential-history').locator('li');
    await history.nth(2).waitFor();
    const lines = await history.allTextContents();
    expect(lines.map((line) => line.split(' — ')[0])).toEqual(['Issued', 'Suspended', 'Reinstated']);
    expect(lines[1]).toContain(`by ${ADMIN.name} (${ADMIN.email})`);
    expect(lines[1]).toContain('Reason: Under review');
    expect(await page.getByRole('link', { name: 'The credential as issued' }).getAttribute('href')).toMatch(/\/credentials\/[0-9a-f-]{36}$/);
    await page.getByRole('button', { name: 'Send the claim e-mail again' }).click();
    await page.getByText('The claim e-mail was sent again to alan@example.org.').waitFor();
    await page.getByTestId('credential-history').getByText('Claim e-mail sent again').waitFor();
    await check('credential-detail');
  });

  it('shows the claim e-mails in the development outbox', async () => {
    await openFromNav('Outbox', 'Outbox');
    await page.getByText('to ada@example.org', { exact: false }).waitFor();
    await check('outbox');
  });

  it('shows the audit log', async () => {
    await openFromNav('Audit log', 'Audit log');
    await page.getByTestId('audit-table').locator('tbody > tr').first().waitFor();
    expect(await rowCount('audit-table')).toBeGreaterThan(3);
    await check('audit');
  });

  it('creates an API key and shows it once', async () => {
    await openFromNav('API keys', 'API keys');
    await page.getByLabel('Name').fill('Moodle');
    await page.getByRole('button', { name: 'Create key' }).click();
    const shown = page.getByTestId('new-api-key');
    const key = (await shown.locator('code').textContent()) ?? '';
    expect(key.length).toBeGreaterThan(20);
    await page.getByRole('cell', { name: 'Moodle', exact: true }).waitFor();
    await check('api-keys');

    await page.reload();
    await page.getByRole('cell', { name: 'Moodle', exact: true }).waitFor();
    expect(await page.getByTestId('new-api-key').count()).toBe(0);
    expect(await page.content()).not.toContain(key);
  });

  it('fits a phone-sized screen without sideways scrolling', async () => {
    const phone = await browser.newContext({ baseURL: server.url, viewport: PHONE, isMobile: true, hasTouch: true, storageState: await context.storageState() });
    const previous = page;
    page = await phone.newPage();
    try {
      for (const [path, heading, name] of [
        ['/console/credentials', 'Credentials', 'credentials-phone'],
        ['/console/achievements/new', 'New micro-credential', 'achievement-editor-phone'],
      ] as const) {
        await page.goto(path);
        await page.getByRole('heading', { level: 1, name: heading }).waitFor();
        // The page must not scroll sideways; when it does, name the elements that stick out.
        // Compared with the device width itself: a mobile browser widens its layout viewport to fit
        // content that sticks out (and zooms out), so clientWidth alone would hide the problem.
        const overflow = await page.evaluate((width) => {
          type El = { tagName: string; className: unknown; getBoundingClientRect(): { right: number }; closest(selector: string): unknown };
          const doc = (globalThis as unknown as { document: { documentElement: { clientWidth: number; scrollWidth: number }; querySelectorAll(s: string): ArrayLike<El> } }).document;
          const sticking = Array.from(doc.querySelectorAll('body *'))
            // Wide tables scroll inside their own box; what sticks out elsewhere widens the page.
            .filter((el) => el.getBoundingClientRect().right > width + 1 && !el.closest('.table-wrap'))
            .slice(0, 10)
            .map((el) => `${el.tagName.toLowerCase()}.${String(el.className)} right=${Math.round(el.getBoundingClientRect().right)}`);
          return { sideways: Math.max(0, doc.documentElement.scrollWidth - width), sticking };
        }, PHONE.width);
        expect(overflow).toEqual({ sideways: 0, sticking: [] });
        const nav = page.getByRole('navigation', { name: 'Console' });
        expect(await nav.isVisible()).toBe(true);
        // The grouped menu folds behind one button, so the screen's own heading is on the first screen.
        expect(await nav.getByRole('link', { name: 'Audit log' }).isVisible()).toBe(false);
        expect(await page.getByRole('heading', { level: 1, name: heading }).evaluate((el) => el.getBoundingClientRect().bottom)).toBeLessThan(PHONE.height);
        await check(name);
      }
    } finally {
      page = previous;
      await phone.close();
    }
  });

  it('groups the menu: on a 390 px phone it opens from one button, by group, and folds again after a choice', async () => {
    const phone = await browser.newContext({ baseURL: server.url, viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, storageState: await context.storageState() });
    const previous = page;
    page = await phone.newPage();
    try {
      await page.goto('/console/credentials');
      await page.getByRole('heading', { level: 1, name: 'Credentials' }).waitFor();
      const nav = page.getByRole('navigation', { name: 'Console' });
      const toggle = nav.getByRole('button', { name: /^Menu/ });
      expect(await toggle.getAttribute('aria-expanded')).toBe('false');
      expect(await toggle.textContent()).toBe('Menu: Credentials');
      // Everything before the screen's heading fits in the top half of the first screen.
      expect(await page.getByRole('heading', { level: 1, name: 'Credentials' }).evaluate((el) => el.getBoundingClientRect().top)).toBeLessThan(844 / 2);
      await toggle.click();
      expect(await toggle.getAttribute('aria-expanded')).toBe('true');
      expect(await nav.getByRole('heading', { level: 2 }).allTextContents()).toEqual(['Issue', 'Catalogue', 'Recognition', 'Settings']);
      expect(await nav.getByRole('list', { name: 'Settings' }).getByRole('link').allTextContents()).toEqual(['Issuers and keys', 'Organisation', 'API keys', 'Webhooks and xAPI', 'Outbox', 'Audit log']);
      await saveScreenshot(page, 'console-menu-phone-open');
      await expectAccessible(page, 'console menu (phone, open)');
      await nav.getByRole('link', { name: 'Audit log' }).click();
      await page.getByRole('heading', { level: 1, name: 'Audit log' }).waitFor();
      expect(await toggle.getAttribute('aria-expanded')).toBe('false');
      expect(await toggle.textContent()).toBe('Menu: Audit log');
    } finally {
      page = previous;
      await phone.close();
    }
  });

  it('signs out, refuses a wrong password in words, and signs back in', async () => {
    await page.getByRole('button', { name: 'Sign out', exact: true }).click();
    await page.waitForURL('**/login');
    await page.getByLabel('E-mail address').fill(ADMIN.email);
    await page.getByLabel('Password').fill('wrong password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').getByText('Could not sign in').waitFor();
    await check('login');

    await page.getByLabel('Password').fill(ADMIN.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL('**/console/credentials');
    await page.goto('/console/audit');
    await page.getByRole('heading', { level: 1, name: 'Audit log' }).waitFor();
  });

  it('shows a member with the issuer role only the screens that role may use', async () => {
    await page.getByRole('button', { name: 'Sign out', exact: true }).click();
    await page.waitForURL('**/login');
    await page.getByLabel('E-mail address').fill('ian@uni.example');
    await page.getByLabel('Password').fill('another long passphrase here');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL('**/console/credentials');
    const nav = page.getByRole('navigation', { name: 'Console' });
    await nav.getByRole('link', { name: 'Issue one' }).waitFor();
    const links = await nav.getByRole('link').allTextContents();
    expect(links).toEqual(['Credentials', 'Issue one', 'Bulk issue', 'Micro-credentials', 'Pathways', 'Issuers and keys']);
    // The server refuses what the navigation hides; the screen says so instead of showing data.
    await page.goto('/console/audit');
    await page.getByRole('alert').waitFor();
    expect(await page.getByTestId('audit-table').locator('tbody > tr').count()).toBe(0);

    // Signing out everywhere ends every session: another open tab finds out at its next request and
    // is sent to sign in, back to where it was going.
    const other = await context.newPage();
    await other.goto('/console/credentials');
    await other.getByRole('heading', { level: 1, name: 'Credentials' }).waitFor();
    await page.getByRole('link', { name: 'Your account' }).click();
    await page.getByRole('button', { name: 'Sign out everywhere' }).click();
    await page.waitForURL('**/login');
    await other.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: 'Micro-credentials' }).click();
    await other.waitForURL('**/login?next=%2Fconsole%2Fachievements');
    await other.close();
  });
});
