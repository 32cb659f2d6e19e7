import { allPassed, check, issuerId } from './check.ts';
import { asArray, isObject } from './json.ts';
import type { KeyResolverOptions } from './did/resolve-key.ts';
import type { ProofProvider, ProofVerification } from './proofs/provider.ts';
import { relatedResourceProblems } from './related-resource.ts';
import type { Check, DocumentLoader, JsonObject, VerificationResult } from './types.ts';

/** What the verifier needs from the modules that judge structure, status and recipients. */
export interface CredentialCheckers {
  /** VC data model + OB 3.0 JSON Schema. */
  structure(credential: JsonObject): Check;
  /** OB 3.0 §8.2.5.1: every subject has `id` or `identifier`. */
  subject(credential: JsonObject): Check;
  /** Bitstring Status List (or legacy) entries; IO through the injected status fetcher. */
  status(credential: JsonObject, now: Date): Promise<Check>;
  /** Whether the credential was issued to this recipient (e-mail against a hashed identity, or a DID). */
  recipient(credential: JsonObject, recipient: RecipientClaim): Check;
}

export interface RecipientClaim {
  email?: string;
  did?: string;
}

export interface VerifyCredentialOptions {
  /** A credential object, its JSON text, or a VC-JWT string. */
  credential: unknown;
  providers: readonly ProofProvider[];
  checkers: CredentialCheckers;
  documentLoader: DocumentLoader;
  /** The loader for one document (contexts it pins by digest); `documentLoader` for all when absent. */
  loaderFor?: (document: unknown) => DocumentLoader;
  keys?: KeyResolverOptions;
  /** The verifier's clock. */
  now: Date;
  /** Tolerated clock difference for validFrom / validUntil (default 300 s). */
  clockSkewSeconds?: number;
  recipient?: RecipientClaim;
  /** Verify embedded endorsements (default true; endorsements themselves are verified without theirs). */
  endorsements?: boolean;
}

/** Most endorsements verified per credential: each one is a full verification. */
const MAX_ENDORSEMENTS = 16;

/**
 * Verifies a credential and reports every check, in the order of the OB 3.0 verification
 * algorithm (§8.2). Never throws on bad input: a credential that cannot even be read is a result
 * with `verified: false` and a `structure` check saying why.
 *
 * @example
 *   const result = await verifyCredential({ credential, providers, checkers, documentLoader, now: new Date() });
 *   if (!result.verified) console.log(result.checks.filter((c) => c.outcome === 'failed'));
 */
export async function verifyCredential(options: VerifyCredentialOptions): Promise<VerificationResult> {
  try {
    return await verifyUnsafe(options);
  } catch (error) {
    // A bug in a checker must not become an exception for the caller (STYLE.md: verification never throws).
    return {
      verified: false,
      checks: [check('verification', 'failed', 'The credential could not be verified because of an internal error.', { error: String((error as Error)?.message ?? error) })],
    };
  }
}

async function verifyUnsafe(options: VerifyCredentialOptions): Promise<VerificationResult> {
  const checks: Check[] = [];
  const { providers, checkers, now } = options;
  const keys = options.keys ?? {};

  const input = parseInput(options.credential);
  if (!input.ok) {
    return { verified: false, checks: [check('structure', 'failed', input.reason, { code: 'PARSING_ERROR' })] };
  }
  const provider = providers.find((candidate) => candidate.canVerify(input.value));

  // The proof is checked before the other checks are reported but listed after them, so a JWT's
  // credential can be read before its structure is judged.
  let proof: ProofVerification;
  if (!provider) {
    proof = {
      verified: false,
      message: isObject(input.value) && input.value.proof === undefined
        ? 'The credential has no digital signature (proof), so nothing shows who issued it or that it is unchanged.'
        : 'The credential is signed in a way this verifier does not support.',
    };
  } else {
    const documentLoader = options.loaderFor ? options.loaderFor(input.value) : options.documentLoader;
    proof = await provider.verify({ document: input.value, documentLoader, keys, proofPurpose: 'assertionMethod', now });
  }
  const credential = isObject(input.value) ? input.value : proof.credential;
  if (!credential) {
    // Nothing could be read as a credential (e.g. a string that is no VC-JWT).
    return { verified: false, checks: [check('structure', 'failed', proof.message, { code: 'PARSING_ERROR' })] };
  }

  const structure = checkers.structure(credential);
  checks.push(structure);
  const related = relatedResourceCheck(credential);
  if (related) checks.push(related);
  checks.push(checkers.subject(credential));
  // A valid signature over terms no context defines is a warning: VC 2.0 §5.2 accepts them as issuer-dependent.
  const proofOutcome = !proof.verified ? 'failed' : proof.warning ? 'warning' : 'passed';
  checks.push(check('proof', proofOutcome, proof.warning ? `${proof.message} ${proof.warning}` : proof.message, proof.format ? { format: proof.format } : undefined));
  checks.push(issuerKeyCheck(credential, proof));
  checks.push(await checkers.status(credential, now));
  checks.push(validityCheck(credential, now, options.clockSkewSeconds ?? 300));
  checks.push(options.recipient ? checkers.recipient(credential, options.recipient) : check('recipient', 'skipped', 'No recipient was given to compare with the credential.'));
  checks.push(await endorsementsCheck(credential, options));
  if (asArray(credential.type).includes('ClrCredential')) checks.push(await clrCredentialsCheck(credential, options));

  return { verified: allPassed(checks), checks, credential };
}

