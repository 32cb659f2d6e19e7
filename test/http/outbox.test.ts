/**
 * Claim e-mails: the development outbox (admins only, tenant-isolated) when no SMTP server is
 * configured, and real delivery through nodemailer to a small SMTP server on 127.0.0.1 when one is,
 * with the outcome (sent, or the SMTP refusal code) recorded per message.
 */
import { createServer, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, createOrganisation, createTestApp, login, type Session, type TestApp, inviteMember } from '../support/app.ts';
import { DIALECTS, warnIfPostgresSkipped } from '../support/db.ts';
import { issuingOrganisation } from './credentials-fixture.ts';

warnIfPostgresSkipped();

interface Received {
  from: string;
  to: string[];
  data: string;
}

/** One MIME part: its headers (lower-cased names) and its body, decoded from quoted-printable or base64. */
interface MimePart {
  headers: Record<string, string>;
  body: string;
}

/** Just enough MIME (RFC 2045/2046) to read what nodemailer sent: headers, a multipart's parts, QP and base64. */
function parseMime(raw: string): MimePart & { parts: MimePart[] } {
  const split = (text: string): MimePart => {
    const end = text.indexOf('\r\n\r\n');
    const head = text.slice(0, end).replace(/\r\n[ \t]+/g, ' ');
    const headers = Object.fromEntries(head.split('\r\n').map((line) => [line.slice(0, line.indexOf(':')).toLowerCase(), line.slice(line.indexOf(':') + 1).trim()]));
    let body = text.slice(end + 4);
    const encoding = headers['content-transfer-encoding']?.toLowerCase();
    if (encoding === 'quoted-printable') {
      const bytes = body.replace(/=\r\n/g, '').replace(/=([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
      body = Buffer.from(bytes, 'latin1').toString('utf8');
    } else if (encoding === 'base64') body = Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
    return { headers, body };
  };
  const whole = split(raw);
  const boundary = /boundary="?([^";]+)"?/.exec(whole.headers['content-type'] ?? '')?.[1];
  const parts = boundary
    ? raw.split(`--${boundary}`).slice(1, -1).map((chunk) => split(chunk.replace(/^\r\n/, '')))
    : [];
  return { ...whole, parts };
}

/** Just enough SMTP (RFC 5321) for nodemailer: EHLO, MAIL, RCPT (refusing `reject@…` with 550), DATA, QUIT. */
async function startSmtpServer(): Promise<{ server: Server; port: number; received: Received[] }> {
  const received: Received[] = [];
  const server = createServer((socket: Socket) => {
    let buffer = '';
    let current: Received = { from: '', to: [], data: '' };
    let inData = false;
    const reply = (line: string) => socket.write(`${line}\r\n`);
    reply('220 smtp.test ESMTP ready');
    socket.on('data', (chunk) => {
      buffer += chunk.toString('utf8');
      for (;;) {
        if (inData) {
          const end = buffer.indexOf('\r\n.\r\n');
          if (end < 0) return;
          current.data = buffer.slice(0, end);
          buffer = buffer.slice(end + 5);
          inData = false;
          received.push(current);
          current = { from: '', to: [], data: '' };
          reply('250 2.0.0 queued');
          continue;
        }
        const newline = buffer.indexOf('\r\n');
        if (newline < 0) return;
        const line = buffer.slice(0, newline);
        buffer = buffer.slice(newline + 2);
        const verb = line.slice(0, 4).toUpperCase();
        if (verb === 'EHLO' || verb === 'HELO') {
          reply('250-smtp.test');
          reply('250 8BITMIME');
        } else if (verb === 'MAIL') {
          current.from = /<([^>]*)>/.exec(line)?.[1] ?? '';
          reply('250 2.1.0 ok');
        } else if (verb === 'RCPT') {
          const address = /<([^>]*)>/.exec(line)?.[1] ?? '';
          if (address.startsWith('reject@')) reply('550 5.1.1 no such mailbox');
          else {
            current.to.push(address);
            reply('250 2.1.5 ok');
          }
        } else if (verb === 'DATA') {
          inData = true;
          reply('354 end with <CRLF>.<CRLF>');
        } else if (verb === 'RSET') {
          current = { from: '', to: [], data: '' };
          reply('250 ok');
        } else if (verb === 'QUIT') {
          reply('221 bye');
          socket.end();
          return;
        } else reply('250 ok');
      }
    });
    socket.on('error', () => {});
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('no port');
  return { server, port: address.port, received };
}

interface OutboxItem { id: string; to: string; subject: string; text: string; html: string | null; createdAt: string; sentAt: string | null; error: string | null }

for (const dialect of DIALECTS) {
  describe(`development outbox (${dialect})`, () => {
    let testApp: TestApp;
    let org: Awaited<ReturnType<typeof issuingOrganisation>>;
    let clock = new Date('2026-04-01T10:00:00.000Z');
    const outboxUrl = () => `/api/v1/organisations/${org.organisationId}/outbox`;

    beforeAll(async () => {
      testApp = await createTestApp(dialect, { now: () => clock });
      org = await issuingOrganisation(testApp);
      for (const [i, email] of ['first@example.org', 'second@example.org', 'third@example.org'].entries()) {
        clock = new Date(clock.getTime() + 60_000 * (i + 1));
        const response = await org.owner.request('POST', `/api/v1/organisations/${org.organisationId}/credentials`, { achievementId: org.achievementId, recipient: { email, name: i === 0 ? '<b>First</b> & co' : 'Someone' } });
        expect(response.statusCode).toBe(201);
      }
      const did = await org.owner.request('POST', `/api/v1/organisations/${org.organisationId}/credentials`, { achievementId: org.achievementId, recipient: { did: 'did:web:learner.example' } });
      expect(did.statusCode).toBe(201);
    });
    afterAll(async () => {
      await testApp?.close();
    });

    it('keeps one claim e-mail per e-mail recipient, newest first, plain text and escaped HTML, without tracking', async () => {
      const response = await org.owner.request('GET', outboxUrl());
      expect(response.statusCode).toBe(200);
      const { items } = response.json() as { items: OutboxItem[] };
      expect(items.map((item) => item.to)).toEqual(['third@example.org', 'second@example.org', 'first@example.org']);
      const first = items[2]!;
      expect(first).toMatchObject({ sentAt: null, error: null, subject: 'Your credential from University of Testing: Data Literacy Essentials' });
      expect(first.text).toContain('Hello <b>First</b> & co,');
      expect(first.text).toMatch(/https:\/\/issuer\.test\/claim\/[A-Za-z0-9_-]{43}\n/);
      expect(first.html).toContain('Hello &lt;b&gt;First&lt;/b&gt; &amp; co,');
      expect(first.html).not.toMatch(/<img|<script/i);
      // Each link is different: a token per credential.
      expect(new Set(items.map((item) => /claim\/(\S+)/.exec(item.text)?.[1])).size).toBe(3);
    });

    it('pages with limit and before', async () => {
      const page = (await org.owner.request('GET', `${outboxUrl()}?limit=2`)).json() as { items: OutboxItem[] };
      expect(page.items.map((item) => item.to)).toEqual(['third@example.org', 'second@example.org']);
      const rest = (await org.owner.request('GET', `${outboxUrl()}?limit=2&before=${encodeURIComponent(page.items[1]!.createdAt)}`)).json() as { items: OutboxItem[] };
      expect(rest.items.map((item) => item.to)).toEqual(['first@example.org']);
      expect((await org.owner.request('GET', `${outboxUrl()}?limit=0`)).statusCode).toBe(400);
    });

    it('is for owners and admins of the organisation only', async () => {
      for (const role of ['admin', 'issuer', 'viewer'] as const) {
        const email = `${role}@uni.test`;
        await inviteMember(testApp.app, org.owner, org.organisationId, { email, role, password: 'member-password-1' });
        const member: Session = await login(testApp.app, email, 'member-password-1');
        expect((await member.request('GET', outboxUrl())).statusCode, role).toBe(role === 'admin' ? 200 : 403);
      }
      const keys = await org.owner.request('POST', `/api/v1/organisations/${org.organisationId}/api-keys`, { name: 'all', scopes: ['issue', 'status', 'read'] });
      expect((await testApp.app.inject({ method: 'GET', url: outboxUrl(), headers: bearer((keys.json() as { key: string }).key) })).statusCode).toBe(403);
      const other = await createOrganisation(testApp, 'Other College', 'owner@other.test');
      const stranger = await other.owner.request('GET', outboxUrl());
      expect(stranger.statusCode).toBe(404);
      expect(stranger.body).not.toContain('first@example.org');
      expect((await testApp.app.inject({ method: 'GET', url: outboxUrl(), headers: bearer(other.apiKey) })).statusCode).toBe(404);
      expect((await testApp.app.inject({ method: 'GET', url: outboxUrl() })).statusCode).toBe(401);
      // The other organisation's outbox holds none of these messages.
      expect(((await other.owner.request('GET', `/api/v1/organisations/${other.organisationId}/outbox`)).json() as { items: unknown[] }).items).toEqual([]);
    });
  });

  describe(`claim e-mails over SMTP (${dialect})`, () => {
    let smtp: Awaited<ReturnType<typeof startSmtpServer>>;
    let testApp: TestApp;
    let org: Awaited<ReturnType<typeof issuingOrganisation>>;

    beforeAll(async () => {
      smtp = await startSmtpServer();
      testApp = await createTestApp(dialect, { env: { SMTP_URL: `smtp://127.0.0.1:${smtp.port}`, MAIL_FROM: 'Uni <no-reply@uni.test>' } });
      org = await issuingOrganisation(testApp);
    });
    afterAll(async () => {
      testApp?.runtime.services.mail.close();
      await testApp?.close();
      await new Promise((resolve) => smtp?.server.close(resolve));
    });

    it('delivers the claim e-mail through nodemailer once the issue has committed, and records it as sent', async () => {
      expect(testApp.runtime.services.mail.mode).toBe('smtp');
      const response = await org.owner.request('POST', `/api/v1/organisations/${org.organisationId}/credentials`, { achievementId: org.achievementId, recipient: { email: 'learner@example.org', name: 'Lea Learner' } });
      expect(response.statusCode).toBe(201);
      await testApp.runtime.services.mail.settled();
      expect(smtp.received).toHaveLength(1);
      const message = smtp.received[0]!;
      expect(message.from).toBe('no-reply@uni.test');
      expect(message.to).toEqual(['learner@example.org']);
      expect(message.data.replace(/\r\n[ \t]+/g, ' ')).toMatch(/^Subject: Your credential from University of Testing: Data Literacy Essentials/m);
      expect(message.data).toContain('multipart/alternative');
      const unfolded = message.data.replace(/=\r\n/g, '');
      const token = /https:\/\/issuer\.test\/claim\/([A-Za-z0-9_-]{43})/.exec(unfolded)?.[1];
      expect(token).toBeDefined();
      const { items } = (await org.owner.request('GET', `/api/v1/organisations/${org.organisationId}/outbox`)).json() as { items: OutboxItem[] };
      expect(items).toHaveLength(1);
      expect(items[0]!.sentAt).not.toBeNull();
      expect(items[0]!.error).toBeNull();
      expect(items[0]!.text).toContain(token!);
    });

    it('sends the claim e-mail as multipart/alternative: the same words in plain text and in HTML with a button, the issuer\'s name and logo', async () => {
      const logo = 'https://uni.test/logo.png';
      expect((await org.owner.request('PATCH', `/api/v1/issuers/${org.issuerId}`, { image: logo })).statusCode).toBe(200);
      const before = smtp.received.length;
      const response = await org.owner.request('POST', `/api/v1/organisations/${org.organisationId}/credentials`, { achievementId: org.achievementId, recipient: { email: 'mime@example.org', name: 'Mía <Müller>' } });
      expect(response.statusCode).toBe(201);
      await testApp.runtime.services.mail.settled();
      const message = parseMime(smtp.received.slice(before).find((m) => m.to[0] === 'mime@example.org')!.data);
      expect(message.headers['content-type']).toMatch(/^multipart\/alternative;/);
      expect(message.parts.map((part) => part.headers['content-type']!.split(';')[0])).toEqual(['text/plain', 'text/html']);
      // SMTP carries lines ending in CRLF.
      const [text, html] = message.parts.map((part) => part.body.replace(/\r\n/g, '\n')) as [string, string];
      const claimUrl = /https:\/\/issuer\.test\/claim\/[A-Za-z0-9_-]{43}/.exec(text)![0];
      expect(text).toContain('Hello Mía <Müller>,');
      expect(text).toContain('University of Testing has issued you the credential "Data Literacy Essentials".');
      expect(text).toContain(`Claim your credential:\n${claimUrl}`);
      expect(text).not.toMatch(/<\/?(p|a|strong|table|html)\b/);
      // The button is a link to the same address; the names are escaped; the logo is the issuer's own.
      expect(html).toMatch(new RegExp(`<a href="${claimUrl}"[^>]*>Claim your credential</a>`));
      expect(html).toContain('Hello Mía &lt;Müller&gt;,');
      expect(html).toContain(`<img src="${logo}" alt="University of Testing"`);
      expect(html).toContain('<strong>Data Literacy Essentials</strong>');
      expect(html).not.toMatch(/<script|Mía <Müller>/);
    });

    it('records a refused recipient with the SMTP code and keeps the credential', async () => {
      const response = await org.owner.request('POST', `/api/v1/organisations/${org.organisationId}/credentials`, { achievementId: org.achievementId, recipient: { email: 'reject@example.org' } });
      expect(response.statusCode).toBe(201);
      await testApp.runtime.services.mail.settled();
      const { items } = (await org.owner.request('GET', `/api/v1/organisations/${org.organisationId}/outbox`)).json() as { items: OutboxItem[] };
      const refused = items.find((item) => item.to === 'reject@example.org')!;
      expect(refused).toMatchObject({ sentAt: null, error: 'delivery failed (550)' });
      expect(smtp.received.map((message) => message.to)).not.toContainEqual(['reject@example.org']);
      expect((await org.owner.request('GET', `/api/v1/credentials/${(response.json() as { id: string }).id}`)).statusCode).toBe(200);
    });

    it('delivers messages that a batch queued, once it has committed, exactly once', async () => {
      const { credentials, mail } = testApp.runtime.services;
      const owner = { kind: 'user' as const, userId: org.owner.userId };
      const batch = await credentials.prepareBatch(owner, org.organisationId, org.achievementId);
      const before = smtp.received.length;
      await testApp.runtime.ctx.db.transaction().execute((trx) => batch.issueMany(trx, ['b1@example.org', 'b2@example.org', 'b3@example.org'].map((email) => ({ input: { achievementId: org.achievementId, recipient: { email } } }))));
      mail.kick();
      mail.kick();
      await mail.settled();
      expect(await mail.deliverPending()).toBe(0);
      expect(smtp.received.slice(before).map((message) => message.to[0]).sort()).toEqual(['b1@example.org', 'b2@example.org', 'b3@example.org']);
    });

    it('takes over a message whose sender died mid-send once its claim is stale, and leaves a fresh claim alone', async () => {
      const { mail } = testApp.runtime.services;
      const { ctx } = testApp.runtime;
      const at = (ms: number) => new Date(ctx.now().getTime() - ms).toISOString();
      const row = (id: string, to: string, error: string) => ({
        id, organisation_id: org.organisationId, to_address: to, subject: 'Your credential', text_body: 'Claim it', html_body: null,
        created_at: at(60 * 60_000), sent_at: null, error,
      });
      await ctx.db.insertInto('outbox').values([
        row('00000000-0000-4000-8000-00000000dead', 'stale@example.org', `sending since ${at(30 * 60_000)}`),
        row('00000000-0000-4000-8000-00000000b057', 'busy@example.org', `sending since ${at(60_000)}`),
      ]).execute();
      const before = smtp.received.length;
      expect(await mail.deliverPending()).toBe(1);
      expect(smtp.received.slice(before).map((message) => message.to[0])).toEqual(['stale@example.org']);
      const rows = await ctx.db.selectFrom('outbox').select(['to_address', 'sent_at', 'error']).where('to_address', 'in', ['stale@example.org', 'busy@example.org']).orderBy('to_address').execute();
      expect(rows[0]).toMatchObject({ to_address: 'busy@example.org', sent_at: null });
      expect(rows[0]!.error).toMatch(/^sending since /);
      expect(rows[1]).toMatchObject({ to_address: 'stale@example.org', error: null });
      expect(rows[1]!.sent_at).not.toBeNull();
    });
  });
}
