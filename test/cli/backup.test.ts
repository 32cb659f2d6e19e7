/**
 * `microcred backup` / `microcred restore` (issue 11): a backup taken while the app runs, restored
 * into a fresh data folder (SQLite) or a fresh database (PostgreSQL), gives an app on which every
 * credential still verifies — proofs checked by the digitalbazaar reference — and every status is as
 * it was; the master key is handled as documented; a non-empty target, a damaged or truncated file
 * and a wrong master key are refused with nothing touched.
 */
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as vc from '@digitalbazaar/vc';
import { DataIntegrityProof } from '@digitalbazaar/data-integrity';
import { cryptosuite as eddsaRdfc2022Cryptosuite } from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import { loadConfig } from '../../src/config.ts';
import { buildApp } from '../../src/http/app.ts';
import { openRuntime, type Runtime } from '../../src/runtime.ts';
import type { DocumentLoader, JsonObject } from '../../src/vc/types.ts';
import { appDocumentLoader } from '../support/app-document-loader.ts';
import { createTestApp, TEST_PUBLIC_URL, type TestApp } from '../support/app.ts';
import { DIALECTS, warnIfPostgresSkipped } from '../support/db.ts';
import { issuingOrganisation } from '../http/credentials-fixture.ts';
import { run, tempDir } from './helpers.ts';

warnIfPostgresSkipped();

// The reference status library ships no types: the one function used here is described below.
const REFERENCE_STATUS = '@digitalbazaar/vc-bitstring-status-list';
const { checkStatus } = (await import(REFERENCE_STATUS)) as {
  checkStatus(options: { credential: JsonObject; documentLoader: DocumentLoader; suite: unknown; verifyBitstringStatusListCredential?: boolean; verifyMatchingIssuers?: boolean }): Promise<{ verified: boolean; results?: { verified: boolean; status: boolean; credentialStatus: JsonObject }[]; error?: Error }>;
};

interface Target {
  env: Record<string, string>;
  dataDir: string;
  drop(): Promise<void>;
}

/** Runs the CLI and expects success, showing its error output when not. */
async function succeeds(argv: string[], env: Record<string, string>) {
  const result = await run(argv, { env });
  expect(result.code, result.stderr).toBe(0);
  return result;
}

const sha = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

