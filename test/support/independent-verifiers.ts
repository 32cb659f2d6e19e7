/**
 * Two verifiers that know nothing of microcred, set up as they run on the internet:
 *
 * 1. The digitalbazaar stack (@digitalbazaar/vc, data-integrity, eddsa-rdfc-2022, vc-bitstring-status-list)
 *    with a document loader that holds only the standard contexts (copied from the standards into
 *    test/fixtures/standards/contexts, never microcred's own bundle) and otherwise fetches over HTTPS,
 *    where it can reach only the issuing instance: did:web documents, status lists, any other context.
 * 2. The Digital Credentials Consortium's @digitalcredentials/verifier-core (behind Learner Credential
 *    Wallet and VerifierPlus), unchanged: its own bundled contexts, its own did:web driver and status
 *    checker. It fetches with the global `fetch`, which is swapped, for the length of one call, for the
 *    instance-only fetch (it has no option to pass one).
 *
 * Each answers an Outcome: whether it accepts the credential as valid now, and why not.
 */
import * as vc from '@digitalbazaar/vc';
import { DataIntegrityProof } from '@digitalbazaar/data-integrity';
import { cryptosuite as eddsaRdfc2022Cryptosuite } from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import type { DocumentLoader, JsonObject } from '../../src/vc/types.ts';
import type { InstanceFetch } from './https-instance.ts';
import { readStandardJson } from './standards.ts';

// The library ships no types; a specifier held in a variable keeps TypeScript from looking for them.
const STATUS_LIST_LIBRARY = '@digitalbazaar/vc-bitstring-status-list';
const { checkStatus } = (await import(STATUS_LIST_LIBRARY)) as {
  checkStatus(options: JsonObject & { documentLoader: DocumentLoader; suite: unknown }): Promise<{ verified: boolean; results?: { verified: boolean; status: boolean; credentialStatus: JsonObject }[]; error?: Error }>;
};
const VERIFIER_CORE = '@digitalcredentials/verifier-core';

/** The contexts every verifier of VCs and Open Badges holds, by the URL they are published at (SOURCES.md). */
const STANDARD_CONTEXTS: Record<string, string> = {
  'https://www.w3.org/2018/credentials/v1': 'credentials-v1.jsonld',
  'https://www.w3.org/ns/credentials/v2': 'credentials-v2.jsonld',
  'https://w3id.org/security/data-integrity/v1': 'data-integrity-v1.jsonld',
  'https://w3id.org/security/data-integrity/v2': 'data-integrity-v2.jsonld',
  'https://w3id.org/security/multikey/v1': 'multikey-v1.jsonld',
  'https://www.w3.org/ns/did/v1': 'did-v1.jsonld',
  'https://www.w3.org/ns/credentials/status/v1': 'bitstring-status-list-v1.jsonld',
  'https://purl.imsglobal.org/spec/ob/v3p0/context.json': 'ob-v3p0-context.json',
  'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.1.json': 'ob-v3p0-context-3.0.1.json',
  'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.2.json': 'ob-v3p0-context-3.0.2.json',
  'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json': 'ob-v3p0-context-3.0.3.json',
  // 1EdTech's extensions context, which defines 1EdTechJsonSchemaValidator2019 (credentialSchema).
  'https://purl.imsglobal.org/spec/ob/v3p0/extensions.json': 'ob-v3p0-extensions.json',
  'https://purl.imsglobal.org/spec/clr/v2p0/context.json': 'clr-v2p0-context.json',
  'https://purl.imsglobal.org/spec/clr/v2p0/context-2.0.1.json': 'clr-v2p0-context-2.0.1.json',
};

/**
 * The did:web method's Read operation (did:web spec §3.2), written here rather than taken from microcred:
 * `did:web:host%3Aport:a:b` → https://host:port/a/b/did.json; no path → /.well-known/did.json.
 */
export function didWebUrl(did: string): string {
  const [, method, host, ...path] = did.split(':');
  if (method !== 'web' || !host) throw new Error(`not a did:web DID: ${did}`);
  const base = `https://${decodeURIComponent(host)}`;
  return path.length === 0 ? `${base}/.well-known/did.json` : `${base}/${path.map(decodeURIComponent).join('/')}/did.json`;
}

