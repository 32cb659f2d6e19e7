import { chromium, type Browser } from 'playwright-core';
import { callerTestFile, chromiumTool, requireTools } from '../../support/tools.ts';

/** Debian's Chromium (`apt-get install -y chromium`); CHROMIUM_PATH overrides it. */
export const CHROMIUM_PATH = chromiumTool().command;

/**
 * Why the browser tests cannot run here, or undefined when they can. Without Chromium they are
 * skipped on a developer's machine (and named in the run's summary), but in CI (CI set) a missing
 * browser is a failure, not a skip: this throws.
 */
export function browserSkipReason(tests = `${callerTestFile()} (in Chromium)`): string | undefined {
  return requireTools(tests, [chromiumTool()]);
}

/** Launches headless Chromium with the flags that keep it quiet, offline and container-friendly. */
export async function launchBrowser(): Promise<Browser> {
  return await chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}
