import { describe, expect, it } from 'vitest';
import { buildAchievementCredential } from '../../src/vc/credential/build.ts';
import { composeCredential } from '../../src/vc/credential/compose.ts';
import { generateDidKey } from '../../src/vc/did/did-key.ts';
import { createEngine } from '../../src/vc/engine.ts';
import { createAchievementIssuer } from '../../src/vc/issue.ts';
import { createEd25519Signer, generateEd25519, signerFromMultikey } from '../../src/vc/keys/ed25519.ts';
import { createSigningPool, signAll, signingKeyFromMultikey, type RowRequest } from '../../src/vc/signing-pool/index.ts';
import type { JsonObject } from '../../src/vc/types.ts';

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
  const engine = createEngine({ fetcher: () => Promise.reject(new Error('offline')) });
  const signer = createEd25519Signer(key);

  // The same answers from worker threads and from this thread (workers: 0, the CLI's small runs).
  for (const workers of [2, 0]) {
    it(`signs byte for byte what this thread's engine signs, in the order given (${workers} workers)`, async () => {
      const pool = createSigningPool({ workers, chunk: 7 });
      try {
        expect(pool.size).toBe(workers);
        const input = credentials(40);
        const signed = await signAll(pool, { credentials: input, key, now });
        const expected = await Promise.all(input.map(async (credential) => JSON.stringify(await engine.sign({ credential, signer, now }))));
        expect(signed).toEqual(expected);
        // Composed by the workers from each credential's fields (the server's form): the same texts.
        const template = { achievement, issuer };
        const fields = Array.from({ length: 9 }, (_, i) => ({
          id: `https://issuer.test/credentials/f${i}`,
          recipient: i % 2 === 0 ? { did: `did:example:f${i}` } : { email: `f${i}@uni.test`, salt: `salt${i}` },
          ...(i % 3 === 0 ? { name: `Lérner ${i}` } : {}),
          validFrom: new Date('2026-01-01T00:00:00Z'),
          ...(i % 2 === 1 ? { validUntil: new Date('2031-01-01T00:00:00Z'), result: { grade: 'merit', creditsEarned: 2 }, description: 'Très bien' } : {}),
          credentialStatus: [],
        }));
        const composed = await signAll(pool, { compose: { template, fields }, key, now });
        expect(composed).toEqual(await Promise.all(fields.map(async (f) => JSON.stringify(await engine.sign({ credential: composeCredential(template, f), signer, now })))));
        expect(composed[0]).toContain('"identityType":"name"');
        // Another key in the same workers is used, not the one they already hold.
        const other = generateEd25519();
        const [again] = await signAll(pool, { credentials: input.slice(0, 1), key: { id: key.id, seed: other.seed }, now });
        expect(again).toBe(JSON.stringify(await engine.sign({ credential: input[0]!, signer: createEd25519Signer({ id: key.id, seed: other.seed }), now })));
        expect(again).not.toBe(signed[0]);
      } finally {
        await pool.close();
      }
    });
  }

  it('signs recipient rows of one achievement (the CLI form) as the achievement issuer does, in every format', async () => {
    const didKey = generateDidKey(new Uint8Array(32).fill(4));
    const rowsKey = signingKeyFromMultikey(didKey);
    const template = { achievement, issuer: { id: didKey.controller, name: 'Uni' }, validUntil: '2031-01-01T00:00:00.000Z', statusList: { url: 'https://issuer.test/status/l1', purpose: 'revocation' as const } };
    const requests: RowRequest[] = Array.from({ length: 20 }, (_, i) => ({
      row: { recipient: i % 2 === 0 ? `r${i}@uni.test` : `did:example:r${i}`, ...(i % 3 === 0 ? { name: `Ana ${i}`, grade: 'A', creditsEarned: 3 } : {}) },
      id: `urn:uuid:00000000-0000-4000-8000-${String(i).padStart(12, '0')}`, statusListIndex: i,
    }));
    const pool = createSigningPool({ workers: 2, chunk: 6 });
    try {
      for (const format of ['eddsa-rdfc-2022', 'eddsa-jcs-2022', 'vc-jwt'] as const) {
        const results = await pool.sign({ rows: { template, requests }, key: rowsKey, now, format });
        // Without salts fixed, e-mail rows hash differently each time: compare the DID rows byte for byte
        // and check that every row verifies.
        const reference = createAchievementIssuer({ engine, signer: signerFromMultikey(didKey), achievement, issuer: template.issuer, format, validUntil: new Date(template.validUntil), statusList: template.statusList });
        for (const [i, result] of results.entries()) {
          expect(result.ok).toBe(true);
          if (!result.ok) continue;
          if (i % 2 === 1) {
            const expected = await reference.issue(requests[i]!.row, { id: requests[i]!.id, now, statusListIndex: i });
            expect(result.text).toBe(typeof expected === 'string' ? expected : JSON.stringify(expected));
          }
          const credential = format === 'vc-jwt' ? result.text : (JSON.parse(result.text) as JsonObject);
          expect((await engine.verify({ credential, now })).verified).toBe(true);
        }
      }
    } finally {
      await pool.close();
    }
  });

  it('a credential that cannot be signed is its own failed result; the others are signed, and the pool goes on', async () => {
    const pool = createSigningPool({ workers: 1 });
    try {
      const [good] = credentials(1);
      const results = await pool.sign({ credentials: [{ '@context': 'https://unknown.test/context', type: ['VerifiableCredential'] }, good!], key, now });
      expect(results[0]).toMatchObject({ ok: false });
      expect(results[1]).toMatchObject({ ok: true });
      await expect(signAll(pool, { credentials: [{ '@context': 'https://unknown.test/context', type: ['VerifiableCredential'] }], key, now })).rejects.toThrow(/signing failed/);
      // A bad row of the CLI form is reported in words, in its place.
      const rows = await pool.sign({ rows: { template: { achievement, issuer }, requests: [{ row: { recipient: 'nobody' }, id: 'urn:uuid:1' }, { row: { recipient: 'a@b.org' }, id: 'urn:uuid:2' }] }, key, now });
      expect(rows[0]).toMatchObject({ ok: false, error: expect.stringMatching(/neither an e-mail address nor a DID/) });
      expect(rows[1]).toMatchObject({ ok: true });
      expect(await signAll(pool, { credentials: credentials(2), key, now })).toHaveLength(2);
    } finally {
      await pool.close();
    }
  });

  it('fails the batch of a worker that stops (never hangs), and replaces the worker for the next ones', async () => {
    const pool = createSigningPool({ workers: 1, script: new URL('./fixtures/crashing-signing-worker.js', import.meta.url) });
    try {
      await expect(pool.sign({ credentials: [{ ...credentials(1)[0]!, crash: true }], key, now })).rejects.toThrow(/stopped \(exit code 3\)/);
      const [input] = credentials(1);
      expect(await signAll(pool, { credentials: [input!], key, now })).toEqual([JSON.stringify(await engine.sign({ credential: input!, signer, now }))]);
      // Only the stopped worker's part fails: with two workers, one crash leaves the other's part signed.
      const two = createSigningPool({ workers: 2, chunk: 1, script: new URL('./fixtures/crashing-signing-worker.js', import.meta.url) });
      try {
        const parts = [two.sign({ credentials: [{ ...input!, crash: true }], key, now }), two.sign({ credentials: [input!], key, now })];
        const [crashed, fine] = await Promise.allSettled(parts);
        expect(crashed?.status).toBe('rejected');
        expect(fine).toMatchObject({ status: 'fulfilled', value: [{ ok: true }] });
      } finally {
        await two.close();
      }
    } finally {
      await pool.close();
    }
  });

  it('after close, pending and new batches are refused', async () => {
    for (const workers of [1, 0]) {
      const pool = createSigningPool({ workers });
      const pending = pool.sign({ credentials: credentials(30), key, now });
      const settled = workers > 0 ? expect(pending).rejects.toThrow(/closed|stopped/) : pending;
      await pool.close();
      await settled;
      await expect(pool.sign({ credentials: credentials(1), key, now })).rejects.toThrow(/closed/);
    }
  });

  it('takes the key of a Multikey file only when its secret matches', () => {
    const didKey = generateDidKey();
    expect(signingKeyFromMultikey(didKey)).toMatchObject({ id: didKey.id });
    expect(() => signingKeyFromMultikey({ ...didKey, secretKeyMultibase: 'zbad' })).toThrow(TypeError);
    expect(() => signingKeyFromMultikey({ ...didKey, secretKeyMultibase: generateDidKey().secretKeyMultibase })).toThrow(/does not match/);
  });
});
