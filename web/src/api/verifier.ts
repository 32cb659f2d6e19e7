/** The public verifier (contract: src/http/contract/verifier.ts). */
import type { ApiClient } from '../api.ts';
import type { VerifyAnswer, VerifyBody } from '../api-types.ts';

/** Verifies JSON, text or a URL; a file goes as multipart (src/multipart.ts) with `api.request`. */
export const verify = (api: ApiClient, body: Omit<VerifyBody, 'file'>) => api.post<VerifyAnswer>('/api/v1/verify', body);
