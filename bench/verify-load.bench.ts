/**
 * Throughput of `POST /credentials/verify` under concurrent load from a separate process
 * (autocannon), with latency percentiles; beside it, the reference library verifying the same
 * credential in this process.
 *
 *   node --import tsx bench/verify-load.bench.ts [--connections 32] [--seconds 10] [--workers N]
 *
 * The server runs as `microcred serve` (WORKERS processes, default one per core) on SQLite in a
 * temporary folder (the verify path reads no table: the issuer's did:key needs no lookup and the
 * status list is this instance's own, cached by the engine). The
 * credentials are issued by the server itself through the VC-API, with a revocation and a suspension
 * status entry each, so every request runs every check: structure and JSON Schema, proof, issuer key,
 * both status lists, validity.
 */
import { execFile, execFileSync, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { AchievementInput } from '../src/vc/credential/build.ts';
import type { JsonObject } from '../src/vc/types.ts';
import { sampleCredential } from '../test/support/arbitraries.ts';
import { referenceVerify } from '../test/support/reference.ts';

const { values } = parseArgs({ options: { connections: { type: 'string', default: '32' }, seconds: { type: 'string', default: '10' }, workers: { type: 'string', default: String(cpus().length) } } });
const connections = Number(values.connections);
const seconds = Number(values.seconds);
const workers = Number(values.workers);

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

const bin = fileURLToPath(new URL('../bin/microcred.js', import.meta.url));
const port = await freePort();
const data = mkdtempSync(join(tmpdir(), 'microcred-bench-verify-'));
const env: Record<string, string | undefined> = { ...process.env, MICROCRED_DATA: data, PORT: String(port), LOG_LEVEL: 'warn', VERIFY_RATE_LIMIT: '0', WORKERS: String(workers), JOB_WORKERS: '0' };
delete env.DATABASE_URL;
const init = JSON.parse(execFileSync(process.execPath, [bin, 'init', '--org', 'Bench University', '--admin-email', 'bench@uni.test', '--admin-password', 'bench-password-1', '--json'], { env }).toString()) as { organisationId: string; apiKey: string };
// The server is its own process (or WORKERS processes), as in production.
const server = spawn(process.execPath, [bin, 'serve'], { env, stdio: ['ignore', 'ignore', 'inherit'] });
const url = `http://127.0.0.1:${port}`;
try {
  for (let i = 0; ; i++) {
    try {
      if ((await fetch(`${url}/health`)).ok) break;
    } catch {
      if (i > 120) throw new Error('the server did not start');
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  const login = await fetch(`${url}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'bench@uni.test', password: 'bench-password-1' }) });
  const { csrfToken } = (await login.json()) as { csrfToken: string };
  const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0]!;
  const created = await fetch(`${url}/api/v1/organisations/${init.organisationId}/issuers`, {
    method: 'POST', headers: { 'content-type': 'application/json', cookie, 'x-csrf-token': csrfToken }, body: JSON.stringify({ name: 'Bench Faculty', didMethod: 'key' }),
  });
  const issuer = (await created.json()) as { did: string };
  const achievement = JSON.parse(readFileSync(new URL('../test/fixtures/achievements/data-science-microcredential.json', import.meta.url), 'utf8')) as AchievementInput;

  const unsigned = sampleCredential({ issuerId: issuer.did, n: 1, achievement });
  delete unsigned.credentialStatus;
  delete unsigned.id;
  const issue = async (options: JsonObject = {}) => {
    const issued = await fetch(`${url}/credentials/issue`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${init.apiKey}` },
      body: JSON.stringify({ credential: unsigned, options }),
    });
    if (issued.status !== 201) throw new Error(`issue failed: ${issued.status} ${await issued.text()}`);
    return ((await issued.json()) as { verifiableCredential: JsonObject }).verifiableCredential;
  };
  // Status entries as the platform's own credentials carry them, so that verification reads the lists.
  const credential = await issue({ credentialStatus: { type: 'BitstringStatusListEntry', statusPurpose: ['revocation', 'suspension'] } });
  const body = JSON.stringify({ verifiableCredential: credential });
  const check = await fetch(`${url}/credentials/verify`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
  const checked = (await check.json()) as { verified: boolean; checks: { check: string; outcome: string }[] };
  if (check.status !== 200) throw new Error(`the credential does not verify: ${JSON.stringify(checked)}`);
  console.log(`POST /credentials/verify — ${cpus().length} cores, server in ${workers} process(es), ${connections} connections from autocannon in another process, ${seconds} s`);
  console.log(`  checks per request: ${checked.checks.map((c) => `${c.check}:${c.outcome}`).join(' ')}`);

  const bodyFile = join(data, 'body.json');
  await import('node:fs/promises').then((fs) => fs.writeFile(bodyFile, body));
  const autocannon = new URL('../node_modules/autocannon/autocannon.js', import.meta.url).pathname;
  const output = await new Promise<string>((resolve, reject) => {
    execFile(process.execPath, [autocannon, '-c', String(connections), '-d', String(seconds), '-m', 'POST', '-H', 'content-type=application/json', '-i', bodyFile, '-j', `${url}/credentials/verify`],
      { maxBuffer: 16 * 1024 * 1024 }, (error, stdout) => (error ? reject(error) : resolve(stdout)));
  });
  const result = JSON.parse(output) as {
    requests: { average: number; total: number }; latency: { p50: number; p90: number; p99: number; max: number };
    non2xx: number; errors: number; timeouts: number;
  };
  console.log(`  microcred server: ${result.requests.average.toFixed(0)} verifications/s (total ${result.requests.total}, non-2xx ${result.non2xx}, errors ${result.errors}, timeouts ${result.timeouts})`);
  console.log(`  latency ms: p50 ${result.latency.p50}  p90 ${result.latency.p90}  p99 ${result.latency.p99}  max ${result.latency.max}`);

  // The reference library doing the proof part of the same work (it has no status list or schema
  // checks), one process, as many verifications as it completes in 3 s.
  const now = new Date();
  const referenceCredential = await issue({ credentialStatus: false });
  const first = await referenceVerify(referenceCredential, { now });
  // The reference must accept what microcred issued, or the comparison below is of different work.
  if (!first.verified) throw new Error(`The reference library does not verify the credential microcred issued: ${String(first.error)}`);
  let count = 0;
  const started = performance.now();
  while (performance.now() - started < 3000) {
    await referenceVerify(referenceCredential, { now });
    count++;
  }
  const referenceRate = count / ((performance.now() - started) / 1000);
  console.log(`  reference @digitalbazaar/vc, proof only, in-process, one core: ${referenceRate.toFixed(0)} verifications/s`);
  console.log(`  target: ≥ 1,500 verifications/s through HTTP → ${result.requests.average >= 1500 ? 'met' : 'NOT met'}`);
} finally {
  server.kill('SIGTERM');
  await new Promise((resolve) => server.once('exit', resolve));
  rmSync(data, { recursive: true, force: true });
}
