/**
 * A test LTI 1.3 platform (an LMS as the LTI 1.3 Core, Security Framework, Deep Linking 2.0, AGS 2.0
 * and NRPS 2.0 specifications describe it), on 127.0.0.1 with its own keys (jose): JWKS, the OIDC
 * authentication endpoint (answers the auto-posting form with a signed id_token), the token endpoint
 * (client-credentials grant with a JWT assertion checked against the tool's JWKS), line items,
 * results, memberships, and the deep linking return URL (checks the tool's response JWT).
 * Listings are paged as Canvas pages them (AGS §3.2.1/§3.3.1, NRPS §2.4.1): at most `pageSize` items
 * (fewer if the tool's `limit` asks so), the rest behind RFC 8288 `Link: <…>; rel="next"`.
 * It is written from the specifications, not from microcred's code, and is strict where they are.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRemoteJWKSet, exportJWK, generateKeyPair, jwtVerify, SignJWT, type CryptoKey, type JWK, type JWTPayload } from 'jose';

const LTI = 'https://purl.imsglobal.org/spec/lti/claim/';
export const ROLE = {
  instructor: 'http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor',
  learner: 'http://purl.imsglobal.org/vocab/lis/v2/membership#Learner',
};

export interface PlatformUser { id: string; name: string; email?: string; roles: string[] }

export interface LaunchOptions {
  /** Which message the platform sends (lti_message_hint). */
  messageType?: 'LtiResourceLinkRequest' | 'LtiDeepLinkingRequest';
  /** Claims replaced or added in the id_token (undefined removes one). */
  claims?: Record<string, unknown>;
  /** Sign with a key the platform does not publish, under its published kid. */
  forge?: boolean;
  /** Seconds from now for exp and iat. */
  expiresIn?: number;
  issuedAgo?: number;
  custom?: Record<string, string>;
}

export interface TestPlatform {
  issuer: string;
  clientId: string;
  deploymentId: string;
  contextId: string;
  urls: { jwks: string; auth: string; token: string; lineItems: string; memberships: string; deepLinkReturn: string };
  users: Map<string, PlatformUser>;
  /** line item id (URL) → user id → score out of the item's maximum. */
  grades: Map<string, Map<string, number>>;
  lineItems: { id: string; label: string; scoreMaximum: number }[];
  /** Deep linking responses received, verified with the tool's JWKS. */
  deepLinkResponses: JWTPayload[];
  /** Access tokens issued, with their scopes. */
  tokensIssued: number;
  /** How each service request was answered (path, query and status), for assertions. */
  requests: { path: string; search: string; status: number }[];
  /** Most items on one page of line items, results or memberships (default 2, so every test pages). */
  pageSize: number;
  /**
   * A hostile platform's Link header for a listing page: given the page asked for (`page` query, from 1),
   * its URL and the honest header; what it returns is sent instead (undefined: the honest one).
   */
  linkHeader?: (request: { path: string; page: number; url: URL; link: string }) => string | undefined;
  /** Runs login initiation → authentication request → launch through the tool at toolBase; answers the tool's launch response. */
  launch(toolBase: string, user: string, options?: LaunchOptions): Promise<{ response: Response; idToken: string; state: string }>;
  /** A new signing key under a new kid; the JWKS publishes only it from now on. */
  rotateKey(): Promise<void>;
  /** Mints an id_token (for replay and tampering tests). */
  idToken(user: string, nonce: string, options?: LaunchOptions): Promise<string>;
  close(): Promise<void>;
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function send(response: ServerResponse, status: number, body: unknown, type = 'application/json', headers: Record<string, string> = {}): void {
  response.writeHead(status, { ...headers, 'content-type': type });
  response.end(typeof body === 'string' ? body : JSON.stringify(body));
}

/** The hidden fields of an auto-posting form (as a browser would submit it). */
export function formFields(html: string): { action: string; fields: Record<string, string> } {
  const action = /<form[^>]*action="([^"]*)"/.exec(html)?.[1] ?? '';
  const fields: Record<string, string> = {};
  for (const match of html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) fields[match[1]!] = decodeEntities(match[2]!);
  return { action: decodeEntities(action), fields };
}

