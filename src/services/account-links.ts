import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { ROLES, type Role } from '../domain/roles.ts';
import type { DB } from '../store/schema.ts';
import { normaliseEmail } from '../vc/credential/identity.ts';
import { CAN, requireAccess, roleOf, type Actor } from './access.ts';
import { openSession, checkRateLimit, countRateLimitFailure, type UserView } from './accounts.ts';
import { audit } from './audit.ts';
import type { ServiceContext } from './context.ts';
import type { MailSender } from './credentials/types.ts';
import { EMAIL } from './credentials/validate.ts';
import { Conflict, Forbidden, InvalidInput, NotFound } from './errors.ts';
import { clearLoginThrottle, loginThrottleKeys } from './login-throttle.ts';
import { mailBrand } from './mail-brand.ts';
import { composeMail, mailParts } from './mail-layout.ts';
import { hashPassword, passwordProblem, verifyPassword } from './passwords.ts';
import { randomToken, sha256Hex } from './tokens.ts';

/** How long a password-reset link works. */
export const RESET_LINK_MINUTES = 60;
/** How long an invitation works. */
export const INVITATION_DAYS = 7;
/** Reset e-mails to one address per quarter hour (more requests are answered the same, and send nothing). */
const RESET_MAILS_PER_WINDOW = 3;

export interface InvitationView {
  id: string;
  email: string;
  role: Role;
  name: string | null;
  invitedAt: string;
  expiresAt: string;
  expired: boolean;
}

/** What the invitee sees before accepting (the link is the proof she may). */
export interface InvitationPreview {
  organisationName: string;
  email: string;
  role: Role;
  name: string | null;
  /** The address already has an account: she confirms with its password instead of choosing one. */
  hasAccount: boolean;
}

export interface SignedIn {
  token: string;
  csrfToken: string;
  user: UserView;
}

const LINK_GONE = 'This link has expired or was already used. Ask for a new one.';

/**
 * Links sent by e-mail that act on an account: password reset (for anyone with an account) and
 * invitations to an organisation (the invitee chooses her own password; no admin ever sets one).
 */
