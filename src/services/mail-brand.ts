import type { Kysely } from 'kysely';
import type { DB } from '../store/schema.ts';
import type { MailBrand } from './mail-layout.ts';

/** The organisation's name and its default issuer's logo, for the head of its e-mails. */
export async function mailBrand(db: Kysely<DB>, organisationId: string | null): Promise<MailBrand> {
  if (!organisationId) return { name: 'microcred' };
  const org = await db.selectFrom('organisations').select('name').where('id', '=', organisationId).executeTakeFirst();
  const issuer = await db.selectFrom('issuers').select('image').where('organisation_id', '=', organisationId)
    .orderBy('is_default', 'desc').orderBy('created_at').limit(1).executeTakeFirst();
  return { name: org?.name ?? 'microcred', logoUrl: issuer?.image ?? null };
}
