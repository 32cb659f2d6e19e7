import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CONTEXTS } from '../../src/vc/contexts/index.ts';
import { generateDidKey } from '../../src/vc/did/did-key.ts';
import { createDocumentLoader } from '../../src/vc/document-loader.ts';
import { JsonLdContextLoadError, JsonLdSafeModeError } from '../../src/vc/jsonld.ts';
import { signerFromMultikey } from '../../src/vc/keys/ed25519.ts';
import {
  canonicalizeJcs,
  createVerifyData,
  dataIntegrityProviders,
  ed25519Signature2020Provider,
  eddsaJcs2022Provider,
  eddsaRdfc2022Provider,
  eddsaRdfc2022Suite,
  signDataIntegrity,
  verifyDataIntegrity,
  type DataIntegrityCryptosuite,
} from '../../src/vc/proofs/data-integrity/index.ts';
import { multibaseEncode } from '../../src/vc/multibase.ts';
import type { JsonObject } from '../../src/vc/types.ts';
import { standardsUrl } from '../support/standards.ts';

const EXAMPLES = standardsUrl('examples/');
const example = (path: string): JsonObject => JSON.parse(readFileSync(new URL(path, EXAMPLES), 'utf8')) as JsonObject;

const documentLoader = createDocumentLoader();
const keys = {};
const now = new Date('2024-05-01T12:34:56.789Z');
const issuerKey = generateDidKey(new Uint8Array(32).fill(7));
const signer = signerFromMultikey(issuerKey);

const VERSIONS = {
  'VC 2.0': (): JsonObject => ({ ...example('ob3/ob3-basic-openbadgecredential.unsigned.json'), issuer: { id: issuerKey.controller, type: ['Profile'], name: 'Example Corp' } }),
  'VC 1.1': (): JsonObject => ({
    '@context': [CONTEXTS.CREDENTIALS_V1, 'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json'],
    id: 'urn:uuid:2a4e6c1e-3d2b-4f59-9a3e-5b8f2d6c7e10',
    type: ['VerifiableCredential', 'OpenBadgeCredential'],
    issuer: { id: issuerKey.controller, type: ['Profile'], name: 'Example Corp' },
    issuanceDate: '2010-01-01T00:00:00Z',
    name: 'Teamwork Badge',
    credentialSubject: {
      id: 'did:example:ebfeb1f712ebc6f1c276e12ec21',
      type: ['AchievementSubject'],
      achievement: {
        id: 'https://example.com/achievements/teamwork',
        type: ['Achievement'],
        criteria: { narrative: 'Nominated by peers.' },
        description: 'Collaboration within a group.',
        name: 'Teamwork',
      },
    },
  }),
};

const SUITES: DataIntegrityCryptosuite[] = ['eddsa-rdfc-2022', 'eddsa-jcs-2022'];

function proofOf(document: JsonObject): JsonObject {
  return (Array.isArray(document.proof) ? document.proof[0] : document.proof) as JsonObject;
}

async function verify(document: unknown, extra: Partial<Parameters<typeof verifyDataIntegrity>[0]> = {}) {
  return verifyDataIntegrity({ document, documentLoader, keys, proofPurpose: 'assertionMethod', ...extra });
}

describe('sign and verify', () => {
  for (const [version, build] of Object.entries(VERSIONS)) {
    for (const cryptosuite of SUITES) {
      describe(`${cryptosuite}, ${version}`, () => {
        it('signs with the expected proof options and verifies', async () => {
          const credential = build();
          const signed = await signDataIntegrity({ document: credential, signer, documentLoader, now, cryptosuite });
          expect(credential.proof).toBeUndefined(); // input untouched
          expect(proofOf(signed)).toMatchObject({
            type: 'DataIntegrityProof',
            cryptosuite,
            created: '2024-05-01T12:34:56Z',
            verificationMethod: issuerKey.id,
            proofPurpose: 'assertionMethod',
          });
          expect(proofOf(signed).proofValue).toMatch(/^z[1-9A-HJ-NP-Za-km-z]{80,90}$/);
          if (version === 'VC 1.1') expect(signed['@context']).toContain(CONTEXTS.DATA_INTEGRITY_V2);
          else expect(signed['@context']).toEqual(credential['@context']);
          const result = await verify(signed);
          expect(result.verified, result.message).toBe(true);
          expect(result.format).toBe(cryptosuite);
          expect(result.key?.controller).toBe(issuerKey.controller);
        });

        const tampers: Record<string, (doc: JsonObject) => void> = {
          'a string deep in credentialSubject': (doc) => {
            const subject = doc.credentialSubject as JsonObject;
            (subject.achievement as JsonObject).name = 'Teamwork!';
          },
          'the validity date': (doc) => {
            if ('validFrom' in doc) doc.validFrom = '2011-01-01T00:00:00Z';
            else doc.issuanceDate = '2011-01-01T00:00:00Z';
          },
          'proof.created': (doc) => {
            proofOf(doc).created = '2024-05-01T12:34:57Z';
          },
          'proof.verificationMethod (another valid key)': (doc) => {
            proofOf(doc).verificationMethod = generateDidKey(new Uint8Array(32).fill(9)).id;
          },
        };
        for (const [what, tamper] of Object.entries(tampers)) {
          it(`fails when ${what} is changed`, async () => {
            const signed = await signDataIntegrity({ document: build(), signer, documentLoader, now, cryptosuite });
            tamper(signed);
            const result = await verify(signed);
            expect(result.verified).toBe(false);
            expect(result.message).toMatch(/signature does not match/);
          });
        }
      });
    }
  }
});

