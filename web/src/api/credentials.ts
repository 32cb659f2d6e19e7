/** Issued credentials and bulk issuance (contract: src/http/contract/credentials.ts, bulk.ts). */
import type { ApiClient } from '../api.ts';
import { query } from '../api.ts';
import type { BulkJob, CredentialListQuery, CredentialPage, IssueBody, IssuedCredential, Items } from '../api-types.ts';
import { seg, type ReadOptions } from './path.ts';

export const issueCredential = (api: ApiClient, orgId: string, body: IssueBody, options: { idempotencyKey?: string } = {}) =>
  api.post<IssuedCredential>(`/api/v1/organisations/${seg(orgId)}/credentials`, body, options.idempotencyKey ? { headers: { 'idempotency-key': options.idempotencyKey } } : {});
export const listCredentials = (api: ApiClient, orgId: string, filters: CredentialListQuery = {}, options: ReadOptions = {}) =>
  api.get<CredentialPage>(`/api/v1/organisations/${seg(orgId)}/credentials${query({ ...filters })}`, options);
export const getCredential = (api: ApiClient, id: string, options: ReadOptions = {}) => api.get<IssuedCredential>(`/api/v1/credentials/${seg(id)}`, options);
export const revokeCredential = (api: ApiClient, id: string, reason: string) => api.post<IssuedCredential>(`/api/v1/credentials/${seg(id)}/revoke`, { reason });
export const suspendCredential = (api: ApiClient, id: string, reason?: string) => api.post<IssuedCredential>(`/api/v1/credentials/${seg(id)}/suspend`, reason ? { reason } : {});
export const reinstateCredential = (api: ApiClient, id: string) => api.post<IssuedCredential>(`/api/v1/credentials/${seg(id)}/reinstate`, {});
export const renewCredential = (api: ApiClient, id: string) => api.post<IssuedCredential>(`/api/v1/credentials/${seg(id)}/renew`, {});

/** Uploads a CSV (the raw file) for bulk issuance; the answer is the queued job. */
export const uploadBulk = (api: ApiClient, orgId: string, achievementId: string, file: File) =>
  api.request<BulkJob>('POST', `/api/v1/organisations/${seg(orgId)}/bulk-issuances${query({ achievementId })}`, {
    raw: { body: file, contentType: 'text/csv' }, headers: { 'x-file-name': encodeURIComponent(file.name) },
  });
export const getBulkJob = (api: ApiClient, id: string, options: ReadOptions & { errorsOffset?: number; errorsLimit?: number } = {}) =>
  api.get<BulkJob>(`/api/v1/bulk-issuances/${seg(id)}${query({ errorsOffset: options.errorsOffset, errorsLimit: options.errorsLimit })}`, { signal: options.signal });
export const listBulkJobs = (api: ApiClient, orgId: string, options: ReadOptions & { limit?: number; before?: string } = {}) =>
  api.get<Items<BulkJob>>(`/api/v1/organisations/${seg(orgId)}/bulk-issuances${query({ limit: options.limit, before: options.before })}`, { signal: options.signal });
