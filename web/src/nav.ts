import type { Role } from './types.ts';

const ADMINS: Role[] = ['owner', 'admin'];
const ISSUERS: Role[] = ['owner', 'admin', 'issuer'];
const REGISTRARS: Role[] = ['owner', 'admin', 'registrar'];

/**
 * The console's navigation, in order, with the roles that may use each screen (the server checks the
 * same rules, src/services/access.ts CAN; hiding only spares people screens that would refuse them).
 */
export const NAV: { path: string; label: string; roles?: Role[] }[] = [
  { path: '/console/credentials', label: 'Credentials' },
  { path: '/console/issue', label: 'Issue one', roles: ISSUERS },
  { path: '/console/bulk', label: 'Bulk issue', roles: ISSUERS },
  { path: '/console/achievements', label: 'Micro-credentials' },
  { path: '/console/pathways', label: 'Pathways' },
  { path: '/console/recognition', label: 'Recognition', roles: REGISTRARS },
  { path: '/console/issuers', label: 'Issuers and keys' },
  { path: '/console/organisation', label: 'Organisation', roles: ADMINS },
  { path: '/console/api-keys', label: 'API keys', roles: ADMINS },
  { path: '/console/outbox', label: 'Outbox', roles: ADMINS },
  { path: '/console/audit', label: 'Audit log', roles: ADMINS },
];

export function navFor(role: Role | undefined): typeof NAV {
  return NAV.filter((item) => !item.roles || (role !== undefined && item.roles.includes(role)));
}
