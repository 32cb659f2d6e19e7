import { randomUUID } from 'node:crypto';
import { exportJWK, generateKeyPair, importJWK, SignJWT, type JWK, type JWTPayload } from 'jose';
import type { ServiceContext } from '../context.ts';

/** RS256: the one algorithm every LTI 1.3 platform must accept (Security Framework §6.1). */
export const TOOL_ALG = 'RS256';

export interface ToolKey {
  kid: string;
  publicJwk: JWK;
  sign(payload: JWTPayload, options?: { expiresInSeconds?: number }): Promise<string>;
}

/**
 * The tool's signing key, one per instance: made on first use, its private JWK sealed with the master
 * key. Nodes starting together race to insert the one 'current' row; all of them use the winner.
 */
export function createToolKeys(ctx: Pick<ServiceContext, 'db' | 'vault' | 'now'>) {
  let loaded: Promise<ToolKey> | undefined;

  async function load(): Promise<ToolKey> {
    let row = await ctx.db.selectFrom('lti_tool_keys').selectAll().where('slot', '=', 'current').executeTakeFirst();
    if (!row) {
      const { publicKey, privateKey } = await generateKeyPair(TOOL_ALG, { extractable: true, modulusLength: 2048 });
      const kid = randomUUID();
      const publicJwk = { ...(await exportJWK(publicKey)), kid, alg: TOOL_ALG, use: 'sig' };
      const privateJwk = await exportJWK(privateKey);
      await ctx.db.insertInto('lti_tool_keys').values({
        kid, slot: 'current', public_jwk: JSON.stringify(publicJwk),
        private_jwk_encrypted: ctx.vault.seal(new TextEncoder().encode(JSON.stringify(privateJwk))), created_at: ctx.now().toISOString(),
      }).onConflict((oc) => oc.column('slot').doNothing()).execute();
      row = await ctx.db.selectFrom('lti_tool_keys').selectAll().where('slot', '=', 'current').executeTakeFirstOrThrow();
    }
    const privateJwk = JSON.parse(new TextDecoder().decode(ctx.vault.open(row.private_jwk_encrypted))) as JWK;
    const privateKey = await importJWK(privateJwk, TOOL_ALG);
    const kid = row.kid;
    return {
      kid,
      publicJwk: JSON.parse(row.public_jwk) as JWK,
      sign: (payload, options = {}) => {
        const now = Math.floor(ctx.now().getTime() / 1000);
        return new SignJWT(payload).setProtectedHeader({ alg: TOOL_ALG, kid, typ: 'JWT' }).setIssuedAt(now).setExpirationTime(now + (options.expiresInSeconds ?? 300)).sign(privateKey);
      },
    };
  }

  return {
    /** The key (loaded once per process; a failed load is tried again next time). */
    get(): Promise<ToolKey> {
      loaded ??= load().catch((error: unknown) => {
        loaded = undefined;
        throw error;
      });
      return loaded;
    },
    /** The tool's JWKS document (what platforms fetch to check its assertions and deep linking responses). */
    async jwks(): Promise<{ keys: JWK[] }> {
      return { keys: [(await this.get()).publicJwk] };
    },
  };
}

export type ToolKeys = ReturnType<typeof createToolKeys>;
