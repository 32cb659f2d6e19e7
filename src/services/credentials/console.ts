import { CAN, requireAccess, type AccessRule, type Actor } from '../access.ts';
import { audit } from '../audit.ts';
import type { ServiceContext } from '../context.ts';
import { Conflict, NotFound } from '../errors.ts';
import { mailBrand } from '../mail-brand.ts';
import { randomToken, sha256Hex } from '../tokens.ts';
import { claimMail } from './claim-mail.ts';
import { claimOfferLink } from '../oid4vci/links.ts';
import type { MailSender } from './types.ts';

/** One event in a credential's life, with who did it and when (from the audit log and the credential itself). */
export interface CredentialEvent {
  at: string;
  action: string;
  /** Who: a member's name or address, an API key's name, "the recipient", or "microcred". */
  by: string;
  reason: string | null;
}

/** Where the credential is on its way to the learner. */
export type Delivery = 'claimed' | 'pending' | 'offered';

/**
 * What the console's credential page needs beyond the credential itself: its history with names, its
 * delivery state, and a way to send the claim e-mail again.
 */
export function createCredentialConsoleService(ctx: ServiceContext, deps: { mail: MailSender }) {
  async function load(actor: Actor, credentialId: string, rule: AccessRule) {
    const row = await ctx.db.selectFrom('credentials').selectAll().where('id', '=', credentialId).executeTakeFirst();
    if (!row) throw new NotFound('credential');
    await requireAccess(ctx, actor, row.organisation_id, rule, 'credential');
    return row;
  }

  return {
    /**
     * Delivery (claimed by the learner; pending: a claim link was mailed and not used; offered: no
     * e-mail, it is given by DID or through a wallet channel) and every recorded event, oldest first.
     */
    async history(actor: Actor, credentialId: string): Promise<{ delivery: Delivery; events: CredentialEvent[] }> {
      const row = await load(actor, credentialId, { roles: CAN.read, scope: 'read' });
      const entries = await ctx.db.selectFrom('audit_log').selectAll().where('target_type', '=', 'credential').where('target_id', '=', credentialId)
        .orderBy('at').orderBy('id').execute();
      const userIds = [...new Set([row.created_by, ...entries.filter((e) => e.actor_type === 'user').map((e) => e.actor_id)].filter((id): id is string => Boolean(id)))];
      const keyIds = [...new Set([row.created_by, ...entries.filter((e) => e.actor_type === 'api-key').map((e) => e.actor_id)].filter((id): id is string => Boolean(id)))];
      const users = userIds.length ? await ctx.db.selectFrom('users').select(['id', 'name', 'email']).where('id', 'in', userIds).execute() : [];
      const keys = keyIds.length ? await ctx.db.selectFrom('api_keys').select(['id', 'name']).where('id', 'in', keyIds).execute() : [];
      const memberIds = new Set(users.length ? (await ctx.db.selectFrom('memberships').select('user_id').where('organisation_id', '=', row.organisation_id).where('user_id', 'in', users.map((u) => u.id)).execute()).map((m) => m.user_id) : []);
      const who = (type: string, id: string | null): string => {
        if (type === 'api-key') return `API key "${keys.find((k) => k.id === id)?.name ?? 'deleted'}"`;
        if (type === 'user') {
          // Only the organisation's own people are named; anyone else who acted on it is the recipient.
          const user = users.find((u) => u.id === id);
          if (!user || !memberIds.has(user.id)) return 'the recipient';
          return user.name ? `${user.name} (${user.email})` : user.email;
        }
        return 'microcred';
      };
      const events: CredentialEvent[] = [];
      if (!entries.some((e) => e.action === 'credential.issue')) {
        // Issued in a batch (the audit entry names the achievement): the credential's own record says who.
        const creator = !row.created_by ? 'microcred' : keys.some((k) => k.id === row.created_by) ? who('api-key', row.created_by) : who('user', row.created_by);
        events.push({ at: row.issued_at, action: 'credential.issue', by: creator, reason: null });
      }
      for (const entry of entries) {
        const details = entry.details ? JSON.parse(entry.details) as Record<string, unknown> : {};
        events.push({ at: entry.at, action: entry.action, by: who(entry.actor_type, entry.actor_id), reason: typeof details.reason === 'string' ? details.reason : null });
      }
      if (row.claimed_at && !entries.some((e) => e.action === 'credential.claim')) events.push({ at: row.claimed_at, action: 'credential.claim', by: 'the recipient', reason: null });
      events.sort((a, b) => a.at.localeCompare(b.at));
      const delivery: Delivery = row.claimed_at ? 'claimed' : row.claim_token_hash ? 'pending' : 'offered';
      return { delivery, events };
    },

    /**
     * Sends the claim e-mail again with a fresh link (the old link stops working: it may be the one
     * that went astray). Only for a credential that waits to be claimed and is still valid.
     */
    async resendClaim(actor: Actor, credentialId: string): Promise<{ sentTo: string }> {
      const row = await load(actor, credentialId, { roles: CAN.issue, scope: 'issue' });
      if (!row.recipient_email) throw new Conflict('this credential was not sent by e-mail (it names a DID)');
      if (row.claimed_at) throw new Conflict('the recipient has already claimed this credential');
      if (row.status !== 'active') throw new Conflict(`a ${row.status} credential cannot be sent again`);
      const token = randomToken(32);
      const issuer = await ctx.db.selectFrom('issuers').select(['name', 'image']).where('id', '=', row.issuer_id).executeTakeFirstOrThrow();
      const brand = await mailBrand(ctx.db, row.organisation_id);
      const version = row.achievement_id && row.achievement_version !== null
        ? await ctx.db.selectFrom('achievement_versions').select('data').where('achievement_id', '=', row.achievement_id).where('version', '=', row.achievement_version).executeTakeFirst()
        : undefined;
      const achievement = version ? JSON.parse(version.data) as { name?: string } : undefined;
      const message = claimMail({
        organisationId: row.organisation_id, to: row.recipient_email, ...(row.recipient_name ? { recipientName: row.recipient_name } : {}),
        achievementName: achievement?.name ?? 'your credential', issuerName: issuer.name, issuerLogoUrl: issuer.image, organisationName: brand.name,
        claimUrl: `${ctx.config.publicUrl}/claim/${token}`,
        walletOfferLink: claimOfferLink(ctx.config.publicUrl, token),
      });
      await ctx.db.transaction().execute(async (trx) => {
        const updated = await trx.updateTable('credentials').set({ claim_token_hash: sha256Hex(token) }).where('id', '=', row.id).where('claimed_at', 'is', null).executeTakeFirst();
        if (Number(updated.numUpdatedRows) !== 1) throw new Conflict('the recipient has already claimed this credential');
        await deps.mail.sendMany(trx, [message]);
        await audit(ctx, trx, actor, { organisationId: row.organisation_id, action: 'credential.resend-claim', targetType: 'credential', targetId: row.id });
      });
      deps.mail.kick();
      return { sentTo: row.recipient_email };
    },
  };
}

export type CredentialConsoleService = ReturnType<typeof createCredentialConsoleService>;
