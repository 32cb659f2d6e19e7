/**
 * How fast the `microcred` command starts, and what that leaves of bulk signing end to end: wall
 * times of fresh processes (`node -e ''` for scale, `microcred --version`, `microcred verify` of one
 * credential offline), `microcred issue --csv` of 5,000 rows from start to exit, and the reference
 * library (@digitalbazaar/vc) issuing the same credentials on one core in this process, in the same run.
 *
 * Each process is started the way a user starts it (node bin/microcred.js …: the build in dist/ when it
 * is current); "cold" means a new process each time, with the operating system's file cache warm.
 * Commands are measured in interleaved rounds (A, B, C, A, B, C, …) and the median and fastest run are
 * shown, so a burst of load from elsewhere hits every command alike.
 *
 * Run: npm run bench:startup   (BENCH_RUNS=N runs per command, default 10; BENCH_ROWS=N rows, default 5,000;
 *                              BENCH_SECONDS=N for the reference's rate, default 6)
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import type { JsonObject } from '../src/vc/types.ts';
import type { Ed25519Multikey } from '../src/vc/keys/ed25519.ts';
import { createReferenceIssuer } from '../test/support/reference.ts';

const RUNS = Number(process.env.BENCH_RUNS ?? 10);
const ROWS = Number(process.env.BENCH_ROWS ?? 5000);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 6);
const root = fileURLToPath(new URL('..', import.meta.url));
const bin = join(root, 'bin', 'microcred.js');
const work = mkdtempSync(join(tmpdir(), 'microcred-startup-'));

/** Runs a command to its end and returns its wall time in milliseconds; stops the bench if it fails. */
function timed(args: string[], expectCode = 0): number {
  const start = performance.now();
  const result = spawnSync(process.execPath, args, { cwd: work, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  const ms = performance.now() - start;
  if (result.status !== expectCode) throw new Error(`${args.join(' ')} exited ${result.status}: ${result.stderr}`);
  return ms;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const seconds = (ms: number) => `${(ms / 1000).toFixed(3)} s`;

try {
  // The build a user gets after `npm ci`: make it current first if the sources changed (bin/ would
  // otherwise run the sources through tsx and say so on stderr).
  const build = spawnSync(process.execPath, [bin, '--version'], { encoding: 'utf8' });
  if (build.stderr.includes('running the sources')) {
    console.log('dist/ is older than src/: building it first (npm run build)');
    timed([join(root, 'scripts', 'build.js')]);
  }

  copyFileSync(new URL('../test/fixtures/achievements/data-science-microcredential.json', import.meta.url), join(work, 'achievement.json'));
  timed([bin, 'keys', 'generate', '--out', 'key.json']);
  timed([bin, 'issue', '--key', 'key.json', '--achievement', 'achievement.json', '--issuer-country', 'ES', '--recipient', 'ana@example.org', '--out', 'one.json']);
  const rows = Array.from({ length: ROWS }, (_, i) => `learner${i}@example.org,Learner ${i},${['A', 'B', 'C'][i % 3]},5`);
  writeFileSync(join(work, 'rows.csv'), `recipient,name,grade,credits\n${rows.join('\n')}\n`);

  console.log(`microcred start-up benchmark — node ${process.version}, ${availableParallelism()} cores, load average ${loadavg()[0]!.toFixed(1)} at the start`);
  console.log(`\nFresh processes, ${RUNS} interleaved runs each (median, fastest):`);
  const commands = [
    { label: "node -e ''", args: ['-e', ''] },
    { label: 'microcred --version', args: [bin, '--version'] },
    { label: 'microcred verify one.json --offline', args: [bin, 'verify', 'one.json', '--offline'] },
  ];
  const times = commands.map(() => [] as number[]);
  for (let run = 0; run < RUNS; run++) for (const [index, command] of commands.entries()) times[index]!.push(timed(command.args));
  for (const [index, command] of commands.entries()) {
    console.log(`  ${command.label.padEnd(44)} ${seconds(median(times[index]!)).padStart(9)}  ${seconds(Math.min(...times[index]!)).padStart(9)}`);
  }

  // Bulk end to end and the reference, in three interleaved rounds.
  const issueArgs = [bin, 'issue', '--key', 'key.json', '--achievement', 'achievement.json', '--issuer-country', 'ES', '--csv', 'rows.csv', '--out', 'all.jsonl'];
  const key = JSON.parse(readFileSync(join(work, 'key.json'), 'utf8')) as Ed25519Multikey;
  const reference = await createReferenceIssuer(key);
  let credentials: JsonObject[] = [];
  const bulk: number[] = [];
  const referenceRates: number[] = [];
  for (let round = 0; round < 3; round++) {
    bulk.push(timed(issueArgs));
    if (credentials.length === 0) {
      // The very credentials microcred issued, without their proof: the reference signs the same documents.
      credentials = readFileSync(join(work, 'all.jsonl'), 'utf8').trim().split('\n').slice(0, 500).map((line) => {
        const { proof: _proof, ...unsigned } = JSON.parse(line) as JsonObject;
        return unsigned;
      });
      if (credentials.length !== Math.min(500, ROWS)) throw new Error('issue --csv wrote fewer credentials than rows');
    }
    const now = new Date();
    for (let i = 0; i < 10; i++) await reference.sign(credentials[i]!, now);
    const start = performance.now();
    let count = 0;
    while (performance.now() - start < (SECONDS * 1000) / 3) await reference.sign(credentials[count++ % credentials.length]!, now);
    referenceRates.push(count / ((performance.now() - start) / 1000));
  }
  const bulkMs = median(bulk);
  const bulkRate = ROWS / (bulkMs / 1000);
  const referenceRate = median(referenceRates);
  console.log(`\nBulk signing end to end (process start to exit, ${availableParallelism()} worker threads), medians of 3 rounds:`);
  console.log(`  ${`microcred issue --csv, ${ROWS.toLocaleString('en')} rows`.padEnd(44)} ${seconds(bulkMs).padStart(9)}  ${bulkRate.toFixed(0).padStart(7)} /s`);
  console.log(`  ${'reference @digitalbazaar/vc issue, one core'.padEnd(44)} ${''.padStart(9)}  ${referenceRate.toFixed(0).padStart(7)} /s`);
  console.log(`\nRatio: issue --csv end to end ÷ the reference's single-core rate = ${(bulkRate / referenceRate).toFixed(1)}×  (target ≥ 20×)`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