function decodeEntities(text: string): string {
  return text.replace(/&#(\d+);/g, (_m, code: string) => String.fromCharCode(Number(code))).replace(/&amp;/g, '&').replace(/&quot;/g, '"');
}

export async function startTestPlatform(options: { toolJwksUrl: string; toolRedirectUri: string; clientId?: string; deploymentId?: string }): Promise<TestPlatform> {
  let { publicKey, privateKey } = await generateKeyPair('RS256', { extractable: true });
  const forger = await generateKeyPair('RS256', { extractable: true });
  let kid = `platform-${randomUUID()}`;
  let publicJwk: JWK = { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' };
  const toolKeys = createRemoteJWKSet(new URL(options.toolJwksUrl));
  const accessTokens = new Map<string, string[]>();
  const usedJti = new Set<string>();
  let origin = '';

  const platform = {} as TestPlatform;
  const sign = (payload: JWTPayload, key: CryptoKey, exp: number, iat: number) => new SignJWT(payload).setProtectedHeader({ alg: 'RS256', kid, typ: 'JWT' }).setIssuedAt(iat).setExpirationTime(exp).sign(key);

  platform.idToken = async (userId, nonce, launch = {}) => {
    const user = platform.users.get(userId);
    if (!user) throw new Error(`no user ${userId} on the test platform`);
    const now = Math.floor(Date.now() / 1000);
    const messageType = launch.messageType ?? 'LtiResourceLinkRequest';
    const claims: Record<string, unknown> = {
      iss: platform.issuer, aud: platform.clientId, sub: user.id, nonce, name: user.name, ...(user.email ? { email: user.email } : {}),
      [`${LTI}message_type`]: messageType, [`${LTI}version`]: '1.3.0', [`${LTI}deployment_id`]: platform.deploymentId,
      [`${LTI}target_link_uri`]: options.toolRedirectUri, [`${LTI}roles`]: user.roles,
      [`${LTI}context`]: { id: platform.contextId, label: 'DATA101', title: 'Data Literacy 101', type: ['http://purl.imsglobal.org/vocab/lis/v2/course#CourseOffering'] },
      'https://purl.imsglobal.org/spec/lti-ags/claim/endpoint': {
        scope: ['https://purl.imsglobal.org/spec/lti-ags/scope/lineitem.readonly', 'https://purl.imsglobal.org/spec/lti-ags/scope/result.readonly'],
        lineitems: platform.urls.lineItems,
      },
      'https://purl.imsglobal.org/spec/lti-nrps/claim/namesroleservice': { context_memberships_url: platform.urls.memberships, service_versions: ['2.0'] },
      ...(launch.custom ? { [`${LTI}custom`]: launch.custom } : {}),
      ...(messageType === 'LtiResourceLinkRequest'
        ? { [`${LTI}resource_link`]: { id: 'link-1', title: 'Micro-credential' } }
        : { 'https://purl.imsglobal.org/spec/lti-dl/claim/deep_linking_settings': { deep_link_return_url: platform.urls.deepLinkReturn, accept_types: ['ltiResourceLink', 'link'], accept_presentation_document_targets: ['iframe', 'window'], accept_multiple: true, data: 'opaque-platform-data' } }),
    };
    for (const [name, value] of Object.entries(launch.claims ?? {})) {
      if (value === undefined) delete claims[name];
      else claims[name] = value;
    }
    return sign(claims, launch.forge ? forger.privateKey : privateKey, now + (launch.expiresIn ?? 300), now - (launch.issuedAgo ?? 0));
  };

  async function bearerScopes(request: IncomingMessage): Promise<string[] | undefined> {
    const match = /^Bearer (\S+)$/.exec(request.headers.authorization ?? '');
    return match ? accessTokens.get(match[1]!) : undefined;
  }

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', origin);
    const path = url.pathname;
    const answer = (status: number, body: unknown, type?: string, headers?: Record<string, string>) => {
      platform.requests.push({ path, search: url.search, status });
      send(response, status, body, type, headers);
    };
    // One page of a listing and its Link header (current, next when there is more, first, last), as Canvas sends them.
    const paged = <T>(items: T[]): { items: T[]; headers: Record<string, string> } => {
      const asked = Number(url.searchParams.get('limit'));
      const size = Math.max(1, Math.min(platform.pageSize, Number.isInteger(asked) && asked > 0 ? asked : Infinity));
      const page = Math.max(1, Number.parseInt(url.searchParams.get('page') ?? '1', 10) || 1);
      const last = Math.max(1, Math.ceil(items.length / size));
      const at = (n: number) => {
        const target = new URL(url);
        target.searchParams.set('page', String(n));
        return target.toString();
      };
      const honest = [`<${at(page)}>; rel="current"`, ...(page < last ? [`<${at(page + 1)}>; rel="next"`] : []), `<${at(1)}>; rel="first"`, `<${at(last)}>; rel="last"`].join(',');
      const link = platform.linkHeader?.({ path, page, url, link: honest }) ?? honest;
      return { items: items.slice((page - 1) * size, page * size), headers: { link } };
    };
    if (path === '/jwks') return answer(200, { keys: [publicJwk] });
    if (path === '/auth') {
      // Security Framework §5.1.1.2 / LTI 1.3 §5.1.1: the authentication request.
      const q = url.searchParams;
      const problems = [
        q.get('scope') !== 'openid' && 'scope', q.get('response_type') !== 'id_token' && 'response_type', q.get('response_mode') !== 'form_post' && 'response_mode',
        q.get('prompt') !== 'none' && 'prompt', q.get('client_id') !== platform.clientId && 'client_id', q.get('redirect_uri') !== options.toolRedirectUri && 'redirect_uri',
        !q.get('nonce') && 'nonce', !q.get('state') && 'state', !platform.users.has(q.get('login_hint') ?? '') && 'login_hint',
      ].filter(Boolean);
      if (problems.length > 0) return answer(400, { error: 'invalid_request', error_description: `bad ${problems.join(', ')}` });
      const hint = JSON.parse(q.get('lti_message_hint') ?? '{}') as LaunchOptions;
      const idToken = await platform.idToken(q.get('login_hint')!, q.get('nonce')!, hint);
      return answer(200, `<!doctype html><form method="post" action="${q.get('redirect_uri')}"><input type="hidden" name="id_token" value="${idToken}"><input type="hidden" name="state" value="${q.get('state')}"></form><script>document.forms[0].submit()</script>`, 'text/html');
    }
    if (path === '/token' && request.method === 'POST') {
      const form = new URLSearchParams(await readBody(request));
      if (form.get('grant_type') !== 'client_credentials' || form.get('client_assertion_type') !== 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer') return answer(400, { error: 'unsupported_grant_type' });
      try {
        const { payload } = await jwtVerify(form.get('client_assertion') ?? '', toolKeys, { issuer: platform.clientId, subject: platform.clientId, audience: platform.urls.token, algorithms: ['RS256'], requiredClaims: ['jti', 'exp', 'iat'] });
        if (usedJti.has(payload.jti!)) return answer(400, { error: 'invalid_grant', error_description: 'jti used before' });
        usedJti.add(payload.jti!);
      } catch (error) {
        return answer(401, { error: 'invalid_client', error_description: error instanceof Error ? error.message : 'bad assertion' });
      }
      const allowed = ['https://purl.imsglobal.org/spec/lti-ags/scope/lineitem.readonly', 'https://purl.imsglobal.org/spec/lti-ags/scope/result.readonly', 'https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly'];
      const scopes = (form.get('scope') ?? '').split(' ').filter((scope) => allowed.includes(scope));
      const token = randomUUID();
      accessTokens.set(token, scopes);
      platform.tokensIssued++;
      return answer(200, { access_token: token, token_type: 'Bearer', expires_in: 3600, scope: scopes.join(' ') });
    }
    if (path === '/deep-link-return' && request.method === 'POST') {
      const form = new URLSearchParams(await readBody(request));
      try {
        const { payload } = await jwtVerify(form.get('JWT') ?? '', toolKeys, { issuer: platform.clientId, audience: platform.issuer, algorithms: ['RS256'], requiredClaims: ['nonce', 'exp', 'iat'] });
        platform.deepLinkResponses.push(payload);
        return answer(200, '<p>Items added</p>', 'text/html');
      } catch (error) {
        return answer(400, { error: error instanceof Error ? error.message : 'bad JWT' });
      }
    }
    const scopes = await bearerScopes(request);
    if (path === `/courses/${platform.contextId}/lineitems`) {
      if (!scopes?.some((s) => s.includes('lti-ags/scope/lineitem'))) return answer(401, { error: 'invalid_token' });
      if (!(request.headers.accept ?? '').includes('application/vnd.ims.lis.v2.lineitemcontainer+json')) return answer(406, { error: 'accept' });
      const { items, headers } = paged(platform.lineItems);
      return answer(200, items, 'application/vnd.ims.lis.v2.lineitemcontainer+json', headers);
    }
    const results = /^\/courses\/[^/]+\/lineitems\/([^/]+)\/results$/.exec(path);
    if (results) {
      if (!scopes?.includes('https://purl.imsglobal.org/spec/lti-ags/scope/result.readonly')) return answer(401, { error: 'invalid_token' });
      const item = platform.lineItems.find((entry) => entry.id === `${origin}${path.replace(/\/results$/, '')}`);
      if (!item) return answer(404, { error: 'no such line item' });
      const userFilter = url.searchParams.get('user_id');
      const list = [...(platform.grades.get(item.id) ?? new Map<string, number>())].filter(([userId]) => !userFilter || userId === userFilter)
        .map(([userId, score]) => ({ id: `${item.id}/results/${userId}`, scoreOf: item.id, userId, resultScore: score, resultMaximum: item.scoreMaximum }));
      const { items, headers } = paged(list);
      return answer(200, items, 'application/vnd.ims.lis.v2.resultcontainer+json', headers);
    }
    if (path === `/courses/${platform.contextId}/memberships`) {
      if (!scopes?.includes('https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly')) return answer(401, { error: 'invalid_token' });
      const { items, headers } = paged([...platform.users.values()]);
      return answer(200, {
        id: platform.urls.memberships, context: { id: platform.contextId, label: 'DATA101', title: 'Data Literacy 101' },
        members: items.map((user) => ({ status: 'Active', name: user.name, user_id: user.id, roles: user.roles, ...(user.email ? { email: user.email } : {}) })),
      }, 'application/vnd.ims.lti-nrps.v2.membershipcontainer+json', headers);
    }
    return answer(404, { error: 'not found' });
  }

  const server: Server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => send(response, 500, { error: String(error) }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const contextId = 'course-data-101';
  Object.assign(platform, {
    issuer: origin, clientId: options.clientId ?? 'microcred-client-1', deploymentId: options.deploymentId ?? 'deployment-1', contextId,
    urls: {
      jwks: `${origin}/jwks`, auth: `${origin}/auth`, token: `${origin}/token`, lineItems: `${origin}/courses/${contextId}/lineitems`,
      memberships: `${origin}/courses/${contextId}/memberships`, deepLinkReturn: `${origin}/deep-link-return`,
    },
    users: new Map(), grades: new Map(), lineItems: [], deepLinkResponses: [], tokensIssued: 0, requests: [], pageSize: 2,
  });

  platform.launch = async (toolBase, user, launch = {}) => {
    // 1. The platform starts the login at the tool (LTI 1.3 §4.1): the tool redirects to the authentication request.
    const login = new URL(`${toolBase}/lti/login`);
    login.search = new URLSearchParams({
      iss: platform.issuer, login_hint: user, target_link_uri: options.toolRedirectUri, lti_message_hint: JSON.stringify(launch),
      client_id: platform.clientId, lti_deployment_id: platform.deploymentId,
    }).toString();
    const started = await fetch(login, { redirect: 'manual' });
    if (started.status !== 302) throw new Error(`login initiation answered ${started.status}: ${await started.text()}`);
    // 2. The authentication request; the platform answers the auto-posting form.
    const auth = await fetch(started.headers.get('location')!);
    if (auth.status !== 200) throw new Error(`authentication request answered ${auth.status}: ${await auth.text()}`);
    const { fields } = formFields(await auth.text());
    // 3. The browser posts it to the tool's redirect URI (here the tool's real address).
    const response = await fetch(`${toolBase}/lti/launch`, { method: 'POST', body: new URLSearchParams(fields), headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    return { response, idToken: fields.id_token!, state: fields.state! };
  };

  platform.rotateKey = async () => {
    ({ publicKey, privateKey } = await generateKeyPair('RS256', { extractable: true }));
    kid = `platform-${randomUUID()}`;
    publicJwk = { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' };
  };

  platform.close = () => new Promise<void>((resolve) => server.close(() => resolve()));
  return platform;
}
