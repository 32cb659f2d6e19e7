/**
 * A template: the quads jsonld.toRDF gave for a document whose values were placeholders, each
 * position either a constant term or the index of the leaf whose value goes there; and filling it
 * with a document's values (`instantiate`), which must give exactly what jsonld.toRDF gives.
 */
import type { Quad } from './quads.ts';

export const RDF_TYPE = 'http://www.w3.org/1999/02/22-rdf-syntax-ns#type';
// rdfDirection 'i18n-datatype': a text with a base direction gets a datatype under this namespace.
const I18N_DATATYPE = 'https://www.w3.org/ns/i18n#';

export type Slot =
  | { kind: 'const'; termType: 'NamedNode' | 'BlankNode' | 'DefaultGraph'; value: string }
  | { kind: 'const'; termType: 'Literal'; value: string; datatype: string; language: string | undefined }
  | { kind: 'iri'; termType: 'NamedNode'; leaf: number }
  | { kind: 'literal'; termType: 'Literal'; leaf: number; datatype: string; language: string | undefined };


export interface QuadTemplate {
  subject: Slot;
  predicate: Slot;
  object: Slot;
  graph: Slot;
}

export interface Template {
  quads: CompiledQuad[];
  /** Leaves that land in IRI positions: their real values must be IRIs jsonld keeps verbatim. */
  iriLeaves: number[];
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
export function collisionCandidates(quads: QuadTemplate[]): Uint8Array {
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

export interface CompiledQuad {
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
export interface ExpansionFacts {
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


/** The template's quads, compiled for filling; `mayCollide` and `facts` as found when learning it. */
export function compileTemplate(quads: QuadTemplate[], mayCollide: Uint8Array, facts: ExpansionFacts | undefined): CompiledQuad[] {
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
export function instantiate(template: Template, leaves: readonly string[]): Quad[] | undefined {
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

// Estimates of what V8 holds for a compiled quad (five small objects and a closure or two), and
// per character of a string held (two bytes, UTF-16, rounded up). Deliberately generous: the
// estimate is what bounds the cache, so it must not be below the truth by much.
const QUAD_BYTES = 480;
const PART_BYTES = 96;

/** What the template holds, in bytes, by the estimate that bounds the cache (see `BoundedLru`). */
export function templateBytes(template: Template): number {
  let bytes = template.iriLeaves.length * 8;
  for (const quad of template.quads) {
    bytes += QUAD_BYTES + (quad.sameValueAs?.length ?? 0) * 2;
    for (const part of [quad.subject, quad.predicate, quad.object, quad.graph]) {
      bytes += PART_BYTES;
      if (part.leaf < 0) {
        const { term, code } = part as { term: Term; code: string };
        // The term's value and the code that repeats it (constants of a fixed leaf may be long).
        bytes += (term.value.length + code.length) * 2;
        if (term.termType === 'Literal') bytes += (term.datatype.value.length + (term.language?.length ?? 0)) * 2;
      } else bytes += (part as { prefix: string }).prefix.length * 2;
    }
  }
  return bytes;
}
