/**
 * Throughput of `POST /credentials/verify` under concurrent load from a separate process
 * (autocannon), with latency percentiles; beside it, the reference library verifying the same
 * credential in this process.
 *
 *   node --import tsx bench/verify-load.bench.ts [--connections 32] [--seconds 10]
 *
 * The server runs here on SQLite in a temporary folder (the verify path reads no table: the issuer's
 * did:key needs no lookup and the status list is this instance's own, cached by the engine). The
 * credentials are issued by the server itself through the VC-API, with a revocation and a suspension
 * status entry each, so every request runs every check: structure and JSON Schema, proof, issuer key,
 * both status lists, validity.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../src/config.ts';
import { startServer } from '../src/http/server.ts';
import { SYSTEM } from '../src/services/access.ts';
import type { AchievementInput } from '../src/vc/credential/build.ts';
import type { JsonObject } from '../src/vc/types.ts';
import { sampleCredential } from '../test/support/arbitraries.ts';
import { referenceVerify } from '../test/support/reference.ts';

const { values } = parseArgs({ options: { connections: { type: 'string', default: '32' }, seconds: { type: 'string', default: '10' } } });
const connections = Number(values.connections);
const seconds = Number(values.seconds);

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

const port = await freePort();
const data = mkdtempSync(join(tmpdir(), 'microcred-bench-verify-'));
const server = await startServer(loadConfig({ MICROCRED_DATA: data, PORT: String(port), LOG_LEVEL: 'silent', JOB_WORKERS: '0', VERIFY_RATE_LIMIT: '0' }), { logger: false });
try {
  const { services } = server.runtime;
  const org = await services.accounts.init({ organisationName: 'Bench University', email: 'bench@uni.test', password: 'bench-password-1' });
  const issuer = await services.issuers.create(SYSTEM, org.organisationId, { name: 'Bench Faculty', didMethod: 'key' });
  const achievement = JSON.parse(readFileSync(new URL('../test/fixtures/achievements/data-science-microcredential.json', import.meta.url), 'utf8')) as AchievementInput;

  const unsigned = sampleCredential({ issuerId: issuer.did, n: 1, achievement });
  delete unsigned.credentialStatus;
  delete unsigned.id;
  const issued = await fetch(`${server.url}/credentials/issue`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${org.apiKey}` },
    body: JSON.stringify({ credential: unsigned }),
  });
  if (issued.status !== 201) throw new Error(`issue failed: ${issued.status} ${await issued.text()}`);
  const credential = ((await issued.json()) as { verifiableCredential: JsonObject }).verifiableCredential;
  const body = JSON.stringify({ verifiableCredential: credential });
  const check = await fetch(`${server.url}/credentials/verify`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
  const checked = (await check.json()) as { verified: boolean; checks: { check: string; outcome: string }[] };
  if (check.status !== 200) throw new Error(`the credential does not verify: ${JSON.stringify(checked)}`);
  console.log(`POST /credentials/verify — ${cpus().length} cores, ${connections} connections, ${seconds} s, server in this process, load from autocannon in another`);
  console.log(`  checks per request: ${checked.checks.map((c) => `${c.check}:${c.outcome}`).join(' ')}`);

  const bodyFile = join(data, 'body.json');
  await import('node:fs/promises').then((fs) => fs.writeFile(bodyFile, body));
  const autocannon = new URL('../node_modules/autocannon/autocannon.js', import.meta.url).pathname;
  const output = await new Promise<string>((resolve, reject) => {
    execFile(process.execPath, [autocannon, '-c', String(connections), '-d', String(seconds), '-m', 'POST', '-H', 'content-type=application/json', '-i', bodyFile, '-j', `${server.url}/credentials/verify`],
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
  const referenceCredential = (await (await fetch(`${server.url}/credentials/issue`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${org.apiKey}` },
    body: JSON.stringify({ credential: { ...unsigned, id: undefined }, options: { credentialStatus: false } }),
  })).json() as { verifiableCredential: JsonObject }).verifiableCredential;
  const first = await referenceVerify(referenceCredential, { now });
  if (!first.verified) console.log(`  (reference could not verify: ${String(first.error)})`);
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
  await server.stop();
  rmSync(data, { recursive: true, force: true });
}
