import { sql, type Expression, type ExpressionBuilder, type Kysely, type SqlBool } from 'kysely';
import type { Dialect } from '../../store/database.ts';
import type { DB, WalletStatus } from '../../store/schema.ts';
import { InvalidInput } from '../errors.ts';
import { CARD_COLUMNS, cardView, parseSkills, type CardRow, type WalletItemView } from './view.ts';

export type WalletSort = 'added' | 'issued' | 'name';

export interface WalletListQuery {
  /** Words, each of which must appear in the name, description, issuer or skills. */
  q?: string;
  /** An issuer id, or an issuer's name for credentials whose issuer has no id (from `facets`). */
  issuer?: string;
  /** A skill's label or URI (from `facets`). */
  skill?: string;
  minEcts?: number;
  eqf?: number;
  /** Issued on or after (ISO 8601 date or date-time). */
  from?: string;
  /** Issued on or before (a date includes its whole day). */
  to?: string;
  status?: WalletStatus;
  /** `added` (newest first, default), `issued` (newest first; undated last) or `name` (A→Z). */
  sort?: WalletSort;
  limit?: number;
  cursor?: string;
}

export interface WalletPage {
  items: WalletItemView[];
  /** Credentials matching the filters, on every page. */
  total: number;
  nextCursor?: string;
}

export interface WalletFacets {
  issuers: { value: string; name: string; count: number }[];
  skills: { value: string; label: string; count: number }[];
  levels: { eqf: number; count: number }[];
  statuses: { status: WalletStatus; count: number }[];
  fields: { field: string; count: number }[];
}

export interface WalletTotals {
  /** Verified credentials (not revoked, suspended, expired, invalid or unknown). */
  credentials: number;
  ects: number;
  byField: { field: string | null; ects: number; credentials: number }[];
  byLevel: { eqf: number | null; ects: number; credentials: number }[];
  /** Verified credentials whose credits are not added because a stacked credential built from them counts them. */
  inStacked: number;
}

const DEFAULT_LIMIT = 50;
const MAX_LIMIT = 200;
const MAX_WORDS = 8;

type Eb = ExpressionBuilder<DB, 'wallet_credentials'>;

/** The sort key of each order as one SQL expression, so the cursor compares what the index holds. */
function sortKey(sort: WalletSort) {
  switch (sort) {
    case 'added': return sql<string>`added_at`;
    case 'issued': return sql<string>`coalesce(issued_at, '')`;
    case 'name': return sql<string>`lower(name)`;
  }
}

function encodeCursor(sort: WalletSort, key: string, id: string): string {
  return Buffer.from(JSON.stringify([sort, key, id])).toString('base64url');
}

function decodeCursor(cursor: string, sort: WalletSort): [string, string] {
  try {
    const value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (Array.isArray(value) && value.length === 3 && value.every((part) => typeof part === 'string') && value[0] === sort) return [value[1] as string, value[2] as string];
  } catch { /* reported below */ }
  throw new InvalidInput('cursor is not one this server gave for this order', [{ pointer: '/cursor', message: 'is not a cursor from a previous page with the same sort' }], { status: 400 });
}

/**
 * The column holds the text (both lower-cased by the caller where case should not matter): a plain
 * substring search, `instr` on SQLite (a byte search, several times faster than LIKE there) and
 * `strpos` on PostgreSQL, so no character of the text is a wildcard.
 */
function contains(dialect: Dialect, column: 'search_text' | 'skills', text: string) {
  return dialect === 'sqlite'
    ? sql<SqlBool>`instr(${sql.ref(column)}, ${text}) > 0`
    : sql<SqlBool>`strpos(${sql.ref(column)}, ${text}) > 0`;
}

