import { CONTEXTS } from '../contexts/index.ts';
import { asArray, isObject } from '../json.ts';
import { base64urlDecode } from '../multibase.ts';
import type { JsonObject } from '../types.ts';
import { MAX_STATUS_SIZE, StatusBitstring } from './bitstring.ts';

/** Bitstring Status List §2.1 statusPurpose values. */
export type StatusPurpose = 'revocation' | 'suspension' | 'refresh' | 'message';
export const STATUS_PURPOSES: readonly StatusPurpose[] = ['revocation', 'suspension', 'refresh', 'message'];

/** One value of a multi-bit status and what it means (§2.1 statusMessage). `status` is hex, e.g. `0x2`. */
export interface StatusMessage {
  status: string;
  message: string;
}

export interface BuildStatusListCredentialOptions {
  /** The URL the list credential is published at; it is also its `id`. */
  url: string;
  /** The issuer's id (must be the issuer of the credentials that point to the list). */
  issuer: string;
  statusPurpose: StatusPurpose;
  /** The list itself, or an already-encoded `encodedList`. */
  list: StatusBitstring | string;
  validFrom: Date;
  /** After this time verifiers treat the list as stale; republish before it. */
  validUntil?: Date;
  /** Milliseconds a verifier may cache the list (§2.2 ttl). */
  ttl?: number;
}

/**
 * An unsigned `BitstringStatusListCredential` (Bitstring Status List §2.2, VC 2.0), ready to be
 * signed like any other credential.
 */
export function buildStatusListCredential(options: BuildStatusListCredentialOptions): JsonObject {
  const { url, issuer, statusPurpose, list } = options;
  assertUrl(url, 'url');
  if (typeof issuer !== 'string' || issuer.length === 0) throw new TypeError('issuer must be the issuer id.');
  assertPurpose(statusPurpose);
  const encodedList = typeof list === 'string' ? list : list instanceof StatusBitstring ? list.encode() : undefined;
  if (typeof encodedList !== 'string' || !encodedList.startsWith('u')) {
    throw new TypeError('list must be a StatusBitstring or a multibase (“u…”) encodedList.');
  }
  assertDate(options.validFrom, 'validFrom');
  if (options.validUntil !== undefined) assertDate(options.validUntil, 'validUntil');
  if (options.ttl !== undefined && (!Number.isSafeInteger(options.ttl) || options.ttl <= 0)) {
    throw new TypeError('ttl must be a positive number of milliseconds.');
  }
  return {
    '@context': [CONTEXTS.CREDENTIALS_V2],
    id: url,
    type: ['VerifiableCredential', 'BitstringStatusListCredential'],
    issuer,
    validFrom: isoSeconds(options.validFrom),
    ...(options.validUntil ? { validUntil: isoSeconds(options.validUntil) } : {}),
    credentialSubject: {
      id: `${url}#list`,
      type: 'BitstringStatusList',
      statusPurpose,
      encodedList,
      ...(options.ttl !== undefined ? { ttl: options.ttl } : {}),
    },
  };
}

export interface BuildStatusListEntryOptions {
  /** URL of the BitstringStatusListCredential. */
  listUrl: string;
  index: number;
  statusPurpose: StatusPurpose;
  /** Bits per entry; when above 1, `statusMessage` is required (§2.1). */
  statusSize?: number;
  statusMessage?: StatusMessage[];
  /** URLs where the issuer explains its statuses (§2.1 statusReference; encouraged for `message`). */
  statusReference?: string | string[];
}

/**
 * The `credentialStatus` entry that points a credential at its place in a list (§2.1). statusSize
 * and statusMessage belong here, not on the list: the context defines them only for the entry.
 */
