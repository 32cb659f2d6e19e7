import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { DB, NewRow, Row } from '../../store/schema.ts';
import type { ResultInput } from '../../vc/credential/build.ts';
import { normaliseEmail } from '../../vc/credential/identity.ts';
import type { JsonObject, Signer } from '../../vc/types.ts';
import { actorId, type Actor } from '../access.ts';
import { audit } from '../audit.ts';
import { emitEvents } from '../webhooks/events.ts';
import type { ServiceContext } from '../context.ts';
import { InvalidInput, NotFound, type FieldError } from '../errors.ts';
import type { IssuerService } from '../issuers.ts';
import { sha256Hex } from '../tokens.ts';
import { claimMail } from './claim-mail.ts';
import { claimOfferLink } from '../oid4vci/links.ts';
import { euContextUrl } from '../../vc/contexts/index.ts';
import { euSchemaUrl } from '../../vc/schemas/eu-extension.ts';
import { composeCredential, type CredentialFields, type CredentialTemplate } from '../../vc/credential/compose.ts';
import { signAll, type SigningKey, type SigningPool } from '../../vc/signing-pool/index.ts';
import type { AchievementSource, BatchItem, IssueInput, MailMessage, MailSender, StatusAllocation, StatusSource } from './types.ts';
import { addDuration, parseDateTime, validateIssueInput } from './validate.ts';

/** Rows per multi-row insert: 100 × 26 columns stays far below SQLite's 32,766 variables. */
const INSERT_CHUNK = 100;
/**
 * Fewest credentials worth sending to the signing workers: below it, a message round trip costs
 * more than it saves, so a single credential from the API is signed in this thread.
 */
export const POOL_THRESHOLD = 16;

export interface IssueDeps {
  issuers: IssuerService;
  achievements: AchievementSource;
  status: StatusSource;
  mail: MailSender;
}

/** Everything one achievement's issuance needs, loaded once (for one credential or a whole file). */
export interface Prepared {
  organisationId: string;
  achievement: Row<'achievements'>;
  version: number;
  ob3: JsonObject;
  achievementName: string;
  validityPeriod: string | undefined;
  issuer: Row<'issuers'>;
  profile: JsonObject;
  signer: Signer;
  /** The achievement opts in to suspension: its credentials carry a suspension entry too. */
  suspension: boolean;
}

/** Signing on worker threads, for batches: the pool and the seed of `Prepared.signer`'s key. */
export interface PooledSigning {
  pool: SigningPool;
  key: SigningKey;
}

/**
 * The seed of the prepared signer's key, opened from the vault, for the signing workers. Read
 * before any transaction (on SQLite the one connection belongs to an open transaction).
 */
export async function signingKey(ctx: ServiceContext, prepared: Prepared): Promise<SigningKey> {
  const row = await ctx.db.selectFrom('issuer_keys').select('secret_encrypted').where('id', '=', prepared.signer.id).executeTakeFirst();
  if (!row) throw new NotFound('issuer key');
  return { id: prepared.signer.id, seed: ctx.vault.open(row.secret_encrypted) };
}

/** Extra links of a renewal: the credential it replaces, bound by the digest of its exact text. */
export interface IssueExtras {
  renewedFrom?: { id: string; credentialUrl: string; document: string };
  /** Resources the credential names with their digest (VC 2.0 §5.3): e.g. the constituents of a stacked credential. */
  related?: RelatedResource[];
  /** Sign on these workers when there are at least POOL_THRESHOLD items (else in this thread). */
  pooled?: PooledSigning;
  /** Give the credentials a suspension entry even where the achievement does not opt in (a pathway that suspends its awards). */
  suspension?: boolean;
}

/**
 * Loads the current version of an achievement of the organisation, with its issuer's signer. An
 * achievement of another organisation is not found; an archived one cannot be issued (422).
 */
export async function prepare(ctx: ServiceContext, deps: IssueDeps, organisationId: string, achievementId: string): Promise<Prepared> {
  const { achievement, version, definition } = await deps.achievements.getVersion(achievementId);
  if (achievement.organisation_id !== organisationId) throw new NotFound('achievement');
  if (achievement.archived_at !== null) throw InvalidInput.field('/achievementId', 'is an archived achievement: it can no longer be issued');
  const ob3 = deps.achievements.toOb3Achievement(achievementId, version, definition);
  const { issuer, signer } = await deps.issuers.signing(achievement.issuer_id);
  return {
    organisationId,
    achievement,
    version,
    ob3,
    achievementName: typeof ob3.name === 'string' ? ob3.name : '',
    validityPeriod: deps.achievements.validityPeriod(definition),
    issuer,
    profile: deps.issuers.profile(issuer),
    signer,
    suspension: deps.achievements.suspendable(definition),
  };
}

