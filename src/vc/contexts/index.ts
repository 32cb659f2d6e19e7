import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';

/**
 * The JSON-LD contexts bundled with microcred, by the URL they are published at. Copied verbatim from
 * test/fixtures/standards/contexts (copied from the standards, see its SOURCES.md), plus microcred's own extension context.
 * Read once at module load: the files are small (about 200 KB in all) and immutable.
 */
const FILES: Record<string, string> = {
  'https://www.w3.org/2018/credentials/v1': 'credentials-v1.jsonld',
  'https://www.w3.org/ns/credentials/v2': 'credentials-v2.jsonld',
  'https://www.w3.org/ns/credentials/examples/v2': 'credentials-examples-v2.jsonld',
  'https://www.w3.org/ns/credentials/undefined-terms/v2': 'credentials-undefined-terms-v2.jsonld',
  'https://purl.imsglobal.org/spec/ob/v3p0/context.json': 'ob-v3p0-context.json',
  'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.1.json': 'ob-v3p0-context-3.0.1.json',
  'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.2.json': 'ob-v3p0-context-3.0.2.json',
  'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json': 'ob-v3p0-context-3.0.3.json',
  'https://purl.imsglobal.org/spec/ob/v3p0/extensions.json': 'ob-v3p0-extensions.json',
  'https://purl.imsglobal.org/spec/clr/v2p0/context.json': 'clr-v2p0-context.json',
  'https://purl.imsglobal.org/spec/clr/v2p0/context-2.0.1.json': 'clr-v2p0-context-2.0.1.json',
  'https://w3id.org/security/data-integrity/v1': 'data-integrity-v1.jsonld',
  'https://w3id.org/security/data-integrity/v2': 'data-integrity-v2.jsonld',
  'https://w3id.org/security/multikey/v1': 'multikey-v1.jsonld',
  'https://w3id.org/security/jwk/v1': 'jwk-v1.jsonld',
  'https://w3id.org/security/suites/ed25519-2020/v1': 'ed25519-signature-2020-v1.jsonld',
  'https://www.w3.org/ns/did/v1': 'did-v1.jsonld',
  'https://w3id.org/did/v1': 'did-v1.jsonld',
  'https://www.w3.org/ns/credentials/status/v1': 'bitstring-status-list-v1.jsonld',
  'https://w3id.org/vc/status-list/2021/v1': 'status-list-2021-v1.jsonld',
  'http://data.europa.eu/snb/model/context/edc-ap': 'elm-edc-ap-context.jsonld',
  'https://w3id.org/blockcerts/v3': 'blockcerts-v3.0-context.json',
  'https://w3id.org/blockcerts/schema/3.0/context.json': 'blockcerts-v3.0-context.json',
  'https://w3id.org/blockcerts/v3.2': 'blockcerts-v3.2-context.json',
  'https://w3id.org/security/suites/merkle-2019/v1': 'merkle-proof-2019-v1.jsonld',
  'https://w3id.org/microcred/eu/v1': 'microcred-eu-v1.jsonld',
  // Open Badges 2.0, for reading imported assertions whose @context is written out inline (src/vc/ob2/context.ts).
  'https://w3id.org/openbadges/v2': 'ob-v2-context.json',
  'https://openbadgespec.org/v2/context.json': 'ob-v2-context.json',
};

const BYTES = new Map<string, Buffer>(Object.values(FILES).map((file) => [file, readFileSync(new URL(file, import.meta.url))]));

/** Every bundled context, parsed, frozen by convention (callers must not mutate). */
export const BUNDLED_CONTEXTS: ReadonlyMap<string, unknown> = new Map(
  Object.entries(FILES).map(([url, file]) => [url, JSON.parse(BYTES.get(file)!.toString('utf8'))]),
);

/**
 * The exact bytes of a bundled context, as its publisher serves them (the files are verbatim copies):
 * what a relatedResource digest of that URL is checked against (VC 2.0 §5.3).
 */
export function bundledContextBytes(url: string): Uint8Array | undefined {
  return isBundledContextUrl(url) ? BYTES.get(FILES[url]!) : undefined;
}

/** True for a URL whose context is bundled. */
export function isBundledContextUrl(url: string): boolean {
  return Object.hasOwn(FILES, url);
}

/** Well-known context URLs used when building documents. */
export const CONTEXTS = {
  CREDENTIALS_V1: 'https://www.w3.org/2018/credentials/v1',
  CREDENTIALS_V2: 'https://www.w3.org/ns/credentials/v2',
  OB_V3: 'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json',
  /** Defines 1EdTechJsonSchemaValidator2019, the credentialSchema type OB 3.0 and CLR 2.0 use. */
  OB_V3_EXTENSIONS: 'https://purl.imsglobal.org/spec/ob/v3p0/extensions.json',
  CLR_V2: 'https://purl.imsglobal.org/spec/clr/v2p0/context-2.0.1.json',
  DATA_INTEGRITY_V2: 'https://w3id.org/security/data-integrity/v2',
  MULTIKEY_V1: 'https://w3id.org/security/multikey/v1',
  ED25519_2020: 'https://w3id.org/security/suites/ed25519-2020/v1',
  DID_V1: 'https://www.w3.org/ns/did/v1',
  STATUS_LIST_V1: 'https://www.w3.org/ns/credentials/status/v1',
  /** The EU extension's original name, in credentials issued before it was published at each instance (still read). */
  MICROCRED_EU_V1: 'https://w3id.org/microcred/eu/v1',
  OB_V2: 'https://w3id.org/openbadges/v2',
} as const;

/** Where every microcred instance publishes its EU extension context, below its public URL. */
export const EU_CONTEXT_PATH = '/contexts/eu/v1';

/** The EU extension context's exact bytes: what an instance serves at EU_CONTEXT_PATH. */
export const EU_CONTEXT_BYTES: Uint8Array = BYTES.get(FILES[CONTEXTS.MICROCRED_EU_V1]!)!;

/** SHA-384 Subresource Integrity digest of EU_CONTEXT_BYTES, as a credential's relatedResource pins it. */
export const EU_CONTEXT_DIGEST_SRI = `sha384-${createHash('sha384').update(EU_CONTEXT_BYTES).digest('base64')}`;

/** The URL an instance publishes the EU context at, e.g. https://uni.example/contexts/eu/v1. */
export function euContextUrl(publicUrl: string): string {
  return `${publicUrl.replace(/\/+$/, '')}${EU_CONTEXT_PATH}`;
}

/**
 * Whether a URL has the form of an instance's EU context (http(s)://host[/base]/contexts/eu/v1). The
 * form alone proves nothing: the context is only recognised where a relatedResource pins these bytes.
 */
export function isEuContextUrlForm(url: string): boolean {
  if (!url.endsWith(EU_CONTEXT_PATH) || !URL.canParse(url)) return false;
  const parsed = new URL(url);
  return (parsed.protocol === 'https:' || parsed.protocol === 'http:') && parsed.search === '' && parsed.hash === '' && parsed.href === url;
}
