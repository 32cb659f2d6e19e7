import type { WalletStatus } from '../api-types.ts';

const LABELS: Record<WalletStatus, string> = {
  verified: 'Verified',
  revoked: 'Revoked',
  suspended: 'Suspended',
  expired: 'Expired',
  invalid: 'Not valid',
  unknown: 'Not checked',
};

/** What a status means, for the filter menu and screen readers. */
export const STATUS_HELP: Record<WalletStatus, string> = {
  verified: 'Every check passed.',
  revoked: 'The issuer has revoked it.',
  suspended: 'The issuer has suspended it for now.',
  expired: 'Its validity period is over.',
  invalid: 'Its signature or structure does not hold.',
  unknown: 'Its status could not be checked (the issuer could not be reached).',
};

export function statusLabel(status: string): string {
  return LABELS[status as WalletStatus] ?? status;
}

/** A wallet credential's status in words (colour is a second cue, never the only one). */
export function WalletStatusBadge({ status }: { status: string }) {
  return <span className={`badge wallet-badge-${status}`}>{statusLabel(status)}</span>;
}
