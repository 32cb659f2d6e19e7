/**
 * The mapping from the API's field errors (JSON pointers, Ajv fragments, EU codes, property names) to
 * the sentences the forms show beside their fields. Each case is a message the server really sends.
 */
import { describe, expect, it } from 'vitest';
import { detailSentence, fieldLabel, fieldSentence, tooLargeSentence } from '../../web/src/field-errors.ts';

/** Nothing a person should never read: a pointer, a camelCase property, an EU code. */
function expectPlain(text: string): void {
  expect(text).not.toMatch(/(^|\s)\/?[a-z]+\/[a-zA-Z]/);
  expect(text).not.toMatch(/\b[a-z]+[A-Z][a-zA-Z]*\b/);
  expect(text).not.toMatch(/\bonline-exam\b|\bpractical-demonstration\b/);
  expect(text).toMatch(/^[A-Z“]/);
  expect(text).toMatch(/[.!?)]$/);
}

describe('field errors in sentences', () => {
  it('names fields by pointer, with list positions counted from 1', () => {
    expect(fieldLabel('/eu/creditsAvailable')).toBe('the ECTS workload');
    expect(fieldLabel('/body/recipient/email')).toBe('the recipient’s e-mail address');
    expect(fieldLabel('/alignments/1/targetUrl')).toBe('the address of skill 2');
    expect(fieldLabel('/eu/learningOutcome/0')).toBe('learning outcome 1');
    expect(fieldLabel('/somethingNew/innerField')).toBe('the something new inner field');
    expect(fieldLabel('/')).toBeUndefined();
  });

  const cases: [string, string, string][] = [
    ['/recipient/email', 'is not an e-mail address', 'The recipient’s e-mail address is not an e-mail address.'],
    ['/recipient/email', 'is required (or give a DID in /recipient/did)', 'The recipient’s e-mail address is required (or give a DID in the recipient’s DID).'],
    ['/eu/assessmentType/0', 'must be one of "exam", "online-exam", "practical-demonstration"', 'The type of assessment must be one of “Written examination”, “Online examination”, “Practical demonstration”.'],
    ['/eu/creditsAvailable', 'must be 0 or more', 'The ECTS workload must be 0 or more.'],
    ['/validUntil', 'must be after validFrom', 'The “valid until” date must be after the “valid from” date.'],
    ['/name', 'must be at most 200 characters', 'The name must be at most 200 characters.'],
    ['/', 'The file is not a PNG image (its first bytes are not the PNG signature).', 'The file is not a PNG image (its first bytes are not the PNG signature).'],
    ['/eu/participationForm', 'online-exam is not a form of participation', 'Online examination is not a form of participation.'],
    ['/creditsAvailable', 'The notional workload in ECTS credits (creditsAvailable) is missing; it is a mandatory EU element.', 'The notional workload in ECTS credits is missing; it is a mandatory EU element.'],
  ];
  for (const [pointer, message, expected] of cases) {
    it(`${pointer} ${message}`, () => {
      const text = fieldSentence(pointer, message);
      expect(text).toBe(expected);
      expectPlain(text);
    });
  }

  it('turns a validation detail that starts with a pointer into a sentence', () => {
    expect(detailSentence('/eu/creditsAvailable must be 0 or more')).toBe('The ECTS workload must be 0 or more.');
    expect(detailSentence('achievementId: no micro-credential x in this organisation')).toBe('The micro-credential: no micro-credential x in this organisation.');
  });

  it('states the limit of a file that is too large', () => {
    expect(tooLargeSentence('the image', 700 * 1024, 512 * 1024)).toBe('The image is 700 kB: files up to 512 kB are accepted.');
    expect(tooLargeSentence('the file', undefined, 2 * 1024 * 1024)).toBe('The file is too large: files up to 2 MB are accepted.');
  });

  it('hostile input stays text: no pointer syntax or code leaks, nothing thrown', () => {
    for (const message of ['', '////', '"', '`x`', 'a'.repeat(10_000), '/a/b/c/d/e/f is wrong', '\u0000\u202e']) {
      expect(() => fieldSentence('/x/~1~0/3', message)).not.toThrow();
    }
  });
});
