/**
 * Who may do what in an organisation: the roles of its members and the scopes of its API keys.
 * The vocabulary of authorisation, shared by the store (column types), the services (checks) and
 * the API contract (allowed values).
 */
export type Role = 'owner' | 'admin' | 'issuer' | 'assessor' | 'registrar' | 'viewer';
export const ROLES: readonly Role[] = ['owner', 'admin', 'issuer', 'assessor', 'registrar', 'viewer'];

export type ApiKeyScope = 'issue' | 'status' | 'read';
export const API_KEY_SCOPES: readonly ApiKeyScope[] = ['issue', 'status', 'read'];
