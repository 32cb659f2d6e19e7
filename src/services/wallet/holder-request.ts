/**
 * microcred's wallet answering another verifier's OpenID4VP 1.0 request (issue 12 §4): the learner
 * pastes an `openid4vp://` link; the request (by value or request_uri) is resolved with
 * @openid4vc/openid4vp's Openid4vpClient through the guarded fetcher; its DCQL query is matched against
 * her credentials with the `dcql` library; she picks and consents; the presentation is signed with her
 * did:key, bound to the verifier's nonce and client_id, and posted to response_uri (direct_post).
 *
 * Supported: response_mode direct_post; DCQL queries for ldp_vc (answered with a Data Integrity
 * presentation, challenge = nonce, domain = client_id) and jwt_vc_json (a JWT presentation, nonce and
 * aud = client_id); requests unsigned (client_id prefix redirect_uri) or signed by a did:key / did:jwk.
 * Refused in words: Presentation Exchange, encrypted responses (direct_post.jwt), the DC API, other
 * client_id prefixes (x509, federation, verifier attestation), SD-JWT and mdoc queries.
 */
import { randomUUID } from 'node:crypto';
import type { JwtSigner } from '@openid4vc/oauth2';
import { Openid4vpClient, type ResolvedOpenid4vpAuthorizationRequest } from '@openid4vc/openid4vp';
import { DcqlQuery } from 'dcql';
import type { Row } from '../../store/schema.ts';
import { detectAndExtract } from '../../vc/baking/index.ts';
import { asArray, isObject } from '../../vc/json.ts';
import { createPresentation, signPresentation } from '../../vc/presentation.ts';
import type { JsonObject, Signer } from '../../vc/types.ts';
import type { ServiceContext } from '../context.ts';
import { InvalidInput } from '../errors.ts';
import { guardedFetch, PeerUnreachable, sha, signCompactJwt, unreachable, verifyDidJwt } from './openid4vc-callbacks.ts';

type HolderContext = Pick<ServiceContext, 'engine' | 'fetch' | 'now'>;
export type HeldRow = Pick<Row<'wallet_credentials'>, 'id' | 'format' | 'document' | 'original' | 'original_type' | 'name' | 'issuer_name' | 'status'>;

const MAX_REQUEST_LENGTH = 16 * 1024;
/** The W3C formats the wallet presents; others are named in the refusal. */
const PRESENTABLE = new Set(['ldp_vc', 'jwt_vc_json']);
/** OB 3.0 and VC types by their expanded IRIs too: OpenID4VP 1.0 §B.1.1 matches ldp_vc type_values on them. */
const EXPANDED: Record<string, string> = {
  VerifiableCredential: 'https://www.w3.org/2018/credentials#VerifiableCredential',
  OpenBadgeCredential: 'https://purl.imsglobal.org/spec/vc/ob/vocab.html#OpenBadgeCredential',
  AchievementCredential: 'https://purl.imsglobal.org/spec/vc/ob/vocab.html#AchievementCredential',
  EndorsementCredential: 'https://purl.imsglobal.org/spec/vc/ob/vocab.html#EndorsementCredential',
  ClrCredential: 'https://purl.imsglobal.org/spec/vc/clr/vocab.html#ClrCredential',
};

export interface RequestedCredential {
  /** The DCQL credential query id (the key of the answer in vp_token). */
  queryId: string;
  format: string;
  /** The types asked for, as the query lists them (alternatives). */
  types: string[][];
  /** The wallet items that answer this query. */
  matches: { id: string; name: string; issuerName: string | null; status: string }[];
  supported: boolean;
}

export interface RequestPreview {
  clientId: string;
  /** client_metadata.client_name, when the verifier gave one (the verifier's own words, unverified). */
  verifierName: string | null;
  /** Where the answer goes (the host the learner is sending her credentials to). */
  responseUri: string;
  credentials: RequestedCredential[];
  /** True when every credential query can be answered from the wallet. */
  satisfiable: boolean;
  signedRequest: boolean;
}

export interface RequestOutcome {
  /** The verifier accepted the answer (2xx). */
  accepted: boolean;
  /** The verifier's HTTP status and its error, when it refused. */
  status: number;
  error: string | null;
  /** Where the verifier asks the wallet to send the learner next (https only). */
  redirectUri: string | null;
  presented: string[];
}

function requestProblem(message: string): InvalidInput {
  return new InvalidInput(message, [{ pointer: '/request', message }]);
}

/** The request object as the verifier served it, kept to explain a refusal (e.g. a Presentation Exchange request). */
interface Capture { requestObject?: string; unreachable?: PeerUnreachable }

