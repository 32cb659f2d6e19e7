import { SignJWT, exportJWK, generateKeyPair, type JWK } from 'jose';
import { createSign, generateKeyPairSync } from 'node:crypto';
import type * as Zlib from 'node:zlib';
import { describe, expect, it, vi } from 'vitest';
import { generateDidKey } from '../../src/vc/did/did-key.ts';
import type { KeyResolverOptions } from '../../src/vc/did/resolve-key.ts';
import { createDocumentLoader } from '../../src/vc/document-loader.ts';
import { createEngine } from '../../src/vc/engine.ts';
import { signerFromMultikey } from '../../src/vc/keys/ed25519.ts';
import { base64urlEncode } from '../../src/vc/multibase.ts';
import { vcJwtProvider } from '../../src/vc/proofs/vc-jwt.ts';
import { StatusBitstring } from '../../src/vc/status/bitstring.ts';
import { MAX_STATUS_ENTRIES, checkCredentialStatus } from '../../src/vc/status/check-status.ts';
import { buildStatusListCredential, buildStatusListEntry } from '../../src/vc/status/status-list-credential.ts';
import type { JsonObject } from '../../src/vc/types.ts';

const inflations = vi.hoisted(() => ({ count: 0 }));
vi.mock('node:zlib', async (importOriginal) => {
  const zlib = await importOriginal<typeof Zlib>();
  return {
    ...zlib,
    gunzipSync: (...args: Parameters<typeof zlib.gunzipSync>) => {
      inflations.count += 1;
      return zlib.gunzipSync(...args);
    },
  };
});

const documentLoader = createDocumentLoader();
const now = new Date('2026-02-01T10:00:00Z');
const WEB_DID = 'did:web:issuer.example';
const KID = `${WEB_DID}#key-1`;

const encode = (value: unknown) => base64urlEncode(new TextEncoder().encode(JSON.stringify(value)));

function credential(issuer: string, extra: JsonObject = {}): JsonObject {
  return {
    '@context': ['https://www.w3.org/ns/credentials/v2', 'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json'],
    id: 'urn:uuid:8a5f0a55-3b6b-4f6c-9f0e-3a0c1d2e3f40',
    type: ['VerifiableCredential', 'OpenBadgeCredential'],
    issuer: { id: issuer, type: ['Profile'], name: 'Example University' },
    name: 'Data Literacy',
    validFrom: '2026-01-15T00:00:00Z',
    credentialSubject: {
      id: 'did:example:learner',
      type: ['AchievementSubject'],
      achievement: { id: 'https://issuer.example/a/1', type: ['Achievement'], name: 'Data Literacy', description: 'Reads data.', criteria: { narrative: 'Pass.' } },
    },
    ...extra,
  };
}

function didDocument(jwk: JWK, relationships: JsonObject): Map<string, unknown> {
  return new Map([[WEB_DID, {
    '@context': ['https://www.w3.org/ns/did/v1', 'https://w3id.org/security/jwk/v1'],
    id: WEB_DID,
    verificationMethod: [{ id: KID, type: 'JsonWebKey', controller: WEB_DID, publicKeyJwk: jwk }],
    ...relationships,
  }]]);
}

const verify = (document: unknown, keys: KeyResolverOptions = {}, at: Date | undefined = now) =>
  vcJwtProvider.verify({ document, documentLoader, keys, proofPurpose: 'assertionMethod', ...(at ? { now: at } : {}) });

/** A VC-JWT signed by a did:key, with the header and payload given as they are. */
async function rawJwt(header: JsonObject, payload: JsonObject, key = generateDidKey()): Promise<string> {
  const input = `${encode({ alg: 'EdDSA', kid: key.id, ...header })}.${encode(payload)}`;
  return `${input}.${base64urlEncode(await signerFromMultikey(key).sign(new TextEncoder().encode(input)))}`;
}

