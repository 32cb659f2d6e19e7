import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Services } from '../../services/index.ts';
import { errors, Id, Items, OrgParams } from '../schemas.ts';

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

export function recognitionRoutes(services: Services): FastifyPluginAsyncTypebox {
  const { recognition } = services;
  const ProgrammeRef = Type.Ref('RecognitionProgramme');
  const AgreementRef = Type.Ref('RecognitionAgreement');
  return async (app) => {
    app.addSchema(ProgrammeSchema);
    app.addSchema(AgreementSchema);

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
