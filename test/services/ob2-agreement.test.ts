/**
 * Issue 15: Open Badges 2.0 as the 1EdTech reference validator reads it, and the three doors agreeing on it.
 * Each case (built from the OB 2.0 specification's examples, test/fixtures/ob2/spec) goes through the wallet
 * import (services/wallet ingest and URL import), the public verifier (POST /api/v1/verify on the real app)
 * and `microcred verify --json`, all reading the issuer's documents from the same fixture fetcher; the
 * outcomes (verified, the checks that failed or warned, the wallet's status word) must be the same, and the
 * expected ones.
 */
import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FetchStatusError } from '../../src/net/guarded-fetcher.ts';
import { ingest, statusOf } from '../../src/services/wallet/ingest.ts';
import { ingestUrl } from '../../src/services/wallet/url-import.ts';
import type { WalletStatus } from '../../src/store/schema.ts';
import { createEngine } from '../../src/vc/engine.ts';
import type { Check, Fetcher, JsonObject } from '../../src/vc/types.ts';
import { run, tempDir } from '../cli/helpers.ts';
import { createTestApp, type TestApp } from '../support/app.ts';

const SPEC = new URL('../fixtures/ob2/spec/', import.meta.url);
const text = (name: string) => readFileSync(new URL(name, SPEC), 'utf8');
const json = (name: string) => JSON.parse(text(name)) as JsonObject;
const ASSERTION = json('assertion.json');
const BADGE = json('badge-class.json');
const ISSUER = json('issuer.json');
const ASSERTION_ID = ASSERTION.id as string;
const BADGE_ID = BADGE.id as string;
const ISSUER_ID = ISSUER.id as string;
const NOW = new Date('2024-06-01T12:00:00Z');

/** What an address answers: a document (JSON or text) with a status, 200 unless said. */
type Answer = { status?: number; body: unknown };
type Documents = Record<string, Answer | JsonObject>;

const base = (): Documents => ({ [ASSERTION_ID]: ASSERTION, [BADGE_ID]: BADGE, [ISSUER_ID]: ISSUER });

/** A fixture fetcher that behaves as the guarded one does with statuses: error answers reject unless asked for. */
function fixtureFetcher(documents: () => Documents): Fetcher {
  return async (url, options) => {
    const entry = documents()[url];
    if (entry === undefined) throw new FetchStatusError(404);
    const answer: Answer = 'body' in entry && Object.keys(entry).every((key) => key === 'body' || key === 'status') ? (entry as Answer) : { body: entry };
    const status = answer.status ?? 200;
    if ((status < 200 || status >= 300) && !options?.acceptStatus?.includes(status)) throw new FetchStatusError(status);
    const body = typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body);
    return { url, status, body: new TextEncoder().encode(body) };
  };
}

interface Case {
  name: string;
  /** The assertion as JSON, its address, or a baked SVG file's text. */
  input: { json: JsonObject } | { url: string } | { svg: string };
  documents?: Documents;
  /** An e-mail address to check the recipient against (not a wallet import input: compared on the verifier and the CLI). */
  recipient?: string;
  verified: boolean;
  /** The wallet's status word (and what the checks amount to on the other paths). */
  status: WalletStatus;
  /** Checks that must have failed (others may fail too, identically on every path). */
  failing?: string[];
  warning?: string[];
}

const withIssuer = (issuer: JsonObject): Documents => ({ ...base(), [ISSUER_ID]: issuer });
const moved = (id: string): JsonObject => ({ ...ASSERTION, id });
const dated = (dates: JsonObject): Documents => ({ ...base(), [ASSERTION_ID]: { ...ASSERTION, ...dates } });
const OTHER_HOST_ID = 'https://badges.example.net/beths-robotics-badge.json';
const OLD_BADGE_URL = 'https://example.org/badges/robotics-old.json';

