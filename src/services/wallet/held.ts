import type { Kysely } from 'kysely';
import { heldCredentialFromDocument } from '../../domain/stacking/index.ts';
import type { HeldCredential, VerificationOutcome } from '../../domain/stacking/index.ts';
import type { DB, WalletStatus } from '../../store/schema.ts';

/** What the wallet's last verification said, in the engine's terms. */
export function verificationOf(status: WalletStatus): VerificationOutcome {
  switch (status) {
    case 'verified': return { verified: true };
    case 'revoked': return { verified: false, status: 'revoked' };
    case 'suspended': return { verified: false, status: 'suspended' };
    case 'expired': return { verified: false, status: 'expired' };
    default: return { verified: false };
  }
}

/**
 * A learner's wallet as the stacking engine reads it: every item whose document is an achievement
 * credential, keyed by the wallet item id, with its last verification outcome. Items the engine
 * cannot read (a CLR, an OB 2.0 badge without an achievement) are left out.
 */
export async function heldCredentialsOf(db: Kysely<DB>, userId: string): Promise<HeldCredential[]> {
  const rows = await db.selectFrom('wallet_credentials').select(['id', 'document', 'status']).where('user_id', '=', userId).orderBy('id').execute();
  const held: HeldCredential[] = [];
  for (const row of rows) {
    if (row.document === null) continue;
    let document: unknown;
    try {
      document = JSON.parse(row.document);
    } catch {
      continue;
    }
    const read = heldCredentialFromDocument(document, verificationOf(row.status), { key: row.id });
    if (read.ok) held.push(read.credential);
  }
  return held;
}
