import { randomBytes, randomUUID } from 'node:crypto';
import { badgePng, badgeSvg } from '../../render/badge.ts';
import { renderCertificate } from '../../render/certificate.ts';
import { renderNotFoundPage, renderPublicPage, type PageCredential, type PublicPage } from '../../render/public-page.ts';
import { qrPng, qrSvg } from '../../render/qr.ts';
import type { Row, ShareTarget } from '../../store/schema.ts';
import { bakePng, bakeSvg, detectAndExtract } from '../../vc/baking/index.ts';
import { isPng } from '../../vc/baking/png.ts';
import { createPresentation, signPresentation } from '../../vc/presentation.ts';
import type { JsonObject, Signer } from '../../vc/types.ts';
import { InputError, verifyAny } from '../../vc/verify-any.ts';
import type { Actor } from '../access.ts';
import { audit } from '../audit.ts';
import { nowIso, type ServiceContext } from '../context.ts';
import { Conflict, InvalidInput, NotFound, Unauthorized } from '../errors.ts';
import type { WalletService } from '../wallet/index.ts';
import { certifiedView, readDocument } from '../wallet/view.ts';
import { verdictOf, verdictSentence } from './verdict.ts';
import { isAuthentic } from '../verifier.ts';

/** What sharing needs from the learner service (H1): the learner's did:key and a signer over it. */
export interface LearnerKeys {
  ensureKey(actor: Actor): Promise<{ did: string }>;
  signer(userId: string): Promise<Signer>;
}

export interface ShareView {
  id: string;
  targetType: ShareTarget;
  targetId: string;
  url: string;
  createdAt: string;
  expiresAt?: string;
  revokedAt?: string;
  /** True while the link opens the page (not revoked, not expired). */
  active: boolean;
  views: number;
  /** LinkedIn add-to-profile URL (credential shares). */
  linkedIn?: string;
}

export type DownloadKind = 'json' | 'jwt' | 'png' | 'svg' | 'pdf';

export interface Download {
  body: Uint8Array | string;
  contentType: string;
  filename: string;
}

/** 32 random bytes, base64url: 43 characters. */
const TOKEN = /^[A-Za-z0-9_-]{43}$/;
const MAX_COLLECTION_ITEMS_SHOWN = 100;
const MAX_PRESENTED = 100;
const MAX_IMAGE_BYTES = 2 * 1024 * 1024;
const VERIFY_CONCURRENCY = 8;

type WalletRow = Row<'wallet_credentials'>;
type ShareRow = Row<'shares'>;

export class ShareNotFound extends NotFound {
  constructor() {
    super('link');
  }
}

function requireUser(actor: Actor): string {
  if (actor.kind !== 'user') throw new Unauthorized('sign in to your wallet');
  return actor.userId;
}

function originalBytes(row: WalletRow): Uint8Array {
  return row.original_type === 'image/png' ? Buffer.from(row.original, 'base64') : new TextEncoder().encode(row.original);
}

function parseDocument(row: WalletRow): JsonObject | undefined {
  if (!row.document) return undefined;
  try {
    const parsed = JSON.parse(row.document) as unknown;
    return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? parsed as JsonObject : undefined;
  } catch {
    return undefined;
  }
}

/** The compact JWT of a credential issued as a VC-JWT (stored as is, or baked into an image). */
function jwtOf(row: WalletRow): string | undefined {
  if (row.format !== 'jwt') return undefined;
  const extracted = detectAndExtract(originalBytes(row));
  return extracted?.ok && extracted.kind === 'ob3-jwt' ? extracted.jwt : undefined;
}

function slug(text: string): string {
  return text.normalize('NFKD').replace(/[\u0300-\u036f]/g, '').toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 60) || 'credential';
}

/**
 * LinkedIn's add-to-profile link for a certification (name, organisation, issue and expiry month,
 * the credential's URL and id); parameters without a value are left out.
 */
