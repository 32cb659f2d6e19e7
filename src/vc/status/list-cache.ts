import type { Clock } from '../types.ts';

export interface StatusListCacheOptions {
  /** Lists kept at once, least recently used out first (default 128). */
  maxEntries?: number;
  /**
   * The longest a fetched list, and the check of its signature, are reused (default 5 minutes; 0 turns
   * the cache off). A list that states a shorter `ttl` is kept no longer than that (see `ttlOf`).
   * A revocation shows up to this late, as with any HTTP cache of the list.
   */
  maxAgeMs?: number;
  /**
   * How long the issuer lets verifiers cache this list, in milliseconds (Bitstring Status List §2.2
   * `ttl`), or undefined when it does not say. Read from the loaded value; it can only shorten the
   * time a list is kept, never lengthen it beyond `maxAgeMs`.
   */
  ttlOf?: (list: unknown) => number | undefined;
  clock?: Clock;
}

interface Entry<T> {
  value: Promise<T>;
  at: number;
  /** Milliseconds the entry stays fresh from `at`. */
  life: number;
}

/**
 * Remembers status lists and the verification of their signatures for a short while, so verifying
 * many credentials that point into one list costs one fetch and one signature check, not one per
 * credential. Only successful fetches are kept; a failure is retried next time. An explicit object
 * with a size bound (STYLE.md: no module-level caches).
 */
export class StatusListCache<Verification> {
  readonly #lists = new Map<string, Entry<unknown>>();
  readonly #objectChecks = new WeakMap<object, Entry<Verification>>();
  readonly #textChecks = new Map<string, Entry<Verification>>();
  readonly #decoded = new Map<string, unknown>();
  readonly #maxEntries: number;
  readonly #maxAgeMs: number;
  readonly #ttlOf: (list: unknown) => number | undefined;
  readonly #clock: Clock;

  constructor(options: StatusListCacheOptions = {}) {
    this.#maxEntries = options.maxEntries ?? 128;
    this.#maxAgeMs = options.maxAgeMs ?? 300_000;
    this.#ttlOf = options.ttlOf ?? (() => undefined);
    this.#clock = options.clock ?? (() => new Date());
    if (!Number.isInteger(this.#maxEntries) || this.#maxEntries < 1) throw new TypeError('maxEntries must be a positive whole number.');
    if (!Number.isFinite(this.#maxAgeMs) || this.#maxAgeMs < 0) throw new TypeError('maxAgeMs must be a number of milliseconds ≥ 0.');
  }

  /** The list at `url`, loaded with `load` unless a fresh copy is held. */
  async list(url: string, load: () => Promise<unknown>): Promise<unknown> {
    if (this.#maxAgeMs === 0) return await load();
    const held = this.#fresh(this.#lists, url);
    if (held) return await held;
    const value = load();
    const entry = this.#remember(this.#lists, url, value);
    let list: unknown;
    try {
      list = await value;
    } catch (error) {
      if (this.#lists.get(url) === entry) this.#lists.delete(url);
      throw error;
    }
    // The list's own ttl, counted from when it was fetched (§2.2), shortens its stay.
    const ttl = this.#ttlOf(list);
    if (ttl !== undefined && Number.isFinite(ttl) && ttl >= 0) entry.life = Math.min(entry.life, ttl);
    return list;
  }

  /**
   * The inflated bits of a list, by a key that contains its encoded text (so a changed list never
   * meets an old entry). Bounded like the rest: the oldest entry goes first.
   */
  decoded<T>(key: string, decode: () => T): T {
    const held = this.#decoded.get(key);
    if (held !== undefined) return held as T;
    const value = decode();
    if (this.#decoded.size >= this.#maxEntries) this.#decoded.delete(this.#decoded.keys().next().value!);
    this.#decoded.set(key, value);
    return value;
  }

  /** Drops the held copy of one list (its issuer just changed it), so the next check reads it anew. */
  forget(url: string): void {
    this.#lists.delete(url);
  }

  /** The verification of a list document, computed with `verify` unless a fresh result is held. */
  async verification(document: unknown, verify: () => Promise<Verification>): Promise<Verification> {
    if (this.#maxAgeMs === 0) return await verify();
    const now = this.#clock().getTime();
    if (typeof document === 'object' && document !== null) {
      const held = this.#objectChecks.get(document);
      if (held && now - held.at <= held.life) return await held.value;
      const value = verify();
      this.#objectChecks.set(document, { value, at: now, life: this.#maxAgeMs });
      return await value;
    }
    if (typeof document === 'string') {
      const held = this.#fresh(this.#textChecks, document);
      if (held) return await held;
      const value = verify();
      this.#remember(this.#textChecks, document, value);
      return await value;
    }
    return await verify();
  }

  #fresh<T>(map: Map<string, Entry<T>>, key: string): Promise<T> | undefined {
    const entry = map.get(key);
    if (!entry) return undefined;
    // Fresh while less than its life has passed: a list with ttl T read at t is stale from t + T on.
    if (this.#clock().getTime() - entry.at >= entry.life) {
      map.delete(key);
      return undefined;
    }
    map.delete(key);
    map.set(key, entry);
    return entry.value;
  }

  #remember<T>(map: Map<string, Entry<T>>, key: string, value: Promise<T>): Entry<T> {
    const entry = { value, at: this.#clock().getTime(), life: this.#maxAgeMs };
    map.set(key, entry);
    if (map.size > this.#maxEntries) map.delete(map.keys().next().value!);
    return entry;
  }
}
