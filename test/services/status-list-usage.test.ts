import { sql, type KyselyPlugin } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allocateSlots, FILL_LIMIT, LIST_SIZE, ListUsage, statusListId } from '../../src/services/status/lists.ts';
import { createTestApp, type TestApp } from '../support/app.ts';
import { DIALECTS, warnIfPostgresSkipped } from '../support/db.ts';

warnIfPostgresSkipped();

/** Counts the SELECTs that read status_allocations (the count of a list's taken positions). */
function countingReads(): { plugin: KyselyPlugin; reads: () => number } {
  let reads = 0;
  return {
    reads: () => reads,
    plugin: {
      transformQuery(args) {
        const node = args.node as { kind: string; from?: { froms: { kind: string; table?: { identifier?: { name?: string } } }[] } };
        if (node.kind === 'SelectQueryNode' && node.from?.froms.some((from) => from.table?.identifier?.name === 'status_allocations')) reads++;
        return args.node;
      },
      transformResult: async (args) => args.result,
    },
  };
}

for (const dialect of DIALECTS) {
  describe(`status list usage estimate (${dialect})`, () => {
    let testApp: TestApp;
    let organisationId: string;

    beforeAll(async () => {
      testApp = await createTestApp(dialect);
      ({ organisationId } = await testApp.runtime.services.accounts.init({ organisationName: 'Usage University', email: 'owner@usage.test', password: 'owner-password-1' }));
    });
    afterAll(async () => {
      await testApp.close();
    });

    const newIssuer = async (name: string) => (await testApp.runtime.services.issuers.create({ kind: 'system' }, organisationId, { name })).id;

    it('counts a list once per so many positions taken here, not on every allocation', async () => {
      const issuerId = await newIssuer('Counting faculty');
      const usage = new ListUsage({ recountEvery: 100 });
      const counter = countingReads();
      const db = testApp.runtime.store.db.withPlugin(counter.plugin);
      const taken: string[] = [];
      for (let i = 0; i < 12; i++) {
        const slots = await db.transaction().execute((trx) => allocateSlots(trx, dialect, issuerId, 'revocation', 25, new Date().toISOString(), usage));
        taken.push(...slots.map((slot) => `${slot.listId}:${slot.index}`));
      }
      expect(new Set(taken).size).toBe(300);
      // 300 positions at a recount every 100: the first count and about three more, not twelve.
      expect(counter.reads()).toBeGreaterThanOrEqual(1);
      expect(counter.reads()).toBeLessThanOrEqual(4);
      const stored = await testApp.runtime.store.db.selectFrom('status_allocations').select((eb) => eb.fn.countAll<number>().as('n'))
        .where('list_id', '=', statusListId(issuerId, 'revocation', 1)).executeTakeFirstOrThrow();
      expect(Number(stored.n)).toBe(300);
    });

    it('notices a list filled by another node despite its estimate, and leaves nothing behind in it', async () => {
      const issuerId = await newIssuer('Crowded faculty');
      const usage = new ListUsage();
      const db = testApp.runtime.store.db;
      const allocate = (count: number) => db.transaction().execute((trx) => allocateSlots(trx, dialect, issuerId, 'revocation', count, new Date().toISOString(), usage));
      await allocate(5); // the estimate now holds this list as nearly empty
      const first = statusListId(issuerId, 'revocation', 1);
      const fill = Math.ceil(LIST_SIZE * FILL_LIMIT) + 100;
      if (dialect === 'postgres') {
        await sql`insert into status_allocations (list_id, idx) select ${first}, g from generate_series(0, ${fill}) g on conflict do nothing`.execute(db);
      } else {
        await sql`with recursive n(i) as (select 0 union all select i + 1 from n where i < ${fill}) insert or ignore into status_allocations (list_id, idx) select ${first}, i from n`.execute(db);
      }
      const before = await db.selectFrom('status_allocations').select((eb) => eb.fn.countAll<number>().as('n')).where('list_id', '=', first).executeTakeFirstOrThrow();
      const slots = await allocate(40);
      expect(new Set(slots.map((slot) => slot.listId))).toEqual(new Set([statusListId(issuerId, 'revocation', 2)]));
      const after = await db.selectFrom('status_allocations').select((eb) => eb.fn.countAll<number>().as('n')).where('list_id', '=', first).executeTakeFirstOrThrow();
      expect(Number(after.n)).toBe(Number(before.n));
    });
  });
}
