/**
 * A real microcred server over HTTPS on 127.0.0.1, as an issuing instance is met on the internet:
 * PUBLIC_URL = https://127.0.0.1:<port>, so its issuers are did:web:127.0.0.1%3A<port>:issuers:…
 * and its status lists and contexts are read over TLS. The certificate is self-signed, made for the
 * test with the openssl CLI (see OPENSSL in tools.ts), and trusted only by the clients this file hands out (never by
 * NODE_TLS_REJECT_UNAUTHORIZED or a global agent).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../src/config.ts';
import { startServer, type RunningServer } from '../../src/http/server.ts';
import type { Dialect } from '../../src/store/database.ts';
import { createTestDatabase, type TestDatabase } from './db.ts';
import { freePort } from './net.ts';

/**
 * A self-signed P-256 certificate for IP 127.0.0.1 (subjectAltName, which Node's hostname check reads),
 * valid for a day. P-256 rather than Ed25519: every TLS client a verifier may run accepts it.
 */
export function makeLocalCertificate(dir: string): { certFile: string; keyFile: string; ca: Buffer } {
  const certFile = join(dir, 'cert.pem');
  const keyFile = join(dir, 'key.pem');
  execFileSync('openssl', [
    'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-days', '1',
    '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', keyFile, '-out', certFile,
  ], { stdio: 'ignore' });
  return { certFile, keyFile, ca: readFileSync(certFile) };
}

export interface HttpsInstance {
  /** https://127.0.0.1:<port> (PUBLIC_URL, no trailing slash). */
  origin: string;
  /** The self-signed certificate, to be trusted by the test's clients only. */
  ca: Buffer;
  server: RunningServer;
  close(): Promise<void>;
}

/**
 * Starts the real server (the runtime, the app and its job runner, as `microcred serve` does) over
 * HTTPS on a fresh database of the dialect. The server itself is given a fetcher that refuses the
 * network: nothing it issues may depend on reading another host.
 */
