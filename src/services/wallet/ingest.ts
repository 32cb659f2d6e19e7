/**
 * Turns whatever a learner hands the wallet (a file, pasted text, what a URL answered, a credential
 * this instance issued) into a wallet row: the original verbatim, the credential as JSON, the keys that
 * recognise a duplicate, the card's display fields and the outcome of verifying it. Stores nothing:
 * the wallet service writes the row.
 */
import { createHash } from 'node:crypto';
import { findEqfLevel } from '../../domain/eu-elements.ts';
import type { Row, WalletSource, WalletStatus } from '../../store/schema.ts';
import { detectAndExtract } from '../../vc/baking/index.ts';
import { toDisplay, type CredentialDisplay } from '../../vc/display.ts';
import { asArray, isObject } from '../../vc/json.ts';
import { base64urlDecode } from '../../vc/multibase.ts';
import type { Check, JsonObject } from '../../vc/types.ts';
import { InputError, verifyAny, type AnyVerification } from '../../vc/verify-any.ts';
import type { ServiceContext } from '../context.ts';
import { InvalidInput } from '../errors.ts';

/** Largest import (file, paste or URL answer). */
export const MAX_IMPORT_BYTES = 2 * 1024 * 1024;

/** The wallet row's columns that an import determines (all but id, user_id and added_at). */
export type Ingested = Omit<Row<'wallet_credentials'>, 'id' | 'user_id' | 'added_at'>;

export interface IngestInput {
  bytes: Uint8Array;
  /** The media type the upload declared; only a hint (the content decides). */
  mediaType?: string;
  source: WalletSource;
  /** Where a URL import read it. */
  sourceUrl?: string;
  /** The address that answered the bytes (the URL given or a page's alternate link): OB 2.0 compares it with the assertion's id. */
  readFrom?: string;
}

type IngestContext = Pick<ServiceContext, 'engine' | 'fetch' | 'now'>;

// Display columns are bounded: a hostile credential cannot fill every card with megabytes.
const MAX_NAME = 500;
const MAX_DESCRIPTION = 5000;
const MAX_FIELD = 300;
const MAX_SKILLS = 100;
const MAX_IMAGE = 256 * 1024;
const MAX_SEARCH_TEXT = 8000;
const MAX_ECTS = 100_000;

/**
 * Verifies and describes an import. Input with no credential in it (an image without a badge, text that
 * is not a credential, an oversize file) throws InvalidInput with the reason in words; a credential
 * that fails verification is stored with status 'invalid' and its checks.
 *
 * @example
 *   const row = await ingest(ctx, { bytes, source: 'upload' });
 *   row.status; // 'verified'
 */
export async function ingest(ctx: IngestContext, input: IngestInput): Promise<Ingested> {
  const { bytes } = input;
  if (!(bytes instanceof Uint8Array)) throw new TypeError('ingest takes the import as bytes (Uint8Array).');
  if (bytes.length > MAX_IMPORT_BYTES) {
    throw new InvalidInput(`The import is ${formatSize(bytes.length)}; the wallet accepts up to ${formatSize(MAX_IMPORT_BYTES)} per credential.`);
  }
  const result = await verifyInput(ctx, bytes, input.readFrom);
  const credential = result.credential ?? readCredential(bytes);
  if (result.format !== 'ob2' && !asArray(credential?.type).includes('VerifiableCredential')) {
    // A key file, a proof configuration, any other JSON: nothing a wallet should keep (or show as a credential).
    throw new InvalidInput('This holds no credential: it is not of type VerifiableCredential.');
  }
  const original = originalOf(result.embedded ?? bytes, result);
  const display = displayOf(credential, result.format);
  return {
    source: input.source,
    source_url: input.sourceUrl ?? null,
    issued_credential_id: null,
    original_type: original.type,
    original: original.text,
    format: result.format,
    standard: result.standard,
    document: credential ? JSON.stringify(credential) : null,
    credential_key: credentialKey(credential),
    proof_key: proofKey(credential, result),
    ...displayColumns(display),
    ...verificationColumns(ctx, result),
  };
}