/** Checks that need the clock besides the pure ones: a validUntil without validFrom must lie ahead. */
export function validateAt(input: IssueInput, now: Date): FieldError[] {
  const errors = validateIssueInput(input);
  if (errors.length === 0 && input.validFrom === undefined && input.validUntil !== undefined && parseDateTime(input.validUntil)!.getTime() <= now.getTime()) {
    errors.push({ pointer: '/validUntil', message: 'must be in the future (validFrom defaults to now)' });
  }
  return errors;
}

/** Whole seconds: the credential carries seconds (XMLSchema dateTime), the row the same instant. */
function seconds(date: Date): Date {
  return new Date(Math.floor(date.getTime() / 1000) * 1000);
}

function resultOf(input: IssueInput): ResultInput | undefined {
  const result: ResultInput = {};
  if (input.result?.grade !== undefined) result.grade = input.result.grade.trim();
  if (input.result?.creditsEarned !== undefined) result.creditsEarned = input.result.creditsEarned;
  return Object.keys(result).length > 0 ? result : undefined;
}

/** A related resource: its URL, the SHA-384 SRI digest of its exact text and its media type. */
export interface RelatedResource {
  id: string;
  digestSRI: string;
  mediaType: string;
}

/** SHA-384 Subresource Integrity digest (VC 2.0 §5.3 relatedResource digestSRI). */
export function digestSri(text: string): string {
  return `sha384-${createHash('sha384').update(text, 'utf8').digest('base64')}`;
}

/** Credentials built and signed (or being signed), not yet stored. */
interface Built {
  now: Date;
  rows: NewRow<'credentials'>[];
  /** The claim e-mail of each row (undefined for a DID recipient), by row. */
  mails: (MailMessage | undefined)[];
  /** Pooled: the documents of rows [k × INSERT_CHUNK, (k + 1) × INSERT_CHUNK), by k. */
  signing: Promise<string[]>[] | undefined;
}

/**
 * Builds the credentials for their allocated positions and signs them: in this thread, or
 * dispatched to the workers a chunk at a time as they are built (not awaited here).
 */
