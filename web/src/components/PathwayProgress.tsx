import type { ReactNode } from 'react';
import '../pathways.css';
import type { Missing, PathwayEvaluation, RequirementResult } from '../api-types.ts';
import { credits, percent } from '../format.ts';
import { KIND_LABELS } from '../pathway-form.ts';

/**
 * A progress bar people and assistive technology both read: a native <progress> named by `label`,
 * with the percentage in words beside it (colour and length are never the only cue).
 */
export function ProgressBar({ value, label, testId, words }: { value: number; label: string; testId?: string; words?: (pct: number) => string }) {
  const pct = percent(value);
  return (
    <div className="progress-line" data-testid={testId}>
      <progress max={100} value={pct} aria-label={label}>
        {pct}%
      </progress>
      {/* A bar about what has not happened yet (a plan) says so: "complete" is only for what the learner holds. */}
      <span className="progress-text">{words ? words(pct) : `${pct}% complete`}</span>
    </div>
  );
}

/** How the page names things the evaluation refers to by key or URL. */
export interface Names {
  /** A counted credential's name (wallet item or sample credential). */
  credential(key: string): string;
  /** Where a counted credential can be opened, if anywhere. */
  credentialLink?(key: string): ReactNode | undefined;
  /** An achievement's name and issuer, from its public URL. */
  achievement(url: string): string;
  /** A skill's or outcome's name, from its URL. */
  outcome(url: string): string;
}

function unitText(r: RequirementResult): string {
  if (r.unit === 'ECTS') return `${credits(r.achieved)} of ${credits(r.required)} ECTS`;
  if (r.unit === 'items') return `${r.achieved} of ${r.required} ${r.kind === 'outcomes' ? 'outcomes covered' : 'achievements held'}`;
  return `${r.achieved} of ${r.required} credentials`;
}

/** What a requirement still needs, in words. */
export function MissingList({ missing, names }: { missing: Missing; names: Names }) {
  const lines: ReactNode[] = [];
  for (const url of missing.achievements ?? []) lines.push(<li key={`a${url}`}>{names.achievement(url)}</li>);
  for (const url of missing.outcomes ?? []) lines.push(<li key={`o${url}`}>Covering {names.outcome(url)}</li>);
  if (missing.count) lines.push(<li key="count">{missing.count === 1 ? '1 more credential' : `${missing.count} more credentials`}</li>);
  if (missing.credits) lines.push(<li key="credits">{credits(missing.credits)} more ECTS</li>);
  if (!lines.length) return null;
  return (
    <div className="missing">
      <p className="small-head">Still missing</p>
      <ul>{lines}</ul>
    </div>
  );
}

/**
 * The engine's evaluation of a pathway, requirement by requirement: progress, credentials counted,
 * what is missing and why, and the credentials that may not count with the reasons.
 */
export function EvaluationView({ evaluation, names, level = 2, idPrefix }: { evaluation: PathwayEvaluation; names: Names; level?: 2 | 3; idPrefix: string }) {
  const H = level === 2 ? 'h2' : 'h3';
  return (
    <div className="evaluation" data-testid="evaluation">
      <ol className="requirements">
        {evaluation.requirements.map((r, i) => {
          const title = r.label || r.id;
          const headingId = `${idPrefix}-req-${i}`;
          return (
            <li key={r.id} className={r.satisfied ? 'requirement requirement-met' : 'requirement'} data-testid="requirement-result">
              <H id={headingId} className="requirement-title">
                {title}{' '}
                <span className={r.satisfied ? 'badge badge-active' : 'badge'}>{r.satisfied ? 'Met' : 'Not met yet'}</span>
              </H>
              <p className="muted">
                {KIND_LABELS[r.kind]} · {unitText(r)}
                {r.shared ? ' · credentials may also count elsewhere' : ''}
              </p>
              <ProgressBar value={r.progress} label={`${title}: progress`} />
              {r.assigned.length ? (
                <div>
                  <p className="small-head">Counted</p>
                  <ul>
                    {r.assigned.map((key) => (
                      <li key={key}>{names.credentialLink?.(key) ?? names.credential(key)}</li>
                    ))}
                  </ul>
                </div>
              ) : null}
              <MissingList missing={r.missing} names={names} />
              {r.reasons.length ? (
                <details className="reasons">
                  <summary>
                    Why<span className="visually-hidden"> ({title})</span>
                  </summary>
                  <ul>
                    {r.reasons.map((reason, k) => (
                      <li key={k}>{reason}</li>
                    ))}
                  </ul>
                </details>
              ) : null}
            </li>
          );
        })}
      </ol>
      {evaluation.unusable.length ? (
        <section aria-labelledby={`${idPrefix}-unusable`} data-testid="unusable">
          <H id={`${idPrefix}-unusable`}>Credentials that do not count</H>
          <ul>
            {evaluation.unusable.map((u) => (
              <li key={u.key}>
                <strong>{u.achievementName || names.credential(u.key)}</strong>: {u.reasons.join(' ')}
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      {!evaluation.exact ? <p className="muted">The search for the best assignment stopped at its limit: progress may be a little higher.</p> : null}
    </div>
  );
}
