import { createHash, createPublicKey, verify as cryptoVerify } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { CompactSign, exportSPKI, generateKeyPair, type CryptoKey } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseOb2Assertion } from '../../src/vc/ob2/parse.ts';
import { verifyOb2, type Ob2RecipientClaim, type Ob2VerificationResult } from '../../src/vc/ob2/verify.ts';
import { BUNDLED_CONTEXTS, CONTEXTS } from '../../src/vc/contexts/index.ts';
import { ob2RecipientClaim } from '../../src/vc/verify-any.ts';
import type { Fetcher, FetchOptions, JsonObject } from '../../src/vc/types.ts';

const fixture = (name: string) => JSON.parse(readFileSync(new URL(`../fixtures/ob2/${name}`, import.meta.url), 'utf8')) as JsonObject;
const ISSUER = fixture('issuer.json');
const BADGE = fixture('badge-class.json');
const HOSTED = fixture('assertion-hosted.json');
const REVOCATIONS = fixture('revocations.json');
const ISSUER_ID = 'https://issuer.example/issuer.json';
const KEY_ID = 'https://issuer.example/keys/1.json';
const NOW = new Date('2025-06-01T00:00:00Z');

/**
 * An in-memory fetcher: URL → JSON body (or [finalUrl, body] to simulate a redirect). Like the guarded fetcher it
 * answers with a status, and an unknown URL is a 404 (an error status the caller did not ask to see).
 */
function fetcherFrom(documents: Record<string, unknown>): Fetcher & { calls: string[] } {
  const calls: string[] = [];
  const fetcher = async (url: string, options?: FetchOptions) => {
    calls.push(url);
    if (!(url in documents)) {
      if (options?.acceptStatus?.includes(404)) return { url, status: 404, body: new Uint8Array() };
      throw new Error(`The server answered 404.`);
    }
    const entry = documents[url];
    const [finalUrl, body] = Array.isArray(entry) && entry.length === 2 && typeof entry[0] === 'string' ? entry : [url, entry];
    const text = typeof body === 'string' ? body : JSON.stringify(body);
    return { url: finalUrl as string, status: 200, body: new TextEncoder().encode(text) };
  };
  return Object.assign(fetcher, { calls });
}

const baseDocuments = () => ({ [ISSUER_ID]: ISSUER, [BADGE.id as string]: BADGE, [HOSTED.id as string]: HOSTED });
const outcome = (result: Ob2VerificationResult, check: string) => result.checks.find((c) => c.check === check)?.outcome;
const message = (result: Ob2VerificationResult, check: string) => result.checks.find((c) => c.check === check)?.message ?? '';

describe('parseOb2Assertion', () => {
  it('reads a hosted assertion', () => {
    const parsed = parseOb2Assertion(HOSTED);
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(parsed.value).toMatchObject({
      id: 'https://issuer.example/assertions/1001.json',
      recipient: { type: 'email', hashed: true, salt: 'mcpepper' },
      badge: 'https://issuer.example/badges/web-basics.json',
      verification: { type: 'hosted' },
      issuedOn: '2024-03-01T10:00:00Z',
      expires: '2030-03-01T10:00:00Z',
      evidence: [{ id: 'https://learner.example/portfolio', name: 'Portfolio', narrative: 'The final project.' }],
      image: { id: 'https://issuer.example/assertions/1001.png' },
    });
  });

  it('reads an embedded badge class and issuer', () => {
    const parsed = parseOb2Assertion({ ...HOSTED, badge: { ...BADGE, issuer: ISSUER } });
    expect(parsed.ok && typeof parsed.value.badge === 'object' && parsed.value.badge.issuer).toMatchObject({
      id: ISSUER_ID,
      name: 'Example Academy',
      publicKey: [KEY_ID],
      revocationList: 'https://issuer.example/revocations.json',
    });
  });

  it('lists everything that is missing, in plain words', () => {
    const parsed = parseOb2Assertion({ '@context': 'https://w3id.org/openbadges/v2', type: 'Assertion' });
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.errors.join('\n')).toMatch(/no id/);
    expect(parsed.errors.join('\n')).toMatch(/recipient is missing/);
    expect(parsed.errors.join('\n')).toMatch(/badge is missing/);
    expect(parsed.errors.join('\n')).toMatch(/hosted" or "signed/);
    expect(parsed.errors.join('\n')).toMatch(/issuedOn/);
  });

  it('does not take an OB 3.0 credential for an OB 2.0 assertion', () => {
    const parsed = parseOb2Assertion({ ...HOSTED, '@context': ['https://www.w3.org/ns/credentials/v2'] });
    expect(parsed).toMatchObject({ ok: false, errors: [expect.stringContaining('not an Open Badges 2.0 document')] });
    expect(parseOb2Assertion({ ...HOSTED, recipient: { ...(HOSTED.recipient as JsonObject), identity: 'sha256$nothex' } }).ok).toBe(false);
  });
});

