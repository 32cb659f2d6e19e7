import type { DocumentLoader } from '../types.ts';

/** What the fast path needs to know about the contexts a document uses. */
export interface ContextFacts {
  /** Every term defined anywhere in the contexts (including scoped and imported ones). */
  terms: ReadonlySet<string>;
  /** True when some context mentions `@index`, whose node merging can fail depending on ids. */
  usesIndex: boolean;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Collects the terms of every context the document refers to, loading remote ones through the
 * loader. Over-approximates on purpose: a term that is not in scope only makes the fast path more
 * cautious. Rejects when a context cannot be loaded (jsonld would fail on the document too).
 */
export async function collectContextFacts(document: unknown, documentLoader: DocumentLoader): Promise<ContextFacts> {
  const terms = new Set<string>();
  const loaded = new Set<string>();
  let usesIndex = false;

  async function visitContext(context: unknown): Promise<void> {
    if (typeof context === 'string') {
      if (loaded.has(context)) return;
      loaded.add(context);
      const remote = await documentLoader(context);
      const body: unknown = typeof remote.document === 'string' ? JSON.parse(remote.document) : remote.document;
      if (isRecord(body)) await visitContext(body['@context']);
      return;
    }
    if (Array.isArray(context)) {
      for (const item of context) await visitContext(item);
      return;
    }
    if (!isRecord(context)) return;
    if (JSON.stringify(context).includes('"@index"')) usesIndex = true;
    for (const [key, definition] of Object.entries(context)) {
      if (key === '@import') {
        await visitContext(definition);
        continue;
      }
      if (!key.startsWith('@')) terms.add(key);
      if (isRecord(definition) && '@context' in definition) await visitContext(definition['@context']);
    }
  }

  async function visitDocument(value: unknown): Promise<void> {
    if (Array.isArray(value)) {
      for (const item of value) await visitDocument(item);
      return;
    }
    if (!isRecord(value)) return;
    for (const [key, child] of Object.entries(value)) {
      if (key === '@context') await visitContext(child);
      else await visitDocument(child);
    }
  }

  await visitDocument(document);
  return { terms, usesIndex };
}
