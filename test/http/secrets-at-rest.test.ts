/**
 * Claims of docs/security.md that no other test proved: passwords are stored as argon2id hashes and
 * session cookies only by their SHA-256, so a copy of the database (a stolen backup) opens no account
 * and no session by itself.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, setUpOrganisation, type TestApp } from '../support/app.ts';
import { DIALECTS, warnIfPostgresSkipped } from '../support/db.ts';

warnIfPostgresSkipped();

for (const dialect of DIALECTS) {
  describe(`secrets at rest (${dialect})`, () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await createTestApp(dialect);
    });
    afterAll(async () => {
      await t.close();
    });

    it('stores the password as an argon2id hash and the session cookie only as its digest', async () => {
      const password = 'owner-password-1';
      const org = await setUpOrganisation(t.app, 'University of Secrets', 'owner@secrets.test', password);
      const user = await t.runtime.ctx.db.selectFrom('users').selectAll().where('id', '=', org.owner.userId).executeTakeFirstOrThrow();
      expect(user.password_hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
      expect(JSON.stringify(user)).not.toContain(password);

      const token = decodeURIComponent(org.owner.cookie.slice('mc_session='.length));
      expect(token.length).toBeGreaterThanOrEqual(20);
      const sessions = await t.runtime.ctx.db.selectFrom('sessions').selectAll().execute();
      expect(sessions.length).toBeGreaterThan(0);
      expect(JSON.stringify(sessions)).not.toContain(token);
      // The cookie still opens the session: the digest is what is looked up.
      expect((await org.owner.request('GET', '/api/v1/me')).statusCode).toBe(200);
      // A session id read from the database is not a cookie that works.
      const stolen = await t.app.inject({ url: '/api/v1/me', headers: { cookie: `mc_session=${sessions[0]!.id}` } });
      expect(stolen.statusCode).toBe(401);
    });
  });
}
