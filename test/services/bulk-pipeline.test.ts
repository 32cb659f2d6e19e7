import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createJobQueue, createJobRunner, type JobRunner } from '../../src/queue/index.ts';
import type { Actor } from '../../src/services/access.ts';
import { createBulkService, type BatchIssuer, type BulkService, type IssuanceBatch } from '../../src/services/bulk/index.ts';
import { createCredentialService } from '../../src/services/credentials/index.ts';
import { InvalidInput } from '../../src/services/errors.ts';
import type { JsonObject } from '../../src/vc/types.ts';
import { createTestApp, type TestApp } from '../support/app.ts';
import { DIALECTS, warnIfPostgresSkipped } from '../support/db.ts';

warnIfPostgresSkipped();

async function* text(body: string): AsyncGenerator<Uint8Array> {
  yield Buffer.from(body);
}

/**
 * Bulk issuance pipelined over signing workers: each batch is staged (status allocated, signing
 * started) while the one before it is stored. Dedupe, resume and the report must be exactly those
 * of the unpipelined path.
 */
for (const dialect of DIALECTS) {
  describe(`pipelined bulk issuance (${dialect})`, () => {
    let testApp: TestApp;
    let organisationId: string;
    let achievementId: string;
    let issuerId: string;
    let actor: Actor;
    let credentials: ReturnType<typeof createCredentialService>;

    function setUp(wrap: (batch: IssuanceBatch) => IssuanceBatch, batchSize: number): { bulk: BulkService; runner: JobRunner } {
      const issuance: BatchIssuer = { prepareBatch: async (who, org, id) => wrap(await credentials.prepareBatch(who, org, id)) };
      const bulk = createBulkService(testApp.runtime.ctx, { issuance }, { batchSize });
      const queue = createJobQueue({ db: testApp.runtime.store.db, dialect });
      return { bulk, runner: createJobRunner({ queue, workers: 0, backoffMs: () => 0, handlers: { 'bulk-issuance': bulk.handler as never } }) };
    }

    const positions = async () => Number((await testApp.runtime.store.db.selectFrom('status_allocations').innerJoin('status_lists', 'status_lists.id', 'status_allocations.list_id')
      .select((eb) => eb.fn.countAll<number>().as('n')).where('status_lists.issuer_id', '=', issuerId).executeTakeFirstOrThrow()).n);

    const issuedBy = (jobId: string) => testApp.runtime.store.db.selectFrom('credentials').select(['recipient_email', 'document', 'dedupe_key'])
      .where('bulk_job_id', '=', jobId).execute();

    beforeAll(async () => {
      testApp = await createTestApp(dialect);
      const { services } = testApp.runtime;
      const org = await services.accounts.init({ organisationName: 'Pipeline University', email: 'owner@pipeline.test', password: 'owner-password-1' });
      organisationId = org.organisationId;
      issuerId = org.issuerId;
      actor = { kind: 'user', userId: org.user.id };
      const achievement = await services.achievements.create(actor, organisationId, {
        issuerId, name: 'Pipelines', description: 'Doing two things at once.', criteria: 'Pass the exam.', achievementType: 'MicroCredential',
        eu: { creditsAvailable: 2, eqfLevel: 5, learningOutcome: ['Overlaps work'], assessmentType: ['exam'], participationForm: 'online', qualityAssurance: ['internal'] },
      } as Parameters<typeof services.achievements.create>[2]);
      achievementId = achievement.id;
      // Signing workers whatever the machine: the pipelined path is the one under test.
      credentials = createCredentialService(testApp.runtime.ctx, { issuers: services.issuers, achievements: services.achievements, status: services.status, mail: services.mail }, { signingWorkers: 2 });
    });
    afterAll(async () => {
      await credentials.close();
      await testApp.close();
    });

    it('issues each row once across batches, skips a re-upload entirely, and allocates status only for what it issues', async () => {
      let staged = 0;
      const { bulk, runner } = setUp((batch) => {
        expect(batch.stage).toBeDefined();
        return { ...batch, validate: (input) => batch.validate(input), issueMany: (trx, items) => batch.issueMany(trx, items), stage: (items) => { staged++; return batch.stage!(items); } };
      }, 20);
      // Line 3's recipient again on line 25 (the next batch, in flight when staged) and line 70 (committed by then).
      const rows = Array.from({ length: 90 }, (_, i) => `p${i}@uni.test,Learner ${i}`);
      rows[22] = rows[0]!;
      rows[67] = rows[0]!;
      const csv = `email,name\n${rows.join('\n')}\n`;
      const before = await positions();
      const job = await bulk.upload(actor, organisationId, achievementId, text(csv));
      await runner.drain();
      expect(staged).toBeGreaterThan(1);
      expect(await bulk.get(actor, job.id)).toMatchObject({ status: 'done', totalRows: 90, issued: 88, skippedDuplicates: 2, processed: 90 });
      const issued = await issuedBy(job.id);
      expect(issued).toHaveLength(88);
      expect(new Set(issued.map((row) => row.dedupe_key)).size).toBe(88);
      expect(await positions()).toBe(before + 88);
      // Signed on the workers, yet what the engine of this thread verifies and would have signed.
      const { ctx, services } = testApp.runtime;
      const { signer } = await services.issuers.signing(issuerId);
      for (const row of issued.slice(0, 5)) {
        const { proof, ...unsigned } = JSON.parse(row.document) as JsonObject;
        expect(JSON.stringify(await ctx.engine.sign({ credential: unsigned, signer, now: new Date((proof as JsonObject).created as string) }))).toBe(row.document);
      }
      expect((await ctx.engine.verify({ credential: JSON.parse(issued[0]!.document) as JsonObject })).verified).toBe(true);

      // The same file again: every row is already issued, and nothing is allocated or signed for it.
      const again = await bulk.upload(actor, organisationId, achievementId, text(csv));
      await runner.drain();
      expect(await bulk.get(actor, again.id)).toMatchObject({ status: 'done', issued: 0, skippedDuplicates: 90 });
      expect(await positions()).toBe(before + 88);
    });

    it('stopped while a batch is staged, resumes losing and duplicating nothing', async () => {
      let staged = 0;
      const first = setUp((batch) => ({
        validate: (input) => batch.validate(input),
        issueMany: (trx, items) => batch.issueMany(trx, items),
        async stage(items) {
          if (++staged === 3) void first.runner.stop();
          return batch.stage!(items);
        },
      }), 20);
      const runner = first.runner;
      const csv = `email\n${Array.from({ length: 100 }, (_, i) => `stop${i}@uni.test`).join('\n')}\n`;
      const job = await first.bulk.upload(actor, organisationId, achievementId, text(csv));
      const before = await positions();
      expect(await runner.runOnce()).toBe(true);
      const halfway = await first.bulk.get(actor, job.id);
      expect(halfway.status).toBe('issuing');
      expect(halfway.issued).toBeLessThan(100);
      expect(halfway.issued).toBe((await issuedBy(job.id)).length);

      const second = setUp((batch) => batch, 20);
      expect(await second.runner.drain()).toBe(1);
      expect(await second.bulk.get(actor, job.id)).toMatchObject({ status: 'done', issued: 100, skippedDuplicates: 0, processed: 100 });
      const issued = await issuedBy(job.id);
      expect(new Set(issued.map((row) => row.recipient_email)).size).toBe(100);
      expect(issued).toHaveLength(100);
      // Positions staged for batches never stored stay taken, unused: as many batches as are staged
      // ahead at most (one on SQLite, two on PostgreSQL). One position per credential: the achievement
      // does not enable suspension, so only the revocation list is used.
      const extra = (await positions()) - before - 100;
      expect(extra).toBeGreaterThanOrEqual(0);
      expect(extra).toBeLessThanOrEqual(20 * (dialect === 'postgres' ? 2 : 1));
    });

    it('reports by line a row refused when its staged batch is stored, and issues the rest', async () => {
      const refuse = (emails: (string | undefined)[]) => {
        if (emails.includes('refused@uni.test')) throw new InvalidInput('the recipient has opted out of credentials');
      };
      const { bulk, runner } = setUp((batch) => ({
        validate: (input) => batch.validate(input),
        async issueMany(trx, items) {
          refuse(items.map((item) => item.input.recipient.email));
          return batch.issueMany(trx, items);
        },
        async stage(items) {
          const staged = await batch.stage!(items);
          return {
            async commit(trx, keep) {
              refuse(items.filter((_, i) => !keep || keep(i)).map((item) => item.input.recipient.email));
              return staged.commit(trx, keep);
            },
          };
        },
      }), 20);
      const emails = Array.from({ length: 50 }, (_, i) => (i === 30 ? 'refused@uni.test' : `ok${i}@uni.test`));
      const job = await bulk.upload(actor, organisationId, achievementId, text(`email\n${emails.join('\n')}\n`));
      await runner.drain();
      const done = await bulk.get(actor, job.id);
      expect(done).toMatchObject({ status: 'done', totalRows: 50, validRows: 49, invalidRows: 1, issued: 49, processed: 50 });
      expect(done.errors).toEqual([{ line: 32, messages: ['the recipient has opted out of credentials'] }]);
      expect(await issuedBy(job.id)).toHaveLength(49);
    });
  });
}
