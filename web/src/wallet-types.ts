/** Shapes of the learner API (wallet, sharing, verifier), as the server returns them. */

export type WalletStatus = 'verified' | 'revoked' | 'suspended' | 'expired' | 'invalid' | 'unknown';
export const WALLET_STATUSES: readonly WalletStatus[] = ['verified', 'revoked', 'suspended', 'expired', 'invalid', 'unknown'];

export interface Skill {
  uri?: string;
  label: string;
}

export interface WalletItem {
  id: string;
  name: string;
  description?: string | null;
  issuerName?: string | null;
  issuerId?: string | null;
  image?: string | null;
  issuedAt?: string | null;
  validUntil?: string | null;
  ects?: number | null;
  eqfLevel?: number | null;
  field?: string | null;
  skills: Skill[];
  status: WalletStatus | string;
  standard: string;
  format: string;
  source: string;
  verifiedAt: string;
  addedAt: string;
}

export interface WalletPage {
  items: WalletItem[];
  total: number;
  nextCursor?: string | null;
}

export interface Facets {
  /** `value` is what the list's `issuer` / `skill` filter takes. */
  issuers: { value: string; name: string; count: number }[];
  skills: { value: string; label: string; count: number }[];
  levels: { eqf: number; count: number }[];
  statuses?: { status: WalletStatus; count: number }[];
  fields?: { field: string; count: number }[];
}

export interface Totals {
  credentials: number;
  ects: number;
  byField: { field: string | null; ects: number }[];
  byLevel: { eqf: number | null; ects: number }[];
}

export type CheckOutcome = 'passed' | 'failed' | 'warning' | 'skipped';

/** One verification check: the server words it for people (`message`). */
export interface Check {
  check?: string;
  id?: string;
  outcome: CheckOutcome | string;
  message: string;
}

export interface DisplayAlignment {
  targetName: string;
  targetUrl?: string;
  targetFramework?: string;
}

/** The parts of the server's display model (src/vc/display.ts) the detail screen shows. */
export interface CredentialDisplay {
  standard?: string;
  name?: string;
  description?: string;
  issuer?: { id?: string; name?: string; url?: string };
  achievement?: {
    name?: string;
    description?: string;
    criteria?: { narrative?: string };
    type?: string;
    creditsAvailable?: number;
    fieldOfStudy?: string;
    level?: string;
    alignments?: DisplayAlignment[];
    eu?: Record<string, unknown>;
  };
  recipient?: { name?: string; identity?: string; identityHashed?: boolean };
  result?: { creditsEarned?: number; grade?: string };
  issuedOn?: string;
  validFrom?: string;
  validUntil?: string;
}

export interface WalletDetail {
  item: WalletItem;
  checks: Check[];
  display?: CredentialDisplay;
  originalType?: string;
}

export interface Share {
  id: string;
  targetType: 'credential' | 'collection';
  targetId: string;
  url: string;
  createdAt: string;
  expiresAt?: string | null;
  revokedAt?: string | null;
  /** The link opens the page (not revoked, not expired). */
  active?: boolean;
  views: number;
  linkedIn?: string | null;
}

export interface Offer {
  id?: string;
  credentialId: string;
  name?: string | null;
  achievementName?: string | null;
  issuerName?: string | null;
  issuedAt?: string | null;
  email?: string | null;
}

export interface ClaimPreview {
  achievementName?: string | null;
  name?: string | null;
  issuerName?: string | null;
  issuedAt?: string | null;
  claimed: boolean;
  /** The issuer's status of the credential: active, revoked or suspended. */
  status?: string;
}

export interface Collection {
  id: string;
  name: string;
  description?: string | null;
  credentialIds?: string[];
  items?: WalletItem[];
  createdAt?: string;
  updatedAt?: string;
}

export interface UserEmail {
  id: string;
  email: string;
  verified?: boolean;
  verifiedAt?: string | null;
  primary?: boolean;
}

export interface ImportResult {
  item: WalletItem;
  duplicate: boolean;
}

interface VerifyWorth {
  ects?: number | null;
  creditsEarned?: number | null;
  eqfLevel?: number | null;
  /** A level that is not an EQF number, as written. */
  level?: string | null;
  grade?: string | null;
  outcomes?: string[];
  skills?: string[];
}

