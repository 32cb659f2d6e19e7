import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { Row } from '../../store/schema.ts';
import type { FetchedDocument } from '../../vc/types.ts';
import { audit } from '../audit.ts';
import type { ServiceContext } from '../context.ts';
import { InvalidInput, NotFound } from '../errors.ts';
import { findByClaimToken } from '../wallet/claim.ts';
import { OB_SCOPES } from './host.ts';

/** Where a learner's host sends her back after she consented (this instance's OAuth redirect URI). */
export const CONSUMER_CALLBACK_PATH = '/ims/ob/v3p0/consumer/callback';
const PUSH_TTL_MS = 30 * 60_000;

/** What the issuer reads from a host's Service Description Document (OB 3.0 §6.3, "Service Discovery"). */
export interface HostDescription {
  apiBase: string;
  authorizationUrl: string;
  tokenUrl: string;
  registrationUrl: string;
}

export interface PushStart {
  pushId: string;
  /** Where the learner goes to sign in on her host and consent. */
  authorizationUrl: string;
}

export interface PushOutcome {
  pushId: string;
  status: 'pushed' | 'failed' | 'denied';
  /** The host's answer to upsertCredential (200, 201, 304), or its error status. */
  httpStatus?: number;
  detail: string;
}

/**
 * microcred as an OB 3.0 API consumer (issue 13 §1): the organisation that issued a credential pushes it
 * into the learner's wallet on another host, when she asks (from her claim link). Discovery, dynamic
 * registration (RFC 7591, once per organisation and host), authorization code with PKCE S256 (RFC 7636),
 * then upsertCredential. Everything goes through the guarded fetcher.
 *
 * @example
 *   const { authorizationUrl } = await obConsumer.startPush(claimToken, 'https://wallet.example/ims/ob/v3p0/discovery');
 *   // … the learner consents on her host, which redirects to CONSUMER_CALLBACK_PATH …
 *   const outcome = await obConsumer.completePush({ state, code });
 */
