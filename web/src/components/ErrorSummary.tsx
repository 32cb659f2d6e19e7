import { useEffect, useRef } from 'react';
import type { ApiError } from '../api.ts';

/**
 * The server's problem detail and every field message, at the top of a form. It takes focus when it
 * appears so keyboard and screen-reader users learn that the submission failed.
 */
export function ErrorSummary({ error, title = 'There is a problem' }: { error: ApiError | undefined; title?: string }) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (error) ref.current?.focus();
  }, [error]);
  if (!error) return null;
  return (
    <div className="error-summary" role="alert" tabIndex={-1} ref={ref}>
      <h2>{title}</h2>
      <p>{error.detail}</p>
      {error.errors.length ? (
        <ul>
          {error.errors.map((e, i) => (
            <li key={i}>
              {e.pointer ? <code>{e.pointer}</code> : null} {e.message}
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}