/** VC 2.0 §5.3: related resources are listed once each, with a digest that matches what microcred holds. */
function relatedResourceCheck(credential: JsonObject): Check | undefined {
  if (credential.relatedResource === undefined) return undefined;
  const problems = relatedResourceProblems(credential);
  if (problems.length === 0) return check('related-resources', 'passed', 'Every related resource is named once, with a digest; those microcred holds match it.');
  return check('related-resources', 'failed', problems.map((p) => p.message).join(' '), { code: 'MALFORMED_VALUE_ERROR', problems: problems as unknown as JsonObject[] });
}

/** Bounds on what is processed at all: real credentials are far inside them; hostile ones are not. */
const MAX_INPUT_CHARS = 4 * 1024 * 1024;
const MAX_DEPTH = 64;

/**
 * Whether a parsed value is deeper or larger than the bounds, in one walk that stops at the first
 * excess (the size is the JSON text's, near enough: strings, keys and punctuation).
 */
function exceedsBounds(value: unknown): 'depth' | 'size' | undefined {
  let chars = 0;
  const walk = (item: unknown, depth: number): 'depth' | 'size' | undefined => {
    if (depth > MAX_DEPTH) return 'depth';
    if (typeof item === 'string') chars += item.length + 2;
    else if (Array.isArray(item)) {
      chars += 2;
      for (const entry of item) {
        const excess = walk(entry, depth + 1);
        if (excess) return excess;
      }
    } else if (item !== null && typeof item === 'object') {
      chars += 2;
      for (const [key, entry] of Object.entries(item)) {
        chars += key.length + 4;
        const excess = walk(entry, depth + 1);
        if (excess) return excess;
      }
    } else chars += 8;
    return chars > MAX_INPUT_CHARS ? 'size' : undefined;
  };
  return walk(value, 0);
}

const TOO_LARGE = `The credential is larger than ${MAX_INPUT_CHARS / 1024 / 1024} MB, more than any real credential; it was not processed.`;

function parseInput(value: unknown): { ok: true; value: unknown } | { ok: false; reason: string } {
  if (typeof value === 'string' && value.length > MAX_INPUT_CHARS) return { ok: false, reason: TOO_LARGE };
  const parsed = parseInputUnbounded(value);
  if (!parsed.ok) return parsed;
  const excess = exceedsBounds(parsed.value);
  if (excess === 'depth') {
    return { ok: false, reason: `The credential is nested more than ${MAX_DEPTH} levels deep, more than any real credential; it was not processed.` };
  }
  if (excess === 'size') return { ok: false, reason: TOO_LARGE };
  return parsed;
}

function parseInputUnbounded(value: unknown): { ok: true; value: unknown } | { ok: false; reason: string } {
  if (typeof value === 'string') {
    const text = value.trim();
    if (text.startsWith('{')) {
      try {
        const parsed: unknown = JSON.parse(text);
        return isObject(parsed) ? { ok: true, value: parsed } : { ok: false, reason: 'The text is not a credential (a JSON object was expected).' };
      } catch {
        return { ok: false, reason: 'The text is not valid JSON, so it cannot be read as a credential.' };
      }
    }
    return { ok: true, value: text };
  }
  if (isObject(value)) return { ok: true, value };
  return { ok: false, reason: 'This is not a credential: expected a JSON object or a signed token.' };
}

