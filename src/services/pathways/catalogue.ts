import type { CatalogueEntry } from '../../domain/planner/index.ts';
import { heldCredentialFromDocument } from '../../domain/stacking/index.ts';
import type { HeldAlignment, HeldCredential } from '../../domain/stacking/index.ts';
import type { AchievementService } from '../achievements/index.ts';
import type { ServiceContext } from '../context.ts';
import type { IssuerService } from '../issuers.ts';

/** An achievement someone can earn on this instance, as the planner and the pathway designer see it. */
export interface CatalogueItem extends CatalogueEntry {
  /** The local id (achievements.id); `achievementId` is its public OB 3.0 id. */
  localId: string;
  organisationId: string;
  organisationName: string;
  alignments: HeldAlignment[];
}

/**
 * The catalogue: every achievement of every organisation on the instance that is not archived, read
 * through the same reader as held credentials (heldCredentialFromDocument), so that the planner and
 * the designer's sample learner reason about exactly the facts a credential of it would carry.
 * Entries are cached by (achievement, version); a new version or an archive shows at the next call.
 */
export function createCatalogue(ctx: ServiceContext, deps: { achievements: AchievementService; issuers: IssuerService }) {
  const cache = new Map<string, CatalogueItem | null>();
  /** The facts a fresh credential of each entry would carry, by achievement URL: the designer's sample learner. */
  const held = new Map<string, HeldCredential>();

  async function entry(row: { id: string; current_version: number; issuer_id: string; organisation_id: string; organisation_name: string }): Promise<CatalogueItem | undefined> {
    const cacheKey = `${row.id}@${row.current_version}`;
    const cached = cache.get(cacheKey);
    if (cached !== undefined) return cached ?? undefined;
    const { definition } = await deps.achievements.getVersion(row.id, row.current_version);
    const achievement = deps.achievements.toOb3Achievement(row.id, row.current_version, definition);
    const issuer = await deps.issuers.findRow(row.issuer_id);
    const read = issuer && heldCredentialFromDocument({
      id: `urn:catalogue:${row.id}`, issuer: deps.issuers.profile(issuer), validFrom: ctx.now().toISOString(),
      credentialSubject: { type: ['AchievementSubject'], achievement },
    }, { verified: true });
    let item: CatalogueItem | null = null;
    if (read && read.ok) {
      const c = read.credential;
      held.set(c.achievementId, c);
      item = {
        localId: row.id, organisationId: row.organisation_id, organisationName: row.organisation_name,
        achievementId: c.achievementId, achievementName: c.achievementName, issuerId: c.issuerId,
        ...(c.issuerName !== undefined ? { issuerName: c.issuerName } : {}),
        ...(c.achievementType !== undefined ? { achievementType: c.achievementType } : {}),
        ...(c.creditsEcts !== undefined ? { creditsEcts: c.creditsEcts } : {}),
        ...(c.eqfLevel !== undefined ? { eqfLevel: c.eqfLevel } : {}),
        alignments: c.alignments,
        ...(c.fieldOfStudy !== undefined ? { fieldOfStudy: c.fieldOfStudy } : {}),
        ...(c.assessmentTypes !== undefined ? { assessmentTypes: c.assessmentTypes } : {}),
        ...(c.qualityAssurance !== undefined ? { qualityAssurance: c.qualityAssurance } : {}),
        ...(c.qualityAssured !== undefined ? { qualityAssured: c.qualityAssured } : {}),
        ...(c.identityVerifiedAssessment !== undefined ? { identityVerifiedAssessment: c.identityVerifiedAssessment } : {}),
      };
    }
    if (cache.size > 50_000) cache.clear();
    cache.set(cacheKey, item);
    return item ?? undefined;
  }

  /** Every issuable achievement, by organisation then name; `q` matches name, issuer or organisation. */
  async function list(options: { q?: string; limit?: number; organisationId?: string } = {}): Promise<CatalogueItem[]> {
    let query = ctx.db.selectFrom('achievements').innerJoin('organisations', 'organisations.id', 'achievements.organisation_id')
      .select(['achievements.id', 'achievements.current_version', 'achievements.issuer_id', 'achievements.organisation_id', 'organisations.name as organisation_name'])
      .where('achievements.archived_at', 'is', null);
    if (options.organisationId !== undefined) query = query.where('achievements.organisation_id', '=', options.organisationId);
    const rows = await query.orderBy('achievements.created_at').orderBy('achievements.id').execute();
    const items: CatalogueItem[] = [];
    for (const row of rows) {
      const item = await entry(row);
      if (item) items.push(item);
    }
    const words = (options.q ?? '').toLowerCase().split(/\s+/).filter(Boolean);
    const found = words.length === 0 ? items : items.filter((item) => {
      const text = `${item.achievementName} ${item.issuerName ?? ''} ${item.organisationName} ${item.fieldOfStudy ?? ''}`.toLowerCase();
      return words.every((word) => text.includes(word));
    });
    found.sort((a, b) => a.organisationName.localeCompare(b.organisationName) || a.achievementName.localeCompare(b.achievementName) || a.localId.localeCompare(b.localId));
    return options.limit !== undefined ? found.slice(0, options.limit) : found;
  }

  return {
    list,

    /**
     * Credentials a sample learner would hold: one fresh, verified credential of each catalogue
     * achievement named (by its public id), issued on `asOf`. Unknown ids are left out.
     */
    async sample(achievementUrls: string[], asOf: string): Promise<HeldCredential[]> {
      await list();
      return achievementUrls.flatMap((url, i) => {
        const facts = held.get(url);
        return facts ? [{ ...facts, key: `sample-${i + 1}`, issuedOn: asOf }] : [];
      });
    },
  };
}

export type Catalogue = ReturnType<typeof createCatalogue>;
