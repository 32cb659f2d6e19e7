// The JSON-LD libraries ship no TypeScript types: declare the small surface microcred calls.

declare module 'jsonld' {
  interface JsonLdEventHandlerOptions {
    event: { type: string[]; code: string; level: string; message: string; details: Record<string, unknown> };
    next: () => void;
  }
  interface JsonLdProcessingOptions {
    documentLoader?: (url: string) => Promise<unknown>;
    safe?: boolean;
    base?: string | null;
    rdfDirection?: 'i18n-datatype';
    produceGeneralizedRdf?: boolean;
    eventHandler?: (options: JsonLdEventHandlerOptions) => void;
  }
  const jsonld: {
    toRDF(input: unknown, options?: JsonLdProcessingOptions): Promise<unknown>;
    expand(input: unknown, options?: JsonLdProcessingOptions): Promise<unknown[]>;
  };
  export default jsonld;
}

declare module 'rdf-canonize' {
  const rdfCanonize: {
    canonize(
      input: unknown,
      options: { algorithm: 'RDFC-1.0'; maxWorkFactor?: number; signal?: AbortSignal },
    ): Promise<string>;
  };
  export default rdfCanonize;
}
