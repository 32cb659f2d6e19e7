/**
 * JSON-LD to RDF and RDF Dataset Canonicalization (RDFC-1.0), the two steps under every
 * `eddsa-rdfc-2022` and `Ed25519Signature2020` proof.
 *
 * The steps are kept apart on purpose: `toRdfQuads` (jsonld.js) is the slow part and may be replaced
 * by any producer of the same quads (see `QuadProducer`), while `canonizeQuads` stays the single
 * place where RDFC-1.0 runs.
 */
import jsonld from 'jsonld';
import rdfCanonize from 'rdf-canonize';
import type { DocumentLoader } from './types.ts';

import type { Quad } from './fast-rdf/quads.ts';

/** RDF terms and quads as jsonld.js produces them and rdf-canonize reads them. */
export type { Quad, RdfTerm } from './fast-rdf/quads.ts';

export interface ToQuadsOptions {
  document: unknown;
  documentLoader: DocumentLoader;
}

/**
 * Anything that turns a JSON-LD document into the dataset `toRdfQuads` would produce for it
 * (e.g. a template cache). It must fail the way `toRdfQuads` fails: with the errors below.
 */
export type QuadProducer = (options: ToQuadsOptions) => Promise<Quad[]>;

/** A JSON-LD processing failure. `code` is jsonld.js's code (e.g. `jsonld.SyntaxError`). */
export class JsonLdProcessingError extends Error {
  readonly code: string;
  constructor(message: string, code: string) {
    super(message);
    this.name = 'JsonLdProcessingError';
    this.code = code;
  }
}

/**
 * The document uses something JSON-LD would silently drop or leave relative (an undefined property
 * or type, a relative `id`…). Signing such a document would leave that data unprotected, so safe
 * mode refuses it. `terms` names every offending term found.
 */
export class JsonLdSafeModeError extends JsonLdProcessingError {
  readonly terms: string[];
  constructor(message: string, terms: string[]) {
    super(message, 'jsonld.ValidationError');
    this.name = 'JsonLdSafeModeError';
    this.terms = terms;
  }
}

/** A context (or other document) the credential refers to could not be loaded. */
export class JsonLdContextLoadError extends JsonLdProcessingError {
  readonly url: string | undefined;
  constructor(message: string, url: string | undefined) {
    super(message, 'jsonld.LoadDocumentError');
    this.name = 'JsonLdContextLoadError';
    this.url = url;
  }
}

// The conditions jsonld.js safe mode rejects (jsonld/lib/events.js `_notSafeEventCodes`), with the
// detail field that names the offending term.
const UNSAFE_EVENTS: Record<string, { field: string; describe: (term: string) => string }> = {
  'invalid property': { field: 'property', describe: (t) => `the property "${t}" is not defined by the document's @context` },
  'relative @type reference': { field: 'type', describe: (t) => `the type "${t}" is not defined by the document's @context` },
  'relative @id reference': { field: 'id', describe: (t) => `the identifier "${t}" is not an absolute URL` },
  'reserved @id value': { field: 'id', describe: (t) => `the identifier "${t}" looks like a JSON-LD keyword` },
  'reserved term': { field: 'term', describe: (t) => `the @context defines "${t}", which looks like a JSON-LD keyword` },
  'reserved @reverse value': { field: 'reverse', describe: (t) => `the @context maps a term to the reserved value "${t}"` },
  'relative @vocab reference': { field: 'vocab', describe: (t) => `the @context's @vocab "${t}" is not an absolute URL` },
  'invalid @language value': { field: 'language', describe: (t) => `"${t}" is not a valid language tag` },
  // jsonld.js reports this one before it knows the text, so the term named is the keyword itself.
  'rdfDirection not set': { field: '', describe: () => 'a text has a base direction (@direction), which this signature format does not protect' },
  'empty object': { field: 'value', describe: () => 'an empty object would be dropped' },
  'free-floating scalar': { field: 'value', describe: (t) => `the value "${t}" is not attached to any property` },
  'null @id value': { field: 'id', describe: () => 'an "id" is null' },
  'null @value value': { field: 'value', describe: () => 'a "@value" is null' },
  'object with only @id': { field: 'value', describe: () => 'an object with only an "id" would be dropped' },
  'object with only @language': { field: 'value', describe: () => 'an object with only "@language" would be dropped' },
  'object with only @list': { field: 'value', describe: () => 'an object with only "@list" would be dropped' },
  'object with only @value': { field: 'value', describe: () => 'an object with only "@value" would be dropped' },
  'blank node predicate': { field: 'predicate', describe: (t) => `the property "${t}" is not defined (it would be a blank node)` },
  'relative graph reference': { field: 'graph', describe: (t) => `the graph name "${t}" is not an absolute URL` },
  'relative object reference': { field: 'object', describe: (t) => `the value "${t}" is not an absolute URL` },
  'relative predicate reference': { field: 'predicate', describe: (t) => `the property "${t}" is not an absolute URL` },
  'relative subject reference': { field: 'subject', describe: (t) => `the identifier "${t}" is not an absolute URL` },
};

