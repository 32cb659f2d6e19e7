/**
 * The learner's side in a real browser (Debian's Chromium) against the real server: an organisation
 * issues a credential, the learner claims it from the outbox link (signing up on the way), finds it in
 * the wallet, shares it; a stranger opens the public page in a fresh browser context and reads
 * "verified"; the issuer revokes and the page says so. Every learner screen is checked with axe on a
 * desktop and a phone-sized viewport; wallet and public page are photographed.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { expectAccessible } from './support/axe.ts';
import { browserSkipReason, launchBrowser } from './support/browser.ts';
import { buildWebApart, dropFile, expectNoSidewaysScroll, PHONE, setUpIssuing, type Issuing } from './support/learner.ts';
import { saveScreenshot, screenshotIfFailed } from './support/screenshots.ts';
import { startTestServer, type TestServer } from './support/server.ts';

const skipReason = browserSkipReason();

const LEARNER = { email: 'lea.martin@example.org', name: 'Léa Martin', password: 'a long learner passphrase' };
const ACHIEVEMENT = 'Data Literacy Essentials';
const SECOND_ADDRESS = 'lea@work.example';

describe.skipIf(skipReason !== undefined)('learner wallet in Chromium', () => {
  let server: TestServer;
  let web: Awaited<ReturnType<typeof buildWebApart>>;
  let browser: Browser;
  let issuerContext: BrowserContext;
  let learnerContext: BrowserContext;
  let page: Page;
  let issuing: Issuing;
  let issuedId: string;
  let walletItemPath: string;
  let shareUrl: string;
  let learnerDid: string;

  beforeAll(async () => {
    web = await buildWebApart();
    server = await startTestServer({ webRoot: web.webRoot });
    browser = await launchBrowser();
    issuerContext = await browser.newContext({ baseURL: server.url });
    issuing = await setUpIssuing(issuerContext.request);
    issuedId = (await issuing.issue({ email: LEARNER.email, name: LEARNER.name })).id;
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
    await screenshotIfFailed(test, page, 'wallet');
  });

  async function heading(name: string | RegExp, on: Page = page): Promise<void> {
    await on.getByRole('heading', { level: 1, name }).waitFor();
  }

  /** On a phone-sized viewport with the same cookies: no sideways scrolling, no serious axe violations. */
  async function onPhone(path: string, title: string | RegExp, name: string, storage = true, extra?: (small: Page) => Promise<void>): Promise<void> {
    const phone = await browser.newContext({
      baseURL: server.url, viewport: PHONE, isMobile: true, hasTouch: true,
      ...(storage ? { storageState: await learnerContext.storageState() } : {}),
    });
    try {
      const small = await phone.newPage();
      await small.goto(path);
      await heading(title, small);
      await expectNoSidewaysScroll(small);
      await extra?.(small);
      await expectAccessible(small, name);
      await saveScreenshot(small, name);
    } finally {
      await phone.close();
    }
  }

  it('claims the credential from the outbox link, creating an account on the way', async () => {
    const link = await issuing.claimLink(LEARNER.email);
    expect(new URL(link).pathname).toMatch(/^\/claim\/[A-Za-z0-9_-]{20,}$/);
    await page.goto(new URL(link).pathname);
    await heading('Claim your credential');
    const preview = page.getByTestId('claim-preview');
    await preview.getByRole('heading', { name: ACHIEVEMENT }).waitFor();
    await preview.getByText('Université Exemple').waitFor();
    // The preview never shows the address the link was sent to.
    expect(await page.content()).not.toContain(LEARNER.email);
    await expectAccessible(page, 'claim');
    await saveScreenshot(page, 'claim');

    const form = page.getByRole('form', { name: 'Create an account' });
    await form.getByLabel('Your name').fill(LEARNER.name);
    await form.getByLabel('E-mail address').fill(LEARNER.email);
    await form.getByLabel('Choose a password').fill(LEARNER.password);
    await form.getByRole('button', { name: 'Create account' }).click();

    await page.waitForURL(/\/wallet\/credentials\/[^/?]+\?claimed=1$/);
    walletItemPath = new URL(page.url()).pathname;
    await heading(ACHIEVEMENT);
    await page.getByText('The credential is in your wallet.').waitFor();
    await page.getByTestId('verdict').getByText('every check passed').waitFor();
    // Every check in words, none failed.
    const checks = page.getByTestId('checks').locator('li');
    expect(await checks.count()).toBeGreaterThanOrEqual(3);
    expect(await page.getByTestId('checks').locator('.check-failed').count()).toBe(0);
    await page.getByText('Clean a tabular data set').waitFor();
    await page.getByRole('link', { name: 'Python (computer programming)' }).waitFor();
    await expectAccessible(page, 'wallet-credential');
    await saveScreenshot(page, 'wallet-credential');
  });

  it('refuses the same claim link to another learner, in words, after it was claimed', async () => {
    const link = await issuing.claimLink(LEARNER.email);
    const other = await browser.newContext({ baseURL: server.url });
    try {
      const otherPage = await other.newPage();
      await otherPage.goto(new URL(link).pathname);
      await otherPage.getByTestId('claim-preview').getByText('This credential has already been claimed.', { exact: false }).waitFor();
      const form = otherPage.getByRole('form', { name: 'Create an account' });
      await form.getByLabel('E-mail address').fill('mallory@example.org');
      await form.getByLabel('Choose a password').fill('another long passphrase');
      await form.getByRole('button', { name: 'Create account' }).click();
      const alert = otherPage.getByRole('alert').filter({ hasText: 'The credential was not added' });
      await alert.waitFor();
      expect(otherPage.url()).toContain('/claim/');
      await expectAccessible(otherPage, 'claim-refused');
    } finally {
      await other.close();
    }
  });

  it('tells its owner, signed in, that a reopened claim link is in her wallet, with a link to it', async () => {
    const link = await issuing.claimLink(LEARNER.email);
    await page.goto(new URL(link).pathname);
    const preview = page.getByTestId('claim-preview');
    await preview.getByText('This credential is in your wallet.').waitFor();
    // Neither "already claimed… sign in" nor an "Add to my wallet" that would add nothing.
    expect(await page.getByText('already been claimed', { exact: false }).count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Add to my wallet' }).count()).toBe(0);
    await expectAccessible(page, 'claim-own');
    await saveScreenshot(page, 'claim-own');
    await preview.getByRole('link', { name: 'Open it in your wallet' }).click();
    await page.waitForURL((url) => url.pathname === walletItemPath);
    await heading(ACHIEVEMENT);
  });

  it('lists it in the wallet with its totals, and finds it by search and filters', async () => {
    await page.getByRole('navigation', { name: 'Wallet' }).getByRole('link', { name: 'My credentials' }).click();
    await heading('My credentials');
    const card = page.getByTestId('wallet-card').filter({ hasText: ACHIEVEMENT });
    await card.waitFor();
    expect(await card.textContent()).toContain('Verified');
    expect(await card.textContent()).toContain('Université Exemple');
    const totals = page.getByTestId('totals');
    await totals.getByText('ECTS credits earned').waitFor();
    expect(await totals.textContent()).toMatch(/5\s*ECTS credits earned/);

    await page.getByLabel('Search').fill('no such thing');
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await card.waitFor({ state: 'detached' });
    await page.getByText('0 credentials match').waitFor();

    await page.getByRole('button', { name: 'Clear filters' }).click();
    await card.waitFor();
    await page.getByLabel('Skill').selectOption({ label: 'Python (computer programming) (1)' });
    await page.getByLabel('EQF level').selectOption('5');
    await page.getByLabel('Status').selectOption('verified');
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await page.getByText('1 credential match').waitFor();
    await card.waitFor();
    await page.getByLabel('Status').selectOption('revoked');
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await card.waitFor({ state: 'detached' });
    await page.getByRole('button', { name: 'Clear filters' }).click();
    await card.waitFor();
    await expectAccessible(page, 'wallet');
    await saveScreenshot(page, 'wallet');
  });

  it('keeps the wallet private: a stranger gets no wallet data, and the wallet pages send them to sign in', async () => {
    const stranger = await browser.newContext({ baseURL: server.url });
    try {
      const api = await stranger.request.get(`/api/v1/wallet/credentials/${walletItemPath.split('/').pop()}`);
      expect(api.status()).toBe(401);
      const strangerPage = await stranger.newPage();
      await strangerPage.goto(walletItemPath);
      await strangerPage.waitForURL(/\/login\?next=/);
    } finally {
      await stranger.close();
    }
  });

  it('shares it; the public page opened in a fresh browser context says verified', async () => {
    await page.goto(walletItemPath);
    await heading(ACHIEVEMENT);
    const panel = page.getByTestId('share-panel');
    await panel.getByText('Not shared.').waitFor();
    await panel.getByRole('button', { name: 'Create share link' }).click();
    await panel.getByText('Share link created.').waitFor();
    shareUrl = (await panel.getByTestId('share-url').getAttribute('href')) ?? '';
    expect(shareUrl).toMatch(/\/s\/[A-Za-z0-9_-]{20,}$/);
    await panel.getByRole('img', { name: `QR code of the link to ${ACHIEVEMENT}` }).waitFor();
    const linkedIn = await panel.getByRole('link', { name: 'Add to LinkedIn profile' }).getAttribute('href');
    expect(linkedIn).toMatch(/^https:\/\/www\.linkedin\.com\/profile\/add\?/);
    expect(new URL(linkedIn ?? '').searchParams.get('certUrl')).toBe(shareUrl);
    await expectAccessible(page, 'wallet-credential-shared');

    const visitor = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    try {
      const publicPage = await visitor.newPage();
      const response = await publicPage.goto(shareUrl);
      expect(response?.status()).toBe(200);
      await publicPage.getByRole('heading', { level: 1 }).filter({ hasText: ACHIEVEMENT }).waitFor();
      const verdict = publicPage.locator('.verdict');
      expect((await verdict.textContent())?.trim()).toMatch(/^Verified\./);
      expect(await publicPage.locator('meta[property="og:title"]').getAttribute('content')).toContain(ACHIEVEMENT);
      expect(await publicPage.locator('link[rel="alternate"][type="application/ld+json"]').count()).toBe(1);
      await expectAccessible(publicPage, 'public-page');
      await saveScreenshot(publicPage, 'public-page');
    } finally {
      await visitor.close();
    }
    await onPhone(new URL(shareUrl).pathname, new RegExp(ACHIEVEMENT), 'public-page-phone', false);
  });

  it('fits the wallet screens on a phone without sideways scrolling or serious accessibility problems', async () => {
    await onPhone('/wallet', 'My credentials', 'wallet-phone', true, async (small) => {
      // On a phone the filters fold away below the search, so the cards come first; they open on demand.
      expect(await small.getByLabel('Skill').isVisible()).toBe(false);
      await small.getByText('Filters and order').click();
      await small.getByLabel('Skill').waitFor();
      await expectNoSidewaysScroll(small);
    });
    await onPhone(walletItemPath, ACHIEVEMENT, 'wallet-credential-phone');
    await onPhone('/wallet/import', 'Add a credential', 'wallet-import-phone');
    await onPhone('/wallet/collections', 'Collections', 'wallet-collections-phone');
    await onPhone('/wallet/account', 'Account', 'wallet-account-phone');
  });

  it('offers every download of the credential, and signs a presentation for a verifier', async () => {
    await page.goto(walletItemPath);
    await heading(ACHIEVEMENT);
    const downloads = page.getByRole('region', { name: 'Downloads' });
    const expected: Record<string, RegExp> = {
      'PDF certificate': /^application\/pdf/,
      JSON: /json/,
      'Baked PNG badge': /^image\/png/,
      'Baked SVG badge': /^image\/svg\+xml/,
    };
    for (const [label, type] of Object.entries(expected)) {
      const href = await downloads.getByRole('link', { name: label }).getAttribute('href');
      const response = await learnerContext.request.get(href ?? '');
      expect(response.status(), label).toBe(200);
      expect(response.headers()['content-type'], label).toMatch(type);
    }
    // The QR code and certificate of a share link are reachable too.
    const panel = page.getByTestId('share-panel');
    for (const label of ['QR code (SVG)', 'QR code (PNG)', 'Certificate with this link (PDF)']) {
      const href = await panel.getByRole('link', { name: label }).getAttribute('href');
      expect((await learnerContext.request.get(href ?? '')).status(), label).toBe(200);
    }

    await page.getByText('Sign a presentation for a verifier’s challenge').click();
    await page.getByLabel('Challenge').fill('nonce-4711');
    await page.getByLabel('Domain (optional)').fill('jobs.example');
    await page.getByRole('button', { name: 'Sign presentation' }).click();
    const vp = JSON.parse((await page.getByLabel('Signed presentation').textContent()) ?? '{}') as { type?: unknown; proof?: { challenge?: string; domain?: string; verificationMethod?: string } };
    expect(vp.type).toContain('VerifiablePresentation');
    expect(vp.proof).toMatchObject({ challenge: 'nonce-4711', domain: 'jobs.example' });
    learnerDid = String(vp.proof?.verificationMethod ?? '').split('#')[0] ?? '';
    expect(learnerDid).toMatch(/^did:key:z6Mk/);
  });

  it('puts it in a collection and shows the account screen', async () => {
    await page.getByRole('navigation', { name: 'Wallet' }).getByRole('link', { name: 'Collections' }).click();
    await heading('Collections');
    await page.getByText('No collections yet.').waitFor();
    const create = page.getByRole('form', { name: 'New collection' });
    await create.getByLabel('Name').fill('Data skills');
    await create.getByRole('button', { name: 'Create collection' }).click();
    const collection = page.getByTestId('collection').filter({ hasText: 'Data skills' });
    await collection.waitFor();
    await collection.getByLabel('Add a credential to Data skills').selectOption({ label: `${ACHIEVEMENT} — Université Exemple` });
    await collection.getByRole('button', { name: 'Add', exact: true }).click();
    await collection.getByRole('list', { name: 'Credentials in Data skills' }).getByRole('link', { name: ACHIEVEMENT }).waitFor();
    // An expiring link: the day chosen is the last day it works.
    const nextYear = new Date().getUTCFullYear() + 1;
    await collection.getByLabel('Link works until (optional)').fill(`${nextYear}-06-30`);
    await collection.getByRole('button', { name: 'Create share link' }).click();
    await collection.getByText('Share link created.').waitFor();
    await collection.getByTestId('share').getByText(new RegExp(`expires (30 Jun|1 Jul) ${nextYear}`)).waitFor();
    await expectAccessible(page, 'wallet-collections');
    await saveScreenshot(page, 'wallet-collections');
    const collectionUrl = (await collection.getByTestId('share-url').getAttribute('href')) ?? '';
    const visitor = await browser.newContext();
    try {
      const publicPage = await visitor.newPage();
      expect((await publicPage.goto(collectionUrl))?.status()).toBe(200);
      await publicPage.getByRole('heading', { level: 1, name: 'Data skills' }).waitFor();
      await publicPage.getByText('1 of 1 credential verified just now.').waitFor();
      await expectAccessible(publicPage, 'public-collection');
    } finally {
      await visitor.close();
    }

    await page.getByRole('navigation', { name: 'Wallet' }).getByRole('link', { name: 'Account' }).click();
    await heading('Account');
    // The claim link proved the address: it is confirmed without another e-mail.
    const row = page.getByTestId('emails-table').getByRole('row').filter({ hasText: LEARNER.email });
    await row.getByText(/^Confirmed/).waitFor();
    // Signing the presentation made the learner's did:key; the account shows it (no second one to make).
    expect(await page.getByTestId('did').textContent()).toBe(learnerDid);
    expect(await page.getByRole('button', { name: 'Create my DID' }).count()).toBe(0);
    await expectAccessible(page, 'wallet-account');
  });

  it('the issuer revokes: the public page says revoked, and checking again in the wallet shows it', async () => {
    await issuing.revoke(issuedId, 'Issued in error');
    const visitor = await browser.newContext();
    try {
      const publicPage = await visitor.newPage();
      await publicPage.goto(shareUrl);
      const verdict = publicPage.locator('.verdict');
      expect((await verdict.textContent())?.trim()).toMatch(/^Revoked\./);
      expect(await verdict.textContent()).toContain('revoked this credential');
      await expectAccessible(publicPage, 'public-page-revoked');
      await saveScreenshot(publicPage, 'public-page-revoked');
    } finally {
      await visitor.close();
    }

    await page.goto(walletItemPath);
    await heading(ACHIEVEMENT);
    await page.getByRole('button', { name: 'Check again' }).click();
    await page.getByText('Checked again just now.').waitFor();
    await page.getByTestId('verdict').getByText('The issuer has revoked this credential.').waitFor();
    expect(await page.getByTestId('checks').locator('.check-failed').count()).toBeGreaterThan(0);
  });

  it('stops sharing: the link then answers the same not-found page as a link that never existed', async () => {
    const panel = page.getByTestId('share-panel');
    await panel.getByRole('button', { name: 'Stop sharing this link' }).click();
    await panel.getByText('Not shared.').waitFor();
    const visitor = await browser.newContext();
    try {
      const stopped = await visitor.request.get(shareUrl);
      const never = await visitor.request.get(new URL('/s/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', shareUrl).toString());
      expect(stopped.status()).toBe(404);
      expect(never.status()).toBe(404);
      expect(await stopped.text()).toBe(await never.text());
    } finally {
      await visitor.close();
    }
  });
  it('confirms a second address from its e-mail link, then offers what was issued to it', async () => {
    await page.goto('/wallet/account');
    await heading('Account');
    const add = page.getByRole('form', { name: 'Add an e-mail address' });
    await add.getByLabel('Add an address').fill(SECOND_ADDRESS);
    await add.getByRole('button', { name: 'Add address' }).click();
    await page.getByText(`We sent a confirmation link to ${SECOND_ADDRESS}.`).waitFor();
    const row = page.getByTestId('emails-table').getByRole('row').filter({ hasText: SECOND_ADDRESS });
    await row.getByText('Not confirmed yet').waitFor();

    // The instance's development outbox holds mail that belongs to no organisation; an owner may read it.
    const outbox = await issuerContext.request.get('/api/v1/outbox');
    expect(outbox.status()).toBe(200);
    const mail = ((await outbox.json()) as { items: { to: string; text: string }[] }).items.find((m) => m.to === SECOND_ADDRESS);
    const link = mail?.text.match(/https?:\/\/\S+\/confirm-email\/[A-Za-z0-9_-]+/)?.[0];
    expect(link, 'confirmation link in the outbox').toBeTruthy();
    await page.goto(new URL(link ?? '').pathname);
    await heading('Confirm your e-mail address');
    await page.getByText(`${SECOND_ADDRESS} is confirmed.`, { exact: false }).waitFor();
    await expectAccessible(page, 'confirm-email');

    await issuing.issue({ email: SECOND_ADDRESS, name: LEARNER.name });
    await page.getByRole('link', { name: 'Go to your wallet' }).click();
    await heading('My credentials');
    const offers = page.getByTestId('offers');
    const accept = offers.getByRole('button', { name: `Add ${ACHIEVEMENT} to my wallet` });
    await accept.waitFor();
    await expectAccessible(page, 'wallet-offers');
    await accept.click();
    await offers.waitFor({ state: 'detached' });
    expect(await page.getByTestId('wallet-card').count()).toBe(2);
  });

  it('adds a credential from a file dropped on the import page, recognises the same one again, and orders it in a collection', async () => {
    const other = await issuing.issue({ email: 'someone.else@example.org', name: 'Someone Else' });
    const file = { name: 'credential.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(other.document)) };
    await page.getByRole('navigation', { name: 'Wallet' }).getByRole('link', { name: 'Add a credential' }).click();
    await heading('Add a credential');
    await expectAccessible(page, 'wallet-import');
    await dropFile(page, '[data-testid="import-drop"]', file);
    const result = page.getByTestId('import-result');
    await result.getByText('Added to your wallet.').waitFor();
    expect(await result.getByTestId('wallet-card').textContent()).toContain('Verified');

    await page.getByLabel('Credential file').setInputFiles(file);
    await result.getByText('This credential is already in your wallet; nothing was added.').waitFor();

    await page.getByLabel('Credential text').fill('{"not": "a credential"}');
    await page.getByRole('button', { name: 'Add pasted credential' }).click();
    await page.getByRole('alert').getByText('The credential was not added').waitFor();
    await page.getByRole('navigation', { name: 'Wallet' }).getByRole('link', { name: 'My credentials' }).click();
    await page.getByText('3 credentials').waitFor();

    // Collections keep the learner's order: add another credential and move it to the top.
    await page.getByRole('navigation', { name: 'Wallet' }).getByRole('link', { name: 'Collections' }).click();
    const collection = page.getByTestId('collection').filter({ hasText: 'Data skills' });
    const add = collection.getByLabel('Add a credential to Data skills');
    // The menu fills once the wallet's credentials have loaded.
    await expect.poll(async () => await add.locator('option').count()).toBeGreaterThan(1);
    const option = (await add.locator('option').allTextContents()).find((label) => label !== 'Choose…') ?? '';
    await add.selectOption({ label: option });
    await collection.getByRole('button', { name: 'Add', exact: true }).click();
    const items = collection.getByRole('list', { name: 'Credentials in Data skills' }).locator('li');
    await items.nth(1).waitFor();
    const hrefs = async () => await items.locator('a').evaluateAll((links) => links.map((a) => (a as unknown as { getAttribute(n: string): string }).getAttribute('href')));
    const before = await hrefs();
    expect(before).toHaveLength(2);
    expect(await items.nth(0).getByRole('button', { name: /^Up/ }).isDisabled()).toBe(true);
    await items.nth(1).getByRole('button', { name: /^Up/ }).click();
    await collection.getByText('Saved.').waitFor();
    await expect.poll(hrefs).toEqual([before[1], before[0]]);
    // The order is the server's: it survives a reload.
    await page.reload();
    await items.nth(1).waitFor();
    expect(await hrefs()).toEqual([before[1], before[0]]);

    // The public verifier also works for a signed-in learner who opens it afresh (the session cookie
    // goes along, so the page must send that session's CSRF token).
    await page.goto('/verify');
    await heading('Verify a credential');
    await dropFile(page, '[data-testid="verify-drop"]', file);
    await page.getByTestId('verify-result').getByTestId('verdict').waitFor();
    expect(await page.getByTestId('verdict').getAttribute('class')).toContain('verdict-ok');
  });
  it('removes a credential after asking, exports the wallet as a zip, then deletes the account', async () => {
    await page.goto(walletItemPath);
    await heading(ACHIEVEMENT);
    await page.getByRole('button', { name: 'Remove from my wallet' }).click();
    await page.getByRole('button', { name: 'Keep it' }).click();
    await page.getByRole('button', { name: 'Remove from my wallet' }).click();
    await page.getByRole('button', { name: 'Yes, remove it' }).click();
    await heading('Credential removed');
    const gone = await learnerContext.request.get(`/api/v1/wallet/credentials/${walletItemPath.split('/').pop()}`);
    expect(gone.status()).toBe(404);
    await page.getByRole('link', { name: 'Back to my credentials' }).click();
    await page.getByText('2 credentials').waitFor();

    await page.goto('/wallet/account');
    await heading('Account');
    const href = await page.getByRole('link', { name: 'Download my wallet (zip)' }).getAttribute('href');
    const zip = await learnerContext.request.get(href ?? '');
    expect(zip.status()).toBe(200);
    expect(zip.headers()['content-type']).toMatch(/zip/);
    expect((await zip.body()).subarray(0, 2).toString('latin1')).toBe('PK');

    await page.getByText('Delete the account and every credential in the wallet').click();
    await page.getByLabel('Your password, to confirm').fill('not my password');
    await page.getByRole('button', { name: 'Delete my account' }).click();
    // Deleting is final: an accessible dialog asks first; Cancel sends nothing.
    const dialog = page.getByRole('dialog', { name: 'Delete your account for good?' });
    await dialog.waitFor();
    await expectAccessible(page, 'delete account confirmation');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'detached' });
    expect(await page.getByRole('alert').count()).toBe(0);
    await page.getByRole('button', { name: 'Delete my account' }).click();
    await dialog.getByRole('button', { name: 'Delete everything' }).click();
    await page.getByRole('alert').getByText('The account was not deleted').waitFor();
    await page.getByLabel('Your password, to confirm').fill(LEARNER.password);
    await page.getByRole('button', { name: 'Delete my account' }).click();
    await dialog.getByRole('button', { name: 'Delete everything' }).click();
    await page.waitForURL('**/verify');
    const login = await learnerContext.request.post('/api/v1/auth/login', { data: { email: LEARNER.email, password: LEARNER.password } });
    expect(login.status()).toBe(401);
    // The issuer's record stays: the organisation still lists what it issued.
    const issued = await issuerContext.request.get(`/api/v1/organisations/${issuing.organisationId}/credentials`);
    expect(((await issued.json()) as { items: unknown[] }).items.length).toBe(3);
  });
  it('signs up on its own page into an empty wallet, signs out, and signs back in to the wallet', async () => {
    await page.goto('/signup');
    await heading('Create your wallet');
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.getByRole('alert').getByText('Could not create the account').waitFor();
    await expectAccessible(page, 'signup');
    await page.getByLabel('E-mail address').fill('new.learner@example.org');
    await page.getByLabel('Choose a password').fill('yet another passphrase');
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.waitForURL('**/wallet');
    await heading('My credentials');
    await page.getByText('Your wallet is empty.', { exact: false }).waitFor();
    await expectAccessible(page, 'wallet-empty');

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL('**/login');
    await page.goto('/wallet/account');
    await page.waitForURL('**/login?next=%2Fwallet%2Faccount');
    await page.getByLabel('E-mail address').fill('new.learner@example.org');
    await page.getByLabel('Password').fill('yet another passphrase');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL('**/wallet/account');
    await heading('Account');

    // Signing up again with the address says what it says for any address: a message was sent (to its
    // owner, saying someone tried); no account is made and the page does not say the address is taken.
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL('**/login');
    await page.goto('/signup');
    await page.getByLabel('E-mail address').fill('new.learner@example.org');
    await page.getByLabel('Choose a password').fill('someone else entirely');
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.getByRole('status').getByText('We sent a message to', { exact: false }).waitFor();
    expect(page.url()).toContain('/signup');
    expect(await page.getByText('already exists').count()).toBe(0);
    await expectAccessible(page, 'signup-sent');
  });
});
