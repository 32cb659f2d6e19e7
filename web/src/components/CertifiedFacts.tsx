import { Fragment, type ReactNode } from 'react';
import type { CertifiedFact, TechnicalFact } from '../api-types.ts';

/** A fact's date in words ("2 March 2026"), as the public page and the PDF certificate write it. */
function longDay(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : date.toLocaleDateString('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });
}

function Value({ value }: { value: CertifiedFact['values'][number] }) {
  if (value.date) return <time dateTime={value.text}>{longDay(value.text)}</time>;
  return value.href && /^https?:\/\//i.test(value.href) ? (
    <a href={value.href} rel="noopener noreferrer nofollow">
      {value.text}
    </a>
  ) : (
    <>{value.text}</>
  );
}

/**
 * What a credential certifies: the labelled facts of the server's one view model (src/vc/certifies.ts),
 * the same the public page and the PDF certificate show. Facts without a value never reach here.
 */
export function CertifiedFacts({ facts }: { facts: CertifiedFact[] }) {
  return (
    <dl className="facts certifies" data-testid="certifies">
      {facts.map((fact) => (
        <Fragment key={fact.key}>
          <dt>{fact.label}</dt>
          <dd className="wrap" data-fact={fact.key}>
            {fact.list && fact.values.length > 1 ? (
              <ul>
                {fact.values.map((v, i) => (
                  <li key={i}>
                    <Value value={v} />
                  </li>
                ))}
              </ul>
            ) : (
              fact.values.map((v, i) => (
                <span key={i}>
                  {i > 0 ? (fact.key === 'activity' ? ' to ' : ', ') : null}
                  <Value value={v} />
                </span>
              ))
            )}
          </dd>
        </Fragment>
      ))}
    </dl>
  );
}

/** Identifiers, proof suites, keys and media types, folded away under "Technical details". */
export function TechnicalDetails({ facts, children }: { facts: TechnicalFact[]; children?: ReactNode }) {
  if (facts.length === 0 && !children) return null;
  return (
    <details className="technical" data-testid="technical-details">
      <summary>Technical details</summary>
      {children}
      <h3>Identifiers and signature</h3>
      <dl className="facts">
        {facts.map((fact, i) => (
          <Fragment key={i}>
            <dt>{fact.label}</dt>
            <dd className="wrap">
              <code>{fact.value}</code>
            </dd>
          </Fragment>
        ))}
      </dl>
    </details>
  );
}

/** "9 checks: 7 passed, 2 not checked": what was checked, in counts (the checks' own words name keys and DIDs). */
export function checkCounts(checks: { outcome: string }[]): string {
  const words: [string, string][] = [['passed', 'passed'], ['failed', 'failed'], ['warning', 'with a warning'], ['skipped', 'not checked']];
  const parts = words.flatMap(([outcome, word]) => {
    const n = checks.filter((c) => c.outcome === outcome).length;
    return n === 0 ? [] : [`${n} ${word}`];
  });
  return parts.length > 0 ? `${checks.length} ${checks.length === 1 ? 'check' : 'checks'}: ${parts.join(', ')}` : 'nothing could be checked';
}
