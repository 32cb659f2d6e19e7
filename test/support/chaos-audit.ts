/**
 * The count at the end of a chaos run: what the clients were told, set against what the database
 * holds. Pure, so that a test can show it catches a lost row, a duplicate or a shared status position.
 */

/** One single-issuance request as its client saw it, over every attempt (same Idempotency-Key). */
export interface SingleOutcome {
  key: string;
  email: string;
  /** The credential ids its 201 answers carried (one, if the retries were answered alike). */
  answeredIds: string[];
  attempts: number;
}

/** A credential row as stored. */
export interface IssuedRow {
  id: string;
  email: string | null;
  bulkJobId: string | null;
  revocation: string;
  suspension: string;
}

export interface AuditInput {
  singles: SingleOutcome[];
  /** Recipients of the bulk files' rows, each once. */
  bulkEmails: string[];
  jobs: { id: string; status: string }[];
  rows: IssuedRow[];
}

export interface Audit {
  singleRequests: number;
  singleAccepted: number;
  /** Requests never answered 201, however often retried. */
  singleNotAccepted: number;
  /** Answered 201 but no credential of that id (or none for that recipient) in the database. */
  singleLost: number;
  /** Requests whose attempts were answered with different credentials. */
  singleAnswersDisagreeing: number;
  bulkRows: number;
  bulkLost: number;
  /** Credentials beyond the first for one recipient (single or bulk). */
  duplicated: number;
  /** Credentials for no recipient any client asked for. */
  unexpected: number;
  /** Credentials sharing a revocation or suspension position with another. */
  sharedPositions: number;
  jobs: number;
  jobsUnfinished: number;
  credentials: number;
}

export function auditIssuance(input: AuditInput): Audit {
  const byEmail = new Map<string, IssuedRow[]>();
  for (const row of input.rows) {
    const email = row.email ?? '';
    byEmail.set(email, [...(byEmail.get(email) ?? []), row]);
  }
  const ids = new Set(input.rows.map((row) => row.id));
  const accepted = input.singles.filter((single) => single.answeredIds.length > 0);
  const asked = new Set([...input.singles.map((single) => single.email), ...input.bulkEmails]);
  const duplicated = [...byEmail.values()].reduce((sum, rows) => sum + rows.length - 1, 0);
  const shared = (positions: string[]) => positions.length - new Set(positions).size;
  return {
    singleRequests: input.singles.length,
    singleAccepted: accepted.length,
    singleNotAccepted: input.singles.length - accepted.length,
    singleLost: accepted.filter((single) => !single.answeredIds.every((id) => ids.has(id)) || !byEmail.has(single.email)).length,
    singleAnswersDisagreeing: accepted.filter((single) => new Set(single.answeredIds).size > 1).length,
    bulkRows: input.bulkEmails.length,
    bulkLost: input.bulkEmails.filter((email) => !byEmail.has(email)).length,
    duplicated,
    unexpected: input.rows.filter((row) => !asked.has(row.email ?? '')).length,
    sharedPositions: shared(input.rows.map((row) => row.revocation)) + shared(input.rows.map((row) => row.suspension)),
    jobs: input.jobs.length,
    jobsUnfinished: input.jobs.filter((job) => job.status !== 'done').length,
    credentials: input.rows.length,
  };
}

/** Everything that must be zero for a run to hold. */
export function auditFailures(audit: Audit): string[] {
  const zero: (keyof Audit)[] = ['singleNotAccepted', 'singleLost', 'singleAnswersDisagreeing', 'bulkLost', 'duplicated', 'unexpected', 'sharedPositions', 'jobsUnfinished'];
  return zero.filter((key) => audit[key] !== 0).map((key) => `${key}: ${audit[key]}`);
}