for (const dialect of DIALECTS) {
  describe(`microcred backup and restore (${dialect})`, () => {
    let source: TestApp;
    let work: string;
    const targets: Target[] = [];
    const issued: { id: string; credential: JsonObject; status: 'active' | 'revoked' | 'suspended' }[] = [];

    /** A fresh, empty place to restore into: a new data folder, and for PostgreSQL a new database (same schema name). */
    async function freshTarget(env: Record<string, string> = {}): Promise<Target> {
      const dataDir = join(await tempDir(), 'restored');
      if (dialect === 'sqlite') {
        const target = { env: { MICROCRED_DATA: dataDir, ...env }, dataDir, drop: async () => {} };
        targets.push(target);
        return target;
      }
      const name = `restore_${randomBytes(5).toString('hex')}`;
      const admin = new pg.Client({ connectionString: process.env.TEST_DATABASE_URL });
      await admin.connect();
      await admin.query(`create database ${name}`);
      await admin.end();
      const url = new URL(source.database.databaseUrl!);
      url.pathname = `/${name}`;
      const target = {
        env: { MICROCRED_DATA: dataDir, DATABASE_URL: url.toString(), ...env },
        dataDir,
        async drop() {
          const client = new pg.Client({ connectionString: process.env.TEST_DATABASE_URL });
          await client.connect();
          await client.query(`drop database if exists ${name} with (force)`);
          await client.end();
        },
      };
      targets.push(target);
      return target;
    }

    const sourceEnv = () => ({ MICROCRED_DATA: source.database.dataDir, ...(source.database.databaseUrl ? { DATABASE_URL: source.database.databaseUrl } : {}) });

    beforeAll(async () => {
      source = await createTestApp(dialect);
      work = await tempDir();
      // Suspendable (an opt-in), so that a suspended credential can be backed up and restored too.
      const org = await issuingOrganisation(source, { suspendable: true });
      for (const [email, status] of [['ana@learner.test', 'active'], ['ben@learner.test', 'revoked'], ['cleo@learner.test', 'suspended']] as const) {
        const response = await org.owner.request('POST', `/api/v1/organisations/${org.organisationId}/credentials`, { achievementId: org.achievementId, recipient: { email } });
        expect(response.statusCode).toBe(201);
        const { id, document } = response.json() as { id: string; document: unknown };
        issued.push({ id, credential: (typeof document === 'string' ? JSON.parse(document) : document) as JsonObject, status });
      }
      expect((await org.owner.request('POST', `/api/v1/credentials/${issued[1]!.id}/revoke`, { reason: 'awarded in error' })).statusCode).toBe(200);
      expect((await org.owner.request('POST', `/api/v1/credentials/${issued[2]!.id}/suspend`, { reason: 'under review' })).statusCode).toBe(200);
    });
    afterAll(async () => {
      for (const target of targets) await target.drop();
      await source?.close();
    });

    /** Opens an app on a restored target, as `microcred serve` would. */
    async function openRestored(target: Target): Promise<{ app: FastifyInstance; runtime: Runtime; close(): Promise<void> }> {
      const config = loadConfig({ PUBLIC_URL: TEST_PUBLIC_URL, LOG_LEVEL: 'silent', JOB_WORKERS: '0', ...target.env });
      const runtime = await openRuntime(config, { fetcher: () => Promise.reject(new Error('tests do not reach the network')) });
      const app = await buildApp({ runtime, logger: false, webRoot: '/nonexistent' });
      return { app, runtime, async close() { await app.close(); await runtime.close(); } };
    }

    it('backs up while the app runs; restored into a fresh place, every credential verifies and keeps its status', async () => {
      const plain = join(work, 'plain.mcbackup');
      const withKey = join(work, 'with-key.mcbackup');
      // The app keeps writing while the backup runs: a credential issued meanwhile must not break it.
      const [result] = await Promise.all([
        run(['backup', plain], { env: sourceEnv() }),
        source.runtime.services.accounts.init({ organisationName: 'Busy Meanwhile', email: 'busy@org.test', password: 'busy-password-1' }),
      ]);
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      expect(result.stdout).toContain('The master key is NOT in this file');
      expect(result.stdout).toContain(join(source.database.dataDir, 'master.key'));
      expect(statSync(plain).mode & 0o777).toBe(0o600);
      expect(readFileSync(plain).includes(readFileSync(join(source.database.dataDir, 'master.key'), 'utf8').trim())).toBe(false);

      const keyed = await run(['backup', withKey, '--include-master-key', '--json'], { env: sourceEnv() });
      expect(keyed.code).toBe(0);
      expect(JSON.parse(keyed.stdout).masterKey).toMatchObject({ included: true, fingerprint: expect.stringMatching(/^[0-9a-f]{16}$/) });

      // Without the key in the backup and none at hand, restore refuses before touching anything.
      const bare = await freshTarget();
      const refused = await run(['restore', plain], { env: bare.env });
      expect(refused.code).toBe(2);
      expect(refused.stderr).toMatch(/does not hold the master key .* none is at hand/);
      expect(existsSync(bare.dataDir)).toBe(false);

      // A wrong key at hand is refused too.
      const wrong = await run(['restore', withKey], { env: { ...bare.env, MICROCRED_MASTER_KEY: randomBytes(32).toString('base64') } });
      expect(wrong.code).toBe(2);
      expect(wrong.stderr).toMatch(/MICROCRED_MASTER_KEY is another key/);
      expect(existsSync(bare.dataDir)).toBe(false);

      const restored = await run(['restore', withKey], { env: bare.env });
      expect(restored.stderr).toBe('');
      expect(restored.code).toBe(0);
      expect(restored.stdout).toContain('The master key from the backup was written to');
      expect(readFileSync(join(bare.dataDir, 'master.key'), 'utf8')).toBe(readFileSync(join(source.database.dataDir, 'master.key'), 'utf8'));
      expect(statSync(join(bare.dataDir, 'master.key')).mode & 0o777).toBe(0o600);

      const node = await openRestored(bare);
      try {
        const statuses = async (db: Runtime['ctx']['db']) => await db.selectFrom('credentials').select(['id', 'status', 'status_reason', 'revocation_index', 'suspension_index']).orderBy('id').execute();
        expect(await statuses(node.runtime.ctx.db)).toEqual(await statuses(source.runtime.ctx.db));

        const documentLoader = appDocumentLoader({ app: node.app } as TestApp);
        const suite = new DataIntegrityProof({ cryptosuite: eddsaRdfc2022Cryptosuite });
        for (const { credential, status } of issued) {
          // Ours, over HTTP on the restored node: the status check reads the restored, re-served lists.
          const response = await node.app.inject({ method: 'POST', url: '/credentials/verify', payload: { verifiableCredential: credential } });
          const checks = response.json().checks as { check: string; outcome: string; message: string }[];
          expect(checks.find((c) => c.check === 'proof')?.outcome).toBe('passed');
          const statusCheck = checks.find((c) => c.check === 'status')!;
          if (status === 'active') {
            expect(response.statusCode).toBe(200);
            expect(statusCheck.outcome).toBe('passed');
          } else {
            expect(response.statusCode).toBe(400);
            expect(statusCheck.message).toContain(status === 'revoked' ? 'revoked' : 'suspended');
          }
          // The reference: the proof, and the bits it reads from the restored node's signed lists.
          const proof = await vc.verifyCredential({ credential, suite, documentLoader, checkStatus: async () => ({ verified: true }) });
          expect(proof.error).toBeUndefined();
          expect(proof.verified).toBe(true);
          const reference = await checkStatus({ credential, documentLoader, suite, verifyBitstringStatusListCredential: true, verifyMatchingIssuers: true });
          expect(reference.error).toBeUndefined();
          expect(reference.results!.map((r) => [r.credentialStatus.statusPurpose, r.status])).toEqual([
            ['revocation', status === 'revoked'],
            ['suspension', status === 'suspended'],
          ]);
        }

        // The restored issuer key opens with the restored master key: the node can sign again.
        const owner = await node.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email: 'owner@uni.test', password: 'owner-password-1' } });
        expect(owner.statusCode).toBe(200);
        const org = await node.runtime.ctx.db.selectFrom('organisations').select('id').orderBy('created_at').executeTakeFirstOrThrow();
        const achievement = await node.runtime.ctx.db.selectFrom('achievements').select('id').executeTakeFirstOrThrow();
        const cookie = owner.cookies.find((c) => c.name === 'mc_session')!;
        const again = await node.app.inject({
          method: 'POST', url: `/api/v1/organisations/${org.id}/credentials`,
          headers: { cookie: `mc_session=${cookie.value}`, 'x-csrf-token': owner.json().csrfToken },
          payload: { achievementId: achievement.id, recipient: { email: 'dan@learner.test' } },
        });
        expect(again.statusCode, again.body).toBe(201);
      } finally {
        await node.close();
      }

      // Over a non-empty target: refused unless --force.
      const over = await run(['restore', withKey], { env: bare.env });
      expect(over.code).toBe(2);
      expect(over.stderr).toMatch(/not empty.*--force/);
      const forced = await run(['restore', withKey, '--force'], { env: bare.env });
      expect(forced.stderr).toBe('');
      expect(forced.code).toBe(0);
    });

    it('restores a backup without the key when the right master key is given with MICROCRED_MASTER_KEY', async () => {
      const plain = join(work, 'plain-2.mcbackup');
      await succeeds(['backup', plain], sourceEnv());
      const key = readFileSync(join(source.database.dataDir, 'master.key'), 'utf8').trim();
      const target = await freshTarget({ MICROCRED_MASTER_KEY: key });
      const restored = await run(['restore', plain], { env: target.env });
      expect(restored.stderr).toBe('');
      expect(restored.code).toBe(0);
      expect(restored.stdout).toContain('is the one that sealed');
      expect(existsSync(join(target.dataDir, 'master.key'))).toBe(false); // the configured key stays the only one
      const node = await openRestored(target);
      try {
        const response = await node.app.inject({ method: 'POST', url: '/credentials/verify', payload: { verifiableCredential: issued[0]!.credential } });
        expect(response.statusCode).toBe(200);
      } finally {
        await node.close();
      }
    });

    it('a damaged, truncated or foreign file is refused with a clear error, and the target is left as it was', async () => {
      const good = join(work, 'good.mcbackup');
      await succeeds(['backup', good, '--include-master-key'], sourceEnv());
      const bytes = readFileSync(good);
      const flipped = Buffer.from(bytes);
      flipped[bytes.length - 100] = bytes[bytes.length - 100]! ^ 0xff;
      const cases: [string, Buffer, RegExp][] = [
        ['flipped.mcbackup', flipped, /is damaged: the database copy in it does not match its checksum/],
        ['truncated.mcbackup', bytes.subarray(0, Math.floor(bytes.length / 2)), /is cut short or padded/],
        ['header-only.mcbackup', bytes.subarray(0, 40), /damaged or cut short|not valid JSON/],
        ['foreign.mcbackup', Buffer.from('SQLite format 3\u0000 and so on'), /is not a microcred backup/],
        ['empty.mcbackup', Buffer.alloc(0), /is not a microcred backup/],
      ];
      // Into a fresh place: nothing is created.
      const fresh = await freshTarget();
      // Over a restored place with --force: nothing is replaced.
      const existing = await freshTarget();
      await succeeds(['restore', good], existing.env);
      const before = dialect === 'sqlite' ? sha(join(existing.dataDir, 'microcred.sqlite')) : undefined;
      for (const [name, content, message] of cases) {
        const file = join(work, name);
        writeFileSync(file, content);
        for (const [target, extra] of [[fresh, []], [existing, ['--force']]] as const) {
          const result = await run(['restore', file, ...extra], { env: target.env });
          expect(result.code, `${name}: ${result.stderr}`).toBe(2);
          expect(result.stderr).toMatch(message);
          expect(result.stderr).not.toMatch(/\n\s+at /); // no stack trace
        }
        expect(existsSync(fresh.dataDir)).toBe(false);
        if (before) expect(sha(join(existing.dataDir, 'microcred.sqlite'))).toBe(before);
      }
      // The target still works: the restored credentials are all there.
      const node = await openRestored(existing);
      try {
        const { count } = await node.runtime.ctx.db.selectFrom('credentials').select((eb) => eb.fn.countAll<number>().as('count')).executeTakeFirstOrThrow();
        expect(Number(count)).toBeGreaterThanOrEqual(3);
      } finally {
        await node.close();
      }
    });

    it('refuses a backup of the other dialect, an existing output file and a missing argument', async () => {
      const file = join(work, 'exists.mcbackup');
      writeFileSync(file, 'x');
      const exists = await run(['backup', file], { env: sourceEnv() });
      expect(exists.code).toBe(2);
      expect(exists.stderr).toMatch(/already exists/);
      expect(readFileSync(file, 'utf8')).toBe('x');
      expect((await run(['backup'], { env: sourceEnv() })).code).toBe(2);
      const good = join(work, 'dialect.mcbackup');
      await succeeds(['backup', good, '--include-master-key'], sourceEnv());
      if (process.env.TEST_DATABASE_URL) {
        const other: Record<string, string> = dialect === 'sqlite'
          ? { MICROCRED_DATA: join(await tempDir(), 'x'), DATABASE_URL: process.env.TEST_DATABASE_URL }
          : { MICROCRED_DATA: join(await tempDir(), 'x') };
        const result = await run(['restore', good], { env: other });
        expect(result.code).toBe(2);
        expect(result.stderr).toMatch(/the backup is of a .* database, but the target is/);
      }
    });
  });
}