export function buildStatusListEntry(options: BuildStatusListEntryOptions): JsonObject {
  const { listUrl, index, statusPurpose } = options;
  assertUrl(listUrl, 'listUrl');
  if (!Number.isSafeInteger(index) || index < 0) throw new TypeError('index must be a whole number from 0.');
  assertPurpose(statusPurpose);
  const statusSize = options.statusSize ?? 1;
  if (!Number.isInteger(statusSize) || statusSize < 1 || statusSize > MAX_STATUS_SIZE) {
    throw new TypeError(`statusSize must be a whole number from 1 to ${MAX_STATUS_SIZE}.`);
  }
  const messages = options.statusMessage;
  // §2.1: with more than one bit per entry, every possible value needs a message.
  if (statusSize > 1 && messages === undefined) {
    throw new TypeError('statusMessage is required when statusSize is greater than 1.');
  }
  if (messages !== undefined) assertStatusMessages(messages, statusSize);
  const reference = options.statusReference;
  if (reference !== undefined) {
    const references = Array.isArray(reference) ? reference : [reference];
    if (references.length === 0 || !references.every((url) => typeof url === 'string' && URL.canParse(url))) {
      throw new TypeError('statusReference must be a URL or a list of URLs.');
    }
  }
  return {
    id: `${listUrl}#${index}`,
    type: 'BitstringStatusListEntry',
    statusPurpose,
    statusListIndex: String(index),
    statusListCredential: listUrl,
    ...(statusSize !== 1 ? { statusSize } : {}),
    ...(messages !== undefined ? { statusMessage: messages.map((m) => ({ status: m.status, message: m.message })) } : {}),
    ...(reference !== undefined ? { statusReference: reference } : {}),
  };
}

function assertStatusMessages(messages: unknown, statusSize: number): void {
  if (!Array.isArray(messages)) throw new TypeError('statusMessage must be an array of {status, message}.');
  if (messages.length !== 2 ** statusSize) {
    throw new TypeError(`statusMessage must describe all ${2 ** statusSize} values of a ${statusSize}-bit status.`);
  }
  const seen = new Set<number>();
  for (const entry of messages as unknown[]) {
    const { status, message } = (entry ?? {}) as { status?: unknown; message?: unknown };
    if (typeof status !== 'string' || !/^0x[0-9a-fA-F]+$/.test(status) || typeof message !== 'string') {
      throw new TypeError('Each statusMessage needs a hex status such as "0x0" and a message.');
    }
    const value = Number.parseInt(status.slice(2), 16);
    if (value >= 2 ** statusSize || seen.has(value)) throw new TypeError(`statusMessage ${status} is out of range or repeated.`);
    seen.add(value);
  }
}

function assertPurpose(purpose: unknown): void {
  if (!STATUS_PURPOSES.includes(purpose as StatusPurpose)) {
    throw new TypeError(`statusPurpose must be one of ${STATUS_PURPOSES.join(', ')}.`);
  }
}

function assertUrl(value: unknown, name: string): void {
  if (typeof value !== 'string' || !URL.canParse(value) || value.includes('#')) {
    throw new TypeError(`${name} must be an absolute URL without a fragment.`);
  }
}

function assertDate(value: unknown, name: string): void {
  if (!(value instanceof Date) || Number.isNaN(value.getTime())) throw new TypeError(`${name} must be a valid Date.`);
}

function isoSeconds(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/**
 * The `ttl` a fetched status list credential states (§2.2: milliseconds a verifier may cache it), or
 * undefined when it states none or a nonsense value. Reads a JSON object, or the payload of a VC-JWT
 * (the credential itself, or its `vc` claim) without checking its signature: the value can only
 * shorten how long a verifier keeps the list, so an unchecked one does no harm.
 */
export function statusListTtl(list: unknown): number | undefined {
  let credential: unknown = list;
  if (typeof list === 'string') {
    const payload = list.trim().split('.')[1];
    const bytes = payload !== undefined ? base64urlDecode(payload) : undefined;
    if (!bytes) return undefined;
    try {
      credential = JSON.parse(new TextDecoder().decode(bytes));
    } catch {
      return undefined;
    }
    if (isObject(credential) && isObject(credential.vc)) credential = credential.vc;
  }
  if (!isObject(credential)) return undefined;
  const subject = asArray(credential.credentialSubject).find(isObject);
  const ttl = subject?.ttl;
  return typeof ttl === 'number' && Number.isFinite(ttl) && ttl >= 0 ? ttl : undefined;
}