describe('verifyOb2: hosted assertions', () => {
  it('verifies the JSON against the hosted copy and fills in the badge class and issuer', async () => {
    const result = await verifyOb2({ input: HOSTED, fetcher: fetcherFrom(baseDocuments()), now: NOW });
    expect(result.checks.map((c) => [c.check, c.outcome])).toEqual([
      ['structure', 'passed'],
      ['badge', 'passed'],
      ['issuer', 'passed'],
      ['hosted', 'passed'],
      ['revocation', 'passed'],
      ['expiry', 'passed'],
      ['recipient', 'skipped'],
    ]);
    expect(result.verified).toBe(true);
    expect(result.document).toMatchObject({ badge: { name: 'Web Basics', issuer: { name: 'Example Academy' } } });
  });

  it('verifies from the URL alone, fetching the assertion once', async () => {
    const fetcher = fetcherFrom(baseDocuments());
    const result = await verifyOb2({ input: HOSTED.id, fetcher, now: NOW });
    expect(result.verified).toBe(true);
    expect(fetcher.calls.filter((url) => url === HOSTED.id)).toHaveLength(1);
  });

  it('matches the recipient e-mail against the salted hash, case-insensitively', async () => {
    const fetcher = () => fetcherFrom(baseDocuments());
    const match = await verifyOb2({ input: HOSTED, fetcher: fetcher(), now: NOW, recipient: 'Learner@Example.org' });
    expect(outcome(match, 'recipient')).toBe('passed');
    const other = await verifyOb2({ input: HOSTED, fetcher: fetcher(), now: NOW, recipient: 'someone@example.org' });
    expect(outcome(other, 'recipient')).toBe('failed');
    expect(other.verified).toBe(false);
    const phone = await verifyOb2({ input: HOSTED, fetcher: fetcher(), now: NOW, recipient: { identity: '+3212345', type: 'telephone' } });
    expect(message(phone, 'recipient')).toBe('The badge names its recipient by email, not by telephone, so +3212345 cannot be matched.');
    const plain = { ...HOSTED, recipient: { type: 'email', hashed: false, identity: 'learner@example.org' } };
    const plainResult = await verifyOb2({ input: plain, fetcher: fetcherFrom({ ...baseDocuments(), [HOSTED.id as string]: plain }), now: NOW, recipient: 'LEARNER@example.org' });
    expect(outcome(plainResult, 'recipient')).toBe('passed');
  });

  it('fails when the hosted copy says revoked', async () => {
    const revoked = { ...HOSTED, revoked: true, revocationReason: 'Plagiarism' };
    const result = await verifyOb2({ input: HOSTED, fetcher: fetcherFrom({ ...baseDocuments(), [HOSTED.id as string]: revoked }), now: NOW });
    expect(result.verified).toBe(false);
    expect(message(result, 'revocation')).toBe('The issuer has revoked this badge: Plagiarism');
  });

  it('fails when expired (with five minutes of tolerance) or issued in the future', async () => {
    const expiry = Date.parse(HOSTED.expires as string);
    const justAfter = await verifyOb2({ input: HOSTED, fetcher: fetcherFrom(baseDocuments()), now: new Date(expiry + 60_000) });
    expect(outcome(justAfter, 'expiry')).toBe('passed');
    const later = await verifyOb2({ input: HOSTED, fetcher: fetcherFrom(baseDocuments()), now: new Date(expiry + 10 * 60_000) });
    expect(outcome(later, 'expiry')).toBe('failed');
    expect(message(later, 'expiry')).toBe('The badge expired on 2030-03-01.');
    const early = await verifyOb2({ input: HOSTED, fetcher: fetcherFrom(baseDocuments()), now: new Date('2024-01-01T00:00:00Z') });
    expect(message(early, 'expiry')).toMatch(/in the future/);
  });

  it('fails when the copy given differs from the one the issuer hosts', async () => {
    const tampered = { ...HOSTED, recipient: { type: 'email', hashed: false, identity: 'mallory@example.org' } };
    const result = await verifyOb2({ input: tampered, fetcher: fetcherFrom(baseDocuments()), now: NOW });
    expect(result.verified).toBe(false);
    expect(message(result, 'hosted')).toMatch(/differs from this one in the recipient/);
  });

  it('fails when the assertion is hosted off the issuer origin, unless the issuer allows that origin', async () => {
    const elsewhere = { ...HOSTED, id: 'https://evil.example/assertions/1001.json' };
    const documents = { ...baseDocuments(), [elsewhere.id]: elsewhere };
    const result = await verifyOb2({ input: elsewhere, fetcher: fetcherFrom(documents), now: NOW });
    expect(outcome(result, 'hosted')).toBe('failed');
    expect(message(result, 'hosted')).toMatch(/not on the issuer's domain/);
    const allowing = { ...ISSUER, verification: { type: 'hosted', allowedOrigins: ['evil.example'] } };
    const allowed = await verifyOb2({ input: elsewhere, fetcher: fetcherFrom({ ...documents, [ISSUER_ID]: allowing }), now: NOW });
    expect(outcome(allowed, 'hosted')).toBe('passed');
    const redirected = await verifyOb2({ input: HOSTED, fetcher: fetcherFrom({ ...baseDocuments(), [HOSTED.id as string]: ['https://evil.example/copy.json', HOSTED] }), now: NOW });
    expect(outcome(redirected, 'hosted')).toBe('failed');
  });

  it('fails clearly when the badge class cannot be fetched', async () => {
    const documents: Record<string, unknown> = baseDocuments();
    delete documents[BADGE.id as string];
    const result = await verifyOb2({ input: HOSTED, fetcher: fetcherFrom(documents), now: NOW });
    expect(result.verified).toBe(false);
    expect(message(result, 'badge')).toBe('The badge description could not be fetched from https://issuer.example/badges/web-basics.json.');
  });
});

describe('verifyOb2: signed assertions', () => {
  let privateKey: CryptoKey;
  let keyDocument: JsonObject;
  const signedAssertion = (overrides: JsonObject = {}): JsonObject => ({
    '@context': 'https://w3id.org/openbadges/v2',
    type: 'Assertion',
    id: 'urn:uuid:4a6c8e2a-0000-4000-8000-000000000001',
    recipient: { type: 'email', hashed: false, identity: 'learner@example.org' },
    badge: BADGE.id,
    verification: { type: 'signed', creator: KEY_ID },
    issuedOn: '2024-03-01T10:00:00Z',
    ...overrides,
  });
  const sign = async (payload: JsonObject, alg = 'RS256', key: CryptoKey = privateKey) =>
    new CompactSign(new TextEncoder().encode(JSON.stringify(payload))).setProtectedHeader({ alg }).sign(key);
  const documents = (extra: Record<string, unknown> = {}) => ({ ...baseDocuments(), [KEY_ID]: keyDocument, [ISSUER.revocationList as string]: REVOCATIONS, ...extra });

  beforeAll(async () => {
    const pair = await generateKeyPair('RS256', { extractable: true });
    privateKey = pair.privateKey;
    keyDocument = { '@context': 'https://w3id.org/openbadges/v2', type: 'CryptographicKey', id: KEY_ID, owner: ISSUER_ID, publicKeyPem: await exportSPKI(pair.publicKey) };
  });

  it('verifies an RS256 JWS with the issuer key, and checks the revocation list', async () => {
    const jws = await sign(signedAssertion());
    // Independent check that this is a plain RS256 JWS (node:crypto, not jose).
    const [h, p, s] = jws.split('.') as [string, string, string];
    expect(cryptoVerify('sha256', Buffer.from(`${h}.${p}`), createPublicKey(keyDocument.publicKeyPem as string), Buffer.from(s, 'base64url'))).toBe(true);
    const result = await verifyOb2({ input: jws, fetcher: fetcherFrom(documents()), now: NOW, recipient: 'learner@example.org' });
    expect(result.checks.map((c) => [c.check, c.outcome])).toEqual([
      ['structure', 'passed'],
      ['badge', 'passed'],
      ['issuer', 'passed'],
      ['signature', 'passed'],
      ['revocation', 'passed'],
      ['expiry', 'passed'],
      ['recipient', 'passed'],
    ]);
    expect(result.verified).toBe(true);
  });

  it('fails a tampered payload', async () => {
    const jws = await sign(signedAssertion());
    const [h, , s] = jws.split('.');
    const forged = Buffer.from(JSON.stringify(signedAssertion({ recipient: { type: 'email', hashed: false, identity: 'mallory@example.org' } }))).toString('base64url');
    const result = await verifyOb2({ input: `${h}.${forged}.${s}`, fetcher: fetcherFrom(documents()), now: NOW });
    expect(result.verified).toBe(false);
    expect(message(result, 'signature')).toMatch(/does not match/);
  });

  it('fails an assertion on the issuer revocation list, with its reason', async () => {
    const jws = await sign(signedAssertion({ id: 'urn:uuid:4a6c8e2a-0000-4000-8000-00000000dead' }));
    const result = await verifyOb2({ input: jws, fetcher: fetcherFrom(documents()), now: NOW });
    expect(message(result, 'revocation')).toBe('The issuer has revoked this badge: Issued in error');
    expect(result.verified).toBe(false);
    const unreadable = await verifyOb2({ input: await sign(signedAssertion()), fetcher: fetcherFrom(documents({ [ISSUER.revocationList as string]: 'oops' })), now: NOW });
    expect(outcome(unreadable, 'revocation')).toBe('failed');
  });

  it('refuses keys the issuer does not own or list, and unsafe algorithms', async () => {
    const jws = await sign(signedAssertion());
    const stolen = await verifyOb2({ input: jws, fetcher: fetcherFrom(documents({ [KEY_ID]: { ...keyDocument, owner: 'https://evil.example/issuer' } })), now: NOW });
    expect(message(stolen, 'signature')).toMatch(/belongs to https:\/\/evil.example\/issuer/);
    const foreignKey = 'https://evil.example/key.json';
    const offsite = await verifyOb2({
      input: await sign(signedAssertion({ verification: { type: 'signed', creator: foreignKey } })),
      fetcher: fetcherFrom(documents({ [foreignKey]: { ...keyDocument, id: foreignKey } })),
      now: NOW,
    });
    expect(message(offsite, 'signature')).toMatch(/neither listed by the issuer nor hosted on its domain/);
    const secret = new Uint8Array(32).fill(7);
    const hmac = await new CompactSign(new TextEncoder().encode(JSON.stringify(signedAssertion()))).setProtectedHeader({ alg: 'HS256' }).sign(secret);
    expect(message(await verifyOb2({ input: hmac, fetcher: fetcherFrom(documents()), now: NOW }), 'signature')).toMatch(/algorithm microcred does not accept \(HS256\)/);
    const unsigned = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from(JSON.stringify(signedAssertion())).toString('base64url')}.x`;
    expect(outcome(await verifyOb2({ input: unsigned, fetcher: fetcherFrom(documents()), now: NOW }), 'signature')).toBe('failed');
  });

  it('accepts ES256 keys too', async () => {
    const pair = await generateKeyPair('ES256', { extractable: true });
    const ecKey = { ...keyDocument, publicKeyPem: await exportSPKI(pair.publicKey) };
    const jws = await sign(signedAssertion(), 'ES256', pair.privateKey);
    expect((await verifyOb2({ input: jws, fetcher: fetcherFrom(documents({ [KEY_ID]: ecKey })), now: NOW })).verified).toBe(true);
  });

  it('fails a signed assertion given without its signature', async () => {
    const result = await verifyOb2({ input: signedAssertion(), fetcher: fetcherFrom(documents()), now: NOW });
    expect(message(result, 'signature')).toBe('The assertion is marked as signed, but it was given without its signature.');
    expect(result.verified).toBe(false);
  });
});

describe('verifyOb2: bad input', () => {
  it('returns verified: false and never throws', async () => {
    const fetcher = fetcherFrom({});
    for (const input of [42, null, 'garbage', 'a.b.c', [], { type: 'Assertion' }, 'https://nowhere.example/x']) {
      const result = await verifyOb2({ input, fetcher, now: NOW });
      expect(result.verified).toBe(false);
      expect(result.checks[0]).toMatchObject({ check: 'structure', outcome: 'failed' });
    }
    const throwing: Fetcher = async () => {
      throw new Error('boom');
    };
    expect((await verifyOb2({ input: HOSTED, fetcher: throwing, now: NOW })).verified).toBe(false);
  });

  it('throws TypeError on misuse', async () => {
    await expect(verifyOb2({ input: HOSTED, now: NOW } as unknown as Parameters<typeof verifyOb2>[0])).rejects.toThrow(TypeError);
    await expect(verifyOb2({ input: HOSTED, fetcher: fetcherFrom({}), now: new Date('x') })).rejects.toThrow(TypeError);
  });
});

describe('verifyOb2: embedded documents and origins (review)', () => {
  const EVIL_KEY = 'https://evil.example/key.json';

  it('does not trust an embedded issuer profile that names a key of its own: it is read from its id', async () => {
    // A forger signs with their own key and embeds an issuer that claims the real issuer's id and lists that key.
    const pair = await generateKeyPair('RS256', { extractable: true });
    const forgedIssuer = { ...ISSUER, publicKey: EVIL_KEY, revocationList: undefined };
    const payload = {
      '@context': 'https://w3id.org/openbadges/v2',
      type: 'Assertion',
      id: 'urn:uuid:4a6c8e2a-0000-4000-8000-00000000f0f0',
      recipient: { type: 'email', hashed: false, identity: 'mallory@example.org' },
      badge: { ...BADGE, issuer: forgedIssuer },
      verification: { type: 'signed', creator: EVIL_KEY },
      issuedOn: '2024-03-01T10:00:00Z',
    };
    const jws = await new CompactSign(new TextEncoder().encode(JSON.stringify(payload))).setProtectedHeader({ alg: 'RS256' }).sign(pair.privateKey);
    const evilKey = { id: EVIL_KEY, type: 'CryptographicKey', owner: ISSUER_ID, publicKeyPem: await exportSPKI(pair.publicKey) };
    const result = await verifyOb2({ input: jws, fetcher: fetcherFrom({ ...baseDocuments(), [EVIL_KEY]: evilKey }), now: NOW });
    expect(result.verified).toBe(false);
    expect(message(result, 'signature')).toMatch(/neither listed by the issuer nor hosted on its domain/);
  });

  it('does not take the hosting policy from an embedded issuer or badge class', async () => {
    const elsewhere = 'https://evil.example/assertions/1001.json';
    const forgedIssuer = { ...ISSUER, verification: { type: 'VerificationObject', allowedOrigins: ['evil.example'] } };
    const badges: JsonObject[] = [{ ...BADGE, issuer: forgedIssuer }, { ...BADGE, id: 'https://evil.example/badge.json', issuer: forgedIssuer }];
    for (const badge of badges) {
      const assertion = { ...HOSTED, id: elsewhere, badge };
      const result = await verifyOb2({ input: assertion, fetcher: fetcherFrom({ ...baseDocuments(), [elsewhere]: assertion, [String(badge.id)]: badge }), now: NOW });
      expect(result.verified).toBe(false);
      expect(message(result, 'hosted')).toMatch(/not on the issuer's domain \(issuer\.example\)/);
    }
  });

  it('reads embedded documents from their ids, so a verified badge shows what the issuer publishes', async () => {
    const embedded = { ...HOSTED, badge: { ...BADGE, name: 'Rocket Science', issuer: { ...ISSUER, name: 'Famous University' } } };
    const documents = { ...baseDocuments(), [HOSTED.id as string]: embedded };
    const result = await verifyOb2({ input: embedded, fetcher: fetcherFrom(documents), now: NOW });
    expect(result.verified).toBe(true);
    expect(result.badgeClass?.name).toBe('Web Basics');
    expect(result.issuer?.name).toBe('Example Academy');
    expect(result.document).toMatchObject({ badge: { name: 'Web Basics', issuer: { name: 'Example Academy' } } });
    // An embedded badge class without a web address cannot be read again, and is shown as given.
    const local = { ...HOSTED, badge: { ...BADGE, id: 'urn:uuid:5d1f0000-0000-4000-8000-000000000001' } };
    const localResult = await verifyOb2({ input: local, fetcher: fetcherFrom({ ...baseDocuments(), [HOSTED.id as string]: local }), now: NOW });
    expect(localResult.verified).toBe(true);
    expect(localResult.badgeClass?.name).toBe('Web Basics');
  });

  it('treats another port, or user credentials in the address, as another origin', async () => {
    for (const id of ['https://issuer.example:8443/assertions/1001.json', 'https://mallory@issuer.example/assertions/1001.json']) {
      const moved = { ...HOSTED, id };
      const result = await verifyOb2({ input: moved, fetcher: fetcherFrom({ ...baseDocuments(), [id]: moved }), now: NOW });
      expect(result.verified).toBe(false);
      expect(outcome(result, 'hosted')).toBe('failed');
    }
    // An issuer on a non-default port hosts its assertions on that port by default.
    const portIssuerId = 'https://issuer.example:8443/issuer.json';
    const portBadge = { ...BADGE, issuer: portIssuerId };
    const onPort = { ...HOSTED, id: 'https://issuer.example:8443/assertions/1001.json' };
    const ok = await verifyOb2({
      input: onPort,
      fetcher: fetcherFrom({ [portIssuerId]: { ...ISSUER, id: portIssuerId }, [BADGE.id as string]: portBadge, [onPort.id]: onPort }),
      now: NOW,
    });
    expect(ok.verified).toBe(true);
  });
});

describe('verifyOb2 as the reference validator reads it (issue 15, the specification examples)', () => {
  const spec = (name: string) => JSON.parse(readFileSync(new URL(`../fixtures/ob2/spec/${name}`, import.meta.url), 'utf8')) as JsonObject;
  const A = spec('assertion.json');
  const B = spec('badge-class.json');
  const I = spec('issuer.json');
  const docs = (extra: Record<string, unknown> = {}) => ({ [A.id as string]: A, [B.id as string]: B, [I.id as string]: I, ...extra });
  const SPEC_NOW = new Date('2024-06-01T00:00:00Z');
  /** A fetcher that answers some URLs with an HTTP status, and honours acceptStatus as the guarded one does. */
  const withStatus = (documents: Record<string, unknown>, statuses: Record<string, number>): Fetcher & { calls: string[] } => {
    const inner = fetcherFrom(documents);
    const fetcher = async (url: string, options?: FetchOptions) => {
      const status = statuses[url];
      if (status !== undefined && !options?.acceptStatus?.includes(status)) {
        inner.calls.push(url);
        throw new Error(`The server answered ${status}.`);
      }
      return { ...(await inner(url)), ...(status !== undefined ? { status } : {}) };
    };
    return Object.assign(fetcher, { calls: inner.calls });
  };

  it('accepts an issuer and a badge class whose @context is written out or mixed, and refuses one that means something else', async () => {
    const inline = await verifyOb2({ input: A, fetcher: fetcherFrom(docs({ [I.id as string]: spec('issuer-inline-context.json') })), now: SPEC_NOW });
    expect(inline.verified).toBe(true);
    const mixed = await verifyOb2({ input: A, fetcher: fetcherFrom(docs({ [B.id as string]: spec('badge-class-mixed-context.json') })), now: SPEC_NOW });
    expect(mixed.verified).toBe(true);
    const redefined = await verifyOb2({ input: A, fetcher: fetcherFrom(docs({ [B.id as string]: spec('badge-class-redefined-context.json') })), now: SPEC_NOW });
    expect(redefined.verified).toBe(false);
    expect(message(redefined, 'badge')).toMatch(/properties do not mean what Open Badges 2\.0 defines/);
    // A context by URL that is not bundled is never fetched: refused in words.
    const remote = { ...B, '@context': ['https://w3id.org/openbadges/v2', 'https://example.org/my-context.json'] };
    const refusedRemote = await verifyOb2({ input: A, fetcher: fetcherFrom(docs({ [B.id as string]: remote })), now: SPEC_NOW });
    expect(message(refusedRemote, 'badge')).toMatch(/refers to https:\/\/example\.org\/my-context\.json, which is not a context microcred holds/);
    // The assertion itself, with the context inline; and an OB 3.0 context is still not taken for OB 2.0.
    const ctx = (BUNDLED_CONTEXTS.get(CONTEXTS.OB_V2) as JsonObject)['@context'];
    const inlineAssertion = { ...A, '@context': ctx };
    expect((await verifyOb2({ input: inlineAssertion, fetcher: fetcherFrom(docs({ [A.id as string]: inlineAssertion })), now: SPEC_NOW })).verified).toBe(true);
    expect(message(await verifyOb2({ input: { ...A, '@context': 'https://www.w3.org/ns/credentials/v2' }, fetcher: fetcherFrom(docs()), now: SPEC_NOW }), 'structure')).toMatch(/not an Open Badges 2\.0 document/);
  });

  it('reads a document again from the id it declares, once, with a warning, and applies the hosting rules to that id', async () => {
    const oldIssuer = 'https://example.org/old-organization.json';
    const badge = { ...B, issuer: oldIssuer };
    const fetcher = fetcherFrom(docs({ [B.id as string]: badge, [oldIssuer]: I }));
    const result = await verifyOb2({ input: A, fetcher, now: SPEC_NOW });
    expect(result.verified).toBe(true);
    expect(result.checks.find((c) => c.check === 'id')).toEqual({
      check: 'id', outcome: 'warning', message: `The issuer profile read from ${oldIssuer} says its id is ${I.id}, so it was read again from there.`,
    });
    expect(fetcher.calls.filter((url) => url === I.id)).toHaveLength(1);
    expect(result.issuer?.id).toBe(I.id);
    // The declared id is where the rules apply: an issuer that moves to another host does not bring the assertion's host along.
    const elsewhere = 'https://issuers.example.net/organization.json';
    const movedAway = await verifyOb2({ input: A, fetcher: fetcherFrom(docs({ [B.id as string]: badge, [oldIssuer]: { ...I, id: elsewhere }, [elsewhere]: { ...I, id: elsewhere } })), now: SPEC_NOW });
    expect(movedAway.verified).toBe(false);
    expect(message(movedAway, 'hosted')).toMatch(/not on the issuer's domain \(issuers\.example\.net\)/);
    // A chain of declared ids is followed once, not on and on.
    const hops = fetcherFrom(docs({ [B.id as string]: badge, [oldIssuer]: I, [I.id as string]: { ...I, id: 'https://example.org/third.json' } }));
    const chained = await verifyOb2({ input: A, fetcher: hops, now: SPEC_NOW });
    expect(message(chained, 'issuer')).toMatch(/a declared id is followed only once/);
    expect(hops.calls).not.toContain('https://example.org/third.json');
  });

  it('takes startsWith as one value or several, and allowedOrigins instead of the issuer host', async () => {
    const policy = (verification: JsonObject) => fetcherFrom(docs({ [I.id as string]: { ...I, verification: { type: 'VerificationObject', ...verification } } }));
    expect((await verifyOb2({ input: A, fetcher: policy({ startsWith: 'https://example.org/beths' }), now: SPEC_NOW })).verified).toBe(true);
    expect((await verifyOb2({ input: A, fetcher: policy({ startsWith: ['https://example.org/a/', 'https://example.org/beths'] }), now: SPEC_NOW })).verified).toBe(true);
    const none = await verifyOb2({ input: A, fetcher: policy({ startsWith: ['https://example.org/a/', 'https://example.org/b/'] }), now: SPEC_NOW });
    expect(message(none, 'hosted')).toBe('The assertion is not hosted by its issuer: https://example.org/beths-robotics-badge.json is not under an address the issuer allows (https://example.org/a/, https://example.org/b/).');
    // startsWith does not widen the origins: a prefix on another host is still another origin.
    const otherHost = await verifyOb2({ input: A, fetcher: policy({ startsWith: 'https://evil.example/' }), now: SPEC_NOW });
    expect(outcome(otherHost, 'hosted')).toBe('failed');
    const origins = await verifyOb2({ input: A, fetcher: policy({ allowedOrigins: ['cdn.example.org', 'example.org'] }), now: SPEC_NOW });
    expect(origins.verified).toBe(true);
  });

  it('reports revocation by 410 Gone (with or without the assertion in the answer) and by revoked: true', async () => {
    const gone = await verifyOb2({ input: A.id, fetcher: withStatus(docs(), { [A.id as string]: 410 }), now: SPEC_NOW });
    expect(gone.verified).toBe(false);
    expect(message(gone, 'revocation')).toBe('The issuer has revoked this badge (its address answers 410 Gone).');
    expect(outcome(gone, 'hosted')).toBe('skipped');
    const bare = await verifyOb2({ input: A.id, fetcher: withStatus(docs({ [A.id as string]: { revoked: true, revocationReason: 'Cheating' } }), { [A.id as string]: 410 }), now: SPEC_NOW });
    expect(bare.checks.map((c) => [c.check, c.outcome])).toEqual([['structure', 'skipped'], ['revocation', 'failed']]);
    expect(message(bare, 'revocation')).toBe('The issuer has revoked this badge: Cheating (its address answers 410 Gone).');
    const asJson = await verifyOb2({ input: A, fetcher: withStatus(docs(), { [A.id as string]: 410 }), now: SPEC_NOW });
    expect(message(asJson, 'revocation')).toMatch(/has revoked this badge/);
    // Only 410 is revocation: a 404 is an issuer that did not answer.
    const missing = await verifyOb2({ input: A, fetcher: withStatus(docs(), { [A.id as string]: 404 }), now: SPEC_NOW });
    expect(message(missing, 'hosted')).toBe('The hosted assertion could not be fetched from https://example.org/beths-robotics-badge.json.');
    expect(outcome(missing, 'revocation')).toBe('skipped');
    const flagged = { ...A, revoked: true, revocationReason: 'Issued in error' };
    expect(message(await verifyOb2({ input: A, fetcher: fetcherFrom(docs({ [A.id as string]: flagged })), now: SPEC_NOW }), 'revocation')).toBe('The issuer has revoked this badge: Issued in error');
  });

  it('says when expires is before issuedOn, apart from "expired"; refuses issue dates in the future beyond the skew', async () => {
    const backwards = { ...A, expires: '2016-12-31T23:00:00Z' };
    const result = await verifyOb2({ input: backwards, fetcher: fetcherFrom(docs({ [A.id as string]: backwards })), now: SPEC_NOW });
    expect(message(result, 'expiry')).toBe("The badge's expiry date (2016-12-31T23:00:00.000Z) is before its issue date (2016-12-31T23:59:59.000Z), so its dates contradict each other.");
    expect(message(result, 'expiry')).not.toMatch(/expired/);
    const future = { ...A, issuedOn: '2024-06-01T00:06:00Z' };
    const early = await verifyOb2({ input: future, fetcher: fetcherFrom(docs({ [A.id as string]: future })), now: SPEC_NOW });
    expect(message(early, 'expiry')).toBe('The badge says it was issued on 2024-06-01, which is in the future.');
    const skew = { ...A, issuedOn: '2024-06-01T00:04:00Z' };
    expect((await verifyOb2({ input: skew, fetcher: fetcherFrom(docs({ [A.id as string]: skew })), now: SPEC_NOW })).verified).toBe(true);
  });

  it('matches hashed (sha256, md5, with salt) and plain identities of type email, url and telephone', async () => {
    const hash = (algorithm: 'sha256' | 'md5', value: string, salt: string) => `${algorithm}$${createHash(algorithm).update(value + salt).digest('hex')}`;
    const cases: [JsonObject, Ob2RecipientClaim, boolean][] = [
      [{ type: 'email', hashed: true, salt: 'deadsea', identity: hash('sha256', 'nobody@example.org', 'deadsea') }, { identity: 'NOBODY@example.org' }, true],
      [{ type: 'email', hashed: true, salt: 'deadsea', identity: hash('md5', 'nobody@example.org', 'deadsea') }, { identity: 'nobody@example.org', type: 'email' }, true],
      [{ type: 'email', hashed: true, identity: hash('sha256', 'nobody@example.org', '') }, { identity: 'nobody@example.org' }, true],
      [{ type: 'url', hashed: true, salt: 's', identity: hash('sha256', 'https://beth.example.org/', 's') }, { identity: 'https://beth.example.org/', type: 'url' }, true],
      [{ type: 'url', hashed: false, identity: 'https://beth.example.org/' }, { identity: 'https://BETH.example.org/', type: 'url' }, false],
      [{ type: 'telephone', hashed: true, salt: 's', identity: hash('md5', '+15555551234', 's') }, { identity: '+15555551234', type: 'telephone' }, true],
      [{ type: 'telephone', hashed: false, identity: '+15555551234' }, { identity: '+15555550000', type: 'telephone' }, false],
      [{ type: 'email', hashed: false, identity: 'Nobody@Example.org' }, { identity: 'nobody@EXAMPLE.org' }, true],
    ];
    for (const [recipient, claim, matches] of cases) {
      const assertion = { ...A, recipient };
      const result = await verifyOb2({ input: assertion, fetcher: fetcherFrom(docs({ [A.id as string]: assertion })), now: SPEC_NOW, recipient: claim });
      expect(outcome(result, 'recipient'), JSON.stringify([recipient, claim])).toBe(matches ? 'passed' : 'failed');
    }
    // One identity typed by a person is read as the kind it looks like (the CLI's --recipient, the verifier).
    expect(ob2RecipientClaim(' https://beth.example.org/ ')).toEqual({ identity: 'https://beth.example.org/', type: 'url' });
    expect(ob2RecipientClaim('+1 (555) 555-1234')).toEqual({ identity: '+1 (555) 555-1234', type: 'telephone' });
    expect(ob2RecipientClaim('Nobody@Example.org')).toEqual({ identity: 'Nobody@Example.org', type: 'email' });
  });
});
