import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { displayText, toDisplay } from '../../src/vc/display.ts';
import type { JsonObject } from '../../src/vc/types.ts';
import { standardsUrl } from '../support/standards.ts';

const EXAMPLES = standardsUrl('examples/');
const read = (path: string, base: URL = EXAMPLES) => JSON.parse(readFileSync(new URL(path, base), 'utf8')) as JsonObject;
const OB2 = new URL('../fixtures/ob2/', import.meta.url);

describe('toDisplay: Open Badges 3.0', () => {
  it('shows every part of the complete 1EdTech example', () => {
    const view = toDisplay(read('ob3/ob3-complete-openbadgecredential.unsigned.json'));
    expect(view).toMatchObject({
      standard: 'Open Badges 3.0',
      id: 'http://1edtech.edu/credentials/3732',
      name: '1EdTech University Degree for Example Student',
      description: '1EdTech University Degree Description',
      image: 'https://1edtech.edu/credentials/3732/image',
      issuer: { id: 'https://1edtech.edu/issuers/565049', name: '1EdTech University', url: 'https://1edtech.edu', image: 'https://1edtech.edu/logo.png' },
      recipient: { id: 'did:example:ebfeb1f712ebc6f1c276e12ec21', identityHashed: false, identityType: 'emailAddress', identity: 'student@1edtech.edu' },
      validFrom: '2010-01-01T00:00:00Z',
      validUntil: '2030-01-01T00:00:00Z',
    });
    expect(view.achievement).toMatchObject({
      id: 'https://1edtech.edu/achievements/degree',
      type: 'Degree',
      creditsAvailable: 36,
      fieldOfStudy: 'Research',
      specialization: 'Computer Science Research',
      humanCode: 'R1',
      criteria: { narrative: expect.stringContaining('Degree Requirements') },
      tags: ['research', 'computer science'],
      creator: { id: 'https://1edtech.edu/issuers/565049', name: '1EdTech University' },
    });
    expect(view.achievement?.alignments).toHaveLength(2);
    expect(view.achievement?.alignments[0]).toEqual({
      targetName: '1EdTech University Degree',
      targetUrl: 'https://1edtech.edu/catalog/degree',
      targetFramework: '1EdTech University Program and Course Catalog',
      targetCode: 'degree',
      targetType: 'CFItem',
      targetDescription: '1EdTech University Degree programs.',
    });
    // otherIdentifier is not modelled, so it is kept rather than lost.
    expect(view.achievement?.extensions.otherIdentifier).toEqual([{ type: 'IdentifierEntry', identifier: 'abde', identifierType: 'identifier' }]);
    expect(view.result.creditsEarned).toBe(42);
    expect(view.result).toMatchObject({ term: 'Fall', role: 'Major Domo', licenseNumber: 'A-9320041' });
    expect(view.result.results[0]).toMatchObject({ value: 'A' });
    expect(view.evidence.map((e) => e.name)).toEqual(['Final Project Report', 'Final Project Code']);
  });

  const files = readdirSync(new URL('ob3/', EXAMPLES)).filter((f) => f.endsWith('.json') && !f.includes('keypair'));
  for (const file of files) {
    it(`reads ${file} without losing its name, issuer or achievement`, () => {
      const credential = read(`ob3/${file}`);
      const view = toDisplay(credential, { version: 'ob3' });
      expect(view.standard).toBe('Open Badges 3.0');
      expect(view.name).toBe(credential.name);
      expect(view.issuer.id ?? view.issuer.name).toBeTruthy();
      const subject = credential.credentialSubject as JsonObject;
      if (subject.achievement) expect(view.achievement?.name).toBe((subject.achievement as JsonObject).name);
    });
  }

  it('reads language maps, value objects, plain-string images and issuers', () => {
    const view = toDisplay({
      type: ['VerifiableCredential', 'OpenBadgeCredential'],
      name: { fr: 'Insigne', en: 'Badge' },
      description: [{ '@value': 'Beschreibung', '@language': 'de' }, { '@value': 'Description', '@language': 'en-GB' }],
      issuer: 'did:web:issuer.example',
      credentialSubject: [{ achievement: { name: [{ '@value': 'Réussite', '@language': 'fr' }], image: 'https://x.example/a.png' } }],
    });
    expect(view).toMatchObject({ name: 'Badge', description: 'Description', issuer: { id: 'did:web:issuer.example' }, image: 'https://x.example/a.png' });
    expect(view.achievement?.name).toBe('Réussite');
    expect(displayText({ '@value': 42 })).toBe('42');
    expect(displayText({ notALanguage: 'x' })).toBeUndefined();
  });

  it('collects EU micro-credential elements and keeps unknown properties', () => {
    const view = toDisplay({
      type: ['VerifiableCredential', 'OpenBadgeCredential'],
      issuer: { id: 'https://uni.example', name: 'Uni' },
      credentialSubject: {
        achievement: {
          name: 'Data literacy',
          creditsAvailable: 5,
          learningOutcome: ['Reads charts critically.'],
          assessmentType: ['online-exam'],
          participationForm: 'online',
          qualityAssurance: ['accredited-institution'],
          vendorSpecific: { a: 1 },
          alignment: [{ targetName: 'EQF level 6', targetFramework: 'European Qualifications Framework', targetCode: '6', targetUrl: 'http://data.europa.eu/snb/eqf/6' }],
        },
      },
    });
    expect(view.achievement?.eu).toEqual({ learningOutcome: ['Reads charts critically.'], assessmentType: ['online-exam'], participationForm: 'online', qualityAssurance: ['accredited-institution'] });
    expect(view.achievement?.creditsAvailable).toBe(5);
    expect(view.achievement?.extensions).toEqual({ vendorSpecific: { a: 1 } });
    expect(view.achievement?.level).toBe('6');
  });

  it('names a plain VC as such and reads VC 1.1 dates', () => {
    const view = toDisplay({ type: 'VerifiableCredential', issuanceDate: '2020-01-01T00:00:00Z', expirationDate: '2021-01-01T00:00:00Z', credentialSubject: 'oops' });
    expect(view).toMatchObject({ standard: 'Verifiable Credential', name: 'Untitled credential', validFrom: '2020-01-01T00:00:00Z', issuedOn: '2020-01-01T00:00:00Z', validUntil: '2021-01-01T00:00:00Z' });
    expect(view.achievement).toBeUndefined();
  });

  it('throws TypeError for something that is not a credential object', () => {
    expect(() => toDisplay('x')).toThrow(TypeError);
    expect(() => toDisplay([])).toThrow(TypeError);
  });
});

