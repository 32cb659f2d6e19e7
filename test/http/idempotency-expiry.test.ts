import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IDEMPOTENCY_KEY_LIFETIME_MS } from '../../src/services/credentials/index.ts';
import { createTestApp, type TestApp } from '../support/app.ts';
import { DIALECTS, warnIfPostgresSkipped } from '../support/db.ts';
import { issuingOrganisation } from './credentials-fixture.ts';

warnIfPostgresSkipped();

for (const dialect of DIALECTS) {
  describe(`Idempotency-Key lifetime (${dialect})`, () => {
    let t: TestApp;
    let clock = new Date('2026-11-28T10:00:00Z').getTime();
    beforeAll(async () => {
      t = await createTestApp(dialect, { now: () => new Date(clock) });
    });
    afterAll(async () => {
      await t.close();
    });

    it('replays within 24 hours; after that the key is forgotten (and purged), so it issues afresh', async () => {
      const org = await issuingOrganisation(t);
      const issue = () => org.owner.request('POST', `/api/v1/organisations/${org.organisationId}/credentials`,
        { achievementId: org.achievementId, recipient: { email: 'ana@learner.test' } }, { 'idempotency-key': 'lms-run-42' });
      const first = await issue();
      expect(first.statusCode).toBe(201);
      clock += IDEMPOTENCY_KEY_LIFETIME_MS - 60_000;
      const retry = await issue();
      expect(retry.json().id).toBe(first.json().id);
      clock += 2 * 60_000;
      const later = await issue();
      expect(later.statusCode).toBe(201);
      expect(later.json().id).not.toBe(first.json().id);
      const keys = await t.runtime.store.db.selectFrom('idempotency_keys').select(['key', 'created_at']).where('organisation_id', '=', org.organisationId).execute();
      expect(keys).toEqual([{ key: 'lms-run-42', created_at: new Date(clock).toISOString() }]);
    });
  });
}
