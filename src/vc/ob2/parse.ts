/**
 * Open Badges 2.0 documents read as plain JSON (no JSON-LD processing): Assertion, BadgeClass,
 * Profile (issuer), CryptographicKey and RevocationList.
 * https://www.imsglobal.org/sites/default/files/Badges/OBv2p0Final/index.html
 */
import type { JsonObject } from '../types.ts';
import { isObject } from '../json.ts';
import { contextReading } from './context.ts';
export { isObject };

export const OB2_CONTEXT = 'https://w3id.org/openbadges/v2';

export interface Ob2Image {
  /** URL or data URI. */
  id: string;
  caption?: string;
}

export interface Ob2Alignment {
  targetName: string;
  targetUrl?: string;
  targetDescription?: string;
  targetFramework?: string;
  targetCode?: string;
}

/** OB 2.0 §VerificationObject as found on an issuer Profile: where its assertions may be hosted. */
export interface Ob2IssuerVerification {
  allowedOrigins?: string[];
  startsWith?: string[];
  verificationProperty?: string;
}

export interface Ob2Profile {
  id?: string;
  name?: string;
  url?: string;
  email?: string;
  description?: string;
  image?: Ob2Image;
  /** Key URLs (CryptographicKey ids) the issuer lists. */
  publicKey: string[];
  revocationList?: string;
  verification?: Ob2IssuerVerification;
  raw: JsonObject;
}

export interface Ob2Criteria {
  id?: string;
  narrative?: string;
}

export interface Ob2BadgeClass {
  id?: string;
  name: string;
  description?: string;
  image?: Ob2Image;
  criteria?: Ob2Criteria;
  /** The issuer's Profile URL, or the embedded Profile. */
  issuer: string | Ob2Profile;
  alignment: Ob2Alignment[];
  tags: string[];
  raw: JsonObject;
}

export interface Ob2Recipient {
  /** `email`, `url`, `telephone` (or another Profile property name). */
  type: string;
  hashed: boolean;
  salt?: string;
  /** The plaintext identity, or `sha256$<hex>` / `md5$<hex>` when hashed. */
  identity: string;
}

export interface Ob2Evidence {
  id?: string;
  name?: string;
  description?: string;
  narrative?: string;
  genre?: string;
  audience?: string;
}

export interface Ob2Assertion {
  id: string;
  recipient: Ob2Recipient;
  /** The BadgeClass URL, or the embedded BadgeClass. */
  badge: string | Ob2BadgeClass;
  verification: { type: 'hosted' | 'signed'; creator?: string };
  issuedOn: string;
  expires?: string;
  revoked?: boolean;
  revocationReason?: string;
  evidence: Ob2Evidence[];
  narrative?: string;
  image?: Ob2Image;
  raw: JsonObject;
}

export type Ob2ParseResult<T> = { ok: true; value: T } | { ok: false; errors: string[] };


function text(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value : undefined;
}

function list(value: unknown): unknown[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : [value];
}

function isIri(value: unknown): value is string {
  return typeof value === 'string' && /^[a-zA-Z][a-zA-Z0-9+.-]*:\S+$/.test(value);
}

function hasType(document: JsonObject, type: string): boolean {
  return list(document.type).includes(type);
}

/** OB 2.0 §DateTime: ISO 8601; a missing time zone is read as UTC by Date.parse only for date-only forms. */
function isDateTime(value: unknown): value is string {
  return typeof value === 'string' && /^\d{4}-\d{2}-\d{2}/.test(value) && !Number.isNaN(Date.parse(value));
}

/**
 * Checks `@context` when present: an OB 3.0 credential must not be mistaken for an OB 2.0 one. A context
 * written out inline (or mixing the URL with objects) is left to JSON-LD processing (`checkOb2Context`),
 * which the verifier runs on every document it trusts.
 */
function checkContext(document: JsonObject, errors: string[]): void {
  if (contextReading(document) === 'foreign') {
    errors.push(`This is not an Open Badges 2.0 document: its @context is not ${OB2_CONTEXT}.`);
  }
}

function parseImage(value: unknown): Ob2Image | undefined {
  if (typeof value === 'string') return text(value) ? { id: value } : undefined;
  if (isObject(value) && typeof value.id === 'string') {
    const caption = text(value.caption);
    return caption ? { id: value.id, caption } : { id: value.id };
  }
  return undefined;
}

function parseStrings(value: unknown): string[] {
  return list(value).filter((item): item is string => typeof item === 'string');
}

