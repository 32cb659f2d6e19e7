/**
 * Bulk issuance end to end: a CSV streamed in through the bulk service's upload, validated, and
 * every row issued by the job runner (signed eddsa-rdfc-2022, stored, status allocated), on SQLite
 * and on PostgreSQL (when TEST_DATABASE_URL or DATABASE_URL is set). Prints credentials per second,
 * where the time went (issueMany versus the rest) and the peak memory of the process, for each size.
 * Each size runs in a fresh child process so its peak RSS is its own.
 *
 * Run: node --import tsx bench/bulk.bench.ts [--rows 10000,100000] [--dialect sqlite|postgres]
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { loadConfig } from '../src/config.ts';
import { createJobQueue, createJobRunner } from '../src/queue/index.ts';
import { openRuntime } from '../src/runtime.ts';
import { SYSTEM } from '../src/services/access.ts';
import { createBulkService, type BatchIssuer, type IssuanceBatch } from '../src/services/bulk/index.ts';

interface Figures {
  dialect: string;
  rows: number;
  issued: number;
  seconds: number;
  perSecond: number;
  uploadSeconds: number;
  validateSeconds: number;
  issueManySeconds: number;
  peakRssMiB: number;
  baselineRssMiB: number;
  /** Heap still in use after the job and a full collection: what the job left behind. */
  heapAfterMiB: number;
  heapBeforeMiB: number;
  credentialsWithStatus: number;
}

const args = process.argv.slice(2);
const option = (name: string) => {
  const at = args.indexOf(`--${name}`);
  return at >= 0 ? args[at + 1] : undefined;
};

/** The CSV, generated as it is read: the bench holds no more of it than the service does. */
async function* csv(rows: number, tag: string): AsyncGenerator<Uint8Array> {
  let text = 'email,name,result,creditsEarned,evidenceUrl\n';
  for (let i = 1; i <= rows; i++) {
    text += `learner${i}.${tag}@uni.test,Learner ${i},${i % 3 === 0 ? 'merit' : 'pass'},5,https://lms.uni.test/submissions/${i}\n`;
    if (text.length > 64 * 1024) {
      yield Buffer.from(text);
      text = '';
    }
  }
  yield Buffer.from(text);
}