/** An ISO 8601 date or date-time as the instant it names; a bare date as its start or (end) the next day's. */
function dateBound(value: string, pointer: string, end: boolean): { at: string; exclusive: boolean } {
  const bare = /^\d{4}-\d{2}-\d{2}$/.test(value);
  const date = new Date(bare ? `${value}T00:00:00Z` : value);
  if (Number.isNaN(date.getTime())) throw new InvalidInput(`${pointer.slice(1)} is not a date`, [{ pointer, message: 'must be an ISO 8601 date or date-time' }], { status: 400 });
  if (end && bare) return { at: new Date(date.getTime() + 86_400_000).toISOString(), exclusive: true };
  return { at: date.toISOString(), exclusive: false };
}

/** The filters of a list query as conditions on the user's rows. */
function conditions(eb: Eb, dialect: Dialect, userId: string, query: WalletListQuery): Expression<SqlBool>[] {
  const where: Expression<SqlBool>[] = [eb('user_id', '=', userId)];
  const words = (query.q ?? '').toLowerCase().split(/\s+/).filter((word) => word !== '');
  if (words.length > MAX_WORDS) throw new InvalidInput(`q has more than ${MAX_WORDS} words`, [{ pointer: '/q', message: `has more than ${MAX_WORDS} words` }], { status: 400 });
  for (const word of words) where.push(contains(dialect, 'search_text', word));
  if (query.issuer !== undefined) {
    where.push(eb.or([eb('issuer_id', '=', query.issuer), eb.and([eb('issuer_id', 'is', null), eb('issuer_name', '=', query.issuer)])]));
  }
  // Skills are stored as a JSON array of {uri?, label}: a value is matched as a whole JSON string after a colon.
  if (query.skill !== undefined) where.push(contains(dialect, 'skills', `:${JSON.stringify(query.skill)}`));
  if (query.minEcts !== undefined) where.push(eb('ects_centi', '>=', Math.round(query.minEcts * 100)));
  if (query.eqf !== undefined) where.push(eb('eqf_level', '=', query.eqf));
  if (query.from !== undefined) where.push(eb('issued_at', '>=', dateBound(query.from, '/from', false).at));
  if (query.to !== undefined) {
    const bound = dateBound(query.to, '/to', true);
    where.push(eb('issued_at', bound.exclusive ? '<' : '<=', bound.at));
  }
  if (query.status !== undefined) where.push(eb('status', '=', query.status));
  return where;
}

function hasFilters(query: WalletListQuery): boolean {
  return (query.q ?? '').trim() !== '' || query.issuer !== undefined || query.skill !== undefined || query.minEcts !== undefined
    || query.eqf !== undefined || query.from !== undefined || query.to !== undefined || query.status !== undefined;
}

type Count = number | string | bigint;

/**
 * One page of the user's wallet with the number of matches. Without filters the page is read in the
 * order of the sort's own index and the count from the user's index. With filters the matches (id and
 * sort key only) are chosen once, in a materialised set that on SQLite comes from the covering search
 * index (migration 0004), counted and paged from that set; then only the page's rows are read.
 */
