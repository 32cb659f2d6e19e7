/**
 * The checks of an LTI 1.3 launch's payload after its signature (LTI 1.3 §5.1.3, Security Framework
 * §5.1.3), the role vocabulary, and the AGS service URLs: pure functions, hostile payloads.
 */
import { describe, expect, it } from 'vitest';
import { serviceUrl } from '../../src/services/lti/advantage.ts';
import { checkLaunchPayload, CLAIM, isLearnerRole, isTeachingRole, LaunchRefused } from '../../src/services/lti/claims.ts';

const expected = { clientId: 'client-1', nonce: 'n-1', deploymentIds: ['d-1'] };
function payload(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const base: Record<string, unknown> = {
    iss: 'https://lms.example', aud: 'client-1', sub: 'user-1', nonce: 'n-1',
    [CLAIM.deploymentId]: 'd-1', [CLAIM.version]: '1.3.0', [CLAIM.messageType]: 'LtiResourceLinkRequest',
    [CLAIM.roles]: ['http://purl.imsglobal.org/vocab/lis/v2/membership#Learner'], [CLAIM.resourceLink]: { id: 'rl-1' },
  };
  for (const [key, value] of Object.entries(overrides)) {
    if (value === undefined) delete base[key];
    else base[key] = value;
  }
  return base;
}
const refusal = (p: Record<string, unknown>) => {
  try {
    checkLaunchPayload(p, expected);
  } catch (error) {
    if (error instanceof LaunchRefused) return { status: error.status, message: error.message };
    throw error;
  }
  return undefined;
};

describe('LTI launch payload checks', () => {
  it('accepts a well-formed resource link launch and keeps only what the pages need', () => {
    const result = checkLaunchPayload(payload({ [CLAIM.context]: { id: 'c-1', title: 'Data 101' }, [CLAIM.custom]: { microcred_achievement_id: 'a', n: 5 } }), expected);
    expect(result).toMatchObject({ deploymentId: 'd-1', subject: 'user-1', claims: { messageType: 'LtiResourceLinkRequest', resourceLinkId: 'rl-1', context: { id: 'c-1', title: 'Data 101' }, custom: { microcred_achievement_id: 'a' } } });
    expect(result.claims.custom).not.toHaveProperty('n');
  });

  it('refuses each broken rule with its own message', () => {
    expect(refusal(payload({ aud: 'other' }))).toMatchObject({ status: 401, message: expect.stringContaining('audience') });
    expect(refusal(payload({ aud: ['client-1', 'other'] }))).toMatchObject({ message: expect.stringContaining('azp') });
    expect(refusal(payload({ aud: ['client-1', 'other'], azp: 'client-1' }))).toBeUndefined();
    expect(refusal(payload({ azp: 'other' }))).toMatchObject({ message: expect.stringContaining('azp') });
    expect(refusal(payload({ nonce: 'n-2' }))).toMatchObject({ message: expect.stringContaining('nonce') });
    expect(refusal(payload({ nonce: undefined }))).toMatchObject({ message: expect.stringContaining('nonce') });
    expect(refusal(payload({ [CLAIM.deploymentId]: 'd-2' }))).toMatchObject({ status: 403 });
    expect(refusal(payload({ [CLAIM.deploymentId]: undefined }))).toMatchObject({ status: 400 });
    expect(refusal(payload({ [CLAIM.version]: '1.3' }))).toMatchObject({ status: 400, message: expect.stringContaining('1.3.0') });
    expect(refusal(payload({ [CLAIM.messageType]: 'LtiStartProctoring' }))).toMatchObject({ status: 400 });
    expect(refusal(payload({ sub: '' }))).toMatchObject({ status: 400, message: expect.stringContaining('sub') });
    expect(refusal(payload({ [CLAIM.roles]: 'Instructor' }))).toMatchObject({ status: 400, message: expect.stringContaining('roles') });
    expect(refusal(payload({ [CLAIM.resourceLink]: {} }))).toMatchObject({ status: 400, message: expect.stringContaining('resource_link') });
  });

  it('requires a return URL and resource links from a deep linking request', () => {
    const deep = (settings: unknown) => payload({ [CLAIM.messageType]: 'LtiDeepLinkingRequest', [CLAIM.resourceLink]: undefined, [CLAIM.deepLinkingSettings]: settings });
    expect(refusal(deep(undefined))).toMatchObject({ status: 400 });
    expect(refusal(deep({ deep_link_return_url: 'javascript:alert(1)', accept_types: ['ltiResourceLink'] }))).toMatchObject({ status: 400, message: expect.stringContaining('http(s)') });
    expect(refusal(deep({ deep_link_return_url: 'https://lms.example/dl', accept_types: ['file'] }))).toMatchObject({ message: expect.stringContaining('ltiResourceLink') });
    const ok = checkLaunchPayload(deep({ deep_link_return_url: 'https://lms.example/dl', accept_types: ['ltiResourceLink'], accept_multiple: false, data: 'x' }), expected);
    expect(ok.claims.deepLinking).toEqual({ returnUrl: 'https://lms.example/dl', acceptTypes: ['ltiResourceLink'], acceptMultiple: false, data: 'x' });
  });

  it('tells teaching roles from learning ones (full and short LIS forms)', () => {
    expect(isTeachingRole(['http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor'])).toBe(true);
    expect(isTeachingRole(['Instructor'])).toBe(true);
    expect(isTeachingRole(['http://purl.imsglobal.org/vocab/lis/v2/institution/person#Administrator'])).toBe(true);
    expect(isTeachingRole(['http://purl.imsglobal.org/vocab/lis/v2/membership/Instructor#TeachingAssistant'])).toBe(false);
    expect(isTeachingRole(['http://purl.imsglobal.org/vocab/lis/v2/membership#Learner'])).toBe(false);
    expect(isTeachingRole(['http://purl.imsglobal.org/vocab/lis/v2/institution/person#Instructor'])).toBe(false);
    expect(isTeachingRole(['https://evil.example/#Instructor'])).toBe(false);
    expect(isLearnerRole(['http://purl.imsglobal.org/vocab/lis/v2/membership#Learner'])).toBe(true);
    expect(isLearnerRole(['Learner'])).toBe(true);
    expect(isLearnerRole(['http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor'])).toBe(false);
  });

  it('puts /results before a line item URL\'s query (AGS §3.2)', () => {
    expect(serviceUrl('https://lms.example/li/7?type_id=3', 'results', { limit: '10' })).toBe('https://lms.example/li/7/results?type_id=3&limit=10');
    expect(serviceUrl('https://lms.example/li/7/', 'results')).toBe('https://lms.example/li/7/results');
  });
});
