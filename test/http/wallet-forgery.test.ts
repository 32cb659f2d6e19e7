/**
 * Issue 10 §5: an import that names a held credential is a duplicate only when it verifies or is the
 * same file; a changed copy is refused in words and never answered as the good one.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateDidKey } from '../../src/vc/did/did-key.ts';
import { referenceSignWithVocab, withIssuerDependentTerms } from '../support/issuer-dependent.ts';
import { createTestApp, sessionFrom, signUpAndSignIn, type Session, type TestApp } from '../support/app.ts';
import { DIALECTS, warnIfPostgresSkipped } from '../support/db.ts';
import { issuingOrganisation } from './credentials-fixture.ts';

warnIfPostgresSkipped();

for (const dialect of DIALECTS) {
  describe(`wallet import of a changed copy (${dialect})`, () => {
    let testApp: TestApp;
    let ana: Session;
    let document: string;

    beforeAll(async () => {
      testApp = await createTestApp(dialect);
      const org = await issuingOrganisation(testApp);
      const signup = await signUpAndSignIn(testApp.app, { email: 'ana@learner.test', password: 'learner-password-1' });
      ana = sessionFrom(testApp.app, signup);
      const issued = await org.owner.request('POST', `/api/v1/organisations/${org.organisationId}/credentials`, { achievementId: org.achievementId, recipient: { email: 'ana@learner.test' } });
      expect(issued.statusCode, issued.body).toBe(201);
      document = (await testApp.app.inject({ method: 'GET', url: `/credentials/${(issued.json() as { id: string }).id}` })).body;
    });
    afterAll(async () => {
      await testApp?.close();
    });

    it('refuses a tampered copy of a held credential, saying it was changed after signing; the held one stays as it was', async () => {
      const held = await ana.request('POST', '/api/v1/wallet/credentials', { text: document });
      expect(held.statusCode, held.body).toBe(201);
      const heldItem = (held.json() as { item: { id: string; name: string; ects?: number } }).item;

      const forged = JSON.parse(document) as { credentialSubject: { achievement: { name: string } } };
      forged.credentialSubject.achievement.name = 'Data Literacy Mastery';
      const response = await ana.request('POST', '/api/v1/wallet/credentials', { text: JSON.stringify(forged) });
      expect(response.statusCode, response.body).toBe(422);
      expect(response.json().detail).toContain('This file was changed after it was signed');
      expect(response.json().detail).toContain(heldItem.name);
      expect(response.body).not.toContain('"duplicate":true');

      const list = (await ana.request('GET', '/api/v1/wallet/credentials')).json() as { items: { id: string; name: string; status: string }[] };
      expect(list.items).toEqual([expect.objectContaining({ id: heldItem.id, name: 'Data Literacy Essentials', status: 'verified' })]);
    });

    it('imports a credential with issuer-dependent terms (VC 2.0 §5.2) as verified, its check warning and naming them', async () => {
      const key = generateDidKey(new Uint8Array(32).fill(33));
      const signed = await referenceSignWithVocab(key, withIssuerDependentTerms(key), new Date(Date.now() - 60_000));
      const response = await ana.request('POST', '/api/v1/wallet/credentials', { text: JSON.stringify(signed) });
      expect(response.statusCode, response.body).toBe(201);
      const { item } = response.json() as { item: { id: string; status: string } };
      expect(item.status).toBe('verified');
      const detail = (await ana.request('GET', `/api/v1/wallet/credentials/${item.id}`)).json() as { checks: { check: string; outcome: string; message: string }[] };
      expect(detail.checks.find((c) => c.check === 'proof')).toMatchObject({ outcome: 'warning', message: expect.stringContaining('statusEntry') });
      expect((await ana.request('DELETE', `/api/v1/wallet/credentials/${item.id}`)).statusCode).toBe(204);
    });

        it('the same credential again (byte-identical or reformatted) is still a duplicate', async () => {
      const again = await ana.request('POST', '/api/v1/wallet/credentials', { text: document });
      expect(again.statusCode).toBe(200);
      expect(again.json()).toMatchObject({ duplicate: true, item: { status: 'verified' } });
      const reformatted = await ana.request('POST', '/api/v1/wallet/credentials', { text: JSON.stringify(JSON.parse(document), null, 2) });
      expect(reformatted.statusCode).toBe(200);
      expect(reformatted.json()).toMatchObject({ duplicate: true });
    });
  });
}