/** A credential this instance issued, added to the learner's wallet by a claim link or an offer. */
export async function ingestIssued(ctx: IngestContext, row: Row<'credentials'>): Promise<Ingested> {
  const ingested = await ingest(ctx, { bytes: new TextEncoder().encode(row.document), source: 'claim' });
  return { ...ingested, issued_credential_id: row.id };
}

/**
 * Verifies the stored original again (on demand or by the scheduled job) so a revocation, suspension
 * or expiry shows. The status lists it points to are read afresh, not from the engine's cache.
 */
export async function reverify(
  ctx: IngestContext,
  existing: Pick<Row<'wallet_credentials'>, 'original' | 'original_type' | 'document'>,
): Promise<Pick<Ingested, 'status' | 'verification' | 'verified_at'>> {
  const bytes = existing.original_type === 'image/png' ? new Uint8Array(Buffer.from(existing.original, 'base64')) : new TextEncoder().encode(existing.original);
  for (const url of statusListUrls(existing.document)) ctx.engine.forgetStatusList(url);
  let result: AnyVerification;
  try {
    result = await verifyInput(ctx, bytes);
  } catch (error) {
    // The original was accepted once; if it no longer reads (it never should), say so rather than fail the job.
    if (!(error instanceof InvalidInput)) throw error;
    return {
      status: 'invalid',
      verification: JSON.stringify({ verified: false, checks: [{ check: 'structure', outcome: 'failed', message: error.message }] }),
      verified_at: ctx.now().toISOString(),
    };
  }
  return verificationColumns(ctx, result);
}

async function verifyInput(ctx: IngestContext, bytes: Uint8Array, readFrom?: string): Promise<AnyVerification> {
  try {
    return await verifyAny({ bytes, engine: ctx.engine, fetcher: ctx.fetch, now: ctx.now(), ...(readFrom ? { sourceUrl: readFrom } : {}) });
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    if (error.reason === 'challenge-required') {
      throw new InvalidInput('This is a Verifiable Presentation, not a credential: import the credentials it holds one by one.');
    }
    if (error.reason === 'no-credential') throw new InvalidInput('The image holds no credential: it carries no baked badge.');
    throw new InvalidInput(error.message);
  }
}

function verificationColumns(ctx: IngestContext, result: AnyVerification): Pick<Ingested, 'status' | 'verification' | 'verified_at'> {
  return {
    status: statusOf(result.checks),
    verification: JSON.stringify({ verified: result.verified, checks: result.checks }),
    verified_at: ctx.now().toISOString(),
  };
}

/**
 * The one word a wallet card shows, from the checks. A broken signature or structure outweighs
 * everything ('invalid'); then revoked, suspended, expired; a status list, an issuer's DID document or
 * (OB 2.0) an issuer's document that could not be read makes it 'unknown' rather than fine or invalid.
 */
export function statusOf(checks: readonly Check[]): WalletStatus {
  let revoked = false;
  let suspended = false;
  let expired = false;
  let unknown = false;
  let invalid = false;
  for (const entry of checks) {
    const { check, outcome, message } = entry;
    if (outcome === 'passed' || outcome === 'skipped') continue;
    if (check === 'status' || check === 'revocation') {
      if (/has revoked/i.test(message)) revoked = true;
      else if (/has suspended/i.test(message)) suspended = true;
      else if (outcome === 'warning' && check === 'revocation') continue; // no revocation list published
      else unknown = true; // unreadable or untrustworthy list: the status is not known
      continue;
    }
    if (outcome === 'warning') continue;
    // Said only when the proof check failed too, which decides.
    if (check === 'issuer-key' && /signing key could not be found/i.test(message)) continue;
    // The issuer's DID document did not answer (did:web): the signature could not be checked, not found wrong.
    if (check === 'proof' && /could not be read from/i.test(message)) {
      unknown = true;
      continue;
    }
    if ((check === 'validity' || check === 'expiry') && /expired/i.test(message)) expired = true;
    // OB 2.0: the issuer's site did not answer (and what depends on its documents could not be checked).
    else if (/could not be fetched|cannot be checked without/i.test(message)) unknown = true;
    else invalid = true;
  }
  if (invalid) return 'invalid';
  if (revoked) return 'revoked';
  if (suspended) return 'suspended';
  if (expired) return 'expired';
  if (unknown) return 'unknown';
  return 'verified';
}

