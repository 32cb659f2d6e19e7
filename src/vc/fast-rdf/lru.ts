/**
 * The cache's one store: least-recently-used entries of a few kinds, each kind with its own count
 * bound, and all of them under one bound on bytes held (by the cache's own estimate, see
 * `template.ts` and `admission.ts`). Keys are short digests, never document text, so what a key
 * costs is known and small. A hit only stamps the entry (no re-insertion); the scan for the oldest
 * runs only when an insertion overflows a bound, over at most the sum of the count bounds.
 */

interface Slot {
  kind: string;
  value: unknown;
  bytes: number;
  used: number;
}

/** What a key and its slot cost besides the value: the digest text, the map entry, the slot object. */
export const ENTRY_OVERHEAD_BYTES = 256;

export class BoundedLru<Kinds extends Record<string, unknown>> {
  readonly #limits: { readonly [K in keyof Kinds]: number };
  readonly #counts = new Map<string, number>();
  readonly #maxBytes: number;
  readonly #map = new Map<string, Slot>();
  #bytes = 0;
  #clock = 0;

  constructor(limits: { readonly [K in keyof Kinds]: number }, maxBytes: number) {
    this.#limits = limits;
    this.#maxBytes = maxBytes;
  }

  /** Bytes held by every entry, by the estimates given to `set`. Never above the bound. */
  get bytes(): number {
    return this.#bytes;
  }

  count(kind: keyof Kinds & string): number {
    return this.#count(kind);
  }

  #count(kind: string): number {
    return this.#counts.get(kind) ?? 0;
  }

  get<K extends keyof Kinds & string>(kind: K, key: string): Kinds[K] | undefined {
    const slot = this.#map.get(`${kind}\u0000${key}`);
    if (slot === undefined) return undefined;
    slot.used = ++this.#clock;
    return slot.value as Kinds[K];
  }

  /**
   * Keeps the value, evicting the least recently used entries of its kind past the kind's count
   * bound, then the least recently used of any kind past the byte bound. Returns false (and keeps
   * nothing) when the value alone is too large to keep.
   */
  set<K extends keyof Kinds & string>(kind: K, key: string, value: Kinds[K], bytes: number): boolean {
    const full = `${kind}\u0000${key}`;
    this.#delete(full);
    const cost = bytes + ENTRY_OVERHEAD_BYTES + full.length * 2;
    if (cost > this.#maxBytes) return false;
    this.#map.set(full, { kind, value, bytes: cost, used: ++this.#clock });
    this.#bytes += cost;
    this.#counts.set(kind, this.#count(kind) + 1);
    while (this.count(kind) > this.#limits[kind]) this.#evictOldest(kind);
    while (this.#bytes > this.#maxBytes) this.#evictOldest(undefined);
    return true;
  }

  #delete(full: string): void {
    const slot = this.#map.get(full);
    if (slot === undefined) return;
    this.#map.delete(full);
    this.#bytes -= slot.bytes;
    this.#counts.set(slot.kind, this.#count(slot.kind) - 1);
  }

  #evictOldest(kind: string | undefined): void {
    let oldestKey: string | undefined;
    let oldest = Infinity;
    for (const [k, slot] of this.#map) {
      if (slot.used < oldest && (kind === undefined || slot.kind === kind)) {
        oldest = slot.used;
        oldestKey = k;
      }
    }
    if (oldestKey === undefined) throw new Error('BoundedLru: nothing left to evict');
    this.#delete(oldestKey);
  }
}
