import { Type, type Static } from '@sinclair/typebox';
import { Id, Nullable } from './common.ts';

/** An LMS registered as an LTI 1.3 platform (what its launches are checked against). */
export const LtiPlatformSchema = Type.Object({
  id: Type.String(), name: Type.String(), issuer: Type.String(), clientId: Type.String(), deploymentIds: Type.Array(Type.String()),
  jwksUrl: Type.String(), authLoginUrl: Type.String(), tokenUrl: Type.String(), tokenAudience: Nullable(Type.String()), createdAt: Type.String(),
}, { $id: 'LtiPlatform' });
export type LtiPlatform = Static<typeof LtiPlatformSchema>;

const url = (description: string) => Type.String({ minLength: 1, maxLength: 2048, description });
export const LtiPlatformCreateSchema = Type.Object({
  name: Type.String({ minLength: 1, maxLength: 200, description: 'A name for the console, e.g. "Moodle (main campus)"' }),
  issuer: url('The platform\'s issuer (the iss of its launches), e.g. https://moodle.example.edu'),
  clientId: Type.String({ minLength: 1, maxLength: 255, description: 'The client id the platform gave microcred' }),
  deploymentIds: Type.Array(Type.String({ minLength: 1, maxLength: 255 }), { minItems: 1, maxItems: 50, description: 'The deployment ids launches may carry' }),
  jwksUrl: url('The platform\'s public keyset URL'),
  authLoginUrl: url('The platform\'s OIDC authentication request URL'),
  tokenUrl: url('The platform\'s OAuth 2.0 access token URL'),
  tokenAudience: Type.Optional(Nullable(Type.String({ maxLength: 2048, description: 'The audience of microcred\'s client assertion when the platform names one other than its token URL (Brightspace: "OAuth2 Audience")' }))),
}, { additionalProperties: false });
export type LtiPlatformCreate = Static<typeof LtiPlatformCreateSchema>;
export const LtiPlatformParams = Type.Object({ orgId: Id, platformId: Id });

/** The URLs to paste into the LMS when registering microcred as a tool. */
export const LtiToolConfigurationSchema = Type.Object({
  loginUrl: Type.String({ description: 'Initiate login URL (OIDC third-party login initiation)' }),
  launchUrl: Type.String({ description: 'Target link / tool URL' }),
  redirectUris: Type.Array(Type.String(), { description: 'Redirection URI(s)' }),
  jwksUrl: Type.String({ description: 'Public keyset URL of the tool' }),
  deepLinkingUrl: Type.String({ description: 'Content selection (deep linking) URL' }),
  scopes: Type.Array(Type.String(), { description: 'The LTI Advantage scopes the tool asks for' }),
  customParameters: Type.String(),
});
export type LtiToolConfiguration = Static<typeof LtiToolConfigurationSchema>;

export const LtiCourseSchema = Type.Object({
  id: Type.String(), platformId: Type.String(), contextId: Type.String(), contextTitle: Nullable(Type.String()), achievementId: Type.String(),
  lineItemUrl: Type.String(), lineItemLabel: Nullable(Type.String()), minScore: Type.Number({ description: 'Lowest share of the line item\'s maximum (0..1)' }),
  lastRunAt: Nullable(Type.String()), lastError: Nullable(Type.String()), awards: Type.Integer(),
});
export type LtiCourse = Static<typeof LtiCourseSchema>;

/** Form posts from the platform and from microcred's own pages inside the LMS frame. */
const field = Type.String({ maxLength: 8192 });
export const LtiLoginForm = Type.Object({
  iss: Type.Optional(field), login_hint: Type.Optional(field), target_link_uri: Type.Optional(field), lti_message_hint: Type.Optional(field),
  client_id: Type.Optional(field), lti_deployment_id: Type.Optional(field),
});
export const LtiLaunchForm = Type.Object({
  id_token: Type.Optional(Type.String({ maxLength: 65536 })), state: Type.Optional(field), error: Type.Optional(field), error_description: Type.Optional(field),
});
export const LtiDeepLinkForm = Type.Object({
  session: Type.Optional(field), achievementId: Type.Optional(Type.Union([field, Type.Array(field, { maxItems: 100 })])),
});
export const LtiCourseForm = Type.Object({
  session: Type.Optional(field), achievementId: Type.Optional(field), lineItem: Type.Optional(field), minPercent: Type.Optional(field),
});
export const LtiSessionForm = Type.Object({ session: Type.Optional(field) });
export const HtmlPage = Type.String({ description: 'An HTML page' });
