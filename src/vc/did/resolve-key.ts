import { decodePublicKeyMultibase } from '../keys/ed25519.ts';
import { base58btcDecode, base64urlDecode } from '../multibase.ts';
import type { Fetcher, JsonObject } from '../types.ts';
import { parseDidKey, resolveDidKey } from './did-key.ts';
import { didWebToUrl } from './did-web.ts';
import { isObject } from '../json.ts';

/** A public key found for a verification method, and how it was found (for the report). */
export interface ResolvedKey {
  /** The verification method id as referenced. */
  id: string;
  /** Who controls the key: the DID, or the issuer URL before `#` in the 1EdTech convention. */
  controller: string;
  /** Raw Ed25519 public key, when the key is Ed25519. */
  publicKey?: Uint8Array;
  /** The public JWK, when the method publishes one (ES256 / RS256 / EdDSA in VC-JWT). */
  publicKeyJwk?: JsonObject;
  /**
   * Proof purposes the controller's document lists this method under. Undefined when no document
   * speaks for the key (the 1EdTech convention read offline); empty when the document lists the key
   * under no purpose at all, which authorises nothing.
   */
  purposes: string[] | undefined;
  /**
   * True when only the identifier itself says who owns the key: `<issuer-url>#z6Mk…` without a
   * document of the issuer that lists the key. Anyone can write any key after anyone's URL, so the
   * binding is reported, not trusted.
   */
  selfAsserted?: boolean;
  /** A plain sentence saying how the key was bound to its controller. */
  binding: string;
}

export type KeyResolution = { ok: true; key: ResolvedKey } | { ok: false; reason: string };

export interface KeyResolverOptions {
  /** Documents the caller already holds, by URL or DID (e.g. `--resolve did:web:x=did.json`). */
  documents?: ReadonlyMap<string, unknown>;
  /** Used for did:web and other http(s) documents not in `documents`. Without it, no network. */
  fetcher?: Fetcher;
}

const PURPOSES = ['assertionMethod', 'authentication', 'capabilityInvocation', 'capabilityDelegation', 'keyAgreement'];
const MAX_DOCUMENT_BYTES = 256 * 1024;

/**
 * Finds the public key a proof names in its `verificationMethod`. Never throws: a key that cannot be
 * found is `{ok: false, reason}` with a sentence for the report.
 *
 * Supports did:key, did:web (through the injected fetcher or the caller's documents), and the
 * `<issuer-url>#z6Mk…` form used in 1EdTech test material, where the key is the fragment itself
 * and its controller is the URL before `#`.
 */
export async function resolveVerificationMethod(vmId: unknown, options: KeyResolverOptions = {}): Promise<KeyResolution> {
  if (typeof vmId !== 'string' || vmId.length === 0 || vmId.length > 2048) {
    return { ok: false, reason: 'The proof does not name the key that made it.' };
  }
  if (vmId.startsWith('did:key:')) {
    const parsed = parseDidKey(vmId);
    if (!parsed || !vmId.includes('#')) return { ok: false, reason: `The key ${vmId} is not a valid Ed25519 did:key.` };
    return {
      ok: true,
      key: {
        id: vmId,
        controller: parsed.did,
        publicKey: parsed.publicKey,
        purposes: Object.keys(resolveDidKey(parsed.did)!).filter((k) => PURPOSES.includes(k)),
        binding: `The key is the DID itself (did:key), so it belongs to ${parsed.did}.`,
      },
    };
  }
  const hash = vmId.indexOf('#');
  const base = hash >= 0 ? vmId.slice(0, hash) : vmId;
  const fragment = hash >= 0 ? vmId.slice(hash + 1) : '';

  let documentUrl: string | undefined;
  if (base.startsWith('did:web:')) {
    documentUrl = didWebToUrl(base);
    if (!documentUrl) return { ok: false, reason: `${base} is not a valid did:web identifier.` };
  } else if (/^https?:\/\//.test(base)) {
    // 1EdTech convention: `<issuer-url>#z6Mk…` names the key itself.
    const publicKey = fragment.startsWith('z6Mk') ? decodePublicKeyMultibase(fragment) : undefined;
    if (publicKey) return await resolveKeyInUrl({ vmId, base, publicKey, options });
    documentUrl = base;
  } else {
    return { ok: false, reason: `The key ${vmId} uses an identifier this verifier cannot resolve.` };
  }

  const loaded = await loadControllerDocument(base, documentUrl, options);
  if (!loaded.ok) return loaded;
  const document = loaded.document;
  const method = findMethod(document, vmId, base);
  if (!method) return { ok: false, reason: `The document of ${base} does not list the key ${vmId}.` };
  const controller = typeof method.controller === 'string' ? method.controller : undefined;
  if (document.id !== base) {
    return { ok: false, reason: `The document read for ${base} says it belongs to ${String(document.id)}.` };
  }
  if (controller !== undefined && controller !== base) {
    return { ok: false, reason: `The key ${vmId} is controlled by ${controller}, not by ${base}.` };
  }
  const purposes = PURPOSES.filter((purpose) => listsMethod(document[purpose], vmId, base));
  const publicKeyJwk = isObject(method.publicKeyJwk) ? method.publicKeyJwk : undefined;
  const publicKey = ed25519KeyOf(method, publicKeyJwk);
  if (!publicKey && !publicKeyJwk) {
    return { ok: false, reason: `The key ${vmId} is not in a form this verifier reads (Ed25519 Multikey, base58 or JWK).` };
  }
  return {
    ok: true,
    key: {
      id: vmId,
      controller: base,
      ...(publicKey ? { publicKey } : {}),
      ...(publicKeyJwk ? { publicKeyJwk } : {}),
      purposes,
      binding: base.startsWith('did:web:')
        ? `The key is published in the DID document of ${base}, read from ${documentUrl}.`
        : `The key is published in the document at ${documentUrl}.`,
    },
  };
}

