/**
 * Sign-in throttling that slows guessing and cannot be used to lock someone out (issue 14 §3): delays
 * grow per client and account; a correct password from a client that has not been failing gets in.
 * The clock is the app's own (no waiting, no timed assertions).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOGIN_THROTTLE, throttleDelaySeconds } from '../../src/services/login-throttle.ts';
import { createTestApp, setUpOrganisation, type TestApp } from '../support/app.ts';
import { DIALECTS, warnIfPostgresSkipped } from '../support/db.ts';

warnIfPostgresSkipped();

const OWNER = { email: 'owner@uni.test', password: 'owner-password-1' };

describe('throttle delays', () => {
  it('start after the free failures, double, and stop at the cap', () => {
    expect([0, 1, 2, 3, 4, 5].map((n) => throttleDelaySeconds(n, 3))).toEqual([0, 0, 0, 1, 2, 4]);
    expect(throttleDelaySeconds(1000, 3)).toBe(LOGIN_THROTTLE.maxDelaySeconds);
  });
});

for (const dialect of DIALECTS) {
  describe(`sign-in throttling (${dialect})`, () => {
    let t: TestApp;
    let clock = new Date('2026-03-02T09:00:00.000Z');
    const wait = (seconds: number) => {
      clock = new Date(clock.getTime() + seconds * 1000);
    };
    const signIn = (email: string, password: string, remoteAddress: string) =>
      t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email, password }, remoteAddress });

    beforeAll(async () => {
      t = await createTestApp(dialect, { now: () => clock });
      await setUpOrganisation(t.app, 'University of Testing', OWNER.email, OWNER.password);
    });
    afterAll(async () => {
      await t.close();
    });

    it('one client guessing is slowed with growing delays; the owner elsewhere signs in all along', async () => {
      const attacker = '203.0.113.7';
      for (let i = 0; i < LOGIN_THROTTLE.pairFreeFailures; i++) expect((await signIn(OWNER.email, `guess-${i}-guess`, attacker)).statusCode).toBe(401);
      const retryAfters: number[] = [];
      for (let round = 0; round < 4; round++) {
        const refused = await signIn(OWNER.email, 'another-guess-1', attacker);
        expect(refused.statusCode).toBe(429);
        expect(refused.headers['content-type']).toContain('application/problem+json');
        retryAfters.push(Number(refused.headers['retry-after']));
        // While it must wait, even the right password is not checked from that client.
        expect((await signIn(OWNER.email, OWNER.password, attacker)).statusCode).toBe(429);
        expect((await signIn(OWNER.email, OWNER.password, '198.51.100.20')).statusCode).toBe(200);
        wait(retryAfters.at(-1)!);
        expect((await signIn(OWNER.email, `late-guess-${round}`, attacker)).statusCode).toBe(401);
      }
      expect(retryAfters).toEqual([1, 2, 4, 8]);
    });

    it('guesses spread over many addresses do not lock the account: a client that has not failed gets in', async () => {
      for (let i = 0; i < 60; i++) expect((await signIn(OWNER.email, `botnet-guess-${i}`, `10.1.${Math.floor(i / 200)}.${i % 200}`)).statusCode).toBe(401);
      expect((await signIn(OWNER.email, OWNER.password, '198.51.100.21')).statusCode).toBe(200);
      // The owner may even mistype once and still get in.
      expect((await signIn(OWNER.email, 'owner-typo-1', '198.51.100.22')).statusCode).toBe(401);
      expect((await signIn(OWNER.email, OWNER.password, '198.51.100.22')).statusCode).toBe(200);
    });

    it('the account-wide count slows a client that keeps failing against that account, even under its own allowance', async () => {
      const client = '10.9.9.9';
      for (let i = 0; i < LOGIN_THROTTLE.accountAppliesAfter; i++) expect((await signIn(OWNER.email, `slow-guess-${i}`, client)).statusCode).toBe(401);
      const refused = await signIn(OWNER.email, 'slow-guess-x', client);
      expect(refused.statusCode).toBe(429);
      expect(Number(refused.headers['retry-after'])).toBeGreaterThan(1);
    });

    it('one client trying many accounts is slowed on all of them; other clients are not', async () => {
      const sprayer = '192.0.2.99';
      for (let i = 0; i < LOGIN_THROTTLE.clientFreeFailures; i++) expect((await signIn(`person-${i}@uni.test`, 'Winter2026!!', sprayer)).statusCode).toBe(401);
      expect((await signIn('someone-new@uni.test', 'Winter2026!!', sprayer)).statusCode).toBe(429);
      expect((await signIn(OWNER.email, OWNER.password, '192.0.2.100')).statusCode).toBe(200);
    });

    it('a day without failures forgets the counts', async () => {
      wait(LOGIN_THROTTLE.forgetAfterSeconds + 1);
      expect((await signIn(OWNER.email, OWNER.password, '203.0.113.7')).statusCode).toBe(200);
      expect((await signIn(OWNER.email, OWNER.password, '10.9.9.9')).statusCode).toBe(200);
    });
  });
}
