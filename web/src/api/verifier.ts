/** The public verifier (contract: src/http/contract/verifier.ts). */
import type { ApiClient } from '../api.ts';
import type { PresentationRequestBody, PresentationRequestCreated, PresentationRequestState, VerifyAnswer, VerifyBody } from '../api-types.ts';

/** Verifies JSON, text or a URL; a file goes as multipart (src/multipart.ts) with `api.request`. */
export const verify = (api: ApiClient, body: Omit<VerifyBody, 'file'>) => api.post<VerifyAnswer>('/api/v1/verify', body);

/** OpenID4VP: asks a wallet for an Open Badge; the answer carries the link, its QR code and the handle to poll. */
export const createPresentationRequest = (api: ApiClient, body: PresentationRequestBody) =>
  api.post<PresentationRequestCreated>('/api/v1/verifier/presentation-requests', body);
export const presentationRequestState = (api: ApiClient, handle: string) =>
  api.get<PresentationRequestState>(`/api/v1/verifier/presentation-requests/${encodeURIComponent(handle)}`);
/** A learner applying to a programme asks her own wallet app for what its agreements name. */
export const createRecognitionPresentationRequest = (api: ApiClient, programmeId: string) =>
  api.post<PresentationRequestCreated>('/api/v1/wallet/recognition/presentation-requests', { programmeId });
