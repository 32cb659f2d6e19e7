/**
 * Recognition over HTTP on every dialect: the registrar defines a programme and recognition agreements,
 * checked by the engine (validateProgramme / validateAgreement); roles (registrar yes, issuer no),
 * another organisation sees nothing, bad definitions get a problem with pointers, and the audit log
 * holds ids only. The request / decision flow is not built yet.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOrganisation, createTestApp, login, setUpOrganisation, type Session, type SetUpOrganisation, type TestApp } from '../support/app.ts';
import { DIALECTS, warnIfPostgresSkipped } from '../support/db.ts';

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
        const added = await org.owner.request('POST', url('members'), { email, role, password: 'member-password-1' });
        expect(added.statusCode).toBe(201);
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
  });
}
