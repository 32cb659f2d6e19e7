/** The browser-test helpers themselves: the axe check must be able to fail, and say why. */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectAccessible, seriousViolations } from './support/axe.ts';
import { browserSkipReason, launchBrowser } from './support/browser.ts';

const skipReason = browserSkipReason();

describe.skipIf(skipReason !== undefined)('browser test harness', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('reports serious violations (an unlabelled field, an image without text) with their targets', async () => {
    const page = await browser.newPage();
    await page.setContent('<!doctype html><html lang="en"><title>t</title><main><input id="x"><img src="data:image/gif;base64,R0lGODlhAQABAAAAACw="></main></html>');
    const ids = (await seriousViolations(page)).map((v) => v.id).sort();
    expect(ids).toEqual(['image-alt', 'label']);
    await expect(expectAccessible(page, 'bad page')).rejects.toThrow(/bad page.*\n- \[critical\] (image-alt|label)/);
    await page.close();
  });

  it('passes an accessible page, and runs under a strict Content-Security-Policy', async () => {
    const page = await browser.newPage();
    await page.route('http://csp.test/', (route) =>
      route.fulfill({
        contentType: 'text/html',
        headers: { 'content-security-policy': "default-src 'none'; script-src 'self'" },
        body: '<!doctype html><html lang="en"><head><title>ok</title></head><body><main><h1>Fine</h1><label for="x">Name</label><input id="x"></main></body></html>',
      }),
    );
    await page.goto('http://csp.test/');
    expect(await seriousViolations(page)).toEqual([]);
    await expectAccessible(page, 'good page');
    await page.close();
  });
});
