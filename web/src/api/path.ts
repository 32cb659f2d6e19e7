/** One path segment, encoded (ids are UUIDs, tokens are opaque: neither may break out of its segment). */
export function seg(value: string): string {
  return encodeURIComponent(value);
}

/** What every read takes: a signal to abandon it (a screen that goes away). */
export interface ReadOptions {
  signal?: AbortSignal;
}
