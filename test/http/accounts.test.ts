import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, createOrganisation, createTestApp, inviteMember, login, sessionFrom, setUpOrganisation, type SetUpOrganisation, type TestApp } from '../support/app.ts';
import { DIALECTS, warnIfPostgresSkipped } from '../support/db.ts';

warnIfPostgresSkipped();

for (const dialect of DIALECTS) {
  describe(`accounts, organisations, API keys and audit over HTTP (${dialect})`, () => {
    let t: TestApp;
    let org: SetUpOrganisation;

    beforeAll(async () => {
      t = await createTestApp(dialect);
    });
    afterAll(async () => {
      await t.close();
    });

    it('a new instance asks for setup, and setup refuses bad input field by field', async () => {
      expect((await t.app.inject('/api/v1/setup')).json()).toEqual({ needsSetup: true });
      const bad = await t.app.inject({ method: 'POST', url: '/api/v1/setup', payload: { organisationName: 'Uni', email: 'not-an-email', password: 'short' } });
      expect(bad.statusCode).toBe(422);
      expect(bad.headers['content-type']).toContain('application/problem+json');
      expect(bad.json().errors.map((e: { pointer: string }) => e.pointer).sort()).toEqual(['/email', '/password']);
      const unknown = await t.app.inject({ method: 'POST', url: '/api/v1/setup', payload: { organisationName: 'Uni', email: 'a@b.eu', password: 'long-enough-1', admin: true } });
      expect(unknown.statusCode).toBe(400);
      expect(unknown.json().errors[0]).toEqual({ pointer: '/admin', message: 'is not a known property' });
    });

    it('setup creates the organisation, owner session and a did:web issuer; a second setup is refused', async () => {
      org = await setUpOrganisation(t.app);
      expect(org.issuerDid).toBe(`did:web:issuer.test:issuers:${org.issuerId}`);
      const me = await org.owner.request('GET', '/api/v1/me');
      expect(me.statusCode).toBe(200);
      expect(me.json().memberships).toEqual([{ organisationId: org.organisationId, organisationName: 'University of Testing', role: 'owner' }]);
      const again = await t.app.inject({ method: 'POST', url: '/api/v1/setup', payload: { organisationName: 'Other', email: 'x@y.eu', password: 'long-enough-1' } });
      expect(again.statusCode).toBe(409);
      expect((await t.app.inject('/api/v1/setup')).json()).toEqual({ needsSetup: false });
    });

    it('the session cookie is HttpOnly and SameSite=Lax; state changes need the CSRF header', async () => {
      const response = await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email: 'owner@uni.test', password: 'owner-password-1' } });
      const cookie = response.cookies.find((c) => c.name === 'mc_session')!;
      expect(cookie.httpOnly).toBe(true);
      expect(cookie.sameSite).toBe('Lax');
      expect(cookie.secure).toBe(true); // PUBLIC_URL is https
      const withoutCsrf = await t.app.inject({
        method: 'PATCH', url: `/api/v1/organisations/${org.organisationId}`, payload: { name: 'Renamed' },
        headers: { cookie: `mc_session=${cookie.value}` },
      });
      expect(withoutCsrf.statusCode).toBe(403);
      expect(withoutCsrf.json().detail).toContain('x-csrf-token');
      const ok = await org.owner.request('PATCH', `/api/v1/organisations/${org.organisationId}`, { name: 'Renamed University' });
      expect(ok.statusCode).toBe(200);
      expect(ok.json().name).toBe('Renamed University');
    });

    it('login with a wrong password is 401 and the same as an unknown e-mail', async () => {
      const wrong = await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email: 'owner@uni.test', password: 'nope-nope-nope' } });
      const unknown = await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email: 'nobody@uni.test', password: 'nope-nope-nope' } });
      expect(wrong.statusCode).toBe(401);
      expect(unknown.statusCode).toBe(401);
      expect(wrong.json().detail).toBe(unknown.json().detail);
    });

    it('guesses against one account from many addresses do not lock it: the owner still signs in (throttling: login-throttle.test.ts)', async () => {
      for (let i = 0; i < 11; i++) {
        const guess = await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email: 'owner@uni.test', password: `guess-number-${i}` }, remoteAddress: `10.0.0.${i}` });
        expect(guess.statusCode).toBe(401);
      }
      const owner = await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email: 'owner@uni.test', password: 'owner-password-1' }, remoteAddress: '192.0.2.10' });
      expect(owner.statusCode).toBe(200);
    });

    it('members: roles are enforced (viewer reads, cannot manage); an organisation keeps an owner', async () => {
      const added = await inviteMember(t.app, org.owner, org.organisationId, { email: 'viewer@uni.test', role: 'viewer', password: 'viewer-password-1' });
      expect(added.statusCode).toBe(200);
      const viewer = await login(t.app, 'viewer@uni.test', 'viewer-password-1');
      expect((await viewer.request('GET', `/api/v1/organisations/${org.organisationId}/members`)).statusCode).toBe(200);
      const forbidden = await viewer.request('POST', `/api/v1/organisations/${org.organisationId}/members`, { email: 'x@uni.test', role: 'admin' });
      expect(forbidden.statusCode).toBe(403);
      expect((await viewer.request('GET', `/api/v1/organisations/${org.organisationId}/audit`)).statusCode).toBe(403);
      const demoteLastOwner = await org.owner.request('PATCH', `/api/v1/organisations/${org.organisationId}/members/${org.owner.userId}`, { role: 'admin' });
      expect(demoteLastOwner.statusCode).toBe(403);
      const duplicate = await org.owner.request('POST', `/api/v1/organisations/${org.organisationId}/members`, { email: 'VIEWER@uni.test', role: 'issuer' });
      expect(duplicate.statusCode).toBe(409);
      const badRole = await org.owner.request('POST', `/api/v1/organisations/${org.organisationId}/members`, { email: 'y@uni.test', role: 'king' });
      expect(badRole.statusCode).toBe(400);
      expect(badRole.json().errors[0].pointer).toBe('/role');
    });

    it('API keys: shown once, stored hashed, scoped, revocable', async () => {
      const created = await org.owner.request('POST', `/api/v1/organisations/${org.organisationId}/api-keys`, { name: 'LMS', scopes: ['read'] });
      expect(created.statusCode).toBe(201);
      const { key, id } = created.json() as { key: string; id: string };
      expect(key).toMatch(/^mck_[0-9a-f]{32}_/);
      // The secret is base64url, so it may itself contain '_': take everything after the id.
      const secret = key.slice('mck_'.length + 32 + 1);
      expect(secret.length).toBeGreaterThanOrEqual(20);
      const stored = await t.runtime.store.db.selectFrom('api_keys').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
      expect(JSON.stringify(stored)).not.toContain(secret);
      const listed = await org.owner.request('GET', `/api/v1/organisations/${org.organisationId}/api-keys`);
      expect(JSON.stringify(listed.json())).not.toContain(secret);
      // A read key reads but may not manage members.
      expect((await t.app.inject({ url: `/api/v1/organisations/${org.organisationId}/issuers`, headers: bearer(key) })).statusCode).toBe(200);
      expect((await t.app.inject({ method: 'POST', url: `/api/v1/organisations/${org.organisationId}/issuers`, headers: bearer(key), payload: { name: 'x' } })).statusCode).toBe(403);
      expect((await org.owner.request('DELETE', `/api/v1/organisations/${org.organisationId}/api-keys/${id}`)).statusCode).toBe(204);
      const revoked = await t.app.inject({ url: `/api/v1/organisations/${org.organisationId}/issuers`, headers: bearer(key) });
      expect(revoked.statusCode).toBe(401);
      expect((await t.app.inject({ url: '/api/v1/me', headers: bearer('mck_garbage') })).statusCode).toBe(401);
    });

    it('audit log records state changes with actor and address, and no secrets', async () => {
      const audit = await org.owner.request('GET', `/api/v1/organisations/${org.organisationId}/audit?limit=100`);
      expect(audit.statusCode).toBe(200);
      const actions = (audit.json().items as { action: string }[]).map((e) => e.action);
      expect(actions).toEqual(expect.arrayContaining(['organisation.create', 'issuer.create', 'organisation.update', 'member.invite', 'member.accept-invitation', 'api-key.create', 'api-key.revoke']));
      expect(JSON.stringify(audit.json())).not.toMatch(/password|mck_/);
      const update = (audit.json().items as { action: string; actor: { id: string }; ip: string }[]).find((e) => e.action === 'organisation.update')!;
      expect(update.actor.id).toBe(org.owner.userId);
      expect(update.ip).toBe('127.0.0.1');
    });

    it('logout ends the session; logout everywhere ends every session of the user', async () => {
      const a = await login(t.app, 'viewer@uni.test', 'viewer-password-1');
      const b = await login(t.app, 'viewer@uni.test', 'viewer-password-1');
      expect((await a.request('POST', '/api/v1/auth/logout')).statusCode).toBe(204);
      expect((await a.request('GET', '/api/v1/me')).statusCode).toBe(401);
      expect((await b.request('GET', '/api/v1/me')).statusCode).toBe(200);
      const c = await login(t.app, 'viewer@uni.test', 'viewer-password-1');
      expect((await c.request('POST', '/api/v1/auth/logout-all')).statusCode).toBe(204);
      expect((await b.request('GET', '/api/v1/me')).statusCode).toBe(401);
    });

    it('changing the password needs the current one, ends every other session and keeps this device signed in', async () => {
      await inviteMember(t.app, org.owner, org.organisationId, { email: 'mover@uni.test', role: 'viewer', password: 'first-password-1' });
      const here = await login(t.app, 'mover@uni.test', 'first-password-1');
      const elsewhere = await login(t.app, 'mover@uni.test', 'first-password-1');
      const wrong = await here.request('POST', '/api/v1/me/password', { currentPassword: 'not-it-at-all', newPassword: 'second-password-2' });
      expect(wrong.statusCode).toBe(422);
      expect(wrong.json().errors).toEqual([{ pointer: '/currentPassword', message: 'is not your current password' }]);
      const weak = await here.request('POST', '/api/v1/me/password', { currentPassword: 'first-password-1', newPassword: 'short' });
      expect(weak.json().errors[0].pointer).toBe('/newPassword');
      const changed = await here.request('POST', '/api/v1/me/password', { currentPassword: 'first-password-1', newPassword: 'second-password-2' });
      expect(changed.statusCode).toBe(200);
      const renewed = sessionFrom(t.app, changed);
      expect((await renewed.request('GET', '/api/v1/me')).statusCode).toBe(200);
      expect((await here.request('GET', '/api/v1/me')).statusCode).toBe(401);
      expect((await elsewhere.request('GET', '/api/v1/me')).statusCode).toBe(401);
      const old = await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email: 'mover@uni.test', password: 'first-password-1' } });
      expect(old.statusCode).toBe(401);
      expect((await login(t.app, 'mover@uni.test', 'second-password-2')).userId).toBe(renewed.userId);
      expect((await t.app.inject({ method: 'POST', url: '/api/v1/me/password', payload: { currentPassword: 'x', newPassword: 'second-password-2' } })).statusCode).toBe(401);
    });

    it('tenant isolation: another organisation and anonymous callers learn nothing', async () => {
      const other = await createOrganisation(t, 'Other College', 'owner@other.test');
      const paths = [
        `/api/v1/organisations/${org.organisationId}`,
        `/api/v1/organisations/${org.organisationId}/members`,
        `/api/v1/organisations/${org.organisationId}/api-keys`,
        `/api/v1/organisations/${org.organisationId}/audit`,
        `/api/v1/organisations/${org.organisationId}/issuers`,
        `/api/v1/issuers/${org.issuerId}`,
      ];
      for (const path of paths) {
        const asOther = await other.owner.request('GET', path);
        expect(asOther.statusCode, path).toBe(404);
        const withOtherKey = await t.app.inject({ url: path, headers: bearer(other.apiKey) });
        expect(withOtherKey.statusCode, path).toBe(404);
        const anonymous = await t.app.inject({ url: path });
        expect(anonymous.statusCode, path).toBe(401);
        expect(anonymous.body + asOther.body).not.toContain('University');
      }
      const writes: [string, string, unknown][] = [
        ['PATCH', `/api/v1/organisations/${org.organisationId}`, { name: 'Hijacked' }],
        ['POST', `/api/v1/organisations/${org.organisationId}/members`, { email: 'spy@other.test', role: 'owner' }],
        ['DELETE', `/api/v1/organisations/${org.organisationId}/members/${org.owner.userId}`, undefined],
        ['POST', `/api/v1/organisations/${org.organisationId}/api-keys`, { name: 'x', scopes: ['issue'] }],
        ['PATCH', `/api/v1/issuers/${org.issuerId}`, { name: 'Hijacked' }],
        ['POST', `/api/v1/issuers/${org.issuerId}/keys/rotate`, undefined],
      ];
      for (const [method, path, body] of writes) {
        const response = await other.owner.request(method as 'POST', path, body);
        expect(response.statusCode, `${method} ${path}`).toBe(404);
      }
      expect((await org.owner.request('GET', `/api/v1/organisations/${org.organisationId}`)).json().name).toBe('Renamed University');
    });
  });
}
