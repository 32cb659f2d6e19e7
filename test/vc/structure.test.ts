import { readFileSync, readdirSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_PROBLEMS, checkStructure, checkSubjectIdentity } from '../../src/vc/structure.ts';
import { standardsPath } from '../support/standards.ts';

type Obj = Record<string, unknown>;
const EXAMPLES = standardsPath('examples/');

function read(path: string): Obj {
  return JSON.parse(readFileSync(path, 'utf8')) as Obj;
}

/** Every credential among the official OB 3.0 and CLR 2.0 examples (the key-pair file is not one). */
const OFFICIAL = ['ob3', 'clr2'].flatMap((dir) =>
  readdirSync(EXAMPLES + dir)
    .filter((f) => f.endsWith('.json') && !f.includes('keypair'))
    .map((f) => ({ name: `${dir}/${f}`, credential: read(`${EXAMPLES}${dir}/${f}`) })),
);

const basic = (): Obj => read(`${EXAMPLES}ob3/ob3-basic-openbadgecredential.unsigned.json`);

function paths(credential: unknown): string[] {
  return checkStructure(credential).problems.map((p) => p.path);
}

describe('checkStructure on the official examples', () => {
  it('finds all of them', () => {
    expect(OFFICIAL.length).toBeGreaterThanOrEqual(11);
  });

  for (const { name, credential } of OFFICIAL) {
    it(`passes ${name}`, () => {
      const result = checkStructure(credential);
      expect(result.problems).toEqual([]);
      expect(result.outcome).toBe('passed');
      expect(result.version).toBe('2.0');
      const types = credential.type as string[];
      expect(result.kind).toBe(types.includes('ClrCredential') ? 'clr' : types.includes('EndorsementCredential') ? 'endorsement' : 'ob3');
      expect(checkSubjectIdentity(credential).outcome).toBe('passed');
    });
  }

  it('passes the complete example although its embedded endorsements expired in 2020 and their proofs are illustrative', () => {
    // Structure is not validity in time nor proof: expiry and signatures are other checks.
    const complete = read(`${EXAMPLES}ob3/ob3-complete-openbadgecredential.unsigned.json`);
    expect((complete.endorsement as Obj[])[0]!.validUntil).toBe('2020-01-01T00:00:00Z');
    expect(checkStructure(complete).outcome).toBe('passed');
  });
});

describe('checkStructure with several status entries', () => {
  const entry = (purpose: string, index: string) => ({
    id: `https://uni.example.eu/status/${purpose}#${index}`, type: 'BitstringStatusListEntry', statusPurpose: purpose,
    statusListIndex: index, statusListCredential: `https://uni.example.eu/status/${purpose}`,
  });

  // VC 2.0 §4.10 allows a list (a revocation and a suspension entry); the OB 3.0 schema describes one.
  it('accepts a revocation and a suspension entry, each checked against the schema', () => {
    const c = basic();
    c.credentialStatus = [entry('revocation', '17'), entry('suspension', '4242')];
    expect(checkStructure(c).problems).toEqual([]);
    expect(checkStructure(c).outcome).toBe('passed');
  });

  it('names the entry that is malformed', () => {
    const c = basic();
    const bad = entry('suspension', '1') as Obj;
    delete bad.type;
    c.credentialStatus = [entry('revocation', '2'), bad];
    const problems = checkStructure(c).problems;
    expect(problems.length).toBeGreaterThan(0);
    expect(problems.every((p) => p.path.startsWith('/credentialStatus/1'))).toBe(true);
  });

  it('refuses an empty list', () => {
    const c = basic();
    c.credentialStatus = [];
    expect(paths(c)).toContain('/credentialStatus');
  });
});

