/**
 * RPL by assessment over HTTP on every dialect: a learner opens a case against an achievement,
 * adds evidence per learning outcome (https links, narratives) and submits; the assessors' queue;
 * review per outcome (feedback required to reject); an awarded case issues the credential with the
 * evidence referenced and it lands in the wallet; a failed one carries the feedback. Roles, another
 * learner and another organisation get nothing.
 */
import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as vc from '@digitalbazaar/vc';
import { DataIntegrityProof } from '@digitalbazaar/data-integrity';
import { cryptosuite as eddsaRdfc2022Cryptosuite } from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import { loadConfig } from '../../src/config.ts';
import { CONTEXTS } from '../../src/vc/contexts/index.ts';
import type { JsonObject } from '../../src/vc/types.ts';
import { referenceDocumentLoader } from '../support/reference.ts';
import { buildApp } from '../../src/http/app.ts';
import { openRuntime } from '../../src/runtime.ts';
import { bearer, createOrganisation, createTestApp, login, signUpAndSignIn, TEST_PUBLIC_URL, type Session, inviteMember, type TestApp } from '../support/app.ts';
import { DIALECTS, warnIfPostgresSkipped } from '../support/db.ts';
import { issuingOrganisation } from './credentials-fixture.ts';
import { expectOb3Conformant } from '../support/ob3-conformance.ts';

warnIfPostgresSkipped();

