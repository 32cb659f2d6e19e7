/**
 * What a credential certifies (src/vc/certifies.ts): every element of a full micro-credential as a
 * labelled fact in words, EU codes as their labels, nothing empty for a sparse credential, and hostile
 * values kept as text.
 */
import { describe, expect, it } from 'vitest';
import { codeLabel, technicalDetails, whatItCertifies, type CertifiedFact } from '../../src/vc/certifies.ts';
import { ASSESSMENT_TYPES, PARTICIPATION_FORMS } from '../../src/domain/eu-elements.ts';
import { toDisplay } from '../../src/vc/display.ts';
import { FULL_CODES, FULL_CREDENTIAL, FULL_FACTS } from '../support/full-credential.ts';

function words(fact: CertifiedFact): string {
  return fact.values.map((v) => v.text).join(' | ');
}

describe('whatItCertifies', () => {
  it('states every element of a full micro-credential under its label, in order, codes as labels', () => {
    const facts = whatItCertifies(toDisplay(FULL_CREDENTIAL));
    const labels = facts.map((f) => f.label);
    expect(labels).toEqual(FULL_FACTS.map(([label]) => label));
    for (const [label, expected] of FULL_FACTS) {
      const fact = facts.find((f) => f.label === label)!;
      // Dates are ISO text in the model (each screen words them); the rest is as shown.
      if (fact.values.some((v) => v.date)) continue;
      for (const word of expected) expect(words(fact), label).toContain(word);
    }
    const all = JSON.stringify(facts.map((f) => f.values.map((v) => v.text)));
    for (const code of FULL_CODES) expect(all).not.toContain(code);
    expect(facts.find((f) => f.key === 'skills')!.values[0]!.href).toBe('http://data.europa.eu/esco/skill/ccd0a1d9-afda-43d9-b901-96344886e14d');
    expect(facts.find((f) => f.key === 'awardingBody')!.values[0]!.href).toBe('https://uni.example');
    expect(facts.find((f) => f.key === 'dateOfIssuing')!.values).toEqual([{ text: '2026-03-02T09:30:00Z', date: true }]);
  });

  it('a sparse credential gives only the facts it has: no empty label', () => {
    const facts = whatItCertifies(toDisplay({
      '@context': ['https://www.w3.org/ns/credentials/v2'], type: ['VerifiableCredential', 'OpenBadgeCredential'],
      issuer: { id: 'did:key:z6Mk', name: '   ' }, validFrom: '2026-01-01T00:00:00Z',
      credentialSubject: { achievement: { name: 'Bare', assessmentType: [], learningOutcome: ['', '  '] } },
    }));
    expect(facts.map((f) => f.key)).toEqual(['dateOfIssuing']);
    for (const fact of facts) expect(fact.values.length).toBeGreaterThan(0);
  });

  it('words codes of the EU lists, their IRIs, and unknown codes of other issuers', () => {
    expect(codeLabel(ASSESSMENT_TYPES, 'online-exam')).toBe('Online examination');
    expect(codeLabel(ASSESSMENT_TYPES, 'https://w3id.org/microcred/eu#assessment-oral')).toBe('Oral examination');
    expect(codeLabel(PARTICIPATION_FORMS, 'http://data.europa.eu/snb/learning-assessment/920fbb3cbe')).toBe('Online');
    expect(codeLabel(ASSESSMENT_TYPES, 'viva-voce')).toBe('Viva voce');
    expect(codeLabel(ASSESSMENT_TYPES, 'https://other.example/vocab#take-home')).toBe('Take home');
    expect(codeLabel(ASSESSMENT_TYPES, 'A written essay')).toBe('A written essay');
  });

  it('keeps hostile values as plain text and links only http(s)', () => {
    const credential = structuredClone(FULL_CREDENTIAL) as { issuer: Record<string, unknown>; evidence: unknown[] };
    credential.issuer.name = '<script>alert(1)</script>';
    credential.issuer.url = 'javascript:alert(1)';
    credential.evidence = [{ id: 'javascript:alert(2)', name: 'Report' }];
    const facts = whatItCertifies(toDisplay(credential));
    const body = facts.find((f) => f.key === 'awardingBody')!;
    expect(body.values).toEqual([{ text: '<script>alert(1)</script>' }]);
    expect(facts.find((f) => f.key === 'evidence')!.values).toEqual([{ text: 'Report' }]);
  });

  it('puts identifiers, proof suites, keys and the media type in the technical details', () => {
    const technical = technicalDetails(toDisplay(FULL_CREDENTIAL), FULL_CREDENTIAL, { mediaType: 'application/json', format: 'ldp' });
    const text = JSON.stringify(technical);
    for (const expected of ['urn:uuid:0b7c7c55', 'did:web:uni.example', 'eddsa-rdfc-2022', 'did:web:uni.example#key-1', 'application/json', 'did:key:z6Mkha']) {
      expect(text).toContain(expected);
    }
    const facts = JSON.stringify(whatItCertifies(toDisplay(FULL_CREDENTIAL)));
    for (const technicalOnly of ['did:web:uni.example', 'eddsa-rdfc-2022', 'urn:uuid:0b7c7c55', 'did:key:']) expect(facts).not.toContain(technicalOnly);
  });
});
