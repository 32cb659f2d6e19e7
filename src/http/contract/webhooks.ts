import { Type, type Static } from '@sinclair/typebox';
import { Id, Nullable } from './common.ts';

/** Events an organisation can subscribe to (src/domain/events.ts WEBHOOK_EVENTS, restated TypeBox-only; test/meta/contract.test.ts keeps them equal). */
export const WEBHOOK_EVENT_NAMES = [
  'credential.issued', 'credential.claimed', 'credential.revoked', 'credential.suspended', 'credential.reinstated',
  'bulk.completed', 'pathway.completed', 'recognition.decided', 'rpl.decided',
] as const;
export const WebhookEventSchema = Type.Union(WEBHOOK_EVENT_NAMES.map((name) => Type.Literal(name)));
export type WebhookEventName = Static<typeof WebhookEventSchema>;

export const WebhookParams = Type.Object({ orgId: Id, webhookId: Id });
export const WebhookDeliveryParams = Type.Object({ orgId: Id, deliveryId: Type.String({ pattern: '^msg_[0-9a-f-]{36}$', description: 'A delivery (message) id: msg_ and a UUID' }) });

export const WebhookCreateSchema = Type.Object({
  url: Type.String({ minLength: 1, maxLength: 2000, description: 'http(s) URL on a public address; private, loopback and link-local targets are refused' }),
  events: Type.Array(WebhookEventSchema, { minItems: 1, maxItems: WEBHOOK_EVENT_NAMES.length }),
  description: Type.Optional(Type.String({ maxLength: 200 })),
}, { additionalProperties: false });
export type WebhookCreate = Static<typeof WebhookCreateSchema>;

export const WebhookSchema = Type.Object({
  id: Type.String(), url: Type.String(), description: Type.Optional(Type.String()),
  events: Type.Array(WebhookEventSchema), createdAt: Type.String(),
}, { $id: 'Webhook' });
export type Webhook = Static<typeof WebhookSchema>;

export const CreatedWebhookSchema = Type.Composite([
  Type.Omit(WebhookSchema, []),
  Type.Object({ secret: Type.String({ description: 'The signing secret (whsec_ and base64, Standard Webhooks): shown in this answer only' }) }),
]);
export type CreatedWebhook = Static<typeof CreatedWebhookSchema>;

export const WebhookDeliverySchema = Type.Object({
  id: Type.String({ description: 'The webhook-id header of every attempt: receivers dedupe on it' }),
  subscriptionId: Type.String(),
  eventType: Type.String(),
  status: Type.Union([Type.Literal('pending'), Type.Literal('delivered'), Type.Literal('failed'), Type.Literal('cancelled')]),
  attempts: Type.Integer(),
  lastStatusCode: Nullable(Type.Integer()),
  lastError: Nullable(Type.String()),
  lastAttemptAt: Nullable(Type.String()),
  nextAttemptAt: Nullable(Type.String({ description: 'When the next retry is due (pending deliveries only)' })),
  deliveredAt: Nullable(Type.String()),
  createdAt: Type.String(),
  payload: Type.Unknown({ description: 'The JSON body sent: { type, timestamp, data }' }),
}, { $id: 'WebhookDelivery' });
export type WebhookDelivery = Static<typeof WebhookDeliverySchema>;

export const WebhookDeliveriesQuery = Type.Object({ limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200 })) }, { additionalProperties: false });
