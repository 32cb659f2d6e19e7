import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { addEvidence, awardedEvidence, decideCase, DEFAULT_EVIDENCE_LIMITS, openCase, outcomeEntries, removeEvidence, reviewOutcome, submitCase, withdrawCase } from '../../domain/rpl/index.ts';
import type { EvidenceInput, EvidenceLimits, ReviewAction, RplCase, RplResult } from '../../domain/rpl/index.ts';
import type { DB, Row } from '../../store/schema.ts';
import { sha256Hex } from '../tokens.ts';
import { EVIDENCE_MEDIA_TYPES, MAX_EVIDENCE_FILE_BYTES, MAX_EVIDENCE_FILES_PER_CASE, safeEvidenceName, sniffEvidenceType } from './evidence-file.ts';
import { CAN, requireAccess, SYSTEM, type Actor } from '../access.ts';
import { audit } from '../audit.ts';
import { emitEvents } from '../webhooks/events.ts';
import type { ServiceContext } from '../context.ts';
import { Conflict, InvalidInput, NotFound, Unauthorized } from '../errors.ts';
import type { AchievementService } from '../achievements/index.ts';
import type { CredentialService } from '../credentials/index.ts';
import type { MailMessage, MailSender } from '../credentials/types.ts';
import { rplDecidedMail, rplMoreEvidenceMail } from './mail.ts';
import { walletOwner, type WalletService } from '../wallet/index.ts';

export interface RplCaseView extends RplCase {
  organisationId: string;
  issuedCredentialId: string | null;
  createdAt: string;
  updatedAt: string;
  /** Where the issued credential is, for the learner's own view (absent until it is issued). */
  delivery?: RplDelivery;
}

/**
 * Where an awarded case's credential is: in her wallet, or e-mailed with a claim link to an address
 * she has not confirmed (confirming it offers the credential in her wallet).
 */
export type RplDelivery = { inWallet: true; walletItemId: string } | { inWallet: false; sentTo: string; addressConfirmed: boolean };

/** The assessor's view of one case: with the learner's name and address. */
export interface RplCaseDetail extends RplCaseView {
  learner: { name: string | null; email: string };
}

/** An achievement a learner may open an RPL case against (it has learning outcomes to assess). */
export interface RplAchievementView {
  achievementId: string;
  name: string;
  organisationId: string;
  organisationName: string;
  outcomes: { id: string; statement: string }[];
}

/** The limits the service applies to files (stricter than the engine's defaults). */
const LIMITS: EvidenceLimits = { ...DEFAULT_EVIDENCE_LIMITS, maxFileBytes: MAX_EVIDENCE_FILE_BYTES, mediaTypes: EVIDENCE_MEDIA_TYPES };

/** An uploaded evidence file: the bytes, and the name and title the learner gave. */
export interface RplFileInput {
  outcomeId: string;
  title?: string;
  fileName?: string;
  bytes: Uint8Array;
}

/** A stored evidence file, for download. */
export interface RplFileDownload {
  name: string;
  mediaType: string;
  bytes: Buffer;
}

/** The URL where the organisation's assessors fetch an evidence file (referenced by the awarded credential). */
export function evidenceFileUrl(publicUrl: string, organisationId: string, caseId: string, evidenceId: string): string {
  return `${publicUrl}/api/v1/organisations/${organisationId}/rpl-cases/${caseId}/evidence/${evidenceId}/file`;
}

/** Link and narrative evidence given as JSON; files come through addFile. */
export type RplEvidenceInput = { kind: 'link'; url: string; title?: string } | { kind: 'narrative'; text: string };

function view(row: Row<'rpl_cases'>): RplCaseView {
  return { ...(JSON.parse(row.data) as RplCase), organisationId: row.organisation_id, issuedCredentialId: row.issued_credential_id, createdAt: row.created_at, updatedAt: row.updated_at };
}

/** The engine's refusal as a problem: 409 for a wrong state, 422 for wrong input. */
function refused(result: Extract<RplResult, { ok: false }>): Error {
  const { code, message } = result.error;
  if (code === 'invalid-transition' || code === 'outcomes-pending') return new Conflict(message);
  return new InvalidInput(message, [{ pointer: result.error.outcomeId ? '/outcomeId' : '/', message }]);
}

