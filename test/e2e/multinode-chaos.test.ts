/**
 * Three nodes the way an institution runs them (docs/deployment.md): three `microcred serve` processes
 * on one PostgreSQL database (a fresh one per run), behind a real HAProxy whose address is PUBLIC_URL.
 * Clients issue single credentials (with Idempotency-Key) and bulk files through the balancer, and retry
 * through it on 502/503/504/409 or a reset connection with the same key, as a real client would. Mid-run
 * one node is killed with SIGKILL (and started again a few seconds later, as a supervisor would) and
 * every connection to the database is terminated, twice. Then the database and the answers are counted:
 * every accepted request issued exactly once, none lost, none twice, no status position shared, every
 * bulk job finished. Before that: sessions, idempotency and status lists through any node; after it,
 * the rate limits as they hold behind the balancer.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeStatusList } from '../../src/vc/status/bitstring.ts';
import { auditFailures, auditIssuance, type IssuedRow, type SingleOutcome } from '../support/chaos-audit.ts';
import { clusterNode, createClusterDatabase, freePort, runCli, sleep, startHaproxy, type ClusterDatabase, type ClusterNode, type ClusterSettings, type Haproxy } from '../support/cluster.ts';
import { haproxyTool, requireTools } from '../support/tools.ts';

const BASE = process.env.TEST_DATABASE_URL;
if (!BASE) console.warn('multi-node chaos test SKIPPED: it needs PostgreSQL; set TEST_DATABASE_URL (e.g. postgres://postgres@127.0.0.1:5432/test)');
const noHaproxy = BASE ? requireTools('the multi-node chaos tests (test/e2e/multinode-chaos.test.ts)', [haproxyTool()]) : undefined;
if (noHaproxy) console.warn(noHaproxy);

const EU = { creditsAvailable: 5, eqfLevel: 6, learningOutcome: ['Reads and presents data'], assessmentType: ['exam'], participationForm: 'online', qualityAssurance: ['internal'] };
const SINGLES = 120;
const SINGLE_CLIENTS = 6;
const BULK_FILES = 3;
const BULK_ROWS = 400;
const VERIFY_LIMIT = 30;
/** HTTP answers a client retries with the same request (and key). */
const RETRY_STATUSES = new Set([409, 502, 503, 504]);

describe('the chaos audit catches what it must', () => {
  const row = (id: string, email: string, position: number): IssuedRow => ({ id, email, bulkJobId: null, revocation: `r:${position}`, suspension: `s:${position}` });
  const single = (key: string, email: string, ids: string[]): SingleOutcome => ({ key, email, answeredIds: ids, attempts: 1 });
  const good = { singles: [single('k1', 'a@x', ['1']), single('k2', 'b@x', ['2'])], bulkEmails: ['c@x'], jobs: [{ id: 'j', status: 'done' }], rows: [row('1', 'a@x', 1), row('2', 'b@x', 2), row('3', 'c@x', 3)] };

  it('a clean run has nothing to report', () => {
    expect(auditFailures(auditIssuance(good))).toEqual([]);
  });
  it('a lost row, a duplicate, a shared position, a retry answered differently, an unfinished job: each is counted', () => {
    expect(auditFailures(auditIssuance({ ...good, rows: good.rows.slice(1) }))).toEqual(['singleLost: 1']);
    expect(auditFailures(auditIssuance({ ...good, rows: [...good.rows, row('4', 'c@x', 4)] }))).toEqual(['duplicated: 1']);
    expect(auditFailures(auditIssuance({ ...good, rows: [...good.rows.slice(0, 2), row('3', 'c@x', 2)] }))).toEqual(['sharedPositions: 2']);
    expect(auditFailures(auditIssuance({ ...good, singles: [single('k1', 'a@x', ['1', '9']), good.singles[1]!] }))).toEqual(['singleLost: 1', 'singleAnswersDisagreeing: 1']);
    expect(auditFailures(auditIssuance({ ...good, jobs: [{ id: 'j', status: 'issuing' }] }))).toEqual(['jobsUnfinished: 1']);
    expect(auditFailures(auditIssuance({ ...good, bulkEmails: ['c@x', 'd@x'] }))).toEqual(['bulkLost: 1']);
    expect(auditFailures(auditIssuance({ ...good, singles: [...good.singles, single('k3', 'e@x', [])] }))).toEqual(['singleNotAccepted: 1']);
  });
});

