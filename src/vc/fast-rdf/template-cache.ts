/**
 * A cache of RDF templates per document shape (see `createRdfTemplateCache`). The parts: `shape.ts`
 * describes a document, `admission.ts` decides what is taken on and keys it by digest, `learn.ts`
 * learns a template with jsonld.toRDF, `template.ts` fills one in, and `lru.ts` keeps it all under
 * a count and a byte bound.
 */
import { randomUUID } from 'node:crypto';
import jsonld from 'jsonld';
import { JSONLD_TO_RDF_OPTIONS } from '../jsonld.ts';
import type { DocumentLoader, JsonObject } from '../types.ts';
import {
  DEFAULT_MAX_STRUCTURE_LENGTH,
  fixedFor,
  isVerbatimIri,
  structureEntryBytes,
  structureKey,
  templateKey,
  type StructureEntry,
} from './admission.ts';
import { collectContextFacts, type ContextFacts } from './context-terms.ts';
import { learnTemplate, type Learner } from './learn.ts';
import { BoundedLru } from './lru.ts';
import type { Quad } from './quads.ts';
import { describeShape, isPlainObject, UnsupportedShapeError, type DocumentShape } from './shape.ts';
import { instantiate, templateBytes, type Template } from './template.ts';

export interface RdfTemplateCacheOptions {
  /** The loader jsonld.js uses for contexts (e.g. `createDocumentLoader()`); never a network loader by default. */
  documentLoader: DocumentLoader;
  /** How many document shapes (and how many templates) are kept, least recently used out first. */
  maxShapes?: number;
  /**
   * The most the cache holds, in bytes, by its own estimate (default 64 MiB): least recently used
   * entries go first, and a template or structure larger than a sixteenth of it is not kept (the
   * document it was made for is still served).
   */
  maxBytes?: number;
  /**
   * Documents whose structure (everything but the substitutable values: keys, array lengths, contexts,
   * types…) is longer than this many characters skip the cache entirely and go to the general
   * algorithm (default 64 KiB; an OB 3.0 credential's is a few KB).
   */
  maxStructureLength?: number;
  /**
   * A shape gets a template only from its n-th document on (default 1). A verifier facing documents
   * of many one-off shapes (hostile or not) pays no template cost for them: with 2, a shape seen once
   * costs one plain expansion, exactly as without the cache.
   */
  admitAfter?: number;
  /**
   * The general algorithm, used for templates and fallbacks (default: jsonld.toRDF with the options
   * of src/vc/jsonld.ts). Passing `toRdfQuads` there gives its typed errors.
   */
  general?: (document: JsonObject) => Promise<Quad[]>;
}

export interface RdfTemplateCacheStats {
  /** Documents served from a template that was already cached. */
  hits: number;
  /** Documents for which a template was built (one jsonld.toRDF run on the template). */
  misses: number;
  /** Documents handed to the general algorithm: the fast path could not vouch for them, or their structure is too long to cache. */
  fallbacks: number;
  /** Templates currently cached. */
  shapes: number;
  /** Bytes held (keys, structures, templates), by the cache's estimate; at most `maxBytes`. */
  bytes: number;
}

export interface RdfTemplateCache {
  /**
   * The RDF dataset of the document: the same set of quads as
   * `jsonld.toRDF(document, {documentLoader, safe: true})`, and the same errors.
   */
  toRdf(document: JsonObject): Promise<Quad[]>;
  stats(): RdfTemplateCacheStats;
}


// Each attempt fixes at least one more leaf or builds a template; real documents settle in two.
const MAX_ATTEMPTS = 6;
// A shape whose placeholders break jsonld twice while the real documents pass is left to jsonld.
const MAX_PLACEHOLDER_FAILURES = 2;
const DEFAULT_MAX_BYTES = 64 * 1024 * 1024;

type Kinds = { sighting: number; structure: StructureEntry; template: Template };

