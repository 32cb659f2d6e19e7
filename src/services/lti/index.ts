import { randomUUID } from 'node:crypto';
import { decodeJwt, decodeProtectedHeader, errors as joseErrors, jwtVerify } from 'jose';
import type { JobHandler, JobQueue } from '../../queue/index.ts';
import type { Row } from '../../store/schema.ts';
import { CAN, requireAccess, SYSTEM, type Actor } from '../access.ts';
import type { AchievementView } from '../achievements/index.ts';
import { audit } from '../audit.ts';
import type { ServiceContext } from '../context.ts';
import type { CredentialService } from '../credentials/index.ts';
import { InvalidInput, NotFound } from '../errors.ts';
import { randomToken, sha256Hex } from '../tokens.ts';
import { AdvantageError, listLineItems, listMembers, listResults, requestAccessToken, type LineItem } from './advantage.ts';
import { checkLaunchPayload, CLAIM, isLearnerRole, isTeachingRole, LaunchRefused, LTI_VERSION, SCOPE, type LaunchClaims } from './claims.ts';
import { createPlatformJwksCache } from './platform-jwks.ts';
import { createToolKeys } from './tool-key.ts';

export { LaunchRefused } from './claims.ts';
export { AdvantageError } from './advantage.ts';

export const LTI_SYNC_JOB_KIND = 'lti.sync';
export const LTI_AWARD_JOB_KIND = 'lti.award';
export const LTI_SCHEDULE_JOB_KIND = 'lti.schedule';
export interface LtiSyncPayload { courseId: string }
export interface LtiAwardPayload { awardId: string }

/** How long a login initiation waits for its launch, and a launch's pages stay usable. */
const STATE_TTL_MS = 10 * 60_000;
const SESSION_TTL_MS = 2 * 3_600_000;
/** Largest age of an id_token's iat accepted (beside exp), and the clock skew allowed. */
const MAX_TOKEN_AGE_S = 10 * 60;
const CLOCK_TOLERANCE_S = 60;

export interface LtiPlatformView {
  id: string;
  name: string;
  issuer: string;
  clientId: string;
  deploymentIds: string[];
  jwksUrl: string;
  authLoginUrl: string;
  tokenUrl: string;
  tokenAudience: string | null;
  createdAt: string;
}

export interface LtiPlatformInput {
  name: string;
  issuer: string;
  clientId: string;
  deploymentIds: string[];
  jwksUrl: string;
  authLoginUrl: string;
  tokenUrl: string;
  tokenAudience?: string | null;
}

export interface LtiToolConfiguration {
  loginUrl: string;
  launchUrl: string;
  redirectUris: string[];
  jwksUrl: string;
  deepLinkingUrl: string;
  scopes: string[];
  customParameters: string;
}

export interface LtiCourseView {
  id: string;
  platformId: string;
  contextId: string;
  contextTitle: string | null;
  achievementId: string;
  lineItemUrl: string;
  lineItemLabel: string | null;
  minScore: number;
  lastRunAt: string | null;
  lastError: string | null;
  awards: number;
}

export interface LtiRunResult { members: number; met: number; newAwards: number; withoutEmail: number }

interface Session {
  token: string;
  platform: Row<'lti_platforms'>;
  deploymentId: string;
  subject: string;
  claims: LaunchClaims;
}

/** What a launch shows, by who launched and why. */
export type LaunchOutcome =
  | { kind: 'instructor'; session: string; page: InstructorPage }
  | { kind: 'learner'; page: LearnerPage }
  | { kind: 'deep-linking'; session: string; achievements: { id: string; name: string; description: string }[]; acceptMultiple: boolean };

export interface InstructorPage {
  courseTitle: string;
  achievements: { id: string; name: string }[];
  lineItems: LineItem[];
  /** Why line items could not be listed (no AGS in this launch, or the platform refused). */
  lineItemsProblem?: string;
  canMap: boolean;
  mapping?: LtiCourseView;
  suggestedAchievementId?: string;
  notice?: string;
}

export interface LearnerPage {
  courseTitle: string;
  achievementName?: string;
  credential?: { issuedAt: string; sentTo: string };
  rule?: { lineItemLabel: string; minPercent: number };
  yourPercent?: number | null;
}

