export { createRdfTemplateCache } from './template-cache.ts';
export type { RdfTemplateCache, RdfTemplateCacheOptions, RdfTemplateCacheStats } from './template-cache.ts';
export type { Quad, RdfTerm, NamedNodeTerm, BlankNodeTerm, LiteralTerm, DefaultGraphTerm } from './quads.ts';