/** multipart/form-data by hand, as a browser's form would send it. */
function multipart(parts: { name: string; value: string | Uint8Array; filename?: string; type?: string }[]) {
  const boundary = `----microcred${Math.random().toString(16).slice(2)}`;
  const chunks: Buffer[] = [];
  for (const part of parts) {
    chunks.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${part.name}"${part.filename ? `; filename="${part.filename}"` : ''}\r\n${part.type ? `Content-Type: ${part.type}\r\n` : ''}\r\n`));
    chunks.push(Buffer.from(part.value));
    chunks.push(Buffer.from('\r\n'));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { payload: Buffer.concat(chunks), headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

const PDF = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n');
const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]);

interface CaseBody {
  id: string;
  status: string;
  outcomes: { id: string; statement: string; status: string; evidence: unknown[] }[];
  decision?: { result: string; feedback: string[] };
  issuedCredentialId: string | null;
}

for (const dialect of DIALECTS) {
  describe(`RPL by assessment over HTTP (${dialect})`, () => {
    let t: TestApp;
    let org: Awaited<ReturnType<typeof issuingOrganisation>>;
    let other: Awaited<ReturnType<typeof createOrganisation>>;
    let assessor: Session;
    let issuerMember: Session;
    let ana: Session;
    let bob: Session;
    let anaCase: string;
    let bobCase: string;
    const orgUrl = (path: string) => `/api/v1/organisations/${org.organisationId}/${path}`;

    beforeAll(async () => {
      // A clock that moves a second per reading: evidence added after a review is later than it.
      let tick = 0;
      t = await createTestApp(dialect, { now: () => new Date(Date.parse('2026-09-01T10:00:00.000Z') + 1000 * tick++) });
      org = await issuingOrganisation(t);
      other = await createOrganisation(t, 'Other College', 'owner@other.test');
      for (const [email, role] of [['assessor@uni.test', 'assessor'], ['issuer@uni.test', 'issuer']] as const) {
        expect((await inviteMember(t.app, org.owner, org.organisationId, { email, role, password: 'member-password-1' })).statusCode).toBe(200);
      }
      assessor = await login(t.app, 'assessor@uni.test', 'member-password-1');
      issuerMember = await login(t.app, 'issuer@uni.test', 'member-password-1');
      const signup = async (email: string) => {
        const response = await signUpAndSignIn(t.app, { email, password: 'learner-password-1' });
        expect(response.statusCode, response.body).toBe(200);
        return login(t.app, email, 'learner-password-1');
      };
      ana = await signup('ana@learner.test');
      bob = await signup('bob@learner.test');
      const welcome = await t.runtime.store.db.selectFrom('outbox').select('text_body').where('to_address', '=', 'ana@learner.test').executeTakeFirstOrThrow();
      const token = /\/confirm-email\/([A-Za-z0-9_-]+)/.exec(welcome.text_body)![1];
      expect((await t.app.inject({ method: 'POST', url: '/api/v1/auth/confirm-email', payload: { token } })).statusCode).toBe(200);
    });
    afterAll(async () => {
      await t?.close();
    });

    it('a learner opens a case, one entry per learning outcome, and adds evidence', async () => {
      expect((await t.app.inject({ method: 'POST', url: '/api/v1/wallet/rpl-cases', payload: { achievementId: org.achievementId } })).statusCode).toBe(401);
      expect((await ana.request('POST', '/api/v1/wallet/rpl-cases', { achievementId: '00000000-0000-4000-8000-000000000000' })).statusCode).toBe(404);
      const opened = await ana.request('POST', '/api/v1/wallet/rpl-cases', { achievementId: org.achievementId });
      expect(opened.statusCode, opened.body).toBe(201);
      const body = opened.json() as CaseBody;
      anaCase = body.id;
      expect(body.status).toBe('draft');
      expect(body.outcomes.map((o) => o.statement)).toEqual(['Clean a tabular data set', 'Choose and draw a suitable chart']);

      const [first, second] = body.outcomes.map((o) => o.id) as [string, string];
      expect((await ana.request('POST', `/api/v1/wallet/rpl-cases/${anaCase}/submission`)).statusCode).toBe(422);
      expect((await ana.request('POST', `/api/v1/wallet/rpl-cases/${anaCase}/evidence`, { outcomeId: first, evidence: { kind: 'link', url: 'javascript:alert(1)' } })).statusCode).toBe(422);
      expect((await ana.request('POST', `/api/v1/wallet/rpl-cases/${anaCase}/evidence`, { outcomeId: 'nope', evidence: { kind: 'narrative', text: 'x' } })).statusCode).toBe(422);
      expect((await bob.request('POST', `/api/v1/wallet/rpl-cases/${anaCase}/evidence`, { outcomeId: first, evidence: { kind: 'narrative', text: 'x' } })).statusCode).toBe(404);
      const link = await ana.request('POST', `/api/v1/wallet/rpl-cases/${anaCase}/evidence`, { outcomeId: first, evidence: { kind: 'link', url: 'https://portfolio.example/cleaning', title: 'Cleaning notebook' } });
      expect(link.statusCode, link.body).toBe(200);
      const story = await ana.request('POST', `/api/v1/wallet/rpl-cases/${anaCase}/evidence`, { outcomeId: second, evidence: { kind: 'narrative', text: 'I built the monthly sales dashboard at work.' } });
      expect(story.statusCode, story.body).toBe(200);
      expect((await bob.request('POST', `/api/v1/wallet/rpl-cases/${anaCase}/submission`)).statusCode).toBe(404);
      const submitted = await ana.request('POST', `/api/v1/wallet/rpl-cases/${anaCase}/submission`);
      expect(submitted.statusCode, submitted.body).toBe(200);
      expect((submitted.json() as CaseBody).status).toBe('submitted');
      expect((await ana.request('POST', `/api/v1/wallet/rpl-cases/${anaCase}/evidence`, { outcomeId: first, evidence: { kind: 'narrative', text: 'late' } })).statusCode).toBe(409);
      expect(((await bob.request('GET', '/api/v1/wallet/rpl-cases')).json() as { items: unknown[] }).items).toEqual([]);
    });

    it('the assessors see the queue; an issuer may not, another organisation learns nothing', async () => {
      const queue = await assessor.request('GET', orgUrl('rpl-cases'));
      expect(queue.statusCode).toBe(200);
      expect((queue.json() as { items: CaseBody[] }).items.map((c) => c.id)).toEqual([anaCase]);
      expect((await issuerMember.request('GET', orgUrl('rpl-cases'))).statusCode).toBe(403);
      expect((await other.owner.request('GET', orgUrl('rpl-cases'))).statusCode).toBe(404);
      expect((await other.owner.request('POST', `/api/v1/organisations/${other.organisationId}/rpl-cases/${anaCase}/decision`, {})).statusCode).toBe(404);
    });

    it('the learner and the assessors see the case in detail; nobody else does', async () => {
      const mine = await ana.request('GET', `/api/v1/wallet/rpl-cases/${anaCase}`);
      expect(mine.statusCode, mine.body).toBe(200);
      expect((mine.json() as CaseBody).status).toBe('submitted');
      expect((await bob.request('GET', `/api/v1/wallet/rpl-cases/${anaCase}`)).statusCode).toBe(404);
      const detail = await assessor.request('GET', orgUrl(`rpl-cases/${anaCase}`));
      expect(detail.statusCode, detail.body).toBe(200);
      expect(detail.json()).toMatchObject({ id: anaCase, learner: { email: 'ana@learner.test' } });
      expect((await issuerMember.request('GET', orgUrl(`rpl-cases/${anaCase}`))).statusCode).toBe(403);
      expect((await other.owner.request('GET', orgUrl(`rpl-cases/${anaCase}`))).statusCode).toBe(404);
      expect((await other.owner.request('GET', `/api/v1/organisations/${other.organisationId}/rpl-cases/${anaCase}`)).statusCode).toBe(404);
    });

    it('review per outcome, then an awarded case issues the credential with the evidence, into the wallet', async () => {
      const [first, second] = ((await ana.request('GET', '/api/v1/wallet/rpl-cases')).json() as { items: CaseBody[] }).items[0]!.outcomes.map((o) => o.id) as [string, string];
      expect((await assessor.request('POST', orgUrl(`rpl-cases/${anaCase}/reviews`), { outcomeId: first, action: 'reject' })).statusCode).toBe(422);
      expect((await assessor.request('POST', orgUrl(`rpl-cases/${anaCase}/reviews`), { outcomeId: first, action: 'accept' })).statusCode).toBe(200);
      expect((await assessor.request('POST', orgUrl(`rpl-cases/${anaCase}/decision`), {})).statusCode).toBe(409);
      expect((await assessor.request('POST', orgUrl(`rpl-cases/${anaCase}/reviews`), { outcomeId: second, action: 'accept' })).statusCode).toBe(200);
      const decided = await assessor.request('POST', orgUrl(`rpl-cases/${anaCase}/decision`), {});
      expect(decided.statusCode, decided.body).toBe(200);
      const body = decided.json() as CaseBody;
      expect(body.status).toBe('awarded');
      expect(body.issuedCredentialId).toBeTruthy();
      const credential = await org.owner.request('GET', `/api/v1/credentials/${body.issuedCredentialId}`);
      const document = JSON.stringify((credential.json() as { document: unknown }).document);
      // The RPL award conforms to the official OB 3.0 schema (one status entry) and the EU extension schema.
      expectOb3Conformant((credential.json() as { document: JsonObject }).document, TEST_PUBLIC_URL);
      expect(document).toContain('https://portfolio.example/cleaning');
      expect(document).toContain('I built the monthly sales dashboard at work.');
      const wallet = (await ana.request('GET', '/api/v1/wallet/credentials')).json() as { items: { name: string; status: string }[] };
      expect(wallet.items).toMatchObject([{ name: 'Data Literacy Essentials', status: 'verified' }]);
      const actions = (await t.runtime.store.db.selectFrom('audit_log').select('action').where('target_id', '=', anaCase).orderBy('at').execute()).map((e) => e.action);
      expect(actions).toEqual(['rpl.open', 'rpl.add-evidence', 'rpl.add-evidence', 'rpl.submit', 'rpl.review', 'rpl.review', 'rpl.decide']);
    });

    it('a case not awarded carries the feedback and issues nothing', async () => {
      bobCase = ((await bob.request('POST', '/api/v1/wallet/rpl-cases', { achievementId: org.achievementId })).json() as CaseBody).id;
      const outcomes = ((await bob.request('GET', '/api/v1/wallet/rpl-cases')).json() as { items: CaseBody[] }).items[0]!.outcomes.map((o) => o.id);
      for (const outcomeId of outcomes) {
        expect((await bob.request('POST', `/api/v1/wallet/rpl-cases/${bobCase}/evidence`, { outcomeId, evidence: { kind: 'narrative', text: 'I once saw a chart.' } })).statusCode).toBe(200);
      }
      expect((await bob.request('POST', `/api/v1/wallet/rpl-cases/${bobCase}/submission`)).statusCode).toBe(200);
      expect((await assessor.request('POST', orgUrl(`rpl-cases/${bobCase}/reviews`), { outcomeId: outcomes[0], action: 'reject', feedback: 'No cleaning work shown.' })).statusCode).toBe(200);
      expect((await assessor.request('POST', orgUrl(`rpl-cases/${bobCase}/reviews`), { outcomeId: outcomes[1], action: 'accept' })).statusCode).toBe(200);
      const decided = (await assessor.request('POST', orgUrl(`rpl-cases/${bobCase}/decision`), {})).json() as CaseBody;
      expect(decided.status).toBe('not-awarded');
      expect(decided.issuedCredentialId).toBeNull();
      expect(decided.decision?.feedback.join(' ')).toContain('No cleaning work shown.');
      const told = await t.runtime.store.db.selectFrom('outbox').select(['to_address', 'text_body']).where('subject', '=', 'Prior learning decided: Data Literacy Essentials').execute();
      expect(told.map((mail) => mail.to_address)).toEqual(['bob@learner.test']);
      expect(told[0]!.text_body).toContain(`https://issuer.test/wallet/rpl/${bobCase}`);
      expect(told[0]!.text_body).not.toContain('No cleaning work shown.');
      const mine = ((await bob.request('GET', '/api/v1/wallet/rpl-cases')).json() as { items: CaseBody[] }).items;
      expect(mine[0]!.decision?.result).toBe('not-awarded');
    });

    it('learners see the achievements open to RPL with the outcomes a case will hold', async () => {
      const list = await bob.request('GET', '/api/v1/rpl/achievements');
      expect(list.statusCode, list.body).toBe(200);
      const items = (list.json() as { items: { achievementId: string; name: string; organisationName: string; outcomes: { id: string; statement: string }[] }[] }).items;
      expect(items.find((item) => item.achievementId === org.achievementId)).toEqual({
        achievementId: org.achievementId, name: 'Data Literacy Essentials', organisationId: org.organisationId, organisationName: expect.any(String),
        outcomes: [{ id: 'lo-1', statement: 'Clean a tabular data set' }, { id: 'lo-2', statement: 'Choose and draw a suitable chart' }],
      });
      expect((await t.app.inject({ method: 'GET', url: '/api/v1/rpl/achievements' })).statusCode).toBe(401);
      expect((await t.app.inject({ method: 'GET', url: '/api/v1/rpl/achievements', headers: bearer(other.apiKey) })).statusCode).toBe(403);
    });

    it('asked for more, the learner adds evidence and submits again; the assessor then decides', async () => {
      const opened = (await bob.request('POST', '/api/v1/wallet/rpl-cases', { achievementId: org.achievementId })).json() as CaseBody;
      const [first, second] = opened.outcomes.map((o) => o.id) as [string, string];
      for (const outcomeId of [first, second]) {
        expect((await bob.request('POST', `/api/v1/wallet/rpl-cases/${opened.id}/evidence`, { outcomeId, evidence: { kind: 'narrative', text: 'My work.' } })).statusCode).toBe(200);
      }
      expect((await bob.request('POST', `/api/v1/wallet/rpl-cases/${opened.id}/submission`)).statusCode).toBe(200);
      expect((await assessor.request('POST', orgUrl(`rpl-cases/${opened.id}/reviews`), { outcomeId: first, action: 'request-more', feedback: 'Show a cleaned file.' })).statusCode).toBe(200);
      expect((await assessor.request('POST', orgUrl(`rpl-cases/${opened.id}/reviews`), { outcomeId: second, action: 'accept' })).statusCode).toBe(200);
      const asked = await t.runtime.store.db.selectFrom('outbox').select(['subject', 'text_body']).where('to_address', '=', 'bob@learner.test').where('subject', 'like', 'More evidence asked%').execute();
      expect(asked).toHaveLength(1);
      expect(asked[0]!.subject).toBe('More evidence asked: Data Literacy Essentials');
      expect(asked[0]!.text_body).toContain(`https://issuer.test/wallet/rpl/${opened.id}`);
      expect(asked[0]!.text_body).toContain('Clean a tabular data set');
      expect(asked[0]!.text_body).not.toContain('Show a cleaned file.');
      // Nothing new yet: resubmitting is refused in words.
      expect((await bob.request('POST', `/api/v1/wallet/rpl-cases/${opened.id}/submission`)).statusCode).toBe(422);
      // Evidence on the accepted outcome is refused; on the one asked for more it is taken.
      expect((await bob.request('POST', `/api/v1/wallet/rpl-cases/${opened.id}/evidence`, { outcomeId: second, evidence: { kind: 'narrative', text: 'More' } })).statusCode).toBe(409);
      const added = await bob.request('POST', `/api/v1/wallet/rpl-cases/${opened.id}/evidence`, { outcomeId: first, evidence: { kind: 'link', url: 'https://portfolio.example/cleaned.csv' } });
      expect(added.statusCode, added.body).toBe(200);
      const again = await bob.request('POST', `/api/v1/wallet/rpl-cases/${opened.id}/submission`);
      expect(again.statusCode, again.body).toBe(200);
      expect((again.json() as CaseBody).outcomes.map((o) => o.status)).toEqual(['submitted', 'accepted']);
      expect((await assessor.request('POST', orgUrl(`rpl-cases/${opened.id}/reviews`), { outcomeId: first, action: 'accept' })).statusCode).toBe(200);
      const decided = await assessor.request('POST', orgUrl(`rpl-cases/${opened.id}/decision`), {});
      expect(decided.statusCode, decided.body).toBe(200);
      expect((decided.json() as CaseBody).status).toBe('awarded');
      const mails = await t.runtime.store.db.selectFrom('outbox').select(['to_address', 'subject', 'text_body', 'organisation_id']).where('text_body', 'like', `%/wallet/rpl/${opened.id}%`).orderBy('created_at').execute();
      expect(mails.map((mail) => [mail.to_address, mail.subject, mail.organisation_id])).toEqual([
        ['bob@learner.test', 'More evidence asked: Data Literacy Essentials', org.organisationId],
        ['bob@learner.test', 'Prior learning recognised: Data Literacy Essentials', org.organisationId],
      ]);
    });

    it('an award to a learner whose address is unconfirmed says where the credential really is: a claim e-mail, not the wallet', async () => {
      // Bob signed up and never confirmed: his confirmation e-mail is in the outbox.
      const confirmation = await t.runtime.store.db.selectFrom('outbox').select('text_body').where('to_address', '=', 'bob@learner.test').where('text_body', 'like', '%/confirm-email/%').execute();
      expect(confirmation).toHaveLength(1);
      const [bobCase] = ((await bob.request('GET', '/api/v1/wallet/rpl-cases')).json() as { items: CaseBody[] }).items.filter((c) => c.status === 'awarded');
      const mine = await bob.request('GET', `/api/v1/wallet/rpl-cases/${bobCase!.id}`);
      expect(mine.statusCode, mine.body).toBe(200);
      expect(mine.json().delivery).toEqual({ inWallet: false, sentTo: 'bob@learner.test', addressConfirmed: false });
      expect(((await bob.request('GET', '/api/v1/wallet/credentials')).json() as { items: unknown[] }).items).toEqual([]);
      // The claim e-mail that carries it went out to that address…
      const { claim_token_hash: hash } = await t.runtime.store.db.selectFrom('credentials').select('claim_token_hash').where('id', '=', bobCase!.issuedCredentialId!).executeTakeFirstOrThrow();
      expect(hash).toBeTruthy();
      const claims = await t.runtime.store.db.selectFrom('outbox').select('text_body').where('to_address', '=', 'bob@learner.test').where('text_body', 'like', '%/claim/%').execute();
      expect(claims).toHaveLength(1);
      // …and the decision e-mail says so, and what to do, instead of "in your wallet".
      const [decision] = await t.runtime.store.db.selectFrom('outbox').select('text_body').where('to_address', '=', 'bob@learner.test').where('subject', '=', 'Prior learning recognised: Data Literacy Essentials').execute();
      expect(decision!.text_body).not.toMatch(/(is|follows) in your wallet/);
      expect(decision!.text_body).toContain('The credential is not in your wallet yet: it is sent to bob@learner.test in a separate e-mail');
      expect(decision!.text_body).toContain('Open that link to add it to your wallet');
      // Ana confirmed her address: her award is in her wallet, and her case says which item it is.
      const anaView = (await ana.request('GET', `/api/v1/wallet/rpl-cases/${anaCase}`)).json();
      const [held] = ((await ana.request('GET', '/api/v1/wallet/credentials')).json() as { items: { id: string }[] }).items;
      expect(anaView.delivery).toEqual({ inWallet: true, walletItemId: held!.id });
      const [anaDecision] = await t.runtime.store.db.selectFrom('outbox').select('text_body').where('to_address', '=', 'ana@learner.test').where('subject', '=', 'Prior learning recognised: Data Literacy Essentials').execute();
      expect(anaDecision!.text_body).toContain('The credential is being added to your wallet.');
    });

    it('the learner removes evidence not yet seen and withdraws a case before the decision', async () => {
      const opened = (await bob.request('POST', '/api/v1/wallet/rpl-cases', { achievementId: org.achievementId })).json() as CaseBody;
      const outcomeId = opened.outcomes[0]!.id;
      const added = (await bob.request('POST', `/api/v1/wallet/rpl-cases/${opened.id}/evidence`, { outcomeId, evidence: { kind: 'narrative', text: 'Draft text' } })).json() as CaseBody;
      const evidenceId = (added.outcomes[0]!.evidence[0] as { id: string }).id;
      expect((await ana.request('DELETE', `/api/v1/wallet/rpl-cases/${opened.id}/evidence/${evidenceId}`)).statusCode).toBe(404);
      expect((await bob.request('DELETE', `/api/v1/wallet/rpl-cases/${opened.id}/evidence/nope`)).statusCode).toBe(404);
      const removed = await bob.request('DELETE', `/api/v1/wallet/rpl-cases/${opened.id}/evidence/${evidenceId}`);
      expect(removed.statusCode, removed.body).toBe(200);
      expect((removed.json() as CaseBody).outcomes[0]!.evidence).toEqual([]);
      expect((await ana.request('POST', `/api/v1/wallet/rpl-cases/${opened.id}/withdrawal`)).statusCode).toBe(404);
      const withdrawn = await bob.request('POST', `/api/v1/wallet/rpl-cases/${opened.id}/withdrawal`);
      expect(withdrawn.statusCode, withdrawn.body).toBe(200);
      expect((withdrawn.json() as CaseBody).status).toBe('withdrawn');
      expect((await bob.request('POST', `/api/v1/wallet/rpl-cases/${opened.id}/withdrawal`)).statusCode).toBe(409);
      expect((await bob.request('POST', `/api/v1/wallet/rpl-cases/${opened.id}/evidence`, { outcomeId, evidence: { kind: 'narrative', text: 'x' } })).statusCode).toBe(409);
      // A decided case cannot be withdrawn.
      expect((await ana.request('POST', `/api/v1/wallet/rpl-cases/${anaCase}/withdrawal`)).statusCode).toBe(409);
    });

    it('files as evidence: type read from the content, limits, downloads as attachments, referenced by the award, gone with the account', async () => {
      const signup = await signUpAndSignIn(t.app, { email: 'carol@learner.test', password: 'learner-password-1' });
      expect(signup.statusCode, signup.body).toBe(200);
      const carol = await login(t.app, 'carol@learner.test', 'learner-password-1');
      const upload = (session: Session | undefined, caseId: string, parts: Parameters<typeof multipart>[0]) => {
        const { payload, headers } = multipart(parts);
        return t.app.inject({ method: 'POST', url: `/api/v1/wallet/rpl-cases/${caseId}/evidence`, payload, headers: { ...headers, ...(session ? { cookie: session.cookie, 'x-csrf-token': session.csrfToken } : {}) } });
      };
      const opened = (await carol.request('POST', '/api/v1/wallet/rpl-cases', { achievementId: org.achievementId })).json() as CaseBody;
      const caseId = opened.id;
      const [first, second] = opened.outcomes.map((o) => o.id) as [string, string];

      // Refused: anonymous, another learner, no file, a binary that claims to be an image, an empty file, more than 5 MiB.
      expect((await upload(undefined, caseId, [{ name: 'outcomeId', value: first }, { name: 'file', value: PDF, filename: 'a.pdf' }])).statusCode).toBe(401);
      expect((await upload(bob, caseId, [{ name: 'outcomeId', value: first }, { name: 'file', value: PDF, filename: 'a.pdf' }])).statusCode).toBe(404);
      expect((await upload(carol, caseId, [{ name: 'outcomeId', value: first }])).statusCode).toBe(422);
      const disguised = await upload(carol, caseId, [{ name: 'outcomeId', value: first }, { name: 'file', value: Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 1, 2, 0xff]), filename: 'photo.png', type: 'image/png' }]);
      expect(disguised.statusCode, disguised.body).toBe(422);
      expect(JSON.stringify(disguised.json())).toContain('/file');
      expect((await upload(carol, caseId, [{ name: 'outcomeId', value: first }, { name: 'file', value: Buffer.alloc(0), filename: 'empty.txt' }])).statusCode).toBe(422);
      const huge = await upload(carol, caseId, [{ name: 'outcomeId', value: first }, { name: 'file', value: Buffer.alloc(5 * 1024 * 1024 + 1, 0x61), filename: 'big.txt' }]);
      expect(huge.statusCode, huge.body.slice(0, 200)).toBe(413);

      // Taken: a PDF named as something else and with a hostile name; a text file with a title.
      const pdf = await upload(carol, caseId, [{ name: 'outcomeId', value: first }, { name: 'file', value: PDF, filename: '../../Cleaning "report"<script>.txt', type: 'text/plain' }]);
      expect(pdf.statusCode, pdf.body).toBe(200);
      const pdfEntry = (pdf.json() as CaseBody).outcomes[0]!.evidence[0] as { kind: string; id: string; name: string; mediaType: string; sizeBytes: number; sha256: string };
      expect(pdfEntry).toMatchObject({ kind: 'file', mediaType: 'application/pdf', sizeBytes: PDF.length, sha256: createHash('sha256').update(PDF).digest('hex') });
      expect(pdfEntry.name).toMatch(/^[A-Za-z0-9 ._()-]+\.pdf$/);
      const text = await upload(carol, caseId, [{ name: 'outcomeId', value: second }, { name: 'title', value: 'How I chose the charts' }, { name: 'file', value: Buffer.from('Bar charts for categories; lines for time.\n'), filename: 'charts.txt' }]);
      expect(text.statusCode, text.body).toBe(200);
      const textEntry = (text.json() as CaseBody).outcomes[1]!.evidence[0] as { id: string; title: string; mediaType: string; name: string };
      expect(textEntry).toMatchObject({ title: 'How I chose the charts', mediaType: 'text/plain', name: 'charts.txt' });

      // Downloads: the learner and the organisation's assessors, as attachments that are never sniffed.
      const mine = await carol.request('GET', `/api/v1/wallet/rpl-cases/${caseId}/evidence/${pdfEntry.id}/file`);
      expect(mine.statusCode).toBe(200);
      expect(mine.rawPayload.equals(PDF)).toBe(true);
      expect(mine.headers['content-type']).toBe('application/pdf');
      expect(mine.headers['content-disposition']).toBe(`attachment; filename="${pdfEntry.name}"`);
      expect(mine.headers['x-content-type-options']).toBe('nosniff');
      const assessed = await assessor.request('GET', orgUrl(`rpl-cases/${caseId}/evidence/${textEntry.id}/file`));
      expect(assessed.statusCode).toBe(200);
      expect(assessed.body).toBe('Bar charts for categories; lines for time.\n');
      expect(assessed.headers['content-type']).toBe('text/plain; charset=utf-8');
      expect(assessed.headers['content-disposition']).toBe('attachment; filename="charts.txt"');
      expect((await bob.request('GET', `/api/v1/wallet/rpl-cases/${caseId}/evidence/${pdfEntry.id}/file`)).statusCode).toBe(404);
      expect((await issuerMember.request('GET', orgUrl(`rpl-cases/${caseId}/evidence/${pdfEntry.id}/file`))).statusCode).toBe(403);
      expect((await other.owner.request('GET', orgUrl(`rpl-cases/${caseId}/evidence/${pdfEntry.id}/file`))).statusCode).toBe(404);
      expect((await t.app.inject({ method: 'GET', url: orgUrl(`rpl-cases/${caseId}/evidence/${pdfEntry.id}/file`) })).statusCode).toBe(401);

      // Awarded: the credential references each file by the assessors' URL, with its digest.
      expect((await carol.request('POST', `/api/v1/wallet/rpl-cases/${caseId}/submission`)).statusCode).toBe(200);
      for (const outcomeId of [first, second]) expect((await assessor.request('POST', orgUrl(`rpl-cases/${caseId}/reviews`), { outcomeId, action: 'accept' })).statusCode).toBe(200);
      const decided = (await assessor.request('POST', orgUrl(`rpl-cases/${caseId}/decision`), {})).json() as CaseBody;
      expect(decided.status).toBe('awarded');
      const document = JSON.stringify(((await org.owner.request('GET', `/api/v1/credentials/${decided.issuedCredentialId}`)).json() as { document: unknown }).document);
      expect(document).toContain(`https://issuer.test${orgUrl(`rpl-cases/${caseId}/evidence/${pdfEntry.id}/file`)}`);
      expect(document).toContain(pdfEntry.sha256);
      expect(document).toContain('How I chose the charts');
      // The award, with its file evidence, verifies with the independent reference library.
      const published = (await t.app.inject(`/credentials/${decided.issuedCredentialId}`)).json() as JsonObject;
      const didDocument = (await t.app.inject(`/issuers/${org.issuerId}/did.json`)).json() as JsonObject;
      const documentLoader = async (url: string) => {
        const [base, fragment] = url.split('#') as [string, string | undefined];
        if (base !== org.issuerDid) return referenceDocumentLoader(url);
        if (fragment === undefined) return { contextUrl: null, documentUrl: url, document: didDocument };
        const method = (didDocument.verificationMethod as JsonObject[]).find((vm) => vm.id === url)!;
        return { contextUrl: null, documentUrl: url, document: { '@context': CONTEXTS.MULTIKEY_V1, ...method } };
      };
      const suite = new DataIntegrityProof({ cryptosuite: eddsaRdfc2022Cryptosuite });
      const reference = await vc.verifyCredential({ credential: published, suite, documentLoader, checkStatus: async () => ({ verified: true }), now: new Date('2026-09-02T00:00:00Z') });
      expect(reference.error, JSON.stringify(reference.error)).toBeUndefined();
      expect(reference.verified).toBe(true);
      const swapped = structuredClone(published);
      ((swapped.evidence as JsonObject[]).find((entry) => String(entry.id).endsWith(`${pdfEntry.id}/file`)) as JsonObject).narrative = 'another file';
      expect((await vc.verifyCredential({ credential: swapped, suite, documentLoader, checkStatus: async () => ({ verified: true }), now: new Date('2026-09-02T00:00:00Z') })).verified).toBe(false);

      // At most 20 files per case; a removed file goes with its evidence entry.
      const draft = (await carol.request('POST', '/api/v1/wallet/rpl-cases', { achievementId: org.achievementId })).json() as CaseBody;
      let lastId = '';
      for (let i = 0; i < 20; i++) {
        const response = await upload(carol, draft.id, [{ name: 'outcomeId', value: i % 2 ? second : first }, { name: 'file', value: PNG, filename: `shot-${i}.png` }]);
        expect(response.statusCode, response.body).toBe(200);
        lastId = ((response.json() as CaseBody).outcomes[i % 2]!.evidence.at(-1) as { id: string }).id;
      }
      const tooMany = await upload(carol, draft.id, [{ name: 'outcomeId', value: first }, { name: 'file', value: PNG, filename: 'one-more.png' }]);
      expect(tooMany.statusCode, tooMany.body).toBe(422);
      expect((await carol.request('DELETE', `/api/v1/wallet/rpl-cases/${draft.id}/evidence/${lastId}`)).statusCode).toBe(200);
      expect((await carol.request('GET', `/api/v1/wallet/rpl-cases/${draft.id}/evidence/${lastId}/file`)).statusCode).toBe(404);
      expect((await upload(carol, draft.id, [{ name: 'outcomeId', value: second }, { name: 'file', value: PNG, filename: 'again.png' }])).statusCode).toBe(200);
      const db = t.runtime.store.db;
      expect((await db.selectFrom('rpl_files').select('id').where('user_id', '=', carol.userId).execute()).length).toBe(22);
      const audit = await db.selectFrom('audit_log').select('details').where('target_id', '=', caseId).execute();
      expect(JSON.stringify(audit)).not.toContain('carol@');

      // Deleting the account deletes her cases and their files.
      const deleted = await carol.request('DELETE', '/api/v1/me', { password: 'learner-password-1' });
      expect(deleted.statusCode, deleted.body).toBe(204);
      expect(await db.selectFrom('rpl_files').select('id').where('user_id', '=', carol.userId).execute()).toEqual([]);
      expect(await db.selectFrom('rpl_cases').select('id').where('user_id', '=', carol.userId).execute()).toEqual([]);
    });
  });
}

