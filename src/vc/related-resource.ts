/**
 * VC 2.0 §5.3 "Integrity of Related Resources": the shape rules of `relatedResource`, the digests
 * (`digestSRI`, `digestMultibase`) checked against content microcred holds offline, and the contexts a
 * credential pins by digest (microcred's EU context, published at each instance's own URL).
 */
import { createHash } from 'node:crypto';
import { bundledContextBytes, CONTEXTS, EU_CONTEXT_BYTES, EU_CONTEXT_DIGEST_SRI, isBundledContextUrl, isEuContextUrlForm } from './contexts/index.ts';
import { asArray, isObject } from './json.ts';
import { multibaseDecode } from './multibase.ts';
import type { JsonObject } from './types.ts';

export interface RelatedResourceProblem {
  /** JSON Pointer into the credential. */
  path: string;
  message: string;
}

export interface RelatedResourceOptions {
  /**
   * Exact bytes of further resources the caller can read offline, by URL (e.g. an issuing instance's
   * own EU context URL). Bundled contexts are always known.
   */
  resource?: (url: string) => Uint8Array | undefined;
}

type Algorithm = 'sha256' | 'sha384' | 'sha512';
const STRENGTH: Record<Algorithm, number> = { sha256: 1, sha384: 2, sha512: 3 };
// Multihash codes (multicodec table): sha2-256, sha2-512, sha2-384.
const MULTIHASH: Record<number, { algorithm: Algorithm; length: number }> = {
  0x12: { algorithm: 'sha256', length: 32 },
  0x13: { algorithm: 'sha512', length: 64 },
  0x20: { algorithm: 'sha384', length: 48 },
};
const SRI_TOKEN = /^(sha256|sha384|sha512)-([A-Za-z0-9+/]+={0,2})(\?\S*)?$/;

/** The parsed SRI metadata (W3C Subresource Integrity §3.5), or a reason it is malformed. */
function parseSri(value: string): { algorithm: Algorithm; digest: string }[] | string {
  const tokens = value.trim().split(/\s+/).filter((token) => token !== '');
  if (tokens.length === 0) return 'is empty';
  const parsed: { algorithm: Algorithm; digest: string }[] = [];
  for (const token of tokens) {
    const match = SRI_TOKEN.exec(token);
    if (!match) return `has "${token.slice(0, 40)}", not sha256-, sha384- or sha512- followed by a base64 digest`;
    const algorithm = match[1] as Algorithm;
    const length = Buffer.from(match[2]!, 'base64').length;
    if (length !== { sha256: 32, sha384: 48, sha512: 64 }[algorithm]) return `has a ${algorithm} digest of ${length} bytes`;
    parsed.push({ algorithm, digest: match[2]! });
  }
  return parsed;
}

/** The parsed multibase multihash (VC Data Integrity §2.6), or a reason it is malformed. */
function parseMultibase(value: string): { algorithm: Algorithm; digest: Uint8Array } | string {
  const bytes = multibaseDecode(value);
  if (!bytes) return 'is not multibase (base58btc "z…" or base64url "u…")';
  const code = MULTIHASH[bytes[0] ?? -1];
  if (!code) return 'is not a sha2-256, sha2-384 or sha2-512 multihash';
  if (bytes[1] !== code.length || bytes.length !== code.length + 2) return `is not a well-formed ${code.algorithm} multihash`;
  return { algorithm: code.algorithm, digest: bytes.subarray(2) };
}

const digestCache = new Map<string, string>();
/** base64 digest of bytes; bundled contexts' digests are kept (a fixed, small set). */
function digestOf(algorithm: Algorithm, bytes: Uint8Array, cacheKey?: string): string {
  const key = cacheKey === undefined ? undefined : `${algorithm} ${cacheKey}`;
  const known = key === undefined ? undefined : digestCache.get(key);
  if (known !== undefined) return known;
  const digest = createHash(algorithm).update(bytes).digest('base64');
  if (key !== undefined) digestCache.set(key, digest);
  return digest;
}

/**
 * Whether every digest an entry gives matches the bytes: SRI by its strongest algorithm (any of that
 * algorithm's digests, SRI §3.3.4), multibase exactly. False when a digest is malformed or absent.
 */
export function digestsMatch(entry: JsonObject, bytes: Uint8Array, cacheKey?: string): boolean {
  const { digestSRI, digestMultibase } = entry;
  if (digestSRI === undefined && digestMultibase === undefined) return false;
  if (digestSRI !== undefined) {
    if (typeof digestSRI !== 'string') return false;
    const parsed = parseSri(digestSRI);
    if (typeof parsed === 'string') return false;
    const strongest = Math.max(...parsed.map((p) => STRENGTH[p.algorithm]));
    const candidates = parsed.filter((p) => STRENGTH[p.algorithm] === strongest);
    if (!candidates.some((p) => p.digest.replace(/=+$/, '') === digestOf(p.algorithm, bytes, cacheKey).replace(/=+$/, ''))) return false;
  }
  if (digestMultibase !== undefined) {
    if (typeof digestMultibase !== 'string') return false;
    const parsed = parseMultibase(digestMultibase);
    if (typeof parsed === 'string') return false;
    if (Buffer.from(parsed.digest).toString('base64') !== digestOf(parsed.algorithm, bytes, cacheKey)) return false;
  }
  return true;
}

