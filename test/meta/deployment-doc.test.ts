/**
 * docs/deployment.md stays true: its sample haproxy.cfg is one HAProxy accepts (`haproxy -c`), and it
 * does what the configuration of the multi-node test does (test/support/cluster.ts), which is the one
 * the chaos test proves.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { haproxyConfig } from '../support/cluster.ts';
import { haproxyTool, requireTools } from '../support/tools.ts';

const doc = readFileSync(new URL('../../docs/deployment.md', import.meta.url), 'utf8');
const sample = /```haproxy\n([\s\S]*?)```/.exec(doc)?.[1];
const noHaproxy = requireTools('the checks of docs/deployment.md\'s haproxy.cfg (test/meta/deployment-doc.test.ts)', [haproxyTool()]);

/** The directives that make the deployment hold; each must be in the document's sample and in the test's configuration. */
const ESSENTIAL = [
  'mode http',
  'timeout check 3s',
  'retries 2',
  'option redispatch 1',
  'http-request del-header X-Forwarded-For',
  'option forwardfor',
  'balance roundrobin',
  'option httpchk',
  'http-check send meth GET uri /health',
  'http-check expect status 200',
];

const directives = (config: string) => config.split('\n').map((line) => line.replace(/#.*/, '').trim().replace(/\s+/g, ' ')).filter(Boolean);

describe('docs/deployment.md', () => {
  it('has a sample haproxy.cfg with what the tested configuration has', () => {
    expect(sample).toBeDefined();
    const documented = directives(sample!);
    const tested = directives(haproxyConfig({ port: 8080, backends: [{ name: 'node1', port: 3001 }] }));
    for (const directive of ESSENTIAL) {
      expect(documented, directive).toContain(directive);
      expect(tested, directive).toContain(directive);
    }
    // Nodes out within two failed checks and back after two good ones, in both.
    for (const config of [documented, tested]) expect(config.some((line) => /^default-server inter \d+m?s fall 2 rise 2$/.test(line))).toBe(true);
  });

  it.skipIf(noHaproxy !== undefined)('its haproxy.cfg is accepted by HAProxy (haproxy -c)', (context) => {
    const dir = mkdtempSync(join(tmpdir(), 'microcred-haproxy-doc-'));
    try {
      try {
        execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1', '-subj', '/CN=credentials.univ.example',
          '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')], { stdio: 'ignore' });
      } catch {
        context.skip('SKIPPED: openssl is not installed, cannot make the certificate the sample names');
      }
      const pem = join(dir, 'site.pem');
      writeFileSync(pem, readFileSync(join(dir, 'cert.pem'), 'utf8') + readFileSync(join(dir, 'key.pem'), 'utf8'));
      const config = join(dir, 'haproxy.cfg');
      writeFileSync(config, sample!.replace(/crt \S+/, `crt ${pem}`));
      const checked = spawnSync(haproxyTool().command, ['-c', '-f', config], { encoding: 'utf8' });
      expect(checked.status, `${checked.stdout}\n${checked.stderr}`).toBe(0);
      // The check is real: a broken directive fails it.
      writeFileSync(config, sample!.replace('balance roundrobin', 'balance no-such-algorithm'));
      expect(spawnSync(haproxyTool().command, ['-c', '-f', config], { encoding: 'utf8' }).status).not.toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
