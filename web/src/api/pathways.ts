/** Pathways (stacked credentials), the catalogue and the learner's progress (contract: src/http/contract/pathways.ts). */
import type { ApiClient } from '../api.ts';
import { query } from '../api.ts';
import type {
  CatalogueItem, FlagResolution, Items, PathwayAward, PathwayCheckBody, PathwayCheckView, PathwayFlag, PathwayInput, PathwayProgressView, PathwayView, Plan, PlanBody,
  PublishedPathway, TrustedIssuer, TrustedIssuerCreate,
} from '../api-types.ts';
import { seg, type ReadOptions } from './path.ts';

const org = (orgId: string) => `/api/v1/organisations/${seg(orgId)}`;

export const listPathways = (api: ApiClient, orgId: string, options: ReadOptions = {}) => api.get<Items<PathwayView>>(`${org(orgId)}/pathways`, options);
export const createPathway = (api: ApiClient, orgId: string, body: PathwayInput) => api.post<PathwayView>(`${org(orgId)}/pathways`, body);
export const getPathway = (api: ApiClient, orgId: string, id: string, options: ReadOptions = {}) => api.get<PathwayView>(`${org(orgId)}/pathways/${seg(id)}`, options);
export const updatePathway = (api: ApiClient, orgId: string, id: string, body: PathwayInput) => api.put<PathwayView>(`${org(orgId)}/pathways/${seg(id)}`, body);
export const checkPathway = (api: ApiClient, orgId: string, body: PathwayCheckBody) => api.post<PathwayCheckView>(`${org(orgId)}/pathway-checks`, body);
export const listAwards = (api: ApiClient, orgId: string, id: string, options: ReadOptions = {}) => api.get<Items<PathwayAward>>(`${org(orgId)}/pathways/${seg(id)}/awards`, options);
export const listFlags = (api: ApiClient, orgId: string, options: ReadOptions & { status?: PathwayFlag['status'] } = {}) =>
  api.get<Items<PathwayFlag>>(`${org(orgId)}/pathway-flags${query({ status: options.status })}`, { signal: options.signal });
export const resolveFlag = (api: ApiClient, orgId: string, flagId: string, body: FlagResolution) => api.post<PathwayFlag>(`${org(orgId)}/pathway-flags/${seg(flagId)}/resolution`, body);
export const listTrustedIssuers = (api: ApiClient, orgId: string, options: ReadOptions = {}) => api.get<Items<TrustedIssuer>>(`${org(orgId)}/trusted-issuers`, options);
export const addTrustedIssuer = (api: ApiClient, orgId: string, body: TrustedIssuerCreate) => api.post<TrustedIssuer>(`${org(orgId)}/trusted-issuers`, body);
export const removeTrustedIssuer = (api: ApiClient, orgId: string, id: string) => api.delete(`${org(orgId)}/trusted-issuers/${seg(id)}`);

export const listCatalogue = (api: ApiClient, options: ReadOptions & { q?: string; limit?: number } = {}) =>
  api.get<Items<CatalogueItem>>(`/api/v1/catalogue/achievements${query({ q: options.q, limit: options.limit })}`, { signal: options.signal });
export const listPublishedPathways = (api: ApiClient, options: ReadOptions = {}) => api.get<Items<PublishedPathway>>('/api/v1/pathways', options);
export const listMyPathways = (api: ApiClient, options: ReadOptions = {}) => api.get<Items<PathwayProgressView>>('/api/v1/wallet/pathways', options);
export const getMyPathway = (api: ApiClient, id: string, options: ReadOptions = {}) => api.get<PathwayProgressView>(`/api/v1/wallet/pathways/${seg(id)}`, options);
export const followPathway = (api: ApiClient, id: string, follow: boolean) =>
  follow ? api.put<void>(`/api/v1/wallet/pathways/${seg(id)}`, undefined) : api.delete(`/api/v1/wallet/pathways/${seg(id)}`);
export const plan = (api: ApiClient, body: PlanBody) => api.post<Plan>('/api/v1/wallet/plans', body);
