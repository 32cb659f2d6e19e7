import { describe, expect, it } from 'vitest';
import * as fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { generateDidKey, parseDidKey, resolveDidKey } from '../../src/vc/did/did-key.ts';
import { buildDidWebDocument, didWebFromUrl, didWebToUrl } from '../../src/vc/did/did-web.ts';
import { resolveVerificationMethod } from '../../src/vc/did/resolve-key.ts';
import {
  createEd25519Signer,
  decodePublicKeyMultibase,
  decodeSecretKeyMultibase,
  encodePublicKeyMultibase,
  publicKeyFromSeed,
  signerFromMultikey,
  verifyEd25519,
} from '../../src/vc/keys/ed25519.ts';
import { base58btcDecode, base58btcEncode, multibaseDecode, multibaseEncode } from '../../src/vc/multibase.ts';
import { createDocumentLoader, DocumentNotAvailableError } from '../../src/vc/document-loader.ts';
import * as Ed25519Multikey from '@digitalbazaar/ed25519-multikey';
import { standardsUrl } from '../support/standards.ts';

const shared = standardsUrl('');
const vector = JSON.parse(readFileSync(new URL('examples/ob3/ob3-test-vector.keypair.json', shared), 'utf8'));
const w3cKey = JSON.parse(readFileSync(new URL('examples/vc-di-eddsa/keyPair.json', shared), 'utf8'));

describe('multibase', () => {
  it('round-trips base58btc and base64url for any bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 80 }), (bytes) => {
        expect(base58btcDecode(base58btcEncode(bytes))).toEqual(bytes);
        expect(multibaseDecode(multibaseEncode(bytes, 'base64url'))).toEqual(bytes);
      }),
    );
  });
  it('keeps leading zero bytes as leading 1s', () => {
    expect(base58btcEncode(Uint8Array.from([0, 0, 1]))).toBe('112');
  });
  it('rejects characters outside the alphabet instead of throwing', () => {
    expect(base58btcDecode('0OIl')).toBeUndefined();
    expect(multibaseDecode('x123')).toBeUndefined();
    expect(multibaseDecode(42)).toBeUndefined();
  });
});

describe('Ed25519 Multikey', () => {
  it('decodes the published test keys to the published hex', () => {
    expect(Buffer.from(decodePublicKeyMultibase(vector.publicKeyMultibase)!).toString('hex')).toBe(vector.publicKeyHex);
    const seed = decodeSecretKeyMultibase(vector.secretKeyMultibase)!;
    expect(Buffer.from(seed).toString('hex')).toBe(vector.privateKeyHex.slice(0, 64));
    expect(Buffer.from(publicKeyFromSeed(seed)).toString('hex')).toBe(vector.publicKeyHex);
    const w3cSeed = decodeSecretKeyMultibase(w3cKey.privateKeyMultibase)!;
    expect(encodePublicKeyMultibase(publicKeyFromSeed(w3cSeed))).toBe(w3cKey.publicKeyMultibase);
  });

  it('signs what node and the reference library verify, and rejects a changed message', async () => {
    const key = generateDidKey();
    const signer = signerFromMultikey(key);
    const data = new TextEncoder().encode('microcred');
    const signature = await signer.sign(data);
    expect(verifyEd25519(decodePublicKeyMultibase(key.publicKeyMultibase)!, data, signature)).toBe(true);
    expect(verifyEd25519(decodePublicKeyMultibase(key.publicKeyMultibase)!, new TextEncoder().encode('microcreD'), signature)).toBe(false);
    const reference = await Ed25519Multikey.from({ ...key });
    expect(await reference.verifier().verify({ data, signature })).toBe(true);
  });

  it('matches the reference library’s key encoding for the same seed', async () => {
    const seed = Uint8Array.from({ length: 32 }, (_, i) => i + 1);
    const ours = generateDidKey(seed);
    const reference = await Ed25519Multikey.generate({ seed });
    expect(ours.publicKeyMultibase).toBe(reference.publicKeyMultibase);
    expect(ours.controller).toBe(`did:key:${reference.publicKeyMultibase}`);
  });

  it('refuses a key file whose secret does not match its public key', () => {
    const a = generateDidKey();
    const b = generateDidKey();
    expect(() => signerFromMultikey({ ...a, secretKeyMultibase: b.secretKeyMultibase })).toThrow(TypeError);
    expect(() => signerFromMultikey({ ...a, secretKeyMultibase: undefined })).toThrow(TypeError);
  });

  it('returns false for malformed signatures instead of throwing', () => {
    const key = generateDidKey();
    const pub = decodePublicKeyMultibase(key.publicKeyMultibase)!;
    expect(verifyEd25519(pub, new Uint8Array(1), new Uint8Array(3))).toBe(false);
    expect(verifyEd25519(new Uint8Array(5), new Uint8Array(1), new Uint8Array(64))).toBe(false);
  });

  it('creates a signer with the given verification method id', async () => {
    const signer = createEd25519Signer({ id: 'did:example:1#k', seed: new Uint8Array(32) });
    expect(signer.id).toBe('did:example:1#k');
    expect(await signer.sign(new Uint8Array())).toHaveLength(64);
  });
});

