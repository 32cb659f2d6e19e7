import type { Kysely } from 'kysely';
import type { DB } from '../../store/schema.ts';
import type { ServiceContext } from '../context.ts';

/** The background job that recomputes one learner's pathway progress (and issues completed pathways). */
export const PATHWAY_PROGRESS_JOB_KIND = 'pathway.progress';

export interface PathwayProgressPayload {
  userId: string;
  /** Wallet items to verify again first (their issuer changed their status on this instance). */
  reverify?: string[];
}

/**
 * Queues a recomputation for the learner, inside the caller's transaction so it exists exactly when
 * the wallet change does. A plain request is not queued twice: one already waiting will see this change.
 */
export async function queuePathwayProgress(ctx: Pick<ServiceContext, 'queue'>, trx: Kysely<DB>, payload: PathwayProgressPayload): Promise<void> {
  const plain = { userId: payload.userId };
  if (!payload.reverify || payload.reverify.length === 0) {
    if (await ctx.queue.hasQueued(PATHWAY_PROGRESS_JOB_KIND, { payload: plain, trx })) return;
  }
  await ctx.queue.enqueue(PATHWAY_PROGRESS_JOB_KIND, payload.reverify?.length ? payload : plain, { trx });
}

/** After an issuer changes a credential's status here: every wallet holding it is verified again and its pathways recomputed. */
export async function queueHoldersOf(ctx: Pick<ServiceContext, 'queue'>, trx: Kysely<DB>, credentialId: string): Promise<void> {
  const holders = await trx.selectFrom('wallet_credentials').select(['id', 'user_id']).where('issued_credential_id', '=', credentialId).execute();
  for (const holder of holders) await queuePathwayProgress(ctx, trx, { userId: holder.user_id, reverify: [holder.id] });
}
