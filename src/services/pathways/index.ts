import { randomUUID } from 'node:crypto';
import { planAchievements } from '../../domain/planner/index.ts';
import type { Plan } from '../../domain/planner/index.ts';
import type { Programme, RecognitionAgreement } from '../../domain/recognition/index.ts';
import { createEvaluator, heldCredentialFromDocument } from '../../domain/stacking/index.ts';
import type { HeldCredential, PathwayEvaluation, Problem } from '../../domain/stacking/index.ts';
import type { Row } from '../../store/schema.ts';
import { CAN, requireAccess, type Actor } from '../access.ts';
import type { AchievementService } from '../achievements/index.ts';
import { audit } from '../audit.ts';
import type { ServiceContext } from '../context.ts';
import type { CredentialService } from '../credentials/index.ts';
import { Conflict, Forbidden, InvalidInput, NotFound, Unauthorized } from '../errors.ts';
import type { IssuerService } from '../issuers.ts';
import { heldCredentialsOf } from '../wallet/held.ts';
import type { WalletService } from '../wallet/index.ts';
import { createCatalogue, type CatalogueItem } from './catalogue.ts';
import { createPathwayCore, evaluationSummary, viewCache, type PathwayProgressView, type PathwayView } from './core.ts';
import { enginePathway, PATHWAY_STATUSES, rulesProblems, type PathwayDraft, type PathwayInput, type PathwayRules } from './definition.ts';
import { createProgress } from './progress.ts';
import { queuePathwayProgress } from './queue.ts';

export type { PathwayDraft, PathwayInput, PathwayRules } from './definition.ts';
export type { PathwayProgressView, PathwayView } from './core.ts';
export type { CatalogueItem } from './catalogue.ts';
export { PATHWAY_PROGRESS_JOB_KIND, queueHoldersOf, queuePathwayProgress, type PathwayProgressPayload } from './queue.ts';
export { pathwayProgressJob } from './progress-job.ts';

export interface PathwayFlagView {
  id: string;
  pathwayId: string;
  pathwayName: string;
  awardCredentialId: string;
  /** Whether the stacked credential carries a suspension entry (an opt-in): if not, it can be kept or revoked, not suspended. */
  awardSuspendable: boolean;
  constituentCredentialKey: string;
  constituentName: string;
  reason: string;
  status: 'open' | 'resolved';
  action: 'suspended' | 'revoked' | 'kept' | null;
  resolutionReason: string | null;
  createdAt: string;
  resolvedAt: string | null;
}

export interface PathwayCheck {
  problems: Problem[];
  evaluation: PathwayEvaluation | null;
  sample: { key: string; achievementName: string; issuerName: string | null; status: string }[];
}

export type PathwayCheckSample = { achievementIds: string[] } | { email: string } | { credentials: unknown[] };

/** A published pathway as every signed-in user may see it. */
export interface PublishedPathway {
  id: string;
  organisationId: string;
  organisationName: string;
  name: string;
  description: string | null;
  version: number;
  achievementUrl: string;
  requirementsCount: number;
}

const MAX_SAMPLE = 200;

function problemsError(message: string, problems: Problem[]): InvalidInput {
  return new InvalidInput(`${message}: ${problems[0]!.path || '/'} ${problems[0]!.message}`, problems.map((p) => ({ pointer: p.path || '/', message: p.message })));
}

function learnerOf(actor: Actor): string {
  if (actor.kind === 'api-key') throw new Forbidden('pathway progress belongs to a person: sign in as the learner');
  if (actor.kind !== 'user') throw new Unauthorized('sign in as the learner');
  return actor.userId;
}

/**
 * Pathways (stacked credentials, issue 5): an organisation's designers keep pathways as versioned
 * rules (the engine's JSON, src/domain/stacking) with a live check against a sample learner, and a
 * list of trusted issuers; learners see their progress on every published pathway and what to take
 * next (the planner over the instance's catalogue). Progress is recomputed by the `pathway.progress`
 * job when a wallet changes; a completed pathway issues its target credential, and a revoked
 * constituent flags the award to its issuer.
 */