describe('did:key', () => {
  it('resolves to a Multikey DID document whose key is authorised for assertions', () => {
    const key = generateDidKey();
    const document = resolveDidKey(key.controller)!;
    expect(document.id).toBe(key.controller);
    expect(document.assertionMethod).toEqual([key.id]);
  });
  it('rejects malformed and non-Ed25519 did:keys', () => {
    expect(parseDidKey('did:key:zQ3shokFTS3brHcDQrn82RUDfCZESWL1ZdCEJwekUDPQiYBme')).toBeUndefined();
    expect(parseDidKey('did:key:z6MkXXX0')).toBeUndefined();
    const key = generateDidKey();
    expect(parseDidKey(`${key.controller}#other`)).toBeUndefined();
  });
});

describe('did:web', () => {
  it('maps DIDs to document URLs as the did:web method says', () => {
    expect(didWebToUrl('did:web:example.com')).toBe('https://example.com/.well-known/did.json');
    expect(didWebToUrl('did:web:example.com:issuers:42')).toBe('https://example.com/issuers/42/did.json');
    expect(didWebToUrl('did:web:localhost%3A8443')).toBe('https://localhost:8443/.well-known/did.json');
    expect(didWebToUrl('did:web:example.com:..:x')).toBeUndefined();
    expect(didWebToUrl('did:web:exa mple.com')).toBeUndefined();
    expect(didWebToUrl('did:web:evil.com%2Fpath')).toBeUndefined();
  });
  it('inverts didWebToUrl', () => {
    for (const did of ['did:web:example.com', 'did:web:example.com:issuers:42', 'did:web:localhost%3A8443:a']) {
      expect(didWebFromUrl(didWebToUrl(did)!)).toBe(did);
    }
  });
});