describe.skipIf(!process.env.TEST_DATABASE_URL)('microcred backup and restore of a database on the public schema (postgres, no search_path)', () => {
  const names = [`pubsrc_${randomBytes(4).toString('hex')}`, `pubdst_${randomBytes(4).toString('hex')}`];
  const urlOf = (name: string) => {
    const url = new URL(process.env.TEST_DATABASE_URL!);
    url.pathname = `/${name}`;
    return url.toString();
  };
  beforeAll(async () => {
    const admin = new pg.Client({ connectionString: process.env.TEST_DATABASE_URL });
    await admin.connect();
    for (const name of names) await admin.query(`create database ${name}`);
    await admin.end();
  });
  afterAll(async () => {
    const admin = new pg.Client({ connectionString: process.env.TEST_DATABASE_URL });
    await admin.connect();
    for (const name of names) await admin.query(`drop database if exists ${name} with (force)`);
    await admin.end();
  });

  it('restores into a new database, whose public schema already exists', async () => {
    const dir = await tempDir();
    const env = { MICROCRED_DATA: join(dir, 'a'), DATABASE_URL: urlOf(names[0]!), PUBLIC_URL: TEST_PUBLIC_URL };
    await succeeds(['init', '--org', 'Public Schema University', '--admin-email', 'owner@public.test', '--admin-password', 'owner-password-1'], env);
    const file = join(dir, 'public.mcbackup');
    await succeeds(['backup', file, '--include-master-key'], env);
    const target = { MICROCRED_DATA: join(dir, 'b'), DATABASE_URL: urlOf(names[1]!) };
    await succeeds(['restore', file], target);
    const client = new pg.Client({ connectionString: target.DATABASE_URL });
    await client.connect();
    const { rows } = await client.query<{ name: string }>('select name from public.organisations');
    await client.end();
    expect(rows.map((row) => row.name)).toEqual(['Public Schema University']);
    expect((await run(['restore', file], { env: target })).code).toBe(2); // no longer empty
    await succeeds(['restore', file, '--force'], target);
  });
});