export async function listWallet(db: Kysely<DB>, dialect: Dialect, userId: string, query: WalletListQuery): Promise<WalletPage> {
  const sort = query.sort ?? 'added';
  const limit = Math.min(Math.max(query.limit ?? DEFAULT_LIMIT, 1), MAX_LIMIT);
  const key = sortKey(sort);
  const direction = sort === 'name' ? 'asc' : 'desc';
  const op = sort === 'name' ? '>' : '<';
  const after = query.cursor ? decodeCursor(query.cursor, sort) : undefined;
  const countAll = (eb: Eb) => eb.fn.countAll<Count>().as('n');

  if (!hasFilters(query)) {
    let select = db.selectFrom('wallet_credentials').select([...CARD_COLUMNS, key.as('k')]).where('user_id', '=', userId);
    if (after) select = select.where((eb) => eb.or([eb(key, op, after[0]), eb.and([eb(key, '=', after[0]), eb('id', op, after[1])])]));
    const [rows, count] = await Promise.all([
      select.orderBy(key, direction).orderBy('id', direction).limit(limit + 1).execute(),
      db.selectFrom('wallet_credentials').select(countAll).where('user_id', '=', userId).executeTakeFirstOrThrow(),
    ]);
    return page(rows, Number(count.n));
  }

  const where = (eb: Eb) => eb.and(conditions(eb, dialect, userId, query));
  const matches = await db
    .with((cte) => cte('matches').materialized(), (qb) => qb.selectFrom('wallet_credentials').select(['id', key.as('k')]).where(where))
    .selectFrom('matches')
    .select(['matches.id', 'matches.k', (eb) => eb.selectFrom('matches as all_matches').select(eb.fn.countAll<Count>().as('n')).as('total')])
    .$if(after !== undefined, (qb) => qb.where((eb) => eb.or([eb('matches.k', op, after![0]), eb.and([eb('matches.k', '=', after![0]), eb('matches.id', op, after![1])])])))
    .orderBy('matches.k', direction).orderBy('matches.id', direction).limit(limit + 1).execute();
  // A cursor past the last match leaves no row to carry the count.
  const total = matches.length > 0
    ? Number(matches[0]!.total)
    : after ? Number((await db.selectFrom('wallet_credentials').select(countAll).where(where).executeTakeFirstOrThrow()).n) : 0;
  const ids = matches.slice(0, limit + 1).map((match) => match.id);
  const rows = ids.length === 0 ? [] : await db.selectFrom('wallet_credentials').select(CARD_COLUMNS).where('id', 'in', ids).execute();
  const byId = new Map(rows.map((row) => [row.id, row]));
  const keyed = matches.flatMap((match) => {
    const row = byId.get(match.id);
    return row ? [{ ...row, k: match.k }] : [];
  });
  return page(keyed, total);

  function page(rows: (CardRow & { k: string | null })[], total: number): WalletPage {
    const shown = rows.slice(0, limit);
    const last = shown[shown.length - 1];
    return {
      items: shown.map(cardView),
      total,
      ...(rows.length > limit && last ? { nextCursor: encodeCursor(sort, last.k ?? '', last.id) } : {}),
    };
  }
}

/** What the filter menus offer: the user's issuers, skills, levels, statuses and fields, with counts. */
export async function walletFacets(db: Kysely<DB>, userId: string): Promise<WalletFacets> {
  const mine = db.selectFrom('wallet_credentials').where('user_id', '=', userId);
  const count = (eb: Eb) => eb.fn.countAll<number | string | bigint>().as('n');
  const [issuers, levels, statuses, fields, skills] = await Promise.all([
    mine.select(['issuer_id', 'issuer_name', count]).groupBy(['issuer_id', 'issuer_name']).execute(),
    mine.select(['eqf_level', count]).where('eqf_level', 'is not', null).groupBy('eqf_level').orderBy('eqf_level').execute(),
    mine.select(['status', count]).groupBy('status').orderBy('status').execute(),
    mine.select(['field', count]).where('field', 'is not', null).groupBy('field').orderBy('field').execute(),
    skillsCount(db, userId),
  ]);
  const issuerMap = new Map<string, { value: string; name: string; count: number }>();
  for (const row of issuers) {
    const value = row.issuer_id ?? row.issuer_name;
    if (value === null) continue;
    const entry = issuerMap.get(value) ?? { value, name: row.issuer_name ?? row.issuer_id ?? value, count: 0 };
    entry.count += Number(row.n);
    issuerMap.set(value, entry);
  }
  return {
    issuers: [...issuerMap.values()].sort((a, b) => a.name.localeCompare(b.name)),
    skills,
    levels: levels.map((row) => ({ eqf: Number(row.eqf_level), count: Number(row.n) })),
    statuses: statuses.map((row) => ({ status: row.status, count: Number(row.n) })),
    fields: fields.map((row) => ({ field: row.field as string, count: Number(row.n) })),
  };
}

