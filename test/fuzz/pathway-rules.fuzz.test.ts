/**
 * Fuzz of the pathway designer's input over HTTP: whatever rules arrive (arbitrary JSON, and valid
 * requirements with arbitrary values put in) and whatever sample credentials, the live check answers
 * 200 with problems or an evaluation, or a 4xx problem — never a 5xx; saving answers 201 or 4xx and a
 * saved pathway is one the engine compiles (the learner's progress can always be computed).
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compilePathway } from '../../src/domain/stacking/index.ts';
import { SYSTEM } from '../../src/services/access.ts';
import { createTestApp, setUpOrganisation, type SetUpOrganisation, type TestApp } from '../support/app.ts';
import { MICRO_CREDENTIAL } from '../http/credentials-fixture.ts';

const KINDS = ['allOf', 'atLeastN', 'atLeastCredits', 'minEqfLevel', 'outcomes', 'nonsense'];
const value = fc.oneof(fc.string({ maxLength: 30 }), fc.integer({ min: -5, max: 20 }), fc.double({ noNaN: false }), fc.boolean(), fc.constant(null), fc.array(fc.string({ maxLength: 20 }), { maxLength: 4 }), fc.dictionary(fc.string({ maxLength: 8 }), fc.string({ maxLength: 8 }), { maxKeys: 3 }));
const requirement = fc.record({
  id: fc.oneof(fc.constant('r1'), fc.constant('r2'), fc.string({ maxLength: 10 }), value),
  kind: fc.constantFrom(...KINDS),
  achievements: fc.option(fc.oneof(fc.array(fc.webUrl(), { maxLength: 3 }), value), { nil: undefined }),
  n: fc.option(value, { nil: undefined }),
  credits: fc.option(value, { nil: undefined }),
  level: fc.option(value, { nil: undefined }),
  count: fc.option(value, { nil: undefined }),
  outcomes: fc.option(fc.oneof(fc.array(fc.webUrl(), { maxLength: 3 }), value), { nil: undefined }),
  from: fc.option(fc.oneof(fc.record({ fieldsOfStudy: fc.array(fc.string({ maxLength: 10 }), { maxLength: 2 }), maxAge: value, minEqfLevel: value }, { requiredKeys: [] }), value), { nil: undefined }),
  allowSharing: fc.option(value, { nil: undefined }),
}, { requiredKeys: ['id', 'kind'] });
const validRequirement = fc.oneof(
  fc.record({ kind: fc.constant('allOf'), achievements: fc.uniqueArray(fc.webUrl(), { minLength: 1, maxLength: 3 }) }),
  fc.record({ kind: fc.constant('atLeastCredits'), credits: fc.integer({ min: 1, max: 60 }) }),
  fc.record({ kind: fc.constant('minEqfLevel'), level: fc.integer({ min: 1, max: 8 }), count: fc.integer({ min: 1, max: 3 }) }),
  fc.record({ kind: fc.constant('atLeastN'), n: fc.integer({ min: 1, max: 3 }), from: fc.record({ fieldsOfStudy: fc.array(fc.string({ minLength: 1, maxLength: 10 }), { minLength: 1, maxLength: 2 }) }) }),
);
const validRules = fc.array(validRequirement, { minLength: 1, maxLength: 4 }).map((requirements) => ({ requirements: requirements.map((r, i) => ({ id: `r${i}`, ...r })) }));
const rules = fc.oneof(
  validRules,
  fc.jsonValue(),
  fc.record({ requirements: fc.oneof(fc.array(requirement, { maxLength: 4 }), value), maxAge: fc.option(value, { nil: undefined }), trustedIssuers: fc.option(value, { nil: undefined }) }, { requiredKeys: ['requirements'] }),
);

describe('pathway rules fuzz over HTTP (sqlite)', () => {
  let t: TestApp;
  let org: SetUpOrganisation;
  let achievementId: string;
  beforeAll(async () => {
    t = await createTestApp('sqlite');
    org = await setUpOrganisation(t.app);
    achievementId = (await t.runtime.services.achievements.create(SYSTEM, org.organisationId, { issuerId: org.issuerId, ...MICRO_CREDENTIAL })).id;
  });
  afterAll(async () => {
    await t?.close();
  });

  it('the live check and saving never fail with a 5xx, and what is saved compiles', async () => {
    const seen = { evaluated: 0, refused: 0, saved: 0 };
    await fc.assert(fc.asyncProperty(rules, fc.option(fc.array(fc.jsonValue(), { maxLength: 2 }), { nil: undefined }), async (candidate, credentials) => {
      const check = await org.owner.request('POST', `/api/v1/organisations/${org.organisationId}/pathway-checks`, { rules: candidate, ...(credentials ? { sample: { credentials } } : {}) });
      expect(check.statusCode, check.body).toBeLessThan(500);
      if (check.statusCode === 200) {
        const body = check.json() as { problems: unknown[]; evaluation: unknown };
        expect(body.problems.length === 0).toBe(body.evaluation !== null);
        if (body.evaluation !== null) seen.evaluated++;
        else seen.refused++;
      }
      const saved = await org.owner.request('POST', `/api/v1/organisations/${org.organisationId}/pathways`, { name: 'Fuzzed', achievementId, rules: candidate });
      expect(saved.statusCode, saved.body).toBeLessThan(500);
      if (saved.statusCode === 201) {
        seen.saved++;
        expect(() => compilePathway(saved.json().definition)).not.toThrow();
      }
    }), { numRuns: 300 });
    // The generator reaches every branch: evaluated, refused with problems, saved.
    expect(seen.evaluated, JSON.stringify(seen)).toBeGreaterThan(0);
    expect(seen.refused).toBeGreaterThan(0);
    expect(seen.saved).toBeGreaterThan(0);
  }, 120_000);
});
