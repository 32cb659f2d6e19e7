/**
 * One entry point for a file a user drops in: a baked PNG or SVG, a JSON credential or assertion,
 * a VC-JWT / OB 2.0 JWS, or a hosted OB 2.0 assertion URL.
 */
import { base64urlDecode } from '../multibase.ts';
import { extractFromPng, isPng } from './png.ts';
import { extractFromSvg } from './svg.ts';
import { COMPACT_JWS, MAX_CREDENTIAL_TEXT, type ExtractResult } from './types.ts';
import { isObject as isJsonObject } from '../json.ts';

export { bakePng, extractFromPng, unbakePng, OB2_PNG_KEYWORD, OB3_PNG_KEYWORD, type BakePngOptions } from './png.ts';
export { bakeSvg, extractFromSvg, unbakeSvg, OB2_SVG_NAMESPACE, OB3_SVG_NAMESPACE, type BakeSvgOptions } from './svg.ts';
export type { BakeableCredential, ExtractError, ExtractResult, ExtractedCredential } from './types.ts';

const MAX_TEXT_FILE = 8 * 1024 * 1024;

function contexts(document: Record<string, unknown>): string[] {
  const context = document['@context'];
  const list = Array.isArray(context) ? context : [context];
  return list.filter((item): item is string => typeof item === 'string');
}

function types(document: Record<string, unknown>): string[] {
  const type = document.type;
  const list = Array.isArray(type) ? type : [type];
  return list.filter((item): item is string => typeof item === 'string');
}

/** OB 2.0 documents use the openbadges/v2 (or v1) context, or the `Assertion` type without a VC type. */
function looksLikeOb2(document: Record<string, unknown>): boolean {
  if (contexts(document).some((c) => /^https?:\/\/w3id\.org\/openbadges(\/|#|$)/.test(c))) return true;
  const t = types(document);
  return t.includes('Assertion') && !t.includes('VerifiableCredential');
}

function classifyJws(jws: string): ExtractResult {
  const payloadPart = jws.split('.')[1] ?? '';
  const bytes = base64urlDecode(payloadPart);
  let payload: unknown;
  try {
    payload = bytes ? JSON.parse(new TextDecoder().decode(bytes)) : undefined;
  } catch {
    payload = undefined;
  }
  if (!isJsonObject(payload)) return { ok: false, error: 'The signed token does not carry a JSON credential.' };
  if (looksLikeOb2(payload)) return { ok: true, kind: 'ob2', assertion: jws };
  return { ok: true, kind: 'ob3-jwt', jwt: jws };
}

/**
 * Recognises what a file holds and reads the credential from it: PNG by its signature, SVG/XML text,
 * JSON (OB 3.0 credential or OB 2.0 assertion), a compact JWS (VC-JWT or OB 2.0 signed assertion), or an
 * http(s) URL (taken as a hosted OB 2.0 assertion). Returns `undefined` for an image without a credential
 * and `{ok: false, error}` for anything it cannot read. Never throws.
 */
export function detectAndExtract(bytes: Uint8Array): ExtractResult {
  if (!(bytes instanceof Uint8Array)) return { ok: false, error: 'The file must be given as bytes.' };
  if (isPng(bytes)) return extractFromPng(bytes);
  if (bytes.length > MAX_TEXT_FILE) return { ok: false, error: 'The file is larger than microcred accepts.' };
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return { ok: false, error: 'The file is neither a PNG image nor UTF-8 text, so microcred cannot read a credential from it.' };
  }
  const trimmed = text.replace(/^\uFEFF/, '').trim();
  if (trimmed.startsWith('<')) return extractFromSvg(text);
  if (trimmed.startsWith('{')) {
    if (trimmed.length > MAX_CREDENTIAL_TEXT) return { ok: false, error: 'The credential is larger than microcred accepts.' };
    let parsed: unknown;
    try {
      parsed = JSON.parse(trimmed);
    } catch {
      return { ok: false, error: 'The file looks like JSON but is not valid JSON.' };
    }
    if (!isJsonObject(parsed)) return { ok: false, error: 'The JSON file does not hold a credential object.' };
    return looksLikeOb2(parsed) ? { ok: true, kind: 'ob2', assertion: parsed } : { ok: true, kind: 'ob3', credential: parsed };
  }
  if (COMPACT_JWS.test(trimmed)) {
    if (trimmed.length > MAX_CREDENTIAL_TEXT) return { ok: false, error: 'The signed token is larger than microcred accepts.' };
    return classifyJws(trimmed);
  }
  if (/^https?:\/\/\S+$/i.test(trimmed) && trimmed.length <= 2048) {
    try {
      new URL(trimmed);
      return { ok: true, kind: 'ob2', assertion: trimmed };
    } catch {
      // fall through to the generic message
    }
  }
  return { ok: false, error: 'microcred does not recognise this file: it is not a baked PNG or SVG, a JSON credential, or a signed token.' };
}
