/**
 * OpenID for Verifiable Presentations 1.0, verifier side (issue 12 §2). The public verifier (and a
 * learner applying to a programme) asks a wallet for an Open Badge: a request object passed by
 * reference (`request_uri`), answered with `response_mode=direct_post` at a response URI of its own.
 *
 * Client identifier prefix `redirect_uri:` (OpenID4VP 1.0 §5.9.3): the client_id is the response URI
 * itself, and such a request cannot be signed, so the request object is an unsigned JWT (`alg: none`,
 * RFC 9101 §4). A wallet trusts nothing but the URL it posts to, which is what the QR code shows.
 *
 * @openid4vc/openid4vp builds and checks the request and parses the answer (state, vp_token shape
 * against the DCQL query); the presentations themselves are verified by our engine: the holder's
 * signature with the nonce as challenge and the client_id as domain (ldp_vp) or nonce and aud
 * (jwt_vp_json), then every credential with every check the public verifier makes.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { getGlobalConfig, Oauth2ServerErrorResponseError, setGlobalConfig } from '@openid4vc/oauth2';
import { Openid4vpVerifier, type createOpenid4vpAuthorizationRequest } from '@openid4vc/openid4vp';
import type { RecognitionAgreement } from '../../domain/recognition/index.ts';
import { qrSvg } from '../../render/qr.ts';
import type { PresentationPurpose, PresentationRequestStatus } from '../../store/schema-presentations.ts';
import type { Row } from '../../store/schema.ts';
import { asArray, isObject } from '../../vc/json.ts';
import { embeddedCredentials } from '../../vc/presentation.ts';
import type { Check, JsonObject, VerificationResult } from '../../vc/types.ts';
import type { AnyVerification } from '../../vc/verify-any.ts';
import type { Actor } from '../access.ts';
import type { ServiceContext } from '../context.ts';
import { InvalidInput, NotFound } from '../errors.ts';
import type { RecognitionService } from '../recognition/index.ts';
import { toAnswer, type VerifierAnswer } from '../verifier.ts';
import { walletOwner, type WalletService } from '../wallet/index.ts';
import { dcqlCredentialOf, dcqlQueryFor, satisfies, wantedForAgreements, type W3cFormat, type WantedBadge } from './dcql.ts';

/** How long a wallet has to answer (the request object's `exp`). */
export const REQUEST_TTL_SECONDS = 10 * 60;
/** Largest answer read from a wallet (a presentation of a few credentials, with their images). */
export const MAX_RESPONSE_BYTES = 4 * 1024 * 1024;
/** How long a request and its verdict are kept after the request expired. */
export const KEEP_AFTER_EXPIRY_MS = 24 * 60 * 60_000;
export const REQUEST_PATH = '/oid4vp/requests';
export const RESPONSE_PATH = '/oid4vp/responses';

/** An answer the response endpoint refuses, as OpenID4VP 1.0 §8.2 / RFC 6749 §5.2 name it. */
export class Openid4vpError extends Error {
  readonly error: string;
  readonly status: number;
  constructor(error: string, description: string, status = 400) {
    super(description);
    this.name = 'Openid4vpError';
    this.error = error;
    this.status = status;
  }
}

export interface PresentationRequestCreated {
  id: string;
  /** The secret the requesting page polls with (kept only as a hash). */
  handle: string;
  /** `openid4vp://?client_id=…&request_uri=…`: what the QR code holds. */
  link: string;
  /** The QR code of the link, as SVG. */
  qr: string;
  requestUri: string;
  clientId: string;
  expiresAt: string;
  dcqlQuery: JsonObject;
}

export interface PresentationRequestState {
  status: PresentationRequestStatus | 'expired';
  expiresAt: string;
  /** Answers refused (a wrong nonce or audience, a bad holder signature, a replay): how many, the last reason. */
  refused: number;
  lastRefusal?: string;
  answer?: VerifierAnswer;
  /** The wallet's own error, when it declined (access_denied…). */
  declined?: { error: string; description?: string };
  /** For a recognition application: the request it became. */
  recognitionRequestId?: string;
  /** For a recognition application that could not be made from the answer: why. */
  recognitionProblem?: string;
}

const CLIENT_NAME = 'microcred verifier';

/** A verified answer, and the credentials it carried as they were signed (in the order of `verification.credentials`). */
interface Presented {
  verification: AnyVerification;
  originals: Array<JsonObject | string>;
}
const UNSIGNED_HEADER = Buffer.from(JSON.stringify({ alg: 'none', typ: 'oauth-authz-req+jwt' })).toString('base64url');

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

function fail(error: string, description: string): never {
  throw new Openid4vpError(error, description);
}

