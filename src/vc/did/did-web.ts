import { CONTEXTS } from '../contexts/index.ts';
import type { Ed25519Multikey } from '../keys/ed25519.ts';
import type { JsonObject } from '../types.ts';

/**
 * The URL a did:web DID document is read from (did:web method §3.2 Read): `did:web:host` →
 * `https://host/.well-known/did.json`; `did:web:host:a:b` → `https://host/a/b/did.json`.
 * A percent-encoded port (`host%3A8443`) is decoded. Undefined when the DID is not a valid did:web.
 */
export function didWebToUrl(did: string): string | undefined {
  const match = /^did:web:([A-Za-z0-9.%-]+)((?::[A-Za-z0-9._~%-]+)*)$/.exec(did);
  if (!match) return undefined;
  const host = decodeURIComponent(match[1]!);
  if (!/^[A-Za-z0-9.-]+(?::\d{1,5})?$/.test(host)) return undefined;
  const path = match[2] ? match[2].slice(1).split(':').map(decodeURIComponent) : [];
  if (path.some((part) => part === '' || part === '.' || part === '..' || part.includes('/'))) return undefined;
  return path.length === 0 ? `https://${host}/.well-known/did.json` : `https://${host}/${path.join('/')}/did.json`;
}

/** The did:web DID for an https URL's host and path (the inverse of didWebToUrl). */
export function didWebFromUrl(url: string): string {
  const parsed = new URL(url);
  const host = parsed.port ? `${parsed.hostname}%3A${parsed.port}` : parsed.hostname;
  const path = parsed.pathname.replace(/\/did\.json$/, '').replace(/^\/\.well-known$/, '').split('/').filter(Boolean);
  return ['did:web', host, ...path.map(encodeURIComponent)].join(':');
}

/**
 * Builds the DID document microcred serves for an issuer. Every key stays listed (rotation keeps old
 * keys so that old credentials verify); only `activeKeyIds` may assert new credentials, but old keys
 * remain in assertionMethod because a verifier checks the purpose at verification time.
 */
export function buildDidWebDocument(options: {
  did: string;
  keys: readonly Pick<Ed25519Multikey, 'publicKeyMultibase'>[];
  alsoKnownAs?: string[];
}): JsonObject {
  const { did, keys } = options;
  const methods = keys.map((key) => ({
    id: `${did}#${key.publicKeyMultibase}`,
    type: 'Multikey',
    controller: did,
    publicKeyMultibase: key.publicKeyMultibase,
  }));
  const ids = methods.map((method) => method.id);
  return {
    '@context': [CONTEXTS.DID_V1, CONTEXTS.MULTIKEY_V1],
    id: did,
    ...(options.alsoKnownAs ? { alsoKnownAs: options.alsoKnownAs } : {}),
    verificationMethod: methods,
    assertionMethod: ids,
    authentication: ids,
  };
}
