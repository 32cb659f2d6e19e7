import type { Kysely } from 'kysely';
import type { DB, Row } from '../../store/schema.ts';
import { toDisplay } from '../../vc/display.ts';
import { isObject } from '../../vc/json.ts';
import { sha256Hex } from '../tokens.ts';

/** What anyone holding a claim link may see before signing in: no e-mail address, no credential. */
export interface ClaimPreview {
  achievementName: string;
  issuerName: string;
  issuedAt: string;
  claimed: boolean;
  /** The issuer's current word on it: a revoked credential can still be claimed, and shows as revoked. */
  status: Row<'credentials'>['status'];
  /** The wallet item that holds it, when the one asking holds it (never told to anyone else). */
  walletItemId?: string;
}

/** A credential this instance issued to one of the learner's verified addresses (or DID), not yet in any wallet. */
export interface WalletOffer {
  credentialId: string;
  achievementName: string;
  issuerName: string;
  issuedAt: string;
  status: Row<'credentials'>['status'];
}

/** The claim link's token: 32 random bytes, base64url (src/services/credentials/issue.ts). */
export const CLAIM_TOKEN = /^[A-Za-z0-9_-]{20,100}$/;

/** The credential of a claim link, found by the token's hash; undefined for an unknown or malformed token. */
export async function findByClaimToken(db: Kysely<DB>, token: string): Promise<Row<'credentials'> | undefined> {
  if (!CLAIM_TOKEN.test(token)) return undefined;
  return db.selectFrom('credentials').selectAll().where('claim_token_hash', '=', sha256Hex(token)).executeTakeFirst();
}

/** The credential as JSON: the document itself, or the `vc` claim of a VC-JWT's payload. */
function documentOf(row: Pick<Row<'credentials'>, 'format' | 'document'>): unknown {
  try {
    if (row.format === 'ldp') return JSON.parse(row.document);
    const payload = JSON.parse(Buffer.from(row.document.split('.')[1] ?? '', 'base64url').toString('utf8')) as unknown;
    return isObject(payload) && isObject(payload.vc) ? payload.vc : payload;
  } catch {
    return undefined;
  }
}

/** The achievement's name as the credential states it. */
export function achievementNameOf(row: Pick<Row<'credentials'>, 'format' | 'document'>): string {
  const document = documentOf(row);
  if (!isObject(document)) return 'Credential';
  try {
    const display = toDisplay(document);
    return display.achievement?.name ?? display.name;
  } catch {
    return 'Credential';
  }
}

export async function issuerNames(db: Kysely<DB>, issuerIds: string[]): Promise<Map<string, string>> {
  if (issuerIds.length === 0) return new Map();
  const rows = await db.selectFrom('issuers').select(['id', 'name']).where('id', 'in', [...new Set(issuerIds)]).execute();
  return new Map(rows.map((row) => [row.id, row.name]));
}

export async function claimPreview(db: Kysely<DB>, credential: Row<'credentials'>, viewerId?: string): Promise<ClaimPreview> {
  const names = await issuerNames(db, [credential.issuer_id]);
  const held = viewerId === undefined ? undefined : await db.selectFrom('wallet_credentials').select('id')
    .where('user_id', '=', viewerId).where('issued_credential_id', '=', credential.id).executeTakeFirst();
  return {
    ...(held ? { walletItemId: held.id } : {}),
    achievementName: achievementNameOf(credential),
    issuerName: names.get(credential.issuer_id) ?? 'Unknown issuer',
    issuedAt: credential.issued_at,
    claimed: credential.claimed_at !== null,
    status: credential.status,
  };
}

/**
 * Credentials issued here to one of the addresses or the DID, that no wallet holds and that were not
 * revoked, newest first.
 */
export async function findOffers(db: Kysely<DB>, emails: string[], did: string | undefined, limit = 200): Promise<WalletOffer[]> {
  if (emails.length === 0 && did === undefined) return [];
  const rows = await db.selectFrom('credentials').selectAll()
    .where((eb) => eb.or([
      ...(emails.length > 0 ? [eb('recipient_email', 'in', emails.map((email) => email.toLowerCase()))] : []),
      ...(did !== undefined ? [eb('recipient_did', '=', did)] : []),
    ]))
    .where('status', '!=', 'revoked')
    // A copy bound to an external wallet is already in that wallet; its original is the offer.
    .where('bound_from', 'is', null)
    .where((eb) => eb.not(eb.exists(eb.selectFrom('wallet_credentials').select('wallet_credentials.id').whereRef('wallet_credentials.issued_credential_id', '=', 'credentials.id'))))
    .orderBy('issued_at', 'desc').orderBy('id', 'desc').limit(limit).execute();
  const names = await issuerNames(db, rows.map((row) => row.issuer_id));
  return rows.map((row) => ({
    credentialId: row.id,
    achievementName: achievementNameOf(row),
    issuerName: names.get(row.issuer_id) ?? 'Unknown issuer',
    issuedAt: row.issued_at,
    status: row.status,
  }));
}