async function buildItems(
  ctx: ServiceContext, deps: IssueDeps, prepared: Prepared, actor: Actor, items: BatchItem[], allocations: StatusAllocation[], now: Date, extras: IssueExtras,
): Promise<Built> {
  if (allocations.length !== items.length) throw new Error('status allocation returned a different count');
  const issuedAt = now.toISOString();
  const { publicUrl } = ctx.config;
  const rows: NewRow<'credentials'>[] = [];
  const mails: (MailMessage | undefined)[] = [];
  const pooled = extras.pooled && items.length >= POOL_THRESHOLD ? extras.pooled : undefined;
  const template: CredentialTemplate = {
    achievement: prepared.ob3,
    issuer: prepared.profile,
    // The EU extension context at this instance, pinned by digest (docs/eu-elements.md).
    euContext: euContextUrl(publicUrl),
    // And its JSON Schema at this instance, beside the OB 3.0 schema (credentialSchema).
    euSchema: euSchemaUrl(publicUrl),
    // VC 2.0 §5.3: the renewed credential names the exact text of the one it replaces.
    ...(extras.renewedFrom || extras.related?.length
      ? { relatedResource: [
        ...(extras.renewedFrom ? [{ id: extras.renewedFrom.credentialUrl, digestSRI: digestSri(extras.renewedFrom.document), mediaType: 'application/vc+ld+json' }] : []),
        ...(extras.related ?? []).map((resource) => ({ ...resource })),
      ] }
      : {}),
  };
  let unsigned: CredentialFields[] = [];
  const signing: Promise<string[]>[] = [];
  const dispatch = () => {
    const pending = signAll(pooled!.pool, { compose: { template, fields: unsigned }, key: pooled!.key, now });
    pending.catch(() => {}); // awaited in order when stored; a failure must not surface before then, unhandled
    signing.push(pending);
    unsigned = [];
  };
  // One draw of randomness for the batch: a 16-byte salt and a 32-byte claim token per credential.
  const random = randomBytes(items.length * 48);
  for (let i = 0; i < items.length; i++) {
    const { input, dedupeKey, bulkJobId } = items[i]!;
    const allocation = allocations[i]!;
    const id = randomUUID();
    const credentialUrl = `${publicUrl}/credentials/${id}`;
    const validFrom = seconds(input.validFrom !== undefined ? parseDateTime(input.validFrom)! : now);
    const until = input.validUntil !== undefined
      ? parseDateTime(input.validUntil)!
      : prepared.validityPeriod !== undefined ? addDuration(validFrom, prepared.validityPeriod) : undefined;
    const validUntil = until ? seconds(until) : undefined;
    if (validUntil && validUntil.getTime() <= validFrom.getTime()) throw InvalidInput.field('/validUntil', 'must be after validFrom');
    const email = input.recipient.email !== undefined ? normaliseEmail(input.recipient.email) : undefined;
    const did = input.recipient.did?.trim();
    const name = input.recipient.name?.trim();
    const result = resultOf(input);
    const fields: CredentialFields = {
      id: credentialUrl,
      recipient: did !== undefined ? { did } : { email: email!, salt: random.toString('hex', i * 48, i * 48 + 16) },
      ...(name ? { name } : {}),
      validFrom,
      ...(validUntil ? { validUntil } : {}),
      ...(result ? { result } : {}),
      ...(input.result?.description !== undefined ? { description: input.result.description.trim() } : {}),
      ...(input.evidence && input.evidence.length > 0 ? { evidence: input.evidence.map(evidenceOf) } : {}),
      credentialStatus: deps.status.entries(allocation),
    };
    let document = '';
    if (pooled) {
      // Composed and signed by a worker, from the fields: the message is a fraction of the credential.
      unsigned.push(fields);
      if (unsigned.length === INSERT_CHUNK) dispatch();
    } else {
      const signed = await ctx.engine.sign({ credential: composeCredential(template, fields), signer: prepared.signer, now });
      document = typeof signed === 'string' ? signed : JSON.stringify(signed);
    }
    const token = email !== undefined ? random.toString('base64url', i * 48 + 16, i * 48 + 48) : undefined;
    rows.push({
      id,
      organisation_id: prepared.organisationId,
      issuer_id: prepared.issuer.id,
      achievement_id: prepared.achievement.id,
      achievement_version: prepared.version,
      credential_url: credentialUrl,
      recipient_email: email ?? null,
      recipient_did: did ?? null,
      recipient_name: name || null,
      format: 'ldp',
      document,
      issued_at: issuedAt,
      valid_from: validFrom.toISOString(),
      valid_until: validUntil?.toISOString() ?? null,
      status: 'active',
      status_reason: null,
      status_changed_at: null,
      revocation_list_id: allocation.revocation.listId,
      revocation_index: allocation.revocation.index,
      suspension_list_id: allocation.suspension?.listId ?? null,
      suspension_index: allocation.suspension?.index ?? null,
      renewed_from: extras.renewedFrom?.id ?? null,
      claim_token_hash: token !== undefined ? sha256Hex(token) : null,
      claimed_at: null,
      bulk_job_id: bulkJobId ?? null,
      dedupe_key: dedupeKey ?? null,
      created_by: actorId(actor),
    });
    if (email === undefined) mails.push(undefined);
    else {
      mails.push(claimMail({
        organisationId: prepared.organisationId,
        to: email,
        ...(name ? { recipientName: name } : {}),
        achievementName: prepared.achievementName,
        issuerName: prepared.issuer.name,
        issuerLogoUrl: prepared.issuer.image,
        claimUrl: `${publicUrl}/claim/${token!}`,
        walletOfferLink: claimOfferLink(publicUrl, token!),
      }));
    }
  }
  if (pooled && unsigned.length > 0) dispatch();
  return { now, rows, mails, signing: pooled ? signing : undefined };
}

/**
 * Stores built credentials in the caller's transaction (those `keep` accepts, by index): rows in
 * multi-row inserts, each chunk as soon as its signatures are back; claim e-mails and the audit
 * entry first, since they need no signature.
 */
