/**
 * The compiled build (scripts/build.js) that bin/microcred.js runs: the other CLI tests run the
 * TypeScript sources, so this one builds into a folder of its own and runs the built CLI and worker
 * pools, and checks that bin/ can tell a build from stale sources.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyFile, mkdir, readFile, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { randomUUID } from 'node:crypto';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { main as sourceMain } from '../../src/cli/main.ts';
import type { createSigningPool as sourcePool, signAll as sourceSignAll } from '../../src/vc/signing-pool/index.ts';
import { checkStructure } from '../../src/vc/structure.ts';
import { createEngine } from '../../src/vc/engine.ts';
import { createEd25519Signer, generateEd25519 } from '../../src/vc/keys/ed25519.ts';
import type { JsonObject } from '../../src/vc/types.ts';
import { runMain, tempDir } from './helpers.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));
/** The scripts are plain JavaScript without types: imported through a URL, typed here. */
const script = async <T>(name: string) => (await import(new URL(`../../scripts/${name}`, import.meta.url).href)) as T;
type Fingerprint = { entries: number; newest: number };
const { sourceFingerprint } = await script<{ sourceFingerprint: (root: string) => Fingerprint }>('source-fingerprint.js');
const { build } = await script<{ build: (options: { outdir: string }) => Promise<{ modules: number }> }>('build.js');

// Beside src/ like dist/ (paths such as ../../web/dist depend on it), git-ignored as /.dist-*/.
const outdir = join(root, `.dist-test-${randomUUID()}`);
let built: { main: typeof sourceMain; structure: { checkStructure: typeof checkStructure } };
let dir: string;

beforeAll(async () => {
  await build({ outdir });
  built = {
    main: ((await import(join(outdir, 'cli', 'main.mjs'))) as { main: typeof sourceMain }).main,
    structure: (await import(join(outdir, 'vc', 'structure.mjs'))) as { checkStructure: typeof checkStructure },
  };
  dir = await tempDir();
  await copyFile(new URL('../fixtures/achievements/data-science-microcredential.json', import.meta.url), join(dir, 'achievement.json'));
});

afterAll(async () => {
  await rm(outdir, { recursive: true, force: true });
});

