/**
 * Whether an Open Badges 2.0 document's `@context` means the OB v2 context. The plain URL is the usual
 * form; an issuer may also write the context out inline (an object) or mix the URL with objects, which is
 * valid JSON-LD. Such contexts are compared by JSON-LD processing, not by string: the document is expanded
 * with its own context and with the bundled OB v2 context, and every statement the OB v2 reading makes must
 * be made identically by the document's own reading (extra terms, as extensions add, are allowed).
 * Contexts are never fetched: only the bundled ones can be referred to by URL.
 */
import jsonld from 'jsonld';
import { createDocumentLoader } from '../document-loader.ts';
import { isObject } from '../json.ts';
import type { JsonObject } from '../types.ts';

export const OB2_CONTEXT_URL = 'https://w3id.org/openbadges/v2';

/** The context URLs read by string, as before JSON-LD processing: OB 2.0, and 1.1 documents the spec upgrades. */
const PLAIN_CONTEXT = /^https?:\/\/w3id\.org\/openbadges(\/v2|\/v1)?\/?$/;
const documentLoader = createDocumentLoader();
/** Nesting read when removing nested contexts; deeper documents are refused (an OB 2.0 document is shallow). */
const MAX_DEPTH = 32;
/** Expanded values compared at most; a real badge document has a few hundred. */
const MAX_NODES = 50_000;

export type ContextReading =
  /** The plain OB context URL (or only OB context URLs): read as OB 2.0 without JSON-LD processing. */
  | 'plain'
  /** No OB context URL alone: JSON-LD processing decides (`checkOb2Context`). */
  | 'process'
  /** Only other contexts given as URLs (an OB 3.0 credential, say): certainly not OB 2.0. */
  | 'foreign'
  /** No `@context` at all (OB 1.0 style): read as before. */
  | 'absent';

/** How a document's `@context` must be read. Synchronous: used by the parsers. */
export function contextReading(document: JsonObject): ContextReading {
  const context = document['@context'];
  if (context === undefined) return 'absent';
  const items = Array.isArray(context) ? context : [context];
  if (items.length > 0 && items.every((item) => typeof item === 'string' && PLAIN_CONTEXT.test(item))) return 'plain';
  if (items.length > 0 && items.every((item) => typeof item === 'string' && !PLAIN_CONTEXT.test(item))) return 'foreign';
  return 'process';
}

/**
 * Checks that the document's `@context` is, or expands as, the OB v2 context. Returns undefined when it
 * does, otherwise a sentence saying why not. Never throws.
 *
 * @example
 *   await checkOb2Context({ '@context': [OB2_CONTEXT_URL, { extra: 'https://example.org/extra' }], type: 'BadgeClass' }); // undefined
 */
export async function checkOb2Context(document: JsonObject, what = 'document'): Promise<string | undefined> {
  const reading = contextReading(document);
  if (reading === 'plain' || reading === 'absent') return undefined;
  const refused = `The ${what}'s @context is not the Open Badges 2.0 context`;
  if (reading === 'foreign') return `${refused} (${OB2_CONTEXT_URL}).`;
  const body = withoutNestedContexts(document, 0);
  if (body === undefined) return `${refused}: it is nested too deeply to be read.`;
  let own: unknown;
  let reference: unknown;
  try {
    own = await jsonld.expand(body as never, { documentLoader } as never);
    reference = await jsonld.expand({ ...(body as JsonObject), '@context': OB2_CONTEXT_URL } as never, { documentLoader } as never);
  } catch (error) {
    const url = (error as { details?: { url?: unknown } }).details?.url ?? (error as { url?: unknown }).url;
    if (typeof url === 'string') return `${refused}: it refers to ${url}, which is not a context microcred holds (contexts are not fetched).`;
    return `${refused}: it cannot be processed as JSON-LD.`;
  }
  const budget = { nodes: MAX_NODES };
  if (!covers(own, reference, budget)) {
    return `${refused}: read with it, the ${what}'s properties do not mean what Open Badges 2.0 defines.`;
  }
  return undefined;
}

/**
 * The document without `@context` below the top (extensions carry their own, which would be fetched): with
 * or without them the OB terms read the same, since the comparison only concerns the top-level context.
 */
function withoutNestedContexts(value: unknown, depth: number): unknown {
  if (depth > MAX_DEPTH) return undefined;
  if (Array.isArray(value)) {
    const out: unknown[] = [];
    for (const item of value) {
      const copy = withoutNestedContexts(item, depth + 1);
      if (copy === undefined && item !== undefined) return undefined;
      out.push(copy);
    }
    return out;
  }
  if (!isObject(value)) return value;
  const out: JsonObject = {};
  for (const [key, item] of Object.entries(value)) {
    if (key === '@context' && depth > 0) continue;
    if (key === '@context') {
      out[key] = item;
      continue;
    }
    const copy = withoutNestedContexts(item, depth + 1);
    if (copy === undefined && item !== undefined) return undefined;
    out[key] = copy;
  }
  return out;
}

/** True when `expected` (the OB v2 reading) is contained in `actual` (the document's own reading). */
function covers(actual: unknown, expected: unknown, budget: { nodes: number }): boolean {
  if (--budget.nodes < 0) return false;
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual) || actual.length !== expected.length) return false;
    return expected.every((item, index) => covers(actual[index], item, budget));
  }
  if (isObject(expected)) {
    if (!isObject(actual)) return false;
    return Object.entries(expected).every(([key, item]) => Object.hasOwn(actual, key) && covers(actual[key], item, budget));
  }
  return actual === expected;
}
