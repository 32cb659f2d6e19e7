import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import jsonld from 'jsonld';
import { describe, expect, it } from 'vitest';
import {
  ASSESSMENT_TYPES,
  INTEGRATION_OPTIONS,
  PARTICIPATION_FORMS,
  QUALITY_ASSURANCE_TYPES,
  SUPERVISION_TYPES,
  validateMicroCredentialCredential,
} from '../../src/domain/eu-elements.ts';
import type { CodeEntry } from '../../src/domain/eu-elements.ts';
import { BUNDLED_CONTEXTS, CONTEXTS } from '../../src/vc/contexts/index.ts';
import {
  buildAchievementCredential,
  buildEndorsementCredential,
  hashEmailIdentity,
  matchesIdentity,
  toDateTime,
} from '../../src/vc/credential/index.ts';
import type { AchievementInput, BuildAchievementCredentialOptions, VcVersion } from '../../src/vc/credential/index.ts';
import { createDocumentLoader } from '../../src/vc/document-loader.ts';
import { checkStructure, checkSubjectIdentity } from '../../src/vc/structure.ts';

type Obj = Record<string, unknown>;
const VERSIONS: VcVersion[] = ['2.0', '1.1'];
const ELM = 'http://data.europa.eu/snb/model/elm/';
const MC = 'https://w3id.org/microcred/eu#';

function fixture(): AchievementInput {
  return JSON.parse(
    readFileSync(new URL('../fixtures/achievements/data-science-microcredential.json', import.meta.url), 'utf8'),
  ) as AchievementInput;
}

const issuer = {
  id: 'https://uni.example.eu/issuers/1',
  name: 'University of Example',
  url: 'https://uni.example.eu',
  email: 'credentials@uni.example.eu',
  image: 'https://uni.example.eu/logo.png',
  address: { addressCountry: 'Ireland', addressCountryCode: 'IE', addressLocality: 'Dublin' },
};

function options(overrides: Partial<BuildAchievementCredentialOptions> = {}): BuildAchievementCredentialOptions {
  return {
    achievement: fixture(),
    issuer,
    recipient: { email: 'Ana.Andromeda@Example.org', salt: 'f00dfeed' },
    result: { grade: 'B', creditsEarned: 5, status: 'Completed' },
    id: 'urn:uuid:7b0e0e58-2b7a-4f1d-9c4c-8b9f0d2a6e11',
    validFrom: new Date('2026-01-01T00:00:00.123Z'),
    validUntil: new Date('2031-01-01T00:00:00Z'),
    ...overrides,
  };
}

function expand(doc: unknown): Promise<unknown[]> {
  return jsonld.expand(doc, { documentLoader: createDocumentLoader(), safe: true });
}

/** The first node object in an expanded document that has the given property. */
function findNode(tree: unknown, property: string): Obj | undefined {
  if (Array.isArray(tree)) {
    for (const item of tree) {
      const found = findNode(item, property);
      if (found) return found;
    }
    return undefined;
  }
  if (typeof tree !== 'object' || tree === null) return undefined;
  const obj = tree as Obj;
  if (property in obj) return obj;
  for (const value of Object.values(obj)) {
    const found = findNode(value, property);
    if (found) return found;
  }
  return undefined;
}

function hasUndefined(value: unknown): boolean {
  if (value === undefined) return true;
  if (Array.isArray(value)) return value.some(hasUndefined);
  if (typeof value === 'object' && value !== null) return Object.values(value).some(hasUndefined);
  return false;
}