describe('VC-JWT review: exp and nbf', () => {
  it('refuses a VC 2.0 token after its exp even when the credential has no validUntil (RFC 7519 §4.1.4)', async () => {
    const key = generateDidKey();
    const jwt = await rawJwt({ typ: 'vc+jwt' }, { ...credential(key.controller), iss: key.controller, exp: Date.parse('2026-01-20T00:00:00Z') / 1000 }, key);
    const result = await verify(jwt);
    expect(result.verified).toBe(false);
    expect(result.message).toBe('The token expired on 2026-01-20T00:00:00Z.');
    // Through the engine the credential is not verified either.
    expect((await createEngine().verify({ credential: jwt, now })).verified).toBe(false);
    // Within the five minutes of leeway, and without a clock, exp is not held against it.
    expect((await verify(jwt, {}, new Date('2026-01-20T00:04:00Z'))).verified).toBe(true);
    expect((await verify(jwt, {}, null as unknown as undefined)).verified).toBe(true);
  });

  it('refuses a token before its nbf, and a non-numeric exp (RFC 7519 §4.1.5)', async () => {
    const key = generateDidKey();
    const early = await rawJwt({ typ: 'vc+jwt' }, { ...credential(key.controller, { validFrom: undefined }), nbf: Date.parse('2026-03-01T00:00:00Z') / 1000 }, key);
    expect(await verify(early)).toMatchObject({ verified: false, message: 'The token is not valid before 2026-03-01T00:00:00Z.' });
    const textual = await rawJwt({ typ: 'vc+jwt' }, { ...credential(key.controller), exp: '2030-01-01' }, key);
    expect(await verify(textual)).toMatchObject({ verified: false, message: 'The token’s exp date is not a number.' });
  });

  it('says plainly when a date claim is beyond the calendar instead of calling the token malformed', async () => {
    const key = generateDidKey();
    const jwt = await rawJwt({ typ: 'vc+jwt' }, { ...credential(key.controller), nbf: 1e300 }, key);
    const result = await verify(jwt);
    expect(result.verified).toBe(false);
    expect(result.message).toMatch(/nbf date \(1e\+300\) does not match the credential’s validFrom/);
  });
});

describe('VC-JWT review: keys', () => {
  it('refuses a key that the issuer lists only under authentication for an assertion', async () => {
    const { publicKey, privateKey } = await generateKeyPair('ES256', { extractable: true });
    const jwk = await exportJWK(publicKey);
    const jwt = await new SignJWT(credential(WEB_DID)).setProtectedHeader({ alg: 'ES256', typ: 'vc+jwt', kid: KID }).sign(privateKey);
    const result = await verify(jwt, { documents: didDocument(jwk, { authentication: [KID] }) });
    expect(result).toMatchObject({ verified: false, message: `The key ${KID} is not authorised by its owner for assertionMethod.` });
    expect((await verify(jwt, { documents: didDocument(jwk, { assertionMethod: [KID] }) })).verified).toBe(true);
    // The same key also offered in a jwk header does not get round the relationship.
    const withJwk = await new SignJWT(credential(WEB_DID)).setProtectedHeader({ alg: 'ES256', typ: 'vc+jwt', kid: KID, jwk }).sign(privateKey);
    expect((await verify(withJwk, { documents: didDocument(jwk, { authentication: [KID] }) })).verified).toBe(false);
  });

  it('explains an ES256 signature in DER form (RFC 7518 §3.4 wants R and S) and accepts the JOSE form', async () => {
    const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const jwk = publicKey.export({ format: 'jwk' }) as JWK;
    const documents = didDocument(jwk, { assertionMethod: [KID] });
    const input = `${encode({ alg: 'ES256', typ: 'vc+jwt', kid: KID })}.${encode(credential(WEB_DID))}`;
    const der = createSign('sha256').update(input).sign(privateKey);
    const raw = createSign('sha256').update(input).sign({ key: privateKey, dsaEncoding: 'ieee-p1363' });
    const derResult = await verify(`${input}.${base64urlEncode(der)}`, { documents });
    expect(derResult.verified).toBe(false);
    expect(derResult.message).toMatch(/not in the form JOSE requires \(R and S, 64 bytes; it may be DER-encoded\)/);
    expect((await verify(`${input}.${base64urlEncode(raw)}`, { documents })).verified).toBe(true);
  });

  it('refuses a jwk header with any private member (RFC 7518 §6.3.2), and names an unsupported key plainly', async () => {
    const { publicKey, privateKey } = await generateKeyPair('RS256', { extractable: true });
    const jwk = await exportJWK(publicKey);
    const secret = await exportJWK(privateKey);
    for (const member of ['dp', 'dq', 'qi', 'oth'] as const) {
      const header = { alg: 'RS256', typ: 'vc+jwt', jwk: { ...jwk, [member]: secret.dp ?? 'AQAB' } };
      const jwt = await new SignJWT(credential(WEB_DID)).setProtectedHeader(header as unknown as { alg: string }).sign(privateKey);
      const result = await verify(jwt);
      expect(result.verified, member).toBe(false);
      expect(result.message).toMatch(/private or secret key in its header/);
    }
    const p384 = await generateKeyPair('ES384', { extractable: true });
    const jwt = await new SignJWT(credential(WEB_DID)).setProtectedHeader({ alg: 'ES256', typ: 'vc+jwt', jwk: await exportJWK(p384.publicKey) }).sign((await generateKeyPair('ES256')).privateKey);
    expect((await verify(jwt)).message).toBe('The key inside the token is not a public key of a kind this verifier reads (Ed25519, P-256 or RSA).');
  });

  it('does not let a kid of the form <issuer-url>#z6Mk… vouch that an arbitrary key is the issuer’s', async () => {
    const attacker = generateDidKey();
    const issuer = 'https://university.example/issuer';
    const kid = `${issuer}#${attacker.publicKeyMultibase}`;
    const jwt = await rawJwt({ typ: 'vc+jwt', kid }, credential(issuer), attacker);
    const proof = await verify(jwt);
    expect(proof.verified).toBe(true);
    expect(proof.key?.controller).toMatch(/^urn:ietf:params:oauth:jwk-thumbprint:/);
    expect(proof.key?.binding).toMatch(/nothing shows that it belongs to https:\/\/university\.example\/issuer/);
    const result = await createEngine().verify({ credential: jwt, now });
    expect(result.checks.find((check) => check.check === 'issuer-key')?.outcome).toBe('warning');
  });
});

