import { BUNDLED_CONTEXTS } from './contexts/index.ts';
import type { DocumentLoader, Fetcher, RemoteDocument } from './types.ts';

/** Thrown by the offline loader for a URL it does not hold. The message names the URL. */
export class DocumentNotAvailableError extends Error {
  readonly url: string;
  constructor(url: string, reason?: string) {
    super(
      reason ??
        `The document ${JSON.stringify(url)} is not one of the contexts bundled with microcred, ` +
          'and this verifier does not fetch documents from the network.',
    );
    this.name = 'DocumentNotAvailableError';
    this.url = url;
  }
}

export interface DocumentLoaderOptions {
  /** Extra documents by URL (e.g. saved with `microcred verify --resolve URL=FILE`). */
  documents?: ReadonlyMap<string, unknown>;
  /**
   * When given, URLs that are neither bundled nor in `documents` are fetched through it
   * (never contexts of the VC/OB families, which are always bundled).
   */
  fetcher?: Fetcher;
}

/**
 * A JSON-LD document loader that never goes to the network unless a fetcher is handed in: it serves
 * the bundled contexts and the caller's documents and fails with a clear error for anything else.
 *
 * @example
 *   const documentLoader = createDocumentLoader();
 *   await jsonld.expand(credential, { documentLoader, safe: true });
 */
export function createDocumentLoader(options: DocumentLoaderOptions = {}): DocumentLoader {
  const { documents, fetcher } = options;
  return async (url: string): Promise<RemoteDocument> => {
    if (typeof url !== 'string') throw new TypeError('Document URL must be a string.');
    const bundled = BUNDLED_CONTEXTS.get(url) ?? documents?.get(url);
    if (bundled !== undefined) {
      return { contextUrl: null, documentUrl: url, document: structuredClone(bundled) };
    }
    if (!fetcher) throw new DocumentNotAvailableError(url);
    let fetched;
    try {
      fetched = await fetcher(url);
    } catch (error) {
      throw new DocumentNotAvailableError(url, `The document ${JSON.stringify(url)} could not be fetched: ${(error as Error).message}`);
    }
    let document: unknown;
    try {
      document = JSON.parse(new TextDecoder().decode(fetched.body));
    } catch {
      throw new DocumentNotAvailableError(url, `The document ${JSON.stringify(url)} is not valid JSON.`);
    }
    return { contextUrl: null, documentUrl: fetched.url, document };
  };
}

/** True when the URL is served from the bundle (no loader or fetcher needed). */
export function isBundledContext(url: string): boolean {
  return BUNDLED_CONTEXTS.has(url);
}

const PINS = new WeakMap<DocumentLoader, ReadonlyMap<string, string>>();

/**
 * A loader that reads each pinned URL as the bundled context it maps to (see `pinnedContexts`), and
 * everything else through `base`. `pinsOf` tells which URLs it maps, so that a quad producer with
 * its own loader can read the document the same way.
 */
export function withPinnedContexts(base: DocumentLoader, pins: ReadonlyMap<string, string>): DocumentLoader {
  const loader: DocumentLoader = async (url) => {
    const bundled = typeof url === 'string' ? pins.get(url) : undefined;
    if (bundled === undefined) return await base(url);
    return { ...(await base(bundled)), documentUrl: url };
  };
  PINS.set(loader, pins);
  return loader;
}

/** The pinned URLs of a loader made by `withPinnedContexts` (empty for any other loader). */
export function pinsOf(loader: DocumentLoader): ReadonlyMap<string, string> {
  return PINS.get(loader) ?? EMPTY;
}
const EMPTY: ReadonlyMap<string, string> = new Map();
