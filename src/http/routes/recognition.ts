import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Services } from '../../services/index.ts';
import { errors, Id, Items, Nullable, OrgParams } from '../schemas.ts';

const Credits = Type.Number({ exclusiveMinimum: 0, maximum: 1000, description: 'ECTS credits' });
const Module = Type.Object({
  id: Type.String({ minLength: 1, maxLength: 100 }), name: Type.String({ minLength: 1, maxLength: 200 }), credits: Credits,
}, { additionalProperties: false });

const ProgrammeFields = {
  name: Type.String({ minLength: 1, maxLength: 200 }),
  totalCredits: Credits,
  modules: Type.Array(Module, { maxItems: 200 }),
  maxRecognisedCredits: Type.Optional(Type.Number({ minimum: 0, maximum: 1000, description: 'At most this many ECTS from prior learning' })),
  maxRecognisedShare: Type.Optional(Type.Number({ minimum: 0, maximum: 1, description: 'At most this share of totalCredits from prior learning' })),
  partialCredits: Type.Optional(Type.Boolean({ description: 'When a cap cuts through an item, recognise the part that fits' })),
  achievementId: Type.Optional(Nullable(Id)),
};

const ProgrammeSchema = Type.Object({
  id: Type.String(), organisationId: Type.String(), ...ProgrammeFields, createdAt: Type.String(), updatedAt: Type.String(),
}, { $id: 'RecognitionProgramme' });

const Grade = Type.Object({ value: Type.Union([Type.Number(), Type.String({ maxLength: 50 })]), scale: Type.Optional(Type.Array(Type.String({ maxLength: 50 }), { maxItems: 50 })) });

const AgreementFields = {
  moduleId: Type.String({ minLength: 1, maxLength: 100, description: 'The internal module the external achievement counts for' }),
  credits: Credits,
  match: Type.Object({
    issuerId: Type.Optional(Type.String({ minLength: 1, maxLength: 2000 })),
    achievementId: Type.Optional(Type.String({ minLength: 1, maxLength: 2000 })),
    alignments: Type.Optional(Type.Array(Type.String({ maxLength: 2000 }), { maxItems: 100 })),
    fieldsOfStudy: Type.Optional(Type.Array(Type.String({ maxLength: 200 }), { maxItems: 100 })),
  }, { additionalProperties: false }),
  conditions: Type.Optional(Type.Object({
    minEqfLevel: Type.Optional(Type.Integer({ minimum: 1, maximum: 8 })),
    minCredits: Type.Optional(Type.Number({ minimum: 0, maximum: 1000 })),
    maxAge: Type.Optional(Type.Union([Type.String({ maxLength: 50, description: 'ISO 8601 duration, e.g. P5Y' }), Type.Integer({ minimum: 0, description: 'days' })])),
    qualityAssuranceRequired: Type.Optional(Type.Boolean()),
    acceptedAssessmentTypes: Type.Optional(Type.Array(Type.String({ maxLength: 200 }), { maxItems: 50 })),
    identityVerifiedRequired: Type.Optional(Type.Boolean()),
    minGrade: Type.Optional(Grade),
  }, { additionalProperties: false })),
  allowPartial: Type.Optional(Type.Boolean()),
};

const AgreementSchema = Type.Object({
  id: Type.String(), organisationId: Type.String(), programmeId: Type.String(), ...AgreementFields, createdAt: Type.String(),
}, { $id: 'RecognitionAgreement' });

const RequestSchema = Type.Object({
  id: Type.String(), organisationId: Type.String(), programmeId: Type.String(), userId: Type.String(),
  credentialIds: Type.Array(Type.String()), status: Type.Union([Type.Literal('pending'), Type.Literal('decided')]),
  proposal: Type.Unknown({ description: "The engine's proposal: per credential the decision, credits after caps, every condition checked with its reason; the cap and the gap" }),
  decision: Type.Unknown({ description: "The registrar's decision record (null until the first decision): each item's action, reason and outcome, the total and the gap, with the proposal as seen" }),
  decidedAt: Type.Union([Type.String(), Type.Null()]), issuedCredentialId: Type.Union([Type.String(), Type.Null()]), createdAt: Type.String(),
}, { $id: 'RecognitionRequest' });

const Decision = Type.Object({
  credentialKey: Type.String({ minLength: 1, maxLength: 2000 }),
  action: Type.Union([Type.Literal('approve'), Type.Literal('amend'), Type.Literal('reject')]),
  credits: Type.Optional(Type.Number({ minimum: 0, maximum: 1000 })),
  moduleId: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
  reason: Type.Optional(Type.String({ maxLength: 5000, description: 'Required for amend and reject' })),
}, { additionalProperties: false });

