import { randomUUID } from 'node:crypto';
import jsonld from 'jsonld';
import { JSONLD_TO_RDF_OPTIONS } from '../jsonld.ts';
import type { DocumentLoader, JsonObject } from '../types.ts';
import { collectContextFacts, type ContextFacts } from './context-terms.ts';
import { isAbsoluteIri, type Quad } from './quads.ts';
import { describeShape, UnsupportedShapeError, withLeaves, type DocumentShape } from './shape.ts';

export interface RdfTemplateCacheOptions {
  /** The loader jsonld.js uses for contexts (e.g. `createDocumentLoader()`); never a network loader by default. */
  documentLoader: DocumentLoader;
  /** How many document shapes (and how many templates) are kept, least recently used out first. */
  maxShapes?: number;
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
  /** Documents handed to jsonld.toRDF because the fast path could not vouch for them. */
  fallbacks: number;
  /** Templates currently cached. */
  shapes: number;
}

export interface RdfTemplateCache {
  /**
   * The RDF dataset of the document: the same set of quads as
   * `jsonld.toRDF(document, {documentLoader, safe: true})`, and the same errors.
   */
  toRdf(document: JsonObject): Promise<Quad[]>;
  stats(): RdfTemplateCacheStats;
}

const RDF_TYPE = 'http://www.w3.org/1999/02/22-rdf-syntax-ns#type';
// rdfDirection 'i18n-datatype': a text with a base direction gets a datatype under this namespace.
const I18N_DATATYPE = 'https://www.w3.org/ns/i18n#';
// Each attempt fixes at least one more leaf or builds a template; real documents settle in two.
const MAX_ATTEMPTS = 6;
// A shape whose placeholders break jsonld twice while the real documents pass is left to jsonld.
const MAX_PLACEHOLDER_FAILURES = 2;

type Slot =
  | { kind: 'const'; termType: 'NamedNode' | 'BlankNode' | 'DefaultGraph'; value: string }
  | { kind: 'const'; termType: 'Literal'; value: string; datatype: string; language: string | undefined }
  | { kind: 'iri'; termType: 'NamedNode'; leaf: number }
  | { kind: 'literal'; termType: 'Literal'; leaf: number; datatype: string; language: string | undefined };

interface QuadTemplate {
  subject: Slot;
  predicate: Slot;
  object: Slot;
  graph: Slot;
}

interface Template {
  quads: CompiledQuad[];
  /** Leaves that land in IRI positions: their real values must be IRIs jsonld keeps verbatim. */
  iriLeaves: number[];
}

interface StructureEntry {
  /** Short stand-in for the (long) structure string in template keys. */
  id: number;
  facts: ContextFacts;
  /** Leaves whose real values belong in the key (the template cannot substitute them). */
  fixed: Set<number>;
  /** Leaves seen in IRI positions: fixed for a document whose value there is not a plain absolute IRI. */
  iriLeaves: Set<number>;
  unsupported: boolean;
  placeholderFailures: number;
}

/**
 * Least-recently-used map. A hit only stamps the entry (no re-insertion, so long keys are not
 * re-hashed); the scan for the oldest runs only when an insertion overflows the bound.
 */
