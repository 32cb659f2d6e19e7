/**
 * microcred as an OB 3.0 API consumer (issue 13 §1): instance A issued a credential; from her claim link
 * the learner asks A to send it to her wallet on instance B, another OB 3.0 host. A discovers B, registers
 * dynamically, sends her to consent on B (in Chromium), exchanges the code with PKCE and upserts.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectAccessible } from '../e2e/support/axe.ts';
import { browserSkipReason, launchBrowser } from '../e2e/support/browser.ts';
import { buildWebApart } from '../e2e/support/learner.ts';
import type { Session } from '../support/app.ts';
import { issueOn, learner, startInstance, type Instance } from './support.ts';

const skip = browserSkipReason();

/** The newest claim link e-mailed to an address by instance A (its development outbox). */
async function claimToken(instance: Instance, organisationId: string, email: string): Promise<string> {
  const login = await instance.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email: 'registrar@uni.test', password: 'registrar-password-1' } });
  const cookie = `mc_session=${login.cookies.find((c) => c.name === 'mc_session')!.value}`;
  for (let attempt = 0; attempt < 50; attempt++) {
    const outbox = await instance.app.inject({ method: 'GET', url: `/api/v1/organisations/${organisationId}/outbox`, headers: { cookie } });
    const items = (outbox.json() as { items: { to: string; text?: string | null }[] }).items;
    const token = items.find((m) => m.to === email && /\/claim\//.test(m.text ?? ''))?.text?.match(/\/claim\/([A-Za-z0-9_-]+)/)?.[1];
    if (token) return token;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`no claim link to ${email}`);
}