export function createObConsumerService(ctx: ServiceContext) {
  const redirectUri = `${ctx.config.publicUrl}${CONSUMER_CALLBACK_PATH}`;

  async function call(url: string, options: { post?: { body: string; headers: Record<string, string> }; accept?: number[] } = {}): Promise<FetchedDocument> {
    try {
      return await ctx.fetch(url, { ...(options.post ? { post: options.post } : {}), ...(options.accept ? { acceptStatus: options.accept } : {}) });
    } catch (error) {
      throw new InvalidInput(`The learner's host could not be reached at ${url}: ${(error as Error).message}`, [], { status: 422 });
    }
  }

  function json(document: FetchedDocument, what: string): Record<string, unknown> {
    try {
      const value = JSON.parse(new TextDecoder().decode(document.body)) as unknown;
      if (value && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
    } catch { /* said below */ }
    throw new InvalidInput(`The learner's host answered something that is not ${what} (JSON object expected).`, [], { status: 422 });
  }

  /** Reads the Service Description Document: the API's base URL and the OAuth 2.0 endpoints. */
  async function discover(discoveryUrl: string): Promise<HostDescription> {
    const sdd = json(await call(discoveryUrl), 'a Service Description Document');
    const servers = sdd.servers as { url?: unknown }[] | undefined;
    const schemes = (sdd.components as { securitySchemes?: Record<string, { type?: string; 'x-imssf-registrationUrl'?: unknown; flows?: { authorizationCode?: Record<string, unknown> } }> } | undefined)?.securitySchemes ?? {};
    const scheme = Object.values(schemes).find((entry) => entry.type === 'oauth2' && entry.flows?.authorizationCode);
    const flow = scheme?.flows?.authorizationCode;
    const apiBase = servers?.[0]?.url;
    const text = (value: unknown, name: string) => {
      if (typeof value !== 'string' || !/^https?:\/\//.test(value)) throw new InvalidInput(`The host's Service Description Document has no ${name}.`, [], { status: 422 });
      return new URL(value, discoveryUrl).toString().replace(/\/$/, '');
    };
    return {
      apiBase: text(apiBase, 'server URL'),
      authorizationUrl: text(flow?.authorizationUrl, 'authorization URL'),
      tokenUrl: text(flow?.tokenUrl, 'token URL'),
      registrationUrl: text(scheme?.['x-imssf-registrationUrl'] ?? flow?.['x-imssf-registrationUrl'], 'registration URL (x-imssf-registrationUrl)'),
    };
  }

  /** The organisation's registration with a host: made once (RFC 7591), then reused. */
  async function hostFor(organisationId: string, discoveryUrl: string): Promise<Row<'ob_hosts'>> {
    const known = await ctx.db.selectFrom('ob_hosts').selectAll().where('organisation_id', '=', organisationId).where('discovery_url', '=', discoveryUrl).executeTakeFirst();
    if (known) return known;
    const host = await discover(discoveryUrl);
    const organisation = await ctx.db.selectFrom('organisations').select('name').where('id', '=', organisationId).executeTakeFirstOrThrow();
    const registration = json(await call(host.registrationUrl, {
      post: {
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify({
        client_name: organisation.name,
        client_uri: ctx.config.publicUrl,
        redirect_uris: [redirectUri],
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_basic',
        scope: OB_SCOPES.credentialUpsert,
        software_id: 'microcred',
        software_version: '0.1.0',
        }),
      },
    }), 'a client registration');
    if (typeof registration.client_id !== 'string') throw new InvalidInput('The host did not register this organisation as a client (no client_id).', [], { status: 422 });
    const row: Row<'ob_hosts'> = {
      id: randomUUID(), organisation_id: organisationId, discovery_url: discoveryUrl, api_base: host.apiBase,
      authorization_url: host.authorizationUrl, token_url: host.tokenUrl, client_id: registration.client_id,
      client_secret: typeof registration.client_secret === 'string' ? ctx.vault.seal(new TextEncoder().encode(registration.client_secret)) : null,
      created_at: ctx.now().toISOString(),
    };
    await ctx.db.insertInto('ob_hosts').values(row).onConflict((oc) => oc.columns(['organisation_id', 'discovery_url']).doNothing()).execute();
    return (await ctx.db.selectFrom('ob_hosts').selectAll().where('organisation_id', '=', organisationId).where('discovery_url', '=', discoveryUrl).executeTakeFirstOrThrow());
  }

  return {
    discover,

    /**
     * The learner, from her claim link, asks for the credential to be sent to her wallet on another OB 3.0
     * host. Registers with the host if needed and answers where she consents.
     */
    async startPush(claimToken: string, hostUrl: string): Promise<PushStart> {
      const credential = await findByClaimToken(ctx.db, claimToken);
      if (!credential) throw new NotFound('claim link');
      if (credential.status === 'revoked') throw new InvalidInput('This credential was revoked; it cannot be sent anywhere.', [], { status: 422 });
      const discoveryUrl = discoveryUrlOf(hostUrl);
      const host = await hostFor(credential.organisation_id, discoveryUrl);
      const state = randomBytes(32).toString('base64url');
      const verifier = randomBytes(32).toString('base64url');
      const challenge = createHash('sha256').update(verifier).digest('base64url');
      const id = randomUUID();
      const now = ctx.now();
      await ctx.db.transaction().execute(async (trx) => {
        await trx.insertInto('ob_pushes').values({
          id, host_id: host.id, credential_id: credential.id, state_hash: sha256(state),
          code_verifier: ctx.vault.seal(new TextEncoder().encode(verifier)), status: 'pending', http_status: null, detail: null,
          created_at: now.toISOString(), expires_at: new Date(now.getTime() + PUSH_TTL_MS).toISOString(), completed_at: null,
        }).execute();
        await audit(ctx, trx, { kind: 'anonymous' }, { organisationId: credential.organisation_id, action: 'ob-api.push.start', targetType: 'credential', targetId: credential.id, details: { host: host.api_base } });
      });
      const url = new URL(host.authorization_url);
      url.search = new URLSearchParams({
        response_type: 'code', client_id: host.client_id, redirect_uri: redirectUri, scope: OB_SCOPES.credentialUpsert,
        state, code_challenge: challenge, code_challenge_method: 'S256',
      }).toString();
      return { pushId: id, authorizationUrl: url.toString() };
    },

    /** The host sent the learner back: exchange the code (PKCE), push the credential, record the outcome. */
    async completePush(input: { state?: string; code?: string; error?: string }): Promise<PushOutcome> {
      if (!input.state) throw InvalidInput.field('/state', 'is missing');
      const push = await ctx.db.selectFrom('ob_pushes').selectAll().where('state_hash', '=', sha256(input.state)).executeTakeFirst();
      if (!push || push.status !== 'pending' || push.expires_at <= ctx.now().toISOString() || push.code_verifier === null) throw new NotFound('pending push');
      const host = await ctx.db.selectFrom('ob_hosts').selectAll().where('id', '=', push.host_id).executeTakeFirstOrThrow();
      const credential = await ctx.db.selectFrom('credentials').select(['organisation_id', 'format', 'document']).where('id', '=', push.credential_id).executeTakeFirstOrThrow();
      const verifier = new TextDecoder().decode(ctx.vault.open(push.code_verifier));
      const finish = async (status: PushOutcome['status'], detail: string, httpStatus?: number): Promise<PushOutcome> => {
        await ctx.db.transaction().execute(async (trx) => {
          await trx.updateTable('ob_pushes').set({ status, detail, http_status: httpStatus ?? null, code_verifier: null, completed_at: ctx.now().toISOString() }).where('id', '=', push.id).execute();
          await audit(ctx, trx, { kind: 'anonymous' }, { organisationId: credential.organisation_id, action: `ob-api.push.${status}`, targetType: 'credential', targetId: push.credential_id, details: { host: host.api_base, ...(httpStatus ? { httpStatus } : {}) } });
        });
        return { pushId: push.id, status, detail, ...(httpStatus !== undefined ? { httpStatus } : {}) };
      };
      if (input.error || !input.code) return finish('denied', `The host answered ${input.error ?? 'without a code'}: the credential was not sent.`);
      const secret = host.client_secret ? new TextDecoder().decode(ctx.vault.open(host.client_secret)) : undefined;
      const basic: Record<string, string> = secret !== undefined ? { authorization: `Basic ${Buffer.from(`${encodeURIComponent(host.client_id)}:${encodeURIComponent(secret)}`).toString('base64')}` } : {};
      const tokenAnswer = await ctx.fetch(host.token_url, {
        acceptStatus: [400, 401],
        post: {
          headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json', ...basic },
          body: new URLSearchParams({ grant_type: 'authorization_code', code: input.code, redirect_uri: redirectUri, code_verifier: verifier, ...(secret === undefined ? { client_id: host.client_id } : {}) }).toString(),
        },
      }).catch((error: Error) => ({ status: 0, body: new TextEncoder().encode(error.message), url: host.token_url }) as FetchedDocument);
      if (tokenAnswer.status !== 200) return finish('failed', 'The host did not grant an access token.', tokenAnswer.status);
      const token = json(tokenAnswer, 'a token response').access_token;
      if (typeof token !== 'string') return finish('failed', 'The host\'s token response has no access_token.');
      const jwt = credential.format === 'jwt';
      const answer = await ctx.fetch(`${host.api_base}/credentials`, {
        acceptStatus: [304, 400, 401, 403, 404, 405, 413, 415, 422, 500],
        post: { headers: { authorization: `Bearer ${token}`, 'content-type': jwt ? 'text/plain' : 'application/json', accept: 'application/json' }, body: credential.document },
      }).catch((error: Error) => ({ status: 0, body: new TextEncoder().encode(error.message), url: host.api_base }) as FetchedDocument);
      const status = answer.status ?? 0;
      if (status === 200 || status === 201 || status === 304) {
        return finish('pushed', status === 201 ? 'The credential is now in the learner\'s wallet on her host.' : 'The learner\'s host already held this credential.', status);
      }
      return finish('failed', `The host refused the credential (${status}).`, status);
    },
  };
}

/** A host's address as the learner gives it: its discovery URL, or its site (the discovery path is standard). */
export function discoveryUrlOf(hostUrl: string): string {
  let url: URL;
  try {
    url = new URL(hostUrl.trim());
  } catch {
    throw InvalidInput.field('/hostUrl', 'is not a URL');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw InvalidInput.field('/hostUrl', 'must be an http(s) URL');
  if (/\/ims\/ob\/v3p0\/discovery\/?$/.test(url.pathname)) return url.toString().replace(/\/$/, '');
  return `${url.origin}${url.pathname.replace(/\/$/, '')}/ims/ob/v3p0/discovery`;
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

export type ObConsumerService = ReturnType<typeof createObConsumerService>;
