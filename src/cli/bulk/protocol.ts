import type { AchievementInput, ProfileInput, VcVersion } from '../../vc/credential/build.ts';
import type { Ed25519Multikey } from '../../vc/keys/ed25519.ts';
import type { IssueFormat } from '../../vc/proofs/provider.ts';
import type { RecipientRow } from '../../vc/issue.ts';

/** Everything a signing worker needs, sent once when it starts. */
export interface WorkerSetup {
  key: Ed25519Multikey;
  achievement: AchievementInput;
  issuer: ProfileInput;
  format: IssueFormat;
  version: VcVersion;
  /** ISO date-time shared by the whole batch. */
  now: string;
  validUntil?: string;
  statusList?: { url: string; purpose: 'revocation' | 'suspension' };
}

export interface SignRequest {
  seq: number;
  row: RecipientRow;
  id: string;
  statusListIndex?: number;
}

export type SignResponse = { seq: number; ok: true; line: string } | { seq: number; ok: false; error: string };
