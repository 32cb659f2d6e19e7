#!/usr/bin/env node
// Runs the compiled build in dist/ (made at `npm ci` by the `prepare` script, and by `npm run build`
// and `npm start`) when it was made from the sources as they are now. Otherwise — no build yet, or a
// source changed since — it runs the TypeScript sources through tsx: a second or two slower per run,
// but never old code. scripts/build.js describes the build.
import { existsSync, readFileSync } from 'node:fs';
import { URL, fileURLToPath } from 'node:url';
import { sourceFingerprint } from '../scripts/source-fingerprint.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const record = new URL('../dist/BUILD.json', import.meta.url);

/** Whether dist/ was built from the sources as they are now (see scripts/source-fingerprint.js). */
function buildIsCurrent() {
  try {
    const built = JSON.parse(readFileSync(record, 'utf8')).sources;
    const now = sourceFingerprint(root);
    return built.entries === now.entries && built.newest === now.newest;
  } catch {
    return false;
  }
}

let main;
if (buildIsCurrent()) {
  ({ main } = await import('../dist/cli/main.mjs'));
} else {
  if (existsSync(record)) process.stderr.write('microcred: src/ changed since the last build; running the sources with tsx (slower). `npm run build` updates dist/.\n');
  const { register } = await import('tsx/esm/api');
  register();
  ({ main } = await import('../src/cli/main.ts'));
}
process.exitCode = await main(process.argv.slice(2));
