import { randomUUID } from 'node:crypto';
import { nextDeliveryAttempt, type WebhookEvent } from '../../domain/events.ts';
import type { JobHandler } from '../../queue/index.ts';
import type { Row } from '../../store/schema.ts';
import type { WebhookDeliveryStatus } from '../../store/schema-integrations.ts';
import { CAN, requireAccess, type Actor } from '../access.ts';
import { audit } from '../audit.ts';
import type { ServiceContext } from '../context.ts';
import { InvalidInput, NotFound } from '../errors.ts';
import { WEBHOOK_DELIVERY_JOB_KIND, type WebhookDeliveryPayload } from './events.ts';
import { newWebhookSecret, signWebhook } from './signature.ts';

export { emitEvents, WEBHOOK_DELIVERY_JOB_KIND, type EventToEmit, type WebhookDeliveryPayload } from './events.ts';
export { signWebhook } from './signature.ts';

export interface WebhookView {
  id: string;
  url: string;
  description?: string;
  events: WebhookEvent[];
  createdAt: string;
}

export interface WebhookDeliveryView {
  id: string;
  subscriptionId: string;
  eventType: string;
  status: WebhookDeliveryStatus;
  attempts: number;
  lastStatusCode: number | null;
  lastError: string | null;
  lastAttemptAt: string | null;
  nextAttemptAt: string | null;
  deliveredAt: string | null;
  createdAt: string;
  payload: unknown;
}

export interface WebhookDeps {
  /** Refuses a target the guarded fetcher would refuse (net/checkTargetUrl with the runtime's address policy). */
  checkTarget(url: string): Promise<void>;
}

const MAX_SUBSCRIPTIONS = 25;

function view(row: Row<'webhook_subscriptions'>): WebhookView {
  return {
    id: row.id, url: row.url, ...(row.description ? { description: row.description } : {}),
    events: JSON.parse(row.events) as WebhookEvent[], createdAt: row.created_at,
  };
}

function deliveryView(row: Row<'webhook_deliveries'>): WebhookDeliveryView {
  return {
    id: row.id, subscriptionId: row.subscription_id, eventType: row.event_type, status: row.status, attempts: row.attempts,
    lastStatusCode: row.last_status_code, lastError: row.last_error, lastAttemptAt: row.last_attempt_at,
    nextAttemptAt: row.status === 'pending' ? row.next_attempt_at : null, deliveredAt: row.delivered_at, createdAt: row.created_at,
    payload: JSON.parse(row.payload) as unknown,
  };
}

/**
 * Webhook subscriptions of an organisation (owners and admins) and the delivery of their messages
 * (Standard Webhooks): each delivery is a job; a failed one is retried with backoff for a day, and
 * any can be replayed from the console.
 */
