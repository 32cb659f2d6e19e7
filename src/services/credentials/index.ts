import { sql, type Expression, type Kysely, type SqlBool } from 'kysely';
import type { DB, Row } from '../../store/schema.ts';
import { asArray, isObject } from '../../vc/json.ts';
import type { JsonObject } from '../../vc/types.ts';
import { CAN, requireAccess, type Actor } from '../access.ts';
import type { ServiceContext } from '../context.ts';
import { Conflict, InvalidInput, NotFound } from '../errors.ts';
import { sha256Hex } from '../tokens.ts';
import { availableParallelism } from 'node:os';
import { issueItems, prepare, signingKey, stageItems, validateAt, type IssueDeps, type RelatedResource } from './issue.ts';
export { digestSri, type RelatedResource } from './issue.ts';
import { createSigningPool, type SigningPool } from '../../vc/signing-pool/index.ts';
import type { BatchItem, CredentialViewStatus, IssuanceBatch, IssuedCredentialView, IssueInput, StatusAction } from './types.ts';

export type * from './types.ts';
export { validateIssueInput, addDuration } from './validate.ts';

export interface ListQuery {
  /** Words searched in the recipient's e-mail address and name and the achievement's name. */
  q?: string;
  status?: CredentialViewStatus;
  achievementId?: string;
  /** ISO date-times bounding issued_at (from inclusive, to exclusive). */
  issuedFrom?: string;
  issuedTo?: string;
  limit?: number;
  cursor?: string;
}

/** How long an Idempotency-Key is remembered (24 hours). */
export const IDEMPOTENCY_KEY_LIFETIME_MS = 24 * 60 * 60_000;
const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,200}$/;

/** Sorted keys, so the same request hashes the same however its JSON was written. */
function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (isObject(value)) return Object.fromEntries(Object.keys(value).sort().map((key) => [key, canonical(value[key])]));
  return value;
}

function encodeCursor(row: { issued_at: string; id: string }): string {
  return Buffer.from(JSON.stringify([row.issued_at, row.id])).toString('base64url');
}

function decodeCursor(cursor: string): [string, string] {
  try {
    const value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (Array.isArray(value) && value.length === 2 && value.every((part) => typeof part === 'string')) return value as [string, string];
  } catch { /* reported below */ }
  throw new InvalidInput('cursor is not one this server gave', [{ pointer: '/cursor', message: 'is not a cursor from a previous page' }], { status: 400 });
}

function isoParam(value: string, pointer: string): string {
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) throw new InvalidInput(`${pointer.slice(1)} is not a date`, [{ pointer, message: 'must be an ISO 8601 date or date-time' }], { status: 400 });
  return date.toISOString();
}

/** The grade, credits, description and evidence a credential carries, to renew it with the same. */
function carriedOver(document: JsonObject): Omit<IssueInput, 'achievementId' | 'recipient'> {
  const subject = asArray(document.credentialSubject).find(isObject) ?? {};
  const result = asArray(subject.result).find(isObject);
  const out: Omit<IssueInput, 'achievementId' | 'recipient'> = {};
  const grade = typeof result?.value === 'string' ? result.value : undefined;
  const credits = typeof subject.creditsEarned === 'number' ? subject.creditsEarned : undefined;
  const description = typeof document.description === 'string' ? document.description : undefined;
  if (grade !== undefined || credits !== undefined || description !== undefined) {
    out.result = { ...(grade !== undefined ? { grade } : {}), ...(credits !== undefined ? { creditsEarned: credits } : {}), ...(description !== undefined ? { description } : {}) };
  }
  const evidence = asArray(document.evidence).filter(isObject).map((entry) => ({
    ...(typeof entry.id === 'string' ? { id: entry.id } : {}),
    ...(typeof entry.name === 'string' ? { name: entry.name } : {}),
    ...(typeof entry.narrative === 'string' ? { narrative: entry.narrative } : {}),
  }));
  if (evidence.length > 0) out.evidence = evidence;
  return out;
}

/**
 * Issuing credentials and reading them: one at a time from the console or the API (idempotent with
 * a key), renewal, status changes through the status service, and batches for bulk issuance.
 * Issued documents are stored verbatim and never updated.
 */
