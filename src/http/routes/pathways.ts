import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Services } from '../../services/index.ts';
import { errors, Id, Items, Nullable, OrgParams } from '../schemas.ts';

const Json = Type.Unknown();
const Rules = Type.Object({
  requirements: Type.Array(Type.Record(Type.String(), Json), { maxItems: 200, description: 'Requirements in the rule language of docs/stacking.md (allOf, atLeastN, atLeastCredits, minEqfLevel, outcomes)' }),
  trustedIssuers: Type.Optional(Type.Array(Type.String({ maxLength: 2000 }), { maxItems: 1000 })),
  maxAge: Type.Optional(Type.Union([Type.String({ maxLength: 50, description: 'ISO 8601 duration, e.g. P5Y' }), Type.Integer({ minimum: 0, description: 'days' })])),
  allowSharing: Type.Optional(Type.Boolean()),
}, { additionalProperties: false, description: "The pathway's rules: the engine's JSON without id, version, name and target" });

const Status = Type.Union([Type.Literal('draft'), Type.Literal('published'), Type.Literal('archived')]);
const Policy = Type.Union([Type.Literal('suspend'), Type.Literal('review')], { description: 'When a constituent is revoked: suspend the stacked credential at once, or flag it for review' });

const PathwayBody = Type.Object({
  name: Type.String({ minLength: 1, maxLength: 200 }),
  description: Type.Optional(Nullable(Type.String({ maxLength: 2000 }))),
  achievementId: Id,
  status: Type.Optional(Status),
  autoIssue: Type.Optional(Type.Boolean({ description: 'Issue the target automatically on completion (default true)' })),
  revocationPolicy: Type.Optional(Policy),
  useTrustList: Type.Optional(Type.Boolean({ description: "Count only credentials from the organisation's trusted issuers and its own issuers (with any listed in the rules)" })),
  rules: Rules,
}, { additionalProperties: false, description: 'The rules are checked by the engine in the service (problems point into /rules)' });

const PathwaySchema = Type.Object({
  id: Type.String(), organisationId: Type.String(), name: Type.String(), description: Nullable(Type.String()), status: Status, version: Type.Integer(),
  achievementId: Type.String(), achievementUrl: Type.String(), issuerId: Nullable(Type.String()), autoIssue: Type.Boolean(), revocationPolicy: Policy,
  useTrustList: Type.Boolean(), rules: Json, definition: Type.Unknown({ description: "The engine's pathway as evaluated" }),
  versions: Type.Optional(Type.Array(Type.Object({ version: Type.Integer(), updatedAt: Type.String() }))),
  createdAt: Type.String(), updatedAt: Type.String(),
}, { $id: 'Pathway' });

const ProgressSchema = Type.Object({
  pathwayId: Type.String(), pathwayName: Type.String(), organisationId: Type.String(), organisationName: Type.String(), version: Type.Integer(),
  progress: Type.Number({ description: '0..1' }), complete: Type.Boolean(), creditsCounted: Type.Number(),
  evaluation: Type.Unknown({ description: 'The engine\'s PathwayEvaluation: requirements with the credentials counted (wallet item ids), what is missing, reasons, unusable credentials' }),
  awardedCredentialId: Nullable(Type.String()), awardedWalletItemId: Nullable(Type.String()), computedAt: Type.String(), following: Type.Boolean(),
  plan: Type.Optional(Type.Unknown({ description: "The planner's suggestion: the smallest set of catalogue achievements that completes the pathway, with reasons" })),
}, { $id: 'PathwayProgress' });

const FlagSchema = Type.Object({
  id: Type.String(), pathwayId: Type.String(), pathwayName: Type.String(), awardCredentialId: Type.String(), constituentCredentialKey: Type.String(),
  constituentName: Type.String(), reason: Type.String(), status: Type.Union([Type.Literal('open'), Type.Literal('resolved')]),
  action: Nullable(Type.Union([Type.Literal('suspended'), Type.Literal('revoked'), Type.Literal('kept')])), resolutionReason: Nullable(Type.String()),
  createdAt: Type.String(), resolvedAt: Nullable(Type.String()),
}, { $id: 'PathwayFlag' });

