import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { DB, Row, WalletStatus } from '../../store/schema.ts';
import type { Check } from '../../vc/types.ts';
import { InputError } from '../../vc/verify-any.ts';
import type { Actor } from '../access.ts';
import { audit } from '../audit.ts';
import { emitEvents } from '../webhooks/events.ts';
import type { ServiceContext } from '../context.ts';
import { Conflict, Forbidden, InvalidInput, NotFound, Unauthorized } from '../errors.ts';
import type { LearnerService } from '../learners.ts';
import { claimPreview, findByClaimToken, findOffers, type ClaimPreview, type WalletOffer } from './claim.ts';
import { createCollections, type CollectionInput, type CollectionSummary, type CollectionView } from './collections.ts';
import { ingest, ingestIssued, reverify as reverifyStored, type Ingested } from './ingest.ts';
import { ingestUrl } from './url-import.ts';
import { completeAuthorization, previewOffer, receiveOffer, startAuthorization, type OfferPreview, type ReceivedCredential } from './holder-offer.ts';
import { previewRequest, respondToRequest, type HeldRow, type RequestOutcome, type RequestPreview } from './holder-request.ts';
import { listWallet, walletFacets, walletTotals, type WalletFacets, type WalletListQuery, type WalletPage, type WalletTotals } from './query.ts';
import { CARD_COLUMNS, cardView, detailView, type WalletItemDetail, type WalletItemView } from './view.ts';

export type { ClaimPreview, WalletOffer } from './claim.ts';
export type { OfferPreview } from './holder-offer.ts';
export type { RequestOutcome, RequestPreview } from './holder-request.ts';

/** What taking another issuer's OpenID4VCI offer answers: the offer as read, and each credential kept. */
export interface ExternalOfferResult {
  offer: OfferPreview;
  items: (WalletImport & { configurationId: string; boundToHolder: boolean })[];
}
export type { CollectionInput, CollectionSummary, CollectionView } from './collections.ts';
export type { WalletFacets, WalletListQuery, WalletPage, WalletSort, WalletTotals } from './query.ts';
export type { WalletItemDetail, WalletItemView, WalletSkill } from './view.ts';
export { scheduleWalletReverify, startWalletReverify, WALLET_REVERIFY_JOB_KIND, walletReverifyJob, type WalletReverifyDeps, type WalletReverifyOptions } from './reverify-job.ts';

/** What an import, claim or accepted offer answers: the item, and whether it was already in the wallet. */
export interface WalletImport {
  item: WalletItemView;
  /** True when the wallet held it already (same credential id, same proof, or same issued credential): nothing was stored. */
  duplicate: boolean;
}

/** How long a verification outcome is trusted before the scheduled job checks again. */
/** Called inside the transaction of every change to a wallet's contents or their status. */
export type WalletChanged = (trx: Kysely<DB>, userId: string) => Promise<void>;

export const REVERIFY_AFTER_MS = 24 * 60 * 60_000;

/** The learner's side: the only actor with a wallet is a signed-in user. */
export function walletOwner(actor: Actor): string {
  if (actor.kind === 'user') return actor.userId;
  if (actor.kind === 'anonymous') throw new Unauthorized('sign in to use your wallet');
  throw new Forbidden('only a signed-in learner has a wallet');
}

/** Reads import input errors (nothing to verify, unreadable) as the caller's mistake, in words. */
async function readInput<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof InputError) throw new InvalidInput(error.message, [{ pointer: '/', message: error.message }]);
    throw error;
  }
}

/**
 * The learner's wallet (issue 4): claim, offers, import, list and search, re-verify, collections, totals.
 *
 * @example
 *   const { item, duplicate } = await wallet.importCredential(actor, { bytes, source: 'upload' });
 *   const page = await wallet.list(actor, { q: 'python', sort: 'issued', limit: 20 });
 */
