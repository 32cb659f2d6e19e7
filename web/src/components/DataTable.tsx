import { Fragment } from 'react';
import type { ReactNode } from 'react';
import type { ApiError } from '../api.ts';
import { Notice } from './Notice.tsx';
import { QueryState } from './QueryState.tsx';

export interface Column<T> {
  header: ReactNode;
  /** The cell; tables that draw their rows with `renderRow` leave it out. */
  cell?(row: T): ReactNode;
  /** For the body cells, e.g. "wrap" for long identifiers, "actions" for buttons. */
  className?: string;
}

/**
 * The list screens' table: loading, error (with "Try again") and empty states, then a captioned table
 * with column headers in a horizontally scrollable wrapper. `renderRow` replaces the plain cells for
 * rows that carry more (an inline form under the row); it returns the <tr>s itself.
 */
export function DataTable<T>({
  caption,
  columns,
  rows,
  error,
  rowKey,
  renderRow,
  empty,
  onRetry,
  testId,
}: {
  /** For screen readers (visually hidden): what the table lists. */
  caption: string;
  columns: Column<T>[];
  /** undefined while the first answer is on its way. */
  rows: T[] | undefined;
  error?: ApiError | null;
  rowKey(row: T): string;
  renderRow?(row: T): ReactNode;
  /** Shown instead of an empty table. */
  empty: ReactNode;
  onRetry?(): void;
  testId?: string;
}) {
  return (
    <QueryState query={{ data: rows, error }} errorTitle="The list could not be loaded" onRetry={onRetry}>
      {(items) =>
        items.length === 0 ? (
          <Notice>{empty}</Notice>
        ) : (
          <div className="table-wrap">
            <table data-testid={testId}>
              <caption className="visually-hidden">{caption}</caption>
              <thead>
                <tr>
                  {columns.map((column, i) => (
                    <th key={i} scope="col">
                      {column.header}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {items.map((row) =>
                  renderRow ? (
                    <Fragment key={rowKey(row)}>{renderRow(row)}</Fragment>
                  ) : (
                    <tr key={rowKey(row)}>
                      {columns.map((column, i) => (
                        <td key={i} className={column.className}>
                          {column.cell?.(row)}
                        </td>
                      ))}
                    </tr>
                  ),
                )}
              </tbody>
            </table>
          </div>
        )
      }
    </QueryState>
  );
}