const TrustedIssuer = Type.Object({ id: Type.String(), issuerId: Type.String(), name: Type.String(), createdAt: Type.String() });

const CatalogueItem = Type.Object({
  achievementUrl: Type.String(), achievementId: Type.String({ description: 'The local id' }), name: Type.String(), issuerId: Type.String({ description: 'The issuer DID' }),
  issuerName: Nullable(Type.String()), organisationId: Type.String(), organisationName: Type.String(),
  creditsEcts: Nullable(Type.Number()), eqfLevel: Nullable(Type.Integer()), achievementType: Nullable(Type.String()), fieldOfStudy: Nullable(Type.String()),
  alignments: Type.Array(Type.Object({ targetUrl: Type.Optional(Type.String()), name: Type.Optional(Type.String()) })),
});

const Sample = Type.Union([
  Type.Object({ achievementIds: Type.Array(Type.String({ maxLength: 2000 }), { maxItems: 200, description: 'Catalogue achievement URLs the sample learner holds' }) }, { additionalProperties: false }),
  Type.Object({ email: Type.String({ minLength: 3, maxLength: 320, description: 'What this organisation issued to this address' }) }, { additionalProperties: false }),
  Type.Object({ credentials: Type.Array(Json, { maxItems: 200, description: 'Open Badges 3.0 credentials (taken as verified)' }) }, { additionalProperties: false }),
]);

const PathwayParams = Type.Object({ orgId: Id, pathwayId: Id });
const LearnerPathwayParams = Type.Object({ pathwayId: Id });

