/** The console's navigation, in order. */
export const NAV: { path: string; label: string }[] = [
  { path: '/console/credentials', label: 'Credentials' },
  { path: '/console/issue', label: 'Issue one' },
  { path: '/console/bulk', label: 'Bulk issue' },
  { path: '/console/achievements', label: 'Micro-credentials' },
  { path: '/console/issuers', label: 'Issuers and keys' },
  { path: '/console/organisation', label: 'Organisation' },
  { path: '/console/api-keys', label: 'API keys' },
  { path: '/console/outbox', label: 'Outbox' },
  { path: '/console/audit', label: 'Audit log' },
];