interface Answer {
  status: number;
  body: unknown;
  servedBy: string;
  headers: Headers;
}

describe.skipIf(!BASE || noHaproxy !== undefined)('three nodes behind HAProxy on one PostgreSQL', () => {
  let database: ClusterDatabase;
  let nodes: ClusterNode[] = [];
  let balancer: Haproxy;
  let org: { organisationId: string; issuerId: string; apiKey: string };
  let owner: { cookie: string; csrfToken: string };
  let achievementId: string;
  const run = randomBytes(3).toString('hex');

  /** One request through the balancer (or to `base`). */
  async function call(method: string, path: string, options: { body?: unknown; csv?: string; headers?: Record<string, string>; base?: string } = {}): Promise<Answer> {
    const headers: Record<string, string> = { ...options.headers };
    let body: string | undefined;
    if (options.csv !== undefined) {
      headers['content-type'] = 'text/csv';
      body = options.csv;
    } else if (options.body !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(options.body);
    }
    const response = await fetch(`${options.base ?? balancer.url}${path}`, { method, headers, body, signal: AbortSignal.timeout(30_000) });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // not JSON (HAProxy's own error pages are HTML)
    }
    return { status: response.status, body: parsed, servedBy: response.headers.get('x-served-by') ?? '', headers: response.headers };
  }

  const apiKey = () => ({ authorization: `Bearer ${org.apiKey}` });
  const asOwner = () => ({ cookie: owner.cookie, 'x-csrf-token': owner.csrfToken });

  /** Sends the same request until it is answered with something other than a retryable failure. */
  async function retrying(send: () => Promise<Answer>, tally: { attempts: number; retries: Map<string, number> }, deadline: number): Promise<Answer | undefined> {
    for (;;) {
      tally.attempts++;
      let reason: string;
      try {
        const answer = await send();
        if (!RETRY_STATUSES.has(answer.status)) return answer;
        reason = String(answer.status);
      } catch (error) {
        reason = (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).name;
      }
      tally.retries.set(reason, (tally.retries.get(reason) ?? 0) + 1);
      if (Date.now() > deadline) return undefined;
      await sleep(150 + Math.random() * 250);
    }
  }

  beforeAll(async () => {
    database = await createClusterDatabase(BASE!);
    const ports = await Promise.all([freePort(), freePort(), freePort(), freePort()]);
    const settings: ClusterSettings = {
      databaseUrl: database.url,
      publicUrl: `http://127.0.0.1:${ports[0]}`,
      masterKey: randomBytes(32).toString('base64'),
      env: { VERIFY_RATE_LIMIT: String(VERIFY_LIMIT), JOB_WORKERS: '1' },
    };
    // `microcred init` migrates the database and makes the organisation, as an operator would once.
    org = JSON.parse(await runCli(settings, ['init', '--org', 'Chaos University', '--admin-email', 'owner@chaos-uni.test', '--admin-password', 'owner-password-1', '--json']));
    nodes = [1, 2, 3].map((n) => clusterNode(`node${n}`, ports[n]!, settings));
    await Promise.all(nodes.map((node) => node.start(90_000)));
    balancer = await startHaproxy(haproxyTool().command, { port: ports[0]!, backends: nodes.map((node) => ({ name: node.name, port: node.port })) });

    const login = await fetch(`${balancer.url}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'owner@chaos-uni.test', password: 'owner-password-1' }) });
    expect(login.status).toBe(200);
    owner = { cookie: (login.headers.get('set-cookie') ?? '').split(';')[0]!, csrfToken: ((await login.json()) as { csrfToken: string }).csrfToken };
    // Suspendable (an opt-in): each credential then holds a revocation and a suspension position, and the audit checks that neither is shared.
    const created = await call('POST', `/api/v1/organisations/${org.organisationId}/achievements`, {
      headers: asOwner(),
      body: { issuerId: org.issuerId, name: 'Data Literacy', description: 'Reading and presenting data.', criteria: 'Pass the final assessment.', achievementType: 'MicroCredential', eu: EU, suspendable: true },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    achievementId = (created.body as { id: string }).id;
  }, 180_000);

  afterAll(async () => {
    await balancer?.stop();
    await Promise.all(nodes.map((node) => node.dispose()));
    await database?.drop();
  }, 60_000);

  const issueBody = (email: string) => ({ achievementId, recipient: { email, name: email.split('@')[0] } });

  it('sessions (and their end), idempotency and status lists hold whichever node answers', async () => {
    // One session, every node: its cookie and CSRF token are in the database.
    const me = await Promise.all([1, 2, 3, 4, 5, 6].map(() => call('GET', '/api/v1/me', { headers: asOwner() })));
    expect(me.map((answer) => answer.status)).toEqual([200, 200, 200, 200, 200, 200]);
    expect(new Set(me.map((answer) => answer.servedBy)).size).toBeGreaterThanOrEqual(2); // 3 unless a busy node just failed a health check; each node is asked directly below
    const changes = await Promise.all([1, 2, 3].map((n) => call('POST', `/api/v1/organisations/${org.organisationId}/achievements`, {
      headers: asOwner(),
      body: { issuerId: org.issuerId, name: `Statistics ${n}`, description: 'Statistics.', criteria: 'Pass.', achievementType: 'MicroCredential', eu: EU },
    })));
    expect(changes.map((answer) => answer.status)).toEqual([201, 201, 201]);
    expect(new Set(changes.map((answer) => answer.servedBy)).size).toBeGreaterThanOrEqual(2);

    // A second session, ended through the balancer: no node accepts it any more.
    const second = await call('POST', '/api/v1/auth/login', { body: { email: 'owner@chaos-uni.test', password: 'owner-password-1' } });
    expect(second.status).toBe(200);
    const secondSession = { cookie: (second.headers.get('set-cookie') ?? '').split(';')[0]!, 'x-csrf-token': (second.body as { csrfToken: string }).csrfToken };
    expect((await Promise.all(nodes.map((node) => call('GET', '/api/v1/me', { base: node.url, headers: secondSession })))).map((answer) => answer.status)).toEqual([200, 200, 200]);
    expect((await call('POST', '/api/v1/auth/logout', { headers: secondSession })).status).toBe(204);
    expect((await Promise.all(nodes.map((node) => call('GET', '/api/v1/me', { base: node.url, headers: secondSession })))).map((answer) => answer.status)).toEqual([401, 401, 401]);

    // The same Idempotency-Key sent at once to all three nodes: one credential, one answer.
    const key = `precheck-${run}`;
    const same = await Promise.all(nodes.map((node) => call('POST', `/api/v1/organisations/${org.organisationId}/credentials`, {
      base: node.url, headers: { ...apiKey(), 'idempotency-key': key }, body: issueBody('same-key@precheck.test'),
    })));
    // A request that finds another still issuing is told to retry (409); a retry gets the answer.
    const settled = await Promise.all(same.map(async (answer, i) => answer.status === 409
      ? retrying(() => call('POST', `/api/v1/organisations/${org.organisationId}/credentials`, { base: nodes[i]!.url, headers: { ...apiKey(), 'idempotency-key': key }, body: issueBody('same-key@precheck.test') }), { attempts: 0, retries: new Map() }, Date.now() + 10_000)
      : answer));
    expect(settled.map((answer) => answer?.status)).toEqual([201, 201, 201]);
    const ids = new Set(settled.map((answer) => (answer!.body as { id: string }).id));
    expect(ids.size).toBe(1);
    const stored = await database.query<{ id: string }>('select id from credentials where recipient_email = $1', ['same-key@precheck.test']);
    expect(stored.map((r: { id: string }) => r.id)).toEqual([...ids]);

    // Revoked through one node: the list every node publishes has the bit set.
    const [credentialId] = [...ids];
    const revoked = await call('POST', `/api/v1/credentials/${credentialId}/revoke`, { headers: apiKey(), body: { reason: 'issued in error' } });
    expect(revoked.status, JSON.stringify(revoked.body)).toBe(200);
    type Entry = { statusPurpose: string; statusListCredential: string; statusListIndex: string };
    const document = (settled[0]!.body as { document: { credentialStatus: Entry | Entry[] } }).document;
    const entry = [document.credentialStatus].flat().find((status) => status.statusPurpose === 'revocation')!;
    expect(entry.statusListCredential.startsWith(`${balancer.url}/status/`)).toBe(true); // PUBLIC_URL is the balancer
    const path = new URL(entry.statusListCredential).pathname;
    for (const node of nodes) {
      const list = await call('GET', path, { base: node.url });
      expect(list.status).toBe(200);
      const decoded = decodeStatusList({ encodedList: (list.body as { credentialSubject: { encodedList: string } }).credentialSubject.encodedList });
      if (!decoded.ok) throw decoded.error;
      expect(decoded.list.get(Number(entry.statusListIndex)), node.name).toBe(1);
    }
  });

  it('single and bulk issuance under load, a node SIGKILLed and the database connections terminated: nothing lost, nothing twice', async () => {
    const started = Date.now();
    const deadline = started + 75_000;
    const tally = { attempts: 0, retries: new Map<string, number>() };
    const timeline: string[] = [];
    const note = (what: string) => timeline.push(`${((Date.now() - started) / 1000).toFixed(1)} s ${what}`);

    // Bulk files first, so that their jobs are running on the nodes when the chaos starts.
    const bulkEmails: string[] = [];
    const files = Array.from({ length: BULK_FILES }, (_, f) => {
      const lines = ['email,name,grade'];
      for (let r = 1; r <= BULK_ROWS; r++) {
        const email = `bulk-${f}-${r}@chaos.test`;
        bulkEmails.push(email);
        lines.push(`${email},Learner ${f}-${r},pass`);
      }
      return `${lines.join('\n')}\n`;
    });
    const uploads = files.map((csv, f) => retrying(() => call('POST', `/api/v1/organisations/${org.organisationId}/bulk-issuances?achievementId=${achievementId}`, {
      headers: { ...apiKey(), 'x-file-name': `chaos-${f}.csv` }, csv,
    }), tally, deadline));

    // Single issuance from several clients at once, each request with its own key, retried with it.
    const singles: SingleOutcome[] = Array.from({ length: SINGLES }, (_, i) => ({ key: `chaos-${run}-${i}`, email: `single-${i}@chaos.test`, answeredIds: [], attempts: 0 }));
    let next = 0;
    const client = async () => {
      while (next < singles.length) {
        const single = singles[next++]!;
        const own = { attempts: 0, retries: tally.retries };
        const answer = await retrying(() => call('POST', `/api/v1/organisations/${org.organisationId}/credentials`, {
          headers: { ...apiKey(), 'idempotency-key': single.key }, body: issueBody(single.email),
        }), own, deadline);
        single.attempts = own.attempts;
        tally.attempts += own.attempts;
        if (answer?.status === 201) single.answeredIds.push((answer.body as { id: string }).id);
        else if (answer) note(`single ${single.key} answered ${answer.status}: ${JSON.stringify(answer.body).slice(0, 200)}`);
        // Now and then the client asks again with the same key (a retry after a lost answer): the same credential.
        if (answer?.status === 201 && Number(single.key.split('-').at(-1)) % 10 === 0) {
          const again = await retrying(() => call('POST', `/api/v1/organisations/${org.organisationId}/credentials`, {
            headers: { ...apiKey(), 'idempotency-key': single.key }, body: issueBody(single.email),
          }), own, deadline);
          if (again?.status === 201) single.answeredIds.push((again.body as { id: string }).id);
        }
      }
    };

    const chaos = (async () => {
      await sleep(2500);
      note('SIGKILL node2');
      await nodes[1]!.kill('SIGKILL');
      await sleep(1500);
      note(`terminated ${await database.terminateConnections()} database connections`);
      await sleep(3000);
      note('node2 starting again');
      await nodes[1]!.start(60_000);
      note('node2 healthy');
      await sleep(1000);
      note(`terminated ${await database.terminateConnections()} database connections`);
    })();

    await Promise.all([...Array.from({ length: SINGLE_CLIENTS }, client), chaos]);
    const uploaded = await Promise.all(uploads);
    note('single issuance done');
    expect(uploaded.map((answer) => answer?.status)).toEqual(Array(BULK_FILES).fill(202));

    // Every bulk job of the organisation (an upload retried after a lost answer is a second job that
    // issues nothing twice) must finish, however long the killed node's lease takes to run out.
    const jobsDeadline = Date.now() + 75_000;
    let jobs: { id: string; status: string }[] = [];
    for (;;) {
      jobs = await database.query<{ id: string; status: string }>('select id, status from bulk_jobs where organisation_id = $1', [org.organisationId]);
      if (jobs.every((job) => job.status === 'done' || job.status === 'failed') || Date.now() > jobsDeadline) break;
      await sleep(500);
    }
    note(`bulk jobs settled: ${jobs.map((job) => job.status).join(', ')}`);

    const rows = await database.query<{ id: string; email: string | null; bulk_job_id: string | null; revocation: string; suspension: string }>(
      `select id, recipient_email as email, bulk_job_id, revocation_list_id || ':' || revocation_index as revocation, suspension_list_id || ':' || suspension_index as suspension
         from credentials where organisation_id = $1 and recipient_email like '%@chaos.test'`, [org.organisationId]);
    const audit = auditIssuance({ singles, bulkEmails, jobs, rows: rows.map((r) => ({ id: r.id, email: r.email, bulkJobId: r.bulk_job_id, revocation: r.revocation, suspension: r.suspension })) });
    // Positions over every credential in the database, not only this test's.
    const positions = (await database.query<{ total: string; revocation: string; suspension: string }>(
      `select count(*) as total, count(distinct (revocation_list_id, revocation_index)) as revocation, count(distinct (suspension_list_id, suspension_index)) as suspension from credentials`))[0]!;
    const bulkStats = (await database.query<{ issued: string; skipped: string }>('select coalesce(sum(issued), 0) as issued, coalesce(sum(skipped_duplicates), 0) as skipped from bulk_jobs where organisation_id = $1', [org.organisationId]))[0]!;
    // A job claimed more than once was handed over: by the node that lost its database for a moment,
    // or taken over when the killed node's lease ran out.
    const claims = (await database.query<{ kind: string; status: string; attempts: number }>('select kind, status, attempts from jobs order by created_at'))
      .map((job) => `${job.kind} (${job.status}) ×${job.attempts}`);
    const unexpectedExits = nodes.map((node) => `${node.name} ${node.unexpectedExits}`).join(', ');

    console.log([
      `multi-node chaos (3 nodes behind HAProxy, one PostgreSQL database ${database.name}), ${((Date.now() - started) / 1000).toFixed(1)} s:`,
      ...timeline.map((line) => `  ${line}`),
      `  single: ${audit.singleRequests} requests, ${audit.singleAccepted} accepted, ${audit.singleNotAccepted} never accepted, ${tally.attempts} attempts; retries by cause: ${[...tally.retries].map(([k, v]) => `${k} ×${v}`).join(', ') || 'none'}`,
      `  bulk: ${BULK_FILES} files × ${BULK_ROWS} rows; ${audit.jobs} jobs (${audit.jobsUnfinished} unfinished), ${bulkStats.issued} issued, ${bulkStats.skipped} skipped as already issued; background jobs and their claims: ${claims.join(', ')}`,
      `  credentials counted: ${audit.credentials}; lost ${audit.singleLost + audit.bulkLost}, duplicated ${audit.duplicated}, unexpected ${audit.unexpected}, retries answered differently ${audit.singleAnswersDisagreeing}`,
      `  status positions shared: ${audit.sharedPositions} (whole database: ${positions.total} credentials, ${positions.revocation} revocation and ${positions.suspension} suspension positions)`,
      `  node processes that died unasked: ${unexpectedExits}`,
    ].join('\n'));

    expect(auditFailures(audit), nodes.map((node) => `${node.name}:\n${node.output().slice(-3000)}`).join('\n')).toEqual([]);
    expect(audit.credentials).toBe(SINGLES + BULK_FILES * BULK_ROWS);
    expect(Number(positions.revocation)).toBe(Number(positions.total));
    expect(Number(positions.suspension)).toBe(Number(positions.total));
    // Losing its database connections kills no node (issue 11, fault 1): only the SIGKILL ended one.
    expect(nodes.map((node) => node.unexpectedExits)).toEqual([0, 0, 0]);
    // What was issued during the chaos verifies through the balancer (signature, issuer key, both status lists).
    const sample = await database.query<{ document: string }>(`select document from credentials where recipient_email like '%@chaos.test' order by random() limit 6`);
    const verified = await Promise.all(sample.map((row) => call('POST', '/credentials/verify', { body: { verifiableCredential: JSON.parse(row.document) } })));
    expect(verified.map((answer) => answer.status), JSON.stringify(verified.find((answer) => answer.status !== 200)?.body)).toEqual(Array(sample.length).fill(200));
    // The chaos did reach the clients (else this proves nothing): some requests were retried.
    expect(tally.attempts).toBeGreaterThan(SINGLES + BULK_FILES);
  }, 200_000);

  it('rate limits behind the balancer: sign-in failures count across nodes; the verify limit is per node; a forged X-Forwarded-For changes neither', async () => {
    // The verify limit lives in each node's memory (docs/deployment.md): through the balancer a client
    // gets at most nodes × VERIFY_RATE_LIMIT a minute, and more than one node's share.
    const verifyAnswers: Answer[] = [];
    for (let i = 0; i < 4 * VERIFY_LIMIT; i++) {
      verifyAnswers.push(await call('POST', '/credentials/verify', { body: { verifiableCredential: {} }, headers: { 'x-forwarded-for': `198.51.100.${i % 250}` } }));
    }
    const allowed = verifyAnswers.filter((answer) => answer.status !== 429).length;
    expect(verifyAnswers.filter((answer) => answer.status === 429).length).toBeGreaterThan(0);
    expect(allowed).toBeGreaterThan(VERIFY_LIMIT);
    expect(allowed).toBeLessThanOrEqual(3 * VERIFY_LIMIT);

    // Sign-in failures are counted in the database (src/services/login-throttle.ts), so every node sees
    // them: wrong passwords from one client, spread over the nodes, make that client wait on every node,
    // while the owner signing in from anywhere else still gets in (throttling cannot lock her out).
    const email = `learner-${run}@chaos-uni.test`;
    const signup = await call('POST', '/api/v1/auth/signup', { body: { email, password: 'learner-password-1' } });
    expect(signup.status).toBe(202);
    // Through the balancer every attempt comes from one client address (HAProxy sets X-Forwarded-For;
    // the forged ones here are dropped). Seven failures: three free, then waits of 1, 2, 4 and 8 s —
    // each wait is asked for (429 with Retry-After) by whichever node answers, and honoured.
    const failures: Answer[] = [];
    const waits: Answer[] = [];
    while (failures.length < 7) {
      const answer = await call('POST', '/api/v1/auth/login', { body: { email, password: 'wrong-password-1' }, headers: { 'x-forwarded-for': `203.0.113.${failures.length}` } });
      if (answer.status === 429) {
        waits.push(answer);
        expect(waits.length).toBeLessThan(20);
        await new Promise((resolve) => setTimeout(resolve, 1000 * Number(answer.headers.get('retry-after') ?? 1)));
        continue;
      }
      expect(answer.status).toBe(401);
      failures.push(answer);
    }
    expect(new Set(failures.map((answer) => answer.servedBy)).size).toBeGreaterThanOrEqual(2);
    expect(waits.length).toBeGreaterThan(0);
    // Now that client must wait 16 s: asked of each node directly, as that client (a node trusts
    // X-Forwarded-For, which is why only the balancer may reach it), even the right password waits.
    const balancerClient = '127.0.0.1';
    const waiting = await Promise.all(nodes.map((node) => call('POST', '/api/v1/auth/login', { base: node.url, body: { email, password: 'learner-password-1' }, headers: { 'x-forwarded-for': balancerClient } })));
    expect(waiting.map((answer) => answer.status)).toEqual([429, 429, 429]);
    // A forged X-Forwarded-For through the balancer does not make a new client of the same one.
    const forged = await call('POST', '/api/v1/auth/login', { body: { email, password: 'learner-password-1' }, headers: { 'x-forwarded-for': '192.0.2.77' } });
    expect(forged.status).toBe(429);
    // The owner, from clients that have not been failing, signs in on every node.
    const ownerSignIns = await Promise.all(nodes.map((node, n) => call('POST', '/api/v1/auth/login', { base: node.url, body: { email, password: 'learner-password-1' }, headers: { 'x-forwarded-for': `192.0.2.${n + 1}` } })));
    expect(ownerSignIns.map((answer) => answer.status)).toEqual([200, 200, 200]);
  }, 90_000);
});
