import { randomUUID } from 'node:crypto';
import { agreementAuthoringProblems, applyRegistrarDecisions, proposeRecognition, validateAgreement, validateProgramme } from '../../domain/recognition/index.ts';
import type { DecisionRecord, Programme, RecognitionAgreement, RecognitionProposal, RegistrarDecision } from '../../domain/recognition/index.ts';
import { heldCredentialFromDocument } from '../../domain/stacking/held-credential.ts';
import { verificationOf } from '../wallet/held.ts';
import type { HeldCredential } from '../../domain/stacking/held-credential.ts';
import type { Row, WalletStatus } from '../../store/schema.ts';
import type { RecognitionRequestStatus } from '../../store/schema-recognition.ts';
import type { Problem } from '../../domain/stacking/json.ts';
import { CAN, requireAccess, SYSTEM, type Actor } from '../access.ts';
import { audit } from '../audit.ts';
import { emitEvents } from '../webhooks/events.ts';
import type { ServiceContext } from '../context.ts';
import { Conflict, InvalidInput, NotFound } from '../errors.ts';
import type { AchievementService } from '../achievements/index.ts';
import type { CredentialService } from '../credentials/index.ts';
import type { MailSender } from '../credentials/types.ts';
import { recognitionDecidedMail } from './mail.ts';
import type { IssuerService } from '../issuers.ts';
import { walletOwner, type WalletService } from '../wallet/index.ts';
import { createRplService } from './rpl.ts';

/** A programme as the registrar wrote it, without its id (the service gives one). */
export type ProgrammeInput = Omit<Programme, 'id' | 'version'> & { achievementId?: string | null };
/** An agreement toward a programme, without its id (the service gives one). */
export type AgreementInput = Omit<RecognitionAgreement, 'id' | 'version'> & { programmeId: string };

export interface ProgrammeView extends Programme {
  organisationId: string;
  /** The achievement issued as the recognition credential, if any. */
  achievementId: string | null;
  createdAt: string;
  updatedAt: string;
}

/** A programme as learners see it in the list of every organisation's programmes. */
export interface PublicProgrammeView extends ProgrammeView {
  organisationName: string;
}

export interface AgreementView extends RecognitionAgreement {
  organisationId: string;
  programmeId: string;
  createdAt: string;
}

export interface RecognitionRequestView {
  id: string;
  organisationId: string;
  programmeId: string;
  /** The learner (a user id). */
  userId: string;
  /** The wallet credentials the learner chose; the proposal's credential keys are these ids. */
  credentialIds: string[];
  status: RecognitionRequestStatus;
  proposal: RecognitionProposal;
  /** The registrar's decision record, with the proposal and every reason, once decided (or partly decided). */
  decision: DecisionRecord | null;
  decidedAt: string | null;
  /** The recognition credential issued to the learner once the decision was final (credentials.id). */
  issuedCredentialId: string | null;
  createdAt: string;
}

/** The learner's own view of a request: with the programme's and the organisation's names. */
export interface MyRecognitionRequestView extends RecognitionRequestView {
  programmeName: string;
  organisationName: string;
}

/** A source credential of a request, summarised for the registrar's decision screen. */
export interface RequestCredentialSummary {
  id: string;
  achievementName: string;
  issuerName: string | null;
  issuerId: string | null;
  creditsEcts: number | null;
  eqfLevel: number | null;
  status: WalletStatus;
  issuedOn: string | null;
}

/** The registrar's view of one request: the learner, the programme and the source credentials. */
export interface RecognitionRequestDetail extends RecognitionRequestView {
  learner: { name: string | null; email: string };
  programmeName: string;
  credentials: RequestCredentialSummary[];
}

function requestView(row: Row<'recognition_requests'>): RecognitionRequestView {
  return {
    id: row.id, organisationId: row.organisation_id, programmeId: row.programme_id, userId: row.user_id,
    credentialIds: JSON.parse(row.credential_ids) as string[], status: row.status,
    proposal: JSON.parse(row.proposal) as RecognitionProposal,
    decision: row.decision ? JSON.parse(row.decision) as DecisionRecord : null,
    decidedAt: row.decided_at, issuedCredentialId: row.issued_credential_id, createdAt: row.created_at,
  };
}

