/**
 * What a verifier running in a browser (the DCC's VerifierPlus, a web wallet) needs to read the public
 * documents from another origin: Access-Control-Allow-Origin on every public read (DID documents,
 * status lists, the EU context, credentials, achievements), a preflight answered for the headers its
 * HTTP client adds (Cache-Control, Pragma), and nothing opened that needs a session or writes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JsonObject } from '../../src/vc/types.ts';
import { createTestApp, TEST_PUBLIC_URL, type TestApp } from '../support/app.ts';
import { DIALECTS, warnIfPostgresSkipped } from '../support/db.ts';
import { issuingOrganisation } from './credentials-fixture.ts';

warnIfPostgresSkipped();

const ORIGIN = 'https://verifierplus.example';

for (const dialect of DIALECTS) {
  describe(`CORS for the public documents (${dialect})`, () => {
    let t: TestApp;
    let org: Awaited<ReturnType<typeof issuingOrganisation>>;
    let publicPaths: string[];

    beforeAll(async () => {
      t = await createTestApp(dialect);
      org = await issuingOrganisation(t);
      const issued = await org.owner.request('POST', `/api/v1/organisations/${org.organisationId}/credentials`, { achievementId: org.achievementId, recipient: { email: 'ana@learner.test' } });
      expect(issued.statusCode, issued.body).toBe(201);
      const id = issued.json().id as string;
      const credential = (await t.app.inject(`/credentials/${id}`)).json() as JsonObject;
      const statuses = ([] as JsonObject[]).concat(credential.credentialStatus as JsonObject | JsonObject[]);
      publicPaths = [
        `/credentials/${id}`,
        `/issuers/${org.issuerId}/did.json`,
        '/.well-known/did.json',
        `/issuers/${org.issuerId}`,
        `/achievements/${org.achievementId}`,
        '/contexts/eu/v1',
        ...statuses.map((entry) => (entry.statusListCredential as string).slice(TEST_PUBLIC_URL.length)),
      ];
    });
    afterAll(async () => {
      await t?.close();
    });

    it('lets any origin read the public documents, without credentials', async () => {
      for (const url of publicPaths) {
        const response = await t.app.inject({ method: 'GET', url, headers: { origin: ORIGIN, accept: 'application/ld+json, application/json' } });
        expect(response.statusCode, `${url}: ${response.body}`).toBe(200);
        expect(response.headers['access-control-allow-origin'], url).toBe('*');
        expect(response.headers['access-control-allow-credentials'], url).toBeUndefined();
      }
    });

    it('answers the preflight of a read with the headers the verifier asks to send', async () => {
      for (const url of publicPaths) {
        const response = await t.app.inject({
          method: 'OPTIONS', url,
          headers: { origin: ORIGIN, 'access-control-request-method': 'GET', 'access-control-request-headers': 'cache-control,pragma' },
        });
        expect(response.statusCode, url).toBe(204);
        expect(response.headers['access-control-allow-origin'], url).toBe('*');
        expect(String(response.headers['access-control-allow-methods']).split(/,\s*/), url).toContain('GET');
        expect(String(response.headers['access-control-allow-headers']).toLowerCase().split(/,\s*/).sort(), url).toEqual(['cache-control', 'pragma']);
        expect(response.headers['access-control-allow-credentials'], url).toBeUndefined();
      }
    });

    it('opens nothing that needs a session, and no writes', async () => {
      const own = await org.owner.request('GET', `/api/v1/organisations/${org.organisationId}/credentials`, undefined, { origin: ORIGIN });
      expect(own.statusCode).toBe(200);
      expect(own.headers['access-control-allow-origin']).toBeUndefined();
      const write = await t.app.inject({
        method: 'OPTIONS', url: `/api/v1/organisations/${org.organisationId}/credentials`,
        headers: { origin: ORIGIN, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type,x-csrf-token' },
      });
      expect(write.headers['access-control-allow-origin']).toBeUndefined();
      expect(write.headers['access-control-allow-methods']).toBeUndefined();
      const missing = await t.app.inject({ method: 'GET', url: '/status/00000000-0000-4000-8000-000000000000', headers: { origin: ORIGIN } });
      expect(missing.statusCode).toBe(404);
    });
  });
}
