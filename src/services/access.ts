import type { ApiKeyScope, Role } from '../store/schema.ts';
import type { ServiceContext } from './context.ts';
import { Forbidden, NotFound, Unauthorized } from './errors.ts';

/** Who is acting: every service takes it as its first argument (STYLE.md). */
export type Actor =
  | { kind: 'user'; userId: string; ip?: string }
  | { kind: 'api-key'; keyId: string; organisationId: string; scopes: readonly ApiKeyScope[]; ip?: string }
  | { kind: 'anonymous'; ip?: string }
  | { kind: 'system' };

export const SYSTEM: Actor = { kind: 'system' };

/** Roles allowed to do each kind of thing in an organisation. */
export const CAN = {
  read: ['owner', 'admin', 'issuer', 'assessor', 'registrar', 'viewer'],
  manageOrganisation: ['owner', 'admin'],
  manageMembers: ['owner', 'admin'],
  manageIssuers: ['owner', 'admin'],
  manageAchievements: ['owner', 'admin', 'issuer'],
  issue: ['owner', 'admin', 'issuer'],
  changeStatus: ['owner', 'admin', 'issuer'],
  readAudit: ['owner', 'admin'],
  readOutbox: ['owner', 'admin'],
  manageApiKeys: ['owner', 'admin'],
  manageRecognition: ['owner', 'admin', 'registrar'],
  assess: ['owner', 'admin', 'assessor'],
} as const satisfies Record<string, readonly Role[]>;

export interface AccessRule {
  roles: readonly Role[];
  /** The API-key scope that allows the same thing; absent means API keys may not. */
  scope?: ApiKeyScope;
}

/**
 * Checks that the actor may act in the organisation. Someone with no standing in it at all learns
 * nothing (404, as if the thing did not exist); a member whose role is too weak gets 403.
 */
export async function requireAccess(ctx: ServiceContext, actor: Actor, organisationId: string, rule: AccessRule, what = 'resource'): Promise<void> {
  switch (actor.kind) {
    case 'system':
      return;
    case 'anonymous':
      throw new Unauthorized();
    case 'api-key':
      if (actor.organisationId !== organisationId) throw new NotFound(what);
      if (!rule.scope || !actor.scopes.includes(rule.scope)) throw new Forbidden(`this API key lacks the scope this needs${rule.scope ? ` (${rule.scope})` : ''}`);
      return;
    case 'user': {
      const role = await roleOf(ctx, actor.userId, organisationId);
      if (!role) throw new NotFound(what);
      if (!rule.roles.includes(role)) throw new Forbidden(`your role (${role}) does not allow this`);
      return;
    }
  }
}

export async function roleOf(ctx: ServiceContext, userId: string, organisationId: string): Promise<Role | undefined> {
  const row = await ctx.db.selectFrom('memberships').select('role')
    .where('user_id', '=', userId).where('organisation_id', '=', organisationId)
    .executeTakeFirst();
  return row?.role;
}

export function actorId(actor: Actor): string | null {
  switch (actor.kind) {
    case 'user': return actor.userId;
    case 'api-key': return actor.keyId;
    default: return null;
  }
}

export function actorIp(actor: Actor): string | null {
  return 'ip' in actor ? actor.ip ?? null : null;
}