/** The credential from the input itself, when verification could not parse it (no proof, bad token). */
function readCredential(bytes: Uint8Array): JsonObject | undefined {
  const extracted = detectAndExtract(bytes);
  if (!extracted?.ok) return undefined;
  if (extracted.kind === 'ob3') return extracted.credential;
  if (extracted.kind === 'ob2') return isObject(extracted.assertion) ? extracted.assertion : jwtPayload(extracted.assertion);
  return jwtPayload(extracted.jwt);
}

function jwtPayload(token: string): JsonObject | undefined {
  const part = token.split('.')[1];
  const decoded = part ? base64urlDecode(part) : undefined;
  if (!decoded) return undefined;
  let payload: unknown;
  try {
    payload = JSON.parse(new TextDecoder().decode(decoded));
  } catch {
    return undefined;
  }
  if (!isObject(payload)) return undefined;
  // VC-JWT 1.1 wraps the credential in `vc`; VC-JOSE (VC 2.0) signs the credential itself.
  return isObject(payload.vc) ? payload.vc : payload;
}

const TYPES: Record<AnyVerification['container'], string> = {
  json: 'application/json',
  jwt: 'application/jwt',
  png: 'image/png',
  svg: 'image/svg+xml',
};

function originalOf(bytes: Uint8Array, result: AnyVerification): { type: string; text: string } {
  if (result.container === 'png') return { type: TYPES.png, text: Buffer.from(bytes).toString('base64') };
  const text = new TextDecoder().decode(bytes);
  // A hosted OB 2.0 assertion given by its address: the address is what was received.
  if (result.format === 'ob2' && result.container === 'json' && /^\s*https?:\/\//i.test(text)) return { type: 'text/uri-list', text };
  return { type: TYPES[result.container], text };
}

function credentialKey(credential: JsonObject | undefined): string | null {
  if (!credential) return null;
  const id = credential.id;
  return typeof id === 'string' && id.trim() !== '' && id.length <= 2048 ? id.trim() : null;
}

/** sha256 of the signature: a Data Integrity proofValue (or legacy jws), a JWT's or a signed OB 2.0 assertion's. */
function proofKey(credential: JsonObject | undefined, result: AnyVerification): string | null {
  if (result.jwt) {
    const signature = result.jwt.split('.')[2];
    return signature ? sha256(signature) : null;
  }
  if (!credential || result.format === 'ob2') return null;
  for (const proof of asArray(credential.proof)) {
    if (!isObject(proof)) continue;
    const value = typeof proof.proofValue === 'string' ? proof.proofValue : typeof proof.jws === 'string' ? proof.jws : undefined;
    if (value) return sha256(value);
  }
  return null;
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

function displayOf(credential: JsonObject | undefined, format: AnyVerification['format']): CredentialDisplay | undefined {
  if (!credential) return undefined;
  try {
    return toDisplay(credential, { version: format === 'ob2' ? 'ob2' : 'ob3' });
  } catch {
    return undefined;
  }
}

type DisplayColumns = Pick<Ingested, 'name' | 'description' | 'issuer_id' | 'issuer_name' | 'image' | 'issued_at' | 'valid_until' | 'ects_centi' | 'eqf_level' | 'field' | 'skills' | 'search_text'>;

function displayColumns(display: CredentialDisplay | undefined): DisplayColumns {
  const achievement = display?.achievement;
  const name = clip(achievement && achievement.name !== 'Unnamed achievement' ? achievement.name : display?.name, MAX_NAME) ?? 'Untitled credential';
  const description = clip(achievement?.description ?? display?.description, MAX_DESCRIPTION);
  const issuerName = clip(display?.issuer.name, MAX_NAME);
  const issuerId = clip(display?.issuer.id, 2048);
  const field = clip(achievement?.fieldOfStudy, MAX_FIELD);
  const skills = (achievement?.alignments ?? [])
    .filter((alignment) => !isEqf(alignment))
    .slice(0, MAX_SKILLS)
    .map((alignment) => ({ ...(alignment.targetUrl ? { uri: clip(alignment.targetUrl, 2048)! } : {}), label: clip(alignment.targetName, MAX_FIELD)! }));
  const image = display?.image && display.image.length <= MAX_IMAGE ? display.image : undefined;
  const search = [name, description, issuerName, field, ...skills.map((skill) => skill.label)].filter(Boolean).join(' ').toLowerCase();
  return {
    name,
    description: description ?? null,
    issuer_id: issuerId ?? null,
    issuer_name: issuerName ?? null,
    image: image ?? null,
    issued_at: isoDate(display?.issuedOn ?? display?.validFrom) ?? null,
    valid_until: isoDate(display?.validUntil) ?? null,
    ects_centi: ectsCenti(display?.result.creditsEarned ?? achievement?.creditsAvailable) ?? null,
    eqf_level: eqfLevel(achievement) ?? null,
    field: field ?? null,
    skills: skills.length > 0 ? JSON.stringify(skills) : null,
    search_text: search.slice(0, MAX_SEARCH_TEXT),
  };
}

function isEqf(alignment: { targetFramework?: string; targetUrl?: string }): boolean {
  return /european qualifications framework|^eqf$/i.test((alignment.targetFramework ?? '').trim()) || /^https?:\/\/data\.europa\.eu\/snb\/eqf\//i.test(alignment.targetUrl ?? '');
}

/** EU micro-credential: the EQF alignment (targetCode or the EQF concept URL), else a stated level of 1–8. */
function eqfLevel(achievement: CredentialDisplay['achievement']): number | undefined {
  if (!achievement) return undefined;
  const aligned = findEqfLevel({ alignment: achievement.alignments });
  if (aligned !== undefined) return aligned;
  const stated = /^\s*(?:EQF\s*(?:level\s*)?)?([1-8])\s*$/i.exec(achievement.level ?? '');
  return stated ? Number(stated[1]) : undefined;
}

/** ECTS credits ×100 (two decimals); nonsense (negative, huge, not a number) reads as none. */
function ectsCenti(value: number | undefined): number | undefined {
  if (value === undefined || !Number.isFinite(value) || value < 0 || value > MAX_ECTS) return undefined;
  return Math.round(value * 100);
}

function isoDate(value: string | undefined): string | undefined {
  if (!value) return undefined;
  const time = Date.parse(value);
  return Number.isFinite(time) ? new Date(time).toISOString() : undefined;
}

function clip(value: string | undefined, max: number): string | undefined {
  if (value === undefined) return undefined;
  const text = value.trim();
  if (text === '') return undefined;
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

function formatSize(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${(bytes / (1024 * 1024)).toFixed(1)} MiB` : `${Math.ceil(bytes / 1024)} KiB`;
}

/** The status list URLs a stored credential points to (to read them afresh on re-verification). */
function statusListUrls(document: string | null): string[] {
  if (!document) return [];
  let credential: unknown;
  try {
    credential = JSON.parse(document);
  } catch {
    return [];
  }
  if (!isObject(credential)) return [];
  return asArray(credential.credentialStatus)
    .map((entry) => (isObject(entry) ? entry.statusListCredential : undefined))
    .filter((url): url is string => typeof url === 'string');
}
