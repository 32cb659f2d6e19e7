import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/app.ts';
import { DIALECTS, warnIfPostgresSkipped } from '../support/db.ts';
import { issuingOrganisation } from './credentials-fixture.ts';

warnIfPostgresSkipped();

for (const dialect of DIALECTS) {
  describe(`a status change shows at once in this node's verifier (${dialect})`, () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await createTestApp(dialect, { env: { METRICS_TOKEN: 'revocation-metrics-token-0123' } });
    });
    afterAll(async () => {
      await t.close();
    });

    it('verify (list now cached) → suspend → verify fails → reinstate → verifies → revoke → fails', async () => {
      const org = await issuingOrganisation(t, { suspendable: true });
      const issued = await org.owner.request('POST', `/api/v1/organisations/${org.organisationId}/credentials`, { achievementId: org.achievementId, recipient: { email: 'ana@learner.test' } });
      expect(issued.statusCode).toBe(201);
      const { id, document } = issued.json() as { id: string; document: unknown };
      const verify = async () => t.app.inject({ method: 'POST', url: '/credentials/verify', payload: { verifiableCredential: typeof document === 'string' ? JSON.parse(document) : document } });
      const statusOf = async () => {
        const response = await verify();
        return { code: response.statusCode, status: (response.json().checks as { check: string; outcome: string }[]).find((c) => c.check === 'status')?.outcome };
      };
      expect(await statusOf()).toEqual({ code: 200, status: 'passed' });
      expect((await org.owner.request('POST', `/api/v1/credentials/${id}/suspend`, { reason: 'under review' })).statusCode).toBe(200);
      expect(await statusOf()).toEqual({ code: 400, status: 'failed' });
      expect((await org.owner.request('POST', `/api/v1/credentials/${id}/reinstate`)).statusCode).toBe(200);
      expect(await statusOf()).toEqual({ code: 200, status: 'passed' });
      expect((await org.owner.request('POST', `/api/v1/credentials/${id}/revoke`, { reason: 'awarded in error' })).statusCode).toBe(200);
      expect(await statusOf()).toEqual({ code: 400, status: 'failed' });
      const metrics = (await t.app.inject({ url: '/metrics', headers: { authorization: 'Bearer revocation-metrics-token-0123' } })).body;
      expect(metrics).toContain('# HELP microcred_credentials_issued_total Credentials signed and stored');
      expect(metrics).toMatch(/microcred_verifications_total\{kind="credential",outcome="verified"\} 2/);
      expect(metrics).toMatch(/microcred_verifications_total\{kind="credential",outcome="failed"\} 2/);
      expect(metrics).toMatch(/microcred_status_changes_total\{action="revoke"\} 1/);
    });
  });
}
