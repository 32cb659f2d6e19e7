/**
 * The public verifier over HTTP on every dialect: anyone (no sign-in) sends a credential as JSON,
 * text (VC-JWT), a multipart file (baked PNG/SVG), or a URL (this instance's, a share page, an
 * OB 2.0 hosted assertion), and gets one sentence, issuer, achievement, recipient match, each check
 * and what the credential is worth; hostile or empty input gets a 400 problem in words.
 */
import { readFileSync } from 'node:fs';
import type { LightMyRequestResponse } from 'fastify';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGuardedFetcher } from '../../src/net/guarded-fetcher.ts';
import type { VerifierAnswer } from '../../src/services/verifier.ts';
import { bakePng, bakeSvg } from '../../src/vc/baking/index.ts';
import { didKeyFromPublicKey } from '../../src/vc/did/did-key.ts';
import { createEd25519Signer, encodePublicKeyMultibase, generateEd25519 } from '../../src/vc/keys/ed25519.ts';
import { createPresentation, signPresentation } from '../../src/vc/presentation.ts';
import type { Fetcher, JsonObject } from '../../src/vc/types.ts';
import { tinyPng } from '../fixtures/images/tiny-png.ts';
import { createTestApp, type TestApp } from '../support/app.ts';
import { DIALECTS, warnIfPostgresSkipped } from '../support/db.ts';
import { issuingOrganisation } from './credentials-fixture.ts';

warnIfPostgresSkipped();

const OB2 = (name: string) => readFileSync(new URL(`../fixtures/ob2/${name}`, import.meta.url), 'utf8');

