import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ASSESSMENT_TYPES,
  EQF_LEVELS,
  INTEGRATION_OPTIONS,
  ISO_3166_ALPHA2,
  PARTICIPATION_FORMS,
  QUALITY_ASSURANCE_TYPES,
  SUPERVISION_TYPES,
  findEqfLevel,
  hasAtMostTwoDecimals,
  validateMicroCredential,
  validateMicroCredentialCredential,
} from '../../src/domain/eu-elements.ts';
import type { Problem } from '../../src/domain/eu-elements.ts';

type Obj = Record<string, unknown>;

function fixture(): Obj {
  return JSON.parse(
    readFileSync(new URL('../fixtures/achievements/data-science-microcredential.json', import.meta.url), 'utf8'),
  ) as Obj;
}

function paths(problems: Problem[]): string[] {
  return problems.map((p) => p.path);
}

describe('validateMicroCredential', () => {
  it('accepts the data-science fixture', () => {
    expect(validateMicroCredential(fixture())).toEqual([]);
  });

  it('reads the EQF level from the alignment', () => {
    expect(findEqfLevel(fixture())).toBe(6);
  });

  it('rejects an ECTS workload with more than two decimals, and accepts two', () => {
    const a = fixture();
    a.creditsAvailable = 2.555;
    const problems = validateMicroCredential(a);
    expect(paths(problems)).toEqual(['/creditsAvailable']);
    expect(problems[0]!.message).toMatch(/more than two decimals/);
    for (const ok of [2.55, 0.1, 0.07, 0, 60, 1.1]) {
      a.creditsAvailable = ok;
      expect(validateMicroCredential(a), String(ok)).toEqual([]);
    }
  });

  it('rejects negative and non-numeric ECTS', () => {
    for (const bad of [-1, '5', Number.NaN, Number.POSITIVE_INFINITY]) {
      const a = fixture();
      a.creditsAvailable = bad;
      expect(paths(validateMicroCredential(a)), String(bad)).toEqual(['/creditsAvailable']);
    }
  });

  it('rejects EQF level 9 (and 0, and non-numbers)', () => {
    for (const bad of ['9', '0', 'six', 9]) {
      const a = fixture();
      (a.alignment as Obj[])[0]!.targetCode = bad;
      const problems = validateMicroCredential(a);
      expect(paths(problems), String(bad)).toEqual(['/alignment/0/targetCode']);
      expect(problems[0]!.message).toMatch(/1 to 8/);
    }
  });

  it('rejects an EQF alignment whose URL disagrees with its code', () => {
    const a = fixture();
    (a.alignment as Obj[])[0]!.targetUrl = 'http://data.europa.eu/snb/eqf/5';
    expect(paths(validateMicroCredential(a))).toEqual(['/alignment/0/targetUrl']);
  });

  it('rejects unknown codes with a pointer to the entry', () => {
    const a = fixture();
    a.assessmentType = ['online-exam', 'interpretive-dance'];
    a.participationForm = 'telepathic';
    a.qualityAssurance = 'iso-9001';
    a.supervision = 'maybe';
    a.integration = 'glued';
    const problems = validateMicroCredential(a);
    expect(paths(problems)).toEqual(['/assessmentType/1', '/participationForm', '/qualityAssurance', '/supervision', '/integration']);
    expect(problems[0]!.message).toContain('"interpretive-dance" is not a known type of assessment');
    expect(problems[0]!.message).toContain('"exam"');
  });

  it('reports every missing mandatory element', () => {
    const a = fixture();
    for (const key of ['name', 'learningOutcome', 'creditsAvailable', 'assessmentType', 'participationForm', 'qualityAssurance']) {
      delete a[key];
    }
    const problems = validateMicroCredential(a);
    expect(paths(problems).sort()).toEqual(
      ['/assessmentType', '/creditsAvailable', '/learningOutcome', '/name', '/participationForm', '/qualityAssurance'].sort(),
    );
    for (const p of problems) expect(p.message).toMatch(/\.$/);
  });

  it('rejects empty learning outcomes and empty lists', () => {
    const a = fixture();
    a.learningOutcome = ['Fine.', '  '];
    a.assessmentType = [];
    expect(paths(validateMicroCredential(a))).toEqual(['/learningOutcome/1', '/assessmentType']);
  });

  it('does not let a stand-alone credential stack towards another', () => {
    const a = fixture();
    a.integration = 'stand-alone';
    expect(paths(validateMicroCredential(a))).toEqual(['/integration']);
    a.stackableTowards = ['not an iri'];
    a.integration = 'stackable';
    expect(paths(validateMicroCredential(a))).toEqual(['/stackableTowards/0']);
  });

  it('checks the creator country when the achievement names its creator', () => {
    const a = fixture();
    a.creator = { id: 'https://uni.example.eu', type: ['Profile'], address: { type: ['Address'], addressCountryCode: 'EL' } };
    const problems = validateMicroCredential(a);
    expect(paths(problems)).toEqual(['/creator/address/addressCountryCode']);
    expect(problems[0]!.message).toContain('"GR"');
  });

  it('never throws when any field holds arbitrary JSON', () => {
    const keys = ['name', 'learningOutcome', 'creditsAvailable', 'alignment', 'assessmentType', 'participationForm', 'qualityAssurance', 'prerequisites', 'supervision', 'integration', 'stackableTowards', 'furtherInformation', 'creator'];
    fc.assert(
      fc.property(fc.constantFrom(...keys), fc.jsonValue(), (key, value) => {
        const a = fixture();
        a[key] = value;
        for (const p of validateMicroCredential(a)) {
          expect(p.path.startsWith('/')).toBe(true);
          expect(typeof p.message).toBe('string');
        }
        validateMicroCredentialCredential({ credentialSubject: value, issuer: value });
      }),
      { numRuns: 300 },
    );
  });

  it('never throws and explains non-objects', () => {
    for (const bad of [null, undefined, 42, 'x', [], [fixture()]]) {
      expect(validateMicroCredential(bad)).toEqual([{ path: '', message: 'The achievement definition must be a JSON object.' }]);
    }
  });
});

