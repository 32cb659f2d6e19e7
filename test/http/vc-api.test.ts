import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as vc from '@digitalbazaar/vc';
import { DataIntegrityProof } from '@digitalbazaar/data-integrity';
import { cryptosuite as eddsaRdfc2022Cryptosuite } from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import { CONTEXTS } from '../../src/vc/contexts/index.ts';
import { generateDidKey } from '../../src/vc/did/did-key.ts';
import { createEngine } from '../../src/vc/engine.ts';
import { signerFromMultikey } from '../../src/vc/keys/ed25519.ts';
import { createPresentation, signPresentation } from '../../src/vc/presentation.ts';
import type { DocumentLoader, JsonObject } from '../../src/vc/types.ts';
import { bearer, createOrganisation, createTestApp, setUpOrganisation, TEST_PUBLIC_URL, type SetUpOrganisation, type TestApp } from '../support/app.ts';
import { DIALECTS, warnIfPostgresSkipped } from '../support/db.ts';
import { appDocumentLoader } from '../support/app-document-loader.ts';

warnIfPostgresSkipped();

// The reference status library ships no types: the one function used here is described below.
const REFERENCE_STATUS = '@digitalbazaar/vc-bitstring-status-list';
const { checkStatus } = (await import(REFERENCE_STATUS)) as {
  checkStatus(options: { credential: JsonObject; documentLoader: DocumentLoader; suite: unknown }): Promise<{ verified: boolean; results?: { status: boolean; credentialStatus: JsonObject }[]; error?: Error }>;
};

/** The reference's loader: bundled contexts and did:key, plus this app's did:web documents and status lists. */

const VERSIONS = [
  { version: '2.0', context: CONTEXTS.CREDENTIALS_V2, from: 'validFrom', until: 'validUntil' },
  { version: '1.1', context: CONTEXTS.CREDENTIALS_V1, from: 'issuanceDate', until: 'expirationDate' },
] as const;