/** multipart/form-data by hand, as a browser's form would send it. */
export function multipart(parts: { name: string; value: string | Uint8Array; filename?: string; type?: string }[]) {
  const boundary = `----microcred${Math.random().toString(16).slice(2)}`;
  const chunks: Buffer[] = [];
  for (const part of parts) {
    chunks.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${part.name}"${part.filename ? `; filename="${part.filename}"` : ''}\r\n${part.type ? `Content-Type: ${part.type}\r\n` : ''}\r\n`));
    chunks.push(Buffer.from(part.value));
    chunks.push(Buffer.from('\r\n'));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { payload: Buffer.concat(chunks), headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

/**
 * Fixtures for the web by URL; IP-literal hosts go to the real guarded fetcher (which refuses private
 * ones before any connection); anything else is refused, so tests never reach the network.
 */
function testFetcher(fixtures: Map<string, string>): Fetcher {
  const guarded = createGuardedFetcher({ timeoutMs: 2000 });
  return async (url, options) => {
    const hit = fixtures.get(url);
    if (hit !== undefined) return { url, status: 200, body: new TextEncoder().encode(hit) };
    const host = new URL(url).hostname;
    if (/^[\d.]+$/.test(host) || host.startsWith('[')) return guarded(url, options);
    throw new Error('tests do not reach the network');
  };
}

for (const dialect of DIALECTS) {
  describe(`public verifier over HTTP (${dialect})`, () => {
    let testApp: TestApp;
    let org: Awaited<ReturnType<typeof issuingOrganisation>>;
    let clock = new Date('2026-05-04T08:00:00.000Z');
    const fixtures = new Map<string, string>();
    let credential: JsonObject;

    const verify = async (body: unknown): Promise<LightMyRequestResponse> =>
      await testApp.app.inject({ method: 'POST', url: '/api/v1/verify', payload: body as Record<string, unknown> });
    const answer = (response: LightMyRequestResponse): VerifierAnswer => {
      expect(response.statusCode, response.body).toBe(200);
      return response.json() as VerifierAnswer;
    };
    const problem = (response: LightMyRequestResponse, status = 400): string => {
      expect(response.statusCode, response.body).toBe(status);
      expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
      return (response.json() as { detail: string }).detail;
    };
    const outcome = (result: VerifierAnswer, id: string) => result.checks.find((check) => check.id === id)?.outcome;

    async function issue(email: string): Promise<{ id: string; credential: JsonObject }> {
      const issued = await org.owner.request('POST', `/api/v1/organisations/${org.organisationId}/credentials`, { achievementId: org.achievementId, recipient: { email, name: 'Ana López' }, result: { creditsEarned: 5 } });
      expect(issued.statusCode, issued.body).toBe(201);
      const { id } = issued.json() as { id: string };
      return { id, credential: (await testApp.app.inject(`/credentials/${id}`)).json() as JsonObject };
    }

    beforeAll(async () => {
      testApp = await createTestApp(dialect, { now: () => clock, fetcher: testFetcher(fixtures) });
      org = await issuingOrganisation(testApp);
      ({ credential } = await issue('ana@example.org'));
    });
    afterAll(async () => {
      await testApp?.close();
    });

    it('verifies a credential sent as JSON, without signing in, and says what it is worth in words', async () => {
      const result = answer(await verify({ credential }));
      expect(result).toMatchObject({
        verified: true, standard: 'Open Badges 3.0', format: 'ldp', container: 'json', name: 'Data Literacy Essentials',
        issuer: { id: org.issuerDid, name: 'University of Testing' },
        achievement: { name: 'Data Literacy Essentials', type: 'MicroCredential', criteria: 'Pass the final project and the online exam.' },
        worth: { ects: 5, creditsEarned: 5, eqfLevel: 5, outcomes: ['Clean a tabular data set', 'Choose and draw a suitable chart'] },
        recipient: { outcome: 'not-checked', name: 'Ana López' },
      });
      expect(result.summary).toBe('This Open Badge “Data Literacy Essentials”, issued by University of Testing, is authentic and valid.');
      expect(result.recipient.message).toMatch(/hashed e-mail address; enter an e-mail address/);
      for (const id of ['structure', 'proof', 'issuer-key', 'status', 'validity']) expect(outcome(result, id), id).toBe('passed');
      expect(result.checks.every((check) => check.message.length > 10)).toBe(true);
      expect(result.issuedAt).toBe(credential.validFrom);
      expect(result.validUntil).toBe(credential.validUntil);
      expect((result.credential as JsonObject).id).toBe(credential.id);
    });

    it('checks an e-mail address against the hashed recipient identity', async () => {
      const match = answer(await verify({ credential, recipientEmail: '  Ana@Example.org ' }));
      expect(match.recipient.outcome).toBe('match');
      expect(match.verified).toBe(true);
      const other = answer(await verify({ credential, recipientEmail: 'mallory@example.org' }));
      expect(other.recipient).toMatchObject({ outcome: 'no-match', message: 'The credential was not issued to mallory@example.org.' });
      expect(other.verified).toBe(false);
      expect(other.summary).toBe('This Open Badge “Data Literacy Essentials”, issued by University of Testing, is authentic, but the credential was not issued to mallory@example.org.');
      expect(problem(await verify({ credential, recipientEmail: 'not an address' }))).toMatch(/recipientEmail is not an e-mail address/);
    });

    it('a changed copy: its values are the file’s claims (authentic false), and only the signature is listed as failed', async () => {
      const forged = structuredClone(credential);
      ((forged.credentialSubject as JsonObject).achievement as JsonObject).creditsAvailable = 30;
      const result = answer(await verify({ credential: forged }));
      expect(result).toMatchObject({ verified: false, authentic: false, worth: { ects: 30 } });
      expect(result.summary).toMatch(/^This file claims to be an Open Badge “Data Literacy Essentials” issued by University of Testing, but it is not authentic: the signature does not match/);
      expect(result.checks.filter((check) => check.outcome === 'failed').map((check) => check.id)).toEqual(['proof']);
      expect(JSON.stringify(result.checks)).not.toMatch(/could not be found/);
      // The genuine one is authentic; a revoked or expired one would be authentic but not valid.
      expect(answer(await verify({ credential }))).toMatchObject({ verified: true, authentic: true });
    });

    it('reads pasted text: JSON, and a VC-JWT signed by the same issuer', async () => {
      expect(answer(await verify({ text: JSON.stringify(credential, null, 2) })).verified).toBe(true);
      // An empty field left by a form counts as not given.
      expect(answer(await verify({ credential: '', url: '', text: JSON.stringify(credential), recipientEmail: '' })).verified).toBe(true);
      const { proof: _proof, ...unsigned } = credential;
      const { signer } = await testApp.runtime.services.issuers.signing(org.issuerId);
      const jwt = await testApp.runtime.ctx.engine.sign({ credential: unsigned, signer, format: 'vc-jwt' }) as string;
      for (const body of [{ text: jwt }, { credential: jwt }]) {
        const result = answer(await verify(body));
        expect(result).toMatchObject({ verified: true, format: 'jwt', container: 'jwt', standard: 'Open Badges 3.0', worth: { ects: 5 } });
      }
      const tampered = `${jwt.slice(0, -4)}${jwt.endsWith('AAAA') ? 'BBBB' : 'AAAA'}`;
      const broken = answer(await verify({ text: tampered }));
      expect(broken.verified).toBe(false);
      expect(outcome(broken, 'proof')).toBe('failed');
      expect(broken.summary).toMatch(/^This file claims to be an Open Badge “Data Literacy Essentials” issued by University of Testing, but it is not authentic: /);
    });

    it('takes a dropped file over multipart: baked PNG and SVG, and JSON, with the e-mail as a field', async () => {
      const png = bakePng({ image: tinyPng(), credential });
      const fromPng = answer(await testApp.app.inject({ method: 'POST', url: '/api/v1/verify', ...multipart([{ name: 'file', value: png, filename: 'badge.png', type: 'image/png' }, { name: 'recipientEmail', value: 'ana@example.org' }]) }));
      expect(fromPng).toMatchObject({ verified: true, container: 'png', standard: 'Open Badges 3.0', recipient: { outcome: 'match' } });
      const svg = bakeSvg({ svg: '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10"/></svg>', credential });
      expect(answer(await testApp.app.inject({ method: 'POST', url: '/api/v1/verify', ...multipart([{ name: 'file', value: svg, filename: 'badge.svg', type: 'image/svg+xml' }]) }))).toMatchObject({ verified: true, container: 'svg' });
      const json = answer(await testApp.app.inject({ method: 'POST', url: '/api/v1/verify', ...multipart([{ name: 'file', value: JSON.stringify(credential), filename: 'badge.json', type: 'application/json' }]) }));
      expect(json).toMatchObject({ verified: true, container: 'json' });
      // A text file may arrive as text rather than bytes: the same answer.
      expect(answer(await testApp.app.inject({ method: 'POST', url: '/api/v1/verify', ...multipart([{ name: 'file', value: JSON.stringify(credential), filename: 'badge.txt', type: 'text/plain' }]) })).verified).toBe(true);

      expect(problem(await testApp.app.inject({ method: 'POST', url: '/api/v1/verify', ...multipart([{ name: 'file', value: tinyPng(), filename: 'plain.png', type: 'image/png' }]) }))).toMatch(/holds no credential/);
      const two = multipart([{ name: 'file', value: png, filename: 'a.png', type: 'image/png' }, { name: 'file', value: png, filename: 'b.png', type: 'image/png' }]);
      expect((await testApp.app.inject({ method: 'POST', url: '/api/v1/verify', ...two })).statusCode).toBeGreaterThanOrEqual(400);
      const unknownField = multipart([{ name: 'file', value: png, filename: 'a.png', type: 'image/png' }, { name: 'admin', value: 'yes' }]);
      expect((await testApp.app.inject({ method: 'POST', url: '/api/v1/verify', ...unknownField })).statusCode).toBe(400);
      const big = multipart([{ name: 'file', value: new Uint8Array(2 * 1024 * 1024 + 10), filename: 'big.png', type: 'image/png' }]);
      const tooBig = await testApp.app.inject({ method: 'POST', url: '/api/v1/verify', ...big });
      expect(tooBig.statusCode).toBe(413);
      expect(tooBig.headers['content-type']).toMatch(/^application\/problem\+json/);
    });

    it('reads a URL: this instance’s credential, a share page’s ld+json link, an OB 2.0 hosted assertion', async () => {
      const own = answer(await verify({ url: credential.id as string, recipientEmail: 'ana@example.org' }));
      expect(own).toMatchObject({ verified: true, recipient: { outcome: 'match' } });

      fixtures.set('https://wallet.example/s/abc', `<!doctype html><html><head><link type='application/ld+json' href="/s/abc/credential.json" rel="alternate"></head><body>Shared</body></html>`);
      fixtures.set('https://wallet.example/s/abc/credential.json', JSON.stringify(credential));
      expect(answer(await verify({ url: 'https://wallet.example/s/abc' }))).toMatchObject({ verified: true, name: 'Data Literacy Essentials' });
      fixtures.set('https://wallet.example/plain', '<!DOCTYPE html><html><body>Nothing here</body></html>');
      expect(problem(await verify({ url: 'https://wallet.example/plain' }))).toMatch(/web page that does not point to a credential/);

      for (const name of ['assertion-hosted.json', 'badge-class.json', 'issuer.json', 'revocations.json']) {
        const document = JSON.parse(OB2(name)) as JsonObject;
        fixtures.set(name === 'issuer.json' ? 'https://issuer.example/issuer.json' : name === 'revocations.json' ? 'https://issuer.example/revocations.json' : document.id as string, OB2(name));
      }
      const ob2 = answer(await verify({ url: 'https://issuer.example/assertions/1001.json', recipientEmail: 'learner@example.org' }));
      expect(ob2).toMatchObject({ verified: true, standard: 'Open Badges 2.0', format: 'ob2', issuer: { name: 'Example Academy' }, achievement: { name: 'Web Basics' }, recipient: { outcome: 'match' }, worth: { skills: ['Create web content'] } });
      expect(ob2.summary).toBe('This Open Badge (2.0) “Web Basics”, issued by Example Academy, is authentic and valid.');
    });

    it('refuses URLs that are not public http(s) addresses, in words', async () => {
      expect(problem(await verify({ url: 'file:///etc/passwd' }))).toBe('Only http and https addresses can be imported, not file.');
      expect(problem(await verify({ url: 'gopher://example.org/' }))).toMatch(/Only http and https/);
      expect(problem(await verify({ url: 'not a url' }))).toBe('This is not a valid web address.');
      for (const url of ['http://127.0.0.1:9/', 'http://10.0.0.8/', 'http://169.254.169.254/latest/meta-data/', 'http://[::1]/', 'http://2130706433/']) {
        expect(problem(await verify({ url })), url).toMatch(/^This address may not be read: .*(not a public address|may not be contacted)/);
      }
      expect(problem(await verify({ url: 'https://unknown.example/badge.json' }))).toBe('Nothing could be read at this address (the server could not be reached).');
    });

    it('says "valid, with one warning" when a check can only warn (a status list that cannot be read)', async () => {
      const pair = generateEd25519();
      const did = didKeyFromPublicKey(pair.publicKey);
      const signer = createEd25519Signer({ id: `${did}#${encodePublicKeyMultibase(pair.publicKey)}`, seed: pair.seed });
      const { proof: _proof, credentialStatus: _status, ...rest } = credential;
      const unsigned = {
        ...rest, id: 'urn:uuid:0d4c7f5e-7c0e-4a57-9d53-3d1b1e0b7a11', issuer: { id: did, type: ['Profile'], name: 'Elsewhere Academy' },
        credentialStatus: { id: 'https://status.elsewhere.example/list#7', type: 'BitstringStatusListEntry', statusPurpose: 'revocation', statusListIndex: '7', statusListCredential: 'https://status.elsewhere.example/list' },
      };
      const signed = await testApp.runtime.ctx.engine.sign({ credential: unsigned, signer, now: clock }) as JsonObject;
      const result = answer(await verify({ credential: signed }));
      const warnings = result.checks.filter((check) => check.outcome === 'warning');
      expect(result.checks.filter((check) => check.outcome === 'failed')).toEqual([]);
      expect(warnings.map((check) => check.id)).toContain('status');
      expect(result.verified).toBe(true);
      expect(result.summary).toMatch(new RegExp(`^This Open Badge “Data Literacy Essentials”, issued by Elsewhere Academy, is authentic and valid, with ${warnings.length === 1 ? 'one warning' : `${warnings.length} warnings`}: `));
    });

    it('answers a revoked credential as not valid, saying it was revoked', async () => {
      const revoked = await issue('bo@example.org');
      expect(answer(await verify({ credential: revoked.credential })).verified).toBe(true);
      expect((await org.owner.request('POST', `/api/v1/credentials/${revoked.id}/revoke`, { reason: 'Issued in error' })).statusCode).toBe(200);
      clock = new Date(clock.getTime() + 3_600_000);
      const result = answer(await verify({ credential: revoked.credential }));
      expect(result.verified).toBe(false);
      expect(outcome(result, 'status')).toBe('failed');
      expect(result.summary).toMatch(/is not valid: .*revoked/i);
    });

    it('verifies a presentation for the challenge given, listing each credential', async () => {
      const pair = generateEd25519();
      const did = didKeyFromPublicKey(pair.publicKey);
      const signer = createEd25519Signer({ id: `${did}#${encodePublicKeyMultibase(pair.publicKey)}`, seed: pair.seed });
      const unsigned = createPresentation({ credentials: [credential], holder: did });
      // loaderFor: the credential names its instance's EU context, pinned by digest (docs/eu-elements.md).
      const presentation = await signPresentation({
        presentation: unsigned,
        signer, documentLoader: testApp.runtime.ctx.engine.loaderFor(unsigned), now: clock, challenge: 'nonce-42', domain: 'https://employer.example',
      });
      expect(problem(await verify({ credential: presentation }))).toMatch(/challenge/);
      const result = answer(await verify({ credential: presentation, challenge: 'nonce-42', domain: 'https://employer.example' }));
      expect(result).toMatchObject({ verified: true, standard: 'Verifiable Presentation', format: 'vp', recipient: { outcome: 'not-checked' } });
      expect(result.summary).toBe('This presentation and every credential in it are authentic and valid.');
      expect(result.credentials).toHaveLength(1);
      expect(result.credentials![0]).toMatchObject({ name: 'Data Literacy Essentials', verified: true, issuer: { name: 'University of Testing' }, worth: { ects: 5, eqfLevel: 5 } });
      const replay = answer(await verify({ credential: presentation, challenge: 'another', domain: 'https://employer.example' }));
      expect(replay.verified).toBe(false);
      expect(outcome(replay, 'presentation-proof')).toBe('failed');
    });

    it('answers arbitrary input with an answer or a 400 problem, never anything else (property)', async () => {
      // Values anywhere in a real credential, arbitrary JSON, and arbitrary text.
      const mutated = fc.tuple(fc.constantFrom(...Object.keys(credential)), fc.jsonValue()).map(([key, value]) => ({ ...credential, [key]: value }));
      await fc.assert(fc.asyncProperty(
        fc.oneof(
          mutated.map((value) => ({ credential: value })),
          fc.jsonValue().map((value) => ({ text: JSON.stringify(value) ?? 'null' })),
          fc.string({ maxLength: 200 }).map((text) => ({ text })),
          fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 3 })).map((value) => ({ credential: value, recipientEmail: 'a@b.example' })),
        ),
        async (body) => {
          const response = await verify(body);
          expect([200, 400], response.body).toContain(response.statusCode);
          if (response.statusCode === 200) {
            const result = response.json() as VerifierAnswer;
            expect(result.summary.length).toBeGreaterThan(10);
            expect(result.checks.length).toBeGreaterThan(0);
          } else expect((response.json() as { detail: string }).detail.length).toBeGreaterThan(5);
        },
      ), { numRuns: 60 });
    });

    it('answers hostile or empty input with a 400 problem in words, never a 500', async () => {
      expect(problem(await verify({}))).toMatch(/Give one credential/);
      expect(problem(await verify({ text: 'x', url: 'https://a.example/' }))).toMatch(/one credential at a time/);
      expect(problem(await verify({ text: '{"@context": ' }))).toMatch(/JSON|credential/);
      expect(problem(await verify({ text: 'hello there' }))).toMatch(/does not recognise this file/);
      expect(problem(await verify({ text: `${'['.repeat(5000)}${']'.repeat(5000)}` }))).toMatch(/does not recognise this file/);
      expect(problem(await verify({ credential: { foo: 'bar' }, extra: 1 }))).toBe('/extra is not a known property');
      expect(problem(await verify({ text: 'x'.repeat(2 * 1024 * 1024 + 1) }))).toMatch(/at most 2097152 characters/);
      // A JSON object that is no credential is read, and fails its checks in words.
      const notCredential = answer(await verify({ credential: { foo: 'bar' } }));
      expect(notCredential).toMatchObject({ verified: false, name: 'Untitled credential', issuer: {}, recipient: { outcome: 'not-checked', message: 'The credential does not say who received it.' } });
      expect(notCredential.summary).toMatch(/^This credential is not valid: the verifiable credential is not well-formed/);
      expect(outcome(notCredential, 'structure')).toBe('failed');
    });
  });
}

describe('public verifier rate limit', () => {
  it('is limited per client address with the VC-API verify routes (in memory, so one dialect suffices)', async () => {
    const limited = await createTestApp('sqlite', { env: { VERIFY_RATE_LIMIT: '2' } });
    try {
      const send = (remoteAddress: string) => limited.app.inject({ method: 'POST', url: '/api/v1/verify', payload: { text: 'hello' }, remoteAddress });
      expect((await send('203.0.113.7')).statusCode).toBe(400);
      expect((await send('203.0.113.7')).statusCode).toBe(400);
      const third = await send('203.0.113.7');
      expect(third.statusCode).toBe(429);
      expect(third.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect((await send('203.0.113.8')).statusCode).toBe(400);
    } finally {
      await limited.close();
    }
  });
});
