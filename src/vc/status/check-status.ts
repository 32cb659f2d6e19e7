import type { Check, CheckOutcome, JsonObject } from '../types.ts';
import { MAX_STATUS_SIZE, decodeStatusList, type DecodeStatusListResult, type StatusBitstring } from './bitstring.ts';
import { asArray, isObject } from '../json.ts';

/** Reads a status list credential (JSON object, or a JWT string) from its URL. Throws when it cannot. */
export type StatusListFetcher = (url: string) => Promise<unknown>;

/**
 * Checks the proof of a fetched status list credential. Shaped like a proof provider's result so
 * that the caller can pass its own verify function. For a VC-JWT list, `credential` is the list
 * carried in the token.
 */
export type StatusListVerifier = (document: unknown) => Promise<{ verified: boolean; message: string; credential?: JsonObject }>;

export interface CheckCredentialStatusOptions {
  credential: JsonObject;
  fetchStatusList: StatusListFetcher;
  /** Without it, the list's own signature is not checked (and the report says so). */
  verifyStatusListCredential?: StatusListVerifier;
  now: Date;
  /** Lower bound on list size; defaults to the 131,072 entries of §6.1. Only tests lower it. */
  minimumEntries?: number;
  /**
   * Keeps inflated lists across calls (a verifier checking many credentials of one list inflates it
   * once): given the cache key and the inflation, answers the held or the new result.
   */
  decodeCache?: (key: string, decode: () => DecodeStatusListResult) => DecodeStatusListResult;
}

/** What was found for one `credentialStatus` entry. */
export interface StatusEntryResult {
  outcome: CheckOutcome;
  message: string;
  type?: string;
  statusPurpose?: string;
  statusListCredential?: string;
  statusListIndex?: number;
  /** The status value read from the list (the `statusSize`-bit value at index × statusSize). */
  status?: number;
  /** Bits per entry (§2.1 statusSize; 1 when absent). */
  statusSize?: number;
  /** §3.2 step 13: true when the status value is 0. */
  valid?: boolean;
  /** The entry's `statusMessage` message for the value read, when it gives one (§3.2 step 14). */
  statusMessage?: string;
  /** The entry's `statusReference` URLs: where the issuer explains its statuses (§2.1). */
  statusReference?: string[];
  /**
   * The error the Bitstring Status List / VC 2.0 specification names for a failure, e.g.
   * `STATUS_VERIFICATION_ERROR` (§3.2 / VC 2.0 §7.1), for callers that answer in the specs' codes.
   */
  code?: StatusErrorCode;
}

export type StatusErrorCode = 'MALFORMED_VALUE_ERROR' | 'RANGE_ERROR' | 'STATUS_RETRIEVAL_ERROR' | 'STATUS_VERIFICATION_ERROR' | 'STATUS_LIST_LENGTH_ERROR';

export interface StatusCheck extends Check {
  check: 'status';
  entries: StatusEntryResult[];
}

const UNKNOWN = "The issuer's status list could not be read, so whether this credential has been revoked is unknown.";
const ORDER: Record<CheckOutcome, number> = { skipped: 0, passed: 1, warning: 2, failed: 3 };
/**
 * Most status entries read from one credential. Real ones have one to three (revocation, suspension,
 * message); each entry can cost a fetch and a list inflation, so a hostile array must not be read in full.
 */
export const MAX_STATUS_ENTRIES = 16;

/**
 * Checks a credential's `credentialStatus` (Bitstring Status List §3.2 "Validate Algorithm"; legacy
 * StatusList2021Entry is read the same way). Never throws on bad input.
 *
 * Outcomes: a set revocation or suspension bit fails; a list that cannot be fetched is a warning
 * that says the status is unknown (never "not revoked"); a list whose proof does not verify, that
 * another party published, or that is malformed fails, because its answer cannot be trusted.
 */