describe.skipIf(skip)('OB 3.0 API consumer: one microcred pushes a credential into a wallet on another', () => {
  let issuer: Instance;
  let host: Instance;
  let browser: Browser;
  let carol: Session;
  let web: Awaited<ReturnType<typeof buildWebApart>>;

  beforeAll(async () => {
    web = await buildWebApart();
    [issuer, host] = await Promise.all([startInstance({ webRoot: web.webRoot }), startInstance()]);
    browser = await launchBrowser();
    carol = await learner(host.app, 'carol@learner.test', 'Carol Learner');
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await Promise.all([issuer?.close(), host?.close()]);
    web?.remove();
  });

  async function consentOnHost(authorizationUrl: string, decision: 'Allow' | 'Deny'): Promise<{ url: string; status: string | null; text: string }> {
    const context = await browser.newContext();
    await context.addCookies([{ name: 'mc_session', value: carol.cookie.slice('mc_session='.length), url: host.url }]);
    const page = await context.newPage();
    try {
      await page.goto(authorizationUrl);
      await page.getByRole('button', { name: decision }).waitFor();
      expect(await page.content()).toContain('Université Exemple');
      await page.getByRole('button', { name: decision }).click();
      await page.waitForURL((url) => url.href.startsWith(`${issuer.url}/ims/ob/v3p0/consumer/callback`));
      const heading = page.locator('h1');
      return { url: page.url(), status: await heading.getAttribute('data-status'), text: await page.locator('main').innerText() };
    } finally {
      await context.close();
    }
  }

  it('pushes the credential after the learner consents on her host; again it is already there; a denial sends nothing', async () => {
    const issued = await issueOn(issuer, 'carol@uni.test');
    const token = await claimToken(issuer, issued.organisationId, 'carol@uni.test');

    const start = await issuer.app.inject({ method: 'POST', url: `/api/v1/claim/${token}/ob-push`, payload: { hostUrl: host.url } });
    expect(start.statusCode, start.body).toBe(200);
    const { authorizationUrl } = start.json() as { authorizationUrl: string };
    expect(authorizationUrl.startsWith(`${host.url}/oauth/authorize?`)).toBe(true);
    const params = new URL(authorizationUrl).searchParams;
    expect(params.get('code_challenge_method')).toBe('S256');
    expect(params.get('scope')).toBe('https://purl.imsglobal.org/spec/ob/v3p0/scope/credential.upsert');

    const done = await consentOnHost(authorizationUrl, 'Allow');
    expect(done.status, done.text).toBe('pushed');
    const wallet = (await carol.request('GET', '/api/v1/wallet/credentials')).json() as { items: { source: string; status: string; name: string }[] };
    expect(wallet.items).toEqual([expect.objectContaining({ source: 'ob-api', status: 'verified', name: 'Data Literacy Essentials' })]);
    const held = (await host.server.runtime.ctx.db.selectFrom('wallet_credentials').select('original').execute())[0]!;
    expect(held.original).toBe(issued.document);

    // The organisation registered with the host once; a second push reuses the registration.
    const again = await issuer.app.inject({ method: 'POST', url: `/api/v1/claim/${token}/ob-push`, payload: { hostUrl: `${host.url}/ims/ob/v3p0/discovery` } });
    expect(again.statusCode).toBe(200);
    expect(await issuer.server.runtime.ctx.db.selectFrom('ob_hosts').selectAll().execute()).toHaveLength(1);
    const second = await consentOnHost((again.json() as { authorizationUrl: string }).authorizationUrl, 'Allow');
    expect(second.status).toBe('pushed');
    expect(second.text).toContain('already held');

    const third = await issuer.app.inject({ method: 'POST', url: `/api/v1/claim/${token}/ob-push`, payload: { hostUrl: host.url } });
    const denied = await consentOnHost((third.json() as { authorizationUrl: string }).authorizationUrl, 'Deny');
    expect(denied.status).toBe('denied');

    // A callback replayed (same state) or forged (unknown state) pushes nothing.
    const replay = await fetch(second.url);
    expect(replay.status).toBe(404);
    const forged = await fetch(`${issuer.url}/ims/ob/v3p0/consumer/callback?state=forged&code=x`);
    expect(forged.status).toBe(404);
    const pushes = await issuer.server.runtime.ctx.db.selectFrom('ob_pushes').select(['status', 'http_status']).orderBy('created_at').execute();
    expect(pushes).toEqual([{ status: 'pushed', http_status: 201 }, { status: 'pushed', http_status: 304 }, { status: 'denied', http_status: null }]);
  }, 90_000);

  it('from the claim screen of the web app: the learner gives her host, consents there and comes back', async () => {
    const issued = await issueOn(issuer, 'carol.web@uni.test');
    const token = await claimToken(issuer, issued.organisationId, 'carol.web@uni.test');
    const context = await browser.newContext();
    await context.addCookies([{ name: 'mc_session', value: carol.cookie.slice('mc_session='.length), url: host.url }]);
    const page = await context.newPage();
    try {
      await page.goto(`${issuer.url}/claim/${token}`);
      await page.getByLabel('Address of your wallet').fill(host.url);
      await expectAccessible(page, 'Claim with "send to another wallet"');
      await page.getByRole('button', { name: 'Send it there' }).click();
      await page.getByRole('button', { name: 'Allow' }).click();
      await page.waitForURL((url) => url.href.startsWith(`${issuer.url}/ims/ob/v3p0/consumer/callback`));
      expect(await page.locator('h1').getAttribute('data-status')).toBe('pushed');
    } finally {
      await context.close();
    }
    const originals = (await host.server.runtime.ctx.db.selectFrom('wallet_credentials').select('original').execute()).map((row) => row.original);
    expect(originals).toContain(issued.document);
  }, 60_000);

  it('refuses a bad claim token and a host that is not an OB 3.0 host', async () => {
    const unknown = await issuer.app.inject({ method: 'POST', url: `/api/v1/claim/${'x'.repeat(40)}/ob-push`, payload: { hostUrl: host.url } });
    expect(unknown.statusCode).toBe(404);
    const issued = await issueOn(issuer, 'dan@uni.test');
    const token = await claimToken(issuer, issued.organisationId, 'dan@uni.test');
    const notHost = await issuer.app.inject({ method: 'POST', url: `/api/v1/claim/${token}/ob-push`, payload: { hostUrl: `${issuer.url}/nothing-here` } });
    expect(notHost.statusCode).toBe(422);
    expect(notHost.headers['content-type']).toContain('application/problem+json');
    const notUrl = await issuer.app.inject({ method: 'POST', url: `/api/v1/claim/${token}/ob-push`, payload: { hostUrl: 'ftp://x' } });
    expect(notUrl.statusCode).toBe(422);
  }, 60_000);
});
