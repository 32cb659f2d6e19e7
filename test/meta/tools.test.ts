/**
 * The rule for tests that need an external tool (test/support/tools.ts): on a machine without it they
 * are skipped and named in one summary with the install command; in CI a missing tool is a failure.
 * Both branches are proved here with a PATH that lacks the tool and a fake executable that has it.
 */
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  INSTALL_COMMAND, POPPLER, chromiumTool, haproxyTool, findTool, formatMissingToolsSummary, isCi, readMissingTools, recordMissingTools, requireTools,
  type MissingTools,
} from '../support/tools.ts';

const work = mkdtempSync(join(tmpdir(), 'microcred-tools-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('required external tools', () => {
  // A PATH with nothing on it, and one with fake poppler programs (executable shell scripts).
  const none = mkdtempSync(join(work, 'none-'));
  const fakes = mkdtempSync(join(work, 'fakes-'));
  for (const { command } of POPPLER) {
    writeFileSync(join(fakes, command), '#!/bin/sh\nexit 0\n');
    chmodSync(join(fakes, command), 0o755);
  }
  writeFileSync(join(fakes, 'not-executable'), '');

  it('finds a program on PATH or by absolute path, and only if it is an executable file', () => {
    expect(findTool('pdftotext', { PATH: fakes })).toBe(join(fakes, 'pdftotext'));
    expect(findTool('pdftotext', { PATH: `${none}:${fakes}` })).toBe(join(fakes, 'pdftotext'));
    expect(findTool('pdftotext', { PATH: none })).toBeUndefined();
    expect(findTool('pdftotext', {})).toBeUndefined();
    expect(findTool('not-executable', { PATH: fakes })).toBeUndefined();
    expect(findTool(join(fakes, 'pdfinfo'), { PATH: '' })).toBe(join(fakes, 'pdfinfo'));
    expect(findTool(join(none, 'chromium'), { PATH: fakes })).toBeUndefined();
    expect(findTool(fakes, { PATH: '' })).toBeUndefined(); // a folder is not a program
  });

  it('counts any truthy CI as CI', () => {
    for (const value of ['true', '1', 'yes', 'TRUE', 'github']) expect(isCi({ CI: value }), value).toBe(true);
    for (const value of [undefined, '', '0', 'false', 'no', 'off', 'False']) expect(isCi({ CI: value }), String(value)).toBe(false);
  });

  it('outside CI: a missing tool skips the tests, says which and how to install, and records them for the summary', () => {
    const reports: MissingTools[] = [];
    const reason = requireTools('the certificate tests', POPPLER, { env: { PATH: none }, report: (record) => reports.push(record) });
    expect(reason).toContain('the certificate tests need pdfinfo (poppler-utils), pdftotext (poppler-utils)');
    expect(reason).toContain('SKIPPED');
    expect(reason).toContain(INSTALL_COMMAND);
    expect(reports).toEqual([{ tests: 'the certificate tests', missing: POPPLER }]);

    const chromium = chromiumTool({ CHROMIUM_PATH: join(none, 'chromium') });
    expect(requireTools('browser tests', [chromium], { env: { CI: 'false' }, report: (record) => reports.push(record) })).toContain(`${join(none, 'chromium')} (chromium)`);
    expect(reports).toHaveLength(2);

    const haproxy = haproxyTool({ HAPROXY_PATH: join(none, 'haproxy') });
    expect(requireTools('the multi-node test', [haproxy], { env: { CI: 'false' }, report: (record) => reports.push(record) })).toContain(`${join(none, 'haproxy')} (haproxy)`);
    expect(reports).toHaveLength(3);
    expect(() => requireTools('the multi-node test', [haproxy], { env: { CI: 'true' } })).toThrow(/haproxy/);
  });

  it('in CI: a missing tool throws (the file fails) with the install command, and nothing is recorded as skipped', () => {
    const reports: MissingTools[] = [];
    for (const CI of ['true', '1']) {
      expect(() => requireTools('the certificate tests', POPPLER, { env: { PATH: none, CI }, report: (record) => reports.push(record) }))
        .toThrow(/the certificate tests need pdfinfo \(poppler-utils\).*CI must have.*apt-get update && apt-get install -y chromium poppler-utils openssl haproxy/);
    }
    expect(() => requireTools('browser tests', [chromiumTool({ CHROMIUM_PATH: join(none, 'chromium') })], { env: { CI: 'true' } })).toThrow(/chromium/);
    expect(reports).toEqual([]);
  });

  it('with the tools present the tests run, in CI or not', () => {
    const reports: MissingTools[] = [];
    for (const env of [{ PATH: fakes }, { PATH: fakes, CI: 'true' }]) {
      expect(requireTools('the certificate tests', POPPLER, { env, report: (record) => reports.push(record) })).toBeUndefined();
    }
    expect(requireTools('browser tests', [{ command: join(fakes, 'pdfinfo'), package: 'chromium' }], { env: { CI: 'true' } })).toBeUndefined();
    expect(reports).toEqual([]);
  });

  it('the end-of-run summary groups skipped tests by package and ends with the one install command', () => {
    const dir = join(work, 'records');
    expect(readMissingTools(dir)).toEqual([]);
    recordMissingTools(dir, { tests: 'test/render/qr-pdf.test.ts (PDF certificate)', missing: POPPLER.slice(0, 2) });
    recordMissingTools(dir, { tests: 'test/e2e/wallet.test.ts (in Chromium)', missing: [{ command: '/usr/bin/chromium', package: 'chromium' }] });
    recordMissingTools(dir, { tests: 'test/http/sharing.test.ts (PDF certificate)', missing: POPPLER.slice(0, 2) });
    const summary = formatMissingToolsSummary(readMissingTools(dir));
    expect(summary.split('\n')).toEqual([
      'Tests SKIPPED because tools are missing on this machine (in CI this is a failure):',
      '  chromium (/usr/bin/chromium not found):',
      '    - test/e2e/wallet.test.ts (in Chromium)',
      '  poppler-utils (pdfinfo, pdftotext not found):',
      '    - test/http/sharing.test.ts (PDF certificate)',
      '    - test/render/qr-pdf.test.ts (PDF certificate)',
      `Install them with: ${INSTALL_COMMAND}`,
    ]);
  });
});
