import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { formatMissingToolsSummary, readMissingTools } from './tools.ts';

/**
 * Runs once in vitest's main process: gives the test files a folder to record tests skipped for want of
 * a tool (test/support/tools.ts), and prints one summary of them when the run ends, so the skip is not
 * lost among the per-file output.
 */
export default function setup(project: TestProject): () => void {
  const dir = mkdtempSync(join(tmpdir(), 'microcred-missing-tools-'));
  project.provide('missingToolsDir', dir);
  return () => {
    const records = readMissingTools(dir);
    rmSync(dir, { recursive: true, force: true });
    if (records.length > 0) process.stdout.write(`\n${formatMissingToolsSummary(records)}\n\n`);
  };
}
