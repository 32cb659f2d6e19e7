import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { SYSTEM } from '../../src/services/access.ts';
import { createCredentialService } from '../../src/services/credentials/index.ts';
import { POOL_THRESHOLD } from '../../src/services/credentials/issue.ts';
import { composeCredential } from '../../src/services/credentials/compose.ts';
import { createSigningPool } from '../../src/services/credentials/signing-pool.ts';
import { buildAchievementCredential } from '../../src/vc/credential/build.ts';
import { createEngine } from '../../src/vc/engine.ts';
import { createEd25519Signer, generateEd25519 } from '../../src/vc/keys/ed25519.ts';
import type { JsonObject } from '../../src/vc/types.ts';
import { createTestApp, type TestApp } from '../support/app.ts';
import { DIALECTS, warnIfPostgresSkipped } from '../support/db.ts';

warnIfPostgresSkipped();

const achievement = {
  id: 'https://issuer.test/achievements/a1', type: ['Achievement'], name: 'Statistik für alle — 統計', description: 'Reading data.',
  criteria: { narrative: 'Pass the exam.' }, achievementType: 'MicroCredential', creditsAvailable: 5,
};
const issuer = { id: 'did:web:issuer.test:issuers:i1', type: ['Profile'], name: 'Universität Test' };

/** Credentials of several shapes: e-mail or DID recipient, with and without result, evidence, validUntil. */
function credentials(count: number): JsonObject[] {
  return Array.from({ length: count }, (_, i) => buildAchievementCredential({
    achievement, issuer,
    recipient: i % 3 === 0 ? { did: `did:example:learner${i}` } : { email: `learner${i}@uni.test`, salt: `salt${i}` },
    id: `https://issuer.test/credentials/${i}`,
    validFrom: new Date('2026-01-01T00:00:00Z'),
    ...(i % 2 === 0 ? { validUntil: new Date('2030-01-01T00:00:00Z') } : {}),
    ...(i % 4 === 1 ? { result: { grade: 'merit', creditsEarned: 5 } } : {}),
    ...(i % 5 === 2 ? { evidence: [{ type: ['Evidence'], id: `https://lms.test/${i}`, name: 'Ünïcødé submission' }] } : {}),
    credentialStatus: [{ id: `https://issuer.test/status/l1#${i}`, type: 'BitstringStatusListEntry', statusPurpose: 'revocation', statusListIndex: String(i), statusListCredential: 'https://issuer.test/status/l1' }],
  }) as JsonObject);
}

describe('signing pool', () => {
  const pair = generateEd25519();
  const key = { id: `did:key:test#${'k'.repeat(8)}`, seed: pair.seed };
  const now = new Date('2026-02-03T04:05:06.789Z');

  it('signs byte for byte what the main thread engine signs, in the order given', async () => {
    const pool = createSigningPool({ workers: 2, chunk: 7 });
    try {
      const input = credentials(40);
      const texts = await pool.sign(input, key, now);
      const engine = createEngine({ fetcher: () => Promise.reject(new Error('offline')) });
      const signer = createEd25519Signer(key);
      const expected = await Promise.all(input.map(async (credential) => JSON.stringify(await engine.sign({ credential, signer, now }))));
      expect(texts).toEqual(expected);
      // Composed by the workers from each credential's fields: the same texts.
      const template = { achievement, issuer };
      const fields = Array.from({ length: 9 }, (_, i) => ({
        id: `https://issuer.test/credentials/f${i}`,
        recipient: i % 2 === 0 ? { did: `did:example:f${i}` } : { email: `f${i}@uni.test`, salt: `salt${i}` },
        ...(i % 3 === 0 ? { name: `Lérner ${i}` } : {}),
        validFrom: new Date('2026-01-01T00:00:00Z'),
        ...(i % 2 === 1 ? { validUntil: new Date('2031-01-01T00:00:00Z'), result: { grade: 'merit', creditsEarned: 2 }, description: 'Très bien' } : {}),
        credentialStatus: [],
      }));
      const composed = await pool.compose(template, fields, key, now);
      expect(composed).toEqual(await Promise.all(fields.map(async (f) => JSON.stringify(await engine.sign({ credential: composeCredential(template, f), signer, now })))));
      expect(composed[0]).toContain('"identityType":"name"');
      // Another key in the same workers is used, not the one they already hold.
      const other = generateEd25519();
      const [again] = await pool.sign(input.slice(0, 1), { id: key.id, seed: other.seed }, now);
      expect(again).toBe(JSON.stringify(await engine.sign({ credential: input[0]!, signer: createEd25519Signer({ id: key.id, seed: other.seed }), now })));
      expect(again).not.toBe(texts[0]);
    } finally {
      await pool.close();
    }
  });

  it('rejects (never hangs) when a credential cannot be signed, and keeps signing the next ones', async () => {
    const pool = createSigningPool({ workers: 1 });
    try {
      await expect(pool.sign([{ '@context': 'https://unknown.test/context', type: ['VerifiableCredential'] }], key, now)).rejects.toThrow(/signing failed/);
      expect(await pool.sign(credentials(2), key, now)).toHaveLength(2);
    } finally {
      await pool.close();
    }
  });

  it('fails the signatures of a worker that stops, and replaces it for the next ones', async () => {
    const pool = createSigningPool({ workers: 1, script: new URL('./fixtures/crashing-signing-worker.js', import.meta.url) });
    try {
      await expect(pool.sign([{ ...credentials(1)[0]!, crash: true }], key, now)).rejects.toThrow(/stopped \(exit code 3\)/);
      const engine = createEngine();
      const [input] = credentials(1);
      expect(await pool.sign([input!], key, now)).toEqual([JSON.stringify(await engine.sign({ credential: input!, signer: createEd25519Signer(key), now }))]);
    } finally {
      await pool.close();
    }
  });

  it('after close, pending and new signatures are refused', async () => {
    const pool = createSigningPool({ workers: 1 });
    const pending = expect(pool.sign(credentials(30), key, now)).rejects.toThrow(/closed|stopped/);
    await pool.close();
    await pending;
    await expect(pool.sign(credentials(1), key, now)).rejects.toThrow(/closed/);
  });
});

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
