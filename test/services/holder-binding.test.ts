/**
 * Holder binding on every dialect: a claim taken into an external wallet gives a copy bound to the
 * wallet's DID (same achievement and validity, new id, own status entry) that an independent
 * verifier (@digitalbazaar/vc with the reference status checker) accepts; the claim link is consumed
 * once, also under concurrent redemptions; the original's revoke, suspend and reinstate reach the
 * copy; the console's list counts the original once; refusals leave nothing issued.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importJWK, jwtVerify } from 'jose';
import * as Ed25519Multikey from '@digitalbazaar/ed25519-multikey';
import { SYSTEM } from '../../src/services/access.ts';
import { Conflict, InvalidInput } from '../../src/services/errors.ts';
import { decodePublicKeyMultibase } from '../../src/vc/keys/ed25519.ts';
import type { JsonObject } from '../../src/vc/types.ts';
import { appDocumentLoader } from '../support/app-document-loader.ts';
import { createTestApp, sessionFrom, signUpAndSignIn, type SetUpOrganisation, type TestApp } from '../support/app.ts';
import { issueWithClaim } from '../support/claims.ts';
import { DIALECTS, warnIfPostgresSkipped } from '../support/db.ts';
import { verifyWithDigitalBazaar } from '../support/independent-verifiers.ts';
import { issuingOrganisation, MICRO_CREDENTIAL } from '../http/credentials-fixture.ts';

warnIfPostgresSkipped();

const ANONYMOUS = { kind: 'anonymous' } as const;

/** A wallet's DID, made by the reference key library (not microcred's). */
async function walletDid(): Promise<string> {
  const key = await Ed25519Multikey.generate();
  return `did:key:${key.publicKeyMultibase}`;
}

function subjectOf(credential: JsonObject): JsonObject {
  return credential.credentialSubject as JsonObject;
}

