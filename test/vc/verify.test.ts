/**
 * End-to-end verification through the engine: the standards' signed vectors, and for every check a
 * credential that makes it fail. Each test runs once per data-model version where that applies.
 */
import { describe, expect, it } from 'vitest';
import * as fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { buildAchievementCredential, buildEndorsementCredential } from '../../src/vc/credential/build.ts';
import { generateDidKey } from '../../src/vc/did/did-key.ts';
import { createEngine } from '../../src/vc/engine.ts';
import { JsonLdSafeModeError } from '../../src/vc/jsonld.ts';
import { createPresentation, signPresentation } from '../../src/vc/presentation.ts';
import { signerFromMultikey } from '../../src/vc/keys/ed25519.ts';
import { StatusBitstring } from '../../src/vc/status/bitstring.ts';
import { buildStatusListCredential, buildStatusListEntry } from '../../src/vc/status/status-list-credential.ts';
import type { JsonObject, VerificationResult } from '../../src/vc/types.ts';
import { standardsUrl } from '../support/standards.ts';

const shared = standardsUrl('examples/');
const example = (path: string) => JSON.parse(readFileSync(new URL(path, shared), 'utf8')) as JsonObject;
const outcome = (result: VerificationResult, name: string) => result.checks.find((c) => c.check === name)?.outcome;
const message = (result: VerificationResult, name: string) => result.checks.find((c) => c.check === name)?.message ?? '';

const issuerKey = generateDidKey(new Uint8Array(32).fill(3));
const otherKey = generateDidKey(new Uint8Array(32).fill(4));
const signer = signerFromMultikey(issuerKey);
const now = new Date('2026-05-01T12:00:00Z');
const achievement = JSON.parse(readFileSync(new URL('../fixtures/achievements/data-science-microcredential.json', import.meta.url), 'utf8'));
const LIST_URL = 'https://issuer.example/status/1';

function unsigned(overrides: { version?: '2.0' | '1.1'; validFrom?: Date; validUntil?: Date; status?: JsonObject; issuerId?: string } = {}): JsonObject {
  return buildAchievementCredential({
    achievement,
    issuer: { id: overrides.issuerId ?? issuerKey.controller, type: ['Profile'], name: 'Issuer' },
    recipient: { email: 'ana@example.org', salt: 'pepper' },
    id: 'urn:uuid:2d0a4a5e-6b39-4c4f-9d1a-0b3f9a1e2c11',
    validFrom: overrides.validFrom ?? new Date('2026-01-01T00:00:00Z'),
    version: overrides.version ?? '2.0',
    ...(overrides.validUntil ? { validUntil: overrides.validUntil } : {}),
    ...(overrides.status ? { credentialStatus: overrides.status } : {}),
  });
}

