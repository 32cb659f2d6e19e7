import type { Role } from './api-types.ts';

const ADMINS: Role[] = ['owner', 'admin'];
const ISSUERS: Role[] = ['owner', 'admin', 'issuer'];
const REGISTRARS: Role[] = ['owner', 'admin', 'registrar'];
const ASSESSORS: Role[] = ['owner', 'admin', 'assessor'];

/**
 * The console's navigation, in order, with the roles that may use each screen (the server checks the
 * same rules, src/services/access.ts CAN; hiding only spares people screens that would refuse them).
 */
export interface NavItem {
  path: string;
  label: string;
  roles?: Role[];
  /** Other paths the entry covers (marked current there). */
  also?: string[];
}

/**
 * The entries in groups (issue 14 §3: twelve entries in a row filled a phone's first screen). Each
 * group is a labelled list; on a phone the whole menu folds behind one button.
 */
export const NAV_GROUPS: { label: string; items: NavItem[] }[] = [
  {
    label: 'Issue',
    items: [
      { path: '/console/credentials', label: 'Credentials' },
      { path: '/console/issue', label: 'Issue one', roles: ISSUERS },
      { path: '/console/bulk', label: 'Bulk issue', roles: ISSUERS },
    ],
  },
  {
    label: 'Catalogue',
    items: [
      { path: '/console/achievements', label: 'Micro-credentials' },
      { path: '/console/pathways', label: 'Pathways' },
    ],
  },
  {
    label: 'Recognition',
    items: [
      { path: '/console/recognition', label: 'Recognition', roles: REGISTRARS, also: ['/console/programmes'] },
      { path: '/console/rpl', label: 'RPL', roles: ASSESSORS },
    ],
  },
  {
    label: 'Settings',
    items: [
      { path: '/console/issuers', label: 'Issuers and keys' },
      { path: '/console/organisation', label: 'Organisation', roles: ADMINS },
      { path: '/console/api-keys', label: 'API keys', roles: ADMINS },
      { path: '/console/integrations', label: 'Webhooks and xAPI', roles: ADMINS },
      { path: '/console/outbox', label: 'Outbox', roles: ADMINS },
      { path: '/console/audit', label: 'Audit log', roles: ADMINS },
    ],
  },
];

/** Every entry, in order. */
export const NAV: NavItem[] = NAV_GROUPS.flatMap((group) => group.items);

const allowed = (role: Role | undefined) => (item: NavItem) => !item.roles || (role !== undefined && item.roles.includes(role));

export function navFor(role: Role | undefined): NavItem[] {
  return NAV.filter(allowed(role));
}

/** The groups with the entries the role may use (empty groups left out). */
export function navGroupsFor(role: Role | undefined): { label: string; items: NavItem[] }[] {
  return NAV_GROUPS.map((group) => ({ label: group.label, items: group.items.filter(allowed(role)) })).filter((group) => group.items.length > 0);
}

export function isCurrent(item: NavItem, pathname: string): boolean {
  return [item.path, ...(item.also ?? [])].some((path) => pathname === path || pathname.startsWith(path + '/'));
}
