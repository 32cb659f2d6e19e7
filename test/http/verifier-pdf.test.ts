/**
 * The PDF certificate downloaded from a share carries its credential: the public verifier verifies it,
 * another learner imports it (once; the second time is a duplicate), and hostile PDFs get 400 in words.
 * A share's QR code PNG verifies too (its URL followed through the guarded fetcher); oversize PNGs are refused.
 */
import { randomUUID } from 'node:crypto';
import { crc32 } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingestIssued } from '../../src/services/wallet/ingest.ts';
import { createTestApp, sessionFrom, signUpAndSignIn, TEST_PUBLIC_URL, type Session, type TestApp } from '../support/app.ts';
import { DIALECTS, warnIfPostgresSkipped } from '../support/db.ts';
import { issuingOrganisation } from './credentials-fixture.ts';
import { tinyPng } from '../fixtures/images/tiny-png.ts';

warnIfPostgresSkipped();

/** multipart/form-data by hand, as a browser's form would send it. */
function multipart(parts: { name: string; value: string | Uint8Array; filename?: string; type?: string }[]) {
  const boundary = `----microcred${randomUUID()}`;
  const chunks: Buffer[] = [];
  for (const part of parts) {
    chunks.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${part.name}"${part.filename ? `; filename="${part.filename}"` : ''}\r\n${part.type ? `Content-Type: ${part.type}\r\n` : ''}\r\n`));
    chunks.push(Buffer.from(part.value), Buffer.from('\r\n'));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { payload: Buffer.concat(chunks), headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

for (const dialect of DIALECTS) {
  describe(`PDF certificates in the verifier and the wallet (${dialect})`, () => {
    let testApp: TestApp;
    let ana: Session;
    let bob: Session;
    let pdf: Buffer;
    let qrPng: Buffer;

    async function signUp(email: string): Promise<Session> {
      const response = await signUpAndSignIn(testApp.app, { email, password: 'learner-password-1', name: email });
      expect(response.statusCode, response.body).toBe(200);
      return sessionFrom(testApp.app, response);
    }

    beforeAll(async () => {
      testApp = await createTestApp(dialect, { fetcher: async (url) => { throw new Error(`tests do not reach the network (${url})`); } });
      const org = await issuingOrganisation(testApp);
      ana = await signUp('ana@example.org');
      bob = await signUp('bob@example.org');
      const issued = await org.owner.request('POST', `/api/v1/organisations/${org.organisationId}/credentials`, { achievementId: org.achievementId, recipient: { email: 'ana@example.org', name: 'Ana López' } });
      expect(issued.statusCode, issued.body).toBe(201);
      const row = await testApp.runtime.store.db.selectFrom('credentials').selectAll().where('id', '=', (issued.json() as { id: string }).id).executeTakeFirstOrThrow();
      const id = randomUUID();
      await testApp.runtime.store.db.insertInto('wallet_credentials').values({ ...await ingestIssued(testApp.runtime.ctx, row), id, user_id: ana.userId, added_at: new Date().toISOString() }).execute();
      const share = await ana.request('POST', '/api/v1/wallet/shares', { targetType: 'credential', targetId: id });
      expect(share.statusCode, share.body).toBe(201);
      const token = (share.json() as { url: string }).url.slice(`${TEST_PUBLIC_URL}/s/`.length);
      const download = await testApp.app.inject({ method: 'GET', url: `/s/${token}/certificate.pdf` });
      expect(download.statusCode).toBe(200);
      pdf = download.rawPayload;
      const qr = await testApp.app.inject({ method: 'GET', url: `/s/${token}/qr.png` });
      expect(qr.statusCode).toBe(200);
      qrPng = qr.rawPayload;
    });
    afterAll(async () => {
      await testApp?.close();
    });

    it('POST /api/v1/verify verifies the certificate PDF by the credential it embeds', async () => {
      const form = multipart([{ name: 'file', value: pdf, filename: 'certificate.pdf', type: 'application/pdf' }, { name: 'recipientEmail', value: 'ana@example.org' }]);
      const response = await testApp.app.inject({ method: 'POST', url: '/api/v1/verify', ...form });
      expect(response.statusCode, response.body).toBe(200);
      const body = response.json() as { verified: boolean; standard: string; recipient?: { outcome: string } };
      expect(body.verified).toBe(true);
      expect(body.standard).toBe('Open Badges 3.0');
    });

    it('another learner imports the PDF as a verified credential, once; a second import is a duplicate', async () => {
      const form = multipart([{ name: 'file', value: pdf, filename: 'certificate.pdf', type: 'application/pdf' }]);
      const upload = () => testApp.app.inject({ method: 'POST', url: '/api/v1/wallet/credentials', payload: form.payload, headers: { ...form.headers, cookie: bob.cookie, 'x-csrf-token': bob.csrfToken } });
      const first = await upload();
      expect(first.statusCode, first.body).toBe(201);
      const item = (first.json() as { item: { id: string; status: string } }).item;
      expect(item.status).toBe('verified');
      const again = await upload();
      expect(again.statusCode, again.body).toBe(200);
      expect((again.json() as { item: { id: string } }).item.id).toBe(item.id);
      // The wallet keeps the embedded credential (JSON), not the PDF.
      const stored = await testApp.runtime.store.db.selectFrom('wallet_credentials').select(['original_type', 'original']).where('id', '=', item.id).executeTakeFirstOrThrow();
      expect(stored.original_type).toBe('application/json');
      expect(stored.original.startsWith('{')).toBe(true);
    });

    it('hostile or empty PDFs get 400 in words', async () => {
      for (const [bytes, words] of [
        [Buffer.from('%PDF-1.7\n1 0 obj << >> endobj\n%%EOF'), /PDF holds no credential/],
        [Buffer.from('%PDF-1.7\n1 0 obj << /Type /EmbeddedFile /Filter /FlateDecode /Length 3 >> stream\nabc\nendstream'), /damaged or too large/],
      ] as const) {
        const form = multipart([{ name: 'file', value: bytes, filename: 'x.pdf', type: 'application/pdf' }]);
        const response = await testApp.app.inject({ method: 'POST', url: '/api/v1/verify', ...form });
        expect(response.statusCode, response.body).toBe(400);
        expect(response.body).toMatch(words);
      }
    });
  
    it('a QR code PNG from a share verifies: the verifier follows its URL through the guarded fetcher', async () => {
      const form = multipart([{ name: 'file', value: qrPng, filename: 'qr.png', type: 'image/png' }]);
      const response = await testApp.app.inject({ method: 'POST', url: '/api/v1/verify', ...form });
      expect(response.statusCode, response.body).toBe(200);
      expect((response.json() as { verified: boolean }).verified).toBe(true);
    });

    it('PNGs that are too large, damaged or hold neither a badge nor a QR code get 400 in words', async () => {
      const huge = Buffer.from(qrPng);
      huge.writeUInt32BE(5000, 16);
      huge.writeUInt32BE(crc32(huge.subarray(12, 29)), 29); // a well-formed header that claims 5000 pixels
      const damaged = Buffer.from(qrPng.subarray(0, 40));
      for (const [bytes, words] of [[huge, /5000×\d+ pixels/], [damaged, /truncated/], [Buffer.from(tinyPng()), /no credential/]] as const) {
        const form = multipart([{ name: 'file', value: bytes, filename: 'x.png', type: 'image/png' }]);
        const response = await testApp.app.inject({ method: 'POST', url: '/api/v1/verify', ...form });
        expect(response.statusCode, response.body).toBe(400);
        expect(response.body).toMatch(words);
      }
    });
  });
}
