import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { DB, Row } from '../store/schema.ts';
import { normaliseEmail } from '../vc/credential/identity.ts';
import { didKeyFromPublicKey } from '../vc/did/did-key.ts';
import { createEd25519Signer, encodePublicKeyMultibase, generateEd25519 } from '../vc/keys/ed25519.ts';
import type { Signer } from '../vc/types.ts';
import { CAN, type Actor } from './access.ts';
import { checkRateLimit, countRateLimitFailure } from './accounts.ts';
import { audit } from './audit.ts';
import type { ServiceContext } from './context.ts';
import { EMAIL } from './credentials/validate.ts';
import type { MailSender } from './credentials/types.ts';
import { Conflict, DomainError, Forbidden, InvalidInput, NotFound, RateLimited, Unauthorized, type FieldError } from './errors.ts';
import type { OutboxView } from './mail.ts';
import { hashPassword, passwordProblem, verifyPassword } from './passwords.ts';
import { randomToken, sha256Hex } from './tokens.ts';
import { isUniqueViolation } from '../store/constraint.ts';

/** How long an e-mail confirmation link works. */
export const CONFIRM_HOURS = 48;
/** A new confirmation link for the same address at most this often. */
export const RESEND_SECONDS = 60;
/** Addresses one learner may register. */
export const MAX_EMAILS = 20;

/** A confirmation link used after CONFIRM_HOURS: the answer is 410 Gone in words. */
export class LinkExpired extends DomainError {
  readonly status = 410;
  readonly title = 'Link expired';
  readonly code = 'link-expired';
}

export interface EmailView {
  id: string;
  email: string;
  verified: boolean;
  verifiedAt: string | null;
  /** The sign-in address: cannot be removed. */
  primary: boolean;
  verificationSentAt: string | null;
  createdAt: string;
}

export interface LearnerKeyView {
  did: string;
  /** The verification method presentations are signed with: `${did}#${publicKeyMultibase}`. */
  verificationMethod: string;
  createdAt: string;
}

export interface SignupInput {
  email: string;
  password: string;
  name?: string;
  ip?: string;
}

function requireUser(actor: Actor): string {
  if (actor.kind !== 'user') throw new Unauthorized('sign in as a learner first');
  return actor.userId;
}

function emailProblem(email: unknown): string | undefined {
  if (typeof email !== 'string' || email.trim() === '') return 'is required';
  return email.trim().length <= 320 && EMAIL.test(email.trim()) ? undefined : 'is not an e-mail address';
}

function checkFields(checks: [string, string | undefined][]): void {
  const errors: FieldError[] = checks.filter(([, message]) => message !== undefined).map(([pointer, message]) => ({ pointer, message: message! }));
  if (errors.length > 0) throw new InvalidInput(`${errors[0]!.pointer.slice(1)} ${errors[0]!.message}`, errors);
}


function emailView(row: Row<'user_emails'>, signInEmail: string | undefined): EmailView {
  return {
    id: row.id, email: row.email, verified: row.verified_at !== null, verifiedAt: row.verified_at,
    primary: row.email === signInEmail, verificationSentAt: row.verify_sent_at, createdAt: row.created_at,
  };
}

/**
 * Learner accounts (issue 4): sign-up with e-mail verified by a link, several addresses per learner,
 * the learner's did:key kept by microcred (seed sealed by the key vault), account deletion, and the
 * instance-level development outbox for mail that belongs to no organisation.
 *
 * An address belongs to a user when it is their sign-in address or a confirmed address of theirs; an
 * unconfirmed address of someone else proves nothing and gives way to whoever confirms or signs up.
 */