/** The library's callbacks: this verifier signs, encrypts and decrypts nothing (no JAR signing, no JARM). */
const callbacks: ConstructorParameters<typeof Openid4vpVerifier>[0]['callbacks'] = {
  hash: (data, alg) => new Uint8Array(createHash(alg.replace('-', '').toLowerCase()).update(data).digest()),
  signJwt: () => { throw new Error('this verifier does not sign request objects (redirect_uri client identifier prefix)'); },
  verifyJwt: () => ({ verified: false }),
  encryptJwe: () => { throw new Error('this verifier does not encrypt'); },
  decryptJwe: () => ({ decrypted: false }),
};
const verifierLibrary = new Openid4vpVerifier({ callbacks });

type AuthorizationRequestPayload = Parameters<typeof createOpenid4vpAuthorizationRequest>[0]['authorizationRequestPayload'];
type ResponseRequestPayload = Parameters<typeof verifierLibrary.parseOpenid4vpAuthorizationResponse>[0]['authorizationRequestPayload'];

/** The presentation requests of the public verifier and of recognition applications. */
export function createPresentationRequestService(ctx: ServiceContext, deps: { wallet: WalletService; recognition: RecognitionService }) {
  const base = ctx.config.publicUrl;
  // The library accepts only https:// response URIs unless told otherwise; an instance served over plain
  // http (development, tests on 127.0.0.1) needs its own URLs accepted. The setting is the library's,
  // process-wide: it is only ever turned on, never off, so that another instance in the process keeps working.
  if (base.startsWith('http:') && !getGlobalConfig().allowInsecureUrls) setGlobalConfig({ ...getGlobalConfig(), allowInsecureUrls: true });

  async function create(input: { purpose: PresentationPurpose; wanted: WantedBadge[]; optional?: boolean; userId?: string; programmeId?: string }): Promise<PresentationRequestCreated> {
    const id = randomUUID();
    const handle = randomBytes(24).toString('base64url');
    const nonce = randomBytes(24).toString('base64url');
    const responseUri = `${base}${RESPONSE_PATH}/${id}`;
    const requestUri = `${base}${REQUEST_PATH}/${id}`;
    const clientId = `redirect_uri:${responseUri}`;
    const dcqlQuery = dcqlQueryFor(input.wanted, input.optional ? { optional: true } : {});
    const payload = {
      response_type: 'vp_token', client_id: clientId, response_uri: responseUri, response_mode: 'direct_post',
      nonce, state: id, dcql_query: dcqlQuery,
      client_metadata: {
        client_name: CLIENT_NAME,
        vp_formats_supported: {
          // Appendix B.1.3.2.1 also allows cryptosuite_values (optional); wallets built on Sphereon's schema refuse it, so it is left out.
          ldp_vc: { proof_type_values: ['DataIntegrityProof', 'Ed25519Signature2020'] },
          jwt_vc_json: { alg_values: ['EdDSA', 'ES256', 'RS256'] },
        },
      },
    } as AuthorizationRequestPayload;
    // The library checks the request against OpenID4VP 1.0 (client_id prefix, response_uri, DCQL) before a wallet sees it.
    await verifierLibrary.createOpenId4vpAuthorizationRequest({ authorizationRequestPayload: payload, now: ctx.now() });
    const now = ctx.now();
    const expires = new Date(now.getTime() + REQUEST_TTL_SECONDS * 1000);
    const requestObject = {
      ...payload,
      aud: 'https://self-issued.me/v2',
      iat: Math.floor(now.getTime() / 1000),
      exp: Math.floor(expires.getTime() / 1000),
    };
    // A verdict holds what the wallet presented: it is kept for the page to read, then forgotten a day after the request expired.
    await ctx.db.deleteFrom('presentation_requests').where('expires_at', '<', new Date(now.getTime() - KEEP_AFTER_EXPIRY_MS).toISOString()).execute();
    await ctx.db.insertInto('presentation_requests').values({
      id, handle_hash: sha256(handle), purpose: input.purpose, nonce, client_id: clientId, request: JSON.stringify(requestObject),
      user_id: input.userId ?? null, programme_id: input.programmeId ?? null, status: 'pending', result: null, refused: 0,
      last_refusal: null, recognition_request_id: null, created_at: now.toISOString(), expires_at: expires.toISOString(), answered_at: null,
    }).execute();
    // OpenID4VP 1.0 §5.7: by reference, only client_id and request_uri travel in the link.
    const link = `openid4vp://?${new URLSearchParams({ client_id: clientId, request_uri: requestUri }).toString()}`;
    ctx.metrics.increment('microcred_presentation_requests_total', { purpose: input.purpose });
    return {
      id, handle, link, qr: qrSvg(link, { title: 'QR code of the presentation request: scan it with your wallet' }),
      requestUri, clientId, expiresAt: expires.toISOString(), dcqlQuery: dcqlQuery as unknown as JsonObject,
    };
  }

  async function findRow(id: string): Promise<Row<'presentation_requests'> | undefined> {
    if (typeof id !== 'string' || !/^[0-9a-f-]{36}$/.test(id)) return undefined;
    return await ctx.db.selectFrom('presentation_requests').selectAll().where('id', '=', id).executeTakeFirst();
  }

  const expired = (row: Row<'presentation_requests'>): boolean => Date.parse(row.expires_at) <= ctx.now().getTime();

  async function refuse(row: Row<'presentation_requests'>, error: string, description: string): Promise<never> {
    // The last reason is kept while the request waits (the page shows it); after the answer it would hide the recognition outcome.
    await ctx.db.updateTable('presentation_requests')
      .set((eb) => ({ refused: eb('refused', '+', 1), ...(row.status === 'pending' ? { last_refusal: description } : {}) }))
      .where('id', '=', row.id).execute();
    ctx.metrics.increment('microcred_presentation_responses_total', { outcome: 'refused' });
    return fail(error, description);
  }

  /** Verifies each presentation of the answer; a presentation whose own proof fails refuses the whole answer. */
  async function verifyAnswer(row: Row<'presentation_requests'>, request: JsonObject, presentations: Record<string, unknown[]>): Promise<Presented> {
    const credentials: VerificationResult[] = [];
    const originals: Array<JsonObject | string> = [];
    const given: Record<string, JsonObject[]> = {};
    const proofMessages: string[] = [];
    let first: JsonObject | undefined;
    let container: 'json' | 'jwt' = 'json';
    for (const [queryId, list] of Object.entries(presentations)) {
      const format = formatOfQuery(request, queryId);
      if (!format) return await refuse(row, 'invalid_request', `The vp_token answers “${queryId}”, which the request did not ask for.`);
      given[queryId] = [];
      for (const presentation of list) {
        if (format === 'jwt_vc_json' ? typeof presentation !== 'string' : !isObject(presentation)) {
          return await refuse(row, 'invalid_request', `The presentation for “${queryId}” is not a ${format === 'jwt_vc_json' ? 'JWT (jwt_vp_json)' : 'JSON object (ldp_vp)'}, as the format asked for requires.`);
        }
        const result = await ctx.engine.verifyPresentation({ presentation, challenge: row.nonce, domain: row.client_id, now: ctx.now() });
        const proof = result.checks.find((check) => check.check === 'presentation-proof');
        // OpenID4VP 1.0 §14.1 and Appendix B: a presentation not bound to this nonce and client_id, or not signed by its holder, is no answer.
        if (!proof || proof.outcome !== 'passed') return await refuse(row, 'invalid_request', proof?.message ?? 'The presentation could not be checked.');
        proofMessages.push(proof.message);
        first ??= result.presentation;
        if (typeof presentation === 'string') container = 'jwt';
        credentials.push(...result.credentials);
        originals.push(...embeddedCredentials(result.presentation));
        for (const credential of result.credentials) if (credential.credential) given[queryId]!.push(dcqlCredentialOf(credential.credential, format));
      }
    }
    const checks: Check[] = [{ check: 'presentation-proof', outcome: 'passed', message: proofMessages.length === 1 ? proofMessages[0]! : `Each of the ${proofMessages.length} presentations is signed by its holder for this request.` }];
    const bad = credentials.filter((credential) => !credential.verified).length;
    checks.push(credentials.length === 0
      ? { check: 'credentials', outcome: 'failed', message: 'The wallet presented no credential.' }
      : bad === 0
        ? { check: 'credentials', outcome: 'passed', message: credentials.length === 1 ? 'The credential in the presentation verified.' : `All ${credentials.length} credentials in the presentation verified.` }
        : { check: 'credentials', outcome: 'failed', message: `${bad} of ${credentials.length} credentials in the presentation did not verify.` });
    const match = satisfies(request.dcql_query as never, given);
    checks.push({ check: 'request', outcome: match.ok ? 'passed' : 'failed', message: match.message });
    return {
      verification: {
        verified: checks.every((check) => check.outcome !== 'failed'), checks, credentials,
        ...(first ? { credential: first } : {}), standard: 'Verifiable Presentation', format: 'vp', container,
      },
      originals,
    };
  }

  /** A recognition application from the answer: the verified credentials enter the learner's wallet, then the request is made. */
  async function applyForRecognition(row: Row<'presentation_requests'>, presented: Presented): Promise<{ requestId?: string; problem?: string }> {
    if (!row.user_id || !row.programme_id) return { problem: 'The request names no learner or programme.' };
    const actor: Actor = { kind: 'user', userId: row.user_id };
    const ids: string[] = [];
    for (const [index, result] of (presented.verification.credentials ?? []).entries()) {
      const original = presented.originals[index];
      if (!result.verified || original === undefined) continue;
      // The credential as the issuer signed it (a VC-JWT stays a JWT), so the wallet keeps the original.
      const bytes = new TextEncoder().encode(typeof original === 'string' ? original : JSON.stringify(original));
      try {
        ids.push((await deps.wallet.importCredential(actor, { bytes, source: 'paste' })).item.id);
      } catch (error) {
        ctx.log.warn({ presentationRequestId: row.id, err: error instanceof Error ? error.name : 'unknown' }, 'a presented credential could not be kept in the wallet');
      }
    }
    if (ids.length === 0) return { problem: 'No credential in the answer verified, so no recognition request was made.' };
    try {
      const made = await deps.recognition.requestRecognition(actor, { programmeId: row.programme_id, credentialIds: ids });
      return { requestId: made.id };
    } catch (error) {
      return { problem: error instanceof InvalidInput || error instanceof NotFound ? error.message : 'The recognition request could not be made.' };
    }
  }

  return {
    /**
     * A request for any Open Badge 3.0 credential (optionally one issuer's, or one achievement's), by
     * anyone: the public verifier's page shows its QR code and polls with the handle.
     */
    async createForVerifier(input: { issuerId?: string; achievementId?: string }): Promise<PresentationRequestCreated> {
      for (const key of ['issuerId', 'achievementId'] as const) {
        const value = input[key];
        if (value !== undefined && (value.length === 0 || value.length > 2048 || !/^[a-z][a-z0-9+.-]*:\S+$/i.test(value))) throw InvalidInput.field(`/${key}`, 'must be a URL or a DID');
      }
      return await create({ purpose: 'verify', wanted: [{ ...(input.issuerId ? { issuerId: input.issuerId } : {}), ...(input.achievementId ? { achievementId: input.achievementId } : {}) }] });
    },

    /**
     * A learner applying to a programme asks her own wallet for the credentials its agreements name
     * (DCQL built from each agreement's issuer and achievement), instead of choosing uploads.
     */
    async createForRecognition(actor: Actor, input: { programmeId: string }): Promise<PresentationRequestCreated> {
      const userId = walletOwner(actor);
      const programme = await ctx.db.selectFrom('recognition_programmes').select(['id']).where('id', '=', input.programmeId).executeTakeFirst();
      if (!programme) throw new NotFound('programme');
      const agreements = (await ctx.db.selectFrom('recognition_agreements').select('definition').where('programme_id', '=', programme.id).orderBy('id').execute())
        .map((row) => JSON.parse(row.definition) as RecognitionAgreement);
      if (agreements.length === 0) throw InvalidInput.field('/programmeId', 'has no recognition agreements: there is nothing to ask a wallet for');
      return await create({ purpose: 'recognition', wanted: wantedForAgreements(agreements.map((agreement) => agreement.match)), optional: true, userId, programmeId: programme.id });
    },

    /** The request object a wallet reads at the request_uri (an unsigned JWT), or undefined when unknown or expired. */
    async requestObject(id: string): Promise<string | undefined> {
      const row = await findRow(id);
      if (!row || expired(row) || row.status !== 'pending') return undefined;
      return `${UNSIGNED_HEADER}.${Buffer.from(row.request).toString('base64url')}.`;
    },

    /**
     * The wallet's answer at the response URI (direct_post, form-encoded). Refused answers throw
     * {@link Openid4vpError}; an accepted one is kept as the request's verdict, once.
     */
    async respond(id: string, body: Record<string, unknown>): Promise<Record<string, never>> {
      const row = await findRow(id);
      if (!row) fail('invalid_request', 'There is no presentation request at this address.');
      if (row.status !== 'pending') return await refuse(row, 'invalid_request', 'This presentation request was already answered; an answer is taken once.');
      if (expired(row)) return await refuse(row, 'invalid_request', 'This presentation request has expired; ask the verifier for a new one.');
      const request = JSON.parse(row.request) as JsonObject;

      // OpenID4VP 1.0 §8.5: the wallet may answer with an error instead (access_denied when the person declines).
      if (typeof body.error === 'string') {
        if (body.state !== undefined && body.state !== row.id) return await refuse(row, 'invalid_request', 'The state of the error response is not this request’s.');
        const declined = { error: body.error.slice(0, 200), ...(typeof body.error_description === 'string' ? { description: body.error_description.slice(0, 1000) } : {}) };
        const taken = await ctx.db.updateTable('presentation_requests').set({ status: 'declined', result: JSON.stringify(declined), answered_at: ctx.now().toISOString() })
          .where('id', '=', row.id).where('status', '=', 'pending').executeTakeFirst();
        if (Number(taken.numUpdatedRows) === 0) return await refuse(row, 'invalid_request', 'This presentation request was already answered; an answer is taken once.');
        return {};
      }

      const response: Record<string, unknown> = { ...body };
      if (typeof response.vp_token === 'string' && response.vp_token.trimStart().startsWith('{')) {
        try {
          response.vp_token = JSON.parse(response.vp_token);
        } catch {
          return await refuse(row, 'invalid_request', 'The vp_token is not valid JSON.');
        }
      }
      let parsed: Awaited<ReturnType<typeof verifierLibrary.parseOpenid4vpAuthorizationResponse>>;
      try {
        parsed = await verifierLibrary.parseOpenid4vpAuthorizationResponse({ authorizationResponse: response, authorizationRequestPayload: request as ResponseRequestPayload, callbacks });
      } catch (error) {
        const description = error instanceof Oauth2ServerErrorResponseError ? error.errorResponse.error_description ?? error.errorResponse.error : 'The answer is not an OpenID4VP authorization response with a vp_token for this request’s DCQL query.';
        return await refuse(row, 'invalid_request', String(description));
      }
      if (parsed.type !== 'dcql' || !parsed.dcql) return await refuse(row, 'invalid_request', 'The answer must be a DCQL vp_token.');
      const presentations = parsed.dcql.presentations as Record<string, unknown[]>;

      const presented = await verifyAnswer(row, request, presentations);
      const answer = toAnswer(presented.verification);
      // One answer per request: the update takes the row only while it is still pending (replay and races lose here).
      const taken = await ctx.db.updateTable('presentation_requests').set({ status: 'answered', result: JSON.stringify(answer), answered_at: ctx.now().toISOString() })
        .where('id', '=', row.id).where('status', '=', 'pending').executeTakeFirst();
      if (Number(taken.numUpdatedRows) === 0) return await refuse(row, 'invalid_request', 'This presentation request was already answered; an answer is taken once.');
      ctx.metrics.increment('microcred_presentation_responses_total', { outcome: answer.verified ? 'verified' : 'failed' });
      if (row.purpose === 'recognition') {
        const applied = await applyForRecognition(row, presented);
        await ctx.db.updateTable('presentation_requests').set({
          recognition_request_id: applied.requestId ?? null,
          ...(applied.problem ? { last_refusal: applied.problem } : {}),
        }).where('id', '=', row.id).execute();
      }
      return {};
    },

    /** What the page that made the request sees: pending, the verdict, the wallet's refusal, or expired. */
    async state(handle: string): Promise<PresentationRequestState> {
      if (typeof handle !== 'string' || handle.length < 16 || handle.length > 64) throw new NotFound('presentation request');
      const row = await ctx.db.selectFrom('presentation_requests').selectAll().where('handle_hash', '=', sha256(handle)).executeTakeFirst();
      if (!row) throw new NotFound('presentation request');
      const state: PresentationRequestState = {
        status: row.status === 'pending' && expired(row) ? 'expired' : row.status,
        expiresAt: row.expires_at,
        refused: row.refused,
        ...(row.last_refusal ? { lastRefusal: row.last_refusal } : {}),
      };
      if (row.status === 'answered' && row.result) state.answer = JSON.parse(row.result) as VerifierAnswer;
      if (row.status === 'declined' && row.result) state.declined = JSON.parse(row.result) as { error: string; description?: string };
      if (row.purpose === 'recognition' && row.status === 'answered') {
        if (row.recognition_request_id) state.recognitionRequestId = row.recognition_request_id;
        else if (row.last_refusal) state.recognitionProblem = row.last_refusal;
      }
      return state;
    },
  };
}

function formatOfQuery(request: JsonObject, queryId: string): W3cFormat | undefined {
  const query = isObject(request.dcql_query) ? request.dcql_query : undefined;
  const found = asArray(query?.credentials).find((entry) => isObject(entry) && entry.id === queryId);
  const format = isObject(found) ? found.format : undefined;
  return format === 'ldp_vc' || format === 'jwt_vc_json' ? format : undefined;
}

export type PresentationRequestService = ReturnType<typeof createPresentationRequestService>;
