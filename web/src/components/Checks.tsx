import type { VerifyCheck, WalletCheck } from '../api-types.ts';

/** A check as the wallet (`check`) or the verifier (`id`) names it. */
export type Check = WalletCheck | VerifyCheck;

/** The check's own name or id, for keys and test hooks. */
export function checkName(check: Check, index: number): string {
  return ('check' in check ? check.check : check.id) ?? String(index);
}

const OUTCOMES: Record<string, { label: string; mark: string }> = {
  passed: { label: 'Passed', mark: '✓' },
  failed: { label: 'Failed', mark: '✗' },
  warning: { label: 'Warning', mark: '!' },
  skipped: { label: 'Not checked', mark: '–' },
  match: { label: 'Matches', mark: '✓' },
  'no-match': { label: 'Does not match', mark: '✗' },
  'not-checked': { label: 'Not checked', mark: '–' },
};

export function outcomeLabel(outcome: string): string {
  return OUTCOMES[outcome]?.label ?? outcome;
}

/** Each verification check with its outcome in words (the mark and colour only repeat the word). */
export function Checks({ checks, testId = 'checks' }: { checks: Check[]; testId?: string }) {
  if (!checks.length) return <p className="muted">No checks were recorded.</p>;
  return (
    <ul className="checks" data-testid={testId}>
      {checks.map((c, i) => (
        <li key={checkName(c, i)} className={`check check-${c.outcome}`} data-check={checkName(c, i)}>
          <span className="check-mark" aria-hidden="true">
            {OUTCOMES[c.outcome]?.mark ?? '•'}
          </span>
          <span className="check-outcome">{outcomeLabel(c.outcome)}:</span> <span className="check-message">{c.message}</span>
        </li>
      ))}
    </ul>
  );
}
