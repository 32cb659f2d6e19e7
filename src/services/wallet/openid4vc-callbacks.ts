/**
 * What the OpenID4VC libraries (@openid4vc/openid4vci, @openid4vc/openid4vp) need from the wallet, made
 * from microcred's own parts: `fetch` is the guarded fetcher (the one door to the network: http(s), public
 * addresses after DNS, size and time limits), JWTs are signed with the learner's did:key (EdDSA) through
 * the Signer (the secret never leaves the vault's keeping), hashing and randomness are node:crypto.
 */
import { createHash, randomBytes } from 'node:crypto';
import { FetchRefusedError, FetchStatusError } from '../../net/guarded-fetcher.ts';
import { parseDidKey } from '../../vc/did/did-key.ts';
import { verifyEd25519 } from '../../vc/keys/ed25519.ts';
import { base64urlDecode, base64urlEncode } from '../../vc/multibase.ts';
import type { Fetcher, Signer } from '../../vc/types.ts';

/** The error statuses a protocol peer answers in words (OAuth error bodies): read, not thrown. */
const PROTOCOL_ERROR_STATUSES = Array.from({ length: 100 }, (_, index) => 400 + index);

/** The network could not be used for a peer's address: the reason in words, for the learner. */
export class PeerUnreachable extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PeerUnreachable';
  }
}

/** The first PeerUnreachable in an error's cause chain (the libraries wrap what fetch threw). */
export function unreachable(error: unknown): PeerUnreachable | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 6 && current; depth++) {
    if (current instanceof PeerUnreachable) return current;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/**
 * A WHATWG `fetch` over the guarded fetcher, as the libraries call it: GET, or POST with a string or
 * form body. 4xx answers are returned (their OAuth error body is the library's to read); refusals by the
 * guard, 5xx and unreachable hosts throw PeerUnreachable with the reason in words.
 */
export function guardedFetch(fetcher: Fetcher): typeof fetch {
  const adapted = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    const method = (init?.method ?? (input instanceof Request ? input.method : 'GET')).toUpperCase();
    const headers: Record<string, string> = {};
    new Headers(init?.headers).forEach((value, name) => {
      headers[name] = value;
    });
    let post: { body: string; headers: Record<string, string> } | undefined;
    if (method === 'POST') {
      const body = init?.body;
      const text = body === undefined || body === null ? '' : typeof body === 'string' ? body : body instanceof URLSearchParams ? body.toString() : undefined;
      if (text === undefined) throw new TypeError('The wallet posts only text or form bodies.');
      if (body instanceof URLSearchParams && !headers['content-type']) headers['content-type'] = 'application/x-www-form-urlencoded';
      post = { body: text, headers };
    } else if (method !== 'GET') {
      throw new TypeError(`The wallet does not send ${method} requests.`);
    }
    try {
      const answer = await fetcher(url, { acceptStatus: PROTOCOL_ERROR_STATUSES, ...(post ? { post } : {}) });
      return new Response(answer.status === 204 ? null : Buffer.from(answer.body), {
        status: answer.status,
        headers: answer.contentType ? { 'content-type': answer.contentType } : {},
      });
    } catch (error) {
      throw new PeerUnreachable(fetchFailure(url, error));
    }
  };
  return adapted as typeof fetch;
}

function fetchFailure(url: string, error: unknown): string {
  let host = url;
  try {
    host = new URL(url).host;
  } catch {
    // keep the text as given
  }
  if (error instanceof FetchRefusedError) return `${host} may not be contacted: ${error.message} Only public http(s) addresses are read.`;
  if (error instanceof FetchStatusError) return `${host} answered ${error.status}.`;
  const message = error instanceof Error ? error.message : '';
  if (/timed out/i.test(message)) return `${host} did not answer in time.`;
  return `${host} could not be reached.`;
}

export function sha(data: Uint8Array, alg: string): Uint8Array {
  const name = alg.toLowerCase().replace('-', '');
  if (name !== 'sha256' && name !== 'sha384' && name !== 'sha512') throw new TypeError(`Unsupported hash ${alg}.`);
  return new Uint8Array(createHash(name).update(data).digest());
}

export function random(byteLength: number): Uint8Array {
  return new Uint8Array(randomBytes(byteLength));
}

/** The public JWK of a did:key Ed25519 key (RFC 8037). */
export function jwkOfDidKey(did: string): { kty: 'OKP'; crv: 'Ed25519'; x: string } | undefined {
  const parsed = parseDidKey(did.split('#')[0]!);
  return parsed ? { kty: 'OKP', crv: 'Ed25519', x: base64urlEncode(parsed.publicKey) } : undefined;
}

/**
 * Signs a compact JWS (alg EdDSA) with the learner's did:key signer. The header names the key (`kid`) as
 * the caller set it; the payload is signed as given.
 */
export async function signCompactJwt(signer: Signer, header: Record<string, unknown>, payload: Record<string, unknown>): Promise<string> {
  const encode = (value: unknown) => base64urlEncode(new TextEncoder().encode(JSON.stringify(value)));
  const input = `${encode({ ...header, alg: 'EdDSA' })}.${encode(payload)}`;
  const signature = await signer.sign(new TextEncoder().encode(input));
  return `${input}.${base64urlEncode(signature)}`;
}

/**
 * Checks a compact JWS signed with EdDSA by a did:key or did:jwk (the request objects of verifiers
 * identified by a DID that needs no network). Other keys are not resolved: false.
 */
export function verifyDidJwt(compact: string, didUrl: string): { verified: boolean; jwk?: Record<string, string> } {
  const did = didUrl.split('#')[0]!;
  let jwk: Record<string, string> | undefined;
  if (did.startsWith('did:key:')) jwk = jwkOfDidKey(did);
  else if (did.startsWith('did:jwk:')) {
    const bytes = base64urlDecode(did.slice('did:jwk:'.length));
    try {
      jwk = bytes ? JSON.parse(new TextDecoder().decode(bytes)) as Record<string, string> : undefined;
    } catch {
      jwk = undefined;
    }
  }
  if (!jwk || jwk.kty !== 'OKP' || jwk.crv !== 'Ed25519' || typeof jwk.x !== 'string') return { verified: false };
  const parts = compact.split('.');
  if (parts.length !== 3) return { verified: false };
  const publicKey = base64urlDecode(jwk.x);
  const signature = base64urlDecode(parts[2]!);
  if (!publicKey || !signature) return { verified: false };
  return { verified: verifyEd25519(publicKey, new TextEncoder().encode(`${parts[0]}.${parts[1]}`), signature), jwk };
}