export function linkedInUrl(row: Pick<WalletRow, 'name' | 'issuer_name' | 'issued_at' | 'valid_until' | 'credential_key' | 'id'>, certUrl: string): string {
  const params = new URLSearchParams({ startTask: 'CERTIFICATION_NAME', name: row.name });
  if (row.issuer_name) params.set('organizationName', row.issuer_name);
  const issued = row.issued_at ? new Date(row.issued_at) : undefined;
  if (issued && !Number.isNaN(issued.getTime())) {
    params.set('issueYear', String(issued.getUTCFullYear()));
    params.set('issueMonth', String(issued.getUTCMonth() + 1));
  }
  const until = row.valid_until ? new Date(row.valid_until) : undefined;
  if (until && !Number.isNaN(until.getTime())) {
    params.set('expirationYear', String(until.getUTCFullYear()));
    params.set('expirationMonth', String(until.getUTCMonth() + 1));
  }
  params.set('certUrl', certUrl);
  params.set('certId', row.credential_key ?? row.id);
  return `https://www.linkedin.com/profile/add?${params.toString()}`;
}

async function inBatches<T, R>(items: readonly T[], size: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = [];
  for (let i = 0; i < items.length; i += size) out.push(...await Promise.all(items.slice(i, i + size).map(work)));
  return out;
}

/**
 * Sharing (issue 4): share links (private until made, revocable, optionally expiring), the public page
 * that verifies live, QR codes, the PDF certificate, downloads (JSON, JWT, baked PNG / SVG) for the
 * public and for the owner, LinkedIn links, and presentations signed by the learner's did:key.
 */
