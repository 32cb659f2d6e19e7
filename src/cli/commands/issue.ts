import { randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { once } from 'node:events';
import { finished } from 'node:stream/promises';
import { readCsvObjects, type CsvError } from '../../csv/parse.ts';
import { ISO_3166_ALPHA2, validateMicroCredential, validateMicroCredentialCredential } from '../../domain/eu-elements.ts';
import { isObject } from '../../vc/json.ts';
import { buildAchievementCredential, usesEuTerms, type AchievementInput, type ProfileInput } from '../../vc/credential/build.ts';
import { isEuContextUrlForm } from '../../vc/contexts/index.ts';
import { parseRecipient, type RecipientRow } from '../../vc/issue.ts';
import { signerFromMultikey, type Ed25519Multikey } from '../../vc/keys/ed25519.ts';
import type { JsonObject } from '../../vc/types.ts';
import type { IssueFormat } from '../../vc/proofs/provider.ts';
import { createSigningPool, signingKeyFromMultikey, type RowRequest, type RowsTemplate, type SignBatch, type SignResult, type SigningKey } from '../../vc/signing-pool/index.ts';
import { UsageError } from '../errors.ts';
import { print, printJson, type Io } from '../output.ts';
import { readJsonFile, requiredOption, stringOption } from './args.ts';
import type { Command, OptionValues } from './types.ts';

const FORMATS: Record<string, IssueFormat> = { di: 'eddsa-rdfc-2022', jcs: 'eddsa-jcs-2022', jwt: 'vc-jwt' };

export const issue: Command = {
  name: 'issue',
  summary: 'sign an Open Badges 3.0 credential for one recipient, or for every row of a CSV',
  help: `Usage:
  microcred issue --key key.json --achievement achievement.json --recipient EMAIL_OR_DID [options]
  microcred issue --key key.json --achievement achievement.json --csv recipients.csv --out creds.jsonl [options]

Signs an Open Badges 3.0 AchievementCredential. The achievement file is an OB 3.0 Achievement object,
optionally with the EU micro-credential fields (docs/eu-elements.md); with achievementType
"MicroCredential" the mandatory EU elements are checked first. An e-mail recipient is stored as a salted
SHA-256 identity, never in plain text.

Options:
  --key FILE             signing key from \`microcred keys generate\` (required)
  --achievement FILE     OB 3.0 Achievement JSON (required)
  --recipient VALUE      e-mail address or DID of the learner
  --csv FILE             bulk: a CSV with a header row and a "recipient" column; optional columns
                         "name", "grade", "credits" (and "status_index" with --status-list)
  --out FILE             write the credential (JSON, or the JWT) / the JSON Lines output here;
                         without it the output goes to standard output
  --format di|jcs|jwt    proof: Data Integrity eddsa-rdfc-2022 (default), eddsa-jcs-2022, or VC-JWT (EdDSA)
  --vc 2.0|1.1           data model version (default 2.0)
  --name TEXT            the learner's name (single issue)
  --grade TEXT           grade achieved (single issue)
  --credits N            ECTS credits earned (single issue)
  --issuer-name TEXT     issuer name (default: the key file's "name", the achievement creator's, or "microcred issuer")
  --issuer-url URL       issuer home page
  --issuer-country CODE  issuer's country, ISO 3166-1 alpha-2 (an EU micro-credential must state it)
  --valid-until DATE     expiry, ISO 8601
  --status-list URL      BitstringStatusListCredential URL the credential is registered in
  --status-index N       index in that list (single issue)
  --status-purpose P     revocation (default) or suspension
  --eu-context URL       where you publish microcred's EU context (any microcred instance's
                         PUBLIC_URL/contexts/eu/v1 serves it; the file is src/vc/contexts/microcred-eu-v1.jsonld):
                         an achievement with EU terms then names it, pinned by a relatedResource digest, and
                         verifiers that hold only the standard contexts can load it. Without it the credential
                         names https://w3id.org/microcred/eu/v1, which only microcred reads (docs/eu-elements.md)
  --workers N            bulk: signing threads (default: one per core)
  --json                 print a JSON summary

Exit codes: 0 issued, 1 some CSV rows failed (each is reported with its line number), 2 usage or input error.`,
  options: {
    key: { type: 'string' }, achievement: { type: 'string' }, recipient: { type: 'string' }, csv: { type: 'string' },
    out: { type: 'string' }, format: { type: 'string' }, vc: { type: 'string' }, name: { type: 'string' },
    grade: { type: 'string' }, credits: { type: 'string' }, 'issuer-name': { type: 'string' }, 'issuer-url': { type: 'string' }, 'issuer-country': { type: 'string' },
    'valid-until': { type: 'string' }, 'status-list': { type: 'string' }, 'status-index': { type: 'string' },
    'status-purpose': { type: 'string' }, 'eu-context': { type: 'string' }, workers: { type: 'string' }, json: { type: 'boolean' },
  },
  async run({ values }, io) {
    const setup = await loadSetup(values, io);
    const code = await issueWith(setup, values, io);
    // Said once the credentials are out (not in front of a usage error, which is the news then).
    if (setup.euContext === undefined && usesEuTerms(setup.achievement)) {
      io.stderr.write('warning: the achievement uses EU terms, so the credentials name https://w3id.org/microcred/eu/v1, which only microcred\'s verifier reads; pass --eu-context with the URL where you publish the context (e.g. a microcred instance\'s PUBLIC_URL/contexts/eu/v1) so that other verifiers can.\n');
    }
    return code;
  },
};

/** Issues one credential, or every row of --csv, with what loadSetup read. */
async function issueWith(setup: IssueSetup, values: OptionValues, io: Io): Promise<number> {
  const csv = stringOption(values, 'csv');
  if (csv) return await issueBulk(setup, csv, values, io);
  const recipient = requiredOption(values, 'recipient');
  const row: RecipientRow = { recipient };
  const name = stringOption(values, 'name');
  const grade = stringOption(values, 'grade');
  const credits = stringOption(values, 'credits');
  if (name) row.name = name;
  if (grade) row.grade = grade;
  if (credits !== undefined) row.creditsEarned = parseCredits(credits);
  const indexText = stringOption(values, 'status-index');
  if (setup.statusList && indexText === undefined) throw new UsageError('--status-index is required with --status-list.');
  const statusListIndex = indexText === undefined ? undefined : parseIndex(indexText);

  // One credential: signed in this thread (a pool of no workers), by the same code as the bulk path.
  const [response] = await createSigningPool({ workers: 0 }).sign(batchOf(setup, signingKeyFromMultikey(setup.key), [{ row, id: `urn:uuid:${randomUUID()}`, ...(statusListIndex !== undefined ? { statusListIndex } : {}) }]));
  if (!response!.ok) throw new UsageError(response!.error);
  const signed: JsonObject | string = setup.format === 'vc-jwt' ? response!.text : (JSON.parse(response!.text) as JsonObject);
  const text = typeof signed === 'string' ? signed : JSON.stringify(signed, null, 2);
  const out = stringOption(values, 'out');
  if (out) {
    try {
      await writeFile(resolve(io.cwd, out), `${text}\n`);
    } catch (error) {
      throw new UsageError(`cannot write ${out}: ${(error as Error).message}`);
    }
    if (values.json) printJson(io, { out, format: setup.format, id: typeof signed === 'string' ? undefined : signed.id });
    else io.stderr.write(`Issued ${typeof signed === 'string' ? 'a VC-JWT' : signed.id} to ${recipient} → ${out}\n`);
  } else {
    // --json promises JSON on standard output: a VC-JWT is printed as a JSON string then.
    print(io, values.json && typeof signed === 'string' ? JSON.stringify(signed) : text);
  }
  return 0;
}

/** Everything the command signs with, read and checked once from the options and files. */
interface IssueSetup extends RowsTemplate {
  key: Ed25519Multikey;
  format: IssueFormat;
  /** ISO date-time shared by the whole run. */
  now: string;
}

/** The pool's batch for some rows of the run. */
function batchOf(setup: IssueSetup, key: SigningKey, requests: RowRequest[]): SignBatch {
  const { key: _multikey, format, now, ...template } = setup;
  return { rows: { template, requests }, key, now: new Date(now), format };
}

async function loadSetup(values: OptionValues, io: Io): Promise<IssueSetup> {
  const keyFile = requiredOption(values, 'key');
  const key = await readJsonFile(io, keyFile);
  if (!isObject(key) || typeof key.secretKeyMultibase !== 'string' || typeof key.controller !== 'string' || typeof key.id !== 'string') {
    throw new UsageError(`${keyFile} is not a microcred key file (create one with \`microcred keys generate\`).`);
  }
  try {
    signerFromMultikey(key as unknown as Ed25519Multikey);
  } catch (error) {
    throw new UsageError(`${keyFile}: ${(error as Error).message}`);
  }
  const achievementFile = requiredOption(values, 'achievement');
  const achievement = await readJsonFile(io, achievementFile);
  if (!isObject(achievement)) throw new UsageError(`${achievementFile} must hold an OB 3.0 Achievement object.`);
  if (typeof achievement.id !== 'string') throw new UsageError(`${achievementFile}: the achievement needs an "id" (a URL or URN).`);
  if (typeof achievement.name !== 'string') throw new UsageError(`${achievementFile}: the achievement needs a "name".`);
  if (achievement.achievementType === 'MicroCredential') {
    const problems = validateMicroCredential(achievement);
    if (problems.length > 0) {
      throw new UsageError(`${achievementFile} is not a complete EU micro-credential:\n${problems.map((p) => `  ${p.path || '/'}: ${p.message}`).join('\n')}`);
    }
  }
  const formatName = stringOption(values, 'format') ?? 'di';
  const format = FORMATS[formatName];
  if (!format) throw new UsageError(`--format must be di, jcs or jwt, not "${formatName}".`);
  const vc = stringOption(values, 'vc') ?? '2.0';
  if (vc !== '2.0' && vc !== '1.1') throw new UsageError('--vc must be 2.0 or 1.1.');

  const creator = isObject(achievement.creator) ? achievement.creator : undefined;
  const issuer: ProfileInput = {
    id: key.controller,
    type: ['Profile'],
    name: stringOption(values, 'issuer-name') ?? (typeof key.name === 'string' ? key.name : undefined) ?? (typeof creator?.name === 'string' ? creator.name : 'microcred issuer'),
  };
  const issuerUrl = stringOption(values, 'issuer-url');
  if (issuerUrl) issuer.url = issuerUrl;
  const country = stringOption(values, 'issuer-country');
  if (country !== undefined) {
    if (!ISO_3166_ALPHA2.has(country.toUpperCase())) throw new UsageError(`--issuer-country "${country}" is not an ISO 3166-1 alpha-2 country code (e.g. ES, DE, GR).`);
    issuer.address = { type: ['Address'], addressCountryCode: country.toUpperCase() };
  }
  if (achievement.achievementType === 'MicroCredential') {
    // Annex I elements that belong to the credential rather than the achievement (issuer country,
    // awarding body): issuing still goes on, but the issuer is told what the credential lacks.
    const sample = buildAchievementCredential({ achievement: achievement as AchievementInput, issuer, recipient: { did: 'did:example:learner' }, id: 'urn:uuid:00000000-0000-4000-8000-000000000000', validFrom: new Date() });
    for (const problem of validateMicroCredentialCredential(sample)) {
      if (!problem.path.startsWith('/credentialSubject')) io.stderr.write(`warning: ${problem.message}${problem.path === '/issuer/address/addressCountryCode' ? ' Use --issuer-country.' : ''}\n`);
    }
  }

  const validUntilText = stringOption(values, 'valid-until');
  let validUntil: string | undefined;
  if (validUntilText) {
    const date = new Date(validUntilText);
    if (Number.isNaN(date.getTime())) throw new UsageError(`--valid-until "${validUntilText}" is not a date.`);
    validUntil = date.toISOString();
  }
  const statusUrl = stringOption(values, 'status-list');
  const purpose = stringOption(values, 'status-purpose') ?? 'revocation';
  if (purpose !== 'revocation' && purpose !== 'suspension') throw new UsageError('--status-purpose must be revocation or suspension.');
  if (statusUrl && !/^https?:\/\/\S+$/.test(statusUrl)) throw new UsageError('--status-list must be an http(s) URL.');
  const euContext = stringOption(values, 'eu-context');
  if (euContext !== undefined && !isEuContextUrlForm(euContext)) {
    throw new UsageError(`--eu-context "${euContext}" must be an http(s) URL ending in /contexts/eu/v1, where the context's exact bytes are served.`);
  }

  return {
    key: key as unknown as Ed25519Multikey,
    achievement: achievement as AchievementInput,
    issuer,
    format,
    version: vc,
    now: new Date().toISOString(),
    ...(validUntil ? { validUntil } : {}),
    ...(statusUrl ? { statusList: { url: statusUrl, purpose } } : {}),
    ...(euContext !== undefined ? { euContext } : {}),
  };
}

function parseCredits(text: string): number {
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value) || value < 0) throw new UsageError(`credits "${text}" must be a number ≥ 0.`);
  return value;
}