export async function checkCredentialStatus(options: CheckCredentialStatusOptions): Promise<StatusCheck> {
  const { credential, now } = options;
  if (!isObject(credential)) throw new TypeError('credential must be an object.');
  if (typeof options.fetchStatusList !== 'function') throw new TypeError('fetchStatusList must be a function.');
  if (!(now instanceof Date) || Number.isNaN(now.getTime())) throw new TypeError('now must be a valid Date.');

  const raw = credential.credentialStatus;
  if (raw === undefined || raw === null || (Array.isArray(raw) && raw.length === 0)) {
    return summarise([{ outcome: 'skipped', message: 'The issuer did not publish a way to revoke this credential.' }]);
  }
  const entries: unknown[] = Array.isArray(raw) ? raw : [raw];
  if (entries.length > MAX_STATUS_ENTRIES) {
    return summarise([{
      outcome: 'failed',
      message: `The credential has ${entries.length} status entries, far more than any real credential (at most ${MAX_STATUS_ENTRIES} are read), so its status was not checked.`,
    }]);
  }
  const lists: ListCache = { loads: new Map(), decoded: new Map() };
  const results: StatusEntryResult[] = [];
  for (const entry of entries) {
    try {
      results.push(await checkEntry(entry, credential, options, lists));
    } catch {
      // A bug in reading one hostile entry must not take the verification down with it.
      results.push({ outcome: 'failed', message: 'A status entry of this credential could not be read.' });
    }
  }
  return summarise(results);
}

