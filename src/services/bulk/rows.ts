import { createHash } from 'node:crypto';
import type { FieldError } from '../errors.ts';
import type { IssueInput } from './issuance.ts';
import { controlCharacterIn } from '../../domain/text.ts';
import { normaliseEmail } from '../../vc/credential/identity.ts';

/** What a CSV column fills in. */
type Field = 'email' | 'did' | 'recipient' | 'name' | 'grade' | 'creditsEarned' | 'validFrom' | 'validUntil' | 'evidenceUrl' | 'evidenceNarrative';

/** Accepted header names, compared lower-cased without spaces, `_` or `-`, and the label used in messages. */
const ALIASES: Record<string, { field: Field; label: string }> = {
  email: { field: 'email', label: 'email' },
  did: { field: 'did', label: 'did' },
  recipient: { field: 'recipient', label: 'recipient' },
  name: { field: 'name', label: 'name' },
  result: { field: 'grade', label: 'result' },
  grade: { field: 'grade', label: 'grade' },
  creditsearned: { field: 'creditsEarned', label: 'creditsEarned' },
  credits: { field: 'creditsEarned', label: 'credits' },
  validfrom: { field: 'validFrom', label: 'validFrom' },
  validuntil: { field: 'validUntil', label: 'validUntil' },
  evidenceurl: { field: 'evidenceUrl', label: 'evidenceUrl' },
  evidencenarrative: { field: 'evidenceNarrative', label: 'evidenceNarrative' },
};

export const KNOWN_COLUMNS = 'email (or did, or recipient), name, result (or grade), creditsEarned, validFrom, validUntil, evidenceUrl, evidenceNarrative';

/** How the header maps onto fields; `fatal` means no row can be read. */
export interface ColumnMap {
  /** Row key (lower-cased header name, as readCsvObjects keys rows) → field. */
  columns: Map<string, { field: Field; label: string }>;
  /** Header names that match nothing: their values are ignored, and the report says so. */
  unknown: string[];
  fatal?: string;
}

export function mapHeader(names: readonly string[]): ColumnMap {
  const columns = new Map<string, { field: Field; label: string }>();
  const unknown: string[] = [];
  const byField = new Map<Field, string>();
  let fatal: string | undefined;
  for (const name of names) {
    const alias = ALIASES[name.replace(/[\s_-]+/g, '')];
    if (!alias) {
      if (name !== '') unknown.push(name);
      continue;
    }
    const earlier = byField.get(alias.field);
    if (earlier !== undefined) fatal ??= `the columns "${earlier}" and "${name}" both give the ${alias.field === 'grade' ? 'result' : alias.label}; keep one`;
    byField.set(alias.field, name);
    columns.set(name, alias);
  }
  if (!byField.has('email') && !byField.has('did') && !byField.has('recipient')) {
    fatal ??= `the header has no "email", "did" or "recipient" column, so no row names its learner (known columns: ${KNOWN_COLUMNS})`;
  }
  return { columns, unknown, fatal };
}

/** A row turned into an issuance input, with what is wrong with it in words. */
export interface ParsedRow {
  input: IssueInput;
  /** Messages like `email "x@" is not an e-mail address`; empty when the row can be issued. */
  problems: string[];
  dedupeKey: string;
}

const POINTER_FIELD: Record<string, Field> = {
  '/recipient/email': 'email', '/recipient/did': 'did', '/recipient/name': 'name', '/result/grade': 'grade',
  '/result/creditsEarned': 'creditsEarned', '/validFrom': 'validFrom', '/validUntil': 'validUntil',
  '/evidence/0/id': 'evidenceUrl', '/evidence/0/narrative': 'evidenceNarrative',
};

function quoted(value: string): string {
  const short = value.length > 80 ? `${value.slice(0, 77)}…` : value;
  return `"${short}"`;
}

/**
 * Reads one CSV row into an IssueInput: the CSV's own problems (numbers, dates, URLs, no recipient)
 * are found here, the rest by the issuance batch's `validate`; every message names the column and
 * quotes the value.
 */