export interface CredentialServiceOptions {
  /**
   * Worker threads that sign batches (default: one per core but one, the main thread's, which
   * stores batches meanwhile; none on one core, where a worker gains nothing). 0 signs everything in
   * this thread. On 2 cores one worker measured as fast as two (2,090 vs 2,050/s on PostgreSQL,
   * 2,540 vs 2,510/s on SQLite, bench/bulk.bench.ts) with one thread's memory less.
   */
  signingWorkers?: number;
}

export function createCredentialService(ctx: ServiceContext, deps: IssueDeps, options: CredentialServiceOptions = {}) {
  const workers = options.signingWorkers ?? availableParallelism() - 1;
  // Threads start on the first batch only; close() stops them.
  const pool: SigningPool | undefined = workers > 0 ? createSigningPool({ workers }) : undefined;

  async function load(db: Kysely<DB>, id: string): Promise<Row<'credentials'>> {
    const row = await db.selectFrom('credentials').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row) throw new NotFound('credential');
    return row;
  }

  function viewStatus(row: Pick<Row<'credentials'>, 'status' | 'valid_until'>, nowIso: string): CredentialViewStatus {
    return row.status === 'active' && row.valid_until !== null && row.valid_until < nowIso ? 'expired' : row.status;
  }

  function view(row: Omit<Row<'credentials'>, 'document'> & { document?: string }, achievementName: string | null, withDocument: boolean): IssuedCredentialView {
    const nowIso = ctx.now().toISOString();
    return {
      id: row.id,
      credentialId: row.credential_url,
      organisationId: row.organisation_id,
      issuerId: row.issuer_id,
      achievementId: row.achievement_id,
      achievementVersion: row.achievement_version,
      achievementName,
      recipient: {
        ...(row.recipient_email !== null ? { email: row.recipient_email } : {}),
        ...(row.recipient_did !== null ? { did: row.recipient_did } : {}),
        ...(row.recipient_name !== null ? { name: row.recipient_name } : {}),
      },
      status: viewStatus(row, nowIso),
      ...(row.status_reason !== null ? { statusReason: row.status_reason } : {}),
      suspendable: row.suspension_list_id !== null,
      issuedAt: row.issued_at,
      ...(row.valid_from !== null ? { validFrom: row.valid_from } : {}),
      ...(row.valid_until !== null ? { validUntil: row.valid_until } : {}),
      ...(row.claimed_at !== null ? { claimedAt: row.claimed_at } : {}),
      ...(row.renewed_from !== null ? { renewedFrom: row.renewed_from } : {}),
      ...(row.bulk_job_id !== null ? { bulkJobId: row.bulk_job_id } : {}),
      ...(withDocument && row.document !== undefined ? { document: row.format === 'jwt' ? row.document : JSON.parse(row.document) as JsonObject } : {}),
    };
  }

  /** The name of the issued achievement, read from the stored document (exactly what was issued). */
  function nameInDocument(row: Row<'credentials'>): string | null {
    if (row.format !== 'ldp') return null;
    const document = JSON.parse(row.document) as JsonObject;
    const subject = asArray(document.credentialSubject).find(isObject);
    const achievement = isObject(subject?.achievement) ? subject.achievement : undefined;
    return typeof achievement?.name === 'string' ? achievement.name : null;
  }

  async function fullView(db: Kysely<DB>, id: string): Promise<IssuedCredentialView> {
    const row = await load(db, id);
    return view(row, nameInDocument(row), true);
  }

  /** Names of the organisation's achievement versions (achievement id → version → name). */
  async function achievementNames(organisationId: string, achievementIds?: string[]): Promise<Map<string, Map<number, string>>> {
    const names = new Map<string, Map<number, string>>();
    if (achievementIds && achievementIds.length === 0) return names;
    let query = ctx.db.selectFrom('achievement_versions').innerJoin('achievements', 'achievements.id', 'achievement_versions.achievement_id')
      .select(['achievement_versions.achievement_id', 'achievement_versions.version', 'achievement_versions.data'])
      .where('achievements.organisation_id', '=', organisationId);
    if (achievementIds) query = query.where('achievement_versions.achievement_id', 'in', achievementIds);
    for (const row of await query.execute()) {
      let name: unknown;
      try {
        name = deps.achievements.toOb3Achievement(row.achievement_id, row.version, JSON.parse(row.data)).name;
      } catch {
        name = undefined;
      }
      if (typeof name !== 'string') continue;
      if (!names.has(row.achievement_id)) names.set(row.achievement_id, new Map());
      names.get(row.achievement_id)!.set(row.version, name);
    }
    return names;
  }

  /** Keys older than this are forgotten: a retry comes within minutes, not days. */
  const idempotencyCutoff = () => new Date(ctx.now().getTime() - IDEMPOTENCY_KEY_LIFETIME_MS).toISOString();

  async function replay(organisationId: string, key: string, requestHash: string): Promise<IssuedCredentialView | undefined> {
    const row = await ctx.db.selectFrom('idempotency_keys').selectAll().where('organisation_id', '=', organisationId).where('key', '=', key).executeTakeFirst();
    if (!row || row.created_at < idempotencyCutoff()) return undefined;
    // draft-ietf-httpapi-idempotency-key-header §2.7: another request with the key → 422; one in flight → 409.
    if (row.request_hash !== requestHash) {
      throw new InvalidInput('this Idempotency-Key was used for a different request', [{ pointer: '/', message: 'the Idempotency-Key was already used with another body; use a new key' }]);
    }
    if (row.response_body === null) throw new Conflict('a request with this Idempotency-Key is still being processed; retry later');
    return JSON.parse(row.response_body) as IssuedCredentialView;
  }

  const service = {
    /**
     * Issues one credential of the achievement's current version. With an idempotency key, a retry
     * of the same request answers the first answer and never issues twice (the key row is written
     * first in the issuing transaction, so a concurrent retry waits for it, then replays).
     */
    async issue(actor: Actor, organisationId: string, input: IssueInput, options: { idempotencyKey?: string; related?: RelatedResource[]; suspension?: boolean } = {}): Promise<IssuedCredentialView> {
      await requireAccess(ctx, actor, organisationId, { roles: CAN.issue, scope: 'issue' }, 'organisation');
      const key = options.idempotencyKey;
      if (key !== undefined && !IDEMPOTENCY_KEY.test(key)) {
        throw new InvalidInput('the Idempotency-Key header must be 1 to 200 visible ASCII characters', [{ pointer: '/', message: 'Idempotency-Key header is malformed' }], { status: 400 });
      }
      const requestHash = sha256Hex(JSON.stringify(canonical({ method: 'POST', path: `/organisations/${organisationId}/credentials`, input })));
      if (key !== undefined) {
        const previous = await replay(organisationId, key, requestHash);
        if (previous) return previous;
      }
      const errors = validateAt(input, ctx.now());
      if (errors.length > 0) throw new InvalidInput(`${errors[0]!.pointer.slice(1)} ${errors[0]!.message}`, errors);
      const prepared = await prepare(ctx, deps, organisationId, input.achievementId);
      const outcome = await ctx.db.transaction().execute(async (trx) => {
        if (key !== undefined) {
          // Expired keys of the organisation go (the same key may then be used afresh).
          await trx.deleteFrom('idempotency_keys').where('organisation_id', '=', organisationId).where('created_at', '<', idempotencyCutoff()).execute();
          const inserted = await trx.insertInto('idempotency_keys').values({
            organisation_id: organisationId, key, request_hash: requestHash, response_status: null, response_body: null, created_at: ctx.now().toISOString(),
          }).onConflict((oc) => oc.columns(['organisation_id', 'key']).doNothing()).executeTakeFirst();
          if (Number(inserted.numInsertedOrUpdatedRows ?? 0n) === 0) return undefined;
        }
        const [issued] = await issueItems(ctx, deps, trx, prepared, actor, [{ input }], {
          ...(options.related ? { related: options.related } : {}),
          ...(options.suspension ? { suspension: true } : {}),
        });
        const result = await fullView(trx, issued!.id);
        if (key !== undefined) {
          await trx.updateTable('idempotency_keys').set({ response_status: 201, response_body: JSON.stringify(result) })
            .where('organisation_id', '=', organisationId).where('key', '=', key).execute();
        }
        return result;
      });
      if (outcome === undefined) {
        // A concurrent request with the same key committed first: answer what it answered.
        const previous = await replay(organisationId, key!, requestHash);
        if (!previous) throw new Conflict('a request with this Idempotency-Key is still being processed; retry later');
        return previous;
      }
      deps.mail.kick();
      return outcome;
    },

    /** The organisation's credentials, newest first, searched and filtered; `nextCursor` pages on. */
    async list(actor: Actor, organisationId: string, query: ListQuery = {}): Promise<{ items: IssuedCredentialView[]; nextCursor?: string }> {
      await requireAccess(ctx, actor, organisationId, { roles: CAN.read, scope: 'read' }, 'organisation');
      const limit = Math.min(Math.max(query.limit ?? 50, 1), 200);
      const nowIso = ctx.now().toISOString();
      let select = ctx.db.selectFrom('credentials')
        .select(['id', 'organisation_id', 'issuer_id', 'achievement_id', 'achievement_version', 'credential_url', 'recipient_email', 'recipient_did', 'recipient_name',
          'format', 'issued_at', 'valid_from', 'valid_until', 'status', 'status_reason', 'status_changed_at', 'revocation_list_id', 'revocation_index',
          'suspension_list_id', 'suspension_index', 'renewed_from', 'claim_token_hash', 'claimed_at', 'bulk_job_id', 'dedupe_key', 'created_by', 'bound_from', 'bound_via'])
        .where('organisation_id', '=', organisationId)
        // A copy bound to a learner's wallet DID is the same award: the list shows the original alone.
        .where('bound_from', 'is', null);
      if (query.achievementId) select = select.where('achievement_id', '=', query.achievementId);
      if (query.issuedFrom) select = select.where('issued_at', '>=', isoParam(query.issuedFrom, '/issuedFrom'));
      if (query.issuedTo) select = select.where('issued_at', '<', isoParam(query.issuedTo, '/issuedTo'));
      switch (query.status) {
        case undefined: break;
        case 'expired':
          select = select.where('status', '=', 'active').where('valid_until', 'is not', null).where('valid_until', '<', nowIso);
          break;
        case 'active':
          select = select.where('status', '=', 'active').where((eb) => eb.or([eb('valid_until', 'is', null), eb('valid_until', '>=', nowIso)]));
          break;
        default:
          select = select.where('status', '=', query.status);
      }
      const q = query.q?.trim().toLowerCase();
      if (q) {
        const pattern = `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
        const names = await achievementNames(organisationId);
        const pairs: [string, number][] = [];
        for (const [achievementId, versions] of names) {
          for (const [version, name] of versions) if (name.toLowerCase().includes(q)) pairs.push([achievementId, version]);
        }
        select = select.where((eb) => {
          const terms: Expression<SqlBool>[] = [
            sql<SqlBool>`lower(recipient_email) like ${pattern} escape '\\'`,
            sql<SqlBool>`lower(recipient_name) like ${pattern} escape '\\'`,
            ...pairs.slice(0, 500).map(([achievementId, version]) => eb.and([eb('achievement_id', '=', achievementId), eb('achievement_version', '=', version)])),
          ];
          return eb.or(terms);
        });
      }
      if (query.cursor) {
        const [at, id] = decodeCursor(query.cursor);
        select = select.where((eb) => eb.or([eb('issued_at', '<', at), eb.and([eb('issued_at', '=', at), eb('id', '<', id)])]));
      }
      const rows = await select.orderBy('issued_at', 'desc').orderBy('id', 'desc').limit(limit + 1).execute();
      const page = rows.slice(0, limit);
      const names = await achievementNames(organisationId, [...new Set(page.map((row) => row.achievement_id).filter((id): id is string => id !== null))]);
      const items = page.map((row) => view(row, row.achievement_id !== null && row.achievement_version !== null ? names.get(row.achievement_id)?.get(row.achievement_version) ?? null : null, false));
      return { items, ...(rows.length > limit ? { nextCursor: encodeCursor(page[page.length - 1]!) } : {}) };
    },

    /** One credential with its signed document. */
    async get(actor: Actor, id: string): Promise<IssuedCredentialView> {
      const row = await load(ctx.db, id);
      await requireAccess(ctx, actor, row.organisation_id, { roles: CAN.read, scope: 'read' }, 'credential');
      return view(row, nameInDocument(row), true);
    },

    /** Revoke (final, with a reason), suspend or reinstate, through the status service. */
    async changeStatus(actor: Actor, id: string, action: StatusAction, reason?: string): Promise<IssuedCredentialView> {
      const row = await load(ctx.db, id);
      await requireAccess(ctx, actor, row.organisation_id, { roles: CAN.changeStatus, scope: 'status' }, 'credential');
      if (action === 'revoke' && (reason === undefined || reason.trim() === '')) throw InvalidInput.field('/reason', 'is required to revoke');
      await deps.status.change(actor, id, action, reason?.trim());
      return fullView(ctx.db, id);
    },

    /**
     * Issues a new credential of the achievement's current version to the same recipient, with the
     * same result and evidence, valid from now (expiry from the validity period). The new row's
     * `renewed_from` is the old id, and its document names the old credential in `relatedResource`
     * with the SHA-384 digest of its exact text (VC 2.0 §5.3). The old credential is left as it is.
     */
    async renew(actor: Actor, id: string): Promise<IssuedCredentialView> {
      const row = await load(ctx.db, id);
      await requireAccess(ctx, actor, row.organisation_id, { roles: CAN.issue, scope: 'issue' }, 'credential');
      if (row.achievement_id === null || row.format !== 'ldp') throw InvalidInput.field('/', 'only credentials issued from an achievement here can be renewed');
      if (row.status === 'revoked') throw InvalidInput.field('/', 'a revoked credential cannot be renewed');
      const recipient = {
        ...(row.recipient_email !== null ? { email: row.recipient_email } : {}),
        ...(row.recipient_did !== null ? { did: row.recipient_did } : {}),
        ...(row.recipient_name !== null ? { name: row.recipient_name } : {}),
      };
      const input: IssueInput = { achievementId: row.achievement_id, recipient, ...carriedOver(JSON.parse(row.document) as JsonObject) };
      const prepared = await prepare(ctx, deps, row.organisation_id, row.achievement_id);
      const renewed = await ctx.db.transaction().execute(async (trx) => {
        const [issued] = await issueItems(ctx, deps, trx, prepared, actor, [{ input }], { renewedFrom: { id: row.id, credentialUrl: row.credential_url, document: row.document } });
        return fullView(trx, issued!.id);
      });
      deps.mail.kick();
      return renewed;
    },

    /** The stored document of a credential, for its public URL (no login): exactly what was issued. */
    async publicDocument(id: string): Promise<{ format: 'ldp' | 'jwt'; document: string }> {
      const row = await ctx.db.selectFrom('credentials').select(['format', 'document']).where('id', '=', id).executeTakeFirst();
      if (!row) throw new NotFound('credential');
      return row;
    },

    /**
     * Loads the achievement, issuer and signer once for bulk issuance. The batch's issueMany runs in
     * the caller's transaction; call `mail.kick()` (or rely on the next issue) after it commits.
     */
    async prepareBatch(actor: Actor, organisationId: string, achievementId: string): Promise<IssuanceBatch> {
      await requireAccess(ctx, actor, organisationId, { roles: CAN.issue, scope: 'issue' }, 'organisation');
      const prepared = await prepare(ctx, deps, organisationId, achievementId);
      const pooled = pool ? { pool, key: await signingKey(ctx, prepared) } : undefined;
      const validate = (input: IssueInput) => {
        const errors = validateAt(input, ctx.now());
        if (input.achievementId !== undefined && input.achievementId !== achievementId) errors.unshift({ pointer: '/achievementId', message: 'is not the achievement of this batch' });
        return errors;
      };
      const checkItems = (items: BatchItem[]) => items.forEach((item, i) => {
        const errors = validate(item.input);
        if (errors.length > 0) throw new InvalidInput(`item ${i}: ${errors[0]!.pointer.slice(1)} ${errors[0]!.message}`, errors.map((e) => ({ pointer: `/${i}/input${e.pointer}`, message: e.message })));
      });
      return {
        organisationId,
        achievementId,
        achievementVersion: prepared.version,
        validate,
        async issueMany(trx: Kysely<DB>, items: BatchItem[]) {
          checkItems(items);
          return issueItems(ctx, deps, trx, prepared, actor, items, pooled ? { pooled } : {});
        },
        ...(pooled ? {
          async stage(items: BatchItem[]) {
            checkItems(items);
            return stageItems(ctx, deps, prepared, actor, items, { pooled });
          },
        } : {}),
      };
    },

    /** Stops the signing workers (the runtime's close calls it); batches still signing fail. */
    async close(): Promise<void> {
      await pool?.close();
    },
  };
  return service;
}

export type CredentialService = ReturnType<typeof createCredentialService>;
