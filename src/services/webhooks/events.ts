import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { WebhookEvent } from '../../domain/events.ts';
import type { DB } from '../../store/schema.ts';
import type { ServiceContext } from '../context.ts';

export const WEBHOOK_DELIVERY_JOB_KIND = 'webhook-delivery';
export interface WebhookDeliveryPayload { deliveryId: string }

export interface EventToEmit {
  type: WebhookEvent;
  /** Ids and facts of the event; the organisation's own data (it is sent to the organisation's own URL). */
  data: Record<string, unknown>;
}

const INSERT_CHUNK = 200;

/**
 * Queues one delivery per subscription that listens to each event, in the caller's transaction: the
 * deliveries and their jobs exist exactly when the change does, so a node that dies after the commit
 * loses nothing (another runner takes the job over when its lease runs out). One query when nobody listens.
 *
 * @example await emitEvents(ctx, trx, organisationId, [{ type: 'credential.revoked', data: { id } }]);
 */
export async function emitEvents(ctx: Pick<ServiceContext, 'now' | 'queue'>, trx: Kysely<DB>, organisationId: string, events: readonly EventToEmit[]): Promise<void> {
  if (events.length === 0) return;
  const subscriptions = await trx.selectFrom('webhook_subscriptions').select(['id', 'events'])
    .where('organisation_id', '=', organisationId).where('active', '=', 1).execute();
  if (subscriptions.length === 0) return;
  const at = ctx.now().toISOString();
  const rows: { id: string; subscription_id: string; organisation_id: string; event_type: string; payload: string; status: 'pending'; attempts: number; window_started_at: string; next_attempt_at: string; created_at: string }[] = [];
  for (const subscription of subscriptions) {
    const wanted = new Set(JSON.parse(subscription.events) as string[]);
    for (const event of events) {
      if (!wanted.has(event.type)) continue;
      // The body is fixed now and sent byte for byte on every attempt (Standard Webhooks payload shape).
      const payload = JSON.stringify({ type: event.type, timestamp: at, data: { organisationId, ...event.data } });
      rows.push({
        id: `msg_${randomUUID()}`, subscription_id: subscription.id, organisation_id: organisationId, event_type: event.type, payload,
        status: 'pending', attempts: 0, window_started_at: at, next_attempt_at: at, created_at: at,
      });
    }
  }
  for (let from = 0; from < rows.length; from += INSERT_CHUNK) {
    await trx.insertInto('webhook_deliveries').values(rows.slice(from, from + INSERT_CHUNK).map((row) => ({
      ...row, last_status_code: null, last_error: null, last_attempt_at: null, delivered_at: null,
    }))).execute();
  }
  for (const row of rows) await ctx.queue.enqueue(WEBHOOK_DELIVERY_JOB_KIND, { deliveryId: row.id } satisfies WebhookDeliveryPayload, { trx });
}
