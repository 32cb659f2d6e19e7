import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { DB, Row } from '../../store/schema.ts';
import type { Actor } from '../access.ts';
import { audit } from '../audit.ts';
import type { ServiceContext } from '../context.ts';
import { InvalidInput, NotFound } from '../errors.ts';
import { CARD_COLUMNS, cardView, type WalletItemView } from './view.ts';

export interface CollectionSummary {
  id: string;
  name: string;
  description?: string;
  /** Credentials in it. */
  count: number;
  createdAt: string;
  updatedAt: string;
}

export interface CollectionView extends CollectionSummary {
  /** The credentials in the learner's order. */
  items: WalletItemView[];
}

export interface CollectionInput {
  name?: string;
  /** `null` clears it. */
  description?: string | null;
  /** The whole ordered list of wallet credential ids (replaces the previous list). */
  credentialIds?: string[];
}

export const MAX_COLLECTION_ITEMS = 500;
const MAX_NAME = 200;
const MAX_DESCRIPTION = 2000;

function cleanName(name: string): string {
  const trimmed = name.trim();
  if (trimmed === '') throw InvalidInput.field('/name', 'is empty');
  if (trimmed.length > MAX_NAME) throw InvalidInput.field('/name', `is longer than ${MAX_NAME} characters`);
  return trimmed;
}

function cleanDescription(description: string | null | undefined): string | null {
  if (description === undefined || description === null) return null;
  const trimmed = description.trim();
  if (trimmed.length > MAX_DESCRIPTION) throw InvalidInput.field('/description', `is longer than ${MAX_DESCRIPTION} characters`);
  return trimmed === '' ? null : trimmed;
}

