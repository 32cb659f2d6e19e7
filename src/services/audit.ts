import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { DB } from '../store/schema.ts';
import { actorId, actorIp, type Actor } from './access.ts';
import type { ServiceContext } from './context.ts';

export interface AuditEntry {
  organisationId: string | null;
  action: string;
  targetType?: string;
  targetId?: string;
  /** Ids and facts only: no secrets, no e-mail addresses, no credential contents. */
  details?: Record<string, unknown>;
}

/**
 * Records a state change. Pass the transaction the change runs in, so the entry and the change
 * commit together or not at all.
 */
export async function audit(ctx: ServiceContext, db: Kysely<DB>, actor: Actor, entry: AuditEntry): Promise<void> {
  await db.insertInto('audit_log').values({
    id: randomUUID(),
    organisation_id: entry.organisationId,
    at: ctx.now().toISOString(),
    actor_type: actor.kind === 'api-key' ? 'api-key' : actor.kind,
    actor_id: actorId(actor),
    action: entry.action,
    target_type: entry.targetType ?? null,
    target_id: entry.targetId ?? null,
    ip: actorIp(actor),
    details: entry.details ? JSON.stringify(entry.details) : null,
  }).execute();
}
