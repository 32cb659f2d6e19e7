/**
 * The learner's wallet over HTTP on every dialect: claim links (preview, claim, again, by another
 * learner), offers to verified addresses, imports (paste, multipart upload, URL) with duplicates,
 * the list with search, filters, sorts and cursor pages, facets and totals, detail, re-verify on demand
 * and by the scheduled job, remove, collections, and isolation (anonymous 401, another learner 404).
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createJobQueue, createJobRunner } from '../../src/queue/index.ts';
import { scheduleWalletReverify, WALLET_REVERIFY_JOB_KIND, walletReverifyJob } from '../../src/services/wallet/index.ts';
import type { NewRow } from '../../src/store/schema.ts';
import { createTestApp, sessionFrom, signUpAndSignIn, type Session, type SetUpOrganisation, type TestApp } from '../support/app.ts';
import { DIALECTS, warnIfPostgresSkipped } from '../support/db.ts';
import { issuingOrganisation } from './credentials-fixture.ts';

warnIfPostgresSkipped();

const NOW = new Date('2026-03-02T09:30:00.000Z');

interface Item {
  id: string; name: string; status: string; source: string; issuerName?: string; issuerId?: string; ects?: number; eqfLevel?: number;
  skills: { uri?: string; label: string }[]; issuedAt?: string; standard: string; format: string; verifiedAt: string; addedAt: string;
}
interface Page { items: Item[]; total: number; nextCursor?: string }

/** A wallet row as an import would write it, for the list tests (which need many, with chosen fields). */
function syntheticRow(userId: string, n: number, fields: Partial<NewRow<'wallet_credentials'>> = {}): NewRow<'wallet_credentials'> {
  const name = fields.name ?? `Synthetic ${n}`;
  return {
    id: randomUUID(), user_id: userId, source: 'upload', source_url: null, issued_credential_id: null, original_type: 'application/json',
    original: '{}', format: 'ldp', standard: 'Open Badges 3.0', document: null, credential_key: `urn:uuid:${randomUUID()}`, proof_key: null,
    name, description: null, issuer_id: 'did:web:synthetic.example', issuer_name: 'Synthetic Academy', image: null,
    issued_at: `2025-01-${String((n % 28) + 1).padStart(2, '0')}T10:00:00.000Z`, valid_until: null, ects_centi: 100 * (n % 5), eqf_level: (n % 8) + 1,
    field: n % 2 === 0 ? 'Computing' : 'Languages', skills: JSON.stringify([{ label: n % 3 === 0 ? 'Python' : 'Spanish' }]),
    search_text: name.toLowerCase(), status: 'verified', verification: JSON.stringify({ verified: true, checks: [] }),
    verified_at: NOW.toISOString(), added_at: new Date(NOW.getTime() - n * 1000).toISOString(),
    ...fields,
  };
}