for (const dialect of DIALECTS) {
  describe(`VC-API: issue, verify, presentations, status (${dialect})`, () => {
    let t: TestApp;
    let org: SetUpOrganisation;
    let key: string;
    let readOnlyKey: string;
    let other: Awaited<ReturnType<typeof createOrganisation>>;
    // Starts in the past (so signed lists are never "not yet valid" for the reference) and jumps
    // past the engine's five-minute status-list cache after each status change.
    let clock = Date.now() - 3 * 3_600_000;
    const later = () => { clock += 6 * 60_000; };

    beforeAll(async () => {
      t = await createTestApp(dialect, { now: () => new Date(clock) });
      org = await setUpOrganisation(t.app);
      key = (await org.owner.request('POST', `/api/v1/organisations/${org.organisationId}/api-keys`, { name: 'LMS', scopes: ['issue', 'status'] })).json().key;
      readOnlyKey = (await org.owner.request('POST', `/api/v1/organisations/${org.organisationId}/api-keys`, { name: 'reports', scopes: ['read'] })).json().key;
      other = await createOrganisation(t, 'Other College', 'owner@other.test');
    });
    afterAll(async () => {
      await t?.close();
    });

    const post = (url: string, payload: unknown, apiKey?: string): Promise<LightMyRequestResponse> =>
      t.app.inject({ method: 'POST', url, payload: payload as object, ...(apiKey ? { headers: bearer(apiKey) } : {}) });
    const issue = (credential: JsonObject, options?: JsonObject, apiKey = key) => post('/credentials/issue', { credential, ...(options ? { options } : {}) }, apiKey);
    const verify = (credential: unknown) => post('/credentials/verify', { verifiableCredential: credential, options: { checks: ['proof'] } });
    const setStatus = (credentialId: unknown, statusPurpose: string, status: boolean, apiKey = key) =>
      post('/credentials/status', { credentialId, credentialStatus: { type: 'BitstringStatusListEntry', statusPurpose }, status }, apiKey);
    const pointers = (response: LightMyRequestResponse) => (response.json().errors as { pointer: string }[]).map((e) => e.pointer);

    for (const { version, context, from, until } of VERSIONS) {
      const minimal = (): JsonObject => ({
        '@context': [context, { ExampleCredential: 'https://example.org/vocab#ExampleCredential', name: 'https://schema.org/name' }],
        type: ['VerifiableCredential', 'ExampleCredential'],
        credentialSubject: { id: 'did:example:learner', name: 'Ana' },
      });

      describe(`VC ${version}`, () => {
        let issued: JsonObject;

        it('signs what it is given: issuer, id and issue date filled in, no status entry and no context added unasked', async () => {
          const response = await issue(minimal());
          expect(response.statusCode).toBe(201);
          const plain = response.json().verifiableCredential as JsonObject;
          expect(plain.credentialStatus).toBeUndefined();
          // Only the proof's own context, which Data Integrity §2.4 adds where the base context lacks it (VC 1.1).
          expect(plain['@context']).toEqual([...(minimal()['@context'] as unknown[]), ...(version === '1.1' ? [CONTEXTS.DATA_INTEGRITY_V2] : [])]);
          expect(plain.issuer).toBe(org.issuerDid);
          const row = await t.runtime.ctx.db.selectFrom('credentials').selectAll().where('credential_url', '=', plain.id as string).executeTakeFirstOrThrow();
          expect(row).toMatchObject({ revocation_list_id: null, suspension_list_id: null });
          expect((await verify(plain)).statusCode).toBe(200);
        });

        it('options.credentialStatus adds one entry per purpose asked for (revocation when none is named); 201 {verifiableCredential}', async () => {
          const revocationOnly = (await issue(minimal(), { credentialStatus: { type: 'BitstringStatusListEntry' } })).json().verifiableCredential as JsonObject;
          expect(revocationOnly.credentialStatus).toMatchObject({ type: 'BitstringStatusListEntry', statusPurpose: 'revocation' });
          // The status context only where the data model needs it: VC 2.0's base context defines the entry.
          expect((revocationOnly['@context'] as string[]).includes(CONTEXTS.STATUS_LIST_V1)).toBe(version === '1.1');

          const response = await issue(minimal(), { credentialStatus: { type: 'BitstringStatusListEntry', statusPurpose: ['revocation', 'suspension'] } });
          expect(response.statusCode).toBe(201);
          expect(Object.keys(response.json())).toEqual(['verifiableCredential']);
          issued = response.json().verifiableCredential;
          expect(issued.issuer).toBe(org.issuerDid);
          expect(issued.id).toMatch(/^urn:uuid:[0-9a-f-]{36}$/);
          expect(Date.parse(issued[from] as string)).toBe(Math.floor(clock / 1000) * 1000);
          const status = issued.credentialStatus as JsonObject[];
          expect(status.map((s) => [s.type, s.statusPurpose])).toEqual([['BitstringStatusListEntry', 'revocation'], ['BitstringStatusListEntry', 'suspension']]);
          expect(String(status[0]!.statusListCredential)).toMatch(new RegExp(`^${TEST_PUBLIC_URL}/status/`));
          expect(issued.proof).toMatchObject({ type: 'DataIntegrityProof', cryptosuite: 'eddsa-rdfc-2022', proofPurpose: 'assertionMethod' });
          const row = await t.runtime.ctx.db.selectFrom('credentials').selectAll().where('credential_url', '=', issued.id as string).executeTakeFirstOrThrow();
          expect(row).toMatchObject({ organisation_id: org.organisationId, issuer_id: org.issuerId, achievement_id: null, format: 'ldp', status: 'active', recipient_did: 'did:example:learner' });
          expect(JSON.parse(row.document)).toEqual(issued);

          for (const [bad, pointer] of [[{ type: 'BitstringStatusListEntry', statusPurpose: 'refresh' }, '/options/credentialStatus/statusPurpose'], [{ type: 'BitstringStatusListEntry', statusPurpose: ['revocation', 'revocation'] }, '/options/credentialStatus/statusPurpose']] as const) {
            const refused = await issue(minimal(), { credentialStatus: bad });
            expect(refused.statusCode).toBe(400);
            expect(pointers(refused)).toEqual([pointer]);
          }
        });

        it('what it issues verifies: 200 with every check, no errors', async () => {
          const response = await verify(issued);
          expect(response.statusCode).toBe(200);
          const body = response.json();
          expect(body.verified).toBe(true);
          expect(body.errors).toEqual([]);
          expect(body.checks.map((c: { check: string }) => c.check)).toEqual(expect.arrayContaining(['proof', 'issuer-key', 'status', 'validity']));
          expect(body.checks.find((c: { check: string }) => c.check === 'status').outcome).toBe('passed');
        });

        it('the reference library verifies it, given the DID document from /issuers/:id/did.json, and reads its status', async () => {
          const documentLoader = appDocumentLoader(t);
          const suite = new DataIntegrityProof({ cryptosuite: eddsaRdfc2022Cryptosuite });
          const result = await vc.verifyCredential({
            credential: issued, suite, documentLoader, now: new Date(clock),
            checkStatus: (options: { credential: JsonObject }) => checkStatus({ ...options, documentLoader, suite }),
          });
          expect(result.error).toBeUndefined();
          expect(result.verified).toBe(true);
          const status = await checkStatus({ credential: issued, documentLoader, suite });
          expect(status.results!.map((r) => r.status)).toEqual([false, false]);
        });

        it('a changed credential does not verify: 400 with the failed checks as errors', async () => {
          const tampered = { ...issued, credentialSubject: { id: 'did:example:learner', name: 'Mallory' } };
          const response = await verify(tampered);
          expect(response.statusCode).toBe(400);
          expect(response.json().verified).toBe(false);
          expect(response.json().errors.map((e: { title: string }) => e.title)).toContain('proof');
        });

        it('issuer given as a string or as an object {id, name}; another organisation’s issuer is refused', async () => {
          const asString = await issue({ ...minimal(), issuer: org.issuerDid });
          expect(asString.statusCode).toBe(201);
          expect(asString.json().verifiableCredential.issuer).toBe(org.issuerDid);
          const asObject = await issue({ ...minimal(), issuer: { id: org.issuerDid, name: 'University of Testing' } });
          expect(asObject.statusCode).toBe(201);
          const signed = asObject.json().verifiableCredential;
          expect(signed.issuer).toEqual({ id: org.issuerDid, name: 'University of Testing' });
          expect((await verify(signed)).statusCode).toBe(200);
          const foreign = await issue({ ...minimal(), issuer: other.issuerDid });
          expect(foreign.statusCode).toBe(400);
          expect(pointers(foreign)).toEqual(['/credential/issuer']);
          const foreignObject = await issue({ ...minimal(), issuer: { id: other.issuerDid, name: 'x' } });
          expect(pointers(foreignObject)).toEqual(['/credential/issuer/id']);
          const notUrl = await issue({ ...minimal(), issuer: 'University' });
          expect(notUrl.statusCode).toBe(400);
          expect(pointers(notUrl)).toEqual(['/credential/issuer']);
        });

        it('rejects malformed credentials with 400 naming the member and the rule', async () => {
          const countRows = async () => (await t.runtime.ctx.db.selectFrom('credentials').select('id').where('organisation_id', '=', org.organisationId).execute()).length;
          const before = await countRows();
          const cases: [string, JsonObject, string][] = [
            ['first @context', { ...minimal(), '@context': ['https://example.org/other', context] }, '/credential/@context/0'],
            ['type without VerifiableCredential', { ...minimal(), type: ['ExampleCredential'] }, '/credential/type'],
            ['no credentialSubject', (() => { const c = minimal(); delete c.credentialSubject; return c; })(), '/credential/credentialSubject'],
            ['credentialSubject not an object', { ...minimal(), credentialSubject: 'Ana' }, '/credential/credentialSubject'],
            ['credentialSubject with no claim', { ...minimal(), credentialSubject: {} }, '/credential/credentialSubject'],
            ['date that is not an XML datetime', { ...minimal(), [from]: '1 January 2026' }, `/credential/${from}`],
            ['expiry before start', { ...minimal(), [from]: '2026-01-02T00:00:00Z', [until]: '2026-01-01T00:00:00Z' }, `/credential/${until}`],
            ['id not a URL', { ...minimal(), id: 'not a url' }, '/credential/id'],
            ['credentialSchema without type', { ...minimal(), credentialSchema: { id: 'https://example.org/schema.json' } }, '/credential/credentialSchema/type'],
            ['credentialSchema without id', { ...minimal(), credentialSchema: [{ type: 'JsonSchema' }] }, '/credential/credentialSchema/0/id'],
            ['refreshService without id', { ...minimal(), refreshService: { type: 'ManualRefreshService2018' } }, '/credential/refreshService/id'],
            ['refreshService without type', { ...minimal(), refreshService: { id: 'https://example.org/refresh' } }, '/credential/refreshService/type'],
            ['relatedResource without digest', { ...minimal(), relatedResource: [{ id: 'https://example.org/logo.png' }] }, '/credential/relatedResource/0'],
            ['relatedResource without id', { ...minimal(), relatedResource: { digestSRI: 'sha384-abc' } }, '/credential/relatedResource/id'],
            ['evidence without type', { ...minimal(), evidence: [{ id: 'https://example.org/evidence/1' }] }, '/credential/evidence/0/type'],
            ['termsOfUse without type', { ...minimal(), termsOfUse: { id: 'https://example.org/tou' } }, '/credential/termsOfUse/type'],
            ['credentialStatus without type', { ...minimal(), credentialStatus: { id: 'https://example.org/status/1#3' } }, '/credential/credentialStatus/type'],
            ['credentialStatus id not a URL', { ...minimal(), credentialStatus: { id: 'status 3', type: 'ExampleStatus' } }, '/credential/credentialStatus/id'],
          ];
          for (const [name, credential, pointer] of cases) {
            const response = await issue(credential);
            expect(response.statusCode, name).toBe(400);
            expect(response.headers['content-type'], name).toContain('application/problem+json');
            expect(pointers(response), name).toContain(pointer);
            expect(response.json().detail, name).toBeTruthy();
          }
          // A term no context defines would be left unsigned (JSON-LD safe mode): 400 naming it.
          const undefinedTerm = await issue({ ...minimal(), type: ['VerifiableCredential', 'UndefinedCredentialType'] });
          expect(undefinedTerm.statusCode).toBe(400);
          expect(undefinedTerm.json().detail).toContain('UndefinedCredentialType');
          // The contexts: entries that are neither URLs nor objects, a context this server cannot
          // load (it never fetches contexts), a redefined protected term.
          for (const [entry, pointer] of [['https ://not-a-url/v1', '/credential/@context/1'], [123, '/credential/@context/1']] as const) {
            const response = await issue({ ...minimal(), '@context': [context, entry] });
            expect(response.statusCode).toBe(400);
            expect(pointers(response)).toContain(pointer);
          }
          const unknownContext = await issue({ ...minimal(), '@context': [context, 'https://example.org/contexts/unknown/v1'] });
          expect(unknownContext.statusCode).toBe(400);
          expect(unknownContext.json().detail).toContain('https://example.org/contexts/unknown/v1');
          const redefined = await issue({ ...minimal(), '@context': [context, { VerifiableCredential: 'https://example.org/#BadVerifiableCredential' }] });
          expect(redefined.statusCode).toBe(400);
          // The request itself: not an object, unknown member.
          expect((await post('/credentials/issue', { credential: 'text' }, key)).statusCode).toBe(400);
          expect(pointers(await post('/credentials/issue', { credential: minimal(), extra: 1 }, key))).toEqual(['/extra']);
          // Nothing half-issued is left behind by refused requests.
          expect(await countRows()).toBe(before);
        });

        it('a message status of statusSize bits (Bitstring Status List §2.1): issued on request, its value set through /credentials/status and read back with its statusMessage', async () => {
          const statusMessage = [
            { status: '0x0', message: 'pending_review' },
            { status: '0x1', message: 'accepted' },
            { status: '0x2', message: 'rejected' },
            { status: '0x3', message: 'undefined' },
          ];
          const statusReference = 'https://university.example/status-dictionary/';
          const response = await issue(minimal(), { credentialStatus: { type: 'BitstringStatusListEntry', statusPurpose: ['revocation', 'message'], statusSize: 2, statusMessage, statusReference } });
          expect(response.statusCode, response.body).toBe(201);
          const credential = response.json().verifiableCredential as JsonObject;
          const [revocation, message] = credential.credentialStatus as JsonObject[];
          expect(revocation).toMatchObject({ statusPurpose: 'revocation' });
          expect(revocation).not.toHaveProperty('statusSize');
          expect(message).toMatchObject({ type: 'BitstringStatusListEntry', statusPurpose: 'message', statusSize: 2, statusMessage, statusReference });
          expect(message!.statusListIndex).toMatch(/^\d+$/);
          // A list of its own, published with 2-bit entries and the message purpose.
          expect(message!.statusListCredential).not.toBe(revocation!.statusListCredential);
          const listPath = new URL(message!.statusListCredential as string).pathname;
          const published = (await t.app.inject({ method: 'GET', url: listPath })).json() as JsonObject;
          expect((published.credentialSubject as JsonObject).statusPurpose).toBe('message');

          const statusOf = async () => {
            const verified = await verify(credential);
            const check = (verified.json().checks as { check: string; details?: { entries: JsonObject[] } }[]).find((c) => c.check === 'status')!;
            return { code: verified.statusCode, entry: check.details!.entries.find((e) => e.statusPurpose === 'message')! };
          };
          expect(await statusOf()).toMatchObject({ code: 200, entry: { status: 0, statusMessage: 'pending_review', statusReference: [statusReference] } });
          const set = await post('/credentials/status', { credentialId: credential.id, credentialStatus: { type: 'BitstringStatusListEntry', statusPurpose: 'message' }, status: 2 }, key);
          expect(set.statusCode, set.body).toBe(200);
          expect(set.json()).toEqual({ credentialId: credential.id, status: 'active', message: 2 });
          later();
          // A message informs; it does not revoke: still verified, with the issuer's message for the value.
          expect(await statusOf()).toMatchObject({ code: 200, entry: { status: 2, valid: false, statusMessage: 'rejected' } });
          const { decodeStatusList } = await import('../../src/vc/status/bitstring.ts');
          const relisted = (await t.app.inject({ method: 'GET', url: listPath })).json() as JsonObject;
          const decoded = decodeStatusList({ encodedList: (relisted.credentialSubject as JsonObject).encodedList, statusSize: 2 });
          expect(decoded.ok && decoded.list.get(Number(message!.statusListIndex))).toBe(2);

          // Out of range for 2 bits; a message on a credential that has none.
          const tooBig = await post('/credentials/status', { credentialId: credential.id, credentialStatus: { type: 'BitstringStatusListEntry', statusPurpose: 'message' }, status: 4 }, key);
          expect(tooBig.statusCode).toBe(400);
          expect(pointers(tooBig)).toEqual(['/status']);
          const plain = (await issue(minimal(), { credentialStatus: { type: 'BitstringStatusListEntry' } })).json().verifiableCredential as JsonObject;
          expect((await post('/credentials/status', { credentialId: plain.id, credentialStatus: { type: 'BitstringStatusListEntry', statusPurpose: 'message' }, status: 1 }, key)).statusCode).toBe(409);

          const refusals: [JsonObject, string][] = [
            [{ statusPurpose: 'message', statusSize: 2, statusMessage: statusMessage.slice(0, 2) }, '/options/credentialStatus/statusMessage'],
            [{ statusPurpose: 'message', statusSize: 2 }, '/options/credentialStatus/statusMessage'],
            [{ statusPurpose: 'message', statusSize: 1, statusReference: 'not a url' }, '/options/credentialStatus/statusReference'],
            [{ statusPurpose: 'revocation', statusSize: 2, statusMessage }, '/options/credentialStatus/statusSize'],
            [{ statusPurpose: 'message', statusSize: 9 }, '/options/credentialStatus/statusSize'],
          ];
          for (const [options, pointer] of refusals) {
            const refused = await issue(minimal(), { credentialStatus: { type: 'BitstringStatusListEntry', ...options } });
            expect(refused.statusCode, JSON.stringify(options)).toBe(400);
            expect(pointers(refused)[0], JSON.stringify(options)).toBe(pointer);
          }
        });

        it('issues without status when asked, refuses other status types', async () => {
          const none = await issue(minimal(), { credentialStatus: false });
          expect(none.statusCode).toBe(201);
          expect(none.json().verifiableCredential.credentialStatus).toBeUndefined();
          const explicit = await issue(minimal(), { credentialStatus: { type: 'BitstringStatusListEntry', statusPurpose: 'suspension' }, mandatoryPointers: ['/issuer'] });
          expect(explicit.statusCode).toBe(201);
          expect(explicit.json().verifiableCredential.credentialStatus).toMatchObject({ statusPurpose: 'suspension' });
          const wrong = await issue(minimal(), { credentialStatus: { type: 'StatusList2021Entry' } });
          expect(wrong.statusCode).toBe(400);
          expect(pointers(wrong)).toEqual(['/options/credentialStatus/type']);
          // Without status entries, /credentials/status has nothing to change.
          const unmanaged = await setStatus(none.json().verifiableCredential.id, 'revocation', true);
          expect(unmanaged.statusCode).toBe(409);
        });

        it('validates a credentialStatus the caller brings: known type, index a non-negative integer string, one of this issuer\'s lists here with the same purpose, a free position', async () => {
          const statusContext = version === '1.1' ? [CONTEXTS.STATUS_LIST_V1] : [];
          const withStatus = (credentialStatus: unknown): JsonObject => ({ ...minimal(), '@context': [...(minimal()['@context'] as unknown[]), ...statusContext], credentialStatus } as JsonObject);
          // A list of this issuer, and a position in it, from a credential issued with status.
          const donor = (await issue(minimal(), { credentialStatus: { type: 'BitstringStatusListEntry', statusPurpose: ['revocation', 'suspension'] } })).json().verifiableCredential as JsonObject;
          const [revocationEntry, suspensionEntry] = donor.credentialStatus as JsonObject[];
          const listUrl = revocationEntry!.statusListCredential as string;
          const taken = Number(revocationEntry!.statusListIndex);
          const free = String((taken + 1) % 131_072);
          const entry = (extra: JsonObject) => ({ type: 'BitstringStatusListEntry', statusPurpose: 'revocation', statusListCredential: listUrl, statusListIndex: free, ...extra });

          const refusals: [string, unknown, string, number][] = [
            ['statusListIndex true', entry({ statusListIndex: true }), '/credential/credentialStatus/statusListIndex', 400],
            ['statusListIndex a number', entry({ statusListIndex: 5 }), '/credential/credentialStatus/statusListIndex', 400],
            ['statusListIndex negative', entry({ statusListIndex: '-1' }), '/credential/credentialStatus/statusListIndex', 400],
            ['statusListIndex with leading zero', entry({ statusListIndex: '007' }), '/credential/credentialStatus/statusListIndex', 400],
            ['a list anywhere', entry({ statusListCredential: 'https://evil.example/status/1' }), '/credential/credentialStatus/statusListCredential', 400],
            ['a list of another issuer', entry({ statusListCredential: `${TEST_PUBLIC_URL}/status/00000000-0000-8000-8000-000000000000` }), '/credential/credentialStatus/statusListCredential', 400],
            ['the revocation list named for suspension', entry({ statusPurpose: 'suspension' }), '/credential/credentialStatus/statusPurpose', 400],
            ['an unknown purpose', entry({ statusPurpose: 'whatever' }), '/credential/credentialStatus/statusPurpose', 400],
            ['an unknown type', entry({ type: 'StatusList2021Entry' }), '/credential/credentialStatus/type', 400],
            ['beyond the list', entry({ statusListIndex: '131072' }), '/credential/credentialStatus/statusListIndex', 400],
            ['a position another credential holds', entry({ statusListIndex: String(taken) }), '/credential/credentialStatus/statusListIndex', 409],
            ['the id is the list\'s URL', entry({ id: listUrl }), '/credential/credentialStatus/id', 400],
            ['two revocation entries', [entry({}), entry({ statusListIndex: String((taken + 2) % 131_072) })], '/credential/credentialStatus/1/statusPurpose', 400],
          ];
          for (const [name, credentialStatus, pointer, code] of refusals) {
            const response = await issue(withStatus(credentialStatus));
            expect(response.statusCode, name).toBe(code);
            expect(response.headers['content-type'], name).toMatch(/problem\+json/);
            expect(pointers(response), name).toEqual([pointer]);
          }
          const both = await issue(withStatus(entry({})), { credentialStatus: { type: 'BitstringStatusListEntry' } });
          expect(both.statusCode).toBe(400);
          expect(pointers(both)).toEqual(['/options/credentialStatus']);

          // A well-formed entry at a free position of this issuer's list is signed, and its status can be changed.
          const accepted = await issue(withStatus([entry({ id: `${listUrl}#${free}` }), { ...suspensionEntry, statusListIndex: String((Number(suspensionEntry!.statusListIndex) + 1) % 131_072), id: undefined }].map((e) => JSON.parse(JSON.stringify(e)))));
          expect(accepted.statusCode, accepted.body).toBe(201);
          const mine = accepted.json().verifiableCredential as JsonObject;
          expect((mine.credentialStatus as JsonObject[])[0]).toMatchObject({ statusListIndex: free, statusListCredential: listUrl });
          expect((await verify(mine)).statusCode).toBe(200);
          expect((await setStatus(mine.id, 'revocation', true)).json().status).toBe('revoked');
          later();
          expect((await verify(mine)).statusCode).toBe(400);
          // The position is now this credential's: nobody else may name it.
          expect((await issue(withStatus(entry({})))).statusCode).toBe(409);
        });

        it('options.format: eddsa-jcs-2022, or a VC-JWT answered as an EnvelopedVerifiableCredential', async () => {
          const jcs = await issue(minimal(), { format: 'eddsa-jcs-2022', credentialStatus: { type: 'BitstringStatusListEntry' } });
          expect(jcs.statusCode).toBe(201);
          expect(jcs.json().verifiableCredential.proof.cryptosuite).toBe('eddsa-jcs-2022');
          expect((await verify(jcs.json().verifiableCredential)).statusCode).toBe(200);

          const jwt = await issue(minimal(), { format: 'vc-jwt', credentialStatus: { type: 'BitstringStatusListEntry' } });
          expect(jwt.statusCode).toBe(201);
          const enveloped = jwt.json().verifiableCredential;
          expect(enveloped).toMatchObject({ '@context': [CONTEXTS.CREDENTIALS_V2], type: 'EnvelopedVerifiableCredential' });
          expect(enveloped.id).toMatch(/^data:application\/vc\+jwt,[\w-]+\.[\w-]+\.[\w-]+$/);
          const token = enveloped.id.slice('data:application/vc+jwt,'.length);
          const row = await t.runtime.ctx.db.selectFrom('credentials').select(['format', 'document', 'credential_url']).where('document', '=', token).executeTakeFirstOrThrow();
          expect(row.format).toBe('jwt');
          expect((await verify(enveloped)).statusCode).toBe(200);
          expect((await verify(token)).statusCode).toBe(200);
          expect((await setStatus(row.credential_url, 'revocation', true)).statusCode).toBe(200);
          later();
          const revoked = await verify(token);
          expect(revoked.statusCode).toBe(400);
          expect(revoked.json().errors.map((e: { title: string }) => e.title)).toContain('status');

          const unknown = await issue(minimal(), { format: 'rsa-2048' });
          expect(unknown.statusCode).toBe(400);
          expect(pointers(unknown)[0]).toMatch(/^\/options\/format/);
        });

        it('a given id is kept; issuing the same id twice is a conflict', async () => {
          const id = `https://example.org/credentials/${version}-${Date.now()}`;
          const first = await issue({ ...minimal(), id });
          expect(first.statusCode).toBe(201);
          expect(first.json().verifiableCredential.id).toBe(id);
          const again = await issue({ ...minimal(), id });
          expect(again.statusCode).toBe(409);
          // At the same moment: one is issued, the other is a conflict (never a 500).
          const raced = await Promise.all([issue({ ...minimal(), id: `${id}-raced` }), issue({ ...minimal(), id: `${id}-raced` })]);
          expect(raced.map((r) => r.statusCode).sort()).toEqual([201, 409]);
        });

        it('POST /credentials/status: revoke (final), suspend and reinstate by the credential id; verification follows', async () => {
          const both = { credentialStatus: { type: 'BitstringStatusListEntry', statusPurpose: ['revocation', 'suspension'] } };
          const one = (await issue(minimal(), both)).json().verifiableCredential;
          const two = (await issue(minimal(), both)).json().verifiableCredential;

          const revoked = await setStatus(one.id, 'revocation', true);
          expect(revoked.statusCode).toBe(200);
          expect(revoked.json()).toEqual({ credentialId: one.id, status: 'revoked' });
          later();
          const afterRevocation = await verify(one);
          expect(afterRevocation.statusCode).toBe(400);
          expect(afterRevocation.json().errors.find((e: { title: string }) => e.title === 'status').detail).toContain('revoked');
          expect((await setStatus(one.id, 'revocation', false)).statusCode).toBe(409);
          expect((await setStatus(one.id, 'revocation', true)).statusCode).toBe(409);
          expect((await setStatus(one.id, 'suspension', false)).statusCode).toBe(409);

          expect((await setStatus(two.id, 'revocation', false)).json().status).toBe('active'); // nothing to undo
          expect((await setStatus(two.id, 'suspension', true)).json()).toEqual({ credentialId: two.id, status: 'suspended' });
          expect((await setStatus(two.id, 'suspension', true)).json().status).toBe('suspended'); // already so
          later();
          const suspended = await verify(two);
          expect(suspended.statusCode).toBe(400);
          expect(suspended.json().errors.find((e: { title: string }) => e.title === 'status').detail).toContain('suspended');
          expect((await setStatus(two.id, 'suspension', false)).json().status).toBe('active');
          later();
          expect((await verify(two)).statusCode).toBe(200);

          // The reference library reads the revocation from the published list too.
          const documentLoader = appDocumentLoader(t);
          const suite = new DataIntegrityProof({ cryptosuite: eddsaRdfc2022Cryptosuite });
          const status = await checkStatus({ credential: one, documentLoader, suite });
          expect(status.results!.map((r) => [r.credentialStatus.statusPurpose, r.status])).toEqual([['revocation', true], ['suspension', false]]);
          const audit = await t.runtime.ctx.db.selectFrom('audit_log').select('action').where('organisation_id', '=', org.organisationId).where('action', 'like', 'credential.%').execute();
          expect(audit.map((a) => a.action)).toEqual(expect.arrayContaining(['credential.issue', 'credential.revoke', 'credential.suspend', 'credential.reinstate']));
        });
      });
    }

    it('issue and status need an organisation API key with the right scope', async () => {
      const credential = { '@context': [CONTEXTS.CREDENTIALS_V2], type: ['VerifiableCredential'], credentialSubject: { id: 'did:example:x' } };
      expect((await post('/credentials/issue', { credential })).statusCode).toBe(401);
      expect((await post('/credentials/issue', { credential }, 'mck_not-a-key')).statusCode).toBe(401);
      expect((await issue(credential, undefined, readOnlyKey)).statusCode).toBe(403);
      const session = await org.owner.request('POST', '/credentials/issue', { credential });
      expect(session.statusCode).toBe(403);
      expect(session.json().detail).toContain('API key');
      // Another organisation's key issues with its own issuer, and cannot name ours.
      const theirs = await issue(credential, undefined, other.apiKey);
      expect(theirs.statusCode).toBe(201);
      expect(theirs.json().verifiableCredential.issuer).toBe(other.issuerDid);
      expect((await issue({ ...credential, issuer: org.issuerDid }, undefined, other.apiKey)).statusCode).toBe(400);
    });

    it('status changes: a stranger’s key gets 404, a key without the status scope 403, an unknown id 404, bad input 400', async () => {
      const mine = (await issue({ '@context': [CONTEXTS.CREDENTIALS_V2], type: ['VerifiableCredential'], credentialSubject: { id: 'did:example:y' } })).json().verifiableCredential;
      expect((await setStatus(mine.id, 'revocation', true, other.apiKey)).statusCode).toBe(404);
      expect((await setStatus(mine.id, 'revocation', true, readOnlyKey)).statusCode).toBe(403);
      expect((await post('/credentials/status', { credentialId: mine.id, credentialStatus: { type: 'BitstringStatusListEntry', statusPurpose: 'revocation' }, status: true })).statusCode).toBe(401);
      expect((await setStatus('urn:uuid:00000000-0000-4000-8000-000000000000', 'revocation', true)).statusCode).toBe(404);
      // message is a purpose (Bitstring Status List §2.1), but this credential was issued without one.
      expect((await setStatus(mine.id, 'message', true)).statusCode).toBe(409);
      expect((await setStatus(mine.id, 'refresh', true)).statusCode).toBe(400);
      const wrongType = await post('/credentials/status', { credentialId: mine.id, credentialStatus: { type: 'StatusList2021Entry', statusPurpose: 'revocation' }, status: true }, key);
      expect(wrongType.statusCode).toBe(400);
      expect(pointers(wrongType)).toEqual(['/credentialStatus/type']);
      expect((await post('/credentials/status', { credentialId: mine.id, credentialStatus: { type: 'BitstringStatusListEntry', statusPurpose: 'revocation' } }, key)).statusCode).toBe(400);
      // Still active: none of the refused calls changed it.
      const row = await t.runtime.ctx.db.selectFrom('credentials').select('status').where('credential_url', '=', mine.id).executeTakeFirstOrThrow();
      expect(row.status).toBe('active');
    });

    it('verifies credentials of any Ed25519 did:key issuer offline, and refuses what is not a credential', async () => {
      const issuerKey = generateDidKey(new Uint8Array(32).fill(9));
      const engine = createEngine();
      const foreign = await engine.sign({
        credential: { '@context': [CONTEXTS.CREDENTIALS_V2], type: ['VerifiableCredential'], issuer: issuerKey.controller, validFrom: '2025-01-01T00:00:00Z', credentialSubject: { name: 'no id at all' } },
        signer: signerFromMultikey(issuerKey),
      });
      const ok = await verify(foreign);
      expect(ok.statusCode).toBe(200);
      expect(ok.json().errors).toEqual([]);
      // A generic VC need not identify its subject; that badge rule is only a warning here.
      expect(ok.json().warnings.map((w: { title: string }) => w.title)).toContain('subject');
      const unsigned = await verify({ '@context': [CONTEXTS.CREDENTIALS_V2], type: ['VerifiableCredential'], issuer: issuerKey.controller, credentialSubject: { id: 'did:example:z' } });
      expect(unsigned.statusCode).toBe(400);
      expect(unsigned.json().errors.map((e: { title: string }) => e.title)).toContain('proof');
      const text = await verify('not a credential');
      expect(text.statusCode).toBe(400);
      expect(text.json().verified).toBe(false);
      const missing = await post('/credentials/verify', { options: {} });
      expect(missing.statusCode).toBe(400);
      expect(pointers(missing)).toEqual(['/verifiableCredential']);
      expect((await post('/credentials/verify', { verifiableCredential: 42 })).statusCode).toBe(400);
    });

    describe('POST /presentations/verify', () => {
      const holder = generateDidKey(new Uint8Array(32).fill(3));
      let credential: JsonObject;
      const sign = (presentation: JsonObject, challenge: string, domain?: string) =>
        signPresentation({ presentation, signer: signerFromMultikey(holder), documentLoader: t.runtime.ctx.engine.documentLoader, now: new Date(clock), challenge, ...(domain ? { domain } : {}) });
      const verifyVp = (verifiablePresentation: unknown, options?: JsonObject) => post('/presentations/verify', { verifiablePresentation, ...(options ? { options } : {}) });

      beforeAll(async () => {
        credential = (await issue({ '@context': [CONTEXTS.CREDENTIALS_V2], type: ['VerifiableCredential'], credentialSubject: { id: holder.controller } })).json().verifiableCredential;
      });

      it('a signed presentation verifies with its challenge and domain; a wrong one does not', async () => {
        const vp = await sign(createPresentation({ credentials: [credential], holder: holder.controller }), 'nonce-123', 'verifier.example');
        const ok = await verifyVp(vp, { challenge: 'nonce-123', domain: 'verifier.example' });
        expect(ok.statusCode).toBe(200);
        expect(ok.json().checks.map((c: { check: string; outcome: string }) => [c.check, c.outcome])).toEqual([['presentation', 'passed'], ['presentation-proof', 'passed'], ['credentials', 'passed']]);
        const wrongChallenge = await verifyVp(vp, { challenge: 'nonce-999', domain: 'verifier.example' });
        expect(wrongChallenge.statusCode).toBe(400);
        expect(wrongChallenge.json().errors[0].detail).toContain('challenge');
        const wrongDomain = await verifyVp(vp, { challenge: 'nonce-123', domain: 'evil.example' });
        expect(wrongDomain.statusCode).toBe(400);
        expect(wrongDomain.json().errors[0].detail).toContain('domain');
        // Without options the proof's own challenge is read, and the answer warns that it was not compared.
        const unchecked = await verifyVp(vp);
        expect(unchecked.statusCode).toBe(200);
        expect(unchecked.json().warnings.map((w: { title: string }) => w.title)).toContain('challenge');
        // A holder's key signing for someone else is refused.
        const impostor = await sign(createPresentation({ credentials: [credential], holder: 'did:example:someone-else' }), 'n');
        expect((await verifyVp(impostor, { challenge: 'n' })).statusCode).toBe(400);
        const tampered = { ...vp, holder: generateDidKey(new Uint8Array(32).fill(4)).controller };
        expect((await verifyVp(tampered, { challenge: 'nonce-123', domain: 'verifier.example' })).statusCode).toBe(400);
      });

      it('an unsigned presentation: every credential inside is verified', async () => {
        const ok = await verifyVp(createPresentation({ credentials: [credential] }));
        expect(ok.statusCode).toBe(200);
        expect(ok.json().checks.map((c: { check: string; outcome: string }) => [c.check, c.outcome])).toEqual([['presentation', 'passed'], ['presentation-proof', 'skipped'], ['credentials', 'passed']]);
        const bad = await verifyVp(createPresentation({ credentials: [credential, { ...credential, id: 'urn:uuid:changed' }] }));
        expect(bad.statusCode).toBe(400);
        expect(bad.json().errors.some((e: { detail: string }) => e.detail.startsWith('credential 2: '))).toBe(true);
        const empty = await verifyVp(createPresentation({ credentials: [] }));
        expect(empty.statusCode).toBe(200);
        expect(empty.json().warnings.map((w: { title: string }) => w.title)).toEqual(['credentials']);
      });

      it('a signed presentation with a revoked credential inside fails', async () => {
        const inner = (await issue({ '@context': [CONTEXTS.CREDENTIALS_V2], type: ['VerifiableCredential'], credentialSubject: { id: holder.controller } }, { credentialStatus: { type: 'BitstringStatusListEntry' } })).json().verifiableCredential;
        expect((await setStatus(inner.id, 'revocation', true)).statusCode).toBe(200);
        later();
        const vp = await sign(createPresentation({ credentials: [credential, inner], holder: holder.controller }), 'c-1');
        const response = await verifyVp(vp, { challenge: 'c-1' });
        expect(response.statusCode).toBe(400);
        expect(response.json().checks.find((c: { check: string }) => c.check === 'presentation-proof').outcome).toBe('passed');
        expect(response.json().errors.map((e: { detail: string }) => e.detail)).toEqual(expect.arrayContaining([expect.stringContaining('1 of 2 credentials'), expect.stringMatching(/^credential 2: .*revoked/)]));
      });

      it('refuses what is not a presentation', async () => {
        const notVp = await verifyVp({ type: ['VerifiableCredential'] });
        expect(notVp.statusCode).toBe(400);
        expect(notVp.json().errors[0].title).toBe('presentation');
        expect((await verifyVp('text')).statusCode).toBe(400);
        expect(pointers(await post('/presentations/verify', {}))).toEqual(['/verifiablePresentation']);
      });
    });
  });
}