const CASES: Case[] = [
  { name: 'the specification example, as JSON', input: { json: ASSERTION }, verified: true, status: 'verified' },
  { name: 'the specification example, by its URL', input: { url: ASSERTION_ID }, verified: true, status: 'verified' },
  // @context written out inline
  { name: 'an issuer whose @context is the OB v2 context written out', input: { json: ASSERTION }, documents: withIssuer(json('issuer-inline-context.json')), verified: true, status: 'verified' },
  { name: 'a badge class mixing the context URL and an extension object', input: { json: ASSERTION }, documents: { ...base(), [BADGE_ID]: json('badge-class-mixed-context.json') }, verified: true, status: 'verified' },
  { name: 'a badge class whose inline context gives "name" another meaning', input: { json: ASSERTION }, documents: { ...base(), [BADGE_ID]: json('badge-class-redefined-context.json') }, verified: false, status: 'invalid', failing: ['badge'] },
  { name: 'an assertion whose inline context is not OB v2', input: { json: { ...ASSERTION, '@context': { id: '@id', type: '@type' } } }, verified: false, status: 'invalid', failing: ['structure'] },
  // A hosted document whose id differs from its address
  {
    name: 'an assertion read from an old address that declares its id',
    input: { url: 'https://example.org/old/beths-badge.json' },
    documents: { ...base(), 'https://example.org/old/beths-badge.json': ASSERTION },
    verified: true, status: 'verified', warning: ['id'],
  },
  {
    name: 'a badge class read from an old address that declares its id',
    input: { json: { ...ASSERTION, badge: OLD_BADGE_URL } },
    documents: { ...base(), [ASSERTION_ID]: { ...ASSERTION, badge: OLD_BADGE_URL }, [OLD_BADGE_URL]: BADGE },
    verified: true, status: 'verified', warning: ['id'],
  },
  {
    name: 'a declared id that moves again is not followed twice',
    input: { url: 'https://example.org/old/beths-badge.json' },
    documents: { ...base(), 'https://example.org/old/beths-badge.json': ASSERTION, [ASSERTION_ID]: moved('https://example.org/newer/beths-badge.json') },
    verified: false, status: 'invalid', failing: ['hosted'], warning: ['id'],
  },
  // Hosted verification rules of the issuer
  { name: 'startsWith: one of several prefixes matches', input: { json: ASSERTION }, documents: withIssuer({ ...ISSUER, verification: { type: 'VerificationObject', startsWith: ['https://example.org/assertions/', 'https://example.org/beths'] } }), verified: true, status: 'verified' },
  { name: 'startsWith: a single prefix that does not match', input: { json: ASSERTION }, documents: withIssuer({ ...ISSUER, verification: { type: 'VerificationObject', startsWith: 'https://example.org/assertions/' } }), verified: false, status: 'invalid', failing: ['hosted'] },
  {
    name: 'allowedOrigins: another host the issuer allows',
    input: { json: moved(OTHER_HOST_ID) },
    documents: { ...withIssuer({ ...ISSUER, verification: { type: 'VerificationObject', allowedOrigins: 'badges.example.net' } }), [OTHER_HOST_ID]: moved(OTHER_HOST_ID) },
    verified: true, status: 'verified',
  },
  { name: 'allowedOrigins: by default only the issuer’s own host', input: { json: moved(OTHER_HOST_ID) }, documents: { ...base(), [OTHER_HOST_ID]: moved(OTHER_HOST_ID) }, verified: false, status: 'invalid', failing: ['hosted'] },
  // Revocation
  { name: 'the hosted copy says revoked: true, with a reason', input: { json: ASSERTION }, documents: dated({ revoked: true, revocationReason: 'Issued in error' }), verified: false, status: 'revoked', failing: ['revocation'] },
  { name: 'the address answers 410 Gone with the assertion (given by URL)', input: { url: ASSERTION_ID }, documents: { ...base(), [ASSERTION_ID]: { status: 410, body: ASSERTION } }, verified: false, status: 'revoked', failing: ['revocation'] },
  { name: 'the address answers 410 Gone with {"revoked": true} (given by URL)', input: { url: ASSERTION_ID }, documents: { ...base(), [ASSERTION_ID]: { status: 410, body: { revoked: true, revocationReason: 'Withdrawn' } } }, verified: false, status: 'revoked', failing: ['revocation'] },
  { name: 'the hosted copy answers 410 Gone (given as JSON)', input: { json: ASSERTION }, documents: { ...base(), [ASSERTION_ID]: { status: 410, body: '' } }, verified: false, status: 'revoked', failing: ['revocation'] },
  { name: 'a 404 is not revocation: the issuer did not answer', input: { json: ASSERTION }, documents: { [BADGE_ID]: BADGE, [ISSUER_ID]: ISSUER }, verified: false, status: 'unknown', failing: ['hosted'] },
  // Dates
  { name: 'expires before issuedOn', input: { json: { ...ASSERTION, expires: '2016-01-01T00:00:00Z' } }, documents: dated({ expires: '2016-01-01T00:00:00Z' }), verified: false, status: 'invalid', failing: ['expiry'] },
  { name: 'expired', input: { json: { ...ASSERTION, expires: '2020-01-01T00:00:00Z' } }, documents: dated({ expires: '2020-01-01T00:00:00Z' }), verified: false, status: 'expired', failing: ['expiry'] },
  { name: 'issued in the future', input: { json: { ...ASSERTION, issuedOn: '2024-06-02T00:00:00Z' } }, documents: dated({ issuedOn: '2024-06-02T00:00:00Z' }), verified: false, status: 'invalid', failing: ['expiry'] },
  { name: 'issued a minute ahead of the clock (skew tolerated)', input: { json: { ...ASSERTION, issuedOn: '2024-06-01T12:01:00Z' } }, documents: dated({ issuedOn: '2024-06-01T12:01:00Z' }), verified: true, status: 'verified' },
  // Baked SVG
  { name: 'a baked SVG whose element holds the hosted URL in verify', input: { svg: text('baked-verify.svg') }, verified: true, status: 'verified' },
  { name: 'a baked SVG with the assertion embedded (CDATA)', input: { svg: text('baked-embedded.svg') }, verified: true, status: 'verified' },
  { name: 'a baked SVG of a revoked (410) assertion', input: { svg: text('baked-verify.svg') }, documents: { ...base(), [ASSERTION_ID]: { status: 410, body: ASSERTION } }, verified: false, status: 'revoked', failing: ['revocation'] },
  // Recipient identity (the wallet import takes no identity to compare: verifier and CLI)
  { name: 'the recipient e-mail, in other letter case, matches the salted sha256', input: { json: ASSERTION }, recipient: 'Nobody@Example.ORG', verified: true, status: 'verified' },
  { name: 'another e-mail does not match', input: { json: ASSERTION }, recipient: 'somebody@example.org', verified: false, status: 'invalid', failing: ['recipient'] },
  {
    name: 'an md5$ hashed e-mail with salt matches',
    input: { json: { ...ASSERTION, recipient: { type: 'email', hashed: true, salt: 'deadsea', identity: 'md5$df7f6ab472edfcaf9040a8bbdee36400' } } },
    documents: dated({ recipient: { type: 'email', hashed: true, salt: 'deadsea', identity: 'md5$df7f6ab472edfcaf9040a8bbdee36400' } }),
    recipient: 'nobody@example.org', verified: true, status: 'verified',
  },
  {
    name: 'a plain e-mail identity matches case-insensitively',
    input: { json: { ...ASSERTION, recipient: { type: 'email', hashed: false, identity: 'Nobody@Example.org' } } },
    documents: dated({ recipient: { type: 'email', hashed: false, identity: 'Nobody@Example.org' } }),
    recipient: 'nobody@example.org', verified: true, status: 'verified',
  },
];

