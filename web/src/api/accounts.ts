/** Accounts, organisations, members, API keys and the audit log (contract: src/http/contract/accounts.ts). */
import type { ApiClient } from '../api.ts';
import { query } from '../api.ts';
import type {
  ApiKey, ApiKeyCreate, AuditEntry, CreatedApiKey, Invitation, InvitationCreate, InvitationPreview, Items, LoginBody, Me, Member, MemberAdd, Organisation, OrganisationUpdate,
  PasswordChange, Role, SetupBody, SetupResult, SignedIn,
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

/** Invitations by e-mail: the invitee chooses her own password (no one sets it for her). */
export const listInvitations = (api: ApiClient, orgId: string, options: ReadOptions = {}) => api.get<Items<Invitation>>(`${org(orgId)}/invitations`, options);
export const invite = (api: ApiClient, orgId: string, body: InvitationCreate) => api.post<Invitation>(`${org(orgId)}/invitations`, body);
export const withdrawInvitation = (api: ApiClient, orgId: string, invitationId: string) => api.delete(`${org(orgId)}/invitations/${seg(invitationId)}`);
export const previewInvitation = (api: ApiClient, token: string, options: ReadOptions = {}) => api.get<InvitationPreview>(`/api/v1/invitations/${seg(token)}`, options);
/** Accepts and signs in (the client then sends the new session's CSRF token). */
export async function acceptInvitation(api: ApiClient, token: string, body: { password: string; name?: string }): Promise<SignedIn> {
  const signedIn = await api.post<SignedIn>(`/api/v1/invitations/${seg(token)}/accept`, body);
  api.setCsrfToken(signedIn.csrfToken);
  return signedIn;
}

export const requestPasswordReset = (api: ApiClient, email: string) => api.post<void>('/api/v1/auth/password-reset/request', { email });
export async function resetPassword(api: ApiClient, token: string, password: string): Promise<SignedIn> {
  const signedIn = await api.post<SignedIn>('/api/v1/auth/password-reset', { token, password });
  api.setCsrfToken(signedIn.csrfToken);
  return signedIn;
}
/** Changes the password (current one required); every other session ends, this one is renewed. */
export async function changePassword(api: ApiClient, body: PasswordChange): Promise<SignedIn> {
  const signedIn = await api.post<SignedIn>('/api/v1/me/password', body);
  api.setCsrfToken(signedIn.csrfToken);
  return signedIn;
}
