/**
 * The console's webhooks and xAPI screen in Chromium against the real server (its job runner on):
 * a private target refused beside the field, a webhook subscribed with its secret shown once, an
 * issuance delivered to a receiver on 127.0.0.1 and shown as delivered, a replay that sends the same
 * message again (signatures checked with the independent `standardwebhooks`), and an xAPI rule added.
 * Each state is checked with axe.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { Webhook } from 'standardwebhooks';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createGuardedFetcher } from '../../src/net/guarded-fetcher.ts';
import { SYSTEM } from '../../src/services/access.ts';
import { MICRO_CREDENTIAL } from '../http/credentials-fixture.ts';
import { expectAccessible } from './support/axe.ts';
import { browserSkipReason, launchBrowser } from './support/browser.ts';
import { saveScreenshot, screenshotIfFailed } from './support/screenshots.ts';
import { startTestServer, type TestServer } from './support/server.ts';
import { buildWeb } from './support/web-build.ts';

const skipReason = browserSkipReason();
const ADMIN = { email: 'owner@hooks.example', password: 'correct horse battery staple', name: 'Olga Owner' };

describe.skipIf(skipReason !== undefined)('webhooks and xAPI screen in Chromium', () => {
  let server: TestServer;
  let receiver: Server;
  let target: string;
  const received: { headers: IncomingHttpHeaders; body: string }[] = [];
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;

  beforeAll(async () => {
    receiver = createServer((request, response) => {
      let body = '';
      request.setEncoding('utf8');
      request.on('data', (chunk: string) => { body += chunk; });
      request.on('end', () => {
        received.push({ headers: request.headers, body });
        response.end('ok');
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    target = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks`;
    const webRoot = await buildWeb();
    const allowAddress = (address: string) => address === '127.0.0.1';
    server = await startTestServer({ webRoot, allowAddress, fetcher: createGuardedFetcher({ allowAddress }) });
    browser = await launchBrowser();
    context = await browser.newContext({ baseURL: server.url, viewport: { width: 1280, height: 900 } });
    context.setDefaultTimeout(15_000);
    page = await context.newPage();
  }, 180_000);

  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await server?.close();
    await new Promise((resolve) => receiver?.close(resolve));
  });

  afterEach(async (test) => {
    await screenshotIfFailed(test, page, 'integrations-');
  });

  async function check(name: string): Promise<void> {
    await expectAccessible(page, name);
    await saveScreenshot(page, name);
  }

  async function until(condition: () => boolean, what: string): Promise<void> {
    for (let i = 0; i < 100 && !condition(); i++) await new Promise((resolve) => setTimeout(resolve, 100));
    if (!condition()) throw new Error(`timed out waiting for ${what}`);
  }

  it('subscribes a webhook, shows its deliveries and replays one, and adds an xAPI rule', async () => {
    await page.goto('/setup');
    await page.getByLabel('Organisation name').fill('Hooks University');
    await page.getByLabel('Your name').fill(ADMIN.name);
    await page.getByLabel('Your e-mail address').fill(ADMIN.email);
    await page.getByLabel('Password').fill(ADMIN.password);
    await page.getByRole('button', { name: 'Create organisation' }).click();
    await page.waitForURL('**/console/organisation');
    const { db } = server.runtime.ctx;
    const issuer = await db.selectFrom('issuers').select(['id', 'organisation_id']).executeTakeFirstOrThrow();
    const achievement = await server.runtime.services.achievements.create(SYSTEM, issuer.organisation_id, { issuerId: issuer.id, ...MICRO_CREDENTIAL, eu: { ...MICRO_CREDENTIAL.eu } });

    await page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: 'Webhooks and xAPI', exact: true }).click();
    await page.getByRole('heading', { level: 1, name: 'Webhooks and xAPI' }).waitFor();
    await page.getByText('No webhooks yet.').waitFor();
    await check('integrations-empty');

    const form = page.getByRole('form', { name: 'Add a webhook' });
    await form.getByLabel('URL').fill('http://169.254.169.254/latest/meta-data');
    await form.getByRole('button', { name: 'Add webhook' }).click();
    await page.locator('#webhook-url-error').waitFor();
    expect(await form.getByLabel('URL').getAttribute('aria-invalid')).toBe('true');

    await form.getByLabel('URL').fill(target);
    await form.getByLabel('Description').fill('Registrar system');
    await form.getByLabel('credential.revoked').check();
    await form.getByRole('button', { name: 'Add webhook' }).click();
    const secret = (await page.getByTestId('new-webhook-secret').locator('code').textContent())!;
    expect(secret).toMatch(/^whsec_/);
    await page.getByRole('cell', { name: target, exact: true }).waitFor();
    await check('integrations-webhook');

    await server.runtime.services.credentials.issue(SYSTEM, issuer.organisation_id, { achievementId: achievement.id, recipient: { email: 'ada@learner.example' } });
    await until(() => received.length === 1, 'the delivery');
    const first = received[0]!;
    expect((new Webhook(secret).verify(first.body, first.headers as Record<string, string>) as { type: string }).type).toBe('credential.issued');

    await page.getByRole('button', { name: `Deliveries of ${target}` }).click();
    const deliveries = page.getByTestId('webhook-deliveries');
    await deliveries.getByRole('cell', { name: 'delivered', exact: true }).waitFor();
    await deliveries.getByRole('button', { name: /^Replay/ }).click();
    await until(() => received.length === 2, 'the replay');
    expect(received[1]!.headers['webhook-id']).toBe(first.headers['webhook-id']);
    expect(received[1]!.body).toBe(first.body);
    expect(() => new Webhook(secret).verify(received[1]!.body, received[1]!.headers as Record<string, string>)).not.toThrow();
    await check('integrations-deliveries');

    const rule = page.getByRole('form', { name: 'Add a rule' });
    await rule.getByLabel('Micro-credential').selectOption(achievement.id);
    await rule.getByLabel('Activity IRI').fill('https://lms.example/courses/data-101');
    await rule.getByLabel('Lowest scaled score').fill('0.8');
    await rule.getByRole('button', { name: 'Add rule' }).click();
    await page.getByRole('cell', { name: 'https://lms.example/courses/data-101', exact: true }).waitFor();
    await page.getByRole('cell', { name: MICRO_CREDENTIAL.name, exact: true }).waitFor();
    await check('integrations-xapi');
  }, 120_000);
});
