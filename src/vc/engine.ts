import { check, issuerId } from './check.ts';
import { asArray, isObject } from './json.ts';
import { matchesIdentity } from './credential/identity.ts';
import type { KeyResolverOptions } from './did/resolve-key.ts';
import { createDocumentLoader, pinsOf, withPinnedContexts } from './document-loader.ts';
import { pinnedContexts } from './related-resource.ts';
import { createRdfTemplateCache } from './fast-rdf/index.ts';
import { toRdfQuads, type QuadProducer } from './jsonld.ts';
import { dataIntegrityProviders } from './proofs/data-integrity/index.ts';
import { createEddsaRdfc2022Provider } from './proofs/data-integrity/eddsa-rdfc-2022.ts';
import type { IssueFormat, ProofProvider } from './proofs/provider.ts';
import { vcJwtProvider } from './proofs/vc-jwt.ts';
import { embeddedCredentials, verifyPresentationJwt, verifyPresentationProof } from './presentation.ts';
import { checkCredentialStatus } from './status/check-status.ts';
import { StatusListCache } from './status/list-cache.ts';
import { statusListTtl } from './status/status-list-credential.ts';
import { checkStructure, checkSubjectIdentity } from './structure.ts';
import type { Clock, DocumentLoader, Fetcher, JsonObject, Signer, VerificationResult } from './types.ts';
import { verifyCredential, type CredentialCheckers, type RecipientClaim } from './verify.ts';

export interface EngineOptions {
  /**
   * Documents the caller already holds, by URL or DID: contexts, DID documents, status lists
   * (`microcred verify --resolve URL=FILE`). Consulted before any fetch.
   */
  documents?: ReadonlyMap<string, unknown>;
  /** The one door to the network. Without it the engine is entirely offline. */
  fetcher?: Fetcher;
  clock?: Clock;
  /**
   * Build RDF quads from cached templates per document shape instead of running JSON-LD expansion
   * for every credential (default true). Output is identical; shapes it cannot vouch for fall back.
   */
  fastPath?: boolean;
  /** Most document shapes the fast path keeps (default 256). */
  maxShapes?: number;
  /** Tolerated clock difference for validity dates, in seconds (default 300). */
  clockSkewSeconds?: number;
  /**
   * The longest a fetched status list and the check of its signature are reused, in milliseconds
   * (default 300,000; 0 fetches and checks every time). A list that states a shorter `ttl`
   * (Bitstring Status List §2.2) is kept no longer than its ttl.
   */
  statusListMaxAgeMs?: number;
}

export interface Engine {
  readonly providers: readonly ProofProvider[];
  readonly documentLoader: DocumentLoader;
  /**
   * The loader for one document: `documentLoader`, plus the contexts the document (or a credential a
   * presentation embeds) pins by relatedResource digest at another URL (microcred's EU context at any
   * instance). For signing presentations of credentials from other instances.
   */
  loaderFor(document: unknown): DocumentLoader;
  /** Signs a credential in the chosen format (default Data Integrity eddsa-rdfc-2022). */
  sign(options: { credential: JsonObject; signer: Signer; format?: IssueFormat; now?: Date }): Promise<JsonObject | string>;
  /** Verifies a credential (object, JSON text or VC-JWT) and reports each check. Never throws. */
  verify(options: { credential: unknown; recipient?: RecipientClaim; now?: Date }): Promise<VerificationResult>;
  /**
   * Verifies a signed presentation for this verifier's challenge (and domain), then every credential
   * in it. Never throws on bad input.
   */
  verifyPresentation(options: { presentation: unknown; challenge: string; domain?: string; now?: Date }): Promise<PresentationVerificationResult>;
  /** Forgets the held copy of a status list (after its issuer changed it), so the next check reads it anew. */
  forgetStatusList(url: string): void;
}

export interface PresentationVerificationResult extends VerificationResult {
  presentation?: JsonObject;
  /** One full verification per credential in the presentation, in order. */
  credentials: VerificationResult[];
}

/** Most credentials verified from one presentation (each is a full verification). */
const MAX_PRESENTED_CREDENTIALS = 256;

const MAX_STATUS_LIST_BYTES = 16 * 1024 * 1024;

/** Most pinned-context loaders kept (one per set of instances' URLs met). */
const MAX_PINNED_LOADERS = 64;

/**
 * The document with each pinned context URL replaced by its bundled URL, wherever an `@context` names
 * it (embedded credentials of a presentation or a CLR too). Copies only what it changes.
 */