export function createLearnerService(ctx: ServiceContext, deps: { mail: MailSender & { readonly mode?: 'smtp' | 'outbox' } }) {
  const { mail } = deps;

  /**
   * Users from before issue 4 (staff) have no user_emails row for their sign-in address: it is added
   * when their addresses are first read, confirmed when the account's e-mail was.
   */
  async function ensurePrimaryEmail(db: Kysely<DB>, userId: string): Promise<Row<'users'> | undefined> {
    const user = await db.selectFrom('users').selectAll().where('id', '=', userId).executeTakeFirst();
    if (!user) return undefined;
    const row = await db.selectFrom('user_emails').select(['id', 'user_id', 'verified_at']).where('email', '=', user.email).executeTakeFirst();
    if (row?.user_id === userId) return user;
    if (row) {
      // Someone else's unconfirmed claim on this user's sign-in address gives way; a confirmed one stays.
      if (row.verified_at !== null) return user;
      await db.deleteFrom('user_emails').where('id', '=', row.id).where('verified_at', 'is', null).execute();
    }
    await db.insertInto('user_emails').values({
      id: randomUUID(), user_id: userId, email: user.email, verified_at: user.email_verified_at,
      verify_token_hash: null, verify_sent_at: null, created_at: user.created_at,
    }).onConflict((oc) => oc.column('email').doNothing()).execute();
    return user;
  }

  /** Who holds the address: a sign-in address or a confirmed one of another user blocks it. */
  async function holderOf(db: Kysely<DB>, email: string): Promise<{ userId: string; owns: boolean; rowId?: string } | undefined> {
    const user = await db.selectFrom('users').select('id').where('email', '=', email).executeTakeFirst();
    const row = await db.selectFrom('user_emails').select(['id', 'user_id', 'verified_at']).where('email', '=', email).executeTakeFirst();
    if (user) return { userId: user.id, owns: true, ...(row && row.user_id === user.id ? { rowId: row.id } : {}) };
    if (row) return { userId: row.user_id, owns: row.verified_at !== null, rowId: row.id };
    return undefined;
  }

  /** A fresh link for the address (any earlier one stops working) and the e-mail carrying it. */
  async function sendConfirmation(trx: Kysely<DB>, rowId: string, email: string, purpose: 'signup' | 'add'): Promise<void> {
    const token = randomToken(32);
    await trx.updateTable('user_emails').set({ verify_token_hash: sha256Hex(token), verify_sent_at: ctx.now().toISOString() }).where('id', '=', rowId).execute();
    const link = `${ctx.config.publicUrl}/confirm-email/${token}`;
    const intro = purpose === 'signup'
      ? 'Welcome to microcred. Please confirm your e-mail address to finish creating your account.'
      : 'You added this e-mail address to your microcred account. Please confirm it: credentials issued to it will then be offered to you.';
    await mail.sendMany(trx, [{
      organisationId: null, to: email, subject: 'Confirm your e-mail address',
      text: `${intro}\n\nOpen this link within ${CONFIRM_HOURS} hours:\n${link}\n\nIf you did not ask for this, ignore this message: nothing happens without the link.\n`,
    }]);
  }

  async function keyRow(userId: string): Promise<Row<'learner_keys'> | undefined> {
    return ctx.db.selectFrom('learner_keys').selectAll().where('user_id', '=', userId).executeTakeFirst();
  }

  function keyView(row: Row<'learner_keys'>): LearnerKeyView {
    return { did: row.did, verificationMethod: `${row.did}#${row.public_key_multibase}`, createdAt: row.created_at };
  }

  /** The user's did:key, created on first use (two requests at once keep the first one stored). */
  async function ensureKeyRow(actor: Actor, userId: string): Promise<Row<'learner_keys'>> {
    const existing = await keyRow(userId);
    if (existing) return existing;
    const user = await ctx.db.selectFrom('users').select('id').where('id', '=', userId).executeTakeFirst();
    if (!user) throw new NotFound('user');
    const pair = generateEd25519();
    const multibase = encodePublicKeyMultibase(pair.publicKey);
    const row: Row<'learner_keys'> = {
      user_id: userId, did: didKeyFromPublicKey(pair.publicKey), public_key_multibase: multibase,
      secret_encrypted: ctx.vault.seal(pair.seed), created_at: ctx.now().toISOString(),
    };
    const created = await ctx.db.transaction().execute(async (trx) => {
      const inserted = await trx.insertInto('learner_keys').values(row).onConflict((oc) => oc.column('user_id').doNothing()).executeTakeFirst();
      if (Number(inserted.numInsertedOrUpdatedRows ?? 0) === 0) return false;
      await audit(ctx, trx, actor, { organisationId: null, action: 'learner.key.create', targetType: 'user', targetId: userId });
      return true;
    });
    if (created) return row;
    return (await keyRow(userId))!;
  }

  async function ownEmail(userId: string, emailId: string): Promise<Row<'user_emails'>> {
    if (typeof emailId !== 'string' || !/^[0-9a-f-]{36}$/i.test(emailId)) throw new NotFound('e-mail address');
    const row = await ctx.db.selectFrom('user_emails').selectAll().where('id', '=', emailId).where('user_id', '=', userId).executeTakeFirst();
    if (!row) throw new NotFound('e-mail address');
    return row;
  }

  async function signInEmail(userId: string): Promise<string> {
    const user = await ctx.db.selectFrom('users').select('email').where('id', '=', userId).executeTakeFirst();
    if (!user) throw new Unauthorized();
    return user.email;
  }

  const service = {
    /**
     * A new learner account: the user and their sign-in address (unconfirmed), with a confirmation link
     * by e-mail. The answer is the same whether or not the address already has an account, so sign-up
     * does not tell anyone which addresses are registered (as sign-in does not); the address's owner is
     * told by e-mail instead. No session is opened: the learner signs in (at once, with the password
     * just chosen). Attempts on a taken address are rate-limited per address and per client address.
     */
    async signup(input: SignupInput): Promise<{ email: string }> {
      checkFields([
        ['/email', emailProblem(input.email)],
        ['/password', passwordProblem(input.password)],
        ['/name', input.name === undefined || (typeof input.name === 'string' && input.name.length <= 200) ? undefined : 'must be at most 200 characters'],
      ]);
      const email = normaliseEmail(input.email);
      const keys = [`signup:account:${sha256Hex(email)}`, ...(input.ip ? [`signup:ip:${input.ip}`] : [])];
      for (const key of keys) await checkRateLimit(ctx, key);
      // Hashed either way, so the time taken does not tell a taken address from a free one either.
      const passwordHash = await hashPassword(input.password);
      const taken = async () => {
        for (const key of keys) await countRateLimitFailure(ctx, key);
        await ctx.db.transaction().execute(async (trx) => {
          await mail.sendMany(trx, [{
            organisationId: null, to: email, subject: 'Someone tried to create an account with your address',
            text: `Someone (perhaps you) tried to create a microcred account with this e-mail address, which already has one.\n\n`
              + `If it was you, sign in at ${ctx.config.publicUrl}/login with the password you chose then.\n\n`
              + 'If it was not you, ignore this message: nothing was changed, and no one can use your account without your password.\n',
          }]);
        });
        mail.kick();
        return { email };
      };
      const before = await holderOf(ctx.db, email);
      if (before?.owns) return taken();
      const at = ctx.now();
      const userId = randomUUID();
      const name = input.name?.trim() || null;
      try {
        await ctx.db.transaction().execute(async (trx) => {
          const holder = await holderOf(trx, email);
          if (holder?.owns) throw new Conflict('taken');
          if (holder?.rowId) await trx.deleteFrom('user_emails').where('id', '=', holder.rowId).where('verified_at', 'is', null).execute();
          await trx.insertInto('users').values({
            id: userId, email, name, password_hash: passwordHash, email_verified_at: null, created_at: at.toISOString(), sessions_valid_after: null,
          }).execute();
          const rowId = randomUUID();
          await trx.insertInto('user_emails').values({
            id: rowId, user_id: userId, email, verified_at: null, verify_token_hash: null, verify_sent_at: null, created_at: at.toISOString(),
          }).execute();
          await sendConfirmation(trx, rowId, email, 'signup');
          await audit(ctx, trx, { kind: 'user', userId, ...(input.ip ? { ip: input.ip } : {}) }, { organisationId: null, action: 'user.signup', targetType: 'user', targetId: userId });
        });
      } catch (error) {
        if (error instanceof Conflict || isUniqueViolation(error)) return taken();
        throw error;
      }
      mail.kick();
      ctx.metrics.increment('microcred_signups_total');
      return { email };
    },

    /** Confirms the address a link was sent to. Unknown or used link → 404; older than CONFIRM_HOURS → 410. */
    async confirmEmail(token: string, ip?: string): Promise<{ email: string }> {
      if (typeof token !== 'string' || !/^[A-Za-z0-9_-]{20,100}$/.test(token)) throw new NotFound('confirmation link');
      const row = await ctx.db.selectFrom('user_emails').selectAll().where('verify_token_hash', '=', sha256Hex(token)).executeTakeFirst();
      if (!row) throw new NotFound('confirmation link');
      const sentAt = Date.parse(row.verify_sent_at ?? row.created_at);
      if (ctx.now().getTime() - sentAt > CONFIRM_HOURS * 3_600_000) {
        throw new LinkExpired(`this confirmation link has expired (links work for ${CONFIRM_HOURS} hours); sign in and ask for a new one`);
      }
      const at = ctx.now().toISOString();
      await ctx.db.transaction().execute(async (trx) => {
        await trx.updateTable('user_emails').set({ verified_at: at, verify_token_hash: null }).where('id', '=', row.id).execute();
        await trx.updateTable('users').set({ email_verified_at: at }).where('id', '=', row.user_id).where('email', '=', row.email).where('email_verified_at', 'is', null).execute();
        await audit(ctx, trx, { kind: 'anonymous', ...(ip ? { ip } : {}) }, { organisationId: null, action: 'user.email.confirm', targetType: 'user-email', targetId: row.id, details: { userId: row.user_id } });
      });
      return { email: row.email };
    },

    /** The learner's addresses, the sign-in one first. */
    async listEmails(actor: Actor): Promise<EmailView[]> {
      const userId = requireUser(actor);
      const user = await ensurePrimaryEmail(ctx.db, userId);
      if (!user) throw new Unauthorized();
      const rows = await ctx.db.selectFrom('user_emails').selectAll().where('user_id', '=', userId).orderBy('created_at').orderBy('id').execute();
      return rows.map((row) => emailView(row, user.email)).sort((a, b) => Number(b.primary) - Number(a.primary));
    },

    /** Adds an address and e-mails it a confirmation link. 409 when it is already someone's (or yours). */
    async addEmail(actor: Actor, emailInput: string): Promise<EmailView> {
      const userId = requireUser(actor);
      checkFields([['/email', emailProblem(emailInput)]]);
      const email = normaliseEmail(emailInput);
      const user = await ensurePrimaryEmail(ctx.db, userId);
      if (!user) throw new Unauthorized();
      const count = await ctx.db.selectFrom('user_emails').select((eb) => eb.fn.countAll<string | number>().as('n')).where('user_id', '=', userId).executeTakeFirstOrThrow();
      if (Number(count.n) >= MAX_EMAILS) throw new Conflict(`an account holds at most ${MAX_EMAILS} e-mail addresses; remove one first`);
      const rowId = randomUUID();
      try {
        await ctx.db.transaction().execute(async (trx) => {
          const holder = await holderOf(trx, email);
          if (holder?.userId === userId) throw new Conflict('you have already added this e-mail address');
          if (holder?.owns) throw new Conflict('this e-mail address belongs to another account');
          if (holder?.rowId) await trx.deleteFrom('user_emails').where('id', '=', holder.rowId).where('verified_at', 'is', null).execute();
          await trx.insertInto('user_emails').values({
            id: rowId, user_id: userId, email, verified_at: null, verify_token_hash: null, verify_sent_at: null, created_at: ctx.now().toISOString(),
          }).execute();
          await sendConfirmation(trx, rowId, email, 'add');
          await audit(ctx, trx, actor, { organisationId: null, action: 'user.email.add', targetType: 'user-email', targetId: rowId });
        });
      } catch (error) {
        if (isUniqueViolation(error)) throw new Conflict('this e-mail address was just added by another account');
        throw error;
      }
      mail.kick();
      return emailView(await ownEmail(userId, rowId), user.email);
    },

    /** Removes an address (never the sign-in one). */
    async removeEmail(actor: Actor, emailId: string): Promise<void> {
      const userId = requireUser(actor);
      const row = await ownEmail(userId, emailId);
      if (row.email === await signInEmail(userId)) throw new Conflict('this is your sign-in address; it cannot be removed');
      await ctx.db.transaction().execute(async (trx) => {
        await trx.deleteFrom('user_emails').where('id', '=', row.id).where('user_id', '=', userId).execute();
        await audit(ctx, trx, actor, { organisationId: null, action: 'user.email.remove', targetType: 'user-email', targetId: row.id });
      });
    },

    /** A new confirmation link for an unconfirmed address (the old one stops working); once a minute at most. */
    async resendVerification(actor: Actor, emailId: string): Promise<EmailView> {
      const userId = requireUser(actor);
      const row = await ownEmail(userId, emailId);
      if (row.verified_at !== null) throw new Conflict('this e-mail address is already confirmed');
      if (row.verify_sent_at) {
        const wait = Date.parse(row.verify_sent_at) + RESEND_SECONDS * 1000 - ctx.now().getTime();
        if (wait > 0) throw new RateLimited(Math.ceil(wait / 1000));
      }
      await ctx.db.transaction().execute(async (trx) => {
        await sendConfirmation(trx, row.id, row.email, 'add');
        await audit(ctx, trx, actor, { organisationId: null, action: 'user.email.resend', targetType: 'user-email', targetId: row.id });
      });
      mail.kick();
      return emailView(await ownEmail(userId, row.id), await signInEmail(userId));
    },

    /**
     * The user's confirmed addresses (lower-cased). Writes the sign-in address row on first read for
     * users from before issue 4, so call it outside a transaction (SQLite has one connection).
     */
    async verifiedEmails(userId: string): Promise<string[]> {
      await ensurePrimaryEmail(ctx.db, userId);
      const rows = await ctx.db.selectFrom('user_emails').select('email').where('user_id', '=', userId).where('verified_at', 'is not', null).orderBy('email').execute();
      return rows.map((row) => row.email);
    },

    /**
     * Records an address as confirmed for the user inside the caller's transaction (a claim link sent
     * to it proved it). Nothing happens when another user owns it (their sign-in or confirmed address);
     * someone else's unconfirmed claim gives way.
     */
    async addVerifiedEmail(trx: Kysely<DB>, userId: string, emailInput: string): Promise<void> {
      if (emailProblem(emailInput) !== undefined) return;
      const email = normaliseEmail(emailInput);
      const at = ctx.now().toISOString();
      const holder = await holderOf(trx, email);
      if (holder && holder.userId !== userId && holder.owns) return;
      if (holder?.userId === userId && holder.rowId) {
        await trx.updateTable('user_emails').set({ verified_at: at, verify_token_hash: null }).where('id', '=', holder.rowId).where('verified_at', 'is', null).execute();
        await trx.updateTable('users').set({ email_verified_at: at }).where('id', '=', userId).where('email', '=', email).where('email_verified_at', 'is', null).execute();
        return;
      }
      if (holder?.rowId) await trx.deleteFrom('user_emails').where('id', '=', holder.rowId).where('verified_at', 'is', null).execute();
      const rowId = randomUUID();
      await trx.insertInto('user_emails').values({
        id: rowId, user_id: userId, email, verified_at: at, verify_token_hash: null, verify_sent_at: null, created_at: at,
      }).onConflict((oc) => oc.column('email').doNothing()).execute();
      // The sign-in address of this user without its row yet (a user from before issue 4).
      await trx.updateTable('users').set({ email_verified_at: at }).where('id', '=', userId).where('email', '=', email).where('email_verified_at', 'is', null).execute();
      await audit(ctx, trx, { kind: 'user', userId }, { organisationId: null, action: 'user.email.add-verified', targetType: 'user-email', targetId: rowId });
    },

    /** The learner's did:key, created (Ed25519, seed sealed by the vault) on first call. */
    async ensureKey(actor: Actor): Promise<{ did: string }> {
      const userId = requireUser(actor);
      const row = await ensureKeyRow(actor, userId);
      return { did: row.did };
    },

    /** The learner's key as the account page shows it, or null before one was made. */
    async getKey(actor: Actor): Promise<LearnerKeyView | null> {
      const row = await keyRow(requireUser(actor));
      return row ? keyView(row) : null;
    },

    /** Like ensureKey, answering the whole view (POST /api/v1/me/did). */
    async createKey(actor: Actor): Promise<LearnerKeyView> {
      const userId = requireUser(actor);
      return keyView(await ensureKeyRow(actor, userId));
    },

    async getDid(userId: string): Promise<string | undefined> {
      return (await keyRow(userId))?.did;
    },

    /** Signs as the learner's did:key (verification method `${did}#${multibase}`); makes the key if none yet. */
    async signer(userId: string): Promise<Signer> {
      const row = await ensureKeyRow({ kind: 'user', userId }, userId);
      return createEd25519Signer({ id: `${row.did}#${row.public_key_multibase}`, seed: ctx.vault.open(row.secret_encrypted) });
    },

    /**
     * Deletes the account after checking the password: the user, addresses, key, sessions, wallet,
     * collections and shares go (foreign keys cascade), as do the confirmation e-mails sent to the
     * addresses. What organisations issued (credentials, status lists) stays. Refused while the user is
     * the only owner of an organisation.
     */
    async deleteAccount(actor: Actor, input: { password: string }): Promise<void> {
      const userId = requireUser(actor);
      const key = `login:user:${userId}`;
      await checkRateLimit(ctx, key);
      const user = await ctx.db.selectFrom('users').selectAll().where('id', '=', userId).executeTakeFirst();
      if (!user) throw new Unauthorized();
      if (typeof input.password !== 'string' || !(await verifyPassword(user.password_hash, input.password))) {
        await countRateLimitFailure(ctx, key);
        throw InvalidInput.field('/password', 'is not your password');
      }
      const owned = await ctx.db.selectFrom('memberships').innerJoin('organisations', 'organisations.id', 'memberships.organisation_id')
        .select(['organisations.id', 'organisations.name']).where('memberships.user_id', '=', userId).where('memberships.role', '=', 'owner').execute();
      for (const organisation of owned) {
        const other = await ctx.db.selectFrom('memberships').select('user_id').where('organisation_id', '=', organisation.id)
          .where('role', '=', 'owner').where('user_id', '!=', userId).limit(1).executeTakeFirst();
        if (!other) throw new Conflict(`you are the only owner of ${organisation.name}; make another member owner first`);
      }
      await ctx.db.transaction().execute(async (trx) => {
        const emails = (await trx.selectFrom('user_emails').select('email').where('user_id', '=', userId).execute()).map((row) => row.email);
        const addresses = [...new Set([user.email, ...emails])];
        await trx.deleteFrom('outbox').where('organisation_id', 'is', null).where('to_address', 'in', addresses).execute();
        await trx.deleteFrom('rate_limits').where('key', 'in', addresses.flatMap((address) => [`login:account:${sha256Hex(address)}`, `signup:account:${sha256Hex(address)}`]).concat(key)).execute();
        // Children first: SQLite cascades only when foreign keys are on, PostgreSQL always; explicit is the same on both.
        await trx.deleteFrom('pathway_flags').where('award_id', 'in', trx.selectFrom('pathway_awards').select('id').where('user_id', '=', userId)).execute();
        await trx.deleteFrom('pathway_awards').where('user_id', '=', userId).execute();
        await trx.deleteFrom('pathway_progress').where('user_id', '=', userId).execute();
        await trx.deleteFrom('rpl_files').where('user_id', '=', userId).execute();
        await trx.deleteFrom('rpl_cases').where('user_id', '=', userId).execute();
        await trx.deleteFrom('recognition_requests').where('user_id', '=', userId).execute();
        await trx.deleteFrom('shares').where('user_id', '=', userId).execute();
        await trx.deleteFrom('wallet_collections').where('user_id', '=', userId).execute();
        await trx.deleteFrom('wallet_credentials').where('user_id', '=', userId).execute();
        await trx.deleteFrom('learner_keys').where('user_id', '=', userId).execute();
        await trx.deleteFrom('user_emails').where('user_id', '=', userId).execute();
        await trx.deleteFrom('sessions').where('user_id', '=', userId).execute();
        await trx.deleteFrom('memberships').where('user_id', '=', userId).execute();
        await trx.deleteFrom('users').where('id', '=', userId).execute();
        await audit(ctx, trx, actor, { organisationId: null, action: 'account.delete', targetType: 'user', targetId: userId });
      });
    },

    /**
     * The instance's development outbox: e-mail that belongs to no organisation (sign-up and address
     * confirmations), newest first. Readable by owners and admins of any organisation, and only while
     * the instance has no SMTP (once mail is delivered, the links are the addressees' alone).
     */
    async listOutbox(actor: Actor, query: { limit?: number; before?: string } = {}): Promise<OutboxView[]> {
      if (actor.kind === 'anonymous') throw new Unauthorized();
      if (actor.kind !== 'user' && actor.kind !== 'system') throw new Forbidden('the instance outbox is for signed-in owners and admins');
      if (actor.kind === 'user') {
        const admin = await ctx.db.selectFrom('memberships').select('user_id').where('user_id', '=', actor.userId)
          .where('role', 'in', [...CAN.readOutbox]).limit(1).executeTakeFirst();
        if (!admin) throw new Forbidden('only owners and admins of an organisation on this instance may read its outbox');
      }
      if ((mail.mode ?? (ctx.config.smtpUrl ? 'smtp' : 'outbox')) === 'smtp') {
        throw new NotFound('instance outbox (this instance delivers e-mail by SMTP)');
      }
      const limit = Math.min(Math.max(query.limit ?? 50, 1), 500);
      let select = ctx.db.selectFrom('outbox').selectAll().where('organisation_id', 'is', null);
      if (query.before) select = select.where('created_at', '<', query.before);
      const rows = await select.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit).execute();
      return rows.map((row) => ({
        id: row.id, to: row.to_address, subject: row.subject, text: row.text_body, html: row.html_body,
        createdAt: row.created_at, sentAt: row.sent_at, error: row.error,
      }));
    },
  };
  return service;
}

export type LearnerService = ReturnType<typeof createLearnerService>;
