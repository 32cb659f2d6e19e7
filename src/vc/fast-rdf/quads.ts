/**
 * RDF quads in the plain-object form jsonld.js returns from `toRDF` and rdf-canonize accepts
 * (RDF/JS-like terms). Declared here so the fast path does not depend on the JSON-LD libraries' types.
 */

export interface NamedNodeTerm {
  termType: 'NamedNode';
  value: string;
}

export interface BlankNodeTerm {
  termType: 'BlankNode';
  value: string;
}

export interface LiteralTerm {
  termType: 'Literal';
  value: string;
  datatype: NamedNodeTerm;
  language?: string;
}

export interface DefaultGraphTerm {
  termType: 'DefaultGraph';
  value: '';
}

export type RdfTerm = NamedNodeTerm | BlankNodeTerm | LiteralTerm | DefaultGraphTerm;

export interface Quad {
  subject: NamedNodeTerm | BlankNodeTerm;
  predicate: NamedNodeTerm | BlankNodeTerm;
  object: NamedNodeTerm | BlankNodeTerm | LiteralTerm;
  graph: NamedNodeTerm | BlankNodeTerm | DefaultGraphTerm;
}

// The same test for "absolute" as jsonld.js applies (its lib/url.js): the fast path must call absolute
// exactly what the general algorithm does, or a value it keeps would be dropped (or rejected in safe mode).
const ABSOLUTE_IRI = /^([A-Za-z][A-Za-z0-9+-.]*|_):[^\s]*$/;

/** True when jsonld.js treats the string as an absolute IRI (or a blank node label). */
export function isAbsoluteIri(value: string): boolean {
  return ABSOLUTE_IRI.test(value);
}
