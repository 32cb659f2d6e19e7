// What a build of src/ was made from, cheap enough to check on every start of bin/microcred.js
// (a few milliseconds): the number of entries under src/ and the newest change time among them and
// the build script. ctime rather than mtime, so that a file renamed, copied with its old mtime
// (cp -p, git checkout of an older commit) or deleted (its folder's ctime) also counts as a change.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/**
 * @param {string} root the repository root
 * @returns {{ entries: number, newest: number }}
 */
export function sourceFingerprint(root) {
  const src = join(root, 'src');
  let newest = Math.max(statSync(src).ctimeMs, statSync(join(root, 'scripts', 'build.js')).ctimeMs);
  const names = readdirSync(src, { recursive: true });
  for (const name of names) newest = Math.max(newest, statSync(join(src, String(name))).ctimeMs);
  return { entries: names.length, newest };
}