export function createWebhookService(ctx: ServiceContext, deps: WebhookDeps) {
  const manage = { roles: CAN.manageOrganisation } as const;

  async function loadSubscription(organisationId: string, id: string): Promise<Row<'webhook_subscriptions'>> {
    const row = await ctx.db.selectFrom('webhook_subscriptions').selectAll()
      .where('id', '=', id).where('organisation_id', '=', organisationId).where('active', '=', 1).executeTakeFirst();
    if (!row) throw new NotFound('webhook');
    return row;
  }

  const service = {
    async list(actor: Actor, organisationId: string): Promise<WebhookView[]> {
      await requireAccess(ctx, actor, organisationId, manage, 'organisation');
      const rows = await ctx.db.selectFrom('webhook_subscriptions').selectAll()
        .where('organisation_id', '=', organisationId).where('active', '=', 1).orderBy('created_at').execute();
      return rows.map(view);
    },

    /** Subscribes a URL; the answer carries the signing secret, shown this once. */
    async create(actor: Actor, organisationId: string, input: { url: string; events: WebhookEvent[]; description?: string }): Promise<WebhookView & { secret: string }> {
      await requireAccess(ctx, actor, organisationId, manage, 'organisation');
      const url = input.url.trim();
      try {
        await deps.checkTarget(url);
      } catch (error) {
        throw InvalidInput.field('/url', `cannot receive webhooks: ${error instanceof Error ? error.message : 'refused'}`);
      }
      const events = [...new Set(input.events)];
      if (events.length === 0) throw InvalidInput.field('/events', 'must name at least one event');
      const count = await ctx.db.selectFrom('webhook_subscriptions').select((eb) => eb.fn.countAll<number>().as('n'))
        .where('organisation_id', '=', organisationId).where('active', '=', 1).executeTakeFirstOrThrow();
      if (Number(count.n) >= MAX_SUBSCRIPTIONS) throw InvalidInput.field('/', `an organisation has at most ${MAX_SUBSCRIPTIONS} webhooks`);
      const secret = newWebhookSecret();
      const row: Row<'webhook_subscriptions'> = {
        id: randomUUID(), organisation_id: organisationId, url, description: input.description?.trim() || null, events: JSON.stringify(events),
        secret_encrypted: ctx.vault.seal(new Uint8Array(Buffer.from(secret))), active: 1,
        created_by: actor.kind === 'user' ? actor.userId : null, created_at: ctx.now().toISOString(),
      };
      await ctx.db.transaction().execute(async (trx) => {
        await trx.insertInto('webhook_subscriptions').values(row).execute();
        await audit(ctx, trx, actor, { organisationId, action: 'webhook.create', targetType: 'webhook', targetId: row.id, details: { events } });
      });
      return { ...view(row), secret };
    },

    /** Ends a subscription: its pending deliveries are cancelled; its history stays readable by id. */
    async remove(actor: Actor, organisationId: string, id: string): Promise<void> {
      await requireAccess(ctx, actor, organisationId, manage, 'organisation');
      await loadSubscription(organisationId, id);
      await ctx.db.transaction().execute(async (trx) => {
        await trx.updateTable('webhook_subscriptions').set({ active: 0 }).where('id', '=', id).execute();
        await trx.updateTable('webhook_deliveries').set({ status: 'cancelled', next_attempt_at: null }).where('subscription_id', '=', id).where('status', '=', 'pending').execute();
        await audit(ctx, trx, actor, { organisationId, action: 'webhook.delete', targetType: 'webhook', targetId: id });
      });
    },

    /** The subscription's deliveries, newest first. */
    async deliveries(actor: Actor, organisationId: string, id: string, page: { limit?: number } = {}): Promise<WebhookDeliveryView[]> {
      await requireAccess(ctx, actor, organisationId, manage, 'organisation');
      await loadSubscription(organisationId, id);
      const rows = await ctx.db.selectFrom('webhook_deliveries').selectAll().where('subscription_id', '=', id)
        .orderBy('created_at', 'desc').orderBy('id').limit(Math.min(page.limit ?? 50, 200)).execute();
      return rows.map(deliveryView);
    },

    /**
     * Sends a delivery again (the same message id and body, so a receiver that got it already can tell),
     * with a fresh day of retries.
     */
    async replay(actor: Actor, organisationId: string, deliveryId: string): Promise<WebhookDeliveryView> {
      await requireAccess(ctx, actor, organisationId, manage, 'organisation');
      const row = await ctx.db.selectFrom('webhook_deliveries').innerJoin('webhook_subscriptions', 'webhook_subscriptions.id', 'webhook_deliveries.subscription_id')
        .select(['webhook_deliveries.id', 'webhook_subscriptions.active'])
        .where('webhook_deliveries.id', '=', deliveryId).where('webhook_deliveries.organisation_id', '=', organisationId).executeTakeFirst();
      if (!row) throw new NotFound('delivery');
      if (row.active !== 1) throw InvalidInput.field('/', 'the webhook of this delivery was deleted');
      const at = ctx.now().toISOString();
      const updated = await ctx.db.transaction().execute(async (trx) => {
        await trx.updateTable('webhook_deliveries').set({ status: 'pending', window_started_at: at, next_attempt_at: at }).where('id', '=', deliveryId).execute();
        await ctx.queue.enqueue(WEBHOOK_DELIVERY_JOB_KIND, { deliveryId } satisfies WebhookDeliveryPayload, { trx });
        await audit(ctx, trx, actor, { organisationId, action: 'webhook.replay', targetType: 'webhook-delivery', targetId: deliveryId });
        return trx.selectFrom('webhook_deliveries').selectAll().where('id', '=', deliveryId).executeTakeFirstOrThrow();
      });
      return deliveryView(updated);
    },

    /**
     * Makes one attempt at a pending delivery through the guarded fetcher, and records it: delivered on
     * a 2xx answer, else queued again at the next backoff step, or failed once the day is over.
     * A delivery that is not pending (delivered, cancelled, or already retried by another runner) is left alone.
     */
    async deliver(deliveryId: string): Promise<WebhookDeliveryStatus | undefined> {
      const row = await ctx.db.selectFrom('webhook_deliveries').innerJoin('webhook_subscriptions', 'webhook_subscriptions.id', 'webhook_deliveries.subscription_id')
        .selectAll('webhook_deliveries').select(['webhook_subscriptions.url', 'webhook_subscriptions.secret_encrypted', 'webhook_subscriptions.active'])
        .where('webhook_deliveries.id', '=', deliveryId).executeTakeFirst();
      if (!row || row.status !== 'pending') return row?.status;
      if (row.active !== 1) {
        await ctx.db.updateTable('webhook_deliveries').set({ status: 'cancelled', next_attempt_at: null }).where('id', '=', deliveryId).execute();
        return 'cancelled';
      }
      const secret = Buffer.from(ctx.vault.open(row.secret_encrypted)).toString('utf8');
      const timestamp = Math.floor(ctx.now().getTime() / 1000);
      let code: number | null = null;
      let failure: string | null = null;
      try {
        const answer = await ctx.fetch(row.url, {
          post: {
            body: row.payload,
            headers: {
              'content-type': 'application/json',
              'webhook-id': row.id,
              'webhook-timestamp': String(timestamp),
              'webhook-signature': signWebhook(secret, row.id, timestamp, row.payload),
            },
          },
        });
        code = answer.status ?? 200;
      } catch (error) {
        const status = (error as { status?: unknown }).status;
        if (typeof status === 'number') code = status;
        failure = error instanceof Error ? error.message : String(error);
      }
      const now = ctx.now();
      const attempts = row.attempts + 1;
      const delivered = failure === null && code !== null && code >= 200 && code < 300;
      const next = delivered ? undefined : nextDeliveryAttempt({ windowStart: new Date(row.window_started_at), attempts, now });
      const status: WebhookDeliveryStatus = delivered ? 'delivered' : next ? 'pending' : 'failed';
      await ctx.db.transaction().execute(async (trx) => {
        // Only the attempt that found it pending with this count records (a runner that lost its lease and came back does not).
        const result = await trx.updateTable('webhook_deliveries').set({
          status, attempts, last_status_code: code, last_error: failure?.slice(0, 500) ?? null, last_attempt_at: now.toISOString(),
          next_attempt_at: next?.toISOString() ?? null, ...(delivered ? { delivered_at: now.toISOString() } : {}),
        }).where('id', '=', deliveryId).where('status', '=', 'pending').where('attempts', '=', row.attempts).executeTakeFirst();
        if (Number(result.numUpdatedRows) === 1 && next) {
          await ctx.queue.enqueue(WEBHOOK_DELIVERY_JOB_KIND, { deliveryId } satisfies WebhookDeliveryPayload, { trx, runAt: next });
        }
      });
      ctx.log.info({ deliveryId, status, code }, 'webhook delivery attempted');
      return status;
    },
  };
  return service;
}

export type WebhookService = ReturnType<typeof createWebhookService>;

/** The job that makes one delivery attempt; its retries are queued by the attempt itself (a day of backoff). */
export function webhookDeliveryJob(webhooks: Pick<WebhookService, 'deliver'>): JobHandler<WebhookDeliveryPayload> {
  return {
    maxAttempts: 10,
    async run(job) {
      await webhooks.deliver(job.payload.deliveryId);
    },
  };
}
