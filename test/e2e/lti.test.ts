/**
 * LTI 1.3 in Chromium against the real server and the test platform (test/support/lti-platform.ts):
 * an admin registers the LMS in the console (the tool URLs shown, a bad URL refused beside its field),
 * then an instructor's launch runs through the browser (login initiation → the platform's
 * authentication request → its auto-posted id_token → the tool's page), maps the course and issues.
 * The console section and the instructor's pages are checked with axe.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createGuardedFetcher } from '../../src/net/guarded-fetcher.ts';
import { SYSTEM } from '../../src/services/access.ts';
import { MICRO_CREDENTIAL } from '../http/credentials-fixture.ts';
import { ROLE, startTestPlatform, type TestPlatform } from '../support/lti-platform.ts';
import { expectAccessible } from './support/axe.ts';
import { browserSkipReason, launchBrowser } from './support/browser.ts';
import { saveScreenshot, screenshotIfFailed } from './support/screenshots.ts';
import { startTestServer, type TestServer } from './support/server.ts';
import { buildWeb } from './support/web-build.ts';

const skipReason = browserSkipReason();
const ADMIN = { email: 'owner@lti.example', password: 'correct horse battery staple', name: 'Olga Owner' };

describe.skipIf(skipReason !== undefined)('LTI 1.3 in Chromium', () => {
  let server: TestServer;
  let platform: TestPlatform;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;

  beforeAll(async () => {
    const webRoot = await buildWeb();
    const allowAddress = (address: string) => address === '127.0.0.1';
    server = await startTestServer({ webRoot, allowAddress, fetcher: createGuardedFetcher({ allowAddress }) });
    platform = await startTestPlatform({ toolJwksUrl: `${server.url}/lti/jwks.json`, toolRedirectUri: `${server.url}/lti/launch` });
    platform.users.set('teacher-1', { id: 'teacher-1', name: 'Tess Teacher', email: 'tess@lms.example', roles: [ROLE.instructor] });
    platform.users.set('ada', { id: 'ada', name: 'Ada Learner', email: 'ada@learner.example', roles: [ROLE.learner] });
    const finalItem = `${platform.urls.lineItems}/final`;
    platform.lineItems.push({ id: finalItem, label: 'Final exam', scoreMaximum: 100 });
    platform.grades.set(finalItem, new Map([['ada', 91]]));
    browser = await launchBrowser();
    context = await browser.newContext({ baseURL: server.url, viewport: { width: 1280, height: 900 } });
    context.setDefaultTimeout(15_000);
    page = await context.newPage();
  }, 180_000);

  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await platform?.close();
    await server?.close();
  });

  afterEach(async (test) => {
    await screenshotIfFailed(test, page, 'lti-');
  });

  async function check(name: string): Promise<void> {
    await expectAccessible(page, name);
    await saveScreenshot(page, name);
  }

  it('registers the LMS in the console, then an instructor launches, maps the course and issues', async () => {
    await page.goto('/setup');
    await page.getByLabel('Organisation name').fill('LTI University');
    await page.getByLabel('Your name').fill(ADMIN.name);
    await page.getByLabel('Your e-mail address').fill(ADMIN.email);
    await page.getByLabel('Password').fill(ADMIN.password);
    await page.getByRole('button', { name: 'Create organisation' }).click();
    await page.waitForURL('**/console/organisation');
    const { db } = server.runtime.ctx;
    const issuer = await db.selectFrom('issuers').select(['id', 'organisation_id']).executeTakeFirstOrThrow();
    await server.runtime.services.achievements.create(SYSTEM, issuer.organisation_id, { issuerId: issuer.id, ...MICRO_CREDENTIAL, eu: { ...MICRO_CREDENTIAL.eu } });

    await page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: 'Webhooks and xAPI', exact: true }).click();
    await page.getByRole('heading', { level: 2, name: 'LMS (LTI 1.3)' }).waitFor();
    await expect.poll(() => page.getByTestId('lti-tool-urls').textContent()).toContain(`${server.url}/lti/login`);
    await page.getByText('No LMS registered yet.').waitFor();

    const form = page.getByRole('form', { name: 'Register an LMS' });
    await form.getByLabel(/^Name/).fill('Test LMS');
    await form.getByLabel('Platform ID (issuer)').fill(platform.issuer);
    await form.getByLabel('Client ID').fill(platform.clientId);
    await form.getByLabel('Deployment IDs').fill(platform.deploymentId);
    await form.getByLabel('Public keyset URL').fill('ftp://keys.example/jwks');
    await form.getByLabel('Authentication request URL').fill(platform.urls.auth);
    await form.getByLabel('Access token URL').fill(platform.urls.token);
    await form.getByRole('button', { name: 'Register LMS' }).click();
    await page.locator('#lti-jwks-error').waitFor();
    expect(await form.getByLabel('Public keyset URL').getAttribute('aria-invalid')).toBe('true');
    await form.getByLabel('Public keyset URL').fill(platform.urls.jwks);
    await form.getByRole('button', { name: 'Register LMS' }).click();
    await page.getByRole('cell', { name: platform.issuer, exact: true }).waitFor();
    await check('lti-console');

    // The platform starts the login; the browser follows the redirect and the auto-posted id_token.
    const login = new URLSearchParams({ iss: platform.issuer, login_hint: 'teacher-1', target_link_uri: `${server.url}/lti/launch`, client_id: platform.clientId, lti_deployment_id: platform.deploymentId, lti_message_hint: '{}' });
    await page.goto(`/lti/login?${login}`);
    await page.getByRole('heading', { level: 1, name: 'Micro-credential for Data Literacy 101' }).waitFor();
    await page.getByText('not mapped to a micro-credential yet').waitFor();
    await check('lti-instructor');
    await page.getByLabel('Grade item that decides it').selectOption({ label: 'Final exam' });
    await page.getByLabel('Lowest grade that earns it (percent of the item\'s maximum)').fill('85');
    await page.getByRole('button', { name: 'Save the mapping' }).click();
    await page.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();
    await page.getByRole('button', { name: 'Issue now to every learner who meets it' }).click();
    await page.getByRole('status').filter({ hasText: '1 of 1 learners meet the rule; 1 new credential on the way' }).waitFor();
    await check('lti-instructor-issued');
    const awards = await db.selectFrom('lti_awards').select(['subject', 'email']).execute();
    expect(awards).toEqual([{ subject: 'ada', email: 'ada@learner.example' }]);
  }, 120_000);
});
