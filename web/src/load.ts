import { keepPreviousData, useQuery, useQueryClient } from '@tanstack/react-query';
import { useCallback, useId } from 'react';
import { asApiError } from './api.ts';
import type { ApiError } from './api.ts';

export interface Loaded<T> {
  data: T | undefined;
  error: ApiError | undefined;
  loading: boolean;
  reload(): void;
}

/**
 * Loads composite data for a screen (several requests combined in `load`) through TanStack Query, and
 * reloads it when `key` changes or reload() is called; the previous answer stays while the next loads.
 * The query belongs to this component alone (its key includes the component's id), since `key` only
 * says when `load` changes. For a single API path prefer useApiQuery (query.ts), which shares the cache.
 */
export function useLoad<T>(load: (signal: AbortSignal) => Promise<T>, key: string): Loaded<T> {
  const id = useId();
  const client = useQueryClient();
  const queryKey = ['screen', id, key];
  const result = useQuery<{ value: T }, ApiError>({
    queryKey,
    // Wrapped: a load may answer undefined ("nothing to load yet"), which TanStack Query refuses as data.
    queryFn: async ({ signal }) => {
      try {
        return { value: await load(signal) };
      } catch (error) {
        throw asApiError(error);
      }
    },
    placeholderData: keepPreviousData,
  });
  const reload = useCallback(() => void client.invalidateQueries({ queryKey: ['screen', id] }), [client, id]);
  return { data: result.data?.value, error: result.error ?? undefined, loading: result.isFetching, reload };
}

/** Formats an ISO date-time for people, in their locale. */
export function formatDate(value: string | null | undefined): string {
  if (!value) return '—';
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? value : date.toLocaleString('en-GB', { dateStyle: 'medium', timeStyle: 'short' });
}