async function checkEntry(
  entry: unknown,
  credential: JsonObject,
  options: CheckCredentialStatusOptions,
  lists: ListCache,
): Promise<StatusEntryResult> {
  if (!isObject(entry)) return { outcome: 'failed', code: 'MALFORMED_VALUE_ERROR', message: 'A status entry of this credential is not an object.' };
  const types = asArray(entry.type).filter((t): t is string => typeof t === 'string');
  const legacy = types.includes('StatusList2021Entry');
  if (!types.includes('BitstringStatusListEntry') && !legacy) {
    const name = types[0] ?? 'with no type';
    return {
      outcome: 'skipped',
      message: `The credential names a status method (${name}) that this verifier does not know, so its status was not checked.`,
      ...(types[0] ? { type: types[0] } : {}),
    };
  }
  const type = legacy ? 'StatusList2021Entry' : 'BitstringStatusListEntry';
  const base: StatusEntryResult = { outcome: 'failed', message: '', type };

  // §2.1 entry properties.
  const purpose = entry.statusPurpose;
  if (typeof purpose !== 'string' || purpose.length === 0) {
    return { ...base, code: 'MALFORMED_VALUE_ERROR', message: 'A status entry does not say what it is for (statusPurpose is missing).' };
  }
  base.statusPurpose = purpose;
  const url = entry.statusListCredential;
  if (typeof url !== 'string' || !URL.canParse(url)) {
    return { ...base, code: 'MALFORMED_VALUE_ERROR', message: 'A status entry does not give a valid address for its status list.' };
  }
  base.statusListCredential = url;
  const index = parseIndex(entry.statusListIndex);
  if (index === undefined) {
    return { ...base, code: 'MALFORMED_VALUE_ERROR', message: 'A status entry does not give a valid position in its status list (statusListIndex).' };
  }
  base.statusListIndex = index;
  const statusSize = entry.statusSize ?? 1;
  if (typeof statusSize !== 'number' || !Number.isInteger(statusSize) || statusSize < 1) {
    return { ...base, code: 'MALFORMED_VALUE_ERROR', message: 'A status entry gives an invalid statusSize (it must be a whole number from 1).' };
  }
  base.statusSize = statusSize;
  if (statusSize > MAX_STATUS_SIZE) {
    return { ...base, outcome: 'warning', message: `A status entry uses ${statusSize} bits per credential, more than this verifier reads, so its status is unknown.` };
  }
  const messagesProblem = statusMessageProblem(entry.statusMessage, statusSize);
  if (messagesProblem) return { ...base, code: 'MALFORMED_VALUE_ERROR', message: `A status entry is malformed: ${messagesProblem}` };
  if (entry.statusReference !== undefined) {
    const references = asArray(entry.statusReference);
    // §2.1: a URL or an array of URLs.
    if (references.length === 0 || !references.every((ref) => typeof ref === 'string' && URL.canParse(ref))) {
      return { ...base, code: 'MALFORMED_VALUE_ERROR', message: 'A status entry is malformed: statusReference must be a URL or a list of URLs.' };
    }
    base.statusReference = references as string[];
  }

  let load = lists.loads.get(url);
  if (!load) {
    load = loadList(url, options);
    lists.loads.set(url, load);
  }
  const loaded = await load;
  if (!loaded.ok) {
    const message = loaded.message === UNKNOWN && purpose !== 'revocation' ? unknownFor(purpose) : loaded.message;
    return { ...base, outcome: loaded.outcome, code: loaded.outcome === 'warning' ? 'STATUS_RETRIEVAL_ERROR' : 'STATUS_VERIFICATION_ERROR', message };
  }
  const list = loaded.credential;
  const subject = firstObject(list.credentialSubject);
  if (!subject) return { ...base, code: 'STATUS_VERIFICATION_ERROR', message: 'The status list credential has no list in it.' };

  const listIssuer = issuerId(list);
  const credentialIssuer = issuerId(credential);
  if (listIssuer === undefined) {
    return { ...base, code: 'STATUS_VERIFICATION_ERROR', message: 'The status list does not say who published it, so it cannot speak for the issuer of this credential.' };
  }
  if (credentialIssuer !== undefined && listIssuer !== credentialIssuer) {
    return {
      ...base,
      code: 'STATUS_VERIFICATION_ERROR',
      message: `The status list was published by ${listIssuer}, not by the issuer of this credential (${credentialIssuer}), so it cannot speak for it.`,
    };
  }
  // §3.2 step 5: the entry's purpose must be one of the list's purposes.
  const listPurposes = asArray(subject.statusPurpose);
  if (!listPurposes.includes(purpose)) {
    return {
      ...base,
      code: 'STATUS_VERIFICATION_ERROR',
      message: `The status entry is for ${purpose}, but the list it points to is for ${listPurposes.map(String).join(', ') || 'nothing stated'}.`,
    };
  }

  // Entries that share a list and a statusSize share one inflation of it.
  const decodedKey = `${statusSize} ${legacy ? 'legacy' : 'bitstring'} ${url}`;
  let decoded = lists.decoded.get(decodedKey);
  if (!decoded) {
    const decode = () => decodeStatusList({
      encodedList: subject.encodedList,
      statusSize,
      multibase: legacy ? 'auto' : true,
      ...(options.minimumEntries !== undefined ? { minimumEntries: options.minimumEntries } : {}),
    });
    // Across calls the key is the encoded text itself: a changed list is a new key, never stale.
    decoded = options.decodeCache && typeof subject.encodedList === 'string'
      ? options.decodeCache(`${decodedKey}\n${options.minimumEntries ?? ''}\n${subject.encodedList}`, decode)
      : decode();
    lists.decoded.set(decodedKey, decoded);
  }
  if (!decoded.ok) {
    // A list too large to inflate was not read: its status could not be retrieved (§3.2 names no code for it).
    const code = decoded.error.code === 'STATUS_LIST_TOO_LARGE' ? 'STATUS_RETRIEVAL_ERROR' : decoded.error.code;
    return { ...base, code, message: `The issuer's status list is not usable: ${decoded.error.message}` };
  }
  return readStatus({ ...base }, decoded.list, index, purpose, entry, windowNote(list, options.now), loaded.note);
}