/** Named, ordered sets of a learner's credentials; each can be shared as one page. */
export function createCollections(ctx: ServiceContext) {
  async function load(db: Kysely<DB>, userId: string, id: string): Promise<Row<'wallet_collections'>> {
    const row = await db.selectFrom('wallet_collections').selectAll().where('id', '=', id).where('user_id', '=', userId).executeTakeFirst();
    if (!row) throw new NotFound('collection');
    return row;
  }

  async function items(db: Kysely<DB>, collectionId: string): Promise<WalletItemView[]> {
    const rows = await db.selectFrom('wallet_collection_items')
      .innerJoin('wallet_credentials', 'wallet_credentials.id', 'wallet_collection_items.credential_id')
      .select(CARD_COLUMNS.map((column) => `wallet_credentials.${column}` as const))
      .where('wallet_collection_items.collection_id', '=', collectionId)
      .orderBy('wallet_collection_items.position').execute();
    return rows.map(cardView);
  }

  function summary(row: Row<'wallet_collections'>, count: number): CollectionSummary {
    return {
      id: row.id, name: row.name, ...(row.description !== null ? { description: row.description } : {}), count,
      createdAt: row.created_at, updatedAt: row.updated_at,
    };
  }

  async function full(db: Kysely<DB>, row: Row<'wallet_collections'>): Promise<CollectionView> {
    const list = await items(db, row.id);
    return { ...summary(row, list.length), items: list };
  }

  /** Replaces the collection's list; every id must be one of the user's credentials, each once. */
  async function setItems(trx: Kysely<DB>, userId: string, collectionId: string, credentialIds: string[]): Promise<void> {
    if (credentialIds.length > MAX_COLLECTION_ITEMS) throw InvalidInput.field('/credentialIds', `holds more than ${MAX_COLLECTION_ITEMS} credentials`);
    const seen = new Set<string>();
    credentialIds.forEach((id, i) => {
      if (seen.has(id)) throw InvalidInput.field(`/credentialIds/${i}`, 'is in the list twice');
      seen.add(id);
    });
    if (credentialIds.length > 0) {
      const owned = new Set((await trx.selectFrom('wallet_credentials').select('id').where('user_id', '=', userId).where('id', 'in', credentialIds).execute()).map((row) => row.id));
      const errors = credentialIds.flatMap((id, i) => (owned.has(id) ? [] : [{ pointer: `/credentialIds/${i}`, message: 'is not a credential in your wallet' }]));
      if (errors.length > 0) throw new InvalidInput(`${errors.length} of the credentials are not in your wallet`, errors);
    }
    await trx.deleteFrom('wallet_collection_items').where('collection_id', '=', collectionId).execute();
    if (credentialIds.length > 0) {
      await trx.insertInto('wallet_collection_items').values(credentialIds.map((credentialId, position) => ({ collection_id: collectionId, credential_id: credentialId, position }))).execute();
    }
  }

  return {
    async create(actor: Actor, userId: string, input: CollectionInput & { name: string }): Promise<CollectionView> {
      const name = cleanName(input.name);
      const description = cleanDescription(input.description);
      const at = ctx.now().toISOString();
      const id = randomUUID();
      return ctx.db.transaction().execute(async (trx) => {
        await trx.insertInto('wallet_collections').values({ id, user_id: userId, name, description, created_at: at, updated_at: at }).execute();
        if (input.credentialIds) await setItems(trx, userId, id, input.credentialIds);
        await audit(ctx, trx, actor, { organisationId: null, action: 'wallet.collection.create', targetType: 'wallet_collection', targetId: id });
        return full(trx, await load(trx, userId, id));
      });
    },

    async list(userId: string): Promise<CollectionSummary[]> {
      const rows = await ctx.db.selectFrom('wallet_collections')
        .leftJoin('wallet_collection_items', 'wallet_collection_items.collection_id', 'wallet_collections.id')
        .selectAll('wallet_collections')
        .select((eb) => eb.fn.count<number | string | bigint>('wallet_collection_items.credential_id').as('n'))
        .where('wallet_collections.user_id', '=', userId)
        .groupBy(['wallet_collections.id', 'wallet_collections.user_id', 'wallet_collections.name', 'wallet_collections.description', 'wallet_collections.created_at', 'wallet_collections.updated_at'])
        .orderBy('wallet_collections.created_at').orderBy('wallet_collections.id').execute();
      return rows.map(({ n, ...row }) => summary(row, Number(n)));
    },

    async get(userId: string, id: string): Promise<CollectionView> {
      return full(ctx.db, await load(ctx.db, userId, id));
    },

    /** The row, for sharing: throws NotFound unless it is the user's. */
    getRow(userId: string, id: string): Promise<Row<'wallet_collections'>> {
      return load(ctx.db, userId, id);
    },

    async update(actor: Actor, userId: string, id: string, input: CollectionInput): Promise<CollectionView> {
      const name = input.name !== undefined ? cleanName(input.name) : undefined;
      const description = input.description !== undefined ? cleanDescription(input.description) : undefined;
      return ctx.db.transaction().execute(async (trx) => {
        await load(trx, userId, id);
        await trx.updateTable('wallet_collections').set({
          ...(name !== undefined ? { name } : {}),
          ...(description !== undefined ? { description } : {}),
          updated_at: ctx.now().toISOString(),
        }).where('id', '=', id).execute();
        if (input.credentialIds) await setItems(trx, userId, id, input.credentialIds);
        await audit(ctx, trx, actor, {
          organisationId: null, action: 'wallet.collection.update', targetType: 'wallet_collection', targetId: id,
          ...(input.credentialIds ? { details: { credentials: input.credentialIds.length } } : {}),
        });
        return full(trx, await load(trx, userId, id));
      });
    },

    async remove(actor: Actor, userId: string, id: string): Promise<void> {
      await ctx.db.transaction().execute(async (trx) => {
        await load(trx, userId, id);
        await trx.deleteFrom('wallet_collection_items').where('collection_id', '=', id).execute();
        await trx.deleteFrom('shares').where('user_id', '=', userId).where('target_type', '=', 'collection').where('target_id', '=', id).execute();
        await trx.deleteFrom('wallet_collections').where('id', '=', id).execute();
        await audit(ctx, trx, actor, { organisationId: null, action: 'wallet.collection.delete', targetType: 'wallet_collection', targetId: id });
      });
    },
  };
}
