import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRuntimeJobRunner } from '../../src/app-jobs.ts';
import { createJobQueue, createJobRunner, type JobRunner } from '../../src/queue/index.ts';
import { openRuntime } from '../../src/runtime.ts';
import { createBulkService, type BatchIssuer } from '../../src/services/bulk/index.ts';
import { bearer, createOrganisation, createTestApp, setUpOrganisation, type Session, type SetUpOrganisation, type TestApp, inviteMember } from '../support/app.ts';
import { DIALECTS, warnIfPostgresSkipped } from '../support/db.ts';

warnIfPostgresSkipped();

interface BulkJob {
  id: string; organisationId: string; achievementId: string; status: string; totalRows: number; validRows: number; invalidRows: number; processed: number;
  issued: number; skippedDuplicates: number; failure: string | null; errors: { line: number; messages: string[] }[]; errorCount: number;
  fileName: string | null; fileSha256: string; fileBytes: number; finishedAt: string | null;
}

const EU = { creditsAvailable: 5, eqfLevel: 6, learningOutcome: ['Reads and presents data'], assessmentType: ['exam'], participationForm: 'online', qualityAssurance: ['internal'] };

async function createAchievement(owner: Session, organisationId: string, issuerId: string, name = 'Data Literacy'): Promise<string> {
  const response = await owner.request('POST', `/api/v1/organisations/${organisationId}/achievements`, {
    issuerId, name, description: `${name}: reading and presenting data.`, criteria: 'Pass the final assessment.', achievementType: 'MicroCredential', eu: EU,
  });
  if (response.statusCode !== 201) throw new Error(`achievement: ${response.statusCode} ${response.body}`);
  return (response.json() as { id: string }).id;
}

/** n rows; rows whose 1-based data index is in `bad` carry a broken e-mail address (data row i is on line i + 1). */
function csv(n: number, bad: ReadonlySet<number> = new Set(), prefix = 'learner'): string {
  const lines = ['Email,Name,Result,creditsEarned'];
  for (let i = 1; i <= n; i++) lines.push(`${bad.has(i) ? `${prefix}${i}@` : `${prefix}${i}@uni.test`},Learner ${i},${i % 2 ? 'pass' : 'merit'},5`);
  return `${lines.join('\r\n')}\r\n`;
}

