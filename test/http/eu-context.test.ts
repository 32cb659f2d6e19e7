/**
 * The EU extension context served at the instance, the bytes its credentials pin, an independent
 * verifier that reads it from there, and the relatedResource rules on the VC-API issuer.
 */
import { createHash } from 'node:crypto';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as vc from '@digitalbazaar/vc';
import { DataIntegrityProof } from '@digitalbazaar/data-integrity';
import { cryptosuite as eddsaRdfc2022Cryptosuite } from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import { bundledContextBytes, CONTEXTS, EU_CONTEXT_DIGEST_SRI } from '../../src/vc/contexts/index.ts';
import type { DocumentLoader, JsonObject } from '../../src/vc/types.ts';
import { appDocumentLoader } from '../support/app-document-loader.ts';
import { bearer, createTestApp, TEST_PUBLIC_URL, type TestApp } from '../support/app.ts';
import { DIALECTS, warnIfPostgresSkipped } from '../support/db.ts';
import { expectVerified, issuingOrganisation } from './credentials-fixture.ts';

warnIfPostgresSkipped();

const EU_URL = `${TEST_PUBLIC_URL}/contexts/eu/v1`;
const sri = (algorithm: string, bytes: Uint8Array | string) => `${algorithm}-${createHash(algorithm).update(bytes).digest('base64')}`;

for (const dialect of DIALECTS) {
  describe(`the EU context at the instance (${dialect})`, () => {
    let t: TestApp;
    let org: Awaited<ReturnType<typeof issuingOrganisation>>;
    let key: string;

    beforeAll(async () => {
      t = await createTestApp(dialect);
      org = await issuingOrganisation(t);
      key = (await org.owner.request('POST', `/api/v1/organisations/${org.organisationId}/api-keys`, { name: 'LMS', scopes: ['issue'] })).json().key;
    });
    afterAll(async () => {
      await t?.close();
    });

    it('serves the exact bytes credentials pin, as JSON-LD', async () => {
      const response = await t.app.inject('/contexts/eu/v1');
      expect(response.statusCode).toBe(200);
      expect(response.headers['content-type']).toMatch(/^application\/ld\+json/);
      expect(sri('sha384', response.rawPayload)).toBe(EU_CONTEXT_DIGEST_SRI);
    });

    it('issues EU micro-credentials naming it there, pinned; microcred and the reference (reading it from the instance only) verify them', async () => {
      const response = await org.owner.request('POST', `/api/v1/organisations/${org.organisationId}/credentials`, { achievementId: org.achievementId, recipient: { email: 'eu@example.org' } });
      expect(response.statusCode, response.body).toBe(201);
      const document = (await t.app.inject(`/credentials/${(response.json() as { id: string }).id}`)).json() as JsonObject;
      expect(document['@context']).toEqual([CONTEXTS.CREDENTIALS_V2, CONTEXTS.OB_V3, CONTEXTS.OB_V3_EXTENSIONS, EU_URL]);
      expect(document.relatedResource).toEqual([{ id: EU_URL, digestSRI: EU_CONTEXT_DIGEST_SRI, mediaType: 'application/ld+json' }]);
      expectVerified(await t.runtime.ctx.engine.verify({ credential: document }));
      // An outside verifier: the w3id name is registered nowhere, so its loader never serves it.
      const fromApp = appDocumentLoader(t);
      const outside: DocumentLoader = async (url) => {
        if (url === CONTEXTS.MICROCRED_EU_V1) throw new Error(`404 ${url}`);
        return await fromApp(url);
      };
      const result = await vc.verifyCredential({
        credential: document, suite: new DataIntegrityProof({ cryptosuite: eddsaRdfc2022Cryptosuite }), documentLoader: outside, checkStatus: async () => ({ verified: true }),
      });
      expect(result.verified, JSON.stringify(result.error)).toBe(true);
    });

    describe('relatedResource on POST /credentials/issue (VC 2.0 §5.3)', () => {
      const issue = (credential: JsonObject): Promise<LightMyRequestResponse> =>
        t.app.inject({ method: 'POST', url: '/credentials/issue', payload: { credential, options: { credentialStatus: false } }, headers: bearer(key) });
      const minimal = (relatedResource: unknown): JsonObject => ({
        '@context': [CONTEXTS.CREDENTIALS_V2, { ExampleCredential: 'https://example.org/vocab#ExampleCredential', name: 'https://schema.org/name' }],
        type: ['VerifiableCredential', 'ExampleCredential'],
        credentialSubject: { id: 'did:example:learner', name: 'Ana' },
        relatedResource,
      });
      const v2 = { id: CONTEXTS.CREDENTIALS_V2, digestSRI: sri('sha384', bundledContextBytes(CONTEXTS.CREDENTIALS_V2)!) };

      it('signs unique entries whose digests match what the server holds', async () => {
        const response = await issue(minimal([v2, { id: EU_URL, digestSRI: EU_CONTEXT_DIGEST_SRI }, { id: 'https://elsewhere.example/a.pdf', digestSRI: sri('sha256', 'a') }]));
        expect(response.statusCode, response.body).toBe(201);
      });

      it('refuses duplicate ids and wrong digests of resources it holds, with a clear problem', async () => {
        const cases: [string, unknown, string, RegExp][] = [
          ['duplicate id', [v2, { ...v2 }], '/credential/relatedResource/1/id', /listed twice/],
          ['wrong digest of a bundled context', [{ ...v2, digestSRI: sri('sha384', 'not the context') }], '/credential/relatedResource/0', /does not match/],
          ["wrong digest of this instance's EU context", [{ id: EU_URL, digestSRI: sri('sha384', 'not the context') }], '/credential/relatedResource/0', /does not match/],
          ['malformed digest', [{ id: 'https://elsewhere.example/a.pdf', digestSRI: 'sha384-abc' }], '/credential/relatedResource/0/digestSRI', /digestSRI/],
        ];
        for (const [name, relatedResource, pointer, message] of cases) {
          const response = await issue(minimal(relatedResource));
          expect(response.statusCode, name).toBe(400);
          expect(response.headers['content-type'], name).toContain('application/problem+json');
          const body = response.json() as { detail: string; errors: { pointer: string; message: string }[] };
          expect(body.errors.map((e) => e.pointer), name).toContain(pointer);
          expect(body.detail, name).toMatch(message);
        }
      });
    });
  });
}