describe('toDisplay: CLR 2.0', () => {
  it('shows the transcript and each credential it holds', () => {
    const view = toDisplay(read('clr2/clr2-test-vector.signed-eddsa-rdfc-2022.json'));
    expect(view).toMatchObject({ standard: 'CLR 2.0', name: 'Sample Transcript', issuer: { name: 'Example University' } });
    expect(view.achievement).toBeUndefined();
    expect(view.credentials.length).toBeGreaterThan(0);
    expect(view.credentials[0]).toMatchObject({ standard: 'Open Badges 3.0', name: 'Example University Degree', achievement: { name: 'Achievement 1' } });
  });
});

describe('toDisplay: Open Badges 2.0', () => {
  const assertion = read('assertion-hosted.json', OB2);
  const badge = read('badge-class.json', OB2);
  const issuer = read('issuer.json', OB2);

  it('shows an assertion with its badge class and issuer embedded (as verifyOb2 returns it)', () => {
    const view = toDisplay({ ...assertion, badge: { ...badge, issuer } });
    expect(view).toMatchObject({
      standard: 'Open Badges 2.0',
      id: 'https://issuer.example/assertions/1001.json',
      name: 'Web Basics',
      description: 'Builds and publishes an accessible static web page.',
      image: 'https://issuer.example/assertions/1001.png',
      issuer: { id: 'https://issuer.example/issuer.json', name: 'Example Academy', url: 'https://issuer.example', image: 'https://issuer.example/logo.png' },
      recipient: { identityHashed: true, identityType: 'email' },
      issuedOn: '2024-03-01T10:00:00Z',
      validUntil: '2030-03-01T10:00:00Z',
      narrative: 'Published a portfolio site.',
      evidence: [{ id: 'https://learner.example/portfolio', name: 'Portfolio', narrative: 'The final project.' }],
    });
    expect(view.recipient.identity).toBeUndefined();
    expect(view.achievement).toMatchObject({
      id: 'https://issuer.example/badges/web-basics.json',
      name: 'Web Basics',
      criteria: { id: 'https://issuer.example/badges/web-basics/criteria', narrative: 'Pass the final project review.' },
      tags: ['web', 'html'],
      alignments: [{ targetName: 'Create web content', targetFramework: 'ESCO', targetCode: 'S1.6.2' }],
      extensions: {},
    });
  });

  it('shows an assertion whose badge is only a URL', () => {
    const view = toDisplay(assertion, { version: 'ob2' });
    expect(view).toMatchObject({ name: 'Unnamed badge', achievement: { id: 'https://issuer.example/badges/web-basics.json' } });
  });
});
