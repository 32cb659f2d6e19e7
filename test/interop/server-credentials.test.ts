/**
 * What the server issues verifies outside it: with the digitalbazaar reference (@digitalbazaar/vc,
 * its status list library for revocation) given only the issuer's published DID document and status
 * lists, and with `microcred verify --offline --resolve` given the same files.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as vc from '@digitalbazaar/vc';
import { DataIntegrityProof } from '@digitalbazaar/data-integrity';
import { cryptosuite as eddsaRdfc2022Cryptosuite } from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONTEXTS } from '../../src/vc/contexts/index.ts';
import type { DocumentLoader, JsonObject, VerificationResult } from '../../src/vc/types.ts';
import { run, tempDir } from '../cli/helpers.ts';
import { expectVerified, issuingOrganisation } from '../http/credentials-fixture.ts';
import { createTestApp, TEST_PUBLIC_URL, type TestApp } from '../support/app.ts';
import { DIALECTS } from '../support/db.ts';
import { referenceDocumentLoader } from '../support/reference.ts';

// The library ships no types (and test/interop/digitalbazaar-modules.d.ts does not declare it yet): a
// specifier held in a variable keeps TypeScript from looking for them; the shape used is declared here.
const STATUS_LIST_LIBRARY = '@digitalbazaar/vc-bitstring-status-list';
const { checkStatus } = (await import(STATUS_LIST_LIBRARY)) as {
  checkStatus(options: { credential: JsonObject; documentLoader: DocumentLoader; suite: unknown; verifyBitstringStatusListCredential?: boolean; verifyMatchingIssuers?: boolean }): Promise<{ verified: boolean; results?: { status: boolean; credentialStatus: JsonObject }[]; error?: Error }>;
};

/** The reference's loader, plus exactly the documents given (as a verifier that downloaded them would hold). */
function loaderWith(documents: Map<string, JsonObject>): DocumentLoader {
  return async (url) => {
    const [base, fragment] = url.split('#') as [string, string | undefined];
    const document = documents.get(base);
    if (!document) return referenceDocumentLoader(url);
    if (fragment === undefined || !base.startsWith('did:')) return { contextUrl: null, documentUrl: url, document };
    const method = (document.verificationMethod as JsonObject[]).find((vm) => vm.id === url);
    if (!method) throw new Error(`no verification method ${url}`);
    return { contextUrl: null, documentUrl: url, document: { '@context': CONTEXTS.MULTIKEY_V1, ...method } };
  };
}

for (const dialect of DIALECTS) {
  describe(`server-issued credentials against the reference and the CLI (${dialect})`, () => {
    let testApp: TestApp;
    let org: Awaited<ReturnType<typeof issuingOrganisation>>;
    let clock = new Date('2026-05-04T08:00:00.000Z');

    beforeAll(async () => {
      testApp = await createTestApp(dialect, { now: () => clock });
      org = await issuingOrganisation(testApp);
    });
    afterAll(async () => {
      await testApp?.close();
    });

    /** Issues over HTTP and downloads what a verifier needs: the public credential, DID document and status lists. */
    async function issueAndDownload(body: JsonObject) {
      const issued = await org.owner.request('POST', `/api/v1/organisations/${org.organisationId}/credentials`, { achievementId: org.achievementId, ...body });
      expect(issued.statusCode, issued.body).toBe(201);
      const { id } = issued.json() as { id: string };
      const credential = (await testApp.app.inject(`/credentials/${id}`)).json() as JsonObject;
      return { id, credential };
    }

    async function published(credential: JsonObject): Promise<Map<string, JsonObject>> {
      const documents = new Map<string, JsonObject>();
      documents.set(org.issuerDid, (await testApp.app.inject(`/issuers/${org.issuerId}/did.json`)).json() as JsonObject);
      for (const entry of [credential.credentialStatus].flat() as JsonObject[]) {
        const url = entry.statusListCredential as string;
        const response = await testApp.app.inject(url.slice(TEST_PUBLIC_URL.length));
        expect(response.statusCode).toBe(200);
        documents.set(url, response.json() as JsonObject);
      }
      return documents;
    }

    it('verify with @digitalbazaar/vc given the did:web document, for e-mail and DID recipients with results and evidence', async () => {
      const samples = [
        { recipient: { email: 'ana@example.org', name: 'Ana López' } },
        { recipient: { did: 'did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK' }, result: { grade: 'A', creditsEarned: 5, description: 'With distinction' }, evidence: [{ id: 'https://lms.uni.test/p/1', name: 'Project', narrative: 'Done' }] },
      ];
      for (const sample of samples) {
        const { credential } = await issueAndDownload(sample);
        const documentLoader = loaderWith(await published(credential));
        const suite = new DataIntegrityProof({ cryptosuite: eddsaRdfc2022Cryptosuite });
        const result = await vc.verifyCredential({ credential, suite, documentLoader, checkStatus: async () => ({ verified: true }), now: clock });
        expect(result.error, JSON.stringify(result.error)).toBeUndefined();
        expect(result.verified).toBe(true);
        // A changed value breaks the reference's check too.
        const tampered = structuredClone(credential);
        (tampered.credentialSubject as JsonObject).creditsEarned = 60;
        expect((await vc.verifyCredential({ credential: tampered, suite, documentLoader, checkStatus: async () => ({ verified: true }), now: clock })).verified).toBe(false);
      }
    });

    it('are read as revoked by the reference status list library once revoked, and fail `microcred verify`', async () => {
      const { id, credential } = await issueAndDownload({ recipient: { email: 'revoked@example.org' } });
      const suite = new DataIntegrityProof({ cryptosuite: eddsaRdfc2022Cryptosuite });
      const statuses = async () => {
        const result = await checkStatus({ credential, documentLoader: loaderWith(await published(credential)), suite, verifyBitstringStatusListCredential: true, verifyMatchingIssuers: true });
        expect(result.error).toBeUndefined();
        return result.results!.map((entry) => [entry.credentialStatus.statusPurpose, entry.status]);
      };
      // One revocation entry by default (the OB 3.0 schema's shape).
      expect(await statuses()).toEqual([['revocation', false]]);

      const dir = await tempDir();
      const cli = async () => {
        const documents = await published(credential);
        const resolve: string[] = [];
        let n = 0;
        for (const [url, document] of documents) {
          const file = `doc-${n++}.json`;
          await writeFile(join(dir, file), JSON.stringify(document));
          resolve.push('--resolve', `${url}=${file}`);
        }
        await writeFile(join(dir, 'credential.json'), JSON.stringify(credential));
        const output = await run(['verify', 'credential.json', '--offline', ...resolve, '--json'], { cwd: dir });
        return { ...output, result: JSON.parse(output.stdout) as VerificationResult };
      };
      const before = await cli();
      expectVerified(before.result);

      expect((await org.owner.request('POST', `/api/v1/credentials/${id}/revoke`, { reason: 'Issued in error' })).statusCode).toBe(200);
      clock = new Date(clock.getTime() + 3_600_000);
      expect(await statuses()).toEqual([['revocation', true]]);
      const after = await cli();
      expect(after.code).toBe(1);
      expect(after.result.verified).toBe(false);
      const status = after.result.checks.find((check) => check.check === 'status')!;
      expect(status.outcome).toBe('failed');
      expect(status.message).toMatch(/revoked/i);
    });
  });
}