class Lru<V> {
  readonly #max: number;
  readonly #map = new Map<string, { value: V; used: number }>();
  #clock = 0;
  constructor(max: number) {
    this.#max = max;
  }
  get size(): number {
    return this.#map.size;
  }
  get(key: string): V | undefined {
    const slot = this.#map.get(key);
    if (slot === undefined) return undefined;
    slot.used = ++this.#clock;
    return slot.value;
  }
  set(key: string, value: V): void {
    this.#map.set(key, { value, used: ++this.#clock });
    if (this.#map.size <= this.#max) return;
    let oldestKey: string | undefined;
    let oldest = Infinity;
    for (const [k, slot] of this.#map) {
      if (slot.used < oldest) {
        oldest = slot.used;
        oldestKey = k;
      }
    }
    if (oldestKey !== undefined) this.#map.delete(oldestKey);
  }
}

function isPlainObject(value: unknown): value is JsonObject {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/**
 * True when jsonld would write the value, in an @id or @vocab position, verbatim as an IRI: it is
 * absolute, not a blank node label, not a term, and its scheme is not a prefix (JSON-LD 1.1 §5.2 IRI
 * expansion). The term set spans all contexts in play, so this may say no where jsonld would agree.
 */
function isVerbatimIri(value: string, terms: ReadonlySet<string>): boolean {
  if (!isAbsoluteIri(value)) return false;
  const prefix = value.slice(0, value.indexOf(':'));
  return prefix !== '_' && !terms.has(prefix) && !terms.has(value);
}

function hasLeaf(quad: QuadTemplate): boolean {
  return quad.subject.kind !== 'const' || quad.object.kind !== 'const' || quad.graph.kind !== 'const';
}

function flagGroups(groups: Iterable<number[]>, quads: QuadTemplate[], flags: Uint8Array): void {
  for (const group of groups) {
    if (group.length > 1 && group.some((i) => hasLeaf(quads[i]!))) for (const i of group) flags[i] = 1;
  }
}

/**
 * Quads that may coincide once leaves carry equal values: same predicate and, unless a subject is a
 * leaf, same subject. Conservative and linear (a hostile document must not make this quadratic);
 * `instantiate` then compares the flagged quads by value.
 */
function collisionCandidates(quads: QuadTemplate[]): Uint8Array {
  const flags = new Uint8Array(quads.length);
  const byPredicate = new Map<string, number[]>();
  quads.forEach((quad, i) => {
    const key = quad.predicate.kind === 'const' ? quad.predicate.value : '';
    const group = byPredicate.get(key);
    if (group) group.push(i);
    else byPredicate.set(key, [i]);
  });
  for (const group of byPredicate.values()) {
    if (group.length < 2) continue;
    if (group.some((i) => quads[i]!.subject.kind !== 'const')) {
      flagGroups([group], quads, flags);
      continue;
    }
    const bySubject = new Map<string, number[]>();
    for (const i of group) {
      const subject = quads[i]!.subject;
      const key = subject.kind === 'const' ? `${subject.termType}|${subject.value}` : '';
      const sub = bySubject.get(key);
      if (sub) sub.push(i);
      else bySubject.set(key, [i]);
    }
    flagGroups(bySubject.values(), quads, flags);
  }
  return flags;
}

type Term = Quad[keyof Quad];

/**
 * One position of a quad, ready to be filled: a shared constant term, or a builder for a leaf value.
 * `code` / `prefix` encode the term for duplicate detection (length-prefixed, so no value can forge one).
 */
type Part = { leaf: -1; term: Term; code: string } | { leaf: number; build: (value: string) => Term; prefix: string };

interface CompiledQuad {
  subject: Part;
  predicate: Part;
  object: Part;
  graph: Part;
  mayCollide: boolean;
  /** No leaf at all: two such quads are jsonld's own output and are kept as jsonld gave them. */
  constant: boolean;
  /**
   * What jsonld compares when it drops a repeated value (jsonld/lib/util.js `compareValues`): two
   * quads that coincide are one only if their objects were the same JSON-LD value, not just the same
   * RDF term (`5` and `"5"` typed xsd:integer stay two quads). Undefined: not known, so a coincidence
   * sends the document to the general algorithm.
   */
  sameValueAs: string | undefined;
  /** The object is a literal with a base direction, which jsonld ignores when comparing values. */
  directional: boolean;
}

/** What the expanded template tells about its values (see `CompiledQuad.sameValueAs`). */
interface ExpansionFacts {
  /** Leaf → its expanded value's `@type` and `@language` (absent and xsd:string differ there). */
  literals: Map<number, string>;
  /** Some node has an explicit rdf:type property, which jsonld keeps apart from its @type values. */
  explicitRdfType: boolean;
}

function typePrefix(termType: string, datatype?: string, language?: string): string {
  if (termType !== 'Literal') return `${termType[0]}|`;
  return `L${datatype!.length}:${datatype}${language === undefined ? '-' : `${language.length}:${language}`}|`;
}

function compilePart(slot: Slot): Part {
  if (slot.kind === 'const') {
    let term: Term;
    if (slot.termType === 'Literal') {
      const datatype = Object.freeze({ termType: 'NamedNode' as const, value: slot.datatype });
      term = slot.language === undefined
        ? { termType: 'Literal', value: slot.value, datatype }
        : { termType: 'Literal', value: slot.value, datatype, language: slot.language };
    } else {
      term = { termType: slot.termType, value: slot.value } as Term;
    }
    // Shared by every quad the template returns: frozen so a caller cannot change the next result.
    Object.freeze(term);
    const prefix = slot.termType === 'Literal' ? typePrefix('Literal', slot.datatype, slot.language) : typePrefix(slot.termType);
    return { leaf: -1, term, code: `${prefix}${slot.value.length}:${slot.value}` };
  }
  if (slot.kind === 'iri') {
    return { leaf: slot.leaf, build: (value) => ({ termType: 'NamedNode', value }), prefix: typePrefix('NamedNode') };
  }
  const datatype = Object.freeze({ termType: 'NamedNode' as const, value: slot.datatype });
  const { language } = slot;
  return {
    leaf: slot.leaf,
    build: language === undefined
      ? (value) => ({ termType: 'Literal', value, datatype })
      : (value) => ({ termType: 'Literal', value, datatype, language }),
    prefix: typePrefix('Literal', slot.datatype, language),
  };
}

function sameValueAs(quad: QuadTemplate, facts: ExpansionFacts | undefined): string | undefined {
  const { object } = quad;
  if (object.kind === 'literal') {
    const origin = facts?.literals.get(object.leaf);
    return origin === undefined ? undefined : `literal ${origin}`;
  }
  // A constant literal may be a native number or boolean, or a string typed alike: not known here.
  if (object.kind === 'const' && object.termType === 'Literal') return undefined;
  // Node references are compared by @id; rdf:type objects also come from @type, kept apart from them.
  const isType = quad.predicate.kind === 'const' && quad.predicate.value === RDF_TYPE;
  return isType && (facts === undefined || facts.explicitRdfType) ? undefined : 'node';
}

function isDirectional(slot: Slot): boolean {
  return (slot.kind === 'literal' || (slot.kind === 'const' && slot.termType === 'Literal')) && slot.datatype.startsWith(I18N_DATATYPE);
}

function compile(quads: QuadTemplate[], mayCollide: Uint8Array, facts: ExpansionFacts | undefined): CompiledQuad[] {
  return quads.map((quad, i) => ({
    subject: compilePart(quad.subject),
    predicate: compilePart(quad.predicate),
    object: compilePart(quad.object),
    graph: compilePart(quad.graph),
    mayCollide: mayCollide[i] === 1,
    constant: !hasLeaf(quad),
    sameValueAs: sameValueAs(quad, facts),
    directional: isDirectional(quad.object),
  }));
}

function fill(part: Part, leaves: readonly string[]): Term {
  return part.leaf < 0 ? (part as { term: Term }).term : (part as { build: (value: string) => Term }).build(leaves[part.leaf]!);
}

function code(part: Part, leaves: readonly string[]): string {
  if (part.leaf < 0) return (part as { code: string }).code;
  const value = leaves[part.leaf]!;
  return `${(part as { prefix: string }).prefix}${value.length}:${value}`;
}

function literalText(part: Part, leaves: readonly string[]): string | undefined {
  if (part.leaf >= 0) return leaves[part.leaf]!;
  const { term } = part as { term: Term };
  return term.termType === 'Literal' ? term.value : undefined;
}

/**
 * The template's quads filled with the leaves, or undefined when equal values in two leaves make
 * quads coincide in a way the template cannot settle (the general algorithm then decides).
 */
function instantiate(template: Template, leaves: readonly string[]): Quad[] | undefined {
  const out: Quad[] = [];
  let seen: Map<string, CompiledQuad> | undefined;
  let seenText: Map<string, CompiledQuad> | undefined;
  for (const quad of template.quads) {
    if (quad.mayCollide) {
      // Equal values in two leaves can make two template quads one, as jsonld drops repeated values.
      const place = code(quad.subject, leaves) + code(quad.predicate, leaves) + code(quad.graph, leaves);
      const key = place + code(quad.object, leaves);
      seen ??= new Map();
      const earlier = seen.get(key);
      if (earlier !== undefined) {
        if (!(earlier.constant && quad.constant)) {
          if (quad.sameValueAs === undefined || quad.sameValueAs !== earlier.sameValueAs) return undefined;
          continue;
        }
      } else {
        seen.set(key, quad);
        const text = literalText(quad.object, leaves);
        if (text !== undefined) {
          // jsonld compares texts without their @direction: "x" (rtl) and "x" may be one quad, either one.
          const textKey = `${place}${text.length}:${text}`;
          seenText ??= new Map();
          const other = seenText.get(textKey);
          if (other === undefined) seenText.set(textKey, quad);
          else if (!(other.constant && quad.constant) && (other.directional || quad.directional)) return undefined;
        }
      }
    }
    out.push({
      subject: fill(quad.subject, leaves),
      predicate: fill(quad.predicate, leaves),
      object: fill(quad.object, leaves),
      graph: fill(quad.graph, leaves),
    } as Quad);
  }
  return out;
}

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
  if (!Number.isInteger(maxShapes) || maxShapes < 1) {
    throw new TypeError('maxShapes must be a positive whole number.');
  }
  if (!Number.isInteger(admitAfter) || admitAfter < 1) {
    throw new TypeError('admitAfter must be a positive whole number.');
  }
  const sightings = new Lru<number>(maxShapes * 4);
  const structures = new Lru<StructureEntry>(maxShapes);
  const templates = new Lru<Template>(maxShapes);
  // The nonce keeps placeholders from colliding with any real value (and from being guessed).
  const marker = `urn:x-fast-rdf-${randomUUID()}:`;
  const markerPattern = new RegExp(`${marker.replace(/[.*+?^${}()|[\]\\-]/g, '\\$&')}(\\d+)`, 'g');
  const counters = { hits: 0, misses: 0, fallbacks: 0 };
  let nextStructureId = 0;

  const general = options.general ?? (async (document: JsonObject): Promise<Quad[]> => {
    return (await jsonld.toRDF(document, JSONLD_TO_RDF_OPTIONS(documentLoader))) as Quad[];
  });

  async function fallback(document: JsonObject): Promise<Quad[]> {
    counters.fallbacks++;
    return general(document);
  }

  /** Builds the template for the document with the given leaves fixed; or lists more leaves to fix. */
  async function buildTemplate(
    document: JsonObject,
    shape: DocumentShape,
    fixed: ReadonlySet<number>,
  ): Promise<Template | { refix: number[] } | 'error'> {
    const placeholders = new Map<string, number>();
    const templateDocument = withLeaves(document, (i) => {
      if (fixed.has(i)) return shape.leaves[i]!;
      const placeholder = `${marker}${i}`;
      placeholders.set(placeholder, i);
      return placeholder;
    });
    let quads: Quad[];
    try {
      quads = await general(templateDocument);
    } catch {
      return 'error';
    }

    const seenAs = new Map<number, 'iri' | 'literal'>();
    const unusable = new Set<number>();
    const markUnusable = (text: string | undefined): void => {
      if (text === undefined || !text.includes(marker)) return;
      for (const match of text.matchAll(markerPattern)) unusable.add(Number(match[1]));
    };
    const iriSlot = (t: Quad[keyof Quad], asTypeObject = false): Slot => {
      const leaf = t.termType === 'NamedNode' ? placeholders.get(t.value) : undefined;
      if (leaf !== undefined && !asTypeObject) {
        seenAs.set(leaf, 'iri');
        return { kind: 'iri', termType: 'NamedNode', leaf };
      }
      markUnusable(t.value);
      if (t.termType === 'Literal') {
        markUnusable(t.datatype.value);
        markUnusable(t.language);
        return { kind: 'const', termType: 'Literal', value: t.value, datatype: t.datatype.value, language: t.language };
      }
      return { kind: 'const', termType: t.termType, value: t.value };
    };

    const slots: QuadTemplate[] = quads.map((quad) => {
      let object: Slot;
      const literalLeaf = quad.object.termType === 'Literal' ? placeholders.get(quad.object.value) : undefined;
      if (quad.object.termType === 'Literal' && literalLeaf !== undefined) {
        markUnusable(quad.object.datatype.value);
        markUnusable(quad.object.language);
        if (seenAs.get(literalLeaf) !== 'iri') seenAs.set(literalLeaf, 'literal');
        object = { kind: 'literal', termType: 'Literal', leaf: literalLeaf, datatype: quad.object.datatype.value, language: quad.object.language };
      } else {
        // A value that becomes a class is read as a type, whatever key it came under: keep it whole.
        object = iriSlot(quad.object, quad.predicate.value === RDF_TYPE);
      }
      markUnusable(quad.predicate.value);
      return { subject: iriSlot(quad.subject), predicate: iriSlot(quad.predicate, true), object, graph: iriSlot(quad.graph) };
    });

    const refix: number[] = [];
    for (const leaf of placeholders.values()) {
      // A value jsonld changed, dropped or used as a type cannot be substituted.
      if (unusable.has(leaf) || !seenAs.has(leaf)) refix.push(leaf);
    }
    if (refix.length > 0) return { refix };

    const iriLeaves = [...seenAs].filter(([, kind]) => kind === 'iri').map(([leaf]) => leaf);
    const mayCollide = collisionCandidates(slots);
    const facts = mayCollide.includes(1) ? await expansionFacts(templateDocument, placeholders) : undefined;
    return { quads: compile(slots, mayCollide, facts), iriLeaves };
  }

  /** How jsonld would compare the template's values; undefined if expansion fails (then nothing merges). */
  async function expansionFacts(document: JsonObject, placeholders: ReadonlyMap<string, number>): Promise<ExpansionFacts | undefined> {
    let expanded: unknown;
    try {
      expanded = await jsonld.expand(document, { documentLoader, safe: true, base: null });
    } catch {
      return undefined;
    }
    const facts: ExpansionFacts = { literals: new Map(), explicitRdfType: false };
    const visit = (value: unknown): void => {
      if (Array.isArray(value)) {
        for (const item of value) visit(item);
        return;
      }
      if (!isPlainObject(value)) return;
      if ('@value' in value) {
        const leaf = typeof value['@value'] === 'string' ? placeholders.get(value['@value']) : undefined;
        if (leaf !== undefined) facts.literals.set(leaf, JSON.stringify([value['@type'] ?? null, value['@language'] ?? null]));
        return;
      }
      for (const [key, child] of Object.entries(value)) {
        if (key === RDF_TYPE) facts.explicitRdfType = true;
        visit(child);
      }
    };
    visit(expanded);
    return facts;
  }

  function fixedFor(entry: StructureEntry, leaves: readonly string[]): Set<number> {
    const fixed = new Set(entry.fixed);
    for (const leaf of entry.iriLeaves) {
      if (!isVerbatimIri(leaves[leaf]!, entry.facts.terms)) fixed.add(leaf);
    }
    return fixed;
  }

  function keyFor(entry: StructureEntry, shape: DocumentShape, fixed: ReadonlySet<number>): string {
    let key = String(entry.id);
    for (const leaf of [...fixed].sort((a, b) => a - b)) key += `\u0001${leaf}=${JSON.stringify(shape.leaves[leaf])}`;
    return key;
  }

  // Structures whose template is being built: concurrent documents of the same new shape wait for
  // the first one instead of each expanding in full and building its own copy (a thundering herd
  // when a server or a batch meets a new shape with many documents at once).
  const inFlight = new Map<string, Promise<void>>();

  /** The quads from a cached template, without waiting; undefined when the slow path is needed. */
  function tryTemplate(shape: DocumentShape): Quad[] | 'fallback' | undefined {
    const entry = structures.get(shape.structure);
    if (entry === undefined) return undefined;
    if (entry.unsupported) return 'fallback';
    const template = templates.get(keyFor(entry, shape, fixedFor(entry, shape.leaves)));
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
    for (;;) {
      const ready = tryTemplate(shape);
      if (ready === 'fallback') return fallback(document);
      if (ready !== undefined) return ready;
      const pending = inFlight.get(shape.structure);
      if (pending === undefined) break;
      await pending;
    }
    let release!: () => void;
    inFlight.set(shape.structure, new Promise<void>((resolve) => (release = resolve)));
    try {
      return await slowPath(document, shape);
    } finally {
      inFlight.delete(shape.structure);
      release();
    }
  }

  /** Admits the shape, builds (or re-keys) its template and fills it; one caller per structure at a time. */
  async function slowPath(document: JsonObject, shape: DocumentShape): Promise<Quad[]> {
    let entry = structures.get(shape.structure);
    if (entry === undefined && admitAfter > 1) {
      const seen = (sightings.get(shape.structure) ?? 0) + 1;
      if (seen < admitAfter) {
        sightings.set(shape.structure, seen);
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
      structures.set(shape.structure, entry);
    }
    if (entry.unsupported) return fallback(document);

    let built = false;
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const fixed = fixedFor(entry, shape.leaves);
      const key = keyFor(entry, shape, fixed);
      let template = templates.get(key);
      if (template === undefined) {
        const outcome = await buildTemplate(document, shape, fixed);
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
        templates.set(key, template);
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
    stats: () => ({ ...counters, shapes: templates.size }),
  };
}
