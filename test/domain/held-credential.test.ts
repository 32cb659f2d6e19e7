import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { credentialProblem, heldCredentialFromDocument } from '../../src/domain/stacking/index.ts';
import { buildAchievementCredential } from '../../src/vc/credential/build.ts';
import type { AchievementInput, VcVersion } from '../../src/vc/credential/build.ts';

const achievement = JSON.parse(
  readFileSync(new URL('../fixtures/achievements/data-science-microcredential.json', import.meta.url), 'utf8'),
) as AchievementInput;

function credential(version: VcVersion) {
  return buildAchievementCredential({
    achievement,
    issuer: { id: 'did:web:uni.example.eu', type: ['Profile'], name: 'Universidad de Ejemplo' },
    recipient: { did: 'did:example:learner' },
    id: 'urn:uuid:11111111-2222-4333-8444-555555555555',
    validFrom: new Date('2025-03-01T00:00:00Z'),
    validUntil: new Date('2030-03-01T00:00:00Z'),
    version,
    result: { grade: 'B', creditsEarned: 5 },
  });
}

describe('heldCredentialFromDocument', () => {
  for (const version of ['2.0', '1.1'] as const) {
    it(`reads the EU elements of a VC ${version} credential`, () => {
      const r = heldCredentialFromDocument(credential(version), { verified: true });
      expect(r.ok).toBe(true);
      if (!r.ok) return;
      const c = r.credential;
      expect(c).toMatchObject({
        key: 'urn:uuid:11111111-2222-4333-8444-555555555555',
        issuerId: 'did:web:uni.example.eu',
        issuerName: 'Universidad de Ejemplo',
        achievementId: 'https://uni.example.eu/achievements/intro-data-analysis-python',
        achievementType: 'MicroCredential',
        creditsEcts: 5,
        eqfLevel: 6,
        status: 'valid',
        qualityAssured: true,
        identityVerifiedAssessment: true,
        assessmentTypes: ['online-exam', 'project'],
        grade: { value: 'B', scale: ['A', 'B', 'C', 'D', 'E', 'F'] },
      });
      expect(c.issuedOn.startsWith('2025-03-01')).toBe(true);
      expect(c.validUntil?.startsWith('2030-03-01')).toBe(true);
      expect(c.alignments.map((a) => a.targetUrl)).toContain('http://data.europa.eu/esco/skill/ccd0a1d9-afda-43d9-b901-96344886e14d');
    });
  }

  it('takes the status found by verification, and unverified when verification failed', () => {
    const doc = credential('2.0');
    expect(heldCredentialFromDocument(doc, { verified: false }).ok && (heldCredentialFromDocument(doc, { verified: false }) as { credential: { status: string } }).credential.status).toBe('unverified');
    const revoked = heldCredentialFromDocument(doc, { verified: false, status: 'revoked' });
    expect(revoked.ok && revoked.credential.status).toBe('revoked');
  });

  it('refuses documents that are not achievement credentials, with pointers', () => {
    const cases: [unknown, string][] = [
      [null, ''],
      ['{}', ''],
      [{ id: 'x', issuer: 'did:x', validFrom: '2025-01-01T00:00:00Z', credentialSubject: { id: 'did:y' } }, '/credentialSubject/achievement'],
      [{ id: 'x', issuer: 'did:x', validFrom: '2025-01-01T00:00:00Z', credentialSubject: [{}, {}] }, '/credentialSubject'],
      [{ issuer: 'did:x', validFrom: '2025-01-01T00:00:00Z', credentialSubject: { achievement: { id: 'a' } } }, '/id'],
      [{ id: 'x', issuer: 'did:x', validFrom: 'yesterday', credentialSubject: { achievement: { id: 'a' } } }, '/validFrom'],
      [{ id: 'x', issuer: 'did:x', validFrom: '2025-01-01', validUntil: 5, credentialSubject: { achievement: { id: 'a' } } }, '/validUntil'],
    ];
    for (const [doc, path] of cases) {
      const r = heldCredentialFromDocument(doc, { verified: true });
      expect(r.ok, JSON.stringify(doc)).toBe(false);
      if (!r.ok) expect(r.problems.map((p) => p.path)).toContain(path);
    }
  });

  it('takes the wallet key for a credential without id', () => {
    const doc = credential('2.0') as Record<string, unknown>;
    delete doc.id;
    expect(heldCredentialFromDocument(doc, { verified: true }).ok).toBe(false);
    const r = heldCredentialFromDocument(doc, { verified: true }, { key: 'wallet:42' });
    expect(r.ok && r.credential.key).toBe('wallet:42');
  });

  it('ignores odd parts with warnings: negative credits, alignments without URL, EQF 9', () => {
    const doc = credential('2.0') as Record<string, unknown>;
    const subject = doc.credentialSubject as Record<string, Record<string, unknown>>;
    subject.achievement!.creditsAvailable = -3;
    subject.achievement!.alignment = [{ targetName: 'no url' }, { targetFramework: 'European Qualifications Framework', targetCode: '9', targetUrl: 'http://data.europa.eu/snb/eqf/9' }];
    const r = heldCredentialFromDocument(doc, { verified: true });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.credential.eqfLevel).toBeUndefined();
    expect(r.credential.creditsEcts).toBe(5); // falls back to the subject's creditsEarned
    expect(r.warnings.length).toBeGreaterThanOrEqual(2);
  });

  it('never throws on arbitrary JSON, and every success has the required fields', () => {
    const base = credential('2.0');
    const mutated = fc.tuple(fc.jsonValue(), fc.array(fc.constantFrom('id', 'issuer', 'credentialSubject', 'validFrom', 'validUntil', 'achievement', 'alignment', 'creditsAvailable', 'result'), { maxLength: 3 })).map(([v, keys]) => {
      const doc = structuredClone(base) as Record<string, unknown>;
      for (const k of keys) {
        const subject = doc.credentialSubject;
        const isObj = (o: unknown): o is Record<string, unknown> => typeof o === 'object' && o !== null && !Array.isArray(o);
        if (k in doc) doc[k] = v;
        else if (!isObj(subject)) continue;
        else if (k === 'achievement' || k === 'result') subject[k] = v;
        else if (isObj(subject.achievement)) subject.achievement[k] = v;
      }
      return doc;
    });
    fc.assert(
      fc.property(fc.oneof(fc.anything(), fc.jsonValue(), mutated), (doc) => {
        const r = heldCredentialFromDocument(doc, { verified: true });
        if (r.ok) {
          expect(typeof r.credential.key).toBe('string');
          expect(typeof r.credential.achievementId).toBe('string');
          expect(Array.isArray(r.credential.alignments)).toBe(true);
          expect(credentialProblem(r.credential, Date.parse('2026-01-01'))).toSatisfy((p: unknown) => p === undefined || typeof p === 'string');
        } else expect(r.problems.length).toBeGreaterThan(0);
      }),
      { numRuns: 600 },
    );
  });
});
