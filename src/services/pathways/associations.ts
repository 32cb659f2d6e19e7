import type { Kysely } from 'kysely';
import type { DB } from '../../store/schema.ts';
import type { ClrAssociation } from '../../vc/clr.ts';
import { asArray, isObject } from '../../vc/json.ts';
import type { Constituent } from './progress.ts';

function achievementIdOf(documentText: string | null): string | undefined {
  if (documentText === null) return undefined;
  try {
    const document = JSON.parse(documentText) as unknown;
    if (!isObject(document)) return undefined;
    const subject = asArray(document.credentialSubject).find(isObject);
    const achievement = subject && isObject(subject.achievement) ? subject.achievement : undefined;
    return typeof achievement?.id === 'string' ? achievement.id : undefined;
  } catch {
    return undefined;
  }
}

/**
 * CLR 2.0 associations for the stacked credentials among `credentialIds` (credentials.id): each
 * constituent's achievement `isPartOf` the pathway's target achievement, kept when both achievements
 * are in the record (`recordAchievements`), so every association points inside the CLR.
 */
export async function isPartOfAssociations(db: Kysely<DB>, credentialIds: readonly string[], recordAchievements: ReadonlySet<string>): Promise<ClrAssociation[]> {
  if (credentialIds.length === 0) return [];
  const awards = await db.selectFrom('pathway_awards').innerJoin('credentials', 'credentials.id', 'pathway_awards.credential_id')
    .select(['pathway_awards.user_id', 'pathway_awards.constituents', 'credentials.document']).where('pathway_awards.credential_id', 'in', [...credentialIds]).execute();
  const seen = new Set<string>();
  const associations: ClrAssociation[] = [];
  for (const award of awards) {
    const targetId = achievementIdOf(award.document);
    if (!targetId || !recordAchievements.has(targetId)) continue;
    const items = (JSON.parse(award.constituents) as Constituent[]).map((c) => c.walletItemId);
    if (items.length === 0) continue;
    const held = await db.selectFrom('wallet_credentials').select('document').where('user_id', '=', award.user_id).where('id', 'in', items).execute();
    for (const row of held) {
      const sourceId = achievementIdOf(row.document);
      if (!sourceId || sourceId === targetId || !recordAchievements.has(sourceId) || seen.has(`${sourceId} ${targetId}`)) continue;
      seen.add(`${sourceId} ${targetId}`);
      associations.push({ type: 'Association', associationType: 'isPartOf', sourceId, targetId });
    }
  }
  return associations.sort((a, b) => a.targetId.localeCompare(b.targetId) || a.sourceId.localeCompare(b.sourceId));
}