function platformView(row: Row<'lti_platforms'>): LtiPlatformView {
  return {
    id: row.id, name: row.name, issuer: row.issuer, clientId: row.client_id, deploymentIds: JSON.parse(row.deployment_ids) as string[],
    jwksUrl: row.jwks_url, authLoginUrl: row.auth_login_url, tokenUrl: row.token_url, tokenAudience: row.token_audience, createdAt: row.created_at,
  };
}

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === 'https:' || url.protocol === 'http:') && !url.username && !url.password;
  } catch {
    return false;
  }
}

/**
 * microcred as an LTI 1.3 tool (LTI Advantage): platforms registered per organisation, OIDC login
 * initiation and launch validation, Deep Linking, and courses mapped by their instructors to an
 * achievement and a completion rule read through Assignment and Grade Services and Names and Role
 * Provisioning Services. Every learner who meets the rule gets the credential exactly once: the award
 * row is unique per course and learner, and its credential is issued by a job with an idempotency key.
 */
export function createLtiService(ctx: ServiceContext, deps: {
  credentials: Pick<CredentialService, 'issue'>;
  achievements: { list(actor: Actor, organisationId: string): Promise<AchievementView[]> };
}) {
  const base = ctx.config.publicUrl.replace(/\/$/, '');
  const toolKeys = createToolKeys(ctx);
  const jwks = createPlatformJwksCache({ fetch: ctx.fetch, now: ctx.now });

  async function achievementsOf(organisationId: string) {
    return (await deps.achievements.list(SYSTEM, organisationId)).map((a) => ({ id: a.id, name: a.name, description: a.description }));
  }

  async function openSession(token: unknown): Promise<Session> {
    if (typeof token !== 'string' || token.length < 20 || token.length > 100) throw new LaunchRefused('this page needs a launch from the LMS: open the link in your course again', 401);
    const row = await ctx.db.selectFrom('lti_sessions').innerJoin('lti_platforms', 'lti_platforms.id', 'lti_sessions.platform_id')
      .selectAll('lti_platforms').select(['lti_sessions.deployment_id', 'lti_sessions.subject', 'lti_sessions.claims', 'lti_sessions.expires_at'])
      .where('lti_sessions.token_hash', '=', sha256Hex(token)).executeTakeFirst();
    if (!row || row.expires_at < ctx.now().toISOString()) throw new LaunchRefused('this launch has expired: open the link in your course again', 401);
    const { deployment_id: deploymentId, subject, claims, expires_at: _expires, ...platform } = row;
    return { token, platform, deploymentId, subject, claims: JSON.parse(claims) as LaunchClaims };
  }

  function courseView(row: Row<'lti_courses'>, awards: number): LtiCourseView {
    return {
      id: row.id, platformId: row.platform_id, contextId: row.context_id, contextTitle: row.context_title, achievementId: row.achievement_id,
      lineItemUrl: row.line_item_url, lineItemLabel: row.line_item_label, minScore: row.min_score, lastRunAt: row.last_run_at, lastError: row.last_error, awards,
    };
  }

  async function courseOf(session: Session): Promise<Row<'lti_courses'> | undefined> {
    if (!session.claims.context) return undefined;
    return ctx.db.selectFrom('lti_courses').selectAll().where('platform_id', '=', session.platform.id).where('deployment_id', '=', session.deploymentId)
      .where('context_id', '=', session.claims.context.id).executeTakeFirst();
  }

  async function awardCount(courseId: string): Promise<number> {
    const row = await ctx.db.selectFrom('lti_awards').select((eb) => eb.fn.countAll<string>().as('n')).where('course_id', '=', courseId).executeTakeFirstOrThrow();
    return Number(row.n);
  }

  function access(platform: Row<'lti_platforms'>) {
    return { clientId: platform.client_id, tokenUrl: platform.token_url, audience: platform.token_audience };
  }

  async function instructorPage(session: Session, notice?: string): Promise<InstructorPage> {
    const claims = session.claims;
    const course = await courseOf(session);
    const page: InstructorPage = {
      courseTitle: claims.context?.title ?? claims.context?.label ?? 'this course',
      achievements: (await achievementsOf(session.platform.organisation_id)).map(({ id, name }) => ({ id, name })),
      lineItems: [],
      canMap: claims.context !== undefined && claims.nrps !== undefined && claims.ags !== undefined,
      ...(course ? { mapping: courseView(course, await awardCount(course.id)) } : {}),
      ...(claims.custom.microcred_achievement_id ? { suggestedAchievementId: claims.custom.microcred_achievement_id } : {}),
      ...(notice ? { notice } : {}),
    };
    if (!claims.ags?.lineitems) {
      page.lineItemsProblem = 'This launch does not offer Assignment and Grade Services (enable them for microcred in the LMS).';
    } else if (!claims.nrps) {
      page.lineItemsProblem = 'This launch does not offer Names and Role Provisioning Services (enable them for microcred in the LMS).';
    } else {
      try {
        const token = await requestAccessToken({ fetch: ctx.fetch, key: await toolKeys.get() }, access(session.platform), [SCOPE.lineItemReadonly]);
        page.lineItems = await listLineItems(ctx.fetch, claims.ags.lineitems, token);
      } catch (error) {
        if (!(error instanceof AdvantageError)) throw error;
        page.lineItemsProblem = error.message;
      }
    }
    return page;
  }

  async function learnerPage(session: Session): Promise<LearnerPage> {
    const course = await courseOf(session);
    const page: LearnerPage = { courseTitle: session.claims.context?.title ?? session.claims.context?.label ?? 'this course' };
    if (!course) return page;
    const achievement = await ctx.db.selectFrom('achievement_versions').innerJoin('achievements', (join) => join
      .onRef('achievements.id', '=', 'achievement_versions.achievement_id').onRef('achievements.current_version', '=', 'achievement_versions.version'))
      .select('achievement_versions.data').where('achievements.id', '=', course.achievement_id).executeTakeFirst();
    page.achievementName = achievement ? String((JSON.parse(achievement.data) as { name?: unknown }).name ?? '') : '';
    page.rule = { lineItemLabel: course.line_item_label ?? 'the course grade', minPercent: Math.round(course.min_score * 1000) / 10 };
    // Hers through this course, or earned before under the same achievement with the e-mail this launch carries.
    const email = session.claims.email?.toLowerCase();
    const award = await ctx.db.selectFrom('lti_awards').leftJoin('credentials', 'credentials.id', 'lti_awards.credential_id')
      .select(['lti_awards.email', 'lti_awards.credential_id', 'credentials.issued_at'])
      .where('lti_awards.organisation_id', '=', course.organisation_id).where('lti_awards.achievement_id', '=', course.achievement_id)
      .where((eb) => eb.or([
        eb.and([eb('lti_awards.platform_id', '=', course.platform_id), eb('lti_awards.subject', '=', session.subject)]),
        ...(email ? [eb('lti_awards.email', '=', email)] : []),
      ])).executeTakeFirst();
    if (award?.credential_id && award.issued_at) {
      page.credential = { issuedAt: award.issued_at, sentTo: award.email };
      return page;
    }
    try {
      const token = await requestAccessToken({ fetch: ctx.fetch, key: await toolKeys.get() }, access(session.platform), [SCOPE.resultReadonly]);
      const mine = (await listResults(ctx.fetch, course.line_item_url, token, session.subject)).find((result) => result.userId === session.subject);
      page.yourPercent = mine?.score == null ? null : Math.round(mine.score * 1000) / 10;
    } catch (error) {
      if (!(error instanceof AdvantageError)) throw error;
    }
    return page;
  }

  const service = {
    toolKeys,

    /** The URLs an LMS administrator pastes into the platform's tool registration. */
    toolConfiguration(): LtiToolConfiguration {
      return {
        loginUrl: `${base}/lti/login`, launchUrl: `${base}/lti/launch`, redirectUris: [`${base}/lti/launch`], jwksUrl: `${base}/lti/jwks.json`,
        deepLinkingUrl: `${base}/lti/launch`, scopes: [SCOPE.lineItemReadonly, SCOPE.resultReadonly, SCOPE.memberships],
        customParameters: 'none needed: deep linking sets microcred_achievement_id on each item it adds',
      };
    },

    async listPlatforms(actor: Actor, organisationId: string): Promise<LtiPlatformView[]> {
      await requireAccess(ctx, actor, organisationId, { roles: CAN.read, scope: 'read' }, 'organisation');
      const rows = await ctx.db.selectFrom('lti_platforms').selectAll().where('organisation_id', '=', organisationId).orderBy('created_at').execute();
      return rows.map(platformView);
    },

    async createPlatform(actor: Actor, organisationId: string, input: LtiPlatformInput): Promise<LtiPlatformView> {
      await requireAccess(ctx, actor, organisationId, { roles: CAN.manageOrganisation }, 'organisation');
      const problems: { pointer: string; message: string }[] = [];
      for (const field of ['jwksUrl', 'authLoginUrl', 'tokenUrl'] as const) if (!isHttpUrl(input[field])) problems.push({ pointer: `/${field}`, message: 'must be an http(s) URL' });
      if (!isHttpUrl(input.issuer)) problems.push({ pointer: '/issuer', message: 'must be the platform\'s issuer URL (the iss of its launches)' });
      const deploymentIds = [...new Set(input.deploymentIds.map((id) => id.trim()).filter(Boolean))];
      if (deploymentIds.length === 0) problems.push({ pointer: '/deploymentIds', message: 'must name at least one deployment id' });
      if (problems.length > 0) throw new InvalidInput(`${problems[0]!.pointer.slice(1)} ${problems[0]!.message}`, problems);
      const clash = await ctx.db.selectFrom('lti_platforms').select('id').where('issuer', '=', input.issuer).where('client_id', '=', input.clientId).executeTakeFirst();
      if (clash) throw InvalidInput.field('/clientId', 'is already registered for this issuer (a platform registration belongs to one organisation)');
      const row: Row<'lti_platforms'> = {
        id: randomUUID(), organisation_id: organisationId, name: input.name.trim(), issuer: input.issuer, client_id: input.clientId.trim(),
        deployment_ids: JSON.stringify(deploymentIds), jwks_url: input.jwksUrl, auth_login_url: input.authLoginUrl, token_url: input.tokenUrl,
        token_audience: input.tokenAudience?.trim() || null,
        created_by: actor.kind === 'user' ? actor.userId : null, created_at: ctx.now().toISOString(),
      };
      await ctx.db.transaction().execute(async (trx) => {
        await trx.insertInto('lti_platforms').values(row).execute();
        await audit(ctx, trx, actor, { organisationId, action: 'lti.platform.create', targetType: 'lti-platform', targetId: row.id, details: { issuer: row.issuer } });
      });
      return platformView(row);
    },

    async deletePlatform(actor: Actor, organisationId: string, platformId: string): Promise<void> {
      await requireAccess(ctx, actor, organisationId, { roles: CAN.manageOrganisation }, 'organisation');
      await ctx.db.transaction().execute(async (trx) => {
        const deleted = await trx.deleteFrom('lti_platforms').where('id', '=', platformId).where('organisation_id', '=', organisationId).executeTakeFirst();
        if (Number(deleted.numDeletedRows) !== 1) throw new NotFound('LTI platform');
        await audit(ctx, trx, actor, { organisationId, action: 'lti.platform.delete', targetType: 'lti-platform', targetId: platformId });
      });
    },

    async listCourses(actor: Actor, organisationId: string): Promise<LtiCourseView[]> {
      await requireAccess(ctx, actor, organisationId, { roles: CAN.read, scope: 'read' }, 'organisation');
      const rows = await ctx.db.selectFrom('lti_courses').selectAll().where('organisation_id', '=', organisationId).orderBy('created_at').execute();
      return Promise.all(rows.map(async (row) => courseView(row, await awardCount(row.id))));
    },

    /**
     * OIDC third-party login initiation (LTI 1.3 §4.1, Security Framework §5.1.1): finds the platform,
     * keeps a fresh state and nonce, and answers the authentication request URL to redirect to.
     */
    async login(params: Record<string, unknown>): Promise<string> {
      const get = (name: string) => (typeof params[name] === 'string' && (params[name] as string).length > 0 ? (params[name] as string).slice(0, 2048) : undefined);
      const iss = get('iss');
      const loginHint = get('login_hint');
      const targetLinkUri = get('target_link_uri');
      if (!iss || !loginHint || !targetLinkUri) throw new LaunchRefused('the login initiation must carry iss, login_hint and target_link_uri', 400);
      if (!targetLinkUri.startsWith(`${base}/`)) throw new LaunchRefused('target_link_uri is not a microcred launch URL', 400);
      const clientId = get('client_id');
      let query = ctx.db.selectFrom('lti_platforms').selectAll().where('issuer', '=', iss);
      if (clientId) query = query.where('client_id', '=', clientId);
      const platforms = await query.limit(2).execute();
      if (platforms.length === 0) throw new LaunchRefused(`no LTI platform is registered in microcred with issuer ${iss}${clientId ? ` and client id ${clientId}` : ''}`, 400);
      if (platforms.length > 1) throw new LaunchRefused('several registrations share this issuer: the platform must send client_id', 400);
      const platform = platforms[0]!;
      const deployment = get('lti_deployment_id');
      if (deployment && !(JSON.parse(platform.deployment_ids) as string[]).includes(deployment)) throw new LaunchRefused(`deployment ${deployment} is not registered for this platform in microcred`, 403);
      const state = randomToken(24);
      const nonce = randomToken(24);
      await ctx.db.insertInto('lti_states').values({ state, nonce, platform_id: platform.id, expires_at: new Date(ctx.now().getTime() + STATE_TTL_MS).toISOString() }).execute();
      const url = new URL(platform.auth_login_url);
      const auth: Record<string, string> = {
        scope: 'openid', response_type: 'id_token', response_mode: 'form_post', prompt: 'none', client_id: platform.client_id,
        redirect_uri: `${base}/lti/launch`, login_hint: loginHint, state, nonce,
      };
      const messageHint = get('lti_message_hint');
      if (messageHint) auth.lti_message_hint = messageHint;
      for (const [key, value] of Object.entries(auth)) url.searchParams.set(key, value);
      return url.toString();
    },

    /**
     * The launch (the authentication response, LTI 1.3 §5.1.3): the state is consumed (single use),
     * the id_token's signature checked against the platform's JWKS, then iss, aud/azp, exp/iat, nonce,
     * deployment, message type and version. Answers what to show.
     */
    async launch(form: { id_token?: unknown; state?: unknown; error?: unknown; error_description?: unknown }): Promise<LaunchOutcome> {
      if (typeof form.error === 'string') throw new LaunchRefused(`the platform refused the login: ${form.error}${typeof form.error_description === 'string' ? ` (${form.error_description.slice(0, 300)})` : ''}`, 400);
      if (typeof form.id_token !== 'string' || typeof form.state !== 'string') throw new LaunchRefused('the launch must post id_token and state', 400);
      const state = await ctx.db.deleteFrom('lti_states').where('state', '=', form.state.slice(0, 200)).returningAll().executeTakeFirst();
      if (!state || state.expires_at < ctx.now().toISOString()) throw new LaunchRefused('the launch\'s state is unknown, used before, or expired: start again from the LMS');
      const platform = await ctx.db.selectFrom('lti_platforms').selectAll().where('id', '=', state.platform_id).executeTakeFirst();
      if (!platform) throw new LaunchRefused('the platform of this launch is no longer registered');
      let unverified;
      try {
        unverified = decodeJwt(form.id_token);
        if (decodeProtectedHeader(form.id_token).alg !== 'RS256') throw new LaunchRefused('the id_token must be signed with RS256');
      } catch (error) {
        if (error instanceof LaunchRefused) throw error;
        throw new LaunchRefused('the id_token is not a JWT', 400);
      }
      if (unverified.iss !== platform.issuer) throw new LaunchRefused(`the id_token's issuer ${JSON.stringify(unverified.iss ?? null)} is not the platform the login started with`);
      let payload: Record<string, unknown>;
      try {
        ({ payload } = await jwtVerify(form.id_token, jwks.resolver(platform.jwks_url), {
          algorithms: ['RS256'], issuer: platform.issuer, currentDate: ctx.now(), clockTolerance: CLOCK_TOLERANCE_S, maxTokenAge: MAX_TOKEN_AGE_S, requiredClaims: ['exp', 'iat'],
        }));
      } catch (error) {
        if (error instanceof joseErrors.JWTExpired) throw new LaunchRefused('the id_token has expired');
        if (error instanceof joseErrors.JWTClaimValidationFailed) throw new LaunchRefused(`the id_token's ${error.claim} claim is not acceptable (${error.reason})`);
        if (error instanceof joseErrors.JWSSignatureVerificationFailed || error instanceof joseErrors.JWKSNoMatchingKey) throw new LaunchRefused('the id_token\'s signature does not verify with the platform\'s keys (JWKS)');
        if (error instanceof joseErrors.JOSEError) throw new LaunchRefused(`the id_token could not be verified (${error.code})`);
        ctx.log.warn({ platformId: platform.id, err: error instanceof Error ? error.message : String(error) }, 'LTI launch: the platform\'s JWKS could not be read');
        throw new LaunchRefused('the platform\'s keys (JWKS URL) could not be read to check the launch');
      }
      const checked = checkLaunchPayload(payload, { clientId: platform.client_id, nonce: state.nonce, deploymentIds: JSON.parse(platform.deployment_ids) as string[] });
      const token = randomToken(32);
      await ctx.db.insertInto('lti_sessions').values({
        token_hash: sha256Hex(token), platform_id: platform.id, deployment_id: checked.deploymentId, subject: checked.subject,
        claims: JSON.stringify(checked.claims), expires_at: new Date(ctx.now().getTime() + SESSION_TTL_MS).toISOString(),
      }).execute();
      const session: Session = { token, platform, deploymentId: checked.deploymentId, subject: checked.subject, claims: checked.claims };
      const teaching = isTeachingRole(checked.claims.roles);
      if (checked.claims.messageType === 'LtiDeepLinkingRequest') {
        if (!teaching) throw new LaunchRefused('only an instructor can add microcred items to a course', 403);
        return { kind: 'deep-linking', session: token, achievements: await achievementsOf(platform.organisation_id), acceptMultiple: checked.claims.deepLinking!.acceptMultiple };
      }
      if (teaching) return { kind: 'instructor', session: token, page: await instructorPage(session) };
      if (!isLearnerRole(checked.claims.roles) && checked.claims.roles.length > 0) ctx.log.info({ platformId: platform.id }, 'LTI launch by a role neither teaching nor learning: shown the learner page');
      return { kind: 'learner', page: await learnerPage(session) };
    },

    /**
     * Deep Linking 2.0 §4.5: the instructor's choice as a signed LtiDeepLinkingResponse, to be posted
     * (by an auto-submitting form) to the platform's return URL.
     */
    async deepLinkResponse(sessionToken: unknown, achievementIds: string[]): Promise<{ returnUrl: string; jwt: string }> {
      const session = await openSession(sessionToken);
      const settings = session.claims.deepLinking;
      if (session.claims.messageType !== 'LtiDeepLinkingRequest' || !settings) throw new LaunchRefused('this launch was not a deep linking request', 400);
      if (!isTeachingRole(session.claims.roles)) throw new LaunchRefused('only an instructor can add microcred items to a course', 403);
      const offered = new Map((await achievementsOf(session.platform.organisation_id)).map((a) => [a.id, a]));
      const chosen = [...new Set(achievementIds)].map((id) => offered.get(id));
      if (chosen.some((a) => a === undefined)) throw new LaunchRefused('choose micro-credentials of this organisation', 400);
      if (!settings.acceptMultiple && chosen.length > 1) throw new LaunchRefused('the LMS accepts one item here: choose one micro-credential', 400);
      const items = chosen.map((a) => ({
        type: 'ltiResourceLink', title: `Earn this micro-credential: ${a!.name}`.slice(0, 255), text: a!.description.slice(0, 1000),
        url: `${base}/lti/launch`, custom: { microcred_achievement_id: a!.id },
      }));
      const key = await toolKeys.get();
      const jwt = await key.sign({
        iss: session.platform.client_id, aud: [session.platform.issuer], nonce: randomToken(16),
        [CLAIM.messageType]: 'LtiDeepLinkingResponse', [CLAIM.version]: LTI_VERSION, [CLAIM.deploymentId]: session.deploymentId,
        [CLAIM.contentItems]: items,
        ...(settings.data !== undefined ? { [CLAIM.dlData]: settings.data } : {}),
        ...(items.length === 0 ? {} : { [CLAIM.dlMessage]: `Added ${items.length} microcred item${items.length === 1 ? '' : 's'}` }),
      });
      return { returnUrl: settings.returnUrl, jwt };
    },

    /** The instructor's mapping: this course, this achievement, this line item at or above this share. */
    async mapCourse(sessionToken: unknown, input: { achievementId: string; lineItemUrl: string; minPercent: number }): Promise<InstructorPage> {
      const session = await openSession(sessionToken);
      const claims = session.claims;
      if (!isTeachingRole(claims.roles)) throw new LaunchRefused('only an instructor can map the course', 403);
      if (!claims.context || !claims.nrps || !claims.ags?.lineitems) throw new LaunchRefused('this launch lacks the course context, AGS or NRPS the mapping needs', 400);
      if (!(input.minPercent >= 0 && input.minPercent <= 100)) throw new LaunchRefused('the threshold must be a percentage from 0 to 100', 400);
      const achievements = await achievementsOf(session.platform.organisation_id);
      if (!achievements.some((a) => a.id === input.achievementId)) throw new LaunchRefused('choose a micro-credential of this organisation', 400);
      const token = await requestAccessToken({ fetch: ctx.fetch, key: await toolKeys.get() }, access(session.platform), [SCOPE.lineItemReadonly]);
      // Only a line item of this course (as the platform lists it) may be read later with the tool's token.
      const lineItem = (await listLineItems(ctx.fetch, claims.ags.lineitems, token)).find((item) => item.id === input.lineItemUrl);
      if (!lineItem) throw new LaunchRefused('choose one of this course\'s grade items', 400);
      const existing = await courseOf(session);
      const now = ctx.now().toISOString();
      const values = {
        achievement_id: input.achievementId, line_item_url: lineItem.id, line_item_label: lineItem.label.slice(0, 300), min_score: input.minPercent / 100,
        memberships_url: claims.nrps.contextMembershipsUrl, context_title: claims.context.title ?? null,
      };
      await ctx.db.transaction().execute(async (trx) => {
        let courseId = existing?.id;
        if (existing) {
          await trx.updateTable('lti_courses').set(values).where('id', '=', existing.id).execute();
        } else {
          courseId = randomUUID();
          await trx.insertInto('lti_courses').values({
            id: courseId, organisation_id: session.platform.organisation_id, platform_id: session.platform.id, deployment_id: session.deploymentId,
            context_id: claims.context!.id, created_by: session.subject, created_at: now, last_run_at: null, last_error: null, ...values,
          }).onConflict((oc) => oc.columns(['platform_id', 'deployment_id', 'context_id']).doUpdateSet(values)).execute();
        }
        await audit(ctx, trx, SYSTEM, { organisationId: session.platform.organisation_id, action: existing ? 'lti.course.update' : 'lti.course.map', targetType: 'lti-course', targetId: courseId!, details: { achievementId: input.achievementId, platformId: session.platform.id } });
      });
      return instructorPage(session, 'Saved. microcred checks the grades every hour; "Issue now" checks them at once.');
    },

    /** On demand, from the instructor's page: the same run the schedule makes. */
    async runFromLaunch(sessionToken: unknown): Promise<InstructorPage> {
      const session = await openSession(sessionToken);
      if (!isTeachingRole(session.claims.roles)) throw new LaunchRefused('only an instructor can issue for the course', 403);
      const course = await courseOf(session);
      if (!course) throw new LaunchRefused('map the course to a micro-credential first', 400);
      const result = await service.runCourse(course.id);
      return instructorPage(session, `${result.met} of ${result.members} learners meet the rule; ${result.newAwards} new credential${result.newAwards === 1 ? '' : 's'} on the way${result.withoutEmail ? `; ${result.withoutEmail} learner(s) meeting it have no e-mail address in the roster` : ''}.`);
    },

    /**
     * Reads the roster (NRPS) and the line item's results (AGS), and records an award for every
     * active learner at or above the threshold with an e-mail address; each new award queues its
     * issuance. Running it again adds no award twice (unique per course and learner).
     */
    async runCourse(courseId: string): Promise<LtiRunResult> {
      const course = await ctx.db.selectFrom('lti_courses').innerJoin('lti_platforms', 'lti_platforms.id', 'lti_courses.platform_id')
        .selectAll('lti_courses').select(['lti_platforms.client_id', 'lti_platforms.token_url', 'lti_platforms.token_audience']).where('lti_courses.id', '=', courseId).executeTakeFirst();
      if (!course) throw new NotFound('LTI course');
      const now = ctx.now().toISOString();
      try {
        const token = await requestAccessToken({ fetch: ctx.fetch, key: await toolKeys.get() }, { clientId: course.client_id, tokenUrl: course.token_url, audience: course.token_audience }, [SCOPE.resultReadonly, SCOPE.memberships]);
        const [members, results] = await Promise.all([listMembers(ctx.fetch, course.memberships_url, token), listResults(ctx.fetch, course.line_item_url, token)]);
        const learners = new Map(members.filter((m) => m.active && isLearnerRole(m.roles)).map((m) => [m.userId, m]));
        const outcome: LtiRunResult = { members: learners.size, met: 0, newAwards: 0, withoutEmail: 0 };
        await ctx.db.transaction().execute(async (trx) => {
          for (const result of results) {
            const learner = learners.get(result.userId);
            if (!learner || result.score === null || result.score < course.min_score) continue;
            outcome.met++;
            if (!learner.email) {
              outcome.withoutEmail++;
              continue;
            }
            const awardId = randomUUID();
            const evidence = `${course.line_item_label ?? 'Grade'} in ${course.context_title ?? 'the course'}: ${Math.round(result.score * 1000) / 10}% (at least ${Math.round(course.min_score * 1000) / 10}% required)`;
            const inserted = await trx.insertInto('lti_awards').values({
              id: awardId, course_id: course.id, organisation_id: course.organisation_id, achievement_id: course.achievement_id, platform_id: course.platform_id,
              subject: learner.userId, email: learner.email, name: learner.name ?? null, score: result.score, evidence: evidence.slice(0, 2000), credential_id: null, created_at: now,
            }).onConflict((oc) => oc.columns(['organisation_id', 'achievement_id', 'email']).doNothing()).executeTakeFirst();
            if (Number(inserted.numInsertedOrUpdatedRows ?? 0n) === 1) {
              outcome.newAwards++;
              await ctx.queue.enqueue(LTI_AWARD_JOB_KIND, { awardId } satisfies LtiAwardPayload, { trx });
            }
          }
          await trx.updateTable('lti_courses').set({ last_run_at: now, last_error: null }).where('id', '=', course.id).execute();
        });
        return outcome;
      } catch (error) {
        if (error instanceof AdvantageError) await ctx.db.updateTable('lti_courses').set({ last_run_at: now, last_error: error.message.slice(0, 500) }).where('id', '=', course.id).execute();
        throw error;
      }
    },

    /** Issues an award's credential (idempotent: the award is the key), and records it on the award. */
    async issueAward(awardId: string): Promise<string | undefined> {
      const award = await ctx.db.selectFrom('lti_awards').selectAll().where('id', '=', awardId).executeTakeFirst();
      if (!award) return undefined;
      if (award.credential_id !== null) return award.credential_id;
      const issued = await deps.credentials.issue(SYSTEM, award.organisation_id, {
        achievementId: award.achievement_id, recipient: { email: award.email, ...(award.name ? { name: award.name } : {}) },
        evidence: [{ name: 'Course grade', narrative: award.evidence }],
      }, { idempotencyKey: `lti-award-${award.id}` });
      await ctx.db.updateTable('lti_awards').set({ credential_id: issued.id }).where('id', '=', award.id).execute();
      return issued.id;
    },

    /** Every mapped course gets a run; expired states and sessions go. */
    async scheduleRuns(): Promise<number> {
      const now = ctx.now().toISOString();
      await ctx.db.deleteFrom('lti_states').where('expires_at', '<', now).execute();
      await ctx.db.deleteFrom('lti_sessions').where('expires_at', '<', now).execute();
      const courses = await ctx.db.selectFrom('lti_courses').select('id').execute();
      for (const course of courses) await ctx.queue.enqueue(LTI_SYNC_JOB_KIND, { courseId: course.id } satisfies LtiSyncPayload);
      return courses.length;
    },
  };
  return service;
}

