import { randomUUID } from 'node:crypto';
import { comparableForm, isIri, matchingRules, parseStatement, type ParsedStatement, type StatementProblem, type XapiIdentity } from '../../domain/xapi/statements.ts';
import type { JobHandler, JobQueue } from '../../queue/index.ts';
import type { Row } from '../../store/schema.ts';
import { CAN, requireAccess, SYSTEM, type Actor } from '../access.ts';
import { audit } from '../audit.ts';
import type { ServiceContext } from '../context.ts';
import type { CredentialService } from '../credentials/index.ts';
import { Conflict, Forbidden, InvalidInput, NotFound, Unauthorized } from '../errors.ts';
import { sha256Hex } from '../tokens.ts';

export const XAPI_AWARD_JOB_KIND = 'xapi.award';
export const XAPI_PURGE_JOB_KIND = 'xapi.purge';
export interface XapiAwardPayload { awardId: string }

/** Most statements in one POST. */
export const MAX_STATEMENTS_PER_REQUEST = 500;

export interface XapiRuleView {
  id: string;
  achievementId: string;
  verbId: string;
  activityId: string;
  minScaled: number | null;
  createdAt: string;
}

export interface XapiStatementView {
  id: string;
  verbId: string;
  activityId: string | null;
  matchedRuleId: string | null;
  receivedAt: string;
  purgeAfter: string | null;
}

function ruleView(row: Row<'xapi_rules'>): XapiRuleView {
  return { id: row.id, achievementId: row.achievement_id, verbId: row.verb_id, activityId: row.activity_id, minScaled: row.min_scaled, createdAt: row.created_at };
}

function invalid(problems: StatementProblem[]): InvalidInput {
  const first = problems[0]!;
  return new InvalidInput(`${first.pointer.slice(1) || 'body'} ${first.message}`, problems.slice(0, 50), { status: 400 });
}

/**
 * xAPI statements received from a Learning Record Store or a learning app (Basic auth with an
 * organisation API key), and the organisation's rules that turn a statement into a credential.
 * A statement that meets a rule earns the achievement once per learner: the award row is unique per
 * organisation, achievement and learner, and its credential is issued by a job with an idempotency key.
 */
