/** Shapes of the console API (/api/v1), as the server returns them. */

export type Role = 'owner' | 'admin' | 'issuer' | 'assessor' | 'registrar' | 'viewer';
export const ROLES: readonly Role[] = ['owner', 'admin', 'issuer', 'assessor', 'registrar', 'viewer'];

export interface User {
  id: string;
  email: string;
  name?: string | null;
}

export interface Membership {
  organisationId: string;
  organisationName: string;
  role: Role;
}

export interface Me {
  user: User;
  memberships: Membership[];
  csrfToken: string;
}

export interface Organisation {
  id: string;
  name: string;
}

export interface Member {
  userId: string;
  email: string;
  name?: string | null;
  role: Role;
}

export type ApiKeyScope = 'issue' | 'status' | 'read';
export const API_KEY_SCOPES: readonly ApiKeyScope[] = ['issue', 'status', 'read'];

export interface ApiKey {
  id: string;
  name: string;
  scopes: ApiKeyScope[];
  prefix: string;
  createdAt: string;
  lastUsedAt?: string | null;
  revokedAt?: string | null;
}

export interface CreatedApiKey {
  id: string;
  name: string;
  scopes: ApiKeyScope[];
  prefix: string;
  key: string;
}

export interface AuditEntry {
  id: string;
  at: string;
  actor: { type: string; id?: string | null };
  action: string;
  targetType?: string | null;
  targetId?: string | null;
  ip?: string | null;
  details?: unknown;
}

export interface OutboxMessage {
  id: string;
  to: string;
  subject: string;
  text?: string | null;
  html?: string | null;
  createdAt: string;
}

export interface IssuerKey {
  id: string;
  status: 'active' | 'retired';
  createdAt: string;
}

export interface Issuer {
  id: string;
  organisationId: string;
  name: string;
  url?: string | null;
  email?: string | null;
  image?: string | null;
  country?: string | null;
  description?: string | null;
  did: string;
  didMethod: 'web' | 'key';
  isDefault: boolean;
  keys: IssuerKey[];
}

/** The EU Annex I elements of an achievement, as the API takes and returns them. */
export interface EuElements {
  learningOutcome?: string[];
  assessmentType?: string[];
  participationForm?: string;
  qualityAssurance?: string[];
  prerequisites?: string;
  supervision?: string;
  integration?: string;
  stackableTowards?: string[];
  furtherInformation?: string;
  creditsAvailable?: number;
  eqfLevel?: number;
}

export interface Alignment {
  targetUrl: string;
  targetName: string;
  targetFramework?: string;
}

export interface AchievementInput {
  issuerId: string;
  name: string;
  description: string;
  criteria: string;
  achievementType: string;
  eu: EuElements;
  alignments?: Alignment[];
  validityPeriod?: string;
}

export interface Achievement extends AchievementInput {
  id: string;
  organisationId: string;
  version: number;
  imageUrl?: string | null;
  archivedAt?: string | null;
  createdAt: string;
  updatedAt: string;
}

export type CredentialStatus = 'active' | 'revoked' | 'suspended' | 'expired';
export const CREDENTIAL_STATUSES: readonly CredentialStatus[] = ['active', 'revoked', 'suspended', 'expired'];

export interface Recipient {
  email?: string;
  did?: string;
  name?: string;
}

export interface IssuedCredential {
  id: string;
  credentialId: string;
  organisationId: string;
  issuerId: string;
  achievementId: string;
  achievementVersion: number;
  achievementName: string | null;
  recipient: Recipient;
  status: CredentialStatus;
  statusReason?: string;
  issuedAt: string;
  validUntil?: string | null;
  claimedAt?: string | null;
  renewedFrom?: string | null;
  document?: unknown;
}

export interface BulkJob {
  id: string;
  achievementId: string;
  fileName?: string | null;
  status: 'queued' | 'validating' | 'issuing' | 'done' | 'failed';
  totalRows: number;
  validRows: number;
  invalidRows: number;
  issued: number;
  skippedDuplicates: number;
  processed: number;
  /** Why the job failed as a whole (unreadable header, achievement gone…). */
  failure?: string | null;
  /** The report by line (line 1 is the header); errorCount entries in all, maybe more than listed. */
  errors: { line: number; messages: string[] }[];
  errorCount?: number;
  createdAt: string;
  finishedAt?: string | null;
}

export interface Page<T> {
  items: T[];
  nextCursor?: string | null;
}