export function parseOb2Profile(input: unknown): Ob2ParseResult<Ob2Profile> {
  if (!isObject(input)) return { ok: false, errors: ['The issuer profile is not a JSON object.'] };
  const errors: string[] = [];
  checkContext(input, errors);
  // OB 2.0 §Profile: id (IRI), type Issuer/Profile, name, url and email are required; we require only what we show.
  if (input.type !== undefined && !hasType(input, 'Issuer') && !hasType(input, 'Profile')) errors.push('The issuer profile has the wrong type (expected "Issuer" or "Profile").');
  const name = text(input.name);
  if (!name) errors.push('The issuer profile has no name.');
  if (input.id !== undefined && !isIri(input.id)) errors.push('The issuer profile id is not a URL.');
  if (errors.length > 0) return { ok: false, errors };
  const publicKey = list(input.publicKey)
    .map((key) => (isObject(key) ? key.id : key))
    .filter(isIri);
  let verification: Ob2IssuerVerification | undefined;
  if (isObject(input.verification)) {
    verification = {};
    const allowedOrigins = parseStrings(input.verification.allowedOrigins);
    const startsWith = parseStrings(input.verification.startsWith);
    if (input.verification.allowedOrigins !== undefined) verification.allowedOrigins = allowedOrigins;
    if (input.verification.startsWith !== undefined) verification.startsWith = startsWith;
    const property = text(input.verification.verificationProperty);
    if (property) verification.verificationProperty = property;
  }
  const profile: Ob2Profile = { publicKey, raw: input, ...(name ? { name } : {}) };
  if (isIri(input.id)) profile.id = input.id;
  for (const key of ['url', 'email', 'description'] as const) {
    const value = text(input[key]);
    if (value) profile[key] = value;
  }
  const image = parseImage(input.image);
  if (image) profile.image = image;
  if (isIri(input.revocationList)) profile.revocationList = input.revocationList;
  else if (isObject(input.revocationList) && isIri(input.revocationList.id)) profile.revocationList = input.revocationList.id;
  if (verification) profile.verification = verification;
  return { ok: true, value: profile };
}

export function parseOb2BadgeClass(input: unknown): Ob2ParseResult<Ob2BadgeClass> {
  if (!isObject(input)) return { ok: false, errors: ['The badge class is not a JSON object.'] };
  const errors: string[] = [];
  checkContext(input, errors);
  if (input.type !== undefined && !hasType(input, 'BadgeClass')) errors.push('The badge class has the wrong type (expected "BadgeClass").');
  const name = text(input.name);
  if (!name) errors.push('The badge class has no name.');
  let issuer: string | Ob2Profile | undefined;
  if (isIri(input.issuer)) issuer = input.issuer;
  else if (isObject(input.issuer)) {
    const parsed = parseOb2Profile(input.issuer);
    if (parsed.ok) issuer = parsed.value;
    else errors.push(...parsed.errors);
  } else errors.push('The badge class does not name its issuer.');
  if (!name || !issuer || errors.length > 0) return { ok: false, errors };
  const badge: Ob2BadgeClass = {
    name,
    issuer,
    alignment: list(input.alignment).flatMap((item): Ob2Alignment[] => {
      if (!isObject(item) || !text(item.targetName)) return [];
      const alignment: Ob2Alignment = { targetName: String(item.targetName) };
      for (const key of ['targetUrl', 'targetDescription', 'targetFramework', 'targetCode'] as const) {
        const value = text(item[key]);
        if (value) alignment[key] = value;
      }
      return [alignment];
    }),
    tags: parseStrings(input.tags),
    raw: input,
  };
  if (isIri(input.id)) badge.id = input.id;
  const description = text(input.description);
  if (description) badge.description = description;
  const image = parseImage(input.image);
  if (image) badge.image = image;
  if (isIri(input.criteria)) badge.criteria = { id: input.criteria };
  else if (isObject(input.criteria)) {
    const criteria: Ob2Criteria = {};
    if (isIri(input.criteria.id)) criteria.id = input.criteria.id;
    const narrative = text(input.criteria.narrative);
    if (narrative) criteria.narrative = narrative;
    badge.criteria = criteria;
  }
  return { ok: true, value: badge };
}

function parseEvidence(value: unknown): Ob2Evidence[] {
  return list(value).flatMap((item): Ob2Evidence[] => {
    if (isIri(item)) return [{ id: item }];
    if (!isObject(item)) return [];
    const evidence: Ob2Evidence = {};
    if (isIri(item.id)) evidence.id = item.id;
    for (const key of ['name', 'description', 'narrative', 'genre', 'audience'] as const) {
      const v = text(item[key]);
      if (v) evidence[key] = v;
    }
    return [evidence];
  });
}

/**
 * Reads an OB 2.0 Assertion (OB 2.0 §Assertion) from untrusted JSON. Returns every problem found as a
 * plain sentence; never throws.
 *
 * @example
 *   const parsed = parseOb2Assertion(JSON.parse(text));
 *   if (!parsed.ok) console.log(parsed.errors.join('\n'));
 */