describe('JSON-LD safe mode', () => {
  const withUndefinedTerm = (): JsonObject => {
    const credential = VERSIONS['VC 2.0']();
    (credential.credentialSubject as JsonObject).favouriteColour = 'blue';
    return credential;
  };

  for (const cryptosuite of SUITES) {
    it(`${cryptosuite}: refuses to sign a credential with an undefined term, naming it`, async () => {
      const error = await signDataIntegrity({ document: withUndefinedTerm(), signer, documentLoader, now, cryptosuite }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(JsonLdSafeModeError);
      expect((error as JsonLdSafeModeError).terms).toEqual(['favouriteColour']);
      expect((error as Error).message).toContain('"favouriteColour"');
    });
  }

  it('names every undefined term, not only the first', async () => {
    const credential = withUndefinedTerm();
    credential.type = ['VerifiableCredential', 'OpenBadgeCredential', 'ShinyBadge'];
    const error = (await signDataIntegrity({ document: credential, signer, documentLoader, now }).catch((e: unknown) => e)) as JsonLdSafeModeError;
    expect(error.terms.sort()).toEqual(['ShinyBadge', 'favouriteColour']);
  });

  it('fails verification (without throwing) of a signed credential that gained an undefined term', async () => {
    const signed = await signDataIntegrity({ document: VERSIONS['VC 2.0'](), signer, documentLoader, now });
    (signed.credentialSubject as JsonObject).favouriteColour = 'blue';
    const result = await verify(signed);
    expect(result.verified).toBe(false);
    expect(result.message).toContain('"favouriteColour"');
  });

  it('a relative id is refused at signing', async () => {
    const credential = { ...VERSIONS['VC 2.0'](), id: 'credentials/1' };
    await expect(signDataIntegrity({ document: credential, signer, documentLoader, now })).rejects.toMatchObject({
      name: 'JsonLdSafeModeError',
      terms: ['credentials/1'],
    });
  });

  it('a context the loader cannot provide is a clear error at signing and a failed check at verification', async () => {
    const credential = VERSIONS['VC 2.0']();
    credential['@context'] = [...(credential['@context'] as string[]), 'https://contexts.example/unknown'];
    await expect(signDataIntegrity({ document: credential, signer, documentLoader, now })).rejects.toBeInstanceOf(JsonLdContextLoadError);
    const signed = await signDataIntegrity({ document: VERSIONS['VC 2.0'](), signer, documentLoader, now });
    signed['@context'] = [...(signed['@context'] as string[]), 'https://contexts.example/unknown'];
    const result = await verify(signed);
    expect(result.verified).toBe(false);
    expect(result.message).toContain('https://contexts.example/unknown');
  });
});

describe('proof purpose, challenge and domain', () => {
  for (const cryptosuite of SUITES) {
    it(`${cryptosuite}: a proof for one purpose does not pass for another`, async () => {
      const signed = await signDataIntegrity({ document: VERSIONS['VC 2.0'](), signer, documentLoader, now, cryptosuite });
      const result = await verify(signed, { proofPurpose: 'authentication', challenge: 'abc' });
      expect(result.verified).toBe(false);
      expect(result.message).toMatch(/purpose "assertionMethod".*"authentication" was expected/);
    });

    it(`${cryptosuite}: authentication needs the exact challenge and domain`, async () => {
      const signed = await signDataIntegrity({
        document: VERSIONS['VC 2.0'](), signer, documentLoader, now, cryptosuite,
        proofPurpose: 'authentication', challenge: 'c-123', domain: 'https://verifier.example',
      });
      expect(proofOf(signed)).toMatchObject({ challenge: 'c-123', domain: 'https://verifier.example' });
      const ok = await verify(signed, { proofPurpose: 'authentication', challenge: 'c-123', domain: 'https://verifier.example' });
      expect(ok.verified, ok.message).toBe(true);
      for (const [challenge, domain] of [['c-124', 'https://verifier.example'], ['c-123', 'https://other.example'], ['c-123', undefined], [undefined, 'https://verifier.example']]) {
        const result = await verify(signed, { proofPurpose: 'authentication', challenge, domain });
        expect(result.verified, `${challenge} ${domain}`).toBe(false);
      }
    });
  }

  it('a key its controller document lists only for authentication cannot make an assertion', async () => {
    const did = 'did:web:issuer.example';
    const webSigner = { ...signer, id: `${did}#key-1` };
    const controllerDocument = {
      '@context': [CONTEXTS.DID_V1, CONTEXTS.MULTIKEY_V1],
      id: did,
      verificationMethod: [{ id: `${did}#key-1`, type: 'Multikey', controller: did, publicKeyMultibase: issuerKey.publicKeyMultibase }],
      authentication: [`${did}#key-1`],
    };
    const signed = await signDataIntegrity({ document: VERSIONS['VC 2.0'](), signer: webSigner, documentLoader, now });
    const result = await verify(signed, { keys: { documents: new Map([[did, controllerDocument]]) } });
    expect(result.verified).toBe(false);
    expect(result.message).toContain('not authorised');
    const withAssertion = { ...controllerDocument, assertionMethod: [`${did}#key-1`] };
    const again = await verify(signed, { keys: { documents: new Map([[did, withAssertion]]) } });
    expect(again.verified, again.message).toBe(true);
  });
});

describe('proof sets', () => {
  it('a second proof makes a proof set; every proof must verify', async () => {
    const other = signerFromMultikey(generateDidKey(new Uint8Array(32).fill(3)));
    const once = await signDataIntegrity({ document: VERSIONS['VC 2.0'](), signer, documentLoader, now });
    const twice = await signDataIntegrity({ document: once, signer: other, documentLoader, now });
    expect(Array.isArray(twice.proof) && twice.proof.length).toBe(2);
    const result = await verify(twice);
    expect(result.verified, result.message).toBe(true);
    expect(result.message).toContain('All 2');
    ((twice.proof as JsonObject[])[1]!).created = '2030-01-01T00:00:00Z';
    expect((await verify(twice)).verified).toBe(false);
  });
});

describe('hostile or malformed input never throws', () => {
  const cases: Record<string, (signed: JsonObject) => unknown> = {
    'null': () => null,
    'a string': () => 'not a credential',
    'proofValue missing': (s) => ({ ...s, proof: { ...proofOf(s), proofValue: undefined } }),
    'proofValue a number': (s) => ({ ...s, proof: { ...proofOf(s), proofValue: 42 } }),
    'proofValue with base58 garbage': (s) => ({ ...s, proof: { ...proofOf(s), proofValue: 'z0OIl' } }),
    'proofValue base64url (not base58btc)': (s) => ({ ...s, proof: { ...proofOf(s), proofValue: `u${'A'.repeat(86)}` } }),
    'proofValue too short': (s) => ({ ...s, proof: { ...proofOf(s), proofValue: 'z3' } }),
    'no verificationMethod': (s) => ({ ...s, proof: { ...proofOf(s), verificationMethod: undefined } }),
    'verificationMethod an object': (s) => ({ ...s, proof: { ...proofOf(s), verificationMethod: { id: 1 } } }),
    'unresolvable verificationMethod': (s) => ({ ...s, proof: { ...proofOf(s), verificationMethod: 'did:example:nobody#key' } }),
    'created not a date': (s) => ({ ...s, proof: { ...proofOf(s), created: 'yesterday' } }),
    'wrong cryptosuite': (s) => ({ ...s, proof: { ...proofOf(s), cryptosuite: 'ecdsa-rdfc-2019' } }),
    'wrong type': (s) => ({ ...s, proof: { ...proofOf(s), type: 'Ed25519Signature2018' } }),
    '@context a number': (s) => ({ ...s, '@context': 5 }),
    'proof a string': (s) => ({ ...s, proof: 'zzz' }),
    'deep nesting': (s) => {
      let deep: JsonObject = { name: 'x' };
      for (let i = 0; i < 20_000; i++) deep = { achievement: deep };
      return { ...s, credentialSubject: deep };
    },
  };
  for (const cryptosuite of SUITES) {
    for (const [what, mutate] of Object.entries(cases)) {
      it(`${cryptosuite}: ${what}`, async () => {
        const signed = await signDataIntegrity({ document: VERSIONS['VC 2.0'](), signer, documentLoader, now, cryptosuite });
        const document = mutate(signed);
        for (const provider of dataIntegrityProviders) {
          const result = await provider.verify({ document, documentLoader, keys, proofPurpose: 'assertionMethod' });
          expect(result.verified).toBe(false);
          expect(typeof result.message).toBe('string');
        }
      });
    }
  }
});

describe('misuse throws TypeError', () => {
  it('rejects bad signing options', async () => {
    const document = VERSIONS['VC 2.0']();
    await expect(signDataIntegrity({ document, signer, documentLoader, now: new Date('nope') })).rejects.toBeInstanceOf(TypeError);
    await expect(signDataIntegrity({ document, signer: undefined as never, documentLoader, now })).rejects.toBeInstanceOf(TypeError);
    await expect(signDataIntegrity({ document: 'x' as never, signer, documentLoader, now })).rejects.toBeInstanceOf(TypeError);
    await expect(signDataIntegrity({ document, signer, documentLoader, now, cryptosuite: 'ecdsa-rdfc-2019' as never })).rejects.toBeInstanceOf(TypeError);
    await expect(ed25519Signature2020Provider.issue({ document, signer, documentLoader, now })).rejects.toBeInstanceOf(TypeError);
  });
});

describe('providers choose by capability', () => {
  it('each provider claims only its own format', async () => {
    const rdfc = await signDataIntegrity({ document: VERSIONS['VC 2.0'](), signer, documentLoader, now });
    const jcs = await signDataIntegrity({ document: VERSIONS['VC 2.0'](), signer, documentLoader, now, cryptosuite: 'eddsa-jcs-2022' });
    expect([eddsaRdfc2022Provider.canVerify(rdfc), eddsaJcs2022Provider.canVerify(rdfc), ed25519Signature2020Provider.canVerify(rdfc)]).toEqual([true, false, false]);
    expect([eddsaRdfc2022Provider.canVerify(jcs), eddsaJcs2022Provider.canVerify(jcs)]).toEqual([false, true]);
    expect(eddsaRdfc2022Provider.canIssue('eddsa-rdfc-2022')).toBe(true);
    expect(eddsaRdfc2022Provider.canIssue('vc-jwt')).toBe(false);
    expect(ed25519Signature2020Provider.canIssue('Ed25519Signature2020')).toBe(false);
    expect((await verifyDataIntegrity({ document: { proof: { type: 'X' } }, documentLoader, keys, proofPurpose: 'assertionMethod' })).verified).toBe(false);
  });

  it('a pluggable quad producer is used for rdfc canonicalisation', async () => {
    const { createEddsaRdfc2022Provider } = await import('../../src/vc/proofs/data-integrity/index.ts');
    const { toRdfQuads } = await import('../../src/vc/jsonld.ts');
    let calls = 0;
    const provider = createEddsaRdfc2022Provider({ quads: async (options) => { calls++; return toRdfQuads(options); } });
    const signed = (await provider.issue({ document: VERSIONS['VC 2.0'](), signer, documentLoader, now })) as JsonObject;
    expect(calls).toBe(2); // proof configuration and document
    expect((await verify(signed)).verified).toBe(true);
  });
});

describe('JCS (RFC 8785)', () => {
  it('sorts keys by UTF-16 code units and writes numbers as ECMAScript does', () => {
    // RFC 8785 §3.2.3 example ordering: "\r" < "1" < "\u0080" < "\u00f6" < "\u20ac" < "\ud83d\ude00" < "\ufb33".
    const input = { '\u20ac': 'Euro', '\r': 'CR', '\ufb33': 'Hebrew', '1': 'One', '\ud83d\ude00': 'Smiley', '\u0080': 'Control', '\u00f6': 'o' };
    expect(canonicalizeJcs(input)).toBe(
      '{"\\r":"CR","1":"One","\u0080":"Control","\u00f6":"o","\u20ac":"Euro","\ud83d\ude00":"Smiley","\ufb33":"Hebrew"}',
    );
    expect(canonicalizeJcs({ b: [1e21, 1e-7, -0, 0.1, 333333333.3333333, 4.5], a: { z: null, y: true, x: 'é\n"' } })).toBe(
      '{"a":{"x":"é\\n\\"","y":true,"z":null},"b":[1e+21,1e-7,0,0.1,333333333.3333333,4.5]}',
    );
  });

  it('refuses what JSON cannot carry', () => {
    expect(() => canonicalizeJcs({ a: Number.NaN })).toThrow(TypeError);
    expect(() => canonicalizeJcs({ a: '\ud800' })).toThrow(TypeError);
    expect(() => canonicalizeJcs({ a: 1n })).toThrow(TypeError);
  });
});

describe('proof expiry (VC Data Integrity §2.1)', () => {
  it('fails a proof past its expires time, and only when the verifier’s clock says so', async () => {
    const documentLoader = createDocumentLoader();
    const key = generateDidKey(new Uint8Array(32).fill(11));
    const signer = signerFromMultikey(key);
    const credential: JsonObject = {
      '@context': [CONTEXTS.CREDENTIALS_V2],
      type: ['VerifiableCredential'],
      issuer: key.controller,
      validFrom: '2026-01-01T00:00:00Z',
      credentialSubject: { id: 'did:example:subject' },
    };
    // microcred does not set `expires` when issuing; sign a proof configuration that has one.
    const proof: JsonObject = {
      type: 'DataIntegrityProof',
      created: '2026-01-01T00:00:00Z',
      expires: '2026-06-01T00:00:00Z',
      verificationMethod: key.id,
      cryptosuite: 'eddsa-rdfc-2022',
      proofPurpose: 'assertionMethod',
    };
    const verifyData = await createVerifyData({ suite: eddsaRdfc2022Suite, document: credential, proofConfig: { ...proof, '@context': credential['@context'] }, documentLoader });
    const document = { ...credential, proof: { ...proof, proofValue: multibaseEncode(await signer.sign(verifyData)) } };
    const check = (now: string) => eddsaRdfc2022Provider.verify({ document, documentLoader, keys: {}, proofPurpose: 'assertionMethod', now: new Date(now) });
    const before = await check('2026-05-01T00:00:00Z');
    expect(before.verified, before.message).toBe(true);
    const after = await check('2026-07-01T00:00:00Z');
    expect(after.verified).toBe(false);
    expect(after.message).toMatch(/expired/);
  });
});

describe('proof configuration memo', () => {
  it('gives the same proof with and without it, and refuses a negative size', async () => {
    const { createEddsaRdfc2022Suite, createSuiteProvider } = await import('../../src/vc/proofs/data-integrity/index.ts');
    expect(() => createEddsaRdfc2022Suite({ proofConfigCacheSize: -1 })).toThrow(TypeError);
    const documentLoader = createDocumentLoader();
    const key = generateDidKey(new Uint8Array(32).fill(12));
    const signer = signerFromMultikey(key);
    const memo = createSuiteProvider(createEddsaRdfc2022Suite({ proofConfigCacheSize: 2 }));
    const now = new Date('2026-01-01T00:00:00Z');
    for (let i = 0; i < 5; i++) {
      const document: JsonObject = { '@context': [CONTEXTS.CREDENTIALS_V2], type: ['VerifiableCredential'], issuer: key.controller, validFrom: '2026-01-01T00:00:00Z', credentialSubject: { id: `did:example:${i}` } };
      const withMemo = await memo.issue({ document, signer, documentLoader, now: new Date(now.getTime() + (i % 3) * 1000) });
      const without = await eddsaRdfc2022Provider.issue({ document, signer, documentLoader, now: new Date(now.getTime() + (i % 3) * 1000) });
      expect(withMemo).toEqual(without);
    }
  });
});

describe('domain as a set (VC Data Integrity §2.1)', () => {
  it('accepts a verifier whose domain is one of the proof’s domains, and no other', async () => {
    const documentLoader = createDocumentLoader();
    const key = generateDidKey(new Uint8Array(32).fill(13));
    const signer = signerFromMultikey(key);
    const presentation: JsonObject = { '@context': [CONTEXTS.CREDENTIALS_V2], type: ['VerifiablePresentation'], holder: key.controller };
    const proof: JsonObject = {
      type: 'DataIntegrityProof',
      created: '2026-01-01T00:00:00Z',
      verificationMethod: key.id,
      cryptosuite: 'eddsa-rdfc-2022',
      proofPurpose: 'authentication',
      challenge: 'n-42',
      domain: ['https://a.example', 'https://b.example'],
    };
    const verifyData = await createVerifyData({ suite: eddsaRdfc2022Suite, document: presentation, proofConfig: { ...proof, '@context': presentation['@context'] }, documentLoader });
    const document = { ...presentation, proof: { ...proof, proofValue: multibaseEncode(await signer.sign(verifyData)) } };
    const check = (domain: string) => eddsaRdfc2022Provider.verify({ document, documentLoader, keys: {}, proofPurpose: 'authentication', challenge: 'n-42', domain });
    const ok = await check('https://b.example');
    expect(ok.verified, ok.message).toBe(true);
    expect((await check('https://c.example')).verified).toBe(false);
  });
});