describe('the standards’ signed vectors, verified end to end', () => {
  const engine = createEngine({ clock: () => now });

  it('verifies the Open Badges 3.0 test vector (key named in the issuer URL’s fragment)', async () => {
    const result = await engine.verify({ credential: example('ob3/ob3-test-vector.signed-eddsa-rdfc-2022.json') });
    expect(result.checks.filter((c) => c.outcome === 'failed')).toEqual([]);
    expect(result.verified).toBe(true);
    expect(message(result, 'issuer-key')).toMatch(/after “#”/);
  });

  it('verifies the CLR 2.0 test vector and the credential inside it; a changed inner credential fails', async () => {
    const clr = example('clr2/clr2-test-vector.signed-eddsa-rdfc-2022.json');
    const result = await engine.verify({ credential: clr });
    expect(result.checks.filter((c) => c.outcome === 'failed')).toEqual([]);
    expect(outcome(result, 'credentials')).toBe('passed');
    // A CLR whose own signature is sound but which carries a changed credential fails on it.
    const forged = structuredClone(clr);
    delete forged.proof;
    forged.issuer = { id: issuerKey.controller, type: 'Profile', name: 'Re-signer' };
    ((forged.credentialSubject as JsonObject).verifiableCredential as JsonObject[])[0]!.name = 'Changed';
    const resigned = await engine.sign({ credential: forged, signer, now });
    const bad = await engine.verify({ credential: resigned });
    expect(outcome(bad, 'proof')).toBe('passed');
    expect(outcome(bad, 'credentials')).toBe('failed');
    expect(message(bad, 'credentials')).toMatch(/1 of the 1 credentials in the CLR did not verify/);
  });

  for (const file of ['vc-di-eddsa/eddsa-rdfc-2022_signedDataInt.json', 'vc-di-eddsa/eddsa-jcs-2022_signedJCS.json', 'vc-di-eddsa/Ed25519Signature2020_signedEdSig.json']) {
    it(`accepts the proof of ${file} but not its key binding (the key is not the issuer's)`, async () => {
      const result = await engine.verify({ credential: example(file) });
      expect(outcome(result, 'proof')).toBe('passed');
      expect(outcome(result, 'issuer-key')).toBe('failed');
      expect(message(result, 'issuer-key')).toMatch(/not of its issuer https:\/\/vc\.example\/issuers\/5678/);
      expect(result.verified).toBe(false);
    });
  }
});

for (const version of ['2.0', '1.1'] as const) {
  describe(`every check can fail (VC ${version})`, () => {
    const engine = createEngine({ clock: () => now });
    const sign = async (credential: JsonObject, key = signer) => (await engine.sign({ credential, signer: key, now })) as JsonObject;

    it('passes a good credential on every check', async () => {
      const result = await engine.verify({ credential: await sign(unsigned({ version })), recipient: { email: 'ana@example.org' } });
      expect(result.checks.map((c) => [c.check, c.outcome])).toEqual([
        ['structure', 'passed'], ['subject', 'passed'], ['proof', 'passed'], ['issuer-key', 'passed'],
        ['status', 'skipped'], ['validity', 'passed'], ['recipient', 'passed'], ['endorsements', 'skipped'],
      ]);
    });

    it('structure: a credential without a type fails', async () => {
      const credential = await sign(unsigned({ version }));
      delete credential.type;
      const result = await engine.verify({ credential });
      expect(outcome(result, 'structure')).toBe('failed');
      expect(result.verified).toBe(false);
    });

    it('subject: a subject with neither id nor identifier fails', async () => {
      const credential = unsigned({ version });
      delete (credential.credentialSubject as JsonObject).identifier;
      const result = await engine.verify({ credential: await sign(credential) });
      expect(outcome(result, 'subject')).toBe('failed');
    });

    it('proof: a changed value fails; an unsigned credential fails', async () => {
      const credential = await sign(unsigned({ version }));
      ((credential.credentialSubject as JsonObject).achievement as JsonObject).creditsAvailable = 50;
      expect(outcome(await engine.verify({ credential }), 'proof')).toBe('failed');
      const bare = await engine.verify({ credential: unsigned({ version }) });
      expect(outcome(bare, 'proof')).toBe('failed');
      expect(message(bare, 'proof')).toMatch(/no digital signature/);
    });

    it('issuer-key: a credential signed with someone else’s key fails', async () => {
      const result = await engine.verify({ credential: await sign(unsigned({ version }), signerFromMultikey(otherKey)) });
      expect(outcome(result, 'proof')).toBe('passed');
      expect(outcome(result, 'issuer-key')).toBe('failed');
      expect(message(result, 'issuer-key')).toContain(otherKey.controller);
    });

    it('validity: expired and not-yet-valid credentials fail; small clock skew is tolerated', async () => {
      const expired = await sign(unsigned({ version, validFrom: new Date('2025-01-01T00:00:00Z'), validUntil: new Date('2026-04-30T00:00:00Z') }));
      const result = await engine.verify({ credential: expired });
      expect(outcome(result, 'validity')).toBe('failed');
      expect(message(result, 'validity')).toMatch(/expired/);
      const future = await sign(unsigned({ version, validFrom: new Date('2026-06-01T00:00:00Z') }));
      expect(message(await engine.verify({ credential: future }), 'validity')).toMatch(/not valid yet/);
      const almost = await sign(unsigned({ version, validFrom: new Date(now.getTime() + 60_000) }));
      expect(outcome(await engine.verify({ credential: almost }), 'validity')).toBe('passed');
    });

    it('recipient: another e-mail address or DID fails', async () => {
      const credential = await sign(unsigned({ version }));
      expect(outcome(await engine.verify({ credential, recipient: { email: 'ANA@example.org ' } }), 'recipient')).toBe('passed');
      expect(outcome(await engine.verify({ credential, recipient: { email: 'eve@example.org' } }), 'recipient')).toBe('failed');
      expect(outcome(await engine.verify({ credential, recipient: { did: 'did:example:eve' } }), 'recipient')).toBe('failed');
    });

    it('endorsements: a valid endorsement passes, a tampered one fails', async () => {
      const endorsement = await sign(buildEndorsementCredential({
        issuer: { id: issuerKey.controller, type: ['Profile'], name: 'Accreditation Agency' },
        subject: { id: achievement.id, endorsementComment: 'Meets our quality criteria.' },
        id: 'urn:uuid:5c1b9e0e-2f5a-4c55-8a8e-1d1d3a3b7f10',
        validFrom: new Date('2026-01-01T00:00:00Z'),
        version,
      }));
      const withEndorsement = (e: JsonObject) => {
        const credential = unsigned({ version });
        ((credential.credentialSubject as JsonObject).achievement as JsonObject).endorsement = [e];
        return credential;
      };
      const good = await engine.verify({ credential: await sign(withEndorsement(endorsement)) });
      expect(outcome(good, 'endorsements')).toBe('passed');
      const tampered = { ...endorsement, name: 'Forged endorsement' };
      const bad = await engine.verify({ credential: await sign(withEndorsement(tampered)) });
      expect(outcome(bad, 'endorsements')).toBe('failed');
      expect(bad.verified).toBe(false);
    });
  });
}

describe('key binding', () => {
  const issuerUrl = 'https://uni.example/issuers/1';
  const attacker = generateDidKey(new Uint8Array(32).fill(66));
  const vm = `${issuerUrl}#${attacker.publicKeyMultibase}`;
  const forge = async (engine: ReturnType<typeof createEngine>) =>
    (await engine.sign({ credential: unsigned({ issuerId: issuerUrl }), signer: { ...signerFromMultikey(attacker), id: vm }, now })) as JsonObject;

  it('does not trust a key written after an issuer URL’s “#” unless the issuer’s document lists it', async () => {
    const offline = createEngine({ clock: () => now });
    const forged = await forge(offline);
    const result = await offline.verify({ credential: forged });
    expect(outcome(result, 'proof')).toBe('passed');
    expect(outcome(result, 'issuer-key')).toBe('warning');
    expect(message(result, 'issuer-key')).toMatch(/Nothing published by the issuer confirms/);

    const profile = { id: issuerUrl, type: 'Profile', name: 'Uni', verificationMethod: [{ id: `${issuerUrl}#${issuerKey.publicKeyMultibase}`, type: 'Multikey', controller: issuerUrl, publicKeyMultibase: issuerKey.publicKeyMultibase }] };
    const withProfile = createEngine({ clock: () => now, documents: new Map([[issuerUrl, profile]]) });
    const notListed = await withProfile.verify({ credential: forged });
    expect(outcome(notListed, 'issuer-key')).toBe('warning');
    expect(message(notListed, 'issuer-key')).toMatch(/does not list it/);

    const genuine = (await withProfile.sign({ credential: unsigned({ issuerId: issuerUrl }), signer: { ...signer, id: `${issuerUrl}#${issuerKey.publicKeyMultibase}` }, now })) as JsonObject;
    const confirmed = await withProfile.verify({ credential: genuine });
    expect(outcome(confirmed, 'issuer-key')).toBe('passed');
    expect(message(confirmed, 'issuer-key')).toMatch(/published by https:\/\/uni\.example\/issuers\/1/);
  });

  it('refuses a key that a DID document lists under no relationship', async () => {
    const did = 'did:web:uni.example';
    const document = {
      '@context': ['https://www.w3.org/ns/did/v1', 'https://w3id.org/security/multikey/v1'],
      id: did,
      verificationMethod: [{ id: `${did}#k1`, type: 'Multikey', controller: did, publicKeyMultibase: issuerKey.publicKeyMultibase }],
    };
    const engine = createEngine({ clock: () => now, documents: new Map([[did, document]]) });
    const signed = await engine.sign({ credential: unsigned({ issuerId: did }), signer: { ...signer, id: `${did}#k1` }, now });
    const result = await engine.verify({ credential: signed });
    expect(outcome(result, 'proof')).toBe('failed');
    expect(message(result, 'proof')).toMatch(/not authorised/);
  });
});

describe('status', () => {
  const publish = async (purpose: 'revocation' | 'suspension', set: boolean, key = signer) => {
    const list = new StatusBitstring();
    if (set) list.set(77, 1);
    const engine = createEngine();
    return await engine.sign({ credential: buildStatusListCredential({ url: LIST_URL, issuer: key.id.split('#')[0]!, statusPurpose: purpose, list, validFrom: now }), signer: key, now });
  };

  for (const purpose of ['revocation', 'suspension'] as const) {
    it(`a ${purpose === 'revocation' ? 'revoked' : 'suspended'} credential fails; a clear bit passes`, async () => {
      const plain = createEngine({ clock: () => now });
      const credential = await plain.sign({ credential: unsigned({ status: buildStatusListEntry({ listUrl: LIST_URL, index: 77, statusPurpose: purpose }) }), signer, now });
      const set = createEngine({ clock: () => now, documents: new Map([[LIST_URL, await publish(purpose, true)]]) });
      const result = await set.verify({ credential });
      expect(outcome(result, 'status')).toBe('failed');
      expect(message(result, 'status')).toMatch(purpose === 'revocation' ? /revoked/ : /suspended/);
      const clear = createEngine({ clock: () => now, documents: new Map([[LIST_URL, await publish(purpose, false)]]) });
      expect(outcome(await clear.verify({ credential }), 'status')).toBe('passed');
    });
  }

  it('fetches a list once for many credentials, sees a revocation once the cached copy is old, and retries failures', async () => {
    let clock = now.getTime();
    let served: unknown = await publish('revocation', false);
    let fetches = 0;
    let failNext = false;
    const engine = createEngine({
      clock: () => new Date(clock),
      fetcher: async (url) => {
        fetches++;
        if (failNext) {
          failNext = false;
          throw new Error('connection reset');
        }
        return { url, body: new TextEncoder().encode(JSON.stringify(served)) };
      },
    });
    const credential = await engine.sign({ credential: unsigned({ status: buildStatusListEntry({ listUrl: LIST_URL, index: 77, statusPurpose: 'revocation' }) }), signer, now });
    for (let i = 0; i < 5; i++) expect(outcome(await engine.verify({ credential }), 'status')).toBe('passed');
    expect(fetches).toBe(1);

    served = await publish('revocation', true);
    expect(outcome(await engine.verify({ credential }), 'status')).toBe('passed'); // still the cached copy
    clock += 301_000;
    expect(outcome(await engine.verify({ credential }), 'status')).toBe('failed');
    expect(fetches).toBe(2);

    clock += 301_000;
    failNext = true;
    expect(outcome(await engine.verify({ credential }), 'status')).toBe('warning');
    expect(outcome(await engine.verify({ credential }), 'status')).toBe('failed');
    expect(fetches).toBe(4);

    const uncached = createEngine({ clock: () => new Date(clock), statusListMaxAgeMs: 0, fetcher: async (url) => {
      fetches++;
      return { url, body: new TextEncoder().encode(JSON.stringify(served)) };
    } });
    await uncached.verify({ credential });
    await uncached.verify({ credential });
    expect(fetches).toBe(6);
  });

  it('an unreachable list is a warning that status is unknown, never “not revoked”', async () => {
    const engine = createEngine({ clock: () => now, fetcher: async () => { throw new Error('connection refused'); } });
    const credential = await engine.sign({ credential: unsigned({ status: buildStatusListEntry({ listUrl: LIST_URL, index: 77, statusPurpose: 'revocation' }) }), signer, now });
    const result = await engine.verify({ credential });
    expect(outcome(result, 'status')).toBe('warning');
    expect(message(result, 'status')).toMatch(/unknown/);
    expect(result.verified).toBe(true);
  });

  it('a list signed by another key than its issuer’s is not trusted', async () => {
    const forged = await publish('revocation', false, signerFromMultikey(otherKey));
    (forged as JsonObject).issuer = issuerKey.controller; // claims to be the issuer's list, but is re-signed by someone else
    const engine = createEngine({ clock: () => now, documents: new Map([[LIST_URL, forged]]) });
    const credential = await engine.sign({ credential: unsigned({ status: buildStatusListEntry({ listUrl: LIST_URL, index: 77, statusPurpose: 'revocation' }) }), signer, now });
    expect(outcome(await engine.verify({ credential }), 'status')).toBe('failed');
  });
});

describe('presentations', () => {
  const holderKey = generateDidKey(new Uint8Array(32).fill(5));
  const holder = signerFromMultikey(holderKey);

  it('verifies the holder’s proof and then each credential; a bad credential fails the presentation', async () => {
    const list = new StatusBitstring();
    list.set(9, 1);
    const engine = createEngine({ clock: () => now });
    const statusList = await engine.sign({ credential: buildStatusListCredential({ url: LIST_URL, issuer: issuerKey.controller, statusPurpose: 'revocation', list, validFrom: now }), signer, now });
    const verifier = createEngine({ clock: () => now, documents: new Map([[LIST_URL, statusList]]) });
    const good = await engine.sign({ credential: unsigned(), signer, now });
    const revoked = await engine.sign({ credential: unsigned({ status: buildStatusListEntry({ listUrl: LIST_URL, index: 9, statusPurpose: 'revocation' }) }), signer, now });
    const present = async (credentials: (JsonObject | string)[]) =>
      await signPresentation({ presentation: createPresentation({ credentials, holder: holderKey.controller }), signer: holder, documentLoader: engine.documentLoader, now, challenge: 'n-1', domain: 'verifier.example' });

    const fine = await verifier.verifyPresentation({ presentation: await present([good]), challenge: 'n-1', domain: 'verifier.example' });
    expect(fine.verified).toBe(true);
    expect(fine.checks.map((c) => c.outcome)).toEqual(['passed', 'passed']);

    const withRevoked = await verifier.verifyPresentation({ presentation: await present([good, revoked]), challenge: 'n-1', domain: 'verifier.example' });
    expect(withRevoked.checks.map((c) => c.outcome)).toEqual(['passed', 'failed']);
    expect(withRevoked.credentials[1]!.verified).toBe(false);

    const replayed = await verifier.verifyPresentation({ presentation: await present([good]), challenge: 'n-2', domain: 'verifier.example' });
    expect(replayed.verified).toBe(false);
    expect(await verifier.verifyPresentation({ presentation: 'garbage', challenge: 'n-1' })).toMatchObject({ verified: false });
  });
});

describe('safe mode through the engine’s fast path', () => {
  it('refuses to sign a credential with an undefined term, naming it, however often the shape is seen', async () => {
    const engine = createEngine({ clock: () => now });
    for (let i = 0; i < 3; i++) {
      const credential = { ...unsigned(), favouriteColour: `blue ${i}` };
      const error = await engine.sign({ credential, signer, now }).then(() => undefined, (e: unknown) => e);
      expect(error).toBeInstanceOf(JsonLdSafeModeError);
      expect((error as JsonLdSafeModeError).terms).toContain('favouriteColour');
    }
  });

  it('fails verification of a signed credential that gained an undefined term, naming it', async () => {
    const engine = createEngine({ clock: () => now });
    for (let i = 0; i < 3; i++) {
      const signed = (await engine.sign({ credential: unsigned(), signer, now })) as JsonObject;
      const result = await engine.verify({ credential: { ...signed, favouriteColour: 'blue' } });
      expect(outcome(result, 'proof')).toBe('failed');
      expect(message(result, 'proof')).toContain('favouriteColour');
    }
  });
});

describe('hostile input never throws past verify()', () => {
  const engine = createEngine({ clock: () => now });

  it('arbitrary JSON values and strings', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.jsonValue(), fc.string(), fc.constant(null)), async (value) => {
        const result = await engine.verify({ credential: value });
        expect(result.verified).toBe(false);
        expect(result.checks.length).toBeGreaterThan(0);
      }),
      { numRuns: 300 },
    );
  });

  it('a signed credential with random values replaced', async () => {
    const signed = (await engine.sign({ credential: unsigned(), signer, now })) as JsonObject;
    const paths: string[][] = [];
    const walk = (value: unknown, path: string[]) => {
      if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) { paths.push([...path, k]); walk(v, [...path, k]); }
    };
    walk(signed, []);
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...paths), fc.jsonValue(), async (path, replacement) => {
        const copy = structuredClone(signed) as Record<string, unknown>;
        let holder: Record<string, unknown> = copy;
        for (const part of path.slice(0, -1)) holder = holder[part] as Record<string, unknown>;
        holder[path.at(-1)!] = replacement;
        const result = await engine.verify({ credential: copy });
        expect(typeof result.verified).toBe('boolean');
      }),
      { numRuns: 300 },
    );
  });

  it('JWT-shaped strings with random segments', async () => {
    const segment = fc.oneof(fc.base64String(), fc.jsonValue().map((v) => Buffer.from(JSON.stringify(v)).toString('base64url')));
    await fc.assert(
      fc.asyncProperty(segment, segment, segment, async (a, b, c) => {
        const result = await engine.verify({ credential: `${a.replace(/=/g, '')}.${b.replace(/=/g, '')}.${c.replace(/=/g, '')}` });
        expect(result.verified).toBe(false);
      }),
      { numRuns: 300 },
    );
  });

  it('hostile JSON-LD: unknown, inline and redefining contexts, deep nesting, huge documents', async () => {
    const base = unsigned();
    const cases: unknown[] = [
      { ...base, '@context': ['https://www.w3.org/ns/credentials/v2', 'https://evil.example/context.json'] },
      { ...base, '@context': ['https://www.w3.org/ns/credentials/v2', { name: { '@id': 'https://evil.example/name' } }] },
      { ...base, '@context': [{ '@vocab': 'https://evil.example/' }, 'https://www.w3.org/ns/credentials/v2'] },
      { ...base, '@context': ['https://www.w3.org/ns/credentials/v2', { '@import': 'https://evil.example/x' }] },
      { ...base, '@context': 'https://www.w3.org/ns/credentials/v2', extra: nest(20_000) },
      { ...base, credentialSubject: Array.from({ length: 50_000 }, () => ({ id: 'did:example:x' })) },
      { ...base, proof: { type: 'DataIntegrityProof', cryptosuite: 'eddsa-rdfc-2022', proofValue: 'z'.repeat(1_000_000), verificationMethod: issuerKey.id, proofPurpose: 'assertionMethod' } },
    ];
    const before = process.memoryUsage().heapUsed;
    for (const credential of cases) {
      const result = await engine.verify({ credential });
      expect(result.verified).toBe(false);
    }
    expect(process.memoryUsage().heapUsed - before).toBeLessThan(512 * 1024 * 1024);
  });
});

function nest(depth: number): unknown {
  let value: unknown = 'bottom';
  for (let i = 0; i < depth; i++) value = { a: value };
  return value;
}

describe('input bounds', () => {
  it('refuses oversized text before parsing it, and oversized objects, with a sentence', async () => {
    const engine = createEngine({ clock: () => now });
    const text = `{"a":"${'x'.repeat(5 * 1024 * 1024)}"}`;
    const fromText = await engine.verify({ credential: text });
    expect(fromText.checks[0]!.message).toMatch(/larger than 4 MB/);
    const fromObject = await engine.verify({ credential: { ...unsigned(), blob: Array.from({ length: 60_000 }, () => 'y'.repeat(80)) } });
    expect(fromObject.checks[0]!.message).toMatch(/larger than 4 MB/);
  });
});
