/**
 * Sharing over HTTP on every dialect: share links (create, list, revoke, expiry), the public page
 * verified live (outcome sentence, each check, OpenGraph/Twitter meta, the ld+json alternate), a
 * collection page, the uniform 404 for unknown, guessed, revoked and expired links, another learner
 * reaching nothing, an issuer's revocation showing on the page, QR codes and the PDF certificate
 * decoding back to the link, downloads (JSON, JWT, baked PNG and SVG) for the link and for the owner,
 * the LinkedIn link, and presentations signed by the learner's did:key (checked by our engine and by
 * the reference library).
 */
import { execFileSync } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vc from '@digitalbazaar/vc';
import { DataIntegrityProof } from '@digitalbazaar/data-integrity';
import { cryptosuite as eddsaRdfc2022Cryptosuite } from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import jsQRModule from 'jsqr';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingest, ingestIssued } from '../../src/services/wallet/ingest.ts';
import { bakePng, extractFromPng, extractFromSvg } from '../../src/vc/baking/index.ts';
import { generateDidKey } from '../../src/vc/did/did-key.ts';
import { signerFromMultikey } from '../../src/vc/keys/ed25519.ts';
import { CONTEXTS } from '../../src/vc/contexts/index.ts';
import type { JsonObject } from '../../src/vc/types.ts';
import { createTestApp, sessionFrom, signUpAndSignIn, TEST_PUBLIC_URL, type Session, type TestApp } from '../support/app.ts';
import { appDocumentLoader } from '../support/app-document-loader.ts';
import { DIALECTS, warnIfPostgresSkipped } from '../support/db.ts';
import { POPPLER, requireTools } from '../support/tools.ts';
import { tinyPng } from '../fixtures/images/tiny-png.ts';
import { issuingOrganisation } from './credentials-fixture.ts';

warnIfPostgresSkipped();
// The certificate is read back with poppler: that one test is skipped without it (named in the summary), failed in CI.
const noPoppler = requireTools('test/http/sharing.test.ts (PDF certificate)', POPPLER);

type JsQr = typeof jsQRModule.default;
const jsQR: JsQr = (jsQRModule as unknown as { default?: JsQr }).default ?? (jsQRModule as unknown as JsQr);

