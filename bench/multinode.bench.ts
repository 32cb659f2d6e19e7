/**
 * Several nodes behind HAProxy on one PostgreSQL (docs/deployment.md), measured in one run beside a
 * single node asked directly: `POST /credentials/verify` requests per second (autocannon in another
 * process) and bulk issuance rows per second (CSV files uploaded through the front, issued by the
 * nodes' job runners), with 1, 2 and 3 nodes behind the balancer.
 *
 *   npm run bench:multinode [-- --seconds 5 --rounds 3 --connections 32 --files 3 --rows 1000]
 *
 * Needs PostgreSQL (BENCH_DATABASE_URL, else TEST_DATABASE_URL, else postgres://postgres@127.0.0.1:5432/test;
 * a fresh database is made and dropped) and Debian's HAProxy (HAPROXY_PATH, else /usr/sbin/haproxy).
 * Nodes are added one at a time and never restarted: each bulk figure is taken while only the nodes of
 * its configuration are up, so no other node's job runner takes a job. Every bulk figure uploads the same
 * number of files (one job each; one job runs at a time per node, JOB_WORKERS=1), so more nodes can run
 * more of them at once. The verify figures are taken afterwards, every node up, the configurations
 * interleaved over rounds (the median shown), so that a burst of load on a shared machine hits all alike.
 *
 * On a machine with few cores the nodes, HAProxy, PostgreSQL and the load generator share the same
 * cores: more nodes cannot give more throughput there. What the figures show is that the balancer
 * and the shared database cost little, and that nothing is lost to coordination between nodes.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { AchievementInput } from '../src/vc/credential/build.ts';
import type { JsonObject } from '../src/vc/types.ts';
import { sampleCredential } from '../test/support/arbitraries.ts';
import { clusterNode, createClusterDatabase, freePort, runCli, sleep, startHaproxy, type ClusterNode, type ClusterSettings, type Haproxy } from '../test/support/cluster.ts';
import { findTool, haproxyTool } from '../test/support/tools.ts';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '5' }, rounds: { type: 'string', default: '3' }, connections: { type: 'string', default: '32' },
    files: { type: 'string', default: '3' }, rows: { type: 'string', default: '1000' },
  },
});
const seconds = Number(values.seconds);
const rounds = Number(values.rounds);
const connections = Number(values.connections);
const files = Number(values.files);
const rowsPerFile = Number(values.rows);

const baseUrl = process.env.BENCH_DATABASE_URL || process.env.TEST_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test';
const haproxyCommand = haproxyTool().command;
if (!findTool(haproxyCommand)) {
  console.error(`bench:multinode needs HAProxy at ${haproxyCommand} (apt-get install -y haproxy; HAPROXY_PATH overrides the path)`);
  process.exit(2);
}

const EU = { creditsAvailable: 5, eqfLevel: 6, learningOutcome: ['Reads and presents data'], assessmentType: ['exam'], participationForm: 'online', qualityAssurance: ['internal'] };
const autocannon = new URL('../node_modules/autocannon/autocannon.js', import.meta.url).pathname;
const work = mkdtempSync(join(tmpdir(), 'microcred-bench-multinode-'));

interface Row { configuration: string; verifyPerSecond: number; p99: number; non2xx: number; bulkPerSecond: number }

const database = await createClusterDatabase(baseUrl);
const nodes: ClusterNode[] = [];
const balancers: Haproxy[] = [];
try {
  const ports = await Promise.all([1, 2, 3].map(() => freePort()));
  const frontPort = await freePort();
  const publicUrl = `http://127.0.0.1:${frontPort}`;
  const settings: ClusterSettings = {
    databaseUrl: database.url, publicUrl, masterKey: randomBytes(32).toString('base64'),
    env: { VERIFY_RATE_LIMIT: '0', JOB_WORKERS: '1', LOG_LEVEL: 'warn' },
  };
  const org = JSON.parse(await runCli(settings, ['init', '--org', 'Bench University', '--admin-email', 'bench@uni.test', '--admin-password', 'bench-password-1', '--json'])) as { organisationId: string; apiKey: string };
  nodes.push(...ports.map((port, i) => clusterNode(`node${i + 1}`, port, settings)));
  await nodes[0]!.start(120_000);
  const first = nodes[0]!.url;

  // A did:key issuer (its key needs no lookup) and an achievement, made once through node 1.
  const login = await fetch(`${first}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'bench@uni.test', password: 'bench-password-1' }) });
  const { csrfToken } = (await login.json()) as { csrfToken: string };
  const session = { 'content-type': 'application/json', cookie: (login.headers.get('set-cookie') ?? '').split(';')[0]!, 'x-csrf-token': csrfToken };
  const issuerAnswer = await fetch(`${first}/api/v1/organisations/${org.organisationId}/issuers`, { method: 'POST', headers: session, body: JSON.stringify({ name: 'Bench Faculty', didMethod: 'key' }) });
  const issuer = (await issuerAnswer.json()) as { id: string; did: string };
  const achievementAnswer = await fetch(`${first}/api/v1/organisations/${org.organisationId}/achievements`, {
    method: 'POST', headers: session,
    body: JSON.stringify({ issuerId: issuer.id, name: 'Data Literacy', description: 'Reading and presenting data.', criteria: 'Pass the final assessment.', achievementType: 'MicroCredential', eu: EU }),
  });
  if (achievementAnswer.status !== 201) throw new Error(`achievement: ${achievementAnswer.status} ${await achievementAnswer.text()}`);
  const achievementId = ((await achievementAnswer.json()) as { id: string }).id;

  const achievement = JSON.parse(readFileSync(new URL('../test/fixtures/achievements/data-science-microcredential.json', import.meta.url), 'utf8')) as AchievementInput;
  const unsigned = sampleCredential({ issuerId: issuer.did, n: 1, achievement });
  delete unsigned.credentialStatus;
  delete unsigned.id;
  const issued = await fetch(`${first}/credentials/issue`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${org.apiKey}` }, body: JSON.stringify({ credential: unsigned }) });
  if (issued.status !== 201) throw new Error(`issue: ${issued.status} ${await issued.text()}`);
  const credential = ((await issued.json()) as { verifiableCredential: JsonObject }).verifiableCredential;
  const bodyFile = join(work, 'verify.json');
  writeFileSync(bodyFile, JSON.stringify({ verifiableCredential: credential }));
  const check = await fetch(`${first}/credentials/verify`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: readFileSync(bodyFile) });
  if (check.status !== 200) throw new Error(`the credential does not verify: ${await check.text()}`);

  const verifyLoad = (url: string, duration: number) => new Promise<{ average: number; p99: number; non2xx: number }>((resolve, reject) => {
    execFile(process.execPath, [autocannon, '-c', String(connections), '-d', String(duration), '-m', 'POST', '-H', 'content-type=application/json', '-i', bodyFile, '-j', `${url}/credentials/verify`],
      { maxBuffer: 16 * 1024 * 1024 }, (error, stdout) => {
        if (error) return reject(error);
        const result = JSON.parse(stdout) as { '2xx': number; duration: number; latency: { p99: number }; non2xx: number; errors: number; timeouts: number };
        // Verified answers only: a balancer's quick 503 is not a verification.
        resolve({ average: result['2xx'] / result.duration, p99: result.latency.p99, non2xx: result.non2xx + result.errors + result.timeouts });
      });
  });

  let fileSerial = 0;
  /** Uploads `files` new CSV files through `url` and waits until their jobs are done; rows per second from the first upload to the last job's end. */
  const bulk = async (url: string) => {
    const jobIds: string[] = [];
    const started = performance.now();
    await Promise.all(Array.from({ length: files }, async () => {
      const serial = fileSerial++;
      const lines = ['email,name,grade'];
      for (let r = 1; r <= rowsPerFile; r++) lines.push(`bench-${serial}-${r}@uni.test,Learner ${serial}-${r},pass`);
      const answer = await fetch(`${url}/api/v1/organisations/${org.organisationId}/bulk-issuances?achievementId=${achievementId}`, {
        method: 'POST', headers: { 'content-type': 'text/csv', authorization: `Bearer ${org.apiKey}` }, body: `${lines.join('\n')}\n`,
      });
      if (answer.status !== 202) throw new Error(`upload: ${answer.status} ${await answer.text()}`);
      jobIds.push(((await answer.json()) as { id: string }).id);
    }));
    for (;;) {
      const jobs = await database.query<{ status: string; issued: number }>('select status, issued from bulk_jobs where id = any($1)', [jobIds]);
      if (jobs.some((job) => job.status === 'failed')) throw new Error('a bulk job failed');
      if (jobs.every((job) => job.status === 'done')) {
        const rows = jobs.reduce((sum, job) => sum + job.issued, 0);
        if (rows !== files * rowsPerFile) throw new Error(`issued ${rows} of ${files * rowsPerFile} rows`);
        return { rows, perSecond: rows / ((performance.now() - started) / 1000) };
      }
      await sleep(100);
    }
  };

  console.log(`multi-node benchmark: ${cpus().length} cores, load average ${loadavg()[0]!.toFixed(1)} at the start; verify ${rounds} interleaved rounds of ${seconds} s × ${connections} connections per configuration (autocannon, another process; the median shown); bulk ${files} files × ${rowsPerFile} rows per configuration`);
  const names = ['1 node, direct', '1 node behind HAProxy', '2 nodes behind HAProxy', '3 nodes behind HAProxy'];
  const targets = [first];
  const bulkFigures: { perSecond: number; rows: number }[] = [];
  // Bulk: while only the nodes of the configuration are up, so that no other node takes a job.
  bulkFigures.push(await bulk(first));
  for (let k = 1; k <= 3; k++) {
    if (k > 1) await nodes[k - 1]!.start(120_000);
    const balancer = await startHaproxy(haproxyCommand, { port: k === 1 ? frontPort : await freePort(), backends: nodes.slice(0, k).map((node) => ({ name: node.name, port: node.port })) });
    balancers.push(balancer);
    targets.push(balancer.url);
    bulkFigures.push(await bulk(balancer.url));
    console.log(`  bulk measured: ${names[k]}`);
  }
  // Verify: every node up (an idle node only polls the job queue), the configurations interleaved round
  // by round so that a burst of load on the shared machine hits all of them alike; a short warm-up first.
  for (const target of targets) await verifyLoad(target, 2);
  const verifyRuns: { average: number; p99: number; non2xx: number }[][] = targets.map(() => []);
  for (let round = 0; round < rounds; round++) {
    for (const [i, target] of targets.entries()) verifyRuns[i]!.push(await verifyLoad(target, seconds));
    console.log(`  verify round ${round + 1} of ${rounds} measured`);
  }
  const median = (runs: { average: number; p99: number; non2xx: number }[]) => [...runs].sort((a, b) => a.average - b.average)[Math.floor(runs.length / 2)]!;
  const table: Row[] = targets.map((_, i) => {
    const verify = median(verifyRuns[i]!);
    return { configuration: names[i]!, verifyPerSecond: verify.average, p99: verify.p99, non2xx: verifyRuns[i]!.reduce((sum, run) => sum + run.non2xx, 0), bulkPerSecond: bulkFigures[i]!.perSecond };
  });

  const direct = table[0]!;
  console.log('');
  console.log('| configuration | verified/s (200 answers) | p99 ms | not 200 | bulk rows/s |');
  console.log('|---|---:|---:|---:|---:|');
  for (const row of table) {
    const ratio = (value: number, base: number) => (row === direct ? '' : ` (${(value / base).toFixed(2)}×)`);
    console.log(`| ${row.configuration} | ${row.verifyPerSecond.toFixed(0)}${ratio(row.verifyPerSecond, direct.verifyPerSecond)} | ${row.p99} | ${row.non2xx} | ${row.bulkPerSecond.toFixed(0)}${ratio(row.bulkPerSecond, direct.bulkPerSecond)} |`);
  }
  console.log('');
  console.log(`Ratios are to the single node asked directly, in this run. This machine has ${cpus().length} cores (load average ${loadavg()[0]!.toFixed(1)} now),`);
  console.log('shared by every node, HAProxy, PostgreSQL and the load generator: it cannot show more throughput from more nodes.');
  console.log('Read the figures as the cost of the balancer and of coordination through the database; scaling needs a core or more per node.');
} finally {
  for (const balancer of balancers) await balancer.stop();
  await Promise.all(nodes.map((node) => node.dispose()));
  await database.drop();
  rmSync(work, { recursive: true, force: true });
}