function client(ctx: HolderContext, capture: Capture = {}): Openid4vpClient {
  const fetcher = guardedFetch(ctx.fetch);
  return new Openid4vpClient({
    callbacks: {
      fetch: (async (input: string | URL | Request, init?: RequestInit) => {
        let response: Response;
        try {
          response = await fetcher(input, init);
        } catch (error) {
          // The library replaces what fetch threw with its own error: the reason in words is kept here.
          if (error instanceof PeerUnreachable) capture.unreachable = error;
          throw error;
        }
        if ((init?.method ?? 'GET').toUpperCase() === 'GET' && response.ok) capture.requestObject = (await response.clone().text()).slice(0, 64 * 1024);
        return response;
      }) as typeof fetch,
      hash: sha,
      verifyJwt: (jwtSigner: JwtSigner, jwt) => {
        if (jwtSigner.method !== 'did') return { verified: false };
        const outcome = verifyDidJwt(jwt.compact, jwtSigner.didUrl);
        return outcome.verified && outcome.jwk ? { verified: true, signerJwk: outcome.jwk as never } : { verified: false };
      },
      signJwt: () => {
        throw new TypeError('Signed (JARM) responses are not made by this wallet.');
      },
      decryptJwe: () => {
        throw new TypeError('Encrypted requests are not supported.');
      },
      encryptJwe: () => {
        throw new TypeError('Encrypted responses (direct_post.jwt) are not supported.');
      },
    },
  });
}

function checkRequest(request: unknown): string {
  if (typeof request !== 'string' || request.trim() === '') throw requestProblem('Paste the presentation request (a link starting with openid4vp://).');
  const text = request.trim();
  if (text.length > MAX_REQUEST_LENGTH) throw requestProblem(`The request is longer than ${MAX_REQUEST_LENGTH} characters.`);
  try {
    const parsed = new URL(text);
    if (!parsed.searchParams.has('client_id')) throw new Error('no client_id');
  } catch {
    throw requestProblem('This is not an OpenID4VP request link: it should start with openid4vp:// and name a client_id.');
  }
  return text;
}

/** What the verifier's request object asks for, read without trusting it, only to word a refusal. */
function usesPresentationExchange(requestObject: string | undefined): boolean {
  const payload = requestObject?.split('.')[1];
  if (!payload) return false;
  try {
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as JsonObject;
    return claims.presentation_definition !== undefined || claims.presentation_definition_uri !== undefined;
  } catch {
    return false;
  }
}

/** The libraries' and the network's failures in words for the learner; the libraries' own texts are not passed on. */
function explain(error: unknown, doing: string, capture: Capture = {}): InvalidInput {
  if (error instanceof InvalidInput) return error;
  const peer = unreachable(error) ?? capture.unreachable;
  if (peer) return requestProblem(`${doing}: ${peer.message}`);
  const message = error instanceof Error ? error.message : '';
  if (/presentation_definition/i.test(message) || usesPresentationExchange(capture.requestObject)) {
    return requestProblem(`${doing}: it uses Presentation Exchange, which microcred's wallet does not answer (only DCQL).`);
  }
  if (/client_id.*(prefix|scheme)|x509|federation|verifier_attestation/i.test(message)) return requestProblem(`${doing}: the verifier identifies itself in a way microcred's wallet cannot check (only redirect_uri, did:key and did:jwk).`);
  if (/signature|verif/i.test(message)) return requestProblem(`${doing}: the request's signature does not verify.`);
  if (/https/i.test(message)) return requestProblem(`${doing}: the verifier's addresses must be https.`);
  return requestProblem(`${doing}: it is not a valid OpenID4VP 1.0 request.`);
}

async function resolve(ctx: HolderContext, request: string): Promise<{ vp: Openid4vpClient; resolved: ResolvedOpenid4vpAuthorizationRequest }> {
  const capture: Capture = {};
  const vp = client(ctx, capture);
  let resolved: ResolvedOpenid4vpAuthorizationRequest;
  try {
    const parsed = vp.parseOpenid4vpAuthorizationRequest({ authorizationRequest: request });
    if (parsed.type !== 'openid4vp' && parsed.type !== 'jar') throw requestProblem('This request is for the Digital Credentials API or an issuance session, which a pasted link cannot answer.');
    resolved = await vp.resolveOpenId4vpAuthorizationRequest({ authorizationRequestPayload: parsed.params as never, responseMode: { type: 'direct_post' } });
  } catch (error) {
    throw explain(error, 'The request could not be read', capture);
  }
  const payload = resolved.authorizationRequestPayload as JsonObject;
  if (resolved.pex) throw requestProblem('The verifier asks with Presentation Exchange, which microcred\'s wallet does not answer (only DCQL).');
  if (!resolved.dcql) throw requestProblem('The request holds no DCQL query: there is nothing to answer.');
  if (payload.response_mode !== 'direct_post') {
    throw requestProblem(`The verifier wants the answer by ${String(payload.response_mode ?? 'fragment')}; microcred's wallet answers only with direct_post.`);
  }
  if (typeof payload.response_uri !== 'string') throw requestProblem('The request names no response_uri to send the answer to.');
  return { vp, resolved };
}