for (const dialect of DIALECTS) {
  describe(`bulk issuance over HTTP (${dialect})`, () => {
    let testApp: TestApp;
    let org: SetUpOrganisation;
    let achievementId: string;
    let runner: JobRunner;

    const upload = (body: string, options: { session?: Session; orgId?: string; achievement?: string; headers?: Record<string, string> } = {}) =>
      (options.session ?? org.owner).request('POST', `/api/v1/organisations/${options.orgId ?? org.organisationId}/bulk-issuances?achievementId=${options.achievement ?? achievementId}`, body, { 'content-type': 'text/csv', ...options.headers });
    const get = async (id: string, query = '') => {
      const response = await org.owner.request('GET', `/api/v1/bulk-issuances/${id}${query}`);
      expect(response.statusCode, response.body).toBe(200);
      return response.json() as BulkJob;
    };
    const uploadAndRun = async (body: string) => {
      const response = await upload(body);
      expect(response.statusCode, response.body).toBe(202);
      await runner.drain();
      return get((response.json() as BulkJob).id);
    };
    const credentialsOf = async (jobId: string) => testApp.runtime.store.db.selectFrom('credentials').select(['dedupe_key', 'recipient_email', 'revocation_list_id', 'document'])
      .where('bulk_job_id', '=', jobId).execute();

    beforeAll(async () => {
      testApp = await createTestApp(dialect);
      org = await setUpOrganisation(testApp.app);
      achievementId = await createAchievement(org.owner, org.organisationId, org.issuerId);
      runner = createRuntimeJobRunner(testApp.runtime, { workers: 0 });
    });
    afterAll(async () => {
      await runner.stop();
      await testApp.close();
    });

    it('issues the valid rows of a small file and reports the bad ones by line, in words', async () => {
      const body = `${csv(5, new Set([2]))}x@uni.test,Someone,pass,lots\n`;
      const response = await upload(body, { headers: { 'x-file-name': encodeURIComponent('cohort 1.csv') } });
      expect(response.statusCode, response.body).toBe(202);
      const job = response.json() as BulkJob;
      expect(job).toMatchObject({ status: 'queued', fileName: 'cohort 1.csv', fileBytes: Buffer.byteLength(body), organisationId: org.organisationId, achievementId });
      expect(job.fileSha256).toMatch(/^[0-9a-f]{64}$/);
      expect(await runner.drain()).toBe(1);
      const done = await get(job.id);
      expect(done).toMatchObject({ status: 'done', totalRows: 6, validRows: 4, invalidRows: 2, issued: 4, skippedDuplicates: 0, processed: 6, errorCount: 2, failure: null });
      expect(done.finishedAt).not.toBeNull();
      expect(done.errors).toEqual([
        { line: 3, messages: ['email "learner2@" is not an e-mail address'] },
        { line: 7, messages: ['creditsEarned "lots" is not a number of credits (e.g. 5 or 2.5)'] },
      ]);
      const issued = await credentialsOf(job.id);
      expect(issued.map((row) => row.recipient_email).sort()).toEqual(['learner1@uni.test', 'learner3@uni.test', 'learner4@uni.test', 'learner5@uni.test']);
      expect(issued.every((row) => row.revocation_list_id !== null && row.dedupe_key !== null)).toBe(true);
      const document = JSON.parse(issued[0]!.document) as { proof?: { cryptosuite?: string } };
      expect(document.proof?.cryptosuite).toBe('eddsa-rdfc-2022');
    });

    it('a 10,000-row file with 50 bad rows issues 9,950, reports the 50 by line, and issues none when uploaded again', async () => {
      const bad = new Set(Array.from({ length: 50 }, (_, k) => 97 + k * 199));
      const body = csv(10_000, bad, 'big');
      const first = await uploadAndRun(body);
      expect(first).toMatchObject({ status: 'done', totalRows: 10_000, validRows: 9_950, invalidRows: 50, issued: 9_950, skippedDuplicates: 0, processed: 10_000, errorCount: 50 });
      expect(first.errors.map((entry) => entry.line)).toEqual([...bad].map((i) => i + 1));
      expect(first.errors[0]).toEqual({ line: 98, messages: ['email "big97@" is not an e-mail address'] });
      const issued = await credentialsOf(first.id);
      expect(issued).toHaveLength(9_950);
      expect(new Set(issued.map((row) => row.dedupe_key)).size).toBe(9_950);

      const again = await uploadAndRun(body);
      expect(again).toMatchObject({ status: 'done', totalRows: 10_000, validRows: 9_950, invalidRows: 50, issued: 0, skippedDuplicates: 9_950, processed: 10_000, errorCount: 50 });
      expect(again.fileSha256).toBe(first.fileSha256);
      expect(await credentialsOf(again.id)).toHaveLength(0);
    }, 600_000);

    it('a row repeated within one file is issued once', async () => {
      const row = 'twice@uni.test,Twice,pass,5';
      const job = await uploadAndRun(`email,name,grade,credits\n${row}\nonce@uni.test,Once,pass,5\n${row}\n`);
      expect(job).toMatchObject({ status: 'done', totalRows: 3, validRows: 3, issued: 2, skippedDuplicates: 1 });
    });

    it('accepts did and recipient columns, header names in any case, and reports unknown columns on line 1', async () => {
      const job = await uploadAndRun('RECIPIENT,Name,Colour,Valid From,validUntil,evidenceUrl,EvidenceNarrative\n'
        + 'did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK,Dee,blue,2026-01-01,2027-01-01,https://lms.uni.test/1,Built a dashboard\n'
        + 'rec@uni.test,Rec,red,2026-01-01,2025-01-01,ftp://x,\n'
        + 'rec2@uni.test,Rec2,red,yesterday,,,\n');
      expect(job).toMatchObject({ status: 'done', totalRows: 3, validRows: 1, invalidRows: 2, issued: 1 });
      expect(job.errors).toEqual([
        { line: 1, messages: ['column "colour" is not one microcred knows; its values were ignored'] },
        { line: 3, messages: ['validUntil "2025-01-01" is not after validFrom "2026-01-01"', 'evidenceUrl "ftp://x" is not a web address (http or https)'] },
        { line: 4, messages: ['validFrom "yesterday" is not a date (write it like 2026-09-01 or 2026-09-01T09:00:00Z)'] },
      ]);
      const [credential] = await credentialsOf(job.id);
      const document = JSON.parse(credential!.document) as { credentialSubject: { id?: string }; evidence?: { id?: string; narrative?: string }[]; validFrom?: string };
      expect(document.credentialSubject.id).toBe('did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK');
      expect(document.evidence?.[0]).toMatchObject({ id: 'https://lms.uni.test/1', narrative: 'Built a dashboard' });
    });

    it('fails a file whose header names no recipient, or that has no rows, saying why', async () => {
      const noRecipient = await uploadAndRun('name,result\nAda,pass\n');
      expect(noRecipient.status).toBe('failed');
      expect(noRecipient.failure).toMatch(/^line 1: the header has no "email", "did" or "recipient" column/);
      expect(noRecipient.errors[0]!.line).toBe(1);
      expect(await credentialsOf(noRecipient.id)).toHaveLength(0);

      const headerOnly = await uploadAndRun('email,name\n');
      expect(headerOnly).toMatchObject({ status: 'failed', failure: 'line 2: the file has a header but no rows', issued: 0 });

      const twice = await uploadAndRun('email,result,grade\na@uni.test,pass,merit\n');
      expect(twice.status).toBe('failed');
      expect(twice.failure).toContain('the columns "result" and "grade" both give the result');

      const broken = await uploadAndRun('email,"name\nx@uni.test,X\n');
      expect(broken.status).toBe('failed');
      expect(broken.failure).toMatch(/^line 1: The header row is unreadable/);
    });

    it('refuses an empty body, a body that is not CSV, and an unknown achievement', async () => {
      const empty = await upload('');
      expect(empty.statusCode).toBe(400);
      expect(empty.json()).toMatchObject({ detail: 'the file is empty: send the CSV as the request body' });
      const list = await org.owner.request('GET', `/api/v1/organisations/${org.organisationId}/bulk-issuances?limit=200`);
      expect((list.json() as { items: BulkJob[] }).items.every((item) => item.fileBytes > 0)).toBe(true);
      const json = await org.owner.request('POST', `/api/v1/organisations/${org.organisationId}/bulk-issuances?achievementId=${achievementId}`, { email: 'x@uni.test' });
      expect(json.statusCode).toBe(415);
      expect(json.headers['content-type']).toContain('application/problem+json');
      const unknown = await upload('email\nx@uni.test\n', { achievement: '00000000-0000-4000-8000-000000000000' });
      expect(unknown.statusCode).toBe(422);
      expect(unknown.json()).toMatchObject({ errors: [{ pointer: '/achievementId' }] });
      const missing = await org.owner.request('POST', `/api/v1/organisations/${org.organisationId}/bulk-issuances`, 'email\nx@uni.test\n', { 'content-type': 'text/csv' });
      expect(missing.statusCode).toBe(400);
      expect(missing.json()).toMatchObject({ errors: [{ pointer: '/querystring/achievementId' }] });
      const badId = await org.owner.request('GET', '/api/v1/bulk-issuances/not-a-uuid');
      expect(badId.statusCode).toBe(400);
      const none = await org.owner.request('GET', '/api/v1/bulk-issuances/00000000-0000-4000-8000-000000000000');
      expect(none.statusCode).toBe(404);
    });

    it('pages the report and lists the organisation\'s jobs newest first', async () => {
      const job = await uploadAndRun(csv(6, new Set([1, 3, 5]), 'page'));
      const page = await get(job.id, '?errorsOffset=1&errorsLimit=1');
      expect(page.errorCount).toBe(3);
      expect(page.errors).toEqual([{ line: 4, messages: ['email "page3@" is not an e-mail address'] }]);
      const list = await org.owner.request('GET', `/api/v1/organisations/${org.organisationId}/bulk-issuances?limit=2`);
      expect(list.statusCode).toBe(200);
      const items = (list.json() as { items: BulkJob[] }).items;
      expect(items).toHaveLength(2);
      expect(items[0]!.id).toBe(job.id);
      expect(items[0]!.errors).toEqual([]);
      expect(items[0]!.errorCount).toBe(3);
    });

    it('keeps organisations apart: another organisation\'s member or key and anonymous callers get 404 or 401, never the job', async () => {
      const job = (await upload(csv(1))).json() as BulkJob;
      const other = await createOrganisation(testApp, 'Other College', 'owner@other.test');
      const otherAchievement = await createAchievement(other.owner, other.organisationId, other.issuerId, 'Other course');
      const calls: [string, string][] = [
        ['GET', `/api/v1/bulk-issuances/${job.id}`],
        ['GET', `/api/v1/organisations/${org.organisationId}/bulk-issuances`],
      ];
      for (const [method, url] of calls) {
        expect((await other.owner.request(method as 'GET', url)).statusCode).toBe(404);
        expect((await testApp.app.inject({ method: method as 'GET', url, headers: bearer(other.apiKey) })).statusCode).toBe(404);
        expect((await testApp.app.inject({ method: method as 'GET', url })).statusCode).toBe(401);
      }
      expect((await upload(csv(1), { session: other.owner })).statusCode).toBe(404);
      const anonymous = await testApp.app.inject({ method: 'POST', url: `/api/v1/organisations/${org.organisationId}/bulk-issuances?achievementId=${achievementId}`, payload: csv(1), headers: { 'content-type': 'text/csv' } });
      expect(anonymous.statusCode).toBe(401);
      const viaKey = await testApp.app.inject({ method: 'POST', url: `/api/v1/organisations/${org.organisationId}/bulk-issuances?achievementId=${achievementId}`, payload: csv(1), headers: { 'content-type': 'text/csv', ...bearer(other.apiKey) } });
      expect(viaKey.statusCode).toBe(404);
      // Our member cannot issue another organisation's achievement into ours.
      const foreign = await upload(csv(1), { achievement: otherAchievement });
      expect(foreign.statusCode).toBe(422);

      // The other organisation's own key works on its own organisation, and sees its own job only.
      const own = await testApp.app.inject({ method: 'POST', url: `/api/v1/organisations/${other.organisationId}/bulk-issuances?achievementId=${otherAchievement}`, payload: csv(2), headers: { 'content-type': 'text/csv', ...bearer(other.apiKey) } });
      expect(own.statusCode, own.body).toBe(202);
      const ownId = (own.json() as BulkJob).id;
      expect((await testApp.app.inject({ method: 'GET', url: `/api/v1/bulk-issuances/${ownId}`, headers: bearer(other.apiKey) })).statusCode).toBe(200);
      expect((await org.owner.request('GET', `/api/v1/bulk-issuances/${ownId}`)).statusCode).toBe(404);
      await runner.drain();
    });

    it('lets a viewer neither upload nor read reports (403)', async () => {
      const added = await inviteMember(testApp.app, org.owner, org.organisationId, { email: 'viewer@uni.test', role: 'viewer', password: 'viewer-password-1' });
      expect(added.statusCode, added.body).toBe(200);
      const login = await testApp.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email: 'viewer@uni.test', password: 'viewer-password-1' } });
      const { sessionFrom } = await import('../support/app.ts');
      const viewer = sessionFrom(testApp.app, login);
      expect((await upload(csv(1), { session: viewer })).statusCode).toBe(403);
      const job = (await upload(csv(1, new Set(), 'viewer'))).json() as BulkJob;
      expect((await viewer.request('GET', `/api/v1/bulk-issuances/${job.id}`)).statusCode).toBe(403);
      expect((await viewer.request('GET', `/api/v1/organisations/${org.organisationId}/bulk-issuances`)).statusCode).toBe(403);
      await runner.drain();
    });

    it('survives a restart mid-job: the job resumes elsewhere, losing and duplicating nothing', async () => {
      const body = csv(1000, new Set([10, 500]), 'resume');
      const job = (await upload(body)).json() as BulkJob;

      // Node A: the real issuance, stopped gracefully after two committed batches.
      let calls = 0;
      const interrupting: BatchIssuer = {
        async prepareBatch(actor, organisationId, id) {
          const batch = await testApp.runtime.services.credentials.prepareBatch(actor, organisationId, id);
          return {
            validate: (input) => batch.validate(input),
            async issueMany(trx, items) {
              const result = await batch.issueMany(trx, items);
              if (++calls === 2) void nodeA.stop();
              return result;
            },
          };
        },
      };
      const serviceA = createBulkService(testApp.runtime.ctx, { issuance: interrupting });
      const queue = createJobQueue({ db: testApp.runtime.store.db, dialect: testApp.runtime.store.dialect });
      const nodeA = createJobRunner({ queue, handlers: { 'bulk-issuance': serviceA.handler as never }, workers: 0 });
      expect(await nodeA.runOnce()).toBe(true);
      const halfway = await get(job.id);
      expect(halfway).toMatchObject({ status: 'issuing', issued: 400, invalidRows: 2, validRows: 998 });
      expect(halfway.processed).toBeGreaterThanOrEqual(400);
      expect(halfway.processed).toBeLessThan(1000);
      const queued = await testApp.runtime.store.db.selectFrom('jobs').selectAll().where('payload', 'like', `%${job.id}%`).executeTakeFirstOrThrow();
      expect(queued).toMatchObject({ status: 'queued', locked_by: null, attempts: 0 });

      // Node A crashes for good while running the job (its lease left behind, expired).
      await testApp.runtime.store.db.updateTable('jobs').set({ status: 'running', locked_by: 'node-a:dead', locked_until: new Date(Date.now() - 1000).toISOString(), attempts: 1 })
        .where('id', '=', queued.id).execute();

      // Node B: a new runtime on the same database takes the job over and finishes it.
      const runtimeB = await openRuntime(testApp.runtime.config, { fetcher: () => Promise.reject(new Error('no network')) });
      try {
        const nodeB = createRuntimeJobRunner(runtimeB, { workers: 0 });
        expect(await nodeB.drain()).toBe(1);
      } finally {
        await runtimeB.close();
      }
      const done = await get(job.id);
      expect(done).toMatchObject({ status: 'done', totalRows: 1000, validRows: 998, invalidRows: 2, issued: 998, skippedDuplicates: 0, processed: 1000 });
      const issued = await credentialsOf(job.id);
      expect(issued).toHaveLength(998);
      expect(new Set(issued.map((row) => row.recipient_email)).size).toBe(998);
      const finished = await testApp.runtime.store.db.selectFrom('jobs').select(['status', 'attempts']).where('id', '=', queued.id).executeTakeFirstOrThrow();
      expect(finished).toEqual({ status: 'done', attempts: 2 });
    });
  });
}
