import type { ReactNode } from 'react';
import type { ApiError } from '../api.ts';
import { ErrorSummary } from './ErrorSummary.tsx';
import { Notice } from './Notice.tsx';

/** What a screen knows about something it loads: a TanStack Query result, or useLoad's. */
export interface LoadState<T> {
  data: T | undefined;
  error: ApiError | null | undefined;
}

/** "Loading…" as a polite live region, so screen readers hear that something is on its way. */
export function Loading({ children = 'Loading…' }: { children?: ReactNode }) {
  return <Notice>{children}</Notice>;
}

/**
 * The three states of loaded data in one place: the error (the server's problem detail, focused and
 * announced, with a way to try again), "Loading…" until the first answer, then the content. Once data
 * is there it stays on screen while it reloads; a failed reload shows the error above it.
 */
export function QueryState<T>({
  query,
  children,
  errorTitle = 'This could not be loaded',
  onRetry,
}: {
  query: LoadState<T>;
  children(data: T): ReactNode;
  errorTitle?: string;
  /** Offered as "Try again" beside an error that another try could mend (network, server). */
  onRetry?(): void;
}) {
  const error = query.error ?? undefined;
  return (
    <>
      {error ? (
        <>
          <ErrorSummary error={error} title={errorTitle} />
          {onRetry && (error.status === 0 || error.status >= 500) ? (
            <button type="button" onClick={onRetry}>
              Try again
            </button>
          ) : null}
        </>
      ) : null}
      {query.data !== undefined ? children(query.data) : error ? null : <Loading />}
    </>
  );
}