export function createAccountLinkService(ctx: ServiceContext, deps: { mail: MailSender }) {
  const { mail } = deps;
  const link = (path: string, token: string) => `${ctx.config.publicUrl}/${path}/${token}`;

  /** The unused, unexpired link behind a token, or InvalidInput on /token. */
  async function liveLink(db: Kysely<DB>, token: unknown, purpose: 'password-reset' | 'invitation') {
    if (typeof token !== 'string' || token.length < 20 || token.length > 100) throw InvalidInput.field('/token', LINK_GONE);
    const row = await db.selectFrom('account_links').selectAll().where('token_hash', '=', sha256Hex(token)).where('purpose', '=', purpose).executeTakeFirst();
    if (!row || row.used_at || row.expires_at <= ctx.now().toISOString()) throw InvalidInput.field('/token', LINK_GONE);
    return row;
  }

  /** Ends every session of the user (every node) and opens one for this device a millisecond later. */
  async function replacePassword(trx: Kysely<DB>, userId: string, password: string, at: Date): Promise<void> {
    await trx.updateTable('users').set({ password_hash: await hashPassword(password), sessions_valid_after: at.toISOString() }).where('id', '=', userId).execute();
    await trx.deleteFrom('sessions').where('user_id', '=', userId).execute();
  }

  const service = {
    /**
     * Sends a reset link when the address has an account. The answer is the same whether it does or
     * not (and when the address asked too often), so the form tells no one which addresses exist.
     */
    async requestPasswordReset(input: { email: string; ip?: string }): Promise<void> {
      if (typeof input.email !== 'string' || !EMAIL.test(input.email.trim())) throw InvalidInput.field('/email', 'is not an e-mail address');
      if (input.ip) {
        await checkRateLimit(ctx, `reset:ip:${input.ip}`);
        await countRateLimitFailure(ctx, `reset:ip:${input.ip}`);
      }
      const email = normaliseEmail(input.email);
      const user = await ctx.db.selectFrom('users').select(['id', 'email']).where('email', '=', email).executeTakeFirst();
      if (!user) return;
      const windowStart = new Date(ctx.now().getTime() - 15 * 60_000).toISOString();
      const recent = await ctx.db.selectFrom('account_links').select('id').where('user_id', '=', user.id).where('purpose', '=', 'password-reset')
        .where('created_at', '>', windowStart).limit(RESET_MAILS_PER_WINDOW).execute();
      if (recent.length >= RESET_MAILS_PER_WINDOW) return;
      const token = randomToken(32);
      const at = ctx.now();
      const { text, html } = composeMail({
        brand: { name: 'microcred' },
        title: 'Choose a new password',
        greeting: 'Hello,',
        parts: [
          mailParts.paragraph(`Someone (we hope you) asked to reset the password of the microcred account for ${user.email}.`),
          mailParts.button('Choose a new password', link('reset-password', token)),
          mailParts.note(`The link works once, for ${RESET_LINK_MINUTES} minutes. Choosing a new password signs you out on every device.`),
          mailParts.note('If you did not ask, ignore this message: your password has not changed.'),
        ],
      });
      await ctx.db.transaction().execute(async (trx) => {
        await trx.insertInto('account_links').values({
          id: randomUUID(), token_hash: sha256Hex(token), purpose: 'password-reset', email: user.email, user_id: user.id,
          organisation_id: null, role: null, name: null, created_by: null, created_at: at.toISOString(),
          expires_at: new Date(at.getTime() + RESET_LINK_MINUTES * 60_000).toISOString(), used_at: null,
        }).execute();
        await mail.sendMany(trx, [{ organisationId: null, to: user.email, subject: 'Reset your microcred password', text, html }]);
      });
      mail.kick();
    },

    /** Sets the new password from a reset link: the link (and any other reset link of the account) stops working, every session ends. */
    async resetPassword(input: { token: string; password: string; ip?: string }): Promise<SignedIn> {
      const problem = passwordProblem(input.password);
      if (problem) throw InvalidInput.field('/password', problem);
      const row = await liveLink(ctx.db, input.token, 'password-reset');
      const user = await ctx.db.selectFrom('users').select(['id', 'email', 'name']).where('id', '=', row.user_id!).executeTakeFirst();
      if (!user) throw InvalidInput.field('/token', LINK_GONE);
      const at = ctx.now();
      await ctx.db.transaction().execute(async (trx) => {
        // Marked used only if still unused: two submissions of one link cannot both succeed.
        const taken = await trx.updateTable('account_links').set({ used_at: at.toISOString() }).where('id', '=', row.id).where('used_at', 'is', null).executeTakeFirst();
        if (Number(taken.numUpdatedRows) !== 1) throw InvalidInput.field('/token', LINK_GONE);
        await trx.updateTable('account_links').set({ used_at: at.toISOString() }).where('user_id', '=', user.id).where('purpose', '=', 'password-reset').where('used_at', 'is', null).execute();
        await replacePassword(trx, user.id, input.password, at);
        // Whoever holds the mailbox holds the address.
        await trx.updateTable('users').set({ email_verified_at: at.toISOString() }).where('id', '=', user.id).where('email_verified_at', 'is', null).execute();
        await audit(ctx, trx, { kind: 'user', userId: user.id, ...(input.ip ? { ip: input.ip } : {}) }, { organisationId: null, action: 'user.reset-password', targetType: 'user', targetId: user.id });
      });
      await clearLoginThrottle(ctx, loginThrottleKeys(user.email, input.ip));
      const session = await openSession(ctx.db, user.id, new Date(at.getTime() + 1), input.ip);
      return { ...session, user };
    },

    /** Invites an address to the organisation with a role, by e-mail; a new invitation to the same address replaces the last. */
    async invite(actor: Actor, organisationId: string, input: { email: string; role: Role; name?: string }): Promise<InvitationView> {
      await requireAccess(ctx, actor, organisationId, { roles: CAN.manageMembers }, 'organisation');
      const errors = [
        typeof input.email === 'string' && EMAIL.test(input.email.trim()) ? undefined : { pointer: '/email', message: input.email ? 'is not an e-mail address' : 'is required' },
        ROLES.includes(input.role) ? undefined : { pointer: '/role', message: `must be one of ${ROLES.join(', ')}` },
      ].filter((e) => e !== undefined);
      if (errors.length > 0) throw new InvalidInput(`${errors[0]!.pointer.slice(1)} ${errors[0]!.message}`, errors);
      if (input.role === 'owner') {
        const role = actor.kind === 'user' ? await roleOf(ctx, actor.userId, organisationId) : undefined;
        if (actor.kind !== 'system' && role !== 'owner') throw new Forbidden('only an owner may invite an owner');
      }
      const email = normaliseEmail(input.email);
      const member = await ctx.db.selectFrom('memberships').innerJoin('users', 'users.id', 'memberships.user_id').select('users.id')
        .where('memberships.organisation_id', '=', organisationId).where('users.email', '=', email).executeTakeFirst();
      if (member) throw new Conflict('this person is already a member');
      const token = randomToken(32);
      const at = ctx.now();
      const expiresAt = new Date(at.getTime() + INVITATION_DAYS * 86_400_000).toISOString();
      const id = randomUUID();
      const brand = await mailBrand(ctx.db, organisationId);
      const inviter = actor.kind === 'user' ? await ctx.db.selectFrom('users').select(['name', 'email']).where('id', '=', actor.userId).executeTakeFirst() : undefined;
      const name = input.name?.trim() || null;
      const { text, html } = composeMail({
        brand,
        title: `Join ${brand.name} on microcred`,
        greeting: name ? `Hello ${name},` : 'Hello,',
        parts: [
          mailParts.emphasis(`${inviter?.name ?? inviter?.email ?? 'An administrator'} invites you to join ${brand.name} as `, input.role, ' on microcred, where it issues its micro-credentials.'),
          mailParts.button('Accept the invitation', link('invitation', token)),
          mailParts.note(`You choose your own password when you accept. The invitation works once, for ${INVITATION_DAYS} days.`),
          mailParts.note('If you did not expect it, ignore this message: no account is made until you accept.'),
        ],
      });
      await ctx.db.transaction().execute(async (trx) => {
        await trx.deleteFrom('account_links').where('purpose', '=', 'invitation').where('organisation_id', '=', organisationId).where('email', '=', email).where('used_at', 'is', null).execute();
        await trx.insertInto('account_links').values({
          id, token_hash: sha256Hex(token), purpose: 'invitation', email, user_id: null, organisation_id: organisationId, role: input.role, name,
          created_by: actor.kind === 'user' ? actor.userId : null, created_at: at.toISOString(), expires_at: expiresAt, used_at: null,
        }).execute();
        await mail.sendMany(trx, [{ organisationId, to: email, subject: `You are invited to join ${brand.name} on microcred`, text, html }]);
        await audit(ctx, trx, actor, { organisationId, action: 'member.invite', targetType: 'invitation', targetId: id, details: { role: input.role } });
      });
      mail.kick();
      return { id, email, role: input.role, name, invitedAt: at.toISOString(), expiresAt, expired: false };
    },

    /** Invitations not yet accepted (expired ones too, marked, so they can be sent again). */
    async listInvitations(actor: Actor, organisationId: string): Promise<InvitationView[]> {
      await requireAccess(ctx, actor, organisationId, { roles: CAN.manageMembers }, 'organisation');
      const rows = await ctx.db.selectFrom('account_links').selectAll().where('purpose', '=', 'invitation')
        .where('organisation_id', '=', organisationId).where('used_at', 'is', null).orderBy('created_at', 'desc').execute();
      const now = ctx.now().toISOString();
      return rows.map((row) => ({ id: row.id, email: row.email, role: row.role!, name: row.name, invitedAt: row.created_at, expiresAt: row.expires_at, expired: row.expires_at <= now }));
    },

    async withdrawInvitation(actor: Actor, organisationId: string, invitationId: string): Promise<void> {
      await requireAccess(ctx, actor, organisationId, { roles: CAN.manageMembers }, 'organisation');
      await ctx.db.transaction().execute(async (trx) => {
        const gone = await trx.deleteFrom('account_links').where('id', '=', invitationId).where('purpose', '=', 'invitation')
          .where('organisation_id', '=', organisationId).where('used_at', 'is', null).executeTakeFirst();
        if (Number(gone.numDeletedRows) !== 1) throw new NotFound('invitation');
        await audit(ctx, trx, actor, { organisationId, action: 'member.invite-withdraw', targetType: 'invitation', targetId: invitationId });
      });
    },

    /** What an invitation offers, for the page its link opens. */
    async previewInvitation(token: string): Promise<InvitationPreview> {
      const row = await liveLink(ctx.db, token, 'invitation');
      const org = await ctx.db.selectFrom('organisations').select('name').where('id', '=', row.organisation_id!).executeTakeFirst();
      const user = await ctx.db.selectFrom('users').select('password_hash').where('email', '=', row.email).executeTakeFirst();
      return { organisationName: org?.name ?? '', email: row.email, role: row.role!, name: row.name, hasAccount: Boolean(user?.password_hash) };
    },

    /**
     * Accepts an invitation: a new address gets an account with the password she chooses (its address
     * confirmed: the link reached it); an existing account confirms with its own password. Either way
     * she becomes a member with the role and is signed in.
     */
    async acceptInvitation(input: { token: string; password: string; name?: string; ip?: string }): Promise<SignedIn> {
      const row = await liveLink(ctx.db, input.token, 'invitation');
      const existing = await ctx.db.selectFrom('users').selectAll().where('email', '=', row.email).executeTakeFirst();
      if (existing?.password_hash) {
        const key = `login:user:${existing.id}`;
        await checkRateLimit(ctx, key);
        if (typeof input.password !== 'string' || !(await verifyPassword(existing.password_hash, input.password))) {
          await countRateLimitFailure(ctx, key);
          throw InvalidInput.field('/password', 'is not the password of your account at this address');
        }
      } else {
        const problem = passwordProblem(input.password);
        if (problem) throw InvalidInput.field('/password', problem);
      }
      const hash = existing?.password_hash ? undefined : await hashPassword(input.password);
      const at = ctx.now();
      const user = await ctx.db.transaction().execute(async (trx) => {
        const taken = await trx.updateTable('account_links').set({ used_at: at.toISOString() }).where('id', '=', row.id).where('used_at', 'is', null).executeTakeFirst();
        if (Number(taken.numUpdatedRows) !== 1) throw InvalidInput.field('/token', LINK_GONE);
        let userId = existing?.id;
        const name = input.name?.trim() || row.name;
        if (!userId) {
          userId = randomUUID();
          await trx.insertInto('users').values({
            id: userId, email: row.email, name: name || null, password_hash: hash!, email_verified_at: at.toISOString(), created_at: at.toISOString(), sessions_valid_after: null,
          }).execute();
        } else if (hash) {
          await trx.updateTable('users').set({ password_hash: hash, email_verified_at: at.toISOString() }).where('id', '=', userId).execute();
        }
        const member = await trx.selectFrom('memberships').select('role').where('organisation_id', '=', row.organisation_id!).where('user_id', '=', userId).executeTakeFirst();
        if (!member) {
          await trx.insertInto('memberships').values({ organisation_id: row.organisation_id!, user_id: userId, role: row.role!, created_at: at.toISOString() }).execute();
        }
        const actor: Actor = { kind: 'user', userId, ...(input.ip ? { ip: input.ip } : {}) };
        await audit(ctx, trx, actor, { organisationId: row.organisation_id, action: 'member.accept-invitation', targetType: 'user', targetId: userId, details: { role: row.role, invitation: row.id } });
        return trx.selectFrom('users').select(['id', 'email', 'name']).where('id', '=', userId).executeTakeFirstOrThrow();
      });
      const session = await openSession(ctx.db, user.id, at, input.ip);
      return { ...session, user };
    },
  };
  return service;
}

export type AccountLinkService = ReturnType<typeof createAccountLinkService>;