describe('hashEmailIdentity / matchesIdentity', () => {
  it('hashes the normalised address with the salt (known vector from node:crypto)', () => {
    const expected = createHash('sha256').update('ana.andromeda@example.org' + 'f00dfeed').digest('hex');
    expect(hashEmailIdentity({ email: '  Ana.Andromeda@Example.ORG ', salt: 'f00dfeed' })).toEqual({
      type: 'IdentityObject',
      identityHash: `sha256$${expected}`,
      identityType: 'emailAddress',
      hashed: true,
      salt: 'f00dfeed',
    });
  });

  it('draws a fresh 16-byte hex salt when none is given', () => {
    const a = hashEmailIdentity({ email: 'ana@example.org' });
    const b = hashEmailIdentity({ email: 'ana@example.org' });
    expect(a.salt).toMatch(/^[0-9a-f]{32}$/);
    expect(a.salt).not.toBe(b.salt);
    expect(a.identityHash).not.toBe(b.identityHash);
    expect(matchesIdentity({ identity: a, email: 'ANA@example.org' })).toBe(true);
  });

  it('matches only the right address', () => {
    const identity = hashEmailIdentity({ email: 'ana@example.org', salt: 's' });
    expect(matchesIdentity({ identity, email: 'ana@example.org' })).toBe(true);
    expect(matchesIdentity({ identity, email: ' Ana@Example.org' })).toBe(true);
    expect(matchesIdentity({ identity, email: 'bob@example.org' })).toBe(false);
    expect(matchesIdentity({ identity: { ...identity, salt: 't' }, email: 'ana@example.org' })).toBe(false);
  });

  it('accepts md5, unsalted and plaintext identities from other issuers', () => {
    const md5 = createHash('md5').update('ana@example.org').digest('hex');
    expect(matchesIdentity({ identity: { identityHash: `md5$${md5}`, identityType: 'emailAddress', hashed: true }, email: 'ana@example.org' })).toBe(true);
    const upper = createHash('sha256').update('ana@example.org').digest('hex').toUpperCase();
    expect(matchesIdentity({ identity: { identityHash: `sha256$${upper}`, hashed: true }, email: 'ana@example.org' })).toBe(true);
    expect(matchesIdentity({ identity: { identityHash: 'Ana@Example.org', identityType: 'emailAddress', hashed: false }, email: 'ana@example.org' })).toBe(true);
  });

  it('returns false for malformed identities and other identity types', () => {
    for (const identity of [null, 'x', {}, { identityHash: 'sha1$abc', hashed: true }, { identityHash: 'sha256$zz', hashed: true }, { identityHash: 'did:example:1', identityType: 'did', hashed: false }]) {
      expect(matchesIdentity({ identity, email: 'ana@example.org' })).toBe(false);
    }
  });

  it('throws TypeError on misuse', () => {
    expect(() => hashEmailIdentity({ email: 'not-an-email' })).toThrow(TypeError);
  });
});