/** Identical skill lists are grouped by the database, so each distinct list is parsed once. */
async function skillsCount(db: Kysely<DB>, userId: string): Promise<WalletFacets['skills']> {
  const perList = await db.selectFrom('wallet_credentials').select(['skills', (eb) => eb.fn.countAll<number | string | bigint>().as('n')])
    .where('user_id', '=', userId).where('skills', 'is not', null).groupBy('skills').execute();
  const skills = new Map<string, { value: string; label: string; count: number }>();
  for (const row of perList) {
    const seen = new Set<string>();
    for (const skill of parseSkills(row.skills)) {
      const value = skill.uri ?? skill.label;
      if (seen.has(value)) continue;
      seen.add(value);
      const entry = skills.get(value) ?? { value, label: skill.label, count: 0 };
      entry.count += Number(row.n);
      skills.set(value, entry);
    }
  }
  return [...skills.values()].sort((a, b) => b.count - a.count || a.label.localeCompare(b.label));
}

/**
 * Wallet items whose credits a stacked credential in the same wallet already counts: the constituents
 * of the learner's pathway awards whose stacked credential is in the wallet, verified and carries ECTS.
 * The rule: a stacked credential's credits stand for those of the credentials it was built from, so
 * they are counted once (the stacked credential's), never on top of its components'.
 */
export async function stackedComponents(db: Kysely<DB>, userId: string): Promise<Set<string>> {
  const awards = await db.selectFrom('pathway_awards as a')
    .innerJoin('wallet_credentials as w', 'w.issued_credential_id', 'a.credential_id')
    .where('a.user_id', '=', userId).where('w.user_id', '=', userId)
    .where('w.status', '=', 'verified').where('w.ects_centi', 'is not', null)
    .select('a.constituents')
    .execute();
  const components = new Set<string>();
  for (const award of awards) {
    let constituents: unknown;
    try {
      constituents = JSON.parse(award.constituents);
    } catch {
      continue;
    }
    if (!Array.isArray(constituents)) continue;
    for (const constituent of constituents as { walletItemId?: unknown }[]) {
      // A stacked credential that is itself a component of a larger one is counted by that one.
      if (typeof constituent?.walletItemId === 'string') components.add(constituent.walletItemId);
    }
  }
  return components;
}

/** Credits earned, over verified credentials only, in all and by field and EQF level; a stacked credential's components are not added again. */
export async function walletTotals(db: Kysely<DB>, userId: string): Promise<WalletTotals> {
  const components = [...await stackedComponents(db, userId)];
  const verified = db.selectFrom('wallet_credentials').where('user_id', '=', userId).where('status', '=', 'verified');
  const counted = components.length ? verified.where('id', 'not in', components) : verified;
  const sum = (eb: Eb) => eb.fn.coalesce(eb.fn.sum<number | string | bigint | null>('ects_centi'), eb.lit(0)).as('centi');
  const n = (eb: Eb) => eb.fn.countAll<number | string | bigint>().as('n');
  const [all, credits, byField, byLevel] = await Promise.all([
    verified.select([n]).executeTakeFirstOrThrow(),
    counted.select([sum, n]).executeTakeFirstOrThrow(),
    counted.select(['field', sum, n]).groupBy('field').orderBy('field').execute(),
    counted.select(['eqf_level', sum, n]).groupBy('eqf_level').orderBy('eqf_level').execute(),
  ]);
  const ects = (centi: unknown) => Number(centi ?? 0) / 100;
  return {
    credentials: Number(all.n),
    ects: ects(credits.centi),
    byField: byField.map((row) => ({ field: row.field, ects: ects(row.centi), credentials: Number(row.n) })),
    byLevel: byLevel.map((row) => ({ eqf: row.eqf_level === null ? null : Number(row.eqf_level), ects: ects(row.centi), credentials: Number(row.n) })),
    inStacked: Number(all.n) - Number(credits.n),
  };
}
