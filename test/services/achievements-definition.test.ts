import { describe, expect, it } from 'vitest';
import { validateMicroCredential } from '../../src/domain/eu-elements.ts';
import { definitionProblems, normaliseDefinition, ob3Achievement, type AchievementInput } from '../../src/services/achievements/definition.ts';
import { addDuration, parseDuration } from '../../src/services/achievements/duration.ts';

const input: AchievementInput = {
  issuerId: 'i',
  name: ' Data Analysis ',
  description: 'Six weeks.',
  criteria: 'Pass the exam.',
  eu: {
    creditsAvailable: 2.5, eqfLevel: 5, learningOutcome: ['Clean data.', ' '], assessmentType: ['exam'], participationForm: 'blended',
    qualityAssurance: ['internal'], prerequisites: '', supervision: 'none',
  },
  alignments: [{ targetUrl: 'http://data.europa.eu/esco/skill/ccd0a1d9-afda-43d9-b901-96344886e14d', targetName: 'Python' }],
};

describe('achievement definitions', () => {
  it('normalises a form body: trims, leaves out empty fields and list items, defaults the type', () => {
    const definition = normaliseDefinition(input);
    expect(definition).toEqual({
      issuerId: 'i', name: 'Data Analysis', description: 'Six weeks.', criteria: 'Pass the exam.', achievementType: 'MicroCredential',
      eu: { creditsAvailable: 2.5, eqfLevel: 5, learningOutcome: ['Clean data.'], assessmentType: ['exam'], participationForm: 'blended', qualityAssurance: ['internal'], supervision: 'none' },
      alignments: [{ targetUrl: 'http://data.europa.eu/esco/skill/ccd0a1d9-afda-43d9-b901-96344886e14d', targetName: 'Python' }],
    });
    expect(definitionProblems(definition)).toEqual([]);
  });

  it('keeps an uploaded image across edits unless the edit sets or removes the image', () => {
    const previous = { ...normaliseDefinition(input), imageSha256: 'ab' };
    expect(normaliseDefinition(input, previous).imageSha256).toBe('ab');
    expect(normaliseDefinition({ ...input, image: null }, previous).imageSha256).toBeUndefined();
    const linked = normaliseDefinition({ ...input, image: 'https://uni.example/badge.png' }, previous);
    expect([linked.image, linked.imageSha256]).toEqual(['https://uni.example/badge.png', undefined]);
  });

  it('becomes an OB 3.0 Achievement that the domain EU validator accepts, with EQF and ESCO alignments', () => {
    const achievement = ob3Achievement('https://issuer.test/achievements/a', 3, normaliseDefinition(input), undefined);
    expect(validateMicroCredential(achievement)).toEqual([]);
    expect(achievement).toMatchObject({
      id: 'https://issuer.test/achievements/a', version: '3', creditsAvailable: 2.5, criteria: { narrative: 'Pass the exam.' },
      alignment: [
        { targetCode: '5', targetUrl: 'http://data.europa.eu/snb/eqf/5', targetFramework: 'European Qualifications Framework' },
        { targetFramework: 'ESCO', targetType: 'ext:ESCOSkill' },
      ],
      participationForm: 'blended', supervision: 'none',
    });
    expect(achievement).not.toHaveProperty('eqfLevel');
    expect(achievement).not.toHaveProperty('image');
  });

  it('reports each problem once with the API pointer', () => {
    const definition = normaliseDefinition({ ...input, eu: { ...input.eu, creditsAvailable: 0.125, qualityAssurance: ['internal', 'vibes'], assessmentType: undefined } });
    expect(definitionProblems(definition).map((p) => p.pointer)).toEqual(['/eu/creditsAvailable', '/eu/assessmentType', '/eu/qualityAssurance/1']);
  });
});

describe('ISO 8601 validity periods', () => {
  it('parses whole-number durations and refuses the rest', () => {
    expect(parseDuration('P1Y6M')).toMatchObject({ years: 1, months: 6, days: 0 });
    expect(parseDuration('P2W')).toMatchObject({ weeks: 2 });
    expect(parseDuration('PT36H')).toMatchObject({ hours: 36 });
    for (const bad of ['P', 'PT', 'P1', '1Y', 'P1.5Y', 'P0D', 'P0Y0M', 'P1YT', 'p1y', ' P1Y', 'P-1Y', 'P1M1Y']) expect(parseDuration(bad), bad).toBeUndefined();
  });

  it('adds calendar months and years, stopping at the end of shorter months', () => {
    const at = (iso: string) => new Date(iso);
    expect(addDuration(at('2026-01-31T10:00:00Z'), 'P1M').toISOString()).toBe('2026-02-28T10:00:00.000Z');
    expect(addDuration(at('2028-02-29T00:00:00Z'), 'P1Y').toISOString()).toBe('2029-02-28T00:00:00.000Z');
    expect(addDuration(at('2026-11-15T00:00:00Z'), 'P3M').toISOString()).toBe('2027-02-15T00:00:00.000Z');
    expect(addDuration(at('2026-01-01T00:00:00Z'), 'P30D').toISOString()).toBe('2026-01-31T00:00:00.000Z');
    expect(addDuration(at('2026-01-01T00:00:00Z'), 'P1Y6M2DT12H').toISOString()).toBe('2027-07-03T12:00:00.000Z');
    expect(() => addDuration(at('2026-01-01T00:00:00Z'), 'soon')).toThrow(TypeError);
  });
});
