import type { Role } from './api-types.ts';

const ADMINS: Role[] = ['owner', 'admin'];
const ISSUERS: Role[] = ['owner', 'admin', 'issuer'];
const REGISTRARS: Role[] = ['owner', 'admin', 'registrar'];
const ASSESSORS: Role[] = ['owner', 'admin', 'assessor'];

/**
 * The console's navigation, in order, with the roles that may use each screen (the server checks the
 * same rules, src/services/access.ts CAN; hiding only spares people screens that would refuse them).
 */
export const NAV: { path: string; label: string; roles?: Role[]; /** Other paths the entry covers (marked current there). */ also?: string[] }[] = [
  { path: '/console/credentials', label: 'Credentials' },
  { path: '/console/issue', label: 'Issue one', roles: ISSUERS },
  { path: '/console/bulk', label: 'Bulk issue', roles: ISSUERS },
  { path: '/console/achievements', label: 'Micro-credentials' },
  { path: '/console/pathways', label: 'Pathways' },
  { path: '/console/recognition', label: 'Recognition', roles: REGISTRARS, also: ['/console/programmes'] },
  { path: '/console/rpl', label: 'RPL', roles: ASSESSORS },
  { path: '/console/issuers', label: 'Issuers and keys' },
  { path: '/console/organisation', label: 'Organisation', roles: ADMINS },
  { path: '/console/api-keys', label: 'API keys', roles: ADMINS },
  { path: '/console/integrations', label: 'Webhooks and xAPI', roles: ADMINS },
  { path: '/console/outbox', label: 'Outbox', roles: ADMINS },
  { path: '/console/audit', label: 'Audit log', roles: ADMINS },
];

export function navFor(role: Role | undefined): typeof NAV {
  return NAV.filter((item) => !item.roles || (role !== undefined && item.roles.includes(role)));
}
