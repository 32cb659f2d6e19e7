/**
 * The LTI 1.3 and LTI Advantage claims microcred reads and writes, and the checks of a launch's
 * payload once its signature is verified. Pure: no IO.
 */

export const LTI_VERSION = '1.3.0';
const LTI = 'https://purl.imsglobal.org/spec/lti/claim/';
export const CLAIM = {
  messageType: `${LTI}message_type`,
  version: `${LTI}version`,
  deploymentId: `${LTI}deployment_id`,
  targetLinkUri: `${LTI}target_link_uri`,
  resourceLink: `${LTI}resource_link`,
  roles: `${LTI}roles`,
  context: `${LTI}context`,
  custom: `${LTI}custom`,
  ags: 'https://purl.imsglobal.org/spec/lti-ags/claim/endpoint',
  nrps: 'https://purl.imsglobal.org/spec/lti-nrps/claim/namesroleservice',
  deepLinkingSettings: 'https://purl.imsglobal.org/spec/lti-dl/claim/deep_linking_settings',
  contentItems: 'https://purl.imsglobal.org/spec/lti-dl/claim/content_items',
  dlData: 'https://purl.imsglobal.org/spec/lti-dl/claim/data',
  dlMessage: 'https://purl.imsglobal.org/spec/lti-dl/claim/msg',
} as const;

export const SCOPE = {
  lineItemReadonly: 'https://purl.imsglobal.org/spec/lti-ags/scope/lineitem.readonly',
  resultReadonly: 'https://purl.imsglobal.org/spec/lti-ags/scope/result.readonly',
  memberships: 'https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly',
} as const;

export const MEDIA = {
  lineItems: 'application/vnd.ims.lis.v2.lineitemcontainer+json',
  results: 'application/vnd.ims.lis.v2.resultcontainer+json',
  memberships: 'application/vnd.ims.lti-nrps.v2.membershipcontainer+json',
} as const;

export type LtiMessageType = 'LtiResourceLinkRequest' | 'LtiDeepLinkingRequest';

/** What the pages after a launch need from it (kept in the launch session). */
export interface LaunchClaims {
  messageType: LtiMessageType;
  roles: string[];
  name?: string;
  email?: string;
  context?: { id: string; title?: string; label?: string };
  resourceLinkId?: string;
  custom: Record<string, string>;
  ags?: { scope: string[]; lineitems?: string; lineitem?: string };
  nrps?: { contextMembershipsUrl: string };
  deepLinking?: { returnUrl: string; acceptTypes: string[]; acceptMultiple: boolean; data?: string };
}

