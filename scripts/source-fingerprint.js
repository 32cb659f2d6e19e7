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
  const found = { entries: 0, newest: statSync(join(root, 'scripts', 'build.js')).ctimeMs };
  walk(join(root, 'src'), found);
  return found;
}

/**
 * A walk by hand: readdirSync's `recursive` option costs several times as much in Node.js 20.
 * @param {string} dir
 * @param {{ entries: number, newest: number }} found
 */
function walk(dir, found) {
  found.newest = Math.max(found.newest, statSync(dir).ctimeMs);
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    found.entries++;
    if (entry.isDirectory()) walk(path, found);
    else found.newest = Math.max(found.newest, statSync(path).ctimeMs);
  }
}
