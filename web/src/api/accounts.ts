/** Accounts, organisations, members, API keys and the audit log (contract: src/http/contract/accounts.ts). */
import type { ApiClient } from '../api.ts';
import { query } from '../api.ts';
import type {
  ApiKey, ApiKeyCreate, AuditEntry, CreatedApiKey, Items, LoginBody, Me, Member, MemberAdd, Organisation, OrganisationUpdate, Role, SetupBody, SetupResult, SignedIn,
} from '../api-types.ts';
import { seg, type ReadOptions } from './path.ts';

const org = (orgId: string) => `/api/v1/organisations/${seg(orgId)}`;

export const needsSetup = (api: ApiClient, options: ReadOptions = {}) => api.get<{ needsSetup: boolean }>('/api/v1/setup', options);
export const setup = (api: ApiClient, body: SetupBody) => api.post<SetupResult>('/api/v1/setup', body);
export const login = (api: ApiClient, body: LoginBody) => api.post<SignedIn>('/api/v1/auth/login', body);
/** Signs in and makes the client send the new session's CSRF token with every unsafe request. */
export async function signIn(api: ApiClient, body: LoginBody): Promise<SignedIn> {
  const signedIn = await login(api, body);
  api.setCsrfToken(signedIn.csrfToken);
  return signedIn;
}
export const logout = (api: ApiClient) => api.post<void>('/api/v1/auth/logout');
export const me = (api: ApiClient, options: ReadOptions = {}) => api.get<Me>('/api/v1/me', options);

export const getOrganisation = (api: ApiClient, orgId: string, options: ReadOptions = {}) => api.get<Organisation>(org(orgId), options);
export const updateOrganisation = (api: ApiClient, orgId: string, body: OrganisationUpdate) => api.patch<Organisation>(org(orgId), body);
export const listMembers = (api: ApiClient, orgId: string, options: ReadOptions = {}) => api.get<Items<Member>>(`${org(orgId)}/members`, options);
export const addMember = (api: ApiClient, orgId: string, body: MemberAdd) => api.post<Items<Member>>(`${org(orgId)}/members`, body);
export const changeRole = (api: ApiClient, orgId: string, userId: string, role: Role) => api.patch<Items<Member>>(`${org(orgId)}/members/${seg(userId)}`, { role });
export const removeMember = (api: ApiClient, orgId: string, userId: string) => api.delete(`${org(orgId)}/members/${seg(userId)}`);

export const listApiKeys = (api: ApiClient, orgId: string, options: ReadOptions = {}) => api.get<Items<ApiKey>>(`${org(orgId)}/api-keys`, options);
export const createApiKey = (api: ApiClient, orgId: string, body: ApiKeyCreate) => api.post<CreatedApiKey>(`${org(orgId)}/api-keys`, body);
export const revokeApiKey = (api: ApiClient, orgId: string, keyId: string) => api.delete(`${org(orgId)}/api-keys/${seg(keyId)}`);

export const listAudit = (api: ApiClient, orgId: string, options: ReadOptions & { limit?: number; before?: string } = {}) =>
  api.get<Items<AuditEntry>>(`${org(orgId)}/audit${query({ limit: options.limit, before: options.before })}`, { signal: options.signal });
