import { randomUUID } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import { normaliseEmail } from '../vc/credential/identity.ts';
import { API_KEY_SCOPES, ROLES, type ApiKeyScope, type Role } from '../domain/roles.ts';
import type { DB } from '../store/schema.ts';
import { CAN, requireAccess, roleOf, SYSTEM, type Actor } from './access.ts';
import { audit } from './audit.ts';
import type { ServiceContext } from './context.ts';
import { EMAIL } from './credentials/validate.ts';
import { Conflict, Forbidden, InvalidInput, NotFound, RateLimited, Unauthorized, type FieldError } from './errors.ts';
import type { IssuerService } from './issuers.ts';
import { checkLoginThrottle, clearLoginThrottle, countLoginFailure, loginThrottleKeys } from './login-throttle.ts';
import { mailBrand as mailBrandIn } from './mail-brand.ts';
import type { MailSender } from './credentials/types.ts';
import { composeMail, mailParts } from './mail-layout.ts';
import { burnPasswordCheck, hashPassword, passwordProblem, verifyPassword } from './passwords.ts';
import { expandUuid, formatApiKey, parseApiKey, randomToken, safeEqual, sha256Hex } from './tokens.ts';

export const SESSION_DAYS = 14;
/** Failed attempts allowed per window for other password checks (sign-up, password change, account deletion); sign-in has its own throttle (login-throttle.ts). */
export const LOGIN_LIMIT = { attempts: 10, windowSeconds: 15 * 60 };

export interface UserView {
  id: string;
  email: string;
  name: string | null;
}

export interface MembershipView {
  organisationId: string;
  organisationName: string;
  role: Role;
}

export interface SetupInput {
  organisationName: string;
  email: string;
  password: string;
  name?: string;
}

export interface SetupResult {
  organisationId: string;
  issuerId: string;
  issuerDid: string;
  user: UserView;
}

export interface ApiKeyView {
  id: string;
  name: string;
  scopes: ApiKeyScope[];
  prefix: string;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}


function checkFields(checks: [string, string | undefined][]): void {
  const errors: FieldError[] = checks.filter(([, message]) => message !== undefined).map(([pointer, message]) => ({ pointer, message: message! }));
  if (errors.length > 0) throw new InvalidInput(`${errors[0]!.pointer.slice(1)} ${errors[0]!.message}`, errors);
}

function checkSetupInput(input: SetupInput): void {
  checkFields([
    ['/organisationName', typeof input.organisationName === 'string' && input.organisationName.trim() !== '' ? undefined : 'is required'],
    ['/email', emailProblem(input.email)],
    ['/password', passwordProblem(input.password)],
  ]);
}

function emailProblem(email: unknown): string | undefined {
  if (typeof email !== 'string' || email.trim() === '') return 'is required';
  return EMAIL.test(email.trim()) ? undefined : 'is not an e-mail address';
}

/** Throws RateLimited when the key counted LOGIN_LIMIT.attempts failures in the current window. */
export async function checkRateLimit(ctx: ServiceContext, key: string): Promise<void> {
  const row = await ctx.db.selectFrom('rate_limits').selectAll().where('key', '=', key).executeTakeFirst();
  if (!row) return;
  const windowEnds = Date.parse(row.window_start) + LOGIN_LIMIT.windowSeconds * 1000;
  const now = ctx.now().getTime();
  if (now < windowEnds && row.count >= LOGIN_LIMIT.attempts) throw new RateLimited(Math.ceil((windowEnds - now) / 1000));
}

/** Counts one failure against the key (a new window once the last one is over). */
export async function countRateLimitFailure(ctx: ServiceContext, key: string): Promise<void> {
  const at = ctx.now();
  const windowStart = new Date(at.getTime() - LOGIN_LIMIT.windowSeconds * 1000).toISOString();
  // One statement, so two nodes counting at once both count.
  await ctx.db.insertInto('rate_limits').values({ key, window_start: at.toISOString(), count: 1 })
    .onConflict((oc) => oc.column('key').doUpdateSet({
      count: sql`case when rate_limits.window_start < ${windowStart} then 1 else rate_limits.count + 1 end`,
      window_start: sql`case when rate_limits.window_start < ${windowStart} then ${at.toISOString()} else rate_limits.window_start end`,
    })).execute();
}