export type LtiService = ReturnType<typeof createLtiService>;

export function ltiAwardJob(lti: Pick<LtiService, 'issueAward'>): JobHandler<LtiAwardPayload> {
  return { maxAttempts: 8, run: async (job) => { await lti.issueAward(job.payload.awardId); } };
}

export function ltiSyncJob(lti: Pick<LtiService, 'runCourse'>): JobHandler<LtiSyncPayload> {
  return {
    maxAttempts: 3,
    run: async (job) => {
      try {
        await lti.runCourse(job.payload.courseId);
      } catch (error) {
        // A course unmapped meanwhile has nothing to run; a platform's refusal is recorded on the course.
        if (error instanceof NotFound || error instanceof AdvantageError) return;
        throw error;
      }
    },
  };
}

/** Hourly: a run of every mapped course; a chain of jobs, one queued at a time across nodes. */
export function ltiScheduleJob(deps: { lti: Pick<LtiService, 'scheduleRuns'>; queue: Pick<JobQueue, 'enqueue' | 'hasQueued'>; now: () => Date }, intervalMs = 3_600_000): JobHandler<Record<string, never>> {
  return {
    maxAttempts: 3,
    async run() {
      await deps.lti.scheduleRuns();
      await scheduleLtiRuns(deps, intervalMs);
    },
  };
}

/** Queues the next scheduled run unless one is queued; called where the job runner starts. */
export async function scheduleLtiRuns(deps: { queue: Pick<JobQueue, 'enqueue' | 'hasQueued'>; now: () => Date }, delayMs = 5 * 60_000): Promise<boolean> {
  if (await deps.queue.hasQueued(LTI_SCHEDULE_JOB_KIND)) return false;
  await deps.queue.enqueue(LTI_SCHEDULE_JOB_KIND, {}, { runAt: new Date(deps.now().getTime() + delayMs) });
  return true;
}
