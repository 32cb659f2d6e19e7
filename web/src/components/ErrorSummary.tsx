import { useEffect, useRef } from 'react';
import type { ApiError } from '../api.ts';
import { detailSentence } from '../field-errors.ts';

/**
 * A JSON pointer in words for people: "/eu/participationForm" → "Participation form",
 * "/alignments/0/targetUrl" → "Alignments 1 target url". The `eu` grouping is left out.
 */
export function pointerInWords(pointer: string): string {
  const words = pointer
    .split('/')
    .filter((part) => part !== '' && part !== 'eu' && part !== 'body')
    .map((part) => (/^\d+$/.test(part) ? String(Number(part) + 1) : part.replace(/~1/g, '/').replace(/~0/g, '~').replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase()))
    .join(' ');
  return words ? words.charAt(0).toUpperCase() + words.slice(1) : '';
}

/**
 * The server's problem detail and every field message, at the top of a form. It takes focus when it
 * appears so keyboard and screen-reader users learn that the submission failed.
 */
export function ErrorSummary({ error, title = 'There is a problem' }: { error: ApiError | null | undefined; title?: string }) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (error) ref.current?.focus();
  }, [error]);
  if (!error) return null;
  return (
    <div className="error-summary" role="alert" tabIndex={-1} ref={ref}>
      <h2>{title}</h2>
      {/* A validation detail that only repeats the first field error ("/name is required") is left out. */}
      {error.errors.length && (error.detail.startsWith('/') || error.sentences().includes(detailSentence(error.detail))) ? null : <p>{detailSentence(error.detail)}</p>}
      {error.errors.length ? (
        <ul>
          {error.sentences().map((sentence, i) => (
            <li key={i}>{sentence}</li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}