export function createPathwayService(ctx: ServiceContext, deps: { achievements: AchievementService; issuers: IssuerService; credentials: CredentialService; wallet: WalletService }) {
  const core = createPathwayCore(ctx);
  const catalogue = createCatalogue(ctx, deps);
  const progress = createProgress(ctx, core, deps);
  const design = { roles: CAN.manageAchievements };
  const read = { roles: CAN.read, scope: 'read' as const };

  async function checkInput(organisationId: string, draft: PathwayDraft): Promise<PathwayInput> {
    const input = draft as PathwayInput;
    const problems: Problem[] = [];
    if (typeof input.name !== 'string' || input.name.trim() === '') problems.push({ path: '/name', message: 'The pathway needs a name.' });
    if (input.status !== undefined && !PATHWAY_STATUSES.includes(input.status)) problems.push({ path: '/status', message: 'must be draft, published or archived' });
    problems.push(...rulesProblems(input.rules, input.name));
    const achievement = await ctx.db.selectFrom('achievements').select(['id', 'archived_at']).where('id', '=', input.achievementId).where('organisation_id', '=', organisationId).executeTakeFirst();
    if (!achievement) problems.push({ path: '/achievementId', message: 'is not a micro-credential of this organisation' });
    else if (achievement.archived_at !== null && input.status === 'published') problems.push({ path: '/achievementId', message: 'is archived: a published pathway must issue a current micro-credential' });
    if (problems.length > 0) throw problemsError('The pathway is not valid', problems);
    return input;
  }

  function columns(input: PathwayInput) {
    return {
      name: input.name.trim(), description: input.description?.trim() || null, status: input.status ?? 'draft', achievement_id: input.achievementId,
      auto_issue: input.autoIssue === false ? 0 : 1, revocation_policy: input.revocationPolicy ?? 'review', use_trust_list: input.useTrustList ? 1 : 0,
      rules: JSON.stringify(input.rules),
    } as const;
  }

  function actorId(actor: Actor): string | null {
    return actor.kind === 'user' ? actor.userId : actor.kind === 'api-key' ? actor.keyId : null;
  }

  /** Queues a recomputation for every learner with progress on the pathway (its rules changed). */
  async function requeueLearners(pathwayId: string): Promise<void> {
    const users = await ctx.db.selectFrom('pathway_progress').select('user_id').where('pathway_id', '=', pathwayId).execute();
    for (const user of users) await queuePathwayProgress(ctx, ctx.db, { userId: user.user_id });
  }

  function flagView(row: Row<'pathway_flags'> & { pathway_name: string; credential_id: string; award_suspension_list: string | null }): PathwayFlagView {
    return {
      id: row.id, pathwayId: row.pathway_id, pathwayName: row.pathway_name, awardCredentialId: row.credential_id, awardSuspendable: row.award_suspension_list !== null,
      constituentCredentialKey: row.constituent_key, constituentName: row.constituent_name, reason: row.reason, status: row.status,
      action: row.action, resolutionReason: row.resolution_reason, createdAt: row.created_at, resolvedAt: row.resolved_at,
    };
  }

  async function sampleCredentials(organisationId: string, sample: PathwayCheckSample, asOf: string): Promise<HeldCredential[]> {
    if ('achievementIds' in sample) {
      if (sample.achievementIds.length > MAX_SAMPLE) throw InvalidInput.field('/sample/achievementIds', `may name at most ${MAX_SAMPLE} achievements`);
      return catalogue.sample(sample.achievementIds, asOf);
    }
    let documents: { key?: string; document: unknown; status: HeldCredential['status'] }[];
    if ('email' in sample) {
      // What this organisation itself issued to the address: its own records, never a learner's wallet.
      const rows = await ctx.db.selectFrom('credentials').select(['id', 'document', 'format', 'status', 'valid_until'])
        .where('organisation_id', '=', organisationId).where('recipient_email', '=', sample.email.trim().toLowerCase())
        .orderBy('issued_at').limit(MAX_SAMPLE).execute();
      documents = rows.filter((row) => row.format === 'ldp').map((row) => ({
        key: row.id, document: JSON.parse(row.document) as unknown,
        status: row.status === 'revoked' ? 'revoked' : row.status === 'suspended' ? 'suspended' : 'valid',
      }));
    } else {
      if (sample.credentials.length > MAX_SAMPLE) throw InvalidInput.field('/sample/credentials', `may hold at most ${MAX_SAMPLE} credentials`);
      documents = sample.credentials.map((document, i) => ({ key: `sample-${i + 1}`, document, status: 'valid' as const }));
    }
    const held: HeldCredential[] = [];
    documents.forEach((entry, i) => {
      const verification = entry.status === 'valid' ? { verified: true } : { verified: false, status: entry.status as 'revoked' | 'suspended' };
      const read = heldCredentialFromDocument(entry.document, verification, entry.key ? { key: entry.key } : {});
      if (read.ok) held.push(read.credential);
      else if ('credentials' in sample) throw problemsError(`Sample credential ${i + 1} cannot be read`, read.problems.map((p) => ({ path: `/sample/credentials/${i}${p.path}`, message: p.message })));
    });
    return held;
  }

  async function progressViews(userId: string, rows: (Row<'pathway_progress'>)[]): Promise<PathwayProgressView[]> {
    if (rows.length === 0) return [];
    const ids = rows.map((row) => row.pathway_id);
    const [pathways, awards] = await Promise.all([
      ctx.db.selectFrom('pathways').innerJoin('organisations', 'organisations.id', 'pathways.organisation_id')
        .select(['pathways.id', 'pathways.name', 'pathways.organisation_id', 'organisations.name as organisation_name', 'pathways.status'])
        .where('pathways.id', 'in', ids).execute(),
      ctx.db.selectFrom('pathway_awards').leftJoin('wallet_credentials', (join) => join.onRef('wallet_credentials.issued_credential_id', '=', 'pathway_awards.credential_id').on('wallet_credentials.user_id', '=', userId))
        .select(['pathway_awards.pathway_id', 'pathway_awards.credential_id', 'wallet_credentials.id as wallet_item_id'])
        .where('pathway_awards.user_id', '=', userId).where('pathway_awards.pathway_id', 'in', ids).execute(),
    ]);
    const byId = new Map(pathways.map((row) => [row.id, row]));
    const awardOf = new Map(awards.map((row) => [row.pathway_id, row]));
    return rows.flatMap((row) => {
      const pathway = byId.get(row.pathway_id);
      if (!pathway || pathway.status !== 'published') return [];
      const award = awardOf.get(row.pathway_id);
      return [{
        pathwayId: row.pathway_id, pathwayName: pathway.name, organisationId: pathway.organisation_id, organisationName: pathway.organisation_name,
        version: row.version, progress: row.progress_permille / 1000, complete: row.complete === 1, creditsCounted: row.credits_centi / 100,
        evaluation: JSON.parse(row.evaluation) as PathwayEvaluation, awardedCredentialId: award?.credential_id ?? null,
        awardedWalletItemId: award?.wallet_item_id ?? null, computedAt: row.computed_at, following: row.following === 1,
      }];
    });
  }

  async function flags(actor: Actor, organisationId: string, status?: 'open' | 'resolved'): Promise<PathwayFlagView[]> {
    await requireAccess(ctx, actor, organisationId, read, 'organisation');
    let query = ctx.db.selectFrom('pathway_flags').innerJoin('pathways', 'pathways.id', 'pathway_flags.pathway_id').innerJoin('pathway_awards', 'pathway_awards.id', 'pathway_flags.award_id')
      .innerJoin('credentials', 'credentials.id', 'pathway_awards.credential_id')
      .selectAll('pathway_flags').select(['pathways.name as pathway_name', 'pathway_awards.credential_id', 'credentials.suspension_list_id as award_suspension_list']).where('pathway_flags.organisation_id', '=', organisationId);
    if (status) query = query.where('pathway_flags.status', '=', status);
    return (await query.orderBy('pathway_flags.created_at').orderBy('pathway_flags.id').execute()).map(flagView);
  }

  async function publishedRow(pathwayId: string): Promise<Row<'pathways'>> {
    const row = await ctx.db.selectFrom('pathways').selectAll().where('id', '=', pathwayId).where('status', '=', 'published').executeTakeFirst();
    if (!row) throw new NotFound('pathway');
    return row;
  }

  return {
    catalogue,

    async list(actor: Actor, organisationId: string): Promise<PathwayView[]> {
      await requireAccess(ctx, actor, organisationId, read, 'organisation');
      const rows = await ctx.db.selectFrom('pathways').selectAll().where('organisation_id', '=', organisationId).orderBy('name').orderBy('id').execute();
      const cache = viewCache();
      return Promise.all(rows.map((row) => core.view(row, cache)));
    },

    async get(actor: Actor, organisationId: string, pathwayId: string): Promise<PathwayView & { versions: { version: number; updatedAt: string }[] }> {
      await requireAccess(ctx, actor, organisationId, read, 'organisation');
      const row = await core.row(pathwayId, organisationId);
      const versions = await ctx.db.selectFrom('pathway_versions').select(['version', 'created_at']).where('pathway_id', '=', pathwayId).orderBy('version', 'desc').execute();
      return { ...(await core.view(row)), versions: versions.map((v) => ({ version: v.version, updatedAt: v.created_at })) };
    },

    async create(actor: Actor, organisationId: string, draft: PathwayDraft): Promise<PathwayView> {
      await requireAccess(ctx, actor, organisationId, design, 'organisation');
      const input = await checkInput(organisationId, draft);
      const id = randomUUID();
      const now = ctx.now().toISOString();
      await ctx.db.transaction().execute(async (trx) => {
        await trx.insertInto('pathways').values({ id, organisation_id: organisationId, version: 1, created_at: now, updated_at: now, ...columns(input) }).execute();
        await trx.insertInto('pathway_versions').values({ pathway_id: id, version: 1, data: JSON.stringify(input), created_by: actorId(actor), created_at: now }).execute();
        await audit(ctx, trx, actor, { organisationId, action: 'pathway.create', targetType: 'pathway', targetId: id, details: { version: 1, status: input.status ?? 'draft' } });
      });
      return core.view(await core.row(id));
    },

    /** Saves a new version of the rules and settings; learners with progress are recomputed against it. */
    async update(actor: Actor, organisationId: string, pathwayId: string, draft: PathwayDraft): Promise<PathwayView> {
      await requireAccess(ctx, actor, organisationId, design, 'organisation');
      await core.row(pathwayId, organisationId);
      const input = await checkInput(organisationId, draft);
      const now = ctx.now().toISOString();
      await ctx.db.transaction().execute(async (trx) => {
        const current = await trx.selectFrom('pathways').select('version').where('id', '=', pathwayId).executeTakeFirstOrThrow();
        const version = current.version + 1;
        const changed = await trx.updateTable('pathways').set({ ...columns(input), version, updated_at: now })
          .where('id', '=', pathwayId).where('version', '=', current.version).executeTakeFirst();
        if (Number(changed.numUpdatedRows) === 0) throw new Conflict('the pathway was changed meanwhile; load it again');
        await trx.insertInto('pathway_versions').values({ pathway_id: pathwayId, version, data: JSON.stringify(input), created_by: actorId(actor), created_at: now }).execute();
        await audit(ctx, trx, actor, { organisationId, action: 'pathway.update', targetType: 'pathway', targetId: pathwayId, details: { version, status: input.status ?? 'draft' } });
      });
      await requeueLearners(pathwayId);
      return core.view(await core.row(pathwayId));
    },

    /**
     * The designer's live check: the rules validated by the engine and, when valid, evaluated today for a
     * sample learner (catalogue achievements, what this organisation issued to an address, or credentials given).
     */
    async check(actor: Actor, organisationId: string, input: { rules: unknown; name?: string; sample?: PathwayCheckSample; useTrustList?: boolean }): Promise<PathwayCheck> {
      await requireAccess(ctx, actor, organisationId, design, 'organisation');
      const problems = rulesProblems(input.rules, input.name);
      const asOf = ctx.now().toISOString();
      const held = input.sample ? await sampleCredentials(organisationId, input.sample, asOf) : [];
      const sample = held.map((c) => ({ key: c.key, achievementName: c.achievementName, issuerName: c.issuerName ?? null, status: c.status }));
      if (problems.length > 0) return { problems, evaluation: null, sample };
      const trusted = input.useTrustList ? await core.trustList(organisationId) : undefined;
      const pathway = enginePathway({ url: 'urn:pathway:check', version: 1, name: input.name?.trim() || 'Check', rules: input.rules as PathwayRules, ...(trusted ? { trusted } : {}) });
      return { problems: [], evaluation: createEvaluator(held, { asOf }).evaluate(pathway), sample };
    },

    async awards(actor: Actor, organisationId: string, pathwayId: string) {
      await requireAccess(ctx, actor, organisationId, read, 'organisation');
      await core.row(pathwayId, organisationId);
      const rows = await ctx.db.selectFrom('pathway_awards').selectAll().where('pathway_id', '=', pathwayId).orderBy('created_at').orderBy('id').execute();
      const flagged = new Set((await ctx.db.selectFrom('pathway_flags').select('award_id').where('pathway_id', '=', pathwayId).where('status', '=', 'open').execute()).map((row) => row.award_id));
      return rows.map((row) => ({ userId: row.user_id, credentialId: row.credential_id, issuedAt: row.created_at, pathwayVersion: row.pathway_version, flagged: flagged.has(row.id) }));
    },

    flags,

    /** The issuer decides on a flagged award: suspend it, revoke it, or keep it (reinstated if it was suspended). */
    async resolveFlag(actor: Actor, organisationId: string, flagId: string, input: { action: 'suspend' | 'revoke' | 'keep'; reason: string }): Promise<PathwayFlagView> {
      await requireAccess(ctx, actor, organisationId, { roles: CAN.changeStatus }, 'organisation');
      const flag = await ctx.db.selectFrom('pathway_flags').innerJoin('pathway_awards', 'pathway_awards.id', 'pathway_flags.award_id')
        .selectAll('pathway_flags').select('pathway_awards.credential_id').where('pathway_flags.id', '=', flagId).where('pathway_flags.organisation_id', '=', organisationId).executeTakeFirst();
      if (!flag) throw new NotFound('flag');
      if (flag.status === 'resolved') throw new Conflict('this flag is resolved already');
      const reason = input.reason.trim();
      if (reason === '') throw InvalidInput.field('/reason', 'says why: it is kept with the decision');
      const credential = await ctx.db.selectFrom('credentials').select('status').where('id', '=', flag.credential_id).executeTakeFirstOrThrow();
      if (input.action === 'revoke' && credential.status !== 'revoked') await deps.credentials.changeStatus(actor, flag.credential_id, 'revoke', reason);
      if (input.action === 'suspend' && credential.status === 'active') await deps.credentials.changeStatus(actor, flag.credential_id, 'suspend', reason);
      if (input.action === 'keep' && credential.status === 'suspended') await deps.credentials.changeStatus(actor, flag.credential_id, 'reinstate', reason);
      const action = input.action === 'revoke' ? 'revoked' : input.action === 'suspend' ? 'suspended' : 'kept';
      const now = ctx.now().toISOString();
      await ctx.db.transaction().execute(async (trx) => {
        await trx.updateTable('pathway_flags').set({ status: 'resolved', action, resolution_reason: reason, resolved_by: actorId(actor), resolved_at: now }).where('id', '=', flagId).execute();
        await audit(ctx, trx, actor, { organisationId, action: 'pathway.flag.resolve', targetType: 'pathway-flag', targetId: flagId, details: { action } });
      });
      const [view] = (await flags(actor, organisationId)).filter((f) => f.id === flagId);
      return view!;
    },

    async trustedIssuers(actor: Actor, organisationId: string) {
      await requireAccess(ctx, actor, organisationId, read, 'organisation');
      const rows = await ctx.db.selectFrom('trusted_issuers').selectAll().where('organisation_id', '=', organisationId).orderBy('name').orderBy('id').execute();
      return rows.map((row) => ({ id: row.id, issuerId: row.issuer_id, name: row.name, createdAt: row.created_at }));
    },

    async addTrustedIssuer(actor: Actor, organisationId: string, input: { issuerId: string; name: string }) {
      await requireAccess(ctx, actor, organisationId, design, 'organisation');
      const issuerId = input.issuerId.trim();
      if (!/^(did:[a-z0-9]+:\S+|https?:\/\/\S+)$/.test(issuerId)) throw InvalidInput.field('/issuerId', 'must be a DID or an http(s) URL, as credentials name their issuer');
      const name = input.name.trim();
      if (name === '') throw InvalidInput.field('/name', 'is required');
      const exists = await ctx.db.selectFrom('trusted_issuers').select('id').where('organisation_id', '=', organisationId).where('issuer_id', '=', issuerId).executeTakeFirst();
      if (exists) throw new Conflict('this issuer is trusted already');
      const id = randomUUID();
      const now = ctx.now().toISOString();
      await ctx.db.transaction().execute(async (trx) => {
        await trx.insertInto('trusted_issuers').values({ id, organisation_id: organisationId, issuer_id: issuerId, name, created_at: now }).execute();
        await audit(ctx, trx, actor, { organisationId, action: 'pathway.trusted-issuer.add', targetType: 'trusted-issuer', targetId: id });
      });
      return { id, issuerId, name, createdAt: now };
    },

    async removeTrustedIssuer(actor: Actor, organisationId: string, trustedId: string): Promise<void> {
      await requireAccess(ctx, actor, organisationId, design, 'organisation');
      await ctx.db.transaction().execute(async (trx) => {
        const row = await trx.selectFrom('trusted_issuers').select('id').where('id', '=', trustedId).where('organisation_id', '=', organisationId).executeTakeFirst();
        if (!row) throw new NotFound('trusted issuer');
        await trx.deleteFrom('trusted_issuers').where('id', '=', trustedId).execute();
        await audit(ctx, trx, actor, { organisationId, action: 'pathway.trusted-issuer.remove', targetType: 'trusted-issuer', targetId: trustedId });
      });
    },

    /** Every issuable achievement on the instance (signed-in users). */
    async listCatalogue(actor: Actor, query: { q?: string; limit?: number }): Promise<CatalogueItem[]> {
      if (actor.kind === 'anonymous') throw new Unauthorized();
      return catalogue.list({ ...(query.q !== undefined ? { q: query.q } : {}), limit: query.limit ?? 200 });
    },

    /** Published pathways of every organisation (signed-in users). */
    async listPublished(actor: Actor): Promise<PublishedPathway[]> {
      if (actor.kind === 'anonymous') throw new Unauthorized();
      const rows = await ctx.db.selectFrom('pathways').innerJoin('organisations', 'organisations.id', 'pathways.organisation_id')
        .selectAll('pathways').select('organisations.name as organisation_name').where('pathways.status', '=', 'published')
        .orderBy('pathways.name').orderBy('pathways.id').execute();
      const cache = viewCache();
      return Promise.all(rows.map(async (row) => {
        const view = await core.view(row, cache);
        return {
          id: row.id, organisationId: row.organisation_id, organisationName: row.organisation_name, name: row.name, description: row.description,
          version: row.version, achievementUrl: view.achievementUrl, requirementsCount: view.rules.requirements.length,
        };
      }));
    },

    /** The learner's progress on followed pathways and every published pathway with progress, as last computed. */
    async myProgress(actor: Actor): Promise<PathwayProgressView[]> {
      const userId = learnerOf(actor);
      const load = () => ctx.db.selectFrom('pathway_progress').selectAll().where('user_id', '=', userId)
        .orderBy('progress_permille', 'desc').orderBy('pathway_id').execute();
      let rows = await load();
      // A pathway published or changed since the last computation (the job runs on wallet changes only) is evaluated now.
      const newest = await ctx.db.selectFrom('pathways').select((eb) => eb.fn.max('updated_at').as('at')).where('status', '=', 'published').executeTakeFirst();
      const oldest = rows.reduce<string | undefined>((min, row) => (min === undefined || row.computed_at < min ? row.computed_at : min), undefined);
      if (newest?.at && (oldest === undefined || newest.at > oldest)) {
        await progress.recompute(userId);
        rows = await load();
      }
      return progressViews(userId, rows);
    },

    /** One pathway evaluated now for the learner, with what to take next (the planner, by count). */
    async myPathway(actor: Actor, pathwayId: string): Promise<PathwayProgressView & { plan: Plan }> {
      const userId = learnerOf(actor);
      const row = await publishedRow(pathwayId);
      const pathway = await core.view(row);
      const held = await heldCredentialsOf(ctx.db, userId);
      const asOf = ctx.now().toISOString();
      const evaluation = createEvaluator(held, { asOf }).evaluate(core.compiled(pathway));
      const stored = await ctx.db.selectFrom('pathway_progress').selectAll().where('user_id', '=', userId).where('pathway_id', '=', pathwayId).executeTakeFirst();
      const fresh: Row<'pathway_progress'> = {
        user_id: userId, pathway_id: pathwayId, version: row.version, progress_permille: Math.round(evaluation.progress * 1000), complete: evaluation.complete ? 1 : 0,
        credits_centi: Math.round(evaluation.creditsCounted * 100), evaluation: JSON.stringify(evaluation), following: stored?.following ?? 0, computed_at: asOf,
      };
      const [view] = await progressViews(userId, [fresh]);
      const plan = planAchievements(held, { kind: 'pathway', pathway: pathway.definition }, await catalogue.list(), { asOf });
      return { ...view!, plan };
    },

    async follow(actor: Actor, pathwayId: string, following: boolean): Promise<void> {
      const userId = learnerOf(actor);
      const row = await publishedRow(pathwayId);
      if (following) {
        const pathway = await core.view(row);
        const evaluation = createEvaluator(await heldCredentialsOf(ctx.db, userId), { asOf: ctx.now().toISOString() }).evaluate(core.compiled(pathway));
        const values = {
          version: row.version, progress_permille: Math.round(evaluation.progress * 1000), complete: evaluation.complete ? 1 : 0,
          credits_centi: Math.round(evaluation.creditsCounted * 100), evaluation: JSON.stringify(evaluationSummary(evaluation)), computed_at: ctx.now().toISOString(), following: 1,
        };
        await ctx.db.insertInto('pathway_progress').values({ user_id: userId, pathway_id: pathwayId, ...values })
          .onConflict((oc) => oc.columns(['user_id', 'pathway_id']).doUpdateSet({ following: 1 })).execute();
      } else {
        await ctx.db.updateTable('pathway_progress').set({ following: 0 }).where('user_id', '=', userId).where('pathway_id', '=', pathwayId).execute();
      }
    },

    /** The smallest set of catalogue achievements that would complete a pathway or a programme for the learner. */
    async plan(actor: Actor, input: { target: { pathwayId: string } | { programmeId: string }; objective?: 'count' | 'credits' }): Promise<Plan> {
      const userId = learnerOf(actor);
      const held = await heldCredentialsOf(ctx.db, userId);
      const asOf = ctx.now().toISOString();
      const options = { asOf, ...(input.objective ? { objective: input.objective } : {}) };
      if ('pathwayId' in input.target) {
        const pathway = await core.view(await publishedRow(input.target.pathwayId));
        return planAchievements(held, { kind: 'pathway', pathway: pathway.definition }, await catalogue.list(), options);
      }
      const programmeRow = await ctx.db.selectFrom('recognition_programmes').select(['id', 'definition']).where('id', '=', input.target.programmeId).executeTakeFirst();
      if (!programmeRow) throw new NotFound('programme');
      const agreements = (await ctx.db.selectFrom('recognition_agreements').select('definition').where('programme_id', '=', programmeRow.id).orderBy('id').execute())
        .map((row) => JSON.parse(row.definition) as RecognitionAgreement);
      return planAchievements(held, { kind: 'programme', programme: JSON.parse(programmeRow.definition) as Programme, agreements }, await catalogue.list(), options);
    },

    /** The job's work for one learner (see progress.ts). */
    recompute: progress.recompute,
  };
}

export type PathwayService = ReturnType<typeof createPathwayService>;
