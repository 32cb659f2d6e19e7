import { beforeAll, describe, expect, it } from 'vitest';
import { copyFile, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { run, tempDir } from './helpers.ts';

const ACHIEVEMENT = new URL('../fixtures/achievements/data-science-microcredential.json', import.meta.url);
const BASE = ['issue', '--key', 'key.json', '--achievement', 'achievement.json', '--issuer-country', 'ES'];

let dir: string;
beforeAll(async () => {
  dir = await tempDir();
  await copyFile(ACHIEVEMENT, join(dir, 'achievement.json'));
  expect((await run(['keys', 'generate', '--out', 'key.json'], { cwd: dir })).code).toBe(0);
});

describe('issue --csv: input errors are exit 2 and leave an earlier output alone', () => {
  it.each([
    ['an empty file', '', /is empty/],
    ['a header without a recipient column', 'email,name\r\n', /no "recipient" column/],
    ['an unreadable header after a blank line', '\n"recipient,name\nx@y.org,a\n', /header row is unreadable/],
  ])('%s', async (_label, text, message) => {
    await writeFile(join(dir, 'in.csv'), text);
    await writeFile(join(dir, 'old.jsonl'), 'earlier output\n');
    const result = await run([...BASE, '--csv', 'in.csv', '--out', 'old.jsonl', '--workers', '0'], { cwd: dir });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(await readFile(join(dir, 'old.jsonl'), 'utf8')).toBe('earlier output\n');
  });

  it('a header-only file with a recipient column issues nothing and succeeds', async () => {
    await writeFile(join(dir, 'header.csv'), '\ufeffRecipient,Name\r\n');
    const result = await run([...BASE, '--csv', 'header.csv', '--out', 'none.jsonl', '--workers', '0'], { cwd: dir });
    expect(result.code).toBe(0);
    expect(await readFile(join(dir, 'none.jsonl'), 'utf8')).toBe('');
  });

  it('an output file that cannot be written is a plain usage error, not a crash', async () => {
    await writeFile(join(dir, 'one.csv'), 'recipient\nx@y.org\n');
    const result = await run([...BASE, '--csv', 'one.csv', '--out', 'no/such/dir/out.jsonl', '--workers', '0'], { cwd: dir });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^microcred issue: cannot write no\/such\/dir\/out\.jsonl: ENOENT/);
  });

  it('a directory given as the CSV is said in plain words', async () => {
    const result = await run([...BASE, '--csv', '.', '--out', 'x.jsonl', '--workers', '0'], { cwd: dir });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/cannot read \.: it is a directory/);
  });

  it('--json without --out is refused, so standard output never mixes credentials and the summary', async () => {
    await writeFile(join(dir, 'one.csv'), 'recipient\nx@y.org\n');
    const result = await run([...BASE, '--csv', 'one.csv', '--json', '--workers', '0'], { cwd: dir });
    expect(result.code).toBe(2);
    expect(JSON.parse(result.stdout)).toEqual({ error: expect.stringMatching(/needs --out/) });
  });
});

describe('issue (single): --json output and messages', () => {
  it('prints a VC-JWT as a JSON string with --json', async () => {
    const result = await run([...BASE, '--recipient', 'a@b.org', '--format', 'jwt', '--json'], { cwd: dir });
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatch(/^eyJ[\w-]+\.[\w-]+\.[\w-]+$/);
  });
  it('a bad --credits is a usage error in plain words, not an "unexpected error"', async () => {
    const result = await run([...BASE, '--recipient', 'a@b.org', '--credits', 'abc'], { cwd: dir });
    expect(result.code).toBe(2);
    expect(result.stderr).toBe('microcred issue: credits "abc" must be a number ≥ 0.\n');
  });
  it('an unwritable --out is a plain usage error', async () => {
    const result = await run([...BASE, '--recipient', 'a@b.org', '--out', 'no/such/dir/c.json'], { cwd: dir });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^microcred issue: cannot write no\/such\/dir\/c\.json/);
  });
});

// The signing pool's own behaviour (a worker that dies fails its rows, later batches are answered)
// is tested with the pool, in test/vc/signing-pool.test.ts.
