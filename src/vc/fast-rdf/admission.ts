/**
 * Admission: which documents the cache takes on, and what it remembers per document structure.
 *
 * A structure is remembered by a SHA-256 digest of its description, never by the description itself:
 * that text grows with the document, and the cache sits behind the anonymous verify endpoint, where
 * a stranger could otherwise make it keep ~1 MB per posted document (×256 shapes, ×4 for sightings).
 * Documents whose structure is longer than `maxStructureLength` are not admitted at all: they go to
 * the general algorithm, as they would without the cache (real credentials are a few KB).
 */
import { createHash } from 'node:crypto';
import type { ContextFacts } from './context-terms.ts';
import { isAbsoluteIri } from './quads.ts';
import type { DocumentShape } from './shape.ts';

/** Default bound on a structure description admitted to the cache, in characters (64 KiB). */
export const DEFAULT_MAX_STRUCTURE_LENGTH = 64 * 1024;

export interface StructureEntry {
  /** Short stand-in for the structure in template keys. */
  id: number;
  facts: ContextFacts;
  /** Leaves whose real values belong in the key (the template cannot substitute them). */
  fixed: Set<number>;
  /** Leaves seen in IRI positions: fixed for a document whose value there is not a plain absolute IRI. */
  iriLeaves: Set<number>;
  unsupported: boolean;
  placeholderFailures: number;
}

/** The key of a structure: a digest, so a key costs the same whatever the document. */
export function structureKey(shape: DocumentShape): string {
  return createHash('sha256').update(shape.structure).digest('base64url');
}

/**
 * What an entry holds, in bytes, by the cache's estimate: the context terms it keeps (two bytes a
 * character and a set slot each), and room for every leaf in `fixed` and `iriLeaves`, which only
 * grow after the entry is stored (a leaf number is at most a set slot in each).
 */
export function structureEntryBytes(entry: StructureEntry, leafCount: number): number {
  let bytes = 256 + leafCount * 2 * 32;
  for (const term of entry.facts.terms) bytes += 48 + term.length * 2;
  return bytes;
}

/**
 * True when jsonld would write the value, in an @id or @vocab position, verbatim as an IRI: it is
 * absolute, not a blank node label, not a term, and its scheme is not a prefix (JSON-LD 1.1 §5.2 IRI
 * expansion). The term set spans all contexts in play, so this may say no where jsonld would agree.
 */
export function isVerbatimIri(value: string, terms: ReadonlySet<string>): boolean {
  if (!isAbsoluteIri(value)) return false;
  const prefix = value.slice(0, value.indexOf(':'));
  return prefix !== '_' && !terms.has(prefix) && !terms.has(value);
}

/** The leaves this document must keep as they are: the structure's, and IRI leaves it cannot fill verbatim. */
export function fixedFor(entry: StructureEntry, leaves: readonly string[]): Set<number> {
  const fixed = new Set(entry.fixed);
  for (const leaf of entry.iriLeaves) {
    if (!isVerbatimIri(leaves[leaf]!, entry.facts.terms)) fixed.add(leaf);
  }
  return fixed;
}

/**
 * The key of a template: the structure's id, and the values of its fixed leaves (digested, since a
 * fixed value may be long). Templates of one structure differ only in those values.
 */
export function templateKey(entry: StructureEntry, shape: DocumentShape, fixed: ReadonlySet<number>): string {
  if (fixed.size === 0) return String(entry.id);
  const hash = createHash('sha256');
  for (const leaf of [...fixed].sort((a, b) => a - b)) hash.update(`\u0001${leaf}=${JSON.stringify(shape.leaves[leaf])}`);
  return `${entry.id}:${hash.digest('base64url')}`;
}