/**
 * A node opened with another master key than the one that sealed the issuer keys (a real
 * misconfiguration) cannot sign: the award it records stays, and a correctly configured node issues.
 */
async function openNodeWithKey(first: TestApp, masterKey: string, now: () => Date) {
  const config = loadConfig({
    MICROCRED_DATA: first.database.dataDir, PUBLIC_URL: TEST_PUBLIC_URL, LOG_LEVEL: 'silent', JOB_WORKERS: '0', MICROCRED_MASTER_KEY: masterKey,
    ...(first.database.databaseUrl ? { DATABASE_URL: first.database.databaseUrl } : {}),
  });
  const warnings: Record<string, unknown>[] = [];
  const runtime = await openRuntime(config, { now, fetcher: () => Promise.reject(new Error('tests do not reach the network')) });
  const log = runtime.ctx.log;
  runtime.ctx.log = { ...log, warn: (fields, message) => { warnings.push({ ...fields, message }); log.warn(fields, message); } };
  const app = await buildApp({ runtime, logger: false, webRoot: '/nonexistent' });
  return { app, warnings, async close() { await app.close(); await runtime.close(); } };
}

for (const dialect of DIALECTS) {
  describe(`RPL award whose issuing fails, retried (${dialect})`, () => {
    let t: TestApp;
    let node: Awaited<ReturnType<typeof openNodeWithKey>>;
    afterAll(async () => {
      await node?.close();
      await t?.close();
    });

    it('keeps the decision when the credential cannot be signed, and the issuance route issues it later, once', async () => {
      let tick = 0;
      const now = () => new Date(Date.parse('2026-09-01T10:00:00.000Z') + 1000 * tick++);
      t = await createTestApp(dialect, { now });
      const org = await issuingOrganisation(t);
      const orgUrl = (path: string) => `/api/v1/organisations/${org.organisationId}/${path}`;
      expect((await inviteMember(t.app, org.owner, org.organisationId, { email: 'assessor@uni.test', role: 'assessor', password: 'member-password-1' })).statusCode).toBe(200);
      const assessor = await login(t.app, 'assessor@uni.test', 'member-password-1');
      const signup = await signUpAndSignIn(t.app, { email: 'dan@learner.test', password: 'learner-password-1' });
      expect(signup.statusCode).toBe(200);
      const dan = await login(t.app, 'dan@learner.test', 'learner-password-1');
      const opened = (await dan.request('POST', '/api/v1/wallet/rpl-cases', { achievementId: org.achievementId })).json() as CaseBody;
      for (const outcome of opened.outcomes) {
        expect((await dan.request('POST', `/api/v1/wallet/rpl-cases/${opened.id}/evidence`, { outcomeId: outcome.id, evidence: { kind: 'narrative', text: 'Done at work.' } })).statusCode).toBe(200);
      }
      expect((await dan.request('POST', `/api/v1/wallet/rpl-cases/${opened.id}/submission`)).statusCode).toBe(200);
      const issuance = (app = t.app) => app.inject({ method: 'POST', url: orgUrl(`rpl-cases/${opened.id}/issuance`), headers: { cookie: assessor.cookie, 'x-csrf-token': assessor.csrfToken } });
      expect((await issuance()).statusCode).toBe(409);
      for (const outcome of opened.outcomes) {
        expect((await assessor.request('POST', orgUrl(`rpl-cases/${opened.id}/reviews`), { outcomeId: outcome.id, action: 'accept' })).statusCode).toBe(200);
      }

      // The assessor decides on the misconfigured node: awarded, but nothing could be signed.
      node = await openNodeWithKey(t, randomBytes(32).toString('base64'), now);
      const decided = await node.app.inject({ method: 'POST', url: orgUrl(`rpl-cases/${opened.id}/decision`), headers: { cookie: assessor.cookie, 'x-csrf-token': assessor.csrfToken, 'content-type': 'application/json' }, payload: '{}' });
      expect(decided.statusCode, decided.body).toBe(200);
      expect(decided.json()).toMatchObject({ status: 'awarded', issuedCredentialId: null });
      expect(node.warnings).toEqual([expect.objectContaining({ caseId: opened.id })]);
      expect(JSON.stringify(node.warnings)).not.toContain('dan@');
      expect(await t.runtime.store.db.selectFrom('credentials').select('id').where('organisation_id', '=', org.organisationId).where('recipient_email', '=', 'dan@learner.test').execute()).toEqual([]);
      expect((await issuance(node.app)).statusCode).toBe(500);

      // A node with the right key issues it, once.
      const issued = await issuance();
      expect(issued.statusCode, issued.body).toBe(200);
      const credentialId = (issued.json() as CaseBody).issuedCredentialId;
      expect(credentialId).toBeTruthy();
      const document = JSON.stringify(((await org.owner.request('GET', `/api/v1/credentials/${credentialId}`)).json() as { document: unknown }).document);
      expect(document).toContain('Done at work.');
      expect((await issuance()).statusCode).toBe(409);
      expect((await dan.request('GET', `/api/v1/wallet/rpl-cases/${opened.id}`)).json()).toMatchObject({ status: 'awarded', issuedCredentialId: credentialId });
      const actions = (await t.runtime.store.db.selectFrom('audit_log').select('action').where('target_id', '=', opened.id).execute()).map((e) => e.action);
      expect(actions.filter((action) => action === 'rpl.issue')).toHaveLength(1);
    });
  });
}
