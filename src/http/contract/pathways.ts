import { Type, type Static } from '@sinclair/typebox';
import { Id, Nullable } from './common.ts';

const Json = Type.Unknown();
export const PathwayRulesSchema = Type.Object({
  requirements: Type.Array(Type.Record(Type.String(), Json), { maxItems: 200, description: 'Requirements in the rule language of docs/stacking.md (allOf, atLeastN, atLeastCredits, minEqfLevel, outcomes)' }),
  trustedIssuers: Type.Optional(Type.Array(Type.String({ maxLength: 2000 }), { maxItems: 1000 })),
  maxAge: Type.Optional(Type.Union([Type.String({ maxLength: 50, description: 'ISO 8601 duration, e.g. P5Y' }), Type.Integer({ minimum: 0, description: 'days' })])),
  allowSharing: Type.Optional(Type.Boolean()),
}, { additionalProperties: false, description: "The pathway's rules: the engine's JSON without id, version, name and target" });

export const PathwayStatusSchema = Type.Union([Type.Literal('draft'), Type.Literal('published'), Type.Literal('archived')]);
export const RevocationPolicySchema = Type.Union([Type.Literal('suspend'), Type.Literal('review')], { description: 'When a constituent is revoked: suspend the stacked credential at once, or flag it for review' });

export const PathwayInputSchema = Type.Object({
  name: Type.String({ minLength: 1, maxLength: 200 }),
  description: Type.Optional(Nullable(Type.String({ maxLength: 2000 }))),
  achievementId: Id,
  status: Type.Optional(PathwayStatusSchema),
  autoIssue: Type.Optional(Type.Boolean({ description: 'Issue the target automatically on completion (default true)' })),
  revocationPolicy: Type.Optional(RevocationPolicySchema),
  useTrustList: Type.Optional(Type.Boolean({ description: "Count only credentials from the organisation's trusted issuers and its own issuers (with any listed in the rules)" })),
  rules: PathwayRulesSchema,
}, { additionalProperties: false, description: 'The rules are checked by the engine in the service (problems point into /rules)' });

export const PathwaySchema = Type.Object({
  id: Type.String(), organisationId: Type.String(), name: Type.String(), description: Nullable(Type.String()), status: PathwayStatusSchema, version: Type.Integer(),
  achievementId: Type.String(), achievementUrl: Type.String(), issuerId: Nullable(Type.String()), autoIssue: Type.Boolean(), revocationPolicy: RevocationPolicySchema,
  useTrustList: Type.Boolean(), rules: Json, definition: Type.Unknown({ description: "The engine's pathway as evaluated" }),
  versions: Type.Optional(Type.Array(Type.Object({ version: Type.Integer(), updatedAt: Type.String() }))),
  createdAt: Type.String(), updatedAt: Type.String(),
}, { $id: 'Pathway' });

export const PathwayProgressSchema = Type.Object({
  pathwayId: Type.String(), pathwayName: Type.String(), organisationId: Type.String(), organisationName: Type.String(), version: Type.Integer(),
  progress: Type.Number({ description: '0..1' }), complete: Type.Boolean(), creditsCounted: Type.Number(),
  evaluation: Type.Unknown({ description: 'The engine\'s PathwayEvaluation: requirements with the credentials counted (wallet item ids), what is missing, reasons, unusable credentials' }),
  awardedCredentialId: Nullable(Type.String()), awardedWalletItemId: Nullable(Type.String()), computedAt: Type.String(), following: Type.Boolean(),
  plan: Type.Optional(Type.Unknown({ description: "The planner's suggestion: the smallest set of catalogue achievements that completes the pathway, with reasons" })),
}, { $id: 'PathwayProgress' });

export const PathwayFlagSchema = Type.Object({
  id: Type.String(), pathwayId: Type.String(), pathwayName: Type.String(), awardCredentialId: Type.String(),
  awardSuspendable: Type.Boolean({ description: 'Whether the stacked credential can be suspended (it carries a suspension entry, an opt-in); if not, it can be kept or revoked' }),
  constituentCredentialKey: Type.String(),
  constituentName: Type.String(), reason: Type.String(), status: Type.Union([Type.Literal('open'), Type.Literal('resolved')]),
  action: Nullable(Type.Union([Type.Literal('suspended'), Type.Literal('revoked'), Type.Literal('kept')])), resolutionReason: Nullable(Type.String()),
  createdAt: Type.String(), resolvedAt: Nullable(Type.String()),
}, { $id: 'PathwayFlag' });

export const TrustedIssuerSchema = Type.Object({ id: Type.String(), issuerId: Type.String(), name: Type.String(), createdAt: Type.String() });

export const CatalogueItemSchema = Type.Object({
  achievementUrl: Type.String(), achievementId: Type.String({ description: 'The local id' }), name: Type.String(), issuerId: Type.String({ description: 'The issuer DID' }),
  issuerName: Nullable(Type.String()), organisationId: Type.String(), organisationName: Type.String(),
  creditsEcts: Nullable(Type.Number()), eqfLevel: Nullable(Type.Integer()), achievementType: Nullable(Type.String()), fieldOfStudy: Nullable(Type.String()),
  alignments: Type.Array(Type.Object({ targetUrl: Type.Optional(Type.String()), name: Type.Optional(Type.String()) })),
});

