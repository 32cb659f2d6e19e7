import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';

export const WEB_CONFIG = fileURLToPath(new URL('../../../web/vite.config.ts', import.meta.url));
export const WEB_DIST = fileURLToPath(new URL('../../../web/dist', import.meta.url));

/** Builds the browser application into web/dist with Vite's JS API (what the server serves). */
export async function buildWeb(): Promise<string> {
  await build({ configFile: WEB_CONFIG, logLevel: 'warn' });
  if (!existsSync(`${WEB_DIST}/index.html`)) throw new Error(`vite build did not write ${WEB_DIST}/index.html`);
  return WEB_DIST;
}
