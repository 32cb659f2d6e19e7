/**
 * A bulk file with a great many bad rows (issue 11, fault 2). The issuing phase gathered every bad row
 * between two batches of good ones into one statement: 40,000 of them passed SQLite's limit on SQL
 * variables ("too many SQL variables"), 70,000 PostgreSQL's on bind parameters, and the whole job
 * failed with the SQL error shown to the uploader. Bad rows are now written in bounded batches.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRuntimeJobRunner } from '../../src/app-jobs.ts';
import { createJobQueue, createJobRunner, type JobRunner } from '../../src/queue/index.ts';
import { createBulkService, INTERNAL_FAILURE, type BatchIssuer } from '../../src/services/bulk/index.ts';
import { createTestApp, setUpOrganisation, type SetUpOrganisation, type TestApp } from '../support/app.ts';
import { DIALECTS, warnIfPostgresSkipped } from '../support/db.ts';

warnIfPostgresSkipped();

const EU = { creditsAvailable: 5, eqfLevel: 6, learningOutcome: ['Reads and presents data'], assessmentType: ['exam'], participationForm: 'online', qualityAssurance: ['internal'] };
const BAD = 100_000;
const GOOD = 10;

for (const dialect of DIALECTS) {
  describe(`bulk issuance of a file with ${BAD} bad rows (${dialect})`, () => {
    let t: TestApp;
    let org: SetUpOrganisation;
    let runner: JobRunner;

    beforeAll(async () => {
      t = await createTestApp(dialect);
      org = await setUpOrganisation(t.app);
      runner = createRuntimeJobRunner(t.runtime, { workers: 0 });
    });
    afterAll(async () => {
      await runner.stop();
      await t.close();
    });

    it('reports every bad row, issues the good ones and shows no SQL', async () => {
      const achievement = await org.owner.request('POST', `/api/v1/organisations/${org.organisationId}/achievements`, {
        issuerId: org.issuerId, name: 'Data Literacy', description: 'Reading data.', criteria: 'Pass.', achievementType: 'MicroCredential', eu: EU,
      });
      expect(achievement.statusCode, achievement.body).toBe(201);
      // Five good rows first, the bad ones, then five more good: bad rows gather on both sides of a batch.
      const lines = ['email,name'];
      for (let i = 0; i < GOOD / 2; i++) lines.push(`good${i}@uni.test,Good ${i}`);
      for (let i = 0; i < BAD; i++) lines.push(`bad${i}@,Bad ${i}`);
      for (let i = GOOD / 2; i < GOOD; i++) lines.push(`good${i}@uni.test,Good ${i}`);
      const upload = await org.owner.request('POST', `/api/v1/organisations/${org.organisationId}/bulk-issuances?achievementId=${(achievement.json() as { id: string }).id}`,
        `${lines.join('\n')}\n`, { 'content-type': 'text/csv' });
      expect(upload.statusCode, upload.body).toBe(202);
      const jobId = (upload.json() as { id: string }).id;
      expect(await runner.drain()).toBe(1);
      const response = await org.owner.request('GET', `/api/v1/bulk-issuances/${jobId}?errorsLimit=3`);
      expect(response.statusCode, response.body).toBe(200);
      const job = response.json();
      expect(response.body).not.toMatch(/SQL|variables|bind message|parameter|insert into|select /i);
      expect(job).toMatchObject({ status: 'done', failure: null, totalRows: BAD + GOOD, validRows: GOOD, invalidRows: BAD, issued: GOOD, processed: BAD + GOOD, errorCount: BAD });
      expect(job.errors).toEqual([
        { line: 7, messages: ['email "bad0@" is not an e-mail address'] },
        { line: 8, messages: ['email "bad1@" is not an e-mail address'] },
        { line: 9, messages: ['email "bad2@" is not an e-mail address'] },
      ]);
      const last = (await org.owner.request('GET', `/api/v1/bulk-issuances/${jobId}?errorsLimit=1&errorsOffset=${BAD - 1}`)).json();
      expect(last.errors).toEqual([{ line: BAD + 6, messages: [`email "bad${BAD - 1}@" is not an e-mail address`] }]);
      const issued = await t.runtime.store.db.selectFrom('credentials').select('recipient_email').where('bulk_job_id', '=', jobId).orderBy('recipient_email').execute();
      expect(issued.map((row) => row.recipient_email)).toEqual(Array.from({ length: GOOD }, (_, i) => `good${i}@uni.test`));
    }, 600_000);

    it('a job that fails on an error of ours says so in words, without the error text', async () => {
      const { services } = t.runtime;
      const achievement = await org.owner.request('POST', `/api/v1/organisations/${org.organisationId}/achievements`, {
        issuerId: org.issuerId, name: 'Statistics', description: 'Statistics.', criteria: 'Pass.', achievementType: 'MicroCredential', eu: EU,
      });
      const achievementId = (achievement.json() as { id: string }).id;
      const issuance: BatchIssuer = {
        async prepareBatch(who, organisationId, id) {
          const batch = await services.credentials.prepareBatch(who, organisationId, id);
          return {
            validate: (input) => batch.validate(input),
            issueMany: () => Promise.reject(Object.assign(new Error('SQLITE_ERROR: too many SQL variables in "insert into bulk_job_errors"'), { code: 'SQLITE_ERROR' })),
          };
        },
      };
      const bulk = createBulkService(t.runtime.ctx, { issuance });
      const failing = createJobRunner({ queue: createJobQueue({ db: t.runtime.store.db, dialect }), workers: 0, backoffMs: () => 0, handlers: { 'bulk-issuance': bulk.handler as never } });
      const actor = { kind: 'user' as const, userId: org.owner.userId };
      const job = await bulk.upload(actor, org.organisationId, achievementId, (async function* () { yield 'email\nana@uni.test\n'; })());
      await failing.drain();
      const failed = await bulk.get(actor, job.id);
      expect(failed).toMatchObject({ status: 'failed', failure: INTERNAL_FAILURE, issued: 0 });
      expect(JSON.stringify(failed)).not.toMatch(/SQL|insert into/i);
      // The operator keeps the cause, in the job's own record (and the log).
      const jobRow = await t.runtime.store.db.selectFrom('jobs').select('last_error').where('payload', 'like', `%${job.id}%`).executeTakeFirstOrThrow();
      expect(jobRow.last_error).toContain('too many SQL variables');
    });
  });
}
