import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { DB, Row } from '../store/schema.ts';
import { didKeyFromPublicKey } from '../vc/did/did-key.ts';
import { buildDidWebDocument, didWebFromUrl } from '../vc/did/did-web.ts';
import { createEd25519Signer, encodePublicKeyMultibase, generateEd25519 } from '../vc/keys/ed25519.ts';
import type { JsonObject, Signer } from '../vc/types.ts';
import { CAN, requireAccess, type Actor } from './access.ts';
import { audit } from './audit.ts';
import type { ServiceContext } from './context.ts';
import { Conflict, InvalidInput, NotFound } from './errors.ts';

export interface IssuerInput {
  name: string;
  url?: string | null;
  email?: string | null;
  image?: string | null;
  /** ISO 3166-1 alpha-2 (EU element "country of the awarding body"). */
  country?: string | null;
  description?: string | null;
  didMethod?: 'web' | 'key';
}

export interface IssuerView {
  id: string;
  organisationId: string;
  name: string;
  url: string | null;
  email: string | null;
  image: string | null;
  country: string | null;
  description: string | null;
  did: string;
  didMethod: 'web' | 'key';
  isDefault: boolean;
  keys: { id: string; status: 'active' | 'retired'; createdAt: string; retiredAt: string | null }[];
  createdAt: string;
  updatedAt: string;
}

export interface IssuerSigning {
  issuer: Row<'issuers'>;
  signer: Signer;
}

function validate(input: Partial<IssuerInput>, partial: boolean): void {
  const errors = [];
  if (!partial || input.name !== undefined) {
    if (typeof input.name !== 'string' || input.name.trim() === '') errors.push({ pointer: '/name', message: 'is required' });
  }
  if (input.url) {
    try {
      if (!/^https?:$/.test(new URL(input.url).protocol)) throw new Error();
    } catch {
      errors.push({ pointer: '/url', message: 'must be an http(s) URL' });
    }
  }
  if (input.email && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(input.email)) errors.push({ pointer: '/email', message: 'is not an e-mail address' });
  if (input.country && !/^[A-Z]{2}$/.test(input.country)) errors.push({ pointer: '/country', message: 'must be an ISO 3166-1 alpha-2 code such as "FR"' });
  if (input.image) {
    try {
      if (!/^(https?|data):$/.test(new URL(input.image).protocol)) throw new Error();
    } catch {
      errors.push({ pointer: '/image', message: 'must be an http(s) or data: URL' });
    }
  }
  if (errors.length > 0) throw new InvalidInput(`issuer ${errors[0]!.pointer.slice(1)} ${errors[0]!.message}`, errors);
}

/** The did:web an issuer gets: `did:web:<host>:issuers:<id>`, served at /issuers/<id>/did.json. */
export function issuerDidWeb(publicUrl: string, issuerId: string): string {
  return didWebFromUrl(`${publicUrl}/issuers/${issuerId}/did.json`);
}

/**
 * Issuer profiles and their keys. Private keys are sealed by the key vault; a bounded cache keeps
 * the signers of recently used issuers so bulk issuance does not decrypt per credential.
 */
