import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { DB, NewRow, Row } from '../../store/schema.ts';
import { buildAchievementCredential, type AchievementInput, type ProfileInput, type ResultInput } from '../../vc/credential/build.ts';
import { normaliseEmail } from '../../vc/credential/identity.ts';
import type { JsonObject, Signer } from '../../vc/types.ts';
import { actorId, type Actor } from '../access.ts';
import { audit } from '../audit.ts';
import type { ServiceContext } from '../context.ts';
import { InvalidInput, NotFound, type FieldError } from '../errors.ts';
import type { IssuerService } from '../issuers.ts';
import { sha256Hex } from '../tokens.ts';
import { claimMail } from './claim-mail.ts';
import type { AchievementSource, BatchItem, IssueInput, MailSender, StatusSource } from './types.ts';
import { addDuration, parseDateTime, validateIssueInput } from './validate.ts';

/** Rows per multi-row insert: 100 × 26 columns stays far below SQLite's 32,766 variables. */
const INSERT_CHUNK = 100;

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
}

/** Extra links of a renewal: the credential it replaces, bound by the digest of its exact text. */
export interface IssueExtras {
  renewedFrom?: { id: string; credentialUrl: string; document: string };
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

/** SHA-384 Subresource Integrity digest (VC 2.0 §5.3 relatedResource digestSRI). */
export function digestSri(text: string): string {
  return `sha384-${createHash('sha384').update(text, 'utf8').digest('base64')}`;
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
  const issuedAt = now.toISOString();
  const { publicUrl } = ctx.config;
  const allocations = await deps.status.allocate(trx, prepared.issuer.id, items.length);
  if (allocations.length !== items.length) throw new Error('status allocation returned a different count');
  const rows: NewRow<'credentials'>[] = [];
  const mails = [];
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
    const credential = buildAchievementCredential({
      achievement: prepared.ob3 as AchievementInput,
      issuer: prepared.profile as ProfileInput,
      recipient: did !== undefined ? { did } : { email: email!, salt: random.toString('hex', i * 48, i * 48 + 16) },
      id: credentialUrl,
      validFrom,
      ...(validUntil ? { validUntil } : {}),
      ...(result ? { result } : {}),
      ...(input.result?.description !== undefined ? { description: input.result.description.trim() } : {}),
      ...(input.evidence && input.evidence.length > 0 ? { evidence: input.evidence.map(evidenceOf) } : {}),
      credentialStatus: deps.status.entries(allocation),
    });
    if (name) addNameIdentity(credential, name);
    if (extras.renewedFrom) {
      // VC 2.0 §5.3: the renewed credential names the exact text of the one it replaces.
      credential.relatedResource = [{ id: extras.renewedFrom.credentialUrl, digestSRI: digestSri(extras.renewedFrom.document), mediaType: 'application/vc+ld+json' }];
    }
    const signed = await ctx.engine.sign({ credential, signer: prepared.signer, now });
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
      document: typeof signed === 'string' ? signed : JSON.stringify(signed),
      issued_at: issuedAt,
      valid_from: validFrom.toISOString(),
      valid_until: validUntil?.toISOString() ?? null,
      status: 'active',
      status_reason: null,
      status_changed_at: null,
      revocation_list_id: allocation.revocation.listId,
      revocation_index: allocation.revocation.index,
      suspension_list_id: allocation.suspension.listId,
      suspension_index: allocation.suspension.index,
      renewed_from: extras.renewedFrom?.id ?? null,
      claim_token_hash: token !== undefined ? sha256Hex(token) : null,
      claimed_at: null,
      bulk_job_id: bulkJobId ?? null,
      dedupe_key: dedupeKey ?? null,
      created_by: actorId(actor),
    });
    if (email !== undefined) {
      mails.push(claimMail({
        organisationId: prepared.organisationId,
        to: email,
        ...(name ? { recipientName: name } : {}),
        achievementName: prepared.achievementName,
        issuerName: prepared.issuer.name,
        claimUrl: `${publicUrl}/claim/${token!}`,
      }));
    }
  }
  for (let i = 0; i < rows.length; i += INSERT_CHUNK) await trx.insertInto('credentials').values(rows.slice(i, i + INSERT_CHUNK)).execute();
  if (mails.length > 0) await deps.mail.sendMany(trx, mails);
  const single = rows.length === 1 ? rows[0]! : undefined;
  await audit(ctx, trx, actor, {
    organisationId: prepared.organisationId,
    action: extras.renewedFrom ? 'credential.renew' : single ? 'credential.issue' : 'credential.issue-batch',
    ...(single ? { targetType: 'credential', targetId: single.id } : { targetType: 'achievement', targetId: prepared.achievement.id }),
    details: {
      achievementId: prepared.achievement.id,
      achievementVersion: prepared.version,
      ...(single ? {} : { count: rows.length }),
      ...(extras.renewedFrom ? { renewedFrom: extras.renewedFrom.id } : {}),
      ...(items[0]!.bulkJobId ? { bulkJobId: items[0]!.bulkJobId } : {}),
    },
  });
  ctx.metrics.increment('microcred_credentials_issued_total', {}, rows.length);
  return rows.map((row) => ({ id: row.id, credentialUrl: row.credential_url }));
}

function evidenceOf(entry: NonNullable<IssueInput['evidence']>[number]): JsonObject {
  return {
    type: ['Evidence'],
    ...(entry.id !== undefined ? { id: entry.id } : {}),
    ...(entry.name !== undefined ? { name: entry.name.trim() } : {}),
    ...(entry.narrative !== undefined ? { narrative: entry.narrative.trim() } : {}),
  };
}

/** Annex I "identification of the learner": the name as a plain IdentityObject beside the hashed e-mail. */
function addNameIdentity(credential: JsonObject, name: string): void {
  const subject = credential.credentialSubject as JsonObject;
  const identity = { type: 'IdentityObject', identityHash: name, identityType: 'name', hashed: false };
  const existing = subject.identifier;
  subject.identifier = Array.isArray(existing) ? [...existing, identity] : [identity];
}