function typesOf(document: JsonObject): string[] {
  const types = asArray(document.type).filter((type): type is string => typeof type === 'string');
  return [...new Set([...types, ...types.map((type) => EXPANDED[type]).filter((type): type is string => type !== undefined)])];
}

function jwtOf(row: HeldRow): string | undefined {
  if (row.format !== 'jwt') return undefined;
  const bytes = row.original_type === 'image/png' ? new Uint8Array(Buffer.from(row.original, 'base64')) : new TextEncoder().encode(row.original);
  const extracted = detectAndExtract(bytes);
  return extracted?.ok && extracted.kind === 'ob3-jwt' ? extracted.jwt : undefined;
}

function documentOf(row: HeldRow): JsonObject | undefined {
  if (!row.document) return undefined;
  try {
    const parsed = JSON.parse(row.document) as unknown;
    return isObject(parsed) ? parsed as JsonObject : undefined;
  } catch {
    return undefined;
  }
}

/** The wallet's W3C credentials in DCQL's shape (OB 2.0 badges are not VCs and are never offered). */
function candidates(rows: HeldRow[]): { row: HeldRow; dcql: { credential_format: 'ldp_vc' | 'jwt_vc_json'; type: string[]; claims: Record<string, never>; cryptographic_holder_binding: boolean } }[] {
  const list = [];
  for (const row of rows) {
    if (row.format === 'ob2' || row.status === 'invalid') continue;
    const document = documentOf(row);
    if (!document) continue;
    const format = row.format === 'jwt' ? 'jwt_vc_json' as const : 'ldp_vc' as const;
    if (format === 'jwt_vc_json' && !jwtOf(row)) continue;
    list.push({ row, dcql: { credential_format: format, type: typesOf(document), claims: structuredClone(document) as Record<string, never>, cryptographic_holder_binding: true } });
  }
  return list;
}

function match(resolved: ResolvedOpenid4vpAuthorizationRequest, rows: HeldRow[]): { credentials: RequestedCredential[]; satisfiable: boolean; byQuery: Map<string, HeldRow[]> } {
  let query: DcqlQuery;
  try {
    query = DcqlQuery.parse(resolved.dcql!.query as never);
    DcqlQuery.validate(query);
  } catch {
    throw requestProblem('The request\'s DCQL query is not valid.');
  }
  const held = candidates(rows);
  const result = DcqlQuery.query(query, held.map((entry) => entry.dcql) as never);
  const byQuery = new Map<string, HeldRow[]>();
  const credentials = query.credentials.map((entry): RequestedCredential => {
    const supported = PRESENTABLE.has(entry.format);
    const outcome = result.credential_matches[entry.id] as { success: boolean; valid_credentials?: { input_credential_index: number }[] } | undefined;
    const matched = supported && outcome?.success ? (outcome.valid_credentials ?? []).map((valid) => held[valid.input_credential_index]!.row) : [];
    byQuery.set(entry.id, matched);
    const meta = entry.meta as { type_values?: string[][] } | undefined;
    return {
      queryId: entry.id, format: entry.format, types: meta?.type_values ?? [], supported,
      matches: matched.map((row) => ({ id: row.id, name: row.name, issuerName: row.issuer_name, status: row.status })),
    };
  });
  return { credentials, satisfiable: credentials.every((entry) => entry.matches.length > 0), byQuery };
}

function describe(resolved: ResolvedOpenid4vpAuthorizationRequest, rows: HeldRow[]): RequestPreview & { byQuery: Map<string, HeldRow[]> } {
  const payload = resolved.authorizationRequestPayload as JsonObject;
  const metadata = isObject(payload.client_metadata) ? payload.client_metadata : undefined;
  const { credentials, satisfiable, byQuery } = match(resolved, rows);
  return {
    clientId: resolved.client.effective,
    verifierName: typeof metadata?.client_name === 'string' ? metadata.client_name.slice(0, 300) : null,
    responseUri: String(payload.response_uri),
    credentials, satisfiable, byQuery,
    signedRequest: resolved.jar !== undefined,
  };
}