/** POST /api/v1/verify's answer. */
export interface VerifyAnswer {
  verified: boolean;
  /** False when the signature failed: the values are only the file's claims. */
  authentic?: boolean;
  summary: string;
  standard?: string;
  format?: string;
  container?: string;
  name?: string;
  issuer?: { id?: string | null; name?: string | null; url?: string | null };
  achievement?: { name?: string | null; description?: string | null; criteria?: string | null; fieldOfStudy?: string | null };
  issuedAt?: string | null;
  validUntil?: string | null;
  /** match, no-match or not-checked. */
  recipient?: { outcome: string; message: string; name?: string | null };
  checks: Check[];
  worth?: VerifyWorth;
  /** For a presentation or a CLR: each credential it holds. */
  credentials?: { name: string; verified?: boolean; summary?: string; issuer?: { name?: string | null }; checks?: Check[]; worth?: VerifyWorth }[];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The detail answer as one shape: the item may come nested (`{ item, checks }`) or flat, and the checks
 * directly or inside `verification`.
 */
export function readDetail(raw: unknown): WalletDetail {
  const body = isRecord(raw) ? raw : {};
  const item = (isRecord(body.item) ? body.item : body) as unknown as WalletItem;
  const verification = isRecord(body.verification) ? body.verification : isRecord(item as unknown) && isRecord((item as unknown as Record<string, unknown>).verification) ? ((item as unknown as Record<string, unknown>).verification as Record<string, unknown>) : undefined;
  const checks = Array.isArray(body.checks) ? body.checks : Array.isArray(verification?.checks) ? verification.checks : [];
  return {
    item: { ...item, skills: Array.isArray(item.skills) ? item.skills : [] },
    checks: checks as Check[],
    display: isRecord(body.display) ? (body.display as CredentialDisplay) : undefined,
    originalType: typeof body.originalType === 'string' ? body.originalType : undefined,
  };
}

/** The check's own name or id, for keys and test hooks. */
export function checkName(check: Check, index: number): string {
  return check.check ?? check.id ?? String(index);
}

/** A credential image safe to show: this instance's own, or a raster/SVG data URL (img never runs script). */
export function safeImage(src: string | null | undefined): string | undefined {
  if (!src) return undefined;
  // Images hosted elsewhere are not loaded: an imported credential's image URL would tell its host
  // each time the learner opens the wallet (and from where). This instance's own and embedded ones are.
  if (src.startsWith('/') && !src.startsWith('//')) return src;
  if (/^https?:\/\//i.test(src)) {
    try {
      return new URL(src).origin === window.location.origin ? src : undefined;
    } catch {
      return undefined;
    }
  }
  if (/^data:image\/(png|jpeg|gif|webp|svg\+xml)[;,]/i.test(src)) return src;
  return undefined;
}

/** ECTS credits in people's notation: 2.5, 5, 0.25. */
export function formatEcts(ects: number | null | undefined): string | undefined {
  if (ects === null || ects === undefined) return undefined;
  return `${Number(ects.toFixed(2))} ECTS`;
}

/** A date without the time (credentials are issued on a day). */
export function formatDay(value: string | null | undefined): string {
  if (!value) return '—';
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? value : date.toLocaleDateString('en-GB', { dateStyle: 'medium' });
}

/**
 * A multipart/form-data body built by hand, so the API client can send it as a raw body with its
 * boundary (a FormData body needs the browser to choose the content type).
 */
export function multipart(fields: Record<string, string | File | undefined>): { body: Blob; contentType: string } {
  const boundary = `----microcred${Math.random().toString(36).slice(2)}${Date.now().toString(36)}`;
  const parts: BlobPart[] = [];
  for (const [name, value] of Object.entries(fields)) {
    if (value === undefined || value === '') continue;
    if (typeof value === 'string') {
      parts.push(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n`, value, '\r\n');
    } else {
      const fileName = value.name.replace(/["\r\n\\]/g, '_') || 'file';
      parts.push(
        `--${boundary}\r\nContent-Disposition: form-data; name="${name}"; filename="${fileName}"\r\nContent-Type: ${value.type || 'application/octet-stream'}\r\n\r\n`,
        value,
        '\r\n',
      );
    }
  }
  parts.push(`--${boundary}--\r\n`);
  return { body: new Blob(parts), contentType: `multipart/form-data; boundary=${boundary}` };
}
