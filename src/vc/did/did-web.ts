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
  const host = decodeComponent(match[1]!);
  const hostMatch = host === undefined ? null : /^([A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*)(?::(\d{1,5}))?$/.exec(host);
  if (!hostMatch || (hostMatch[2] !== undefined && (Number(hostMatch[2]) < 1 || Number(hostMatch[2]) > 65535))) return undefined;
  const path = match[2] ? match[2].slice(1).split(':').map(decodeComponent) : [];
  if (path.some((part) => part === undefined || part === '' || part === '.' || part === '..' || part.includes('/'))) return undefined;
  // Segments are encoded again, so that a decoded `#`, `?` or space cannot end the path early and
  // make two DIDs read the same document.
  const segments = (path as string[]).map(encodeURIComponent);
  return segments.length === 0 ? `https://${host}/.well-known/did.json` : `https://${host}/${segments.join('/')}/did.json`;
}

/** decodeURIComponent that answers undefined for malformed percent-encoding instead of throwing. */
function decodeComponent(text: string): string | undefined {
  try {
    return decodeURIComponent(text);
  } catch {
    return undefined;
  }
}

/** The did:web DID for an https URL's host and path (the inverse of didWebToUrl). */
export function didWebFromUrl(url: string): string {
  const parsed = new URL(url);
  const host = parsed.port ? `${parsed.hostname}%3A${parsed.port}` : parsed.hostname;
  const path = parsed.pathname.replace(/\/did\.json$/, '').replace(/^\/\.well-known$/, '').split('/').filter(Boolean);
  // pathname is already percent-encoded: decode first so `%20` does not become `%2520`.
  return ['did:web', host, ...path.map((part) => encodeURIComponent(decodeComponent(part) ?? part))].join(':');
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
