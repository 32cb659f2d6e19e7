import type { CredentialStatus } from '../api-types.ts';

const LABELS: Record<CredentialStatus, string> = {
  active: 'Active',
  revoked: 'Revoked',
  suspended: 'Suspended',
  expired: 'Expired',
};

/** A credential's status in words (colour is a second cue, never the only one). */
export function StatusBadge({ status }: { status: CredentialStatus }) {
  return <span className={`badge badge-${status}`}>{LABELS[status] ?? status}</span>;
}
