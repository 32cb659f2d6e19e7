import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { SYSTEM } from '../../src/services/access.ts';
import { createCredentialService } from '../../src/services/credentials/index.ts';
import { POOL_THRESHOLD } from '../../src/services/credentials/issue.ts';
import type { JsonObject } from '../../src/vc/types.ts';
import { createTestApp, type TestApp } from '../support/app.ts';
import { DIALECTS, warnIfPostgresSkipped } from '../support/db.ts';

warnIfPostgresSkipped();

// The pool itself (order, errors per item, crashes, close; both the server's and the CLI's forms of
// a batch) is tested in test/vc/signing-pool.test.ts; here, the credential service on it.
for (const dialect of DIALECTS) {
  describe(`issueMany on signing workers (${dialect})`, () => {
    let testApp: TestApp;
    let organisationId: string;
    let achievementId: string;
    let service: ReturnType<typeof createCredentialService>;

    beforeAll(async () => {
      testApp = await createTestApp(dialect);
      const { services } = testApp.runtime;
      const org = await services.accounts.init({ organisationName: 'Pool University', email: 'owner@pool.test', password: 'owner-password-1' });
      organisationId = org.organisationId;
      const created = await services.achievements.create(SYSTEM, organisationId, {
        issuerId: org.issuerId, name: 'Statistics', description: 'Statistics for everyone.', criteria: 'Pass the exam.', achievementType: 'MicroCredential',
        eu: { creditsAvailable: 3, eqfLevel: 5, learningOutcome: ['Computes a confidence interval'], assessmentType: ['exam'], participationForm: 'onsite', qualityAssurance: ['internal'] },
      } as Parameters<typeof services.achievements.create>[2]);
      achievementId = created.id;
      // Two workers whatever the machine, so the pooled path is the one under test.
      service = createCredentialService(testApp.runtime.ctx, { issuers: services.issuers, achievements: services.achievements, status: services.status, mail: services.mail }, { signingWorkers: 2 });
    });
    afterAll(async () => {
      await service.close();
      await testApp.close();
    });

    const items = (count: number, tag: string) => Array.from({ length: count }, (_, i) => ({
      input: {
        achievementId,
        recipient: i % 4 === 3 ? { did: `did:example:${tag}${i}`, name: `Learner ${i}` } : { email: `${tag}${i}@uni.test`, name: `Lérner ${i}` },
        ...(i % 2 === 0 ? { result: { grade: 'merit', creditsEarned: 3, description: 'Well done' } } : {}),
        ...(i % 3 === 0 ? { evidence: [{ id: `https://lms.test/${i}`, name: 'Project' }] } : {}),
      },
      dedupeKey: `${tag}-${i}`,
    }));

    it('stores what the main thread would have signed, without signing a batch on the main thread', async () => {
      const { ctx } = testApp.runtime;
      const batch = await service.prepareBatch(SYSTEM, organisationId, achievementId);
      const count = 250; // more than one insert chunk, not a multiple of it
      const spy = vi.spyOn(ctx.engine, 'sign');
      let issued: { id: string }[];
      try {
        issued = await ctx.db.transaction().execute((trx) => batch.issueMany(trx, items(count, 'pool')));
        expect(spy).not.toHaveBeenCalled();
      } finally {
        spy.mockRestore();
      }
      const rows = await ctx.db.selectFrom('credentials').select(['id', 'document', 'revocation_index', 'dedupe_key']).where('id', 'in', issued.map((row) => row.id)).execute();
      expect(rows).toHaveLength(count);
      const signer = (await testApp.runtime.services.issuers.signing((await ctx.db.selectFrom('credentials').select('issuer_id').where('id', '=', rows[0]!.id).executeTakeFirstOrThrow()).issuer_id)).signer;
      for (const row of rows.slice(0, 40)) {
        const document = JSON.parse(row.document) as JsonObject;
        const { proof, ...unsigned } = document;
        const created = new Date((proof as JsonObject).created as string);
        const again = await ctx.engine.sign({ credential: unsigned, signer, now: created });
        expect(row.document).toBe(JSON.stringify(again));
        // The status entry in the signed text is the allocated position of the row.
        expect(row.document).toContain(`"statusListIndex":"${row.revocation_index}"`);
      }
      const verified = await ctx.engine.verify({ credential: JSON.parse(rows[0]!.document) as JsonObject });
      expect(verified.verified).toBe(true);
    });

    it('signs a batch below the threshold in this thread', async () => {
      const { ctx } = testApp.runtime;
      const batch = await service.prepareBatch(SYSTEM, organisationId, achievementId);
      const spy = vi.spyOn(ctx.engine, 'sign');
      try {
        const issued = await ctx.db.transaction().execute((trx) => batch.issueMany(trx, items(POOL_THRESHOLD - 1, 'small')));
        expect(issued).toHaveLength(POOL_THRESHOLD - 1);
        expect(spy).toHaveBeenCalledTimes(POOL_THRESHOLD - 1);
      } finally {
        spy.mockRestore();
      }
    });
  });
}
