/**
 * Exports over HTTP on every dialect. The issuer's CLR 2.0: a ClrCredential of every active credential
 * the organisation issued to one address, valid against the 1EdTech JSON schema, verified by our
 * engine, by the reference library (@digitalbazaar/vc) and by the public verifier; roles, API keys and
 * other organisations. The learner's wallet zip: unzipped, each original byte for byte, the summary,
 * and a presentation signed by the learner's did:key that verifies; another learner sees none of it.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { DataIntegrityProof } from '@digitalbazaar/data-integrity';
import { cryptosuite as eddsaRdfc2022Cryptosuite } from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import * as vc from '@digitalbazaar/vc';
import Ajv2019Module from 'ajv/dist/2019.js';
import addFormatsModule from 'ajv-formats';
import { strFromU8, unzipSync } from 'fflate';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createExportService, slug, type ExportSummary } from '../../src/services/exports.ts';
import type { VerifierAnswer } from '../../src/services/verifier.ts';
import type { NewRow } from '../../src/store/schema.ts';
import { bakePng, bakeSvg } from '../../src/vc/baking/index.ts';
import { buildClrCredential } from '../../src/vc/clr.ts';
import { EU_CONTEXT_DIGEST_SRI } from '../../src/vc/contexts/index.ts';
import { buildAchievementCredential } from '../../src/vc/credential/build.ts';
import { matchesIdentity } from '../../src/vc/credential/identity.ts';
import { didKeyFromPublicKey } from '../../src/vc/did/did-key.ts';
import { createEd25519Signer, encodePublicKeyMultibase, generateEd25519 } from '../../src/vc/keys/ed25519.ts';
import type { JsonObject } from '../../src/vc/types.ts';
import { tinyPng } from '../fixtures/images/tiny-png.ts';
import { appDocumentLoader } from '../support/app-document-loader.ts';
import { bearer, createOrganisation, createTestApp, login, sessionFrom, signUpAndSignIn, type Session, type TestApp, inviteMember } from '../support/app.ts';
import { DIALECTS, warnIfPostgresSkipped } from '../support/db.ts';
import { issuingOrganisation } from './credentials-fixture.ts';
import { readStandard } from '../support/standards.ts';
import { expectOb3Conformant } from '../support/ob3-conformance.ts';

warnIfPostgresSkipped();

const CLR_SCHEMA = JSON.parse(readStandard('schemas/clr-v2p0/clr_v2p0_clrcredential_schema.json')) as object;
const ajv = new Ajv2019Module.default({ strict: false, allErrors: true });
addFormatsModule.default(ajv);
const validateClr = ajv.compile(CLR_SCHEMA);

describe('CLR builder and file names (pure)', () => {
  it('refuses a CLR without credentials or with unsigned ones, and slugs names for files', () => {
    const base = { id: 'urn:uuid:1', issuer: { id: 'did:example:issuer', type: ['Profile'], name: 'U' }, recipient: { email: 'a@b.example' }, validFrom: new Date('2026-01-01T00:00:00Z') };
    expect(() => buildClrCredential({ ...base, credentials: [] })).toThrow(TypeError);
    expect(() => buildClrCredential({ ...base, credentials: [{ id: 'x' }] })).toThrow(/signed credential/);
    const clr = buildClrCredential({ ...base, credentials: [{ id: 'x', proof: {}, credentialSubject: { achievement: { id: 'urn:a', name: 'A' } } }, { id: 'y', proof: {}, credentialSubject: { achievement: { id: 'urn:a', name: 'A' } } }] });
    const subject = clr.credentialSubject as JsonObject;
    expect(subject.achievement).toEqual([{ id: 'urn:a', name: 'A' }]);
    expect(subject.association).toEqual([]);
    expect(matchesIdentity({ identity: (subject.identifier as JsonObject[])[0], email: 'A@B.example' })).toBe(true);
    expect(slug('Données & Analyse — niveau 2!')).toBe('donnees-analyse-niveau-2');
    expect(slug('***')).toBe('credential');
    expect(slug('x'.repeat(100))).toHaveLength(48);
  });
});

for (const dialect of DIALECTS) {
  describe(`exports over HTTP (${dialect})`, () => {
    let testApp: TestApp;
    let org: Awaited<ReturnType<typeof issuingOrganisation>>;
    let clock = new Date('2026-05-04T08:00:00.000Z');
    const issued: { id: string; credential: JsonObject }[] = [];
    let revokedId: string;
    let readKey: string;
    let issueKey: string;

    const clrUrl = (email: string, orgId = org.organisationId) => `/api/v1/organisations/${orgId}/clr?email=${encodeURIComponent(email)}`;

    async function issue(email: string): Promise<{ id: string; credential: JsonObject }> {
      const response = await org.owner.request('POST', `/api/v1/organisations/${org.organisationId}/credentials`, { achievementId: org.achievementId, recipient: { email } });
      expect(response.statusCode, response.body).toBe(201);
      const { id } = response.json() as { id: string };
      return { id, credential: (await testApp.app.inject(`/credentials/${id}`)).json() as JsonObject };
    }

    beforeAll(async () => {
      testApp = await createTestApp(dialect, { now: () => clock });
      org = await issuingOrganisation(testApp);
      issued.push(await issue('ana@example.org'), await issue('Ana@Example.org'));
      await issue('bo@example.org');
      revokedId = (await issue('ana@example.org')).id;
      expect((await org.owner.request('POST', `/api/v1/credentials/${revokedId}/revoke`, { reason: 'Issued in error' })).statusCode).toBe(200);
      const keys = await Promise.all([['read'], ['issue']].map((scopes) => org.owner.request('POST', `/api/v1/organisations/${org.organisationId}/api-keys`, { name: scopes[0], scopes })));
      [readKey, issueKey] = keys.map((response) => (response.json() as { key: string }).key) as [string, string];
    });
    afterAll(async () => {
      await testApp?.close();
    });

    describe('CLR 2.0 for issuers', () => {
      let clr: JsonObject;

      it('is a signed ClrCredential of every active credential issued to the address, valid against the CLR 2.0 schema', async () => {
        const response = await org.owner.request('GET', clrUrl(' ANA@example.org'));
        expect(response.statusCode, response.body).toBe(200);
        expect(response.headers['content-type']).toMatch(/^application\/ld\+json/);
        clr = response.json() as JsonObject;
        expect(validateClr(clr), JSON.stringify(validateClr.errors)).toBe(true);
        expect(clr.type).toEqual(['VerifiableCredential', 'ClrCredential']);
        expect(clr['@context']).toEqual(['https://www.w3.org/ns/credentials/v2', 'https://purl.imsglobal.org/spec/clr/v2p0/context-2.0.1.json', 'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json', 'https://purl.imsglobal.org/spec/ob/v3p0/extensions.json', 'https://issuer.test/contexts/eu/v1']);
        // The EU context at the issuing instance is pinned by the digest of its bytes (VC 2.0 §5.3).
        expect(clr.relatedResource).toEqual([{ id: 'https://issuer.test/contexts/eu/v1', digestSRI: EU_CONTEXT_DIGEST_SRI, mediaType: 'application/ld+json' }]);
        expect((clr.issuer as JsonObject).id).toBe(org.issuerDid);
        const subject = clr.credentialSubject as JsonObject;
        // The two active ones (the revoked one and Bo's are left out).
        const embedded = subject.verifiableCredential as JsonObject[];
        expect(embedded).toHaveLength(2);
        // Issued at the same instant: in id order, so matched by id.
        expect(embedded.map((inner) => inner.id).sort()).toEqual(issued.map((entry) => entry.credential.id).sort());
        embedded.forEach((inner) => {
          // One status entry by default (what CLR 2.0 and OB 3.0 take): embedded verbatim, proof and all.
          const original = issued.find((entry) => entry.credential.id === inner.id)!.credential;
          expect((original.credentialStatus as JsonObject).statusPurpose).toBe('revocation');
          expect(inner).toEqual(original);
          expectOb3Conformant(inner, 'https://issuer.test');
        });
        for (const inner of embedded) {
          const alone = await testApp.runtime.ctx.engine.verify({ credential: inner });
          expect(alone.verified, JSON.stringify(alone.checks)).toBe(true);
          expect(alone.checks.find((check) => check.check === 'status')?.outcome).toBe('passed');
        }
        expect((subject.achievement as JsonObject[]).map((achievement) => achievement.name)).toEqual(['Data Literacy Essentials']);
        expect(subject.association).toEqual([]);
        expect(matchesIdentity({ identity: (subject.identifier as JsonObject[])[0], email: 'ana@example.org' })).toBe(true);
        expect(JSON.stringify(clr)).not.toContain('ana@example.org');
      });

      it('verifies with our engine (each credential inside too) and with the reference library', async () => {
        const ours = await testApp.runtime.ctx.engine.verify({ credential: clr, recipient: { email: 'ana@example.org' } });
        expect(ours.checks.filter((check) => check.outcome === 'failed'), JSON.stringify(ours.checks)).toEqual([]);
        expect(ours.verified).toBe(true);
        for (const name of ['structure', 'proof', 'issuer-key', 'credentials', 'recipient']) expect(ours.checks.find((check) => check.check === name)?.outcome, name).toBe('passed');

        const suite = new DataIntegrityProof({ cryptosuite: eddsaRdfc2022Cryptosuite });
        const reference = await vc.verifyCredential({ credential: clr, suite, documentLoader: appDocumentLoader(testApp), now: clock });
        expect(reference.error, JSON.stringify(reference.error)).toBeUndefined();
        expect(reference.verified).toBe(true);

        // A changed credential inside breaks both the CLR's signature and the inner one's.
        const tampered = structuredClone(clr);
        ((tampered.credentialSubject as JsonObject).verifiableCredential as JsonObject[])[0]!.name = 'Something else';
        const broken = await testApp.runtime.ctx.engine.verify({ credential: tampered });
        expect(broken.verified).toBe(false);
        expect(broken.checks.find((check) => check.check === 'proof')?.outcome).toBe('failed');
        expect(broken.checks.find((check) => check.check === 'credentials')?.outcome).toBe('failed');
        expect((await vc.verifyCredential({ credential: tampered, suite, documentLoader: appDocumentLoader(testApp), now: clock })).verified).toBe(false);
      });

      it('reads as a CLR in the public verifier, listing its credentials and the recipient match', async () => {
        const response = await testApp.app.inject({ method: 'POST', url: '/api/v1/verify', payload: { credential: clr, recipientEmail: 'ana@example.org' } });
        expect(response.statusCode, response.body).toBe(200);
        const answer = response.json() as VerifierAnswer;
        expect(answer).toMatchObject({ verified: true, standard: 'CLR 2.0', recipient: { outcome: 'match' }, issuer: { name: 'University of Testing' } });
        expect(answer.summary).toBe('This Comprehensive Learner Record “Comprehensive Learner Record from University of Testing”, issued by University of Testing, is authentic and valid.');
        expect(answer.credentials).toHaveLength(2);
        expect(answer.credentials![0]).toMatchObject({ name: 'Data Literacy Essentials', worth: { ects: 5, eqfLevel: 5 } });
      });

      it('shows a later revocation: the CLR of a revoked credential no longer verifies', async () => {
        const cy = await issue('cy@example.org');
        const response = await org.owner.request('GET', clrUrl('cy@example.org'));
        expect(response.statusCode, response.body).toBe(200);
        const cyClr = response.json() as JsonObject;
        expect((await testApp.runtime.ctx.engine.verify({ credential: cyClr })).verified).toBe(true);
        expect((await org.owner.request('POST', `/api/v1/credentials/${cy.id}/revoke`, { reason: 'Withdrawn' })).statusCode).toBe(200);
        clock = new Date(clock.getTime() + 3_600_000);
        const after = await testApp.runtime.ctx.engine.verify({ credential: cyClr });
        expect(after.verified).toBe(false);
        expect(after.checks.find((check) => check.check === 'credentials')?.message).toMatch(/revoked/i);
        // And a new CLR of that address has nothing to hold.
        expect((await org.owner.request('GET', clrUrl('cy@example.org'))).statusCode).toBe(404);
      });

      it('is for issuer roles and read API keys of the organisation only; records who made one, without the address', async () => {
        expect((await testApp.app.inject({ url: clrUrl('ana@example.org'), headers: bearer(readKey) })).statusCode).toBe(200);
        expect((await testApp.app.inject({ url: clrUrl('ana@example.org'), headers: bearer(issueKey) })).statusCode).toBe(403);
        expect((await testApp.app.inject({ url: clrUrl('ana@example.org') })).statusCode).toBe(401);
        const added = await inviteMember(testApp.app, org.owner, org.organisationId, { email: 'viewer@uni.test', role: 'viewer', password: 'member-password-1' });
        expect(added.statusCode).toBe(200);
        const viewer = await login(testApp.app, 'viewer@uni.test', 'member-password-1');
        expect((await viewer.request('GET', clrUrl('ana@example.org'))).statusCode).toBe(403);
        const other = await createOrganisation(testApp, 'Other College', 'owner@other.test');
        expect((await other.owner.request('GET', clrUrl('ana@example.org'))).statusCode).toBe(404);
        // The other organisation issued nothing to Ana: its own CLR of her is a 404 in words.
        const none = await other.owner.request('GET', clrUrl('ana@example.org', other.organisationId));
        expect(none.statusCode).toBe(404);
        expect((none.json() as { detail: string }).detail).toMatch(/active credential .* issued to that address/);

        const bad = await org.owner.request('GET', clrUrl('not-an-address'));
        expect(bad.statusCode).toBe(400);
        expect((bad.json() as { detail: string }).detail).toMatch(/email is not an e-mail address/);
        const missing = await org.owner.request('GET', `/api/v1/organisations/${org.organisationId}/clr`);
        expect(missing.statusCode).toBe(400);
        expect((missing.json() as { detail: string }).detail).toMatch(/email is required/);
        // Access comes before the address: another organisation learns nothing, with or without one.
        expect((await other.owner.request('GET', `/api/v1/organisations/${org.organisationId}/clr`)).statusCode).toBe(404);

        const entries = await testApp.runtime.ctx.db.selectFrom('audit_log').selectAll().where('action', '=', 'clr.export').execute();
        expect(entries.length).toBeGreaterThanOrEqual(2);
        expect(entries[0]!.organisation_id).toBe(org.organisationId);
        expect(JSON.stringify(entries)).not.toMatch(/example\.org/i);
      });
    });

    describe('the learner’s wallet export', () => {
      let ana: Session;
      let bo: Session;
      const originals: { name: string; type: string; format: string; standard: string; bytes: Uint8Array }[] = [];

      async function signup(email: string): Promise<Session> {
        const response = await signUpAndSignIn(testApp.app, { email, password: 'learner-password-1' });
        expect(response.statusCode, response.body).toBe(200);
        return sessionFrom(testApp.app, response);
      }

      /** A wallet row as the import would store it: the original as received (PNG as base64). */
      async function keep(session: Session, entry: (typeof originals)[number], status: 'verified' | 'invalid' = 'verified') {
        const original = entry.type === 'image/png' ? Buffer.from(entry.bytes).toString('base64') : new TextDecoder().decode(entry.bytes);
        const row: NewRow<'wallet_credentials'> = {
          id: randomUUID(), user_id: session.userId, source: 'upload', source_url: null, issued_credential_id: null,
          original_type: entry.type, original, format: entry.format, standard: entry.standard, document: null,
          credential_key: randomUUID(), proof_key: null, name: entry.name, description: null, issuer_id: org.issuerDid,
          issuer_name: 'University of Testing', image: null, issued_at: clock.toISOString(), valid_until: null,
          ects_centi: 500, eqf_level: 5, field: '0542', skills: JSON.stringify([{ label: 'Statistics' }]),
          search_text: entry.name.toLowerCase(), status, verification: '{}', verified_at: clock.toISOString(),
          added_at: new Date(clock.getTime() + originals.indexOf(entry) * 1000).toISOString(),
        };
        await testApp.runtime.ctx.db.insertInto('wallet_credentials').values(row).execute();
      }

      beforeAll(async () => {
        ana = await signup('ana.learner@example.org');
        bo = await signup('bo.learner@example.org');
        const [first, second] = issued.map((entry) => entry.credential) as [JsonObject, JsonObject];
        const { proof: _proof, ...unsigned } = first;
        const { signer } = await testApp.runtime.services.issuers.signing(org.issuerId);
        const jwt = await testApp.runtime.ctx.engine.sign({ credential: unsigned, signer, format: 'vc-jwt', now: clock }) as string;
        const encode = (text: string) => new TextEncoder().encode(text);
        originals.push(
          // Pretty-printed with a trailing newline and a non-ASCII name: kept byte for byte.
          { name: 'Data Literacy Essentials', type: 'application/json', format: 'ldp', standard: 'Open Badges 3.0', bytes: encode(`${JSON.stringify(first, null, 4)}\n`) },
          { name: 'Données <b>baked</b>', type: 'image/png', format: 'ldp', standard: 'Open Badges 3.0', bytes: bakePng({ image: tinyPng(), credential: second }) },
          { name: 'As a token', type: 'application/jwt', format: 'jwt', standard: 'Open Badges 3.0', bytes: encode(jwt) },
          { name: 'Token in a picture', type: 'image/svg+xml', format: 'jwt', standard: 'Open Badges 3.0', bytes: encode(bakeSvg({ svg: '<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"/>', credential: jwt })) },
          { name: 'Web Basics', type: 'application/json', format: 'ob2', standard: 'Open Badges 2.0', bytes: new Uint8Array(readFileSync(new URL('../fixtures/ob2/assertion-hosted.json', import.meta.url))) },
        );
        for (const entry of originals) await keep(ana, entry, entry.format === 'ob2' ? 'invalid' : 'verified');
      });

      async function unzip(response: LightMyRequestResponse): Promise<Record<string, Uint8Array>> {
        expect(response.statusCode, response.body).toBe(200);
        expect(response.headers['content-type']).toBe('application/zip');
        expect(response.headers['content-disposition']).toMatch(/^attachment; filename="microcred-wallet-2026-05-04\.zip"$/);
        return unzipSync(new Uint8Array(response.rawPayload));
      }

      it('holds every original byte for byte, a summary in JSON and HTML, and a presentation signed by the learner', async () => {
        const files = await unzip(await ana.request('GET', '/api/v1/wallet/export'));
        const names = Object.keys(files).sort();
        expect(names).toEqual([
          'credentials/01-data-literacy-essentials.json', 'credentials/02-donnees-b-baked-b.png', 'credentials/03-as-a-token.jwt',
          'credentials/04-token-in-a-picture.svg', 'credentials/05-web-basics.json', 'presentation.json', 'summary.html', 'summary.json',
        ]);
        const credentialFiles = names.filter((name) => name.startsWith('credentials/'));
        credentialFiles.forEach((name, index) => expect(Buffer.from(files[name]!).equals(Buffer.from(originals[index]!.bytes)), name).toBe(true));

        const summary = JSON.parse(strFromU8(files['summary.json']!)) as ExportSummary;
        const did = ((await ana.request('GET', '/api/v1/me/did')).json() as { did: string }).did;
        expect(did).toMatch(/^did:key:z6Mk/);
        expect(summary.holder).toBe(did);
        expect(summary.totals).toEqual({ credentials: 5, verified: 4, ects: 20, byField: [{ field: '0542', ects: 20 }], byLevel: [{ eqf: 5, ects: 20 }] });
        expect(summary.credentials.map((item) => [item.file, item.status, item.inPresentation])).toEqual([
          [credentialFiles[0], 'verified', true], [credentialFiles[1], 'verified', true], [credentialFiles[2], 'verified', true],
          [credentialFiles[3], 'verified', true], [credentialFiles[4], 'invalid', false],
        ]);
        expect(summary.credentials[0]).toMatchObject({ name: 'Data Literacy Essentials', issuer: 'University of Testing', ects: 5, eqfLevel: 5, skills: [{ label: 'Statistics' }] });

        const html = strFromU8(files['summary.html']!);
        expect(html).toContain('<html lang="en">');
        expect(html).toContain('Données &lt;b&gt;baked&lt;/b&gt;');
        expect(html).not.toContain('<b>baked</b>');
        expect(html).toContain(`href="${credentialFiles[1]}"`);
        expect(html).toContain('20 ECTS credits');

        const presentation = JSON.parse(strFromU8(files['presentation.json']!)) as JsonObject;
        expect(presentation.holder).toBe(did);
        const held = presentation.verifiableCredential as JsonObject[];
        expect(held).toHaveLength(4);
        expect(held[0]).toEqual(issued[0]!.credential);
        expect(held[1]).toEqual(issued[1]!.credential);
        expect(held[2]).toMatchObject({ type: 'EnvelopedVerifiableCredential', id: `data:application/vc+jwt,${strFromU8(originals[2]!.bytes)}` });
        expect(held[3]!.type).toBe('EnvelopedVerifiableCredential');
        const { challenge, domain } = summary.presentation;
        expect(domain).toBe('https://issuer.test');
        const result = await testApp.runtime.ctx.engine.verifyPresentation({ presentation, challenge, domain });
        expect(result.checks.filter((check) => check.outcome === 'failed'), JSON.stringify(result.checks)).toEqual([]);
        expect(result.verified).toBe(true);
        expect(result.credentials.map((entry) => entry.verified)).toEqual([true, true, true, true]);
        // The signature covers the credentials: another challenge, or a changed credential, fails.
        expect((await testApp.runtime.ctx.engine.verifyPresentation({ presentation, challenge: 'other', domain })).verified).toBe(false);
        const tampered = structuredClone(presentation);
        (tampered.verifiableCredential as JsonObject[])[0]!.name = 'Changed';
        expect((await testApp.runtime.ctx.engine.verifyPresentation({ presentation: tampered, challenge, domain })).checks[0]!.outcome).toBe('failed');
        // And the public verifier says so in words.
        const answer = (await testApp.app.inject({ method: 'POST', url: '/api/v1/verify', payload: { credential: presentation, challenge, domain } })).json() as VerifierAnswer;
        expect(answer).toMatchObject({ verified: true, standard: 'Verifiable Presentation' });
        expect(answer.credentials).toHaveLength(4);
      });

      it('splits a large wallet into several signed presentations, each verifying', async () => {
        const { services, ctx } = testApp.runtime;
        const exporter = createExportService(ctx, { wallet: services.wallet, learners: services.learners, issuers: services.issuers }, { presentationSize: 3 });
        const files = unzipSync((await exporter.walletZip({ kind: 'user', userId: ana.userId })).zip);
        const summary = JSON.parse(strFromU8(files['summary.json']!)) as ExportSummary;
        expect(summary.presentation).toMatchObject({ file: 'presentation.json', files: ['presentation.json', 'presentation-2.json'], credentials: 4 });
        expect(summary.credentials.map((item) => item.presentationFile)).toEqual(['presentation.json', 'presentation.json', 'presentation.json', 'presentation-2.json', undefined]);
        const counts: number[] = [];
        for (const file of summary.presentation.files) {
          const presentation = JSON.parse(strFromU8(files[file]!)) as JsonObject;
          const result = await ctx.engine.verifyPresentation({ presentation, challenge: summary.presentation.challenge, domain: summary.presentation.domain });
          expect(result.verified, JSON.stringify(result.checks)).toBe(true);
          counts.push(result.credentials.length);
        }
        expect(counts).toEqual([3, 1]);
        expect(strFromU8(files['summary.html']!)).toContain('<a href="presentation-2.json">presentation-2.json</a>');
      });

      it('keeps a credential it cannot present (undefined terms, VC 1.1) in the folder without failing the export', async () => {
        const cy = await signup('cy.learner@example.org');
        const changed = { ...issued[0]!.credential, favouriteColour: 'blue' };
        const pair = generateEd25519();
        const did = didKeyFromPublicKey(pair.publicKey);
        const legacy = await testApp.runtime.ctx.engine.sign({
          credential: buildAchievementCredential({
            version: '1.1', id: `urn:uuid:${randomUUID()}`, validFrom: clock, recipient: { email: 'cy.learner@example.org' },
            issuer: { id: did, name: 'Legacy Academy' }, achievement: { id: 'urn:uuid:5b2f3b9e-0000-4000-8000-000000000001', name: 'Old badge', description: 'd', criteria: { narrative: 'c' } },
          }),
          signer: createEd25519Signer({ id: `${did}#${encodePublicKeyMultibase(pair.publicKey)}`, seed: pair.seed }), now: clock,
        }) as JsonObject;
        const entries = [
          { name: 'Changed after signing', type: 'application/json', format: 'ldp', standard: 'Open Badges 3.0', bytes: new TextEncoder().encode(JSON.stringify(changed)) },
          { name: 'Legacy', type: 'application/json', format: 'ldp', standard: 'Open Badges 3.0', bytes: new TextEncoder().encode(JSON.stringify(legacy)) },
          { name: 'Fine', type: 'application/json', format: 'ldp', standard: 'Open Badges 3.0', bytes: new TextEncoder().encode(JSON.stringify(issued[1]!.credential)) },
        ];
        for (const entry of entries) await keep(cy, entry, entry.name === 'Changed after signing' ? 'invalid' : 'verified');
        const files = await unzip(await cy.request('GET', '/api/v1/wallet/export'));
        const summary = JSON.parse(strFromU8(files['summary.json']!)) as ExportSummary;
        const byName = Object.fromEntries(summary.credentials.map((item) => [item.name, item]));
        expect(byName['Changed after signing']!.inPresentation).toBe(false);
        expect(byName.Fine!.inPresentation).toBe(true);
        // A VC 1.1 credential inside the VC 2.0 presentation keeps its own context, and verifies there.
        expect(byName.Legacy!.inPresentation).toBe(true);
        expect(summary.credentials.map((item) => item.file).every((file) => files[file] !== undefined)).toBe(true);
        const presentation = JSON.parse(strFromU8(files['presentation.json']!)) as JsonObject;
        const result = await testApp.runtime.ctx.engine.verifyPresentation({ presentation, challenge: summary.presentation.challenge, domain: summary.presentation.domain });
        expect(result.checks[0]!.outcome, JSON.stringify(result.checks)).toBe('passed');
        expect(result.credentials).toHaveLength(summary.presentation.credentials);
        expect(result.credentials.every((entry) => entry.verified)).toBe(true);
      });

      it('is the learner’s own: another learner’s export holds none of it; signed out is a 401', async () => {
        const files = await unzip(await bo.request('GET', '/api/v1/wallet/export'));
        expect(Object.keys(files).sort()).toEqual(['presentation.json', 'summary.html', 'summary.json']);
        const summary = JSON.parse(strFromU8(files['summary.json']!)) as ExportSummary;
        expect(summary.credentials).toEqual([]);
        expect(summary.totals.credentials).toBe(0);
        expect(strFromU8(files['presentation.json']!)).not.toContain('Data Literacy');
        const presentation = JSON.parse(strFromU8(files['presentation.json']!)) as JsonObject;
        expect((await testApp.runtime.ctx.engine.verifyPresentation({ presentation, challenge: summary.presentation.challenge, domain: summary.presentation.domain })).checks[0]!.outcome).toBe('passed');

        const anonymous = await testApp.app.inject({ url: '/api/v1/wallet/export' });
        expect(anonymous.statusCode).toBe(401);
        expect(anonymous.headers['content-type']).toMatch(/^application\/problem\+json/);
        // An API key is not a learner.
        expect((await testApp.app.inject({ url: '/api/v1/wallet/export', headers: bearer(readKey) })).statusCode).toBe(401);
      });
    });
  });
}
