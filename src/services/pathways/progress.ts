import { randomUUID } from 'node:crypto';
import { createEvaluator } from '../../domain/stacking/index.ts';
import type { PathwayEvaluation } from '../../domain/stacking/index.ts';
import type { Row } from '../../store/schema.ts';
import { SYSTEM } from '../access.ts';
import { audit } from '../audit.ts';
import { emitEvents } from '../webhooks/events.ts';
import type { ServiceContext } from '../context.ts';
import { digestSri, type CredentialService } from '../credentials/index.ts';
import { NotFound } from '../errors.ts';
import { heldCredentialsOf } from '../wallet/held.ts';
import type { WalletService } from '../wallet/index.ts';
import { evaluationSummary, viewCache, type PathwayCore, type PathwayView } from './core.ts';

/** A credential an award was built from. */
export interface Constituent {
  walletItemId: string;
  /** The credential's own id (URL or URN), when it has one. */
  credentialKey: string | null;
  achievementName: string;
  /** Labels (or ids) of the requirements it counted toward. */
  requirements: string[];
}

const MAX_EVIDENCE = 20;
const URI = /^[a-z][a-z0-9+.-]*:/i;

/**
 * Recomputing a learner's progress on every published pathway (the `pathway.progress` job), issuing
 * the stacked credential of a completed pathway, and flagging awards whose constituents were revoked.
 */