async function child(dialect: string, rows: number): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'microcred-bench-'));
  let databaseUrl: string | undefined;
  let schema: string | undefined;
  const base = process.env.TEST_DATABASE_URL ?? process.env.DATABASE_URL;
  if (dialect === 'postgres') {
    schema = `bench_${randomBytes(5).toString('hex')}`;
    const admin = new pg.Client({ connectionString: base });
    await admin.connect();
    await admin.query(`create schema ${schema}`);
    await admin.end();
    const url = new URL(base!);
    url.searchParams.set('options', `-c search_path=${schema}`);
    databaseUrl = url.toString();
  }
  const config = loadConfig({ MICROCRED_DATA: dataDir, PUBLIC_URL: 'https://issuer.test', LOG_LEVEL: 'silent', JOB_WORKERS: '0', ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}) });
  const runtime = await openRuntime(config, { fetcher: () => Promise.reject(new Error('no network in the bench')) });
  try {
    const { services } = runtime;
    const org = await services.accounts.init({ organisationName: 'Bench University', email: 'owner@bench.test', password: 'bench-password-1' });
    const achievement = await services.achievements.create(SYSTEM, org.organisationId, {
      issuerId: org.issuerId, name: 'Data Literacy', description: 'Reading and presenting data.', criteria: 'Pass the final assessment.',
      achievementType: 'MicroCredential',
      eu: { creditsAvailable: 5, eqfLevel: 6, learningOutcome: ['Reads and presents data'], assessmentType: ['exam'], participationForm: 'online', qualityAssurance: ['internal'] },
    } as Parameters<typeof services.achievements.create>[2]);
    // The real credential service, with the time spent inside issueMany measured.
    let issueManyMs = 0;
    let firstIssue = 0;
    let active = 0;
    let activeSince = 0;
    const timed: BatchIssuer = {
      async prepareBatch(actor, organisationId, achievementId) {
        const batch = await services.credentials.prepareBatch(actor, organisationId, achievementId);
        // Staging one batch overlaps storing the one before: time counts once while either runs.
        const timing = async <T>(run: () => Promise<T>): Promise<T> => {
          if (active++ === 0) activeSince = performance.now();
          firstIssue ||= activeSince;
          try {
            return await run();
          } finally {
            if (--active === 0) issueManyMs += performance.now() - activeSince;
          }
        };
        const stage = batch.stage?.bind(batch);
        return {
          validate: (input) => batch.validate(input),
          issueMany: (trx, items) => timing(() => batch.issueMany(trx, items)),
          // Pipelined issuance (signing workers): staging and storing count as issuance time.
          ...(stage ? {
            stage: (items: Parameters<typeof stage>[0]) => timing(async () => {
              const staged = await stage(items);
              return { commit: (trx, keep) => timing(() => staged.commit(trx, keep)) };
            }),
          } : {}),
        } satisfies IssuanceBatch;
      },
    };
    const bulk = createBulkService(runtime.ctx, { issuance: timed });
    const queue = createJobQueue({ db: runtime.store.db, dialect: runtime.store.dialect });
    const runner = createJobRunner({ queue, handlers: { 'bulk-issuance': bulk.handler as never }, workers: 0 });
    global.gc?.();
    const baseline = process.memoryUsage().rss;
    const heapBefore = process.memoryUsage().heapUsed;

    const start = performance.now();
    const job = await bulk.upload(SYSTEM, org.organisationId, achievement.id, csv(rows, randomBytes(3).toString('hex')), { fileName: 'bench.csv' });
    const uploaded = performance.now();
    await runner.drain();
    const end = performance.now();
    const done = await bulk.get(SYSTEM, job.id, { limit: 0 });
    if (done.status !== 'done' || done.issued !== rows) throw new Error(`bench job ended ${done.status} with ${done.issued} of ${rows} issued: ${done.failure ?? ''}`);
    const withStatus = await runtime.store.db.selectFrom('credentials').select((eb) => eb.fn.countAll<number>().as('n'))
      .where('bulk_job_id', '=', job.id).where('revocation_list_id', 'is not', null).where('suspension_list_id', 'is not', null).executeTakeFirstOrThrow();
    global.gc?.();
    const heapAfter = process.memoryUsage().heapUsed;
    const seconds = (end - start) / 1000;
    const figures: Figures = {
      dialect, rows, issued: done.issued, seconds, perSecond: done.issued / seconds,
      uploadSeconds: (uploaded - start) / 1000, validateSeconds: ((firstIssue || uploaded) - uploaded) / 1000, issueManySeconds: issueManyMs / 1000,
      peakRssMiB: process.resourceUsage().maxRSS / 1024, baselineRssMiB: baseline / (1024 * 1024), credentialsWithStatus: Number(withStatus.n),
      heapBeforeMiB: heapBefore / (1024 * 1024), heapAfterMiB: heapAfter / (1024 * 1024),
    };
    process.stdout.write(`${JSON.stringify(figures)}\n`);
  } finally {
    await runtime.close();
    rmSync(dataDir, { recursive: true, force: true });
    if (schema) {
      const admin = new pg.Client({ connectionString: base });
      await admin.connect();
      await admin.query(`drop schema if exists ${schema} cascade`);
      await admin.end();
    }
  }
}

function main(): void {
  const sizes = (option('rows') ?? '10000,100000').split(',').map(Number);
  const dialects = option('dialect') ? [option('dialect')!] : ['sqlite', ...(process.env.TEST_DATABASE_URL ?? process.env.DATABASE_URL ? ['postgres'] : [])];
  if (!dialects.includes('postgres')) console.log('PostgreSQL skipped: set TEST_DATABASE_URL (or DATABASE_URL) to include it.');
  console.log('bulk issuance end to end (CSV in → validated → signed eddsa-rdfc-2022, stored, status allocated), one job worker');
  console.log('dialect   rows      issued   seconds  cred/s   upload s  validate s (until the first issueMany)  in issuance s (%)   peak RSS MiB (at start)   heap after GC MiB (before)');
  const self = fileURLToPath(import.meta.url);
  for (const dialect of dialects) {
    for (const rows of sizes) {
      const output = execFileSync(process.execPath, ['--expose-gc', '--import', 'tsx', self, '--child', dialect, String(rows)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 20 });
      const f = JSON.parse(output.trim().split('\n').pop()!) as Figures;
      if (f.credentialsWithStatus !== f.issued) throw new Error(`${f.issued - f.credentialsWithStatus} credentials lack a status entry`);
      console.log(`${f.dialect.padEnd(9)} ${String(f.rows).padEnd(9)} ${String(f.issued).padEnd(8)} ${f.seconds.toFixed(1).padStart(7)}  ${f.perSecond.toFixed(0).padStart(6)}   ${f.uploadSeconds.toFixed(2).padStart(7)}  ${f.validateSeconds.toFixed(2).padStart(9)}   ${f.issueManySeconds.toFixed(1).padStart(8)} (${((f.issueManySeconds / f.seconds) * 100).toFixed(0)}%)   ${f.peakRssMiB.toFixed(0).padStart(6)} (${f.baselineRssMiB.toFixed(0)})            ${f.heapAfterMiB.toFixed(0).padStart(4)} (${f.heapBeforeMiB.toFixed(0)})`);
    }
  }
}

if (args[0] === '--child') await child(args[1]!, Number(args[2]));
else main();
