/** Two microcred instances on 127.0.0.1 for the OB 3.0 API tests, and what they share. */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer as createHttpServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { loadConfig } from '../../src/config.ts';
import { startServer, type RunningServer } from '../../src/http/server.ts';
import { createGuardedFetcher } from '../../src/net/guarded-fetcher.ts';
import { sessionFrom, signUpAndSignIn, type Session } from '../support/app.ts';
import { freePort } from '../support/net.ts';

export interface Instance {
  url: string;
  server: RunningServer;
  app: FastifyInstance;
  close(): Promise<void>;
}

/**
 * A real microcred on 127.0.0.1 (SQLite in a fresh folder) whose PUBLIC_URL names its port. Its guarded
 * fetcher may reach 127.0.0.1, where the other instance listens (tests never reach the internet).
 */
export async function startInstance(options: { webRoot?: string } = {}): Promise<Instance> {
  const dataDir = mkdtempSync(join(tmpdir(), 'microcred-ob-'));
  const port = await freePort();
  const config = loadConfig({ HOST: '127.0.0.1', PORT: String(port), PUBLIC_URL: `http://127.0.0.1:${port}`, MICROCRED_DATA: dataDir, LOG_LEVEL: 'silent', JOB_WORKERS: '1' });
  const server = await startServer(config, { logger: false, webRoot: options.webRoot ?? '/nonexistent', fetcher: createGuardedFetcher({ allowAddress: () => true }) });
  return {
    url: server.url,
    server,
    app: server.app,
    async close() {
      await server.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export async function learner(app: FastifyInstance, email: string, name: string): Promise<Session> {
  return sessionFrom(app, await signUpAndSignIn(app, { email, password: 'learner-password-1', name }));
}

/** A client's redirect URI: a local server that answers 200 and remembers the URLs it was sent to. */
export async function callbackServer(): Promise<{ url: string; hits: string[]; close(): Promise<void> }> {
  const hits: string[] = [];
  let base = '';
  const server: Server = createHttpServer((request, response) => {
    hits.push(`${base}${request.url}`);
    response.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><html lang="en"><title>back</title><main>back</main></html>');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  base = `http://127.0.0.1:${port}`;
  return {
    url: `${base}/callback`,
    hits,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** Issues an OB 3.0 credential on an instance (did:key issuer, verifiable anywhere offline); answers the signed document. */
export async function issueOn(instance: Instance, email: string): Promise<{ document: string; email: string; credentialId: string; organisationId: string }> {
  const { app } = instance;
  let setup = await app.inject({ method: 'POST', url: '/api/v1/setup', payload: { organisationName: 'Université Exemple', email: 'registrar@uni.test', password: 'registrar-password-1' } });
  if (setup.statusCode !== 201) setup = await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email: 'registrar@uni.test', password: 'registrar-password-1' } });
  const cookie = `mc_session=${setup.cookies.find((c) => c.name === 'mc_session')!.value}`;
  const csrf = (setup.json() as { csrfToken: string }).csrfToken;
  const call = async (method: 'GET' | 'POST', url: string, payload?: unknown) => {
    const response = await app.inject({ method, url, headers: { cookie, 'x-csrf-token': csrf }, ...(payload ? { payload: payload as Record<string, unknown> } : {}) });
    if (response.statusCode >= 300) throw new Error(`${method} ${url} answered ${response.statusCode}: ${response.body}`);
    return response.json() as Record<string, unknown> & { id: string };
  };
  const me = await call('GET', '/api/v1/me') as unknown as { memberships: { organisationId: string }[] };
  const organisationId = me.memberships[0]!.organisationId;
  const issuers = await call('GET', `/api/v1/organisations/${organisationId}/issuers`) as unknown as { items: { id: string; didMethod: string }[] };
  const keyIssuer = issuers.items.find((item) => item.didMethod === 'key') ?? await call('POST', `/api/v1/organisations/${organisationId}/issuers`, { name: 'Université Exemple', didMethod: 'key' });
  const achievement = await call('POST', `/api/v1/organisations/${organisationId}/achievements`, {
    issuerId: keyIssuer.id, name: 'Data Literacy Essentials', description: 'Reading, cleaning and charting data sets.', criteria: 'Pass the final project.', achievementType: 'MicroCredential',
    eu: { creditsAvailable: 5, eqfLevel: 5, learningOutcome: ['Clean a tabular data set'], assessmentType: ['project'], participationForm: 'online', qualityAssurance: ['internal'] },
  });
  const credential = await call('POST', `/api/v1/organisations/${organisationId}/credentials`, { achievementId: achievement.id, recipient: { email, name: 'Learner' } });
  return { document: typeof credential.document === 'string' ? credential.document : JSON.stringify(credential.document), email, credentialId: credential.id, organisationId };
}
