/**
 * Server data in the browser: TanStack Query, with one query per API path. A query's key is
 * `['api', path]`, so a change can invalidate everything under a path (`invalidateApi(client, '/api/v1/wallet')`).
 */
import { keepPreviousData, QueryClient, useQuery, useQueryClient } from '@tanstack/react-query';
import type { QueryClient as Client, UseQueryResult } from '@tanstack/react-query';
import { useCallback } from 'react';
import { ApiError, asApiError } from './api.ts';
import { useSession } from './session.tsx';

/**
 * A failed read is tried again only when another try could help: the network failed (status 0) or the
 * server had a problem (5xx), and only once. A 4xx answer (not found, forbidden, invalid) is final and
 * shown at once.
 */
export function shouldRetry(failureCount: number, error: unknown): boolean {
  const status = error instanceof ApiError ? error.status : 0;
  return failureCount < 1 && (status === 0 || status >= 500);
}

export function createQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        retry: shouldRetry,
        retryDelay: 500,
        // Screens hold forms filled from what they loaded: refetching behind the user's back when the
        // window regains focus would reset them. Screens reload after their own changes instead.
        refetchOnWindowFocus: false,
        refetchOnReconnect: false,
        // A screen opens on fresh data, as people expect after a change made on another screen (or by
        // a colleague): nothing is kept once no screen shows it. Screens on view share their queries.
        gcTime: 0,
      },
      mutations: { retry: false },
    },
  });
}

export function apiKey(path: string): readonly ['api', string] {
  return ['api', path];
}

/** Marks every query whose path starts with `prefix` stale and reloads those on screen. */
export function invalidateApi(client: Client, prefix: string): Promise<void> {
  return client.invalidateQueries({ predicate: (q) => q.queryKey[0] === 'api' && typeof q.queryKey[1] === 'string' && q.queryKey[1].startsWith(prefix) });
}

/** `invalidateApi` bound to this app's query client. */
export function useInvalidateApi(): (prefix: string) => Promise<void> {
  const client = useQueryClient();
  return useCallback((prefix: string) => invalidateApi(client, prefix), [client]);
}

/**
 * GETs an API path (JSON) through the query cache. While a new path loads, the previous answer stays
 * on screen (no flicker of the list being replaced); errors are ApiErrors.
 */
export function useApiQuery<T>(
  path: string,
  options: {
    enabled?: boolean;
    /** Loads again when this changes (e.g. the version of the item the answer lists things of). */
    refreshOn?: string | number;
  } = {},
): UseQueryResult<T, ApiError> {
  const { api } = useSession();
  return useQuery<T, ApiError>({
    queryKey: options.refreshOn === undefined ? apiKey(path) : [...apiKey(path), options.refreshOn],
    queryFn: async ({ signal }) => {
      try {
        return await api.get<T>(path, { signal });
      } catch (error) {
        throw asApiError(error);
      }
    },
    placeholderData: keepPreviousData,
    enabled: options.enabled ?? true,
  });
}
