/**
 * OB 3.0 schema conformance by default (issue 10): what the platform issues validates against the
 * official OB 3.0 AchievementCredential schema and microcred's EU extension schema (ajv). Suspension is
 * an opt-in whose two status entries a strict OB 3.0 validator flags. Stacked, recognition and RPL
 * credentials and the CLR's embedded ones are checked where those flows run (pathways, recognition,
 * rpl, exports tests) with the same helper.
 */
import Ajv2019Module from 'ajv/dist/2019.js';
import addFormatsModule from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRuntimeJobRunner } from '../../src/app-jobs.ts';
import type { JobRunner } from '../../src/queue/index.ts';
import { SYSTEM } from '../../src/services/access.ts';
import { CONTEXTS } from '../../src/vc/contexts/index.ts';
import { OB3_ACHIEVEMENT_CREDENTIAL_SCHEMA } from '../../src/vc/schemas/eu-extension.ts';
import type { JsonObject } from '../../src/vc/types.ts';
import { createTestApp, TEST_PUBLIC_URL, type TestApp } from '../support/app.ts';
import { DIALECTS, warnIfPostgresSkipped } from '../support/db.ts';
import { expectOb3Conformant, ob3SchemaErrors } from '../support/ob3-conformance.ts';
import { expectVerified, issuingOrganisation, MICRO_CREDENTIAL } from './credentials-fixture.ts';

warnIfPostgresSkipped();

const EU_SCHEMA = `${TEST_PUBLIC_URL}/schemas/eu/v1`;

for (const dialect of DIALECTS) {
  describe(`OB 3.0 schema conformance of issued credentials (${dialect})`, () => {
    let t: TestApp;
    let org: Awaited<ReturnType<typeof issuingOrganisation>>;
    let runner: JobRunner;

    beforeAll(async () => {
      t = await createTestApp(dialect);
      org = await issuingOrganisation(t);
      runner = createRuntimeJobRunner(t.runtime, { workers: 0 });
    });
    afterAll(async () => {
      await runner?.stop();
      await t?.close();
    });

    const documentOf = async (id: string) => (await t.app.inject(`/credentials/${id}`)).json() as JsonObject;

    it('publishes the EU extension schema, which an issued EU micro-credential names and validates against, beside the official OB 3.0 schema', async () => {
      const served = await t.app.inject(EU_SCHEMA.slice(TEST_PUBLIC_URL.length));
      expect(served.statusCode).toBe(200);
      expect(served.headers['content-type']).toMatch(/^application\/schema\+json/);
      const schema = served.json() as JsonObject;
      expect(schema.$id).toBe(EU_SCHEMA);
      const issued = await org.owner.request('POST', `/api/v1/organisations/${org.organisationId}/credentials`, { achievementId: org.achievementId, recipient: { email: 'single@example.org', name: 'Sam Single' }, result: { creditsEarned: 5 } });
      expect(issued.statusCode, issued.body).toBe(201);
      const credential = await documentOf((issued.json() as { id: string }).id);
      expect(credential.credentialSchema).toEqual([
        { id: OB3_ACHIEVEMENT_CREDENTIAL_SCHEMA, type: '1EdTechJsonSchemaValidator2019' },
        { id: EU_SCHEMA, type: '1EdTechJsonSchemaValidator2019' },
      ]);
      expect(credential['@context']).toEqual([CONTEXTS.CREDENTIALS_V2, CONTEXTS.OB_V3, CONTEXTS.OB_V3_EXTENSIONS, `${TEST_PUBLIC_URL}/contexts/eu/v1`]);
      expect(credential.credentialStatus).toMatchObject({ type: 'BitstringStatusListEntry', statusPurpose: 'revocation' });
      expectOb3Conformant(credential, TEST_PUBLIC_URL);
      expectVerified(await t.runtime.ctx.engine.verify({ credential }));
      // The served schema itself (not only the generator) accepts it, and refuses an unknown code.
      const ajv = new Ajv2019Module.default({ strict: false, allErrors: true });
      addFormatsModule.default(ajv);
      const validate = ajv.compile(schema);
      expect(validate(credential), JSON.stringify(validate.errors)).toBe(true);
      const wrong = structuredClone(credential);
      ((wrong.credentialSubject as JsonObject).achievement as JsonObject).participationForm = 'by-post';
      expect(validate(wrong)).toBe(false);
      const missing = structuredClone(credential);
      delete ((missing.credentialSubject as JsonObject).achievement as JsonObject).learningOutcome;
      expect(validate(missing)).toBe(false);
    });

    it('bulk-issued credentials conform too', async () => {
      const csv = `email,name\n${Array.from({ length: 20 }, (_, i) => `bulk${i}@example.org,Bulk ${i}`).join('\n')}\n`;
      const upload = await org.owner.request('POST', `/api/v1/organisations/${org.organisationId}/bulk-issuances?achievementId=${org.achievementId}`, csv, { 'content-type': 'text/csv' });
      expect(upload.statusCode, upload.body).toBe(202);
      await runner.drain();
      const rows = await t.runtime.store.db.selectFrom('credentials').select(['document', 'suspension_list_id']).where('bulk_job_id', '=', (upload.json() as { id: string }).id).execute();
      expect(rows).toHaveLength(20);
      for (const row of rows) {
        expect(row.suspension_list_id).toBeNull();
        expectOb3Conformant(JSON.parse(row.document) as JsonObject, TEST_PUBLIC_URL);
      }
    });

    it('with suspension opted in, a credential carries two status entries, which the official schema flags; it can be suspended', async () => {
      const suspendable = await t.runtime.services.achievements.create(SYSTEM, org.organisationId, { issuerId: org.issuerId, ...MICRO_CREDENTIAL, eu: { ...MICRO_CREDENTIAL.eu }, suspendable: true });
      const issued = await org.owner.request('POST', `/api/v1/organisations/${org.organisationId}/credentials`, { achievementId: suspendable.id, recipient: { email: 'two@example.org' } });
      expect(issued.statusCode, issued.body).toBe(201);
      expect(issued.json()).toMatchObject({ suspendable: true });
      const credential = await documentOf((issued.json() as { id: string }).id);
      expect((credential.credentialStatus as JsonObject[]).map((entry) => entry.statusPurpose)).toEqual(['revocation', 'suspension']);
      expect(ob3SchemaErrors(credential).length).toBeGreaterThan(0);
      expectVerified(await t.runtime.ctx.engine.verify({ credential }));
      expect((await org.owner.request('POST', `/api/v1/credentials/${(issued.json() as { id: string }).id}/suspend`, {})).statusCode).toBe(200);
    });
  });
}