function parseIndex(text: string): number {
  const value = Number(text);
  if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(value)) throw new UsageError(`status index "${text}" must be a whole number ≥ 0.`);
  return value;
}

/** Rows per batch sent to the pool: a message round trip costs about as much as a signature. */
const BATCH = 16;
/** Most batches in flight per worker: bounds memory whatever the file size (64 rows each before). */
const IN_FLIGHT_PER_WORKER = 4;

async function issueBulk(setup: IssueSetup, csvPath: string, values: OptionValues, io: Io): Promise<number> {
  const out = stringOption(values, 'out');
  const workersText = stringOption(values, 'workers');
  const workers = workersText === undefined ? undefined : Number(workersText);
  if (workers !== undefined && (!Number.isInteger(workers) || workers < 0 || workers > 256)) throw new UsageError('--workers must be a whole number from 0 to 256.');

  if (values.json && !out) {
    throw new UsageError('--json with --csv needs --out: without it the credentials themselves go to standard output.');
  }
  let input;
  try {
    input = createReadStream(resolve(io.cwd, csvPath));
    await once(input, 'open');
  } catch (error) {
    throw new UsageError(`cannot read ${csvPath}: ${(error as Error).message}`);
  }
  // The header is checked before the output is opened, so a wrong file never truncates an old output.
  let header: readonly string[] | undefined;
  const rows = readCsvObjects(input, {
    onHeader: (names) => {
      header = names;
    },
  })[Symbol.asyncIterator]();
  let first: IteratorResult<{ line: number; row: Record<string, string> } | CsvError>;
  try {
    first = await rows.next();
  } catch (error) {
    input.destroy();
    throw new UsageError(`cannot read ${csvPath}: ${(error as NodeJS.ErrnoException).code === 'EISDIR' ? 'it is a directory' : (error as Error).message}`);
  }
  if (!first.done && 'error' in first.value && first.value.header) throw new UsageError(`${csvPath}: ${first.value.error}`);
  if (!header) throw new UsageError(`${csvPath} is empty: it needs a header row with a "recipient" column.`);
  if (!header.includes('recipient')) throw new UsageError(`${csvPath} has no "recipient" column.`);

  let output: NodeJS.WritableStream;
  let outputError: Error | undefined;
  if (out) {
    const file = createWriteStream(resolve(io.cwd, out));
    try {
      await once(file, 'open');
    } catch (error) {
      input.destroy();
      throw new UsageError(`cannot write ${out}: ${(error as Error).message}`);
    }
    file.on('error', (error) => {
      outputError ??= error;
    });
    output = file;
  } else {
    output = io.stdout;
  }
  const pool = createSigningPool(workers === undefined ? {} : { workers });
  const key = signingKeyFromMultikey(setup.key);
  // Batches in flight, oldest first: results are written in input order, and at most `limit`
  // batches wait at once, so memory stays flat however long the file.
  const limit = Math.max(1, pool.size) * IN_FLIGHT_PER_WORKER;
  const inFlight: { signing: Promise<{ lines: number[]; results: SignResult[] }>; settled: boolean }[] = [];
  const failed: { line: number; error: string }[] = [];
  let gathered: { line: number; request: RowRequest }[] = [];
  let issued = 0;

  const reportFailure = (line: number, error: string) => {
    failed.push({ line, error });
    io.stderr.write(`line ${line}: ${error}\n`);
  };
  const send = () => {
    const rows = gathered;
    gathered = [];
    const lines = rows.map((entry) => entry.line);
    // A worker that stops fails the rows it held (each reported by line); the others go on.
    const entry = {
      signing: pool.sign(batchOf(setup, key, rows.map((row) => row.request)))
        .catch((error: Error): SignResult[] => rows.map(() => ({ ok: false, error: error.message })))
        .then((results) => {
          entry.settled = true;
          return { lines, results };
        }),
      settled: false,
    };
    inFlight.push(entry);
  };
  /** Writes the oldest batch's results, waiting for the output to drain. */
  const writeOldest = async () => {
    const { lines, results } = await inFlight.shift()!.signing;
    for (let i = 0; i < results.length; i++) {
      const result = results[i]!;
      if (outputError) throw new UsageError(`cannot write ${out}: ${outputError.message}`);
      if (result.ok) {
        issued++;
        if (!output.write(`${result.text}\n`)) {
          await once(output, 'drain').catch((error: Error) => {
            throw new UsageError(`cannot write ${out ?? 'to standard output'}: ${error.message}`);
          });
        }
      } else {
        reportFailure(lines[i]!, result.error);
      }
    }
  };

  try {
    for (let next = first; !next.done; next = await rows.next()) {
      const item = next.value;
      if ('error' in item) {
        reportFailure(item.line, item.error);
        continue;
      }
      const row = validateRow(item.row, setup);
      if ('error' in row) {
        reportFailure(item.line, row.error);
        continue;
      }
      gathered.push({ line: item.line, request: { row: row.row, id: `urn:uuid:${randomUUID()}`, ...(row.statusListIndex !== undefined ? { statusListIndex: row.statusListIndex } : {}) } });
      if (gathered.length >= BATCH) send();
      // What is signed goes out at once; the reading waits only when `limit` batches are pending.
      while (inFlight.length > 0 && (inFlight.length >= limit || inFlight[0]!.settled)) await writeOldest();
    }
    if (gathered.length > 0) send();
    while (inFlight.length > 0) await writeOldest();
  } finally {
    await pool.close();
    if (out) {
      output.end();
      // finished() also settles for a stream that already failed (once('finish') would wait forever).
      await finished(output).catch((error: Error) => {
        outputError ??= error;
      });
    }
  }
  if (outputError) throw new UsageError(`cannot write ${out}: ${outputError.message}`);
  const summary = { issued, failed, ...(out ? { out } : {}) };
  if (values.json) printJson(io, summary);
  else io.stderr.write(`Issued ${issued} credential${issued === 1 ? '' : 's'}${out ? ` to ${out}` : ''}; ${failed.length} row${failed.length === 1 ? '' : 's'} failed.\n`);
  return failed.length > 0 ? 1 : 0;
}

function validateRow(raw: Record<string, string>, setup: IssueSetup): { row: RecipientRow; statusListIndex?: number } | { error: string } {
  const recipient = (raw.recipient ?? '').trim();
  if (!recipient) return { error: 'the recipient is empty.' };
  try {
    parseRecipient(recipient);
    const row: RecipientRow = { recipient };
    if (raw.name?.trim()) row.name = raw.name.trim();
    if (raw.grade?.trim()) row.grade = raw.grade.trim();
    if (raw.credits?.trim()) row.creditsEarned = parseCredits(raw.credits.trim());
    if (setup.statusList) {
      const index = raw.status_index?.trim();
      if (!index || !/^\d+$/.test(index)) return { error: 'status_index must be a whole number when --status-list is given.' };
      return { row, statusListIndex: Number(index) };
    }
    return { row };
  } catch (error) {
    return { error: (error as Error).message };
  }
}
