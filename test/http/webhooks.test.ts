/**
 * Signed webhooks over real HTTP: a receiver on 127.0.0.1 gets Standard Webhooks deliveries whose
 * signatures the independent `standardwebhooks` library checks; failures are retried with backoff on an
 * injected clock for a day and no longer; deliveries replay; private targets are refused when subscribing
 * and again when delivering; another organisation sees and replays nothing; a job claimed by a node that
 * died is delivered by another node once the lease runs out.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { spawn } from 'node:child_process';
import type { AddressInfo, Socket } from 'node:net';
import { fileURLToPath } from 'node:url';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createRuntimeJobRunner } from '../../src/app-jobs.ts';
import type { WebhookDelivery } from '../../src/http/contract/webhooks.ts';
import { emitEvents } from '../../src/services/webhooks/index.ts';
import { createGuardedFetcher } from '../../src/net/guarded-fetcher.ts';
import type { JobRunner } from '../../src/queue/index.ts';
import { createOrganisation, createTestApp, sessionFrom, signUpAndSignIn, type TestApp } from '../support/app.ts';
import { DIALECTS, warnIfPostgresSkipped } from '../support/db.ts';
import { issuingOrganisation } from './credentials-fixture.ts';

warnIfPostgresSkipped();

interface Received { headers: IncomingHttpHeaders; body: string }

for (const dialect of DIALECTS) {
  describe(`webhooks (${dialect})`, () => {
    let server: Server;
    let target: string;
    const received: Received[] = [];
    /** Status codes the receiver answers next, in order (then 200). */
    let answers: number[] = [];
    /** While true, requests are recorded and left unanswered (their sockets kept in `held`). */
    let hold = false;
    let onHeld: (() => void) | undefined;
    const held: Socket[] = [];
    let allowLocal = true;
    let clock = new Date();
    let t: TestApp;
    let runner: JobRunner;
    let org: Awaited<ReturnType<typeof issuingOrganisation>>;
    let webhookId: string;
    let secret: string;

    const allowAddress = (address: string) => allowLocal && address === '127.0.0.1';
    const advance = (ms: number) => { clock = new Date(clock.getTime() + ms); };
    const deliveries = async (id = webhookId) => {
      const response = await org.owner.request('GET', `/api/v1/organisations/${org.organisationId}/webhooks/${id}/deliveries`);
      expect(response.statusCode, response.body).toBe(200);
      return (response.json() as { items: WebhookDelivery[] }).items;
    };
    const issue = async (email: string) => {
      advance(1_000); // deliveries list newest first: each event at its own second
      const response = await org.owner.request('POST', `/api/v1/organisations/${org.organisationId}/credentials`, { achievementId: org.achievementId, recipient: { email } });
      expect(response.statusCode, response.body).toBe(201);
      return response.json() as { id: string };
    };

    beforeAll(async () => {
      server = createServer((request, response) => {
        let body = '';
        request.setEncoding('utf8');
        request.on('data', (chunk: string) => { body += chunk; });
        request.on('end', () => {
          received.push({ headers: request.headers, body });
          if (hold) {
            held.push(request.socket);
            onHeld?.();
            return;
          }
          response.writeHead(answers.shift() ?? 200, { 'content-type': 'text/plain' });
          response.end('ok');
        });
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      target = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/microcred`;
      t = await createTestApp(dialect, { fetcher: createGuardedFetcher({ allowAddress }), allowAddress, now: () => clock });
      runner = createRuntimeJobRunner(t.runtime, { workers: 0, now: () => clock });
      // Suspension is an opt-in of the achievement (docs/server.md, Status); these tests suspend and reinstate.
      org = await issuingOrganisation(t, { suspendable: true });
    });
    afterAll(async () => {
      await t.close();
      await new Promise((resolve) => server.close(resolve));
    });
    beforeEach(() => {
      received.length = 0;
      answers = [];
      allowLocal = true;
    });

    it('subscribes a URL and shows the whsec_ secret once', async () => {
      const created = await org.owner.request('POST', `/api/v1/organisations/${org.organisationId}/webhooks`, {
        url: target, events: ['credential.issued', 'credential.revoked'], description: 'Registrar system',
      });
      expect(created.statusCode, created.body).toBe(201);
      const body = created.json() as { id: string; secret: string; events: string[] };
      expect(body.secret).toMatch(/^whsec_[A-Za-z0-9+/]{32}$/);
      expect(body.events).toEqual(['credential.issued', 'credential.revoked']);
      webhookId = body.id;
      secret = body.secret;
      const list = await org.owner.request('GET', `/api/v1/organisations/${org.organisationId}/webhooks`);
      expect(list.json()).toEqual({ items: [expect.objectContaining({ id: webhookId, url: target, description: 'Registrar system' })] });
      expect(list.body).not.toContain(secret);
      const stored = await t.runtime.store.db.selectFrom('webhook_subscriptions').select('secret_encrypted').where('id', '=', webhookId).executeTakeFirstOrThrow();
      expect(stored.secret_encrypted).not.toContain(secret.slice(6));
    });

    it('delivers an issuance, signed so that an independent Standard Webhooks implementation verifies it', async () => {
      const credential = await issue('ada@learner.test');
      // Queued in the issuing transaction, nothing sent before a runner takes it.
      expect(received).toHaveLength(0);
      const [pending] = await deliveries();
      expect(pending).toMatchObject({ eventType: 'credential.issued', status: 'pending', attempts: 0 });
      expect(await runner.drain()).toBeGreaterThanOrEqual(1);
      expect(received).toHaveLength(1);
      const [message] = received;
      expect(message!.headers['content-type']).toBe('application/json');
      const verified = new Webhook(secret).verify(message!.body, message!.headers as Record<string, string>) as { type: string; data: Record<string, unknown> };
      expect(verified.type).toBe('credential.issued');
      expect(verified.data).toMatchObject({ id: credential.id, organisationId: org.organisationId, achievementId: org.achievementId, recipient: { email: 'ada@learner.test' } });
      expect(message!.headers['webhook-id']).toBe(pending!.id);
      // A tampered body or another secret does not verify.
      expect(() => new Webhook(secret).verify(message!.body.replace('ada@', 'eve@'), message!.headers as Record<string, string>)).toThrow();
      expect(() => new Webhook(`whsec_${Buffer.alloc(24, 7).toString('base64')}`).verify(message!.body, message!.headers as Record<string, string>)).toThrow();
      const [done] = await deliveries();
      expect(done).toMatchObject({ id: pending!.id, status: 'delivered', attempts: 1, lastStatusCode: 200, nextAttemptAt: null });
      // Events not subscribed to are not sent (a suspension), subscribed ones are (a revocation).
      received.length = 0;
      expect((await org.owner.request('POST', `/api/v1/credentials/${credential.id}/suspend`, { reason: 'check' })).statusCode).toBe(200);
      expect((await org.owner.request('POST', `/api/v1/credentials/${credential.id}/revoke`, { reason: 'withdrawn' })).statusCode).toBe(200);
      await runner.drain();
      expect(received.map((r) => (JSON.parse(r.body) as { type: string }).type)).toEqual(['credential.revoked']);
      expect(JSON.parse(received[0]!.body)).toMatchObject({ data: { id: credential.id, from: 'suspended', to: 'revoked', reason: 'withdrawn' } });
    });

    it('retries a failed delivery with exponential backoff, for a day and no longer', async () => {
      answers = [500];
      await issue('bo@learner.test');
      await runner.drain();
      let [delivery] = await deliveries();
      expect(delivery).toMatchObject({ status: 'pending', attempts: 1, lastStatusCode: 500 });
      expect(Date.parse(delivery!.nextAttemptAt!) - clock.getTime()).toBe(30_000);
      // Not due yet: nothing is sent.
      advance(29_000);
      expect(await runner.drain()).toBe(0);
      advance(1_000);
      await runner.drain();
      [delivery] = await deliveries();
      expect(delivery).toMatchObject({ status: 'delivered', attempts: 2, lastStatusCode: 200 });
      expect(received).toHaveLength(2);
      expect(received[1]!.headers['webhook-id']).toBe(received[0]!.headers['webhook-id']);
      // The second attempt is signed anew for its own timestamp: the independent library computes the same signature.
      const wh = new Webhook(secret);
      for (const attempt of received) {
        const timestamp = new Date(Number(attempt.headers['webhook-timestamp']) * 1000);
        expect(attempt.headers['webhook-signature']).toBe(wh.sign(attempt.headers['webhook-id'] as string, timestamp, attempt.body));
      }

      // A receiver that is down all day: attempts at growing intervals, then the delivery fails for good.
      received.length = 0;
      answers = Array<number>(50).fill(503);
      await issue('cy@learner.test');
      const start = clock.getTime();
      for (let round = 0; round < 20; round++) {
        await runner.drain();
        const [current] = await deliveries();
        if (current!.status !== 'pending') break;
        clock = new Date(current!.nextAttemptAt!);
      }
      [delivery] = await deliveries();
      expect(delivery).toMatchObject({ status: 'failed', attempts: 9, lastStatusCode: 503, nextAttemptAt: null });
      const times = received.map((r) => Number(r.headers['webhook-timestamp']) * 1000 - start);
      expect(times).toHaveLength(9);
      const gaps = times.slice(1).map((time, i) => time - times[i]!);
      expect(gaps.slice(0, 5)).toEqual([30_000, 120_000, 480_000, 1_920_000, 7_680_000]);
      expect(gaps.slice(5)).toEqual([21_600_000, 21_600_000, 21_600_000]);
      expect(times.at(-1)!).toBeLessThanOrEqual(24 * 60 * 60_000);
      expect(await runner.drain()).toBe(0);

      // Replay: the same message id and body, sent again, with a fresh day.
      const replayed = await org.owner.request('POST', `/api/v1/organisations/${org.organisationId}/webhook-deliveries/${delivery!.id}/replay`);
      expect(replayed.statusCode, replayed.body).toBe(202);
      expect(replayed.json()).toMatchObject({ id: delivery!.id, status: 'pending' });
      received.length = 0;
      answers = [];
      await runner.drain();
      expect(received).toHaveLength(1);
      expect(received[0]!.headers['webhook-id']).toBe(delivery!.id);
      expect(new Webhook(secret).sign(delivery!.id, new Date(Number(received[0]!.headers['webhook-timestamp']) * 1000), received[0]!.body)).toBe(received[0]!.headers['webhook-signature']);
      expect((await deliveries())[0]).toMatchObject({ id: delivery!.id, status: 'delivered', attempts: 10 });
    });

    it('refuses private, loopback, link-local and non-http targets when subscribing', async () => {
      for (const url of ['http://10.0.0.7/hook', 'http://169.254.169.254/latest/meta-data', 'http://[::1]:8080/', 'http://[::ffff:192.168.1.1]/', 'ftp://hooks.example/x', 'http://user:pw@127.0.0.1/', 'not a url']) {
        const response = await org.owner.request('POST', `/api/v1/organisations/${org.organisationId}/webhooks`, { url, events: ['credential.issued'] });
        expect(response.statusCode, `${url}: ${response.body}`).toBe(422);
        expect(response.headers['content-type']).toContain('application/problem+json');
        expect((response.json() as { errors: { pointer: string }[] }).errors[0]!.pointer).toBe('/url');
      }
      const badEvent = await org.owner.request('POST', `/api/v1/organisations/${org.organisationId}/webhooks`, { url: target, events: ['credential.eaten'] });
      expect(badEvent.statusCode).toBe(400);
      expect((await t.runtime.store.db.selectFrom('webhook_subscriptions').select('id').where('active', '=', 1).execute())).toHaveLength(1);
    });

    it('refuses a target that has become private at delivery time, and keeps the delivery for later', async () => {
      await issue('di@learner.test');
      allowLocal = false; // the address no longer passes the guard (as if its DNS now pointed inside)
      await runner.drain();
      expect(received).toHaveLength(0);
      const [delivery] = await deliveries();
      expect(delivery).toMatchObject({ status: 'pending', attempts: 1, lastStatusCode: null });
      expect(delivery!.lastError).toMatch(/not a public address/);
      allowLocal = true;
      advance(30_000);
      await runner.drain();
      expect((await deliveries())[0]).toMatchObject({ id: delivery!.id, status: 'delivered', attempts: 2 });
    });

    it('loses nothing when the node that claimed the delivery dies', async () => {
      await issue('ed@learner.test');
      // Node A claims the job (as its runner does) and dies before recording anything: no complete, no fail.
      const claimed = await t.runtime.queue.claim('node-a:dead', 30_000);
      expect(claimed?.kind).toBe('webhook-delivery');
      const nodeB = createRuntimeJobRunner(t.runtime, { workers: 0, id: 'node-b', now: () => clock });
      // While A's lease holds, B leaves it alone.
      advance(20_000);
      expect(await nodeB.drain()).toBe(0);
      expect(received).toHaveLength(0);
      // The lease runs out: B takes the job over and delivers it.
      advance(11_000);
      expect(await nodeB.drain()).toBe(1);
      expect(received).toHaveLength(1);
      expect(received[0]!.headers['webhook-id']).toBe(JSON.parse(claimed!.payload).deliveryId);
      const job = await t.runtime.queue.findJob(claimed!.id);
      expect(job).toMatchObject({ status: 'done', attempts: 2 });
      expect((await deliveries())[0]).toMatchObject({ status: 'delivered', attempts: 1 });
    });

    it('loses nothing when a node process is killed (SIGKILL) in the middle of sending a delivery', async () => {
      await issue('ha@learner.test');
      const [pending] = await deliveries();
      // The receiver holds the first request open and the node is killed while it waits for the answer.
      hold = true;
      const arrived = new Promise<void>((resolve) => { onHeld = resolve; });
      const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('../fixtures/webhooks/delivering-node.ts', import.meta.url))], {
        env: {
          ...process.env, CLOCK_OFFSET_MS: String(clock.getTime() - Date.now()), MICROCRED_DATA: t.database.dataDir, PUBLIC_URL: 'https://issuer.test', LOG_LEVEL: 'silent', JOB_WORKERS: '0',
          ...(t.database.databaseUrl ? { DATABASE_URL: t.database.databaseUrl } : {}),
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let output = '';
      child.stdout.on('data', (chunk: Buffer) => { output += chunk.toString(); });
      child.stderr.on('data', (chunk: Buffer) => { output += chunk.toString(); });
      const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('close', (_code, signal) => resolve(signal)));
      await Promise.race([arrived, exited.then(() => { throw new Error(`the node exited before delivering: ${output}`); })]);
      child.kill('SIGKILL');
      expect(await exited).toBe('SIGKILL');
      hold = false;
      for (const socket of held.splice(0)) socket.destroy();
      expect(output).not.toContain('finished');
      expect(received).toHaveLength(1);
      // Nothing was recorded by the dead node: the delivery is still pending, its job held under a lease.
      expect((await deliveries())[0]).toMatchObject({ id: pending!.id, status: 'pending', attempts: 0 });
      const job = await t.runtime.store.db.selectFrom('jobs').selectAll().where('kind', '=', 'webhook-delivery').where('status', '=', 'running').executeTakeFirstOrThrow();
      expect(job.locked_by).toMatch(/^doomed-node/);
      // Another node takes it over once the lease has run out, and the receiver gets the same message again.
      advance(31_000 + 10_000);
      expect(await runner.drain()).toBeGreaterThanOrEqual(1);
      expect(received).toHaveLength(2);
      expect(received[1]!.headers['webhook-id']).toBe(pending!.id);
      expect(received[1]!.body).toBe(received[0]!.body);
      const wh = new Webhook(secret);
      expect(received[1]!.headers['webhook-signature']).toBe(wh.sign(pending!.id, new Date(Number(received[1]!.headers['webhook-timestamp']) * 1000), received[1]!.body));
      expect((await deliveries())[0]).toMatchObject({ id: pending!.id, status: 'delivered', attempts: 1 });
    }, 60_000);

    it('hears status changes, claims and bulk completions where they happen', async () => {
      const created = await org.owner.request('POST', `/api/v1/organisations/${org.organisationId}/webhooks`, {
        url: `${target}/all`, events: ['credential.suspended', 'credential.reinstated', 'credential.claimed', 'bulk.completed', 'rpl.decided', 'recognition.decided'],
      });
      expect(created.statusCode, created.body).toBe(201);
      const allSecret = (created.json() as { secret: string }).secret;
      await runner.drain();
      received.length = 0;
      const credential = await issue('ivo@learner.test');
      expect((await org.owner.request('POST', `/api/v1/credentials/${credential.id}/suspend`, { reason: 'audit' })).statusCode).toBe(200);
      expect((await org.owner.request('POST', `/api/v1/credentials/${credential.id}/reinstate`)).statusCode).toBe(200);
      // The learner claims it from the link in the claim e-mail.
      const outbox = (await org.owner.request('GET', `/api/v1/organisations/${org.organisationId}/outbox`)).json() as { items: { to: string; text: string }[] };
      const token = outbox.items.filter((mail) => mail.to === 'ivo@learner.test').map((mail) => /\/claim\/([A-Za-z0-9_-]+)/.exec(mail.text)?.[1]).find(Boolean)!;
      const learner = sessionFrom(t.app, await signUpAndSignIn(t.app, { email: 'ivo@learner.test', password: 'learner-password-1' }));
      const claimed = await learner.request('POST', `/api/v1/claim/${token}`);
      expect(claimed.statusCode, claimed.body).toBeLessThan(300);
      const bulk = await org.owner.request('POST', `/api/v1/organisations/${org.organisationId}/bulk-issuances?achievementId=${org.achievementId}`, 'email\nbulk1@learner.test\nnot-an-address\n', { 'content-type': 'text/csv' });
      expect(bulk.statusCode, bulk.body).toBe(202);
      // A recognition request on the claimed credential, decided by a registrar (the owner).
      const programme = await org.owner.request('POST', `/api/v1/organisations/${org.organisationId}/programmes`, { name: 'BSc Data', totalCredits: 60, modules: [{ id: 'M', name: 'Module', credits: 10 }] });
      expect(programme.statusCode, programme.body).toBe(201);
      const programmeId = (programme.json() as { id: string }).id;
      const held = (await learner.request('GET', '/api/v1/wallet/credentials')).json() as { items: { id: string }[] };
      const requested = await learner.request('POST', '/api/v1/wallet/recognition-requests', { programmeId, credentialIds: [held.items[0]!.id] });
      expect(requested.statusCode, requested.body).toBe(201);
      const requestId = (requested.json() as { id: string }).id;
      const decision = await org.owner.request('POST', `/api/v1/organisations/${org.organisationId}/recognition-requests/${requestId}/decisions`, {
        decisions: [{ credentialKey: held.items[0]!.id, action: 'reject', reason: 'No agreement covers it' }],
      });
      expect(decision.statusCode, decision.body).toBe(200);
      // An RPL case decided by an assessor (the owner).
      const candidate = sessionFrom(t.app, await signUpAndSignIn(t.app, { email: 'rpl@learner.test', password: 'learner-password-1' }));
      const opened = await candidate.request('POST', '/api/v1/wallet/rpl-cases', { achievementId: org.achievementId });
      expect(opened.statusCode, opened.body).toBe(201);
      const rplCase = opened.json() as { id: string; outcomes: { id: string }[] };
      for (const outcome of rplCase.outcomes) {
        expect((await candidate.request('POST', `/api/v1/wallet/rpl-cases/${rplCase.id}/evidence`, { outcomeId: outcome.id, evidence: { kind: 'narrative', text: 'Done at work.' } })).statusCode).toBe(200);
      }
      expect((await candidate.request('POST', `/api/v1/wallet/rpl-cases/${rplCase.id}/submission`)).statusCode).toBe(200);
      for (const outcome of rplCase.outcomes) {
        expect((await org.owner.request('POST', `/api/v1/organisations/${org.organisationId}/rpl-cases/${rplCase.id}/reviews`, { outcomeId: outcome.id, action: 'accept' })).statusCode).toBe(200);
      }
      const decided = await org.owner.request('POST', `/api/v1/organisations/${org.organisationId}/rpl-cases/${rplCase.id}/decision`, {});
      expect(decided.statusCode, decided.body).toBe(200);
      await runner.drain();
      await runner.drain(); // deliveries queued by the bulk job itself
      // Signed with this webhook's secret (the test clock runs ahead of the real one: compare signatures, not the freshness).
      const wh = new Webhook(allSecret);
      const mine = received.filter((r) => r.headers['webhook-signature'] === wh.sign(r.headers['webhook-id'] as string, new Date(Number(r.headers['webhook-timestamp']) * 1000), r.body));
      const events = mine.map((r) => JSON.parse(r.body) as { type: string; data: Record<string, unknown> });
      expect(events.map((e) => e.type).sort()).toEqual(['bulk.completed', 'credential.claimed', 'credential.reinstated', 'credential.suspended', 'recognition.decided', 'rpl.decided']);
      expect(events.find((e) => e.type === 'recognition.decided')!.data).toMatchObject({ id: requestId, programmeId, totalRecognised: 0, rejectedItems: 1 });
      expect(events.find((e) => e.type === 'rpl.decided')!.data).toMatchObject({ id: rplCase.id, achievementId: org.achievementId, status: 'awarded' });
      expect(events.find((e) => e.type === 'credential.claimed')!.data).toMatchObject({ id: credential.id, via: 'claim' });
      expect(events.find((e) => e.type === 'credential.reinstated')!.data).toMatchObject({ id: credential.id, from: 'suspended', to: 'active' });
      expect(events.find((e) => e.type === 'bulk.completed')!.data).toMatchObject({ id: bulk.json().id, status: 'done', issued: 1, invalidRows: 1 });
      expect((await org.owner.request('DELETE', `/api/v1/organisations/${org.organisationId}/webhooks/${(created.json() as { id: string }).id}`)).statusCode).toBe(204);
    });

    it('keeps each organisation to its own webhooks and deliveries', async () => {
      const b = await createOrganisation(t, 'Organisation B', 'owner@b.test');
      const [delivery] = await deliveries();
      const asB = [
        await b.owner.request('GET', `/api/v1/organisations/${org.organisationId}/webhooks`),
        await b.owner.request('GET', `/api/v1/organisations/${org.organisationId}/webhooks/${webhookId}/deliveries`),
        await b.owner.request('POST', `/api/v1/organisations/${org.organisationId}/webhook-deliveries/${delivery!.id}/replay`),
        await b.owner.request('DELETE', `/api/v1/organisations/${org.organisationId}/webhooks/${webhookId}`),
        // B's own organisation with A's ids: not found either.
        await b.owner.request('GET', `/api/v1/organisations/${b.organisationId}/webhooks/${webhookId}/deliveries`),
        await b.owner.request('POST', `/api/v1/organisations/${b.organisationId}/webhook-deliveries/${delivery!.id}/replay`),
        await b.owner.request('DELETE', `/api/v1/organisations/${b.organisationId}/webhooks/${webhookId}`),
      ];
      for (const response of asB) expect(response.statusCode, response.body).toBe(404);
      expect((await b.owner.request('GET', `/api/v1/organisations/${b.organisationId}/webhooks`)).json()).toEqual({ items: [] });
      // B's events reach no subscription of A.
      const before = (await deliveries()).length;
      await t.runtime.store.db.transaction().execute((trx) => emitEvents(t.runtime.ctx, trx, b.organisationId, [{ type: 'credential.issued', data: { id: 'of-b' } }]));
      expect((await deliveries()).length).toBe(before);
      // An API key (any scope) does not manage webhooks.
      expect((await t.app.inject({ method: 'GET', url: `/api/v1/organisations/${b.organisationId}/webhooks`, headers: { authorization: `Bearer ${b.apiKey}` } })).statusCode).toBe(403);
      // Deleting A's webhook (as A) cancels what is pending and stops new deliveries.
      answers = [500];
      await issue('fi@learner.test');
      await runner.drain();
      expect((await org.owner.request('DELETE', `/api/v1/organisations/${org.organisationId}/webhooks/${webhookId}`)).statusCode).toBe(204);
      const count = await t.runtime.store.db.selectFrom('webhook_deliveries').select('status').where('subscription_id', '=', webhookId).where('status', '=', 'pending').execute();
      expect(count).toHaveLength(0);
      received.length = 0;
      advance(60_000);
      await issue('gu@learner.test');
      await runner.drain();
      expect(received).toHaveLength(0);
    });
  });
}
