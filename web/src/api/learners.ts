/** Learner accounts: sign-up, addresses, did:key, deletion; the outboxes (contract: src/http/contract/learners.ts). */
import type { ApiClient } from '../api.ts';
import { query } from '../api.ts';
import type { ConfirmEmailResult, Items, LearnerKey, LearnerKeyOrNone, OutboxMessage, SignupBody, SignupResult, UserEmail } from '../api-types.ts';
import { seg, type ReadOptions } from './path.ts';

export const signup = (api: ApiClient, body: SignupBody) => api.post<SignupResult>('/api/v1/auth/signup', body);
export const confirmEmail = (api: ApiClient, token: string) => api.post<ConfirmEmailResult>('/api/v1/auth/confirm-email', { token });
export const listEmails = (api: ApiClient, options: ReadOptions = {}) => api.get<Items<UserEmail>>('/api/v1/me/emails', options);
export const addEmail = (api: ApiClient, email: string) => api.post<UserEmail>('/api/v1/me/emails', { email });
export const removeEmail = (api: ApiClient, emailId: string) => api.delete(`/api/v1/me/emails/${seg(emailId)}`);
export const resendConfirmation = (api: ApiClient, emailId: string) => api.post<UserEmail>(`/api/v1/me/emails/${seg(emailId)}/resend`);
export const getDid = (api: ApiClient, options: ReadOptions = {}) => api.get<LearnerKeyOrNone>('/api/v1/me/did', options);
export const createDid = (api: ApiClient) => api.post<LearnerKey>('/api/v1/me/did');
export const deleteAccount = (api: ApiClient, password: string) => api.delete('/api/v1/me', { body: { password } });

type Page = ReadOptions & { limit?: number; before?: string };
export const listInstanceOutbox = (api: ApiClient, options: Page = {}) =>
  api.get<Items<OutboxMessage>>(`/api/v1/outbox${query({ limit: options.limit, before: options.before })}`, { signal: options.signal });
export const listOutbox = (api: ApiClient, orgId: string, options: Page = {}) =>
  api.get<Items<OutboxMessage>>(`/api/v1/organisations/${seg(orgId)}/outbox${query({ limit: options.limit, before: options.before })}`, { signal: options.signal });