/**
 * A cache of RDF templates per document shape, so that issuing and verifying many credentials of
 * the same shape skips JSON-LD expansion. On the first document of a shape it runs jsonld.toRDF once
 * on a copy whose string values are unique placeholders, learns where each value lands in the quads,
 * and from then on fills the real values in. Anything it cannot vouch for goes to jsonld.toRDF.
 *
 * @example
 *   const rdf = createRdfTemplateCache({ documentLoader: createDocumentLoader() });
 *   const quads = await rdf.toRdf(credential);
 *   const canonical = await rdfCanonize.canonize(quads, { algorithm: 'RDFC-1.0' });
 */
export function createRdfTemplateCache(options: RdfTemplateCacheOptions): RdfTemplateCache {
  if (typeof options?.documentLoader !== 'function') {
    throw new TypeError('createRdfTemplateCache needs a documentLoader function.');
  }
  const { documentLoader, maxShapes = 256, admitAfter = 1 } = options;
  const { maxBytes = DEFAULT_MAX_BYTES, maxStructureLength = DEFAULT_MAX_STRUCTURE_LENGTH } = options;
  if (!Number.isInteger(maxShapes) || maxShapes < 1) {
    throw new TypeError('maxShapes must be a positive whole number.');
  }
  if (!Number.isInteger(admitAfter) || admitAfter < 1) {
    throw new TypeError('admitAfter must be a positive whole number.');
  }
  if (!Number.isInteger(maxBytes) || maxBytes < 1) {
    throw new TypeError('maxBytes must be a positive whole number.');
  }
  if (!Number.isInteger(maxStructureLength) || maxStructureLength < 1) {
    throw new TypeError('maxStructureLength must be a positive whole number.');
  }
  const store = new BoundedLru<Kinds>({ sighting: maxShapes * 4, structure: maxShapes, template: maxShapes }, maxBytes);
  // One entry may take at most a sixteenth of the bound, so no single document empties the cache.
  const maxEntryBytes = Math.floor(maxBytes / 16);
  // The nonce keeps placeholders from colliding with any real value (and from being guessed).
  const marker = `urn:x-fast-rdf-${randomUUID()}:`;
  const markerPattern = new RegExp(`${marker.replace(/[.*+?^${}()|[\]\\-]/g, '\\$&')}(\\d+)`, 'g');
  const counters = { hits: 0, misses: 0, fallbacks: 0 };
  let nextStructureId = 0;

  const general = options.general ?? (async (document: JsonObject): Promise<Quad[]> => {
    return (await jsonld.toRDF(document, JSONLD_TO_RDF_OPTIONS(documentLoader))) as Quad[];
  });
  const learner: Learner = { general, documentLoader, marker, markerPattern };

  async function fallback(document: JsonObject): Promise<Quad[]> {
    counters.fallbacks++;
    return general(document);
  }

  // Structures whose template is being built: concurrent documents of the same new shape wait for
  // the first one instead of each expanding in full and building its own copy (a thundering herd
  // when a server or a batch meets a new shape with many documents at once).
  const inFlight = new Map<string, Promise<void>>();

  /** The quads from a cached template, without waiting; undefined when the slow path is needed. */
  function tryTemplate(shape: DocumentShape, key: string): Quad[] | 'fallback' | undefined {
    const entry = store.get('structure', key);
    if (entry === undefined) return undefined;
    if (entry.unsupported) return 'fallback';
    const template = store.get('template', templateKey(entry, shape, fixedFor(entry, shape.leaves)));
    if (template === undefined) return undefined;
    for (const leaf of template.iriLeaves) {
      if (!isVerbatimIri(shape.leaves[leaf]!, entry.facts.terms)) return undefined;
    }
    const quads = instantiate(template, shape.leaves);
    if (quads === undefined) return 'fallback';
    counters.hits++;
    return quads;
  }

  async function toRdf(document: JsonObject): Promise<Quad[]> {
    if (!isPlainObject(document)) return fallback(document);
    let shape: DocumentShape;
    try {
      shape = describeShape(document);
    } catch (error) {
      if (error instanceof UnsupportedShapeError) return fallback(document);
      throw error;
    }
    // Too long to be a credential worth a template, and too long to remember even by digest cheaply:
    // the general algorithm takes it, and the cache keeps nothing of it.
    if (shape.structure.length > maxStructureLength) return fallback(document);
    const key = structureKey(shape);
    for (;;) {
      const ready = tryTemplate(shape, key);
      if (ready === 'fallback') return fallback(document);
      if (ready !== undefined) return ready;
      const pending = inFlight.get(key);
      if (pending === undefined) break;
      await pending;
    }
    let release!: () => void;
    inFlight.set(key, new Promise<void>((resolve) => (release = resolve)));
    try {
      return await slowPath(document, shape, key);
    } finally {
      inFlight.delete(key);
      release();
    }
  }

  /** Admits the shape, builds (or re-keys) its template and fills it; one caller per structure at a time. */
  async function slowPath(document: JsonObject, shape: DocumentShape, key: string): Promise<Quad[]> {
    let entry = store.get('structure', key);
    if (entry === undefined && admitAfter > 1) {
      const seen = (store.get('sighting', key) ?? 0) + 1;
      if (seen < admitAfter) {
        store.set('sighting', key, seen, 0);
        return fallback(document);
      }
    }
    if (entry === undefined) {
      let facts: ContextFacts;
      try {
        facts = await collectContextFacts(document, documentLoader);
      } catch {
        // jsonld will meet the same unloadable context and report it in its own words.
        return fallback(document);
      }
      entry = {
        id: nextStructureId++,
        facts,
        fixed: new Set(),
        iriLeaves: new Set(),
        // Nodes merged by id may clash over @index depending on the ids: not modelled here.
        unsupported: facts.usesIndex || shape.structure.includes('"@index"'),
        placeholderFailures: 0,
      };
      const bytes = structureEntryBytes(entry, shape.leaves.length);
      // Contexts with more terms than the bound allows are not worth a template.
      if (bytes > maxEntryBytes) return fallback(document);
      store.set('structure', key, entry, bytes);
    }
    if (entry.unsupported) return fallback(document);

    let built = false;
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const fixed = fixedFor(entry, shape.leaves);
      const tkey = templateKey(entry, shape, fixed);
      let template = store.get('template', tkey);
      if (template === undefined) {
        const outcome = await learnTemplate(learner, document, shape, fixed);
        if (outcome === 'error') {
          // The real document decides: its error is jsonld's own; if it passes, the placeholders were at fault.
          const quads = await fallback(document);
          entry.placeholderFailures++;
          if (entry.placeholderFailures >= MAX_PLACEHOLDER_FAILURES) entry.unsupported = true;
          return quads;
        }
        if ('refix' in outcome) {
          for (const leaf of outcome.refix) entry.fixed.add(leaf);
          continue;
        }
        template = outcome;
        const bytes = templateBytes(template);
        // Too large to keep (long fixed values, say): used for this document only. The structure
        // stays supported, so one such document cannot send others of its shape to jsonld.
        if (bytes <= maxEntryBytes) store.set('template', tkey, template, bytes);
        built = true;
      }
      let usable = true;
      for (const leaf of template.iriLeaves) {
        entry.iriLeaves.add(leaf);
        if (!isVerbatimIri(shape.leaves[leaf]!, entry.facts.terms)) usable = false;
      }
      if (usable) {
        const quads = instantiate(template, shape.leaves);
        if (quads === undefined) return fallback(document);
        if (built) counters.misses++;
        else counters.hits++;
        return quads;
      }
    }
    return fallback(document);
  }

  return {
    toRdf,
    stats: () => ({ ...counters, shapes: store.count('template'), bytes: store.bytes }),
  };
}
