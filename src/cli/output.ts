import type { Writable } from 'node:stream';
import type { Fetcher } from '../vc/types.ts';

/** Where a command writes; injected so tests capture output without touching process streams. */
export interface Io {
  stdout: Writable;
  stderr: Writable;
  stdin: NodeJS.ReadableStream;
  cwd: string;
  /** Environment variables the command may read. */
  env: Record<string, string | undefined>;
  /**
   * The door to the network for commands that read URLs (default: the guarded fetcher). Tests pass fixtures
   * here so `microcred verify` reads the same documents as the wallet and the public verifier.
   */
  fetch?: Fetcher;
  /** The clock dates are checked against (default: the system clock); injected by tests like the services' `now`. */
  now?: () => Date;
}

export function processIo(): Io {
  return { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, cwd: process.cwd(), env: process.env };
}

export function print(io: Io, text: string): void {
  io.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
}

export function printJson(io: Io, value: unknown): void {
  io.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}