export function recognitionRoutes(services: Services): FastifyPluginAsyncTypebox {
  const { recognition } = services;
  const ProgrammeRef = Type.Ref('RecognitionProgramme');
  const AgreementRef = Type.Ref('RecognitionAgreement');
  const RequestRef = Type.Ref('RecognitionRequest');
  return async (app) => {
    app.addSchema(ProgrammeSchema);
    app.addSchema(AgreementSchema);
    app.addSchema(RequestSchema);

    app.post('/api/v1/wallet/recognition-requests', {
      schema: {
        tags: ['recognition'], summary: "Ask a programme's organisation to recognise wallet credentials; answers with the engine's proposal",
        body: Type.Object({ programmeId: Id, credentialIds: Type.Array(Id, { minItems: 1, maxItems: 100 }) }, { additionalProperties: false }),
        response: { 201: RequestRef, ...errors(400, 401, 404, 422) },
      },
    }, async (request, reply) => reply.code(201).send(await recognition.requestRecognition(request.actor, request.body)));

    app.get('/api/v1/wallet/recognition-requests', {
      schema: { tags: ['recognition'], summary: "The learner's recognition requests and their decisions", response: { 200: Items(RequestRef), ...errors(401) } },
    }, async (request) => ({ items: await recognition.listMyRequests(request.actor) }));

    app.get('/api/v1/organisations/:orgId/recognition-requests', {
      schema: {
        tags: ['recognition'], summary: "The registrar's queue, oldest first", params: OrgParams,
        querystring: Type.Object({ status: Type.Optional(Type.Union([Type.Literal('pending'), Type.Literal('decided')])) }, { additionalProperties: false }),
        response: { 200: Items(RequestRef), ...errors(400, 401, 403, 404) },
      },
    }, async (request) => ({ items: await recognition.listRequests(request.actor, request.params.orgId, request.query.status) }));

    app.post('/api/v1/organisations/:orgId/recognition-decisions', {
      schema: {
        tags: ['recognition'], summary: 'Approve, amend or reject items of a request, each with a reason; final when every item has a decision', params: OrgParams,
        body: Type.Object({ requestId: Id, decisions: Type.Array(Decision, { minItems: 1, maxItems: 100 }) }, { additionalProperties: false }),
        response: { 200: RequestRef, ...errors(400, 401, 403, 404, 409, 422) },
      },
    }, (request) => recognition.decide(request.actor, request.params.orgId, request.body.requestId, request.body.decisions));

    app.get('/api/v1/organisations/:orgId/programmes', {
      schema: { tags: ['recognition'], summary: 'Programmes that prior learning is recognised toward', params: OrgParams, response: { 200: Items(ProgrammeRef), ...errors(401, 403, 404) } },
    }, async (request) => ({ items: await recognition.listProgrammes(request.actor, request.params.orgId) }));

    app.post('/api/v1/organisations/:orgId/programmes', {
      schema: {
        tags: ['recognition'], summary: 'Define a programme (modules, credits, caps on prior learning); registrar', params: OrgParams,
        body: Type.Object(ProgrammeFields, { additionalProperties: false }),
        response: { 201: ProgrammeRef, ...errors(400, 401, 403, 404, 422) },
      },
    }, async (request, reply) => reply.code(201).send(await recognition.createProgramme(request.actor, request.params.orgId, request.body)));

    app.get('/api/v1/organisations/:orgId/recognition-agreements', {
      schema: {
        tags: ['recognition'], summary: 'Recognition agreements, optionally of one programme', params: OrgParams,
        querystring: Type.Object({ programmeId: Type.Optional(Id) }, { additionalProperties: false }),
        response: { 200: Items(AgreementRef), ...errors(400, 401, 403, 404) },
      },
    }, async (request) => ({ items: await recognition.listAgreements(request.actor, request.params.orgId, request.query.programmeId) }));

    app.post('/api/v1/organisations/:orgId/recognition-agreements', {
      schema: {
        tags: ['recognition'], summary: 'Define which external achievements count for a module, for how many credits, under which conditions; registrar', params: OrgParams,
        body: Type.Object({ programmeId: Id, ...AgreementFields }, { additionalProperties: false }),
        response: { 201: AgreementRef, ...errors(400, 401, 403, 404, 422) },
      },
    }, async (request, reply) => reply.code(201).send(await recognition.createAgreement(request.actor, request.params.orgId, request.body)));
  };
}
