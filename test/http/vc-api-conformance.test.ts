/**
 * Issue 10 §3, VC-API conformance: presentations get the data-model checks a credential gets,
 * a credential sent as a string is only a VC-JWT, failures carry the standards' error codes, and
 * issuing an id twice says why it is refused.
 */
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONTEXTS } from '../../src/vc/contexts/index.ts';
import { generateDidKey } from '../../src/vc/did/did-key.ts';
import { signerFromMultikey } from '../../src/vc/keys/ed25519.ts';
import { createPresentation, signPresentation } from '../../src/vc/presentation.ts';
import type { JsonObject } from '../../src/vc/types.ts';
import { referenceSignWithVocab, withIssuerDependentTerms } from '../support/issuer-dependent.ts';
import { bearer, createTestApp, setUpOrganisation, type TestApp } from '../support/app.ts';
import { DIALECTS, warnIfPostgresSkipped } from '../support/db.ts';

warnIfPostgresSkipped();

type Problem = { type: string; title: string; detail: string; code?: unknown };

for (const dialect of DIALECTS) {
  describe(`VC-API conformance (${dialect})`, () => {
    let t: TestApp;
    let key: string;
    let credential: JsonObject;
    let jwt: string;
    const holder = generateDidKey(new Uint8Array(32).fill(31));

    const post = (url: string, payload: unknown, apiKey?: string): Promise<LightMyRequestResponse> =>
      t.app.inject({ method: 'POST', url, payload: payload as object, ...(apiKey ? { headers: bearer(apiKey) } : {}) });
    const issue = (body: JsonObject, options?: JsonObject) => post('/credentials/issue', { credential: body, ...(options ? { options } : {}) }, key);
    const minimal = (): JsonObject => ({ '@context': [CONTEXTS.CREDENTIALS_V2], type: ['VerifiableCredential'], credentialSubject: { id: holder.controller } });
    const errorsOf = (response: LightMyRequestResponse) => response.json().errors as Problem[];

    beforeAll(async () => {
      t = await createTestApp(dialect);
      const org = await setUpOrganisation(t.app);
      key = (await org.owner.request('POST', `/api/v1/organisations/${org.organisationId}/api-keys`, { name: 'LMS', scopes: ['issue', 'status'] })).json().key;
      credential = (await issue(minimal())).json().verifiableCredential;
      const enveloped = (await issue(minimal(), { format: 'vc-jwt' })).json().verifiableCredential as JsonObject;
      jwt = (enveloped.id as string).slice('data:application/vc+jwt,'.length);
    });
    afterAll(async () => {
      await t?.close();
    });

    describe('(a) presentations get the data-model checks, signed or not', () => {
      const verifyVp = (verifiablePresentation: unknown, options?: JsonObject) => post('/presentations/verify', { verifiablePresentation, ...(options ? { options } : {}) });

      it('refuses an unsigned presentation whose first @context is not the VC context', async () => {
        const response = await verifyVp({ ...createPresentation({ credentials: [credential] }), '@context': ['https://example.org/not-vc'] });
        expect(response.statusCode).toBe(400);
        expect(response.json().verified).toBe(false);
        const error = errorsOf(response).find((e) => e.title === 'presentation')!;
        expect(error.detail).toContain('/@context');
        expect(error.type).toBe('https://www.w3.org/TR/vc-data-model#MALFORMED_VALUE_ERROR');
        // The Recommendations give no numeric codes (the Candidate Recommendations' were removed).
        expect(error.code).toBeUndefined();
      });

      it('refuses any object typed VerifiablePresentation: no context, a holder that is no URL, credentials that are not objects', async () => {
        expect((await verifyVp({ type: 'VerifiablePresentation' })).statusCode).toBe(400);
        const badHolder = await verifyVp({ ...createPresentation({ credentials: [credential] }), holder: 'not a url' });
        expect(badHolder.statusCode).toBe(400);
        expect(errorsOf(badHolder).map((e) => e.detail).join(' ')).toContain('/holder');
        const textInside = await verifyVp({ ...createPresentation({ credentials: [] }), verifiableCredential: [JSON.stringify(credential)] });
        expect(textInside.statusCode).toBe(400);
        expect(errorsOf(textInside).map((e) => e.detail).join(' ')).toContain('/verifiableCredential/0');
      });

      it('applies the same checks to a signed presentation', async () => {
        const unsigned = { ...createPresentation({ credentials: [credential], holder: holder.controller }), '@context': [CONTEXTS.CREDENTIALS_V2, 'not a url'] };
        const signed = await signPresentation({ presentation: unsigned, signer: signerFromMultikey(holder), documentLoader: t.runtime.ctx.engine.documentLoader, now: new Date(), challenge: 'c-1' }).catch(() => undefined);
        // Our own signer may refuse it; a hand-made one would not, so the proof is added as is.
        const document = signed ?? { ...unsigned, proof: { type: 'DataIntegrityProof', cryptosuite: 'eddsa-rdfc-2022', proofPurpose: 'authentication', challenge: 'c-1', verificationMethod: `${holder.controller}#${holder.controller.slice(8)}`, proofValue: 'z1111' } };
        const response = await verifyVp(document, { challenge: 'c-1' });
        expect(response.statusCode).toBe(400);
        expect(errorsOf(response).some((e) => e.title === 'presentation' && e.detail.includes('/@context/1'))).toBe(true);
      });

      it('a well-formed presentation still verifies, and says it was checked', async () => {
        const response = await verifyVp(createPresentation({ credentials: [credential], holder: holder.controller }));
        expect(response.statusCode).toBe(200);
        expect(response.json().checks[0]).toMatchObject({ check: 'presentation', outcome: 'passed' });
      });
    });

    describe('(b) a credential given as a string', () => {
      it('JSON text is a parsing error, not a verified credential', async () => {
        const response = await post('/credentials/verify', { verifiableCredential: JSON.stringify(credential) });
        expect(response.statusCode).toBe(400);
        expect(response.json().verified).toBe(false);
        expect(errorsOf(response)[0]).toMatchObject({ title: 'structure', type: 'https://www.w3.org/TR/vc-data-model#PARSING_ERROR' });
        expect((await post('/credentials/verify', { verifiableCredential: 'not a credential' })).json().errors[0].type).toBe('https://www.w3.org/TR/vc-data-model#PARSING_ERROR');
      });

      it('a VC-JWT string, or the same JWT enveloped, verifies', async () => {
        expect((await post('/credentials/verify', { verifiableCredential: jwt })).statusCode).toBe(200);
        const enveloped = { '@context': [CONTEXTS.CREDENTIALS_V2], type: 'EnvelopedVerifiableCredential', id: `data:application/vc+jwt,${jwt}` };
        expect((await post('/credentials/verify', { verifiableCredential: enveloped })).statusCode).toBe(200);
      });
    });

    describe('(d) failures carry the standards’ error codes', () => {
      it('a changed credential: PROOF_VERIFICATION_ERROR beside the check name', async () => {
        const response = await post('/credentials/verify', { verifiableCredential: { ...credential, credentialSubject: { id: 'did:example:someone-else' } } });
        expect(response.statusCode).toBe(400);
        expect(errorsOf(response)).toContainEqual(expect.objectContaining({ title: 'proof', type: 'https://w3id.org/security#PROOF_VERIFICATION_ERROR' }));
        expect(errorsOf(response).every((e) => e.code === undefined)).toBe(true);
      });

      it('a changed VC-JWT: CRYPTOGRAPHIC_SECURITY_ERROR (VC 2.0 §7.1, the securing mechanism is not Data Integrity)', async () => {
        const [header, payload, signature] = jwt.split('.');
        const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString('utf8'));
        claims.credentialSubject = { id: 'did:example:someone-else' };
        const forged = `${header}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${signature}`;
        const response = await post('/credentials/verify', { verifiableCredential: forged });
        expect(response.statusCode).toBe(400);
        expect(errorsOf(response)).toContainEqual(expect.objectContaining({ title: 'proof', type: 'https://www.w3.org/TR/vc-data-model#CRYPTOGRAPHIC_SECURITY_ERROR' }));
      });

      it('an unsigned credential: PARSING_ERROR (Data Integrity §4.4 step 2, no proof to read)', async () => {
        const { proof: _proof, ...unsigned } = credential;
        const response = await post('/credentials/verify', { verifiableCredential: unsigned });
        expect(errorsOf(response)).toContainEqual(expect.objectContaining({ title: 'proof', type: 'https://www.w3.org/TR/vc-data-model#PARSING_ERROR' }));
      });

      it('a status list that cannot be read: STATUS_RETRIEVAL_ERROR, in the status-list namespace (Bitstring Status List §3.5)', async () => {
        const other = generateDidKey(new Uint8Array(32).fill(33));
        const signed = await t.runtime.ctx.engine.sign({
          credential: {
            '@context': [CONTEXTS.CREDENTIALS_V2], type: ['VerifiableCredential'], issuer: other.controller, validFrom: '2025-01-01T00:00:00Z',
            credentialSubject: { id: holder.controller },
            credentialStatus: { type: 'BitstringStatusListEntry', statusPurpose: 'revocation', statusListIndex: '7', statusListCredential: 'https://status.example/lists/1' },
          },
          signer: signerFromMultikey(other),
        }) as JsonObject;
        const response = await post('/credentials/verify', { verifiableCredential: signed });
        const problems = [...errorsOf(response), ...(response.json().warnings as Problem[])];
        expect(problems).toContainEqual(expect.objectContaining({ title: 'status', type: 'https://www.w3.org/ns/credentials/status-list#STATUS_RETRIEVAL_ERROR' }));
      });

      it('a presentation for another domain: INVALID_DOMAIN_ERROR', async () => {
        const vp = await signPresentation({ presentation: createPresentation({ credentials: [credential], holder: holder.controller }), signer: signerFromMultikey(holder), documentLoader: t.runtime.ctx.engine.documentLoader, now: new Date(), challenge: 'nonce-3', domain: 'https://verifier.example' });
        const response = await post('/presentations/verify', { verifiablePresentation: vp, options: { challenge: 'nonce-3', domain: 'https://other.example' } });
        expect(response.statusCode).toBe(400);
        expect(errorsOf(response)).toContainEqual(expect.objectContaining({ title: 'presentation-proof', type: 'https://w3id.org/security#INVALID_DOMAIN_ERROR' }));
      });

      it('a presentation for another challenge: INVALID_CHALLENGE_ERROR', async () => {
        const vp = await signPresentation({ presentation: createPresentation({ credentials: [credential], holder: holder.controller }), signer: signerFromMultikey(holder), documentLoader: t.runtime.ctx.engine.documentLoader, now: new Date(), challenge: 'nonce-1' });
        const response = await post('/presentations/verify', { verifiablePresentation: vp, options: { challenge: 'nonce-2' } });
        expect(response.statusCode).toBe(400);
        expect(errorsOf(response)).toContainEqual(expect.objectContaining({ title: 'presentation-proof', type: 'https://w3id.org/security#INVALID_CHALLENGE_ERROR' }));
      });
    });

    describe('(f) issuer-dependent terms (VC 2.0 §5.2)', () => {
      it('verify accepts them with a warning naming them; issuing them stays refused', async () => {
        const other = generateDidKey(new Uint8Array(32).fill(32));
        const signed = await referenceSignWithVocab(other, withIssuerDependentTerms(other), new Date(Date.now() - 60_000));
        const response = await post('/credentials/verify', { verifiableCredential: signed });
        expect(response.statusCode, response.body).toBe(200);
        const warning = (response.json().warnings as Problem[]).find((w) => w.title === 'proof')!;
        expect(warning.detail).toMatch(/statusEntry.*degree|degree.*statusEntry/);
        const { issuer: _issuer, ...mine } = withIssuerDependentTerms(other);
        const refused = await issue(mine);
        expect(refused.statusCode).toBe(400);
        expect(refused.json().detail).toContain('statusEntry');
      });
    });

        describe('(e) issuing an id issued before', () => {
      it('is 409, and the problem says why and points at the id', async () => {
        const id = `https://example.org/credentials/${dialect}-${Date.now()}`;
        expect((await issue({ ...minimal(), id })).statusCode).toBe(201);
        const again = await issue({ ...minimal(), id });
        expect(again.statusCode).toBe(409);
        const body = again.json();
        expect(body.detail).toContain(id);
        expect(body.detail).toMatch(/issued before.*names exactly one credential.*new id/);
        expect(body.errors).toEqual([{ pointer: '/credential/id', message: expect.stringContaining('already used') }]);
      });
    });
  });
}