export function createXapiService(ctx: ServiceContext, deps: { credentials: Pick<CredentialService, 'issue'>; achievements: { get(actor: Actor, id: string): Promise<{ organisationId: string }> } }) {
  const origin = new URL(ctx.config.publicUrl).origin;

  /** Whom a credential earned by this actor goes to: an e-mail address or a DID, or nobody this instance can reach. */
  async function recipientOf(actor: XapiIdentity): Promise<string | undefined> {
    if (actor.kind === 'mbox') return `mailto:${actor.email}`;
    if (actor.kind !== 'account') return undefined;
    const name = actor.name.trim();
    if (/^did:[a-z0-9]+:\S+$/.test(name)) return name;
    if (/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(name)) return `mailto:${name.toLowerCase()}`;
    // An account on this instance: its user's address.
    if (actor.homePage.replace(/\/$/, '') === origin || actor.homePage.replace(/\/$/, '') === ctx.config.publicUrl.replace(/\/$/, '')) {
      const user = await ctx.db.selectFrom('users').select('email').where('id', '=', name).executeTakeFirst();
      if (user) return `mailto:${user.email}`;
    }
    return undefined;
  }

  function organisationOf(actor: Actor): string {
    if (actor.kind !== 'api-key') throw new Unauthorized('send an organisation API key with HTTP Basic authentication');
    if (!actor.scopes.includes('issue')) throw new Forbidden('this API key lacks the scope this needs (issue)');
    return actor.organisationId;
  }

  const service = {
    async listRules(actor: Actor, organisationId: string): Promise<XapiRuleView[]> {
      await requireAccess(ctx, actor, organisationId, { roles: CAN.read, scope: 'read' }, 'organisation');
      const rows = await ctx.db.selectFrom('xapi_rules').selectAll().where('organisation_id', '=', organisationId).orderBy('created_at').execute();
      return rows.map(ruleView);
    },

    async createRule(actor: Actor, organisationId: string, input: { achievementId: string; verbId: string; activityId: string; minScaled?: number | null }): Promise<XapiRuleView> {
      await requireAccess(ctx, actor, organisationId, { roles: CAN.manageAchievements }, 'organisation');
      const problems: StatementProblem[] = [];
      if (!isIri(input.verbId)) problems.push({ pointer: '/verbId', message: 'must be the verb\'s IRI, e.g. http://adlnet.gov/expapi/verbs/completed' });
      if (!isIri(input.activityId)) problems.push({ pointer: '/activityId', message: 'must be the activity\'s IRI' });
      const minScaled = input.minScaled ?? null;
      if (minScaled !== null && !(minScaled >= -1 && minScaled <= 1)) problems.push({ pointer: '/minScaled', message: 'must be between -1 and 1 (xAPI result.score.scaled)' });
      if (problems.length > 0) throw new InvalidInput(`${problems[0]!.pointer.slice(1)} ${problems[0]!.message}`, problems);
      let achievement: { organisationId: string } | undefined;
      try {
        achievement = await deps.achievements.get(actor, input.achievementId);
      } catch (error) {
        if (!(error instanceof NotFound)) throw error;
      }
      if (achievement?.organisationId !== organisationId) throw InvalidInput.field('/achievementId', 'is not an achievement of this organisation');
      const row: Row<'xapi_rules'> = {
        id: randomUUID(), organisation_id: organisationId, achievement_id: input.achievementId, verb_id: input.verbId, activity_id: input.activityId,
        min_scaled: minScaled, created_by: actor.kind === 'user' ? actor.userId : null, created_at: ctx.now().toISOString(),
      };
      await ctx.db.transaction().execute(async (trx) => {
        await trx.insertInto('xapi_rules').values(row).execute();
        await audit(ctx, trx, actor, { organisationId, action: 'xapi.rule.create', targetType: 'xapi-rule', targetId: row.id, details: { achievementId: row.achievement_id } });
      });
      return ruleView(row);
    },

    async deleteRule(actor: Actor, organisationId: string, ruleId: string): Promise<void> {
      await requireAccess(ctx, actor, organisationId, { roles: CAN.manageAchievements }, 'organisation');
      await ctx.db.transaction().execute(async (trx) => {
        const deleted = await trx.deleteFrom('xapi_rules').where('id', '=', ruleId).where('organisation_id', '=', organisationId).executeTakeFirst();
        if (Number(deleted.numDeletedRows) !== 1) throw new NotFound('xAPI rule');
        await audit(ctx, trx, actor, { organisationId, action: 'xapi.rule.delete', targetType: 'xapi-rule', targetId: ruleId });
      });
    },

    /** Statements received lately, newest first (unmatched ones only within the audit window). */
    async listStatements(actor: Actor, organisationId: string, page: { limit?: number } = {}): Promise<XapiStatementView[]> {
      await requireAccess(ctx, actor, organisationId, { roles: CAN.read, scope: 'read' }, 'organisation');
      const rows = await ctx.db.selectFrom('xapi_statements').select(['id', 'verb_id', 'activity_id', 'rule_id', 'received_at', 'purge_after'])
        .where('organisation_id', '=', organisationId).orderBy('received_at', 'desc').orderBy('id').limit(Math.min(page.limit ?? 50, 200)).execute();
      return rows.map((row) => ({ id: row.id, verbId: row.verb_id, activityId: row.activity_id, matchedRuleId: row.rule_id, receivedAt: row.received_at, purgeAfter: row.purge_after }));
    },

    /**
     * Receives statements (xAPI 1.0.3 Communication §2.1): POST one or an array, PUT one with its id.
     * All or nothing: a bad statement refuses the request (400), an id re-used for a different
     * statement is a conflict (409); the same statement sent again changes nothing. Answers the ids.
     */
    async receive(actor: Actor, body: unknown, options: { statementId?: string } = {}): Promise<string[]> {
      const organisationId = organisationOf(actor);
      const put = options.statementId !== undefined;
      if (put && !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(options.statementId!)) {
        throw new InvalidInput('statementId must be a UUID', [{ pointer: '/statementId', message: 'must be a UUID' }], { status: 400 });
      }
      const list = Array.isArray(body) && !put ? body : [body];
      if (list.length === 0) throw new InvalidInput('send at least one statement', [{ pointer: '/', message: 'is an empty array' }], { status: 400 });
      if (list.length > MAX_STATEMENTS_PER_REQUEST) throw new InvalidInput(`send at most ${MAX_STATEMENTS_PER_REQUEST} statements at once`, [{ pointer: '/', message: 'has too many statements' }], { status: 400 });
      const parsed: ParsedStatement[] = [];
      const problems: StatementProblem[] = [];
      list.forEach((item, i) => {
        const result = parseStatement(item, Array.isArray(body) ? `/${i}` : '');
        if (result.ok) parsed.push(result.statement);
        else problems.push(...result.problems);
      });
      if (problems.length > 0) throw invalid(problems);
      if (put) {
        const given = parsed[0]!.id;
        if (given !== undefined && given !== options.statementId!.toLowerCase()) throw invalid([{ pointer: '/id', message: 'differs from the statementId parameter' }]);
        parsed[0]!.id = options.statementId!.toLowerCase();
      }
      const ids = parsed.map((statement) => statement.id ?? randomUUID());
      if (new Set(ids).size !== ids.length) throw invalid([{ pointer: '/', message: 'carries the same statement id twice' }]);
      const rules = (await ctx.db.selectFrom('xapi_rules').selectAll().where('organisation_id', '=', organisationId).execute())
        .map((row) => ({ id: row.id, achievementId: row.achievement_id, verbId: row.verb_id, activityId: row.activity_id, minScaled: row.min_scaled }));
      const recipients = await Promise.all(parsed.map((statement) => recipientOf(statement.actor)));
      const now = ctx.now();
      const purgeAfter = new Date(now.getTime() + ctx.config.xapiAuditHours * 3_600_000).toISOString();
      await ctx.db.transaction().execute(async (trx) => {
        for (const [i, statement] of parsed.entries()) {
          const id = ids[i]!;
          const stored = { ...statement.raw, id, stored: now.toISOString() };
          const hash = sha256Hex(comparableForm(statement.raw));
          const matches = recipients[i] !== undefined ? matchingRules(statement, rules) : [];
          const inserted = await trx.insertInto('xapi_statements').values({
            organisation_id: organisationId, id, hash, statement: JSON.stringify(stored), verb_id: statement.verbId, activity_id: statement.activityId ?? null,
            rule_id: matches[0]?.id ?? null, received_at: now.toISOString(), purge_after: matches.length > 0 ? null : purgeAfter,
          }).onConflict((oc) => oc.columns(['organisation_id', 'id']).doNothing()).executeTakeFirst();
          if (Number(inserted.numInsertedOrUpdatedRows ?? 0n) === 0) {
            const existing = await trx.selectFrom('xapi_statements').select('hash').where('organisation_id', '=', organisationId).where('id', '=', id).executeTakeFirstOrThrow();
            if (existing.hash !== hash) throw new Conflict(`statement ${id} was received before with different content`, [{ pointer: Array.isArray(body) ? `/${i}/id` : '/id', message: 'is the id of another statement' }]);
            continue; // the same statement again: nothing to do
          }
          for (const rule of matches) {
            const awardId = randomUUID();
            const award = await trx.insertInto('xapi_awards').values({
              id: awardId, organisation_id: organisationId, achievement_id: rule.achievementId, recipient: recipients[i]!, rule_id: rule.id, statement_id: id,
              credential_id: null, created_at: now.toISOString(),
            }).onConflict((oc) => oc.columns(['organisation_id', 'achievement_id', 'recipient']).doNothing()).executeTakeFirst();
            if (Number(award.numInsertedOrUpdatedRows ?? 0n) === 1) await ctx.queue.enqueue(XAPI_AWARD_JOB_KIND, { awardId } satisfies XapiAwardPayload, { trx });
          }
        }
      });
      return ids;
    },

    /** Issues an award's credential (idempotent: the award is the key), and records it on the award. */
    async issueAward(awardId: string): Promise<string | undefined> {
      const award = await ctx.db.selectFrom('xapi_awards').innerJoin('xapi_statements', (join) => join
        .onRef('xapi_statements.id', '=', 'xapi_awards.statement_id').onRef('xapi_statements.organisation_id', '=', 'xapi_awards.organisation_id'))
        .selectAll('xapi_awards').select(['xapi_statements.verb_id', 'xapi_statements.activity_id'])
        .where('xapi_awards.id', '=', awardId).executeTakeFirst();
      if (!award) return undefined;
      if (award.credential_id !== null) return award.credential_id;
      const recipient = award.recipient.startsWith('mailto:') ? { email: award.recipient.slice(7) } : { did: award.recipient };
      const issued = await deps.credentials.issue(SYSTEM, award.organisation_id, {
        achievementId: award.achievement_id, recipient,
        evidence: [{ name: 'xAPI statement', narrative: `Earned by xAPI statement ${award.statement_id}: ${award.verb_id} ${award.activity_id ?? ''}`.trim().slice(0, 2000) }],
      }, { idempotencyKey: `xapi-award-${award.id}` });
      await ctx.db.updateTable('xapi_awards').set({ credential_id: issued.id }).where('id', '=', award.id).execute();
      return issued.id;
    },

    /** Deletes the statements whose audit window is over (those that earned nothing). */
    async purge(): Promise<number> {
      const result = await ctx.db.deleteFrom('xapi_statements').where('purge_after', 'is not', null).where('purge_after', '<', ctx.now().toISOString()).executeTakeFirst();
      return Number(result.numDeletedRows);
    },
  };
  return service;
}

