import type { JsonObject } from '../types.ts';
import { isObject as isJsonObject } from '../json.ts';

/** What a baked image (or a dropped file) carried. */
export type ExtractedCredential =
  /** An OB 3.0 credential in JSON (with an embedded proof, or none). */
  | { ok: true; kind: 'ob3'; credential: JsonObject }
  /** An OB 3.0 credential secured as a VC-JWT (compact JWS). */
  | { ok: true; kind: 'ob3-jwt'; jwt: string }
  /** An Open Badges 2.0 assertion: the JSON, or a string (the hosted URL or a signed JWS). */
  | { ok: true; kind: 'ob2'; assertion: JsonObject | string };

/** The file could not be read; `error` is a plain sentence for the user. */
export interface ExtractError {
  ok: false;
  error: string;
}

/**
 * The outcome of reading a baked image: the credential found, `undefined` when the file is
 * well-formed but carries no credential, or an error for a damaged or hostile file.
 */
export type ExtractResult = ExtractedCredential | ExtractError | undefined;

/** The credential to bake: an OB 3.0 credential object, or a VC-JWT compact string. */
export type BakeableCredential = JsonObject | string;

/** Which generation of the baking spec to write. */
export type BakingStandard = 'ob3' | 'ob2';

/** Compact JWS: three base64url parts (the payload may not be empty). */
export const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;

/** Largest credential text read from or written to an image (4 MiB). */
export const MAX_CREDENTIAL_TEXT = 4 * 1024 * 1024;


function isHttpUrl(text: string): boolean {
  if (!/^https?:\/\/\S+$/i.test(text)) return false;
  try {
    new URL(text);
    return true;
  } catch {
    return false;
  }
}

/**
 * Interprets the text found in a baked image. OB 3.0 §5.3: the value is the JSON credential or the
 * compact JWS of a VC-JWT. OB 2.0 baking: the assertion JSON, its hosted URL, or a signed JWS.
 */
export function interpretBakedText(text: string, standard: BakingStandard): ExtractedCredential | ExtractError {
  const trimmed = text.trim();
  if (trimmed.startsWith('{')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(trimmed);
    } catch {
      return { ok: false, error: 'The credential baked into the image is not valid JSON.' };
    }
    if (!isJsonObject(parsed)) return { ok: false, error: 'The credential baked into the image is not a JSON object.' };
    return standard === 'ob3' ? { ok: true, kind: 'ob3', credential: parsed } : { ok: true, kind: 'ob2', assertion: parsed };
  }
  if (COMPACT_JWS.test(trimmed)) {
    return standard === 'ob3' ? { ok: true, kind: 'ob3-jwt', jwt: trimmed } : { ok: true, kind: 'ob2', assertion: trimmed };
  }
  if (standard === 'ob2' && isHttpUrl(trimmed)) return { ok: true, kind: 'ob2', assertion: trimmed };
  return {
    ok: false,
    error:
      standard === 'ob3'
        ? 'The image carries Open Badges 3.0 data that is neither a JSON credential nor a signed token (JWT).'
        : 'The image carries Open Badges 2.0 data that is neither an assertion, a web address nor a signed token.',
  };
}

/** Checks a credential given to a bake function and returns the text to embed. Throws TypeError on misuse. */
export function credentialText(credential: unknown, standard: BakingStandard): string {
  if (typeof credential === 'string') {
    const trimmed = credential.trim();
    const ok = COMPACT_JWS.test(trimmed) || (standard === 'ob2' && isHttpUrl(trimmed));
    if (!ok) {
      throw new TypeError(
        standard === 'ob3'
          ? 'A credential given as text must be a compact JWT.'
          : 'An assertion given as text must be a compact JWS or an http(s) URL.',
      );
    }
    if (trimmed.length > MAX_CREDENTIAL_TEXT) throw new TypeError('The credential is too large to bake into an image.');
    return trimmed;
  }
  if (!isJsonObject(credential)) throw new TypeError('The credential must be a JSON object or a compact JWT string.');
  const json = JSON.stringify(credential);
  if (json.length > MAX_CREDENTIAL_TEXT) throw new TypeError('The credential is too large to bake into an image.');
  return json;
}