interface Outcome {
  verified: boolean;
  status: WalletStatus;
  failed: string[];
  warned: string[];
}

function outcomeOf(verified: boolean, checks: { check: string; outcome: Check['outcome']; message: string }[]): Outcome {
  return {
    verified,
    status: statusOf(checks),
    failed: checks.filter((c) => c.outcome === 'failed').map((c) => c.check).sort(),
    warned: checks.filter((c) => c.outcome === 'warning').map((c) => c.check).sort(),
  };
}

const bytesOf = (input: Case['input']): Uint8Array =>
  new TextEncoder().encode('json' in input ? JSON.stringify(input.json) : 'svg' in input ? input.svg : input.url);

describe('OB 2.0: the wallet import, the public verifier and microcred verify agree (issue 15)', () => {
  let documents: Documents = base();
  const fetch = fixtureFetcher(() => documents);
  let testApp: TestApp;
  let dir: string;

  beforeAll(async () => {
    testApp = await createTestApp('sqlite', { fetcher: fetch, now: () => NOW });
    dir = await tempDir();
  });
  afterAll(async () => {
    await testApp?.close();
  });

  async function viaWallet(input: Case['input']): Promise<Outcome> {
    const ctx = { engine: createEngine({ clock: () => NOW }), fetch, now: () => NOW };
    const row = 'url' in input ? await ingestUrl(ctx, input.url) : await ingest(ctx, { bytes: bytesOf(input), source: 'upload' });
    const verification = JSON.parse(row.verification) as { verified: boolean; checks: Check[] };
    const outcome = outcomeOf(verification.verified, verification.checks);
    expect(row.status, 'the wallet stores the status its checks amount to').toBe(outcome.status);
    return outcome;
  }

  async function viaVerifier(input: Case['input'], recipient?: string): Promise<Outcome> {
    const payload = {
      ...('json' in input ? { credential: input.json } : 'svg' in input ? { text: input.svg } : { url: input.url }),
      ...(recipient ? { recipientEmail: recipient } : {}),
    };
    const response = await testApp.app.inject({ method: 'POST', url: '/api/v1/verify', payload });
    expect(response.statusCode, response.body).toBe(200);
    const answer = response.json() as { verified: boolean; checks: { id: string; outcome: Check['outcome']; message: string }[] };
    return outcomeOf(answer.verified, answer.checks.map((c) => ({ check: c.id, outcome: c.outcome, message: c.message })));
  }

  async function viaCli(input: Case['input'], name: string, recipient?: string): Promise<Outcome> {
    let target: string;
    if ('url' in input) target = input.url;
    else {
      target = `${name.replace(/[^a-z0-9]+/gi, '-').slice(0, 60)}.${'svg' in input ? 'svg' : 'json'}`;
      await writeFile(join(dir, target), bytesOf(input));
    }
    const result = await run(['verify', target, '--json', ...(recipient ? ['--recipient', recipient] : [])], { cwd: dir, fetch, now: () => NOW });
    expect(result.stderr).toBe('');
    const report = JSON.parse(result.stdout) as { verified: boolean; checks: Check[] };
    expect(result.code, 'exit 0 when verified, 1 when not').toBe(report.verified ? 0 : 1);
    return outcomeOf(report.verified, report.checks);
  }

  for (const item of CASES) {
    it(item.name, async () => {
      documents = item.documents ?? base();
      const verifier = await viaVerifier(item.input, item.recipient);
      const cli = await viaCli(item.input, item.name, item.recipient);
      expect(cli, 'microcred verify agrees with the public verifier').toEqual(verifier);
      if (item.recipient === undefined) expect(await viaWallet(item.input), 'the wallet import agrees with the public verifier').toEqual(verifier);
      expect({ verified: verifier.verified, status: verifier.status }).toEqual({ verified: item.verified, status: item.status });
      for (const check of item.failing ?? []) expect(verifier.failed).toContain(check);
      if (item.verified) expect(verifier.failed).toEqual([]);
      expect(verifier.warned).toEqual(item.warning ?? []);
    });
  }
});
