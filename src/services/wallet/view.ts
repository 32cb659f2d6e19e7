import type { Row, WalletSource, WalletStatus } from '../../store/schema.ts';
import { technicalDetails, whatItCertifies, type CertifiedFact, type TechnicalFact } from '../../vc/certifies.ts';
import { toDisplay, type CredentialDisplay } from '../../vc/display.ts';
import { isObject } from '../../vc/json.ts';
import type { Check } from '../../vc/types.ts';

/** A skill or learning outcome a credential is aligned to. */
export interface WalletSkill {
  uri?: string;
  label: string;
}

/** One card of the wallet. */
export interface WalletItemView {
  id: string;
  name: string;
  description?: string;
  issuerName?: string;
  issuerId?: string;
  image?: string;
  issuedAt?: string;
  validUntil?: string;
  /** ECTS credits (two decimals). */
  ects?: number;
  eqfLevel?: number;
  field?: string;
  skills: WalletSkill[];
  status: WalletStatus;
  standard: string;
  format: string;
  source: WalletSource;
  verifiedAt: string;
  addedAt: string;
}

/** One credential in full: the card, every check of its last verification and its display model. */
export interface WalletItemDetail {
  item: WalletItemView;
  verified: boolean;
  checks: Check[];
  /** The display model of the credential (absent when the document could not be read). */
  display?: CredentialDisplay;
  /** What it certifies, in plain words: the same facts as the public page and the PDF certificate. */
  certifies: CertifiedFact[];
  /** Identifiers, proof suites, keys and media types, for the "Technical details" disclosure. */
  technical: TechnicalFact[];
  originalType: string;
  sourceUrl?: string;
  /** Set when the credential was issued by this instance and claimed from it. */
  issuedCredentialId?: string;
}

/** The columns a card needs (the original and the document stay in the database). */
export const CARD_COLUMNS = [
  'id', 'name', 'description', 'issuer_name', 'issuer_id', 'image', 'issued_at', 'valid_until', 'ects_centi',
  'eqf_level', 'field', 'skills', 'status', 'standard', 'format', 'source', 'verified_at', 'added_at',
] as const;

export type CardRow = Pick<Row<'wallet_credentials'>, (typeof CARD_COLUMNS)[number]>;

/** The skills JSON as stored; anything unreadable reads as no skills (the row came from an import). */
export function parseSkills(text: string | null): WalletSkill[] {
  if (!text) return [];
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return [];
  }
  if (!Array.isArray(value)) return [];
  const skills: WalletSkill[] = [];
  for (const entry of value) {
    if (typeof entry === 'string' && entry !== '') skills.push({ label: entry });
    else if (isObject(entry) && typeof entry.label === 'string') {
      skills.push({ ...(typeof entry.uri === 'string' ? { uri: entry.uri } : {}), label: entry.label });
    }
  }
  return skills;
}

export function cardView(row: CardRow): WalletItemView {
  return {
    id: row.id,
    name: row.name,
    ...(row.description !== null ? { description: row.description } : {}),
    ...(row.issuer_name !== null ? { issuerName: row.issuer_name } : {}),
    ...(row.issuer_id !== null ? { issuerId: row.issuer_id } : {}),
    ...(row.image !== null ? { image: row.image } : {}),
    ...(row.issued_at !== null ? { issuedAt: row.issued_at } : {}),
    ...(row.valid_until !== null ? { validUntil: row.valid_until } : {}),
    ...(row.ects_centi !== null ? { ects: Number(row.ects_centi) / 100 } : {}),
    ...(row.eqf_level !== null ? { eqfLevel: Number(row.eqf_level) } : {}),
    ...(row.field !== null ? { field: row.field } : {}),
    skills: parseSkills(row.skills),
    status: row.status,
    standard: row.standard,
    format: row.format,
    source: row.source,
    verifiedAt: row.verified_at,
    addedAt: row.added_at,
  };
}

/** The stored outcome of the last verification: `{ verified, checks }`. */
export function parseVerification(text: string): { verified: boolean; checks: Check[] } {
  try {
    const value = JSON.parse(text) as unknown;
    if (isObject(value)) {
      const checks = Array.isArray(value.checks) ? value.checks.filter((check): check is Check & Record<string, never> => isObject(check) && typeof check.check === 'string' && typeof check.outcome === 'string' && typeof check.message === 'string') : [];
      return { verified: value.verified === true, checks: checks.map((check) => ({ check: check.check, outcome: check.outcome, message: check.message })) };
    }
  } catch { /* a stored row always holds JSON; read anything else as no checks */ }
  return { verified: false, checks: [] };
}

type WalletRow = Row<'wallet_credentials'>;

/** The stored document and its display model; both absent when the document could not be read. */
export function readDocument(row: Pick<WalletRow, 'document' | 'format'>): { document?: unknown; display?: CredentialDisplay } {
  if (row.document === null) return {};
  try {
    const document = JSON.parse(row.document) as unknown;
    return { document, display: toDisplay(document, { version: row.format === 'ob2' ? 'ob2' : 'ob3' }) };
  } catch {
    return {};
  }
}

/** A display model made of the card's columns, for a credential whose document could not be read. */
function cardDisplay(row: WalletRow): CredentialDisplay {
  const card = cardView(row);
  return {
    standard: 'Verifiable Credential',
    name: card.name,
    issuer: { ...(card.issuerName ? { name: card.issuerName } : {}) },
    recipient: {},
    result: { results: [] },
    evidence: [],
    credentials: [],
    ...(card.issuedAt ? { issuedOn: card.issuedAt } : {}),
    ...(card.validUntil ? { validUntil: card.validUntil } : {}),
    achievement: {
      name: card.name,
      alignments: card.skills.map((s) => ({ targetName: s.label, ...(s.uri ? { targetUrl: s.uri } : {}) })),
      resultDescriptions: [], tags: [], extensions: {},
      ...(card.ects !== undefined ? { creditsAvailable: card.ects } : {}),
      ...(card.eqfLevel !== undefined ? { level: String(card.eqfLevel) } : {}),
      ...(card.field ? { fieldOfStudy: card.field } : {}),
    },
  };
}

/**
 * What a wallet credential certifies and its technical details: the one view model the wallet screen,
 * the public page and the PDF certificate all show (src/vc/certifies.ts).
 */
export function certifiedView(row: WalletRow, read = readDocument(row)): { certifies: CertifiedFact[]; technical: TechnicalFact[] } {
  const display = read.display ?? cardDisplay(row);
  return {
    certifies: whatItCertifies(display),
    technical: technicalDetails(display, read.document, { mediaType: row.original_type, format: row.format }),
  };
}

export function detailView(row: WalletRow): WalletItemDetail {
  const { verified, checks } = parseVerification(row.verification);
  const read = readDocument(row);
  const display = read.display;
  return {
    item: cardView(row),
    verified,
    checks,
    ...(display ? { display } : {}),
    ...certifiedView(row, read),
    originalType: row.original_type,
    ...(row.source_url !== null ? { sourceUrl: row.source_url } : {}),
    ...(row.issued_credential_id !== null ? { issuedCredentialId: row.issued_credential_id } : {}),
  };
}
