/**
 * Password reset and invitations by e-mail (issue 14 §3), over HTTP on a real database, reading the
 * links from the development outbox as a person would read them from her mailbox.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, invitationToken, login, sessionFrom, setUpOrganisation, signUpAndSignIn, type SetUpOrganisation, type TestApp } from '../support/app.ts';
import { DIALECTS, warnIfPostgresSkipped } from '../support/db.ts';

warnIfPostgresSkipped();

const START = new Date('2026-03-02T09:00:00.000Z');

for (const dialect of DIALECTS) {
  describe(`password reset and invitations by e-mail (${dialect})`, () => {
    let t: TestApp;
    let org: SetUpOrganisation;
    let clock = START;
    const later = (minutes: number) => {
      clock = new Date(clock.getTime() + minutes * 60_000);
    };

    beforeAll(async () => {
      t = await createTestApp(dialect, { now: () => clock });
      org = await setUpOrganisation(t.app);
    });
    afterAll(async () => {
      await t.close();
    });

    type Mail = { to: string; subject: string; text: string; html: string | null };
    const instanceMail = async (to: string): Promise<Mail[]> => ((await org.owner.request('GET', '/api/v1/outbox?limit=500')).json().items as Mail[]).filter((item) => item.to === to);
    const orgMail = async (to: string): Promise<Mail[]> => ((await org.owner.request('GET', `/api/v1/organisations/${org.organisationId}/outbox?limit=500`)).json().items as Mail[]).filter((item) => item.to === to);
    const requestReset = (email: string, remoteAddress = '127.0.0.1') => t.app.inject({ method: 'POST', url: '/api/v1/auth/password-reset/request', payload: { email }, remoteAddress });
    const reset = (token: string, password: string) => t.app.inject({ method: 'POST', url: '/api/v1/auth/password-reset', payload: { token, password } });
    const resetToken = (mail: Mail) => /\/reset-password\/([A-Za-z0-9_-]{43})/.exec(mail.text)![1]!;

    it('the reset form answers the same for a registered and an unknown address; only the registered one gets a link', async () => {
      const known = await requestReset('Owner@Uni.test');
      const unknown = await requestReset('nobody@uni.test');
      expect(known.statusCode).toBe(202);
      expect(unknown.statusCode).toBe(202);
      expect(known.body).toBe(unknown.body);
      expect(await instanceMail('nobody@uni.test')).toEqual([]);
      const [mail] = await instanceMail('owner@uni.test');
      expect(mail!.subject).toBe('Reset your microcred password');
      expect(mail!.text).toContain('https://issuer.test/reset-password/');
      expect(mail!.html).toContain(`href="https://issuer.test/reset-password/${resetToken(mail!)}"`);
      const bad = await requestReset('not-an-address');
      expect(bad.statusCode).toBe(422);
      expect(bad.json().errors[0].pointer).toBe('/email');
    });

    it('a reset link sets a new password once, ends every session and signs this device in', async () => {
      const before = await login(t.app, 'owner@uni.test', 'owner-password-1');
      const token = resetToken((await instanceMail('owner@uni.test'))[0]!);
      const weak = await reset(token, 'short');
      expect(weak.statusCode).toBe(422);
      expect(weak.json().errors[0].pointer).toBe('/password');
      const done = await reset(token, 'brand-new-password-9');
      expect(done.statusCode, done.body).toBe(200);
      const fresh = sessionFrom(t.app, done);
      expect((await fresh.request('GET', '/api/v1/me')).statusCode).toBe(200);
      expect((await before.request('GET', '/api/v1/me')).statusCode).toBe(401);
      expect((await org.owner.request('GET', '/api/v1/me')).statusCode).toBe(401);
      const old = await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email: 'owner@uni.test', password: 'owner-password-1' } });
      expect(old.statusCode).toBe(401);
      const again = await reset(token, 'another-password-9');
      expect(again.statusCode).toBe(422);
      expect(again.json().errors[0]).toEqual({ pointer: '/token', message: 'This link has expired or was already used. Ask for a new one.' });
      org.owner = await login(t.app, 'owner@uni.test', 'brand-new-password-9');
    });

    it('a reset link expires after an hour, and a newer one makes older ones useless once used', async () => {
      await requestReset('owner@uni.test');
      const first = resetToken((await instanceMail('owner@uni.test'))[0]!);
      later(61);
      expect((await reset(first, 'expired-password-9')).statusCode).toBe(422);
      await requestReset('owner@uni.test');
      const second = resetToken((await instanceMail('owner@uni.test'))[0]!);
      later(1);
      await requestReset('owner@uni.test');
      const third = resetToken((await instanceMail('owner@uni.test'))[0]!);
      expect(third).not.toBe(second);
      expect((await reset(third, 'third-password-99')).statusCode).toBe(200);
      expect((await reset(second, 'second-password-9')).statusCode).toBe(422);
      org.owner = await login(t.app, 'owner@uni.test', 'third-password-99');
    });

    it('hostile tokens are refused without a trace of which links exist', async () => {
      for (const token of ['', 'x', 'a'.repeat(43), '../../etc/passwd', 'a'.repeat(101), "' or 1=1 --"]) {
        const response = await reset(token, 'whatever-password-9');
        expect([400, 422], token).toContain(response.statusCode);
        const preview = await t.app.inject({ url: `/api/v1/invitations/${encodeURIComponent(token || '-')}` });
        expect([400, 404, 414, 422], token).toContain(preview.statusCode);
      }
    });

    it('an admin invites a new address: no account until she accepts, choosing her own password', async () => {
      const invited = await org.owner.request('POST', `/api/v1/organisations/${org.organisationId}/invitations`, { email: 'New.Colleague@Uni.test', role: 'issuer', name: 'Nora' });
      expect(invited.statusCode, invited.body).toBe(201);
      expect(invited.json()).toMatchObject({ email: 'new.colleague@uni.test', role: 'issuer', name: 'Nora', expired: false });
      expect(await t.runtime.store.db.selectFrom('users').select('id').where('email', '=', 'new.colleague@uni.test').execute()).toEqual([]);
      const listed = await org.owner.request('GET', `/api/v1/organisations/${org.organisationId}/invitations`);
      expect(listed.json().items.map((i: { email: string }) => i.email)).toEqual(['new.colleague@uni.test']);
      const [mail] = await orgMail('new.colleague@uni.test');
      expect(mail!.subject).toBe('You are invited to join University of Testing on microcred');
      expect(mail!.html).toContain('Accept the invitation');
      expect(mail!.text).not.toMatch(/password:/i);

      const token = await invitationToken(org.owner, org.organisationId, 'new.colleague@uni.test');
      const preview = await t.app.inject({ url: `/api/v1/invitations/${token}` });
      expect(preview.json()).toEqual({ organisationName: 'University of Testing', email: 'new.colleague@uni.test', role: 'issuer', name: 'Nora', hasAccount: false });
      const weak = await t.app.inject({ method: 'POST', url: `/api/v1/invitations/${token}/accept`, payload: { password: 'short' } });
      expect(weak.json().errors[0].pointer).toBe('/password');
      const accepted = await t.app.inject({ method: 'POST', url: `/api/v1/invitations/${token}/accept`, payload: { password: 'my-own-password-1' } });
      expect(accepted.statusCode, accepted.body).toBe(200);
      const me = await sessionFrom(t.app, accepted).request('GET', '/api/v1/me');
      expect(me.json().memberships).toEqual([{ organisationId: org.organisationId, organisationName: 'University of Testing', role: 'issuer' }]);
      expect(me.json().user.name).toBe('Nora');
      expect((await login(t.app, 'new.colleague@uni.test', 'my-own-password-1')).userId).toBe(me.json().user.id);
      expect((await t.app.inject({ method: 'POST', url: `/api/v1/invitations/${token}/accept`, payload: { password: 'my-own-password-2' } })).statusCode).toBe(422);
      expect((await org.owner.request('GET', `/api/v1/organisations/${org.organisationId}/invitations`)).json().items).toEqual([]);
      const audit = (await org.owner.request('GET', `/api/v1/organisations/${org.organisationId}/audit`)).json().items as { action: string }[];
      expect(audit.map((entry) => entry.action)).toEqual(expect.arrayContaining(['member.invite', 'member.accept-invitation']));
    });

    it('an address that already has an account accepts with its own password, which stays as it was', async () => {
      expect((await signUpAndSignIn(t.app, { email: 'learner@uni.test', password: 'learner-password-1' })).statusCode).toBe(200);
      expect((await org.owner.request('POST', `/api/v1/organisations/${org.organisationId}/invitations`, { email: 'learner@uni.test', role: 'viewer' })).statusCode).toBe(201);
      const token = await invitationToken(org.owner, org.organisationId, 'learner@uni.test');
      expect((await t.app.inject({ url: `/api/v1/invitations/${token}` })).json().hasAccount).toBe(true);
      const wrong = await t.app.inject({ method: 'POST', url: `/api/v1/invitations/${token}/accept`, payload: { password: 'taking-it-over-1' } });
      expect(wrong.statusCode).toBe(422);
      expect(wrong.json().errors[0].pointer).toBe('/password');
      const right = await t.app.inject({ method: 'POST', url: `/api/v1/invitations/${token}/accept`, payload: { password: 'learner-password-1' } });
      expect(right.statusCode).toBe(200);
      expect((await login(t.app, 'learner@uni.test', 'learner-password-1')).userId).toBe(right.json().user.id);
    });

    it('who may invite, and what is refused: members, unknown roles, owners by non-owners; no admin-set passwords', async () => {
      const base = `/api/v1/organisations/${org.organisationId}`;
      expect((await org.owner.request('POST', `${base}/invitations`, { email: 'learner@uni.test', role: 'issuer' })).statusCode).toBe(409);
      expect((await org.owner.request('POST', `${base}/invitations`, { email: 'x@uni.test', role: 'king' })).statusCode).toBe(400);
      expect((await org.owner.request('POST', `${base}/invitations`, { email: 'x@uni.test', role: 'viewer', password: 'set-by-admin-1' })).statusCode).toBe(400);
      expect((await org.owner.request('POST', `${base}/members`, { email: 'x@uni.test', role: 'viewer', password: 'set-by-admin-1' })).statusCode).toBe(400);
      const unknown = await org.owner.request('POST', `${base}/members`, { email: 'stranger@uni.test', role: 'viewer' });
      expect(unknown.statusCode).toBe(422);
      expect(unknown.json().errors[0].pointer).toBe('/email');
      const viewer = await login(t.app, 'learner@uni.test', 'learner-password-1');
      expect((await viewer.request('POST', `${base}/invitations`, { email: 'y@uni.test', role: 'viewer' })).statusCode).toBe(403);
      expect((await viewer.request('GET', `${base}/invitations`)).statusCode).toBe(403);
      expect((await org.owner.request('PATCH', `${base}/members/${viewer.userId}`, { role: 'admin' })).statusCode).toBe(200);
      const admin = await login(t.app, 'learner@uni.test', 'learner-password-1');
      expect((await admin.request('POST', `${base}/invitations`, { email: 'boss@uni.test', role: 'owner' })).statusCode).toBe(403);
      expect((await admin.request('POST', `${base}/invitations`, { email: 'helper@uni.test', role: 'viewer' })).statusCode).toBe(201);
    });

    it('a withdrawn or expired invitation no longer works; inviting again sends a fresh link', async () => {
      const base = `/api/v1/organisations/${org.organisationId}`;
      const first = (await org.owner.request('POST', `${base}/invitations`, { email: 'late@uni.test', role: 'viewer' })).json() as { id: string };
      const firstToken = await invitationToken(org.owner, org.organisationId, 'late@uni.test');
      expect((await org.owner.request('DELETE', `${base}/invitations/${first.id}`)).statusCode).toBe(204);
      expect((await t.app.inject({ url: `/api/v1/invitations/${firstToken}` })).statusCode).toBe(422);
      expect((await org.owner.request('DELETE', `${base}/invitations/${first.id}`)).statusCode).toBe(404);
      await org.owner.request('POST', `${base}/invitations`, { email: 'late@uni.test', role: 'viewer' });
      const token = await invitationToken(org.owner, org.organisationId, 'late@uni.test');
      later(7 * 24 * 60 + 1);
      expect((await org.owner.request('GET', `${base}/invitations`)).json().items.find((i: { email: string }) => i.email === 'late@uni.test').expired).toBe(true);
      const accept = await t.app.inject({ method: 'POST', url: `/api/v1/invitations/${token}/accept`, payload: { password: 'too-late-password-1' } });
      expect(accept.statusCode).toBe(422);
      expect(await t.runtime.store.db.selectFrom('users').select('id').where('email', '=', 'late@uni.test').execute()).toEqual([]);
    });
  });
}