/**
 * RPL by assessment (issue 5): a learner opens a case against an achievement, adds evidence per
 * learning outcome and submits; the organisation's assessors review outcome by outcome and decide;
 * an awarded case issues the achievement's credential with the evidence referenced.
 */
export function createRplService(ctx: ServiceContext, deps: { achievements: AchievementService; credentials: CredentialService; wallet: WalletService; mail: MailSender }) {
  const rule = { roles: CAN.assess };

  const learner = walletOwner;

  async function mine(userId: string, caseId: string): Promise<Row<'rpl_cases'>> {
    const row = await ctx.db.selectFrom('rpl_cases').selectAll().where('id', '=', caseId).where('user_id', '=', userId).executeTakeFirst();
    if (!row) throw new NotFound('case');
    return row;
  }

  async function ofOrganisation(organisationId: string, caseId: string): Promise<Row<'rpl_cases'>> {
    const row = await ctx.db.selectFrom('rpl_cases').selectAll().where('id', '=', caseId).where('organisation_id', '=', organisationId).executeTakeFirst();
    if (!row) throw new NotFound('case');
    return row;
  }

  async function save(actor: Actor, row: Row<'rpl_cases'>, result: RplResult, action: string, details: Record<string, unknown> = {}, also?: (trx: Kysely<DB>) => Promise<void>): Promise<RplCaseView> {
    if (!result.ok) throw refused(result);
    const now = ctx.now().toISOString();
    await ctx.db.transaction().execute(async (trx) => {
      if (also) await also(trx);
      // Optimistic: the case must be as it was read, or another change committed meanwhile.
      const changed = await trx.updateTable('rpl_cases').set({ data: JSON.stringify(result.case), status: result.case.status, updated_at: now })
        .where('id', '=', row.id).where('data', '=', row.data).executeTakeFirst();
      if (Number(changed.numUpdatedRows) !== 1) throw new Conflict('the case changed meanwhile; reload it');
      await audit(ctx, trx, actor, { organisationId: row.organisation_id, action, targetType: 'rpl-case', targetId: row.id, details });
    });
    return view(await ctx.db.selectFrom('rpl_cases').selectAll().where('id', '=', row.id).executeTakeFirstOrThrow());
  }

  /**
   * Issues the awarded case's credential (the achievement, the evidence referenced outcome by
   * outcome), once: the idempotency key is the case. It lands in the wallet when the address is confirmed.
   */
  async function issueAward(organisationId: string, caseId: string): Promise<void> {
    const row = await ofOrganisation(organisationId, caseId);
    const evidence = awardedEvidence(JSON.parse(row.data) as RplCase);
    if (!evidence || row.issued_credential_id !== null) return;
    const user = await ctx.db.selectFrom('users').select(['email', 'name']).where('id', '=', row.user_id).executeTakeFirstOrThrow();
    const issued = await deps.credentials.issue(SYSTEM, organisationId, {
      achievementId: row.achievement_id,
      recipient: { email: user.email, ...(user.name ? { name: user.name } : {}) },
      result: { description: 'Awarded by recognition of prior learning (assessment of evidence per learning outcome).' },
      evidence: evidence.flatMap((outcome) => outcome.evidence.map((item) => ({
        ...(item.kind === 'link' ? { id: item.url } : item.kind === 'file' ? { id: evidenceFileUrl(ctx.config.publicUrl, organisationId, caseId, item.id) } : {}),
        name: outcome.statement.slice(0, 200),
        narrative: (item.kind === 'narrative' ? item.text : item.kind === 'link' ? (item.title ?? item.url)
          : `${item.title ? `${item.title}: ` : ''}file ${item.name} (${item.mediaType}, ${item.sizeBytes} bytes${item.sha256 ? `, SHA-256 ${item.sha256}` : ''})`).slice(0, 2000),
      }))),
    }, { idempotencyKey: `rpl-${caseId}` });
    await ctx.db.updateTable('rpl_cases').set({ issued_credential_id: issued.id }).where('id', '=', caseId).execute();
    try {
      await deps.wallet.acceptOffer({ kind: 'user', userId: row.user_id }, issued.id);
    } catch (error) {
      if (!(error instanceof NotFound)) throw error;
    }
  }

  /** Whether the learner confirmed her sign-in address: only then does an issued credential go straight into her wallet. */
  async function confirmed(db: Kysely<DB>, userId: string, email: string): Promise<boolean> {
    const row = await db.selectFrom('user_emails').select('id').where('user_id', '=', userId).where('email', '=', email.toLowerCase())
      .where('verified_at', 'is not', null).executeTakeFirst();
    return row !== undefined;
  }

  /** Where the case's credential is now (undefined until issued). */
  async function deliveryOf(row: Row<'rpl_cases'>): Promise<RplDelivery | undefined> {
    if (row.issued_credential_id === null) return undefined;
    const held = await ctx.db.selectFrom('wallet_credentials').select('id').where('user_id', '=', row.user_id)
      .where('issued_credential_id', '=', row.issued_credential_id).executeTakeFirst();
    if (held) return { inWallet: true, walletItemId: held.id };
    const issued = await ctx.db.selectFrom('credentials').select('recipient_email').where('id', '=', row.issued_credential_id).executeTakeFirst();
    const sentTo = issued?.recipient_email ?? '';
    return { inWallet: false, sentTo, addressConfirmed: sentTo !== '' && await confirmed(ctx.db, row.user_id, sentTo) };
  }

  /** Queues a mail to the learner of the case, in the transaction that makes the change. */
  async function tell(trx: Kysely<DB>, row: Row<'rpl_cases'>, compose: (to: string, organisationName: string) => MailMessage): Promise<void> {
    const user = await trx.selectFrom('users').select('email').where('id', '=', row.user_id).executeTakeFirstOrThrow();
    const organisation = await trx.selectFrom('organisations').select('name').where('id', '=', row.organisation_id).executeTakeFirstOrThrow();
    await deps.mail.sendMany(trx, [compose(user.email, organisation.name)]);
  }

  async function download(caseId: string, evidenceId: string): Promise<RplFileDownload> {
    const file = await ctx.db.selectFrom('rpl_files').select(['name', 'media_type', 'content']).where('id', '=', evidenceId).where('case_id', '=', caseId).executeTakeFirst();
    if (!file) throw new NotFound('evidence file');
    return { name: file.name, mediaType: file.media_type, bytes: Buffer.from(file.content, 'base64') };
  }

  return {
    async open(actor: Actor, achievementId: string): Promise<RplCaseView> {
      const userId = learner(actor);
      let achievement;
      try {
        achievement = await deps.achievements.get(SYSTEM, achievementId);
      } catch (error) {
        if (error instanceof NotFound) throw new NotFound('achievement');
        throw error;
      }
      if (achievement.archivedAt) throw new NotFound('achievement');
      const id = randomUUID();
      const now = ctx.now().toISOString();
      const result = openCase({ id, learnerId: userId, achievement: { id: achievement.id, name: achievement.name, learningOutcomes: achievement.eu.learningOutcome ?? [] }, at: now });
      if (!result.ok) throw refused(result);
      await ctx.db.transaction().execute(async (trx) => {
        await trx.insertInto('rpl_cases').values({
          id, organisation_id: achievement.organisationId, achievement_id: achievement.id, user_id: userId, status: result.case.status,
          data: JSON.stringify(result.case), issued_credential_id: null, created_at: now, updated_at: now,
        }).execute();
        await audit(ctx, trx, actor, { organisationId: achievement.organisationId, action: 'rpl.open', targetType: 'rpl-case', targetId: id, details: { achievementId } });
      });
      return view(await mine(userId, id));
    },

    /** Achievements open to RPL: not archived, with learning outcomes (the case's outcome ids are these). */
    async achievements(actor: Actor): Promise<RplAchievementView[]> {
      learner(actor);
      const rows = await ctx.db.selectFrom('achievements')
        .innerJoin('achievement_versions', (join) => join.onRef('achievement_versions.achievement_id', '=', 'achievements.id').onRef('achievement_versions.version', '=', 'achievements.current_version'))
        .innerJoin('organisations', 'organisations.id', 'achievements.organisation_id')
        .select(['achievements.id', 'achievements.organisation_id', 'organisations.name as organisation_name', 'achievement_versions.data'])
        .where('achievements.archived_at', 'is', null).orderBy('organisations.name').orderBy('achievements.id').execute();
      const open: RplAchievementView[] = [];
      for (const row of rows) {
        const definition = JSON.parse(row.data) as { name?: unknown; eu?: { learningOutcome?: unknown } };
        const outcomes = definition.eu?.learningOutcome;
        if (!Array.isArray(outcomes) || outcomes.length === 0 || !outcomes.every((o) => typeof o === 'string' && o.trim() !== '')) continue;
        open.push({
          achievementId: row.id, name: typeof definition.name === 'string' ? definition.name : '', organisationId: row.organisation_id,
          organisationName: row.organisation_name, outcomes: outcomeEntries(outcomes as string[]),
        });
      }
      return open.sort((a, b) => a.organisationName.localeCompare(b.organisationName) || a.name.localeCompare(b.name) || a.achievementId.localeCompare(b.achievementId));
    },

    async listMine(actor: Actor): Promise<RplCaseView[]> {
      const userId = learner(actor);
      return (await ctx.db.selectFrom('rpl_cases').selectAll().where('user_id', '=', userId).orderBy('created_at', 'desc').orderBy('id').execute()).map(view);
    },

    /** One of the learner's cases (with where its credential is); another learner's is not found. */
    async getMine(actor: Actor, caseId: string): Promise<RplCaseView> {
      const row = await mine(learner(actor), caseId);
      const delivery = await deliveryOf(row);
      return { ...view(row), ...(delivery ? { delivery } : {}) };
    },

    /** One case of the organisation for its assessors, with the learner. */
    async get(actor: Actor, organisationId: string, caseId: string): Promise<RplCaseDetail> {
      await requireAccess(ctx, actor, organisationId, rule, 'organisation');
      const row = await ofOrganisation(organisationId, caseId);
      const user = await ctx.db.selectFrom('users').select(['name', 'email']).where('id', '=', row.user_id).executeTakeFirstOrThrow();
      return { ...view(row), learner: { name: user.name, email: user.email } };
    },

    async addEvidence(actor: Actor, caseId: string, outcomeId: string, evidence: RplEvidenceInput): Promise<RplCaseView> {
      const userId = learner(actor);
      const row = await mine(userId, caseId);
      const input: EvidenceInput = evidence.kind === 'link'
        ? { kind: 'link', id: randomUUID(), url: evidence.url, ...(evidence.title ? { title: evidence.title } : {}) }
        : { kind: 'narrative', id: randomUUID(), text: evidence.text };
      if (input.kind === 'link' && !/^https:\/\/[^\s]+$/i.test(input.url)) throw InvalidInput.field('/evidence/url', 'must be an https URL');
      const result = addEvidence(JSON.parse(row.data) as RplCase, { outcomeId, evidence: input, actor: userId, at: ctx.now().toISOString() });
      return save(actor, row, result, 'rpl.add-evidence', { outcomeId, kind: evidence.kind });
    },

    /** Removes evidence the assessor has not seen yet (draft, or an outcome for which more was asked). */
    async removeEvidence(actor: Actor, caseId: string, evidenceId: string): Promise<RplCaseView> {
      const userId = learner(actor);
      const row = await mine(userId, caseId);
      const data = JSON.parse(row.data) as RplCase;
      const outcome = data.outcomes.find((o) => o.evidence.some((e) => e.id === evidenceId));
      if (!outcome) throw new NotFound('evidence');
      const isFile = outcome.evidence.some((e) => e.id === evidenceId && e.kind === 'file');
      return save(actor, row, removeEvidence(data, { outcomeId: outcome.id, evidenceId, actor: userId, at: ctx.now().toISOString() }), 'rpl.remove-evidence', { outcomeId: outcome.id, evidenceId },
        isFile ? async (trx) => { await trx.deleteFrom('rpl_files').where('id', '=', evidenceId).where('case_id', '=', caseId).execute(); } : undefined);
    },

    /**
     * Adds a file as evidence to one outcome: its type sniffed from the bytes (PDF, PNG, JPEG or UTF-8
     * text), at most 5 MiB and 20 files per case; stored in the database with its SHA-256. The case's
     * evidence entry (kind 'file') has the file's id.
     */
    async addFile(actor: Actor, caseId: string, input: RplFileInput): Promise<RplCaseView> {
      const userId = learner(actor);
      const row = await mine(userId, caseId);
      if (input.bytes.length === 0) throw InvalidInput.field('/file', 'is empty');
      if (input.bytes.length > MAX_EVIDENCE_FILE_BYTES) throw InvalidInput.field('/file', `is larger than ${MAX_EVIDENCE_FILE_BYTES / 1048576} MiB`);
      const mediaType = sniffEvidenceType(input.bytes);
      if (!mediaType) throw InvalidInput.field('/file', 'is not a PDF, PNG, JPEG or plain text (UTF-8) file');
      if (input.title !== undefined && input.title.length > 200) throw InvalidInput.field('/title', 'must be at most 200 characters');
      const count = await ctx.db.selectFrom('rpl_files').select((eb) => eb.fn.countAll<number>().as('n')).where('case_id', '=', caseId).executeTakeFirstOrThrow();
      if (Number(count.n) >= MAX_EVIDENCE_FILES_PER_CASE) throw InvalidInput.field('/file', `would be file ${MAX_EVIDENCE_FILES_PER_CASE + 1}: a case takes at most ${MAX_EVIDENCE_FILES_PER_CASE} files`);
      const id = randomUUID();
      const now = ctx.now().toISOString();
      const name = safeEvidenceName(input.fileName, mediaType);
      const sha256 = sha256Hex(input.bytes);
      const evidence: EvidenceInput = { kind: 'file', id, name, mediaType, sizeBytes: input.bytes.length, sha256, ...(input.title ? { title: input.title } : {}) };
      const result = addEvidence(JSON.parse(row.data) as RplCase, { outcomeId: input.outcomeId, evidence, actor: userId, at: now, limits: LIMITS });
      return save(actor, row, result, 'rpl.add-evidence', { outcomeId: input.outcomeId, kind: 'file', evidenceId: id }, async (trx) => {
        await trx.insertInto('rpl_files').values({
          id, case_id: caseId, user_id: userId, outcome_id: input.outcomeId, name, media_type: mediaType, size_bytes: input.bytes.length,
          sha256, content: Buffer.from(input.bytes).toString('base64'), created_at: now,
        }).execute();
      });
    },

    /** One of the learner's own evidence files. */
    async file(actor: Actor, caseId: string, evidenceId: string): Promise<RplFileDownload> {
      const row = await mine(learner(actor), caseId);
      return download(row.id, evidenceId);
    },

    /** An evidence file of a case of the organisation, for its assessors. */
    async organisationFile(actor: Actor, organisationId: string, caseId: string, evidenceId: string): Promise<RplFileDownload> {
      await requireAccess(ctx, actor, organisationId, rule, 'organisation');
      const row = await ofOrganisation(organisationId, caseId);
      return download(row.id, evidenceId);
    },

    /** The learner withdraws a case not yet decided. */
    async withdraw(actor: Actor, caseId: string): Promise<RplCaseView> {
      const userId = learner(actor);
      const row = await mine(userId, caseId);
      return save(actor, row, withdrawCase(JSON.parse(row.data) as RplCase, { actor: userId, at: ctx.now().toISOString() }), 'rpl.withdraw');
    },

    async submit(actor: Actor, caseId: string): Promise<RplCaseView> {
      const userId = learner(actor);
      const row = await mine(userId, caseId);
      return save(actor, row, submitCase(JSON.parse(row.data) as RplCase, { actor: userId, at: ctx.now().toISOString() }), 'rpl.submit');
    },

    /** The assessors' queue: cases submitted or in review (or by status), oldest first. */
    async queue(actor: Actor, organisationId: string, status?: string): Promise<RplCaseView[]> {
      await requireAccess(ctx, actor, organisationId, rule, 'organisation');
      let query = ctx.db.selectFrom('rpl_cases').selectAll().where('organisation_id', '=', organisationId);
      query = status ? query.where('status', '=', status) : query.where('status', 'in', ['submitted', 'in-review']);
      return (await query.orderBy('created_at').orderBy('id').execute()).map(view);
    },

    async review(actor: Actor, organisationId: string, caseId: string, input: { outcomeId: string; action: ReviewAction; feedback?: string }): Promise<RplCaseView> {
      await requireAccess(ctx, actor, organisationId, rule, 'organisation');
      if (actor.kind !== 'user') throw new Unauthorized('sign in as an assessor');
      const row = await ofOrganisation(organisationId, caseId);
      const data = JSON.parse(row.data) as RplCase;
      const result = reviewOutcome(data, { ...input, assessorId: actor.userId, at: ctx.now().toISOString() });
      const statement = data.outcomes.find((o) => o.id === input.outcomeId)?.statement ?? '';
      const reviewed = await save(actor, row, result, 'rpl.review', { outcomeId: input.outcomeId, action: input.action },
        input.action === 'request-more' ? (trx) => tell(trx, row, (to, organisationName) => rplMoreEvidenceMail({
          organisationId, organisationName, to, achievementName: data.achievementName, outcomeStatement: statement, caseId, publicUrl: ctx.config.publicUrl,
        })) : undefined);
      if (input.action === 'request-more') deps.mail.kick();
      return reviewed;
    },

    /**
     * Decides the case. An awarded one issues the achievement's credential to the learner with the
     * evidence referenced; if issuing fails the decision stays (a warning is logged) and
     * `issue` tries again later.
     */
    async decide(actor: Actor, organisationId: string, caseId: string): Promise<RplCaseView> {
      await requireAccess(ctx, actor, organisationId, rule, 'organisation');
      if (actor.kind !== 'user') throw new Unauthorized('sign in as an assessor');
      const row = await ofOrganisation(organisationId, caseId);
      const result = decideCase(JSON.parse(row.data) as RplCase, { assessorId: actor.userId, at: ctx.now().toISOString() });
      // The credential goes straight into the wallet only for a confirmed address; otherwise its claim e-mail carries it.
      const decided = await save(actor, row, result, 'rpl.decide', {}, async (trx) => {
        const { email } = await trx.selectFrom('users').select('email').where('id', '=', row.user_id).executeTakeFirstOrThrow();
        const toWallet = await confirmed(trx, row.user_id, email);
        await tell(trx, row, (to, organisationName) => rplDecidedMail({
          organisationId, organisationName, to, achievementName: result.ok ? result.case.achievementName : '', awarded: result.ok && result.case.status === 'awarded', caseId,
          publicUrl: ctx.config.publicUrl, toWallet,
        }));
        if (result.ok) {
          await emitEvents(ctx, trx, organisationId, [{ type: 'rpl.decided', data: { id: caseId, achievementId: row.achievement_id, userId: row.user_id, status: result.case.status } }]);
        }
      });
      deps.mail.kick();
      if (decided.status !== 'awarded') return decided;
      try {
        await issueAward(organisationId, caseId);
      } catch (error) {
        ctx.log.warn({ caseId, organisationId, error: error instanceof Error ? error.name : 'unknown' }, 'RPL award decided but its credential could not be issued; retry through the issuance route');
      }
      return view(await ofOrganisation(organisationId, caseId));
    },

    /** Issues the credential of an awarded case whose issuing failed (409 when not awarded or issued already). */
    async issue(actor: Actor, organisationId: string, caseId: string): Promise<RplCaseView> {
      await requireAccess(ctx, actor, organisationId, rule, 'organisation');
      const row = await ofOrganisation(organisationId, caseId);
      if (row.status !== 'awarded') throw new Conflict(`the case is ${row.status}: only an awarded case issues a credential`);
      if (row.issued_credential_id !== null) throw new Conflict('the credential of this case is issued already');
      await issueAward(organisationId, caseId);
      await ctx.db.transaction().execute((trx) => audit(ctx, trx, actor, { organisationId, action: 'rpl.issue', targetType: 'rpl-case', targetId: caseId }));
      return view(await ofOrganisation(organisationId, caseId));
    },
  };
}