export function createProgress(ctx: ServiceContext, core: PathwayCore, deps: { credentials: CredentialService; wallet: WalletService }) {
  function constituentsOf(evaluation: PathwayEvaluation, names: Map<string, { key: string | null; name: string }>): Constituent[] {
    const byKey = new Map<string, Constituent>();
    for (const requirement of evaluation.requirements) {
      for (const key of requirement.assigned) {
        const known = names.get(key);
        const entry = byKey.get(key) ?? { walletItemId: key, credentialKey: known?.key ?? null, achievementName: known?.name ?? key, requirements: [] };
        entry.requirements.push(requirement.label ?? requirement.id);
        byKey.set(key, entry);
      }
    }
    return [...byKey.values()].sort((a, b) => a.walletItemId.localeCompare(b.walletItemId));
  }

  /**
   * Issues the pathway's target to the learner, once (idempotency key per pathway and learner): evidence
   * names each constituent and the requirements it met; relatedResource carries the digest of each
   * constituent's exact text. The credential goes into the learner's wallet when their address is confirmed.
   */
  async function award(pathway: PathwayView, userId: string, evaluation: PathwayEvaluation): Promise<void> {
    const user = await ctx.db.selectFrom('users').select(['email', 'name']).where('id', '=', userId).executeTakeFirst();
    if (!user) return;
    const keys = [...new Set(evaluation.requirements.flatMap((requirement) => requirement.assigned))];
    const items = keys.length === 0 ? [] : await ctx.db.selectFrom('wallet_credentials').select(['id', 'credential_key', 'name', 'original', 'original_type'])
      .where('user_id', '=', userId).where('id', 'in', keys).execute();
    const constituents = constituentsOf(evaluation, new Map(items.map((item) => [item.id, { key: item.credential_key, name: item.name }])));
    const evidence = constituents.slice(0, MAX_EVIDENCE).map((c) => ({
      ...(c.credentialKey && URI.test(c.credentialKey) && c.credentialKey.length <= 2000 ? { id: c.credentialKey } : {}),
      name: c.achievementName.slice(0, 200),
      narrative: `Counted toward ${c.requirements.join(', ')} of the pathway ${pathway.name} (version ${pathway.version}).`.slice(0, 2000),
    }));
    const related = items
      .filter((item) => item.credential_key && /^https?:\/\//.test(item.credential_key) && item.original_type === 'application/json')
      .map((item) => ({ id: item.credential_key!, digestSRI: digestSri(item.original), mediaType: 'application/vc+ld+json' }));
    const issued = await deps.credentials.issue(SYSTEM, pathway.organisationId, {
      achievementId: pathway.achievementId,
      recipient: { email: user.email, ...(user.name ? { name: user.name } : {}) },
      ...(evaluation.creditsCounted > 0 ? { result: { creditsEarned: evaluation.creditsCounted } } : {}),
      evidence,
      // A pathway that suspends its awards when a constituent is revoked issues them suspendable.
    }, { idempotencyKey: `pathway-${pathway.id}-${userId}`, related, ...(pathway.revocationPolicy === 'suspend' ? { suspension: true } : {}) });
    const now = ctx.now().toISOString();
    const id = randomUUID();
    await ctx.db.transaction().execute(async (trx) => {
      const inserted = await trx.insertInto('pathway_awards').values({
        id, pathway_id: pathway.id, user_id: userId, credential_id: issued.id, pathway_version: pathway.version, constituents: JSON.stringify(constituents), created_at: now,
      }).onConflict((oc) => oc.columns(['pathway_id', 'user_id']).doNothing()).executeTakeFirst();
      if (Number(inserted.numInsertedOrUpdatedRows ?? 0n) > 0) {
        await emitEvents(ctx, trx, pathway.organisationId, [{
          type: 'pathway.completed', data: { pathwayId: pathway.id, pathwayVersion: pathway.version, userId, credential: { id: issued.id, credentialId: issued.credentialId } },
        }]);
        await audit(ctx, trx, SYSTEM, { organisationId: pathway.organisationId, action: 'pathway.award', targetType: 'pathway', targetId: pathway.id, details: { credentialId: issued.id, version: pathway.version } });
      }
    });
    ctx.metrics.increment('microcred_pathway_awards_total', {});
    try {
      await deps.wallet.acceptOffer({ kind: 'user', userId }, issued.id);
    } catch (error) {
      if (!(error instanceof NotFound)) throw error; // the address is not confirmed yet: it waits as an offer
    }
  }

  /**
   * A constituent of an award that is now revoked is flagged to the pathway's organisation, once.
   * Policy "suspend" suspends the stacked credential at once (the issuer then revokes it or keeps it);
   * policy "review" leaves it as it is until the issuer decides.
   */
  async function checkAward(awardRow: Row<'pathway_awards'>, pathway: PathwayView, statuses: Map<string, string>): Promise<number> {
    const constituents = JSON.parse(awardRow.constituents) as Constituent[];
    let flagged = 0;
    for (const constituent of constituents) {
      if (statuses.get(constituent.walletItemId) !== 'revoked') continue;
      const id = randomUUID();
      const now = ctx.now().toISOString();
      const inserted = await ctx.db.insertInto('pathway_flags').values({
        id, organisation_id: pathway.organisationId, pathway_id: pathway.id, award_id: awardRow.id, constituent_key: constituent.walletItemId,
        constituent_name: constituent.achievementName.slice(0, 200), reason: `${constituent.achievementName} was revoked by its issuer.`.slice(0, 500),
        status: 'open', action: null, resolution_reason: null, resolved_by: null, created_at: now, resolved_at: null,
      }).onConflict((oc) => oc.columns(['award_id', 'constituent_key']).doNothing()).executeTakeFirst();
      if (Number(inserted.numInsertedOrUpdatedRows ?? 0n) === 0) continue;
      flagged++;
      await audit(ctx, ctx.db, SYSTEM, { organisationId: pathway.organisationId, action: 'pathway.flag', targetType: 'pathway-flag', targetId: id, details: { awardCredentialId: awardRow.credential_id, policy: pathway.revocationPolicy } });
      if (pathway.revocationPolicy === 'suspend') {
        const credential = await ctx.db.selectFrom('credentials').select(['status', 'suspension_list_id']).where('id', '=', awardRow.credential_id).executeTakeFirst();
        // An award issued before the policy was 'suspend' has no suspension entry: the flag stays open for the issuer.
        if (credential?.status === 'active' && credential.suspension_list_id !== null) {
          await deps.credentials.changeStatus(SYSTEM, awardRow.credential_id, 'suspend', `A credential it was built from (${constituent.achievementName}) was revoked.`.slice(0, 500));
          await ctx.db.updateTable('pathway_flags').set({ action: 'suspended' }).where('id', '=', id).execute();
        }
      }
    }
    return flagged;
  }

  return {
    constituentsOf,

    /**
     * Evaluates every published pathway for the learner on today's date, stores the progress of those
     * with any progress (or followed, or awarded), issues completed pathways that issue automatically,
     * and flags awards whose constituents were revoked. Returns the number of pathways evaluated.
     */
    async recompute(userId: string): Promise<{ evaluated: number; awarded: number; flagged: number }> {
      const user = await ctx.db.selectFrom('users').select('id').where('id', '=', userId).executeTakeFirst();
      if (!user) return { evaluated: 0, awarded: 0, flagged: 0 };
      const [held, rows, previous, awards, statusRows] = await Promise.all([
        heldCredentialsOf(ctx.db, userId),
        core.published(),
        ctx.db.selectFrom('pathway_progress').select(['pathway_id', 'following']).where('user_id', '=', userId).execute(),
        ctx.db.selectFrom('pathway_awards').selectAll().where('user_id', '=', userId).execute(),
        ctx.db.selectFrom('wallet_credentials').select(['id', 'status']).where('user_id', '=', userId).execute(),
      ]);
      const now = ctx.now().toISOString();
      const evaluator = createEvaluator(held, { asOf: now });
      const following = new Map(previous.map((row) => [row.pathway_id, row.following === 1]));
      const awarded = new Map(awards.map((row) => [row.pathway_id, row]));
      const cache = viewCache();
      const toAward: { pathway: PathwayView; evaluation: PathwayEvaluation }[] = [];
      const upserts: Row<'pathway_progress'>[] = [];
      const stale: string[] = [];
      const views = new Map<string, PathwayView>();
      for (const row of rows) {
        const pathway = await core.view(row, cache);
        views.set(pathway.id, pathway);
        let evaluation: PathwayEvaluation;
        try {
          evaluation = evaluator.evaluate(core.compiled(pathway));
        } catch (error) {
          // Rules are checked when saved; one that no longer compiles (an older engine's) must not stop the others.
          ctx.log.warn({ pathwayId: row.id, err: error instanceof Error ? error.message : String(error) }, 'pathway could not be evaluated');
          continue;
        }
        const keep = evaluation.progress > 0 || following.get(row.id) === true || awarded.has(row.id);
        if (keep) {
          upserts.push({
            user_id: userId, pathway_id: row.id, following: following.get(row.id) ? 1 : 0, version: row.version,
            progress_permille: Math.round(evaluation.progress * 1000), complete: evaluation.complete ? 1 : 0,
            credits_centi: Math.round(evaluation.creditsCounted * 100), evaluation: JSON.stringify(evaluationSummary(evaluation)), computed_at: now,
          });
        } else if (following.has(row.id)) {
          stale.push(row.id);
        }
        if (evaluation.complete && pathway.autoIssue && !awarded.has(row.id)) toAward.push({ pathway, evaluation });
      }
      // One transaction for every row: on SQLite, one commit instead of one per pathway.
      await ctx.db.transaction().execute(async (trx) => {
        for (const values of upserts) {
          const { user_id: _user, pathway_id: _pathway, following: _following, ...changes } = values;
          await trx.insertInto('pathway_progress').values(values).onConflict((oc) => oc.columns(['user_id', 'pathway_id']).doUpdateSet(changes)).execute();
        }
        if (stale.length > 0) await trx.deleteFrom('pathway_progress').where('user_id', '=', userId).where('pathway_id', 'in', stale).execute();
      });
      let issued = 0;
      for (const { pathway, evaluation } of toAward) {
        try {
          await award(pathway, userId, evaluation);
          issued++;
        } catch (error) {
          // The progress is kept; the next change (or run) tries again. The reason is for the operator.
          ctx.log.warn({ pathwayId: pathway.id, err: error instanceof Error ? error.message : String(error) }, 'could not issue a completed pathway');
        }
      }
      const statuses = new Map(statusRows.map((row) => [row.id, row.status]));
      let flagged = 0;
      for (const awardRow of awards) {
        const pathway = views.get(awardRow.pathway_id) ?? await core.view(await core.row(awardRow.pathway_id), cache);
        flagged += await checkAward(awardRow, pathway, statuses);
      }
      return { evaluated: rows.length, awarded: issued, flagged };
    },
  };
}

export type Progress = ReturnType<typeof createProgress>;