for (const dialect of DIALECTS) {
  describe(`wallet over HTTP (${dialect})`, () => {
    let testApp: TestApp;
    let org: SetUpOrganisation & { achievementId: string };
    let ana: Session;
    let bob: Session;
    let clock = NOW;

    const signup = async (email: string) => {
      const response = await signUpAndSignIn(testApp.app, { email, password: 'learner-password-1' });
      expect(response.statusCode, response.body).toBe(200);
      return sessionFrom(testApp.app, response);
    };
    /** Issues one credential to the address; answers its id and the claim link's token from the outbox. */
    const claimTokens = async (email: string) => {
      const outbox = (await org.owner.request('GET', `/api/v1/organisations/${org.organisationId}/outbox`)).json() as { items: { to: string; text: string }[] };
      return outbox.items.filter((mail) => mail.to === email).map((mail) => /\/claim\/([A-Za-z0-9_-]+)/.exec(mail.text)?.[1]);
    };
    const issue = async (email: string, extra: Record<string, unknown> = {}) => {
      const before = new Set(await claimTokens(email));
      const response = await org.owner.request('POST', `/api/v1/organisations/${org.organisationId}/credentials`, { achievementId: org.achievementId, recipient: { email }, ...extra });
      expect(response.statusCode, response.body).toBe(201);
      const { id } = response.json() as { id: string };
      const fresh = (await claimTokens(email)).filter((token) => !before.has(token));
      expect(fresh).toHaveLength(1);
      return { id, token: fresh[0]! };
    };
    const anonymous = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: unknown) => testApp.app.inject({ method, url, ...(payload !== undefined ? { payload: payload as object } : {}) });

    beforeAll(async () => {
      testApp = await createTestApp(dialect, { now: () => clock });
      // Suspension enabled: the scheduled re-verification meets a suspended credential.
      org = await issuingOrganisation(testApp, { suspendable: true });
      ana = await signup('ana@learner.test');
      bob = await signup('bob@learner.test');
    });
    afterAll(async () => {
      await testApp?.close();
    });

    describe('claim links', () => {
      let issued: { id: string; token: string };
      beforeAll(async () => {
        issued = await issue('ana.work@employer.test');
      });

      it('shows anyone what the link is for, without the address', async () => {
        const response = await anonymous('GET', `/api/v1/claim/${issued.token}`);
        expect(response.statusCode).toBe(200);
        expect(response.json()).toEqual({ achievementName: 'Data Literacy Essentials', issuerName: expect.any(String), issuedAt: NOW.toISOString(), claimed: false, status: 'active' });
        expect(response.body).not.toContain('employer.test');
        for (const token of ['x'.repeat(43), 'not a token', issued.token.slice(0, -1)]) {
          const unknown = await anonymous('GET', `/api/v1/claim/${encodeURIComponent(token)}`);
          expect(unknown.statusCode, token).toBe(404);
          expect(unknown.headers['content-type']).toContain('application/problem+json');
        }
      });

      it('asks an anonymous caller to sign in (401)', async () => {
        expect((await anonymous('POST', `/api/v1/claim/${issued.token}`)).statusCode).toBe(401);
      });

      it('claims into the wallet, verified; the address becomes the learner\'s, confirmed; again answers the same item', async () => {
        const response = await ana.request('POST', `/api/v1/claim/${issued.token}`);
        expect(response.statusCode, response.body).toBe(201);
        const { item, duplicate } = response.json() as { item: Item; duplicate: boolean };
        expect(duplicate).toBe(false);
        expect(item).toMatchObject({ name: 'Data Literacy Essentials', status: 'verified', source: 'claim', standard: 'Open Badges 3.0', format: 'ldp', ects: 5, eqfLevel: 5 });
        const emails = (await ana.request('GET', '/api/v1/me/emails')).json() as { items: { email: string; verified: boolean }[] };
        expect(emails.items).toContainEqual(expect.objectContaining({ email: 'ana.work@employer.test', verified: true }));
        const again = await ana.request('POST', `/api/v1/claim/${issued.token}`);
        expect(again.statusCode).toBe(200);
        expect(again.json()).toMatchObject({ duplicate: true, item: { id: item.id } });
        expect((await anonymous('GET', `/api/v1/claim/${issued.token}`)).json()).toMatchObject({ claimed: true });
        const credential = (await org.owner.request('GET', `/api/v1/credentials/${issued.id}`)).json() as { claimedAt?: string };
        expect(credential.claimedAt).toBe(NOW.toISOString());
        const detail = (await ana.request('GET', `/api/v1/wallet/credentials/${item.id}`)).json() as { checks: { check: string; outcome: string; message: string }[]; verified: boolean; issuedCredentialId: string; display: { achievement: { name: string } } };
        expect(detail.verified).toBe(true);
        expect(detail.issuedCredentialId).toBe(issued.id);
        expect(detail.display.achievement.name).toBe('Data Literacy Essentials');
        expect(detail.checks.find((check) => check.check === 'proof')).toMatchObject({ outcome: 'passed', message: expect.any(String) });
      });

      it('refuses a second learner once claimed (409), and leaves their wallet empty', async () => {
        const response = await bob.request('POST', `/api/v1/claim/${issued.token}`);
        expect(response.statusCode).toBe(409);
        expect((response.json() as { detail: string }).detail).toMatch(/already claimed/);
        expect(((await bob.request('GET', '/api/v1/wallet/credentials')).json() as Page).total).toBe(0);
      });
    });

    describe('claim after removal', () => {
      it('lets the learner who claimed and removed it claim again; another learner still gets 409', async () => {
        const issued = await issue('ana.work@employer.test');
        const claimed = await ana.request('POST', `/api/v1/claim/${issued.token}`);
        expect(claimed.statusCode).toBe(201);
        const first = claimed.json() as { item: Item };
        expect((await ana.request('DELETE', `/api/v1/wallet/credentials/${first.item.id}`)).statusCode).toBe(204);
        expect((await bob.request('POST', `/api/v1/claim/${issued.token}`)).statusCode).toBe(409);
        const again = await ana.request('POST', `/api/v1/claim/${issued.token}`);
        expect(again.statusCode, again.body).toBe(201);
        expect((again.json() as { item: Item }).item.id).not.toBe(first.item.id);
      });
    });

    describe('offers', () => {
      it('offers what was issued to the learner\'s did:key', async () => {
        const did = ((await bob.request('POST', '/api/v1/me/did')).json() as { did: string }).did;
        const response = await org.owner.request('POST', `/api/v1/organisations/${org.organisationId}/credentials`, { achievementId: org.achievementId, recipient: { did } });
        expect(response.statusCode, response.body).toBe(201);
        const { id } = response.json() as { id: string };
        const offers = (await bob.request('GET', '/api/v1/wallet/offers')).json() as { items: { credentialId: string }[] };
        expect(offers.items.map((offer) => offer.credentialId)).toEqual([id]);
        expect(((await ana.request('GET', '/api/v1/wallet/offers')).json() as { items: { credentialId: string }[] }).items.map((offer) => offer.credentialId)).not.toContain(id);
        const accepted = await bob.request('POST', `/api/v1/wallet/offers/${id}/accept`);
        expect(accepted.statusCode, accepted.body).toBe(201);
        expect((await bob.request('DELETE', `/api/v1/wallet/credentials/${(accepted.json() as { item: Item }).item.id}`)).statusCode).toBe(204);
      });

      it('offers what was issued to a verified address; accepting adds it; another learner cannot accept it', async () => {
        const first = await issue('ana.work@employer.test', { result: { creditsEarned: 3 } });
        const unverified = await issue('ana.unconfirmed@employer.test');
        const offers = (await ana.request('GET', '/api/v1/wallet/offers')).json() as { items: { credentialId: string; achievementName: string }[] };
        expect(offers.items.map((offer) => offer.credentialId)).toEqual([first.id]);
        expect(offers.items[0]!.achievementName).toBe('Data Literacy Essentials');
        expect((await bob.request('POST', `/api/v1/wallet/offers/${first.id}/accept`)).statusCode).toBe(404);
        expect((await ana.request('POST', `/api/v1/wallet/offers/${unverified.id}/accept`)).statusCode).toBe(404);
        const accepted = await ana.request('POST', `/api/v1/wallet/offers/${first.id}/accept`);
        expect(accepted.statusCode, accepted.body).toBe(201);
        expect(accepted.json()).toMatchObject({ duplicate: false, item: { source: 'claim', status: 'verified' } });
        expect(((await ana.request('GET', '/api/v1/wallet/offers')).json() as { items: unknown[] }).items).toEqual([]);
        expect((await anonymous('GET', '/api/v1/wallet/offers')).statusCode).toBe(401);
      });
    });

    describe('imports', () => {
      let document: string;
      let pastedId: string;
      let issued: { id: string; token: string };
      beforeAll(async () => {
        issued = await issue('someone@else.test');
        document = (await testApp.app.inject({ method: 'GET', url: `/credentials/${issued.id}` })).body;
      });

      it('pastes a credential: verified and kept verbatim; pasting it again is a duplicate', async () => {
        const response = await bob.request('POST', '/api/v1/wallet/credentials', { text: document });
        expect(response.statusCode, response.body).toBe(201);
        const { item } = response.json() as { item: Item };
        pastedId = item.id;
        expect(item).toMatchObject({ source: 'paste', status: 'verified', name: 'Data Literacy Essentials' });
        expect(response.headers.location).toBe(`/api/v1/wallet/credentials/${item.id}`);
        const row = await testApp.runtime.services.wallet.getRow(bob.userId, item.id);
        expect(row.original).toBe(document);
        const again = await bob.request('POST', '/api/v1/wallet/credentials', { text: ` ${document}` });
        expect(again.statusCode).toBe(200);
        expect(again.json()).toMatchObject({ duplicate: true, item: { id: item.id } });
        // Its claim link later: the item already held is linked to the issued credential, not stored twice.
        const claimed = await bob.request('POST', `/api/v1/claim/${issued.token}`);
        expect(claimed.statusCode, claimed.body).toBe(200);
        expect(claimed.json()).toMatchObject({ duplicate: true, item: { id: item.id, source: 'paste' } });
        expect(((await bob.request('GET', `/api/v1/wallet/credentials/${item.id}`)).json() as { issuedCredentialId: string }).issuedCredentialId).toBe(issued.id);
      });

      it('stores one row when the same credential is imported twice at once', async () => {
        const issued = await issue('twice@else.test');
        const text = (await testApp.app.inject({ method: 'GET', url: `/credentials/${issued.id}` })).body;
        const answers = await Promise.all([0, 1, 2].map(() => ana.request('POST', '/api/v1/wallet/credentials', { text })));
        expect(answers.map((answer) => answer.statusCode).sort()).toEqual([200, 200, 201]);
        expect(new Set(answers.map((answer) => (answer.json() as { item: Item }).item.id)).size).toBe(1);
        const id = (answers[0]!.json() as { item: Item }).item.id;
        expect((await ana.request('DELETE', `/api/v1/wallet/credentials/${id}`)).statusCode).toBe(204);
      });

      it('uploads a file as multipart: the same credential is recognised as a duplicate', async () => {
        const boundary = '----wallet-test-boundary';
        const payload = `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="badge.json"\r\nContent-Type: application/json\r\n\r\n${document}\r\n--${boundary}--\r\n`;
        const response = await bob.request('POST', '/api/v1/wallet/credentials', payload, { 'content-type': `multipart/form-data; boundary=${boundary}` });
        expect(response.statusCode, response.body).toBe(200);
        expect(response.json()).toMatchObject({ duplicate: true, item: { id: pastedId } });
        const ana2 = await ana.request('POST', '/api/v1/wallet/credentials', payload, { 'content-type': `multipart/form-data; boundary=${boundary}` });
        expect(ana2.statusCode, ana2.body).toBe(201);
        expect(ana2.json()).toMatchObject({ duplicate: false, item: { source: 'upload', status: 'verified' } });
        const wrongField = `--${boundary}\r\nContent-Disposition: form-data; name="other"; filename="x.json"\r\nContent-Type: application/json\r\n\r\n{}\r\n--${boundary}--\r\n`;
        const missing = await bob.request('POST', '/api/v1/wallet/credentials', wrongField, { 'content-type': `multipart/form-data; boundary=${boundary}` });
        expect(missing.statusCode).toBe(422);
      });

      it('refuses what holds no credential with a problem in words, and an oversize file with 413', async () => {
        for (const text of ['hello', '{"not":"a credential"}', '<svg xmlns="http://www.w3.org/2000/svg"></svg>']) {
          const response = await bob.request('POST', '/api/v1/wallet/credentials', { text });
          expect(response.statusCode, text).toBe(422);
          expect(response.headers['content-type']).toContain('application/problem+json');
          expect((response.json() as { detail: string }).detail.length).toBeGreaterThan(10);
        }
        expect((await bob.request('POST', '/api/v1/wallet/credentials', { text: 'x', url: 'https://a.test/' })).statusCode).toBe(400);
        expect((await bob.request('POST', '/api/v1/wallet/credentials', {})).statusCode).toBe(400);
        const boundary = 'big';
        const big = `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.png"\r\nContent-Type: image/png\r\n\r\n${'x'.repeat(2 * 1024 * 1024 + 10)}\r\n--${boundary}--\r\n`;
        const tooLarge = await bob.request('POST', '/api/v1/wallet/credentials', big, { 'content-type': `multipart/form-data; boundary=${boundary}` });
        expect(tooLarge.statusCode).toBe(413);
        expect(((await bob.request('GET', '/api/v1/wallet/credentials')).json() as Page).total).toBe(1);
      });

      it('reads a URL only through the guarded fetcher; what cannot be read is a problem in words', async () => {
        for (const url of ['http://127.0.0.1/badge.json', 'file:///etc/passwd', 'not a url']) {
          const response = await bob.request('POST', '/api/v1/wallet/credentials', { url });
          expect(response.statusCode, url).toBe(422);
          expect(response.headers['content-type']).toContain('application/problem+json');
        }
      });

      it('re-verifies on demand: a revocation shows', async () => {
        const issued = await issue('carol@else.test');
        const text = (await testApp.app.inject({ method: 'GET', url: `/credentials/${issued.id}` })).body;
        const { item } = (await bob.request('POST', '/api/v1/wallet/credentials', { text })).json() as { item: Item };
        expect(item.status).toBe('verified');
        expect((await org.owner.request('POST', `/api/v1/credentials/${issued.id}/revoke`, { reason: 'issued in error' })).statusCode).toBe(200);
        expect((await ana.request('POST', `/api/v1/wallet/credentials/${item.id}/verify`)).statusCode).toBe(404);
        const response = await bob.request('POST', `/api/v1/wallet/credentials/${item.id}/verify`);
        expect(response.statusCode, response.body).toBe(200);
        const detail = response.json() as { item: Item; verified: boolean; checks: { check: string; outcome: string }[] };
        expect(detail.item.status).toBe('revoked');
        expect(detail.verified).toBe(false);
        expect(detail.checks.find((check) => check.check === 'status')?.outcome).toBe('failed');
      });
    });

    describe('the scheduled re-verification', () => {
      it('re-verifies items older than a day, oldest first, and only those; the job queues its next run once', async () => {
        const issued = await issue('dave@else.test');
        const text = (await testApp.app.inject({ method: 'GET', url: `/credentials/${issued.id}` })).body;
        const { item } = (await ana.request('POST', '/api/v1/wallet/credentials', { text })).json() as { item: Item };
        await org.owner.request('POST', `/api/v1/credentials/${issued.id}/suspend`, { reason: 'under review' });
        const { services } = testApp.runtime;
        expect((await services.wallet.reverifyDue(100)).checked).toBe(0);
        clock = new Date(NOW.getTime() + 25 * 3600_000);
        try {
          const { ctx } = testApp.runtime;
          const queue = createJobQueue({ db: ctx.db, dialect: ctx.dialect, now: () => clock });
          const deps = { queue, now: () => clock };
          expect(await scheduleWalletReverify(deps, 0)).toBe(true);
          expect(await scheduleWalletReverify(deps, 0)).toBe(false);
          const runner = createJobRunner({ queue, handlers: { [WALLET_REVERIFY_JOB_KIND]: walletReverifyJob({ ...deps, wallet: services.wallet }, { batch: 2 }) }, now: () => clock });
          expect(await runner.runOnce()).toBe(true);
          const after = (await ana.request('GET', `/api/v1/wallet/credentials/${item.id}`)).json() as { item: Item };
          expect(after.item.status).toBe('suspended');
          expect(after.item.verifiedAt).toBe(clock.toISOString());
          const jobs = await ctx.db.selectFrom('jobs').select(['status', 'run_at']).where('kind', '=', WALLET_REVERIFY_JOB_KIND).orderBy('status').execute();
          expect(jobs.map((job) => job.status)).toEqual(['done', 'queued']);
          expect(jobs[1]!.run_at > clock.toISOString()).toBe(true);
          expect((await services.wallet.reverifyDue(100)).checked).toBe(0);
        } finally {
          clock = NOW;
        }
      });
    });

    describe('list, search, filters, facets, totals', () => {
      let carol: Session;
      beforeAll(async () => {
        carol = await signup('carol@learner.test');
        const rows = Array.from({ length: 60 }, (_, n) => syntheticRow(carol.userId, n));
        rows.push(syntheticRow(carol.userId, 100, { name: 'Advanced Rust 100%_done', search_text: 'advanced rust 100%_done systems', issuer_id: null, issuer_name: 'Hobby Club', ects_centi: 250, eqf_level: 7, status: 'revoked', field: 'Computing', issued_at: '2024-06-30T23:00:00.000Z' }));
        rows.push(syntheticRow(carol.userId, 101, { name: 'aardvark studies', search_text: 'aardvark studies zoology', issued_at: null, ects_centi: null, eqf_level: null, field: null, skills: JSON.stringify([{ uri: 'http://data.europa.eu/esco/skill/zoo', label: 'Zoology' }]) }));
        await testApp.runtime.ctx.db.insertInto('wallet_credentials').values(rows).execute();
      });
      const list = async (query: string, session: Session = carol) => {
        const response = await session.request('GET', `/api/v1/wallet/credentials${query}`);
        expect(response.statusCode, response.body).toBe(200);
        return response.json() as Page;
      };

      it('pages through everything with the cursor, newest added first, with the total on every page', async () => {
        const seen: string[] = [];
        let cursor: string | undefined;
        let pages = 0;
        do {
          const page = await list(`?limit=25${cursor ? `&cursor=${cursor}` : ''}`);
          expect(page.total).toBe(62);
          seen.push(...page.items.map((item) => item.id));
          cursor = page.nextCursor;
          pages++;
        } while (cursor);
        expect(pages).toBe(3);
        expect(new Set(seen).size).toBe(62);
        const first = await list('?limit=62');
        expect(first.items.map((item) => item.id)).toEqual(seen);
        expect(first.items[0]!.addedAt >= first.items[1]!.addedAt).toBe(true);
        expect((await carol.request('GET', '/api/v1/wallet/credentials?sort=name&cursor=bogus')).statusCode).toBe(400);
        const addedCursor = (await list('?limit=5')).nextCursor!;
        expect((await carol.request('GET', `/api/v1/wallet/credentials?sort=name&cursor=${addedCursor}`)).statusCode).toBe(400);
      });

      it('sorts by name (case-insensitive) and by issue date (undated last), across pages', async () => {
        const byName: string[] = [];
        let cursor: string | undefined;
        do {
          const page = await list(`?sort=name&limit=20${cursor ? `&cursor=${cursor}` : ''}`);
          byName.push(...page.items.map((item) => item.name));
          cursor = page.nextCursor;
        } while (cursor);
        expect(byName[0]).toBe('aardvark studies');
        expect(byName[1]).toBe('Advanced Rust 100%_done');
        expect(byName).toEqual([...byName].sort((a, b) => (a.toLowerCase() < b.toLowerCase() ? -1 : a.toLowerCase() > b.toLowerCase() ? 1 : 0)));
        const byIssued: Item[] = [];
        do {
          const page = await list(`?sort=issued&limit=15${cursor ? `&cursor=${cursor}` : ''}`);
          byIssued.push(...page.items);
          cursor = page.nextCursor;
        } while (cursor);
        expect(byIssued).toHaveLength(62);
        expect(byIssued.at(-1)!.name).toBe('aardvark studies');
        const dates = byIssued.slice(0, -1).map((item) => item.issuedAt!);
        expect(dates).toEqual([...dates].sort().reverse());
      });

      it('searches words (wildcards are literal) and filters by issuer, skill, credits, level, dates and status', async () => {
        expect((await list('?q=RUST')).items.map((item) => item.name)).toEqual(['Advanced Rust 100%_done']);
        expect((await list('?q=rust%20systems')).total).toBe(1);
        expect((await list('?q=rust%20zoology')).total).toBe(0);
        expect((await list('?q=100%25_')).total).toBe(1);
        expect((await list('?q=%25')).total).toBe(1);
        expect((await list('?q=_')).total).toBe(1);
        expect((await list('?q=synthetic%201')).total).toBe(15); // each word anywhere: 1, 10–19, 21, 31, 41, 51
        expect((await list('?issuer=Hobby%20Club')).items.map((item) => item.name)).toEqual(['Advanced Rust 100%_done']);
        expect((await list('?issuer=did:web:synthetic.example')).total).toBe(61);
        expect((await list('?skill=Python')).total).toBe(20);
        expect((await list('?skill=http://data.europa.eu/esco/skill/zoo')).total).toBe(1);
        expect((await list('?skill=Pyth')).total).toBe(0);
        expect((await list('?minEcts=4')).total).toBe(12);
        expect((await list('?minEcts=2.5')).total).toBe(25); // n % 5 ≥ 3, and the 2.5 one
        expect((await list('?eqf=7')).total).toBe(8);
        expect((await list('?status=revoked')).total).toBe(1);
        expect((await list('?from=2025-01-28&to=2025-01-28')).total).toBe(2);
        expect((await list('?to=2024-12-31')).total).toBe(1);
        expect((await list('?from=2025-01-27T10:00:00Z&to=2025-01-28T10:00:00Z&skill=Spanish')).total).toBe(2); // n = 26, 55 (54 and 27 are Python)
        for (const bad of ['?from=yesterday', '?eqf=9', '?minEcts=-1', '?status=lost', '?sort=random', '?limit=500', '?unknown=1', `?q=${'a%20'.repeat(9)}a`]) {
          const response = await carol.request('GET', `/api/v1/wallet/credentials${bad}`);
          expect(response.statusCode, bad).toBe(400);
          expect(response.headers['content-type']).toContain('application/problem+json');
        }
      });

      it('offers facets with counts for the filter menus', async () => {
        const facets = (await carol.request('GET', '/api/v1/wallet/facets')).json() as {
          issuers: { value: string; name: string; count: number }[]; skills: { value: string; label: string; count: number }[];
          levels: { eqf: number; count: number }[]; statuses: { status: string; count: number }[]; fields: { field: string; count: number }[];
        };
        expect(facets.issuers).toEqual([{ value: 'Hobby Club', name: 'Hobby Club', count: 1 }, { value: 'did:web:synthetic.example', name: 'Synthetic Academy', count: 61 }]);
        expect(facets.skills).toEqual([
          { value: 'Spanish', label: 'Spanish', count: 41 }, { value: 'Python', label: 'Python', count: 20 },
          { value: 'http://data.europa.eu/esco/skill/zoo', label: 'Zoology', count: 1 },
        ]);
        expect(facets.levels.find((level) => level.eqf === 7)).toEqual({ eqf: 7, count: 8 });
        expect(facets.statuses).toEqual([{ status: 'revoked', count: 1 }, { status: 'verified', count: 61 }]);
        expect(facets.fields).toEqual([{ field: 'Computing', count: 31 }, { field: 'Languages', count: 30 }]);
      });

      it('adds up credits of verified credentials only, by field and by EQF level', async () => {
        const totals = (await carol.request('GET', '/api/v1/wallet/totals')).json() as { credentials: number; ects: number; byField: { field: string | null; ects: number; credentials: number }[]; byLevel: { eqf: number | null; ects: number }[] };
        // Synthetic n = 0..59: ects (n % 5) → 12 × (0+1+2+3+4) = 120; the revoked 2.5 does not count.
        expect(totals.credentials).toBe(61);
        expect(totals.ects).toBe(120);
        expect(totals.byField).toEqual([
          { field: null, ects: 0, credentials: 1 },
          { field: 'Computing', ects: 60, credentials: 30 },
          { field: 'Languages', ects: 60, credentials: 30 },
        ].sort((a, b) => (a.field === null ? (dialect === 'postgres' ? 1 : -1) : b.field === null ? (dialect === 'postgres' ? -1 : 1) : a.field.localeCompare(b.field))));
        expect(totals.byLevel.reduce((sum, level) => sum + level.ects, 0)).toBe(120);
        expect(totals.byLevel.find((level) => level.eqf === 1)).toEqual({ eqf: 1, ects: 14, credentials: 8 }); // n = 0, 8, …, 56: n % 5 = 0+3+1+4+2+0+3+1
      });

      it('keeps each learner to their own: another learner sees none of it and gets 404 on each item', async () => {
        const someone = (await list('?limit=1')).items[0]!;
        expect((await list('', bob)).items.map((item) => item.id)).not.toContain(someone.id);
        for (const [method, url] of [['GET', `/api/v1/wallet/credentials/${someone.id}`], ['DELETE', `/api/v1/wallet/credentials/${someone.id}`], ['POST', `/api/v1/wallet/credentials/${someone.id}/verify`]] as const) {
          expect((await bob.request(method, url)).statusCode, `${method} ${url}`).toBe(404);
        }
        expect((await carol.request('GET', `/api/v1/wallet/credentials/${someone.id}`)).statusCode).toBe(200);
        for (const url of ['/api/v1/wallet/credentials', '/api/v1/wallet/facets', '/api/v1/wallet/totals', '/api/v1/wallet/collections', `/api/v1/wallet/credentials/${someone.id}`]) {
          expect((await anonymous('GET', url)).statusCode, url).toBe(401);
        }
        expect((await anonymous('GET', '/api/v1/wallet/credentials?eqf=99')).statusCode).toBe(401);
        expect((await anonymous('DELETE', `/api/v1/wallet/credentials/${someone.id}`)).statusCode).toBe(401);
        expect((await anonymous('POST', '/api/v1/wallet/credentials', { text: '{}' })).statusCode).toBe(401);
        // An organisation's API key has no wallet.
        const key = ((await org.owner.request('POST', `/api/v1/organisations/${org.organisationId}/api-keys`, { name: 'wallet probe', scopes: ['read'] })).json() as { key: string }).key;
        const withKey = await testApp.app.inject({ method: 'GET', url: '/api/v1/wallet/credentials', headers: { authorization: `Bearer ${key}` } });
        expect(withKey.statusCode).toBe(403);
        expect(withKey.headers['content-type']).toContain('application/problem+json');
      });

      it('collections: named, ordered, private to their owner; a removed credential leaves them', async () => {
        const items = (await list('?sort=name&limit=4')).items;
        const created = await carol.request('POST', '/api/v1/wallet/collections', { name: '  Data work  ', description: 'For the job application', credentialIds: [items[2]!.id, items[0]!.id] });
        expect(created.statusCode, created.body).toBe(201);
        const collection = created.json() as { id: string; name: string; count: number; items: Item[] };
        expect(collection).toMatchObject({ name: 'Data work', count: 2, description: 'For the job application' });
        expect(collection.items.map((item) => item.id)).toEqual([items[2]!.id, items[0]!.id]);
        const reordered = await carol.request('PATCH', `/api/v1/wallet/collections/${collection.id}`, { credentialIds: [items[0]!.id, items[3]!.id, items[2]!.id], description: null });
        expect(reordered.statusCode, reordered.body).toBe(200);
        expect((reordered.json() as { items: Item[] }).items.map((item) => item.id)).toEqual([items[0]!.id, items[3]!.id, items[2]!.id]);
        expect(reordered.json()).not.toHaveProperty('description');
        const bobsItem = (await list('', bob)).items[0]!;
        const foreign = await carol.request('PATCH', `/api/v1/wallet/collections/${collection.id}`, { credentialIds: [items[0]!.id, bobsItem.id] });
        expect(foreign.statusCode).toBe(422);
        expect((foreign.json() as { errors: { pointer: string }[] }).errors).toEqual([{ pointer: '/credentialIds/1', message: 'is not a credential in your wallet' }]);
        expect((await carol.request('PATCH', `/api/v1/wallet/collections/${collection.id}`, { credentialIds: [items[0]!.id, items[0]!.id] })).statusCode).toBe(422);
        expect((await carol.request('POST', '/api/v1/wallet/collections', { name: '   ' })).statusCode).toBe(422);
        for (const [method, body] of [['GET', undefined], ['PATCH', { name: 'mine now' }], ['DELETE', undefined]] as const) {
          expect((await bob.request(method, `/api/v1/wallet/collections/${collection.id}`, body)).statusCode, method).toBe(404);
        }
        expect(((await bob.request('GET', '/api/v1/wallet/collections')).json() as { items: unknown[] }).items).toEqual([]);
        expect((await carol.request('DELETE', `/api/v1/wallet/credentials/${items[3]!.id}`)).statusCode).toBe(204);
        expect((await carol.request('GET', `/api/v1/wallet/credentials/${items[3]!.id}`)).statusCode).toBe(404);
        const after = (await carol.request('GET', `/api/v1/wallet/collections/${collection.id}`)).json() as { items: Item[]; count: number };
        expect(after.items.map((item) => item.id)).toEqual([items[0]!.id, items[2]!.id]);
        const summaries = (await carol.request('GET', '/api/v1/wallet/collections')).json() as { items: { id: string; count: number }[] };
        expect(summaries.items).toEqual([expect.objectContaining({ id: collection.id, count: 2, name: 'Data work' })]);
        expect((await carol.request('DELETE', `/api/v1/wallet/collections/${collection.id}`)).statusCode).toBe(204);
        expect((await carol.request('GET', `/api/v1/wallet/collections/${collection.id}`)).statusCode).toBe(404);
        expect((await carol.request('GET', `/api/v1/wallet/credentials/${items[0]!.id}`)).statusCode).toBe(200);
      });

      it('writes the audit log with ids only', async () => {
        const rows = await testApp.runtime.ctx.db.selectFrom('audit_log').select(['action', 'details', 'target_id']).where('action', 'like', 'wallet.%').execute();
        expect(new Set(rows.map((row) => row.action))).toEqual(new Set(['wallet.claim', 'wallet.accept-offer', 'wallet.import', 'wallet.reverify', 'wallet.remove', 'wallet.collection.create', 'wallet.collection.update', 'wallet.collection.delete']));
        for (const row of rows) expect(`${row.details ?? ''}`).not.toMatch(/@|eyJ/);
      });
    });
  });
}
