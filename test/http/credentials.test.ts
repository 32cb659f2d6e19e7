/**
 * Issuance over HTTP on every dialect: issue one (e-mail or DID recipient, result, evidence, dates,
 * expiry from the validity period), idempotent retries (replay, conflict, concurrent double submit),
 * list with search, filters and pages, read, revoke / suspend / reinstate, renew, the public URL,
 * roles and tenant isolation, and every error path.
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYSTEM } from '../../src/services/access.ts';
import { addDuration, validateIssueInput } from '../../src/services/credentials/index.ts';
import { EU_CONTEXT_DIGEST_SRI } from '../../src/vc/contexts/index.ts';
import { matchesIdentity } from '../../src/vc/credential/identity.ts';
import type { JsonObject } from '../../src/vc/types.ts';
import { bearer, createOrganisation, createTestApp, login, type Session, type SetUpOrganisation, type TestApp, inviteMember } from '../support/app.ts';
import { DIALECTS, warnIfPostgresSkipped } from '../support/db.ts';
import { expectVerified, issuingOrganisation, MICRO_CREDENTIAL } from './credentials-fixture.ts';

warnIfPostgresSkipped();

describe('expiry and input rules (pure)', () => {
  it('adds ISO 8601 durations in UTC calendar arithmetic, clamping to the end of shorter months', () => {
    const at = (text: string) => new Date(text);
    expect(addDuration(at('2026-01-31T10:00:00Z'), 'P1M')?.toISOString()).toBe('2026-02-28T10:00:00.000Z');
    expect(addDuration(at('2028-02-29T00:00:00Z'), 'P1Y')?.toISOString()).toBe('2029-02-28T00:00:00.000Z');
    expect(addDuration(at('2026-03-02T09:30:00Z'), 'P2Y')?.toISOString()).toBe('2028-03-02T09:30:00.000Z');
    expect(addDuration(at('2026-03-02T09:30:00Z'), 'P1Y6M2W3DT12H30M5S')?.toISOString()).toBe('2027-09-19T22:00:05.000Z');
    expect(addDuration(at('2026-12-15T00:00:00Z'), 'P18M')?.toISOString()).toBe('2028-06-15T00:00:00.000Z');
    for (const bad of ['P', 'PT', '2Y', 'P1.5Y', 'P-1M', 'p1y', '']) expect(addDuration(at('2026-01-01T00:00:00Z'), bad), bad).toBeUndefined();
  });

  it('reports every problem of a row at once, with pointers', () => {
    const errors = validateIssueInput({ achievementId: 'x', recipient: { email: 'nope', name: '' }, result: { creditsEarned: -1 }, validFrom: 'soon' });
    expect(errors.map((error) => error.pointer)).toEqual(['/recipient/email', '/recipient/name', '/result/creditsEarned', '/validFrom']);
    expect(validateIssueInput({ achievementId: 'x', recipient: { did: 'did:web:learner.example:users:ana' } })).toEqual([]);
    expect(validateIssueInput({ achievementId: 'x', recipient: { did: 'did:web:learner.example#key-1' } }).map((error) => error.pointer)).toEqual(['/recipient/did']);
  });
});

const NOW = new Date('2026-03-02T09:30:00.000Z');

for (const dialect of DIALECTS) {
  describe(`credentials over HTTP (${dialect})`, () => {
    let testApp: TestApp;
    let org: SetUpOrganisation & { achievementId: string };
    let other: Awaited<ReturnType<typeof createOrganisation>>;
    let otherAchievementId: string;
    let viewer: Session;
    let issuerMember: Session;
    let issueKey: string;
    let readKey: string;
    let clock = NOW;
    const base = () => `/api/v1/organisations/${org.organisationId}/credentials`;
    const issue = (body: unknown, headers: Record<string, string> = {}, session: Session = org.owner) => session.request('POST', base(), body, headers);

    beforeAll(async () => {
      testApp = await createTestApp(dialect, { now: () => clock });
      org = await issuingOrganisation(testApp);
      other = await createOrganisation(testApp, 'Other College', 'owner@other.test');
      otherAchievementId = (await testApp.runtime.services.achievements.create(SYSTEM, other.organisationId, { issuerId: other.issuerId, name: 'Other badge', description: 'd', criteria: 'c', achievementType: 'Badge' })).id;
      for (const [email, role] of [['viewer@uni.test', 'viewer'], ['issuer@uni.test', 'issuer']] as const) {
        const added = await inviteMember(testApp.app, org.owner, org.organisationId, { email, role, password: 'member-password-1' });
        expect(added.statusCode).toBe(200);
      }
      viewer = await login(testApp.app, 'viewer@uni.test', 'member-password-1');
      issuerMember = await login(testApp.app, 'issuer@uni.test', 'member-password-1');
      const keys = await Promise.all([['issue'], ['read']].map((scopes) => org.owner.request('POST', `/api/v1/organisations/${org.organisationId}/api-keys`, { name: scopes[0], scopes })));
      [issueKey, readKey] = keys.map((response) => (response.json() as { key: string }).key) as [string, string];
    });
    afterAll(async () => {
      await testApp?.close();
    });

    it('issues a signed OB 3.0 credential to an e-mail address, stores it verbatim, and mails a claim link', async () => {
      const response = await issue({ achievementId: org.achievementId, recipient: { email: ' Ana.Lopez@Example.org ', name: 'Ana López' } });
      expect(response.statusCode).toBe(201);
      const body = response.json() as JsonObject & { id: string; document: JsonObject };
      expect(response.headers.location).toBe(`/api/v1/credentials/${body.id}`);
      expect(body).toMatchObject({
        credentialId: `https://issuer.test/credentials/${body.id}`, organisationId: org.organisationId, issuerId: org.issuerId,
        achievementId: org.achievementId, achievementVersion: 1, achievementName: 'Data Literacy Essentials',
        recipient: { email: 'ana.lopez@example.org', name: 'Ana López' }, status: 'active',
        issuedAt: NOW.toISOString(), validFrom: '2026-03-02T09:30:00.000Z', validUntil: '2028-03-02T09:30:00.000Z',
      });
      const document = body.document;
      expect(document.id).toBe(body.credentialId);
      expect(document.type).toEqual(['VerifiableCredential', 'OpenBadgeCredential']);
      expect(document['@context']).toContain('https://www.w3.org/ns/credentials/v2');
      expect(document.issuer).toMatchObject({ id: org.issuerDid, type: ['Profile'], name: 'University of Testing', address: { addressCountryCode: 'FR' } });
      expect(document.validFrom).toBe('2026-03-02T09:30:00Z');
      expect(document.validUntil).toBe('2028-03-02T09:30:00Z');
      expect((document.proof as JsonObject).cryptosuite).toBe('eddsa-rdfc-2022');
      const subject = document.credentialSubject as JsonObject & { identifier: JsonObject[]; achievement: JsonObject };
      expect(subject.achievement).toMatchObject({ name: 'Data Literacy Essentials', creditsAvailable: 5 });
      expect(matchesIdentity({ identity: subject.identifier[0], email: 'ana.lopez@example.org' })).toBe(true);
      expect(subject.identifier[0]).toMatchObject({ hashed: true, identityType: 'emailAddress' });
      expect(JSON.stringify(document)).not.toContain('ana.lopez@example.org');
      expect(subject.identifier[1]).toEqual({ type: 'IdentityObject', identityHash: 'Ana López', identityType: 'name', hashed: false });
      // One revocation entry, an object (the OB 3.0 schema's shape): the achievement does not enable suspension.
      const status = document.credentialStatus as JsonObject;
      expect(status).toMatchObject({ type: 'BitstringStatusListEntry', statusPurpose: 'revocation' });
      expect(String(status.statusListCredential)).toMatch(/^https:\/\/issuer\.test\/status\//);

      const verification = await testApp.runtime.ctx.engine.verify({ credential: document, recipient: { email: 'ana.lopez@example.org' } });
      expectVerified(verification);
      expect(verification.checks.find((check) => check.check === 'recipient')?.outcome).toBe('passed');

      const row = await testApp.runtime.ctx.db.selectFrom('credentials').selectAll().where('id', '=', body.id).executeTakeFirstOrThrow();
      const published = await testApp.app.inject({ method: 'GET', url: `/credentials/${body.id}` });
      expect(published.statusCode).toBe(200);
      expect(published.headers['content-type']).toMatch(/^application\/vc\+ld\+json/);
      expect(published.body).toBe(row.document);
      expect(JSON.parse(row.document)).toEqual(document);

      const outbox = (await org.owner.request('GET', `/api/v1/organisations/${org.organisationId}/outbox`)).json() as { items: { to: string; subject: string; text: string; html: string }[] };
      const mail = outbox.items.find((item) => item.to === 'ana.lopez@example.org')!;
      expect(mail.subject).toContain('Data Literacy Essentials');
      const token = /https:\/\/issuer\.test\/claim\/([A-Za-z0-9_-]+)/.exec(mail.text)?.[1];
      expect(token).toBeDefined();
      expect(mail.html).toContain(`href="https://issuer.test/claim/${token}"`);
      expect(row.claim_token_hash).toBe(createHash('sha256').update(token!).digest('hex'));
    });

    it('issues to a DID with a grade, credits, a description, evidence and given dates', async () => {
      const response = await issue({
        achievementId: org.achievementId,
        recipient: { did: 'did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK' },
        result: { grade: 'A', creditsEarned: 4.5, description: 'Passed with distinction' },
        evidence: [{ id: 'https://lms.uni.test/projects/42', name: 'Final project', narrative: 'A cleaned census extract.' }],
        validFrom: '2026-01-15T00:00:00Z', validUntil: '2026-12-31T23:59:59Z',
      }, {}, issuerMember);
      expect(response.statusCode).toBe(201);
      const body = response.json() as { recipient: unknown; validUntil: string; document: JsonObject };
      expect(body.recipient).toEqual({ did: 'did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK' });
      expect(body.validUntil).toBe('2026-12-31T23:59:59.000Z');
      const document = body.document;
      expect(document).toMatchObject({ validFrom: '2026-01-15T00:00:00Z', validUntil: '2026-12-31T23:59:59Z', description: 'Passed with distinction' });
      expect(document.evidence).toEqual([{ type: ['Evidence'], id: 'https://lms.uni.test/projects/42', name: 'Final project', narrative: 'A cleaned census extract.' }]);
      expect(document.credentialSubject).toMatchObject({ id: 'did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK', creditsEarned: 4.5, result: [{ type: ['Result'], value: 'A' }] });
      expectVerified(await testApp.runtime.ctx.engine.verify({ credential: document }));
    });

    it('refuses bad input with a problem naming each field', async () => {
      const cases: [unknown, number, string][] = [
        [{ achievementId: org.achievementId, recipient: {} }, 422, '/recipient/email'],
        [{ achievementId: org.achievementId, recipient: { email: 'a@b.org', did: 'did:example:1' } }, 422, '/recipient/did'],
        [{ achievementId: org.achievementId, recipient: { email: 'not-an-address' } }, 422, '/recipient/email'],
        [{ achievementId: org.achievementId, recipient: { did: 'did:Bad' } }, 422, '/recipient/did'],
        [{ achievementId: org.achievementId, recipient: { email: 'a@b.org', name: '  ' } }, 422, '/recipient/name'],
        [{ achievementId: org.achievementId, recipient: { email: 'a@b.org' }, result: { grade: '' } }, 422, '/result/grade'],
        [{ achievementId: org.achievementId, recipient: { email: 'a@b.org' }, result: { creditsEarned: 1.234 } }, 422, '/result/creditsEarned'],
        [{ achievementId: org.achievementId, recipient: { email: 'a@b.org' }, evidence: [{ id: 'javascript:alert(1)' }] }, 422, '/evidence/0/id'],
        [{ achievementId: org.achievementId, recipient: { email: 'a@b.org' }, evidence: [{}] }, 422, '/evidence/0'],
        [{ achievementId: org.achievementId, recipient: { email: 'a@b.org' }, validFrom: '2026-13-45' }, 422, '/validFrom'],
        [{ achievementId: org.achievementId, recipient: { email: 'a@b.org' }, validFrom: '2026-05-01T00:00:00Z', validUntil: '2026-04-01T00:00:00Z' }, 422, '/validUntil'],
        [{ achievementId: org.achievementId, recipient: { email: 'a@b.org' }, validUntil: '2020-01-01T00:00:00Z' }, 422, '/validUntil'],
        [{ achievementId: org.achievementId, recipient: { email: 'a@b.org' }, extra: 1 }, 400, '/extra'],
        [{ achievementId: 'nope', recipient: { email: 'a@b.org' } }, 400, '/achievementId'],
        [{ recipient: { email: 'a@b.org' } }, 400, '/achievementId'],
      ];
      for (const [body, status, pointer] of cases) {
        const response = await issue(body);
        expect(response.statusCode, JSON.stringify(body)).toBe(status);
        expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
        expect((response.json() as { errors: { pointer: string }[] }).errors.map((error) => error.pointer), JSON.stringify(body)).toContain(pointer);
      }
      const unknown = await issue({ achievementId: '00000000-0000-4000-8000-000000000000', recipient: { email: 'a@b.org' } });
      expect(unknown.statusCode).toBe(404);
      const foreign = await issue({ achievementId: otherAchievementId, recipient: { email: 'a@b.org' } });
      expect(foreign.statusCode).toBe(404);
    });

    it('refuses to issue an archived achievement (422)', async () => {
      const archived = await testApp.runtime.services.achievements.create(SYSTEM, org.organisationId, { issuerId: org.issuerId, name: 'Old course', description: 'd', criteria: 'c', achievementType: 'Badge' });
      await testApp.runtime.services.achievements.archive(SYSTEM, archived.id);
      const response = await issue({ achievementId: archived.id, recipient: { email: 'a@b.org' } });
      expect(response.statusCode).toBe(422);
      expect((response.json() as { errors: { pointer: string }[] }).errors[0]!.pointer).toBe('/achievementId');
    });

    it('lets owners, admins, issuers and issue-scoped API keys issue, and no one else', async () => {
      const body = { achievementId: org.achievementId, recipient: { email: 'roles@example.org' } };
      expect((await issue(body, {}, viewer)).statusCode).toBe(403);
      expect((await testApp.app.inject({ method: 'POST', url: base(), headers: bearer(readKey), payload: body })).statusCode).toBe(403);
      expect((await testApp.app.inject({ method: 'POST', url: base(), payload: body })).statusCode).toBe(401);
      expect((await testApp.app.inject({ method: 'POST', url: base(), headers: bearer(issueKey), payload: body })).statusCode).toBe(201);
      // Cookie sessions must send the CSRF token on writes.
      expect((await issue(body, { 'x-csrf-token': 'wrong' })).statusCode).toBe(403);
    });

    describe('Idempotency-Key', () => {
      const count = async (email: string) => (await testApp.runtime.ctx.db.selectFrom('credentials').select('id').where('recipient_email', '=', email).execute()).length;

      it('replays the first answer for a retry and issues once', async () => {
        const body = { achievementId: org.achievementId, recipient: { email: 'retry@example.org' } };
        const first = await issue(body, { 'idempotency-key': 'lms-grade-7731' });
        expect(first.statusCode).toBe(201);
        // The same request written differently (key order) is the same request.
        const again = await issue({ recipient: { email: 'retry@example.org' }, achievementId: org.achievementId }, { 'idempotency-key': 'lms-grade-7731' });
        expect(again.statusCode).toBe(201);
        expect(again.json()).toEqual(first.json());
        expect(await count('retry@example.org')).toBe(1);
      });

      it('refuses the same key with a different request (422)', async () => {
        await issue({ achievementId: org.achievementId, recipient: { email: 'k1@example.org' } }, { 'idempotency-key': 'key-conflict' });
        const other = await issue({ achievementId: org.achievementId, recipient: { email: 'k2@example.org' } }, { 'idempotency-key': 'key-conflict' });
        expect(other.statusCode).toBe(422);
        expect(await count('k2@example.org')).toBe(0);
      });

      it('issues once when the same request is submitted concurrently', async () => {
        const body = { achievementId: org.achievementId, recipient: { email: 'double@example.org' } };
        const responses = await Promise.all(Array.from({ length: 6 }, () => issue(body, { 'idempotency-key': 'double-click' })));
        expect(responses.map((response) => response.statusCode)).toEqual(Array(6).fill(201));
        expect(new Set(responses.map((response) => (response.json() as { id: string }).id)).size).toBe(1);
        expect(await count('double@example.org')).toBe(1);
      });

      it('scopes keys to the organisation and rejects malformed keys', async () => {
        const mine = await issue({ achievementId: org.achievementId, recipient: { email: 'scoped@example.org' } }, { 'idempotency-key': 'shared-key' });
        const theirs = await other.owner.request('POST', `/api/v1/organisations/${other.organisationId}/credentials`, { achievementId: otherAchievementId, recipient: { email: 'scoped@example.org' } }, { 'idempotency-key': 'shared-key' });
        expect(theirs.statusCode).toBe(201);
        expect((theirs.json() as { id: string }).id).not.toBe((mine.json() as { id: string }).id);
        const bad = await issue({ achievementId: org.achievementId, recipient: { email: 'x@example.org' } }, { 'idempotency-key': 'has space' });
        expect(bad.statusCode).toBe(400);
      });

      it('lets a key be used again after the first attempt failed validation', async () => {
        expect((await issue({ achievementId: org.achievementId, recipient: { email: 'bad' } }, { 'idempotency-key': 'after-failure' })).statusCode).toBe(422);
        expect((await issue({ achievementId: org.achievementId, recipient: { email: 'bad' } }, { 'idempotency-key': 'after-failure' })).statusCode).toBe(422);
      });
    });

    describe('list', () => {
      let listOrg: Awaited<ReturnType<typeof createOrganisation>>;
      let achievementA: string;
      let achievementB: string;
      const listUrl = (query: string) => `/api/v1/organisations/${listOrg.organisationId}/credentials${query}`;
      const list = async (query: string) => {
        const response = await listOrg.owner.request('GET', listUrl(query));
        expect(response.statusCode, response.body).toBe(200);
        return response.json() as { items: { id: string; recipient: { email?: string; name?: string }; achievementName: string; status: string; document?: unknown }[]; nextCursor?: string };
      };

      beforeAll(async () => {
        listOrg = await createOrganisation(testApp, 'List Academy', 'owner@list.test');
        const { achievements } = testApp.runtime.services;
        achievementA = (await achievements.create(SYSTEM, listOrg.organisationId, { issuerId: listOrg.issuerId, name: 'Welding Basics', description: 'd', criteria: 'c', achievementType: 'Badge' })).id;
        achievementB = (await achievements.create(SYSTEM, listOrg.organisationId, { issuerId: listOrg.issuerId, name: 'Advanced Pottery', description: 'd', criteria: 'c', achievementType: 'Badge', suspendable: true })).id;
        const people = [['zoe@example.org', 'Zoë Martin', achievementA], ['yan@example.org', 'Yan Chen', achievementB], ['xavier@example.org', 'Xavier Dupont', achievementA], ['wim@example.org', 'Wim de Vries', achievementB], ['vera@example.org', '100% Vera', achievementA]] as const;
        for (const [i, [email, name, achievementId]] of people.entries()) {
          clock = new Date(NOW.getTime() + (i + 1) * 60_000);
          const response = await listOrg.owner.request('POST', listUrl(''), { achievementId, recipient: { email, name } });
          expect(response.statusCode).toBe(201);
        }
        clock = NOW;
      });

      it('lists newest first, without documents, in pages', async () => {
        const all = await list('');
        expect(all.items.map((item) => item.recipient.email)).toEqual(['vera@example.org', 'wim@example.org', 'xavier@example.org', 'yan@example.org', 'zoe@example.org']);
        expect(all.items[0]!.document).toBeUndefined();
        expect(all.items[0]!.achievementName).toBe('Welding Basics');
        expect(all.nextCursor).toBeUndefined();
        const seen: string[] = [];
        let cursor: string | undefined;
        do {
          const page = await list(`?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
          expect(page.items.length).toBeLessThanOrEqual(2);
          seen.push(...page.items.map((item) => item.id));
          cursor = page.nextCursor;
        } while (cursor);
        expect(seen).toEqual(all.items.map((item) => item.id));
        const bad = await listOrg.owner.request('GET', listUrl('?cursor=garbage'));
        expect(bad.statusCode).toBe(400);
      });

      it('searches e-mail, name and achievement name, case-insensitively, with wildcards taken literally', async () => {
        expect((await list('?q=YAN@')).items.map((item) => item.recipient.email)).toEqual(['yan@example.org']);
        expect((await list('?q=dupont')).items.map((item) => item.recipient.email)).toEqual(['xavier@example.org']);
        expect((await list('?q=pottery')).items.map((item) => item.recipient.email)).toEqual(['wim@example.org', 'yan@example.org']);
        expect((await list('?q=100%25')).items.map((item) => item.recipient.email)).toEqual(['vera@example.org']);
        expect((await list('?q=%25')).items.map((item) => item.recipient.email)).toEqual(['vera@example.org']);
        expect((await list('?q=nobody-here')).items).toEqual([]);
      });

      it('filters by achievement, issue time and status (expired when validUntil has passed)', async () => {
        expect((await list(`?achievementId=${achievementB}`)).items.map((item) => item.recipient.email)).toEqual(['wim@example.org', 'yan@example.org']);
        const from = new Date(NOW.getTime() + 2 * 60_000).toISOString();
        const to = new Date(NOW.getTime() + 4 * 60_000).toISOString();
        expect((await list(`?issuedFrom=${from}&issuedTo=${to}`)).items.map((item) => item.recipient.email)).toEqual(['xavier@example.org', 'yan@example.org']);
        expect((await listOrg.owner.request('GET', listUrl('?issuedFrom=yesterday'))).statusCode).toBe(400);

        const short = await listOrg.owner.request('POST', listUrl(''), { achievementId: achievementA, recipient: { email: 'short@example.org' }, validUntil: new Date(NOW.getTime() + 3_600_000).toISOString() });
        const shortId = (short.json() as { id: string }).id;
        const [yan] = (await list('?q=yan')).items;
        expect((await listOrg.owner.request('POST', `/api/v1/credentials/${yan!.id}/suspend`, {})).statusCode).toBe(200);
        expect((await list('?status=suspended')).items.map((item) => item.id)).toEqual([yan!.id]);
        expect((await list('?status=expired')).items).toEqual([]);
        clock = new Date(NOW.getTime() + 2 * 3_600_000);
        try {
          expect((await list('?status=expired')).items.map((item) => item.id)).toEqual([shortId]);
          expect((await list('?status=active')).items.map((item) => item.id)).not.toContain(shortId);
          expect((await list('?status=active')).items.map((item) => item.id)).not.toContain(yan!.id);
          const read = await listOrg.owner.request('GET', `/api/v1/credentials/${shortId}`);
          expect((read.json() as { status: string }).status).toBe('expired');
        } finally {
          clock = NOW;
        }
        expect((await listOrg.owner.request('GET', listUrl('?status=lost'))).statusCode).toBe(400);
      });

      it('is readable by viewers and read-scoped keys of the organisation only', async () => {
        const response = await testApp.app.inject({ method: 'GET', url: listUrl(''), headers: bearer(listOrg.apiKey) });
        expect(response.statusCode).toBe(200);
        expect((await org.owner.request('GET', listUrl(''))).statusCode).toBe(404);
        expect((await testApp.app.inject({ method: 'GET', url: listUrl(''), headers: bearer(readKey) })).statusCode).toBe(404);
        expect((await testApp.app.inject({ method: 'GET', url: listUrl('') })).statusCode).toBe(401);
        expect((await viewer.request('GET', base())).statusCode).toBe(200);
      });
    });

    describe('one credential: read, status changes, renewal, public URL', () => {
      let id: string;
      let credentialUrl: string;

      let plainId: string;
      beforeAll(async () => {
        // Its achievement enables suspension (two status entries); the organisation's default one does not.
        const suspendable = await testApp.runtime.services.achievements.create(SYSTEM, org.organisationId, { issuerId: org.issuerId, ...MICRO_CREDENTIAL, name: 'Data Literacy Essentials', eu: { ...MICRO_CREDENTIAL.eu }, suspendable: true });
        const response = await issue({ achievementId: suspendable.id, recipient: { email: 'one@example.org', name: 'One Person' }, result: { grade: 'B' } });
        ({ id, credentialId: credentialUrl } = response.json() as { id: string; credentialId: string });
        plainId = ((await issue({ achievementId: org.achievementId, recipient: { email: 'plain@example.org' } })).json() as { id: string }).id;
      });

      it('suspends only credentials whose achievement enabled suspension: otherwise 409 saying why; revocation works for all', async () => {
        const plain = await org.owner.request('GET', `/api/v1/credentials/${plainId}`);
        expect(plain.json()).toMatchObject({ suspendable: false, status: 'active' });
        expect(((plain.json() as { document: JsonObject }).document.credentialStatus as JsonObject).statusPurpose).toBe('revocation');
        const refused = await org.owner.request('POST', `/api/v1/credentials/${plainId}/suspend`, { reason: 'Under review' });
        expect(refused.statusCode).toBe(409);
        expect(refused.headers['content-type']).toContain('application/problem+json');
        expect(refused.json().detail).toMatch(/suspension is not enabled for this credential/);
        expect((await org.owner.request('POST', `/api/v1/credentials/${plainId}/reinstate`, {})).statusCode).toBe(409);
        expect((await org.owner.request('GET', `/api/v1/credentials/${plainId}`)).json()).toMatchObject({ status: 'active' });
        const suspendable = (await org.owner.request('GET', `/api/v1/credentials/${id}`)).json() as { suspendable: boolean; document: JsonObject };
        expect(suspendable.suspendable).toBe(true);
        expect((suspendable.document.credentialStatus as JsonObject[]).map((entry) => entry.statusPurpose)).toEqual(['revocation', 'suspension']);
        const revoked = await org.owner.request('POST', `/api/v1/credentials/${plainId}/revoke`, { reason: 'Issued in error' });
        expect(revoked.statusCode).toBe(200);
        expect(revoked.json()).toMatchObject({ status: 'revoked' });
      });

      it('reads it with its document', async () => {
        const response = await viewer.request('GET', `/api/v1/credentials/${id}`);
        expect(response.statusCode).toBe(200);
        const body = response.json() as { document: JsonObject; achievementName: string };
        expect(body.document.id).toBe(credentialUrl);
        expect(body.achievementName).toBe('Data Literacy Essentials');
        expect((await org.owner.request('GET', '/api/v1/credentials/00000000-0000-4000-8000-000000000000')).statusCode).toBe(404);
      });

      it('suspends, reinstates and revokes it; the view follows; revocation is final and needs a reason', async () => {
        const url = `/api/v1/credentials/${id}`;
        // Verifiers keep a status list for 5 minutes: each step moves the clock past that.
        let minutes = 0;
        const later = () => {
          minutes += 10;
          clock = new Date(NOW.getTime() + minutes * 60_000);
        };
        expect((await viewer.request('POST', `${url}/suspend`, {})).statusCode).toBe(403);
        const suspended = await issuerMember.request('POST', `${url}/suspend`, { reason: 'Under review' });
        expect(suspended.statusCode).toBe(200);
        expect(suspended.json()).toMatchObject({ id, status: 'suspended' });
        const suspendedDocument = (suspended.json() as { document: JsonObject }).document;
        later();
        expect((await testApp.runtime.ctx.engine.verify({ credential: suspendedDocument })).checks.find((check) => check.check === 'status')?.outcome).toBe('failed');
        const reinstated = await org.owner.request('POST', `${url}/reinstate`);
        expect(reinstated.statusCode).toBe(200);
        expect(reinstated.json()).toMatchObject({ status: 'active' });
        later();
        expectVerified(await testApp.runtime.ctx.engine.verify({ credential: suspendedDocument }));
        expect((await org.owner.request('POST', `${url}/revoke`, {})).statusCode).toBe(400);
        expect((await org.owner.request('POST', `${url}/revoke`, { reason: '' })).statusCode).toBe(400);
        const revoked = await org.owner.request('POST', `${url}/revoke`, { reason: 'Academic misconduct' });
        expect(revoked.statusCode).toBe(200);
        expect(revoked.json()).toMatchObject({ status: 'revoked', statusReason: 'Academic misconduct' });
        later();
        const result = await testApp.runtime.ctx.engine.verify({ credential: suspendedDocument });
        expect(result.verified).toBe(false);
        expect(result.checks.find((check) => check.check === 'status')?.outcome).toBe('failed');
        const again = await org.owner.request('POST', `${url}/reinstate`);
        expect(again.statusCode).toBeGreaterThanOrEqual(400);
        expect(again.statusCode).toBeLessThan(500);
        // Revoked credentials stay readable at their URL: the status list says they are revoked.
        expect((await testApp.app.inject({ method: 'GET', url: `/credentials/${id}` })).statusCode).toBe(200);
        // A revoked credential cannot be renewed.
        expect((await org.owner.request('POST', `${url}/renew`)).statusCode).toBe(422);
        clock = NOW;
      });

      it('renews from the current version, to the same recipient, linked to the exact old document', async () => {
        const first = await issue({ achievementId: org.achievementId, recipient: { email: 'renew@example.org', name: 'Re New' }, result: { grade: 'A', creditsEarned: 5 }, evidence: [{ narrative: 'Portfolio' }] });
        const old = first.json() as { id: string; credentialId: string };
        await testApp.runtime.services.achievements.update(SYSTEM, org.achievementId, { issuerId: org.issuerId, ...MICRO_CREDENTIAL, name: 'Data Literacy Essentials (2027)', eu: { ...MICRO_CREDENTIAL.eu } });
        clock = new Date(NOW.getTime() + 86_400_000);
        try {
          expect((await viewer.request('POST', `/api/v1/credentials/${old.id}/renew`)).statusCode).toBe(403);
          const response = await org.owner.request('POST', `/api/v1/credentials/${old.id}/renew`);
          expect(response.statusCode).toBe(201);
          const renewed = response.json() as { id: string; renewedFrom: string; achievementVersion: number; achievementName: string; recipient: unknown; validUntil: string; document: JsonObject };
          expect(renewed.id).not.toBe(old.id);
          expect(renewed).toMatchObject({ renewedFrom: old.id, achievementVersion: 2, achievementName: 'Data Literacy Essentials (2027)', recipient: { email: 'renew@example.org', name: 'Re New' }, validUntil: '2028-03-03T09:30:00.000Z' });
          const oldText = (await testApp.app.inject({ method: 'GET', url: `/credentials/${old.id}` })).body;
          const digest = `sha384-${createHash('sha384').update(oldText).digest('base64')}`;
          expect(renewed.document.relatedResource).toEqual([
            { id: 'https://issuer.test/contexts/eu/v1', digestSRI: EU_CONTEXT_DIGEST_SRI, mediaType: 'application/ld+json' },
            { id: old.credentialId, digestSRI: digest, mediaType: 'application/vc+ld+json' },
          ]);
          expect(renewed.document).toMatchObject({ evidence: [{ type: ['Evidence'], narrative: 'Portfolio' }], credentialSubject: { creditsEarned: 5, result: [{ value: 'A' }] } });
          expectVerified(await testApp.runtime.ctx.engine.verify({ credential: renewed.document }));
          // The old credential is unchanged and keeps its version.
          const oldView = (await org.owner.request('GET', `/api/v1/credentials/${old.id}`)).json() as { achievementVersion: number; status: string };
          expect(oldView).toMatchObject({ achievementVersion: 1, status: 'active' });
        } finally {
          clock = NOW;
        }
      });

      it('serves the public document with content negotiation', async () => {
        const ld = await testApp.app.inject({ method: 'GET', url: `/credentials/${id}`, headers: { accept: 'application/ld+json' } });
        expect(ld.statusCode).toBe(200);
        expect(ld.headers['content-type']).toMatch(/^application\/ld\+json/);
        const jwt = await testApp.app.inject({ method: 'GET', url: `/credentials/${id}`, headers: { accept: 'application/vc+jwt' } });
        expect(jwt.statusCode).toBe(406);
        expect(jwt.headers['content-type']).toMatch(/^application\/problem\+json/);
        expect((await testApp.app.inject({ method: 'GET', url: '/credentials/00000000-0000-4000-8000-000000000000' })).statusCode).toBe(404);
        expect((await testApp.app.inject({ method: 'GET', url: '/credentials/not-a-credential' })).statusCode).toBe(404);
        const either = await testApp.app.inject({ method: 'GET', url: `/credentials/${id}`, headers: { accept: 'application/vc+jwt, application/json;q=0.5' } });
        expect(either.statusCode).toBe(200);
      });
    });

    it('keeps every id-taking endpoint closed to other organisations and anonymous callers', async () => {
      const response = await issue({ achievementId: org.achievementId, recipient: { email: 'isolated@example.org' } });
      const { id } = response.json() as { id: string };
      const endpoints: [method: 'GET' | 'POST', url: string, body?: unknown][] = [
        ['GET', `/api/v1/credentials/${id}`],
        ['POST', `/api/v1/credentials/${id}/revoke`, { reason: 'x' }],
        ['POST', `/api/v1/credentials/${id}/suspend`, {}],
        ['POST', `/api/v1/credentials/${id}/reinstate`, {}],
        ['POST', `/api/v1/credentials/${id}/renew`, {}],
        ['GET', base()],
        ['POST', base(), { achievementId: org.achievementId, recipient: { email: 'intruder@example.org' } }],
        ['GET', `/api/v1/organisations/${org.organisationId}/outbox`],
      ];
      for (const [method, url, body] of endpoints) {
        const stranger = await other.owner.request(method, url, body);
        expect(stranger.statusCode, `${method} ${url} as another organisation's owner`).toBe(404);
        const key = await testApp.app.inject({ method, url, headers: bearer(other.apiKey), ...(body !== undefined ? { payload: body as object } : {}) });
        expect(key.statusCode, `${method} ${url} with another organisation's key`).toBe(404);
        const anonymous = await testApp.app.inject({ method, url, ...(body !== undefined ? { payload: body as object } : {}) });
        expect(anonymous.statusCode, `${method} ${url} anonymously`).toBe(401);
        expect(stranger.body + key.body + anonymous.body).not.toContain('isolated@example.org');
      }
      const view = (await org.owner.request('GET', `/api/v1/credentials/${id}`)).json() as { status: string };
      expect(view.status).toBe('active');
      expect(await testApp.runtime.ctx.db.selectFrom('credentials').select('id').where('recipient_email', '=', 'intruder@example.org').execute()).toEqual([]);
    });
  });
}
