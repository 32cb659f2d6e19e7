import { createHmac, randomBytes } from 'node:crypto';

/** A new signing secret as Standard Webhooks writes it: `whsec_` and the base64 of 24 random bytes. */
export function newWebhookSecret(): string {
  return `whsec_${randomBytes(24).toString('base64')}`;
}

/**
 * The Standard Webhooks signature header value: `v1,` and the base64 HMAC-SHA256, under the secret's
 * bytes (the base64 after `whsec_`), of `{id}.{timestamp}.{body}` (Standard Webhooks §Signature scheme).
 */
export function signWebhook(secret: string, id: string, timestampSeconds: number, body: string): string {
  if (!secret.startsWith('whsec_')) throw new TypeError('a webhook secret starts with whsec_');
  const key = Buffer.from(secret.slice('whsec_'.length), 'base64');
  return `v1,${createHmac('sha256', key).update(`${id}.${timestampSeconds}.${body}`).digest('base64')}`;
}
