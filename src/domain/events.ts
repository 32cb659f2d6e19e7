/**
 * The events an organisation can hear about by webhook (issue 13). The vocabulary shared by the
 * services that emit them, the store and the API contract (which restates it, TypeBox-only).
 */
export const WEBHOOK_EVENTS = [
  'credential.issued', 'credential.claimed', 'credential.revoked', 'credential.suspended', 'credential.reinstated',
  'bulk.completed', 'pathway.completed', 'recognition.decided', 'rpl.decided',
] as const;
export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];

/** How long a delivery is retried after its event (or its replay): one day. */
export const DELIVERY_WINDOW_MS = 24 * 60 * 60_000;

/**
 * When to try a failed delivery again: exponential backoff (30 s, 2 min, 8 min, 32 min, about 2 h,
 * then every 6 h), never later than a day after the window opened; undefined once that is past.
 * `attempts` counts the attempts made so far (1 after the first).
 *
 * @example nextDeliveryAttempt({ windowStart, attempts: 1, now }) // now + 30 s
 */
export function nextDeliveryAttempt(input: { windowStart: Date; attempts: number; now: Date }): Date | undefined {
  const delay = Math.min(30_000 * 4 ** (input.attempts - 1), 6 * 60 * 60_000);
  const next = new Date(input.now.getTime() + delay);
  return next.getTime() - input.windowStart.getTime() <= DELIVERY_WINDOW_MS ? next : undefined;
}