/** A new session for the user from `at`: the cookie token (only its hash is stored) and its CSRF token. */
export async function openSession(db: Kysely<DB>, userId: string, at: Date, ip: string | undefined): Promise<{ token: string; csrfToken: string }> {
  const token = randomToken();
  const csrfToken = randomToken(18);
  await db.insertInto('sessions').values({
    id: sha256Hex(token), user_id: userId, csrf_token: csrfToken, created_at: at.toISOString(),
    expires_at: new Date(at.getTime() + SESSION_DAYS * 86_400_000).toISOString(), ip: ip ?? null,
  }).execute();
  return { token, csrfToken };
}

/** Users, sessions, organisations, members and API keys. */
export function createAccountService(ctx: ServiceContext, issuers: IssuerService, mail?: MailSender) {
  async function createOrganisation(trx: Kysely<DB>, name: string, owner: { email: string; password: string; name?: string }) {
    const at = ctx.now().toISOString();
    const organisationId = randomUUID();
    await trx.insertInto('organisations').values({ id: organisationId, name: name.trim(), created_at: at, updated_at: at }).execute();
    const email = normaliseEmail(owner.email);
    let user = await trx.selectFrom('users').selectAll().where('email', '=', email).executeTakeFirst();
    if (!user) {
      user = {
        id: randomUUID(), email, name: owner.name?.trim() || null, password_hash: await hashPassword(owner.password),
        email_verified_at: null, created_at: at, sessions_valid_after: null,
      };
      await trx.insertInto('users').values(user).execute();
    }
    await trx.insertInto('memberships').values({ organisation_id: organisationId, user_id: user.id, role: 'owner', created_at: at }).execute();
    const issuer = await issuers.create(SYSTEM, organisationId, { name: name.trim() }, trx);
    const actor: Actor = { kind: 'user', userId: user.id };
    await audit(ctx, trx, actor, { organisationId, action: 'organisation.create', targetType: 'organisation', targetId: organisationId });
    return { organisationId, issuerId: issuer.id, issuerDid: issuer.did, user: { id: user.id, email: user.email, name: user.name } };
  }

  const rateLimit = (key: string) => checkRateLimit(ctx, key);
  const countFailure = (key: string) => countRateLimitFailure(ctx, key);

  async function apiKeyView(organisationId: string): Promise<ApiKeyView[]> {
    const rows = await ctx.db.selectFrom('api_keys').selectAll().where('organisation_id', '=', organisationId).orderBy('created_at', 'desc').execute();
    return rows.map((row) => ({
      id: row.id, name: row.name, scopes: JSON.parse(row.scopes) as ApiKeyScope[], prefix: row.prefix,
      createdAt: row.created_at, lastUsedAt: row.last_used_at, revokedAt: row.revoked_at,
    }));
  }

  async function insertApiKey(trx: Kysely<DB>, organisationId: string, name: string, scopes: ApiKeyScope[], createdBy: string | null) {
    const id = randomUUID();
    const secret = randomToken(24);
    const key = formatApiKey(id, secret);
    await trx.insertInto('api_keys').values({
      id, organisation_id: organisationId, name, prefix: key.slice(0, 12), secret_hash: sha256Hex(secret),
      scopes: JSON.stringify(scopes), created_by: createdBy, created_at: ctx.now().toISOString(), last_used_at: null, revoked_at: null,
    }).execute();
    return { id, key, prefix: key.slice(0, 12) };
  }

  return {
    async needsSetup(): Promise<boolean> {
      const row = await ctx.db.selectFrom('organisations').select('id').limit(1).executeTakeFirst();
      return row === undefined;
    },

    /**
     * The first organisation, its owner and default issuer: the web setup page. Refused once any
     * organisation exists (an open setup page must not become a way in).
     */
    async setup(input: SetupInput): Promise<SetupResult> {
      checkSetupInput(input);
      return ctx.db.transaction().execute(async (trx) => {
        if (ctx.dialect === 'postgres') await sql`lock table organisations in exclusive mode`.execute(trx);
        const any = await trx.selectFrom('organisations').select('id').limit(1).executeTakeFirst();
        if (any) throw new Conflict('this instance is already set up; sign in instead');
        return createOrganisation(trx, input.organisationName, input);
      });
    },

    /**
     * `microcred init`: an organisation with its owner and default issuer, plus an API key that may
     * issue and change status. Works on a set-up instance too (adds another organisation).
     */
    async init(input: SetupInput): Promise<SetupResult & { apiKey: string }> {
      checkSetupInput(input);
      return ctx.db.transaction().execute(async (trx) => {
        const result = await createOrganisation(trx, input.organisationName, input);
        const { key } = await insertApiKey(trx, result.organisationId, 'microcred init', ['issue', 'status', 'read'], result.user.id);
        return { ...result, apiKey: key };
      });
    },

    /**
     * Checks the password and opens a session. Throttled per client and account with growing delays
     * (login-throttle.ts): guesses slow down, the owner's own sign-in from elsewhere does not.
     */
    async login(input: { email: string; password: string; ip?: string }): Promise<{ token: string; csrfToken: string; user: UserView }> {
      checkFields([['/email', emailProblem(input.email)], ['/password', typeof input.password === 'string' && input.password !== '' ? undefined : 'is required']]);
      const email = normaliseEmail(input.email);
      const keys = loginThrottleKeys(email, input.ip);
      await checkLoginThrottle(ctx, keys);
      const user = await ctx.db.selectFrom('users').selectAll().where('email', '=', email).executeTakeFirst();
      const ok = user ? await verifyPassword(user.password_hash, input.password) : (await burnPasswordCheck(input.password), false);
      if (!user || !ok) {
        await countLoginFailure(ctx, keys);
        ctx.metrics.increment('microcred_logins_total', { outcome: 'failure' });
        throw new Unauthorized('e-mail or password is wrong');
      }
      await clearLoginThrottle(ctx, keys);
      const session = await openSession(ctx.db, user.id, ctx.now(), input.ip);
      ctx.metrics.increment('microcred_logins_total', { outcome: 'success' });
      return { ...session, user: { id: user.id, email: user.email, name: user.name } };
    },

    /** The user behind a session cookie, or undefined when it is unknown, expired or logged out. */
    async session(token: string): Promise<{ userId: string; csrfToken: string } | undefined> {
      if (typeof token !== 'string' || token.length < 20 || token.length > 100) return undefined;
      const row = await ctx.db.selectFrom('sessions').innerJoin('users', 'users.id', 'sessions.user_id')
        .select(['sessions.user_id', 'sessions.csrf_token', 'sessions.expires_at', 'sessions.created_at', 'users.sessions_valid_after'])
        .where('sessions.id', '=', sha256Hex(token)).executeTakeFirst();
      if (!row) return undefined;
      const now = ctx.now().toISOString();
      if (row.expires_at <= now) return undefined;
      if (row.sessions_valid_after && row.created_at < row.sessions_valid_after) return undefined;
      return { userId: row.user_id, csrfToken: row.csrf_token };
    },

    async logout(token: string): Promise<void> {
      await ctx.db.deleteFrom('sessions').where('id', '=', sha256Hex(token)).execute();
    },

    /** Ends every session of the user, on every node. */
    async logoutEverywhere(actor: Actor): Promise<void> {
      if (actor.kind !== 'user') throw new Unauthorized();
      await ctx.db.transaction().execute(async (trx) => {
        await trx.deleteFrom('sessions').where('user_id', '=', actor.userId).execute();
        await trx.updateTable('users').set({ sessions_valid_after: ctx.now().toISOString() }).where('id', '=', actor.userId).execute();
        await audit(ctx, trx, actor, { organisationId: null, action: 'user.logout-everywhere', targetType: 'user', targetId: actor.userId });
      });
    },

    /**
     * Changes the signed-in user's password after checking the current one. Every session of the user
     * ends (on every node); the answer is a fresh session for the device that asked.
     */
    async changePassword(actor: Actor, input: { currentPassword: string; newPassword: string; ip?: string }): Promise<{ token: string; csrfToken: string; user: UserView }> {
      if (actor.kind !== 'user') throw new Unauthorized();
      checkFields([['/newPassword', passwordProblem(input.newPassword)]]);
      const key = `login:user:${actor.userId}`;
      await rateLimit(key);
      const user = await ctx.db.selectFrom('users').selectAll().where('id', '=', actor.userId).executeTakeFirst();
      if (!user) throw new Unauthorized();
      if (!(await verifyPassword(user.password_hash, input.currentPassword))) {
        await countFailure(key);
        throw InvalidInput.field('/currentPassword', 'is not your current password');
      }
      const hash = await hashPassword(input.newPassword);
      const at = ctx.now();
      // Sessions made before this instant are void; the new one is made a millisecond later.
      await ctx.db.transaction().execute(async (trx) => {
        await trx.updateTable('users').set({ password_hash: hash, sessions_valid_after: at.toISOString() }).where('id', '=', user.id).execute();
        await trx.deleteFrom('sessions').where('user_id', '=', user.id).execute();
        await audit(ctx, trx, actor, { organisationId: null, action: 'user.change-password', targetType: 'user', targetId: user.id });
      });
      const session = await openSession(ctx.db, user.id, new Date(at.getTime() + 1), input.ip);
      return { ...session, user: { id: user.id, email: user.email, name: user.name } };
    },

    /** The actor an `Authorization: Bearer` API key stands for; undefined when unknown or revoked. */
    async apiKeyActor(key: string, ip?: string): Promise<Actor | undefined> {
      const parsed = parseApiKey(key);
      if (!parsed) return undefined;
      const row = await ctx.db.selectFrom('api_keys').selectAll().where('id', '=', expandUuid(parsed.compactId)).executeTakeFirst();
      if (!row || row.revoked_at || !safeEqual(row.secret_hash, sha256Hex(parsed.secret))) return undefined;
      const now = ctx.now();
      // Recorded at most once a minute, so a busy LMS does not turn every call into a write.
      if (!row.last_used_at || now.getTime() - Date.parse(row.last_used_at) > 60_000) {
        await ctx.db.updateTable('api_keys').set({ last_used_at: now.toISOString() }).where('id', '=', row.id).execute();
      }
      return { kind: 'api-key', keyId: row.id, organisationId: row.organisation_id, scopes: JSON.parse(row.scopes) as ApiKeyScope[], ip };
    },

    async me(actor: Actor): Promise<{ user: UserView; memberships: MembershipView[] }> {
      if (actor.kind !== 'user') throw new Unauthorized();
      const user = await ctx.db.selectFrom('users').select(['id', 'email', 'name']).where('id', '=', actor.userId).executeTakeFirst();
      if (!user) throw new Unauthorized();
      const memberships = await ctx.db.selectFrom('memberships').innerJoin('organisations', 'organisations.id', 'memberships.organisation_id')
        .select(['memberships.organisation_id', 'organisations.name', 'memberships.role'])
        .where('memberships.user_id', '=', actor.userId).orderBy('organisations.created_at').execute();
      return { user, memberships: memberships.map((m) => ({ organisationId: m.organisation_id, organisationName: m.name, role: m.role })) };
    },

    async getOrganisation(actor: Actor, organisationId: string) {
      await requireAccess(ctx, actor, organisationId, { roles: CAN.read, scope: 'read' }, 'organisation');
      const row = await ctx.db.selectFrom('organisations').selectAll().where('id', '=', organisationId).executeTakeFirst();
      if (!row) throw new NotFound('organisation');
      return { id: row.id, name: row.name, createdAt: row.created_at, updatedAt: row.updated_at };
    },

    async updateOrganisation(actor: Actor, organisationId: string, input: { name?: string }) {
      await requireAccess(ctx, actor, organisationId, { roles: CAN.manageOrganisation }, 'organisation');
      checkFields([['/name', input.name === undefined || input.name.trim() !== '' ? undefined : 'must not be empty']]);
      await ctx.db.transaction().execute(async (trx) => {
        await trx.updateTable('organisations').set({ ...(input.name ? { name: input.name.trim() } : {}), updated_at: ctx.now().toISOString() })
          .where('id', '=', organisationId).execute();
        await audit(ctx, trx, actor, { organisationId, action: 'organisation.update', targetType: 'organisation', targetId: organisationId });
      });
      return this.getOrganisation(actor, organisationId);
    },

    async listMembers(actor: Actor, organisationId: string) {
      await requireAccess(ctx, actor, organisationId, { roles: CAN.read }, 'organisation');
      const rows = await ctx.db.selectFrom('memberships').innerJoin('users', 'users.id', 'memberships.user_id')
        .select(['users.id', 'users.email', 'users.name', 'memberships.role', 'memberships.created_at'])
        .where('memberships.organisation_id', '=', organisationId).orderBy('memberships.created_at').execute();
      return rows.map((row) => ({ userId: row.id, email: row.email, name: row.name, role: row.role, since: row.created_at }));
    },

    /**
     * Adds an existing account as a member (it is told by e-mail). An address without an account is
     * refused: it is invited instead (account-links.ts), and chooses its own password.
     */
    async addMember(actor: Actor, organisationId: string, input: { email: string; role: Role }) {
      await requireAccess(ctx, actor, organisationId, { roles: CAN.manageMembers }, 'organisation');
      checkFields([
        ['/email', emailProblem(input.email)],
        ['/role', ROLES.includes(input.role) ? undefined : `must be one of ${ROLES.join(', ')}`],
      ]);
      if (input.role === 'owner') await requireAccess(ctx, actor, organisationId, { roles: ['owner'] }, 'organisation');
      const email = normaliseEmail(input.email);
      const at = ctx.now().toISOString();
      const organisation = await ctx.db.selectFrom('organisations').select('name').where('id', '=', organisationId).executeTakeFirstOrThrow();
      await ctx.db.transaction().execute(async (trx) => {
        // A learner who confirmed this address as one of theirs is that person: no second account for it.
        const user = await trx.selectFrom('users').select(['id', 'email']).where('email', '=', email).executeTakeFirst()
          ?? await trx.selectFrom('user_emails').innerJoin('users', 'users.id', 'user_emails.user_id').select(['users.id', 'users.email'])
            .where('user_emails.email', '=', email).where('user_emails.verified_at', 'is not', null).executeTakeFirst();
        if (!user) throw InvalidInput.field('/email', 'has no account yet: send an invitation instead (they choose their own password)');
        const existing = await trx.selectFrom('memberships').select('role').where('organisation_id', '=', organisationId).where('user_id', '=', user.id).executeTakeFirst();
        if (existing) throw new Conflict('this person is already a member');
        await trx.insertInto('memberships').values({ organisation_id: organisationId, user_id: user.id, role: input.role, created_at: at }).execute();
        await audit(ctx, trx, actor, { organisationId, action: 'member.add', targetType: 'user', targetId: user.id, details: { role: input.role } });
        if (mail) {
          const { text, html } = composeMail({
            brand: await mailBrandIn(trx, organisationId),
            title: `You are now a member of ${organisation.name}`,
            greeting: 'Hello,',
            parts: [
              mailParts.emphasis(`You were added to ${organisation.name} on microcred as `, input.role, '.'),
              mailParts.button('Open the console', `${ctx.config.publicUrl}/console`),
              mailParts.note('Sign in with your usual password. If this is a mistake, tell the organisation or ignore this message.'),
            ],
          });
          await mail.sendMany(trx, [{ organisationId, to: user.email, subject: `You are now a member of ${organisation.name} on microcred`, text, html }]);
        }
      });
      mail?.kick();
      return this.listMembers(actor, organisationId);
    },

    async changeRole(actor: Actor, organisationId: string, userId: string, role: Role) {
      await requireAccess(ctx, actor, organisationId, { roles: CAN.manageMembers }, 'organisation');
      checkFields([['/role', ROLES.includes(role) ? undefined : `must be one of ${ROLES.join(', ')}`]]);
      const actorRole = await actingRole(actor, organisationId);
      await ctx.db.transaction().execute(async (trx) => {
        const current = await trx.selectFrom('memberships').select('role').where('organisation_id', '=', organisationId).where('user_id', '=', userId).executeTakeFirst();
        if (!current) throw new NotFound('member');
        if (current.role === 'owner' || role === 'owner') requireOwner(actorRole);
        if (current.role === 'owner' && role !== 'owner') await ensureAnotherOwner(trx, organisationId, userId);
        await trx.updateTable('memberships').set({ role }).where('organisation_id', '=', organisationId).where('user_id', '=', userId).execute();
        await audit(ctx, trx, actor, { organisationId, action: 'member.role', targetType: 'user', targetId: userId, details: { from: current.role, to: role } });
      });
      return this.listMembers(actor, organisationId);
    },

    async removeMember(actor: Actor, organisationId: string, userId: string): Promise<void> {
      await requireAccess(ctx, actor, organisationId, { roles: CAN.manageMembers }, 'organisation');
      const actorRole = await actingRole(actor, organisationId);
      await ctx.db.transaction().execute(async (trx) => {
        const current = await trx.selectFrom('memberships').select('role').where('organisation_id', '=', organisationId).where('user_id', '=', userId).executeTakeFirst();
        if (!current) throw new NotFound('member');
        if (current.role === 'owner') {
          requireOwner(actorRole);
          await ensureAnotherOwner(trx, organisationId, userId);
        }
        await trx.deleteFrom('memberships').where('organisation_id', '=', organisationId).where('user_id', '=', userId).execute();
        await audit(ctx, trx, actor, { organisationId, action: 'member.remove', targetType: 'user', targetId: userId });
      });
    },

    async listApiKeys(actor: Actor, organisationId: string): Promise<ApiKeyView[]> {
      await requireAccess(ctx, actor, organisationId, { roles: CAN.manageApiKeys }, 'organisation');
      return apiKeyView(organisationId);
    },

    /** Creates an API key; the key is in the answer and nowhere else (only its hash is kept). */
    async createApiKey(actor: Actor, organisationId: string, input: { name: string; scopes: ApiKeyScope[] }): Promise<ApiKeyView & { key: string }> {
      await requireAccess(ctx, actor, organisationId, { roles: CAN.manageApiKeys }, 'organisation');
      const scopes = [...new Set(input.scopes ?? [])];
      checkFields([
        ['/name', typeof input.name === 'string' && input.name.trim() !== '' && input.name.length <= 100 ? undefined : 'is required (at most 100 characters)'],
        ['/scopes', scopes.length > 0 && scopes.every((scope) => API_KEY_SCOPES.includes(scope)) ? undefined : `must list one or more of ${API_KEY_SCOPES.join(', ')}`],
      ]);
      return ctx.db.transaction().execute(async (trx) => {
        const created = await insertApiKey(trx, organisationId, input.name.trim(), scopes, actor.kind === 'user' ? actor.userId : null);
        await audit(ctx, trx, actor, { organisationId, action: 'api-key.create', targetType: 'api-key', targetId: created.id, details: { scopes } });
        return { id: created.id, name: input.name.trim(), scopes, prefix: created.prefix, createdAt: ctx.now().toISOString(), lastUsedAt: null, revokedAt: null, key: created.key };
      });
    },

    async revokeApiKey(actor: Actor, organisationId: string, keyId: string): Promise<void> {
      await requireAccess(ctx, actor, organisationId, { roles: CAN.manageApiKeys }, 'organisation');
      await ctx.db.transaction().execute(async (trx) => {
        const row = await trx.selectFrom('api_keys').select(['id', 'revoked_at']).where('id', '=', keyId).where('organisation_id', '=', organisationId).executeTakeFirst();
        if (!row) throw new NotFound('API key');
        if (!row.revoked_at) await trx.updateTable('api_keys').set({ revoked_at: ctx.now().toISOString() }).where('id', '=', keyId).execute();
        await audit(ctx, trx, actor, { organisationId, action: 'api-key.revoke', targetType: 'api-key', targetId: keyId });
      });
    },

    async listAudit(actor: Actor, organisationId: string, options: { limit?: number; before?: string } = {}) {
      await requireAccess(ctx, actor, organisationId, { roles: CAN.readAudit }, 'organisation');
      const limit = Math.min(Math.max(options.limit ?? 50, 1), 500);
      let query = ctx.db.selectFrom('audit_log').selectAll().where('organisation_id', '=', organisationId);
      if (options.before) query = query.where('at', '<', options.before);
      const rows = await query.orderBy('at', 'desc').orderBy('id', 'desc').limit(limit).execute();
      return rows.map((row) => ({
        id: row.id, at: row.at, actor: { type: row.actor_type, id: row.actor_id }, action: row.action,
        targetType: row.target_type, targetId: row.target_id, ip: row.ip, details: row.details ? JSON.parse(row.details) as unknown : null,
      }));
    },
  };

  /** The acting user's role, read before a transaction opens (SQLite has one connection: no reads on ctx.db inside). */
  async function actingRole(actor: Actor, organisationId: string): Promise<Role | 'system' | undefined> {
    if (actor.kind === 'system') return 'system';
    return actor.kind === 'user' ? roleOf(ctx, actor.userId, organisationId) : undefined;
  }

  function requireOwner(role: Role | 'system' | undefined): void {
    if (role !== 'owner' && role !== 'system') throw new Forbidden('only an owner may change owners');
  }

  async function ensureAnotherOwner(trx: Kysely<DB>, organisationId: string, leavingUserId: string): Promise<void> {
    const others = await trx.selectFrom('memberships').select('user_id').where('organisation_id', '=', organisationId)
      .where('role', '=', 'owner').where('user_id', '!=', leavingUserId).limit(1).executeTakeFirst();
    if (!others) throw new Forbidden('an organisation keeps at least one owner');
  }
}

export type AccountService = ReturnType<typeof createAccountService>;