function invalid(message: string, problems: Problem[]): InvalidInput {
  return new InvalidInput(`${message}: ${problems[0]!.path || '/'} ${problems[0]!.message}`, problems.map((p) => ({ pointer: p.path || '/', message: p.message })));
}

/**
 * Recognition of prior learning for credit (issue 5): programmes and recognition agreements, defined
 * per organisation by its registrar and checked by the pure engine (src/domain/recognition); learners'
 * requests with the engine's proposal (and their withdrawal); the registrar's decisions. A final
 * decision mails the learner and issues the recognition credential (retried by `issue` if that
 * failed). RPL by assessment is `rpl` (./rpl.ts). Routes and flow: docs/recognition.md.
 */
export function createRecognitionService(ctx: ServiceContext, deps: { issuers: IssuerService; achievements: AchievementService; credentials: CredentialService; wallet: WalletService; mail: MailSender }) {
  const manage = { roles: CAN.manageRecognition };
  const read = { roles: CAN.read, scope: 'read' as const };

  function programmeView(row: { id: string; organisation_id: string; definition: string; achievement_id: string | null; created_at: string; updated_at: string }): ProgrammeView {
    const definition = JSON.parse(row.definition) as Programme;
    return { ...definition, id: row.id, organisationId: row.organisation_id, achievementId: row.achievement_id, createdAt: row.created_at, updatedAt: row.updated_at };
  }

  function agreementView(row: { id: string; organisation_id: string; programme_id: string; definition: string; created_at: string }): AgreementView {
    const definition = JSON.parse(row.definition) as RecognitionAgreement;
    return { ...definition, id: row.id, organisationId: row.organisation_id, programmeId: row.programme_id, createdAt: row.created_at };
  }

  async function mineView(row: Row<'recognition_requests'>): Promise<MyRecognitionRequestView> {
    const names = await ctx.db.selectFrom('recognition_programmes').innerJoin('organisations', 'organisations.id', 'recognition_programmes.organisation_id')
      .select(['recognition_programmes.name as programmeName', 'organisations.name as organisationName'])
      .where('recognition_programmes.id', '=', row.programme_id).executeTakeFirstOrThrow();
    return { ...requestView(row), programmeName: names.programmeName, organisationName: names.organisationName };
  }

  /** The recognition credential's achievement must be this organisation's and still issuable. */
  async function checkAchievement(organisationId: string, achievementId: string | null): Promise<void> {
    if (achievementId === null) return;
    const own = await ctx.db.selectFrom('achievements').select(['id', 'archived_at']).where('id', '=', achievementId).where('organisation_id', '=', organisationId).executeTakeFirst();
    if (!own) throw InvalidInput.field('/achievementId', 'is not an achievement of this organisation');
    if (own.archived_at !== null) throw InvalidInput.field('/achievementId', 'is archived: it can no longer be issued');
  }

  async function agreementRow(organisationId: string, agreementId: string) {
    const row = await ctx.db.selectFrom('recognition_agreements').selectAll()
      .where('id', '=', agreementId).where('organisation_id', '=', organisationId).executeTakeFirst();
    if (!row) throw new NotFound('agreement');
    return row;
  }

  async function programmeRow(organisationId: string, programmeId: string) {
    const row = await ctx.db.selectFrom('recognition_programmes').selectAll()
      .where('id', '=', programmeId).where('organisation_id', '=', organisationId).executeTakeFirst();
    if (!row) throw new NotFound('programme');
    return row;
  }

  /**
   * Issues the recognition credential of a final decision through the credential service (the
   * programme's achievement, credits earned = credits recognised, evidence naming each source
   * credential with its outcome and reason), once: the idempotency key is the request. The
   * credential service mails the learner; it lands in the wallet when the address is confirmed.
   */
  async function issueRecognitionCredential(request: RecognitionRequestView): Promise<void> {
    const record = request.decision;
    if (!record || record.totalRecognised <= 0) return;
    const programme = await ctx.db.selectFrom('recognition_programmes').select(['achievement_id', 'name']).where('id', '=', request.programmeId).executeTakeFirstOrThrow();
    if (!programme.achievement_id) return;
    const user = await ctx.db.selectFrom('users').select(['email', 'name']).where('id', '=', request.userId).executeTakeFirstOrThrow();
    const sources = await ctx.db.selectFrom('wallet_credentials').select(['id', 'credential_key']).where('user_id', '=', request.userId).where('id', 'in', request.credentialIds).execute();
    const sourceKey = new Map(sources.map((row) => [row.id, row.credential_key]));
    const evidence = record.items.filter((item) => item.outcome === 'recognised').map((item) => {
      const key = sourceKey.get(item.credentialKey);
      const reason = item.decision?.reason ? ` ${item.decision.reason}` : '';
      return {
        ...(key && /^[a-z][a-z0-9+.-]*:/i.test(key) ? { id: key } : {}),
        name: item.proposed.achievementName.slice(0, 200),
        narrative: `${item.credits} ECTS recognised toward module ${item.moduleId ?? ''} (${item.decision?.action ?? 'approve'}).${reason}`.slice(0, 2000),
      };
    });
    const issued = await deps.credentials.issue(SYSTEM, request.organisationId, {
      achievementId: programme.achievement_id,
      recipient: { email: user.email, ...(user.name ? { name: user.name } : {}) },
      result: { creditsEarned: record.totalRecognised, description: `Prior learning recognised toward ${programme.name}.`.slice(0, 2000) },
      evidence,
    }, { idempotencyKey: `recognition-${request.id}` });
    await ctx.db.updateTable('recognition_requests').set({ issued_credential_id: issued.id }).where('id', '=', request.id).execute();
    try {
      await deps.wallet.acceptOffer({ kind: 'user', userId: request.userId }, issued.id);
    } catch (error) {
      if (!(error instanceof NotFound)) throw error;
    }
  }

  return {
    rpl: createRplService(ctx, deps),

    async createProgramme(actor: Actor, organisationId: string, input: ProgrammeInput): Promise<ProgrammeView> {
      await requireAccess(ctx, actor, organisationId, manage, 'organisation');
      const { achievementId = null, ...fields } = input;
      await checkAchievement(organisationId, achievementId);
      const id = randomUUID();
      const definition: Programme = { ...fields, id, version: 1 };
      const problems = validateProgramme(definition);
      if (problems.length > 0) throw invalid('The programme is not valid', problems);
      const now = ctx.now().toISOString();
      await ctx.db.transaction().execute(async (trx) => {
        await trx.insertInto('recognition_programmes').values({
          id, organisation_id: organisationId, name: definition.name, definition: JSON.stringify(definition), achievement_id: achievementId, created_at: now, updated_at: now,
        }).execute();
        await audit(ctx, trx, actor, { organisationId, action: 'recognition.programme.create', targetType: 'programme', targetId: id });
      });
      return programmeView(await programmeRow(organisationId, id));
    },

    async getProgramme(actor: Actor, organisationId: string, programmeId: string): Promise<ProgrammeView> {
      await requireAccess(ctx, actor, organisationId, read, 'organisation');
      return programmeView(await programmeRow(organisationId, programmeId));
    },

    /**
     * Replaces a programme's definition (version + 1). The engine checks it, and every agreement
     * toward it must still hold (a module they name cannot go, nor shrink below their credits).
     * Requests already made keep the programme as their proposal saw it.
     */
    async updateProgramme(actor: Actor, organisationId: string, programmeId: string, input: ProgrammeInput): Promise<ProgrammeView> {
      await requireAccess(ctx, actor, organisationId, manage, 'organisation');
      const existing = await programmeRow(organisationId, programmeId);
      const previous = JSON.parse(existing.definition) as Programme;
      const { achievementId = null, ...fields } = input;
      await checkAchievement(organisationId, achievementId);
      const definition: Programme = { ...fields, id: programmeId, version: (previous.version ?? 1) + 1 };
      const problems = validateProgramme(definition);
      if (problems.length > 0) throw invalid('The programme is not valid', problems);
      const agreements = await ctx.db.selectFrom('recognition_agreements').select(['id', 'definition']).where('programme_id', '=', programmeId).orderBy('id').execute();
      for (const agreement of agreements) {
        const broken = validateAgreement(JSON.parse(agreement.definition) as RecognitionAgreement, definition);
        if (broken.length > 0) {
          throw new InvalidInput(`Agreement ${agreement.id} would no longer hold: ${broken[0]!.message}`, [{ pointer: '/modules', message: `agreement ${agreement.id}: ${broken[0]!.message}` }]);
        }
      }
      const now = ctx.now().toISOString();
      await ctx.db.transaction().execute(async (trx) => {
        const changed = await trx.updateTable('recognition_programmes')
          .set({ name: definition.name, definition: JSON.stringify(definition), achievement_id: achievementId, updated_at: now })
          .where('id', '=', programmeId).where('definition', '=', existing.definition).executeTakeFirst();
        if (Number(changed.numUpdatedRows) !== 1) throw new Conflict('the programme changed meanwhile; reload it');
        await audit(ctx, trx, actor, { organisationId, action: 'recognition.programme.update', targetType: 'programme', targetId: programmeId, details: { version: definition.version } });
      });
      return programmeView(await programmeRow(organisationId, programmeId));
    },

    async listProgrammes(actor: Actor, organisationId: string): Promise<ProgrammeView[]> {
      await requireAccess(ctx, actor, organisationId, read, 'organisation');
      const rows = await ctx.db.selectFrom('recognition_programmes').selectAll()
        .where('organisation_id', '=', organisationId).orderBy('name').orderBy('id').execute();
      return rows.map(programmeView);
    },

    /** Every organisation's programmes, for a signed-in learner choosing where to ask for recognition. */
    async listAllProgrammes(actor: Actor): Promise<PublicProgrammeView[]> {
      walletOwner(actor);
      const rows = await ctx.db.selectFrom('recognition_programmes').innerJoin('organisations', 'organisations.id', 'recognition_programmes.organisation_id')
        .selectAll('recognition_programmes').select('organisations.name as organisation_name')
        .orderBy('organisations.name').orderBy('recognition_programmes.name').orderBy('recognition_programmes.id').execute();
      return rows.map((row) => ({ ...programmeView(row), organisationName: row.organisation_name }));
    },

    /** A programme's agreements, for a signed-in learner: what counts toward it, so she can choose credentials. */
    async listProgrammeAgreements(actor: Actor, programmeId: string): Promise<AgreementView[]> {
      walletOwner(actor);
      const programme = await ctx.db.selectFrom('recognition_programmes').select('id').where('id', '=', programmeId).executeTakeFirst();
      if (!programme) throw new NotFound('programme');
      const rows = await ctx.db.selectFrom('recognition_agreements').selectAll().where('programme_id', '=', programmeId).orderBy('created_at').orderBy('id').execute();
      return rows.map(agreementView);
    },

    async createAgreement(actor: Actor, organisationId: string, input: AgreementInput): Promise<AgreementView> {
      await requireAccess(ctx, actor, organisationId, manage, 'organisation');
      const { programmeId, ...rest } = input;
      const programme = programmeView(await programmeRow(organisationId, programmeId));
      const id = randomUUID();
      const definition: RecognitionAgreement = { ...rest, id, version: 1 };
      const problems = [...agreementAuthoringProblems(definition), ...validateAgreement(definition, programme)];
      if (problems.length > 0) throw invalid('The agreement is not valid', problems);
      const now = ctx.now().toISOString();
      await ctx.db.transaction().execute(async (trx) => {
        await trx.insertInto('recognition_agreements').values({
          id, organisation_id: organisationId, programme_id: programmeId, definition: JSON.stringify(definition), created_at: now,
        }).execute();
        await audit(ctx, trx, actor, { organisationId, action: 'recognition.agreement.create', targetType: 'agreement', targetId: id, details: { programmeId } });
      });
      return { ...definition, organisationId, programmeId, createdAt: now };
    },

    /** Replaces an agreement (version + 1), checked by the engine against its programme. */
    async updateAgreement(actor: Actor, organisationId: string, agreementId: string, input: AgreementInput): Promise<AgreementView> {
      await requireAccess(ctx, actor, organisationId, manage, 'organisation');
      const existing = await agreementRow(organisationId, agreementId);
      const previous = JSON.parse(existing.definition) as RecognitionAgreement;
      const { programmeId, ...rest } = input;
      const programme = programmeView(await programmeRow(organisationId, programmeId));
      const definition: RecognitionAgreement = { ...rest, id: agreementId, version: (previous.version ?? 1) + 1 };
      const problems = [...agreementAuthoringProblems(definition), ...validateAgreement(definition, programme)];
      if (problems.length > 0) throw invalid('The agreement is not valid', problems);
      await ctx.db.transaction().execute(async (trx) => {
        const changed = await trx.updateTable('recognition_agreements').set({ programme_id: programmeId, definition: JSON.stringify(definition) })
          .where('id', '=', agreementId).where('definition', '=', existing.definition).executeTakeFirst();
        if (Number(changed.numUpdatedRows) !== 1) throw new Conflict('the agreement changed meanwhile; reload it');
        await audit(ctx, trx, actor, { organisationId, action: 'recognition.agreement.update', targetType: 'agreement', targetId: agreementId, details: { programmeId, version: definition.version } });
      });
      return agreementView(await agreementRow(organisationId, agreementId));
    },

    /** Deletes an agreement; requests already made keep the proposal that named it. */
    async deleteAgreement(actor: Actor, organisationId: string, agreementId: string): Promise<void> {
      await requireAccess(ctx, actor, organisationId, manage, 'organisation');
      const existing = await agreementRow(organisationId, agreementId);
      await ctx.db.transaction().execute(async (trx) => {
        await trx.deleteFrom('recognition_agreements').where('id', '=', agreementId).execute();
        await audit(ctx, trx, actor, { organisationId, action: 'recognition.agreement.delete', targetType: 'agreement', targetId: agreementId, details: { programmeId: existing.programme_id } });
      });
    },

    async listAgreements(actor: Actor, organisationId: string, programmeId?: string): Promise<AgreementView[]> {
      await requireAccess(ctx, actor, organisationId, read, 'organisation');
      let query = ctx.db.selectFrom('recognition_agreements').selectAll().where('organisation_id', '=', organisationId);
      if (programmeId !== undefined) query = query.where('programme_id', '=', programmeId);
      const rows = await query.orderBy('created_at').orderBy('id').execute();
      return rows.map(agreementView);
    },

    /**
     * A learner asks the programme's organisation to recognise chosen wallet credentials. The engine's
     * proposal (per credential: decision, reasons, credits after caps; the gap) is stored as made.
     */
    async requestRecognition(actor: Actor, input: { programmeId: string; credentialIds: string[] }): Promise<RecognitionRequestView> {
      const userId = walletOwner(actor);
      const ids = [...new Set(input.credentialIds)];
      if (ids.length === 0) throw InvalidInput.field('/credentialIds', 'must name at least one wallet credential');
      const programmeRowFound = await ctx.db.selectFrom('recognition_programmes').selectAll().where('id', '=', input.programmeId).executeTakeFirst();
      if (!programmeRowFound) throw new NotFound('programme');
      const programme = JSON.parse(programmeRowFound.definition) as Programme;
      const rows = await ctx.db.selectFrom('wallet_credentials').select(['id', 'document', 'status'])
        .where('user_id', '=', userId).where('id', 'in', ids).execute();
      if (rows.length !== ids.length) throw new NotFound('wallet credential');
      const held: HeldCredential[] = [];
      for (const row of rows) {
        const read = row.document ? heldCredentialFromDocument(JSON.parse(row.document), verificationOf(row.status), { key: row.id }) : undefined;
        if (!read || !read.ok) throw InvalidInput.field('/credentialIds', `credential ${row.id} cannot be read for recognition`);
        held.push(read.credential);
      }
      const agreements = (await ctx.db.selectFrom('recognition_agreements').select('definition')
        .where('programme_id', '=', programme.id).orderBy('id').execute()).map((row) => JSON.parse(row.definition) as RecognitionAgreement);
      const now = ctx.now().toISOString();
      const proposal = proposeRecognition(programme, agreements, held, { asOf: now });
      const id = randomUUID();
      await ctx.db.transaction().execute(async (trx) => {
        await trx.insertInto('recognition_requests').values({
          id, organisation_id: programmeRowFound.organisation_id, programme_id: programme.id, user_id: userId,
          credential_ids: JSON.stringify(ids.slice().sort()), status: 'pending', proposal: JSON.stringify(proposal),
          decision: null, decided_by: null, decided_at: null, issued_credential_id: null, created_at: now,
        }).execute();
        await audit(ctx, trx, actor, { organisationId: programmeRowFound.organisation_id, action: 'recognition.request.create', targetType: 'recognition-request', targetId: id, details: { programmeId: programme.id, credentialIds: ids } });
      });
      return requestView(await ctx.db.selectFrom('recognition_requests').selectAll().where('id', '=', id).executeTakeFirstOrThrow());
    },

    /** The learner's own requests, newest first. */
    async listMyRequests(actor: Actor): Promise<RecognitionRequestView[]> {
      const userId = walletOwner(actor);
      const rows = await ctx.db.selectFrom('recognition_requests').selectAll().where('user_id', '=', userId)
        .orderBy('created_at', 'desc').orderBy('id').execute();
      return rows.map(requestView);
    },

    /** One of the learner's requests, with the programme's and the organisation's names; another learner's is not found. */
    async getMyRequest(actor: Actor, requestId: string): Promise<MyRecognitionRequestView> {
      const userId = walletOwner(actor);
      const row = await ctx.db.selectFrom('recognition_requests').selectAll().where('id', '=', requestId).where('user_id', '=', userId).executeTakeFirst();
      if (!row) throw new NotFound('recognition request');
      return mineView(row);
    },

    /**
     * Issues the recognition credential of a final decision whose issuing failed (409 when the
     * decision is not final, the credential is issued already, or there is nothing to issue).
     */
    async issue(actor: Actor, organisationId: string, requestId: string): Promise<RecognitionRequestView> {
      await requireAccess(ctx, actor, organisationId, manage, 'organisation');
      const row = await ctx.db.selectFrom('recognition_requests').selectAll()
        .where('id', '=', requestId).where('organisation_id', '=', organisationId).executeTakeFirst();
      if (!row) throw new NotFound('recognition request');
      const view = requestView(row);
      if (view.status !== 'decided') throw new Conflict(`the request is ${view.status}: a credential follows only a final decision`);
      if (view.issuedCredentialId !== null) throw new Conflict('the recognition credential of this request is issued already');
      if (!view.decision || view.decision.totalRecognised <= 0) throw new Conflict('nothing was recognised: there is no credential to issue');
      const programme = await ctx.db.selectFrom('recognition_programmes').select('achievement_id').where('id', '=', view.programmeId).executeTakeFirstOrThrow();
      if (!programme.achievement_id) throw new Conflict('the programme names no achievement to issue as its recognition credential; set one first');
      await issueRecognitionCredential(view);
      await ctx.db.transaction().execute((trx) => audit(ctx, trx, actor, { organisationId, action: 'recognition.request.issue', targetType: 'recognition-request', targetId: requestId }));
      return requestView(await ctx.db.selectFrom('recognition_requests').selectAll().where('id', '=', requestId).executeTakeFirstOrThrow());
    },

    /** The learner takes a request back before it is decided (409 once decided or withdrawn). */
    async withdrawRequest(actor: Actor, requestId: string): Promise<MyRecognitionRequestView> {
      const userId = walletOwner(actor);
      const row = await ctx.db.transaction().execute(async (trx) => {
        const found = await trx.selectFrom('recognition_requests').selectAll().where('id', '=', requestId).where('user_id', '=', userId).executeTakeFirst();
        if (!found) throw new NotFound('recognition request');
        if (found.status !== 'pending') throw new Conflict(`this request is ${found.status} already`);
        const changed = await trx.updateTable('recognition_requests').set({ status: 'withdrawn' })
          .where('id', '=', requestId).where('status', '=', 'pending').executeTakeFirst();
        if (Number(changed.numUpdatedRows) !== 1) throw new Conflict('this request changed meanwhile; reload it');
        await audit(ctx, trx, actor, { organisationId: found.organisation_id, action: 'recognition.request.withdraw', targetType: 'recognition-request', targetId: requestId });
        return trx.selectFrom('recognition_requests').selectAll().where('id', '=', requestId).executeTakeFirstOrThrow();
      });
      return mineView(row);
    },

    /** The registrar's decision screen: the request, the learner, the programme and each source credential summarised. */
    async getRequest(actor: Actor, organisationId: string, requestId: string): Promise<RecognitionRequestDetail> {
      await requireAccess(ctx, actor, organisationId, manage, 'organisation');
      const row = await ctx.db.selectFrom('recognition_requests').selectAll()
        .where('id', '=', requestId).where('organisation_id', '=', organisationId).executeTakeFirst();
      if (!row) throw new NotFound('recognition request');
      const view = requestView(row);
      const [user, programme, sources] = await Promise.all([
        ctx.db.selectFrom('users').select(['name', 'email']).where('id', '=', row.user_id).executeTakeFirstOrThrow(),
        ctx.db.selectFrom('recognition_programmes').select('name').where('id', '=', row.programme_id).executeTakeFirstOrThrow(),
        view.credentialIds.length === 0 ? Promise.resolve([]) : ctx.db.selectFrom('wallet_credentials')
          .select(['id', 'name', 'issuer_name', 'issuer_id', 'ects_centi', 'eqf_level', 'status', 'issued_at'])
          .where('user_id', '=', row.user_id).where('id', 'in', view.credentialIds).orderBy('id').execute(),
      ]);
      return {
        ...view, learner: { name: user.name, email: user.email }, programmeName: programme.name,
        credentials: sources.map((source) => ({
          id: source.id, achievementName: source.name, issuerName: source.issuer_name, issuerId: source.issuer_id,
          creditsEcts: source.ects_centi === null ? null : source.ects_centi / 100, eqfLevel: source.eqf_level, status: source.status, issuedOn: source.issued_at,
        })),
      };
    },

    /** The registrar's queue: requests to the organisation, oldest first, optionally by status. */
    /** The registrar's queue, oldest first: each request with its learner and programme named. */
    async listRequests(actor: Actor, organisationId: string, status?: RecognitionRequestStatus): Promise<(RecognitionRequestView & { learner: { name: string | null; email: string }; programmeName: string })[]> {
      await requireAccess(ctx, actor, organisationId, manage, 'organisation');
      let query = ctx.db.selectFrom('recognition_requests')
        .innerJoin('users', 'users.id', 'recognition_requests.user_id')
        .innerJoin('recognition_programmes', 'recognition_programmes.id', 'recognition_requests.programme_id')
        .selectAll('recognition_requests').select(['users.name as learner_name', 'users.email as learner_email', 'recognition_programmes.name as programme_name'])
        .where('recognition_requests.organisation_id', '=', organisationId);
      if (status) query = query.where('recognition_requests.status', '=', status);
      const rows = await query.orderBy('recognition_requests.created_at').orderBy('recognition_requests.id').execute();
      return rows.map(({ learner_name, learner_email, programme_name, ...row }) => ({ ...requestView(row), learner: { name: learner_name, email: learner_email }, programmeName: programme_name }));
    },

    /**
     * The registrar approves, amends or rejects items (with reasons); the engine checks the decisions
     * against module credits and the programme cap. The record (proposal, decisions, reasons) is kept.
     */
    async decide(actor: Actor, organisationId: string, requestId: string, decisions: RegistrarDecision[]): Promise<RecognitionRequestView> {
      await requireAccess(ctx, actor, organisationId, manage, 'organisation');
      const decided = await ctx.db.transaction().execute(async (trx) => {
        const row = await trx.selectFrom('recognition_requests').selectAll()
          .where('id', '=', requestId).where('organisation_id', '=', organisationId).executeTakeFirst();
        if (!row) throw new NotFound('recognition request');
        if (row.status === 'decided') throw new Conflict('this request is decided already');
        if (row.status === 'withdrawn') throw new Conflict('the learner withdrew this request');
        const previous = row.decision ? (JSON.parse(row.decision) as DecisionRecord).items.flatMap((item) => item.decision ? [{ credentialKey: item.credentialKey, ...item.decision }] : []) : [];
        const merged = [...previous.filter((p) => !decisions.some((d) => d.credentialKey === p.credentialKey)), ...decisions];
        const now = ctx.now().toISOString();
        const decidedBy = actor.kind === 'user' ? actor.userId : actor.kind === 'api-key' ? actor.keyId : 'system';
        const result = applyRegistrarDecisions(JSON.parse(row.proposal) as RecognitionProposal, merged, { decidedBy, decidedOn: now });
        if (!result.ok) throw invalid('The decisions are not valid', result.problems);
        const status = result.record.final ? 'decided' : 'pending';
        // Only while still pending: a withdrawal or another decision committed meanwhile wins.
        const changed = await trx.updateTable('recognition_requests').set({ decision: JSON.stringify(result.record), status, decided_by: decidedBy, decided_at: now })
          .where('id', '=', requestId).where('status', '=', 'pending').where('decided_at', row.decided_at === null ? 'is' : '=', row.decided_at).executeTakeFirst();
        if (Number(changed.numUpdatedRows) !== 1) throw new Conflict('this request changed meanwhile; reload it');
        if (result.record.final) {
          const learner = await trx.selectFrom('users').select('email').where('id', '=', row.user_id).executeTakeFirstOrThrow();
          const names = await trx.selectFrom('recognition_programmes').innerJoin('organisations', 'organisations.id', 'recognition_programmes.organisation_id')
            .select(['recognition_programmes.name as programmeName', 'organisations.name as organisationName']).where('recognition_programmes.id', '=', row.programme_id).executeTakeFirstOrThrow();
          await deps.mail.sendMany(trx, [recognitionDecidedMail({
            organisationId, organisationName: names.organisationName, to: learner.email, programmeName: names.programmeName, requestId, publicUrl: ctx.config.publicUrl,
            totalRecognised: result.record.totalRecognised,
            recognisedItems: result.record.items.filter((item) => item.outcome === 'recognised').length,
            rejectedItems: result.record.items.filter((item) => item.outcome === 'rejected').length,
          })]);
        }
        if (result.record.final) {
          await emitEvents(ctx, trx, organisationId, [{
            type: 'recognition.decided',
            data: {
              id: requestId, programmeId: row.programme_id, userId: row.user_id, totalRecognised: result.record.totalRecognised,
              recognisedItems: result.record.items.filter((item) => item.outcome === 'recognised').length,
              rejectedItems: result.record.items.filter((item) => item.outcome === 'rejected').length,
            },
          }]);
        }
        await audit(ctx, trx, actor, {
          organisationId, action: 'recognition.request.decide', targetType: 'recognition-request', targetId: requestId,
          details: { status, totalRecognised: result.record.totalRecognised, actions: result.record.items.map((item) => item.decision?.action ?? 'pending') },
        });
        return requestView(await trx.selectFrom('recognition_requests').selectAll().where('id', '=', requestId).executeTakeFirstOrThrow());
      });
      if (decided.status === 'decided') {
        deps.mail.kick();
        try {
          await issueRecognitionCredential(decided);
        } catch (error) {
          // The decision is the registrar's and stays; the credential follows through the issuance route.
          ctx.log.warn({ requestId, organisationId, error: error instanceof Error ? error.name : 'unknown' }, 'recognition decided but its credential could not be issued; retry through the issuance route');
        }
      }
      return requestView(await ctx.db.selectFrom('recognition_requests').selectAll().where('id', '=', requestId).executeTakeFirstOrThrow());
    },
  };
}

export type RecognitionService = ReturnType<typeof createRecognitionService>;
