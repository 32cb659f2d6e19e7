/**
 * Verifies an Open Badges 2.0 assertion (OB 2.0 §Verification): hosted assertions are re-fetched from
 * their id on the issuer's origin; signed ones are checked against the issuer's CryptographicKey and
 * revocation list. Every document is read through the caller's Fetcher; nothing here touches the network.
 */
import { createHash } from 'node:crypto';
import { compactVerify, decodeProtectedHeader, importSPKI } from 'jose';
import { base64urlDecode } from '../multibase.ts';
import type { Check, Fetcher, JsonObject, VerificationResult } from '../types.ts';
import { checkOb2Context } from './context.ts';
import {
  parseOb2Assertion,
  parseOb2BadgeClass,
  parseOb2CryptographicKey,
  parseOb2Profile,
  parseOb2RevocationList,
  type Ob2Assertion,
  type Ob2BadgeClass,
  type Ob2Profile,
} from './parse.ts';

/** Clock skew tolerated on dates, as for OB 3.0. */
const SKEW_MS = 5 * 60 * 1000;
const DEFAULT_MAX_DOCUMENT_BYTES = 1024 * 1024;
const MAX_FETCHES = 8;
/** OB 2.0 §Revocation: a hosted assertion whose address answers 410 Gone is revoked. */
const GONE = 410;
const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;
/** Algorithms seen on OB 2.0 signed assertions; `none` and HMAC are never accepted. */
const JWS_ALGORITHMS = new Set(['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA']);

export interface Ob2RecipientClaim {
  /** The identity to compare, e.g. an e-mail address. */
  identity: string;
  /** `email` (default), `url`, `telephone`… */
  type?: string;
}

export interface VerifyOb2Options {
  /** The assertion JSON, a signed assertion (compact JWS), or the URL of a hosted assertion. */
  input: unknown;
  /** Reads the assertion, badge class, issuer, key and revocation list (SSRF-guarded by the caller). */
  fetcher: Fetcher;
  /** The time to check expiry against. */
  now: Date;
  /** When given, checks that the badge was awarded to this identity. */
  recipient?: string | Ob2RecipientClaim;
  /** Largest document read through the fetcher (default 1 MiB). */
  maxDocumentBytes?: number;
  /**
   * The address the JSON `input` was read from, when the caller fetched it (a URL import): an assertion that
   * declares another id is then warned about and read again from its id, as when the URL itself is given.
   */
  source?: string;
}

export interface Ob2VerificationResult extends VerificationResult {
  assertion?: Ob2Assertion;
  badgeClass?: Ob2BadgeClass;
  issuer?: Ob2Profile;
  /** The assertion with its badge class and issuer embedded: ready for `toDisplay(document, {version: 'ob2'})`. */
  document?: JsonObject;
}

/** `requested` is the address asked for; `url` where it was finally read (after redirects). */
type Fetched = { ok: true; requested: string; url: string; status: number; text: string; json: unknown } | { ok: false; error: string };

class DocumentReader {
  private count = 0;
  constructor(
    private readonly fetcher: Fetcher,
    private readonly maxBytes: number,
  ) {}

