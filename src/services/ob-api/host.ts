import { generateKeyPairSync, randomBytes, randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { DB } from '../../store/schema.ts';
import { InputError } from '../../vc/verify-any.ts';
import { audit } from '../audit.ts';
import type { ServiceContext } from '../context.ts';
import type { Actor } from '../access.ts';
import { InvalidInput, NotFound } from '../errors.ts';
import { walletOwner, type WalletChanged } from '../wallet/index.ts';
import { ingest } from '../wallet/ingest.ts';
import { oauthAdapter, type OAuthModelAdapter } from './oauth-store.ts';

/** The scopes of the OB 3.0 API (OB 3.0 §6.1.3, "Scopes"). */
export const OB_SCOPES = {
  credentialRead: 'https://purl.imsglobal.org/spec/ob/v3p0/scope/credential.readonly',
  credentialUpsert: 'https://purl.imsglobal.org/spec/ob/v3p0/scope/credential.upsert',
  profileRead: 'https://purl.imsglobal.org/spec/ob/v3p0/scope/profile.readonly',
  profileUpdate: 'https://purl.imsglobal.org/spec/ob/v3p0/scope/profile.update',
} as const;
export type ObScope = (typeof OB_SCOPES)[keyof typeof OB_SCOPES];
export const ALL_OB_SCOPES: readonly ObScope[] = Object.values(OB_SCOPES);

/** What a learner is told on the consent screen for each scope, in plain words. */
export const SCOPE_WORDS: Record<ObScope, string> = {
  [OB_SCOPES.credentialRead]: 'See every credential in your wallet (their full content, including your name or e-mail as recorded in them).',
  [OB_SCOPES.credentialUpsert]: 'Add credentials to your wallet, or replace one it already holds with a newer copy. Each is verified before it is kept.',
  [OB_SCOPES.profileRead]: 'See your profile: your name and the e-mail address you sign in with.',
  [OB_SCOPES.profileUpdate]: 'Change the name on your profile.',
};

/** getCredentials' answer (OB 3.0 §6.2.2, GetOpenBadgeCredentialsResponse) and the total before paging. */
export interface HeldCredentialsPage {
  total: number;
  credential: Record<string, unknown>[];
  compactJwsString: string[];
}

/** The learner's OB 3.0 Profile (OB 3.0 §B.1.17) as the host shows it. */
export interface ObProfile {
  id: string;
  type: string[];
  name?: string;
  email?: string;
}

export interface UpsertOutcome {
  /** 201 created, 200 replaced, 304 identical to the held copy (OB 3.0 §6.2.3, upsertCredential). */
  status: 200 | 201 | 304;
  walletItemId: string;
  verificationStatus: string;
}

/** An application the learner allowed to use her wallet through the OB 3.0 API (one grant). */
export interface ObConnection {
  id: string;
  clientName: string;
  clientUri?: string;
  scopes: string[];
  /** What each scope lets it see or do, in words (as the consent screen said). */
  permissions: string[];
  grantedAt?: string;
}

export const MAX_PAGE = 100;
const SERVER_KEYS_MODEL = '_ServerKeys';

export interface AuthorizationServerKeys {
  cookieKeys: string[];
  /** A private JWK (RSA, RS256). */
  signingKey: Record<string, unknown>;
}

/**
 * microcred as an OB 3.0 API host (issue 13 §1): the learner's wallet read and written by a platform she
 * authorised. The authorization server (oidc-provider, in src/http) decides who the learner is and what
 * the token allows; these functions take the learner's id it vouched for.
 */
export function createObHostService(ctx: ServiceContext, deps: { changed?: WalletChanged } = {}) {
  const changed: WalletChanged = deps.changed ?? (async () => {});

  return {
    /** The authorization server's storage for one model (clients, grants, tokens…). */
    oauthAdapter(model: string): OAuthModelAdapter {
      return oauthAdapter(ctx.db, model);
    },

    /**
     * The authorization server's secrets, the same on every node: cookie signing keys and the key that signs
     * what it signs (ID tokens, were they asked for). Made by the first node that needs them, sealed with the
     * key vault, kept in the database.
     */
    async serverKeys(): Promise<AuthorizationServerKeys> {
      const read = () => ctx.db.selectFrom('oauth_models').select('payload').where('model', '=', SERVER_KEYS_MODEL).where('id', '=', 'v1').executeTakeFirst();
      let row = await read();
      if (!row) {
        const jwk = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' });
        const keys: AuthorizationServerKeys = { cookieKeys: [randomBytes(32).toString('base64url')], signingKey: { ...jwk, kid: randomUUID(), use: 'sig', alg: 'RS256' } };
        const sealed = ctx.vault.seal(new TextEncoder().encode(JSON.stringify(keys)));
        await ctx.db.insertInto('oauth_models').values({ model: SERVER_KEYS_MODEL, id: 'v1', payload: JSON.stringify({ sealed }), grant_id: null, uid: null, user_code: null, account_id: null, expires_at: null, consumed_at: null })
          .onConflict((oc) => oc.columns(['model', 'id']).doNothing()).execute();
        row = await read();
      }
      const { sealed } = JSON.parse(row!.payload) as { sealed: string };
      return JSON.parse(new TextDecoder().decode(ctx.vault.open(sealed))) as AuthorizationServerKeys;
    },

    /** The applications the learner allowed (her grants that have not expired), newest first. */
    async listConnections(actor: Actor): Promise<ObConnection[]> {
      const userId = walletOwner(actor);
      const grants = await ctx.db.selectFrom('oauth_models').select(['id', 'payload', 'expires_at']).where('model', '=', 'Grant').where('account_id', '=', userId).execute();
      const live = grants.filter((row) => row.expires_at === null || Number(row.expires_at) > Date.now());
      const connections: ObConnection[] = [];
      for (const row of live) {
        const grant = JSON.parse(row.payload) as { clientId?: string; iat?: number; resources?: Record<string, string>; openid?: { scope?: string } };
        const client = grant.clientId
          ? await ctx.db.selectFrom('oauth_models').select('payload').where('model', '=', 'Client').where('id', '=', grant.clientId).executeTakeFirst()
          : undefined;
        const metadata = client ? JSON.parse(client.payload) as { client_name?: string; client_uri?: string } : {};
        const scopes = [...new Set([...Object.values(grant.resources ?? {}), grant.openid?.scope ?? ''].flatMap((scope) => scope.split(' ')))]
          .filter((scope): scope is ObScope => (ALL_OB_SCOPES as readonly string[]).includes(scope));
        connections.push({
          id: row.id, clientName: metadata.client_name ?? grant.clientId ?? 'Unknown application', ...(metadata.client_uri ? { clientUri: metadata.client_uri } : {}),
          scopes, permissions: scopes.map((scope) => SCOPE_WORDS[scope]), ...(grant.iat ? { grantedAt: new Date(grant.iat * 1000).toISOString() } : {}),
        });
      }
      return connections.sort((a, b) => (b.grantedAt ?? '').localeCompare(a.grantedAt ?? ''));
    },

    /** Withdraws a permission: the grant and every code and token issued under it stop working at once. */
    async disconnect(actor: Actor, grantId: string): Promise<void> {
      const userId = walletOwner(actor);
      await ctx.db.transaction().execute(async (trx) => {
        const grant = await trx.selectFrom('oauth_models').select('id').where('model', '=', 'Grant').where('id', '=', grantId).where('account_id', '=', userId).executeTakeFirst();
        if (!grant) throw new NotFound('connection');
        await trx.deleteFrom('oauth_models').where((eb) => eb.or([eb.and([eb('model', '=', 'Grant'), eb('id', '=', grantId)]), eb('grant_id', '=', grantId)])).execute();
        await audit(ctx, trx, actor, { organisationId: null, action: 'wallet.ob-api.disconnect', targetType: 'oauth_grant', targetId: grantId });
      });
    },

    /** True when the account exists (the authorization server asks before issuing tokens for it). */
    async accountExists(userId: string): Promise<boolean> {
      return (await ctx.db.selectFrom('users').select('id').where('id', '=', userId).executeTakeFirst()) !== undefined;
    },

    /**
     * The learner's OB 3.0 credentials, oldest first: JSON ones as `credential`, VC-JWT ones as their compact
     * JWS. OB 2.0 assertions in the wallet are not OB 3.0 credentials and are not listed.
     */
    async listCredentials(userId: string, query: { limit?: number; offset?: number; since?: string }): Promise<HeldCredentialsPage> {
      const limit = Math.min(Math.max(query.limit ?? MAX_PAGE, 1), MAX_PAGE);
      const offset = Math.max(query.offset ?? 0, 0);
      let since: string | undefined;
      if (query.since !== undefined) {
        const time = Date.parse(query.since);
        if (!Number.isFinite(time)) throw new InvalidInput('since must be a date and time (ISO 8601)', [{ pointer: '/since', message: 'is not a date and time' }], { status: 400 });
        since = new Date(time).toISOString();
      }
      let base = ctx.db.selectFrom('wallet_credentials').where('user_id', '=', userId).where('format', '!=', 'ob2');
      if (since) base = base.where('added_at', '>', since);
      const [{ total }, rows] = await Promise.all([
        base.select((eb) => eb.fn.countAll<number>().as('total')).executeTakeFirstOrThrow(),
        base.select(['original', 'original_type', 'document']).orderBy('added_at').orderBy('id').limit(limit).offset(offset).execute(),
      ]);
      const page: HeldCredentialsPage = { total: Number(total), credential: [], compactJwsString: [] };
      for (const row of rows) {
        if (row.original_type === 'application/jwt') page.compactJwsString.push(row.original.trim());
        else if (row.document) page.credential.push(JSON.parse(row.document) as Record<string, unknown>);
      }
      return page;
    },

    /**
     * upsertCredential: verifies the credential as a wallet import does and keeps it with the outcome. A
     * credential the wallet holds (same id, or same proof) is replaced by a copy that verifies; a changed
     * copy that does not verify is refused and the held one is kept (nothing is lost).
     */
    async upsertCredential(userId: string, input: { bytes: Uint8Array; clientId: string }): Promise<UpsertOutcome> {
      let ingested;
      try {
        ingested = await ingest(ctx, { bytes: input.bytes, source: 'ob-api' });
      } catch (error) {
        if (error instanceof InputError) throw new InvalidInput(error.message, [], { status: 400 });
        if (error instanceof InvalidInput) throw new InvalidInput(error.message, error.errors, { status: 400 });
        throw error;
      }
      if (ingested.format === 'ob2') throw new InvalidInput('This is an Open Badges 2.0 assertion; the OB 3.0 API takes OB 3.0 credentials (JSON-LD or compact JWS).', [], { status: 400 });
      return ctx.db.transaction().execute(async (trx): Promise<UpsertOutcome> => {
        const existing = await findHeld(trx, userId, ingested.credential_key, ingested.proof_key);
        const actor = { kind: 'user' as const, userId };
        if (existing && existing.original === ingested.original) {
          return { status: 304, walletItemId: existing.id, verificationStatus: existing.status };
        }
        if (existing) {
          if (ingested.status === 'invalid') {
            throw new InvalidInput('This credential carries the identity of one the wallet holds, but it does not verify (changed after it was signed?). Nothing was replaced.', [], { status: 400 });
          }
          const { source: _source, ...columns } = ingested;
          await trx.updateTable('wallet_credentials').set(columns).where('id', '=', existing.id).execute();
          await changed(trx, userId);
          await audit(ctx, trx, actor, { organisationId: null, action: 'wallet.ob-api.replace', targetType: 'wallet_credential', targetId: existing.id, details: { clientId: input.clientId, status: ingested.status } });
          return { status: 200, walletItemId: existing.id, verificationStatus: ingested.status };
        }
        const id = randomUUID();
        await trx.insertInto('wallet_credentials').values({ ...ingested, id, user_id: userId, added_at: ctx.now().toISOString() }).execute();
        await changed(trx, userId);
        await audit(ctx, trx, actor, { organisationId: null, action: 'wallet.ob-api.upsert', targetType: 'wallet_credential', targetId: id, details: { clientId: input.clientId, status: ingested.status } });
        return { status: 201, walletItemId: id, verificationStatus: ingested.status };
      });
    },

    async profile(userId: string): Promise<ObProfile> {
      const user = await ctx.db.selectFrom('users').select(['id', 'name', 'email']).where('id', '=', userId).executeTakeFirst();
      if (!user) throw new NotFound('profile');
      return { id: `urn:uuid:${user.id}`, type: ['Profile'], ...(user.name ? { name: user.name } : {}), email: user.email };
    },

    /** putProfile: the learner's name is what a client may change; the answer shows what was kept. */
    async updateProfile(userId: string, input: { name?: string }): Promise<ObProfile> {
      if (input.name !== undefined) {
        const name = input.name.trim();
        if (name === '' || name.length > 200) throw new InvalidInput('name must be 1 to 200 characters', [{ pointer: '/name', message: 'must be 1 to 200 characters' }], { status: 400 });
        await ctx.db.transaction().execute(async (trx) => {
          await trx.updateTable('users').set({ name }).where('id', '=', userId).execute();
          await audit(ctx, trx, { kind: 'user', userId }, { organisationId: null, action: 'profile.ob-api.update', targetType: 'user', targetId: userId });
        });
      }
      return this.profile(userId);
    },
  };
}

async function findHeld(db: Kysely<DB>, userId: string, credentialKey: string | null, proofKey: string | null) {
  const keys = [
    ...(credentialKey ? [['credential_key', credentialKey] as const] : []),
    ...(proofKey ? [['proof_key', proofKey] as const] : []),
  ];
  if (keys.length === 0) return undefined;
  return db.selectFrom('wallet_credentials').select(['id', 'original', 'status']).where('user_id', '=', userId)
    .where((eb) => eb.or(keys.map(([column, value]) => eb(column, '=', value))))
    .orderBy('added_at').limit(1).executeTakeFirst();
}

export type ObHostService = ReturnType<typeof createObHostService>;