const JWK_THUMBPRINT = 'urn:ietf:params:oauth:jwk-thumbprint:';

/** The key must belong to the issuer (VC DI §4.6 step: the verification method's controller). */
function issuerKeyCheck(credential: JsonObject, proof: ProofVerification): Check {
  const issuer = issuerId(credential);
  if (proof.verified && proof.keys && proof.keys.length > 1 && issuer) {
    // VC Data Integrity 1.0 §2.1.1–2.1.2: in a proof set or chain (e.g. a notary's proof, then the
    // issuer's), every proof verified; the rule holds when one of them is the issuer's own key.
    const own = proof.keys.find((key) => key.controller === issuer && (key.purposes === undefined || key.purposes.includes('assertionMethod')));
    if (own) {
      const others = proof.keys.filter((key) => key !== own).map((key) => key.controller);
      const checked = issuerKeyCheck(credential, { ...proof, key: own, keys: undefined });
      return checked.outcome === 'failed' ? checked : { ...checked, message: `${checked.message} The other ${others.length === 1 ? 'proof was' : 'proofs were'} made by ${[...new Set(others)].join(', ')}.` };
    }
  }
  if (!proof.key) {
    // A failed signature is the proof check's failure; saying here that a key "could not be found"
    // would report a second, misleading fault (the key may well exist; the content changed).
    return proof.verified
      ? check('issuer-key', 'warning', 'The signature is valid, but the key could not be tied to the issuer.')
      : check('issuer-key', 'skipped', 'Not checked: the signature did not verify, so no signing key can be tied to the issuer.');
  }
  if (!issuer) return check('issuer-key', 'failed', 'The credential does not say who issued it.');
  if (proof.key.controller.startsWith(JWK_THUMBPRINT) && proof.key.controller !== issuer) {
    // OB 3.0 §8.2.4.1 lets a VC-JWT carry its key in a `jwk` header: the signature holds, but nothing
    // ties that key to the issuer, so this is reported rather than silently passed or failed.
    return check('issuer-key', 'warning', `The token carries its own key, and nothing shows that this key belongs to the issuer ${issuer}. ${proof.key.binding}`, { key: proof.key.id });
  }
  if (proof.key.controller !== issuer) {
    return check('issuer-key', 'failed', `The credential was signed with a key of ${proof.key.controller}, not of its issuer ${issuer}.`, { key: proof.key.id });
  }
  if (proof.key.purposes !== undefined && !proof.key.purposes.includes('assertionMethod')) {
    return check('issuer-key', 'failed', `The issuer has not authorised the key ${proof.key.id} to issue credentials.`);
  }
  if (proof.key.selfAsserted) {
    // The identifier names the issuer, but anyone can write that: the signature is sound, the owner unconfirmed.
    return check('issuer-key', 'warning', `Nothing published by the issuer confirms that the signing key is theirs. ${proof.key.binding}`, { key: proof.key.id });
  }
  return check('issuer-key', 'passed', `The signing key belongs to the issuer. ${proof.key.binding}`, { key: proof.key.id });
}

const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