  /** `acceptGone`: a 410 answer is read (and reported by its status) instead of failing. */
  async read(url: string, what: string, options: { acceptGone?: boolean } = {}): Promise<Fetched> {
    if (!/^https?:\/\//i.test(url)) return { ok: false, error: `The ${what} address ${JSON.stringify(url)} is not a web address.` };
    if (++this.count > MAX_FETCHES) return { ok: false, error: `The ${what} was not fetched: the badge refers to too many documents.` };
    let fetched;
    try {
      fetched = await this.fetcher(url, options.acceptGone ? { acceptStatus: [GONE] } : undefined);
    } catch {
      return { ok: false, error: `The ${what} could not be fetched from ${url}.` };
    }
    if (!fetched || !(fetched.body instanceof Uint8Array) || fetched.body.length > this.maxBytes) {
      return { ok: false, error: `The ${what} at ${url} is missing or too large.` };
    }
    const status = typeof fetched.status === 'number' ? fetched.status : 200;
    if (status === GONE && !options.acceptGone) return { ok: false, error: `The ${what} could not be fetched from ${url}.` };
    let text: string;
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(fetched.body);
    } catch {
      // A 410 answer says what matters by its status; its body is optional.
      if (status !== GONE) return { ok: false, error: `The ${what} at ${url} is not text.` };
      text = '';
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    return { ok: true, requested: url, url: typeof fetched.url === 'string' ? fetched.url : url, status, text, json };
  }

  /**
   * Reads a document; when it declares another id than the address it was read from, warns and reads it
   * again from that id, once (as the reference validator does), so the declared id is what the verification
   * rules then apply to. A document that moves again is refused.
   */
  async readDeclared(url: string, what: string, checks: Check[], options: { acceptGone?: boolean; follow?: boolean } = {}): Promise<Fetched> {
    const first = await this.read(url, what, options);
    if (!first.ok) return first;
    const declared = declaredId(first.json);
    if (declared === undefined || declared === url) return first;
    if (options.follow === false) {
      return { ok: false, error: `The ${what} read from ${url} says its id is ${declared}: a declared id is followed only once.` };
    }
    checks.push({ check: 'id', outcome: 'warning', message: `The ${what} read from ${url} says its id is ${declared}, so it was read again from there.` });
    const second = await this.read(declared, what, options);
    if (!second.ok) return second;
    const again = declaredId(second.json);
    if (again !== undefined && again !== declared) {
      return { ok: false, error: `The ${what} read from ${declared} says its id is ${again}: a declared id is followed only once.` };
    }
    return second;
  }
}

function declaredId(json: unknown): string | undefined {
  return typeof json === 'object' && json !== null && !Array.isArray(json) && typeof (json as JsonObject).id === 'string' ? ((json as JsonObject).id as string) : undefined;
}

/**
 * The authority an origin check compares: host and port (the reference validator compares the URL authority),
 * so another port on the issuer's host is another origin. An address with a user name or password has none.
 */
function authority(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    const parsed = new URL(url);
    if (parsed.username !== '' || parsed.password !== '') return undefined;
    return parsed.host.toLowerCase();
  } catch {
    return undefined;
  }
}

function isWebAddress(id: string | undefined): id is string {
  return id !== undefined && /^https?:\/\//i.test(id);
}

