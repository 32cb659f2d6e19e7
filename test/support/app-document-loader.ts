import { CONTEXTS } from '../../src/vc/contexts/index.ts';
import type { DocumentLoader, JsonObject } from '../../src/vc/types.ts';
import { TEST_PUBLIC_URL, type TestApp } from './app.ts';
import { referenceDocumentLoader } from './reference.ts';

/**
 * A document loader for the reference library that reads the test app's own DID documents and
 * published documents (status lists…) through `app.inject`, and bundled contexts otherwise.
 */
export function appDocumentLoader(t: TestApp): DocumentLoader {
  return async (url) => {
    if (url.startsWith('did:web:issuer.test:issuers:')) {
      const [did, fragment] = url.split('#') as [string, string | undefined];
      const issuerId = did.split(':').pop()!;
      const document = (await t.app.inject(`/issuers/${issuerId}/did.json`)).json() as JsonObject;
      if (fragment === undefined) return { contextUrl: null, documentUrl: url, document };
      const method = (document.verificationMethod as JsonObject[]).find((vm) => vm.id === url);
      if (!method) throw new Error(`no verification method ${url}`);
      return { contextUrl: null, documentUrl: url, document: { '@context': CONTEXTS.MULTIKEY_V1, ...method } };
    }
    if (url.startsWith(`${TEST_PUBLIC_URL}/`)) {
      const response = await t.app.inject(url.slice(TEST_PUBLIC_URL.length));
      if (response.statusCode !== 200) throw new Error(`${url}: ${response.statusCode}`);
      return { contextUrl: null, documentUrl: url, document: response.json() };
    }
    return referenceDocumentLoader(url);
  };
}