function withBundledUrls(document: JsonObject, pins: ReadonlyMap<string, string>): JsonObject {
  if (pins.size === 0) return document;
  const renameContext = (context: unknown): unknown => {
    if (typeof context === 'string') return pins.get(context) ?? context;
    return Array.isArray(context) ? context.map((c) => (typeof c === 'string' ? pins.get(c) ?? c : c)) : context;
  };
  const walk = (value: unknown): unknown => {
    if (Array.isArray(value)) {
      let changed = false;
      const out = value.map((item) => { const next = walk(item); if (next !== item) changed = true; return next; });
      return changed ? out : value;
    }
    if (!isObject(value)) return value;
    let out: JsonObject | undefined;
    for (const [key, item] of Object.entries(value)) {
      const next = key === '@context' ? renameContext(item) : walk(item);
      if (next !== item && !(key === '@context' && JSON.stringify(next) === JSON.stringify(item))) (out ??= { ...value })[key] = next as JsonObject[string];
    }
    return out ?? value;
  };
  return walk(document) as JsonObject;
}

/**
 * Wires the credential library with its defaults: every proof provider, the offline loader over
 * bundled contexts plus the caller's documents, status lists and DID documents from those documents
 * or through the injected fetcher.
 *
 * @example
 *   const engine = createEngine();                       // offline
 *   const signed = await engine.sign({ credential, signer });
 *   const { verified, checks } = await engine.verify({ credential: signed });
 */