describe('buildAchievementCredential', () => {
  for (const version of VERSIONS) {
    describe(`VC ${version}`, () => {
      const credential = buildAchievementCredential(options({ version }));

      it('passes the structure check (VC rules and the OB 3.0 schema)', () => {
        const result = checkStructure(credential);
        expect(result.problems).toEqual([]);
        expect(result).toMatchObject({ outcome: 'passed', kind: 'ob3', version });
        expect(checkSubjectIdentity(credential).outcome).toBe('passed');
      });

      it('has the contexts, types and dates of its version, and no undefined values', () => {
        const base = version === '1.1' ? CONTEXTS.CREDENTIALS_V1 : CONTEXTS.CREDENTIALS_V2;
        expect(credential['@context']).toEqual([base, CONTEXTS.OB_V3, CONTEXTS.MICROCRED_EU_V1]);
        expect(credential.type).toEqual(['VerifiableCredential', 'OpenBadgeCredential']);
        const [from, until] = version === '1.1' ? ['issuanceDate', 'expirationDate'] : ['validFrom', 'validUntil'];
        expect(credential[from]).toBe('2026-01-01T00:00:00Z');
        expect(credential[until]).toBe('2031-01-01T00:00:00Z');
        expect(credential[version === '1.1' ? 'validFrom' : 'issuanceDate']).toBeUndefined();
        expect(hasUndefined(credential)).toBe(false);
      });

      it('expands in JSON-LD safe mode with the EU terms at their ELM / microcred IRIs', async () => {
        const expanded = await expand(credential);
        const achievement = findNode(expanded, `${ELM}mode`);
        expect(achievement).toBeDefined();
        expect(achievement!['@type']).toEqual(['https://purl.imsglobal.org/spec/vc/ob/vocab.html#Achievement']);
        expect(achievement![`${ELM}mode`]).toEqual([{ '@id': 'http://data.europa.eu/snb/learning-assessment/920fbb3cbe' }]);
        expect(achievement![`${MC}assessmentType`]).toEqual([{ '@id': `${MC}assessment-online-exam` }, { '@id': `${MC}assessment-project` }]);
        expect(achievement![`${MC}qualityAssurance`]).toEqual([{ '@id': `${MC}qa-accredited-institution` }, { '@id': `${MC}qa-internal` }]);
        expect(achievement![`${ELM}idVerification`]).toEqual([{ '@id': `${MC}supervision-supervised-online-id` }]);
        expect(achievement![`${MC}integration`]).toEqual([{ '@id': `${MC}integration-stackable` }]);
        expect(achievement![`${MC}stackableTowards`]).toEqual([{ '@id': 'https://uni.example.eu/achievements/certificate-applied-data-science' }]);
        expect(achievement![`${ELM}entryRequirement`]).toEqual([{ '@value': fixture().prerequisites }]);
        expect(achievement![`${ELM}additionalNote`]).toEqual([{ '@value': fixture().furtherInformation }]);
        expect((achievement![`${ELM}learningOutcome`] as unknown[]).length).toBe(4);
        expect(achievement!['https://purl.imsglobal.org/spec/vc/ob/vocab.html#creditsAvailable']).toEqual([
          { '@type': 'https://www.w3.org/2001/XMLSchema#float', '@value': 5 },
        ]);
        // Nothing fell through to the VC 2.0 catch-all vocabulary: every term was defined where used.
        expect(JSON.stringify(expanded)).not.toContain('issuer-dependent#');
      });

      it('compacts back to the same EU properties (round trip)', async () => {
        const expanded = await expand(credential);
        const compact = (jsonld as unknown as { compact(i: unknown, c: unknown, o: unknown): Promise<Obj> }).compact;
        const again = await compact(expanded, credential['@context'], { documentLoader: createDocumentLoader(), safe: true });
        const before = (credential.credentialSubject as Obj).achievement as Obj;
        const after = (again.credentialSubject as Obj).achievement as Obj;
        for (const key of ['learningOutcome', 'assessmentType', 'participationForm', 'qualityAssurance', 'prerequisites', 'supervision', 'integration', 'stackableTowards', 'furtherInformation']) {
          expect(after[key], key).toEqual(before[key]);
        }
      });
    });
  }

  it('records the learner as a hashed e-mail identifier, the grade as a Result, and ECTS earned', () => {
    const credential = buildAchievementCredential(options());
    const subject = credential.credentialSubject as Obj;
    expect(subject.type).toEqual(['AchievementSubject']);
    expect(subject.id).toBeUndefined();
    expect(matchesIdentity({ identity: (subject.identifier as unknown[])[0], email: 'ana.andromeda@example.org' })).toBe(true);
    expect(subject.creditsEarned).toBe(5);
    expect(subject.result).toEqual([
      {
        type: ['Result'],
        resultDescription: 'https://uni.example.eu/achievements/intro-data-analysis-python/results/ects-grade',
        value: 'B',
        status: 'Completed',
      },
    ]);
    expect((credential.issuer as Obj).type).toEqual(['Profile']);
    expect((credential.issuer as Obj).image).toEqual({ id: 'https://uni.example.eu/logo.png', type: 'Image' });
    expect(((credential.issuer as Obj).address as Obj).type).toEqual(['Address']);
    expect(validateMicroCredentialCredential(credential)).toEqual([]);
  });

  it('uses the DID as the subject id when the recipient has one', () => {
    const credential = buildAchievementCredential(options({ recipient: { did: 'did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK' } }));
    const subject = credential.credentialSubject as Obj;
    expect(subject.id).toBe('did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK');
    expect(subject.identifier).toBeUndefined();
  });

  it('leaves the EU context out when the achievement uses no EU term, and still passes', async () => {
    const credential = buildAchievementCredential(
      options({
        achievement: { id: 'https://ex.org/a/1', name: 'Badge', description: 'A plain badge.', criteria: { narrative: 'Do it.' } },
        result: undefined,
        validUntil: undefined,
      }),
    );
    expect(credential['@context']).toEqual([CONTEXTS.CREDENTIALS_V2, CONTEXTS.OB_V3]);
    expect(checkStructure(credential).outcome).toBe('passed');
    expect(hasUndefined(credential)).toBe(false);
    await expect(expand(credential)).resolves.toBeDefined();
  });

  it('adds awardedDate, activity dates, evidence and credentialStatus when given', () => {
    const credential = buildAchievementCredential(
      options({
        awardedDate: new Date('2025-12-20T10:00:00.999Z'),
        activityStartDate: new Date('2025-10-01T00:00:00Z'),
        activityEndDate: new Date('2025-11-15T00:00:00Z'),
        evidence: [{ id: 'https://uni.example.eu/evidence/1', name: 'Project notebook' }],
        credentialStatus: { id: 'https://uni.example.eu/status/1#5', type: 'BitstringStatusListEntry', statusPurpose: 'revocation', statusListIndex: '5', statusListCredential: 'https://uni.example.eu/status/1' },
      }),
    );
    expect(credential.awardedDate).toBe('2025-12-20T10:00:00Z');
    expect((credential.credentialSubject as Obj).activityStartDate).toBe('2025-10-01T00:00:00Z');
    expect(credential.evidence).toEqual([{ id: 'https://uni.example.eu/evidence/1', name: 'Project notebook', type: ['Evidence'] }]);
    expect(checkStructure(credential).outcome).toBe('passed');
  });

  it('does not change the caller’s achievement object', () => {
    const achievement = fixture();
    const copy = structuredClone(achievement);
    buildAchievementCredential(options({ achievement }));
    expect(achievement).toEqual(copy);
  });

  it('throws TypeError on misuse', () => {
    const bad: Partial<BuildAchievementCredentialOptions>[] = [
      { id: 'not a url' },
      { validFrom: new Date('nope') },
      { validUntil: new Date('2020-01-01T00:00:00Z') },
      { achievement: { id: 'https://ex.org/a', name: '' } },
      { recipient: {} as never },
      { issuer: { id: 'x' } },
      { version: '3.0' as VcVersion },
      { result: { creditsEarned: -1 } },
    ];
    for (const b of bad) expect(() => buildAchievementCredential(options(b)), JSON.stringify(b)).toThrow(TypeError);
  });

  it('formats dates without milliseconds', () => {
    expect(toDateTime(new Date(Date.UTC(2026, 0, 1, 12, 30, 5, 678)))).toBe('2026-01-01T12:30:05Z');
  });
});

