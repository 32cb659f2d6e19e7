import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { startServer } from '../../src/http/server.ts';
import { run } from '../cli/helpers.ts';

const folders: string[] = [];
function folder(): string {
  const dir = mkdtempSync(join(tmpdir(), 'microcred-server-'));
  folders.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of folders) rmSync(dir, { recursive: true, force: true });
});

describe('microcred init and the server on its embedded default (SQLite in the data folder)', () => {
  it('init prints the documented JSON; the server then serves that issuer over real HTTP', async () => {
    const data = folder();
    const env = { MICROCRED_DATA: data, PORT: '0', HOST: '127.0.0.1', PUBLIC_URL: 'http://127.0.0.1:3000', LOG_LEVEL: 'silent' };
    const result = await run(['init', '--org', 'Université Test', '--admin-email', 'owner@univ.test', '--admin-password', 'owner-password-1', '--json'], { env });
    expect(result.code).toBe(0);
    const answer = JSON.parse(result.stdout) as Record<string, string>;
    expect(Object.keys(answer).sort()).toEqual(['apiKey', 'issuerDid', 'issuerId', 'organisationId']);
    expect(answer.issuerDid).toBe(`did:web:127.0.0.1%3A3000:issuers:${answer.issuerId}`);
    expect(existsSync(join(data, 'microcred.sqlite'))).toBe(true);
    expect(existsSync(join(data, 'master.key'))).toBe(true);

    const server = await startServer(loadConfig(env), { logger: false });
    try {
      const health = await fetch(`${server.url}/health`);
      expect(await health.json()).toEqual({ status: 'ok', database: 'ok' });
      const issuers = await fetch(`${server.url}/api/v1/organisations/${answer.organisationId}/issuers`, { headers: { authorization: `Bearer ${answer.apiKey}` } });
      expect(issuers.status).toBe(200);
      expect(((await issuers.json()) as { items: { did: string }[] }).items[0]!.did).toBe(answer.issuerDid);
      const did = await fetch(`${server.url}/issuers/${answer.issuerId}/did.json`);
      expect(((await did.json()) as { id: string }).id).toBe(answer.issuerDid);
    } finally {
      await server.stop();
    }
    await expect(fetch(`${server.url}/health`)).rejects.toThrow();
  });

  it('init refuses bad input with exit code 2 naming the option', async () => {
    const env = { MICROCRED_DATA: folder(), LOG_LEVEL: 'silent' };
    const short = await run(['init', '--org', 'X', '--admin-email', 'a@b.eu', '--admin-password', 'short', '--json'], { env });
    expect(short.code).toBe(2);
    expect(short.stderr).toContain('--admin-password');
    const missing = await run(['init', '--org', 'X'], { env });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('--admin-email');
    const badConfig = await run(['init', '--org', 'X', '--admin-email', 'a@b.eu', '--admin-password', 'long-enough-1'], { env: { ...env, PORT: 'x' } });
    expect(badConfig.code).toBe(2);
    expect(badConfig.stderr).toContain('PORT');
  });

  it('a taken port is a clear error: exit 2 in one process; with WORKERS the primary stops instead of re-forking forever', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = String((blocker.address() as { port: number }).port);
    try {
      const env = { MICROCRED_DATA: folder(), PORT: port, LOG_LEVEL: 'silent' };
      const single = await run(['serve'], { env });
      expect(single.code).toBe(2);
      expect(single.stderr).toContain(`PORT ${port} on 127.0.0.1 is already in use`);
      const bin = fileURLToPath(new URL('../../bin/microcred.js', import.meta.url));
      const cluster = spawnSync(process.execPath, [bin, 'serve'], { env: { ...process.env, ...env, WORKERS: '2' }, timeout: 50_000, encoding: 'utf8' });
      expect(cluster.status).toBe(1);
      expect(cluster.stderr).toContain('before it could listen; stopping');
    } finally {
      blocker.close();
    }
  });

  it('serves https with a given certificate (TLS_CERT and TLS_KEY)', async (context) => {
    const dir = folder();
    try {
      execFileSync('openssl', ['req', '-x509', '-newkey', 'ed25519', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1',
        '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')], { stdio: 'ignore' });
    } catch {
      context.skip('SKIPPED: openssl is not installed, cannot make a test certificate');
    }
    const env = { MICROCRED_DATA: dir, PORT: '0', LOG_LEVEL: 'silent', TLS_CERT: join(dir, 'cert.pem'), TLS_KEY: join(dir, 'key.pem') };
    const server = await startServer(loadConfig(env), { logger: false });
    try {
      expect(server.url.startsWith('https://127.0.0.1:')).toBe(true);
      const body = await new Promise<string>((resolve, reject) => {
        const req = httpsRequest(`${server.url}/health`, { rejectUnauthorized: false }, (res) => {
          let text = '';
          res.on('data', (chunk: Buffer) => (text += chunk.toString()));
          res.on('end', () => resolve(text));
        });
        req.on('error', reject);
        req.end();
      });
      expect(JSON.parse(body)).toEqual({ status: 'ok', database: 'ok' });
    } finally {
      await server.stop();
    }
  });
});
