import { accessSync, constants, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { delimiter, isAbsolute, join, relative } from 'node:path';
import { inject } from 'vitest';

/**
 * External programs some tests drive: Debian's Chromium for the browser tests, poppler for reading the
 * PDF certificates back, HAProxy as the load balancer in front of several nodes. A fresh machine has none. There the tests that need one are skipped and the
 * run ends with a summary saying which and how to install them; in CI (any truthy CI) a missing tool
 * fails the run instead, so a green CI always means they ran.
 */

/** The one command that installs every external tool the tests use. */
export const INSTALL_COMMAND = 'apt-get update && apt-get install -y chromium poppler-utils openssl haproxy';

export interface RequiredTool {
  /** An absolute path, or a program name looked up on PATH. */
  command: string;
  /** The Debian package that provides it. */
  package: string;
}

/** The poppler programs the certificate tests call. */
export const POPPLER: RequiredTool[] = ['pdfinfo', 'pdftotext', 'pdftoppm', 'pdfdetach', 'pdfimages'].map((command) => ({ command, package: 'poppler-utils' }));

/** The openssl CLI, which makes the self-signed certificate of the https tests (test/support/https-instance.ts). */
export const OPENSSL: RequiredTool = { command: 'openssl', package: 'openssl' };

/** Debian's Chromium (`apt-get install -y chromium`); CHROMIUM_PATH overrides it. */
export function chromiumTool(env: NodeJS.ProcessEnv = process.env): RequiredTool {
  return { command: env.CHROMIUM_PATH || '/usr/bin/chromium', package: 'chromium' };
}

/** Debian's HAProxy (`apt-get install -y haproxy`, in /usr/sbin, which a user's PATH may lack); HAPROXY_PATH overrides it. */
export function haproxyTool(env: NodeJS.ProcessEnv = process.env): RequiredTool {
  return { command: env.HAPROXY_PATH || '/usr/sbin/haproxy', package: 'haproxy' };
}

/** CI=true, CI=1, CI=yes… count; unset, empty, 0, false, no and off do not (some shells export CI=false). */
export function isCi(env: NodeJS.ProcessEnv = process.env): boolean {
  const value = (env.CI ?? '').trim().toLowerCase();
  return value !== '' && !['0', 'false', 'no', 'off'].includes(value);
}

/** The absolute path of an executable `command` (itself when absolute, else the first on PATH), or undefined. */
export function findTool(command: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const candidates = isAbsolute(command) ? [command] : (env.PATH ?? '').split(delimiter).filter(Boolean).map((dir) => join(dir, command));
  return candidates.find(isExecutableFile);
}

function isExecutableFile(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/** One group of tests skipped for want of tools, as recorded for the end-of-run summary. */
export interface MissingTools {
  tests: string;
  missing: RequiredTool[];
}

export interface RequireToolsOptions {
  env?: NodeJS.ProcessEnv;
  /** Where a skip is recorded (default: the run's summary, see test/support/global-setup.ts). */
  report?: (record: MissingTools) => void;
}

/**
 * Call at the top of a test file (or before a `describe`): undefined when every tool is there;
 * otherwise, outside CI, the reason the `tests` are skipped (use it with `describe.skipIf`), recorded for
 * the summary; in CI it throws, failing the file.
 *
 *   const noPoppler = requireTools('the PDF certificate tests', POPPLER);
 *   describe.skipIf(noPoppler !== undefined)('certificate', () => { … });
 */
export function requireTools(tests: string, tools: RequiredTool[], options: RequireToolsOptions = {}): string | undefined {
  const env = options.env ?? process.env;
  const missing = tools.filter((tool) => findTool(tool.command, env) === undefined);
  if (missing.length === 0) return undefined;
  const what = `${tests} need ${describeMissing(missing)}`;
  if (isCi(env)) throw new Error(`${what}, which CI must have (a missing tool fails CI rather than skipping tests). Install: ${INSTALL_COMMAND}`);
  (options.report ?? reportToSummary)({ tests, missing });
  return `${what}: SKIPPED (install: ${INSTALL_COMMAND})`;
}

function describeMissing(missing: RequiredTool[]): string {
  return missing.map((tool) => `${tool.command} (${tool.package})`).join(', ');
}

/** The test file that called in (from the stack), relative to the repository, for labels. */
export function callerTestFile(): string {
  const match = new Error().stack?.split('\n').map((line) => /(?:file:\/\/)?(\/[^:)]+\.test\.ts)/.exec(line)?.[1]).find(Boolean);
  return match ? relative(process.cwd(), match) : 'a test file';
}

// Test files run in worker processes; the summary is printed once by the main process, so each skip
// is written as a small file into a folder that the global setup provides and reads at the end.
declare module 'vitest' {
  export interface ProvidedContext {
    missingToolsDir: string;
  }
}

function reportToSummary(record: MissingTools): void {
  let dir: string | undefined;
  try {
    dir = inject('missingToolsDir');
  } catch {
    dir = undefined; // not inside a vitest run that has the global setup
  }
  if (dir) recordMissingTools(dir, record);
  else console.warn(formatMissingToolsSummary([record]));
}

export function recordMissingTools(dir: string, record: MissingTools): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, `${randomUUID()}.json`), JSON.stringify(record));
}

export function readMissingTools(dir: string): MissingTools[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).filter((name) => name.endsWith('.json')).sort().map((name) => JSON.parse(readFileSync(join(dir, name), 'utf8')) as MissingTools);
}

/** The block printed at the end of a run: each missing package, the tests skipped for it, the install command. */
export function formatMissingToolsSummary(records: MissingTools[]): string {
  const byPackage = new Map<string, { commands: Set<string>; tests: Set<string> }>();
  for (const { tests, missing } of records) {
    for (const tool of missing) {
      const entry = byPackage.get(tool.package) ?? { commands: new Set(), tests: new Set() };
      entry.commands.add(tool.command);
      entry.tests.add(tests);
      byPackage.set(tool.package, entry);
    }
  }
  const lines = ['Tests SKIPPED because tools are missing on this machine (in CI this is a failure):'];
  for (const [pkg, { commands, tests }] of [...byPackage].sort(([a], [b]) => a.localeCompare(b))) {
    lines.push(`  ${pkg} (${[...commands].join(', ')} not found):`);
    for (const test of [...tests].sort()) lines.push(`    - ${test}`);
  }
  lines.push(`Install them with: ${INSTALL_COMMAND}`);
  return lines.join('\n');
}
