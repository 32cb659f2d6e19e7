import { createPublicKey } from 'node:crypto';
import { base58btcDecode, base64urlDecode, base64urlEncode } from '../multibase.ts';
import { parseDidKey } from './did-key.ts';

/** A public key as a JWK (RFC 7517), OKP Ed25519 or EC P-256: the two a wallet's proof may be signed with here. */
export interface PublicJwk {
  kty: 'OKP' | 'EC';
  crv: 'Ed25519' | 'P-256';
  x: string;
  y?: string;
}

/** SubjectPublicKeyInfo header of a compressed P-256 point (RFC 5480), for node to decompress it. */
const P256_SPKI_COMPRESSED = Buffer.from('3039301306072a8648ce3d020106082a8648ce3d030107032200', 'hex');

function p256FromCompressed(point: Uint8Array): PublicJwk | undefined {
  if (point.length !== 33 || (point[0] !== 2 && point[0] !== 3)) return undefined;
  try {
    const jwk = createPublicKey({ key: Buffer.concat([P256_SPKI_COMPRESSED, point]), format: 'der', type: 'spki' }).export({ format: 'jwk' });
    return typeof jwk.x === 'string' && typeof jwk.y === 'string' ? { kty: 'EC', crv: 'P-256', x: jwk.x, y: jwk.y } : undefined;
  } catch {
    return undefined;
  }
}

/** A JWK that is one of ours (Ed25519 or P-256 public key, no private part), normalised; else undefined. */
export function publicJwkOf(value: unknown): PublicJwk | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const jwk = value as Record<string, unknown>;
  if ('d' in jwk) return undefined;
  if (jwk.kty === 'OKP' && jwk.crv === 'Ed25519' && typeof jwk.x === 'string' && base64urlDecode(jwk.x)?.length === 32) return { kty: 'OKP', crv: 'Ed25519', x: jwk.x };
  if (jwk.kty === 'EC' && jwk.crv === 'P-256' && typeof jwk.x === 'string' && typeof jwk.y === 'string'
    && base64urlDecode(jwk.x)?.length === 32 && base64urlDecode(jwk.y)?.length === 32) return { kty: 'EC', crv: 'P-256', x: jwk.x, y: jwk.y };
  return undefined;
}

/**
 * The public key a holder's DID URL names: did:key (Ed25519 `z6Mk…` and P-256 `zDn…`, did:key method
 * §3.1) or did:jwk (did:jwk method §2), with or without a fragment. Undefined for anything else.
 *
 * @example holderKey('did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK#z6Mk…') // { kty: 'OKP', crv: 'Ed25519', x: … }
 */
export function holderKey(didUrl: string): { did: string; jwk: PublicJwk } | undefined {
  const [did, fragment] = didUrl.split('#', 2) as [string, string | undefined];
  if (did.startsWith('did:key:')) {
    const ed = parseDidKey(did);
    if (ed) return fragment === undefined || fragment === ed.fingerprint ? { did: ed.did, jwk: { kty: 'OKP', crv: 'Ed25519', x: base64urlEncode(ed.publicKey) } } : undefined;
    const fingerprint = did.slice('did:key:'.length);
    if (!fingerprint.startsWith('z') || (fragment !== undefined && fragment !== fingerprint)) return undefined;
    const bytes = base58btcDecode(fingerprint.slice(1), 64);
    // Multicodec p256-pub (0x1200) as a varint: 0x80 0x24, then the compressed point.
    if (!bytes || bytes[0] !== 0x80 || bytes[1] !== 0x24) return undefined;
    const jwk = p256FromCompressed(bytes.subarray(2));
    return jwk ? { did, jwk } : undefined;
  }
  if (did.startsWith('did:jwk:')) {
    if (fragment !== undefined && fragment !== '0') return undefined;
    const decoded = base64urlDecode(did.slice('did:jwk:'.length));
    if (!decoded || decoded.length > 1024) return undefined;
    let parsed: unknown;
    try {
      parsed = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(decoded));
    } catch {
      return undefined;
    }
    const jwk = publicJwkOf(parsed);
    return jwk ? { did, jwk } : undefined;
  }
  return undefined;
}

/** The did:jwk (did:jwk method §2) of a public key: how a holder that proved a bare JWK is named. */
export function didJwkOf(jwk: PublicJwk): string {
  const ordered = jwk.kty === 'OKP' ? { crv: jwk.crv, kty: jwk.kty, x: jwk.x } : { crv: jwk.crv, kty: jwk.kty, x: jwk.x, y: jwk.y };
  return `did:jwk:${base64urlEncode(new TextEncoder().encode(JSON.stringify(ordered)))}`;
}
