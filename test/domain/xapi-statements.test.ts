/** The xAPI statement checks and rule matching (pure), and the webhook retry schedule. */
import { describe, expect, it } from 'vitest';
import { DELIVERY_WINDOW_MS, nextDeliveryAttempt } from '../../src/domain/events.ts';
import { comparableForm, matchingRules, parseStatement, type XapiRule } from '../../src/domain/xapi/statements.ts';

const VERB = 'http://adlnet.gov/expapi/verbs/passed';
const ACTIVITY = 'https://lms.example/quiz/7';
const base = { actor: { mbox: 'mailto:Ada@Example.org' }, verb: { id: VERB }, object: { id: ACTIVITY } };

describe('xAPI statements', () => {
  it('reads the actor, verb, activity and scaled score of a valid statement', () => {
    const parsed = parseStatement({ ...base, id: 'A1B2C3D4-0000-4000-8000-000000000001', result: { score: { scaled: 0.5, raw: 5, min: 0, max: 10 } } });
    expect(parsed).toMatchObject({ ok: true, statement: { id: 'a1b2c3d4-0000-4000-8000-000000000001', actor: { kind: 'mbox', email: 'ada@example.org' }, verbId: VERB, activityId: ACTIVITY, scaled: 0.5 } });
    expect(parseStatement({ ...base, actor: { objectType: 'Agent', account: { homePage: 'https://lms.example', name: 'u-17' } } }))
      .toMatchObject({ ok: true, statement: { actor: { kind: 'account', homePage: 'https://lms.example', name: 'u-17' } } });
    expect(parseStatement({ ...base, actor: { mbox_sha1sum: 'a'.repeat(40) } })).toMatchObject({ ok: true, statement: { actor: { kind: 'other' } } });
    expect(parseStatement({ ...base, object: { objectType: 'StatementRef', id: '8f87ccde-bb56-4c2e-ab83-44982ef22df0' } })).toMatchObject({ ok: true, statement: { verbId: VERB } });
  });

  it('names every field that is wrong, with a pointer', () => {
    const parsed = parseStatement({ actor: { mbox: 'ada' }, verb: { id: 'passed' }, object: {}, result: { score: { scaled: -2 }, completion: 1 }, extra: true }, '/3');
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.problems.map((p) => p.pointer).sort()).toEqual(['/3/actor/mbox', '/3/extra', '/3/object/id', '/3/result/completion', '/3/result/score/scaled', '/3/verb/id']);
    for (const value of [null, 42, 'text', [], undefined]) expect(parseStatement(value).ok).toBe(false);
    expect(parseStatement({ ...base, result: { score: { raw: 11, min: 0, max: 10 } } })).toMatchObject({ ok: false, problems: [{ pointer: '/result/score/raw' }] });
    expect(parseStatement({ ...base, object: { objectType: 'SubStatement', actor: base.actor, verb: base.verb, object: { objectType: 'SubStatement' } } }))
      .toMatchObject({ ok: false, problems: [{ pointer: '/object/object' }] });
  });

  it('matches rules on verb and activity, and on the minimum scaled score only when the rule sets one', () => {
    const rules: XapiRule[] = [
      { id: 'any', achievementId: 'a', verbId: VERB, activityId: ACTIVITY, minScaled: null },
      { id: 'high', achievementId: 'b', verbId: VERB, activityId: ACTIVITY, minScaled: 0.8 },
      { id: 'other', achievementId: 'c', verbId: VERB, activityId: `${ACTIVITY}/2`, minScaled: null },
    ];
    const at = (scaled?: number) => {
      const parsed = parseStatement({ ...base, ...(scaled !== undefined ? { result: { score: { scaled } } } : {}) });
      if (!parsed.ok) throw new Error('invalid');
      return matchingRules(parsed.statement, rules).map((rule) => rule.id);
    };
    expect(at()).toEqual(['any']);
    expect(at(0.79)).toEqual(['any']);
    expect(at(0.8)).toEqual(['any', 'high']);
  });

  it('compares re-sent statements without what an LRS adds, whatever the key order', () => {
    const a = { ...base, result: { success: true, score: { scaled: 1 } } };
    const b = { result: { score: { scaled: 1 }, success: true }, object: base.object, verb: base.verb, actor: base.actor, stored: '2026-01-01T00:00:00Z', authority: { mbox: 'mailto:lrs@x.test' }, version: '1.0.3' };
    expect(comparableForm(b)).toBe(comparableForm(a));
    expect(comparableForm({ ...a, result: { success: false } })).not.toBe(comparableForm(a));
  });
});

describe('webhook retry schedule', () => {
  it('backs off exponentially to six hours and stops a day after the window opened', () => {
    const start = new Date('2026-12-01T00:00:00Z');
    let now = start;
    const gaps: number[] = [];
    for (let attempts = 1; ; attempts++) {
      const next = nextDeliveryAttempt({ windowStart: start, attempts, now });
      if (!next) break;
      gaps.push(next.getTime() - now.getTime());
      now = next;
    }
    expect(gaps).toEqual([30_000, 120_000, 480_000, 1_920_000, 7_680_000, 21_600_000, 21_600_000, 21_600_000]);
    expect(now.getTime() - start.getTime()).toBeLessThanOrEqual(DELIVERY_WINDOW_MS);
  });
});