export function createIssuerService(ctx: ServiceContext) {
  const signers = new Map<string, IssuerSigning>();
  const MAX_SIGNERS = 64;

  async function newKey(db: Kysely<DB>, issuerId: string, did: string | undefined, at: string): Promise<{ did: string; keyId: string }> {
    const pair = generateEd25519();
    const multibase = encodePublicKeyMultibase(pair.publicKey);
    const keyDid = did ?? didKeyFromPublicKey(pair.publicKey);
    const keyId = `${keyDid}#${multibase}`;
    await db.insertInto('issuer_keys').values({
      id: keyId,
      issuer_id: issuerId,
      public_key_multibase: multibase,
      secret_encrypted: ctx.vault.seal(pair.seed),
      status: 'active',
      created_at: at,
      retired_at: null,
    }).execute();
    return { did: keyDid, keyId };
  }

  async function view(db: Kysely<DB>, issuer: Row<'issuers'>): Promise<IssuerView> {
    const keys = await db.selectFrom('issuer_keys').select(['id', 'status', 'created_at', 'retired_at'])
      .where('issuer_id', '=', issuer.id).orderBy('created_at', 'desc').execute();
    return {
      id: issuer.id,
      organisationId: issuer.organisation_id,
      name: issuer.name,
      url: issuer.url,
      email: issuer.email,
      image: issuer.image,
      country: issuer.country,
      description: issuer.description,
      did: issuer.did,
      didMethod: issuer.did_method,
      isDefault: issuer.is_default === 1,
      keys: keys.map((key) => ({ id: key.id, status: key.status, createdAt: key.created_at, retiredAt: key.retired_at })),
      createdAt: issuer.created_at,
      updatedAt: issuer.updated_at,
    };
  }

  async function load(issuerId: string): Promise<Row<'issuers'>> {
    const issuer = await ctx.db.selectFrom('issuers').selectAll().where('id', '=', issuerId).executeTakeFirst();
    if (!issuer) throw new NotFound('issuer');
    return issuer;
  }

  const service = {
    /** Creates an issuer with its first key, inside the caller's transaction when one is given. */
    async create(actor: Actor, organisationId: string, input: IssuerInput, db: Kysely<DB> = ctx.db): Promise<IssuerView> {
      await requireAccess(ctx, actor, organisationId, { roles: CAN.manageIssuers }, 'organisation');
      validate(input, false);
      const id = randomUUID();
      const at = ctx.now().toISOString();
      const method = input.didMethod ?? 'web';
      const run = async (trx: Kysely<DB>) => {
        const existing = await trx.selectFrom('issuers').select('id').where('organisation_id', '=', organisationId).executeTakeFirst();
        const webDid = method === 'web' ? issuerDidWeb(ctx.config.publicUrl, id) : undefined;
        // did:key issuers get their DID from the key, so the key is made first, then the row points to it.
        await trx.insertInto('issuers').values({
          id,
          organisation_id: organisationId,
          name: input.name.trim(),
          url: input.url ?? null,
          email: input.email ?? null,
          image: input.image ?? null,
          country: input.country ?? null,
          description: input.description ?? null,
          did_method: method,
          did: webDid ?? `pending:${id}`,
          is_default: existing ? 0 : 1,
          created_at: at,
          updated_at: at,
        }).execute();
        const { did } = await newKey(trx, id, webDid, at);
        if (!webDid) await trx.updateTable('issuers').set({ did }).where('id', '=', id).execute();
        await audit(ctx, trx, actor, { organisationId, action: 'issuer.create', targetType: 'issuer', targetId: id, details: { didMethod: method } });
        return view(trx, (await trx.selectFrom('issuers').selectAll().where('id', '=', id).executeTakeFirstOrThrow()));
      };
      return db === ctx.db ? ctx.db.transaction().execute(run) : run(db);
    },

    async list(actor: Actor, organisationId: string): Promise<IssuerView[]> {
      await requireAccess(ctx, actor, organisationId, { roles: CAN.read, scope: 'read' }, 'organisation');
      const rows = await ctx.db.selectFrom('issuers').selectAll().where('organisation_id', '=', organisationId).orderBy('created_at').execute();
      return Promise.all(rows.map((row) => view(ctx.db, row)));
    },

    async get(actor: Actor, issuerId: string): Promise<IssuerView> {
      const issuer = await load(issuerId);
      await requireAccess(ctx, actor, issuer.organisation_id, { roles: CAN.read, scope: 'read' }, 'issuer');
      return view(ctx.db, issuer);
    },

    async update(actor: Actor, issuerId: string, input: Partial<Omit<IssuerInput, 'didMethod'>>): Promise<IssuerView> {
      const issuer = await load(issuerId);
      await requireAccess(ctx, actor, issuer.organisation_id, { roles: CAN.manageIssuers }, 'issuer');
      validate(input, true);
      return ctx.db.transaction().execute(async (trx) => {
        await trx.updateTable('issuers').set({
          ...(input.name !== undefined ? { name: input.name.trim() } : {}),
          ...(input.url !== undefined ? { url: input.url } : {}),
          ...(input.email !== undefined ? { email: input.email } : {}),
          ...(input.image !== undefined ? { image: input.image } : {}),
          ...(input.country !== undefined ? { country: input.country } : {}),
          ...(input.description !== undefined ? { description: input.description } : {}),
          updated_at: ctx.now().toISOString(),
        }).where('id', '=', issuerId).execute();
        await audit(ctx, trx, actor, { organisationId: issuer.organisation_id, action: 'issuer.update', targetType: 'issuer', targetId: issuerId, details: { fields: Object.keys(input) } });
        signers.delete(issuerId);
        return view(trx, await trx.selectFrom('issuers').selectAll().where('id', '=', issuerId).executeTakeFirstOrThrow());
      });
    },

    /**
     * New credentials use a new key; the old one is retired but stays in the DID document so that
     * what it signed still verifies. did:key issuers cannot rotate (their DID is their key).
     */
    async rotateKey(actor: Actor, issuerId: string): Promise<IssuerView> {
      const issuer = await load(issuerId);
      await requireAccess(ctx, actor, issuer.organisation_id, { roles: CAN.manageIssuers }, 'issuer');
      // A did:key is its key: a new key would be a new issuer identity, and the status lists and
      // credentials signed under the old DID would no longer match their issuer.
      if (issuer.did_method === 'key') throw new Conflict('a did:key issuer cannot rotate its key (the DID is the key); create a new issuer, or use did:web, whose keys rotate');
      const at = ctx.now().toISOString();
      const result = await ctx.db.transaction().execute(async (trx) => {
        await trx.updateTable('issuer_keys').set({ status: 'retired', retired_at: at }).where('issuer_id', '=', issuerId).where('status', '=', 'active').execute();
        const { did, keyId } = await newKey(trx, issuerId, issuer.did, at);
        await trx.updateTable('issuers').set({ did, updated_at: at }).where('id', '=', issuerId).execute();
        await audit(ctx, trx, actor, { organisationId: issuer.organisation_id, action: 'issuer.rotate-key', targetType: 'issuer', targetId: issuerId, details: { keyId } });
        return view(trx, await trx.selectFrom('issuers').selectAll().where('id', '=', issuerId).executeTakeFirstOrThrow());
      });
      signers.delete(issuerId);
      return result;
    },

    /** The issuer's row and a signer for its active key (no access check: callers check first). */
    async signing(issuerId: string): Promise<IssuerSigning> {
      const cached = signers.get(issuerId);
      if (cached) return cached;
      const issuer = await load(issuerId);
      const key = await ctx.db.selectFrom('issuer_keys').selectAll().where('issuer_id', '=', issuerId).where('status', '=', 'active')
        .orderBy('created_at', 'desc').executeTakeFirst();
      if (!key) throw new NotFound('active issuer key');
      const signing = { issuer, signer: createEd25519Signer({ id: key.id, seed: ctx.vault.open(key.secret_encrypted) }) };
      if (signers.size >= MAX_SIGNERS) signers.delete(signers.keys().next().value!);
      signers.set(issuerId, signing);
      return signing;
    },

    /** Forgets cached signers (after a rotation on another node, or in tests). */
    forgetSigners(): void {
      signers.clear();
    },

    /** The public DID document of a did:web issuer: every key it ever had. */
    async didDocument(issuerId: string): Promise<JsonObject | undefined> {
      const issuer = await ctx.db.selectFrom('issuers').selectAll().where('id', '=', issuerId).executeTakeFirst();
      if (!issuer || issuer.did_method !== 'web') return undefined;
      const keys = await ctx.db.selectFrom('issuer_keys').select('public_key_multibase').where('issuer_id', '=', issuerId).orderBy('created_at').execute();
      return buildDidWebDocument({ did: issuer.did, keys: keys.map((key) => ({ publicKeyMultibase: key.public_key_multibase })) });
    },

    /**
     * The host's own did:web (`/.well-known/did.json`): the keys of the first organisation's default
     * issuer, with that issuer's DID as alsoKnownAs.
     */
    async hostDidDocument(): Promise<JsonObject | undefined> {
      const issuer = await ctx.db.selectFrom('issuers').selectAll().where('is_default', '=', 1).where('did_method', '=', 'web')
        .orderBy('created_at').executeTakeFirst();
      if (!issuer) return undefined;
      const keys = await ctx.db.selectFrom('issuer_keys').select('public_key_multibase').where('issuer_id', '=', issuer.id).orderBy('created_at').execute();
      const hostDid = didWebFromUrl(`${ctx.config.publicUrl}/.well-known/did.json`);
      return buildDidWebDocument({ did: hostDid, keys: keys.map((key) => ({ publicKeyMultibase: key.public_key_multibase })), alsoKnownAs: [issuer.did] });
    },

    /** The OB 3.0 Profile published for the issuer (and embedded in its credentials). */
    profile(issuer: Row<'issuers'>): JsonObject {
      return {
        id: issuer.did,
        type: ['Profile'],
        name: issuer.name,
        ...(issuer.url ? { url: issuer.url } : {}),
        ...(issuer.email ? { email: issuer.email } : {}),
        ...(issuer.image ? { image: { id: issuer.image, type: 'Image' } } : {}),
        ...(issuer.description ? { description: issuer.description } : {}),
        ...(issuer.country ? { address: { type: ['Address'], addressCountryCode: issuer.country } } : {}),
      };
    },

    async findRow(issuerId: string): Promise<Row<'issuers'> | undefined> {
      return ctx.db.selectFrom('issuers').selectAll().where('id', '=', issuerId).executeTakeFirst();
    },
  };
  return service;
}

export type IssuerService = ReturnType<typeof createIssuerService>;