/** Reads the request and says who asks, for what, and which of the learner's credentials answer it. */
export async function previewRequest(ctx: HolderContext, request: unknown, rows: HeldRow[]): Promise<RequestPreview> {
  const { resolved } = await resolve(ctx, checkRequest(request));
  const { byQuery: _unused, ...preview } = describe(resolved, rows);
  return preview;
}

/**
 * Answers the request with the credentials the learner chose (each must answer one of its queries),
 * signed by her did:key for this verifier's nonce and client_id, posted to its response_uri.
 */
export async function respondToRequest(
  ctx: HolderContext,
  input: { request: unknown; credentialIds: unknown; rows: HeldRow[]; signer: Signer },
): Promise<{ preview: RequestPreview; outcome: RequestOutcome }> {
  const { vp, resolved } = await resolve(ctx, checkRequest(input.request));
  const { byQuery, ...preview } = describe(resolved, input.rows);
  if (!Array.isArray(input.credentialIds) || input.credentialIds.length === 0 || !input.credentialIds.every((id) => typeof id === 'string')) {
    throw InvalidInput.field('/credentialIds', 'must name at least one of your credentials to present');
  }
  const chosen = new Set(input.credentialIds as string[]);
  const payload = resolved.authorizationRequestPayload as JsonObject;
  const nonce = String(payload.nonce);
  const audience = preview.clientId;
  const holder = input.signer.id.split('#')[0]!;
  const vpToken: Record<string, (string | JsonObject)[]> = {};
  const presented: string[] = [];
  for (const requested of preview.credentials) {
    const rows = (byQuery.get(requested.queryId) ?? []).filter((row) => chosen.has(row.id));
    if (rows.length === 0) continue;
    presented.push(...rows.map((row) => row.id));
    if (requested.format === 'jwt_vc_json') {
      const now = Math.floor(ctx.now().getTime() / 1000);
      const jwt = await signCompactJwt(input.signer, { typ: 'JWT', kid: input.signer.id }, {
        iss: holder, aud: audience, nonce, iat: now, nbf: now, exp: now + 600, jti: `urn:uuid:${randomUUID()}`,
        vp: { '@context': ['https://www.w3.org/2018/credentials/v1'], type: ['VerifiablePresentation'], holder, verifiableCredential: rows.map((row) => jwtOf(row)!) },
      });
      vpToken[requested.queryId] = [jwt];
    } else {
      const presentation = createPresentation({ credentials: rows.map((row) => documentOf(row)!), holder, id: `urn:uuid:${randomUUID()}` });
      // OpenID4VP 1.0 §B.1.3.2: a Data Integrity presentation binds challenge = nonce and domain = client_id.
      vpToken[requested.queryId] = [await signPresentation({ presentation, signer: input.signer, documentLoader: ctx.engine.loaderFor(presentation), now: ctx.now(), challenge: nonce, domain: audience })];
    }
  }
  const unknown = [...chosen].filter((id) => !presented.includes(id));
  if (unknown.length > 0) throw InvalidInput.field('/credentialIds', 'names a credential that does not answer this request');
  let response: Response;
  try {
    const answer = await vp.createOpenid4vpAuthorizationResponse({
      authorizationRequestPayload: payload as never,
      authorizationResponsePayload: { vp_token: vpToken as never },
    });
    response = (await vp.submitOpenid4vpAuthorizationResponse({
      authorizationRequestPayload: payload as never,
      authorizationResponsePayload: answer.authorizationResponsePayload,
    })).response;
  } catch (error) {
    throw explain(error, 'The answer could not be sent to the verifier');
  }
  const text = await response.text();
  let body: JsonObject = {};
  try {
    const parsed = JSON.parse(text) as unknown;
    if (isObject(parsed)) body = parsed as JsonObject;
  } catch {
    // a verifier may answer 200 with no JSON
  }
  const redirect = typeof body.redirect_uri === 'string' && /^https:\/\//i.test(body.redirect_uri) ? body.redirect_uri.slice(0, 2048) : null;
  return {
    preview,
    outcome: {
      accepted: response.ok, status: response.status, presented,
      error: response.ok ? null : `${typeof body.error === 'string' ? body.error.slice(0, 100) : `status ${response.status}`}${typeof body.error_description === 'string' ? `: ${body.error_description.slice(0, 300)}` : ''}`,
      redirectUri: response.ok ? redirect : null,
    },
  };
}
