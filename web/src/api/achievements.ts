/** Micro-credential definitions (contract: src/http/contract/achievements.ts). */
import type { ApiClient } from '../api.ts';
import { query } from '../api.ts';
import type { Achievement, AchievementInput, AchievementPreview, AchievementVersion, Items } from '../api-types.ts';
import { seg, type ReadOptions } from './path.ts';

export const listAchievements = (api: ApiClient, orgId: string, options: ReadOptions & { includeArchived?: boolean } = {}) =>
  api.get<Items<Achievement>>(`/api/v1/organisations/${seg(orgId)}/achievements${query({ includeArchived: options.includeArchived })}`, { signal: options.signal });
export const createAchievement = (api: ApiClient, orgId: string, body: AchievementInput) => api.post<Achievement>(`/api/v1/organisations/${seg(orgId)}/achievements`, body);
export const previewAchievement = (api: ApiClient, orgId: string, body: AchievementInput) => api.post<AchievementPreview>(`/api/v1/organisations/${seg(orgId)}/achievements/preview`, body);
export const getAchievement = (api: ApiClient, id: string, options: ReadOptions & { version?: number } = {}) =>
  api.get<Achievement>(`/api/v1/achievements/${seg(id)}${query({ version: options.version })}`, { signal: options.signal });
export const updateAchievement = (api: ApiClient, id: string, body: AchievementInput) => api.put<Achievement>(`/api/v1/achievements/${seg(id)}`, body);
export const archiveAchievement = (api: ApiClient, id: string) => api.post<Achievement>(`/api/v1/achievements/${seg(id)}/archive`);
export const listAchievementVersions = (api: ApiClient, id: string, options: ReadOptions = {}) => api.get<Items<AchievementVersion>>(`/api/v1/achievements/${seg(id)}/versions`, options);