function decodeJwsPayload(jws: string): unknown {
  const bytes = base64urlDecode(jws.split('.')[1] ?? '');
  if (!bytes) return undefined;
  try {
    return JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch {
    return undefined;
  }
}

function badgeId(badge: string | Ob2BadgeClass): string | undefined {
  return typeof badge === 'string' ? badge : badge.id;
}

/** The hosted copy is the issuer's word; it must describe the same award (OB 2.0 §Hosted verification). */
function differences(given: Ob2Assertion, hosted: Ob2Assertion): string[] {
  const out: string[] = [];
  if (given.id !== hosted.id) out.push('its id');
  if (given.recipient.identity !== hosted.recipient.identity || given.recipient.type !== hosted.recipient.type) out.push('the recipient');
  if (badgeId(given.badge) !== badgeId(hosted.badge)) out.push('the badge');
  if (given.issuedOn !== hosted.issuedOn) out.push('the issue date');
  return out;
}

/**
 * OB 2.0 §VerificationObject on the issuer: `allowedOrigins` (host names) and `startsWith` (URL prefixes)
 * say where its assertions and keys may live; by default, on the host of the issuer's id.
 */
function originProblem(url: string, issuer: Ob2Profile): string | undefined {
  const allowed = issuer.verification?.allowedOrigins?.map((origin) => origin.trim().toLowerCase()) ?? [authority(issuer.id)].filter((h): h is string => !!h);
  const urlAuthority = authority(url);
  if (!urlAuthority || !allowed.includes(urlAuthority)) {
    return `${url} is not on the issuer's domain (${allowed.join(', ') || 'unknown'}).`;
  }
  const prefixes = issuer.verification?.startsWith;
  if (prefixes && prefixes.length > 0 && !prefixes.some((prefix) => url.startsWith(prefix))) {
    return `${url} is not under an address the issuer allows (${prefixes.join(', ')}).`;
  }
  return undefined;
}

function hashIdentity(algorithm: 'sha256' | 'md5', identity: string, salt: string): string {
  return createHash(algorithm).update(identity + salt).digest('hex');
}

function recipientCheck(assertion: Ob2Assertion, claim: string | Ob2RecipientClaim): Check {
  const identity = (typeof claim === 'string' ? claim : claim.identity).trim();
  const type = typeof claim === 'string' ? 'email' : (claim.type ?? 'email');
  const { recipient } = assertion;
  if (recipient.type !== type) {
    return { check: 'recipient', outcome: 'failed', message: `The badge names its recipient by ${recipient.type}, not by ${type}, so ${identity} cannot be matched.` };
  }
  // E-mail addresses are compared case-insensitively; issuers differ on whether they lower-case before hashing.
  const candidates = type === 'email' ? [...new Set([identity, identity.toLowerCase()])] : [identity];
  let matches: boolean;
  if (recipient.hashed) {
    const [algorithm, digest] = recipient.identity.split('$') as ['sha256' | 'md5', string];
    matches = candidates.some((candidate) => hashIdentity(algorithm, candidate, recipient.salt ?? '') === digest.toLowerCase());
  } else {
    matches = type === 'email' ? recipient.identity.trim().toLowerCase() === identity.toLowerCase() : recipient.identity === identity;
  }
  return matches
    ? { check: 'recipient', outcome: 'passed', message: `The badge was awarded to ${identity}.` }
    : { check: 'recipient', outcome: 'failed', message: `The badge was not awarded to ${identity}.` };
}

function formatDate(value: string): string {
  return new Date(value).toISOString().slice(0, 10);
}

/** Two dates as days, or to the second when they fall on the same day (so the order shows). */
function formatDates(a: string, b: string): [string, string] {
  const days = [formatDate(a), formatDate(b)] as [string, string];
  return days[0] === days[1] ? [new Date(a).toISOString(), new Date(b).toISOString()] : days;
}

function finish(result: Omit<Ob2VerificationResult, 'verified'>): Ob2VerificationResult {
  return { verified: result.checks.every((check) => check.outcome !== 'failed'), ...result };
}

/**
 * Verifies an OB 2.0 assertion and returns one check per step: `structure`, `badge`, `issuer`, `hosted` or
 * `signature`, `revocation`, `expiry`, `recipient`. Never throws on bad input; throws TypeError on misuse.
 *
 * @example
 *   const result = await verifyOb2({ input: 'https://example.org/assertions/1', fetcher, now: new Date() });
 */
export async function verifyOb2(options: VerifyOb2Options): Promise<Ob2VerificationResult> {
  if (typeof options !== 'object' || options === null) throw new TypeError('verifyOb2 takes an options object.');
  if (typeof options.fetcher !== 'function') throw new TypeError('verifyOb2 needs a fetcher to read the badge class, issuer and keys.');
  if (!(options.now instanceof Date) || Number.isNaN(options.now.getTime())) throw new TypeError('now must be a valid Date.');
  const recipient = options.recipient;
  if (recipient !== undefined && typeof recipient !== 'string' && (typeof recipient !== 'object' || recipient === null || typeof recipient.identity !== 'string')) {
    throw new TypeError('recipient must be a string or {identity, type}.');
  }
  const checks: Check[] = [];
  try {
    return await run(options, checks);
  } catch {
    checks.push({ check: 'structure', outcome: 'failed', message: 'The badge could not be verified because of an unexpected problem reading it.' });
    return finish({ checks });
  }
}

async function run(options: VerifyOb2Options, checks: Check[]): Promise<Ob2VerificationResult> {
  const reader = new DocumentReader(options.fetcher, options.maxDocumentBytes ?? DEFAULT_MAX_DOCUMENT_BYTES);
  const fail = (check: string, message: string): Ob2VerificationResult => {
    checks.push({ check, outcome: 'failed', message });
    return finish({ checks });
  };

  // 1. What was given: JSON, a JWS, or the URL of a hosted assertion.
  let jws: string | undefined;
  let json: unknown = options.input;
  let hostedCopy: Extract<Fetched, { ok: true }> | undefined;
  if (typeof options.input === 'string') {
    const input = options.input.trim();
    if (/^https?:\/\//i.test(input)) {
      const fetched = await reader.readDeclared(input, 'assertion', checks, { acceptGone: true });
      if (!fetched.ok) return fail('structure', fetched.error);
      hostedCopy = fetched;
      json = fetched.json;
      if (json === undefined && COMPACT_JWS.test(fetched.text.trim())) jws = fetched.text.trim();
      // OB 2.0 §Revocation: 410 Gone is revocation, whether or not the answer still carries the assertion.
      if (fetched.status === GONE && !parseOb2Assertion(json).ok && !jws) {
        checks.push({ check: 'structure', outcome: 'skipped', message: `The assertion could not be read: its address ${fetched.requested} answers 410 Gone.` });
        checks.push({ check: 'revocation', outcome: 'failed', message: `The issuer has revoked this badge${goneReason(json)} (its address answers 410 Gone).` });
        return finish({ checks });
      }
    } else if (COMPACT_JWS.test(input)) {
      jws = input;
    } else {
      return fail('structure', 'The text given is neither an Open Badges 2.0 assertion, a signed assertion, nor its web address.');
    }
    if (jws) {
      json = decodeJwsPayload(jws);
      if (json === undefined) return fail('structure', 'The signed assertion does not carry a readable JSON assertion.');
    }
  }
  const parsed = parseOb2Assertion(json);
  if (!parsed.ok) return fail('structure', `This is not a valid Open Badges 2.0 assertion: ${parsed.errors.join(' ')}`);
  // Read by the caller from an address other than its id: the reference validator's re-fetch (done below, by
  // reading the hosted copy from the id), with its warning; the id is then not followed a second time.
  let followed = false;
  if (!hostedCopy && options.source !== undefined && parsed.value.id !== options.source && isWebAddress(options.source)) {
    checks.push({ check: 'id', outcome: 'warning', message: `The assertion read from ${options.source} says its id is ${parsed.value.id}, so it was read again from there.` });
    followed = true;
  }
  let assertion = parsed.value;
  const assertionContext = await checkOb2Context(assertion.raw, 'assertion');
  if (assertionContext) return fail('structure', `This is not a valid Open Badges 2.0 assertion: ${assertionContext}`);
  checks.push({ check: 'structure', outcome: 'passed', message: 'The assertion has every property Open Badges 2.0 requires.' });

  // 2. The badge class and its issuer (OB 2.0: both must be retrievable). An embedded copy whose id is a web
  // address is the bearer's word, not the issuer's: it is read again from its id, as the reference validator
  // does, so a forger cannot embed an issuer that lists the forger's key or allows the forger's host.
  let badgeClass: Ob2BadgeClass | undefined;
  const badgeUrl = typeof assertion.badge === 'string' ? assertion.badge : isWebAddress(assertion.badge.id) ? assertion.badge.id : undefined;
  if (badgeUrl !== undefined) {
    const fetched = await reader.readDeclared(badgeUrl, 'badge description', checks);
    const parsedBadge = fetched.ok ? parseOb2BadgeClass(fetched.json) : undefined;
    const context = parsedBadge?.ok ? await checkOb2Context(parsedBadge.value.raw, 'badge description') : undefined;
    if (!fetched.ok) checks.push({ check: 'badge', outcome: 'failed', message: fetched.error });
    else if (!parsedBadge?.ok) checks.push({ check: 'badge', outcome: 'failed', message: `The badge description at ${fetched.requested} is not valid: ${parsedBadge?.errors.join(' ')}` });
    else if (context) checks.push({ check: 'badge', outcome: 'failed', message: `The badge description at ${fetched.requested} is not valid: ${context}` });
    else badgeClass = { ...parsedBadge.value, id: parsedBadge.value.id ?? fetched.requested };
  } else if (typeof assertion.badge !== 'string') {
    const context = await checkOb2Context(assertion.badge.raw, 'badge description');
    if (context) checks.push({ check: 'badge', outcome: 'failed', message: `The badge description is not valid: ${context}` });
    else badgeClass = assertion.badge;
  }
  if (badgeClass) checks.push({ check: 'badge', outcome: 'passed', message: `The badge is "${badgeClass.name}".` });

  let issuer: Ob2Profile | undefined;
  const embeddedIssuer = badgeClass && typeof badgeClass.issuer !== 'string' ? badgeClass.issuer : undefined;
  const issuerUrl = typeof badgeClass?.issuer === 'string' ? badgeClass.issuer : isWebAddress(embeddedIssuer?.id) ? embeddedIssuer.id : undefined;
  if (issuerUrl !== undefined) {
    const fetched = await reader.readDeclared(issuerUrl, 'issuer profile', checks);
    const parsedIssuer = fetched.ok ? parseOb2Profile(fetched.json) : undefined;
    const context = parsedIssuer?.ok ? await checkOb2Context(parsedIssuer.value.raw, 'issuer profile') : undefined;
    if (!fetched.ok) checks.push({ check: 'issuer', outcome: 'failed', message: fetched.error });
    else if (!parsedIssuer?.ok) checks.push({ check: 'issuer', outcome: 'failed', message: `The issuer profile at ${fetched.requested} is not valid: ${parsedIssuer?.errors.join(' ')}` });
    else if (context) checks.push({ check: 'issuer', outcome: 'failed', message: `The issuer profile at ${fetched.requested} is not valid: ${context}` });
    else issuer = { ...parsedIssuer.value, id: parsedIssuer.value.id ?? fetched.requested };
  } else if (embeddedIssuer) {
    const context = await checkOb2Context(embeddedIssuer.raw, 'issuer profile');
    if (context) checks.push({ check: 'issuer', outcome: 'failed', message: `The issuer profile is not valid: ${context}` });
    else issuer = embeddedIssuer;
  }
  if (issuer) checks.push({ check: 'issuer', outcome: 'passed', message: `The badge was issued by ${issuer.name ?? issuer.id}.` });
  else if (badgeClass) checks.push({ check: 'issuer', outcome: 'failed', message: 'The issuer of the badge could not be identified.' });

  // 3. Hosted or signed verification.
  let verifiedBy: 'hosted' | 'signed' | undefined;
  /** Set when the issuer answers 410 Gone for the hosted assertion (OB 2.0 §Revocation). */
  let gone: { reason: string } | undefined;
  if (assertion.verification.type === 'hosted') {
    const check = 'hosted';
    if (!issuer?.id) {
      checks.push({ check, outcome: 'failed', message: 'The hosted assertion cannot be checked without the issuer profile.' });
    } else {
      const copy = hostedCopy && hostedCopy.requested === assertion.id ? hostedCopy : await reader.readDeclared(assertion.id, 'hosted assertion', checks, { acceptGone: true, follow: !followed });
      const hostedParsed = copy.ok ? parseOb2Assertion(copy.json) : undefined;
      const hostedContext = hostedParsed?.ok && copy !== hostedCopy ? await checkOb2Context(hostedParsed.value.raw, 'hosted assertion') : undefined;
      // OB 2.0 §Hosted verification: the id, and where it finally led, must be on the issuer's origin.
      const problem = originProblem(assertion.id, issuer) ?? (copy.ok ? originProblem(copy.url, issuer) : undefined);
      if (problem) checks.push({ check, outcome: 'failed', message: `The assertion is not hosted by its issuer: ${problem}` });
      else if (!copy.ok) checks.push({ check, outcome: 'failed', message: copy.error });
      else if (copy.status === GONE) {
        // Not a failed check (which would read as forged): the issuer withdrew it, reported under revocation.
        checks.push({ check, outcome: 'skipped', message: `The issuer no longer serves this assertion at ${copy.requested} (410 Gone).` });
        gone = { reason: hostedParsed?.ok && hostedParsed.value.revocationReason ? `: ${hostedParsed.value.revocationReason}` : goneReason(copy.json) };
      } else if (!hostedParsed?.ok || hostedContext) checks.push({ check, outcome: 'failed', message: `The copy the issuer hosts at ${copy.requested} is not a valid assertion.` });
      else {
        const diff = differences(assertion, hostedParsed.value);
        if (diff.length > 0) {
          checks.push({ check, outcome: 'failed', message: `The copy the issuer hosts at ${copy.requested} differs from this one in ${diff.join(', ')}.` });
        } else {
          checks.push({ check, outcome: 'passed', message: `The issuer hosts this assertion at ${assertion.id}.` });
          // The hosted copy is the issuer's current word (e.g. it may now say revoked).
          assertion = hostedParsed.value;
          verifiedBy = 'hosted';
        }
      }
    }
  } else {
    const outcome = await checkSignature(jws, assertion, issuer, reader);
    checks.push(outcome);
    if (outcome.outcome === 'passed') verifiedBy = 'signed';
  }

  // OB 2.0: 410 Gone or `revoked` on the (hosted) assertion, and the issuer's revocationList for signed ones.
  const reasonText = (reason: string | undefined) => (reason ? `: ${reason}` : '.');
  if (gone) {
    checks.push({ check: 'revocation', outcome: 'failed', message: `The issuer has revoked this badge${gone.reason} (its address answers 410 Gone).` });
  } else if (assertion.revoked === true) {
    checks.push({ check: 'revocation', outcome: 'failed', message: `The issuer has revoked this badge${reasonText(assertion.revocationReason)}` });
  } else if (verifiedBy === 'signed' && issuer?.revocationList) {
    const fetched = await reader.read(issuer.revocationList, 'revocation list');
    const list = fetched.ok ? parseOb2RevocationList(fetched.json) : undefined;
    if (!fetched.ok || !list?.ok) {
      checks.push({ check: 'revocation', outcome: 'failed', message: "The issuer's revocation list could not be read, so revocation could not be checked." });
    } else if (list.value.has(assertion.id)) {
      checks.push({ check: 'revocation', outcome: 'failed', message: `The issuer has revoked this badge${reasonText(list.value.get(assertion.id))}` });
    } else {
      checks.push({ check: 'revocation', outcome: 'passed', message: "The badge is not on the issuer's revocation list." });
    }
  } else if (verifiedBy === 'signed') {
    checks.push({ check: 'revocation', outcome: 'warning', message: 'The issuer publishes no revocation list, so only the badge itself says it is not revoked.' });
  } else if (verifiedBy === 'hosted') {
    checks.push({ check: 'revocation', outcome: 'passed', message: "The issuer's hosted copy does not mark the badge as revoked." });
  } else {
    checks.push({ check: 'revocation', outcome: 'skipped', message: 'Whether the badge was revoked could not be checked.' });
  }

  // 4. Dates (OB 2.0 §Assertion: expires, issuedOn), with the clock skew tolerated elsewhere.
  const now = options.now.getTime();
  const issuedAt = Date.parse(assertion.issuedOn);
  const expiresAt = assertion.expires !== undefined ? Date.parse(assertion.expires) : undefined;
  if (expiresAt !== undefined && expiresAt < issuedAt) {
    // Its own error, not "expired": the dates contradict each other, so the badge was never valid.
    const [expires, issued] = formatDates(assertion.expires!, assertion.issuedOn);
    checks.push({ check: 'expiry', outcome: 'failed', message: `The badge's expiry date (${expires}) is before its issue date (${issued}), so its dates contradict each other.` });
  } else if (issuedAt > now + SKEW_MS) {
    checks.push({ check: 'expiry', outcome: 'failed', message: `The badge says it was issued on ${formatDate(assertion.issuedOn)}, which is in the future.` });
  } else if (expiresAt !== undefined && expiresAt < now - SKEW_MS) {
    checks.push({ check: 'expiry', outcome: 'failed', message: `The badge expired on ${formatDate(assertion.expires!)}.` });
  } else {
    checks.push({
      check: 'expiry',
      outcome: 'passed',
      message: assertion.expires ? `The badge is valid until ${formatDate(assertion.expires)}.` : 'The badge does not expire.',
    });
  }

  // 5. Recipient.
  if (options.recipient !== undefined) checks.push(recipientCheck(assertion, options.recipient));
  else checks.push({ check: 'recipient', outcome: 'skipped', message: 'No recipient was given to compare with the badge.' });

  const document: JsonObject = { ...assertion.raw };
  if (badgeClass) document.badge = { ...badgeClass.raw, ...(issuer ? { issuer: issuer.raw } : {}) };
  return finish({
    checks,
    credential: assertion.raw,
    assertion,
    ...(badgeClass ? { badgeClass } : {}),
    ...(issuer ? { issuer } : {}),
    document,
  });
}

/** The reason a 410 answer gives (`{"revoked": true, "revocationReason": …}`), as ": reason", or "". */
function goneReason(json: unknown): string {
  const reason = typeof json === 'object' && json !== null ? (json as JsonObject).revocationReason : undefined;
  return typeof reason === 'string' && reason.trim() !== '' ? `: ${reason.trim().slice(0, 500)}` : '';
}

/** OB 2.0 §Signed verification: a JWS by a key the issuer owns. */
async function checkSignature(jws: string | undefined, assertion: Ob2Assertion, issuer: Ob2Profile | undefined, reader: DocumentReader): Promise<Check> {
  const check = 'signature';
  if (!jws) return { check, outcome: 'failed', message: 'The assertion is marked as signed, but it was given without its signature.' };
  if (!issuer?.id) return { check, outcome: 'failed', message: 'The signature cannot be checked without the issuer profile.' };
  let alg: unknown;
  try {
    alg = decodeProtectedHeader(jws).alg;
  } catch {
    return { check, outcome: 'failed', message: 'The signature header cannot be read.' };
  }
  if (typeof alg !== 'string' || !JWS_ALGORITHMS.has(alg)) {
    return { check, outcome: 'failed', message: `The assertion is signed with an algorithm microcred does not accept (${String(alg)}).` };
  }
  const creator = assertion.verification.creator ?? issuer.publicKey[0];
  if (!creator) return { check, outcome: 'failed', message: 'The assertion does not say which key signed it, and the issuer lists no key.' };
  // A key document can claim any owner; it counts only if the issuer lists it or hosts it on its own domain.
  if (!issuer.publicKey.includes(creator) && originProblem(creator, issuer)) {
    return { check, outcome: 'failed', message: `The signing key ${creator} is neither listed by the issuer nor hosted on its domain.` };
  }
  const fetched = await reader.read(creator, 'public key');
  if (!fetched.ok) return { check, outcome: 'failed', message: fetched.error };
  const key = parseOb2CryptographicKey(fetched.json);
  if (!key.ok) return { check, outcome: 'failed', message: key.errors.join(' ') };
  if (key.value.owner !== issuer.id) {
    return { check, outcome: 'failed', message: `The signing key belongs to ${key.value.owner}, not to the issuer ${issuer.id}.` };
  }
  try {
    const publicKey = await importSPKI(key.value.publicKeyPem, alg);
    await compactVerify(jws, publicKey, { algorithms: [alg] });
  } catch {
    return { check, outcome: 'failed', message: 'The signature does not match: the assertion was changed after it was signed, or signed with another key.' };
  }
  return { check, outcome: 'passed', message: `The assertion was signed by the issuer's key ${creator}.` };
}