describe('validateMicroCredentialCredential', () => {
  const credential = (): Obj => ({
    issuer: { id: 'https://uni.example.eu', name: 'University of Example', address: { addressCountryCode: 'IE' } },
    validFrom: '2026-01-01T00:00:00Z',
    credentialSubject: { id: 'did:example:ana', achievement: fixture() },
  });

  it('accepts a complete credential', () => {
    expect(validateMicroCredentialCredential(credential())).toEqual([]);
  });

  it('needs the learner, the awarding body, its country and the date', () => {
    const c = credential();
    c.issuer = { id: 'https://uni.example.eu' };
    delete c.validFrom;
    (c.credentialSubject as Obj).id = undefined;
    (c.credentialSubject as Obj).achievement = { ...fixture(), creditsAvailable: 2.555 };
    expect(paths(validateMicroCredentialCredential(c))).toEqual([
      '/issuer/name',
      '/issuer/address/addressCountryCode',
      '/validFrom',
      '/credentialSubject',
      '/credentialSubject/achievement/creditsAvailable',
    ]);
  });

  it('rejects a country that is not ISO 3166-1 alpha-2', () => {
    const c = credential();
    (c.issuer as Obj).address = { addressCountryCode: 'Ireland' };
    expect(paths(validateMicroCredentialCredential(c))).toEqual(['/issuer/address/addressCountryCode']);
  });
});

describe('code lists', () => {
  it('have unique codes and one IRI each; ELM IRIs are EU vocabulary concepts', () => {
    for (const list of [ASSESSMENT_TYPES, PARTICIPATION_FORMS, QUALITY_ASSURANCE_TYPES, SUPERVISION_TYPES, INTEGRATION_OPTIONS, EQF_LEVELS]) {
      const codes = list.map((e) => e.code);
      expect(new Set(codes).size).toBe(codes.length);
      for (const e of list as readonly { iri: string; elmIri?: string }[]) {
        if (e.elmIri) {
          expect(e.iri).toBe(e.elmIri);
          expect(e.elmIri).toMatch(/^http:\/\/data\.europa\.eu\/snb\//);
        } else {
          expect(e.iri).toMatch(/^https:\/\/w3id\.org\/microcred\/eu#/);
        }
      }
    }
    expect(PARTICIPATION_FORMS.find((p) => p.code === 'online')?.elmIri).toBe('http://data.europa.eu/snb/learning-assessment/920fbb3cbe');
  });

  it('knows the 249 ISO 3166-1 alpha-2 codes', () => {
    expect(ISO_3166_ALPHA2.size).toBe(249);
    expect(ISO_3166_ALPHA2.has('IE')).toBe(true);
    expect(ISO_3166_ALPHA2.has('EL')).toBe(false);
  });

  it('counts decimals without floating-point surprises', () => {
    expect(hasAtMostTwoDecimals(0.29)).toBe(true);
    expect(hasAtMostTwoDecimals(1.005)).toBe(false);
    expect(hasAtMostTwoDecimals(2.555)).toBe(false);
  });
});