function isEuPin(entry: JsonObject): boolean {
  // The common case, microcred's own output, without hashing anything.
  if (entry.digestSRI === EU_CONTEXT_DIGEST_SRI && entry.digestMultibase === undefined) return true;
  return digestsMatch(entry, EU_CONTEXT_BYTES, CONTEXTS.MICROCRED_EU_V1);
}

function isUrl(value: unknown): value is string {
  return typeof value === 'string' && /^[a-z][a-z0-9+.-]*:\S+$/i.test(value) && URL.canParse(value);
}

/**
 * The rules of VC 2.0 §5.3 on a credential's `relatedResource`: one object or a non-empty list of
 * objects, each with a URL `id` used once, and a `digestSRI` or `digestMultibase` that is well-formed;
 * where microcred can read the resource offline (every bundled context, the EU context wherever a
 * credential names it, the caller's `resource`), the digest must match its exact bytes.
 *
 * @example
 *   relatedResourceProblems({ relatedResource: [{ id: 'https://www.w3.org/ns/credentials/v2', digestSRI: 'sha384-…' }] })
 */
export function relatedResourceProblems(credential: JsonObject, options: RelatedResourceOptions = {}): RelatedResourceProblem[] {
  const value = credential.relatedResource;
  if (value === undefined) return [];
  const problems: RelatedResourceProblem[] = [];
  if (Array.isArray(value) && value.length === 0) return [{ path: '/relatedResource', message: 'relatedResource must not be an empty list (VC 2.0 §5.3).' }];
  const items = Array.isArray(value) ? value.map((item, i) => [item, `/relatedResource/${i}`] as const) : [[value, '/relatedResource'] as const];
  const seen = new Map<string, string>();
  const contexts = new Set(asArray(credential['@context']).filter((c): c is string => typeof c === 'string'));
  for (const [item, at] of items) {
    if (!isObject(item)) {
      problems.push({ path: at, message: 'Each relatedResource must be an object (VC 2.0 §5.3).' });
      continue;
    }
    const id = item.id;
    if (!isUrl(id)) problems.push({ path: `${at}/id`, message: 'A relatedResource must have an id that is a URL (VC 2.0 §5.3).' });
    else if (seen.has(id)) problems.push({ path: `${at}/id`, message: `The relatedResource ${id} is listed twice (also at ${seen.get(id)}); each id may appear once (VC 2.0 §5.3).` });
    else seen.set(id, at);
    if (item.digestSRI === undefined && item.digestMultibase === undefined) {
      problems.push({ path: at, message: 'A relatedResource must have a digestSRI or a digestMultibase (VC 2.0 §5.3).' });
      continue;
    }
    let wellFormed = true;
    if (item.digestSRI !== undefined) {
      const parsed = typeof item.digestSRI === 'string' ? parseSri(item.digestSRI) : 'is not a string';
      if (typeof parsed === 'string') {
        wellFormed = false;
        problems.push({ path: `${at}/digestSRI`, message: `The digestSRI ${parsed} (VC 2.0 §5.3, Subresource Integrity).` });
      }
    }
    if (item.digestMultibase !== undefined) {
      const parsed = typeof item.digestMultibase === 'string' ? parseMultibase(item.digestMultibase) : 'is not a string';
      if (typeof parsed === 'string') {
        wellFormed = false;
        problems.push({ path: `${at}/digestMultibase`, message: `The digestMultibase ${parsed} (VC 2.0 §5.3, VC Data Integrity §2.6).` });
      }
    }
    if (!wellFormed || !isUrl(id)) continue;
    const bundled = bundledContextBytes(id);
    const bytes = bundled ?? options.resource?.(id);
    if (bytes !== undefined) {
      if (!digestsMatch(item, bytes, bundled ? id : undefined)) {
        problems.push({ path: at, message: `The digest of ${id} does not match the resource: microcred holds its exact content, and its digest differs (VC 2.0 §5.3).` });
      }
    } else if (contexts.has(id) && isEuContextUrlForm(id) && !isBundledContextUrl(id) && !isEuPin(item)) {
      problems.push({ path: at, message: `The digest of ${id} does not match microcred's EU micro-credential context, so the context it names is unknown (VC 2.0 §5.3).` });
    }
  }
  return problems;
}

/**
 * The contexts a document names at a URL other than their bundled one and pins with a matching
 * relatedResource digest: microcred's EU context as published by any instance
 * (`https://host/contexts/eu/v1`), mapped to the bundled URL it is read from. Looks at the document
 * and at the credentials a presentation embeds. A URL of that form without a matching digest is not
 * recognised (the offline loader then refuses it as unknown).
 */
export function pinnedContexts(document: unknown): ReadonlyMap<string, string> {
  const pins = new Map<string, string>();
  if (!isObject(document)) return pins;
  const holders: unknown[] = [document, ...asArray(document.verifiableCredential)];
  for (const holder of holders) {
    if (!isObject(holder) || holder.relatedResource === undefined) continue;
    for (const url of asArray(holder['@context'])) {
      if (typeof url !== 'string' || pins.has(url) || !isEuContextUrlForm(url) || isBundledContextUrl(url)) continue;
      const pinned = asArray(holder.relatedResource).some((entry) => isObject(entry) && entry.id === url && isEuPin(entry));
      if (pinned) pins.set(url, CONTEXTS.MICROCRED_EU_V1);
    }
  }
  return pins;
}
