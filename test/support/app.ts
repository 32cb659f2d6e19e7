import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { loadConfig } from '../../src/config.ts';
import { buildApp } from '../../src/http/app.ts';
import { openRuntime, type Runtime, type RuntimeOptions } from '../../src/runtime.ts';
import type { Dialect } from '../../src/store/database.ts';
import { createTestDatabase, type TestDatabase } from './db.ts';

export const TEST_PUBLIC_URL = 'https://issuer.test';

export interface TestApp {
  app: FastifyInstance;
  runtime: Runtime;
  database: TestDatabase;
  close(): Promise<void>;
}

/**
 * The real app on a fresh database of the given dialect, called with `app.inject` (no socket).
 * PUBLIC_URL is https://issuer.test so DIDs are did:web:issuer.test:issuers:… and the engine reads
 * them from this app, not the network.
 */
export async function createTestApp(dialect: Dialect, options: RuntimeOptions & { env?: Record<string, string> } = {}): Promise<TestApp> {
  const database = await createTestDatabase(dialect);
  const config = loadConfig({
    MICROCRED_DATA: database.dataDir,
    PUBLIC_URL: TEST_PUBLIC_URL,
    LOG_LEVEL: 'silent',
    JOB_WORKERS: '0',
    ...(database.databaseUrl ? { DATABASE_URL: database.databaseUrl } : {}),
    ...options.env,
  });
  const runtime = await openRuntime(config, {
    fetcher: () => Promise.reject(new Error('tests do not reach the network')),
    ...options,
  });
  const app = await buildApp({ runtime, logger: false, webRoot: '/nonexistent' });
  return {
    app,
    runtime,
    database,
    async close() {
      await app.close();
      await runtime.close();
      await database.drop();
    },
  };
}

/** A signed-in user: its cookie and CSRF token, and helpers to call the API as them. */
export interface Session {
  cookie: string;
  csrfToken: string;
  userId: string;
  request(method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', url: string, body?: unknown, headers?: Record<string, string>): Promise<LightMyRequestResponse>;
}

export function sessionFrom(app: FastifyInstance, response: LightMyRequestResponse): Session {
  const cookie = response.cookies.find((c) => c.name === 'mc_session');
  if (!cookie) throw new Error(`no session cookie in answer ${response.statusCode}: ${response.body}`);
  const body = response.json() as { csrfToken: string; user: { id: string } };
  const session: Session = {
    cookie: `mc_session=${cookie.value}`,
    csrfToken: body.csrfToken,
    userId: body.user.id,
    request: (method, url, payload, headers = {}) => app.inject({
      method, url,
      headers: { cookie: session.cookie, 'x-csrf-token': session.csrfToken, ...(payload !== undefined && typeof payload !== 'string' ? { 'content-type': 'application/json' } : {}), ...headers },
      ...(payload !== undefined ? { payload: typeof payload === 'string' ? payload : JSON.stringify(payload) } : {}),
    }),
  };
  return session;
}

export async function login(app: FastifyInstance, email: string, password: string): Promise<Session> {
  const response = await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email, password } });
  return sessionFrom(app, response);
}

export interface SetUpOrganisation {
  owner: Session;
  organisationId: string;
  issuerId: string;
  issuerDid: string;
}

/** Runs the first-organisation setup and returns the owner's session. */
export async function setUpOrganisation(app: FastifyInstance, name = 'University of Testing', email = 'owner@uni.test', password = 'owner-password-1'): Promise<SetUpOrganisation> {
  const response = await app.inject({ method: 'POST', url: '/api/v1/setup', payload: { organisationName: name, email, password } });
  if (response.statusCode !== 201) throw new Error(`setup failed ${response.statusCode}: ${response.body}`);
  const body = response.json() as { organisationId: string; issuerId: string; issuerDid: string };
  return { owner: sessionFrom(app, response), ...body };
}

/** A second organisation (through the service, as `microcred init` does) with its own owner and API key. */
export async function createOrganisation(testApp: TestApp, name: string, email: string, password = 'other-password-1') {
  const result = await testApp.runtime.services.accounts.init({ organisationName: name, email, password });
  return { ...result, owner: await login(testApp.app, email, password) };
}

export function bearer(apiKey: string): Record<string, string> {
  return { authorization: `Bearer ${apiKey}` };
}

/**
 * A new learner, signed in: sign-up (202, no session: it answers the same for a taken address) and then
 * sign-in with the same password, as the web app does. Returns the sign-in answer.
 */
export async function signUpAndSignIn(app: FastifyInstance, payload: { email: string; password: string; name?: string }, remoteAddress?: string): Promise<LightMyRequestResponse> {
  const signup = await app.inject({ method: 'POST', url: '/api/v1/auth/signup', payload, ...(remoteAddress ? { remoteAddress } : {}) });
  if (signup.statusCode !== 202) return signup;
  return app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email: payload.email, password: payload.password }, ...(remoteAddress ? { remoteAddress } : {}) });
}

/** The invitation link in the newest e-mail of the organisation's outbox to the address (read as an admin). */
export async function invitationToken(admin: Session, organisationId: string, email: string): Promise<string> {
  const items = (await admin.request('GET', `/api/v1/organisations/${organisationId}/outbox?limit=500`)).json().items as { to: string; text: string }[];
  const message = items.find((item) => item.to === email.toLowerCase() && item.text.includes('/invitation/'));
  const token = message && /\/invitation\/([A-Za-z0-9_-]+)/.exec(message.text)?.[1];
  if (!token) throw new Error(`no invitation in the outbox for ${email}`);
  return token;
}

/**
 * A new member the way people join: an admin invites the address, the invitee opens the link from the
 * outbox and chooses her password. Returns the acceptance (200 and a session), or the refused invitation.
 */
export async function inviteMember(app: FastifyInstance, admin: Session, organisationId: string, input: { email: string; role: string; password: string; name?: string }): Promise<LightMyRequestResponse> {
  const { password, ...invitation } = input;
  const invited = await admin.request('POST', `/api/v1/organisations/${organisationId}/invitations`, invitation);
  if (invited.statusCode !== 201) return invited;
  const token = await invitationToken(admin, organisationId, input.email);
  return app.inject({ method: 'POST', url: `/api/v1/invitations/${token}/accept`, payload: { password } });
}