export const PathwaySampleSchema = Type.Union([
  Type.Object({ achievementIds: Type.Array(Type.String({ maxLength: 2000 }), { maxItems: 200, description: 'Catalogue achievement URLs the sample learner holds' }) }, { additionalProperties: false }),
  Type.Object({ email: Type.String({ minLength: 3, maxLength: 320, description: 'What this organisation issued to this address' }) }, { additionalProperties: false }),
  Type.Object({ credentials: Type.Array(Json, { maxItems: 200, description: 'Open Badges 3.0 credentials (taken as verified)' }) }, { additionalProperties: false }),
]);

export const PathwayParams = Type.Object({ orgId: Id, pathwayId: Id });
export const LearnerPathwayParams = Type.Object({ pathwayId: Id });

export const PathwayCheckBodySchema = Type.Object({ rules: Json, name: Type.Optional(Type.String({ maxLength: 200 })), sample: Type.Optional(PathwaySampleSchema), useTrustList: Type.Optional(Type.Boolean()) }, { additionalProperties: false });
export const PathwayCheckSchema = Type.Object({
  problems: Type.Array(Type.Object({ path: Type.String(), message: Type.String() })),
  evaluation: Type.Unknown({ description: 'PathwayEvaluation, or null when the rules have problems' }),
  sample: Type.Array(Type.Object({ key: Type.String(), achievementName: Type.String(), issuerName: Nullable(Type.String()), status: Type.String() })),
});
export const PathwayAwardSchema = Type.Object({ userId: Type.String(), credentialId: Type.String(), issuedAt: Type.String(), pathwayVersion: Type.Integer(), flagged: Type.Boolean() });
export const FlagStatusSchema = Type.Union([Type.Literal('open'), Type.Literal('resolved')]);
export const FlagListQuery = Type.Object({ status: Type.Optional(FlagStatusSchema) }, { additionalProperties: false });
export const FlagParams = Type.Object({ orgId: Id, flagId: Id });
export const FlagResolutionSchema = Type.Object({ action: Type.Union([Type.Literal('suspend'), Type.Literal('revoke'), Type.Literal('keep')]), reason: Type.String({ minLength: 1, maxLength: 500 }) }, { additionalProperties: false });
export const TrustedIssuerCreateSchema = Type.Object({ issuerId: Type.String({ minLength: 1, maxLength: 2000 }), name: Type.String({ minLength: 1, maxLength: 200 }) }, { additionalProperties: false });
export const TrustedIssuerParams = Type.Object({ orgId: Id, trustedId: Id });
export const CatalogueQuery = Type.Object({ q: Type.Optional(Type.String({ maxLength: 200 })), limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })) }, { additionalProperties: false });
export const PublishedPathwaySchema = Type.Object({
  id: Type.String(), organisationId: Type.String(), organisationName: Type.String(), name: Type.String(), description: Nullable(Type.String()),
  version: Type.Integer(), achievementUrl: Type.String(), requirementsCount: Type.Integer(),
});
export const PlanBodySchema = Type.Object({
  target: Type.Union([Type.Object({ pathwayId: Id }, { additionalProperties: false }), Type.Object({ programmeId: Id }, { additionalProperties: false })]),
  objective: Type.Optional(Type.Union([Type.Literal('count'), Type.Literal('credits')])),
}, { additionalProperties: false });
export const PlanSchema = Type.Unknown({ description: 'Plan: feasible, alreadyComplete, method, objective, achievements (with reasons), cost, progressBefore/After, reasons' });

export type PathwayRules = Static<typeof PathwayRulesSchema>;
export type PathwayStatus = Static<typeof PathwayStatusSchema>;
export type RevocationPolicy = Static<typeof RevocationPolicySchema>;
export type PathwayInput = Static<typeof PathwayInputSchema>;
export type Pathway = Static<typeof PathwaySchema>;
export type PathwayProgress = Static<typeof PathwayProgressSchema>;
export type PathwayFlag = Static<typeof PathwayFlagSchema>;
export type TrustedIssuer = Static<typeof TrustedIssuerSchema>;
export type CatalogueItem = Static<typeof CatalogueItemSchema>;
export type PathwaySample = Static<typeof PathwaySampleSchema>;
export type PathwayCheckBody = Static<typeof PathwayCheckBodySchema>;
export type PathwayCheck = Static<typeof PathwayCheckSchema>;
export type PathwayAward = Static<typeof PathwayAwardSchema>;
export type FlagResolution = Static<typeof FlagResolutionSchema>;
export type TrustedIssuerCreate = Static<typeof TrustedIssuerCreateSchema>;
export type PublishedPathway = Static<typeof PublishedPathwaySchema>;
export type PlanBody = Static<typeof PlanBodySchema>;