export type XapiService = ReturnType<typeof createXapiService>;

export function xapiAwardJob(xapi: Pick<XapiService, 'issueAward'>): JobHandler<XapiAwardPayload> {
  return { maxAttempts: 8, run: async (job) => { await xapi.issueAward(job.payload.awardId); } };
}

/** The purge of expired statements, every hour: a chain of jobs, one queued at a time across nodes. */
export function xapiPurgeJob(deps: { xapi: Pick<XapiService, 'purge'>; queue: Pick<JobQueue, 'enqueue' | 'hasQueued'>; now: () => Date }, intervalMs = 3_600_000): JobHandler<Record<string, never>> {
  return {
    maxAttempts: 3,
    async run() {
      await deps.xapi.purge();
      await scheduleXapiPurge(deps, intervalMs);
    },
  };
}

/** Queues the next purge unless one is queued; called where the job runner starts (first run a minute out). */
export async function scheduleXapiPurge(deps: { queue: Pick<JobQueue, 'enqueue' | 'hasQueued'>; now: () => Date }, delayMs = 60_000): Promise<boolean> {
  if (await deps.queue.hasQueued(XAPI_PURGE_JOB_KIND)) return false;
  await deps.queue.enqueue(XAPI_PURGE_JOB_KIND, {}, { runAt: new Date(deps.now().getTime() + delayMs) });
  return true;
}
