/** The learner's wallet, claims, collections, sharing and presentations (contract: src/http/contract/wallet.ts, sharing.ts). */
import type { ApiClient } from '../api.ts';
import { query } from '../api.ts';
import type {
  ClaimPreview, CollectionCreate, CollectionSummary, CollectionUpdate, CollectionView, Facets, ImportBody, ImportResult, Items, Offer, PresentationBody, Share,
  ShareCreate, ShareTarget, Totals, WalletItemDetailView, WalletListQuery, WalletPage,
} from '../api-types.ts';
import { seg, type ReadOptions } from './path.ts';

export const listWallet = (api: ApiClient, filters: WalletListQuery = {}, options: ReadOptions = {}) => api.get<WalletPage>(`/api/v1/wallet/credentials${query({ ...filters })}`, options);
export const getFacets = (api: ApiClient, options: ReadOptions = {}) => api.get<Facets>('/api/v1/wallet/facets', options);
export const getTotals = (api: ApiClient, options: ReadOptions = {}) => api.get<Totals>('/api/v1/wallet/totals', options);
/** Imports pasted text or a URL (JSON); a file goes as multipart (src/multipart.ts) with `api.request`. */
export const importCredential = (api: ApiClient, body: ImportBody) => api.post<ImportResult>('/api/v1/wallet/credentials', body);
export const getWalletCredential = (api: ApiClient, id: string, options: ReadOptions = {}) => api.get<WalletItemDetailView>(`/api/v1/wallet/credentials/${seg(id)}`, options);
export const reverifyWalletCredential = (api: ApiClient, id: string) => api.post<WalletItemDetailView>(`/api/v1/wallet/credentials/${seg(id)}/verify`);
export const removeWalletCredential = (api: ApiClient, id: string) => api.delete(`/api/v1/wallet/credentials/${seg(id)}`);

export const listOffers = (api: ApiClient, options: ReadOptions = {}) => api.get<Items<Offer>>('/api/v1/wallet/offers', options);
export const acceptOffer = (api: ApiClient, credentialId: string) => api.post<ImportResult>(`/api/v1/wallet/offers/${seg(credentialId)}/accept`);
export const previewClaim = (api: ApiClient, token: string, options: ReadOptions = {}) => api.get<ClaimPreview>(`/api/v1/claim/${seg(token)}`, options);
export const claim = (api: ApiClient, token: string) => api.post<ImportResult>(`/api/v1/claim/${seg(token)}`, {});

export const listCollections = (api: ApiClient, options: ReadOptions = {}) => api.get<Items<CollectionSummary>>('/api/v1/wallet/collections', options);
export const createCollection = (api: ApiClient, body: CollectionCreate) => api.post<CollectionView>('/api/v1/wallet/collections', body);
export const getCollection = (api: ApiClient, id: string, options: ReadOptions = {}) => api.get<CollectionView>(`/api/v1/wallet/collections/${seg(id)}`, options);
export const updateCollection = (api: ApiClient, id: string, body: CollectionUpdate) => api.patch<CollectionView>(`/api/v1/wallet/collections/${seg(id)}`, body);
export const deleteCollection = (api: ApiClient, id: string) => api.delete(`/api/v1/wallet/collections/${seg(id)}`);

export const createShare = (api: ApiClient, body: ShareCreate) => api.post<Share>('/api/v1/wallet/shares', body);
export const listShares = (api: ApiClient, options: ReadOptions & { targetType?: ShareTarget; targetId?: string } = {}) =>
  api.get<Items<Share>>(`/api/v1/wallet/shares${query({ targetType: options.targetType, targetId: options.targetId })}`, { signal: options.signal });
export const revokeShare = (api: ApiClient, id: string) => api.delete<Share>(`/api/v1/wallet/shares/${seg(id)}`);
/** A signed Verifiable Presentation (VC Data Model 2.0): the contract leaves its shape to the standard. */
export const present = (api: ApiClient, body: PresentationBody) => api.post<Record<string, unknown>>('/api/v1/wallet/presentations', body);
