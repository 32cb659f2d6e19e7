import fastifyMultipart from '@fastify/multipart';
import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { InvalidInput } from '../../services/errors.ts';
import type { Services } from '../../services/index.ts';
import { MAX_EVIDENCE_FILE_BYTES } from '../../services/recognition/evidence-file.ts';
import type { RplFileDownload } from '../../services/recognition/rpl.ts';
import { walletOwner } from '../../services/wallet/index.ts';
import { errors, Items, OrgParams, RefTo } from '../contract/common.ts';
import {
  AgreementBodySchema, AgreementListQuery, AgreementSchema, CaseParams, DecisionsBodySchema, EvidenceParams, MyRecognitionRequestSchema, OrgAgreementParams,
  OrgCaseParams, OrgEvidenceParams, OrgProgrammeParams, OrgRequestParams, ProgrammeAgreementsParams, ProgrammeBodySchema, ProgrammeSchema, PublicProgrammeSchema,
  QueueRequestSchema, RecognitionRequestBodySchema, RecognitionRequestSchema, RequestDetailSchema, RequestParams, RequestQueueQuery, RplAchievementSchema,
  RplCaseDetailSchema, RplCaseSchema, RplDecisionBodySchema, RplEvidenceBodySchema, RplOpenBodySchema, RplQueueQuery, RplReviewBodySchema,
} from '../contract/recognition.ts';

/** Anonymous callers learn they must sign in before anything about their input (401, not 400); API keys 403. */
async function signedIn(request: FastifyRequest): Promise<void> {
  walletOwner(request.actor);
}

/** A multipart body is read as a stream by the handler: until then it validates as the empty form. */
async function multipartAsObject(request: FastifyRequest): Promise<void> {
  if (request.isMultipart() && request.body === undefined) request.body = {};
}

/** Sends an evidence file as a download that no browser renders or sniffs in place. */
function sendFile(reply: FastifyReply, file: RplFileDownload): FastifyReply {
  return reply
    .type(file.mediaType === 'text/plain' ? 'text/plain; charset=utf-8' : file.mediaType)
    .header('content-disposition', `attachment; filename="${file.name}"`)
    .header('x-content-type-options', 'nosniff')
    .header('content-security-policy', "default-src 'none'; sandbox")
    .header('cache-control', 'private, no-store')
    .send(file.bytes);
}

const FileResponse = Type.Unknown({ description: 'The file (application/pdf, image/png, image/jpeg or text/plain), as an attachment' });