/**
 * The `<issuer-url>#z6Mk…` form. The key is confirmed when the document at the issuer URL (held or
 * fetched) lists this verification method with the same key; otherwise it is only self-asserted.
 */
async function resolveKeyInUrl(args: { vmId: string; base: string; publicKey: Uint8Array; options: KeyResolverOptions }): Promise<KeyResolution> {
  const { vmId, base, publicKey, options } = args;
  const loaded = options.documents?.has(base) || options.fetcher ? await loadControllerDocument(base, base, options) : undefined;
  if (loaded?.ok) {
    const method = findMethod(loaded.document, vmId, base);
    const listed = method ? ed25519KeyOf(method, isObject(method.publicKeyJwk) ? method.publicKeyJwk : undefined) : undefined;
    if (listed && Buffer.compare(Buffer.from(listed), Buffer.from(publicKey)) === 0) {
      return {
        ok: true,
        key: {
          id: vmId,
          controller: base,
          publicKey,
          // An issuer profile that lists keys without relationships (as OB Profiles do) authorises them
          // for what the identifier says; one that has relationships authorises only what they list.
          purposes: PURPOSES.some((purpose) => loaded.document[purpose] !== undefined)
            ? PURPOSES.filter((purpose) => listsMethod(loaded.document[purpose], vmId, base))
            : undefined,
          binding: `The key is published by ${base} in its own document.`,
        },
      };
    }
  }
  const why = loaded === undefined
    ? 'no document of theirs was available to confirm it'
    : loaded.ok
      ? 'their published document does not list it'
      : 'their document could not be read to confirm it';
  return {
    ok: true,
    key: {
      id: vmId,
      controller: base,
      publicKey,
      purposes: undefined,
      selfAsserted: true,
      binding: `The key is written in the key identifier after “#” (the 1EdTech convention), which names ${base} as its owner, but ${why}.`,
    },
  };
}

/**
 * The raw Ed25519 key of a verification method, in any of the forms DID documents use for it:
 * Multikey / Ed25519VerificationKey2020 (`publicKeyMultibase`), Ed25519VerificationKey2018
 * (`publicKeyBase58`, raw 32 bytes) or JsonWebKey2020 (`publicKeyJwk`, OKP Ed25519).
 */
function ed25519KeyOf(method: JsonObject, jwk: JsonObject | undefined): Uint8Array | undefined {
  if (typeof method.publicKeyMultibase === 'string') return decodePublicKeyMultibase(method.publicKeyMultibase);
  if (typeof method.publicKeyBase58 === 'string') {
    const raw = base58btcDecode(method.publicKeyBase58);
    return raw?.length === 32 ? raw : undefined;
  }
  if (jwk && jwk.kty === 'OKP' && jwk.crv === 'Ed25519' && typeof jwk.x === 'string' && jwk.d === undefined) {
    const raw = base64urlDecode(jwk.x);
    return raw?.length === 32 ? raw : undefined;
  }
  return undefined;
}

async function loadControllerDocument(
  base: string,
  url: string,
  options: KeyResolverOptions,
): Promise<{ ok: true; document: JsonObject } | { ok: false; reason: string }> {
  const held = options.documents?.get(base) ?? options.documents?.get(url);
  if (held !== undefined) {
    return isObject(held) ? { ok: true, document: held } : { ok: false, reason: `The document saved for ${base} is not a JSON object.` };
  }
  if (!options.fetcher) {
    return { ok: false, reason: `The document of ${base} is needed to find the key, and this verifier does not go online (it can be given with --resolve).` };
  }
  try {
    const fetched = await options.fetcher(url);
    if (fetched.body.byteLength > MAX_DOCUMENT_BYTES) return { ok: false, reason: `The document of ${base} is too large.` };
    const parsed: unknown = JSON.parse(new TextDecoder().decode(fetched.body));
    return isObject(parsed) ? { ok: true, document: parsed } : { ok: false, reason: `The document of ${base} is not a JSON object.` };
  } catch (error) {
    return { ok: false, reason: `The document of ${base} could not be read from ${url}: ${(error as Error).message}` };
  }
}

function findMethod(document: JsonObject, vmId: string, base: string): JsonObject | undefined {
  const candidates: unknown[] = [];
  for (const key of ['verificationMethod', ...PURPOSES]) {
    const value = document[key];
    if (Array.isArray(value)) candidates.push(...value);
    else if (value !== undefined) candidates.push(value);
  }
  for (const candidate of candidates) {
    if (isObject(candidate) && absolute(candidate.id, base) === vmId) return candidate;
  }
  return undefined;
}

function listsMethod(value: unknown, vmId: string, base: string): boolean {
  const list = Array.isArray(value) ? value : value === undefined ? [] : [value];
  return list.some((entry) => absolute(typeof entry === 'string' ? entry : isObject(entry) ? entry.id : undefined, base) === vmId);
}

function absolute(id: unknown, base: string): string | undefined {
  if (typeof id !== 'string') return undefined;
  return id.startsWith('#') ? `${base}${id}` : id;
}