describe('resolveVerificationMethod', () => {
  it('resolves a did:key method', async () => {
    const key = generateDidKey();
    const resolved = await resolveVerificationMethod(key.id);
    expect(resolved.ok && resolved.key.controller).toBe(key.controller);
  });

  it('reads the key from the fragment in the 1EdTech issuer-URL convention', async () => {
    const resolved = await resolveVerificationMethod(vector.verificationMethod);
    expect(resolved.ok).toBe(true);
    if (resolved.ok) {
      expect(resolved.key.controller).toBe('https://example.edu/issuers/565049');
      expect(Buffer.from(resolved.key.publicKey!).toString('hex')).toBe(vector.publicKeyHex);
    }
  });

  it('resolves did:web through the injected fetcher, and only through it', async () => {
    const key = generateDidKey();
    const did = 'did:web:issuer.example:orgs:1';
    const document = buildDidWebDocument({ did, keys: [key] });
    const requested: string[] = [];
    const fetcher = async (url: string) => {
      requested.push(url);
      return { url, body: new TextEncoder().encode(JSON.stringify(document)) };
    };
    const vm = `${did}#${key.publicKeyMultibase}`;
    const resolved = await resolveVerificationMethod(vm, { fetcher });
    expect(resolved.ok && resolved.key.purposes).toContain('assertionMethod');
    expect(requested).toEqual(['https://issuer.example/orgs/1/did.json']);

    const offline = await resolveVerificationMethod(vm);
    expect(offline.ok).toBe(false);
    const fromDocuments = await resolveVerificationMethod(vm, { documents: new Map([[did, document]]) });
    expect(fromDocuments.ok).toBe(true);
  });

  it('refuses a DID document that claims another id or lists a foreign controller', async () => {
    const key = generateDidKey();
    const did = 'did:web:issuer.example';
    const vm = `${did}#${key.publicKeyMultibase}`;
    const wrongId = { ...buildDidWebDocument({ did, keys: [key] }), id: 'did:web:other.example' };
    expect((await resolveVerificationMethod(vm, { documents: new Map([[did, wrongId]]) })).ok).toBe(false);
    const foreign = buildDidWebDocument({ did, keys: [key] });
    (foreign.verificationMethod as { controller: string }[])[0]!.controller = 'did:web:evil.example';
    const result = await resolveVerificationMethod(vm, { documents: new Map([[did, foreign]]) });
    expect(result.ok).toBe(false);
  });

  it('reads Ed25519 keys in the older DID document forms (base58, JWK), and refuses a private JWK', async () => {
    const key = generateDidKey();
    const raw = decodePublicKeyMultibase(key.publicKeyMultibase)!;
    const did = 'did:web:legacy.example';
    const forms = [
      { type: 'Ed25519VerificationKey2018', publicKeyBase58: base58btcEncode(raw) },
      { type: 'JsonWebKey2020', publicKeyJwk: { kty: 'OKP', crv: 'Ed25519', x: Buffer.from(raw).toString('base64url') } },
    ];
    for (const form of forms) {
      const document = { id: did, verificationMethod: [{ id: `${did}#k`, controller: did, ...form }], assertionMethod: [`${did}#k`] };
      const resolved = await resolveVerificationMethod(`${did}#k`, { documents: new Map([[did, document]]) });
      expect(resolved.ok && Buffer.from(resolved.key.publicKey!).equals(Buffer.from(raw))).toBe(true);
    }
    const privateJwk = { id: did, verificationMethod: [{ id: `${did}#k`, controller: did, type: 'JsonWebKey2020', publicKeyJwk: { kty: 'OKP', crv: 'Ed25519', x: 'AA', d: 'BB' } }] };
    const refused = await resolveVerificationMethod(`${did}#k`, { documents: new Map([[did, privateJwk]]) });
    expect(refused.ok && refused.key.publicKey).toBeFalsy();
  });

  it('never throws on hostile identifiers', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.string(), fc.constant(undefined), fc.integer(), fc.webUrl()), async (value) => {
        const result = await resolveVerificationMethod(value);
        expect(typeof result.ok).toBe('boolean');
      }),
    );
  });
});

describe('offline document loader', () => {
  it('serves bundled contexts and refuses anything else, naming the URL', async () => {
    const loader = createDocumentLoader();
    const v2 = await loader('https://www.w3.org/ns/credentials/v2');
    expect(JSON.stringify(v2.document)).toContain('VerifiableCredential');
    await expect(loader('https://evil.example/context.json')).rejects.toThrow(DocumentNotAvailableError);
    await expect(loader('https://evil.example/context.json')).rejects.toThrow(/evil\.example/);
  });
  it('hands out copies, so a caller cannot corrupt the bundle', async () => {
    const loader = createDocumentLoader();
    const first = await loader('https://www.w3.org/ns/credentials/v2');
    (first.document as Record<string, unknown>)['@context'] = null;
    const second = await loader('https://www.w3.org/ns/credentials/v2');
    expect((second.document as Record<string, unknown>)['@context']).not.toBeNull();
  });
  it('serves every OB 3.0 and CLR 2.0 context URL the issue lists', async () => {
    const loader = createDocumentLoader();
    for (const url of [
      'https://purl.imsglobal.org/spec/ob/v3p0/context.json',
      'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.1.json',
      'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.2.json',
      'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json',
      'https://purl.imsglobal.org/spec/clr/v2p0/context-2.0.1.json',
      'https://w3id.org/security/data-integrity/v2',
      'https://w3id.org/security/multikey/v1',
      'https://w3id.org/security/suites/ed25519-2020/v1',
      'https://www.w3.org/ns/did/v1',
      'https://www.w3.org/ns/credentials/status/v1',
      'https://w3id.org/vc/status-list/2021/v1',
      'https://w3id.org/microcred/eu/v1',
    ]) {
      expect((await loader(url)).documentUrl).toBe(url);
    }
  });
});
