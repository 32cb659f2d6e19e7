/**
 * Recognition over HTTP on every dialect: the registrar defines a programme and recognition agreements,
 * checked by the engine (validateProgramme / validateAgreement); roles (registrar yes, issuer no),
 * another organisation sees nothing, bad definitions get a problem with pointers, and the audit log
 * holds ids only. A learner's request with the engine's proposal, the registrar's queue and decisions
 * (one item amended), and who may see what.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYSTEM } from '../../src/services/access.ts';
import { bearer, createOrganisation, createTestApp, login, setUpOrganisation, signUpAndSignIn, TEST_PUBLIC_URL, type Session, type SetUpOrganisation, inviteMember, type TestApp } from '../support/app.ts';
import type { JsonObject } from '../../src/vc/types.ts';
import { DIALECTS, warnIfPostgresSkipped } from '../support/db.ts';
import { issuingOrganisation } from './credentials-fixture.ts';
import { expectOb3Conformant } from '../support/ob3-conformance.ts';

warnIfPostgresSkipped();

const PROGRAMME = {
  name: 'MSc Data Science',
  totalCredits: 60,
  maxRecognisedCredits: 30,
  modules: [
    { id: 'ML1', name: 'Machine learning', credits: 10 },
    { id: 'STATS', name: 'Statistics', credits: 5 },
  ],
};

for (const dialect of DIALECTS) {
  describe(`recognition programmes and agreements over HTTP (${dialect})`, () => {
    let t: TestApp;
    let org: SetUpOrganisation;
    let registrar: Session;
    let issuerMember: Session;
    let other: Awaited<ReturnType<typeof createOrganisation>>;
    let programmeId: string;
    const url = (path: string) => `/api/v1/organisations/${org.organisationId}/${path}`;

    beforeAll(async () => {
      t = await createTestApp(dialect, { now: () => new Date('2026-09-01T10:00:00.000Z') });
      org = await setUpOrganisation(t.app);
      other = await createOrganisation(t, 'Other College', 'owner@other.test');
      for (const [email, role] of [['registrar@uni.test', 'registrar'], ['issuer@uni.test', 'issuer']] as const) {
        const added = await inviteMember(t.app, org.owner, org.organisationId, { email, role, password: 'member-password-1' });
        expect(added.statusCode).toBe(200);
      }
      registrar = await login(t.app, 'registrar@uni.test', 'member-password-1');
      issuerMember = await login(t.app, 'issuer@uni.test', 'member-password-1');
    });
    afterAll(async () => {
      await t?.close();
    });

    it('lets the registrar define a programme, kept as the engine reads it', async () => {
      const created = await registrar.request('POST', url('programmes'), PROGRAMME);
      expect(created.statusCode).toBe(201);
      const body = created.json() as { id: string; organisationId: string; totalCredits: number; modules: unknown[]; maxRecognisedCredits: number };
      programmeId = body.id;
      expect(body).toMatchObject({ organisationId: org.organisationId, name: 'MSc Data Science', totalCredits: 60, maxRecognisedCredits: 30 });
      expect(body.modules).toHaveLength(2);
      const list = await org.owner.request('GET', url('programmes'));
      expect(list.statusCode).toBe(200);
      expect((list.json() as { items: { id: string }[] }).items.map((p) => p.id)).toEqual([programmeId]);
      const entry = await t.runtime.store.db.selectFrom('audit_log').selectAll().where('action', '=', 'recognition.programme.create').executeTakeFirstOrThrow();
      expect(entry.target_id).toBe(programmeId);
      expect(JSON.stringify(entry)).not.toContain('registrar@uni.test');
    });

    it('refuses a programme the engine finds invalid, pointing at the field', async () => {
      const response = await registrar.request('POST', url('programmes'), { ...PROGRAMME, modules: [PROGRAMME.modules[0], PROGRAMME.modules[0]] });
      expect(response.statusCode).toBe(422);
      expect(response.headers['content-type']).toContain('application/problem+json');
      expect(JSON.stringify(response.json())).toContain('/modules/1/id');
      const schema = await registrar.request('POST', url('programmes'), { ...PROGRAMME, totalCredits: -5 });
      expect(schema.statusCode).toBe(400);
    });

    it('lets the registrar define agreements toward a module, checked against the programme', async () => {
      const agreement = {
        programmeId, moduleId: 'ML1', credits: 10,
        match: { fieldsOfStudy: ['Machine learning'] },
        conditions: { minEqfLevel: 6, minCredits: 5, maxAge: 'P5Y', minGrade: { value: 6 } },
      };
      const created = await registrar.request('POST', url('recognition-agreements'), agreement);
      expect(created.statusCode).toBe(201);
      const body = created.json() as { id: string; programmeId: string; conditions: { minEqfLevel: number } };
      expect(body.programmeId).toBe(programmeId);
      expect(body.conditions.minEqfLevel).toBe(6);

      const tooMany = await registrar.request('POST', url('recognition-agreements'), { ...agreement, moduleId: 'STATS', credits: 8 });
      expect(tooMany.statusCode).toBe(422);
      const unknownModule = await registrar.request('POST', url('recognition-agreements'), { ...agreement, moduleId: 'NOPE' });
      expect(unknownModule.statusCode).toBe(422);

      const list = await issuerMember.request('GET', `${url('recognition-agreements')}?programmeId=${programmeId}`);
      expect(list.statusCode).toBe(200);
      expect((list.json() as { items: { id: string }[] }).items.map((a) => a.id)).toEqual([body.id]);
    });

    it('lets the registrar read and replace a programme (version + 1) and change or delete an agreement, each checked and audited', async () => {
      const read = await issuerMember.request('GET', url(`programmes/${programmeId}`));
      expect(read.statusCode, read.body).toBe(200);
      expect(read.json()).toMatchObject({ id: programmeId, name: 'MSc Data Science', version: 1 });
      expect((await registrar.request('GET', url('programmes/00000000-0000-4000-8000-000000000000'))).statusCode).toBe(404);

      const renamed = await registrar.request('PUT', url(`programmes/${programmeId}`), { ...PROGRAMME, name: 'MSc Data Science (2027)', maxRecognisedCredits: 20 });
      expect(renamed.statusCode, renamed.body).toBe(200);
      expect(renamed.json()).toMatchObject({ id: programmeId, name: 'MSc Data Science (2027)', maxRecognisedCredits: 20, version: 2 });
      // ML1 carries an agreement: it cannot go.
      const dropped = await registrar.request('PUT', url(`programmes/${programmeId}`), { ...PROGRAMME, modules: [PROGRAMME.modules[1]] });
      expect(dropped.statusCode, dropped.body).toBe(422);
      expect(JSON.stringify(dropped.json())).toContain('/modules');
      const duplicate = await registrar.request('PUT', url(`programmes/${programmeId}`), { ...PROGRAMME, modules: [PROGRAMME.modules[0], PROGRAMME.modules[0]] });
      expect(duplicate.statusCode).toBe(422);
      expect((await issuerMember.request('PUT', url(`programmes/${programmeId}`), PROGRAMME)).statusCode).toBe(403);

      const agreements = (await registrar.request('GET', url('recognition-agreements'))).json() as { items: { id: string }[] };
      const agreementId = agreements.items[0]!.id;
      const changed = await registrar.request('PUT', url(`recognition-agreements/${agreementId}`), { programmeId, moduleId: 'STATS', credits: 5, match: { fieldsOfStudy: ['Statistics'] } });
      expect(changed.statusCode, changed.body).toBe(200);
      expect(changed.json()).toMatchObject({ id: agreementId, moduleId: 'STATS', credits: 5, version: 2 });
      const tooMany = await registrar.request('PUT', url(`recognition-agreements/${agreementId}`), { programmeId, moduleId: 'STATS', credits: 8, match: { fieldsOfStudy: ['Statistics'] } });
      expect(tooMany.statusCode).toBe(422);
      expect((await issuerMember.request('DELETE', url(`recognition-agreements/${agreementId}`))).statusCode).toBe(403);
      expect((await other.owner.request('DELETE', url(`recognition-agreements/${agreementId}`))).statusCode).toBe(404);
      expect((await registrar.request('DELETE', url(`recognition-agreements/${agreementId}`))).statusCode).toBe(204);
      expect((await registrar.request('DELETE', url(`recognition-agreements/${agreementId}`))).statusCode).toBe(404);
      expect(((await registrar.request('GET', url('recognition-agreements'))).json() as { items: unknown[] }).items).toEqual([]);
      // Its module is free again: the programme may now drop ML1.
      const now = await registrar.request('PUT', url(`programmes/${programmeId}`), { ...PROGRAMME, modules: [PROGRAMME.modules[1]] });
      expect(now.statusCode, now.body).toBe(200);
      const entries = await t.runtime.store.db.selectFrom('audit_log').select(['action', 'target_id']).where('action', 'in', ['recognition.programme.update', 'recognition.agreement.update', 'recognition.agreement.delete']).orderBy('at').execute();
      expect(entries.map((e) => e.action).sort()).toEqual(['recognition.agreement.delete', 'recognition.agreement.update', 'recognition.programme.update', 'recognition.programme.update']);
      expect(JSON.stringify(entries)).not.toContain('@');
    });

    it('refuses an issuer (403), and another organisation learns nothing (404)', async () => {
      expect((await issuerMember.request('POST', url('programmes'), PROGRAMME)).statusCode).toBe(403);
      expect((await other.owner.request('GET', url('programmes'))).statusCode).toBe(404);
      expect((await other.owner.request('POST', url('programmes'), PROGRAMME)).statusCode).toBe(404);
      // A's programme named from B's organisation is not found either.
      const crossed = await other.owner.request('POST', `/api/v1/organisations/${other.organisationId}/recognition-agreements`, {
        programmeId, moduleId: 'ML1', credits: 5, match: { fieldsOfStudy: ['x'] },
      });
      expect(crossed.statusCode).toBe(404);
    });

    it('refuses an agreement whose achievement id is a name (it could never match), at its field', async () => {
      const named = await registrar.request('POST', url('recognition-agreements'), { programmeId, moduleId: 'STATS', credits: 5, match: { achievementId: 'Machine Learning I' } });
      expect(named.statusCode).toBe(422);
      const problem = named.json() as { errors: { pointer: string; message: string }[] };
      expect(problem.errors.map((e) => e.pointer)).toEqual(['/match/achievementId']);
      expect(problem.errors[0]!.message).toContain('would never match');
      const iri = await registrar.request('POST', url('recognition-agreements'), { programmeId, moduleId: 'STATS', credits: 5, match: { achievementId: 'https://elsewhere.example/achievements/ml1' } });
      expect(iri.statusCode).toBe(201);
      expect((await registrar.request('DELETE', url(`recognition-agreements/${(iri.json() as { id: string }).id}`))).statusCode).toBe(204);
    });
  });
}

interface RequestBody {
  id: string;
  status: string;
  credentialIds: string[];
  proposal: { items: { credentialKey: string; decision: string; credits: number; moduleId?: string; reasons: string[]; checks: { condition: string; passed: boolean }[] }[]; totalRecognised: number; gap: { creditsStillNeeded: number } };
  decision: null | { final: boolean; totalRecognised: number; items: { credentialKey: string; outcome: string; credits: number; decision?: { action: string; reason?: string } }[]; gap: { creditsStillNeeded: number } };
}

for (const dialect of DIALECTS) {
  describe(`recognition requests and decisions over HTTP (${dialect})`, () => {
    let t: TestApp;
    let issuer: Awaited<ReturnType<typeof issuingOrganisation>>;
    let school: Awaited<ReturnType<typeof createOrganisation>>;
    let ana: Session;
    let bob: Session;
    let walletIds: string[];
    let programmeId: string;
    let requestId: string;
    let achievementIri: string;
    let recognitionAchievementId: string;
    let programmeBody: Record<string, unknown>;
    const schoolUrl = (path: string) => `/api/v1/organisations/${school.organisationId}/${path}`;

    beforeAll(async () => {
      t = await createTestApp(dialect, { now: () => new Date('2026-09-01T10:00:00.000Z') });
      issuer = await issuingOrganisation(t);
      school = await createOrganisation(t, 'Receiving University', 'registrar@school.test');
      const signup = async (email: string) => {
        const response = await signUpAndSignIn(t.app, { email, password: 'learner-password-1' });
        expect(response.statusCode, response.body).toBe(200);
        return login(t.app, email, 'learner-password-1');
      };
      ana = await signup('ana@learner.test');
      bob = await signup('bob@learner.test');
      // Ana confirms her address, so credentials issued to it land in her wallet.
      const welcome = await t.runtime.store.db.selectFrom('outbox').select('text_body').where('to_address', '=', 'ana@learner.test').executeTakeFirstOrThrow();
      const token = /\/confirm-email\/([A-Za-z0-9_-]+)/.exec(welcome.text_body)![1];
      expect((await t.app.inject({ method: 'POST', url: '/api/v1/auth/confirm-email', payload: { token } })).statusCode).toBe(200);
      walletIds = [];
      for (let i = 0; i < 2; i++) {
        const issued = await issuer.owner.request('POST', `/api/v1/organisations/${issuer.organisationId}/credentials`, { achievementId: issuer.achievementId, recipient: { email: 'ana@learner.test', name: 'Ana' } });
        expect(issued.statusCode, issued.body).toBe(201);
        const document = (await t.app.inject({ method: 'GET', url: `/credentials/${issued.json().id as string}` })).body;
        achievementIri = (JSON.parse(document) as { credentialSubject: { achievement: { id: string } } }).credentialSubject.achievement.id;
        const pasted = await ana.request('POST', '/api/v1/wallet/credentials', { text: document });
        expect(pasted.statusCode, pasted.body).toBe(201);
        walletIds.push((pasted.json() as { item: { id: string } }).item.id);
      }
      const recognitionAchievement = await t.runtime.services.achievements.create(SYSTEM, school.organisationId, {
        issuerId: school.issuerId, name: 'Recognised prior learning', description: 'Credits recognised from prior learning.', criteria: 'A registrar decision.', achievementType: 'Badge',
      });
      recognitionAchievementId = recognitionAchievement.id;
      programmeBody = {
        name: 'BSc Data', achievementId: recognitionAchievement.id, totalCredits: 60, maxRecognisedCredits: 30,
        modules: [{ id: 'DATA', name: 'Data handling', credits: 5 }, { id: 'VIZ', name: 'Visualisation', credits: 5 }, { id: 'THESIS', name: 'Thesis', credits: 20 }],
      };
      const programme = await school.owner.request('POST', schoolUrl('programmes'), programmeBody);
      expect(programme.statusCode, programme.body).toBe(201);
      programmeId = programme.json().id as string;
      for (const moduleId of ['DATA', 'VIZ']) {
        const agreement = await school.owner.request('POST', schoolUrl('recognition-agreements'), {
          programmeId, moduleId, credits: 5, match: { issuerId: issuer.issuerDid, achievementId: achievementIri }, conditions: { minEqfLevel: 5, maxAge: 'P5Y' },
        });
        expect(agreement.statusCode, agreement.body).toBe(201);
      }
    });
    afterAll(async () => {
      await t?.close();
    });

    it('a learner asks for recognition and gets the engine proposal with reasons and the gap', async () => {
      expect((await bob.request('POST', '/api/v1/wallet/recognition-requests', { programmeId, credentialIds: walletIds })).statusCode).toBe(404);
      const response = await ana.request('POST', '/api/v1/wallet/recognition-requests', { programmeId, credentialIds: walletIds });
      expect(response.statusCode, response.body).toBe(201);
      const body = response.json() as RequestBody;
      requestId = body.id;
      expect(body.status).toBe('pending');
      expect(body.proposal.items).toHaveLength(2);
      expect(body.proposal.items.map((item) => item.credentialKey).sort()).toEqual([...walletIds].sort());
      for (const item of body.proposal.items) {
        expect(item.decision).toBe('accept');
        expect(item.credits).toBe(5);
        expect(item.checks.find((check) => check.condition === 'minEqfLevel')?.passed).toBe(true);
        expect(item.reasons.length).toBeGreaterThan(0);
      }
      expect(new Set(body.proposal.items.map((item) => item.moduleId))).toEqual(new Set(['DATA', 'VIZ']));
      expect(body.proposal.totalRecognised).toBe(10);
      expect(body.proposal.gap.creditsStillNeeded).toBe(50);
      expect((await t.app.inject({ method: 'POST', url: '/api/v1/wallet/recognition-requests', payload: { programmeId, credentialIds: walletIds } })).statusCode).toBe(401);
    });

    it('the learner and the registrar each see the request in detail; nobody else does', async () => {
      const mine = await ana.request('GET', `/api/v1/wallet/recognition-requests/${requestId}`);
      expect(mine.statusCode, mine.body).toBe(200);
      expect(mine.json()).toMatchObject({ id: requestId, status: 'pending', programmeName: 'BSc Data', organisationName: 'Receiving University' });
      expect((await bob.request('GET', `/api/v1/wallet/recognition-requests/${requestId}`)).statusCode).toBe(404);
      expect((await t.app.inject({ method: 'GET', url: `/api/v1/wallet/recognition-requests/${requestId}` })).statusCode).toBe(401);
      const detail = await school.owner.request('GET', schoolUrl(`recognition-requests/${requestId}`));
      expect(detail.statusCode, detail.body).toBe(200);
      const body = detail.json() as { learner: { email: string }; programmeName: string; credentials: { id: string; achievementName: string; issuerId: string; status: string; issuedOn: string }[] };
      expect(body.learner.email).toBe('ana@learner.test');
      expect(body.programmeName).toBe('BSc Data');
      expect(body.credentials.map((c) => c.id).sort()).toEqual([...walletIds].sort());
      for (const credential of body.credentials) {
        expect(credential).toMatchObject({ achievementName: 'Data Literacy Essentials', issuerId: issuer.issuerDid, status: 'verified' });
        expect(credential.issuedOn).toBeTruthy();
      }
      expect((await issuer.owner.request('GET', schoolUrl(`recognition-requests/${requestId}`))).statusCode).toBe(404);
      expect((await issuer.owner.request('GET', `/api/v1/organisations/${issuer.organisationId}/recognition-requests/${requestId}`)).statusCode).toBe(404);
    });

    it('the registrar sees the queue; another organisation does not', async () => {
      const foreign = await school.owner.request('POST', schoolUrl('programmes'), { name: 'X', totalCredits: 10, modules: [], achievementId: issuer.achievementId });
      expect(foreign.statusCode).toBe(422);
      expect(JSON.stringify(foreign.json())).toContain('/achievementId');
      const queue = await school.owner.request('GET', `${schoolUrl('recognition-requests')}?status=pending`);
      expect(queue.statusCode).toBe(200);
      expect((queue.json() as { items: RequestBody[] }).items.map((item) => item.id)).toEqual([requestId]);
      // Each request in the queue names its learner and programme.
      const [queued] = (queue.json() as { items: { learner: { email: string }; programmeName: string }[] }).items;
      expect(queued!.learner.email).toMatch(/@/);
      expect(queued!.programmeName).toEqual(expect.any(String));
      expect(queued!.programmeName.length).toBeGreaterThan(0);
      expect((await issuer.owner.request('GET', schoolUrl('recognition-requests'))).statusCode).toBe(404);
      const own = await issuer.owner.request('GET', `/api/v1/organisations/${issuer.organisationId}/recognition-requests`);
      expect((own.json() as { items: unknown[] }).items).toEqual([]);
      expect((await issuer.owner.request('POST', `/api/v1/organisations/${issuer.organisationId}/recognition-requests/${requestId}/decisions`, { decisions: [{ credentialKey: walletIds[0], action: 'approve' }] })).statusCode).toBe(404);
    });

    it('a recognition request approved with one item amended: final, reasons kept, the learner sees it', async () => {
      const [first, second] = [...walletIds].sort() as [string, string];
      const noReason = await school.owner.request('POST', schoolUrl(`recognition-requests/${requestId}/decisions`), { decisions: [{ credentialKey: second, action: 'amend', credits: 3 }] });
      expect(noReason.statusCode).toBe(422);
      const tooMuch = await school.owner.request('POST', schoolUrl(`recognition-requests/${requestId}/decisions`), { decisions: [{ credentialKey: second, action: 'amend', credits: 9, reason: 'More' }] });
      expect(tooMuch.statusCode).toBe(422);

      const partly = await school.owner.request('POST', schoolUrl(`recognition-requests/${requestId}/decisions`), { decisions: [{ credentialKey: first, action: 'approve' }] });
      expect(partly.statusCode, partly.body).toBe(200);
      expect((partly.json() as RequestBody).status).toBe('pending');
      expect(await t.runtime.store.db.selectFrom('outbox').select('id').where('organisation_id', '=', school.organisationId).execute()).toEqual([]);

      const decided = await school.owner.request('POST', schoolUrl(`recognition-requests/${requestId}/decisions`), {
        decisions: [{ credentialKey: second, action: 'amend', credits: 3, reason: 'The lab component is not covered.' }],
      });
      expect(decided.statusCode, decided.body).toBe(200);
      const body = decided.json() as RequestBody;
      expect(body.status).toBe('decided');
      expect(body.decision?.final).toBe(true);
      expect(body.decision?.totalRecognised).toBe(8);
      expect(body.decision?.gap.creditsStillNeeded).toBe(52);
      const amended = body.decision!.items.find((item) => item.credentialKey === second)!;
      expect(amended).toMatchObject({ outcome: 'recognised', credits: 3, decision: { action: 'amend', reason: 'The lab component is not covered.' } });
      expect(body.decision!.items.find((item) => item.credentialKey === first)).toMatchObject({ outcome: 'recognised', credits: 5, decision: { action: 'approve' } });

      expect((await school.owner.request('POST', schoolUrl(`recognition-requests/${requestId}/decisions`), { decisions: [{ credentialKey: first, action: 'reject', reason: 'changed mind' }] })).statusCode).toBe(409);

      // The recognition credential: issued once by the school, 8 ECTS earned, evidence naming both sources and the amendment.
      const issuedId = (decided.json() as { issuedCredentialId: string | null }).issuedCredentialId;
      expect(issuedId).toBeTruthy();
      const credential = await school.owner.request('GET', `/api/v1/credentials/${issuedId}`);
      expect(credential.statusCode, credential.body).toBe(200);
      const document = JSON.stringify((credential.json() as { document: unknown }).document);
      // Conforms to the official OB 3.0 schema (one status entry) and the EU extension schema.
      expectOb3Conformant((credential.json() as { document: JsonObject }).document, TEST_PUBLIC_URL);
      expect(document).toContain('"creditsEarned":8');
      expect(document).toContain('The lab component is not covered.');
      expect(document).toContain('Data Literacy Essentials');
      const sources = await t.runtime.store.db.selectFrom('wallet_credentials').select('credential_key').where('id', 'in', walletIds).execute();
      for (const source of sources) expect(document).toContain(source.credential_key!);
      const issuedRows = await t.runtime.store.db.selectFrom('credentials').select('id').where('organisation_id', '=', school.organisationId).execute();
      expect(issuedRows.map((row) => row.id)).toEqual([issuedId]);
      // Ana is told by mail, and the credential is in her wallet, verified.
      // Two mails, both to Ana alone: the decision (credits, the link to her request) and the credential's claim mail.
      const told = await t.runtime.store.db.selectFrom('outbox').select(['to_address', 'subject', 'text_body']).where('organisation_id', '=', school.organisationId).execute();
      expect(told.map((mail) => mail.to_address)).toEqual(['ana@learner.test', 'ana@learner.test']);
      const decisionMail = told.find((mail) => mail.subject === 'Recognition decided: BSc Data')!;
      expect(decisionMail.text_body).toContain('8 ECTS');
      expect(decisionMail.text_body).toContain(`https://issuer.test/wallet/recognition/${requestId}`);
      expect(decisionMail.text_body).not.toContain('ana@learner.test');
      expect(decisionMail.text_body).not.toContain('The lab component is not covered.');
      const wallet = (await ana.request('GET', '/api/v1/wallet/credentials')).json() as { items: { name: string; status: string; source: string }[] };
      expect(wallet.items.filter((item) => item.name === 'Recognised prior learning')).toMatchObject([{ status: 'verified', source: 'claim' }]);

      const mine = (await ana.request('GET', '/api/v1/wallet/recognition-requests')).json() as { items: RequestBody[] };
      expect(mine.items.map((item) => [item.id, item.status, item.decision?.totalRecognised])).toEqual([[requestId, 'decided', 8]]);
      expect(((await bob.request('GET', '/api/v1/wallet/recognition-requests')).json() as { items: unknown[] }).items).toEqual([]);

      const entries = await t.runtime.store.db.selectFrom('audit_log').selectAll().where('target_id', '=', requestId).orderBy('at').execute();
      expect(entries.map((entry) => entry.action)).toEqual(['recognition.request.create', 'recognition.request.decide', 'recognition.request.decide']);
      expect(JSON.stringify(entries)).not.toContain('@learner.test');
    });

    it('when issuing after a final decision fails, the decision stays and the issuance route issues once the cause is fixed', async () => {
      const asked = await ana.request('POST', '/api/v1/wallet/recognition-requests', { programmeId, credentialIds: walletIds });
      expect(asked.statusCode, asked.body).toBe(201);
      const id = (asked.json() as RequestBody).id;
      const issuance = () => school.owner.request('POST', schoolUrl(`recognition-requests/${id}/issuance`));
      expect((await issuance()).statusCode).toBe(409);
      // A real cause: the programme's recognition achievement is archived, so it can no longer be issued.
      expect((await school.owner.request('POST', `/api/v1/achievements/${recognitionAchievementId}/archive`)).statusCode).toBe(200);
      const decided = await school.owner.request('POST', schoolUrl(`recognition-requests/${id}/decisions`), {
        decisions: walletIds.map((credentialKey) => ({ credentialKey, action: 'approve' })),
      });
      expect(decided.statusCode, decided.body).toBe(200);
      expect(decided.json()).toMatchObject({ status: 'decided', issuedCredentialId: null, decision: { final: true, totalRecognised: 10 } });
      const stillArchived = await issuance();
      expect(stillArchived.statusCode, stillArchived.body).toBe(422);
      expect((await issuer.owner.request('POST', schoolUrl(`recognition-requests/${id}/issuance`))).statusCode).toBe(404);
      // The registrar points the programme at an issuable achievement, then issues.
      const replacement = await t.runtime.services.achievements.create(SYSTEM, school.organisationId, {
        issuerId: school.issuerId, name: 'Recognised prior learning (2027)', description: 'Credits recognised from prior learning.', criteria: 'A registrar decision.', achievementType: 'Badge',
      });
      expect((await school.owner.request('PUT', schoolUrl(`programmes/${programmeId}`), { ...programmeBody, achievementId: recognitionAchievementId })).statusCode).toBe(422);
      const repointed = await school.owner.request('PUT', schoolUrl(`programmes/${programmeId}`), { ...programmeBody, achievementId: replacement.id });
      expect(repointed.statusCode, repointed.body).toBe(200);
      const issued = await issuance();
      expect(issued.statusCode, issued.body).toBe(200);
      const credentialId = (issued.json() as { issuedCredentialId: string | null }).issuedCredentialId;
      expect(credentialId).toBeTruthy();
      const document = JSON.stringify(((await school.owner.request('GET', `/api/v1/credentials/${credentialId}`)).json() as { document: unknown }).document);
      expect(document).toContain('"creditsEarned":10');
      expect(document).toContain('Recognised prior learning (2027)');
      expect((await issuance()).statusCode).toBe(409);
      const mine = (await ana.request('GET', `/api/v1/wallet/recognition-requests/${id}`)).json() as { issuedCredentialId: string };
      expect(mine.issuedCredentialId).toBe(credentialId);
      const actions = (await t.runtime.store.db.selectFrom('audit_log').select('action').where('target_id', '=', id).orderBy('at').execute()).map((e) => e.action);
      expect(actions.sort()).toEqual(['recognition.request.create', 'recognition.request.decide', 'recognition.request.issue']);
    });

    it('learners see every programme and what counts toward it; API keys and strangers do not', async () => {
      const programmes = await bob.request('GET', '/api/v1/programmes');
      expect(programmes.statusCode, programmes.body).toBe(200);
      expect((programmes.json() as { items: { id: string; organisationName: string; name: string }[] }).items)
        .toEqual([expect.objectContaining({ id: programmeId, name: 'BSc Data', organisationName: 'Receiving University' })]);
      expect((await t.app.inject({ method: 'GET', url: '/api/v1/programmes' })).statusCode).toBe(401);
      expect((await t.app.inject({ method: 'GET', url: '/api/v1/programmes', headers: bearer(school.apiKey) })).statusCode).toBe(403);
      const agreements = await bob.request('GET', `/api/v1/programmes/${programmeId}/agreements`);
      expect(agreements.statusCode, agreements.body).toBe(200);
      expect((agreements.json() as { items: { moduleId: string; programmeId: string }[] }).items.map((a) => a.moduleId).sort()).toEqual(['DATA', 'VIZ']);
      expect((await bob.request('GET', '/api/v1/programmes/00000000-0000-4000-8000-000000000000/agreements')).statusCode).toBe(404);
      expect((await t.app.inject({ method: 'GET', url: `/api/v1/programmes/${programmeId}/agreements`, headers: bearer(school.apiKey) })).statusCode).toBe(403);
    });

    it('a learner withdraws a pending request; a decided one cannot be withdrawn, a withdrawn one cannot be decided', async () => {
      expect((await ana.request('POST', `/api/v1/wallet/recognition-requests/${requestId}/withdrawal`)).statusCode).toBe(409);
      const second = await ana.request('POST', '/api/v1/wallet/recognition-requests', { programmeId, credentialIds: [walletIds[0]] });
      expect(second.statusCode, second.body).toBe(201);
      const secondId = (second.json() as RequestBody).id;
      expect((await bob.request('POST', `/api/v1/wallet/recognition-requests/${secondId}/withdrawal`)).statusCode).toBe(404);
      const withdrawn = await ana.request('POST', `/api/v1/wallet/recognition-requests/${secondId}/withdrawal`);
      expect(withdrawn.statusCode, withdrawn.body).toBe(200);
      expect(withdrawn.json()).toMatchObject({ id: secondId, status: 'withdrawn', programmeName: 'BSc Data' });
      expect((await ana.request('POST', `/api/v1/wallet/recognition-requests/${secondId}/withdrawal`)).statusCode).toBe(409);
      const late = await school.owner.request('POST', schoolUrl(`recognition-requests/${secondId}/decisions`), { decisions: [{ credentialKey: walletIds[0], action: 'approve' }] });
      expect(late.statusCode, late.body).toBe(409);
      const queue = (await school.owner.request('GET', `${schoolUrl('recognition-requests')}?status=withdrawn`)).json() as { items: RequestBody[] };
      expect(queue.items.map((item) => item.id)).toEqual([secondId]);
      const actions = (await t.runtime.store.db.selectFrom('audit_log').select('action').where('target_id', '=', secondId).orderBy('at').execute()).map((e) => e.action);
      expect(actions).toEqual(['recognition.request.create', 'recognition.request.withdraw']);
    });
  });
}
