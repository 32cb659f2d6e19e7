/**
 * What a bulk upload will do, read in the browser before anything is sent: how many rows, to whom,
 * and whether the file is a CSV at all. It reads with the server's own CSV reader (src/csv/parse.ts,
 * pure), so the count is the server's; the server still validates every row on upload.
 */
import { readCsvObjects } from '../../src/csv/parse.ts';
import { DID, EMAIL } from '../../src/domain/recipient.ts';

export interface ReviewRecipient {
  line: number;
  /** The e-mail address or DID the row names. */
  to: string;
  name?: string;
}

export type BulkReview =
  | { kind: 'not-csv'; message: string }
  | { kind: 'no-recipient'; message: string }
  | { kind: 'ready'; rows: number; recipients: ReviewRecipient[]; problems: { line: number; message: string }[]; emails: number };

/** The header names the server reads a row's learner from (services/bulk/rows.ts). */
const RECIPIENT_COLUMNS = ['email', 'did', 'recipient'];
const PNG = [0x89, 0x50, 0x4e, 0x47];

function key(name: string): string {
  return name.replace(/[\s_-]+/g, '').toLowerCase();
}

/** Reads the file's bytes into a review; never throws on what the file holds. */
export async function reviewCsv(bytes: Uint8Array, fileName = 'The file'): Promise<BulkReview> {
  const notCsv = { kind: 'not-csv' as const, message: `${fileName} is not a CSV file: choose a spreadsheet saved as CSV (comma-separated values), one row per learner.` };
  if (PNG.every((b, i) => bytes[i] === b) || bytes.subarray(0, 8192).includes(0)) return notCsv;
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(0, 65536));
  } catch {
    // A cut in the middle of a character at the 64 KiB mark is not a binary file; anything earlier is.
    if (bytes.length <= 65536) return notCsv;
  }
  let header: string[] | undefined;
  const recipients: ReviewRecipient[] = [];
  const problems: { line: number; message: string }[] = [];
  let rows = 0;
  for await (const item of readCsvObjects([bytes], { onHeader: (names) => (header = [...names]) })) {
    if ('error' in item) {
      if (item.header) return { kind: 'no-recipient', message: item.error };
      problems.push({ line: item.line, message: item.error });
      rows += 1;
      continue;
    }
    if (header && !header.some((h) => RECIPIENT_COLUMNS.includes(key(h)))) break;
    rows += 1;
    const row = Object.fromEntries(Object.entries(item.row).map(([k, v]) => [key(k), v.trim()]));
    const to = row.email || row.did || row.recipient || '';
    if (!to) problems.push({ line: item.line, message: 'The row names no learner (no e-mail address or DID).' });
    // The server's own syntax for a recipient: a row it would refuse is not counted as one that goes out.
    else if (!(to.startsWith('did:') ? DID.test(to) : EMAIL.test(to))) problems.push({ line: item.line, message: `“${to.slice(0, 80)}” is not an e-mail address or a DID.` });
    else recipients.push({ line: item.line, to, ...(row.name ? { name: row.name } : {}) });
  }
  if (!header) return { kind: 'no-recipient', message: `${fileName} is empty: the first line must name the columns, such as email,name.` };
  if (!header.some((h) => RECIPIENT_COLUMNS.includes(key(h)))) {
    return {
      kind: 'no-recipient',
      message: `The first line names the columns ${header.map((h) => `“${h}”`).join(', ')}, but none says who each row is for: add an “email” (or “did”) column.`,
    };
  }
  return { kind: 'ready', rows, recipients, problems, emails: recipients.filter((r) => !r.to.startsWith('did:')).length };
}