async function storeItems(
  ctx: ServiceContext, deps: IssueDeps, trx: Kysely<DB>, prepared: Prepared, actor: Actor, built: Built, extras: IssueExtras, keep?: (index: number) => boolean,
): Promise<{ id: string; credentialUrl: string }[]> {
  const kept = keep ? built.rows.filter((_, i) => keep(i)) : built.rows;
  if (kept.length === 0) return [];
  const mails = built.mails.filter((mail, i): mail is MailMessage => mail !== undefined && (!keep || keep(i)));
  if (mails.length > 0) await deps.mail.sendMany(trx, mails);
  const single = kept.length === 1 ? kept[0]! : undefined;
  await audit(ctx, trx, actor, {
    organisationId: prepared.organisationId,
    action: extras.renewedFrom ? 'credential.renew' : single ? 'credential.issue' : 'credential.issue-batch',
    ...(single ? { targetType: 'credential', targetId: single.id } : { targetType: 'achievement', targetId: prepared.achievement.id }),
    details: {
      achievementId: prepared.achievement.id,
      achievementVersion: prepared.version,
      ...(single ? {} : { count: kept.length }),
      ...(extras.renewedFrom ? { renewedFrom: extras.renewedFrom.id } : {}),
      ...(kept[0]!.bulk_job_id ? { bulkJobId: kept[0]!.bulk_job_id } : {}),
    },
  });
  let pending: NewRow<'credentials'>[] = [];
  for (let i = 0; i < built.rows.length; i += INSERT_CHUNK) {
    const chunk = built.rows.slice(i, i + INSERT_CHUNK);
    if (built.signing) {
      const documents = await built.signing[i / INSERT_CHUNK]!;
      if (documents.length !== chunk.length) throw new Error('the signing pool returned a different count');
      chunk.forEach((row, j) => { row.document = documents[j]!; });
    }
    pending.push(...(keep ? chunk.filter((_, j) => keep(i + j)) : chunk));
    if (pending.length >= INSERT_CHUNK || i + INSERT_CHUNK >= built.rows.length) {
      for (let from = 0; from < pending.length; from += INSERT_CHUNK) {
        await trx.insertInto('credentials').values(pending.slice(from, from + INSERT_CHUNK)).execute();
      }
      pending = [];
    }
  }
  await emitEvents(ctx, trx, prepared.organisationId, kept.map((row) => ({
    type: 'credential.issued' as const,
    data: {
      id: row.id, credentialId: row.credential_url, achievementId: prepared.achievement.id, issuerId: prepared.issuer.id,
      recipient: { ...(row.recipient_email ? { email: row.recipient_email } : {}), ...(row.recipient_did ? { did: row.recipient_did } : {}) },
      ...(row.bulk_job_id ? { bulkIssuanceId: row.bulk_job_id } : {}),
    },
  })));
  ctx.metrics.increment('microcred_credentials_issued_total', {}, kept.length);
  return kept.map((row) => ({ id: row.id, credentialUrl: row.credential_url }));
}

/**
 * Builds, signs and stores credentials of one prepared achievement inside the caller's transaction:
 * status for all in one allocation, rows in multi-row inserts, one claim e-mail per e-mail recipient.
 * Items must have passed validation.
 */
export async function issueItems(
  ctx: ServiceContext, deps: IssueDeps, trx: Kysely<DB>, prepared: Prepared, actor: Actor, items: BatchItem[], extras: IssueExtras = {},
): Promise<{ id: string; credentialUrl: string }[]> {
  if (items.length === 0) return [];
  const now = ctx.now();
  const allocations = await deps.status.allocate(trx, prepared.issuer.id, items.length, { suspension: prepared.suspension || extras.suspension === true });
  const built = await buildItems(ctx, deps, prepared, actor, items, allocations, now, extras);
  return storeItems(ctx, deps, trx, prepared, actor, built, extras);
}

/** A batch whose status is allocated and whose signing has started; stored by `commit`. */
export interface StagedItems {
  /** Stores, in the caller's transaction, the staged items `keep` accepts (by index in the staged list). */
  commit(trx: Kysely<DB>, keep?: (index: number) => boolean): Promise<{ id: string; credentialUrl: string }[]>;
}

/**
 * Pipelined issuance: allocates status in a short transaction of its own (committed at once), builds
 * the credentials and starts signing them, so that the caller can store the previous batch while
 * this one is signed. Positions of items never committed stay allocated (unused: a list fills a
 * little sooner; no credential is lost or duplicated). Must not run inside another transaction
 * (on SQLite there is one connection).
 */
export async function stageItems(ctx: ServiceContext, deps: IssueDeps, prepared: Prepared, actor: Actor, items: BatchItem[], extras: IssueExtras = {}): Promise<StagedItems> {
  const now = ctx.now();
  const allocations = items.length === 0 ? [] : await ctx.db.transaction().execute((trx) => deps.status.allocate(trx, prepared.issuer.id, items.length, { suspension: prepared.suspension || extras.suspension === true }));
  const built = await buildItems(ctx, deps, prepared, actor, items, allocations, now, extras);
  return { commit: (trx, keep) => storeItems(ctx, deps, trx, prepared, actor, built, extras, keep) };
}

function evidenceOf(entry: NonNullable<IssueInput['evidence']>[number]): JsonObject {
  return {
    type: ['Evidence'],
    ...(entry.id !== undefined ? { id: entry.id } : {}),
    ...(entry.name !== undefined ? { name: entry.name.trim() } : {}),
    ...(entry.narrative !== undefined ? { narrative: entry.narrative.trim() } : {}),
  };
}
