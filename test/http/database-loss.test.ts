/**
 * A node survives losing its PostgreSQL connections (issue 11, fault 1). Before, the server ending an
 * idle connection (restart, failover, `pg_terminate_backend`) raised an unheard 'error' on the pool and
 * the process exited. Here the app reaches PostgreSQL through a TCP proxy the test controls, so the
 * database can be made unreachable (connection refused) and brought back without touching the server
 * that other test files use. Only this file's own connections are terminated: they carry an
 * application_name of their own.
 */
import { randomBytes } from 'node:crypto';
import { createServer, connect, type Server, type Socket } from 'node:net';
import type { FastifyInstance } from 'fastify';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { buildApp } from '../../src/http/app.ts';
import { createRuntimeJobRunner } from '../../src/app-jobs.ts';
import type { JobRunner } from '../../src/queue/index.ts';
import { openRuntime, type Runtime } from '../../src/runtime.ts';
import { setUpOrganisation, TEST_PUBLIC_URL, type SetUpOrganisation } from '../support/app.ts';
import { createTestDatabase, warnIfPostgresSkipped, type TestDatabase } from '../support/db.ts';

warnIfPostgresSkipped();

const EU = { creditsAvailable: 5, eqfLevel: 6, learningOutcome: ['Reads and presents data'], assessmentType: ['exam'], participationForm: 'online', qualityAssurance: ['internal'] };
const APP_NAME = `microcred-dbloss-${randomBytes(4).toString('hex')}`;

