/**
 * Learning a template: jsonld.toRDF runs once on a copy of the document whose substitutable values
 * (leaves) are unique placeholders, and where each placeholder lands in the quads says where each
 * value goes. A leaf jsonld changed, dropped or read as a type is sent back to be fixed (kept as it
 * is, part of the template's key) and learning is tried again.
 */
import jsonld from 'jsonld';
import type { DocumentLoader, JsonObject } from '../types.ts';
import type { Quad } from './quads.ts';
import { isPlainObject, withLeaves, type DocumentShape } from './shape.ts';
import { collisionCandidates, compileTemplate, RDF_TYPE, type ExpansionFacts, type QuadTemplate, type Slot, type Template } from './template.ts';

/** What learning needs from the cache: the general algorithm, the loader, and the placeholder marker. */
export interface Learner {
  general: (document: JsonObject) => Promise<Quad[]>;
  documentLoader: DocumentLoader;
  /** Prefix of every placeholder; carries a nonce, so no real value can collide with one. */
  marker: string;
  /** Finds placeholders (and their leaf numbers) inside any text jsonld produced. */
  markerPattern: RegExp;
}

/** Builds the template for the document with the given leaves fixed; or lists more leaves to fix. */
export async function learnTemplate(
  learner: Learner,
  document: JsonObject,
  shape: DocumentShape,
  fixed: ReadonlySet<number>,
): Promise<Template | { refix: number[] } | 'error'> {
  const { general, marker, markerPattern } = learner;
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
  const facts = mayCollide.includes(1) ? await expansionFacts(learner, templateDocument, placeholders) : undefined;
  return { quads: compileTemplate(slots, mayCollide, facts), iriLeaves };
}

/** How jsonld would compare the template's values; undefined if expansion fails (then nothing merges). */
async function expansionFacts(learner: Learner, document: JsonObject, placeholders: ReadonlyMap<string, number>): Promise<ExpansionFacts | undefined> {
  let expanded: unknown;
  try {
    expanded = await jsonld.expand(document, { documentLoader: learner.documentLoader, safe: true, base: null });
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
