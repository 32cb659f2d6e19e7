/** Issuer profiles and their keys (contract: src/http/contract/issuers.ts). */
import type { ApiClient } from '../api.ts';
import type { Issuer, IssuerCreate, IssuerUpdate, Items } from '../api-types.ts';
import { seg, type ReadOptions } from './path.ts';

export const listIssuers = (api: ApiClient, orgId: string, options: ReadOptions = {}) => api.get<Items<Issuer>>(`/api/v1/organisations/${seg(orgId)}/issuers`, options);
export const createIssuer = (api: ApiClient, orgId: string, body: IssuerCreate) => api.post<Issuer>(`/api/v1/organisations/${seg(orgId)}/issuers`, body);
export const getIssuer = (api: ApiClient, id: string, options: ReadOptions = {}) => api.get<Issuer>(`/api/v1/issuers/${seg(id)}`, options);
export const updateIssuer = (api: ApiClient, id: string, body: IssuerUpdate) => api.patch<Issuer>(`/api/v1/issuers/${seg(id)}`, body);
export const rotateIssuerKey = (api: ApiClient, id: string) => api.post<Issuer>(`/api/v1/issuers/${seg(id)}/keys/rotate`);
