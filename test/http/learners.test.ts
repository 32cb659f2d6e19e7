/**
 * Learner accounts over HTTP on every dialect: sign-up with a confirmation link read from the
 * instance outbox, several addresses per learner, the learner's did:key and signer, account
 * deletion (what organisations issued stays), and who may read the instance outbox.
 */
import { verify } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPresentation, signPresentation } from '../../src/vc/presentation.ts';
import { parseDidKey } from '../../src/vc/did/did-key.ts';
import { publicKeyFromSeed, publicKeyObject } from '../../src/vc/keys/ed25519.ts';
import { createTestApp, login, sessionFrom, signUpAndSignIn, type Session, type SetUpOrganisation, type TestApp, inviteMember } from '../support/app.ts';
import { DIALECTS, warnIfPostgresSkipped } from '../support/db.ts';
import { issuingOrganisation } from './credentials-fixture.ts';

warnIfPostgresSkipped();

const NOW = new Date('2026-03-02T09:00:00.000Z');
const PASSWORD = 'learner-password-1';

for (const dialect of DIALECTS) {
  describe(`learner accounts over HTTP (${dialect})`, () => {
    let t: TestApp;
    let org: SetUpOrganisation & { achievementId: string };
    let clock = NOW;
    let ana: Session;

    const signup = (payload: unknown, remoteAddress = '127.0.0.1') => t.app.inject({ method: 'POST', url: '/api/v1/auth/signup', payload: payload as object, remoteAddress });
    /** Sign-up and then sign-in with the same password, as the web app does: the sign-in answer. */
    const join = (payload: { email: string; password: string; name?: string }, remoteAddress = '127.0.0.1') => signUpAndSignIn(t.app, payload, remoteAddress);
    const outboxTo = async (to: string) => ((await org.owner.request('GET', '/api/v1/outbox?limit=500')).json().items as { to: string; subject: string; text: string }[]).filter((item) => item.to === to);
    const confirm = (token: string) => t.app.inject({ method: 'POST', url: '/api/v1/auth/confirm-email', payload: { token } });
    /** The newest confirmation link in the instance outbox for the address, read as the org owner. */
    async function linkFor(to: string): Promise<string> {
      const response = await org.owner.request('GET', '/api/v1/outbox?limit=500');
      expect(response.statusCode).toBe(200);
      const message = (response.json() as { items: { to: string; text: string }[] }).items.find((item) => item.to === to && item.text.includes('/confirm-email/'));
      expect(message, `a message to ${to}`).toBeDefined();
      const match = /https:\/\/issuer\.test\/confirm-email\/([A-Za-z0-9_-]{43})\n/.exec(message!.text);
      expect(match, message!.text).not.toBeNull();
      return match![1]!;
    }
    const db = () => t.runtime.ctx.db;
    const auditActions = async (targetId: string) => (await db().selectFrom('audit_log').selectAll().where('target_id', '=', targetId).execute());

    beforeAll(async () => {
      t = await createTestApp(dialect, { now: () => clock });
      org = await issuingOrganisation(t);
    });
    afterAll(async () => {
      await t?.close();
    });

    it('signs a learner up: 202 without a session, an unconfirmed address and a link by e-mail; then sign-in works at once', async () => {
      const response = await signup({ email: ' Ana.Lopez@Example.org ', password: PASSWORD, name: 'Ana López' });
      expect(response.statusCode).toBe(202);
      expect(response.cookies).toEqual([]);
      expect(response.json()).toEqual({ email: 'ana.lopez@example.org', message: expect.stringContaining('check your e-mail') });
      const signedIn = await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email: 'ana.lopez@example.org', password: PASSWORD } });
      const cookie = signedIn.cookies.find((c) => c.name === 'mc_session')!;
      expect(cookie.httpOnly).toBe(true);
      expect(cookie.secure).toBe(true);
      expect(signedIn.json()).toMatchObject({ user: { email: 'ana.lopez@example.org', name: 'Ana López' }, csrfToken: expect.any(String) });
      ana = sessionFrom(t.app, signedIn);
      const me = await ana.request('GET', '/api/v1/me');
      expect(me.statusCode).toBe(200);
      expect(me.json()).toMatchObject({ user: { id: ana.userId, email: 'ana.lopez@example.org' }, memberships: [] });
      const emails = await ana.request('GET', '/api/v1/me/emails');
      expect(emails.json().items).toEqual([expect.objectContaining({ email: 'ana.lopez@example.org', verified: false, primary: true, verifiedAt: null })]);
      // Sign-in works with the chosen password; the address is lower-cased.
      expect((await login(t.app, 'ANA.LOPEZ@example.org', PASSWORD)).userId).toBe(ana.userId);
      expect(await t.runtime.services.learners.verifiedEmails(ana.userId)).toEqual([]);
      // The link's token is stored only as its hash.
      const token = await linkFor('ana.lopez@example.org');
      const row = await db().selectFrom('user_emails').selectAll().where('user_id', '=', ana.userId).executeTakeFirstOrThrow();
      expect(row.verify_token_hash).toMatch(/^[0-9a-f]{64}$/);
      expect(row.verify_token_hash).not.toContain(token);
      // The audit entry names ids only.
      const entries = await auditActions(ana.userId);
      expect(entries.map((entry) => entry.action)).toContain('user.signup');
      expect(JSON.stringify(entries)).not.toContain('example.org');
    });

    it('answers a taken address (whatever its case) exactly as a free one, and tells its owner by e-mail; refuses bad fields (422) and unknown properties (400)', async () => {
      const free = await signup({ email: 'zed@example.org', password: 'another-password-1' });
      const taken = await signup({ email: 'ANA.LOPEZ@example.org', password: 'another-password-1' });
      const staff = await signup({ email: 'owner@uni.test', password: 'another-password-1' });
      const shape = (response: typeof free) => ({ status: response.statusCode, type: response.headers['content-type'], cookies: response.cookies.length, keys: Object.keys(response.json()), message: response.json().message });
      expect(shape(taken)).toEqual(shape(free));
      expect(shape(staff)).toEqual(shape(free));
      expect(taken.json().email).toBe('ana.lopez@example.org');
      // No second account, no change to the first: the owner is told, and the first password still signs in.
      expect(await db().selectFrom('users').select('id').where('email', '=', 'ana.lopez@example.org').execute()).toEqual([{ id: ana.userId }]);
      expect((await login(t.app, 'ana.lopez@example.org', PASSWORD)).userId).toBe(ana.userId);
      expect((await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email: 'ana.lopez@example.org', password: 'another-password-1' } })).statusCode).toBe(401);
      for (const owner of ['ana.lopez@example.org', 'owner@uni.test']) {
        const told = (await outboxTo(owner)).filter((mail) => mail.subject === 'Someone tried to create an account with your address');
        expect(told, owner).toHaveLength(1);
        expect(told[0]!.text).toContain('https://issuer.test/login');
        expect(told[0]!.text).not.toMatch(/confirm-email/);
      }
      const bad = await signup({ email: 'not-an-address', password: 'short' });
      expect(bad.statusCode).toBe(422);
      expect(bad.json().errors.map((e: { pointer: string }) => e.pointer).sort()).toEqual(['/email', '/password']);
      const unknown = await signup({ email: 'x@example.org', password: PASSWORD, admin: true });
      expect(unknown.statusCode).toBe(400);
      expect(unknown.json().errors[0]).toEqual({ pointer: '/admin', message: 'is not a known property' });
      const missing = await signup({ email: 'x@example.org' });
      expect(missing.statusCode).toBe(400);
      expect(missing.json().errors[0].pointer).toBe('/password');
    });

    it('confirms the address with the link (no sign-in needed); the link works once; verifiedEmails lists it', async () => {
      const token = await linkFor('ana.lopez@example.org');
      const response = await confirm(token);
      expect(response.statusCode).toBe(200);
      expect(response.json()).toEqual({ email: 'ana.lopez@example.org' });
      const again = await confirm(token);
      expect(again.statusCode).toBe(404);
      expect(again.json().detail).toBe('confirmation link not found');
      expect((await confirm('x'.repeat(43))).statusCode).toBe(404);
      expect((await confirm('../../etc/passwd')).statusCode).toBe(404);
      expect(await t.runtime.services.learners.verifiedEmails(ana.userId)).toEqual(['ana.lopez@example.org']);
      const user = await db().selectFrom('users').select('email_verified_at').where('id', '=', ana.userId).executeTakeFirstOrThrow();
      expect(user.email_verified_at).toBe(NOW.toISOString());
      const emails = (await ana.request('GET', '/api/v1/me/emails')).json().items;
      expect(emails[0]).toMatchObject({ verified: true, verifiedAt: NOW.toISOString(), primary: true });
    });

    it('adds a second address, confirms it, resends at most once a minute (the old link stops working), and an expired link is 410', async () => {
      const added = await ana.request('POST', '/api/v1/me/emails', { email: 'Ana@Work.example' });
      expect(added.statusCode).toBe(201);
      const view = added.json() as { id: string };
      expect(added.json()).toMatchObject({ email: 'ana@work.example', verified: false, primary: false, verificationSentAt: NOW.toISOString() });
      const first = await linkFor('ana@work.example');
      const tooSoon = await ana.request('POST', `/api/v1/me/emails/${view.id}/resend`);
      expect(tooSoon.statusCode).toBe(429);
      clock = new Date(NOW.getTime() + 61_000);
      const resent = await ana.request('POST', `/api/v1/me/emails/${view.id}/resend`);
      expect(resent.statusCode).toBe(200);
      expect(resent.json().verificationSentAt).toBe(clock.toISOString());
      const second = await linkFor('ana@work.example');
      expect(second).not.toBe(first);
      expect((await confirm(first)).statusCode).toBe(404);
      // 48 hours later the link has expired: 410 in words, and the address stays unconfirmed.
      clock = new Date(clock.getTime() + 48 * 3_600_000 + 1000);
      const expired = await confirm(second);
      expect(expired.statusCode).toBe(410);
      expect(expired.json().detail).toContain('expired');
      const fresh = await ana.request('POST', `/api/v1/me/emails/${view.id}/resend`);
      expect(fresh.statusCode).toBe(200);
      expect((await confirm(await linkFor('ana@work.example'))).statusCode).toBe(200);
      expect(await t.runtime.services.learners.verifiedEmails(ana.userId)).toEqual(['ana.lopez@example.org', 'ana@work.example']);
      const confirmed = await ana.request('POST', `/api/v1/me/emails/${view.id}/resend`);
      expect(confirmed.statusCode).toBe(409);
      expect(confirmed.json().detail).toContain('already confirmed');
      clock = NOW;
    });

    it('refuses an address already yours or someone else\'s, bad addresses, and anonymous callers', async () => {
      expect((await ana.request('POST', '/api/v1/me/emails', { email: 'ANA@work.example' })).json().detail).toContain('already added');
      const staff = await ana.request('POST', '/api/v1/me/emails', { email: 'owner@uni.test' });
      expect(staff.statusCode).toBe(409);
      expect(staff.json().detail).toContain('another account');
      expect((await ana.request('POST', '/api/v1/me/emails', { email: 'nope' })).statusCode).toBe(422);
      expect((await t.app.inject({ method: 'GET', url: '/api/v1/me/emails' })).statusCode).toBe(401);
      expect((await t.app.inject({ method: 'POST', url: '/api/v1/me/emails', payload: { email: 'a@b.example' } })).statusCode).toBe(401);
      expect((await t.app.inject({ method: 'GET', url: '/api/v1/me/did' })).statusCode).toBe(401);
      expect((await t.app.inject({ method: 'POST', url: '/api/v1/me/did' })).statusCode).toBe(401);
      // Cookie without the CSRF header on a state change: refused.
      const noCsrf = await t.app.inject({ method: 'POST', url: '/api/v1/me/emails', payload: { email: 'a@b.example' }, headers: { cookie: ana.cookie } });
      expect(noCsrf.statusCode).toBe(403);
    });

    it('an unconfirmed address proves nothing: whoever signs up with it or confirms it takes it', async () => {
      const squat = await ana.request('POST', '/api/v1/me/emails', { email: 'ben@example.org' });
      expect(squat.statusCode).toBe(201);
      clock = new Date(NOW.getTime() + 1000);
      const ben = await join({ email: 'ben@example.org', password: PASSWORD });
      clock = NOW;
      expect(ben.statusCode).toBe(200);
      const anaEmails = (await ana.request('GET', '/api/v1/me/emails')).json().items as { email: string }[];
      expect(anaEmails.map((e) => e.email)).not.toContain('ben@example.org');
      const benSession = sessionFrom(t.app, ben);
      expect((await benSession.request('GET', '/api/v1/me/emails')).json().items).toEqual([expect.objectContaining({ email: 'ben@example.org', primary: true })]);
      // Only Ben's link works now.
      const mails = (await org.owner.request('GET', '/api/v1/outbox?limit=500')).json().items as { to: string; text: string }[];
      const [benLink, anaLink] = mails.filter((mail) => mail.to === 'ben@example.org').map((mail) => /confirm-email\/([A-Za-z0-9_-]{43})/.exec(mail.text)![1]!);
      expect((await confirm(anaLink!)).statusCode).toBe(404);
      expect((await confirm(benLink!)).statusCode).toBe(200);
      expect(await t.runtime.services.learners.verifiedEmails(ana.userId)).not.toContain('ben@example.org');
      expect(await t.runtime.services.learners.verifiedEmails(benSession.userId)).toEqual(['ben@example.org']);
    });

    it('removes an address (204), never the sign-in one (409), and another learner\'s address id is 404', async () => {
      const added = await ana.request('POST', '/api/v1/me/emails', { email: 'ana.old@example.org' });
      const id = (added.json() as { id: string }).id;
      const carla = sessionFrom(t.app, await join({ email: 'carla@example.org', password: PASSWORD }));
      expect((await carla.request('DELETE', `/api/v1/me/emails/${id}`)).statusCode).toBe(404);
      expect((await carla.request('POST', `/api/v1/me/emails/${id}/resend`)).statusCode).toBe(404);
      expect((await carla.request('DELETE', '/api/v1/me/emails/not-a-uuid')).statusCode).toBe(400);
      const removed = await ana.request('DELETE', `/api/v1/me/emails/${id}`);
      expect(removed.statusCode).toBe(204);
      expect(((await ana.request('GET', '/api/v1/me/emails')).json().items as { id: string }[]).map((e) => e.id)).not.toContain(id);
      const primary = ((await ana.request('GET', '/api/v1/me/emails')).json().items as { id: string; primary: boolean }[]).find((e) => e.primary)!;
      const refused = await ana.request('DELETE', `/api/v1/me/emails/${primary.id}`);
      expect(refused.statusCode).toBe(409);
      expect(refused.json().detail).toContain('sign-in address');
      expect((await auditActions(id)).map((entry) => entry.action).sort()).toEqual(['user.email.add', 'user.email.remove']);
    });

    it('staff users from before issue 4 get their sign-in address on first read, confirmed as their account was', async () => {
      await db().deleteFrom('user_emails').where('email', '=', 'owner@uni.test').execute();
      const listed = (await org.owner.request('GET', '/api/v1/me/emails')).json().items;
      expect(listed).toEqual([expect.objectContaining({ email: 'owner@uni.test', primary: true, verified: false })]);
      await db().deleteFrom('user_emails').where('email', '=', 'owner@uni.test').execute();
      await db().updateTable('users').set({ email_verified_at: NOW.toISOString() }).where('id', '=', org.owner.userId).execute();
      expect(await t.runtime.services.learners.verifiedEmails(org.owner.userId)).toEqual(['owner@uni.test']);
    });

    it('addVerifiedEmail (a claim link proved the address) records it, and skips an address another user owns', async () => {
      const { learners } = t.runtime.services;
      await db().transaction().execute(async (trx) => {
        await learners.addVerifiedEmail(trx, ana.userId, ' Ana@Claimed.Example ');
        await learners.addVerifiedEmail(trx, ana.userId, 'owner@uni.test');
        await learners.addVerifiedEmail(trx, ana.userId, 'ben@example.org');
        await learners.addVerifiedEmail(trx, ana.userId, 'ana@claimed.example');
      });
      const emails = await learners.verifiedEmails(ana.userId);
      expect(emails).toContain('ana@claimed.example');
      expect(emails).not.toContain('owner@uni.test');
      expect(emails).not.toContain('ben@example.org');
      // An unconfirmed address of the same learner becomes confirmed.
      const pending = (await ana.request('POST', '/api/v1/me/emails', { email: 'ana.pending@example.org' })).json() as { id: string };
      await db().transaction().execute((trx) => learners.addVerifiedEmail(trx, ana.userId, 'ana.pending@example.org'));
      const row = await db().selectFrom('user_emails').selectAll().where('id', '=', pending.id).executeTakeFirstOrThrow();
      expect(row.verified_at).not.toBeNull();
      expect(row.verify_token_hash).toBeNull();
    });

    it('makes the learner\'s did:key once, seals its seed, and signs as it (a presentation the engine verifies)', async () => {
      expect((await ana.request('GET', '/api/v1/me/did')).json()).toEqual({ did: null, verificationMethod: null, createdAt: null });
      const { learners } = t.runtime.services;
      const { ctx } = t.runtime;
      expect(await learners.getDid(ana.userId)).toBeUndefined();
      const made = await ana.request('POST', '/api/v1/me/did');
      expect(made.statusCode).toBe(200);
      const key = made.json() as { did: string; verificationMethod: string; createdAt: string };
      const parsed = parseDidKey(key.did)!;
      expect(parsed).toBeDefined();
      expect(key.verificationMethod).toBe(`${key.did}#${parsed.fingerprint}`);
      expect((await ana.request('POST', '/api/v1/me/did')).json()).toEqual(key);
      expect((await ana.request('GET', '/api/v1/me/did')).json()).toEqual(key);
      expect(await learners.ensureKey({ kind: 'user', userId: ana.userId })).toEqual({ did: key.did });
      expect(await learners.getDid(ana.userId)).toBe(key.did);
      // The seed is stored sealed, and opens to the DID's key.
      const row = await db().selectFrom('learner_keys').selectAll().where('user_id', '=', ana.userId).executeTakeFirstOrThrow();
      expect(row.secret_encrypted).toMatch(/^v1\./);
      const seed = ctx.vault.open(row.secret_encrypted);
      expect(Buffer.from(publicKeyFromSeed(seed))).toEqual(Buffer.from(parsed.publicKey));
      expect(row.secret_encrypted).not.toContain(Buffer.from(seed).toString('base64'));
      // The signer signs as that key.
      const signer = await learners.signer(ana.userId);
      expect(signer.id).toBe(key.verificationMethod);
      const data = new TextEncoder().encode('hello');
      expect(verify(null, data, publicKeyObject(parsed.publicKey), await signer.sign(data))).toBe(true);
      const presentation = await signPresentation({
        presentation: createPresentation({ credentials: [], holder: key.did }), signer, documentLoader: ctx.engine.documentLoader,
        now: NOW, challenge: 'challenge-123', domain: 'https://employer.example',
      });
      const result = await ctx.engine.verifyPresentation({ presentation, challenge: 'challenge-123', domain: 'https://employer.example', now: NOW });
      expect(result.verified, JSON.stringify(result.checks)).toBe(true);
      expect((await ctx.engine.verifyPresentation({ presentation, challenge: 'other', now: NOW })).verified).toBe(false);
      // Another learner's key is their own; a signer for a learner without a key makes one.
      const carla = await login(t.app, 'carla@example.org', PASSWORD);
      expect((await carla.request('GET', '/api/v1/me/did')).json().did).toBeNull();
      const carlaSigner = await learners.signer(carla.userId);
      expect(carlaSigner.id).not.toBe(signer.id);
      expect((await carla.request('GET', '/api/v1/me/did')).json().verificationMethod).toBe(carlaSigner.id);
      expect((await auditActions(ana.userId)).filter((entry) => entry.action === 'learner.key.create')).toHaveLength(1);
    });

    it('the instance outbox: owners and admins of any organisation read org-less mail only; others are refused', async () => {
      const items = (await org.owner.request('GET', '/api/v1/outbox')).json().items as { to: string; subject: string }[];
      expect(items.length).toBeGreaterThan(0);
      // Org-less mail only: address confirmations and the notes to owners of addresses someone tried to sign up with.
      expect(items.every((item) => ['Confirm your e-mail address', 'Someone tried to create an account with your address'].includes(item.subject))).toBe(true);
      // The organisation's own mail (the claim e-mail of an issued credential) is not in it.
      const issued = await org.owner.request('POST', `/api/v1/organisations/${org.organisationId}/credentials`, { achievementId: org.achievementId, recipient: { email: 'someone@example.org' } });
      expect(issued.statusCode).toBe(201);
      const after = (await org.owner.request('GET', '/api/v1/outbox')).json().items as { to: string }[];
      expect(after.map((item) => item.to)).not.toContain('someone@example.org');
      expect((await t.app.inject('/api/v1/outbox')).statusCode).toBe(401);
      const learner = await ana.request('GET', '/api/v1/outbox');
      expect(learner.statusCode).toBe(403);
      const viewerAdded = await inviteMember(t.app, org.owner, org.organisationId, { email: 'viewer@uni.test', role: 'viewer', password: 'member-password-1' });
      expect(viewerAdded.statusCode).toBe(200);
      expect((await (await login(t.app, 'viewer@uni.test', 'member-password-1')).request('GET', '/api/v1/outbox')).statusCode).toBe(403);
      expect((await org.owner.request('GET', '/api/v1/outbox?limit=0')).statusCode).toBe(400);
      const paged = (await org.owner.request('GET', '/api/v1/outbox?limit=1')).json().items;
      expect(paged).toHaveLength(1);
    });

    it('rate-limits failed sign-ups per address and per client like sign-in (429 with Retry-After)', async () => {
      expect((await signup({ email: 'frank@example.org', password: PASSWORD }, '10.9.9.1')).statusCode).toBe(202);
      const attempt = (i: number) => signup({ email: i % 2 === 0 ? 'frank@example.org' : 'FRANK@example.org', password: PASSWORD }, '10.9.9.9');
      for (let i = 0; i < 10; i += 1) expect((await attempt(i)).statusCode).toBe(202);
      const limited = await attempt(10);
      expect(limited.statusCode).toBe(429);
      expect(limited.json().retryAfter).toBeGreaterThan(0);
      // Another client and another address are not affected by this one.
      expect((await signup({ email: 'dan@example.org', password: PASSWORD }, '10.9.9.8')).statusCode).toBe(202);
      // The address is limited from any client, and the client for any address.
      expect((await signup({ email: 'frank@example.org', password: PASSWORD }, '10.9.9.5')).statusCode).toBe(429);
      expect((await signup({ email: 'eve@example.org', password: PASSWORD }, '10.9.9.9')).statusCode).toBe(429);
    });

    it('deletes an account with its password: personal data gone, sessions end, issued records stay', async () => {
      const { ctx } = t.runtime;
      const carla = await login(t.app, 'carla@example.org', PASSWORD);
      await carla.request('POST', '/api/v1/me/emails', { email: 'carla.two@example.org' });
      // What an organisation issued to her, and a wallet item, a collection and a share of hers.
      const issued = await org.owner.request('POST', `/api/v1/organisations/${org.organisationId}/credentials`, { achievementId: org.achievementId, recipient: { email: 'carla@example.org' } });
      expect(issued.statusCode).toBe(201);
      const credentialId = (issued.json() as { id: string }).id;
      const at = NOW.toISOString();
      await db().insertInto('wallet_credentials').values({
        id: '00000000-0000-4000-8000-00000000c001', user_id: carla.userId, source: 'claim', source_url: null, issued_credential_id: credentialId,
        original_type: 'application/json', original: '{}', format: 'ldp', standard: 'Open Badges 3.0', document: '{}', credential_key: 'k', proof_key: 'p',
        name: 'Badge', description: null, issuer_id: null, issuer_name: null, image: null, issued_at: at, valid_until: null, ects_centi: null, eqf_level: null,
        field: null, skills: null, search_text: 'badge', status: 'verified', verification: '{}', verified_at: at, added_at: at,
      }).execute();
      await db().insertInto('wallet_collections').values({ id: '00000000-0000-4000-8000-00000000c002', user_id: carla.userId, name: 'Mine', description: null, created_at: at, updated_at: at }).execute();
      await db().insertInto('wallet_collection_items').values({ collection_id: '00000000-0000-4000-8000-00000000c002', credential_id: '00000000-0000-4000-8000-00000000c001', position: 0 }).execute();
      await db().insertInto('shares').values({ id: '00000000-0000-4000-8000-00000000c003', user_id: carla.userId, target_type: 'credential', target_id: '00000000-0000-4000-8000-00000000c001', token: 'share-token-carla', created_at: at, expires_at: null, revoked_at: null, views: 0 }).execute();
      await carla.request('POST', '/api/v1/me/did');

      const wrong = await carla.request('DELETE', '/api/v1/me', { password: 'not-my-password' });
      expect(wrong.statusCode).toBe(422);
      expect(wrong.json().errors).toEqual([{ pointer: '/password', message: 'is not your password' }]);
      expect((await t.app.inject({ method: 'DELETE', url: '/api/v1/me', payload: { password: PASSWORD } })).statusCode).toBe(401);

      const deleted = await carla.request('DELETE', '/api/v1/me', { password: PASSWORD });
      expect(deleted.statusCode).toBe(204);
      const cleared = deleted.cookies.find((c) => c.name === 'mc_session')!;
      expect(cleared.value).toBe('');
      expect((await carla.request('GET', '/api/v1/me')).statusCode).toBe(401);
      const relogin = await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email: 'carla@example.org', password: PASSWORD } });
      expect(relogin.statusCode).toBe(401);
      for (const table of ['user_emails', 'learner_keys', 'wallet_credentials', 'wallet_collections', 'shares', 'sessions'] as const) {
        const rows = await db().selectFrom(table).select('user_id').where('user_id', '=', carla.userId).execute();
        expect(rows, table).toEqual([]);
      }
      expect(await db().selectFrom('wallet_collection_items').selectAll().where('collection_id', '=', '00000000-0000-4000-8000-00000000c002').execute()).toEqual([]);
      expect(await db().selectFrom('users').select('id').where('id', '=', carla.userId).execute()).toEqual([]);
      // The confirmation e-mails to her addresses are gone from the instance outbox; the issuer's mail stays.
      const outbox = await db().selectFrom('outbox').select(['to_address', 'organisation_id']).where('to_address', 'in', ['carla@example.org', 'carla.two@example.org']).execute();
      expect(outbox.every((row) => row.organisation_id === org.organisationId)).toBe(true);
      expect(outbox.length).toBeGreaterThan(0);
      // The issuer's record and its status entry stay, and the credential still verifies.
      const record = await org.owner.request('GET', `/api/v1/credentials/${credentialId}`);
      expect(record.statusCode).toBe(200);
      expect(record.json().status).toBe('active');
      const verification = await ctx.engine.verify({ credential: record.json().document, now: NOW });
      expect(verification.verified, JSON.stringify(verification.checks)).toBe(true);
      // The audit entry names the user by id only; the address may be used again.
      const entry = (await auditActions(carla.userId)).find((row) => row.action === 'account.delete')!;
      expect(entry).toMatchObject({ actor_id: carla.userId, target_type: 'user', details: null, organisation_id: null });
      expect((await join({ email: 'carla@example.org', password: PASSWORD }, '10.9.9.7')).statusCode).toBe(200);
    });

    it('refuses to delete the only owner of an organisation (409), not an owner with a co-owner', async () => {
      const refused = await org.owner.request('DELETE', '/api/v1/me', { password: 'owner-password-1' });
      expect(refused.statusCode).toBe(409);
      expect(refused.json().detail).toContain('only owner');
      expect((await org.owner.request('GET', '/api/v1/me')).statusCode).toBe(200);
      const added = await inviteMember(t.app, org.owner, org.organisationId, { email: 'co-owner@uni.test', role: 'owner', password: 'member-password-1' });
      expect(added.statusCode).toBe(200);
      const coOwner = await login(t.app, 'co-owner@uni.test', 'member-password-1');
      expect((await coOwner.request('DELETE', '/api/v1/me', { password: 'member-password-1' })).statusCode).toBe(204);
      const members = (await org.owner.request('GET', `/api/v1/organisations/${org.organisationId}/members`)).json().items as { email: string }[];
      expect(members.map((m) => m.email)).not.toContain('co-owner@uni.test');
    });

    it('three sign-ups for one address at once: one account, three equal answers; five key requests at once: one did:key', async () => {
      const answers = await Promise.all([0, 1, 2].map((i) => signup({ email: 'gina@example.org', password: PASSWORD }, `10.8.0.${i}`)));
      expect(answers.map((answer) => answer.statusCode)).toEqual([202, 202, 202]);
      expect(await db().selectFrom('users').select('id').where('email', '=', 'gina@example.org').execute()).toHaveLength(1);
      const gina = await login(t.app, 'gina@example.org', PASSWORD);
      // The web app posts an empty JSON object; no body at all works too.
      const keys = await Promise.all([0, 1, 2, 3, 4].map((i) => gina.request('POST', '/api/v1/me/did', i % 2 === 0 ? {} : undefined)));
      expect(keys.map((key) => key.statusCode)).toEqual([200, 200, 200, 200, 200]);
      expect(new Set(keys.map((key) => key.json().did)).size).toBe(1);
      expect(await db().selectFrom('learner_keys').select('did').where('user_id', '=', gina.userId).execute()).toEqual([{ did: keys[0]!.json().did }]);
    });

    it('an organisation adding a member by a learner\'s confirmed address adds that learner, not a second account', async () => {
      const added = await org.owner.request('POST', `/api/v1/organisations/${org.organisationId}/members`, { email: 'Ana@Work.example', role: 'viewer' });
      expect(added.statusCode).toBe(201);
      expect(await db().selectFrom('users').select('id').where('email', '=', 'ana@work.example').execute()).toEqual([]);
      const me = (await ana.request('GET', '/api/v1/me')).json();
      expect(me.memberships).toEqual([expect.objectContaining({ organisationId: org.organisationId, role: 'viewer' })]);
      // Still not an admin: the instance outbox stays closed to her.
      expect((await ana.request('GET', '/api/v1/outbox')).statusCode).toBe(403);
    });

    it('every learner change is in the audit log by ids, never by e-mail address or token', async () => {
      const rows = await db().selectFrom('audit_log').selectAll().where('organisation_id', 'is', null).execute();
      const actions = new Set(rows.map((row) => row.action));
      for (const action of ['user.signup', 'user.email.confirm', 'user.email.add', 'user.email.remove', 'user.email.resend', 'user.email.add-verified', 'learner.key.create', 'account.delete']) {
        expect(actions, action).toContain(action);
      }
      const text = JSON.stringify(rows);
      expect(text).not.toMatch(/@(example\.org|work\.example|claimed\.example|uni\.test)/);
      const tokens = (await db().selectFrom('outbox').select('text_body').where('organisation_id', 'is', null).execute())
        .map((row) => /confirm-email\/([A-Za-z0-9_-]{43})/.exec(row.text_body)?.[1]).filter((token): token is string => token !== undefined);
      expect(tokens.length).toBeGreaterThan(3);
      for (const token of tokens) expect(text).not.toContain(token);
    });

    it('OpenAPI lists every learner route with its schema', async () => {
      const spec = (await t.app.inject('/docs/json')).json();
      const routes: [string, string][] = [
        ['/api/v1/auth/signup', 'post'], ['/api/v1/auth/confirm-email', 'post'], ['/api/v1/me/emails', 'get'], ['/api/v1/me/emails', 'post'],
        ['/api/v1/me/emails/{emailId}', 'delete'], ['/api/v1/me/emails/{emailId}/resend', 'post'], ['/api/v1/me/did', 'get'],
        ['/api/v1/me/did', 'post'], ['/api/v1/me', 'delete'], ['/api/v1/outbox', 'get'],
      ];
      for (const [path, method] of routes) {
        const operation = spec.paths[path]?.[method];
        expect(operation, `${method} ${path}`).toBeDefined();
        expect(operation.tags).toEqual(['learners']);
        expect(operation.summary.length).toBeGreaterThan(10);
      }
      expect(spec.paths['/api/v1/outbox'].get.summary).toContain('Development outbox');
      expect(spec.paths['/api/v1/auth/confirm-email'].post.responses['410']).toBeDefined();
      expect(spec.paths['/api/v1/auth/signup'].post.responses['429']).toBeDefined();
    });
  });

  describe(`the instance outbox with SMTP (${dialect})`, () => {
    let t: TestApp;
    beforeAll(async () => {
      // Port 1 on loopback refuses: delivery fails and is recorded, nothing leaves the machine.
      t = await createTestApp(dialect, { env: { SMTP_URL: 'smtp://127.0.0.1:1' } });
    });
    afterAll(async () => {
      await t?.close();
    });

    it('is closed once mail is delivered (the links are the addressees\' alone), while sign-up still queues the link', async () => {
      const org = await issuingOrganisation(t);
      const response = await t.app.inject({ method: 'POST', url: '/api/v1/auth/signup', payload: { email: 'hana@example.org', password: PASSWORD } });
      expect(response.statusCode).toBe(202);
      await t.runtime.services.mail.settled();
      const rows = await t.runtime.ctx.db.selectFrom('outbox').select(['to_address', 'organisation_id']).where('to_address', '=', 'hana@example.org').execute();
      expect(rows).toEqual([{ to_address: 'hana@example.org', organisation_id: null }]);
      const outbox = await org.owner.request('GET', '/api/v1/outbox');
      expect(outbox.statusCode).toBe(404);
      expect(outbox.json().detail).toContain('SMTP');
    });
  });
}

