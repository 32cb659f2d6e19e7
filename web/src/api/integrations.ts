/** Webhooks, xAPI rules and LTI platforms of an organisation (contract: src/http/contract/webhooks.ts, xapi.ts, lti.ts). */
import type { ApiClient } from '../api.ts';
import type { CreatedWebhook, Items, LtiPlatform, LtiPlatformCreate, Webhook, WebhookCreate, WebhookDelivery, XapiRule, XapiRuleCreate, XapiStatementSummary } from '../api-types.ts';
import { seg, type ReadOptions } from './path.ts';

const org = (orgId: string) => `/api/v1/organisations/${seg(orgId)}`;

export const webhooksPath = (orgId: string) => `${org(orgId)}/webhooks`;
export const deliveriesPath = (orgId: string, webhookId: string) => `${org(orgId)}/webhooks/${seg(webhookId)}/deliveries`;
export const xapiRulesPath = (orgId: string) => `${org(orgId)}/xapi-rules`;
export const xapiStatementsPath = (orgId: string) => `${org(orgId)}/xapi-statements`;

export const listWebhooks = (api: ApiClient, orgId: string, options: ReadOptions = {}) => api.get<Items<Webhook>>(webhooksPath(orgId), options);
export const createWebhook = (api: ApiClient, orgId: string, body: WebhookCreate) => api.post<CreatedWebhook>(webhooksPath(orgId), body);
export const deleteWebhook = (api: ApiClient, orgId: string, webhookId: string) => api.delete(`${webhooksPath(orgId)}/${seg(webhookId)}`);
export const listDeliveries = (api: ApiClient, orgId: string, webhookId: string, options: ReadOptions = {}) => api.get<Items<WebhookDelivery>>(deliveriesPath(orgId, webhookId), options);
export const replayDelivery = (api: ApiClient, orgId: string, deliveryId: string) => api.post<WebhookDelivery>(`${org(orgId)}/webhook-deliveries/${seg(deliveryId)}/replay`);

export const listXapiRules = (api: ApiClient, orgId: string, options: ReadOptions = {}) => api.get<Items<XapiRule>>(xapiRulesPath(orgId), options);
export const createXapiRule = (api: ApiClient, orgId: string, body: XapiRuleCreate) => api.post<XapiRule>(xapiRulesPath(orgId), body);
export const deleteXapiRule = (api: ApiClient, orgId: string, ruleId: string) => api.delete(`${xapiRulesPath(orgId)}/${seg(ruleId)}`);
export const listXapiStatements = (api: ApiClient, orgId: string, options: ReadOptions = {}) => api.get<Items<XapiStatementSummary>>(xapiStatementsPath(orgId), options);

export const ltiToolPath = '/api/v1/lti/tool';
export const ltiPlatformsPath = (orgId: string) => `${org(orgId)}/lti-platforms`;
export const ltiCoursesPath = (orgId: string) => `${org(orgId)}/lti-courses`;
export const createLtiPlatform = (api: ApiClient, orgId: string, body: LtiPlatformCreate) => api.post<LtiPlatform>(ltiPlatformsPath(orgId), body);
export const deleteLtiPlatform = (api: ApiClient, orgId: string, platformId: string) => api.delete(`${ltiPlatformsPath(orgId)}/${seg(platformId)}`);
