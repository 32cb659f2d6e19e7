import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Services } from '../../services/index.ts';
import { errors, Items, OrgParams, RefTo } from '../contract/common.ts';
import {
  CatalogueItemSchema, CatalogueQuery, FlagListQuery, FlagParams, FlagResolutionSchema, LearnerPathwayParams, PathwayAwardSchema, PathwayCheckBodySchema,
  PathwayCheckSchema, PathwayFlagSchema, PathwayInputSchema, PathwayParams, PathwayProgressSchema, PathwaySchema, PlanBodySchema, PlanSchema,
  PublishedPathwaySchema, TrustedIssuerCreateSchema, TrustedIssuerParams, TrustedIssuerSchema,
} from '../contract/pathways.ts';

export function pathwayRoutes(services: Services): FastifyPluginAsyncTypebox {
  const { pathways } = services;
  return async (app) => {
    app.addSchema(PathwaySchema);
    app.addSchema(PathwayProgressSchema);
    app.addSchema(PathwayFlagSchema);
    const PathwayRef = RefTo(PathwaySchema);
    const ProgressRef = RefTo(PathwayProgressSchema);
    const FlagRef = RefTo(PathwayFlagSchema);

    app.get('/api/v1/organisations/:orgId/pathways', {
      schema: { tags: ['pathways'], summary: "The organisation's pathways (stacked credentials)", params: OrgParams, response: { 200: Items(PathwayRef), ...errors(401, 403, 404) } },
    }, async (request) => ({ items: await pathways.list(request.actor, request.params.orgId) }));

    app.post('/api/v1/organisations/:orgId/pathways', {
      schema: {
        tags: ['pathways'], summary: 'Define a pathway: rules checked by the engine (problems point into /rules), target micro-credential, policies', params: OrgParams,
        body: PathwayInputSchema, response: { 201: PathwayRef, ...errors(400, 401, 403, 404, 422) },
      },
    }, async (request, reply) => reply.code(201).send(await pathways.create(request.actor, request.params.orgId, request.body)));

    app.get('/api/v1/organisations/:orgId/pathways/:pathwayId', {
      schema: { tags: ['pathways'], summary: 'One pathway with its versions', params: PathwayParams, response: { 200: PathwayRef, ...errors(401, 403, 404) } },
    }, (request) => pathways.get(request.actor, request.params.orgId, request.params.pathwayId));

    app.put('/api/v1/organisations/:orgId/pathways/:pathwayId', {
      schema: {
        tags: ['pathways'], summary: 'Save a new version of the pathway; learners with progress are recomputed against it', params: PathwayParams,
        body: PathwayInputSchema, response: { 200: PathwayRef, ...errors(400, 401, 403, 404, 409, 422) },
      },
    }, (request) => pathways.update(request.actor, request.params.orgId, request.params.pathwayId, request.body));

    app.post('/api/v1/organisations/:orgId/pathway-checks', {
      schema: {
        tags: ['pathways'], summary: "The designer's live check: rules validated and evaluated today for a sample learner", params: OrgParams,
        body: PathwayCheckBodySchema,
        response: { 200: PathwayCheckSchema, ...errors(400, 401, 403, 404, 422) },
      },
    }, (request) => pathways.check(request.actor, request.params.orgId, request.body as Parameters<typeof pathways.check>[2]));

    app.get('/api/v1/organisations/:orgId/pathways/:pathwayId/awards', {
      schema: {
        tags: ['pathways'], summary: 'Stacked credentials issued for this pathway', params: PathwayParams,
        response: { 200: Items(PathwayAwardSchema), ...errors(401, 403, 404) },
      },
    }, async (request) => ({ items: await pathways.awards(request.actor, request.params.orgId, request.params.pathwayId) }));

    app.get('/api/v1/organisations/:orgId/pathway-flags', {
      schema: {
        tags: ['pathways'], summary: 'Stacked credentials whose constituent was revoked, for the issuer to decide on', params: OrgParams,
        querystring: FlagListQuery,
        response: { 200: Items(FlagRef), ...errors(400, 401, 403, 404) },
      },
    }, async (request) => ({ items: await pathways.flags(request.actor, request.params.orgId, request.query.status) }));

    app.post('/api/v1/organisations/:orgId/pathway-flags/:flagId/resolution', {
      schema: {
        tags: ['pathways'], summary: 'Decide on a flagged stacked credential: suspend, revoke, or keep (reinstated if suspended)',
        params: FlagParams,
        body: FlagResolutionSchema,
        response: { 200: FlagRef, ...errors(400, 401, 403, 404, 409, 422) },
      },
    }, (request) => pathways.resolveFlag(request.actor, request.params.orgId, request.params.flagId, request.body));

    app.get('/api/v1/organisations/:orgId/trusted-issuers', {
      schema: { tags: ['pathways'], summary: 'Issuers the organisation trusts for its pathways', params: OrgParams, response: { 200: Items(TrustedIssuerSchema), ...errors(401, 403, 404) } },
    }, async (request) => ({ items: await pathways.trustedIssuers(request.actor, request.params.orgId) }));

    app.post('/api/v1/organisations/:orgId/trusted-issuers', {
      schema: {
        tags: ['pathways'], summary: 'Trust an issuer (its DID or URL, as its credentials name it)', params: OrgParams,
        body: TrustedIssuerCreateSchema,
        response: { 201: TrustedIssuerSchema, ...errors(400, 401, 403, 404, 409, 422) },
      },
    }, async (request, reply) => reply.code(201).send(await pathways.addTrustedIssuer(request.actor, request.params.orgId, request.body)));

    app.delete('/api/v1/organisations/:orgId/trusted-issuers/:trustedId', {
      schema: { tags: ['pathways'], summary: 'Stop trusting an issuer', params: TrustedIssuerParams, response: { 204: Type.Null(), ...errors(401, 403, 404) } },
    }, async (request, reply) => {
      await pathways.removeTrustedIssuer(request.actor, request.params.orgId, request.params.trustedId);
      return reply.code(204).send(null);
    });

    app.get('/api/v1/catalogue/achievements', {
      schema: {
        tags: ['pathways'], summary: 'Every micro-credential issued on this instance (signed-in users): what pathways name and the planner suggests',
        querystring: CatalogueQuery,
        response: { 200: Items(CatalogueItemSchema), ...errors(400, 401) },
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
          200: Items(PublishedPathwaySchema),
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
        body: PlanBodySchema,
        response: { 200: PlanSchema, ...errors(400, 401, 403, 404) },
      },
    }, (request) => pathways.plan(request.actor, request.body));
  };
}
