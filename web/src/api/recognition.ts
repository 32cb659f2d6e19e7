/** Recognition (programmes, agreements, requests, decisions) and RPL cases (contract: src/http/contract/recognition.ts). */
import type { ApiClient } from '../api.ts';
import { query } from '../api.ts';
import type {
  Agreement, AgreementBody, Items, MyRecognitionRequestView, Programme, ProgrammeBody, PublicProgramme, QueueRequestView, RecognitionRequestBody,
  RecognitionRequestView, RegistrarDecision, RequestDetailView, RequestStatus, RplAchievement, RplCaseDetailView, RplCaseView, RplEvidenceInput, RplReviewBody,
} from '../api-types.ts';
import { seg, type ReadOptions } from './path.ts';

const org = (orgId: string) => `/api/v1/organisations/${seg(orgId)}`;

// The registrar's side.
export const listProgrammes = (api: ApiClient, orgId: string, options: ReadOptions = {}) => api.get<Items<Programme>>(`${org(orgId)}/programmes`, options);
export const getProgramme = (api: ApiClient, orgId: string, id: string, options: ReadOptions = {}) => api.get<Programme>(`${org(orgId)}/programmes/${seg(id)}`, options);
export const createProgramme = (api: ApiClient, orgId: string, body: ProgrammeBody) => api.post<Programme>(`${org(orgId)}/programmes`, body);
export const updateProgramme = (api: ApiClient, orgId: string, id: string, body: ProgrammeBody) => api.put<Programme>(`${org(orgId)}/programmes/${seg(id)}`, body);
export const listAgreements = (api: ApiClient, orgId: string, options: ReadOptions & { programmeId?: string } = {}) =>
  api.get<Items<Agreement>>(`${org(orgId)}/recognition-agreements${query({ programmeId: options.programmeId })}`, { signal: options.signal });
export const createAgreement = (api: ApiClient, orgId: string, body: AgreementBody) => api.post<Agreement>(`${org(orgId)}/recognition-agreements`, body);
export const updateAgreement = (api: ApiClient, orgId: string, id: string, body: AgreementBody) => api.put<Agreement>(`${org(orgId)}/recognition-agreements/${seg(id)}`, body);
export const deleteAgreement = (api: ApiClient, orgId: string, id: string) => api.delete(`${org(orgId)}/recognition-agreements/${seg(id)}`);
export const listRequests = (api: ApiClient, orgId: string, options: ReadOptions & { status?: RequestStatus } = {}) =>
  api.get<Items<QueueRequestView>>(`${org(orgId)}/recognition-requests${query({ status: options.status })}`, { signal: options.signal });
export const getRequest = (api: ApiClient, orgId: string, id: string, options: ReadOptions = {}) => api.get<RequestDetailView>(`${org(orgId)}/recognition-requests/${seg(id)}`, options);
export const decide = (api: ApiClient, orgId: string, id: string, decisions: RegistrarDecision[]) =>
  api.post<RecognitionRequestView>(`${org(orgId)}/recognition-requests/${seg(id)}/decisions`, { decisions });
export const issueRecognition = (api: ApiClient, orgId: string, id: string) => api.post<RecognitionRequestView>(`${org(orgId)}/recognition-requests/${seg(id)}/issuance`);

// The learner's side.
export const listAllProgrammes = (api: ApiClient, options: ReadOptions = {}) => api.get<Items<PublicProgramme>>('/api/v1/programmes', options);
export const listProgrammeAgreements = (api: ApiClient, programmeId: string, options: ReadOptions = {}) => api.get<Items<Agreement>>(`/api/v1/programmes/${seg(programmeId)}/agreements`, options);
export const requestRecognition = (api: ApiClient, body: RecognitionRequestBody) => api.post<RecognitionRequestView>('/api/v1/wallet/recognition-requests', body);
export const listMyRequests = (api: ApiClient, options: ReadOptions = {}) => api.get<Items<RecognitionRequestView>>('/api/v1/wallet/recognition-requests', options);
export const getMyRequest = (api: ApiClient, id: string, options: ReadOptions = {}) => api.get<MyRecognitionRequestView>(`/api/v1/wallet/recognition-requests/${seg(id)}`, options);
export const withdrawRequest = (api: ApiClient, id: string) => api.post<MyRecognitionRequestView>(`/api/v1/wallet/recognition-requests/${seg(id)}/withdrawal`);

// RPL: the learner's cases.
const myCase = (id: string) => `/api/v1/wallet/rpl-cases/${seg(id)}`;
export const listRplAchievements = (api: ApiClient, options: ReadOptions = {}) => api.get<Items<RplAchievement>>('/api/v1/rpl/achievements', options);
export const openRplCase = (api: ApiClient, achievementId: string) => api.post<RplCaseView>('/api/v1/wallet/rpl-cases', { achievementId });
export const listMyRplCases = (api: ApiClient, options: ReadOptions = {}) => api.get<Items<RplCaseView>>('/api/v1/wallet/rpl-cases', options);
export const getMyRplCase = (api: ApiClient, id: string, options: ReadOptions = {}) => api.get<RplCaseView>(myCase(id), options);
export const addRplEvidence = (api: ApiClient, id: string, outcomeId: string, evidence: RplEvidenceInput) => api.post<RplCaseView>(`${myCase(id)}/evidence`, { outcomeId, evidence });
export const removeRplEvidence = (api: ApiClient, id: string, evidenceId: string) => api.delete<RplCaseView>(`${myCase(id)}/evidence/${seg(evidenceId)}`);
export const submitRplCase = (api: ApiClient, id: string) => api.post<RplCaseView>(`${myCase(id)}/submission`);
export const withdrawRplCase = (api: ApiClient, id: string) => api.post<RplCaseView>(`${myCase(id)}/withdrawal`);

// RPL: the assessors' side. Reviews, decisions and issuing answer the case without the learner.
export const listRplQueue = (api: ApiClient, orgId: string, options: ReadOptions & { status?: string } = {}) =>
  api.get<Items<RplCaseView>>(`${org(orgId)}/rpl-cases${query({ status: options.status })}`, { signal: options.signal });
export const getRplCase = (api: ApiClient, orgId: string, id: string, options: ReadOptions = {}) => api.get<RplCaseDetailView>(`${org(orgId)}/rpl-cases/${seg(id)}`, options);
export const reviewRplOutcome = (api: ApiClient, orgId: string, id: string, body: RplReviewBody) => api.post<RplCaseView>(`${org(orgId)}/rpl-cases/${seg(id)}/reviews`, body);
export const decideRplCase = (api: ApiClient, orgId: string, id: string) => api.post<RplCaseView>(`${org(orgId)}/rpl-cases/${seg(id)}/decision`, {});
export const issueRplCredential = (api: ApiClient, orgId: string, id: string) => api.post<RplCaseView>(`${org(orgId)}/rpl-cases/${seg(id)}/issuance`);
