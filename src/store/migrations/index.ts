import type { Migration, MigrationProvider } from 'kysely';
import * as initial from './0001-initial.ts';
import * as idempotencyExpiry from './0002-idempotency-expiry.ts';
import * as wallet from './0003-wallet.ts';
import * as walletIndexes from './0004-wallet-indexes.ts';
import * as recognition from './0005-recognition.ts';
import * as pathways from './0006-pathways.ts';
import * as rplFiles from './0007-rpl-files.ts';
import * as integrations from './0008-integrations.ts';
import * as statusMessageLists from './0009-status-message-lists.ts';
import * as obApi from './0010-ob-api.ts';
import * as oid4vci from './0011-oid4vci.ts';
import * as presentationRequests from './0012-presentation-requests.ts';
import * as holderBinding from './0013-holder-binding.ts';
import * as lti from './0015-lti.ts';
import * as accountLinks from './0016-account-links.ts';

/** Migrations in order, bundled in the code (no folder scanning at run time). */
const MIGRATIONS: Record<string, Migration> = {
  '0001-initial': initial,
  '0002-idempotency-expiry': idempotencyExpiry,
  '0003-wallet': wallet,
  '0004-wallet-indexes': walletIndexes,
  '0005-recognition': recognition,
  '0006-pathways': pathways,
  '0007-rpl-files': rplFiles,
  '0008-integrations': integrations,
  '0009-status-message-lists': statusMessageLists,
  '0010-ob-api': obApi,
  '0011-oid4vci': oid4vci,
  '0012-presentation-requests': presentationRequests,
  '0013-holder-binding': holderBinding,
  '0015-lti': lti,
  '0016-account-links': accountLinks,
};

export const migrationProvider: MigrationProvider = {
  getMigrations: () => Promise.resolve(MIGRATIONS),
};