export async function startHttpsInstance(dialect: Dialect): Promise<HttpsInstance> {
  const database: TestDatabase = await createTestDatabase(dialect);
  const certDir = mkdtempSync(join(tmpdir(), 'microcred-tls-'));
  try {
    const { certFile, keyFile, ca } = makeLocalCertificate(certDir);
    const port = await freePort();
    const origin = `https://127.0.0.1:${port}`;
    const config = loadConfig({
      HOST: '127.0.0.1', PORT: String(port), PUBLIC_URL: origin, TLS_CERT: certFile, TLS_KEY: keyFile,
      MICROCRED_DATA: database.dataDir, LOG_LEVEL: 'silent', JOB_WORKERS: '1',
      ...(database.databaseUrl ? { DATABASE_URL: database.databaseUrl } : {}),
    });
    const server = await startServer(config, {
      logger: false, webRoot: '/nonexistent',
      fetcher: () => Promise.reject(new Error('the issuing instance does not reach the network in this test')),
    });
    return {
      origin, ca, server,
      async close() {
        await server.stop();
        await database.drop();
        rmSync(certDir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await database.drop();
    rmSync(certDir, { recursive: true, force: true });
    throw error;
  }
}

export interface InstanceFetch {
  /** A WHATWG fetch that reaches only the instance's origin (TLS checked against its certificate). */
  fetch: typeof fetch;
  /** Every URL asked for, in order (answered or refused). */
  requested: string[];
  /** The URLs refused because they are not on the instance and not among the fixtures. */
  refused: string[];
}

/**
 * A fetch as a verifier on the internet has one, except that the only host it can reach is the
 * issuing instance: any other URL is refused (a TypeError, as fetch reports a network failure),
 * unless `fixtures` holds a local copy of it (e.g. a schema a verifier insists on downloading).
 */
export function createInstanceFetch(options: {
  origin: string;
  ca: Buffer;
  fixtures?: ReadonlyMap<string, { body: string; contentType: string }>;
  /** Behave as a browser page of this origin: CORS preflight and response checks (Fetch standard §4.8, §3.2.5). */
  browserOrigin?: string;
}): InstanceFetch {
  const { origin, ca, browserOrigin } = options;
  const fixtures = options.fixtures ?? new Map();
  const requested: string[] = [];
  const refused: string[] = [];
  const instanceFetch = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const request = new Request(input, init);
    const url = new URL(request.url);
    requested.push(request.url);
    const fixture = fixtures.get(request.url);
    if (fixture) return new Response(fixture.body, { status: 200, headers: { 'content-type': fixture.contentType } });
    if (url.origin !== origin) {
      refused.push(request.url);
      throw new TypeError('fetch refused: not the issuing instance, the only host this verifier can reach');
    }
    const body = request.method === 'GET' || request.method === 'HEAD' ? undefined : Buffer.from(await request.arrayBuffer());
    if (!browserOrigin) return await send(url, request.method, Object.fromEntries(request.headers), body, request.signal);
    // A browser asks first when the request is not "simple", then reads the answer only if allowed.
    const unsafe = [...request.headers.keys()].filter((name) => !CORS_SAFELISTED.has(name)).sort();
    if (unsafe.length > 0 || !['GET', 'HEAD', 'POST'].includes(request.method)) {
      const preflight = await send(url, 'OPTIONS', { origin: browserOrigin, 'access-control-request-method': request.method, ...(unsafe.length > 0 ? { 'access-control-request-headers': unsafe.join(',') } : {}) }, undefined, request.signal);
      const allowedHeaders = (preflight.headers.get('access-control-allow-headers') ?? '').toLowerCase().split(/\s*,\s*/);
      const allowedMethods = (preflight.headers.get('access-control-allow-methods') ?? '').toUpperCase().split(/\s*,\s*/);
      if (!preflight.ok || !allowsOrigin(preflight.headers, browserOrigin) || !allowedMethods.some((method) => method === request.method || method === '*')
        || !unsafe.every((name) => allowedHeaders.includes(name) || allowedHeaders.includes('*'))) {
        refused.push(request.url);
        throw new TypeError(`Failed to fetch (CORS preflight refused for ${request.url})`);
      }
    }
    const response = await send(url, request.method, { ...Object.fromEntries(request.headers), origin: browserOrigin }, body, request.signal);
    if (!allowsOrigin(response.headers, browserOrigin)) {
      refused.push(request.url);
      throw new TypeError(`Failed to fetch (no Access-Control-Allow-Origin on ${request.url})`);
    }
    return response;
  };
  function send(url: URL, method: string, headers: Record<string, string>, body: Buffer | undefined, signal: AbortSignal): Promise<Response> {
    return new Promise<Response>((resolve, reject) => {
      const outgoing = httpsRequest(url, { method, headers, ca, signal }, (incoming) => {
        const chunks: Buffer[] = [];
        incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
        incoming.on('error', reject);
        incoming.on('end', () => {
          const status = incoming.statusCode ?? 0;
          const headers = new Headers();
          for (const [name, value] of Object.entries(incoming.headers)) {
            for (const one of Array.isArray(value) ? value : value === undefined ? [] : [value]) headers.append(name, one);
          }
          const nullBody = status === 204 || status === 304 || method === 'HEAD';
          resolve(new Response(nullBody ? null : Buffer.concat(chunks), { status, statusText: incoming.statusMessage ?? '', headers }));
        });
      });
      outgoing.on('error', reject);
      outgoing.end(body);
    });
  }
  return { fetch: instanceFetch as typeof fetch, requested, refused };
}

/** Request headers a page may send without a preflight (Fetch standard §2.2.2, values not checked here). */
const CORS_SAFELISTED = new Set(['accept', 'accept-language', 'content-language', 'content-type', 'range']);

function allowsOrigin(headers: Headers, origin: string): boolean {
  const allowed = headers.get('access-control-allow-origin');
  return allowed === '*' || allowed === origin;
}

/** A signed-in user of the instance over real HTTP: the session cookie and CSRF token, carried by hand. */
export interface HttpsSession {
  userId: string;
  request(method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', path: string, body?: unknown): Promise<{ status: number; json: unknown; text: string }>;
}

/** Calls the instance's API with `fetch` (one that trusts its certificate). */
export function httpsApi(instance: { origin: string }, fetcher: typeof fetch) {
  async function call(method: string, path: string, body: unknown, headers: Record<string, string>) {
    const response = await fetcher(`${instance.origin}${path}`, {
      method,
      headers: { accept: 'application/json', ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await response.text();
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    return { status: response.status, json, text, headers: response.headers };
  }
  function sessionFrom(answer: Awaited<ReturnType<typeof call>>): HttpsSession {
    const cookie = (answer.headers.getSetCookie() ?? []).map((line) => line.split(';')[0]!).find((pair) => pair.startsWith('mc_session='));
    if (answer.status >= 300 || !cookie) throw new Error(`no session (${answer.status}): ${answer.text}`);
    const { csrfToken, user } = answer.json as { csrfToken: string; user: { id: string } };
    return {
      userId: user.id,
      request: async (method, path, body) => call(method, path, body, { cookie, 'x-csrf-token': csrfToken }),
    };
  }
  return {
    get: (path: string) => call('GET', path, undefined, {}),
    post: (path: string, body?: unknown) => call('POST', path, body, {}),
    /** The first-organisation setup; answers the owner's session and the new ids. */
    async setUp(organisationName: string, email: string, password: string) {
      const answer = await call('POST', '/api/v1/setup', { organisationName, email, password }, {});
      const ids = answer.json as { organisationId: string; issuerId: string; issuerDid: string };
      return { owner: sessionFrom(answer), ...ids };
    },
    async signIn(email: string, password: string): Promise<HttpsSession> {
      return sessionFrom(await call('POST', '/api/v1/auth/login', { email, password }, {}));
    },
  };
}