/**
 * The loader of verifier 1: standard contexts from the bundled copies; did:web DIDs and their
 * verification methods read from the DID document the DID names; any other URL fetched as JSON(-LD)
 * with `fetcher` (which reaches only the instance). Anything else fails with "could not load <url>".
 */
export function standardContextsLoader(fetcher: typeof fetch): DocumentLoader {
  const contexts = new Map(Object.entries(STANDARD_CONTEXTS).map(([url, file]) => [url, readStandardJson<JsonObject>(`contexts/${file}`)]));
  const fetchJson = async (url: string): Promise<JsonObject> => {
    let response: Response;
    try {
      response = await fetcher(url, { headers: { accept: 'application/ld+json, application/json' } });
    } catch (error) {
      throw new Error(`could not load ${url}: ${(error as Error).message}`);
    }
    if (!response.ok) throw new Error(`could not load ${url}: the server answered ${response.status}`);
    return (await response.json()) as JsonObject;
  };
  return async (url) => {
    const context = contexts.get(url);
    if (context) return { contextUrl: null, documentUrl: url, document: context };
    if (url.startsWith('did:')) {
      const [did, fragment] = url.split('#') as [string, string | undefined];
      if (!did.startsWith('did:web:')) throw new Error(`could not load ${url}: only did:web is resolved here`);
      const document = await fetchJson(didWebUrl(did));
      // did:web §3.2: the document read must be the one of this DID.
      if (document.id !== did) throw new Error(`could not load ${url}: the DID document at ${didWebUrl(did)} is of ${String(document.id)}`);
      if (fragment === undefined) return { contextUrl: null, documentUrl: url, document };
      const method = ((document.verificationMethod ?? []) as JsonObject[]).find((vm) => vm.id === url || vm.id === `#${fragment}`);
      if (!method) throw new Error(`could not load ${url}: no such verification method in the DID document`);
      return { contextUrl: null, documentUrl: url, document: { '@context': document['@context'], ...method, id: url } };
    }
    if (!/^https:\/\//.test(url)) throw new Error(`could not load ${url}: not an https URL`);
    return { contextUrl: null, documentUrl: url, document: await fetchJson(url) };
  };
}

/** What one verifier made of one credential. */
export interface Outcome {
  /** The credential is accepted as valid now: proof, issuer key, validity period and status all hold. */
  accepted: boolean;
  /** The proof (signature) held; false when the verifier could not check it or it failed. */
  proofValid: boolean;
  /** The verifier read the revocation status and found the credential revoked. */
  revoked: boolean;
  /** The verifier's own words, shortened, when it did not accept. */
  reason: string;
  /** verifier-core only: what its (advisory) check against the official OB 3.0 JSON Schema said. */
  schema?: string;
}

/** The innermost message of an error (jsonld wraps a loader's error in `details.cause`, the vc library in `errors`). */
function shortMessage(error: unknown): string {
  let current: unknown = error;
  for (let depth = 0; depth < 8; depth++) {
    const node = current as { errors?: unknown[]; cause?: unknown; details?: { cause?: unknown } } | undefined;
    const next = Array.isArray(node?.errors) && node.errors.length > 0 ? node.errors[0] : node?.details?.cause ?? node?.cause;
    if (next === undefined || next === null) break;
    current = next;
  }
  const text = current instanceof Error ? current.message : typeof current === 'string' ? current : JSON.stringify(current);
  return (text ?? '').split('\n')[0]!.slice(0, 200);
}

/**
 * Verifier 1. vc.verifyCredential checks the proof, the issuer's assertionMethod (did:web) and the
 * validity period; its status check (the reference's checkStatus, with the status list credential's
 * own proof and issuer matched) answers per entry whether the bit is set: a set revocation or
 * suspension bit is "revoked" here (the library reports it rather than refusing it).
 */
export async function verifyWithDigitalBazaar(credential: JsonObject, documentLoader: DocumentLoader): Promise<Outcome> {
  const suite = new DataIntegrityProof({ cryptosuite: eddsaRdfc2022Cryptosuite });
  let revoked = false;
  let statusError = '';
  const result = await vc.verifyCredential({
    credential, suite, documentLoader,
    checkStatus: async (options: JsonObject) => {
      const status = await checkStatus({ ...options, documentLoader, suite, verifyBitstringStatusListCredential: true, verifyMatchingIssuers: true });
      if (status.error) statusError = shortMessage(status.error);
      revoked = (status.results ?? []).some((entry) => entry.status === true);
      return status;
    },
  }) as { verified: boolean; error?: unknown; results?: { verified: boolean }[] };
  const proofValid = (result.results ?? []).some((entry) => entry.verified) && !(result.results ?? []).some((entry) => !entry.verified);
  const accepted = result.verified && !revoked;
  const reason = accepted ? '' : revoked ? 'status bit set (revoked)' : statusError || shortMessage(result.error);
  return { accepted, proofValid, revoked, reason };
}

interface VerifierCoreLogEntry { id: string; valid?: boolean; error?: { name: string; message: string } }
interface VerifierCoreResult {
  errors?: { name: string; message: string; stackTrace?: unknown }[];
  log?: VerifierCoreLogEntry[];
  additionalInformation?: { id: string; results?: unknown }[];
}

/**
 * Verifier 2, as Learner Credential Wallet and VerifierPlus call it: verifyCredential with the known
 * DID registries (none here: "registered issuer" is a trust decision, not a check of the credential,
 * and a registry would be fetched from the internet). Accepted when it reports no fatal error and
 * its signature, expiration and revocation steps are all valid.
 */
export async function verifyWithVerifierCore(credential: JsonObject, fetcher: InstanceFetch): Promise<Outcome> {
  const { verifyCredential } = (await import(VERIFIER_CORE)) as { verifyCredential(options: { credential: JsonObject; knownDIDRegistries: unknown[] }): Promise<VerifierCoreResult> };
  const original = globalThis.fetch;
  globalThis.fetch = fetcher.fetch;
  let result: VerifierCoreResult;
  try {
    result = await verifyCredential({ credential: structuredClone(credential), knownDIDRegistries: [] });
  } finally {
    globalThis.fetch = original;
  }
  const log = result.log ?? [];
  const step = (id: string) => log.find((entry) => entry.id === id);
  const fatal = result.errors?.[0];
  const signature = step('valid_signature');
  const status = step('revocation_status');
  const expiration = step('expiration');
  const proofValid = !fatal && signature?.valid === true;
  const revoked = proofValid && status?.valid === false;
  const accepted = proofValid && expiration?.valid !== false && (status === undefined ? credential.credentialStatus === undefined : status.valid === true);
  const reason = accepted ? '' : fatal ? `${fatal.name}: ${fatal.message}` : revoked ? 'revocation_status: not valid (revoked)'
    : status?.error ? `${status.error.name}: ${status.error.message}` : `steps ${JSON.stringify(log.map((entry) => [entry.id, entry.valid]))}`;
  // verifier-core words every failure to load a context as a bad signature: say what it could not fetch.
  const schemaCheck = result.additionalInformation?.find((entry) => entry.id === 'schema_check')?.results;
  const schema = Array.isArray(schemaCheck)
    ? (schemaCheck as { result: { valid: boolean; errors?: { instancePath: string; message: string }[] } }[]).map(({ result: checked }) => (checked.valid ? 'valid'
      : `invalid: ${(checked.errors ?? []).slice(0, 2).map((error) => `${error.instancePath} ${error.message}`).join('; ')}`)).join(', ')
    : schemaCheck === undefined ? undefined : String(schemaCheck);
  const refused = [...new Set(fetcher.refused)];
  const words = refused.length > 0 ? `could not load ${refused.join(', ')}: says ${fatal?.name ?? reason}` : reason;
  return { accepted, proofValid, revoked, reason: accepted ? '' : words.split('\n')[0]!.slice(0, 200), ...(schema !== undefined ? { schema } : {}) };
}