export function createSharingService(ctx: ServiceContext, deps: { wallet: WalletService; learners: LearnerKeys }) {
  const { learners } = deps;
  const base = ctx.config.publicUrl.replace(/\/+$/, '');
  const siteName = 'microcred';
  const shareUrl = (token: string) => `${base}/s/${token}`;

  const isActive = (share: ShareRow) => !share.revoked_at && !(share.expires_at && share.expires_at <= nowIso(ctx));

  async function findOwnedCredential(userId: string, id: string): Promise<WalletRow | undefined> {
    return await ctx.db.selectFrom('wallet_credentials').selectAll().where('id', '=', id).where('user_id', '=', userId).executeTakeFirst();
  }

  async function getOwnedCredential(userId: string, id: string): Promise<WalletRow> {
    const row = await findOwnedCredential(userId, id);
    if (!row) throw new NotFound('credential');
    return row;
  }

  async function collectionItems(collectionId: string): Promise<WalletRow[]> {
    return await ctx.db.selectFrom('wallet_collection_items')
      .innerJoin('wallet_credentials', 'wallet_credentials.id', 'wallet_collection_items.credential_id')
      .selectAll('wallet_credentials')
      .where('wallet_collection_items.collection_id', '=', collectionId)
      .orderBy('wallet_collection_items.position').orderBy('wallet_credentials.id')
      .limit(MAX_COLLECTION_ITEMS_SHOWN)
      .execute();
  }

  async function view(share: ShareRow, credential?: WalletRow): Promise<ShareView> {
    const row = credential ?? (share.target_type === 'credential' ? await findOwnedCredential(share.user_id, share.target_id) : undefined);
    const url = shareUrl(share.token);
    return {
      id: share.id,
      targetType: share.target_type,
      targetId: share.target_id,
      url,
      createdAt: share.created_at,
      ...(share.expires_at ? { expiresAt: share.expires_at } : {}),
      ...(share.revoked_at ? { revokedAt: share.revoked_at } : {}),
      active: isActive(share),
      views: Number(share.views),
      ...(row ? { linkedIn: linkedInUrl(row, url) } : {}),
    };
  }

  /** The share behind a public token, when it still opens; unknown, revoked and expired all look alike. */
  async function activeShare(token: string): Promise<ShareRow> {
    if (typeof token !== 'string' || !TOKEN.test(token)) throw new ShareNotFound();
    const share = await ctx.db.selectFrom('shares').selectAll().where('token', '=', token).executeTakeFirst();
    if (!share || !isActive(share)) throw new ShareNotFound();
    return share;
  }

  /**
   * The credential a link opens: the shared credential itself, or (`itemId`) one credential of a shared
   * collection — only while it is in that collection.
   */
  async function sharedCredential(token: string, itemId?: string): Promise<{ share: ShareRow; row: WalletRow }> {
    const share = await activeShare(token);
    let row: WalletRow | undefined;
    if (share.target_type === 'credential' && itemId === undefined) row = await findOwnedCredential(share.user_id, share.target_id);
    if (share.target_type === 'collection' && itemId !== undefined) {
      row = await ctx.db.selectFrom('wallet_collection_items')
        .innerJoin('wallet_credentials', 'wallet_credentials.id', 'wallet_collection_items.credential_id')
        .selectAll('wallet_credentials')
        .where('wallet_collection_items.collection_id', '=', share.target_id)
        .where('wallet_collection_items.credential_id', '=', itemId)
        .where('wallet_credentials.user_id', '=', share.user_id)
        .executeTakeFirst();
    }
    if (!row) throw new ShareNotFound();
    return { share, row };
  }

  /** Verifies the credential as stored (its original bytes) now, through the server's engine. */
  async function verifyLive(row: WalletRow) {
    try {
      return await verifyAny({ bytes: originalBytes(row), engine: ctx.engine, fetcher: ctx.fetch, now: ctx.now() });
    } catch (error) {
      if (error instanceof InputError) return { verified: false, checks: [{ check: 'structure', outcome: 'failed' as const, message: error.message }] };
      throw error;
    }
  }

  async function learnerName(userId: string): Promise<string | undefined> {
    const user = await ctx.db.selectFrom('users').select('name').where('id', '=', userId).executeTakeFirst();
    return user?.name ?? undefined;
  }

  /**
   * The badge image as a page may show it: an image this instance hosts (an achievement's upload) is
   * inlined as a data: URL, so the page needs nothing beyond itself; others are kept as they are.
   */
  async function shownImage(url: string | null): Promise<string | undefined> {
    if (!url) return undefined;
    const own = ownImage(url);
    if (!own) return url;
    const image = await ownImageBytes(own);
    return image ? `data:${image.contentType};base64,${Buffer.from(image.bytes).toString('base64')}` : undefined;
  }

  /** The achievement id of an image served by this instance (`PUBLIC_URL/achievements/:id/image`). */
  function ownImage(url: string): string | undefined {
    const prefix = `${base}/achievements/`;
    if (!url.startsWith(prefix) || !url.endsWith('/image')) return undefined;
    const id = url.slice(prefix.length, -'/image'.length);
    return /^[A-Za-z0-9_-]{1,100}$/.test(id) ? id : undefined;
  }

  async function ownImageBytes(achievementId: string): Promise<{ contentType: string; bytes: Uint8Array } | undefined> {
    const row = await ctx.db.selectFrom('achievements').select(['image_type', 'image_data']).where('id', '=', achievementId).executeTakeFirst();
    if (!row?.image_type || row.image_data === null) return undefined;
    return { contentType: row.image_type, bytes: Buffer.from(row.image_data, 'base64') };
  }

  /** The bytes of an image for the PDF: inline, hosted here, or read through the guarded fetcher. */
  async function imageBytes(url: string | undefined): Promise<Uint8Array | undefined> {
    if (!url) return undefined;
    const data = /^data:image\/[a-z0-9.+-]+(;[a-z0-9=.+-]+)*;base64,([A-Za-z0-9+/=]+)$/i.exec(url);
    if (data) return Buffer.from(data[2]!, 'base64');
    const own = ownImage(url);
    if (own) return (await ownImageBytes(own))?.bytes;
    if (!/^https?:\/\//i.test(url)) return undefined;
    try {
      const fetched = await ctx.fetch(url);
      return fetched.body.length <= MAX_IMAGE_BYTES ? fetched.body : undefined;
    } catch {
      return undefined;
    }
  }

  async function pageCredential(row: WalletRow, links: { base?: string; href?: string }): Promise<PageCredential> {
    const read = readDocument(row);
    const display = read.display;
    const result = await verifyLive(row);
    const verdict = verdictOf(result);
    const claimed = !isAuthentic(result.checks);
    const recipientName = display?.recipient.name;
    const facts = {
      name: row.name,
      ...(row.issuer_name ? { issuerName: row.issuer_name } : {}),
      ...(recipientName ? { recipientName } : {}),
      ...(row.issued_at ? { issuedAt: row.issued_at } : {}),
      ...(row.valid_until ? { validUntil: row.valid_until } : {}),
    };
    const downloads: PageCredential['downloads'] = [];
    if (links.base) {
      downloads.push({ label: 'Credential (JSON)', href: `${links.base}/credential.json` });
      if (row.format === 'jwt') downloads.push({ label: 'Credential (JWT)', href: `${links.base}/credential.jwt` });
      if (row.format !== 'ob2' || row.original_type === 'image/png') downloads.push({ label: 'Badge image (PNG)', href: `${links.base}/credential.png` });
      if (row.format !== 'ob2' || row.original_type === 'image/svg+xml') downloads.push({ label: 'Badge image (SVG)', href: `${links.base}/credential.svg` });
    }
    const image = await shownImage(row.image);
    return {
      name: row.name,
      ...(row.issuer_name ? { issuerName: row.issuer_name } : {}),
      ...(row.description ? { description: row.description } : {}),
      ...(image ? { image } : {}),
      ...certifiedView(row, read),
      standard: row.standard,
      verdict,
      ...(claimed ? { claimed } : {}),
      sentence: verdictSentence(verdict, facts, result.checks),
      checks: result.checks.map((c) => ({ outcome: c.outcome, message: c.message })),
      checkedAt: nowIso(ctx),
      downloads,
      ...(links.href ? { href: links.href } : {}),
    };
  }

  /** Builds the public page of an active share, verifying each credential now. */
  async function renderShare(share: ShareRow): Promise<string> {
    const url = shareUrl(share.token);
    const path = `/s/${share.token}`;
    if (share.target_type === 'credential') {
      const row = await findOwnedCredential(share.user_id, share.target_id);
      if (!row) throw new ShareNotFound();
      const credential = await pageCredential(row, { base: path });
      const page: PublicPage = {
        url, siteName,
        // A preview (og:title) of a forged file must not state its claims as the issuer's.
        title: credential.claimed ? `Not verified: a file claiming to be “${row.name}”` : `${row.name}${row.issuer_name ? ` · ${row.issuer_name}` : ''}`,
        summary: credential.sentence,
        credentials: [credential],
        alternateJson: `${path}/credential.json`,
        // A preview card needs an https image of its own; an image hosted here is one.
        ...(row.image && /^https:\/\//i.test(row.image) ? { previewImage: row.image } : {}),
        ...(row.format === 'jwt' ? { alternateJwt: `${path}/credential.jwt` } : {}),
        qrSvg: `${path}/qr.svg`,
        // A certificate vouches for what it prints: none for a file whose signature fails.
        ...(credential.claimed ? {} : { certificatePdf: `${path}/certificate.pdf` }),
        // No LinkedIn button here: it would add the credential to the visitor's profile; the owner has it in ShareView.
      };
      return renderPublicPage(page);
    }
    const collection = await ctx.db.selectFrom('wallet_collections').selectAll().where('id', '=', share.target_id).where('user_id', '=', share.user_id).executeTakeFirst();
    if (!collection) throw new ShareNotFound();
    const rows = await collectionItems(collection.id);
    const credentials = await inBatches(rows, VERIFY_CONCURRENCY, (row) => pageCredential(row, { base: `${path}/items/${row.id}` }));
    const verified = credentials.filter((c) => c.verdict === 'verified').length;
    const ownerName = await learnerName(share.user_id);
    return renderPublicPage({
      url, siteName,
      title: collection.name,
      summary: `${rows.length} credential${rows.length === 1 ? '' : 's'}, ${verified} verified just now.`,
      collection: { name: collection.name, ...(collection.description ? { description: collection.description } : {}), ...(ownerName ? { ownerName } : {}) },
      credentials,
      qrSvg: `${path}/qr.svg`,
    });
  }

  async function bakedImage(row: WalletRow, kind: 'png' | 'svg'): Promise<Download> {
    const name = slug(row.name);
    if (kind === 'png' && row.original_type === 'image/png') return { body: originalBytes(row), contentType: 'image/png', filename: `${name}.png` };
    if (kind === 'svg' && row.original_type === 'image/svg+xml') return { body: row.original, contentType: 'image/svg+xml', filename: `${name}.svg` };
    if (row.format === 'ob2') throw new NotFound(`${kind.toUpperCase()} image of this credential`);
    const credential: JsonObject | string | undefined = row.format === 'jwt' ? jwtOf(row) : parseDocument(row);
    if (!credential) throw new NotFound(`${kind.toUpperCase()} image of this credential`);
    const image = await achievementImage(row.image, kind);
    if (kind === 'png') {
      try {
        return { body: bakePng({ image: image instanceof Uint8Array ? image : badgePng(), credential }), contentType: 'image/png', filename: `${name}.png` };
      } catch {
        return { body: bakePng({ image: badgePng(), credential }), contentType: 'image/png', filename: `${name}.png` };
      }
    }
    const fallback = badgeSvg({ name: row.name, ...(row.issuer_name ? { issuerName: row.issuer_name } : {}) });
    try {
      return { body: bakeSvg({ svg: typeof image === 'string' ? image : fallback, credential }), contentType: 'image/svg+xml', filename: `${name}.svg` };
    } catch {
      return { body: bakeSvg({ svg: fallback, credential }), contentType: 'image/svg+xml', filename: `${name}.svg` };
    }
  }

  /** The achievement's own picture when it is of the wanted kind (inline, or read through the guarded fetcher). */
  async function achievementImage(url: string | null, kind: 'png' | 'svg'): Promise<Uint8Array | string | undefined> {
    if (!url) return undefined;
    let bytes: Uint8Array | undefined;
    const data = /^data:image\/(png|svg\+xml)(;[a-z0-9=.+-]+)*;base64,([A-Za-z0-9+/=]+)$/i.exec(url);
    if (data) bytes = Buffer.from(data[3]!, 'base64');
    else if (/^https?:\/\//i.test(url)) {
      try {
        const fetched = await ctx.fetch(url);
        bytes = fetched.body;
      } catch {
        return undefined;
      }
    }
    if (!bytes || bytes.length > MAX_IMAGE_BYTES) return undefined;
    if (kind === 'png') return isPng(bytes) ? bytes : undefined;
    const text = new TextDecoder().decode(bytes);
    return /<svg[\s>]/i.test(text) ? text : undefined;
  }

  async function download(row: WalletRow, kind: DownloadKind, verificationUrl: string, userId: string): Promise<Download> {
    const name = slug(row.name);
    switch (kind) {
      case 'json': {
        const document = row.original_type === 'application/json' ? row.original : row.document;
        if (!document) throw new NotFound('JSON of this credential');
        return { body: document, contentType: row.format === 'ob2' ? 'application/json' : 'application/ld+json', filename: `${name}.json` };
      }
      case 'jwt': {
        const jwt = jwtOf(row);
        if (!jwt) throw new NotFound('JWT of this credential (it was not issued as one)');
        return { body: jwt, contentType: 'application/vc+jwt', filename: `${name}.jwt` };
      }
      case 'png':
      case 'svg':
        return await bakedImage(row, kind);
      case 'pdf': {
        // A certificate states its values as fact: it is made only for a credential whose signature holds now.
        if (!isAuthentic((await verifyLive(row)).checks)) {
          throw new Conflict('no certificate is made for this credential: its signature does not hold, so what it says is not its issuer’s word');
        }
        const read = readDocument(row);
        const learner = read.display?.recipient.name ?? await learnerName(userId);
        const [badge, issuerLogo] = await Promise.all([imageBytes(row.image ?? undefined), imageBytes(read.display?.issuer.image)]);
        const pdf = await renderCertificate({
          ...(learner ? { learnerName: learner } : {}),
          achievement: row.name,
          ...(row.description ? { description: row.description } : {}),
          issuerName: row.issuer_name ?? row.issuer_id ?? 'Unknown issuer',
          certifies: certifiedView(row, read).certifies,
          ...(badge ? { badge } : {}),
          ...(issuerLogo ? { issuerLogo } : {}),
          verificationUrl,
          now: ctx.now(),
          ...(jwtOf(row) ? { credential: { text: jwtOf(row)!, kind: 'jwt' as const } } : row.document ? { credential: { text: row.original_type === 'application/json' ? row.original : row.document, kind: 'json' as const } } : {}),
        });
        return { body: pdf, contentType: 'application/pdf', filename: `${name}.pdf` };
      }
    }
  }

  return {
    /** Makes a share link for one of the learner's credentials or collections. */
    async create(actor: Actor, input: { targetType: ShareTarget; targetId: string; expiresAt?: string }): Promise<ShareView> {
      const userId = requireUser(actor);
      if (input.targetType !== 'credential' && input.targetType !== 'collection') throw InvalidInput.field('/targetType', 'must be "credential" or "collection"');
      let expiresAt: string | undefined;
      if (input.expiresAt !== undefined) {
        const at = new Date(input.expiresAt);
        if (Number.isNaN(at.getTime())) throw InvalidInput.field('/expiresAt', 'is not a date and time');
        if (at.getTime() <= ctx.now().getTime()) throw InvalidInput.field('/expiresAt', 'is in the past: a link must expire later than now');
        expiresAt = at.toISOString();
      }
      let credential: WalletRow | undefined;
      if (input.targetType === 'credential') credential = await getOwnedCredential(userId, input.targetId);
      else {
        const collection = await ctx.db.selectFrom('wallet_collections').select('id').where('id', '=', input.targetId).where('user_id', '=', userId).executeTakeFirst();
        if (!collection) throw new NotFound('collection');
      }
      const row: ShareRow = {
        id: randomUUID(), user_id: userId, target_type: input.targetType, target_id: input.targetId,
        token: randomBytes(32).toString('base64url'), created_at: nowIso(ctx), expires_at: expiresAt ?? null, revoked_at: null, views: 0,
      };
      await ctx.db.transaction().execute(async (trx) => {
        await trx.insertInto('shares').values(row).execute();
        await audit(ctx, trx, actor, { organisationId: null, action: 'share.create', targetType: 'share', targetId: row.id, details: { targetType: row.target_type, targetId: row.target_id, ...(expiresAt ? { expiresAt } : {}) } });
      });
      return await view(row, credential);
    },

    async list(actor: Actor, filter: { targetType?: ShareTarget; targetId?: string } = {}): Promise<ShareView[]> {
      const userId = requireUser(actor);
      let query = ctx.db.selectFrom('shares').selectAll().where('user_id', '=', userId);
      if (filter.targetType) query = query.where('target_type', '=', filter.targetType);
      if (filter.targetId) query = query.where('target_id', '=', filter.targetId);
      const rows = await query.orderBy('created_at', 'desc').orderBy('id').limit(1000).execute();
      const credentialIds = [...new Set(rows.filter((r) => r.target_type === 'credential').map((r) => r.target_id))];
      const credentials = credentialIds.length === 0 ? [] : await ctx.db.selectFrom('wallet_credentials').selectAll().where('user_id', '=', userId).where('id', 'in', credentialIds).execute();
      const byId = new Map(credentials.map((c) => [c.id, c]));
      const collectionIds = [...new Set(rows.filter((r) => r.target_type === 'collection').map((r) => r.target_id))];
      const collections = new Set(collectionIds.length === 0 ? [] : (await ctx.db.selectFrom('wallet_collections').select('id').where('user_id', '=', userId).where('id', 'in', collectionIds).execute()).map((c) => c.id));
      // Links to items the learner has since removed open nothing and are not listed.
      const live = rows.filter((r) => (r.target_type === 'credential' ? byId.has(r.target_id) : collections.has(r.target_id)));
      return await Promise.all(live.map((r) => view(r, r.target_type === 'credential' ? byId.get(r.target_id) : undefined)));
    },

    /** Withdraws a link: from now on it answers exactly like a link that never existed. */
    async revoke(actor: Actor, id: string): Promise<ShareView> {
      const userId = requireUser(actor);
      const share = await ctx.db.selectFrom('shares').selectAll().where('id', '=', id).where('user_id', '=', userId).executeTakeFirst();
      if (!share) throw new NotFound('share');
      if (share.revoked_at) return await view(share);
      const revokedAt = nowIso(ctx);
      await ctx.db.transaction().execute(async (trx) => {
        await trx.updateTable('shares').set({ revoked_at: revokedAt }).where('id', '=', id).execute();
        await audit(ctx, trx, actor, { organisationId: null, action: 'share.revoke', targetType: 'share', targetId: id });
      });
      return await view({ ...share, revoked_at: revokedAt });
    },

    /**
     * The public page behind a token, verified live; counts the view. Throws {@link ShareNotFound} for an
     * unknown, revoked or expired link alike. What GET /s/:token serves (and what a benchmark times).
     */
    async publicPage(token: string): Promise<string> {
      const share = await activeShare(token);
      const html = await renderShare(share);
      await ctx.db.updateTable('shares').set((eb) => ({ views: eb('views', '+', 1) })).where('id', '=', share.id).execute();
      return html;
    },

    /** The page anyone gets for a link that does not open (the same for every reason). */
    notFoundPage(): string {
      return renderNotFoundPage(siteName);
    },

    async qr(token: string, kind: 'png' | 'svg'): Promise<Download> {
      const share = await activeShare(token);
      const url = shareUrl(share.token);
      return kind === 'png'
        ? { body: qrPng(url, { scale: 8 }), contentType: 'image/png', filename: 'qr.png' }
        : { body: qrSvg(url, { title: 'QR code that opens the verification page' }), contentType: 'image/svg+xml', filename: 'qr.svg' };
    },

    /** A download of a shared credential, or of one in a shared collection (json, jwt, baked png/svg, the PDF certificate). */
    async sharedDownload(token: string, kind: DownloadKind, itemId?: string): Promise<Download> {
      const { share, row } = await sharedCredential(token, itemId);
      return await download(row, kind, shareUrl(share.token), share.user_id);
    },

    /**
     * The owner's own downloads, without a share. The PDF's QR code leads to the newest active share
     * of the credential, else to the credential's own URL, else to this instance's public verifier.
     */
    async ownerDownload(actor: Actor, credentialId: string, kind: DownloadKind): Promise<Download> {
      const userId = requireUser(actor);
      const row = await getOwnedCredential(userId, credentialId);
      let url = `${base}/verify`;
      if (kind === 'pdf') {
        const shares = await ctx.db.selectFrom('shares').selectAll().where('user_id', '=', userId).where('target_type', '=', 'credential').where('target_id', '=', row.id)
          .where('revoked_at', 'is', null).orderBy('created_at', 'desc').execute();
        const share = shares.find(isActive);
        if (share) url = shareUrl(share.token);
        else if (row.credential_key && /^https?:\/\//.test(row.credential_key)) url = row.credential_key;
      }
      return await download(row, kind, url, userId);
    },

    /**
     * A Verifiable Presentation of some of the learner's credentials for a verifier's challenge (and
     * domain), signed with the learner's did:key (made on first use).
     */
    async presentation(actor: Actor, input: { credentialIds: string[]; challenge: string; domain?: string }): Promise<JsonObject> {
      const userId = requireUser(actor);
      const ids = [...new Set(input.credentialIds)];
      if (ids.length === 0) throw InvalidInput.field('/credentialIds', 'must name at least one credential');
      if (ids.length > MAX_PRESENTED) throw InvalidInput.field('/credentialIds', `may name at most ${MAX_PRESENTED} credentials`);
      if (typeof input.challenge !== 'string' || input.challenge.trim() === '') throw InvalidInput.field('/challenge', 'is required: the verifier gives it');
      const credentials: (JsonObject | string)[] = [];
      for (const [index, id] of ids.entries()) {
        const row = await getOwnedCredential(userId, id);
        if (row.format === 'ob2') throw InvalidInput.field(`/credentialIds/${index}`, 'is an Open Badges 2.0 badge, which is not a Verifiable Credential and cannot go into a presentation');
        const credential = row.format === 'jwt' ? jwtOf(row) : parseDocument(row);
        if (!credential) throw InvalidInput.field(`/credentialIds/${index}`, 'could not be read from the wallet');
        credentials.push(credential);
      }
      const { did } = await learners.ensureKey(actor);
      const signer = await learners.signer(userId);
      const presentation = createPresentation({ credentials, holder: did, id: `urn:uuid:${randomUUID()}` });
      return await signPresentation({
        presentation, signer, documentLoader: ctx.engine.loaderFor(presentation), now: ctx.now(),
        challenge: input.challenge, ...(input.domain ? { domain: input.domain } : {}),
      });
    },
  };
}

export type SharingService = ReturnType<typeof createSharingService>;
