import { Type, type Static } from '@sinclair/typebox';
import { Id, Nullable } from './common.ts';

const Credits = Type.Number({ exclusiveMinimum: 0, maximum: 1000, description: 'ECTS credits' });
const Module = Type.Object({
  id: Type.String({ minLength: 1, maxLength: 100 }), name: Type.String({ minLength: 1, maxLength: 200 }), credits: Credits,
}, { additionalProperties: false });

export const ProgrammeFields = {
  name: Type.String({ minLength: 1, maxLength: 200 }),
  totalCredits: Credits,
  modules: Type.Array(Module, { maxItems: 200 }),
  maxRecognisedCredits: Type.Optional(Type.Number({ minimum: 0, maximum: 1000, description: 'At most this many ECTS from prior learning' })),
  maxRecognisedShare: Type.Optional(Type.Number({ minimum: 0, maximum: 1, description: 'At most this share of totalCredits from prior learning' })),
  partialCredits: Type.Optional(Type.Boolean({ description: 'When a cap cuts through an item, recognise the part that fits' })),
  achievementId: Type.Optional(Nullable(Id)),
};

const Version = Type.Optional(Type.Integer({ minimum: 1, description: 'Raised by each PUT' }));
export const ProgrammeSchema = Type.Object({
  id: Type.String(), organisationId: Type.String(), version: Version, ...ProgrammeFields, createdAt: Type.String(), updatedAt: Type.String(),
}, { $id: 'RecognitionProgramme' });

const Grade = Type.Object({ value: Type.Union([Type.Number(), Type.String({ maxLength: 50 })]), scale: Type.Optional(Type.Array(Type.String({ maxLength: 50 }), { maxItems: 50 })) });