/** The launch refused, with the sentence the person in the LMS (and its administrator) reads. */
export class LaunchRefused extends Error {
  constructor(message: string, readonly status: 400 | 401 | 403 = 401) {
    super(message);
    this.name = 'LaunchRefused';
  }
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const str = (value: unknown): string | undefined => (typeof value === 'string' && value.length > 0 ? value : undefined);

// LIS vocabulary (LTI 1.3 §A.2): context roles, and the short forms some platforms still send.
const TEACHING = /^(?:http:\/\/purl\.imsglobal\.org\/vocab\/lis\/v2\/membership(?:\/[A-Za-z]+)?#)?(?:Instructor|Administrator|ContentDeveloper|Mentor)$|^http:\/\/purl\.imsglobal\.org\/vocab\/lis\/v2\/(?:institution\/person|system\/person)#Administrator$/;

/** An instructor (or course administrator) may map the course; anyone else sees her own credential. */
export function isTeachingRole(roles: readonly string[]): boolean {
  return roles.some((role) => TEACHING.test(role) && !role.includes('#TeachingAssistant'));
}

export function isLearnerRole(roles: readonly string[]): boolean {
  return roles.some((role) => /(?:^|#)Learner$/.test(role) || role === 'http://purl.imsglobal.org/vocab/lis/v2/membership#Learner');
}

/**
 * The checks of LTI 1.3 §5.1.3 (and Security Framework §5.1.3) that follow the signature:
 * aud/azp, nonce, deployment, message type and version, and the claims each message type requires.
 */
export function checkLaunchPayload(payload: Record<string, unknown>, expected: { clientId: string; nonce: string; deploymentIds: readonly string[] }): { deploymentId: string; subject: string; claims: LaunchClaims } {
  // Security Framework §5.1.3 items 3–5: our client id among the audiences; several audiences need azp, and azp is us.
  const aud = Array.isArray(payload.aud) ? payload.aud : [payload.aud];
  if (!aud.includes(expected.clientId)) throw new LaunchRefused(`the id_token is not for this tool: its audience does not include the client id ${expected.clientId}`);
  if ((aud.length > 1 || payload.azp !== undefined) && payload.azp !== expected.clientId) throw new LaunchRefused('the id_token names another authorised party (azp) than this tool');
  if (typeof payload.nonce !== 'string' || payload.nonce !== expected.nonce) throw new LaunchRefused('the id_token\'s nonce does not match the login it answers (a replayed launch?)');
  const deploymentId = str(payload[CLAIM.deploymentId]);
  if (!deploymentId) throw new LaunchRefused('the launch has no deployment_id claim', 400);
  if (!expected.deploymentIds.includes(deploymentId)) throw new LaunchRefused(`deployment ${deploymentId} is not registered for this platform in microcred (Integrations → LTI)`, 403);
  if (payload[CLAIM.version] !== LTI_VERSION) throw new LaunchRefused(`the launch is LTI version ${JSON.stringify(payload[CLAIM.version] ?? null)}; this tool speaks ${LTI_VERSION}`, 400);
  const messageType = payload[CLAIM.messageType];
  if (messageType !== 'LtiResourceLinkRequest' && messageType !== 'LtiDeepLinkingRequest') throw new LaunchRefused(`message type ${JSON.stringify(messageType ?? null)} is not one this tool handles`, 400);
  const subject = str(payload.sub);
  if (!subject) throw new LaunchRefused('the launch has no subject (sub): anonymous launches are not supported', 400);
  const rolesClaim = payload[CLAIM.roles];
  if (!Array.isArray(rolesClaim)) throw new LaunchRefused('the launch has no roles claim', 400);
  const roles = rolesClaim.filter((role): role is string => typeof role === 'string').slice(0, 50);
  const claims: LaunchClaims = { messageType, roles, custom: {} };
  if (str(payload.name)) claims.name = str(payload.name)!.slice(0, 200);
  if (str(payload.email)) claims.email = str(payload.email)!.slice(0, 320);
  const context = payload[CLAIM.context];
  if (isRecord(context) && str(context.id)) {
    claims.context = { id: str(context.id)!.slice(0, 255), ...(str(context.title) ? { title: str(context.title)!.slice(0, 300) } : {}), ...(str(context.label) ? { label: str(context.label)!.slice(0, 300) } : {}) };
  }
  const custom = payload[CLAIM.custom];
  if (isRecord(custom)) for (const [key, value] of Object.entries(custom).slice(0, 50)) if (typeof value === 'string') claims.custom[key.slice(0, 100)] = value.slice(0, 1000);
  const ags = payload[CLAIM.ags];
  if (isRecord(ags)) {
    claims.ags = { scope: Array.isArray(ags.scope) ? ags.scope.filter((s): s is string => typeof s === 'string') : [] };
    if (str(ags.lineitems)) claims.ags.lineitems = str(ags.lineitems)!;
    if (str(ags.lineitem)) claims.ags.lineitem = str(ags.lineitem)!;
  }
  const nrps = payload[CLAIM.nrps];
  if (isRecord(nrps) && str(nrps.context_memberships_url)) claims.nrps = { contextMembershipsUrl: str(nrps.context_memberships_url)! };
  if (messageType === 'LtiResourceLinkRequest') {
    // LTI 1.3 §5.3.5: a resource link launch carries the link's id.
    const link = payload[CLAIM.resourceLink];
    if (!isRecord(link) || !str(link.id)) throw new LaunchRefused('the resource link launch has no resource_link.id', 400);
    claims.resourceLinkId = str(link.id)!.slice(0, 255);
  } else {
    // Deep Linking 2.0 §4.4.1: where the selection goes back to.
    const settings = payload[CLAIM.deepLinkingSettings];
    if (!isRecord(settings) || !str(settings.deep_link_return_url)) throw new LaunchRefused('the deep linking request has no deep_link_return_url', 400);
    // The browser is sent there with a form: only an http(s) address (never javascript: or data:).
    if (!/^https?:\/\//i.test(str(settings.deep_link_return_url)!)) throw new LaunchRefused('the deep linking return URL is not an http(s) address', 400);
    claims.deepLinking = {
      returnUrl: str(settings.deep_link_return_url)!,
      acceptTypes: Array.isArray(settings.accept_types) ? settings.accept_types.filter((t): t is string => typeof t === 'string') : [],
      acceptMultiple: settings.accept_multiple !== false,
      ...(str(settings.data) ? { data: str(settings.data)! } : {}),
    };
    if (!claims.deepLinking.acceptTypes.includes('ltiResourceLink')) throw new LaunchRefused('the platform does not accept LTI resource links (ltiResourceLink) in this deep linking request', 400);
  }
  return { deploymentId, subject: subject.slice(0, 255), claims };
}