describe('checkStructure on broken credentials', () => {
  it('reports a missing issuer', () => {
    const c = basic();
    delete c.issuer;
    const result = checkStructure(c);
    expect(result.outcome).toBe('failed');
    expect(result.problems).toContainEqual({ path: '/issuer', message: 'The credential does not say who issued it (issuer is missing).' });
  });

  it('reports an issuer that is neither a URL nor an object with a URL id', () => {
    const c = basic();
    c.issuer = 'University of Example';
    expect(paths(c)).toContain('/issuer');
    c.issuer = { id: 'nope', type: ['Profile'] };
    expect(paths(c)).toContain('/issuer/id');
  });

  it('reports dates that are not dateTimeStamps', () => {
    for (const bad of ['2026-01-01', '2026-01-01T00:00:00', '01/01/2026', '2026-13-01T00:00:00Z', 20260101]) {
      const c = basic();
      c.validFrom = bad;
      const result = checkStructure(c);
      expect(result.outcome, String(bad)).toBe('failed');
      expect(result.problems[0]).toMatchObject({ path: '/validFrom' });
      expect(result.problems[0]!.message).toContain('2026-01-01T00:00:00Z');
    }
  });

  it('reports validUntil before validFrom', () => {
    const c = basic();
    c.validFrom = '2026-01-02T00:00:00Z';
    c.validUntil = '2026-01-01T23:59:59+00:00';
    expect(checkStructure(c).problems).toEqual([
      { path: '/validUntil', message: 'validUntil is before validFrom: the credential would expire before it becomes valid.' },
    ]);
  });

  it('compares validity dates across time zones', () => {
    const c = basic();
    c.validFrom = '2026-01-01T10:00:00+02:00';
    c.validUntil = '2026-01-01T09:00:00Z';
    expect(checkStructure(c).outcome).toBe('passed');
  });

  it('reports a missing type', () => {
    const c = basic();
    delete c.type;
    const result = checkStructure(c);
    expect(result.outcome).toBe('failed');
    expect(result.kind).toBe('vc');
    expect(result.problems[0]).toEqual({ path: '/type', message: 'The credential has no type; it must include "VerifiableCredential".' });
  });

  it('reports a wrong first context, a non-URL id and a missing subject', () => {
    const c = basic();
    c['@context'] = ['https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json'];
    c.id = 'credential 1';
    delete c.credentialSubject;
    const result = checkStructure(c);
    expect(result.version).toBeUndefined();
    expect(result.problems.map((p) => p.path)).toEqual(expect.arrayContaining(['/@context/0', '/id', '/credentialSubject']));
  });

  it('turns schema errors into sentences with JSON pointers', () => {
    const c = basic();
    const achievement = (c.credentialSubject as Obj).achievement as Obj;
    delete achievement.criteria;
    achievement.name = 42;
    const problems = checkStructure(c).problems;
    expect(problems).toContainEqual({
      path: '/credentialSubject/achievement/criteria',
      message: 'The value at /credentialSubject/achievement is missing the required property "criteria".',
    });
    expect(problems).toContainEqual({
      path: '/credentialSubject/achievement/name',
      message: 'The value at /credentialSubject/achievement/name must be a text or an object.',
    });
    expect(problems.length).toBe(2);
  });

  it('caps the number of problems listed', () => {
    const c = basic();
    const subject = c.credentialSubject as Obj;
    subject.achievement = {};
    subject.result = Array.from({ length: 40 }, () => ({}));
    const result = checkStructure(c);
    expect(result.problems.length).toBe(MAX_PROBLEMS);
    expect(result.message).toMatch(/Only the first 20 are listed/);
  });

  it('checks a VC 1.1 credential by its own rules and by the OB schema in 2.0 form', () => {
    const c = basic();
    c['@context'] = ['https://www.w3.org/2018/credentials/v1', 'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json'];
    c.issuanceDate = c.validFrom;
    delete c.validFrom;
    expect(checkStructure(c)).toMatchObject({ outcome: 'passed', version: '1.1', kind: 'ob3' });
    // VC 1.1 allows a dateTime without time zone, but the OB 3.0 schema (format date-time) does not.
    c.issuanceDate = '2026-01-01T00:00:00';
    expect(checkStructure(c).problems).toEqual([
      { path: '/issuanceDate', message: 'The value at /issuanceDate must be a date and time with a time zone, like 2026-01-01T00:00:00Z.' },
    ]);
    const plain = { ...c, type: ['VerifiableCredential'] };
    expect(checkStructure(plain)).toMatchObject({ outcome: 'warning', problems: [], version: '1.1', kind: 'vc' });
    delete c.issuanceDate;
    expect(checkStructure(c).problems).toEqual([{ path: '/issuanceDate', message: 'A VC 1.1 credential must have an issuanceDate.' }]);
  });

  it('gives a warning, not a pass, for a plain VC that is not a badge', () => {
    const vc = read(`${EXAMPLES}vc-di-eddsa/unsigned.json`);
    const result = checkStructure(vc);
    expect(result.kind).toBe('vc');
    expect(result.outcome).toBe('warning');
  });

  it('fails non-objects with a plain sentence', () => {
    for (const bad of [null, undefined, 'credential', 7, [], [basic()]]) {
      expect(checkStructure(bad)).toMatchObject({ outcome: 'failed', kind: 'vc', version: undefined });
    }
  });

  it('never throws, whatever JSON it is given', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const result = checkStructure(value);
        expect(['passed', 'failed', 'warning']).toContain(result.outcome);
        expect(result.problems.length).toBeLessThanOrEqual(MAX_PROBLEMS);
      }),
      { numRuns: 300 },
    );
  });

  it('never throws when any property of a real credential is replaced by arbitrary JSON', () => {
    const keys = ['@context', 'id', 'type', 'issuer', 'validFrom', 'validUntil', 'credentialSubject', 'name', 'issuanceDate'];
    fc.assert(
      fc.property(fc.constantFrom(...keys), fc.jsonValue(), fc.constantFrom('2.0', 'subject'), (key, value, where) => {
        const c = basic();
        if (where === 'subject') ((c.credentialSubject as Obj).achievement as Obj)[key] = value;
        else c[key] = value;
        const result = checkStructure(c);
        expect(['passed', 'failed', 'warning']).toContain(result.outcome);
        for (const p of result.problems) {
          expect(p.path === '' || p.path.startsWith('/')).toBe(true);
          expect(p.message).toMatch(/[.)]$/);
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('checkSubjectIdentity', () => {
  it('passes with an id or a non-empty identifier list, for every subject', () => {
    expect(checkSubjectIdentity({ credentialSubject: { id: 'did:example:1' } }).outcome).toBe('passed');
    expect(checkSubjectIdentity({ credentialSubject: [{ identifier: [{ type: 'IdentityObject' }] }, { id: 'did:example:2' }] }).outcome).toBe('passed');
  });

  it('fails when any subject is anonymous, or there is none', () => {
    for (const c of [{ credentialSubject: {} }, { credentialSubject: { identifier: [] } }, { credentialSubject: [{ id: 'did:example:1' }, {}] }, {}, null, 'x', { credentialSubject: [] }]) {
      const check = checkSubjectIdentity(c);
      expect(check.outcome, JSON.stringify(c)).toBe('failed');
      expect(check.message).toMatch(/neither an id nor an identifier/);
    }
  });
});