export function pathwayRoutes(services: Services): FastifyPluginAsyncTypebox {
  const { pathways } = services;
  return async (app) => {
    app.addSchema(PathwaySchema);
    app.addSchema(ProgressSchema);
    app.addSchema(FlagSchema);
    const PathwayRef = Type.Ref('Pathway');
    const ProgressRef = Type.Ref('PathwayProgress');
    const FlagRef = Type.Ref('PathwayFlag');

    app.get('/api/v1/organisations/:orgId/pathways', {
      schema: { tags: ['pathways'], summary: "The organisation's pathways (stacked credentials)", params: OrgParams, response: { 200: Items(PathwayRef), ...errors(401, 403, 404) } },
    }, async (request) => ({ items: await pathways.list(request.actor, request.params.orgId) }));

    app.post('/api/v1/organisations/:orgId/pathways', {
      schema: {
        tags: ['pathways'], summary: 'Define a pathway: rules checked by the engine (problems point into /rules), target micro-credential, policies', params: OrgParams,
        body: PathwayBody, response: { 201: PathwayRef, ...errors(400, 401, 403, 404, 422) },
      },
    }, async (request, reply) => reply.code(201).send(await pathways.create(request.actor, request.params.orgId, request.body)));

    app.get('/api/v1/organisations/:orgId/pathways/:pathwayId', {
      schema: { tags: ['pathways'], summary: 'One pathway with its versions', params: PathwayParams, response: { 200: PathwayRef, ...errors(401, 403, 404) } },
    }, (request) => pathways.get(request.actor, request.params.orgId, request.params.pathwayId));

    app.put('/api/v1/organisations/:orgId/pathways/:pathwayId', {
      schema: {
        tags: ['pathways'], summary: 'Save a new version of the pathway; learners with progress are recomputed against it', params: PathwayParams,
        body: PathwayBody, response: { 200: PathwayRef, ...errors(400, 401, 403, 404, 409, 422) },
      },
    }, (request) => pathways.update(request.actor, request.params.orgId, request.params.pathwayId, request.body));

    app.post('/api/v1/organisations/:orgId/pathway-checks', {
      schema: {
        tags: ['pathways'], summary: "The designer's live check: rules validated and evaluated today for a sample learner", params: OrgParams,
        body: Type.Object({ rules: Json, name: Type.Optional(Type.String({ maxLength: 200 })), sample: Type.Optional(Sample), useTrustList: Type.Optional(Type.Boolean()) }, { additionalProperties: false }),
        response: {
          200: Type.Object({
            problems: Type.Array(Type.Object({ path: Type.String(), message: Type.String() })),
            evaluation: Type.Unknown({ description: 'PathwayEvaluation, or null when the rules have problems' }),
            sample: Type.Array(Type.Object({ key: Type.String(), achievementName: Type.String(), issuerName: Nullable(Type.String()), status: Type.String() })),
          }),
          ...errors(400, 401, 403, 404, 422),
        },
      },
    }, (request) => pathways.check(request.actor, request.params.orgId, request.body as Parameters<typeof pathways.check>[2]));

    app.get('/api/v1/organisations/:orgId/pathways/:pathwayId/awards', {
      schema: {
        tags: ['pathways'], summary: 'Stacked credentials issued for this pathway', params: PathwayParams,
        response: { 200: Items(Type.Object({ userId: Type.String(), credentialId: Type.String(), issuedAt: Type.String(), pathwayVersion: Type.Integer(), flagged: Type.Boolean() })), ...errors(401, 403, 404) },
      },
    }, async (request) => ({ items: await pathways.awards(request.actor, request.params.orgId, request.params.pathwayId) }));

    app.get('/api/v1/organisations/:orgId/pathway-flags', {
      schema: {
        tags: ['pathways'], summary: 'Stacked credentials whose constituent was revoked, for the issuer to decide on', params: OrgParams,
        querystring: Type.Object({ status: Type.Optional(Type.Union([Type.Literal('open'), Type.Literal('resolved')])) }, { additionalProperties: false }),
        response: { 200: Items(FlagRef), ...errors(400, 401, 403, 404) },
      },
    }, async (request) => ({ items: await pathways.flags(request.actor, request.params.orgId, request.query.status) }));

    app.post('/api/v1/organisations/:orgId/pathway-flags/:flagId/resolution', {
      schema: {
        tags: ['pathways'], summary: 'Decide on a flagged stacked credential: suspend, revoke, or keep (reinstated if suspended)',
        params: Type.Object({ orgId: Id, flagId: Id }),
        body: Type.Object({ action: Type.Union([Type.Literal('suspend'), Type.Literal('revoke'), Type.Literal('keep')]), reason: Type.String({ minLength: 1, maxLength: 500 }) }, { additionalProperties: false }),
        response: { 200: FlagRef, ...errors(400, 401, 403, 404, 409, 422) },
      },
    }, (request) => pathways.resolveFlag(request.actor, request.params.orgId, request.params.flagId, request.body));

    app.get('/api/v1/organisations/:orgId/trusted-issuers', {
      schema: { tags: ['pathways'], summary: 'Issuers the organisation trusts for its pathways', params: OrgParams, response: { 200: Items(TrustedIssuer), ...errors(401, 403, 404) } },
    }, async (request) => ({ items: await pathways.trustedIssuers(request.actor, request.params.orgId) }));

    app.post('/api/v1/organisations/:orgId/trusted-issuers', {
      schema: {
        tags: ['pathways'], summary: 'Trust an issuer (its DID or URL, as its credentials name it)', params: OrgParams,
        body: Type.Object({ issuerId: Type.String({ minLength: 1, maxLength: 2000 }), name: Type.String({ minLength: 1, maxLength: 200 }) }, { additionalProperties: false }),
        response: { 201: TrustedIssuer, ...errors(400, 401, 403, 404, 409, 422) },
      },
    }, async (request, reply) => reply.code(201).send(await pathways.addTrustedIssuer(request.actor, request.params.orgId, request.body)));

    app.delete('/api/v1/organisations/:orgId/trusted-issuers/:trustedId', {
      schema: { tags: ['pathways'], summary: 'Stop trusting an issuer', params: Type.Object({ orgId: Id, trustedId: Id }), response: { 204: Type.Null(), ...errors(401, 403, 404) } },
    }, async (request, reply) => {
      await pathways.removeTrustedIssuer(request.actor, request.params.orgId, request.params.trustedId);
      return reply.code(204).send(null);
    });

    app.get('/api/v1/catalogue/achievements', {
      schema: {
        tags: ['pathways'], summary: 'Every micro-credential issued on this instance (signed-in users): what pathways name and the planner suggests',
        querystring: Type.Object({ q: Type.Optional(Type.String({ maxLength: 200 })), limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })) }, { additionalProperties: false }),
        response: { 200: Items(CatalogueItem), ...errors(400, 401) },
      },
    }, async (request) => {
      const items = await pathways.listCatalogue(request.actor, request.query);
      return {
        items: items.map((item) => ({
          achievementUrl: item.achievementId, achievementId: item.localId, name: item.achievementName, issuerId: item.issuerId, issuerName: item.issuerName ?? null,
          organisationId: item.organisationId, organisationName: item.organisationName, creditsEcts: item.creditsEcts ?? null, eqfLevel: item.eqfLevel ?? null,
          achievementType: item.achievementType ?? null, fieldOfStudy: item.fieldOfStudy ?? null,
          alignments: item.alignments.map((a) => ({ ...(a.targetUrl ? { targetUrl: a.targetUrl } : {}), ...(a.targetName ? { name: a.targetName } : {}) })),
        })),
      };
    });

    app.get('/api/v1/pathways', {
      schema: {
        tags: ['pathways'], summary: 'Published pathways of every organisation (signed-in users)',
        response: {
          200: Items(Type.Object({
            id: Type.String(), organisationId: Type.String(), organisationName: Type.String(), name: Type.String(), description: Nullable(Type.String()),
            version: Type.Integer(), achievementUrl: Type.String(), requirementsCount: Type.Integer(),
          })),
          ...errors(401),
        },
      },
    }, async (request) => ({ items: await pathways.listPublished(request.actor) }));

    app.get('/api/v1/wallet/pathways', {
      schema: { tags: ['pathways'], summary: "The learner's progress: followed pathways and every published pathway with progress", response: { 200: Items(ProgressRef), ...errors(401, 403) } },
    }, async (request) => ({ items: await pathways.myProgress(request.actor) }));

    app.get('/api/v1/wallet/pathways/:pathwayId', {
      schema: { tags: ['pathways'], summary: 'One published pathway evaluated now for the learner, with what to take next', params: LearnerPathwayParams, response: { 200: ProgressRef, ...errors(401, 403, 404) } },
    }, (request) => pathways.myPathway(request.actor, request.params.pathwayId));

    app.put('/api/v1/wallet/pathways/:pathwayId', {
      schema: { tags: ['pathways'], summary: 'Follow a published pathway', params: LearnerPathwayParams, response: { 204: Type.Null(), ...errors(401, 403, 404) } },
    }, async (request, reply) => {
      await pathways.follow(request.actor, request.params.pathwayId, true);
      return reply.code(204).send(null);
    });

    app.delete('/api/v1/wallet/pathways/:pathwayId', {
      schema: { tags: ['pathways'], summary: 'Stop following a pathway', params: LearnerPathwayParams, response: { 204: Type.Null(), ...errors(401, 403, 404) } },
    }, async (request, reply) => {
      await pathways.follow(request.actor, request.params.pathwayId, false);
      return reply.code(204).send(null);
    });

    app.post('/api/v1/wallet/plans', {
      schema: {
        tags: ['pathways'], summary: 'The smallest set of catalogue achievements that would complete a pathway or a programme for the learner (set cover: exact when small, greedy beyond)',
        body: Type.Object({
          target: Type.Union([Type.Object({ pathwayId: Id }, { additionalProperties: false }), Type.Object({ programmeId: Id }, { additionalProperties: false })]),
          objective: Type.Optional(Type.Union([Type.Literal('count'), Type.Literal('credits')])),
        }, { additionalProperties: false }),
        response: { 200: Type.Unknown({ description: 'Plan: feasible, alreadyComplete, method, objective, achievements (with reasons), cost, progressBefore/After, reasons' }), ...errors(400, 401, 403, 404) },
      },
    }, (request) => pathways.plan(request.actor, request.body));
  };
}
