import { toDisplay, type CredentialDisplay } from '../vc/display.ts';
import { isObject } from '../vc/json.ts';
import type { Check, CheckOutcome, JsonObject, VerificationResult } from '../vc/types.ts';
import { InputError, verifyAny, type AnyContainer, type AnyFormat, type AnyStandard, type AnyVerification } from '../vc/verify-any.ts';
import type { ServiceContext } from './context.ts';
import { InvalidInput } from './errors.ts';
import jsQRModule from 'jsqr';
import { PNG } from 'pngjs';
import { isPng } from '../vc/baking/png.ts';
import { readImportUrl } from './wallet/url-import.ts';

// jsqr is CommonJS whose types declare an ES default export: take whichever the loader hands over.
type JsQr = typeof jsQRModule.default;
const jsQR: JsQr = (jsQRModule as unknown as { default?: JsQr }).default ?? (jsQRModule as unknown as JsQr);

/** A QR image larger than this is refused before decoding (a decompression bomb would be one). */
export const MAX_QR_SIDE = 4096;
export const MAX_QR_PIXELS = 16_000_000;

/**
 * The text of the QR code in a PNG, or undefined when it holds none. The size in the header is checked
 * before any pixel is inflated; an image too large is refused in words.
 */
function qrTextOf(bytes: Uint8Array): string | undefined {
  if (bytes.length < 24) return undefined;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const width = view.getUint32(16);
  const height = view.getUint32(20);
  if (width === 0 || height === 0 || width > MAX_QR_SIDE || height > MAX_QR_SIDE || width * height > MAX_QR_PIXELS) {
    throw bad(`The image is ${width}×${height} pixels; a QR code is read from images up to ${MAX_QR_SIDE}×${MAX_QR_SIDE} and 16 megapixels.`);
  }
  let image: PNG;
  try {
    image = PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  } catch {
    throw bad('The image is damaged: it could not be read to look for a QR code.');
  }
  if (image.width !== width || image.height !== height) return undefined;
  return jsQR(new Uint8ClampedArray(image.data.buffer, image.data.byteOffset, image.data.byteLength), width, height)?.data;
}

/** Largest input the public verifier reads (file, text or document at a URL). */
export const MAX_VERIFY_BYTES = 2 * 1024 * 1024;

export interface VerifyRequest {
  /** Uploaded bytes (JSON, VC-JWT, baked PNG or SVG). */
  file?: Uint8Array;
  /** The credential as a JSON object, or as text (JSON or a VC-JWT). */
  credential?: JsonObject | string;
  /** Pasted text: JSON or a VC-JWT. */
  text?: string;
  /** Where the credential is published (http or https), or a microcred share page. */
  url?: string;
  /** An e-mail address to compare with the credential's (hashed) recipient. */
  recipientEmail?: string;
  /** For a presentation: the challenge (and domain) the verifier gave the holder. */
  challenge?: string;
  domain?: string;
}

export type RecipientOutcome = 'match' | 'no-match' | 'not-checked';

export interface VerifierCheck {
  id: string;
  outcome: CheckOutcome;
  message: string;
}

export interface VerifierWorth {
  /** ECTS credits the achievement carries (or, failing that, the credits this learner earned). */
  ects?: number;
  creditsEarned?: number;
  /** EQF level 1–8, when the achievement states one. */
  eqfLevel?: number;
  /** The level as written, when it is not an EQF number. */
  level?: string;
  grade?: string;
  /** Learning outcomes, in the issuer's words. */
  outcomes: string[];
  /** Skills and competences the achievement is aligned to. */
  skills: string[];
}

/** A credential held by a presentation or a CLR, in brief. */
export interface VerifierMember {
  name: string;
  verified?: boolean;
  /** For a presentation's credential: whether its own signature holds (see VerifierAnswer.authentic). */
  authentic?: boolean;
  summary?: string;
  issuer: { id?: string; name?: string };
  achievement?: { name: string };
  checks?: VerifierCheck[];
  worth: VerifierWorth;
}

