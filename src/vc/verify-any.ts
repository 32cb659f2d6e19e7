/**
 * Verifies whatever a person hands over — a JSON credential (Data Integrity), a VC-JWT, a baked PNG or
 * SVG (OB 3.0 or OB 2.0), an OB 2.0 assertion (JSON, signed JWS or hosted URL), or a signed
 * presentation — and says what it was. Shared by the CLI, the wallet import and the public verifier.
 */
import { detectAndExtract, type ExtractedCredential } from './baking/index.ts';
import { extractFromPdf, isPdf } from './baking/pdf.ts';
import { isPng } from './baking/png.ts';
import { createEngine, type Engine } from './engine.ts';
import { asArray, isObject } from './json.ts';
import { verifyOb2 } from './ob2/verify.ts';
import type { Fetcher, JsonObject, VerificationResult } from './types.ts';

export type AnyStandard = 'Open Badges 3.0' | 'Open Badges 2.0' | 'CLR 2.0' | 'Verifiable Credential' | 'Verifiable Presentation';
/** How the credential is secured: Data Integrity / linked-data proof, VC-JWT, OB 2.0 (hosted or signed), a presentation. */
export type AnyFormat = 'ldp' | 'jwt' | 'ob2' | 'vp';
/** What carried it: JSON text (or a hosted OB 2.0 URL, read as JSON), a compact JWS, a baked image. */
export type AnyContainer = 'json' | 'jwt' | 'png' | 'svg';

export type AnyVerification = VerificationResult & {
  standard: AnyStandard;
  format: AnyFormat;
  container: AnyContainer;
  /** For a presentation: one full verification per credential in it, in order. */
  credentials?: VerificationResult[];
  /** The compact JWS when the credential was a VC-JWT or a signed OB 2.0 assertion. */
  jwt?: string;
  /**
   * Set when the credential came embedded in a PDF (a microcred certificate): `container` then says what
   * the embedded file was, and `embedded` holds its bytes (what a wallet keeps as the original).
   */
  carrier?: 'pdf';
  embedded?: Uint8Array;
};

/** Why the input could not be verified at all (not a failed check: nothing to check). */
export type InputErrorReason = 'empty' | 'no-credential' | 'unreadable' | 'unsupported' | 'challenge-required';

/** The input holds nothing verifiable; the message is a plain sentence for the person who gave it. */
export class InputError extends Error {
  readonly reason: InputErrorReason;
  constructor(reason: InputErrorReason, message: string) {
    super(message);
    this.name = 'InputError';
    this.reason = reason;
  }
}

export interface VerifyAnyOptions {
  bytes: Uint8Array;
  /**
   * The engine to verify OB 3.0 / VC credentials and presentations with. The server passes its own (so status
   * lists and DID documents go through its fetcher and caches); without one an engine is built over
   * `documents` and `fetcher`.
   */
  engine?: Engine;
  /** Documents the caller holds, by URL or DID (used only when no engine is given). */
  documents?: ReadonlyMap<string, unknown>;
  /** Reads OB 2.0 documents (hosted assertions, badge classes, keys, revocation lists). Without it: offline. */
  fetcher?: Fetcher;
  /** An e-mail address or a DID the credential should have been issued to. */
  recipient?: string;
  /** The address the bytes were read from, when they came from a URL (OB 2.0 compares it with the assertion's id). */
  sourceUrl?: string;
  /** For a presentation: the challenge the verifier gave the holder (required for a presentation). */
  challenge?: string;
  domain?: string;
  now?: Date;
}

const offline: Fetcher = async () => {
  throw new Error('this verifier is offline');
};

/**
 * Recognises and verifies the bytes. A credential that fails a check is a normal result
 * (`verified: false`); input that holds no credential at all throws {@link InputError}.
 *
 * @example
 *   const result = await verifyAny({ bytes: await readFile('badge.png'), engine, fetcher });
 *   result.standard; // 'Open Badges 3.0'
 *   result.container; // 'png'
 */