export function parseOb2Assertion(input: unknown): Ob2ParseResult<Ob2Assertion> {
  if (!isObject(input)) return { ok: false, errors: ['The Open Badges 2.0 assertion is not a JSON object.'] };
  const errors: string[] = [];
  checkContext(input, errors);
  if (!hasType(input, 'Assertion')) errors.push('The document is not an Open Badges 2.0 assertion (its type is not "Assertion").');
  if (!isIri(input.id)) errors.push('The assertion has no id (a URL or URN identifying it).');

  // OB 2.0 §IdentityObject: type, hashed and identity are required.
  let recipient: Ob2Recipient | undefined;
  const r = input.recipient;
  if (!isObject(r)) errors.push('The assertion does not say who received the badge (recipient is missing).');
  else if (!text(r.type) || !text(r.identity) || (r.hashed !== undefined && typeof r.hashed !== 'boolean')) {
    errors.push('The assertion recipient needs a type (such as "email") and an identity, and "hashed" must be true or false.');
  } else {
    const hashed = r.hashed === true;
    const identity = String(r.identity);
    if (hashed && !/^(sha256\$[0-9a-fA-F]{64}|md5\$[0-9a-fA-F]{32})$/.test(identity)) {
      errors.push('The assertion recipient is marked as hashed, but its identity is not a sha256$ or md5$ hash.');
    }
    recipient = { type: String(r.type), hashed, identity };
    if (typeof r.salt === 'string') recipient.salt = r.salt;
  }

  let badge: string | Ob2BadgeClass | undefined;
  if (isIri(input.badge)) badge = input.badge;
  else if (isObject(input.badge)) {
    const parsed = parseOb2BadgeClass(input.badge);
    if (parsed.ok) badge = parsed.value;
    else errors.push(...parsed.errors);
  } else errors.push('The assertion does not say which badge it awards (badge is missing).');

  // OB 2.0 §VerificationObject: hosted or signed (the 1.1 names HostedBadge / SignedBadge are aliases).
  let verification: Ob2Assertion['verification'] | undefined;
  const v = input.verification;
  const vType = isObject(v) ? v.type : undefined;
  if (vType === 'hosted' || vType === 'HostedBadge') verification = { type: 'hosted' };
  else if (vType === 'signed' || vType === 'SignedBadge') {
    verification = { type: 'signed' };
    if (isObject(v) && isIri(v.creator)) verification.creator = v.creator;
  } else errors.push('The assertion does not say how to verify it (verification type must be "hosted" or "signed").');

  if (!isDateTime(input.issuedOn)) errors.push('The assertion has no valid issue date (issuedOn).');
  if (input.expires !== undefined && !isDateTime(input.expires)) errors.push('The assertion expiry date (expires) is not a valid date.');
  if (input.revoked !== undefined && typeof input.revoked !== 'boolean') errors.push('The assertion "revoked" property must be true or false.');

  if (errors.length > 0 || !recipient || !badge || !verification) return { ok: false, errors };
  const assertion: Ob2Assertion = {
    id: String(input.id),
    recipient,
    badge,
    verification,
    issuedOn: String(input.issuedOn),
    evidence: parseEvidence(input.evidence),
    raw: input,
  };
  if (typeof input.expires === 'string') assertion.expires = input.expires;
  if (typeof input.revoked === 'boolean') assertion.revoked = input.revoked;
  const reason = text(input.revocationReason);
  if (reason) assertion.revocationReason = reason;
  const narrative = text(input.narrative);
  if (narrative) assertion.narrative = narrative;
  const image = parseImage(input.image);
  if (image) assertion.image = image;
  return { ok: true, value: assertion };
}

/** OB 2.0 §CryptographicKey. */
export interface Ob2CryptographicKey {
  id?: string;
  owner: string;
  publicKeyPem: string;
}

export function parseOb2CryptographicKey(input: unknown): Ob2ParseResult<Ob2CryptographicKey> {
  if (!isObject(input)) return { ok: false, errors: ['The public key document is not a JSON object.'] };
  const pem = input.publicKeyPem;
  if (typeof pem !== 'string' || !pem.includes('-----BEGIN PUBLIC KEY-----') || pem.length > 16_384) {
    return { ok: false, errors: ['The public key document has no PEM public key (publicKeyPem).'] };
  }
  if (!isIri(input.owner)) return { ok: false, errors: ['The public key document does not name its owner.'] };
  const key: Ob2CryptographicKey = { owner: input.owner, publicKeyPem: pem };
  if (isIri(input.id)) key.id = input.id;
  return { ok: true, value: key };
}

/** OB 2.0 §RevocationList: the ids of revoked assertions, with reasons when given. */
export function parseOb2RevocationList(input: unknown): Ob2ParseResult<Map<string, string | undefined>> {
  if (!isObject(input)) return { ok: false, errors: ['The revocation list is not a JSON object.'] };
  const revoked = new Map<string, string | undefined>();
  for (const item of list(input.revokedAssertions)) {
    if (typeof item === 'string') revoked.set(item, undefined);
    else if (isObject(item)) {
      const reason = text(item.revocationReason);
      for (const id of [item.id, item.uid]) if (typeof id === 'string') revoked.set(id, reason);
    }
  }
  return { ok: true, value: revoked };
}