export function parseRow(
  map: ColumnMap,
  row: Record<string, string>,
  context: { organisationId: string; achievementId: string; validate: (input: IssueInput) => FieldError[] },
): ParsedRow {
  const values = new Map<Field, { value: string; label: string }>();
  for (const [key, column] of map.columns) {
    const value = (row[key] ?? '').trim();
    if (value !== '') values.set(column.field, { value, label: column.label });
  }
  const problems: string[] = [];
  // Named, not quoted: the report is stored as text, and PostgreSQL refuses NUL in text.
  for (const { value, label } of values.values()) {
    const control = controlCharacterIn(value);
    if (control) problems.push(`${label} contains the control character ${control}; text may hold tabs and line breaks but no other control characters`);
  }
  if (problems.length > 0) return { input: { achievementId: context.achievementId, recipient: {} }, problems, dedupeKey: '' };
  const said = new Set<Field>();
  const problem = (field: Field, message: string, label?: string) => {
    const given = values.get(field);
    said.add(field);
    problems.push(given ? `${given.label} ${quoted(given.value)} ${message}` : `${label ?? field} ${message}`);
  };

  const input: IssueInput = { achievementId: context.achievementId, recipient: {} };
  const recipient = values.get('recipient')?.value;
  let email = values.get('email')?.value;
  let did = values.get('did')?.value;
  if (recipient !== undefined && email === undefined && did === undefined) {
    if (recipient.startsWith('did:')) did = recipient;
    else email = recipient;
  }
  if (email !== undefined) input.recipient.email = email;
  if (did !== undefined) input.recipient.did = did;
  if (email === undefined && did === undefined) {
    const label = map.columns.size > 0 ? [...map.columns.values()].find((c) => c.field === 'email' || c.field === 'did' || c.field === 'recipient')?.label : undefined;
    problem(values.has('recipient') ? 'recipient' : 'email', 'is empty: each row needs the learner\'s e-mail address or DID', label);
  }
  const name = values.get('name')?.value;
  if (name !== undefined) input.recipient.name = name;

  const grade = values.get('grade')?.value;
  const creditsText = values.get('creditsEarned')?.value;
  if (grade !== undefined || creditsText !== undefined) input.result = {};
  if (grade !== undefined) input.result!.grade = grade;
  if (creditsText !== undefined) {
    const credits = Number(creditsText.replace(',', '.'));
    if (!/^\d+([.,]\d+)?$/.test(creditsText) || !Number.isFinite(credits)) problem('creditsEarned', 'is not a number of credits (e.g. 5 or 2.5)');
    else input.result!.creditsEarned = credits;
  }

  for (const field of ['validFrom', 'validUntil'] as const) {
    const text = values.get(field)?.value;
    if (text === undefined) continue;
    const time = /^\d{4}-\d{2}-\d{2}([T ][\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.test(text) ? Date.parse(text) : Number.NaN;
    if (Number.isNaN(time)) problem(field, 'is not a date (write it like 2026-09-01 or 2026-09-01T09:00:00Z)');
    else input[field] = new Date(time).toISOString();
  }
  if (input.validFrom && input.validUntil && input.validUntil <= input.validFrom) problem('validUntil', `is not after validFrom ${quoted(values.get('validFrom')!.value)}`);

  const evidenceUrl = values.get('evidenceUrl')?.value;
  const narrative = values.get('evidenceNarrative')?.value;
  if (evidenceUrl !== undefined || narrative !== undefined) {
    const evidence: { id?: string; narrative?: string } = {};
    if (evidenceUrl !== undefined) {
      if (!isWebAddress(evidenceUrl)) problem('evidenceUrl', 'is not a web address (http or https)');
      else evidence.id = evidenceUrl;
    }
    if (narrative !== undefined) evidence.narrative = narrative;
    input.evidence = [evidence];
  }

  if (problems.length === 0) {
    for (const error of context.validate(input)) {
      const field = POINTER_FIELD[error.pointer];
      if (field && said.has(field)) continue;
      if (field) problem(field, error.message);
      else problems.push(`${error.pointer.replace(/^\//, '').replace(/\//g, '.') || 'row'} ${error.message}`);
    }
  }
  return { input, problems, dedupeKey: dedupeKey(context.organisationId, input) };
}

function isWebAddress(text: string): boolean {
  try {
    const url = new URL(text);
    return url.protocol === 'https:' || url.protocol === 'http:';
  } catch {
    return false;
  }
}

/**
 * What makes two rows the same credential: organisation, achievement, the recipient (e-mail
 * lower-cased, or the DID), the result and the start date. Re-running a file, or resuming a job,
 * finds the same keys and issues nothing twice; the name and evidence may be corrected in between.
 */
export function dedupeKey(organisationId: string, input: IssueInput): string {
  const recipient = input.recipient.email !== undefined ? `mailto:${normaliseEmail(input.recipient.email)}` : (input.recipient.did ?? '');
  const parts = [
    'microcred-bulk-v1', organisationId, input.achievementId, recipient,
    input.result?.grade ?? '', input.result?.creditsEarned === undefined ? '' : String(input.result.creditsEarned),
    input.result?.description ?? '', input.validFrom ?? '',
  ];
  return createHash('sha256').update(JSON.stringify(parts)).digest('hex');
}