function parseDate(value: unknown): Date | undefined {
  if (typeof value !== 'string' || !DATE_TIME.test(value)) return undefined;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

/** VC 2.0 §4.9 validity period (validFrom/validUntil; VC 1.1 issuanceDate/expirationDate). */
function validityCheck(credential: JsonObject, now: Date, skewSeconds: number): Check {
  const fromRaw = credential.validFrom ?? credential.issuanceDate;
  const untilRaw = credential.validUntil ?? credential.expirationDate;
  const from = fromRaw === undefined ? undefined : parseDate(fromRaw);
  const until = untilRaw === undefined ? undefined : parseDate(untilRaw);
  if (fromRaw !== undefined && !from) return check('validity', 'failed', `The start date ${JSON.stringify(fromRaw)} is not a valid date.`);
  if (untilRaw !== undefined && !until) return check('validity', 'failed', `The expiry date ${JSON.stringify(untilRaw)} is not a valid date.`);
  const skew = skewSeconds * 1000;
  if (from && from.getTime() - skew > now.getTime()) {
    return check('validity', 'failed', `The credential is not valid yet: it becomes valid on ${from.toISOString()}.`);
  }
  if (until && until.getTime() + skew < now.getTime()) {
    return check('validity', 'failed', `The credential expired on ${until.toISOString()}.`);
  }
  if (until) return check('validity', 'passed', `The credential is within its validity period (until ${until.toISOString()}).`);
  return check('validity', 'passed', 'The credential is valid from its issue date and does not expire.');
}

/** OB 3.0 §8.2.4: endorsements on the credential, its issuer and its achievement are verified too. */
async function endorsementsCheck(credential: JsonObject, options: VerifyCredentialOptions): Promise<Check> {
  if (options.endorsements === false) return check('endorsements', 'skipped', 'Endorsements were not checked.');
  const found = collectEndorsements(credential);
  if (found.length === 0) return check('endorsements', 'skipped', 'The credential carries no endorsements.');
  if (found.length > MAX_ENDORSEMENTS) {
    return check('endorsements', 'failed', `The credential carries ${found.length} endorsements; at most ${MAX_ENDORSEMENTS} are checked.`);
  }
  const failures: string[] = [];
  for (const endorsement of found) {
    const result = await verifyCredential({ ...options, credential: endorsement, endorsements: false, recipient: undefined });
    const type = isObject(endorsement) ? asArray(endorsement.type) : [];
    if (isObject(endorsement) && !type.includes('EndorsementCredential')) failures.push('an endorsement is not an EndorsementCredential');
    else if (!result.verified) {
      const first = result.checks.find((entry) => entry.outcome === 'failed');
      failures.push(first ? first.message : 'an endorsement did not verify');
    }
  }
  if (failures.length > 0) {
    return check('endorsements', 'failed', `${failures.length} of ${found.length} endorsements did not verify: ${failures.join('; ')}`);
  }
  return check('endorsements', 'passed', found.length === 1 ? 'The endorsement verified.' : `All ${found.length} endorsements verified.`);
}

/** Most credentials checked inside one CLR: each is a full verification. */
const MAX_CLR_CREDENTIALS = 256;

/** CLR 2.0 §4 (ClrSubject.verifiableCredential): a CLR vouches for credentials that must verify themselves. */
async function clrCredentialsCheck(credential: JsonObject, options: VerifyCredentialOptions): Promise<Check> {
  const inner = asArray(credential.credentialSubject).filter(isObject).flatMap((subject) => asArray(subject.verifiableCredential));
  if (inner.length === 0) return check('credentials', 'warning', 'The CLR holds no credentials.');
  if (inner.length > MAX_CLR_CREDENTIALS) {
    return check('credentials', 'failed', `The CLR holds ${inner.length} credentials; at most ${MAX_CLR_CREDENTIALS} are checked.`);
  }
  const failures: string[] = [];
  for (const [index, item] of inner.entries()) {
    const result = await verifyCredential({ ...options, credential: item, recipient: undefined });
    if (!result.verified) {
      const name = isObject(item) && typeof item.name === 'string' ? `“${item.name}”` : `number ${index + 1}`;
      const first = result.checks.find((entry) => entry.outcome === 'failed');
      failures.push(`${name}: ${first ? first.message : 'it did not verify'}`);
    }
  }
  if (failures.length > 0) {
    return check('credentials', 'failed', `${failures.length} of the ${inner.length} credentials in the CLR did not verify: ${failures.join('; ')}`);
  }
  return check('credentials', 'passed', inner.length === 1 ? 'The credential in the CLR verified.' : `All ${inner.length} credentials in the CLR verified.`);
}

function collectEndorsements(credential: JsonObject): unknown[] {
  const found: unknown[] = [];
  const add = (holder: unknown) => {
    if (!isObject(holder)) return;
    found.push(...asArray(holder.endorsement));
    found.push(...asArray(holder.endorsementJwt));
  };
  add(credential);
  add(credential.issuer);
  for (const subject of asArray(credential.credentialSubject)) {
    if (isObject(subject)) {
      add(subject.achievement);
      if (isObject(subject.achievement)) add(subject.achievement.creator);
    }
  }
  return found;
}
