import { SignJWT, compactVerify, decodeProtectedHeader, exportJWK, generateKeyPair, importJWK, jwtVerify, type JWK } from 'jose';
import { describe, expect, it } from 'vitest';
import { generateDidKey } from '../../src/vc/did/did-key.ts';
import type { KeyResolverOptions } from '../../src/vc/did/resolve-key.ts';
import { createDocumentLoader } from '../../src/vc/document-loader.ts';
import { decodePublicKeyMultibase, signerFromMultikey } from '../../src/vc/keys/ed25519.ts';
import { base64urlEncode } from '../../src/vc/multibase.ts';
import type { VerifyProofOptions } from '../../src/vc/proofs/provider.ts';
import { MAX_JWT_LENGTH, createVcJwtProvider, envelopeVcJwt, vcJwtProvider } from '../../src/vc/proofs/vc-jwt.ts';
import type { JsonObject } from '../../src/vc/types.ts';

const documentLoader = createDocumentLoader();
const now = new Date('2026-02-01T10:00:00Z');
const key = generateDidKey();
const signer = signerFromMultikey(key);
const WEB_DID = 'did:web:issuer.example';

function credential(version: 1 | 2, issuer: string = key.controller): JsonObject {
  const base = {
    id: 'urn:uuid:8a5f0a55-3b6b-4f6c-9f0e-3a0c1d2e3f40',
    type: ['VerifiableCredential', 'OpenBadgeCredential'],
    issuer: { id: issuer, type: ['Profile'], name: 'Example University' },
    name: 'Data Literacy',
    credentialSubject: { id: 'did:example:learner', type: ['AchievementSubject'], achievement: { id: 'https://issuer.example/a/1', type: ['Achievement'], name: 'Data Literacy' } },
  };
  return version === 2
    ? { '@context': ['https://www.w3.org/ns/credentials/v2', 'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json'], ...base, validFrom: '2026-01-15T00:00:00Z', validUntil: '2030-01-15T00:00:00Z' }
    : { '@context': ['https://www.w3.org/2018/credentials/v1', 'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json'], ...base, issuanceDate: '2026-01-15T00:00:00Z' };
}

function verifyOptions(document: unknown, keys: KeyResolverOptions = {}): VerifyProofOptions {
  return { document, documentLoader, keys, proofPurpose: 'assertionMethod' };
}

function part(jwt: string, index: number): JsonObject {
  return JSON.parse(Buffer.from(jwt.split('.')[index]!, 'base64url').toString('utf8')) as JsonObject;
}

function encode(value: unknown): string {
  return base64urlEncode(new TextEncoder().encode(JSON.stringify(value)));
}

async function issue(document: JsonObject, options: Parameters<typeof createVcJwtProvider>[0] = {}): Promise<string> {
  const jwt = await createVcJwtProvider(options).issue({ document, signer, documentLoader, now });
  if (typeof jwt !== 'string') throw new Error('expected a compact JWS');
  return jwt;
}

async function didWebWith(jwk: JWK): Promise<Map<string, unknown>> {
  return new Map([
    [WEB_DID, {
      '@context': ['https://www.w3.org/ns/did/v1', 'https://w3id.org/security/jwk/v1'],
      id: WEB_DID,
      verificationMethod: [{ id: `${WEB_DID}#key-1`, type: 'JsonWebKey', controller: WEB_DID, publicKeyJwk: jwk }],
      assertionMethod: [`${WEB_DID}#key-1`],
    }],
  ]);
}

describe('VC-JWT issue', () => {
  for (const version of [2, 1] as const) {
    it(`round-trips a VC ${version === 2 ? '2.0' : '1.1'} credential with our did:key signer`, async () => {
      const document = credential(version);
      const jwt = await issue(document);
      expect(decodeProtectedHeader(jwt)).toEqual({ alg: 'EdDSA', typ: version === 2 ? 'vc+jwt' : 'JWT', kid: key.id });
      const payload = part(jwt, 1);
      expect(payload).toMatchObject({
        iss: key.controller,
        jti: document.id,
        sub: 'did:example:learner',
        nbf: Date.parse('2026-01-15T00:00:00Z') / 1000,
        iat: now.getTime() / 1000,
      });
      if (version === 2) {
        expect(payload.vc).toBeUndefined();
        expect(payload.exp).toBe(Date.parse('2030-01-15T00:00:00Z') / 1000);
        expect(payload.name).toBe('Data Literacy');
      } else {
        expect(payload.vc).toEqual(document);
      }
      const result = await vcJwtProvider.verify(verifyOptions(jwt));
      expect(result).toMatchObject({ verified: true, format: 'vc-jwt' });
      expect(result.key?.controller).toBe(key.controller);
      expect(result.credential).toEqual(document);
    });
  }

  it('issues the vc-claim form for a VC 2.0 credential when asked', async () => {
    const jwt = await issue(credential(2), { jwtForm: 'vc1', typ: 'JWT' });
    expect(part(jwt, 1).vc).toEqual(credential(2));
    expect(decodeProtectedHeader(jwt).typ).toBe('JWT');
    expect((await vcJwtProvider.verify(verifyOptions(jwt))).verified).toBe(true);
  });

  it('produces tokens that jose verifies on its own with the public key as a JWK', async () => {
    const jwt = await issue(credential(2));
    const x = base64urlEncode(decodePublicKeyMultibase(key.publicKeyMultibase)!);
    const publicKey = await importJWK({ kty: 'OKP', crv: 'Ed25519', x }, 'EdDSA');
    const { payload, protectedHeader } = await jwtVerify(jwt, publicKey, { typ: 'vc+jwt', issuer: key.controller, currentDate: now });
    expect(protectedHeader.alg).toBe('EdDSA');
    expect(payload.name).toBe('Data Literacy');
    await expect(compactVerify(await issue(credential(1)), publicKey)).resolves.toBeDefined();
  });

  it('refuses misuse with TypeError', async () => {
    await expect(issue({ ...credential(2), '@context': ['https://example.com/ctx'] })).rejects.toThrow(TypeError);
    await expect(issue({ ...credential(2), issuer: undefined })).rejects.toThrow(TypeError);
    await expect(issue({ ...credential(2), validFrom: 'yesterday' })).rejects.toThrow(TypeError);
    await expect(issue(credential(2), { jwtForm: 'vc3' as 'vc2' })).rejects.toThrow(TypeError);
  });
});