const NOW = new Date('2026-03-02T09:30:00.000Z');
const ob2Fixture = (name: string) => JSON.parse(readFileSync(new URL(`../fixtures/ob2/${name}`, import.meta.url), 'utf8')) as JsonObject;
/** An Open Badges 2.0 issuer on the web (hosted assertion, badge class, profile), answered from fixtures. */
const OB2_WEB = new Map<string, JsonObject>(['assertion-hosted.json', 'badge-class.json', 'issuer.json', 'revocations.json'].map((name) => {
  const document = ob2Fixture(name);
  return [document.id as string, document];
}));
const work = mkdtempSync(join(tmpdir(), 'microcred-sharing-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

interface ShareBody { id: string; url: string; targetType: string; targetId: string; active: boolean; views: number; expiresAt?: string; revokedAt?: string; linkedIn?: string }

function tokenOf(share: ShareBody): string {
  return share.url.slice(`${TEST_PUBLIC_URL}/s/`.length);
}

function qrText(png: Uint8Array): string | undefined {
  const image = PNG.sync.read(Buffer.from(png));
  return jsQR(new Uint8ClampedArray(image.data.buffer, image.data.byteOffset, image.data.byteLength), image.width, image.height)?.data;
}

for (const dialect of DIALECTS) {
  describe(`sharing over HTTP (${dialect})`, () => {
    let testApp: TestApp;
    let org: Awaited<ReturnType<typeof issuingOrganisation>>;
    let ana: Session;
    let bob: Session;
    let clock = NOW;
    /** Ana's wallet: two credentials this instance issued, one VC-JWT she pasted. */
    let issuedIds: string[];
    let walletIds: string[];
    let jwtWalletId: string;
    let jwt: string;
    const shares: ShareBody[] = [];
    const get = (url: string) => testApp.app.inject({ method: 'GET', url });

    async function signUp(email: string, name: string): Promise<Session> {
      const response = await signUpAndSignIn(testApp.app, { email, password: 'learner-password-1', name });
      expect(response.statusCode, response.body).toBe(200);
      return sessionFrom(testApp.app, response);
    }

    async function issueTo(email: string, name: string): Promise<string> {
      const response = await org.owner.request('POST', `/api/v1/organisations/${org.organisationId}/credentials`, { achievementId: org.achievementId, recipient: { email, name } });
      expect(response.statusCode, response.body).toBe(201);
      return (response.json() as { id: string }).id;
    }

    /** Puts a credential into a wallet as the wallet service does (H2's ingest; the row written here). */
    async function addToWallet(userId: string, ingested: Awaited<ReturnType<typeof ingest>>): Promise<string> {
      const id = randomUUID();
      await testApp.runtime.store.db.insertInto('wallet_credentials').values({ ...ingested, id, user_id: userId, added_at: clock.toISOString() }).execute();
      return id;
    }

    async function share(session: Session, body: unknown): Promise<ShareBody> {
      const response = await session.request('POST', '/api/v1/wallet/shares', body);
      expect(response.statusCode, response.body).toBe(201);
      const created = response.json() as ShareBody;
      shares.push(created);
      return created;
    }

    beforeAll(async () => {
      testApp = await createTestApp(dialect, {
        now: () => clock,
        fetcher: async (url) => {
          const document = OB2_WEB.get(url);
          if (!document) throw new Error(`tests do not reach the network (${url})`);
          return { url, contentType: 'application/json', body: new TextEncoder().encode(JSON.stringify(document)) };
        },
      });
      org = await issuingOrganisation(testApp);
      ana = await signUp('ana@example.org', 'Ana López');
      bob = await signUp('bob@example.org', 'Bob Brown');
      issuedIds = [await issueTo('ana@example.org', 'Ana López'), await issueTo('ana@example.org', 'Ana López')];
      const { ctx } = testApp.runtime;
      walletIds = [];
      for (const id of issuedIds) {
        const row = await testApp.runtime.store.db.selectFrom('credentials').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
        walletIds.push(await addToWallet(ana.userId, await ingestIssued(ctx, row)));
      }
      // A VC-JWT from another issuer (a did:key), pasted into Ana's wallet.
      const key = generateDidKey(new Uint8Array(32).fill(9));
      jwt = await ctx.engine.sign({
        format: 'vc-jwt', signer: signerFromMultikey(key), now: NOW,
        credential: {
          '@context': [CONTEXTS.CREDENTIALS_V2, CONTEXTS.OB_V3], id: 'urn:uuid:2f7a1c9e-2b7d-4c1e-9a54-8e6b3f1d0a11', type: ['VerifiableCredential', 'OpenBadgeCredential'],
          issuer: { id: key.controller, type: ['Profile'], name: 'Bootcamp Ltd' }, validFrom: '2026-01-01T00:00:00Z', name: 'Web Basics',
          credentialSubject: { id: 'mailto:ana@example.org', type: ['AchievementSubject'], achievement: { id: 'https://bootcamp.example/web', type: ['Achievement'], name: 'Web Basics', description: 'HTML and CSS.', criteria: { narrative: 'Built a site.' } } },
        },
      }) as string;
      jwtWalletId = await addToWallet(ana.userId, await ingest(ctx, { bytes: new TextEncoder().encode(jwt), source: 'paste' }));
      const pasted = await testApp.runtime.store.db.selectFrom('wallet_credentials').select(['status', 'verification']).where('id', '=', jwtWalletId).executeTakeFirstOrThrow();
      expect(pasted.status, pasted.verification).toBe('verified');
    });
    afterAll(async () => {
      await testApp?.close();
    });

    it('shares a credential: the public page verifies it live and says so in one sentence, with every check, meta tags and the ld+json alternate', async () => {
      const created = await share(ana, { targetType: 'credential', targetId: walletIds[0] });
      expect(created).toMatchObject({ targetType: 'credential', targetId: walletIds[0], active: true, views: 0 });
      expect(created.url).toMatch(/^https:\/\/issuer\.test\/s\/[A-Za-z0-9_-]{43}$/);
      const linkedIn = new URL(created.linkedIn!);
      expect(linkedIn.origin + linkedIn.pathname).toBe('https://www.linkedin.com/profile/add');
      expect(Object.fromEntries(linkedIn.searchParams)).toEqual({
        startTask: 'CERTIFICATION_NAME', name: 'Data Literacy Essentials', organizationName: 'University of Testing',
        issueYear: '2026', issueMonth: '3', expirationYear: '2028', expirationMonth: '3',
        certUrl: created.url, certId: `https://issuer.test/credentials/${issuedIds[0]}`,
      });

      const page = await get(`/s/${tokenOf(created)}`);
      expect(page.statusCode).toBe(200);
      expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(page.headers['cache-control']).toBe('no-store');
      expect(page.headers['referrer-policy']).toBe('no-referrer');
      // No script may run; the page's own QR code (same origin, also over plain http in development) may load.
      expect(String(page.headers['content-security-policy'])).toContain("default-src 'none'");
      expect(String(page.headers['content-security-policy'])).toContain("img-src 'self' https: data:");
      const html = page.body;
      expect(html).toContain('<h1 id="c0-name">Data Literacy Essentials</h1>');
      expect(html).toContain('Verified.</span> This credential is genuine: University of Testing issued it to Ana López on 2 March 2026, and every check passed just now.');
      for (const words of ['Learner', 'Ana López', '5 ECTS credits', 'EQF level 5', 'Clean a tabular data set', 'Choose and draw a suitable chart',
        'The issuer&#39;s revocation list shows this credential as not revoked.', 'The signing key belongs to the issuer.']) {
        expect(html, words).toContain(words);
      }
      // No script: the one script element is the schema.org data block, which a browser does not run.
      expect(html.replace(/<script type="application\/ld\+json">[^<]*<\/script>/, '')).not.toContain('<script');
      // The LinkedIn button is the owner's (in the share's view): on the public page it would add the credential to a visitor's profile.
      expect(html).not.toContain('linkedin.com');
      expect(html).toContain(`<meta property="og:url" content="${created.url}">`);
      expect(html).toContain('<meta property="og:title" content="Data Literacy Essentials · University of Testing">');
      expect(html).toMatch(/<meta property="og:description" content="This credential is genuine: [^"]+">/);
      expect(html).toContain('<meta name="twitter:card" content="summary">');
      expect(html).toContain('<meta name="viewport" content="width=device-width, initial-scale=1">');
      const alternate = /<link rel="alternate" type="application\/ld\+json" href="([^"]+)">/.exec(html)?.[1];
      expect(alternate).toBe(`/s/${tokenOf(created)}/credential.json`);
      const json = await get(alternate!);
      expect(json.statusCode).toBe(200);
      const issued = (await org.owner.request('GET', `/api/v1/credentials/${issuedIds[0]}`)).json() as { document?: JsonObject };
      const document = json.json() as JsonObject;
      expect(document.id).toBe(`https://issuer.test/credentials/${issuedIds[0]}`);
      if (issued.document) expect(document).toEqual(issued.document);
      expect(json.headers['content-type']).toContain('application/ld+json');

      const listed = (await ana.request('GET', `/api/v1/wallet/shares?targetId=${walletIds[0]}`)).json() as { items: ShareBody[] };
      expect(listed.items.map((s) => [s.id, s.views])).toEqual([[created.id, 1]]);
    });

    it('never reaches a private item without its link: unknown, guessed, revoked and expired links all get the same 404', async () => {
      const unknown = await get(`/s/${randomBytes(32).toString('base64url')}`);
      expect(unknown.statusCode).toBe(404);
      expect(unknown.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(unknown.body).toContain('This link is not available');
      for (const guess of [walletIds[0]!, issuedIds[0]!, shares[0]!.id, 'x', '../api/v1/wallet/credentials', `${tokenOf(shares[0]!).slice(0, 42)}${tokenOf(shares[0]!).endsWith('A') ? 'Q' : 'A'}`]) {
        const page = await get(`/s/${encodeURIComponent(guess)}`);
        expect(page.statusCode, guess).toBe(404);
        expect(page.body).toBe(unknown.body);
        for (const asset of ['credential.json', 'qr.png', 'certificate.pdf']) expect((await get(`/s/${encodeURIComponent(guess)}/${asset}`)).statusCode).toBe(404);
      }

      // Far longer than any token: the router refuses it before any lookup (414), whatever the link.
      expect((await get(`/s/${'A'.repeat(300)}`)).statusCode).toBe(414);

      const revoked = await share(ana, { targetType: 'credential', targetId: walletIds[1] });
      expect((await get(`/s/${tokenOf(revoked)}`)).statusCode).toBe(200);
      const revoke = await ana.request('DELETE', `/api/v1/wallet/shares/${revoked.id}`);
      expect(revoke.statusCode).toBe(200);
      expect(revoke.json()).toMatchObject({ active: false, revokedAt: clock.toISOString() });
      const gone = await get(`/s/${tokenOf(revoked)}`);
      expect([gone.statusCode, gone.body]).toEqual([404, unknown.body]);
      const withoutInstance = (body: string) => ({ ...(JSON.parse(body) as JsonObject), instance: undefined });
      const missingAsset = withoutInstance((await get(`/s/${randomBytes(32).toString('base64url')}/credential.json`)).body);
      expect(missingAsset).toMatchObject({ status: 404, detail: 'link not found' });
      for (const asset of ['credential.json', 'credential.png', 'qr.svg', 'certificate.pdf']) {
        const response = await get(`/s/${tokenOf(revoked)}/${asset}`);
        expect(response.statusCode).toBe(404);
        expect(withoutInstance(response.body)).toEqual(missingAsset);
      }

      const expiring = await share(ana, { targetType: 'credential', targetId: walletIds[1], expiresAt: new Date(NOW.getTime() + 3_600_000).toISOString() });
      expect((await get(`/s/${tokenOf(expiring)}`)).statusCode).toBe(200);
      clock = new Date(NOW.getTime() + 3_600_000);
      try {
        const expired = await get(`/s/${tokenOf(expiring)}`);
        expect([expired.statusCode, expired.body]).toEqual([404, unknown.body]);
        expect((await get(`/s/${tokenOf(expiring)}/qr.png`)).statusCode).toBe(404);
        const listed = (await ana.request('GET', `/api/v1/wallet/shares?targetId=${walletIds[1]}`)).json() as { items: ShareBody[] };
        expect(listed.items.find((s) => s.id === expiring.id)).toMatchObject({ active: false, expiresAt: expiring.expiresAt });
      } finally {
        clock = NOW;
      }
    });

    it("another learner reaches none of Ana's items, and a visitor without a session gets 401", async () => {
      expect((await bob.request('POST', '/api/v1/wallet/shares', { targetType: 'credential', targetId: walletIds[0] })).statusCode).toBe(404);
      expect((await bob.request('POST', '/api/v1/wallet/shares', { targetType: 'collection', targetId: randomUUID() })).statusCode).toBe(404);
      expect((await bob.request('DELETE', `/api/v1/wallet/shares/${shares[0]!.id}`)).statusCode).toBe(404);
      expect(((await bob.request('GET', '/api/v1/wallet/shares')).json() as { items: unknown[] }).items).toEqual([]);
      expect(((await bob.request('GET', `/api/v1/wallet/shares?targetId=${walletIds[0]}`)).json() as { items: unknown[] }).items).toEqual([]);
      for (const kind of ['json', 'pdf', 'png']) expect((await bob.request('GET', `/api/v1/wallet/credentials/${walletIds[0]}/download/${kind}`)).statusCode).toBe(404);
      expect((await bob.request('POST', '/api/v1/wallet/presentations', { credentialIds: [walletIds[0]], challenge: 'c' })).statusCode).toBe(404);
      // Ana's share link still works after Bob's attempts to revoke it.
      expect((await get(`/s/${tokenOf(shares[0]!)}`)).statusCode).toBe(200);

      const anonymous = await testApp.app.inject({ method: 'GET', url: '/api/v1/wallet/shares' });
      expect(anonymous.statusCode).toBe(401);
      expect((await testApp.app.inject({ method: 'POST', url: '/api/v1/wallet/shares', payload: { targetType: 'credential', targetId: walletIds[0] } })).statusCode).toBe(401);
      expect((await testApp.app.inject({ method: 'GET', url: `/api/v1/wallet/credentials/${walletIds[0]}/download/json` })).statusCode).toBe(401);
      // A session without the CSRF header cannot create a share.
      const noCsrf = await testApp.app.inject({ method: 'POST', url: '/api/v1/wallet/shares', headers: { cookie: ana.cookie }, payload: { targetType: 'credential', targetId: walletIds[0] } });
      expect(noCsrf.statusCode).toBe(403);
    });

    it('refuses bad share requests with a problem that points at the field', async () => {
      const past = await ana.request('POST', '/api/v1/wallet/shares', { targetType: 'credential', targetId: walletIds[0], expiresAt: '2020-01-01T00:00:00Z' });
      expect(past.statusCode).toBe(422);
      expect(past.json()).toMatchObject({ errors: [{ pointer: '/expiresAt' }] });
      expect((await ana.request('POST', '/api/v1/wallet/shares', { targetType: 'badge', targetId: walletIds[0] })).statusCode).toBe(400);
      expect((await ana.request('POST', '/api/v1/wallet/shares', { targetType: 'credential', targetId: walletIds[0], token: 'mine' })).statusCode).toBe(400);
      expect((await ana.request('POST', '/api/v1/wallet/shares', { targetType: 'credential', targetId: randomUUID() })).statusCode).toBe(404);
      expect((await ana.request('GET', `/api/v1/wallet/credentials/${walletIds[0]}/download/docx`)).statusCode).toBe(400);
      expect((await ana.request('POST', '/api/v1/wallet/presentations', { credentialIds: [walletIds[0]], challenge: '' })).statusCode).toBe(400);
    });

    it('QR codes (PNG and SVG) lead back to the link', async () => {
      const link = shares[0]!;
      const png = await get(`/s/${tokenOf(link)}/qr.png`);
      expect([png.statusCode, png.headers['content-type']]).toEqual([200, 'image/png']);
      expect(qrText(png.rawPayload)).toBe(link.url);
      const svg = await get(`/s/${tokenOf(link)}/qr.svg`);
      expect(svg.headers['content-type']).toBe('image/svg+xml');
      expect(svg.body).toMatch(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"[^>]*role="img"/);
    });

    it.skipIf(noPoppler !== undefined)('the PDF certificate reads back (poppler) with its facts and a QR code leading to the link', async () => {
      const link = shares[0]!;
      const pdf = await get(`/s/${tokenOf(link)}/certificate.pdf`);
      expect([pdf.statusCode, pdf.headers['content-type']]).toEqual([200, 'application/pdf']);
      const folder = mkdtempSync(join(work, `${dialect}-`));
      const file = join(folder, 'certificate.pdf');
      writeFileSync(file, pdf.rawPayload);
      expect(execFileSync('pdfinfo', [file]).toString()).toMatch(/Pages:\s+1\n/);
      const text = execFileSync('pdftotext', [file, '-']).toString().replace(/\s+/g, ' ');
      for (const words of ['Ana López', 'Data Literacy Essentials', 'University of Testing', '2 March 2026', '5 ECTS credits', 'EQF level 5', 'Clean a tabular data set', link.url]) {
        expect(text, words).toContain(words);
      }
      execFileSync('pdftoppm', ['-png', '-r', '100', file, join(folder, 'page')]);
      const page = readdirSync(folder).find((name) => name.endsWith('.png'))!;
      expect(qrText(readFileSync(join(folder, page)))).toBe(link.url);
    });

    it('downloads: JSON, JWT only when issued so, baked PNG and SVG that verify; the owner has the same without a link', async () => {
      const { engine } = testApp.runtime.ctx;
      const ldp = shares[0]!;
      expect((await get(`/s/${tokenOf(ldp)}/credential.jwt`)).statusCode).toBe(404);
      for (const kind of ['png', 'svg'] as const) {
        const response = await get(`/s/${tokenOf(ldp)}/credential.${kind}`);
        expect(response.statusCode, response.body).toBe(200);
        expect(response.headers['content-disposition']).toBe(`attachment; filename="data-literacy-essentials.${kind}"`);
        const extracted = kind === 'png' ? extractFromPng(response.rawPayload) : extractFromSvg(response.body);
        expect(extracted).toMatchObject({ ok: true, kind: 'ob3' });
        const credential = (extracted as { credential: JsonObject }).credential;
        expect(credential.id).toBe(`https://issuer.test/credentials/${issuedIds[0]}`);
        expect((await engine.verify({ credential })).verified).toBe(true);
      }

      const jwtShare = await share(ana, { targetType: 'credential', targetId: jwtWalletId });
      // No expiry in the credential: LinkedIn gets no expiration month.
      expect(Object.fromEntries(new URL(jwtShare.linkedIn!).searchParams)).toEqual({
        startTask: 'CERTIFICATION_NAME', name: 'Web Basics', organizationName: 'Bootcamp Ltd', issueYear: '2026', issueMonth: '1',
        certUrl: jwtShare.url, certId: 'urn:uuid:2f7a1c9e-2b7d-4c1e-9a54-8e6b3f1d0a11',
      });
      const jwtDownload = await get(`/s/${tokenOf(jwtShare)}/credential.jwt`);
      expect([jwtDownload.statusCode, jwtDownload.headers['content-type'], jwtDownload.body]).toEqual([200, 'application/vc+jwt', jwt]);
      const bakedJwt = extractFromPng((await get(`/s/${tokenOf(jwtShare)}/credential.png`)).rawPayload);
      expect(bakedJwt).toEqual({ ok: true, kind: 'ob3-jwt', jwt });
      const jwtPage = await get(`/s/${tokenOf(jwtShare)}`);
      expect(jwtPage.body).toContain('Verified.</span> This credential is genuine: Bootcamp Ltd issued it');
      expect(jwtPage.body).toContain('Credential (JWT)');
      // The JSON alternate of a VC-JWT is its unsigned payload; the signed form is linked beside it.
      expect(jwtPage.body).toContain(`<link rel="alternate" type="application/vc+jwt" href="/s/${tokenOf(jwtShare)}/credential.jwt">`);

      for (const kind of ['json', 'png', 'svg', 'pdf']) {
        const response = await ana.request('GET', `/api/v1/wallet/credentials/${walletIds[1]}/download/${kind}`);
        expect(response.statusCode, `${kind}: ${response.body.slice(0, 200)}`).toBe(200);
        expect(response.headers['content-disposition']).toMatch(new RegExp(`^attachment; filename="data-literacy-essentials\\.${kind}"$`));
      }
      expect((await ana.request('GET', `/api/v1/wallet/credentials/${walletIds[1]}/download/jwt`)).statusCode).toBe(404);
      expect((await ana.request('GET', `/api/v1/wallet/credentials/${jwtWalletId}/download/jwt`)).body).toBe(jwt);
    });

    it("the issuer's revocation shows on the public page at the next visit", async () => {
      const link = await share(ana, { targetType: 'credential', targetId: walletIds[1] });
      expect((await get(`/s/${tokenOf(link)}`)).body).toContain('Verified.</span>');
      const revoked = await org.owner.request('POST', `/api/v1/credentials/${issuedIds[1]}/revoke`, { reason: 'issued in error' });
      expect(revoked.statusCode, revoked.body).toBe(200);
      const page = await get(`/s/${tokenOf(link)}`);
      expect(page.statusCode).toBe(200);
      expect(page.body).toContain('Revoked.</span> University of Testing has revoked this credential, so it is no longer valid.');
      expect(page.body).toContain('<strong>Failed:</strong> The issuer has revoked this credential.');
      expect(page.body).toContain('<meta property="og:description" content="University of Testing has revoked this credential, so it is no longer valid.">');
      expect(page.body).not.toContain('application/ld+json">');
    });

    it('shares a collection: its page lists each credential with its own outcome', async () => {
      const { db } = testApp.runtime.store;
      const collectionId = randomUUID();
      await db.insertInto('wallet_collections').values({ id: collectionId, user_id: ana.userId, name: 'My data skills', description: 'For employers', created_at: NOW.toISOString(), updated_at: NOW.toISOString() }).execute();
      await db.insertInto('wallet_collection_items').values([
        { collection_id: collectionId, credential_id: walletIds[1]!, position: 0 },
        { collection_id: collectionId, credential_id: jwtWalletId, position: 1 },
        { collection_id: collectionId, credential_id: walletIds[0]!, position: 2 },
      ]).execute();
      expect((await bob.request('POST', '/api/v1/wallet/shares', { targetType: 'collection', targetId: collectionId })).statusCode).toBe(404);
      const link = await share(ana, { targetType: 'collection', targetId: collectionId });
      expect(link.linkedIn).toBeUndefined();
      const page = await get(`/s/${tokenOf(link)}`);
      expect(page.statusCode).toBe(200);
      const html = page.body;
      expect(html).toContain('<h1>My data skills</h1>');
      expect(html).toContain('Shared by Ana López');
      expect(html).toContain('2 of 3 credentials verified just now.');
      const order = ['c0', 'c1', 'c2'].map((id) => new RegExp(`<h2 id="${id}-name">([^<]+)</h2>[\\s\\S]*?<p class="verdict [a-z]+" role="status"><span>([^<]+)</span>`).exec(html)?.slice(1));
      expect(order).toEqual([['Data Literacy Essentials', 'Revoked.'], ['Web Basics', 'Verified.'], ['Data Literacy Essentials', 'Verified.']]);
      expect((await get(`/s/${tokenOf(link)}/credential.json`)).statusCode).toBe(404);
      expect(qrText((await get(`/s/${tokenOf(link)}/qr.png`)).rawPayload)).toBe(link.url);

      // Each credential of the collection downloads through the collection's link, and only while it is in it.
      const item = `/s/${tokenOf(link)}/items/${jwtWalletId}`;
      expect(html).toContain(`href="${item}/credential.jwt"`);
      expect((await get(`${item}/credential.jwt`)).body).toBe(jwt);
      expect((await get(`${item}/certificate.pdf`)).headers['content-type']).toBe('application/pdf');
      await db.deleteFrom('wallet_collection_items').where('collection_id', '=', collectionId).where('credential_id', '=', jwtWalletId).execute();
      expect((await get(`${item}/credential.jwt`)).statusCode).toBe(404);
      expect((await get(`/s/${tokenOf(shares[0]!)}/items/${walletIds[0]}/credential.json`)).statusCode).toBe(404);
      expect((await get(`/s/${tokenOf(link)}/items/${randomUUID()}/credential.json`)).statusCode).toBe(404);
      const other = await addToWallet(bob.userId, await ingest(testApp.runtime.ctx, { bytes: new TextEncoder().encode(jwt), source: 'paste' }));
      await db.insertInto('wallet_collection_items').values({ collection_id: collectionId, credential_id: other, position: 9 }).execute();
      expect((await get(`/s/${tokenOf(link)}/items/${other}/credential.jwt`)).statusCode).toBe(404);
      await db.deleteFrom('wallet_collection_items').where('credential_id', '=', other).execute();
      await db.insertInto('wallet_collection_items').values({ collection_id: collectionId, credential_id: jwtWalletId, position: 1 }).execute();
      await ana.request('DELETE', `/api/v1/wallet/shares/${link.id}`);
      expect((await get(`${item}/credential.jwt`)).statusCode).toBe(404);
    });

    it('signs a presentation with the learner\'s did:key for a challenge and domain; our engine and the reference library verify it', async () => {
      const challenge = randomBytes(16).toString('hex');
      const domain = 'https://employer.example';
      const response = await ana.request('POST', '/api/v1/wallet/presentations', { credentialIds: [walletIds[0], jwtWalletId], challenge, domain });
      expect(response.statusCode, response.body).toBe(200);
      const vp = response.json() as JsonObject;
      const did = ((await ana.request('GET', '/api/v1/me/did')).json() as { did: string }).did;
      expect(did).toMatch(/^did:key:z6Mk/);
      expect(vp.holder).toBe(did);
      expect((vp.proof as JsonObject).verificationMethod).toMatch(new RegExp(`^${did}#`));
      const { engine } = testApp.runtime.ctx;
      const ours = await engine.verifyPresentation({ presentation: vp, challenge, domain });
      expect(ours.verified, JSON.stringify(ours.checks)).toBe(true);
      expect(ours.credentials.map((c) => c.verified)).toEqual([true, true]);
      expect((await engine.verifyPresentation({ presentation: vp, challenge: 'another', domain })).verified).toBe(false);
      expect((await engine.verifyPresentation({ presentation: vp, challenge, domain: 'https://elsewhere.example' })).verified).toBe(false);

      const only = (await ana.request('POST', '/api/v1/wallet/presentations', { credentialIds: [walletIds[0]], challenge, domain })).json() as JsonObject;
      const reference = await vc.verify({
        presentation: only, challenge, domain, suite: new DataIntegrityProof({ cryptosuite: eddsaRdfc2022Cryptosuite }),
        documentLoader: appDocumentLoader(testApp), checkStatus: async () => ({ verified: true }), now: clock,
      });
      expect(reference.verified, JSON.stringify(reference.error ?? reference.presentationResult?.error)).toBe(true);
    });

    it('a link to a credential the learner removed from the wallet opens nothing and is no longer listed', async () => {
      const { db } = testApp.runtime.store;
      const row = await db.selectFrom('wallet_credentials').selectAll().where('id', '=', jwtWalletId).executeTakeFirstOrThrow();
      const link = await share(ana, { targetType: 'credential', targetId: jwtWalletId });
      expect((await get(`/s/${tokenOf(link)}`)).statusCode).toBe(200);
      await db.deleteFrom('wallet_credentials').where('id', '=', jwtWalletId).execute();
      try {
        const page = await get(`/s/${tokenOf(link)}`);
        expect([page.statusCode, page.body]).toEqual([404, (await get(`/s/${randomBytes(32).toString('base64url')}`)).body]);
        expect((await get(`/s/${tokenOf(link)}/credential.jwt`)).statusCode).toBe(404);
        const listed = (await ana.request('GET', '/api/v1/wallet/shares')).json() as { items: ShareBody[] };
        expect(listed.items.some((s) => s.targetId === jwtWalletId)).toBe(false);
        expect(listed.items.some((s) => s.targetType === 'collection')).toBe(true);
      } finally {
        await db.insertInto('wallet_credentials').values(row).execute();
      }
    });

    it('an Open Badges 2.0 badge is verified live against its issuer\'s copy; an OB 2.0 image downloads as it came; it cannot go into a presentation', async () => {
      const { ctx } = testApp.runtime;
      const hosted = OB2_WEB.get('https://issuer.example/assertions/1001.json')!;
      const jsonId = await addToWallet(ana.userId, await ingest(ctx, { bytes: new TextEncoder().encode(JSON.stringify(hosted)), source: 'upload' }));
      const baked = bakePng({ image: tinyPng(), credential: hosted.id as string, standard: 'ob2' });
      const pngId = await addToWallet(ana.userId, { ...await ingest(ctx, { bytes: baked, source: 'upload' }), credential_key: 'other-key', proof_key: null });
      const link = await share(ana, { targetType: 'credential', targetId: jsonId });
      const page = await get(`/s/${tokenOf(link)}`);
      expect(page.body).toContain('<h1 id="c0-name">Web Basics</h1>');
      expect(page.body).toContain('Verified.</span> This credential is genuine: Example Academy issued it on 1 March 2024, and every check passed just now.');
      expect(page.body).toContain('Open Badges 2.0');
      expect(page.body).not.toContain('credential.png');
      expect((await get(`/s/${tokenOf(link)}/credential.json`)).json()).toEqual(hosted);
      expect((await get(`/s/${tokenOf(link)}/credential.png`)).statusCode).toBe(404);
      const pngLink = await share(ana, { targetType: 'credential', targetId: pngId });
      expect(Buffer.from((await get(`/s/${tokenOf(pngLink)}/credential.png`)).rawPayload).equals(Buffer.from(baked))).toBe(true);
      const refused = await ana.request('POST', '/api/v1/wallet/presentations', { credentialIds: [walletIds[0], jsonId], challenge: 'c' });
      expect(refused.statusCode).toBe(422);
      expect(refused.json()).toMatchObject({ errors: [{ pointer: '/credentialIds/1' }] });

      // The issuer marks the hosted assertion revoked: the next visit says so.
      OB2_WEB.set(hosted.id as string, { ...hosted, revoked: true, revocationReason: 'Issued in error' });
      try {
        const revoked = await get(`/s/${tokenOf(link)}`);
        expect(revoked.body).toContain('Revoked.</span> Example Academy has revoked this credential, so it is no longer valid.');
      } finally {
        OB2_WEB.set(hosted.id as string, hosted);
        await testApp.runtime.store.db.deleteFrom('wallet_credentials').where('id', 'in', [jsonId, pngId]).execute();
      }
    });

    it('audits share creation and revocation with ids only (no token)', async () => {
      const entries = await testApp.runtime.store.db.selectFrom('audit_log').select(['action', 'target_id', 'details', 'actor_id']).where('action', 'like', 'share.%').execute();
      expect(entries.filter((e) => e.action === 'share.create').length).toBe(shares.length);
      expect(entries.some((e) => e.action === 'share.revoke' && e.target_id === shares[1]!.id)).toBe(true);
      for (const entry of entries) {
        expect(entry.actor_id).toBe(ana.userId);
        for (const created of shares) expect(entry.details ?? '').not.toContain(tokenOf(created));
      }
    });
  });
}
