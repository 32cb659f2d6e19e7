import { PassThrough, Readable } from 'node:stream';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../src/cli/main.ts';
import type { Fetcher } from '../../src/vc/types.ts';

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

type Main = typeof main;

type RunOptions = { cwd?: string; stdin?: string; env?: Record<string, string>; fetch?: Fetcher; now?: () => Date };

/** Runs the CLI in-process with captured streams, as a script would call it. */
export async function run(argv: string[], options: RunOptions): Promise<RunResult> {
  return await runMain(main, argv, options);
}

/** The same with another build of the CLI's main (test/cli/build.test.ts runs the compiled one). */
export async function runMain(main: Main, argv: string[], options: RunOptions): Promise<RunResult> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (chunk) => (out += chunk));
  stderr.on('data', (chunk) => (err += chunk));
  const stdin = Readable.from(options.stdin === undefined ? [] : [Buffer.from(options.stdin)]);
  const code = await main(argv, { stdout, stderr, stdin, cwd: options.cwd ?? tmpdir(), env: options.env ?? {}, ...(options.fetch ? { fetch: options.fetch } : {}), ...(options.now ? { now: options.now } : {}) });
  return { code, stdout: out, stderr: err };
}

export async function tempDir(): Promise<string> {
  return await mkdtemp(join(tmpdir(), 'microcred-cli-'));
}