export async function verifyAny(options: VerifyAnyOptions): Promise<AnyVerification> {
  const { bytes } = options;
  if (!(bytes instanceof Uint8Array)) throw new TypeError('verifyAny takes the input as bytes (Uint8Array).');
  if (bytes.length === 0) throw new InputError('empty', 'The input is empty.');
  if (isPdf(bytes)) return await verifyPdf(options);
  const now = options.now ?? new Date();
  const extracted = detectAndExtract(bytes);
  if (extracted === undefined) throw new InputError('no-credential', 'The image holds no credential (it carries no baked badge).');
  if (!extracted.ok) throw new InputError('unreadable', extracted.error);
  if (extracted.kind === 'ob3' && isJwsJson(extracted.credential)) {
    throw new InputError('unsupported', 'This credential is signed as a JWS in JSON form (such as JAdES, used by Europass), which microcred cannot verify yet.');
  }
  const container = containerOf(bytes, extracted);
  const fetcher = options.fetcher ?? offline;

  if (extracted.kind === 'ob2') {
    const result = await verifyOb2({
      input: extracted.assertion, fetcher, now, ...(options.recipient ? { recipient: ob2RecipientClaim(options.recipient) } : {}),
      ...(options.sourceUrl && typeof extracted.assertion !== 'string' && containerOf(bytes, extracted) === 'json' ? { source: options.sourceUrl } : {}),
    });
    const credential = result.document ?? result.credential;
    const jwt = typeof extracted.assertion === 'string' && !/^https?:/i.test(extracted.assertion) ? extracted.assertion : undefined;
    return {
      verified: result.verified, checks: result.checks, ...(credential ? { credential } : {}),
      standard: 'Open Badges 2.0', format: 'ob2', container, ...(jwt ? { jwt } : {}),
    };
  }

  const engine = options.engine ?? createEngine({ ...(options.documents ? { documents: options.documents } : {}), ...(options.fetcher ? { fetcher: options.fetcher } : {}) });
  if (extracted.kind === 'ob3' && asArray(extracted.credential.type).includes('VerifiablePresentation')) {
    if (!options.challenge) {
      throw new InputError('challenge-required', 'This is a Verifiable Presentation: it can only be verified with the challenge the verifier gave the holder (and the domain, if one was given).');
    }
    const result = await engine.verifyPresentation({
      presentation: extracted.credential, challenge: options.challenge, now, ...(options.domain ? { domain: options.domain } : {}),
    });
    return {
      verified: result.verified, checks: result.checks, credentials: result.credentials,
      ...(result.presentation ? { credential: result.presentation } : {}),
      standard: 'Verifiable Presentation', format: 'vp', container,
    };
  }

  const credential = extracted.kind === 'ob3' ? extracted.credential : extracted.jwt;
  const recipient = options.recipient ? (options.recipient.startsWith('did:') ? { did: options.recipient } : { email: options.recipient }) : undefined;
  const result = await engine.verify({ credential, now, ...(recipient ? { recipient } : {}) });
  return {
    ...result,
    standard: standardOf(result.credential),
    format: extracted.kind === 'ob3-jwt' ? 'jwt' : 'ldp',
    container,
    ...(extracted.kind === 'ob3-jwt' ? { jwt: extracted.jwt } : {}),
  };
}

/** A PDF: the credential it carries as an embedded file, verified as if handed over on its own. */
async function verifyPdf(options: VerifyAnyOptions): Promise<AnyVerification> {
  const found = extractFromPdf(options.bytes);
  if (found === undefined) throw new InputError('no-credential', 'The PDF holds no credential (it carries no embedded credential file).');
  if (!found.ok) throw new InputError('unreadable', found.error);
  if (found.bytes.length === 0 || isPdf(found.bytes)) throw new InputError('unreadable', 'The PDF embeds no readable credential.');
  const result = await verifyAny({ ...options, bytes: found.bytes });
  if (result.container === 'png' || result.container === 'svg') throw new InputError('unsupported', 'The PDF embeds an image; give the image itself instead.');
  return { ...result, carrier: 'pdf', embedded: found.bytes };
}

/**
 * OB 2.0 §IdentityObject names the recipient by a Profile property: `email`, `url` or `telephone`. The one
 * identity a person types is read as the kind it looks like, so all three paths (wallet, verifier, CLI) agree.
 */
export function ob2RecipientClaim(identity: string): { identity: string; type: 'email' | 'url' | 'telephone' } {
  const text = identity.trim();
  if (/^https?:\/\//i.test(text)) return { identity: text, type: 'url' };
  if (/^\+?[0-9][0-9 ().-]{2,}$/.test(text) && !text.includes('@')) return { identity: text, type: 'telephone' };
  return { identity: text, type: 'email' };
}

/** OB 3.0 §8: the credential types that make a credential an Open Badge or a CLR. */
export function standardOf(credential: JsonObject | undefined): AnyStandard {
  const types = isObject(credential) ? asArray(credential.type) : [];
  if (types.includes('ClrCredential')) return 'CLR 2.0';
  if (types.includes('OpenBadgeCredential') || types.includes('AchievementCredential') || types.includes('EndorsementCredential')) return 'Open Badges 3.0';
  return 'Verifiable Credential';
}

/** RFC 7515 §7.2 JSON serialisation: `payload` with `signatures` (or a flattened `signature`), no JSON-LD. */
function isJwsJson(document: JsonObject): boolean {
  return typeof document.payload === 'string' && (Array.isArray(document.signatures) || typeof document.signature === 'string') && document['@context'] === undefined;
}

function containerOf(bytes: Uint8Array, extracted: ExtractedCredential): AnyContainer {
  if (isPng(bytes)) return 'png';
  const head = new TextDecoder().decode(bytes.subarray(0, 64)).replace(/^\uFEFF/, '').trimStart();
  if (head.startsWith('<')) return 'svg';
  if (head.startsWith('{')) return 'json';
  if (extracted.kind === 'ob3-jwt' || (extracted.kind === 'ob2' && typeof extracted.assertion === 'string' && !/^https?:/i.test(extracted.assertion))) return 'jwt';
  return 'json';
}
