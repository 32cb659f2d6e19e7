import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { buildApp, loggablePath } from '../../src/http/app.ts';
import { openRuntime, type Runtime } from '../../src/runtime.ts';
import type { FastifyInstance } from 'fastify';
import { createTestDatabase, type TestDatabase } from '../support/db.ts';
import { sessionFrom } from '../support/app.ts';

describe('structured logs keep secrets and personal data out; verification is rate-limited per address', () => {
  let database: TestDatabase;
  let runtime: Runtime;
  let app: FastifyInstance;
  const lines: string[] = [];

  beforeAll(async () => {
    database = await createTestDatabase('sqlite');
    runtime = await openRuntime(loadConfig({ MICROCRED_DATA: database.dataDir, PUBLIC_URL: 'https://issuer.test', LOG_LEVEL: 'info', JOB_WORKERS: '0', VERIFY_RATE_LIMIT: '3' }), {
      fetcher: () => Promise.reject(new Error('offline')),
    });
    const stream = new PassThrough();
    stream.on('data', (chunk: Buffer) => lines.push(...chunk.toString().split('\n').filter(Boolean)));
    app = await buildApp({ runtime, logStream: stream, webRoot: '/nonexistent' });
  });
  afterAll(async () => {
    await app.close();
    await runtime.close();
    await database.drop();
  });

  it('logs method, path and status, never cookies, API keys, query strings or claim tokens', async () => {
    const setup = await app.inject({ method: 'POST', url: '/api/v1/setup', payload: { organisationName: 'Uni', email: 'owner@uni.test', password: 'owner-password-1' } });
    const owner = sessionFrom(app, setup);
    const { organisationId } = setup.json() as { organisationId: string };
    await owner.request('GET', `/api/v1/organisations/${organisationId}/members?q=alice%40example.org`);
    await app.inject({ url: '/claim/SECRET-CLAIM-TOKEN-123', headers: { authorization: 'Bearer mck_secret' } });
    await new Promise((resolve) => setTimeout(resolve, 50));
    const text = lines.join('\n');
    expect(text).toContain('"path":"/api/v1/setup"');
    expect(text).toContain('"statusCode":201');
    for (const secret of ['owner-password-1', 'owner@uni.test', 'alice', owner.cookie.split('=')[1]!, owner.csrfToken, 'SECRET-CLAIM-TOKEN-123', 'mck_secret']) {
      expect(text, secret).not.toContain(secret);
    }
    expect(loggablePath('/claim/abc/def?x=1')).toBe('/claim/***/def');
    expect(loggablePath('/api/v1/claim/abc')).toBe('/api/v1/claim/***');
    expect(loggablePath('/s/secret-token/qr.png')).toBe('/s/***/qr.png');
    expect(loggablePath('/confirm-email/secret')).toBe('/confirm-email/***');
    expect(loggablePath('/setup')).toBe('/setup');
  });

  it('answers 429 with Retry-After once an address exceeds VERIFY_RATE_LIMIT per minute', async () => {
    const verify = (ip: string) => app.inject({ method: 'POST', url: '/credentials/verify', payload: { verifiableCredential: { not: 'a credential' } }, remoteAddress: ip });
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await verify('192.0.2.1')).statusCode);
    expect(statuses.slice(0, 3).every((s) => s !== 429)).toBe(true);
    const limited = await verify('192.0.2.1');
    expect(limited.statusCode).toBe(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect((await verify('192.0.2.2')).statusCode).not.toBe(429);
  });
});