export function createEngine(options: EngineOptions = {}): Engine {
  const documents = options.documents ?? new Map<string, unknown>();
  const clock = options.clock ?? (() => new Date());
  const documentLoader = createDocumentLoader({ documents });
  const keys: KeyResolverOptions = { documents, ...(options.fetcher ? { fetcher: options.fetcher } : {}) };
  // Shapes are admitted on their second document, so one-off shapes (a verifier's hostile input)
  // cost one plain expansion, as without the cache; errors come from toRdfQuads, typed and worded.
  const templates = options.fastPath === false
    ? undefined
    : createRdfTemplateCache({
        documentLoader,
        maxShapes: options.maxShapes ?? 256,
        admitAfter: 2,
        general: async (document) => await toRdfQuads({ document, documentLoader }),
      });
  // A pinned context's URL is read as its bundled one: contexts make no quads, so the template cache
  // sees one shape for the EU context whichever instance's URL a credential names it by.
  const quads: QuadProducer | undefined = templates
    ? async ({ document, documentLoader: loader }) => await templates.toRdf(withBundledUrls(document as JsonObject, pinsOf(loader)))
    : undefined;

  // Loaders for pinned contexts, by their pins (a handful in practice: one per instance seen), so
  // that the proof-config cache, keyed by loader, keeps working.
  const pinnedLoaders = new Map<string, DocumentLoader>();
  const loaderFor = (document: unknown): DocumentLoader => {
    const pins = pinnedContexts(document);
    if (pins.size === 0) return documentLoader;
    const key = [...pins.keys()].sort().join(' ');
    let loader = pinnedLoaders.get(key);
    if (!loader) {
      if (pinnedLoaders.size >= MAX_PINNED_LOADERS) pinnedLoaders.delete(pinnedLoaders.keys().next().value!);
      pinnedLoaders.set(key, (loader = withPinnedContexts(documentLoader, pins)));
    }
    return loader;
  };
  const rdfc = createEddsaRdfc2022Provider({ ...(quads ? { quads } : {}), proofConfigCacheSize: 64 });
  const providers: readonly ProofProvider[] = [
    rdfc,
    ...dataIntegrityProviders.filter((provider) => provider.name !== rdfc.name),
    vcJwtProvider,
  ];

  type ListVerification = { verified: boolean; message: string; credential?: JsonObject };
  const statusLists = new StatusListCache<ListVerification>({ clock, ttlOf: statusListTtl, ...(options.statusListMaxAgeMs !== undefined ? { maxAgeMs: options.statusListMaxAgeMs } : {}) });

  const fetchStatusList = async (url: string): Promise<unknown> => {
    if (documents.has(url)) return documents.get(url);
    if (!options.fetcher) throw new Error('this verifier is offline and holds no copy of the status list');
    const fetcher = options.fetcher;
    return await statusLists.list(url, async () => {
      const fetched = await fetcher(url);
      if (fetched.body.byteLength > MAX_STATUS_LIST_BYTES) throw new Error('the status list is too large');
      const text = new TextDecoder().decode(fetched.body).trim();
      return text.startsWith('{') ? JSON.parse(text) : text;
    });
  };

  const verifyStatusListCredential = async (document: unknown, now: Date) =>
    await statusLists.verification(document, async () => await verifyStatusListProof(document, now));

  const verifyStatusListProof = async (document: unknown, now: Date): Promise<ListVerification> => {
    const provider = providers.find((candidate) => candidate.canVerify(document));
    if (!provider) return { verified: false, message: 'The status list is not signed.' };
    const result = await provider.verify({ document, documentLoader, keys, proofPurpose: 'assertionMethod', now });
    const credential = isObject(document) ? document : result.credential;
    // The list must be signed by a key of the list's own issuer.
    if (result.verified && credential && result.key && result.key.controller !== issuerId(credential)) {
      return { verified: false, message: 'The status list was signed with a key that does not belong to its issuer.', credential };
    }
    return { verified: result.verified, message: result.message, ...(credential ? { credential } : {}) };
  };

  const checkers: CredentialCheckers = {
    structure: (credential) => {
      const result = checkStructure(credential);
      return check('structure', result.outcome, result.message, result.problems.length > 0 ? { problems: result.problems as unknown as JsonObject[] } as JsonObject : undefined);
    },
    subject: (credential) => {
      const result = checkSubjectIdentity(credential);
      return check('subject', result.outcome, result.message);
    },
    status: async (credential, now) => {
      const result = await checkCredentialStatus({
        credential, fetchStatusList, verifyStatusListCredential: (document) => verifyStatusListCredential(document, now), now,
        decodeCache: (key, decode) => statusLists.decoded(key, decode),
      });
      // The entries (value, statusMessage, error code) travel in details: the VC-API reports them.
      return check('status', result.outcome, result.message, result.details);
    },
    recipient: (credential, recipient) => recipientCheck(credential, recipient),
  };

  const verify: Engine['verify'] = async ({ credential, recipient, now }) =>
    await verifyCredential({
      credential,
      providers,
      checkers,
      documentLoader,
      loaderFor,
      keys,
      now: now ?? clock(),
      ...(options.clockSkewSeconds !== undefined ? { clockSkewSeconds: options.clockSkewSeconds } : {}),
      ...(recipient ? { recipient } : {}),
    });

  return {
    providers,
    documentLoader,
    loaderFor,
    verify,
    forgetStatusList: (url) => statusLists.forget(url),
    async verifyPresentation({ presentation, challenge, domain, now }) {
      if (typeof challenge !== 'string' || challenge.length === 0) throw new TypeError('The challenge this verifier issued is required.');
      // A compact JWT is a VP-JWT (VC-JWT 1.1 `vp` claim, or a VC 2.0 vp+jwt): nonce and aud carry challenge and domain.
      const proof = typeof presentation === 'string'
        ? await verifyPresentationJwt({ jwt: presentation, keys, challenge, ...(domain !== undefined ? { domain } : {}), now: now ?? clock() })
        : await verifyPresentationProof({ presentation, documentLoader: loaderFor(presentation), keys, challenge, ...(domain !== undefined ? { domain } : {}) });
      const checks = [check('presentation-proof', proof.verified ? 'passed' : 'failed', proof.message)];
      if (typeof presentation === 'string') presentation = proof.credential;
      const embedded = embeddedCredentials(presentation);
      const credentials: VerificationResult[] = [];
      if (embedded.length > MAX_PRESENTED_CREDENTIALS) {
        checks.push(check('credentials', 'failed', `The presentation holds ${embedded.length} credentials; at most ${MAX_PRESENTED_CREDENTIALS} are verified.`));
      } else {
        for (const credential of embedded) credentials.push(await verify({ credential, ...(now ? { now } : {}) }));
        const bad = credentials.filter((result) => !result.verified).length;
        checks.push(
          embedded.length === 0
            ? check('credentials', 'warning', 'The presentation holds no credentials.')
            : bad === 0
              ? check('credentials', 'passed', embedded.length === 1 ? 'The credential in the presentation verified.' : `All ${embedded.length} credentials in the presentation verified.`)
              : check('credentials', 'failed', `${bad} of ${embedded.length} credentials in the presentation did not verify.`),
        );
      }
      return {
        verified: checks.every((entry) => entry.outcome !== 'failed'),
        checks,
        credentials,
        ...(isObject(presentation) ? { presentation } : {}),
      };
    },
    async sign({ credential, signer, format = 'eddsa-rdfc-2022', now }) {
      const provider = providers.find((candidate) => candidate.canIssue(format));
      if (!provider) throw new TypeError(`Unknown proof format ${JSON.stringify(format)}.`);
      return await provider.issue({ document: credential, signer, documentLoader: loaderFor(credential), now: now ?? clock() });
    },
  };
}

/** OB 3.0 §8.2.5.2 (optional step): does the credential name this recipient? */
function recipientCheck(credential: JsonObject, recipient: RecipientClaim): ReturnType<typeof check> {
  const subjects = asArray(credential.credentialSubject).filter(isObject);
  if (recipient.did) {
    const match = subjects.some((subject) => subject.id === recipient.did);
    return match
      ? check('recipient', 'passed', `The credential was issued to ${recipient.did}.`)
      : check('recipient', 'failed', `The credential was not issued to ${recipient.did}.`);
  }
  if (recipient.email) {
    const email = recipient.email;
    const match = subjects.some((subject) => asArray(subject.identifier).some((identity) => matchesIdentity({ identity, email })));
    return match
      ? check('recipient', 'passed', `The credential was issued to ${email}.`)
      : check('recipient', 'failed', `The credential was not issued to ${email}.`);
  }
  return check('recipient', 'skipped', 'No recipient was given to compare with the credential.');
}