export interface VerifierAnswer {
  verified: boolean;
  /**
   * True when the signature verified and the key is the issuer's: the names, dates and worth below are
   * the issuer's. False when it did not: they are only what the file claims, and are shown as claims.
   */
  authentic: boolean;
  /** The outcome in one sentence. */
  summary: string;
  standard: AnyStandard;
  format: AnyFormat;
  container: AnyContainer;
  name: string;
  issuer: { id?: string; name?: string; url?: string };
  achievement?: {
    name: string;
    description?: string;
    type?: string;
    image?: string;
    criteria?: string;
    fieldOfStudy?: string;
    humanCode?: string;
  };
  issuedAt?: string;
  validUntil?: string;
  recipient: { outcome: RecipientOutcome; message: string; name?: string };
  checks: VerifierCheck[];
  worth: VerifierWorth;
  /** For a presentation or a CLR: each credential it holds. */
  credentials?: VerifierMember[];
  /** The credential (or presentation) as read: decoded from the JWT or the image. */
  credential?: JsonObject;
}

const NOUN: Record<AnyStandard, string> = {
  'Open Badges 3.0': 'Open Badge',
  'Open Badges 2.0': 'Open Badge (2.0)',
  'CLR 2.0': 'Comprehensive Learner Record',
  'Verifiable Credential': 'credential',
  'Verifiable Presentation': 'presentation',
};

function bad(message: string, pointer = '/'): InvalidInput {
  return new InvalidInput(message, [{ pointer, message }], { status: 400 });
}

function levelOf(level: string | undefined): { eqfLevel?: number; level?: string } {
  if (level === undefined) return {};
  const match = /^\s*(?:EQF\s*(?:level\s*)?)?([1-8])\s*$/i.exec(level) ?? /\/eqf\/([1-8])\b/i.exec(level) ?? /\blevel\s*([1-8])\b/i.exec(level);
  return match ? { eqfLevel: Number(match[1]) } : { level };
}

function textsOf(value: unknown): string[] {
  const items = Array.isArray(value) ? value : value === undefined ? [] : [value];
  return items.flatMap((item) => {
    if (typeof item === 'string') return item.trim() ? [item.trim()] : [];
    if (isObject(item)) {
      const text = [item.name, item.title, item.description, item.targetName].find((v) => typeof v === 'string' && v.trim() !== '');
      return typeof text === 'string' ? [text.trim()] : [];
    }
    return [];
  }).slice(0, 50);
}