describe('VC-JWT verify', () => {
  for (const alg of ['ES256', 'RS256'] as const) {
    it(`verifies ${alg} tokens made by jose, by kid from a did:web document`, async () => {
      const { publicKey, privateKey } = await generateKeyPair(alg, { extractable: true });
      const jwk = await exportJWK(publicKey);
      const document = credential(2, WEB_DID);
      const jwt = await new SignJWT({ ...document, iss: WEB_DID, jti: document.id as string, nbf: Date.parse('2026-01-15T00:00:00Z') / 1000 })
        .setProtectedHeader({ alg, typ: 'vc+jwt', kid: `${WEB_DID}#key-1` })
        .sign(privateKey);
      const result = await vcJwtProvider.verify(verifyOptions(jwt, { documents: await didWebWith(jwk) }));
      expect(result.message).toMatch(new RegExp(alg));
      expect(result.verified).toBe(true);
      expect(result.key?.controller).toBe(WEB_DID);
      expect(result.key?.binding).toMatch(/DID document/);
      expect(result.credential).toEqual(document);

      const unresolved = await vcJwtProvider.verify(verifyOptions(jwt));
      expect(unresolved.verified).toBe(false);
      expect(unresolved.message).toMatch(/does not go online/);
    });

    it(`verifies ${alg} tokens with an embedded jwk, and says whether the key is the issuer's`, async () => {
      const { publicKey, privateKey } = await generateKeyPair(alg, { extractable: true });
      const jwk = await exportJWK(publicKey);
      const sign = (document: JsonObject, header: JsonObject = {}) =>
        new SignJWT(document).setProtectedHeader({ alg, typ: 'vc+jwt', jwk, ...header }).sign(privateKey);

      const foreign = await vcJwtProvider.verify(verifyOptions(await sign(credential(2, WEB_DID))));
      expect(foreign.verified).toBe(true);
      expect(foreign.key?.controller).not.toBe(WEB_DID);
      expect(foreign.key?.binding).toMatch(/given in the token itself and is not shown to belong to the issuer/);

      const didJwk = `did:jwk:${encode(jwk)}`;
      const own = await vcJwtProvider.verify(verifyOptions(await sign(credential(2, didJwk))));
      expect(own.verified).toBe(true);
      expect(own.key?.controller).toBe(didJwk);

      const matchingKid = await vcJwtProvider.verify(
        verifyOptions(await sign(credential(2, WEB_DID), { kid: `${WEB_DID}#key-1` }), { documents: await didWebWith(jwk) }),
      );
      expect(matchingKid.key?.controller).toBe(WEB_DID);

      const privateJwk = await exportJWK(privateKey);
      const leaked = await new SignJWT(credential(2)).setProtectedHeader({ alg, jwk: privateJwk }).sign(privateKey);
      expect((await vcJwtProvider.verify(verifyOptions(leaked))).verified).toBe(false);
    });
  }

  it('reads a VC 1.1 vc-claim token and restores properties moved into claims (VC 1.1 §6.3.1)', async () => {
    const { publicKey, privateKey } = await generateKeyPair('ES256', { extractable: true });
    const jwk = await exportJWK(publicKey);
    const vc = credential(1, WEB_DID);
    const { id: _id, issuer: _issuer, issuanceDate: _date, ...rest } = vc;
    const jwt = await new SignJWT({ vc: rest })
      .setProtectedHeader({ alg: 'ES256', typ: 'JWT', kid: `${WEB_DID}#key-1` })
      .setIssuer(WEB_DID)
      .setJti(vc.id as string)
      .setSubject('did:example:learner')
      .setNotBefore(Date.parse('2026-01-15T00:00:00Z') / 1000)
      .sign(privateKey);
    const result = await vcJwtProvider.verify(verifyOptions(jwt, { documents: await didWebWith(jwk) }));
    expect(result.verified).toBe(true);
    expect(result.credential).toMatchObject({ id: vc.id, issuer: WEB_DID, issuanceDate: '2026-01-15T00:00:00Z' });
  });

  it('fails when registered claims contradict the credential (OB 3.0 §8.2.4)', async () => {
    const document = credential(2);
    const tamper = async (claims: JsonObject) => {
      const header = encode({ alg: 'EdDSA', typ: 'vc+jwt', kid: key.id });
      const input = `${header}.${encode({ ...document, ...claims })}`;
      return `${input}.${base64urlEncode(await signer.sign(new TextEncoder().encode(input)))}`;
    };
    const cases: [JsonObject, RegExp][] = [
      [{ iss: 'did:example:someone-else' }, /issued by did:example:someone-else/],
      [{ jti: 'urn:uuid:other' }, /jti/],
      [{ sub: 'did:example:other' }, /subject/],
      [{ nbf: 1 }, /nbf/],
      [{ exp: Date.parse('2031-01-01T00:00:00Z') / 1000 }, /exp/],
      [{ nbf: 'soon' }, /nbf/],
    ];
    for (const [claims, message] of cases) {
      const result = await vcJwtProvider.verify(verifyOptions(await tamper(claims)));
      expect(result.verified, JSON.stringify(claims)).toBe(false);
      expect(result.message).toMatch(message);
    }
  });

  it('rejects alg none, HS256, bad signatures and garbage without throwing', async () => {
    const good = await issue(credential(2));
    const [h, p, s] = good.split('.') as [string, string, string];
    const payload = part(good, 1);
    const hs256 = await new SignJWT(payload).setProtectedHeader({ alg: 'HS256', kid: key.id }).sign(new Uint8Array(32));
    const flip = (text: string, at: number) => text.slice(0, at) + (text[at] === 'A' ? 'B' : 'A') + text.slice(at + 1);
    const cases: [unknown, RegExp][] = [
      [`${encode({ alg: 'none', kid: key.id })}.${p}.${s}`, /not signed/],
      [`${encode({ alg: 'none' })}.${p}.`, /not a signed JSON Web Token/],
      [hs256, /HS256.*not accepted/],
      [`${encode({ alg: 'ES512', kid: key.id })}.${p}.${s}`, /not accepted/],
      [`${h}.${p}.${flip(s, 10)}`, /signature does not match/],
      [`${h}.${flip(p, 40)}.${s}`, /signature does not match|not a JSON object/],
      [`${h}.${encode({ ...payload, name: 'Data Literacy!' })}.${s}`, /signature does not match/],
      [good.slice(0, good.length - 20), /signature does not match/],
      [`${h}.${p}`, /not a signed JSON Web Token/],
      [`${base64urlEncode(new TextEncoder().encode('{not json'))}.${p}.${s}`, /header is not a JSON object/],
      [`${encode([1, 2])}.${p}.${s}`, /header is not a JSON object/],
      [`${h}.${encode('a string')}.${s}`, /payload is not a JSON object/],
      [`${encode({ alg: 'EdDSA' })}.${p}.${s}`, /does not say which key/],
      [`${encode({ alg: 'EdDSA', kid: key.id, crit: ['exp'] })}.${p}.${s}`, /crit/],
      [`${encode({ alg: 'EdDSA', kid: key.id, typ: 'vp+jwt' })}.${p}.${s}`, /not a credential/],
      [`${h}.${'A'.repeat(MAX_JWT_LENGTH)}.${s}`, /too large/],
      [42, /not a signed/],
      [{ type: 'EnvelopedVerifiableCredential', id: 'data:application/vc+jwt,nope' }, /not a signed/],
    ];
    for (const [document, message] of cases) {
      const result = await vcJwtProvider.verify(verifyOptions(document));
      expect(result.verified, String(document).slice(0, 80)).toBe(false);
      expect(result.message).toMatch(message);
    }
  });

  it('recognises compact JWS strings and enveloped credentials', async () => {
    const jwt = await issue(credential(2));
    const envelope = envelopeVcJwt(jwt);
    expect(envelope).toEqual({ '@context': ['https://www.w3.org/ns/credentials/v2'], id: `data:application/vc+jwt,${jwt}`, type: 'EnvelopedVerifiableCredential' });
    expect(vcJwtProvider.canVerify(jwt)).toBe(true);
    expect(vcJwtProvider.canVerify(envelope)).toBe(true);
    expect(vcJwtProvider.canVerify(credential(2))).toBe(false);
    expect(vcJwtProvider.canVerify('a.b')).toBe(false);
    expect(vcJwtProvider.canIssue('vc-jwt')).toBe(true);
    expect(vcJwtProvider.canIssue('eddsa-rdfc-2022')).toBe(false);
    expect((await vcJwtProvider.verify(verifyOptions(envelope))).verified).toBe(true);
  });
});
