/**
 * fast-check generators of realistic Open Badges 3.0 credentials, built with microcred's own builder
 * from randomly varied achievements, issuers, recipients and results: the shapes real issuers produce.
 */
import * as fc from 'fast-check';
import { buildAchievementCredential, type AchievementInput } from '../../src/vc/credential/build.ts';
import { buildStatusListEntry } from '../../src/vc/status/status-list-credential.ts';
import type { JsonObject } from '../../src/vc/types.ts';

/** Text with the characters that trip up serialisers: quotes, backslashes, newlines, non-Latin scripts. */
const text = fc
  .string({ unit: fc.constantFrom('a', 'Z', ' ', '"', '\\', '\n', 'é', 'ß', '中', '🎓', '<', '&', "'", '\t'), maxLength: 24 })
  .map((s) => `T${s}`);
const slug = fc.stringMatching(/^[a-z0-9-]{1,16}$/);
const url = slug.map((s) => `https://example.edu/${s}`);

const alignment = fc.record({
  targetName: text,
  targetUrl: fc.oneof(url, slug.map((s) => `http://data.europa.eu/esco/skill/${s}`)),
  targetFramework: fc.option(fc.constantFrom('ESCO', 'European Qualifications Framework', 'O*NET'), { nil: undefined }),
  targetCode: fc.option(slug, { nil: undefined }),
});

const achievement: fc.Arbitrary<AchievementInput> = fc
  .record({
    id: url,
    name: text,
    description: text,
    narrative: text,
    credits: fc.option(fc.oneof(fc.integer({ min: 0, max: 60 }), fc.constantFrom(2.5, 0.25, 7.75)), { nil: undefined }),
    alignments: fc.array(alignment, { maxLength: 4 }),
    eu: fc.boolean(),
    fieldOfStudy: fc.option(text, { nil: undefined }),
    humanCode: fc.option(slug, { nil: undefined }),
  })
  .map((a) => {
    const out: AchievementInput = {
      id: a.id,
      type: ['Achievement'],
      name: a.name,
      description: a.description,
      criteria: { narrative: a.narrative },
    };
    if (a.credits !== undefined) out.creditsAvailable = a.credits;
    if (a.fieldOfStudy !== undefined) out.fieldOfStudy = a.fieldOfStudy;
    if (a.humanCode !== undefined) out.humanCode = a.humanCode;
    if (a.alignments.length > 0) {
      out.alignment = a.alignments.map((al) => {
        const entry: JsonObject = { type: ['Alignment'], targetName: al.targetName, targetUrl: al.targetUrl };
        if (al.targetFramework) entry.targetFramework = al.targetFramework;
        if (al.targetCode) entry.targetCode = al.targetCode;
        return entry;
      });
    }
    if (a.eu) {
      out.achievementType = 'MicroCredential';
      out.learningOutcome = [a.name, a.description];
      out.assessmentType = ['online-exam'];
      out.participationForm = 'online';
      out.qualityAssurance = ['internal'];
    }
    return out;
  });

/** One unsigned credential as the builder makes it, for an issuer DID given by the caller. */
export function credentialArbitrary(issuerId: string): fc.Arbitrary<JsonObject> {
  return fc
    .record({
      achievement,
      issuerName: text,
      issuerUrl: fc.option(url, { nil: undefined }),
      recipient: fc.oneof(
        fc.emailAddress().map((email) => ({ email, salt: 'c0ffee' })),
        slug.map((s) => ({ did: `did:example:${s}` })),
      ),
      grade: fc.option(fc.constantFrom('A', 'B', 'Pass', '17/20'), { nil: undefined }),
      creditsEarned: fc.option(fc.integer({ min: 0, max: 30 }), { nil: undefined }),
      id: fc.uuid().map((u) => `urn:uuid:${u}`),
      validFrom: fc.date({ min: new Date('2020-01-01T00:00:00Z'), max: new Date('2026-01-01T00:00:00Z'), noInvalidDate: true }),
      validForDays: fc.option(fc.integer({ min: 30, max: 3650 }), { nil: undefined }),
      statusIndex: fc.option(fc.integer({ min: 0, max: 131_071 }), { nil: undefined }),
      version: fc.constantFrom('2.0' as const, '2.0' as const, '1.1' as const),
    })
    .map((r) => {
      const validFrom = new Date(Math.floor(r.validFrom.getTime() / 1000) * 1000);
      return buildAchievementCredential({
        achievement: r.achievement,
        issuer: { id: issuerId, type: ['Profile'], name: r.issuerName, ...(r.issuerUrl ? { url: r.issuerUrl } : {}) },
        recipient: r.recipient,
        id: r.id,
        validFrom,
        version: r.version,
        ...(r.validForDays ? { validUntil: new Date(validFrom.getTime() + r.validForDays * 86_400_000) } : {}),
        ...(r.grade !== undefined || r.creditsEarned !== undefined
          ? { result: { ...(r.grade !== undefined ? { grade: r.grade } : {}), ...(r.creditsEarned !== undefined ? { creditsEarned: r.creditsEarned } : {}) } }
          : {}),
        ...(r.statusIndex !== undefined
          ? { credentialStatus: buildStatusListEntry({ listUrl: 'https://example.edu/status/1', index: r.statusIndex, statusPurpose: 'revocation' }) }
          : {}),
      });
    });
}

/** The realistic credential used by benchmarks: EU micro-credential, alignments, result, status entry. */
export function sampleCredential(options: { issuerId: string; n: number; achievement: AchievementInput; euContext?: string }): JsonObject {
  return buildAchievementCredential({
    ...(options.euContext !== undefined ? { euContext: options.euContext } : {}),
    achievement: options.achievement,
    issuer: { id: options.issuerId, type: ['Profile'], name: 'Universidad de Ejemplo', url: 'https://uni.example.eu' },
    recipient: { email: `learner${options.n}@example.org`, salt: `salt${options.n}` },
    id: `urn:uuid:00000000-0000-4000-8000-${String(options.n).padStart(12, '0')}`,
    validFrom: new Date(Date.UTC(2026, 0, 1) + options.n * 1000),
    result: { grade: ['A', 'B', 'C'][options.n % 3]!, creditsEarned: 5 },
    credentialStatus: buildStatusListEntry({ listUrl: 'https://uni.example.eu/status/revocation/1', index: (options.n * 7919) % 131_072, statusPurpose: 'revocation' }),
  });
}