/** A TCP proxy to PostgreSQL that can be cut (its port closed, every connection reset) and reopened on the same port. */
function createProxy(target: { host: string; port: number }) {
  const sockets = new Set<Socket>();
  let server: Server | undefined;
  let port = 0;
  const proxy = {
    get port() { return port; },
    async open(): Promise<void> {
      server = createServer((client) => {
        const upstream = connect(target.port, target.host);
        const end = () => {
          client.destroy();
          upstream.destroy();
          sockets.delete(client);
          sockets.delete(upstream);
        };
        for (const socket of [client, upstream]) {
          sockets.add(socket);
          socket.on('error', end);
          socket.on('close', end);
        }
        client.pipe(upstream);
        upstream.pipe(client);
      });
      await new Promise<void>((resolve, reject) => {
        server!.once('error', reject);
        server!.listen(port, '127.0.0.1', () => resolve());
      });
      port = (server.address() as { port: number }).port;
    },
    async cut(): Promise<void> {
      for (const socket of sockets) socket.destroy();
      sockets.clear();
      await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
      server = undefined;
    },
  };
  return proxy;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until<T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs = 30_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

describe.skipIf(!process.env.TEST_DATABASE_URL)('a node survives losing its database (postgres)', () => {
  let database: TestDatabase;
  let proxy: ReturnType<typeof createProxy>;
  let runtime: Runtime;
  let app: FastifyInstance;
  let org: SetUpOrganisation;
  let admin: pg.Client;
  let runner: JobRunner | undefined;
  const previousAppName = process.env.PGAPPNAME;

  /** This file's own backends on the server (never anyone else's). */
  const ownBackends = async () => (await admin.query<{ pid: number }>('select pid from pg_stat_activity where application_name = $1', [APP_NAME])).rows.map((row) => row.pid);

  beforeAll(async () => {
    database = await createTestDatabase('postgres');
    const direct = new URL(database.databaseUrl!);
    proxy = createProxy({ host: direct.hostname, port: Number(direct.port || 5432) });
    await proxy.open();
    const viaProxy = new URL(direct);
    viaProxy.host = `127.0.0.1:${proxy.port}`;
    // node-postgres names its connections from PGAPPNAME; only the app's pool connects from here on.
    process.env.PGAPPNAME = APP_NAME;
    runtime = await openRuntime(loadConfig({
      MICROCRED_DATA: database.dataDir, PUBLIC_URL: TEST_PUBLIC_URL, LOG_LEVEL: 'silent', JOB_WORKERS: '0', DATABASE_URL: viaProxy.toString(),
    }), { fetcher: () => Promise.reject(new Error('tests do not reach the network')) });
    app = await buildApp({ runtime, logger: false, webRoot: '/nonexistent' });
    admin = new pg.Client({ connectionString: process.env.TEST_DATABASE_URL, application_name: `${APP_NAME}-admin` });
    await admin.connect();
    org = await setUpOrganisation(app);
  });
  afterAll(async () => {
    await runner?.stop();
    await app?.close();
    await runtime?.close();
    await admin?.end();
    await proxy?.cut();
    await database?.drop();
    if (previousAppName === undefined) delete process.env.PGAPPNAME;
    else process.env.PGAPPNAME = previousAppName;
  });

  it('pg_terminate_backend on its connections: the process lives on and the next request works', async () => {
    // Several connections open and idle in the pool.
    await Promise.all(Array.from({ length: 4 }, () => app.inject('/api/v1/setup')));
    const before = await ownBackends();
    expect(before.length).toBeGreaterThan(0);
    // An unheard 'error' event is an uncaught exception: in a server process, the end of it.
    const uncaught: unknown[] = [];
    const hear = (error: unknown) => uncaught.push(error);
    process.on('uncaughtException', hear);
    try {
      const terminated = await admin.query<{ ok: boolean }>('select pg_terminate_backend(pid) as ok from pg_stat_activity where application_name = $1', [APP_NAME]);
      expect(terminated.rows.every((row) => row.ok)).toBe(true);
      // The idle clients hear 57P01 (admin_shutdown); before the fix, that 'error' was unheard and ended the process.
      await sleep(500);
    } finally {
      process.off('uncaughtException', hear);
    }
    expect(uncaught.map((error) => String(error))).toEqual([]);
    expect((await app.inject('/health')).statusCode).toBe(200);
    const me = await org.owner.request('GET', '/api/v1/me');
    expect(me.statusCode, me.body).toBe(200);
    const after = await ownBackends();
    expect(after.length).toBeGreaterThan(0);
    expect(after.filter((pid) => before.includes(pid))).toEqual([]);
  });

  it('while the database refuses connections: /health is 503, requests a clean 503 problem; both recover without a restart', async () => {
    await proxy.cut();
    const health = await app.inject('/health');
    expect(health.statusCode).toBe(503);
    expect(health.json()).toEqual({ status: 'unavailable', database: 'unreachable' });
    for (const response of [
      await app.inject('/api/v1/setup'),
      await org.owner.request('GET', '/api/v1/me'),
      await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email: 'owner@uni.test', password: 'owner-password-1' } }),
    ]) {
      expect(response.statusCode, response.body).toBe(503);
      expect(response.headers['content-type']).toContain('application/problem+json');
      expect(response.headers['retry-after']).toBe('5');
      expect(response.json()).toMatchObject({ type: 'https://w3id.org/microcred/problems/unavailable', title: 'Service unavailable', status: 503 });
      expect(response.body).not.toMatch(/ECONNREFUSED|127\.0\.0\.1|pg|postgres|pool|connect/i);
    }
    await proxy.open();
    expect((await app.inject('/health')).statusCode).toBe(200);
    expect((await org.owner.request('GET', '/api/v1/me')).statusCode).toBe(200);
  });

  it('a bulk job under way when the database goes away resumes when it is back: every row issued once', async () => {
    const achievement = await org.owner.request('POST', `/api/v1/organisations/${org.organisationId}/achievements`, {
      issuerId: org.issuerId, name: 'Data Literacy', description: 'Reading data.', criteria: 'Pass.', achievementType: 'MicroCredential', eu: EU,
    });
    expect(achievement.statusCode, achievement.body).toBe(201);
    const rows = 1500;
    const csv = ['email,name', ...Array.from({ length: rows }, (_, i) => `learner${i}@uni.test,Learner ${i}`)].join('\n');
    const upload = await org.owner.request('POST', `/api/v1/organisations/${org.organisationId}/bulk-issuances?achievementId=${(achievement.json() as { id: string }).id}`, csv, { 'content-type': 'text/csv' });
    expect(upload.statusCode, upload.body).toBe(202);
    const jobId = (upload.json() as { id: string }).id;
    const job = async () => (await runtime.store.db.selectFrom('bulk_jobs').select(['status', 'processed', 'issued']).where('id', '=', jobId).executeTakeFirstOrThrow());
    runner = createRuntimeJobRunner(runtime, { workers: 1, leaseMs: 1500, pollMs: 100, backoffMs: () => 200 });
    runner.start();
    await until('the job to issue its first batch', async () => {
      const state = await job();
      return state.status === 'issuing' && state.processed > 0;
    });
    const cutAt = await job();
    await proxy.cut();
    await sleep(1500);
    await proxy.open();
    const done = await until('the job to finish', async () => {
      const state = await job().catch(() => undefined);
      return state && (state.status === 'done' || state.status === 'failed') ? state : undefined;
    }, 120_000);
    expect(cutAt.processed).toBeLessThan(rows); // it was cut mid-way
    expect(done).toMatchObject({ status: 'done', processed: rows, issued: rows });
    const issued = await runtime.store.db.selectFrom('credentials').select((eb) => [eb.fn.countAll<number>().as('n'), eb.fn.count<number>('dedupe_key').distinct().as('keys')])
      .where('bulk_job_id', '=', jobId).executeTakeFirstOrThrow();
    expect({ n: Number(issued.n), keys: Number(issued.keys) }).toEqual({ n: rows, keys: rows });
  }, 180_000);
});
