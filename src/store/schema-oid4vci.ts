/** Tables of OpenID4VCI issuance (issue 12 §1): grants (pre-authorized and authorization codes, access tokens) and nonces. */
import type { Generated } from 'kysely';

export type Oid4vciGrantKind = 'pre-authorized' | 'authorization';

export interface Oid4vciGrantTable {
  id: string;
  issuer_id: string;
  credential_id: string;
  kind: Oid4vciGrantKind;
  user_id: string | null;
  code_hash: string;
  tx_code_hash: string | null;
  tx_code_failures: Generated<number>;
  client_id: string | null;
  redirect_uri: string | null;
  code_challenge: string | null;
  configuration_ids: string;
  created_at: string;
  expires_at: string;
  used_at: string | null;
  access_token_hash: string | null;
  token_expires_at: string | null;
  redeemed_at: string | null;
  bound_credential_id: string | null;
}

export interface Oid4vciNonceTable {
  nonce: string;
  created_at: string;
  expires_at: string;
  used_at: string | null;
}

export interface Oid4vciTables {
  oid4vci_grants: Oid4vciGrantTable;
  oid4vci_nonces: Oid4vciNonceTable;
}