function worthOf(view: CredentialDisplay | undefined): VerifierWorth {
  const achievement = view?.achievement;
  const credits = achievement?.creditsAvailable;
  const earned = view?.result.creditsEarned;
  const ects = credits ?? earned;
  const skills = (achievement?.alignments ?? [])
    .filter((alignment) => !/qualifications framework|\bEQF\b/i.test(alignment.targetFramework ?? '') && !/europa\.eu\/snb\/eqf\//i.test(alignment.targetUrl ?? ''))
    .map((alignment) => alignment.targetName).slice(0, 50);
  return {
    ...(ects !== undefined ? { ects } : {}),
    ...(earned !== undefined ? { creditsEarned: earned } : {}),
    ...levelOf(achievement?.level),
    ...(view?.result.grade !== undefined ? { grade: view.result.grade } : {}),
    outcomes: textsOf(achievement?.eu?.learningOutcome),
    skills,
  };
}

function displayOf(result: { credential?: JsonObject }, standard: AnyStandard): CredentialDisplay | undefined {
  if (!result.credential || standard === 'Verifiable Presentation') return undefined;
  try {
    return toDisplay(result.credential, standard === 'Open Badges 2.0' ? { version: 'ob2' } : {});
  } catch {
    return undefined;
  }
}

function checksOf(checks: readonly Check[]): VerifierCheck[] {
  return checks.map((entry) => ({ id: entry.check, outcome: entry.outcome, message: entry.message }));
}

/** The checks that say whether the content is the issuer's, unchanged (a signature, and whose key made it). */
const AUTHENTICITY_CHECKS = new Set(['proof', 'signature', 'issuer-key', 'presentation-proof']);

/** False when a signature or key check failed: what the file says is then a claim, not a fact. */
export function isAuthentic(checks: readonly Check[]): boolean {
  return !checks.some((entry) => entry.outcome === 'failed' && AUTHENTICITY_CHECKS.has(entry.check));
}

/** Names the display model falls back to when a credential has none: not worth quoting. */
const FALLBACK_NAMES = new Set(['Untitled credential', 'Unnamed achievement', 'Unnamed badge']);

/** One sentence: valid or not, and the first reason when not. */
export function summarise(result: VerificationResult, standard: AnyStandard, view: CredentialDisplay | undefined): string {
  const name = view && !FALLBACK_NAMES.has(view.name) ? ` “${view.name}”` : '';
  const issuer = view?.issuer.name ?? view?.issuer.id;
  // "This Open Badge “X”, issued by Y, is …" or "This credential is …".
  const subject = `This ${NOUN[standard]}${name}${issuer ? `, issued by ${issuer},` : ''}`;
  const failed = result.checks.filter((entry) => entry.outcome === 'failed');
  const warnings = result.checks.filter((entry) => entry.outcome === 'warning');
  if (result.verified) {
    const what = standard === 'Verifiable Presentation' ? 'This presentation and every credential in it are authentic and valid' : `${subject} is authentic and valid`;
    return warnings.length === 0 ? `${what}.` : `${what}, with ${warnings.length === 1 ? 'one warning' : `${warnings.length} warnings`}: ${lowerFirst(warnings[0]!.message)}`;
  }
  if (failed.length === 1 && failed[0]!.check === 'recipient') return `${subject} is authentic, but ${lowerFirst(failed[0]!.message)}`;
  if (!result.credential) return `This is not a valid ${NOUN[standard]}: ${lowerFirst(failed[0]?.message ?? 'it could not be read.')}`;
  // A file that is not even a well-formed credential is told so first.
  if (!isAuthentic(result.checks) && failed[0]?.check !== 'structure') {
    // Nothing in a forged file is the issuer's word: its name and issuer are quoted as its claims.
    const reason = failed.find((entry) => AUTHENTICITY_CHECKS.has(entry.check))!;
    return `This file claims to be ${/^[aeiou]/i.test(NOUN[standard]) ? 'an' : 'a'} ${NOUN[standard]}${name}${issuer ? ` issued by ${issuer}` : ''}, but it is not authentic: ${lowerFirst(reason.message)}`;
  }
  return `${subject} is not valid: ${lowerFirst(failed[0]?.message ?? 'a check failed.')}`;
}

function lowerFirst(text: string): string {
  // "The credential…" reads on after a colon; names and acronyms (two capitals) stay as they are.
  return /^[A-Z][a-z]/.test(text) ? text[0]!.toLowerCase() + text.slice(1) : text;
}

function recipientOf(result: VerificationResult, view: CredentialDisplay | undefined, standard: AnyStandard, email: string | undefined): VerifierAnswer['recipient'] {
  const name = view?.recipient.name ? { name: view.recipient.name } : {};
  const check = result.checks.find((entry) => entry.check === 'recipient');
  if (email && check && check.outcome === 'passed') return { outcome: 'match', message: check.message, ...name };
  if (email && check && check.outcome === 'failed') return { outcome: 'no-match', message: check.message, ...name };
  if (standard === 'Verifiable Presentation') {
    return { outcome: 'not-checked', message: 'A presentation is checked against its holder’s key, not an e-mail address; the credentials in it are listed below.' };
  }
  const recipient = view?.recipient;
  if (recipient?.identityHashed) {
    const kind = recipient.identityType === 'emailAddress' || recipient.identityType === 'email' ? 'e-mail address' : (recipient.identityType ?? 'identifier');
    return { outcome: 'not-checked', message: `The credential names its recipient by a hashed ${kind}; enter an e-mail address to check whether it is theirs.`, ...name };
  }
  if (recipient?.id) return { outcome: 'not-checked', message: `The credential was issued to ${recipient.id}.`, ...name };
  if (recipient?.identity) return { outcome: 'not-checked', message: `The credential was issued to ${recipient.identity}.`, ...name };
  if (recipient?.name) return { outcome: 'not-checked', message: `The credential was issued to ${recipient.name}.`, ...name };
  return { outcome: 'not-checked', message: 'The credential does not say who received it.' };
}

function memberOfPresentation(result: VerificationResult): VerifierMember {
  const view = displayOf(result, 'Verifiable Credential');
  return {
    name: view?.name ?? 'Unreadable credential',
    verified: result.verified,
    authentic: isAuthentic(result.checks),
    summary: summarise(result, view?.standard ?? 'Verifiable Credential', view),
    issuer: { ...(view?.issuer.id ? { id: view.issuer.id } : {}), ...(view?.issuer.name ? { name: view.issuer.name } : {}) },
    ...(view?.achievement ? { achievement: { name: view.achievement.name } } : {}),
    checks: checksOf(result.checks),
    worth: worthOf(view),
  };
}

function memberOfClr(view: CredentialDisplay): VerifierMember {
  return {
    name: view.name,
    issuer: { ...(view.issuer.id ? { id: view.issuer.id } : {}), ...(view.issuer.name ? { name: view.issuer.name } : {}) },
    ...(view.achievement ? { achievement: { name: view.achievement.name } } : {}),
    worth: worthOf(view),
  };
}

/** Builds the public answer from a verification. Exported for the share pages and tests. */
export function toAnswer(result: AnyVerification, recipientEmail?: string): VerifierAnswer {
  const view = displayOf(result, result.standard);
  const achievement = view?.achievement;
  const answer: VerifierAnswer = {
    verified: result.verified,
    authentic: isAuthentic(result.checks),
    summary: summarise(result, result.standard, view),
    standard: result.standard,
    format: result.format,
    container: result.container,
    name: view?.name ?? (result.standard === 'Verifiable Presentation' ? 'Verifiable Presentation' : 'Unreadable credential'),
    issuer: {
      ...(view?.issuer.id ? { id: view.issuer.id } : {}),
      ...(view?.issuer.name ? { name: view.issuer.name } : {}),
      ...(view?.issuer.url ? { url: view.issuer.url } : {}),
    },
    ...(achievement ? {
      achievement: {
        name: achievement.name,
        ...(achievement.description ? { description: achievement.description } : {}),
        ...(achievement.type ? { type: achievement.type } : {}),
        ...(achievement.image ? { image: achievement.image } : {}),
        ...(achievement.criteria?.narrative ?? achievement.criteria?.id ? { criteria: achievement.criteria?.narrative ?? achievement.criteria?.id } : {}),
        ...(achievement.fieldOfStudy ? { fieldOfStudy: achievement.fieldOfStudy } : {}),
        ...(achievement.humanCode ? { humanCode: achievement.humanCode } : {}),
      },
    } : {}),
    ...(view?.issuedOn ? { issuedAt: view.issuedOn } : {}),
    ...(view?.validUntil ? { validUntil: view.validUntil } : {}),
    recipient: recipientOf(result, view, result.standard, recipientEmail),
    checks: checksOf(result.checks),
    worth: worthOf(view),
    ...(result.credential ? { credential: result.credential } : {}),
  };
  if (result.standard === 'Verifiable Presentation') answer.credentials = (result.credentials ?? []).map(memberOfPresentation);
  else if (view && view.credentials.length > 0) answer.credentials = view.credentials.map(memberOfClr);
  return answer;
}

/** The public verifier (issue 4): anything in, every check out in plain words. */
export function createVerifierService(ctx: ServiceContext) {
  /** Reads a URL as the wallet's URL import does (guarded; a share page's ld+json link followed once). */
  async function read(url: string): Promise<{ bytes: Uint8Array; requested: string }> {
    try {
      const read = await readImportUrl(ctx, url);
      return { bytes: read.bytes, requested: read.requested };
    } catch (error) {
      // The same words, as this API's 400 for input it cannot use.
      if (error instanceof InvalidInput) throw bad(error.message, '/url');
      throw error;
    }
  }

  return {
    /**
     * Verifies one credential given as a file, an object, text or a URL, and answers in words. Input
     * that holds no credential is a 400 problem; a credential that fails a check is a normal answer.
     */
    async verify(request: VerifyRequest): Promise<VerifierAnswer> {
      const given = (['file', 'credential', 'text', 'url'] as const).filter((key) => request[key] !== undefined && request[key] !== '');
      if (given.length === 0) throw bad('Give one credential: a file, the credential (JSON or a VC-JWT), pasted text, or a URL.');
      if (given.length > 1) throw bad(`Give one credential at a time (this request has ${given.join(' and ')}).`);
      const email = request.recipientEmail?.trim() || undefined;
      if (email !== undefined && (email.length > 320 || !/^[^\s@]+@[^\s@]+$/.test(email))) throw bad('recipientEmail is not an e-mail address', '/recipientEmail');

      const source = given[0]!;
      let bytes: Uint8Array;
      let readFrom: string | undefined;
      if (source === 'file') bytes = request.file!;
      else if (source === 'url') ({ bytes, requested: readFrom } = await read(request.url!));
      else {
        const value = source === 'credential' ? request.credential! : request.text!;
        bytes = new TextEncoder().encode(typeof value === 'string' ? value : JSON.stringify(value));
      }
      if (bytes.byteLength > MAX_VERIFY_BYTES) throw bad(`The credential is larger than ${MAX_VERIFY_BYTES / 1024 / 1024} MiB, more than any real credential.`);

      const check = (input: Uint8Array, from = readFrom) => verifyAny({
        bytes: input, engine: ctx.engine, fetcher: ctx.fetch, now: ctx.now(), ...(from ? { sourceUrl: from } : {}),
        ...(email ? { recipient: email } : {}),
        ...(request.challenge ? { challenge: request.challenge } : {}),
        ...(request.domain ? { domain: request.domain } : {}),
      });
      let result: AnyVerification;
      try {
        result = await check(bytes);
      } catch (error) {
        if (!(error instanceof InputError)) throw error;
        // A PNG without a baked badge may be a QR code (a share's, a certificate's): follow its URL once.
        const qr = error.reason === 'no-credential' && source !== 'url' && isPng(bytes) ? qrTextOf(bytes) : undefined;
        if (qr === undefined || !/^https?:\/\//i.test(qr)) throw bad(error.message);
        const served = await read(qr);
        if (served.bytes.byteLength > MAX_VERIFY_BYTES) throw bad(`The credential is larger than ${MAX_VERIFY_BYTES / 1024 / 1024} MiB, more than any real credential.`);
        try {
          result = await check(served.bytes, served.requested);
        } catch (inner) {
          if (inner instanceof InputError) throw bad(`The image's QR code leads to ${qr}, which holds no credential: ${inner.message}`);
          throw inner;
        }
      }
      ctx.metrics.increment('microcred_verifications_total', { kind: 'public', outcome: result.verified ? 'verified' : 'failed' });
      return toAnswer(result, email);
    },
  };
}

export type VerifierService = ReturnType<typeof createVerifierService>;