/** toRDF options shared by every producer of quads (the fast path must use exactly these). */
export const JSONLD_TO_RDF_OPTIONS = (documentLoader: ToQuadsOptions['documentLoader']) => ({
  documentLoader,
  safe: true,
  base: null,
  rdfDirection: 'i18n-datatype' as const,
  produceGeneralizedRdf: false,
});

interface JsonLdEventLike {
  code: string;
  details: Record<string, unknown>;
}

/**
 * The RDF dataset of a JSON-LD document, exactly as jsonld.js produces it (`toRDF`, safe mode,
 * no base IRI, `@direction` as i18n datatypes — the options the reference cryptosuites use, so
 * that text with a direction signs and verifies the same on both sides). Throws `JsonLdSafeModeError` naming the undefined terms,
 * `JsonLdContextLoadError` when a context cannot be loaded, `JsonLdProcessingError` otherwise.
 *
 * @example
 *   const quads = await toRdfQuads({ document: credential, documentLoader: createDocumentLoader() });
 */
export async function toRdfQuads(options: ToQuadsOptions): Promise<Quad[]> {
  const { document, documentLoader } = options;
  try {
    return (await jsonld.toRDF(document, JSONLD_TO_RDF_OPTIONS(documentLoader))) as Quad[];
  } catch (error) {
    throw await explainJsonLdError(error, options);
  }
}

/**
 * RDFC-1.0 canonical N-Quads of an already built dataset. The one place canonicalisation runs.
 * rdf-canonize's default work limit stays on: hostile "poison" graphs fail instead of spinning.
 */
export async function canonizeQuads(quads: readonly Quad[]): Promise<string> {
  return rdfCanonize.canonize(quads, { algorithm: 'RDFC-1.0' });
}

export interface CanonizeOptions extends ToQuadsOptions {
  /** Replaces `toRdfQuads` (e.g. with a template cache that yields the same dataset faster). */
  quads?: QuadProducer;
}

/**
 * RDFC-1.0 canonical N-Quads of a JSON-LD document (what Data Integrity hashes). Fails like
 * `toRdfQuads`.
 *
 * @example
 *   const nquads = await canonize({ document: credential, documentLoader });
 */
export async function canonize(options: CanonizeOptions): Promise<string> {
  const produce = options.quads ?? toRdfQuads;
  const quads = await produce({ document: options.document, documentLoader: options.documentLoader });
  return canonizeQuads(quads);
}

async function explainJsonLdError(error: unknown, options: ToQuadsOptions): Promise<Error> {
  const name = error instanceof Error ? error.name : '';
  const details = error instanceof Error ? (error as { details?: unknown }).details : undefined;
  if (name === 'jsonld.ValidationError' && isRecord(details) && isRecord(details.event)) {
    // Safe mode stops at the first problem; run once more, collecting, to name every term.
    const events = await collectUnsafeEvents(options);
    const first = toEvent(details.event);
    if (first && events.length === 0) events.push(first);
    return safeModeError(events);
  }
  if (isRecord(details) && (details.code === 'loading remote context failed' || details.code === 'loading document failed')) {
    const url = typeof details.url === 'string' ? details.url : undefined;
    const cause = details.cause instanceof Error ? ` ${details.cause.message}` : '';
    const what = url ? `The context ${JSON.stringify(url)}` : 'A context of the document';
    return new JsonLdContextLoadError(`${what} could not be loaded.${cause}`, url);
  }
  const message = error instanceof Error ? error.message : String(error);
  return new JsonLdProcessingError(`The document is not valid JSON-LD: ${message}`, name || 'jsonld.Error');
}

async function collectUnsafeEvents(options: ToQuadsOptions): Promise<JsonLdEventLike[]> {
  const events: JsonLdEventLike[] = [];
  try {
    await jsonld.toRDF(options.document, {
      documentLoader: options.documentLoader,
      base: null,
      eventHandler: ({ event, next }) => {
        if (event.level === 'warning' && event.code in UNSAFE_EVENTS) events.push(event);
        next();
      },
    });
  } catch {
    // The first (safe-mode) error is still reported; this pass only adds detail.
  }
  return events;
}

function toEvent(value: Record<string, unknown>): JsonLdEventLike | undefined {
  if (typeof value.code !== 'string') return undefined;
  return { code: value.code, details: isRecord(value.details) ? value.details : {} };
}

function safeModeError(events: JsonLdEventLike[]): JsonLdSafeModeError {
  const terms: string[] = [];
  const reasons: string[] = [];
  for (const event of events) {
    const known = UNSAFE_EVENTS[event.code];
    const raw = known ? event.details[known.field] : undefined;
    const term = event.code === 'rdfDirection not set' ? '@direction' : typeof raw === 'string' ? raw : event.code;
    if (terms.includes(term)) continue;
    terms.push(term);
    reasons.push(known ? known.describe(term) : `JSON-LD reports "${event.code}"`);
  }
  const shown = reasons.slice(0, 5).join('; ') + (reasons.length > 5 ? `; and ${reasons.length - 5} more` : '');
  return new JsonLdSafeModeError(
    `The document uses data that its JSON-LD context does not define, so a signature would not protect it: ${shown}.`,
    terms,
  );
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