export function createWalletService(ctx: ServiceContext, deps: { learners: LearnerService; changed?: WalletChanged }) {
  const { learners } = deps;
  /** Tells the pathways (in the transaction of the change) that the learner's wallet changed. */
  const changed: WalletChanged = deps.changed ?? (async () => {});
  const collections = createCollections(ctx);

  async function load(db: Kysely<DB>, userId: string, id: string): Promise<Row<'wallet_credentials'>> {
    const row = await db.selectFrom('wallet_credentials').selectAll().where('id', '=', id).where('user_id', '=', userId).executeTakeFirst();
    if (!row) throw new NotFound('credential');
    return row;
  }

  /** The user's item that is the same credential: same issued credential, same credential id or same proof. */
  async function findDuplicate(db: Kysely<DB>, userId: string, ingested: Ingested) {
    const keys = [
      ...(ingested.issued_credential_id ? [['issued_credential_id', ingested.issued_credential_id] as const] : []),
      ...(ingested.credential_key ? [['credential_key', ingested.credential_key] as const] : []),
      ...(ingested.proof_key ? [['proof_key', ingested.proof_key] as const] : []),
    ];
    if (keys.length === 0) return undefined;
    return db.selectFrom('wallet_credentials').select([...CARD_COLUMNS, 'issued_credential_id', 'original']).where('user_id', '=', userId)
      .where((eb) => eb.or(keys.map(([column, value]) => eb(column, '=', value))))
      .orderBy('added_at').limit(1).executeTakeFirst();
  }

  /**
   * Stores what was ingested unless the wallet holds it already. `within` runs in the same transaction
   * (claim: mark the issued credential claimed, prove the address).
   */
  async function store(actor: Actor, userId: string, ingested: Ingested, action: string, within?: (trx: Kysely<DB>, itemId: string) => Promise<void>): Promise<WalletImport> {
    const attempt = () => ctx.db.transaction().execute(async (trx): Promise<WalletImport> => {
      const existing = await findDuplicate(trx, userId, ingested);
      if (existing) refuseForgery(existing, ingested);
      if (existing) {
        // An upload of a credential later claimed from this instance gets linked to it.
        if (ingested.issued_credential_id && existing.issued_credential_id === null) {
          await trx.updateTable('wallet_credentials').set({ issued_credential_id: ingested.issued_credential_id }).where('id', '=', existing.id).execute();
        }
        await within?.(trx, existing.id);
        return { item: cardView(existing), duplicate: true };
      }
      const id = randomUUID();
      const row = { ...ingested, id, user_id: userId, added_at: ctx.now().toISOString() };
      await trx.insertInto('wallet_credentials').values(row).execute();
      await within?.(trx, id);
      await changed(trx, userId);
      await audit(ctx, trx, actor, {
        organisationId: null, action, targetType: 'wallet_credential', targetId: id,
        details: { source: row.source, status: row.status, ...(row.issued_credential_id ? { issuedCredentialId: row.issued_credential_id } : {}) },
      });
      return { item: cardView(await load(trx, userId, id)), duplicate: false };
    });
    try {
      return await attempt();
    } catch (error) {
      // Two imports of the same credential at once: the unique index stops the second, which then finds the first.
      const existing = await findDuplicate(ctx.db, userId, ingested).catch(() => undefined);
      if (existing) return attempt();
      throw error;
    }
  }

  /**
   * An import that names a held credential (same id or proof) is that credential only when it verifies
   * or is the very same file; otherwise it is a changed copy, and answering the held item would show a
   * forgery as the good one. It is refused in words, and nothing is stored.
   */
  function refuseForgery(existing: { name: string | null; original: string }, ingested: Ingested): void {
    if (ingested.status !== 'invalid' || ingested.original === existing.original) return;
    const checks = (JSON.parse(ingested.verification) as { checks?: Check[] }).checks ?? [];
    const proof = checks.find((entry) => entry.check === 'proof');
    const held = existing.name ? `“${existing.name}”, which you hold` : 'a credential you hold';
    if (proof?.outcome === 'failed') {
      throw new InvalidInput(`This file was changed after it was signed: it carries the identity of ${held}, but its signature no longer matches its content, so it is not that credential. Nothing was imported; the credential in your wallet is unchanged.`);
    }
    const failed = checks.find((entry) => entry.outcome === 'failed');
    throw new InvalidInput(`This file carries the identity of ${held}, but it does not verify${failed ? `: ${failed.message}` : ''} Nothing was imported; the credential in your wallet is unchanged.`);
  }

  /** Puts a credential this instance issued into the user's wallet (claim link or accepted offer). */
  async function attachIssued(actor: Actor, userId: string, credential: Row<'credentials'>, via: 'claim' | 'offer'): Promise<WalletImport> {
    const held = await ctx.db.selectFrom('wallet_credentials').select([...CARD_COLUMNS, 'user_id']).where('issued_credential_id', '=', credential.id).execute();
    const mine = held.find((row) => row.user_id === userId);
    if (mine) return { item: cardView(mine), duplicate: true };
    if (held.length > 0) throw new Conflict('this credential was already claimed by another account');
    if (via === 'claim' && credential.claimed_at !== null && !(await claimedBefore(userId, credential.id))) {
      throw new Conflict('this credential was already claimed by another account');
    }
    const ingested = await ingestIssued(ctx, credential);
    return store(actor, userId, { ...ingested, source: 'claim', issued_credential_id: credential.id }, via === 'claim' ? 'wallet.claim' : 'wallet.accept-offer', async (trx) => {
      const claimed = await trx.updateTable('credentials').set({ claimed_at: ctx.now().toISOString() }).where('id', '=', credential.id).where('claimed_at', 'is', null).executeTakeFirst();
      if (Number(claimed.numUpdatedRows) === 1) {
        await emitEvents(ctx, trx, credential.organisation_id, [{ type: 'credential.claimed', data: { id: credential.id, credentialId: credential.credential_url, via } }]);
      }
      // Following the link proves the learner reads that mailbox.
      if (via === 'claim' && credential.recipient_email !== null) await learners.addVerifiedEmail(trx, userId, credential.recipient_email);
      await audit(ctx, trx, actor, { organisationId: null, action: 'credential.claim', targetType: 'credential', targetId: credential.id });
    });
  }

  /** True when this user claimed the credential before (and later removed it from the wallet). */
  async function claimedBefore(userId: string, credentialId: string): Promise<boolean> {
    const row = await ctx.db.selectFrom('audit_log').select('id')
      .where('action', '=', 'credential.claim').where('target_type', '=', 'credential').where('target_id', '=', credentialId)
      .where('actor_type', '=', 'user').where('actor_id', '=', userId).executeTakeFirst();
    return row !== undefined;
  }

  /** This instance as an OAuth client of other issuers' authorization servers (public client, PKCE). */
  function holderClient(): { clientId: string; redirectUri: string } {
    const base = ctx.config.publicUrl.replace(/\/$/, '');
    return { clientId: base, redirectUri: `${base}/wallet/exchange/callback` };
  }

  async function keepReceived(actor: Actor, userId: string, received: ReceivedCredential[]): Promise<ExternalOfferResult['items']> {
    const items: ExternalOfferResult['items'] = [];
    for (const entry of received) {
      const kept = await store(actor, userId, entry.ingested, 'wallet.openid4vci.receive');
      items.push({ ...kept, configurationId: entry.configurationId, boundToHolder: entry.boundToHolder });
    }
    return items;
  }

  /** The learner's credentials as an OpenID4VP request is matched against them (bounded: a wallet is small). */
  async function heldRows(userId: string): Promise<HeldRow[]> {
    return ctx.db.selectFrom('wallet_credentials').select(['id', 'format', 'document', 'original', 'original_type', 'name', 'issuer_name', 'status'])
      .where('user_id', '=', userId).orderBy('added_at', 'desc').limit(1000).execute();
  }

  async function applyReverify(actor: Actor, row: Row<'wallet_credentials'>, always: boolean): Promise<Row<'wallet_credentials'>> {
    const outcome = await reverifyStored(ctx, row);
    return ctx.db.transaction().execute(async (trx) => {
      await trx.updateTable('wallet_credentials').set({ status: outcome.status, verification: outcome.verification, verified_at: outcome.verified_at })
        .where('id', '=', row.id).execute();
      if (outcome.status !== row.status) await changed(trx, row.user_id);
      if (always || outcome.status !== row.status) {
        await audit(ctx, trx, actor, { organisationId: null, action: 'wallet.reverify', targetType: 'wallet_credential', targetId: row.id, details: { from: row.status, to: outcome.status } });
      }
      return { ...row, ...outcome };
    });
  }

  return {
    /** Upload or paste: verifies the bytes, keeps them verbatim, recognises duplicates. */
    async importCredential(actor: Actor, input: { bytes: Uint8Array; mediaType?: string; source: 'upload' | 'paste' }): Promise<WalletImport> {
      const userId = walletOwner(actor);
      const ingested = await readInput(() => ingest(ctx, { bytes: input.bytes, source: input.source, ...(input.mediaType !== undefined ? { mediaType: input.mediaType } : {}) }));
      return store(actor, userId, ingested, 'wallet.import');
    },

    /** Reads the credential at a public http(s) URL through the guarded fetcher, then as an upload. */
    async importUrl(actor: Actor, url: string): Promise<WalletImport> {
      const userId = walletOwner(actor);
      const ingested = await readInput(() => ingestUrl(ctx, url));
      return store(actor, userId, ingested, 'wallet.import');
    },

    /**
     * Anyone with the link sees what it is for; nothing about the recipient. A signed-in user who
     * already holds it is told where it is (the link reopened after claiming).
     */
    async claimPreview(token: string, actor: Actor = { kind: 'anonymous' }): Promise<ClaimPreview> {
      const credential = await findByClaimToken(ctx.db, token);
      if (!credential) throw new NotFound('claim link');
      return claimPreview(ctx.db, credential, actor.kind === 'user' ? actor.userId : undefined);
    },

    /** Claims the credential of a claim link into the signed-in learner's wallet; the address becomes theirs, verified. */
    async claim(actor: Actor, token: string): Promise<WalletImport> {
      const userId = walletOwner(actor);
      const credential = await findByClaimToken(ctx.db, token);
      if (!credential) throw new NotFound('claim link');
      return attachIssued(actor, userId, credential, 'claim');
    },

    async offers(actor: Actor): Promise<WalletOffer[]> {
      const userId = walletOwner(actor);
      const [emails, did] = await Promise.all([learners.verifiedEmails(userId), learners.getDid(userId)]);
      return findOffers(ctx.db, emails, did);
    },

    async acceptOffer(actor: Actor, credentialId: string): Promise<WalletImport> {
      const userId = walletOwner(actor);
      const [emails, did] = await Promise.all([learners.verifiedEmails(userId), learners.getDid(userId)]);
      const credential = await ctx.db.selectFrom('credentials').selectAll().where('id', '=', credentialId).executeTakeFirst();
      const mine = credential && ((credential.recipient_email !== null && emails.map((email) => email.toLowerCase()).includes(credential.recipient_email.toLowerCase()))
        || (credential.recipient_did !== null && credential.recipient_did === did));
      if (!credential || !mine) throw new NotFound('offer');
      return attachIssued(actor, userId, credential, 'offer');
    },

    /** Reads another issuer's OpenID4VCI Credential Offer: who offers what, and whether a transaction code is needed. */
    async previewExternalOffer(actor: Actor, offer: unknown): Promise<OfferPreview> {
      walletOwner(actor);
      return previewOffer(ctx, offer);
    },

    /**
     * Takes another issuer's offer (pre-authorized code flow, key proof by the learner's did:key) and
     * keeps each credential it gives, verified, with source 'openid4vci'.
     */
    async receiveExternalOffer(actor: Actor, input: { offer: unknown; txCode?: string }): Promise<ExternalOfferResult> {
      const userId = walletOwner(actor);
      await learners.ensureKey(actor);
      const signer = await learners.signer(userId);
      const { preview, received } = await receiveOffer(ctx, { offer: input.offer, txCode: input.txCode, signer });
      return { offer: preview, items: await keepReceived(actor, userId, received) };
    },

    /**
     * Starts the authorization code flow for an offer that needs the learner to sign in at the issuer:
     * the URL to send her to. She comes back to /wallet/exchange/callback (this instance is the client:
     * client_id = its public URL).
     */
    async startExternalAuthorization(actor: Actor, offer: unknown): Promise<{ authorizationUrl: string; offer: OfferPreview }> {
      const userId = walletOwner(actor);
      return startAuthorization(ctx, { offer, userId, ...holderClient() });
    },

    /** Finishes it with the code and state the issuer sent her back with, and keeps the credentials. */
    async completeExternalAuthorization(actor: Actor, input: { code: unknown; state: unknown }): Promise<ExternalOfferResult> {
      const userId = walletOwner(actor);
      await learners.ensureKey(actor);
      const signer = await learners.signer(userId);
      const { preview, received } = await completeAuthorization(ctx, { ...input, userId, signer, ...holderClient() });
      return { offer: preview, items: await keepReceived(actor, userId, received) };
    },

    /** Reads another verifier's OpenID4VP request: who asks, for what, and which of the learner's credentials answer. */
    async previewPresentationRequest(actor: Actor, request: unknown): Promise<RequestPreview> {
      const userId = walletOwner(actor);
      return previewRequest(ctx, request, await heldRows(userId));
    },

    /** Presents the chosen credentials to the verifier, signed by the learner's did:key for its nonce and client_id. */
    async answerPresentationRequest(actor: Actor, input: { request: unknown; credentialIds: unknown }): Promise<{ request: RequestPreview; outcome: RequestOutcome }> {
      const userId = walletOwner(actor);
      await learners.ensureKey(actor);
      const signer = await learners.signer(userId);
      const { preview, outcome } = await respondToRequest(ctx, { ...input, rows: await heldRows(userId), signer });
      await audit(ctx, ctx.db, actor, {
        organisationId: null, action: 'wallet.openid4vp.present', targetType: 'user', targetId: userId,
        details: { verifier: preview.clientId, credentials: outcome.presented, accepted: outcome.accepted },
      });
      return { request: preview, outcome };
    },

    async list(actor: Actor, query: WalletListQuery = {}): Promise<WalletPage> {
      return listWallet(ctx.db, ctx.dialect, walletOwner(actor), query);
    },

    async facets(actor: Actor): Promise<WalletFacets> {
      return walletFacets(ctx.db, walletOwner(actor));
    },

    async totals(actor: Actor): Promise<WalletTotals> {
      return walletTotals(ctx.db, walletOwner(actor));
    },

    async get(actor: Actor, id: string): Promise<WalletItemDetail> {
      return detailView(await load(ctx.db, walletOwner(actor), id));
    },

    /** The stored row (original, document) for sharing and exports; NotFound unless it is the user's. */
    getRow(userId: string, id: string): Promise<Row<'wallet_credentials'>> {
      return load(ctx.db, userId, id);
    },

    /** Removes the credential from the wallet, its place in collections and its share links. */
    async remove(actor: Actor, id: string): Promise<void> {
      const userId = walletOwner(actor);
      await ctx.db.transaction().execute(async (trx) => {
        await load(trx, userId, id);
        await trx.deleteFrom('wallet_collection_items').where('credential_id', '=', id).execute();
        await trx.deleteFrom('shares').where('user_id', '=', userId).where('target_type', '=', 'credential').where('target_id', '=', id).execute();
        await trx.deleteFrom('wallet_credentials').where('id', '=', id).execute();
        await changed(trx, userId);
        await audit(ctx, trx, actor, { organisationId: null, action: 'wallet.remove', targetType: 'wallet_credential', targetId: id });
      });
    },

    /** Verifies the stored original again now (status list, expiry, issuer key). */
    async reverify(actor: Actor, id: string): Promise<WalletItemDetail> {
      const row = await load(ctx.db, walletOwner(actor), id);
      return detailView(await applyReverify(actor, row, true));
    },

    /** Verifies one item again for the system (its issuer changed its status here); NotFound when it is gone. */
    async reverifyHeld(userId: string, id: string): Promise<WalletStatus> {
      const row = await load(ctx.db, userId, id);
      return (await applyReverify({ kind: 'system' }, row, false)).status;
    },

    /**
     * The scheduled job's work: re-verifies up to `limit` items whose last verification is more than
     * 24 hours old, oldest first, so a revocation or expiry shows up. One item failing does not stop the others.
     */
    async reverifyDue(limit: number): Promise<{ checked: number; changed: number; failed: number }> {
      const before = new Date(ctx.now().getTime() - REVERIFY_AFTER_MS).toISOString();
      const due = await ctx.db.selectFrom('wallet_credentials').selectAll().where('verified_at', '<', before)
        .orderBy('verified_at').orderBy('id').limit(limit).execute();
      let changed = 0;
      let failed = 0;
      for (const row of due) {
        try {
          const after = await applyReverify({ kind: 'system' }, row, false);
          if (after.status !== row.status) changed++;
        } catch (error) {
          failed++;
          ctx.log.warn({ walletCredentialId: row.id, err: error instanceof Error ? error.name : 'error' }, 'wallet re-verification failed');
        }
      }
      return { checked: due.length, changed, failed };
    },

    createCollection(actor: Actor, input: { name: string; description?: string; credentialIds?: string[] }): Promise<CollectionView> {
      return collections.create(actor, walletOwner(actor), input);
    },
    listCollections(actor: Actor): Promise<CollectionSummary[]> {
      return collections.list(walletOwner(actor));
    },
    getCollection(actor: Actor, id: string): Promise<CollectionView> {
      return collections.get(walletOwner(actor), id);
    },
    /** The collection row for sharing; NotFound unless it is the user's. */
    getCollectionRow(userId: string, id: string): Promise<Row<'wallet_collections'>> {
      return collections.getRow(userId, id);
    },
    updateCollection(actor: Actor, id: string, input: CollectionInput): Promise<CollectionView> {
      return collections.update(actor, walletOwner(actor), id, input);
    },
    deleteCollection(actor: Actor, id: string): Promise<void> {
      return collections.remove(actor, walletOwner(actor), id);
    },
  };
}

export type WalletService = ReturnType<typeof createWalletService>;
