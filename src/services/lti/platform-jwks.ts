import { createLocalJWKSet, type JSONWebKeySet, type JWTVerifyGetKey } from 'jose';
import type { Fetcher } from '../../vc/types.ts';

/**
 * Platforms' key sets read through the guarded fetcher and kept a while: a bounded cache (an explicit
 * object, per process), refreshed when a token names a key id the cached set lacks (key rotation),
 * at most once a minute per URL so forged kids cannot make us hammer the platform.
 */
export function createPlatformJwksCache(deps: { fetch: Fetcher; now: () => Date; maxEntries?: number; ttlMs?: number }) {
  const maxEntries = deps.maxEntries ?? 200;
  const ttlMs = deps.ttlMs ?? 10 * 60_000;
  const entries = new Map<string, { set: JSONWebKeySet; fetchedAt: number }>();

  async function fetchSet(url: string): Promise<JSONWebKeySet> {
    const answer = await deps.fetch(url, { headers: { accept: 'application/json' } });
    let parsed: unknown;
    try {
      parsed = JSON.parse(new TextDecoder().decode(answer.body));
    } catch {
      throw new Error(`the platform's JWKS at ${url} is not JSON`);
    }
    if (typeof parsed !== 'object' || parsed === null || !Array.isArray((parsed as { keys?: unknown }).keys)) throw new Error(`the platform's JWKS at ${url} has no keys array`);
    const set = parsed as JSONWebKeySet;
    entries.delete(url);
    entries.set(url, { set, fetchedAt: deps.now().getTime() });
    while (entries.size > maxEntries) entries.delete(entries.keys().next().value!);
    return set;
  }

  return {
    /** A key resolver for jose's jwtVerify over the platform's JWKS at `url`. */
    resolver(url: string): JWTVerifyGetKey {
      return async (header, token) => {
        const cached = entries.get(url);
        const fresh = cached && deps.now().getTime() - cached.fetchedAt < ttlMs;
        const set = fresh ? cached.set : await fetchSet(url);
        const known = header.kid === undefined || set.keys.some((key) => key.kid === header.kid);
        const recentlyFetched = cached && deps.now().getTime() - cached.fetchedAt < 60_000;
        const use = known || !fresh || recentlyFetched ? set : await fetchSet(url);
        return createLocalJWKSet(use)(header, token);
      };
    },
    clear(): void {
      entries.clear();
    },
  };
}
