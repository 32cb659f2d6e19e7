/**
 * The EU extension context at each instance's URL, pinned by a relatedResource digest (docs/eu-elements.md),
 * and the relatedResource rules of VC 2.0 §5.3, on microcred's own engine (offline) and the reference's.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { bundledContextBytes, CONTEXTS, EU_CONTEXT_BYTES, EU_CONTEXT_DIGEST_SRI, euContextUrl, isEuContextUrlForm } from '../../src/vc/contexts/index.ts';
import { buildAchievementCredential, type AchievementInput } from '../../src/vc/credential/index.ts';
import { generateDidKey } from '../../src/vc/did/did-key.ts';
import { createEngine } from '../../src/vc/engine.ts';
import { signerFromMultikey } from '../../src/vc/keys/ed25519.ts';
import { multibaseEncode } from '../../src/vc/multibase.ts';
import { createPresentation, signPresentation } from '../../src/vc/presentation.ts';
import { pinnedContexts, relatedResourceProblems } from '../../src/vc/related-resource.ts';
import type { JsonObject, VerificationResult } from '../../src/vc/types.ts';
import { createReferenceIssuer, referenceVerify } from '../support/reference.ts';

const achievement = JSON.parse(readFileSync(new URL('../fixtures/achievements/data-science-microcredential.json', import.meta.url), 'utf8')) as AchievementInput;
const key = generateDidKey(new Uint8Array(32).fill(7));
const signer = signerFromMultikey(key);
const now = new Date('2026-03-01T12:00:00Z');
const A = 'https://uni-a.example/contexts/eu/v1';
const B = 'https://college-b.example/base/contexts/eu/v1';

function credential(n: number, euContext?: string): JsonObject {
  return buildAchievementCredential({
    achievement,
    issuer: { id: key.controller, name: 'University A' },
    recipient: { email: `learner${n}@example.org`, salt: `s${n}` },
    id: `urn:uuid:00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
    validFrom: new Date('2026-01-01T00:00:00Z'),
    ...(euContext ? { euContext } : {}),
  });
}

const failed = (result: VerificationResult) => result.checks.filter((c) => c.outcome === 'failed').map((c) => c.check);
const sha = (algorithm: string, bytes: Uint8Array) => createHash(algorithm).update(bytes).digest();

describe('the EU context at an instance URL, pinned by digest', () => {
  it('names the context at the instance and pins the exact bundled bytes (sha384 SRI)', () => {
    const built = credential(1, euContextUrl('https://uni-a.example/'));
    expect(built['@context']).toEqual([CONTEXTS.CREDENTIALS_V2, CONTEXTS.OB_V3, A]);
    expect(built.relatedResource).toEqual([{ id: A, digestSRI: EU_CONTEXT_DIGEST_SRI, mediaType: 'application/ld+json' }]);
    expect(EU_CONTEXT_DIGEST_SRI).toBe(`sha384-${sha('sha384', readFileSync(new URL('../../src/vc/contexts/microcred-eu-v1.jsonld', import.meta.url))).toString('base64')}`);
    // Without the option (a library caller, the CLI), the original name stays, unpinned.
    expect(credential(1)['@context']).toContain(CONTEXTS.MICROCRED_EU_V1);
    expect(credential(1).relatedResource).toBeUndefined();
    expect(() => credential(1, 'https://uni-a.example/contexts/other')).toThrow(TypeError);
    expect(isEuContextUrlForm('ftp://x.example/contexts/eu/v1')).toBe(false);
    expect(isEuContextUrlForm('https://x.example/contexts/eu/v1?x=1')).toBe(false);
  });

  for (const fastPath of [true, false]) {
    it(`signs and verifies offline, across instances, on the ${fastPath ? 'fast' : 'general'} path; old w3id credentials keep verifying`, async () => {
      const issuing = createEngine({ clock: () => now, fastPath });
      const verifier = createEngine({ clock: () => now, fastPath });
      // Two shapes of each so that the template cache admits them (admitAfter 2).
      for (const url of [A, B, A, B, undefined, undefined]) {
        const signed = await issuing.sign({ credential: credential(Math.floor(Math.random() * 1e6), url), signer }) as JsonObject;
        const result = await verifier.verify({ credential: signed });
        expect(failed(result), JSON.stringify(result.checks)).toEqual([]);
        if (url) expect(result.checks.find((c) => c.check === 'related-resources')?.outcome).toBe('passed');
        // Tampered: one value changed after signing.
        const tampered = structuredClone(signed);
        ((tampered.credentialSubject as JsonObject).achievement as JsonObject).participationForm = 'onsite';
        expect(failed(await verifier.verify({ credential: tampered }))).toContain('proof');
      }
    });
  }

  it('signs the same proof as the reference library, which verifies it reading the context from the instance', async () => {
    const engine = createEngine({ clock: () => now });
    const reference = await createReferenceIssuer(key);
    for (let n = 0; n < 3; n++) {
      const unsigned = credential(n, A);
      const ours = await engine.sign({ credential: unsigned, signer, now }) as JsonObject;
      const theirs = await reference.sign(unsigned, now);
      expect(ours.proof).toEqual(theirs.proof);
      expect((await referenceVerify(ours, { now })).verified).toBe(true);
    }
  });

  it('does not recognise an instance URL whose digest does not match, nor one without a pin: the context is unknown', async () => {
    const engine = createEngine({ clock: () => now });
    const signed = await engine.sign({ credential: credential(5, A), signer }) as JsonObject;
    // Warm the cache with the good shape, then send the same shape with another digest.
    await engine.verify({ credential: signed });
    await engine.verify({ credential: signed });
    const otherDigest = structuredClone(signed);
    (otherDigest.relatedResource as JsonObject[])[0]!.digestSRI = `sha384-${sha('sha384', Buffer.from('something else')).toString('base64')}`;
    const wrong = await engine.verify({ credential: otherDigest });
    expect(failed(wrong)).toEqual(expect.arrayContaining(['related-resources', 'proof']));
    expect(wrong.checks.find((c) => c.check === 'proof')?.message).toMatch(/contexts\/eu\/v1/);
    expect(wrong.checks.find((c) => c.check === 'related-resources')?.details?.code).toBe('MALFORMED_VALUE_ERROR');
    const unpinned = structuredClone(signed);
    delete unpinned.relatedResource;
    expect(failed(await engine.verify({ credential: unpinned }))).toContain('proof');
    expect(pinnedContexts(unpinned).size).toBe(0);
    // A pin for a URL of another form is not taken for the EU context either.
    const elsewhere = { ...structuredClone(signed), '@context': [CONTEXTS.CREDENTIALS_V2, CONTEXTS.OB_V3, 'https://uni-a.example/eu.jsonld'], relatedResource: [{ id: 'https://uni-a.example/eu.jsonld', digestSRI: EU_CONTEXT_DIGEST_SRI }] };
    expect(pinnedContexts(elsewhere).size).toBe(0);
  });

  it('accepts the pin as digestMultibase (sha2-256 multihash) too', async () => {
    const engine = createEngine({ clock: () => now });
    const multihash = new Uint8Array([0x12, 32, ...sha('sha256', EU_CONTEXT_BYTES)]);
    const unsigned = { ...credential(6, B), relatedResource: [{ id: B, digestMultibase: multibaseEncode(multihash, 'base64url') }] };
    expect(pinnedContexts(unsigned).get(B)).toBe(CONTEXTS.MICROCRED_EU_V1);
    const signed = await engine.sign({ credential: unsigned, signer }) as JsonObject;
    expect(failed(await engine.verify({ credential: signed }))).toEqual([]);
  });

  it('signs and verifies a presentation of credentials from two instances', async () => {
    const engine = createEngine({ clock: () => now });
    const credentials = [await engine.sign({ credential: credential(7, A), signer }), await engine.sign({ credential: credential(8, B), signer })] as JsonObject[];
    const presentation = createPresentation({ credentials, holder: key.controller });
    const signed = await signPresentation({ presentation, signer, documentLoader: engine.loaderFor(presentation), now, challenge: 'c-1' });
    const result = await engine.verifyPresentation({ presentation: signed, challenge: 'c-1' });
    expect(result.checks.filter((c) => c.outcome === 'failed'), JSON.stringify(result.checks)).toEqual([]);
    expect(result.credentials.map((c) => c.verified)).toEqual([true, true]);
  });
});

describe('relatedResource rules (VC 2.0 §5.3)', () => {
  const v2 = bundledContextBytes(CONTEXTS.CREDENTIALS_V2)!;
  const good = { id: CONTEXTS.CREDENTIALS_V2, digestSRI: `sha384-${sha('sha384', v2).toString('base64')}` };
  const base = (): JsonObject => credential(9, A);

  it('passes unique entries with digests that match what microcred holds, and entries it cannot read', () => {
    const doc = { ...base(), relatedResource: [...(base().relatedResource as JsonObject[]), good, { id: 'https://elsewhere.example/logo.png', digestSRI: `sha256-${sha('sha256', Buffer.from('x')).toString('base64')}` }] };
    expect(relatedResourceProblems(doc)).toEqual([]);
    // Several SRI digests: the strongest algorithm decides (SRI §3.3.4).
    expect(relatedResourceProblems({ ...base(), relatedResource: [{ id: CONTEXTS.CREDENTIALS_V2, digestSRI: `sha256-${sha('sha256', Buffer.from('weaker, ignored')).toString('base64')} sha512-${sha('sha512', v2).toString('base64')}` }] })).toEqual([]);
  });

  it('finds duplicate ids, missing or malformed digests, and wrong digests of bundled contexts', () => {
    const at = (relatedResource: unknown) => relatedResourceProblems({ ...base(), relatedResource } as JsonObject).map((p) => `${p.path}: ${p.message}`);
    expect(at([good, { ...good }])).toEqual([expect.stringMatching(/^\/relatedResource\/1\/id: .*listed twice/)]);
    expect(at([{ id: 'https://x.example/a' }])).toEqual([expect.stringMatching(/^\/relatedResource\/0: .*digestSRI or a digestMultibase/)]);
    expect(at([{ id: 'https://x.example/a', digestSRI: 'md5-abc' }])).toEqual([expect.stringMatching(/^\/relatedResource\/0\/digestSRI: /)]);
    expect(at([{ id: 'https://x.example/a', digestMultibase: 'zzzz' }])).toEqual([expect.stringMatching(/^\/relatedResource\/0\/digestMultibase: /)]);
    expect(at([{ id: CONTEXTS.CREDENTIALS_V2, digestSRI: `sha384-${sha('sha384', Buffer.from('not it')).toString('base64')}` }])).toEqual([expect.stringMatching(/digest of https:\/\/www\.w3\.org\/ns\/credentials\/v2 does not match/)]);
    expect(at([])).toHaveLength(1);
    expect(at(['https://x.example/a'])).toHaveLength(1);
  });

  it('fails verification of a signed credential whose related resources break the rules, with MALFORMED_VALUE_ERROR', async () => {
    const engine = createEngine({ clock: () => now });
    for (const extra of [[good, good], [{ id: CONTEXTS.OB_V3, digestSRI: good.digestSRI }], [{ id: 'https://x.example/a' }]]) {
      const doc = { ...base(), relatedResource: [...(base().relatedResource as JsonObject[]), ...extra] };
      const signed = await engine.sign({ credential: doc, signer }) as JsonObject;
      const result = await engine.verify({ credential: signed });
      expect(result.verified).toBe(false);
      expect(failed(result)).toEqual(['related-resources']);
      expect(result.checks.find((c) => c.check === 'related-resources')?.details?.code).toBe('MALFORMED_VALUE_ERROR');
    }
  });
});
