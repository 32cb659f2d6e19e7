import { CONTEXTS } from '../contexts/index.ts';
import {
  decodePublicKeyMultibase,
  encodePublicKeyMultibase,
  encodeSecretKeyMultibase,
  generateEd25519,
  publicKeyFromSeed,
  type Ed25519Multikey,
} from '../keys/ed25519.ts';
import type { JsonObject } from '../types.ts';

/** A did:key DID (did:key method §3.1.1) for an Ed25519 public key. */
export function didKeyFromPublicKey(publicKey: Uint8Array): string {
  return `did:key:${encodePublicKeyMultibase(publicKey)}`;
}

/** Creates a new did:key Ed25519 key pair, with its secret, in Multikey form. */
export function generateDidKey(seed?: Uint8Array): Ed25519Multikey {
  const pair = seed ? { seed, publicKey: publicKeyFromSeed(seed) } : generateEd25519();
  const fingerprint = encodePublicKeyMultibase(pair.publicKey);
  const did = `did:key:${fingerprint}`;
  return {
    type: 'Multikey',
    id: `${did}#${fingerprint}`,
    controller: did,
    publicKeyMultibase: fingerprint,
    secretKeyMultibase: encodeSecretKeyMultibase(pair.seed),
  };
}

/** The fingerprint of an Ed25519 did:key (the `z6Mk…` part) or undefined when it is not one. */
export function parseDidKey(did: string): { did: string; fingerprint: string; publicKey: Uint8Array } | undefined {
  const match = /^did:key:(z6Mk[1-9A-HJ-NP-Za-km-z]+)(?:#(.*))?$/.exec(did);
  if (!match) return undefined;
  const fingerprint = match[1]!;
  if (match[2] !== undefined && match[2] !== fingerprint) return undefined;
  const publicKey = decodePublicKeyMultibase(fingerprint);
  if (!publicKey) return undefined;
  return { did: `did:key:${fingerprint}`, fingerprint, publicKey };
}

/** The DID document of an Ed25519 did:key, as did:key resolution produces it (Multikey form). */
export function resolveDidKey(did: string): JsonObject | undefined {
  const parsed = parseDidKey(did);
  if (!parsed) return undefined;
  const vmId = `${parsed.did}#${parsed.fingerprint}`;
  return {
    '@context': [CONTEXTS.DID_V1, CONTEXTS.MULTIKEY_V1],
    id: parsed.did,
    verificationMethod: [
      { id: vmId, type: 'Multikey', controller: parsed.did, publicKeyMultibase: parsed.fingerprint },
    ],
    authentication: [vmId],
    assertionMethod: [vmId],
    capabilityDelegation: [vmId],
    capabilityInvocation: [vmId],
  };
}
