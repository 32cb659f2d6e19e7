/**
 * The API's enumerations as lists for the screens' menus. The types come from the contract; each list
 * is written as a record over its type, so a value the server adds or drops fails the type-check here.
 */
import type { ApiKeyScope, CredentialStatus, Role, WalletStatus, WebhookEventName } from './api-types.ts';

function list<T extends string>(record: Record<T, true>): readonly T[] {
  return Object.keys(record) as T[];
}

export const ROLES = list<Role>({ owner: true, admin: true, issuer: true, assessor: true, registrar: true, viewer: true });
export const API_KEY_SCOPES = list<ApiKeyScope>({ issue: true, status: true, read: true });
export const CREDENTIAL_STATUSES = list<CredentialStatus>({ active: true, revoked: true, suspended: true, expired: true });
export const WALLET_STATUSES = list<WalletStatus>({ verified: true, revoked: true, suspended: true, expired: true, invalid: true, unknown: true });
export const WEBHOOK_EVENTS = list<WebhookEventName>({
  'credential.issued': true, 'credential.claimed': true, 'credential.revoked': true, 'credential.suspended': true, 'credential.reinstated': true,
  'bulk.completed': true, 'pathway.completed': true, 'recognition.decided': true, 'rpl.decided': true,
});