function readStatus(
  result: StatusEntryResult,
  list: StatusBitstring,
  index: number,
  purpose: string,
  entry: JsonObject,
  stale: string | undefined,
  unverifiedNote: string | undefined,
): StatusEntryResult {
  // §3.2 step 10: an index beyond the list is a RANGE_ERROR.
  if (index >= list.length) {
    return { ...result, outcome: 'failed', code: 'RANGE_ERROR', message: `The status entry points to position ${index}, beyond the end of its list (${list.length} entries).` };
  }
  const status = list.get(index);
  result.status = status;
  result.valid = status === 0;
  const text = messageFor(entry.statusMessage, status);
  if (text !== undefined) result.statusMessage = text;
  const hex = `0x${status.toString(16)}`;
  const notes = [stale, unverifiedNote].filter(Boolean).join(' ');
  const withNotes = (text: string) => (notes ? `${text} ${notes}` : text);
  const cautious: CheckOutcome = stale ? 'warning' : 'passed';
  switch (purpose) {
    case 'revocation':
      return status !== 0
        ? { ...result, outcome: 'failed', message: 'The issuer has revoked this credential.' }
        : { ...result, outcome: cautious, message: withNotes("The issuer's revocation list shows this credential as not revoked.") };
    case 'suspension':
      return status !== 0
        ? { ...result, outcome: 'failed', message: 'The issuer has suspended this credential for now.' }
        : { ...result, outcome: cautious, message: withNotes("The issuer's suspension list shows this credential as not suspended.") };
    case 'message': {
      // A message informs; it does not by itself make the credential invalid (§2.1 leaves its handling to the issuer's rules).
      const reference = result.statusReference ? ` (The issuer explains its statuses at ${result.statusReference.join(', ')}.)` : '';
      return text === undefined
        ? { ...result, outcome: 'warning', message: withNotes(`The issuer set status ${hex} for this credential but gave no message for it.${reference}`) }
        : { ...result, outcome: cautious, message: withNotes(`The issuer's status for this credential is ${hex}: “${text}”.${reference}`) };
    }
    case 'refresh':
      return {
        ...result,
        outcome: cautious,
        message: withNotes(
          status !== 0
            ? 'The issuer says a newer version of this credential is available.'
            : 'The issuer does not offer a newer version of this credential.',
        ),
      };
    default:
      return { ...result, outcome: 'skipped', message: `The status entry has a purpose (${purpose}) this verifier does not know, so it was not checked.` };
  }
}

interface ListCache {
  loads: Map<string, Promise<ListLoad>>;
  decoded: Map<string, DecodeStatusListResult>;
}

type ListLoad =
  | { ok: true; credential: JsonObject; note?: string }
  | { ok: false; outcome: CheckOutcome; message: string };

async function loadList(url: string, options: CheckCredentialStatusOptions): Promise<ListLoad> {
  let fetched: unknown;
  try {
    fetched = await options.fetchStatusList(url);
  } catch {
    return { ok: false, outcome: 'warning', message: UNKNOWN };
  }
  let credential = isObject(fetched) ? fetched : undefined;
  let note: string | undefined;
  if (options.verifyStatusListCredential) {
    let verification: Awaited<ReturnType<StatusListVerifier>>;
    try {
      verification = await options.verifyStatusListCredential(fetched);
    } catch {
      verification = { verified: false, message: 'The status list could not be checked.' };
    }
    if (!verification.verified) {
      return {
        ok: false,
        outcome: 'failed',
        message: `The issuer's status list did not pass its own signature check, so its answer cannot be trusted. ${verification.message}`.trim(),
      };
    }
    if (isObject(verification.credential)) credential = verification.credential;
  } else {
    note = "(The status list's own signature was not checked.)";
  }
  if (!credential) return { ok: false, outcome: 'warning', message: UNKNOWN };
  if (typeof credential.id === 'string' && credential.id !== url) {
    // A list of the same issuer served under another URL could hide a revocation.
    return { ok: false, outcome: 'failed', message: `The status list read from ${url} says it is ${credential.id}, so it is not the list the credential points to.` };
  }
  const types = asArray(credential.type);
  if (!types.includes('BitstringStatusListCredential') && !types.includes('StatusList2021Credential')) {
    return { ok: false, outcome: 'failed', message: `The document at ${url} is not a status list credential.` };
  }
  return note ? { ok: true, credential, note } : { ok: true, credential };
}

/** Clock difference tolerated between the list's signer and this verifier (as for credential validity). */
const LIST_CLOCK_SKEW_MS = 300_000;

