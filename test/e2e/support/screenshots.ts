import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';

/** Where the browser tests keep a picture of each screen (kept by CI as an artifact). */
export const SCREENSHOT_DIR = join(process.cwd(), 'test-artifacts', 'screenshots');

/** Saves a full-page screenshot as test-artifacts/screenshots/<name>.png and returns its path. */
export async function saveScreenshot(page: Page, name: string): Promise<string> {
  if (!/^[a-z0-9-]+$/.test(name)) throw new TypeError(`screenshot name "${name}" must be lower-case words joined by dashes`);
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const path = join(SCREENSHOT_DIR, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

/**
 * For an `afterEach`: when the test failed, keeps a picture of the page it left behind as
 * `failed-[<prefix>-]<test name>` (nothing when it passed or no page exists yet).
 */
export async function screenshotIfFailed(test: { task: { name: string; result?: { state?: string } } }, page: Page | undefined, prefix: string): Promise<void> {
  if (test.task.result?.state !== 'fail' || !page) return;
  const slug = test.task.name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 60);
  await saveScreenshot(page, prefix ? `failed-${prefix}-${slug}` : `failed-${slug}`).catch(() => undefined);
}
