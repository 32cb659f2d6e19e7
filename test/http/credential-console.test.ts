/**
 * The console's credential page over HTTP (issue 14 §3): delivery state, every status change with who
 * and when, and sending the claim e-mail again with a fresh link (the old one stops working).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, createOrganisation, createTestApp, inviteMember, login, type TestApp } from '../support/app.ts';
import { DIALECTS, warnIfPostgresSkipped } from '../support/db.ts';
import { issuingOrganisation } from './credentials-fixture.ts';

warnIfPostgresSkipped();

for (const dialect of DIALECTS) {
  describe(`credential history and claim resend (${dialect})`, () => {
    let t: TestApp;
    let org: Awaited<ReturnType<typeof issuingOrganisation>>;
    let clock = new Date('2026-03-02T09:00:00.000Z');
    const tick = () => {
      clock = new Date(clock.getTime() + 60_000);
    };

    beforeAll(async () => {
      t = await createTestApp(dialect, { now: () => clock });
      org = await issuingOrganisation(t);
    });
    afterAll(async () => {
      await t.close();
    });

    const claimLinks = async (to: string) => ((await org.owner.request('GET', `/api/v1/organisations/${org.organisationId}/outbox?limit=500`)).json().items as { to: string; text: string }[])
      .filter((item) => item.to === to).map((item) => /\/claim\/([A-Za-z0-9_-]{43})/.exec(item.text)![1]!);

    it('tells pending from claimed and offered, and names who changed the status, when and why', async () => {
      const issued = await org.owner.request('POST', `/api/v1/organisations/${org.organisationId}/credentials`, { achievementId: org.achievementId, recipient: { email: 'lea@example.org', name: 'Lea' } });
      expect(issued.statusCode).toBe(201);
      const id = issued.json().id as string;
      const history = async () => (await org.owner.request('GET', `/api/v1/credentials/${id}/history`)).json() as { delivery: string; events: { action: string; by: string; reason: string | null; at: string }[] };
      expect((await history()).delivery).toBe('pending');
      tick();
      expect((await org.owner.request('POST', `/api/v1/credentials/${id}/revoke`, { reason: 'Issued to the wrong person' })).statusCode).toBe(200);
      const after = await history();
      expect(after.events.map((e) => [e.action, e.by, e.reason])).toEqual([
        ['credential.issue', 'owner@uni.test', null],
        ['credential.revoke', 'owner@uni.test', 'Issued to the wrong person'],
      ]);
      expect(after.events[1]!.at).toBe('2026-03-02T09:01:00.000Z');

      const byDid = await org.owner.request('POST', `/api/v1/organisations/${org.organisationId}/credentials`, { achievementId: org.achievementId, recipient: { did: 'did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK' } });
      expect((await org.owner.request('GET', `/api/v1/credentials/${byDid.json().id}/history`)).json().delivery).toBe('offered');
      const resendDid = await org.owner.request('POST', `/api/v1/credentials/${byDid.json().id}/resend-claim`, {});
      expect(resendDid.statusCode).toBe(409);
      expect((await org.owner.request('POST', `/api/v1/credentials/${id}/resend-claim`, {})).statusCode).toBe(409);
    });

    it('sends the claim e-mail again with a fresh link; the old link stops working and the new one claims', async () => {
      const issued = await org.owner.request('POST', `/api/v1/organisations/${org.organisationId}/credentials`, { achievementId: org.achievementId, recipient: { email: 'max@example.org' } });
      const id = issued.json().id as string;
      const [first] = await claimLinks('max@example.org');
      tick();
      const resent = await org.owner.request('POST', `/api/v1/credentials/${id}/resend-claim`, {});
      expect(resent.statusCode, resent.body).toBe(200);
      expect(resent.json()).toEqual({ sentTo: 'max@example.org' });
      const links = await claimLinks('max@example.org');
      expect(links).toHaveLength(2);
      const fresh = links.find((link) => link !== first)!;
      expect((await t.app.inject({ url: `/api/v1/claim/${first}` })).statusCode).toBe(404);
      expect((await t.app.inject({ url: `/api/v1/claim/${fresh}` })).statusCode).toBe(200);
      const events = (await org.owner.request('GET', `/api/v1/credentials/${id}/history`)).json().events as { action: string }[];
      expect(events.map((e) => e.action)).toEqual(['credential.issue', 'credential.resend-claim']);
    });

    it('lets readers see the history but only issuers resend; other organisations see nothing', async () => {
      const issued = await org.owner.request('POST', `/api/v1/organisations/${org.organisationId}/credentials`, { achievementId: org.achievementId, recipient: { email: 'zoe@example.org' } });
      const id = issued.json().id as string;
      expect((await inviteMember(t.app, org.owner, org.organisationId, { email: 'viewer@uni.test', role: 'viewer', password: 'viewer-password-1' })).statusCode).toBe(200);
      const viewer = await login(t.app, 'viewer@uni.test', 'viewer-password-1');
      expect((await viewer.request('GET', `/api/v1/credentials/${id}/history`)).statusCode).toBe(200);
      expect((await viewer.request('POST', `/api/v1/credentials/${id}/resend-claim`, {})).statusCode).toBe(403);
      const other = await createOrganisation(t, 'Other College', 'owner@other.test');
      expect((await other.owner.request('GET', `/api/v1/credentials/${id}/history`)).statusCode).toBe(404);
      expect((await t.app.inject({ url: `/api/v1/credentials/${id}/history`, headers: bearer(other.apiKey) })).statusCode).toBe(404);
      expect((await t.app.inject({ url: `/api/v1/credentials/${id}/history` })).statusCode).toBe(401);
      expect((await org.owner.request('GET', '/api/v1/credentials/not-a-uuid/history')).statusCode).toBe(400);
    });
  });
}