describe('the build', () => {
  it('holds one module per source module, the worker bootstraps without tsx, and the precompiled schemas', async () => {
    const files = (await readdir(outdir, { recursive: true })).map(String);
    expect(files).toContain('BUILD.json');
    expect(files).toContain(join('cli', 'main.mjs'));
    expect(files).toContain(join('vc', 'schemas', 'ob_v3p0_achievementcredential_schema.validate.cjs'));
    for (const file of files.filter((name) => /\.(mjs|js)$/.test(name))) {
      const code = await readFile(join(outdir, file), 'utf8');
      expect(code, file).not.toMatch(/from\s+["']tsx|import\(["']tsx/);
      // Every relative import names a file of the build.
      for (const [, target] of code.matchAll(/(?:from\s+|import\()["'](\.{1,2}\/[^"']+)["']/g)) {
        expect(files, `${file} imports ${target}`).toContain(relative(outdir, join(outdir, file, '..', target!)));
      }
    }
  });

  it('runs the CLI: --version, issue, verify offline, and issue --csv on worker threads', async () => {
    const cli = (argv: string[]) => runMain(built.main, argv, { cwd: dir });
    expect((await cli(['--version'])).stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
    expect((await cli(['keys', 'generate', '--out', 'key.json'])).code).toBe(0);
    const issued = await cli(['issue', '--key', 'key.json', '--achievement', 'achievement.json', '--recipient', 'ana@example.org', '--issuer-country', 'ES', '--out', 'one.json']);
    expect(issued.code, issued.stderr).toBe(0);
    const verified = await cli(['verify', 'one.json', '--offline']);
    expect(verified.code, verified.stdout).toBe(0);
    expect(verified.stdout).toMatch(/✔ structure/);

    const rows = Array.from({ length: 40 }, (_, i) => `learner${i}@example.org,Learner ${i}`);
    await writeFile(join(dir, 'rows.csv'), `recipient,name\n${rows.join('\n')}\n`);
    const bulk = await cli(['issue', '--key', 'key.json', '--achievement', 'achievement.json', '--issuer-country', 'ES', '--csv', 'rows.csv', '--out', 'all.jsonl', '--workers', '2']);
    expect(bulk.code, bulk.stderr).toBe(0);
    const lines = (await readFile(join(dir, 'all.jsonl'), 'utf8')).trim().split('\n');
    expect(lines).toHaveLength(40);
    await writeFile(join(dir, 'last.json'), lines[39]!);
    expect((await cli(['verify', 'last.json', '--offline'])).code).toBe(0);
  });

  it('checks structure with the precompiled validators exactly as the sources compile them (on the credential issued above)', async () => {
    const good = JSON.parse(await readFile(join(dir, 'one.json'), 'utf8')) as JsonObject;
    const subject = good.credentialSubject as JsonObject;
    const broken: unknown[] = [
      good,
      { ...good, issuer: undefined },
      { ...good, validFrom: 'yesterday' },
      { ...good, credentialSubject: { ...subject, achievement: { ...(subject.achievement as JsonObject), name: 5, criteria: [] } } },
      { ...good, type: ['VerifiableCredential', 'EndorsementCredential'] },
      { ...good, type: ['VerifiableCredential', 'ClrCredential'] },
      { ...good, credentialStatus: [{ type: 'BitstringStatusListEntry' }, 7] },
    ];
    for (const credential of broken) expect(built.structure.checkStructure(credential)).toEqual(checkStructure(credential));
  });

  it('runs the signing pool (server and issue --csv) from the build, on a worker thread', async () => {
    const { createSigningPool, signAll } = (await import(join(outdir, 'vc', 'signing-pool', 'index.mjs'))) as { createSigningPool: typeof sourcePool; signAll: typeof sourceSignAll };
    const pool = createSigningPool({ workers: 1 });
    try {
      const pair = generateEd25519();
      const key = { id: `did:key:test#${'k'.repeat(8)}`, seed: pair.seed };
      const now = new Date('2026-02-03T04:05:06.789Z');
      const credential = JSON.parse(await readFile(join(dir, 'one.json'), 'utf8')) as JsonObject;
      delete credential.proof;
      const [text] = await signAll(pool, { credentials: [credential], key, now });
      const engine = createEngine({ fetcher: () => Promise.reject(new Error('offline')) });
      expect(text).toBe(JSON.stringify(await engine.sign({ credential, signer: createEd25519Signer(key), now })));
    } finally {
      await pool.close();
    }
  });
});

describe('the sources fingerprint bin/microcred.js compares with the build', () => {
  it('changes when a source is edited, renamed, added or deleted, and only then', async () => {
    const tree = await tempDir();
    await mkdir(join(tree, 'src', 'vc'), { recursive: true });
    await mkdir(join(tree, 'scripts'));
    await writeFile(join(tree, 'scripts', 'build.js'), '');
    await writeFile(join(tree, 'src', 'main.ts'), 'export {};');
    await writeFile(join(tree, 'src', 'vc', 'schema.json'), '{}');
    const tick = () => new Promise((resolve) => setTimeout(resolve, 20));
    let last = sourceFingerprint(tree);
    const changed = async (what: string, change: () => Promise<unknown>) => {
      await tick();
      await change();
      const now = sourceFingerprint(tree);
      expect(now, what).not.toEqual(last);
      last = now;
    };
    expect(sourceFingerprint(tree)).toEqual(last);
    await changed('edited', () => writeFile(join(tree, 'src', 'vc', 'schema.json'), '{"a":1}'));
    await changed('renamed', () => rename(join(tree, 'src', 'main.ts'), join(tree, 'src', 'cli.ts')));
    await changed('added', () => writeFile(join(tree, 'src', 'vc', 'new.ts'), ''));
    await changed('deleted', () => rm(join(tree, 'src', 'vc', 'new.ts')));
    await changed('build script edited', () => writeFile(join(tree, 'scripts', 'build.js'), '// v2'));
    expect(sourceFingerprint(tree)).toEqual(last);
  });
});
