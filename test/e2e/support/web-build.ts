import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';

export const WEB_CONFIG = fileURLToPath(new URL('../../../web/vite.config.ts', import.meta.url));
export const WEB_DIST = fileURLToPath(new URL('../../../web/dist', import.meta.url));

/** Builds the browser application into web/dist with Vite's JS API (what the server serves). */
export async function buildWeb(): Promise<string> {
  // Vitest sets NODE_ENV=test, which Vite keeps and which would bundle React's development build;
  // the tests drive what users get.
  const nodeEnv = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  try {
    await build({ configFile: WEB_CONFIG, logLevel: 'warn', mode: 'production' });
  } finally {
    if (nodeEnv === undefined) delete process.env.NODE_ENV;
    else process.env.NODE_ENV = nodeEnv;
  }
  if (!existsSync(`${WEB_DIST}/index.html`)) throw new Error(`vite build did not write ${WEB_DIST}/index.html`);
  return WEB_DIST;
}