describe('buildEndorsementCredential', () => {
  for (const version of VERSIONS) {
    it(`builds a well-formed EndorsementCredential (VC ${version}) that expands in safe mode`, async () => {
      const credential = buildEndorsementCredential({
        issuer: { id: 'https://agency.example.eu', name: 'Quality Agency' },
        subject: { id: 'https://uni.example.eu/achievements/intro-data-analysis-python', endorsementComment: 'Meets the national quality framework.' },
        id: 'urn:uuid:0c3f5a0e-1b7d-4e53-9a34-0e2b5a1f7c10',
        validFrom: new Date('2026-02-01T00:00:00Z'),
        version,
      });
      expect(credential.type).toEqual(['VerifiableCredential', 'EndorsementCredential']);
      expect(credential.name).toBe('Endorsement by Quality Agency');
      expect(credential.credentialSubject).toEqual({
        id: 'https://uni.example.eu/achievements/intro-data-analysis-python',
        type: ['EndorsementSubject'],
        endorsementComment: 'Meets the national quality framework.',
      });
      expect(checkStructure(credential)).toMatchObject({ outcome: 'passed', kind: 'endorsement', version });
      const expanded = await expand(credential);
      expect(findNode(expanded, 'https://purl.imsglobal.org/spec/vc/ob/vocab.html#endorsementComment')).toBeDefined();
    });
  }
});

describe('microcred EU context', () => {
  const context = (BUNDLED_CONTEXTS.get(CONTEXTS.MICROCRED_EU_V1) as Obj)['@context'] as Record<string, Obj>;
  const lists: [string, readonly CodeEntry[]][] = [
    ['assessmentType', ASSESSMENT_TYPES],
    ['participationForm', PARTICIPATION_FORMS],
    ['qualityAssurance', QUALITY_ASSURANCE_TYPES],
    ['supervision', SUPERVISION_TYPES],
    ['integration', INTEGRATION_OPTIONS],
  ];

  it('is a protected JSON-LD 1.1 context whose codes match the domain code lists', () => {
    expect(context['@protected']).toBe(true);
    expect(context['@version']).toBe(1.1);
    for (const [term, list] of lists) {
      const scoped = context[term]!['@context'] as Record<string, { '@id': string }>;
      expect(context[term]!['@type'], term).toBe('@vocab');
      expect(Object.fromEntries(Object.entries(scoped).map(([k, v]) => [k, v['@id']])), term).toEqual(
        Object.fromEntries(list.map((e) => [e.code, e.iri])),
      );
    }
  });

  it('defines no term that an OB 3.0 or CLR 2.0 context already defines (so placing it last never clashes)', () => {
    const ours = Object.keys(context).filter((k) => !k.startsWith('@'));
    const theirs = new Set<string>();
    const collect = (ctx: unknown): void => {
      if (typeof ctx !== 'object' || ctx === null) return;
      for (const [key, value] of Object.entries(ctx as Obj)) {
        theirs.add(key);
        if (typeof value === 'object' && value !== null && '@context' in value) collect((value as Obj)['@context']);
      }
    };
    for (const url of [CONTEXTS.CREDENTIALS_V2, CONTEXTS.CREDENTIALS_V1, CONTEXTS.OB_V3, CONTEXTS.CLR_V2]) {
      collect((BUNDLED_CONTEXTS.get(url) as Obj)['@context']);
    }
    expect(ours.filter((t) => theirs.has(t))).toEqual([]);
  });
});
