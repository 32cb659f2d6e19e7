import type { Clock } from '../types.ts';

export interface StatusListCacheOptions {
  /** Lists kept at once, least recently used out first (default 128). */
  maxEntries?: number;
  /**
   * How long a fetched list, and the check of its signature, are reused (default 5 minutes; 0 turns
   * the cache off). A revocation shows up to this late, as with any HTTP cache of the list.
   */
  maxAgeMs?: number;
  clock?: Clock;
}

interface Entry<T> {
  value: Promise<T>;
  at: number;
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
  readonly #clock: Clock;

  constructor(options: StatusListCacheOptions = {}) {
    this.#maxEntries = options.maxEntries ?? 128;
    this.#maxAgeMs = options.maxAgeMs ?? 300_000;
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
    this.#remember(this.#lists, url, value);
    try {
      return await value;
    } catch (error) {
      this.#lists.delete(url);
      throw error;
    }
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
      if (held && now - held.at <= this.#maxAgeMs) return await held.value;
      const value = verify();
      this.#objectChecks.set(document, { value, at: now });
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
    if (this.#clock().getTime() - entry.at > this.#maxAgeMs) {
      map.delete(key);
      return undefined;
    }
    map.delete(key);
    map.set(key, entry);
    return entry.value;
  }

  #remember<T>(map: Map<string, Entry<T>>, key: string, value: Promise<T>): void {
    map.set(key, { value, at: this.#clock().getTime() });
    if (map.size > this.#maxEntries) map.delete(map.keys().next().value!);
  }
}
