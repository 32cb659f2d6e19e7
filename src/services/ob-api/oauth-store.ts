import type { Kysely } from 'kysely';
import type { DB } from '../../store/schema.ts';

/**
 * The storage the OAuth 2.0 authorization server (oidc-provider) asks for, kept in microcred's database
 * so that every node sees the same clients, grants and tokens (DESIGN.md: nothing in one node's memory).
 * This is the adapter interface oidc-provider documents, declared here so the library's types stay out
 * of the services (STYLE.md, from kysely).
 */
export interface OAuthModelAdapter {
  upsert(id: string, payload: OAuthPayload, expiresIn?: number): Promise<void>;
  find(id: string): Promise<OAuthPayload | undefined>;
  findByUid(uid: string): Promise<OAuthPayload | undefined>;
  findByUserCode(userCode: string): Promise<OAuthPayload | undefined>;
  consume(id: string): Promise<void>;
  destroy(id: string): Promise<void>;
  revokeByGrantId(grantId: string): Promise<void>;
}

export type OAuthPayload = Record<string, unknown> & { grantId?: string; uid?: string; userCode?: string; accountId?: string; consumed?: number };

/**
 * One adapter per model name, over the `oauth_models` table. Expiry uses the wall clock (milliseconds),
 * as the authorization server itself does for the `exp` of what it stores: a row past its time is
 * never answered, whether or not it was swept.
 *
 * @example
 *   const adapter = oauthAdapter(db, 'AccessToken');
 *   await adapter.upsert('token-id', { accountId: 'u1', grantId: 'g1' }, 3600);
 */
export function oauthAdapter(db: Kysely<DB>, model: string, clock: () => number = Date.now): OAuthModelAdapter {
  async function findWhere(column: 'id' | 'uid' | 'user_code', value: string): Promise<OAuthPayload | undefined> {
    const row = await db.selectFrom('oauth_models').select(['payload', 'expires_at', 'consumed_at'])
      .where('model', '=', model).where(column, '=', value).executeTakeFirst();
    if (!row) return undefined;
    if (row.expires_at !== null && Number(row.expires_at) <= clock()) return undefined;
    const payload = JSON.parse(row.payload) as OAuthPayload;
    return row.consumed_at === null ? payload : { ...payload, consumed: Math.floor(Number(row.consumed_at) / 1000) };
  }

  return {
    async upsert(id, payload, expiresIn) {
      const values = {
        payload: JSON.stringify(payload),
        grant_id: typeof payload.grantId === 'string' ? payload.grantId : null,
        uid: typeof payload.uid === 'string' ? payload.uid : null,
        user_code: typeof payload.userCode === 'string' ? payload.userCode : null,
        account_id: typeof payload.accountId === 'string' ? payload.accountId : null,
        expires_at: typeof expiresIn === 'number' ? clock() + expiresIn * 1000 : null,
      };
      await db.insertInto('oauth_models').values({ model, id, consumed_at: null, ...values })
        .onConflict((oc) => oc.columns(['model', 'id']).doUpdateSet(values)).execute();
    },
    find: (id) => findWhere('id', id),
    findByUid: (uid) => findWhere('uid', uid),
    findByUserCode: (userCode) => findWhere('user_code', userCode),
    async consume(id) {
      await db.updateTable('oauth_models').set({ consumed_at: clock() }).where('model', '=', model).where('id', '=', id).execute();
    },
    async destroy(id) {
      await db.deleteFrom('oauth_models').where('model', '=', model).where('id', '=', id).execute();
    },
    async revokeByGrantId(grantId) {
      // RFC 7009 §2.1: revoking a refresh token may revoke the access tokens of the same grant; a reused
      // authorization code revokes everything issued from it (RFC 6749 §4.1.2). Every model of the grant goes.
      await db.deleteFrom('oauth_models').where('grant_id', '=', grantId).execute();
    },
  };
}

/** Removes rows past their expiry (a sweep; reads never answer them anyway). Returns how many went. */
export async function sweepExpiredOAuth(db: Kysely<DB>, now: number = Date.now()): Promise<number> {
  const result = await db.deleteFrom('oauth_models').where('expires_at', 'is not', null).where('expires_at', '<=', now).executeTakeFirst();
  return Number(result.numDeletedRows);
}
