/** ISO 8601 durations to a number and a unit and back (the achievement editor's validity period picker). */
import { describe, expect, it } from 'vitest';
import { durationInWords, formatDuration, parseDuration } from '../../web/src/duration.ts';
import { emptyForm, localProblems, toInput } from '../../web/src/achievement-form.ts';
import { NOT_A_DURATION } from '../../web/src/duration.ts';

describe('durations', () => {
  it('reads one unit, and mixed units when one unit says it exactly', () => {
    expect(parseDuration('P3Y')).toEqual({ amount: 3, unit: 'Y' });
    expect(parseDuration('p18m')).toEqual({ amount: 18, unit: 'M' });
    expect(parseDuration('P1Y6M')).toEqual({ amount: 18, unit: 'M' });
    expect(parseDuration('P2W')).toEqual({ amount: 2, unit: 'W' });
    expect(parseDuration('P1W3D')).toEqual({ amount: 10, unit: 'D' });
    expect(parseDuration('P90D')).toEqual({ amount: 90, unit: 'D' });
  });

  it('refuses what one number and unit cannot say, and hostile text', () => {
    for (const text of ['', 'P', 'PT5H', 'P1Y2D', 'P1.5Y', '3 years', 'P-1Y', 'P1Y'.repeat(1000), 'P\u0000Y']) expect(parseDuration(text)).toBeUndefined();
  });

  it('writes back what it read', () => {
    for (const text of ['P3Y', 'P18M', 'P2W', 'P90D']) expect(formatDuration(parseDuration(text)!)).toBe(text);
    expect(formatDuration({ amount: 0, unit: 'Y' })).toBe('');
    expect(formatDuration({ amount: 2.5, unit: 'Y' })).toBe('');
    expect(durationInWords('P1Y')).toBe('1 year');
    expect(durationInWords('P3Y')).toBe('3 years');
  });

  it('a number that is not a whole number above zero is said beside the field and never sent', () => {
    const form = { ...emptyForm('issuer'), validityPeriod: `${NOT_A_DURATION}2.5` };
    expect(localProblems(form)['/validityPeriod']).toMatch(/whole number above zero/);
    expect(toInput(form).validityPeriod).toBeUndefined();
    expect(toInput({ ...form, validityPeriod: 'P2Y' }).validityPeriod).toBe('P2Y');
  });
});
