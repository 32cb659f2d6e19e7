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

  async function view(row: Row<'pathways'>, trust?: Map<string, string[]>): Promise<PathwayView> {
    const rules = JSON.parse(row.rules) as PathwayRules;
    let trusted: string[] | undefined;
    if (row.use_trust_list === 1) {
      trusted = trust?.get(row.organisation_id);
      if (!trusted) {
        trusted = await trustList(row.organisation_id);
        trust?.set(row.organisation_id, trusted);
      }
    }
    const { target, issuerId } = await targetOf(row.achievement_id);
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
