import { createHash, randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { readCsvObjects } from '../../csv/parse.ts';
import { JobInterrupted, PermanentJobError, type JobContext, type JobHandler } from '../../queue/index.ts';
import type { DB, Row } from '../../store/schema.ts';
import { CAN, requireAccess, type Actor } from '../access.ts';
import { audit } from '../audit.ts';
import { emitEvents } from '../webhooks/events.ts';
import type { ServiceContext } from '../context.ts';
import { DomainError, InvalidInput, NotFound } from '../errors.ts';
import type { BatchIssuer, BatchItem, IssuanceBatch, StagedBatch } from './issuance.ts';
import { mapHeader, parseRow, type ColumnMap } from './rows.ts';

export const BULK_JOB_KIND = 'bulk-issuance';

/** Bad rows settled in one issuing transaction at most: each costs a bind parameter or three. */
const LATE_ROWS_PER_BATCH = 500;

/**
 * What the uploader reads when the job failed for a reason of ours (a database error, a bug): the
 * cause goes to the log and the job's own record, never SQL or driver text to the user.
 */
const CANNOT_ISSUE = 'cannot issue: ';

export const INTERNAL_FAILURE = 'the job stopped on an error on our side (it has been logged); upload the file again to retry';

export interface BulkJobView {
  id: string;
  organisationId: string;
  achievementId: string;
  fileName: string | null;
  fileSha256: string;
  fileBytes: number;
  status: Row<'bulk_jobs'>['status'];
  totalRows: number;
  validRows: number;
  invalidRows: number;
  /** Rows (valid or not) whose outcome is settled; reaches totalRows when done. */
  processed: number;
  issued: number;
  skippedDuplicates: number;
  /** Why the job failed as a whole (unreadable header, achievement gone…). */
  failure: string | null;
  /** The report, by line (line 1 is the header); `errorCount` entries in all. */
  errors: { line: number; messages: string[] }[];
  errorCount: number;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
}

export interface BulkOptions {
  /** Largest accepted file (default 64 MiB). */
  maxBytes?: number;
  /** Characters per stored piece of the file (default 256 Ki). */
  chunkChars?: number;
  /** Valid rows per issuing transaction (default 200). */
  batchSize?: number;
  /** Entries of the report returned with a job unless asked otherwise (default 1000). */
  errorsLimit?: number;
}

/** The file is larger than allowed (413). */
export class FileTooLarge extends DomainError {
  readonly status = 413;
  readonly title = 'File too large';
  readonly code = 'file-too-large';
  constructor(maxBytes: number) {
    super(`the file is larger than ${Math.floor(maxBytes / (1024 * 1024))} MiB; split it into several files`);
  }
}

interface BulkPayload {
  bulkJobId: string;
  /** Who uploaded it: issuance runs with their rights, checked again when the job runs. */
  actor: Actor;
}

/** The upload's body: a Node stream or any iterable of byte chunks. */
export type ByteSource = AsyncIterable<Uint8Array | string>;

/**
 * Bulk issuance from CSV. The upload streams into `bulk_job_chunks` (never the whole file in memory)
 * and queues a job; the job validates every row first (report by line, in words), then issues the
 * valid ones in batches through the credential service's IssuanceBatch, each batch one transaction
 * together with the job's progress. A job stopped or crashed mid-way resumes after the last
 * committed batch and skips recipients already holding the credential (dedupe key), so it loses and
 * duplicates nothing.
 */
export interface BulkDeps {
  issuance: BatchIssuer;
  /** Called after each batch commits (the mailer's kick: claim e-mails go out once they are committed). */
  afterIssue?: () => void;
}

export function createBulkService(ctx: ServiceContext, deps: BulkDeps, options: BulkOptions = {}) {
  const maxBytes = options.maxBytes ?? 64 * 1024 * 1024;
  const chunkChars = options.chunkChars ?? 256 * 1024;
  const batchSize = options.batchSize ?? 200;
  const defaultErrorsLimit = options.errorsLimit ?? 1000;
  const at = () => ctx.now().toISOString();

  async function view(row: Row<'bulk_jobs'>, errors: { offset?: number; limit?: number } = {}): Promise<BulkJobView> {
    const limit = errors.limit ?? defaultErrorsLimit;
    const [entries, count] = await Promise.all([
      limit === 0 ? [] : ctx.db.selectFrom('bulk_job_errors').select(['line', 'messages']).where('job_id', '=', row.id)
        .orderBy('line').limit(limit).offset(errors.offset ?? 0).execute(),
      ctx.db.selectFrom('bulk_job_errors').select((eb) => eb.fn.countAll<number>().as('n')).where('job_id', '=', row.id).executeTakeFirstOrThrow(),
    ]);
    return {
      id: row.id, organisationId: row.organisation_id, achievementId: row.achievement_id, fileName: row.file_name,
      fileSha256: row.file_sha256, fileBytes: row.file_bytes, status: row.status, totalRows: row.total_rows,
      validRows: row.valid_rows, invalidRows: row.invalid_rows, processed: row.processed, issued: row.issued,
      skippedDuplicates: row.skipped_duplicates, failure: row.failure,
      errors: entries.map((entry) => ({ line: entry.line, messages: JSON.parse(entry.messages) as string[] })),
      errorCount: Number(count.n), createdAt: row.created_at, startedAt: row.started_at, finishedAt: row.finished_at,
    };
  }

  /** The bulk job, or NotFound; an upload still streaming in (no hash yet) is not visible. */
  async function load(id: string): Promise<Row<'bulk_jobs'>> {
    const row = await ctx.db.selectFrom('bulk_jobs').selectAll().where('id', '=', id).where('file_sha256', '!=', '').executeTakeFirst();
    if (!row) throw new NotFound('bulk issuance');
    return row;
  }

  function readRule(actor: Actor) {
    return { roles: CAN.issue, scope: actor.kind === 'api-key' && actor.scopes.includes('read') ? 'read' as const : 'issue' as const };
  }

  async function* fileText(jobId: string): AsyncGenerator<string> {
    for (let seq = 0; ; seq++) {
      const chunk = await ctx.db.selectFrom('bulk_job_chunks').select('data').where('job_id', '=', jobId).where('seq', '=', seq).executeTakeFirst();
      if (!chunk) return;
      yield chunk.data;
    }
  }

  type Item =
    | { kind: 'header'; map: ColumnMap }
    | { kind: 'fatal'; line: number; message: string }
    | { kind: 'row'; index: number; line: number; problems: string[]; item?: BatchItem };

  /** Every data row of the file in order, validated, numbered from 0 (blank lines are not rows). */
  async function* rows(job: Row<'bulk_jobs'>, batch: IssuanceBatch): AsyncGenerator<Item> {
    let map: ColumnMap | undefined;
    let headerGiven = false;
    let index = 0;
    const context = { organisationId: job.organisation_id, achievementId: job.achievement_id, validate: (input: Parameters<IssuanceBatch['validate']>[0]) => batch.validate(input) };
    for await (const entry of readCsvObjects(fileText(job.id), { onHeader: (names) => { map = mapHeader(names); } })) {
      if ('error' in entry && entry.header) {
        yield { kind: 'fatal', line: entry.line, message: entry.error };
        return;
      }
      if (map && !headerGiven) {
        headerGiven = true;
        yield { kind: 'header', map };
        if (map.fatal) return;
      }
      if ('error' in entry) {
        yield { kind: 'row', index: index++, line: entry.line, problems: [entry.error] };
        continue;
      }
      const parsed = parseRow(map!, entry.row, context);
      yield parsed.problems.length > 0
        ? { kind: 'row', index: index++, line: entry.line, problems: parsed.problems }
        : { kind: 'row', index: index++, line: entry.line, problems: [], item: { input: parsed.input, dedupeKey: parsed.dedupeKey, bulkJobId: job.id } };
    }
    if (!map) {
      yield { kind: 'fatal', line: 1, message: 'the file is empty: it needs a header row and one row per learner' };
    } else if (!headerGiven) {
      yield { kind: 'header', map };
      if (!map.fatal) yield { kind: 'fatal', line: 2, message: 'the file has a header but no rows' };
    }
  }

  /** The bulk.completed event, in the transaction that finishes the job (done or failed). */
  async function bulkCompleted(trx: Kysely<DB>, jobId: string): Promise<void> {
    const row = await trx.selectFrom('bulk_jobs').select(['organisation_id', 'achievement_id', 'status', 'issued', 'skipped_duplicates', 'invalid_rows'])
      .where('id', '=', jobId).executeTakeFirstOrThrow();
    await emitEvents(ctx, trx, row.organisation_id, [{
      type: 'bulk.completed',
      data: { id: jobId, achievementId: row.achievement_id, status: row.status, issued: row.issued, skippedDuplicates: row.skipped_duplicates, invalidRows: row.invalid_rows },
    }]);
  }

  async function finishFailed(trx: Kysely<DB>, jobId: string, failure: string): Promise<void> {
    await trx.updateTable('bulk_jobs').set({ status: 'failed', failure, finished_at: at() }).where('id', '=', jobId).execute();
    await bulkCompleted(trx, jobId);
    await trx.deleteFrom('bulk_job_chunks').where('job_id', '=', jobId).execute();
  }

  async function prepare(payload: BulkPayload, job: Row<'bulk_jobs'>): Promise<IssuanceBatch> {
    try {
      return await deps.issuance.prepareBatch(payload.actor, job.organisation_id, job.achievement_id);
    } catch (error) {
      // The uploader lost the right to issue, or the achievement is gone: retrying cannot help.
      if (error instanceof DomainError) throw new PermanentJobError(`${CANNOT_ISSUE}${error.message}`);
      throw error;
    }
  }

  /** Phase 1: every row checked, the report written, counts set; nothing issued. */
  async function validate(job: Row<'bulk_jobs'>, batch: IssuanceBatch, context: JobContext<BulkPayload>): Promise<'issuing' | 'finished'> {
    await ctx.db.transaction().execute(async (trx) => {
      await trx.deleteFrom('bulk_job_errors').where('job_id', '=', job.id).execute();
      await trx.updateTable('bulk_jobs').set({
        status: 'validating', started_at: job.started_at ?? at(), total_rows: 0, valid_rows: 0, invalid_rows: 0,
        processed: 0, issued: 0, skipped_duplicates: 0, failure: null,
      }).where('id', '=', job.id).execute();
    });
    let valid = 0;
    let invalid = 0;
    let pending: { job_id: string; line: number; messages: string }[] = [];
    const flush = async (trx: Kysely<DB> = ctx.db) => {
      if (pending.length > 0) await trx.insertInto('bulk_job_errors').values(pending).execute();
      pending = [];
      await trx.updateTable('bulk_jobs').set({ total_rows: valid + invalid, valid_rows: valid, invalid_rows: invalid }).where('id', '=', job.id).execute();
    };
    for await (const item of rows(job, batch)) {
      if (item.kind === 'fatal') {
        await ctx.db.transaction().execute(async (trx) => {
          await flush(trx);
          await trx.insertInto('bulk_job_errors').values({ job_id: job.id, line: item.line, messages: JSON.stringify([item.message]) })
            .onConflict((oc) => oc.columns(['job_id', 'line']).doNothing()).execute();
          await finishFailed(trx, job.id, `line ${item.line}: ${item.message}`);
        });
        return 'finished';
      }
      if (item.kind === 'header') {
        const messages = item.map.unknown.map((name) => `column "${name}" is not one microcred knows; its values were ignored`);
        if (item.map.fatal) messages.unshift(item.map.fatal);
        if (messages.length > 0) pending.push({ job_id: job.id, line: 1, messages: JSON.stringify(messages) });
        if (item.map.fatal) {
          await ctx.db.transaction().execute(async (trx) => {
            await flush(trx);
            await finishFailed(trx, job.id, `line 1: ${item.map.fatal}`);
          });
          return 'finished';
        }
        continue;
      }
      if (item.problems.length > 0) {
        invalid++;
        pending.push({ job_id: job.id, line: item.line, messages: JSON.stringify(item.problems) });
      } else {
        valid++;
      }
      if (pending.length >= 500 || (valid + invalid) % 5000 === 0) {
        await flush();
        await context.checkpoint();
      }
    }
    const next = valid > 0 ? 'issuing' : 'finished';
    await ctx.db.transaction().execute(async (trx) => {
      await flush(trx);
      // Invalid rows are settled now; `processed` then counts rows in file order as batches commit.
      await trx.updateTable('bulk_jobs').set(next === 'issuing' ? { status: 'issuing' } : { status: 'done', processed: valid + invalid, finished_at: at() })
        .where('id', '=', job.id).execute();
      if (next === 'finished') {
        await trx.deleteFrom('bulk_job_chunks').where('job_id', '=', job.id).execute();
        await bulkCompleted(trx, job.id);
      }
    });
    return next;
  }

  /**
   * Phase 2: valid rows issued in batches. `processed` is the checkpoint: rows before it are settled
   * (issued, skipped or reported), so a resumed job starts after it; each batch commits its
   * credentials and the new checkpoint together, guarded so that a second runner of the same job
   * (after a lease was lost) rolls back instead of counting twice.
   */
  async function issue(job: Row<'bulk_jobs'>, batch: IssuanceBatch, context: JobContext<BulkPayload>, actor: Actor): Promise<void> {
    let settled = job.processed;
    let items: { line: number; item: BatchItem }[] = [];
    /** Rows with problems now: reported in phase 1 unless the checks depend on time and it moved on. */
    let late: { line: number; problems: string[] }[] = [];
    let lastIndex = -1;

    type Entry = { line: number; item: BatchItem };
    /** A staged batch: its items' places by dedupe key, and how to store those kept. */
    type ReadyStage = { index: Map<string, number>; commit: StagedBatch['commit'] };
    /**
     * One transaction: guard the checkpoint, skip keys already issued, issue the rest, count, and
     * (with `through`) move the checkpoint.
     */
    const attempt = (entries: Entry[], through: number | undefined, unreported: { line: number; problems: string[] }[] = [], staged?: ReadyStage) => ctx.db.transaction().execute(async (trx) => {
      // Takes the job row's lock (PostgreSQL) and checks nobody moved the checkpoint meanwhile.
      const guard = await trx.updateTable('bulk_jobs').set({ processed: settled }).where('id', '=', job.id)
        .where('processed', '=', settled).where('status', '=', 'issuing').executeTakeFirst();
      if (Number(guard.numUpdatedRows) !== 1) throw new JobInterrupted('lease-lost');
      const keys = entries.map((entry) => entry.item.dedupeKey!);
      const existing = new Set(keys.length === 0 ? [] : (await trx.selectFrom('credentials').select('dedupe_key')
        .where('organisation_id', '=', job.organisation_id).where('dedupe_key', 'in', keys).execute()).map((row) => row.dedupe_key));
      const fresh: BatchItem[] = [];
      for (const entry of entries) {
        if (existing.has(entry.item.dedupeKey!)) continue;
        existing.add(entry.item.dedupeKey!); // the same row twice in one file is issued once
        fresh.push(entry.item);
      }
      if (fresh.length > 0 && staged) {
        // Staged (signed ahead) items are stored; any other fresh item is issued as usual.
        const keep = new Set<number>();
        const rest = fresh.filter((item) => {
          const index = staged.index.get(item.dedupeKey!);
          if (index !== undefined) keep.add(index);
          return index === undefined;
        });
        if (keep.size > 0) await staged.commit(trx, (index) => keep.has(index));
        if (rest.length > 0) await batch.issueMany(trx, rest);
      } else if (fresh.length > 0) {
        await batch.issueMany(trx, fresh);
      }
      let nowInvalid = 0;
      if (unreported.length > 0) {
        const reported = new Set((await trx.selectFrom('bulk_job_errors').select('line').where('job_id', '=', job.id)
          .where('line', 'in', unreported.map((row) => row.line)).execute()).map((row) => row.line));
        const fresh = unreported.filter((row) => !reported.has(row.line));
        if (fresh.length > 0) await trx.insertInto('bulk_job_errors').values(fresh.map((row) => ({ job_id: job.id, line: row.line, messages: JSON.stringify(row.problems) }))).execute();
        nowInvalid = fresh.length;
      }
      await trx.updateTable('bulk_jobs').set((eb) => ({
        processed: through ?? settled,
        issued: eb('issued', '+', fresh.length),
        skipped_duplicates: eb('skipped_duplicates', '+', entries.length - fresh.length),
        valid_rows: eb('valid_rows', '-', nowInvalid),
        invalid_rows: eb('invalid_rows', '+', nowInvalid),
      })).where('id', '=', job.id).execute();
      return { issued: fresh.length, skipped: entries.length - fresh.length };
    });

    /**
     * Signs a batch ahead (when the credential service can stage): its status allocated in a short
     * transaction of its own, signing under way while the batch before it is stored. Rows already
     * issued, or in the batch still in flight, are left out; the issuing transaction checks again.
     */
    const stageAhead = (entries: Entry[], inFlight: Entry[]): Promise<ReadyStage> | undefined => {
      const stage = batch.stage?.bind(batch);
      if (!stage || entries.length === 0) return undefined;
      const staging = (async () => {
        const keys = entries.map((entry) => entry.item.dedupeKey!);
        const skip = new Set((await ctx.db.selectFrom('credentials').select('dedupe_key')
          .where('organisation_id', '=', job.organisation_id).where('dedupe_key', 'in', keys).execute()).map((row) => row.dedupe_key));
        for (const entry of inFlight) skip.add(entry.item.dedupeKey!);
        const chosen: BatchItem[] = [];
        const index = new Map<string, number>();
        for (const { item } of entries) {
          if (skip.has(item.dedupeKey!) || index.has(item.dedupeKey!)) continue;
          index.set(item.dedupeKey!, chosen.length);
          chosen.push(item);
        }
        const staged = await stage(chosen);
        return { index, commit: staged.commit.bind(staged) };
      })();
      staging.catch(() => {}); // awaited (or abandoned on a stop) by run; never unhandled
      return staging;
    };

    type Pending = { entries: Entry[]; through: number; unreported: { line: number; problems: string[] }[]; staged: Promise<ReadyStage> | undefined };
    /** Staged batches not yet stored, oldest first. */
    const inFlight: Pending[] = [];
    // Batches staged ahead of the one being stored. PostgreSQL stages on other connections, and its
    // staging takes about as long as storing a batch (measured), so two are kept ahead there.
    const depth = ctx.dialect === 'sqlite' ? 1 : 2;

    /** Ends the batch being gathered: stages it, then stores the oldest staged one (signed meanwhile). */
    const commit = async (through: number) => {
      // Before staging: a stop leaves at most `depth` staged batches unstored (their positions unused).
      await context.checkpoint();
      const next: Pending = { entries: items, through, unreported: late, staged: undefined };
      items = [];
      late = [];
      if (!batch.stage) return run(next); // nothing to overlap: store it now
      next.staged = stageAhead(next.entries, inFlight.flatMap((pending) => pending.entries));
      // SQLite has one connection: staging's transaction would queue behind the batch in flight, and
      // the workers would wait for both. So there the batch is staged (allocated, built, handed to
      // the workers) first; on PostgreSQL staging runs on another connection meanwhile. A staging
      // error is dealt with when this batch's turn comes (run awaits the same promise).
      if (ctx.dialect === 'sqlite') await next.staged?.catch(() => undefined);
      inFlight.push(next);
      while (inFlight.length > depth) await run(inFlight.shift()!);
    };

    /** Stores one batch in its transaction (row by row when the service refuses one). */
    const run = async ({ entries, through, unreported, staged: staging }: Pending) => {
      let issued = 0;
      let skipped = 0;
      let failed = 0;
      try {
        // Staged before the transaction opens: staging's own short transaction may still be queued.
        const staged = await staging;
        ({ issued, skipped } = await attempt(entries, through, unreported, staged));
      } catch (error) {
        if (!(error instanceof DomainError)) throw error;
        // The credential service refused a row the checks passed: each row on its own, so the bad
        // one is reported by line and the others are issued.
        for (const entry of entries) {
          try {
            const outcome = await attempt([entry], undefined);
            issued += outcome.issued;
            skipped += outcome.skipped;
          } catch (single) {
            if (!(single instanceof DomainError)) throw single;
            failed++;
            await ctx.db.transaction().execute(async (trx) => {
              await trx.insertInto('bulk_job_errors').values({ job_id: job.id, line: entry.line, messages: JSON.stringify([single.message]) })
                .onConflict((oc) => oc.columns(['job_id', 'line']).doNothing()).execute();
              await trx.updateTable('bulk_jobs').set((eb) => ({ valid_rows: eb('valid_rows', '-', 1), invalid_rows: eb('invalid_rows', '+', 1) }))
                .where('id', '=', job.id).execute();
            });
          }
        }
        await attempt([], through, unreported);
      }
      settled = through;
      if (issued > 0) deps.afterIssue?.();
      if (issued > 0) ctx.metrics.increment('microcred_bulk_credentials_total', { outcome: 'issued' }, issued);
      if (skipped > 0) ctx.metrics.increment('microcred_bulk_credentials_total', { outcome: 'duplicate' }, skipped);
      if (failed > 0) ctx.metrics.increment('microcred_bulk_credentials_total', { outcome: 'failed' }, failed);
    };

    for await (const entry of rows(job, batch)) {
      if (entry.kind !== 'row') continue;
      lastIndex = entry.index;
      if (entry.index < settled) continue;
      if (!entry.item) {
        late.push({ line: entry.line, problems: entry.problems });
        // Bad rows go with the batch that settles them; bounded, or a file of 40,000 bad rows made one
        // statement past SQLite's limit on SQL variables (PostgreSQL's on bind parameters: 65,535).
        if (late.length >= LATE_ROWS_PER_BATCH) await commit(entry.index + 1);
        continue;
      }
      items.push({ line: entry.line, item: entry.item });
      if (items.length >= batchSize) await commit(entry.index + 1);
    }
    if (items.length > 0 || late.length > 0) await commit(lastIndex + 1);
    while (inFlight.length > 0) {
      await context.checkpoint();
      await run(inFlight.shift()!);
    }
    await ctx.db.transaction().execute(async (trx) => {
      const done = await trx.updateTable('bulk_jobs').set({ status: 'done', processed: lastIndex + 1, finished_at: at() }).where('id', '=', job.id).where('status', '=', 'issuing').executeTakeFirst();
      if (Number(done.numUpdatedRows) !== 1) return; // another runner finished it
      const row = await trx.selectFrom('bulk_jobs').select(['issued', 'skipped_duplicates', 'invalid_rows']).where('id', '=', job.id).executeTakeFirstOrThrow();
      await trx.deleteFrom('bulk_job_chunks').where('job_id', '=', job.id).execute();
      await bulkCompleted(trx, job.id);
      await audit(ctx, trx, actor, {
        organisationId: job.organisation_id, action: 'bulk-issuance.done', targetType: 'bulk-issuance', targetId: job.id,
        details: { achievementId: job.achievement_id, issued: row.issued, skippedDuplicates: row.skipped_duplicates, invalidRows: row.invalid_rows },
      });
    });
  }

  const handler: JobHandler<BulkPayload> = {
    maxAttempts: 5,
    async run(context) {
      const { bulkJobId } = context.payload;
      const job = await ctx.db.selectFrom('bulk_jobs').selectAll().where('id', '=', bulkJobId).executeTakeFirst();
      if (!job || job.status === 'done' || job.status === 'failed') return;
      const actor = context.payload.actor;
      const batch = await prepare(context.payload, job);
      let current = job;
      if (job.status === 'queued' || job.status === 'validating') {
        if ((await validate(job, batch, context)) === 'finished') return;
        await context.checkpoint();
        current = await ctx.db.selectFrom('bulk_jobs').selectAll().where('id', '=', bulkJobId).executeTakeFirstOrThrow();
      }
      await issue(current, batch, context, actor);
    },
    async failed(payload, error) {
      // Only this service's own verdicts (PermanentJobError, written for the uploader) are shown as they are.
      const failure = error.startsWith(CANNOT_ISSUE) ? error : INTERNAL_FAILURE;
      await ctx.db.transaction().execute((trx) => finishFailed(trx, payload.bulkJobId, failure));
    },
  };

  return {
    handler,

    /**
     * Streams a CSV into the store and queues its issuance; answers at once (202) with the job.
     * The body is read only after the actor's right to issue and the achievement are checked.
     */
    async upload(actor: Actor, organisationId: string, achievementId: string, body: ByteSource, meta: { fileName?: string } = {}): Promise<BulkJobView> {
      await requireAccess(ctx, actor, organisationId, { roles: CAN.issue, scope: 'issue' }, 'organisation');
      if (!achievementId) throw InvalidInput.field('/achievementId', 'is required');
      try {
        await deps.issuance.prepareBatch(actor, organisationId, achievementId);
      } catch (error) {
        if (error instanceof NotFound) throw new InvalidInput(`achievementId: no micro-credential ${achievementId} in this organisation`, [{ pointer: '/achievementId', message: 'is not a micro-credential of this organisation' }]);
        throw error;
      }
      // Uploads cut off by a crash of their node stay invisible; a day later their pieces are dropped.
      const stale = await ctx.db.selectFrom('bulk_jobs').select('id').where('organisation_id', '=', organisationId).where('file_sha256', '=', '')
        .where('created_at', '<', new Date(ctx.now().getTime() - 86_400_000).toISOString()).execute();
      for (const { id: staleId } of stale) {
        await ctx.db.deleteFrom('bulk_job_chunks').where('job_id', '=', staleId).execute();
        await ctx.db.deleteFrom('bulk_jobs').where('id', '=', staleId).execute();
      }
      const id = randomUUID();
      const fileName = meta.fileName?.slice(0, 255) || null;
      // file_sha256 stays '' until the last byte is stored: until then the job is invisible and never run.
      await ctx.db.insertInto('bulk_jobs').values({
        id, organisation_id: organisationId, achievement_id: achievementId, file_name: fileName, file_sha256: '', file_bytes: 0,
        status: 'queued', total_rows: 0, valid_rows: 0, invalid_rows: 0, processed: 0, issued: 0, skipped_duplicates: 0,
        failure: null, created_by: actor.kind === 'user' ? actor.userId : actor.kind === 'api-key' ? actor.keyId : null,
        created_at: at(), started_at: null, finished_at: null,
      }).execute();
      try {
        const hash = createHash('sha256');
        const decoder = new TextDecoder('utf-8');
        let bytes = 0;
        let seq = 0;
        let text = '';
        const store = async () => {
          await ctx.db.insertInto('bulk_job_chunks').values({ job_id: id, seq: seq++, data: text }).execute();
          text = '';
        };
        for await (const chunk of body) {
          const data = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
          bytes += data.byteLength;
          if (bytes > maxBytes) throw new FileTooLarge(maxBytes);
          hash.update(data);
          if (bytes === data.byteLength) {
            const kind = binaryFileKind(data);
            if (kind) throw new InvalidInput(`this is not a CSV file: it is ${kind}. Upload a CSV file (UTF-8 text), one row per learner`, [], { status: 400 });
          }
          const piece = decoder.decode(data, { stream: true });
          // A NUL is no CSV text (a spreadsheet's binary file, UTF-16), and PostgreSQL cannot store it as text.
          if (piece.includes('\u0000')) throw new InvalidInput('this is not a CSV file: it holds NUL bytes, as binary files and UTF-16 text do. Save it as CSV (UTF-8) and upload that', [], { status: 400 });
          text += piece;
          if (text.length >= chunkChars) await store();
        }
        text += decoder.decode();
        if (text.length > 0) await store();
        if (bytes === 0) throw new InvalidInput('the file is empty: send the CSV as the request body', [{ pointer: '/', message: 'is empty' }], { status: 400 });
        const sha256 = hash.digest('hex');
        await ctx.db.transaction().execute(async (trx) => {
          await trx.updateTable('bulk_jobs').set({ file_sha256: sha256, file_bytes: bytes }).where('id', '=', id).execute();
          const payload: BulkPayload = { bulkJobId: id, actor: storedActor(actor) };
          await ctx.queue.enqueue(BULK_JOB_KIND, payload, { trx });
          await audit(ctx, trx, actor, {
            organisationId, action: 'bulk-issuance.create', targetType: 'bulk-issuance', targetId: id,
            details: { achievementId, bytes, sha256 },
          });
        });
      } catch (error) {
        await ctx.db.deleteFrom('bulk_job_chunks').where('job_id', '=', id).execute();
        await ctx.db.deleteFrom('bulk_jobs').where('id', '=', id).execute();
        throw error;
      }
      return view(await load(id));
    },

    /** One job with its report (`errorsLimit` entries from `errorsOffset`, by line). */
    async get(actor: Actor, id: string, errors: { offset?: number; limit?: number } = {}): Promise<BulkJobView> {
      if (actor.kind === 'anonymous') await requireAccess(ctx, actor, '', { roles: CAN.issue });
      const row = await load(id);
      await requireAccess(ctx, actor, row.organisation_id, readRule(actor), 'bulk issuance');
      return view(row, errors);
    },

    /** The organisation's bulk jobs, newest first, without their reports (see `get`). */
    async list(actor: Actor, organisationId: string, page: { limit?: number; before?: string } = {}): Promise<BulkJobView[]> {
      await requireAccess(ctx, actor, organisationId, readRule(actor), 'organisation');
      let query = ctx.db.selectFrom('bulk_jobs').selectAll().where('organisation_id', '=', organisationId).where('file_sha256', '!=', '')
        .orderBy('created_at', 'desc').orderBy('id', 'desc').limit(page.limit ?? 50);
      if (page.before) query = query.where('created_at', '<', page.before);
      const rows = await query.execute();
      return Promise.all(rows.map((row) => view(row, { limit: 0 })));
    },
  };
}

/** The actor as kept in the job's payload: no address, nothing secret. */
function storedActor(actor: Actor): Actor {
  switch (actor.kind) {
    case 'user': return { kind: 'user', userId: actor.userId };
    case 'api-key': return { kind: 'api-key', keyId: actor.keyId, organisationId: actor.organisationId, scopes: [...actor.scopes] };
    default: return actor;
  }
}

export type BulkService = ReturnType<typeof createBulkService>;

/** File signatures of what people upload by mistake instead of a CSV, named in words. */
const SIGNATURES: { bytes: number[]; kind: string }[] = [
  { bytes: [0x89, 0x50, 0x4e, 0x47], kind: 'a PNG image' },
  { bytes: [0xff, 0xd8, 0xff], kind: 'a JPEG image' },
  { bytes: [0x47, 0x49, 0x46, 0x38], kind: 'a GIF image' },
  { bytes: [0x25, 0x50, 0x44, 0x46], kind: 'a PDF document' },
  // XLSX, ODS and DOCX are ZIP archives.
  { bytes: [0x50, 0x4b, 0x03, 0x04], kind: 'a ZIP archive (a spreadsheet such as .xlsx or .ods is one: save it as CSV)' },
  { bytes: [0xd0, 0xcf, 0x11, 0xe0], kind: 'an old Office file (.xls): save it as CSV' },
];

/** What a file that begins with these bytes is, when it is a known kind of file that is not CSV text. */
export function binaryFileKind(first: Uint8Array): string | undefined {
  return SIGNATURES.find((signature) => signature.bytes.every((byte, i) => first[i] === byte))?.kind;
}
