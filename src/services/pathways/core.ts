import { compilePathway } from '../../domain/stacking/index.ts';
import type { CompiledPathway, Pathway, PathwayEvaluation } from '../../domain/stacking/index.ts';
import type { Row } from '../../store/schema.ts';
import type { PathwayStatus, RevocationPolicy } from '../../store/schema-pathways.ts';
import { achievementUrl } from '../achievements/definition.ts';
import type { ServiceContext } from '../context.ts';
import { NotFound } from '../errors.ts';
import { enginePathway, type PathwayRules } from './definition.ts';

export interface PathwayView {
  id: string;
  organisationId: string;
  name: string;
  description: string | null;
  status: PathwayStatus;
  version: number;
  achievementId: string;
  achievementUrl: string;
  /** The issuer (local id) of the target achievement: who signs the stacked credential. */
  issuerId: string | null;
  autoIssue: boolean;
  revocationPolicy: RevocationPolicy;
  useTrustList: boolean;
  rules: PathwayRules;
  /** The engine's pathway as evaluated (trusted issuers of the organisation merged in when asked). */
  definition: Pathway;
  createdAt: string;
  updatedAt: string;
}

/** Reads shared by the views of many pathways in one call. */
export interface ViewCache {
  trust: Map<string, string[]>;
  targets: Map<string, { target: Pathway['target']; issuerId: string | null }>;
}

export function viewCache(): ViewCache {
  return { trust: new Map(), targets: new Map() };
}

/**
 * What is stored and listed of an evaluation: the figures and each requirement's state, without the
 * credential keys and reasons (a requirement that shares may count hundreds of credentials). The
 * learner's page of one pathway evaluates afresh and shows everything.
 */
export function evaluationSummary(evaluation: PathwayEvaluation): PathwayEvaluation {
  return {
    ...evaluation,
    requirements: evaluation.requirements.map((requirement) => ({ ...requirement, assigned: requirement.assigned.slice(0, 10), reasons: requirement.reasons.slice(0, 3) })),
    unusable: evaluation.unusable.slice(0, 5).map((entry) => ({ ...entry, reasons: entry.reasons.slice(0, 1) })),
  };
}

export interface PathwayProgressView {
  pathwayId: string;
  pathwayName: string;
  organisationId: string;
  organisationName: string;
  version: number;
  progress: number;
  complete: boolean;
  creditsCounted: number;
  evaluation: PathwayEvaluation;
  awardedCredentialId: string | null;
  awardedWalletItemId: string | null;
  computedAt: string;
  following: boolean;
}

/**
 * What the pathway services share: reading rows into views and into the engine's compiled pathways.
 * Compiled pathways are cached by id, version and trust list, so evaluating every published pathway
 * for a learner compiles each once per process.
 */
export function createPathwayCore(ctx: ServiceContext) {
  const compiled = new Map<string, CompiledPathway>();

  /** Trusted issuers of an organisation: its list plus the DIDs of its own issuers. */
  async function trustList(organisationId: string): Promise<string[]> {
    const [listed, own] = await Promise.all([
      ctx.db.selectFrom('trusted_issuers').select('issuer_id').where('organisation_id', '=', organisationId).execute(),
      ctx.db.selectFrom('issuers').select('did').where('organisation_id', '=', organisationId).execute(),
    ]);
    return [...new Set([...listed.map((row) => row.issuer_id), ...own.map((row) => row.did)])].sort();
  }

  async function targetOf(achievementId: string): Promise<{ target: Pathway['target']; issuerId: string | null }> {
    const row = await ctx.db.selectFrom('achievements').leftJoin('issuers', 'issuers.id', 'achievements.issuer_id')
      .select(['achievements.issuer_id', 'issuers.did']).where('achievements.id', '=', achievementId).executeTakeFirst();
    const url = achievementUrl(ctx.config.publicUrl, achievementId);
    return { target: { achievementId: url, ...(row?.did ? { issuerId: row.did } : {}) }, issuerId: row?.issuer_id ?? null };
  }

  /**
   * The view of a pathway row. `cache` (trust lists by organisation, targets by achievement) spares
   * repeated reads when many pathways are viewed at once.
   */
  async function view(row: Row<'pathways'>, cache?: ViewCache): Promise<PathwayView> {
    const trust = cache?.trust;
    const rules = JSON.parse(row.rules) as PathwayRules;
    let trusted: string[] | undefined;
    if (row.use_trust_list === 1) {
      trusted = trust?.get(row.organisation_id);
      if (!trusted) {
        trusted = await trustList(row.organisation_id);
        trust?.set(row.organisation_id, trusted);
      }
    }
    let found = cache?.targets.get(row.achievement_id);
    if (!found) {
      found = await targetOf(row.achievement_id);
      cache?.targets.set(row.achievement_id, found);
    }
    const { target, issuerId } = found;
    return {
      id: row.id, organisationId: row.organisation_id, name: row.name, description: row.description, status: row.status,
      version: row.version, achievementId: row.achievement_id, achievementUrl: target!.achievementId, issuerId,
      autoIssue: row.auto_issue === 1, revocationPolicy: row.revocation_policy, useTrustList: row.use_trust_list === 1, rules,
      definition: enginePathway({ url: pathwayUrl(row.id), version: row.version, name: row.name, target, rules, ...(trusted ? { trusted } : {}) }),
      createdAt: row.created_at, updatedAt: row.updated_at,
    };
  }

  function pathwayUrl(id: string): string {
    return `${ctx.config.publicUrl}/pathways/${id}`;
  }

  return {
    trustList,
    targetOf,
    view,
    pathwayUrl,

    /** The compiled form of a view's definition, cached. */
    compiled(pathway: PathwayView): CompiledPathway {
      const key = `${pathway.id}@${pathway.version}@${(pathway.definition.trustedIssuers ?? []).join(' ')}`;
      let found = compiled.get(key);
      if (!found) {
        if (compiled.size > 20_000) compiled.clear();
        found = compilePathway(pathway.definition);
        compiled.set(key, found);
      }
      return found;
    },

    async row(id: string, organisationId?: string): Promise<Row<'pathways'>> {
      let query = ctx.db.selectFrom('pathways').selectAll().where('id', '=', id);
      if (organisationId !== undefined) query = query.where('organisation_id', '=', organisationId);
      const row = await query.executeTakeFirst();
      if (!row) throw new NotFound('pathway');
      return row;
    },

    async published(): Promise<Row<'pathways'>[]> {
      return ctx.db.selectFrom('pathways').selectAll().where('status', '=', 'published').orderBy('id').execute();
    },
  };
}

export type PathwayCore = ReturnType<typeof createPathwayCore>;
