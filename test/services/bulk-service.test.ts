import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createJobQueue, createJobRunner, type JobRunner } from '../../src/queue/index.ts';
import { SYSTEM, type Actor } from '../../src/services/access.ts';
import { createBulkService, FileTooLarge, type BatchIssuer, type BulkService, type IssuanceBatch } from '../../src/services/bulk/index.ts';
import { InvalidInput, NotFound } from '../../src/services/errors.ts';
import { createTestApp, type TestApp } from '../support/app.ts';
import { DIALECTS, warnIfPostgresSkipped } from '../support/db.ts';

warnIfPostgresSkipped();

/** The text as bytes cut every `size` bytes (through multi-byte characters too). */
async function* pieces(text: string, size: number): AsyncGenerator<Uint8Array> {
  const bytes = Buffer.from(text);
  for (let at = 0; at < bytes.length; at += size) yield bytes.subarray(at, at + size);
}

for (const dialect of DIALECTS) {
  describe(`bulk service (${dialect})`, () => {
    let testApp: TestApp;
    let organisationId: string;
    let achievementId: string;
    let actor: Actor;

    /** A bulk service over the real credential service, with `wrap` around its batches, and a runner for it alone. */
    function setUp(wrap: (batch: IssuanceBatch) => IssuanceBatch = (batch) => batch, options: { maxBytes?: number; chunkChars?: number; batchSize?: number; prepare?: () => void } = {}): { bulk: BulkService; runner: JobRunner } {
      const issuance: BatchIssuer = {
        async prepareBatch(who, org, id) {
          options.prepare?.();
          return wrap(await testApp.runtime.services.credentials.prepareBatch(who, org, id));
        },
      };
      const bulk = createBulkService(testApp.runtime.ctx, { issuance }, options);
      const queue = createJobQueue({ db: testApp.runtime.store.db, dialect });
      return { bulk, runner: createJobRunner({ queue, workers: 0, backoffMs: () => 0, handlers: { 'bulk-issuance': bulk.handler as never } }) };
    }

    beforeAll(async () => {
      testApp = await createTestApp(dialect);
      const { services } = testApp.runtime;
      const org = await services.accounts.init({ organisationName: 'Service University', email: 'owner@service.test', password: 'owner-password-1' });
      organisationId = org.organisationId;
      actor = { kind: 'user', userId: org.user.id };
      const achievement = await services.achievements.create(actor, organisationId, {
        issuerId: org.issuerId, name: 'Statistics', description: 'Statistics for everyone.', criteria: 'Pass the exam.', achievementType: 'MicroCredential',
        eu: { creditsAvailable: 3, eqfLevel: 5, learningOutcome: ['Computes a confidence interval'], assessmentType: ['exam'], participationForm: 'onsite', qualityAssurance: ['internal'] },
      } as Parameters<typeof services.achievements.create>[2]);
      achievementId = achievement.id;
    });
    afterAll(async () => {
      await testApp.close();
    });

    it('streams the upload into pieces, decoding characters cut between network chunks, and hashes the bytes', async () => {
      const { bulk, runner } = setUp(undefined, { chunkChars: 40 });
      const text = 'email,name\nzoe@uni.test,Zoë Ångström 🎓\nli@uni.test,李小龙\nmo@uni.test,Mo\n';
      const job = await bulk.upload(actor, organisationId, achievementId, pieces(text, 7), { fileName: 'names.csv' });
      expect(job.fileBytes).toBe(Buffer.byteLength(text));
      const { createHash } = await import('node:crypto');
      expect(job.fileSha256).toBe(createHash('sha256').update(text).digest('hex'));
      const stored = await testApp.runtime.store.db.selectFrom('bulk_job_chunks').select(['seq', 'data']).where('job_id', '=', job.id).orderBy('seq').execute();
      expect(stored.length).toBeGreaterThan(1);
      expect(stored.map((chunk) => chunk.data).join('')).toBe(text);
      await runner.drain();
      const done = await bulk.get(actor, job.id);
      expect(done).toMatchObject({ status: 'done', issued: 3 });
      const names = await testApp.runtime.store.db.selectFrom('credentials').select('recipient_name').where('bulk_job_id', '=', job.id).orderBy('recipient_name').execute();
      expect(names.map((row) => row.recipient_name).sort()).toEqual(['Mo', 'Zoë Ångström 🎓', '李小龙'].sort());
      // Once done the file itself is no longer kept; the report and the counts are.
      expect(await testApp.runtime.store.db.selectFrom('bulk_job_chunks').select('seq').where('job_id', '=', job.id).execute()).toEqual([]);
    });

    it('refuses a file over the limit and keeps nothing of it', async () => {
      const { bulk } = setUp(undefined, { maxBytes: 1000, chunkChars: 100 });
      const text = `email\n${Array.from({ length: 100 }, (_, i) => `big${i}@uni.test`).join('\n')}\n`;
      const before = await testApp.runtime.store.db.selectFrom('bulk_jobs').select('id').execute();
      await expect(bulk.upload(actor, organisationId, achievementId, pieces(text, 64))).rejects.toBeInstanceOf(FileTooLarge);
      const after = await testApp.runtime.store.db.selectFrom('bulk_jobs').select('id').execute();
      expect(after).toHaveLength(before.length);
      const orphans = await testApp.runtime.store.db.selectFrom('bulk_job_chunks').select('job_id').where('job_id', 'not in', after.length ? after.map((row) => row.id) : ['']).execute();
      expect(orphans).toEqual([]);
    });

    it('reports by line a row the credential service refuses at issuance, and issues the rest of its batch', async () => {
      const { bulk, runner } = setUp((batch) => ({
        validate: (input) => batch.validate(input),
        async issueMany(trx, items) {
          if (items.some((item) => item.input.recipient.email === 'refused@uni.test')) throw new InvalidInput('the recipient has opted out of credentials');
          return batch.issueMany(trx, items);
        },
      }), { batchSize: 3 });
      const job = await bulk.upload(actor, organisationId, achievementId, pieces('email\na1@uni.test\nrefused@uni.test\na3@uni.test\na4@uni.test\n', 1000));
      await runner.drain();
      const done = await bulk.get(actor, job.id);
      expect(done).toMatchObject({ status: 'done', totalRows: 4, validRows: 3, invalidRows: 1, issued: 3, processed: 4 });
      expect(done.errors).toEqual([{ line: 3, messages: ['the recipient has opted out of credentials'] }]);
    });

    it('reports a row that passed validation but no longer passes when its turn comes (checks that depend on the time)', async () => {
      let seen = 0;
      const { bulk, runner } = setUp((batch) => ({
        validate(input) {
          if (input.recipient.email === 'late@uni.test' && seen++ > 0) return [{ pointer: '/validUntil', message: 'is in the past' }];
          return batch.validate(input);
        },
        issueMany: (trx, items) => batch.issueMany(trx, items),
      }), { batchSize: 2 });
      const job = await bulk.upload(actor, organisationId, achievementId, pieces('email,validUntil\nt1@uni.test,\nlate@uni.test,2030-01-01\nt3@uni.test,\n', 1000));
      await runner.drain();
      const done = await bulk.get(actor, job.id);
      expect(done).toMatchObject({ status: 'done', totalRows: 3, validRows: 2, invalidRows: 1, issued: 2, processed: 3 });
      expect(done.errors).toEqual([{ line: 3, messages: ['validUntil "2030-01-01" is in the past'] }]);
    });

    it('drops the pieces of an upload its node never finished, a day later', async () => {
      const { bulk, runner } = setUp();
      const db = testApp.runtime.store.db;
      const staleId = '00000000-0000-4000-8000-00000000dead';
      await db.insertInto('bulk_jobs').values({
        id: staleId, organisation_id: organisationId, achievement_id: achievementId, file_name: null, file_sha256: '', file_bytes: 0, status: 'queued',
        total_rows: 0, valid_rows: 0, invalid_rows: 0, processed: 0, issued: 0, skipped_duplicates: 0, failure: null, created_by: null,
        created_at: new Date(Date.now() - 2 * 86_400_000).toISOString(), started_at: null, finished_at: null,
      }).execute();
      await db.insertInto('bulk_job_chunks').values({ job_id: staleId, seq: 0, data: 'email\nhalf' }).execute();
      await expect(bulk.get(actor, staleId)).rejects.toBeInstanceOf(NotFound);
      await bulk.upload(actor, organisationId, achievementId, pieces('email\nnext@uni.test\n', 1000));
      expect(await db.selectFrom('bulk_jobs').select('id').where('id', '=', staleId).execute()).toEqual([]);
      expect(await db.selectFrom('bulk_job_chunks').select('seq').where('job_id', '=', staleId).execute()).toEqual([]);
      expect(await runner.drain()).toBe(1);
    });

    it('retries after a passing failure without issuing anything twice', async () => {
      let failures = 0;
      const { bulk, runner } = setUp((batch) => ({
        validate: (input) => batch.validate(input),
        async issueMany(trx, items) {
          const result = await batch.issueMany(trx, items);
          // The connection drops after the batch was written but before it committed.
          if (items.some((item) => item.input.recipient.email === 'r5@uni.test') && failures++ === 0) throw new Error('connection reset');
          return result;
        },
      }), { batchSize: 2 });
      const rows = Array.from({ length: 7 }, (_, i) => `r${i + 1}@uni.test`).join('\n');
      const job = await bulk.upload(actor, organisationId, achievementId, pieces(`email\n${rows}\n`, 1000));
      expect(await runner.drain()).toBe(2);
      const done = await bulk.get(actor, job.id);
      expect(done).toMatchObject({ status: 'done', issued: 7, skippedDuplicates: 0, processed: 7 });
      const keys = await testApp.runtime.store.db.selectFrom('credentials').select('recipient_email').where('bulk_job_id', '=', job.id).execute();
      expect(keys).toHaveLength(7);
      const jobRow = await testApp.runtime.store.db.selectFrom('jobs').select(['status', 'attempts', 'last_error']).where('payload', 'like', `%${job.id}%`).executeTakeFirstOrThrow();
      expect(jobRow).toEqual({ status: 'done', attempts: 2, last_error: 'connection reset' });
    });

    it('fails the job at once, saying why, when issuing became impossible after the upload', async () => {
      let calls = 0;
      const { bulk, runner } = setUp(undefined, { prepare: () => { if (++calls > 1) throw new NotFound('achievement'); } });
      const job = await bulk.upload(actor, organisationId, achievementId, pieces('email\ngone@uni.test\n', 1000));
      await runner.drain();
      const failed = await bulk.get(actor, job.id);
      expect(failed).toMatchObject({ status: 'failed', failure: 'cannot issue: achievement not found', issued: 0 });
      expect(failed.finishedAt).not.toBeNull();
      const jobRow = await testApp.runtime.store.db.selectFrom('jobs').select(['status', 'attempts']).where('payload', 'like', `%${job.id}%`).executeTakeFirstOrThrow();
      expect(jobRow).toEqual({ status: 'failed', attempts: 1 });
    });

    it('runs the job with the uploader\'s rights, checked again when it runs', async () => {
      const { services } = testApp.runtime;
      // An existing account (members are no longer given a password by an admin: they sign up or are invited).
      await services.learners.signup({ email: 'temp@service.test', password: 'temp-password-1' });
      await services.accounts.addMember(actor, organisationId, { email: 'temp@service.test', role: 'issuer' });
      const member = (await services.accounts.listMembers(actor, organisationId)).find((m) => m.email === 'temp@service.test')!;
      const temp: Actor = { kind: 'user', userId: member.userId };
      const { bulk, runner } = setUp();
      const job = await bulk.upload(temp, organisationId, achievementId, pieces('email\nleft@uni.test\n', 1000));
      await services.accounts.removeMember(actor, organisationId, member.userId);
      await runner.drain();
      expect(await bulk.get(SYSTEM, job.id)).toMatchObject({ status: 'failed', issued: 0 });
    });
  });
}