describe('status review', () => {
  const ISSUER = 'did:web:issuer.example';
  const URL_1 = 'https://issuer.example/status/1';
  const list = (extra: JsonObject = {}) => ({
    ...buildStatusListCredential({ url: URL_1, issuer: ISSUER, statusPurpose: 'revocation', list: new StatusBitstring(), validFrom: new Date('2025-01-01T00:00:00Z') }),
    ...extra,
  });
  const entry = buildStatusListEntry({ listUrl: URL_1, index: 5, statusPurpose: 'revocation' });
  const holder = (status: unknown): JsonObject => ({
    '@context': ['https://www.w3.org/ns/credentials/v2'],
    type: ['VerifiableCredential'],
    issuer: ISSUER,
    credentialSubject: { id: 'did:example:learner' },
    credentialStatus: status,
  });

  it('fails a list that names no issuer: it cannot be shown to speak for the credential’s issuer', async () => {
    const result = await checkCredentialStatus({ credential: holder(entry), fetchStatusList: async () => list({ issuer: undefined }), now });
    expect(result.outcome).toBe('failed');
    expect(result.message).toBe('The status list does not say who published it, so it cannot speak for the issuer of this credential.');
  });

  it('refuses a hostile number of status entries without fetching or inflating each one', async () => {
    let fetches = 0;
    const fetchStatusList = async (url: string) => {
      fetches += 1;
      throw new Error(`unreachable ${url}`);
    };
    const many = Array.from({ length: 10_000 }, (_, index) => buildStatusListEntry({ listUrl: `${URL_1}/${index}`, index, statusPurpose: 'revocation' }));
    const result = await checkCredentialStatus({ credential: holder(many), fetchStatusList, now });
    expect(fetches).toBe(0);
    expect(result.outcome).toBe('failed');
    expect(result.message).toMatch(/10000 status entries, far more than any real credential \(at most 16 are read\)/);
  });

  it('inflates a list once for all the entries that share it', async () => {
    // Up to 16 MiB is inflated per list; every entry pointing to the same list used to pay that again.
    const revoked = new StatusBitstring();
    revoked.set(5, 1);
    const revokedList = buildStatusListCredential({ url: URL_1, issuer: ISSUER, statusPurpose: 'revocation', list: revoked, validFrom: new Date('2025-01-01T00:00:00Z') });
    inflations.count = 0;
    const result = await checkCredentialStatus({ credential: holder(Array(MAX_STATUS_ENTRIES).fill(entry)), fetchStatusList: async () => revokedList, now });
    expect(result.outcome).toBe('failed');
    expect(result.entries).toHaveLength(MAX_STATUS_ENTRIES);
    expect(result.entries.every((found) => found.status === 1)).toBe(true);
    expect(inflations.count).toBe(1);
  });
});

describe('VC-JWT review: hostile payloads', () => {
  it('refuses a payload nested deeper than any credential, as JSON input is refused, instead of passing it on', async () => {
    const key = generateDidKey();
    const text = (depth: number) =>
      `{"@context":["https://www.w3.org/ns/credentials/v2"],"type":["VerifiableCredential"],"issuer":"${key.controller}","credentialSubject":{"id":"did:example:x","deep":${'['.repeat(depth)}${']'.repeat(depth)}}}`;
    const sign = async (payload: string) => {
      const input = `${encode({ alg: 'EdDSA', typ: 'vc+jwt', kid: key.id })}.${base64urlEncode(new TextEncoder().encode(payload))}`;
      return `${input}.${base64urlEncode(await signerFromMultikey(key).sign(new TextEncoder().encode(input)))}`;
    };
    const deep = await verify(await sign(text(200_000)));
    expect(deep).toMatchObject({ verified: false, message: 'The token payload is nested more than 64 levels deep, more than any real credential, so it was not read.' });
    expect((await verify(await sign(text(60)))).verified).toBe(true);
  });
});