export const AgreementFields = {
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

export const PublicProgrammeSchema = Type.Object({
  id: Type.String(), organisationId: Type.String(), organisationName: Type.String(), version: Version, ...ProgrammeFields, createdAt: Type.String(), updatedAt: Type.String(),
}, { $id: 'PublicProgramme' });

export const AgreementSchema = Type.Object({
  id: Type.String(), organisationId: Type.String(), programmeId: Type.String(), version: Version, ...AgreementFields, createdAt: Type.String(),
}, { $id: 'RecognitionAgreement' });

export const RequestStatusSchema = Type.Union([Type.Literal('pending'), Type.Literal('decided'), Type.Literal('withdrawn')], { description: "pending (no or some decisions), decided (every item decided), withdrawn (the learner took it back before the decision)" });
const RequestFields = {
  id: Type.String(), organisationId: Type.String(), programmeId: Type.String(), userId: Type.String(),
  credentialIds: Type.Array(Type.String()), status: RequestStatusSchema,
  proposal: Type.Unknown({ description: "The engine's proposal: per credential the decision, credits after caps, every condition checked with its reason; the cap and the gap" }),
  decision: Type.Unknown({ description: "The registrar's decision record (null until the first decision): each item's action, reason and outcome, the total and the gap, with the proposal as seen" }),
  decidedAt: Type.Union([Type.String(), Type.Null()]), issuedCredentialId: Type.Union([Type.String(), Type.Null()]), createdAt: Type.String(),
};
export const RecognitionRequestSchema = Type.Object(RequestFields, { $id: 'RecognitionRequest' });
export const MyRecognitionRequestSchema = Type.Object({ ...RequestFields, programmeName: Type.String(), organisationName: Type.String() }, { $id: 'MyRecognitionRequest' });
const Learner = Type.Object({ name: Nullable(Type.String()), email: Type.String() });
export const QueueRequestSchema = Type.Object({ ...RequestFields, learner: Learner, programmeName: Type.String() }, { $id: 'RecognitionQueueRequest' });
export const RequestDetailSchema = Type.Object({
  ...RequestFields, learner: Learner, programmeName: Type.String(),
  credentials: Type.Array(Type.Object({
    id: Type.String({ description: 'The wallet credential id (the proposal\'s credentialKey)' }), achievementName: Type.String(),
    issuerName: Nullable(Type.String()), issuerId: Nullable(Type.String()), creditsEcts: Nullable(Type.Number()), eqfLevel: Nullable(Type.Integer()),
    status: Type.String({ description: 'The wallet\'s last verification: verified, revoked, suspended, expired, invalid or unknown' }), issuedOn: Nullable(Type.String()),
  }), { description: 'The source credentials the learner chose, as her wallet last verified them' }),
}, { $id: 'RecognitionRequestDetail' });

export const RegistrarDecisionSchema = Type.Object({
  credentialKey: Type.String({ minLength: 1, maxLength: 2000 }),
  action: Type.Union([Type.Literal('approve'), Type.Literal('amend'), Type.Literal('reject')]),
  credits: Type.Optional(Type.Number({ minimum: 0, maximum: 1000 })),
  moduleId: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
  reason: Type.Optional(Type.String({ maxLength: 5000, description: 'Required for amend and reject' })),
}, { additionalProperties: false });

const RplCaseFields = {
  id: Type.String(), organisationId: Type.String(), learnerId: Type.String(), achievementId: Type.String(), achievementName: Type.String(),
  status: Type.String({ description: 'draft | submitted | in-review | awarded | not-awarded | withdrawn' }),
  outcomes: Type.Array(Type.Object({
    id: Type.String(), statement: Type.String(), status: Type.String(), evidence: Type.Array(Type.Unknown()), reviews: Type.Array(Type.Unknown()),
  })),
  history: Type.Array(Type.Unknown()),
  decision: Type.Optional(Type.Unknown()),
  issuedCredentialId: Type.Union([Type.String(), Type.Null()]), createdAt: Type.String(), updatedAt: Type.String(),
  delivery: Type.Optional(Type.Union([
    Type.Object({ inWallet: Type.Literal(true), walletItemId: Type.String() }),
    Type.Object({
      inWallet: Type.Literal(false),
      sentTo: Type.String({ description: 'The address its claim e-mail went to' }),
      addressConfirmed: Type.Boolean({ description: 'Confirmed: the credential is offered in the wallet; otherwise only the claim link adds it' }),
    }),
  ], { description: "The learner's own view only, once the credential is issued: where it is" })),
};
export const RplCaseSchema = Type.Object(RplCaseFields, { $id: 'RplCase' });
export const RplCaseDetailSchema = Type.Object({ ...RplCaseFields, learner: Learner }, { $id: 'RplCaseDetail' });
export const CaseParams = Type.Object({ caseId: Id });
export const OrgCaseParams = Type.Object({ orgId: Id, caseId: Id });
export const RequestParams = Type.Object({ requestId: Id });
export const OrgRequestParams = Type.Object({ orgId: Id, requestId: Id });
export const OutcomeId = Type.String({ minLength: 1, maxLength: 100 });

export const RplEvidenceInputSchema = Type.Union([
  Type.Object({ kind: Type.Literal('link'), url: Type.String({ minLength: 1, maxLength: 2000 }), title: Type.Optional(Type.String({ maxLength: 200 })) }, { additionalProperties: false }),
  Type.Object({ kind: Type.Literal('narrative'), text: Type.String({ minLength: 1, maxLength: 20_000 }) }, { additionalProperties: false }),
]);

export const RplOpenBodySchema = Type.Object({ achievementId: Id }, { additionalProperties: false });
export const RplEvidenceBodySchema = Type.Object({ outcomeId: OutcomeId, evidence: RplEvidenceInputSchema }, { additionalProperties: false });
export const EvidenceParams = Type.Object({ caseId: Id, evidenceId: Type.String({ minLength: 1, maxLength: 100 }) });
export const OrgEvidenceParams = Type.Object({ orgId: Id, caseId: Id, evidenceId: Type.String({ minLength: 1, maxLength: 100 }) });
export const RplAchievementSchema = Type.Object({
  achievementId: Type.String(), name: Type.String(), organisationId: Type.String(), organisationName: Type.String(),
  outcomes: Type.Array(Type.Object({ id: Type.String(), statement: Type.String() })),
});
export const RplQueueQuery = Type.Object({ status: Type.Optional(Type.String({ maxLength: 20 })) }, { additionalProperties: false });
export const RplReviewBodySchema = Type.Object({
  outcomeId: OutcomeId,
  action: Type.Union([Type.Literal('accept'), Type.Literal('request-more'), Type.Literal('reject')]),
  feedback: Type.Optional(Type.String({ maxLength: 5000 })),
}, { additionalProperties: false });
export const RplDecisionBodySchema = Type.Optional(Type.Object({}, { additionalProperties: false }));
export const RecognitionRequestBodySchema = Type.Object({ programmeId: Id, credentialIds: Type.Array(Id, { minItems: 1, maxItems: 100 }) }, { additionalProperties: false });
export const ProgrammeAgreementsParams = Type.Object({ programmeId: Id });
export const RequestQueueQuery = Type.Object({ status: Type.Optional(RequestStatusSchema) }, { additionalProperties: false });
export const DecisionsBodySchema = Type.Object({ decisions: Type.Array(RegistrarDecisionSchema, { minItems: 1, maxItems: 100 }) }, { additionalProperties: false });
export const ProgrammeBodySchema = Type.Object(ProgrammeFields, { additionalProperties: false });
export const OrgProgrammeParams = Type.Object({ orgId: Id, programmeId: Id });
export const OrgAgreementParams = Type.Object({ orgId: Id, agreementId: Id });
export const AgreementBodySchema = Type.Object({ programmeId: Id, ...AgreementFields }, { additionalProperties: false });
export const AgreementListQuery = Type.Object({ programmeId: Type.Optional(Id) }, { additionalProperties: false });

export type Programme = Static<typeof ProgrammeSchema>;
export type ProgrammeModule = Programme['modules'][number];
export type PublicProgramme = Static<typeof PublicProgrammeSchema>;
export type Agreement = Static<typeof AgreementSchema>;
export type RequestStatus = Static<typeof RequestStatusSchema>;
export type RecognitionRequest = Static<typeof RecognitionRequestSchema>;
export type MyRecognitionRequest = Static<typeof MyRecognitionRequestSchema>;
export type QueueRequest = Static<typeof QueueRequestSchema>;
export type RequestDetail = Static<typeof RequestDetailSchema>;
export type SourceCredential = RequestDetail['credentials'][number];
export type RegistrarDecision = Static<typeof RegistrarDecisionSchema>;
export type RplCase = Static<typeof RplCaseSchema>;
export type RplCaseDetail = Static<typeof RplCaseDetailSchema>;
export type RplEvidenceInput = Static<typeof RplEvidenceInputSchema>;
export type RplEvidenceBody = Static<typeof RplEvidenceBodySchema>;
export type RplAchievement = Static<typeof RplAchievementSchema>;
export type RplReviewBody = Static<typeof RplReviewBodySchema>;
export type RecognitionRequestBody = Static<typeof RecognitionRequestBodySchema>;
export type DecisionsBody = Static<typeof DecisionsBodySchema>;
export type ProgrammeBody = Static<typeof ProgrammeBodySchema>;
export type AgreementBody = Static<typeof AgreementBodySchema>;