/** A warning sentence when the list is outside its validity period (VC 2.0 §4.9). */
function windowNote(list: JsonObject, now: Date): string | undefined {
  const until = dateOf(list.validUntil ?? list.expirationDate);
  if (until !== undefined && until < now.getTime() - LIST_CLOCK_SKEW_MS) {
    return `The status list expired on ${new Date(until).toISOString()}, so it may be out of date.`;
  }
  const from = dateOf(list.validFrom);
  if (from !== undefined && from > now.getTime() + LIST_CLOCK_SKEW_MS) {
    return `The status list is only valid from ${new Date(from).toISOString()}, so it may not be the current one.`;
  }
  return undefined;
}

function unknownFor(purpose: string): string {
  if (purpose === 'suspension') return "The issuer's status list could not be read, so whether this credential has been suspended is unknown.";
  return `The issuer's status list could not be read, so this credential's ${purpose} status is unknown.`;
}

function summarise(entries: StatusEntryResult[]): StatusCheck {
  let outcome: CheckOutcome = 'skipped';
  for (const entry of entries) if (ORDER[entry.outcome] > ORDER[outcome]) outcome = entry.outcome;
  const shown = entries.filter((entry) => entry.outcome === outcome);
  const message = [...new Set((shown.length > 0 ? shown : entries).map((entry) => entry.message))].join(' ');
  return {
    check: 'status',
    outcome,
    message,
    details: { entries: entries.map((entry) => ({ ...entry })) },
    entries,
  };
}

/**
 * Why an entry's statusMessage breaks §2.1, or undefined: when present it is an array of exactly
 * 2^statusSize objects, each with a `status` (hex, `0x…`, within range, not repeated) and a
 * `message` string; when statusSize is above 1 it must be present.
 */
function statusMessageProblem(messages: unknown, statusSize: number): string | undefined {
  if (messages === undefined) return statusSize > 1 ? `statusMessage is required when statusSize is ${statusSize} (one message for each of the ${2 ** statusSize} values).` : undefined;
  if (!Array.isArray(messages)) return 'statusMessage must be a list.';
  if (messages.length !== 2 ** statusSize) return `statusMessage has ${messages.length} messages, but a ${statusSize}-bit status has ${2 ** statusSize} values, and each needs one.`;
  const seen = new Set<number>();
  for (const item of messages as unknown[]) {
    if (!isObject(item) || typeof item.status !== 'string' || !/^0x[0-9a-fA-F]{1,8}$/.test(item.status) || typeof item.message !== 'string') {
      return 'each statusMessage needs a hexadecimal status such as "0x0" and a message.';
    }
    const value = Number.parseInt(item.status.slice(2), 16);
    if (value >= 2 ** statusSize || seen.has(value)) return `statusMessage ${item.status} is out of range or repeated.`;
    seen.add(value);
  }
  return undefined;
}

function messageFor(messages: unknown, status: number): string | undefined {
  for (const item of asArray(messages)) {
    if (!isObject(item) || typeof item.status !== 'string' || typeof item.message !== 'string') continue;
    if (/^0x[0-9a-fA-F]{1,8}$/.test(item.status) && Number.parseInt(item.status.slice(2), 16) === status) return item.message;
  }
  return undefined;
}

// §2.1: statusListIndex is a base-10 integer expressed as a string (numbers are read leniently).
function parseIndex(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isSafeInteger(value) && value >= 0 ? value : undefined;
  if (typeof value !== 'string' || !/^\d{1,15}$/.test(value)) return undefined;
  return Number(value);
}

function dateOf(value: unknown): number | undefined {
  if (typeof value !== 'string') return undefined;
  const time = Date.parse(value);
  return Number.isNaN(time) ? undefined : time;
}

function issuerId(credential: JsonObject): string | undefined {
  const issuer = credential.issuer;
  if (typeof issuer === 'string') return issuer;
  if (isObject(issuer) && typeof issuer.id === 'string') return issuer.id;
  return undefined;
}

function firstObject(value: unknown): JsonObject | undefined {
  return asArray(value).find(isObject);
}


