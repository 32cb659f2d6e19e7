/**
 * The authorization server's storage on each dialect: what oidc-provider stores is found again by id, uid
 * and user code; expiry, consumption, destruction and revocation by grant behave as its adapter contract says.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { oauthAdapter, sweepExpiredOAuth } from '../../src/services/ob-api/oauth-store.ts';
import { OAUTH_SWEEP_JOB_KIND, oauthSweepJob } from '../../src/services/ob-api/sweep-job.ts';
import type { Store } from '../../src/store/database.ts';
import { createTestDatabase, DIALECTS, warnIfPostgresSkipped, type TestDatabase } from '../support/db.ts';

warnIfPostgresSkipped();

for (const dialect of DIALECTS) {
  describe(`OAuth storage (${dialect})`, () => {
    let database: TestDatabase;
    let store: Store;
    let now = 1_800_000_000_000;
    const clock = () => now;

    beforeAll(async () => {
      database = await createTestDatabase(dialect);
      store = await database.open();
    });
    afterAll(async () => {
      await store.destroy();
      await database.drop();
    });

    it('finds by id, uid and user code; upsert replaces; models do not meet', async () => {
      const sessions = oauthAdapter(store.db, 'Session', clock);
      const tokens = oauthAdapter(store.db, 'AccessToken', clock);
      await sessions.upsert('s1', { uid: 'u-1', accountId: 'a', kind: 'Session' }, 60);
      await tokens.upsert('s1', { accountId: 'b', grantId: 'g1' }, 60);
      expect(await sessions.find('s1')).toEqual({ uid: 'u-1', accountId: 'a', kind: 'Session' });
      expect(await sessions.findByUid('u-1')).toEqual({ uid: 'u-1', accountId: 'a', kind: 'Session' });
      expect(await tokens.find('s1')).toEqual({ accountId: 'b', grantId: 'g1' });
      await sessions.upsert('s1', { uid: 'u-2', accountId: 'a' }, 60);
      expect(await sessions.findByUid('u-1')).toBeUndefined();
      expect(await sessions.findByUid('u-2')).toEqual({ uid: 'u-2', accountId: 'a' });
      const codes = oauthAdapter(store.db, 'DeviceCode', clock);
      await codes.upsert('d1', { userCode: 'ABCD-EFGH' });
      expect(await codes.findByUserCode('ABCD-EFGH')).toEqual({ userCode: 'ABCD-EFGH' });
      expect(await codes.find('nope')).toBeUndefined();
    });

    it('never answers what expired, marks consumption, destroys, and revokes a whole grant', async () => {
      const codes = oauthAdapter(store.db, 'AuthorizationCode', clock);
      const tokens = oauthAdapter(store.db, 'AccessToken', clock);
      const refresh = oauthAdapter(store.db, 'RefreshToken', clock);
      await codes.upsert('c1', { grantId: 'g2' }, 10);
      await tokens.upsert('t1', { grantId: 'g2' }, 3600);
      await refresh.upsert('r1', { grantId: 'g2' }, 7200);
      await tokens.upsert('t-other', { grantId: 'g3' }, 3600);

      await codes.consume('c1');
      expect(await codes.find('c1')).toEqual({ grantId: 'g2', consumed: Math.floor(now / 1000) });
      now += 11_000;
      expect(await codes.find('c1')).toBeUndefined();
      expect(await sweepExpiredOAuth(store.db, now)).toBeGreaterThanOrEqual(1);

      await refresh.revokeByGrantId('g2');
      expect(await tokens.find('t1')).toBeUndefined();
      expect(await refresh.find('r1')).toBeUndefined();
      expect(await tokens.find('t-other')).toEqual({ grantId: 'g3' });
      await tokens.destroy('t-other');
      expect(await tokens.find('t-other')).toBeUndefined();
    });

    it('the sweep job removes expired rows, keeps the rest, and queues its next run once', async () => {
      const wallClock = oauthAdapter(store.db, 'Session');
      await wallClock.upsert('gone', { accountId: 'x' }, -1);
      await wallClock.upsert('kept', { accountId: 'x' }, 3600);
      const queued: string[] = [];
      const queue = { enqueue: async (kind: string) => { queued.push(kind); return 'job'; }, hasQueued: async () => queued.length > 0 };
      const job = oauthSweepJob({ db: store.db, queue: queue as never, now: () => new Date() });
      await job.run({} as never);
      await job.run({} as never);
      const left = await store.db.selectFrom('oauth_models').select('id').where('model', '=', 'Session').where('id', 'in', ['gone', 'kept']).execute();
      expect(left.map((row) => row.id)).toEqual(['kept']);
      expect(queued).toEqual([OAUTH_SWEEP_JOB_KIND]);
    });
  });
}