export function recognitionRoutes(services: Services): FastifyPluginAsyncTypebox {
  const { recognition } = services;
  const ProgrammeRef = RefTo(ProgrammeSchema);
  const AgreementRef = RefTo(AgreementSchema);
  const RequestRef = RefTo(RecognitionRequestSchema);
  return async (app) => {
    for (const schema of [ProgrammeSchema, PublicProgrammeSchema, AgreementSchema, RecognitionRequestSchema, MyRecognitionRequestSchema, RequestDetailSchema, QueueRequestSchema, RplCaseSchema, RplCaseDetailSchema]) app.addSchema(schema);
    const RplRef = RefTo(RplCaseSchema);
    const { rpl } = recognition;
    // Only this plugin's routes read these multipart bodies (an evidence file); the limits are RPL's.
    await app.register(fastifyMultipart, { limits: { fileSize: MAX_EVIDENCE_FILE_BYTES, files: 1, fields: 4, parts: 5, fieldSize: 1000 } });

    // The learner's side of RPL.
    app.post('/api/v1/wallet/rpl-cases', {
      schema: {
        tags: ['rpl'], summary: 'Open a recognition-of-prior-learning case against an achievement (one entry per learning outcome)',
        body: RplOpenBodySchema, response: { 201: RplRef, ...errors(400, 401, 403, 404, 422) },
      },
    }, async (request, reply) => reply.code(201).send(await rpl.open(request.actor, request.body.achievementId)));

    app.get('/api/v1/wallet/rpl-cases', {
      schema: { tags: ['rpl'], summary: "The learner's RPL cases", response: { 200: Items(RplRef), ...errors(401, 403) } },
    }, async (request) => ({ items: await rpl.listMine(request.actor) }));

    app.get('/api/v1/wallet/rpl-cases/:caseId', {
      schema: { tags: ['rpl'], summary: 'One of your RPL cases: outcomes, evidence, reviews with feedback, history, decision, and where the awarded credential is (your wallet, or a claim e-mail to an unconfirmed address)', params: CaseParams, response: { 200: RplRef, ...errors(400, 401, 403, 404) } },
    }, (request) => rpl.getMine(request.actor, request.params.caseId));

    app.post('/api/v1/wallet/rpl-cases/:caseId/evidence', {
      preValidation: [signedIn, multipartAsObject],
      bodyLimit: MAX_EVIDENCE_FILE_BYTES + 64 * 1024,
      schema: {
        tags: ['rpl'],
        summary: 'Add evidence to one learning outcome that awaits evidence (draft, or more was asked): JSON {outcomeId, evidence} with an https link or a narrative, or a multipart form with fields outcomeId, title (optional) and file (PDF, PNG, JPEG or plain text, 5 MiB at most, 20 files per case; the type is read from the content)',
        params: CaseParams,
        consumes: ['application/json', 'multipart/form-data'],
        body: {
          content: {
            'application/json': { schema: RplEvidenceBodySchema },
            // Read as a stream by the handler (the body validates as {}); this schema documents the form.
            'multipart/form-data': {
              schema: {
                type: 'object', properties: {
                  outcomeId: { type: 'string', maxLength: 100 }, title: { type: 'string', maxLength: 200 }, file: { type: 'string', format: 'binary', description: 'The evidence file' },
                },
              },
            },
          },
        },
        response: { 200: RplRef, ...errors(400, 401, 403, 404, 409, 413, 422) },
      },
    }, async (request) => {
      if (!request.isMultipart()) {
        const body = request.body as { outcomeId: string; evidence: Parameters<typeof rpl.addEvidence>[3] };
        return rpl.addEvidence(request.actor, request.params.caseId, body.outcomeId, body.evidence);
      }
      const fields: Record<string, string> = {};
      let file: { bytes: Uint8Array; fileName: string } | undefined;
      for await (const part of request.parts()) {
        if (part.type === 'file') {
          if (part.fieldname !== 'file' || file) throw InvalidInput.field(`/${part.fieldname}`, 'is not expected: send one file in the form field "file"');
          file = { bytes: new Uint8Array(await part.toBuffer()), fileName: part.filename };
        } else if (typeof part.value === 'string') {
          fields[part.fieldname] = part.value;
        }
      }
      if (!file) throw InvalidInput.field('/file', 'is missing: send the evidence in the form field "file"');
      const outcomeId = fields.outcomeId;
      if (!outcomeId || outcomeId.length > 100) throw InvalidInput.field('/outcomeId', 'is required (1 to 100 characters)');
      return rpl.addFile(request.actor, request.params.caseId, { outcomeId, ...(fields.title ? { title: fields.title } : {}), fileName: file.fileName, bytes: file.bytes });
    });

    app.get('/api/v1/wallet/rpl-cases/:caseId/evidence/:evidenceId/file', {
      schema: {
        tags: ['rpl'], summary: 'Download one of your evidence files (as an attachment)', params: EvidenceParams,
        response: { 200: FileResponse, ...errors(400, 401, 403, 404) },
      },
    }, async (request, reply) => sendFile(reply, await rpl.file(request.actor, request.params.caseId, request.params.evidenceId)));

    app.post('/api/v1/wallet/rpl-cases/:caseId/submission', {
      schema: {
        tags: ['rpl'], summary: 'Submit a case for assessment (every outcome needs evidence), or send the outcomes with new evidence back after the assessor asked for more',
        params: CaseParams, response: { 200: RplRef, ...errors(400, 401, 403, 404, 409, 422) },
      },
    }, (request) => rpl.submit(request.actor, request.params.caseId));

    app.delete('/api/v1/wallet/rpl-cases/:caseId/evidence/:evidenceId', {
      schema: {
        tags: ['rpl'], summary: 'Remove evidence the assessor has not seen yet (draft, or an outcome for which more was asked)',
        params: EvidenceParams, response: { 200: RplRef, ...errors(400, 401, 403, 404, 409, 422) },
      },
    }, (request) => rpl.removeEvidence(request.actor, request.params.caseId, request.params.evidenceId));

    app.post('/api/v1/wallet/rpl-cases/:caseId/withdrawal', {
      schema: { tags: ['rpl'], summary: 'Withdraw a case not yet decided', params: CaseParams, response: { 200: RplRef, ...errors(400, 401, 403, 404, 409) } },
    }, (request) => rpl.withdraw(request.actor, request.params.caseId));

    app.get('/api/v1/rpl/achievements', {
      schema: {
        tags: ['rpl'], summary: 'Achievements open to RPL (not archived, with learning outcomes), of every organisation, with the outcomes a case will hold',
        response: {
          200: Items(RplAchievementSchema), ...errors(401, 403),
        },
      },
    }, async (request) => ({ items: await rpl.achievements(request.actor) }));

    // The assessors' side.
    app.get('/api/v1/organisations/:orgId/rpl-cases', {
      schema: {
        tags: ['rpl'], summary: "The assessors' queue (submitted and in review by default), oldest first", params: OrgParams,
        querystring: RplQueueQuery,
        response: { 200: Items(RplRef), ...errors(400, 401, 403, 404) },
      },
    }, async (request) => ({ items: await rpl.queue(request.actor, request.params.orgId, request.query.status) }));

    app.get('/api/v1/organisations/:orgId/rpl-cases/:caseId', {
      schema: { tags: ['rpl'], summary: 'One case for its assessors, with the learner', params: OrgCaseParams, response: { 200: RefTo(RplCaseDetailSchema), ...errors(400, 401, 403, 404) } },
    }, (request) => rpl.get(request.actor, request.params.orgId, request.params.caseId));

    app.get('/api/v1/organisations/:orgId/rpl-cases/:caseId/evidence/:evidenceId/file', {
      schema: {
        tags: ['rpl'], summary: "Download a learner's evidence file of a case (as an attachment); assessors", params: OrgEvidenceParams,
        response: { 200: FileResponse, ...errors(400, 401, 403, 404) },
      },
    }, async (request, reply) => sendFile(reply, await rpl.organisationFile(request.actor, request.params.orgId, request.params.caseId, request.params.evidenceId)));

    app.post('/api/v1/organisations/:orgId/rpl-cases/:caseId/reviews', {
      schema: {
        tags: ['rpl'], summary: 'Review one learning outcome: accept, ask for more, or reject (feedback required for the last two)', params: OrgCaseParams,
        body: RplReviewBodySchema,
        response: { 200: RplRef, ...errors(400, 401, 403, 404, 409, 422) },
      },
    }, (request) => rpl.review(request.actor, request.params.orgId, request.params.caseId, request.body));

    app.post('/api/v1/organisations/:orgId/rpl-cases/:caseId/decision', {
      schema: {
        tags: ['rpl'], summary: 'Decide a case whose outcomes are all reviewed; awarded issues the credential with the evidence referenced', params: OrgCaseParams,
        body: RplDecisionBodySchema, response: { 200: RplRef, ...errors(400, 401, 403, 404, 409) },
      },
    }, (request) => rpl.decide(request.actor, request.params.orgId, request.params.caseId));

    app.post('/api/v1/organisations/:orgId/rpl-cases/:caseId/issuance', {
      schema: {
        tags: ['rpl'], summary: 'Issue the credential of an awarded case whose issuing failed (409 when issued already or not awarded)',
        params: OrgCaseParams, response: { 200: RplRef, ...errors(400, 401, 403, 404, 409, 422) },
      },
    }, (request) => rpl.issue(request.actor, request.params.orgId, request.params.caseId));

    // Recognition: the learner's side.
    app.post('/api/v1/wallet/recognition-requests', {
      schema: {
        tags: ['recognition'], summary: "Ask a programme's organisation to recognise wallet credentials; answers with the engine's proposal",
        body: RecognitionRequestBodySchema,
        response: { 201: RequestRef, ...errors(400, 401, 403, 404, 422) },
      },
    }, async (request, reply) => reply.code(201).send(await recognition.requestRecognition(request.actor, request.body)));

    app.get('/api/v1/wallet/recognition-requests', {
      schema: { tags: ['recognition'], summary: "The learner's recognition requests and their decisions", response: { 200: Items(RequestRef), ...errors(401, 403) } },
    }, async (request) => ({ items: await recognition.listMyRequests(request.actor) }));

    app.get('/api/v1/wallet/recognition-requests/:requestId', {
      schema: {
        tags: ['recognition'], summary: 'One of your recognition requests: the proposal with its reasons, the decision, the programme and the organisation',
        params: RequestParams, response: { 200: RefTo(MyRecognitionRequestSchema), ...errors(400, 401, 403, 404) },
      },
    }, (request) => recognition.getMyRequest(request.actor, request.params.requestId));

    app.post('/api/v1/wallet/recognition-requests/:requestId/withdrawal', {
      schema: {
        tags: ['recognition'], summary: 'Withdraw a request not yet decided (status withdrawn; 409 once decided)',
        params: RequestParams, response: { 200: RefTo(MyRecognitionRequestSchema), ...errors(400, 401, 403, 404, 409) },
      },
    }, (request) => recognition.withdrawRequest(request.actor, request.params.requestId));

    app.get('/api/v1/programmes', {
      schema: {
        tags: ['recognition'], summary: "Every organisation's programmes that prior learning is recognised toward (signed-in users)",
        response: { 200: Items(RefTo(PublicProgrammeSchema)), ...errors(401, 403) },
      },
    }, async (request) => ({ items: await recognition.listAllProgrammes(request.actor) }));

    app.get('/api/v1/programmes/:programmeId/agreements', {
      schema: {
        tags: ['recognition'], summary: "A programme's recognition agreements: which achievements count for which module, for how many credits, under which conditions (signed-in users)",
        params: ProgrammeAgreementsParams, response: { 200: Items(AgreementRef), ...errors(400, 401, 403, 404) },
      },
    }, async (request) => ({ items: await recognition.listProgrammeAgreements(request.actor, request.params.programmeId) }));

    // Recognition: the registrar's side.
    app.get('/api/v1/organisations/:orgId/recognition-requests', {
      schema: {
        tags: ['recognition'], summary: "The registrar's queue, oldest first", params: OrgParams,
        querystring: RequestQueueQuery,
        response: { 200: Items(RefTo(QueueRequestSchema)), ...errors(400, 401, 403, 404) },
      },
    }, async (request) => ({ items: await recognition.listRequests(request.actor, request.params.orgId, request.query.status) }));

    app.get('/api/v1/organisations/:orgId/recognition-requests/:requestId', {
      schema: {
        tags: ['recognition'], summary: "The registrar's decision screen: the request with the engine's proposal, the learner, the programme and each source credential",
        params: OrgRequestParams, response: { 200: RefTo(RequestDetailSchema), ...errors(400, 401, 403, 404) },
      },
    }, (request) => recognition.getRequest(request.actor, request.params.orgId, request.params.requestId));

    app.post('/api/v1/organisations/:orgId/recognition-requests/:requestId/decisions', {
      schema: {
        tags: ['recognition'], summary: 'Approve, amend or reject items of a request, each with a reason; final when every item has a decision', params: OrgRequestParams,
        body: DecisionsBodySchema,
        response: { 200: RequestRef, ...errors(400, 401, 403, 404, 409, 422) },
      },
    }, (request) => recognition.decide(request.actor, request.params.orgId, request.params.requestId, request.body.decisions));

    app.post('/api/v1/organisations/:orgId/recognition-requests/:requestId/issuance', {
      schema: {
        tags: ['recognition'], summary: 'Issue the recognition credential of a final decision whose issuing failed (409 when issued already, not final, or nothing was recognised)',
        params: OrgRequestParams, response: { 200: RequestRef, ...errors(400, 401, 403, 404, 409, 422) },
      },
    }, (request) => recognition.issue(request.actor, request.params.orgId, request.params.requestId));

    app.get('/api/v1/organisations/:orgId/programmes', {
      schema: { tags: ['recognition'], summary: 'Programmes that prior learning is recognised toward', params: OrgParams, response: { 200: Items(ProgrammeRef), ...errors(401, 403, 404) } },
    }, async (request) => ({ items: await recognition.listProgrammes(request.actor, request.params.orgId) }));

    app.post('/api/v1/organisations/:orgId/programmes', {
      schema: {
        tags: ['recognition'], summary: 'Define a programme (modules, credits, caps on prior learning); registrar', params: OrgParams,
        body: ProgrammeBodySchema,
        response: { 201: ProgrammeRef, ...errors(400, 401, 403, 404, 422) },
      },
    }, async (request, reply) => reply.code(201).send(await recognition.createProgramme(request.actor, request.params.orgId, request.body)));


    app.get('/api/v1/organisations/:orgId/programmes/:programmeId', {
      schema: { tags: ['recognition'], summary: 'One programme', params: OrgProgrammeParams, response: { 200: ProgrammeRef, ...errors(400, 401, 403, 404) } },
    }, (request) => recognition.getProgramme(request.actor, request.params.orgId, request.params.programmeId));

    app.put('/api/v1/organisations/:orgId/programmes/:programmeId', {
      schema: {
        tags: ['recognition'], summary: "Replace a programme's definition (version + 1); checked by the engine, and its agreements must still hold; registrar",
        params: OrgProgrammeParams, body: ProgrammeBodySchema,
        response: { 200: ProgrammeRef, ...errors(400, 401, 403, 404, 409, 422) },
      },
    }, (request) => recognition.updateProgramme(request.actor, request.params.orgId, request.params.programmeId, request.body));

    app.put('/api/v1/organisations/:orgId/recognition-agreements/:agreementId', {
      schema: {
        tags: ['recognition'], summary: 'Replace an agreement (version + 1), checked by the engine against its programme; registrar',
        params: OrgAgreementParams, body: AgreementBodySchema,
        response: { 200: AgreementRef, ...errors(400, 401, 403, 404, 409, 422) },
      },
    }, (request) => recognition.updateAgreement(request.actor, request.params.orgId, request.params.agreementId, request.body));

    app.delete('/api/v1/organisations/:orgId/recognition-agreements/:agreementId', {
      schema: {
        tags: ['recognition'], summary: 'Delete an agreement (requests already made keep the proposal that named it); registrar',
        params: OrgAgreementParams, response: { 204: Type.Null(), ...errors(400, 401, 403, 404) },
      },
    }, async (request, reply) => {
      await recognition.deleteAgreement(request.actor, request.params.orgId, request.params.agreementId);
      return reply.code(204).send(null);
    });

    app.get('/api/v1/organisations/:orgId/recognition-agreements', {
      schema: {
        tags: ['recognition'], summary: 'Recognition agreements, optionally of one programme', params: OrgParams,
        querystring: AgreementListQuery,
        response: { 200: Items(AgreementRef), ...errors(400, 401, 403, 404) },
      },
    }, async (request) => ({ items: await recognition.listAgreements(request.actor, request.params.orgId, request.query.programmeId) }));

    app.post('/api/v1/organisations/:orgId/recognition-agreements', {
      schema: {
        tags: ['recognition'], summary: 'Define which external achievements count for a module, for how many credits, under which conditions; registrar', params: OrgParams,
        body: AgreementBodySchema,
        response: { 201: AgreementRef, ...errors(400, 401, 403, 404, 422) },
      },
    }, async (request, reply) => reply.code(201).send(await recognition.createAgreement(request.actor, request.params.orgId, request.body)));
  };
}
