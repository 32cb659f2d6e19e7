import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseDidKey } from '../../src/vc/did/did-key.ts';
import { createTestApp, login, setUpOrganisation, type SetUpOrganisation, type TestApp, inviteMember } from '../support/app.ts';
import { DIALECTS, warnIfPostgresSkipped } from '../support/db.ts';

warnIfPostgresSkipped();

for (const dialect of DIALECTS) {
  describe(`issuers, keys and DID documents (${dialect})`, () => {
    let t: TestApp;
    let org: SetUpOrganisation;

    beforeAll(async () => {
      t = await createTestApp(dialect);
      org = await setUpOrganisation(t.app);
    });
    afterAll(async () => {
      await t.close();
    });

    it('the default issuer has a did:web served at /issuers/{id}/did.json and the host DID at /.well-known/did.json', async () => {
      const did = await t.app.inject(`/issuers/${org.issuerId}/did.json`);
      expect(did.statusCode).toBe(200);
      expect(did.headers['content-type']).toContain('application/did+json');
      expect(did.headers['cache-control']).toContain('max-age');
      const document = did.json();
      expect(document.id).toBe(org.issuerDid);
      expect(document.assertionMethod).toHaveLength(1);
      expect(document.verificationMethod[0]).toMatchObject({ type: 'Multikey', controller: org.issuerDid });
      const host = (await t.app.inject('/.well-known/did.json')).json();
      expect(host.id).toBe('did:web:issuer.test');
      expect(host.alsoKnownAs).toEqual([org.issuerDid]);
      expect(host.verificationMethod[0].publicKeyMultibase).toBe(document.verificationMethod[0].publicKeyMultibase);
    });

    it('private keys are sealed at rest: the stored secret is not the seed and opens only with the master key', async () => {
      const key = await t.runtime.store.db.selectFrom('issuer_keys').selectAll().where('issuer_id', '=', org.issuerId).executeTakeFirstOrThrow();
      expect(key.secret_encrypted).toMatch(/^v1\./);
      const seed = t.runtime.ctx.vault.open(key.secret_encrypted);
      expect(seed).toHaveLength(32);
      expect(key.secret_encrypted).not.toContain(Buffer.from(seed).toString('base64'));
      const tampered = `${key.secret_encrypted.slice(0, -4)}AAAA`;
      expect(() => t.runtime.ctx.vault.open(tampered)).toThrow();
    });

    it('creates further issuers, did:web or did:key, and validates the profile field by field', async () => {
      const bad = await org.owner.request('POST', `/api/v1/organisations/${org.organisationId}/issuers`, { name: ' ', url: 'ftp://x', email: 'nope', country: 'fr' });
      expect(bad.statusCode).toBe(422);
      expect(bad.json().errors.map((e: { pointer: string }) => e.pointer)).toEqual(['/name', '/url', '/email', '/country']);
      const created = await org.owner.request('POST', `/api/v1/organisations/${org.organisationId}/issuers`, {
        name: 'Faculty of Science', url: 'https://science.uni.test', email: 'science@uni.test', country: 'FR', didMethod: 'key',
      });
      expect(created.statusCode).toBe(201);
      const issuer = created.json();
      expect(parseDidKey(issuer.did)).toBeDefined();
      expect(issuer.isDefault).toBe(false);
      expect(issuer.keys[0].id).toBe(`${issuer.did}#${issuer.did.slice('did:key:'.length)}`);
      // did:key issuers are resolved from the DID itself: microcred serves no document for them.
      expect((await t.app.inject(`/issuers/${issuer.id}/did.json`)).statusCode).toBe(404);
      const profile = (await t.app.inject(`/issuers/${issuer.id}`)).json();
      expect(profile).toMatchObject({ id: issuer.did, type: ['Profile'], name: 'Faculty of Science', url: 'https://science.uni.test', address: { addressCountryCode: 'FR' } });
      const list = await org.owner.request('GET', `/api/v1/organisations/${org.organisationId}/issuers`);
      expect(list.json().items).toHaveLength(2);
      // A did:key is its key: rotating would change the issuer's identity under its lists and credentials.
      const rotate = await org.owner.request('POST', `/api/v1/issuers/${issuer.id}/keys/rotate`);
      expect(rotate.statusCode).toBe(409);
      expect(rotate.json().detail).toContain('did:key');
    });

    it('rotation: new credentials use the new key, the old key stays in the DID document', async () => {
      const before = await t.runtime.services.issuers.signing(org.issuerId);
      const rotated = await org.owner.request('POST', `/api/v1/issuers/${org.issuerId}/keys/rotate`);
      expect(rotated.statusCode).toBe(200);
      const keys = rotated.json().keys as { id: string; status: string }[];
      expect(keys.map((k) => k.status).sort()).toEqual(['active', 'retired']);
      const after = await t.runtime.services.issuers.signing(org.issuerId);
      expect(after.signer.id).not.toBe(before.signer.id);
      expect(keys.find((k) => k.status === 'active')!.id).toBe(after.signer.id);
      const document = (await t.app.inject(`/issuers/${org.issuerId}/did.json`)).json();
      expect(document.assertionMethod).toEqual(expect.arrayContaining([before.signer.id, after.signer.id]));
    });

    it('only owners and admins manage issuers; viewers read', async () => {
      await inviteMember(t.app, org.owner, org.organisationId, { email: 'issuer-staff@uni.test', role: 'issuer', password: 'staff-password-1' });
      const staff = await login(t.app, 'issuer-staff@uni.test', 'staff-password-1');
      expect((await staff.request('GET', `/api/v1/issuers/${org.issuerId}`)).statusCode).toBe(200);
      expect((await staff.request('PATCH', `/api/v1/issuers/${org.issuerId}`, { name: 'x' })).statusCode).toBe(403);
      expect((await staff.request('POST', `/api/v1/issuers/${org.issuerId}/keys/rotate`)).statusCode).toBe(403);
      const renamed = await org.owner.request('PATCH', `/api/v1/issuers/${org.issuerId}`, { name: 'University of Testing (Registry)', description: 'Awarding body' });
      expect(renamed.json()).toMatchObject({ name: 'University of Testing (Registry)', description: 'Awarding body' });
    });

    it('public documents: unknown ids are 404 problems, malformed ids are 400', async () => {
      const unknown = await t.app.inject('/issuers/00000000-0000-4000-8000-000000000000/did.json');
      expect(unknown.statusCode).toBe(404);
      expect(unknown.headers['content-type']).toContain('application/problem+json');
      expect((await t.app.inject('/issuers/not-a-uuid')).statusCode).toBe(400);
      const context = await t.app.inject('/contexts/eu/v1');
      expect(context.statusCode).toBe(200);
      expect(context.json()['@context']).toBeDefined();
    });

    it('the engine resolves the issuer DID from this instance (no network): a signed credential verifies', async () => {
      const { signer, issuer } = await t.runtime.services.issuers.signing(org.issuerId);
      const credential = {
        '@context': ['https://www.w3.org/ns/credentials/v2'],
        type: ['VerifiableCredential'],
        issuer: issuer.did,
        validFrom: '2026-01-01T00:00:00Z',
        credentialSubject: { id: 'did:example:learner' },
      };
      const signed = await t.runtime.ctx.engine.sign({ credential, signer });
      const result = await t.runtime.ctx.engine.verify({ credential: signed });
      expect(result.checks.find((c) => c.check === 'issuer-key')?.outcome).toBe('passed');
      expect(result.verified).toBe(true);
    });
  });
}
