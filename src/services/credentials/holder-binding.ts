import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { DB, Row } from '../../store/schema.ts';
import { asArray, isObject } from '../../vc/json.ts';
import type { JsonObject } from '../../vc/types.ts';
import type { Actor } from '../access.ts';
import { audit } from '../audit.ts';
import type { ServiceContext } from '../context.ts';
import { Conflict, InvalidInput, NotFound } from '../errors.ts';
import type { IssuerService } from '../issuers.ts';
import { emitEvents } from '../webhooks/events.ts';
import { findByClaimToken } from '../wallet/claim.ts';
import type { StatusSource } from './types.ts';
import { isUniqueViolation } from '../../store/constraint.ts';

/** The formats a bound copy is issued in: Data Integrity eddsa-rdfc-2022 (as issued today) or VC-JWT. */
export type BoundFormat = 'ldp' | 'jwt';

/** The channels that take claims into wallets learners carry. */
export type BindingChannel = 'openid4vci' | 'lcw';

/** A DID as DID Core §3.1 writes it (method-specific id without spaces), bounded. */
const DID = /^did:[a-z0-9]+:[A-Za-z0-9._:%-]+(?:#[A-Za-z0-9._:%-]*)?$/;
const MAX_DID = 2048;

/** What anyone holding a claim link may learn of it before taking it (as the claim preview). */
export interface ClaimForBinding {
  /** `credentials.id` of the original (e-mail-addressed) credential. */
  credentialId: string;
  organisationId: string;
  issuerId: string;
  achievementId: string | null;
  /** Whether it can still be taken: not yet claimed, not revoked or suspended. */
  claimable: boolean;
  /** Why not, in words for the learner, when `claimable` is false. */
  reason?: string;
}

export interface BindInput {
  /** `credentials.id` of the original credential whose claim is taken. */
  credentialId: string;
  /** The wallet's DID: the copy's `credentialSubject.id`. For a DID URL (key id), the DID part. */
  holderDid: string;
  format?: BoundFormat;
  via: BindingChannel;
  /**
   * Runs inside the binding transaction once the copy is stored (e.g. mark an exchange or an offer
   * used): if it throws, nothing is bound and the claim stays unused.
   */
  within?: (trx: Kysely<DB>, bound: BoundCredential) => Promise<void>;
}

export interface BoundCredential {
  /** `credentials.id` of the copy. */
  id: string;
  /** The copy's credential `id` (a URL under PUBLIC_URL). */
  credentialUrl: string;
  /** `credentials.id` of the original. */
  originalId: string;
  holderDid: string;
  format: BoundFormat;
  /** The signed copy: the credential object (ldp) or the compact VC-JWT (jwt). */
  document: JsonObject | string;
}

const USED = 'this claim link was already used: the credential is in a wallet already';

/** Why a claim cannot be taken (`bound`: a copy exists already), or undefined when it can. */
function refusal(row: Pick<Row<'credentials'>, 'status' | 'bound_from' | 'format' | 'claim_token_hash'>, bound: boolean): string | undefined {
  if (row.bound_from !== null || row.claim_token_hash === null || row.format !== 'ldp') return 'this credential has no claim link';
  if (bound) return USED;
  if (row.status === 'revoked') return 'the issuer revoked this credential, so it cannot be taken into a wallet';
  if (row.status === 'suspended') return 'the issuer suspended this credential for now; it can be taken into a wallet once reinstated';
  return undefined;
}


/** The DID of a DID or DID URL (`did:key:z…#z…` → `did:key:z…`), or undefined when it is not one. */
export function didOf(value: unknown): string | undefined {
  if (typeof value !== 'string' || value.length > MAX_DID || !DID.test(value)) return undefined;
  return value.split('#')[0];
}

/**
 * The copy of a credential for a holder: the same document (achievement, result, evidence,
 * validity, issuer, identifier) with a new id, `credentialSubject.id` set to the holder's DID and
 * its own status entries; the proof is made anew.
 */
export function boundDocument(original: JsonObject, fields: { id: string; holderDid: string; credentialStatus: JsonObject | JsonObject[] }): JsonObject {
  const { proof: _proof, credentialStatus: _status, ...rest } = original;
  const subjects = asArray(original.credentialSubject);
  const subject = subjects.find(isObject);
  if (subjects.length !== 1 || !subject) throw new TypeError('a bound copy needs a credential with one credentialSubject');
  const { id: _subjectId, ...subjectRest } = subject;
  return { ...rest, id: fields.id, credentialSubject: { id: fields.holderDid, ...subjectRest }, credentialStatus: fields.credentialStatus };
}

/**
 * Holder binding (issue 12): a learner takes the claim of an e-mail-addressed credential into a
 * wallet she carries (OpenID4VCI, the Learner Credential Wallet), and gets a copy bound to her
 * wallet's DID. The claim link gives one such copy, exactly once: the binding's transaction first
 * updates the original's row (its claimed mark), which serialises concurrent redemptions, then finds
 * no copy or refuses (409) with nothing issued; a unique index on `bound_from` stands behind it. A
 * credential claimed into the microcred wallet may still give its one copy. The copy is stored with `bound_from` = the original, which the
 * status service follows (revoke, suspend and reinstate of the original reach the copy) and the
 * console's list leaves out.
 */
export function createHolderBindingService(ctx: ServiceContext, deps: { issuers: IssuerService; status: StatusSource }) {
  async function loadOriginal(credentialId: string): Promise<Row<'credentials'>> {
    const row = await ctx.db.selectFrom('credentials').selectAll().where('id', '=', credentialId).executeTakeFirst();
    if (!row) throw new NotFound('credential');
    return row;
  }

  async function hasCopy(db: Kysely<DB>, credentialId: string): Promise<boolean> {
    return (await db.selectFrom('credentials').select('id').where('bound_from', '=', credentialId).executeTakeFirst()) !== undefined;
  }

  async function describe(row: Row<'credentials'>): Promise<ClaimForBinding> {
    const reason = refusal(row, await hasCopy(ctx.db, row.id));
    return {
      credentialId: row.id, organisationId: row.organisation_id, issuerId: row.issuer_id, achievementId: row.achievement_id,
      claimable: reason === undefined, ...(reason ? { reason } : {}),
    };
  }

  return {
    /** The credential of a claim link (NotFound for an unknown or malformed token), and whether it can be taken. */
    async findClaim(claimToken: string): Promise<ClaimForBinding> {
      const row = await findByClaimToken(ctx.db, claimToken);
      if (!row || row.bound_from !== null) throw new NotFound('claim link');
      return await describe(row);
    },

    /** The same for a credential id (an issuer's own or a stored offer's reference). */
    async describe(credentialId: string): Promise<ClaimForBinding> {
      return await describe(await loadOriginal(credentialId));
    },

    /**
     * Consumes the claim of the original and issues its copy bound to `holderDid`, in one
     * transaction. Throws InvalidInput (400) for a holder that is not a DID, NotFound for an unknown
     * credential, Conflict (409) when the claim was used already (also by a concurrent call) or
     * the credential is revoked or suspended.
     *
     * @example await binding.bind(actor, { credentialId, holderDid: 'did:key:z6Mk…', via: 'lcw' })
     */
    async bind(actor: Actor, input: BindInput): Promise<BoundCredential> {
      const holderDid = didOf(input.holderDid);
      if (!holderDid) throw new InvalidInput('the holder must be a DID', [{ pointer: '/holderDid', message: 'must be a DID (did:method:identifier)' }], { status: 400 });
      const format = input.format ?? 'ldp';
      const original = await loadOriginal(input.credentialId);
      const early = refusal(original, await hasCopy(ctx.db, original.id));
      if (early) throw new Conflict(early);
      const document = JSON.parse(original.document) as JsonObject;
      // Opened before the transaction: on SQLite the one connection is the transaction's until it ends.
      const { signer } = await deps.issuers.signing(original.issuer_id);
      const id = randomUUID();
      const credentialUrl = `${ctx.config.publicUrl}/credentials/${id}`;
      const at = ctx.now();
      const result = await ctx.db.transaction().execute(async (trx) => {
        // The claim is consumed here, once. Updating the original locks its row (PostgreSQL) or holds
        // the one writer (SQLite) until commit, so a concurrent redemption waits, then finds the copy
        // made here and is refused; the unique index on bound_from stands behind it. A credential the
        // learner claimed into her microcred wallet (or that a pathway put there) may still go to one
        // wallet she carries: claimed_at keeps its first value.
        const consumed = await trx.updateTable('credentials').set((eb) => ({ claimed_at: eb.fn.coalesce('claimed_at', eb.val(at.toISOString())) }))
          .where('id', '=', original.id).where('status', '=', 'active').executeTakeFirst();
        const bound = await hasCopy(trx, original.id);
        if (Number(consumed.numUpdatedRows) !== 1 || bound) {
          const now = await trx.selectFrom('credentials').selectAll().where('id', '=', original.id).executeTakeFirstOrThrow();
          throw new Conflict(refusal(now, bound) ?? USED);
        }
        const [allocation] = await deps.status.allocate(trx, original.issuer_id, 1, { suspension: original.suspension_list_id !== null });
        const unsigned = boundDocument(document, { id: credentialUrl, holderDid, credentialStatus: deps.status.entries(allocation!) });
        const signed = await ctx.engine.sign({ credential: unsigned, signer, now: at, ...(format === 'jwt' ? { format: 'vc-jwt' as const } : {}) });
        const text = typeof signed === 'string' ? signed : JSON.stringify(signed);
        await trx.insertInto('credentials').values({
          id,
          organisation_id: original.organisation_id,
          issuer_id: original.issuer_id,
          achievement_id: original.achievement_id,
          achievement_version: original.achievement_version,
          credential_url: credentialUrl,
          // Addressed to the DID alone: the e-mail address stays on the original (offers, search).
          recipient_email: null,
          recipient_did: holderDid,
          recipient_name: original.recipient_name,
          format,
          document: text,
          issued_at: at.toISOString(),
          valid_from: original.valid_from,
          valid_until: original.valid_until,
          status: 'active',
          status_reason: null,
          status_changed_at: null,
          revocation_list_id: allocation!.revocation.listId,
          revocation_index: allocation!.revocation.index,
          suspension_list_id: allocation!.suspension?.listId ?? null,
          suspension_index: allocation!.suspension?.index ?? null,
          renewed_from: null,
          claim_token_hash: null,
          claimed_at: at.toISOString(),
          bulk_job_id: null,
          dedupe_key: null,
          created_by: null,
          bound_from: original.id,
          bound_via: input.via,
        }).execute();
        const copy: BoundCredential = { id, credentialUrl, originalId: original.id, holderDid, format, document: signed };
        await input.within?.(trx, copy);
        await emitEvents(ctx, trx, original.organisation_id, [{
          type: 'credential.claimed',
          data: { id: original.id, credentialId: original.credential_url, via: input.via, boundCredentialId: credentialUrl, holder: { did: holderDid } },
        }]);
        await audit(ctx, trx, actor, {
          organisationId: original.organisation_id, action: 'credential.bind', targetType: 'credential', targetId: original.id,
          details: { copy: id, via: input.via, format },
        });
        return copy;
      }).catch((error: unknown) => {
        if (isUniqueViolation(error)) throw new Conflict(USED);
        throw error;
      });
      ctx.metrics.increment('microcred_credentials_bound_total', { via: input.via, format });
      return result;
    },
  };
}

export type HolderBindingService = ReturnType<typeof createHolderBindingService>;