for (const dialect of DIALECTS) {
  describe(`holder binding (${dialect})`, () => {
    let testApp: TestApp;
    let org: SetUpOrganisation & { achievementId: string };
    let suspendableId: string;

    const binding = () => testApp.runtime.services.holderBinding;
    const issue = (email: string, achievementId = org.achievementId) => issueWithClaim(org.owner, org.organisationId, achievementId, email);
    const copiesOf = (id: string) => testApp.runtime.store.db.selectFrom('credentials').selectAll().where('bound_from', '=', id).execute();
    const verify = (credential: JsonObject) => verifyWithDigitalBazaar(credential, appDocumentLoader(testApp));

    beforeAll(async () => {
      testApp = await createTestApp(dialect);
      org = await issuingOrganisation(testApp);
      const suspendable = await testApp.runtime.services.achievements.create(SYSTEM, org.organisationId, {
        issuerId: org.issuerId, ...MICRO_CREDENTIAL, eu: { ...MICRO_CREDENTIAL.eu }, name: 'Suspendable Skill', suspendable: true,
      });
      suspendableId = suspendable.id;
    });
    afterAll(async () => {
      await testApp?.close();
    });

    it('binds a copy to the wallet DID that an independent verifier accepts, and consumes the claim', async () => {
      const { id, token } = await issue('ana@learner.test');
      const holderDid = await walletDid();
      const claim = await binding().findClaim(token);
      expect(claim).toMatchObject({ credentialId: id, organisationId: org.organisationId, claimable: true });

      const bound = await binding().bind(ANONYMOUS, { credentialId: id, holderDid, via: 'lcw' });
      const copy = bound.document as JsonObject;
      const original = (await org.owner.request('GET', `/api/v1/credentials/${id}`)).json() as { credentialId: string; claimedAt?: string; document: JsonObject };
      expect(bound).toMatchObject({ originalId: id, holderDid, format: 'ldp' });
      expect(copy.id).toBe(bound.credentialUrl);
      expect(copy.id).not.toBe(original.credentialId);
      expect(subjectOf(copy).id).toBe(holderDid);
      expect(subjectOf(copy).achievement).toEqual(subjectOf(original.document).achievement);
      expect(subjectOf(copy).identifier).toEqual(subjectOf(original.document).identifier);
      expect(copy.validFrom).toBe(original.document.validFrom);
      expect(copy.validUntil).toBe(original.document.validUntil);
      expect(copy.issuer).toEqual(original.document.issuer);
      expect(copy.credentialStatus).not.toEqual(original.document.credentialStatus);

      const outcome = await verify(copy);
      expect(outcome, outcome.reason).toMatchObject({ accepted: true, proofValid: true, revoked: false });
      // Its public URL serves exactly what the wallet received.
      expect((await testApp.app.inject(`/credentials/${bound.id}`)).json()).toEqual(copy);

      expect(original.claimedAt).toBeDefined();
      expect((await testApp.app.inject(`/api/v1/claim/${token}`)).json()).toMatchObject({ claimed: true });
      expect(await binding().findClaim(token)).toMatchObject({ claimable: false, reason: expect.stringContaining('already used') });
    });

    it('refuses a second redemption, also when two race, and issues one copy only', async () => {
      const first = await issue('bob@learner.test');
      await binding().bind(ANONYMOUS, { credentialId: first.id, holderDid: await walletDid(), via: 'openid4vci' });
      await expect(binding().bind(ANONYMOUS, { credentialId: first.id, holderDid: await walletDid(), via: 'lcw' })).rejects.toThrow(Conflict);
      expect(await copiesOf(first.id)).toHaveLength(1);

      const raced = await issue('cem@learner.test');
      const outcomes = await Promise.allSettled([0, 1, 2].map(async () => binding().bind(ANONYMOUS, { credentialId: raced.id, holderDid: await walletDid(), via: 'lcw' })));
      expect(outcomes.filter((outcome) => outcome.status === 'fulfilled')).toHaveLength(1);
      for (const outcome of outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected')) {
        expect(outcome.reason).toBeInstanceOf(Conflict);
        expect((outcome.reason as Error).message).toMatch(/already used/);
      }
      expect(await copiesOf(raced.id)).toHaveLength(1);
    });

    it('issues the copy as a VC-JWT on request, signed by the issuer key its DID document publishes', async () => {
      const { id } = await issue('dan@learner.test');
      const holderDid = await walletDid();
      const bound = await binding().bind(ANONYMOUS, { credentialId: id, holderDid, via: 'openid4vci', format: 'jwt' });
      expect(typeof bound.document).toBe('string');
      const jwt = bound.document as string;
      const header = JSON.parse(Buffer.from(jwt.split('.')[0]!, 'base64url').toString('utf8')) as { kid: string; alg: string };
      const didDocument = (await testApp.app.inject(`/issuers/${org.issuerId}/did.json`)).json() as { verificationMethod: { id: string; publicKeyMultibase: string }[] };
      const method = didDocument.verificationMethod.find((vm) => vm.id === header.kid)!;
      const x = Buffer.from(decodePublicKeyMultibase(method.publicKeyMultibase)!).toString('base64url');
      const { payload } = await jwtVerify(jwt, await importJWK({ kty: 'OKP', crv: 'Ed25519', x }, 'EdDSA'));
      expect(payload.sub).toBe(holderDid);
      expect(payload.iss).toBe(org.issuerDid);
      expect(payload.jti).toBe(bound.credentialUrl);
    });

    it("follows the original's revoke, suspend and reinstate, and refuses a change of the copy itself", async () => {
      const suspendable = await issue('eve@learner.test', suspendableId);
      const bound = await binding().bind(ANONYMOUS, { credentialId: suspendable.id, holderDid: await walletDid(), via: 'lcw' });
      const copy = bound.document as JsonObject;
      expect(Array.isArray(copy.credentialStatus)).toBe(true); // a suspension entry like the original's

      const change = (id: string, action: string, body: object = {}) => org.owner.request('POST', `/api/v1/credentials/${id}/${action}`, body);
      expect((await change(bound.id, 'suspend')).statusCode).toBe(409);
      const suspended = await change(suspendable.id, 'suspend');
      expect(suspended.statusCode, suspended.body).toBe(200);
      expect((await verify(copy))).toMatchObject({ accepted: false, proofValid: true, revoked: true });
      expect((await change(suspendable.id, 'reinstate')).statusCode).toBe(200);
      expect((await verify(copy)).accepted).toBe(true);

      const revoked = await change(suspendable.id, 'revoke', { reason: 'Awarded in error' });
      expect(revoked.statusCode, revoked.body).toBe(200);
      expect((await verify(copy))).toMatchObject({ accepted: false, revoked: true });
      const row = (await copiesOf(suspendable.id))[0]!;
      expect(row).toMatchObject({ status: 'revoked', status_reason: 'Awarded in error' });
    });

    it('lists the original once, and offers no copy to the learner', async () => {
      const email = 'fay@learner.test';
      const { id } = await issue(email);
      const bound = await binding().bind(ANONYMOUS, { credentialId: id, holderDid: await walletDid(), via: 'lcw' });
      const list = (await org.owner.request('GET', `/api/v1/organisations/${org.organisationId}/credentials?q=fay`)).json() as { items: { id: string }[] };
      expect(list.items.map((item) => item.id)).toEqual([id]);
      const fay = sessionFrom(testApp.app, await signUpAndSignIn(testApp.app, { email, password: 'learner-password-1' }));
      const offers = (await fay.request('GET', '/api/v1/wallet/offers')).json() as { items: { credentialId: string }[] };
      expect(offers.items.map((offer) => offer.credentialId)).not.toContain(bound.id);
    });

    it('refuses a revoked or suspended credential, a holder that is not a DID, and rolls back when the caller fails', async () => {
      const revoked = await issue('gil@learner.test');
      await org.owner.request('POST', `/api/v1/credentials/${revoked.id}/revoke`, { reason: 'error' });
      await expect(binding().bind(ANONYMOUS, { credentialId: revoked.id, holderDid: await walletDid(), via: 'lcw' })).rejects.toThrow(/revoked/);

      const suspended = await issue('hal@learner.test', suspendableId);
      await org.owner.request('POST', `/api/v1/credentials/${suspended.id}/suspend`, {});
      await expect(binding().bind(ANONYMOUS, { credentialId: suspended.id, holderDid: await walletDid(), via: 'lcw' })).rejects.toThrow(/suspended/);

      const fresh = await issue('ida@learner.test');
      for (const holderDid of ['', 'not a did', 'did:', 'https://wallet.example/me', `did:key:${'z'.repeat(3000)}`]) {
        await expect(binding().bind(ANONYMOUS, { credentialId: fresh.id, holderDid, via: 'lcw' })).rejects.toThrow(InvalidInput);
      }
      await expect(binding().bind(ANONYMOUS, {
        credentialId: fresh.id, holderDid: await walletDid(), via: 'lcw', within: () => Promise.reject(new Error('the exchange could not be closed')),
      })).rejects.toThrow(/could not be closed/);
      expect(await copiesOf(fresh.id)).toHaveLength(0);
      expect(await binding().findClaim(fresh.token)).toMatchObject({ claimable: true });
      // A DID URL (a key id) binds to its DID.
      const holderDid = await walletDid();
      const bound = await binding().bind(ANONYMOUS, { credentialId: fresh.id, holderDid: `${holderDid}#${holderDid.slice(8)}`, via: 'lcw' });
      expect(subjectOf(bound.document as JsonObject).id).toBe(holderDid);
      expect(await copiesOf(revoked.id)).toHaveLength(0);
      expect(await copiesOf(suspended.id)).toHaveLength(0);
    });

    it("refuses the microcred wallet's claim of a link already taken into an external wallet", async () => {
      const email = 'jo@learner.test';
      const { id, token } = await issue(email);
      await binding().bind(ANONYMOUS, { credentialId: id, holderDid: await walletDid(), via: 'openid4vci' });
      const jo = sessionFrom(testApp.app, await signUpAndSignIn(testApp.app, { email, password: 'learner-password-1' }));
      expect((await jo.request('POST', `/api/v1/claim/${token}`)).statusCode).toBe(409);
    });
  });
}
