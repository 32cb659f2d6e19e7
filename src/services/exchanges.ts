import { randomBytes, randomUUID } from 'node:crypto';
import { qrSvg } from '../render/qr.ts';
import type { Row } from '../store/schema.ts';
import { CONTEXTS } from '../vc/contexts/index.ts';
import { isObject } from '../vc/json.ts';
import { envelopeVcJwt } from '../vc/proofs/vc-jwt.ts';
import type { JsonObject } from '../vc/types.ts';
import { CAN, requireAccess, type Actor } from './access.ts';
import type { ServiceContext } from './context.ts';
import { didOf, type HolderBindingService } from './credentials/holder-binding.ts';
import { Conflict, DomainError, InvalidInput, NotFound } from './errors.ts';

/**
 * The one workflow: take the claim of an e-mail-addressed credential into a wallet (the Learner
 * Credential Wallet), DID Authentication first. Named as DCC's issuer names its own.
 */
export const CLAIM_WORKFLOW = 'claim';

/** How long an exchange lives unless its creator asks otherwise: long enough to install a wallet. */
export const DEFAULT_EXCHANGE_TTL_SECONDS = 30 * 60;
const MIN_TTL_SECONDS = 60;
const MAX_TTL_SECONDS = 7 * 24 * 60 * 60;
/** Expired exchanges are kept this long (answered "expired" rather than "not found"), then deleted. */
const KEEP_EXPIRED_MS = 7 * 24 * 60 * 60_000;

/** An exchange id: 24 random bytes base64url, the capability the wallet is handed. */
export const EXCHANGE_ID = /^[A-Za-z0-9_-]{16,64}$/;

/** The LCW's deep link host (DCC: https://lcw.app/request?request=…). */
export const LCW_REQUEST_URL = 'https://lcw.app/request';

/** An exchange past its expiry (VC-API: the exchange can no longer be used). */
export class ExchangeExpired extends DomainError {
  readonly status = 410;
  readonly title = 'Exchange expired';
  readonly code = 'exchange-expired';
  constructor() {
    super('this exchange has expired; open the claim link again to start a new one');
  }
}

export interface CreateExchangeInput {
  /** Seconds the exchange lives (default 30 minutes, 60 s to 7 days). */
  ttl?: number;
  /** Which claim: by the claim link's token (its holder, anyone), or by credential id (the issuer's staff or API key). */
  variables?: { claimToken?: string; credentialId?: string };
}

export interface ExchangeView {
  exchangeId: string;
  workflowId: string;
  /** The exchange's URL: where the wallet posts (VC-API `protocols.vcapi`). */
  exchangeUrl: string;
  state: Row<'vcapi_exchanges'>['state'];
  expires: string;
  protocols: { vcapi: string };
  /** The origin the wallet must see as the request's (it is the DID Authentication domain too). */
  credentialRequestOrigin: string;
  /** Opens the Learner Credential Wallet on a phone (and, as a QR code, from another screen). */
  lcwRequestUrl: string;
}

/** The Verifiable Presentation Request (VP Request Spec §DID Authentication) an exchange asks with. */
export interface PresentationRequest {
  query: JsonObject[];
  challenge: string;
  domain: string;
  interact: { service: { type: string; serviceEndpoint: string }[] };
}

/** What posting to an exchange answers: a request for DID Authentication, or the credential. */
export type ExchangeStep = { verifiablePresentationRequest: PresentationRequest } | { verifiablePresentation: JsonObject };

function ttlOf(ttl: number | undefined): number {
  if (ttl === undefined) return DEFAULT_EXCHANGE_TTL_SECONDS;
  if (!Number.isSafeInteger(ttl) || ttl < MIN_TTL_SECONDS || ttl > MAX_TTL_SECONDS) {
    throw new InvalidInput(`ttl must be a whole number of seconds from ${MIN_TTL_SECONDS} to ${MAX_TTL_SECONDS}`, [{ pointer: '/ttl', message: `must be a whole number of seconds from ${MIN_TTL_SECONDS} to ${MAX_TTL_SECONDS}` }], { status: 400 });
  }
  return ttl;
}

/**
 * VC-API workflows and exchanges, as the Digital Credentials Consortium's issuer serves the Learner
 * Credential Wallet: an exchange is made for one claim; the wallet posts to it, is asked for DID
 * Authentication (challenge and domain), answers with a signed presentation, and receives the
 * credential bound to its DID in a presentation. An exchange is used once and expires.
 */
export function createExchangeService(ctx: ServiceContext, deps: { binding: HolderBindingService }) {
  const origin = new URL(ctx.config.publicUrl).origin;
  const exchangeUrl = (workflowId: string, id: string) => `${ctx.config.publicUrl}/workflows/${workflowId}/exchanges/${id}`;

  function view(row: Row<'vcapi_exchanges'>): ExchangeView {
    const url = exchangeUrl(row.workflow_id, row.id);
    const request = JSON.stringify({ credentialRequestOrigin: origin, protocols: { vcapi: url } });
    return {
      exchangeId: row.id,
      workflowId: row.workflow_id,
      exchangeUrl: url,
      state: row.state,
      expires: row.expires_at,
      protocols: { vcapi: url },
      credentialRequestOrigin: origin,
      lcwRequestUrl: `${LCW_REQUEST_URL}?request=${encodeURIComponent(request)}`,
    };
  }

  async function load(workflowId: string, exchangeId: string): Promise<Row<'vcapi_exchanges'>> {
    if (workflowId !== CLAIM_WORKFLOW || !EXCHANGE_ID.test(exchangeId)) throw new NotFound('exchange');
    const row = await ctx.db.selectFrom('vcapi_exchanges').selectAll().where('id', '=', exchangeId).where('workflow_id', '=', workflowId).executeTakeFirst();
    if (!row) throw new NotFound('exchange');
    return row;
  }

  function presentationRequest(row: Row<'vcapi_exchanges'>): PresentationRequest {
    return {
      query: [{
        type: 'DIDAuthentication',
        acceptedMethods: [{ method: 'key' }, { method: 'web' }],
        acceptedCryptosuites: [{ cryptosuite: 'eddsa-rdfc-2022' }, { cryptosuite: 'eddsa-jcs-2022' }, { cryptosuite: 'Ed25519Signature2020' }],
      }],
      challenge: row.challenge,
      domain: origin,
      interact: { service: [{ type: 'UnmediatedPresentationService2021', serviceEndpoint: exchangeUrl(row.workflow_id, row.id) }] },
    };
  }

  return {
    /**
     * Makes an exchange for one claim (VC-API "create exchange"). By claim token: whoever holds the
     * claim link may (it is what the link is for); by credential id: members who may issue for the
     * credential's organisation. A claim already used, or a revoked or suspended credential, is 409.
     */
    async create(actor: Actor, workflowId: string, input: CreateExchangeInput): Promise<ExchangeView> {
      if (workflowId !== CLAIM_WORKFLOW) throw new NotFound('workflow');
      const ttl = ttlOf(input.ttl);
      const { claimToken, credentialId } = input.variables ?? {};
      if ((claimToken === undefined) === (credentialId === undefined)) {
        throw new InvalidInput('name the claim by variables.claimToken or variables.credentialId (one of them)', [{ pointer: '/variables', message: 'must have claimToken or credentialId (one of them)' }], { status: 400 });
      }
      let claim;
      if (claimToken !== undefined) {
        claim = await deps.binding.findClaim(claimToken);
      } else {
        claim = await deps.binding.describe(credentialId!);
        await requireAccess(ctx, actor, claim.organisationId, { roles: CAN.issue, scope: 'issue' }, 'credential');
      }
      if (!claim.claimable) throw new Conflict(claim.reason ?? 'this claim cannot be taken into a wallet');
      const now = ctx.now();
      const row: Row<'vcapi_exchanges'> = {
        id: randomBytes(24).toString('base64url'),
        workflow_id: workflowId,
        credential_id: claim.credentialId,
        state: 'pending',
        challenge: randomUUID(),
        holder_did: null,
        result_credential_id: null,
        created_by: actor.kind === 'user' ? actor.userId : actor.kind === 'api-key' ? actor.keyId : null,
        created_at: now.toISOString(),
        expires_at: new Date(now.getTime() + ttl * 1000).toISOString(),
        completed_at: null,
      };
      await ctx.db.transaction().execute(async (trx) => {
        // Exchanges long expired go: an old link answers "not found" instead of "expired" from then on.
        await trx.deleteFrom('vcapi_exchanges').where('expires_at', '<', new Date(now.getTime() - KEEP_EXPIRED_MS).toISOString()).execute();
        await trx.insertInto('vcapi_exchanges').values(row).execute();
      });
      return view(row);
    },

    /** An exchange's state and expiry (VC-API "get exchange"); the exchange id is the capability. */
    async get(workflowId: string, exchangeId: string): Promise<ExchangeView> {
      return view(await load(workflowId, exchangeId));
    },

    /** The LCW deep link of an exchange as a QR code (SVG), to scan with the wallet from another screen. */
    async qr(workflowId: string, exchangeId: string): Promise<string> {
      return qrSvg(view(await load(workflowId, exchangeId)).lcwRequestUrl, { title: 'QR code to open in the Learner Credential Wallet' });
    },

    /**
     * A wallet's post to the exchange (VC-API "participate in an exchange"). Without a presentation:
     * the DID Authentication request. With one: it must be signed for this exchange's challenge and
     * domain (proof purpose authentication) by a key of its `holder`, a DID; the claim is then bound
     * to that DID and the credential answered in a presentation. Refused answers leave the exchange
     * usable; a completed exchange is 409, an expired one 410.
     */
    async participate(actor: Actor, workflowId: string, exchangeId: string, body: unknown): Promise<ExchangeStep> {
      const row = await load(workflowId, exchangeId);
      if (row.state === 'complete') throw new Conflict('this exchange was completed already: the credential is in a wallet; an exchange is used once');
      if (row.expires_at <= ctx.now().toISOString()) throw new ExchangeExpired();
      if (!isObject(body)) throw new InvalidInput('the body must be a JSON object', [{ pointer: '/', message: 'must be a JSON object' }], { status: 400 });
      const presentation = body.verifiablePresentation;
      if (presentation === undefined) {
        if (row.state === 'pending') await ctx.db.updateTable('vcapi_exchanges').set({ state: 'active' }).where('id', '=', row.id).where('state', '=', 'pending').execute();
        return { verifiablePresentationRequest: presentationRequest(row) };
      }
      if (!isObject(presentation)) throw new InvalidInput('verifiablePresentation must be a presentation object', [{ pointer: '/verifiablePresentation', message: 'must be a JSON object' }], { status: 400 });
      const holder = typeof presentation.holder === 'string' ? presentation.holder : isObject(presentation.holder) ? presentation.holder.id : undefined;
      const holderDid = didOf(holder);
      if (!holderDid || holderDid !== holder) {
        throw new InvalidInput('the presentation must name its holder, a DID, for DID Authentication', [{ pointer: '/verifiablePresentation/holder', message: 'must be the DID the credential is to be issued to' }], { status: 400 });
      }
      const result = await ctx.engine.verifyPresentation({ presentation, challenge: row.challenge, domain: origin });
      const proof = result.checks.find((entry) => entry.check === 'presentation-proof');
      if (proof?.outcome !== 'passed') {
        throw new InvalidInput(`the DID Authentication was refused: ${proof?.message ?? 'the presentation could not be verified'}`, [{ pointer: '/verifiablePresentation/proof', message: proof?.message ?? 'could not be verified' }], { status: 400 });
      }
      const bound = await deps.binding.bind(actor, {
        credentialId: row.credential_id, holderDid, via: 'lcw', format: 'ldp',
        within: async (trx, copy) => {
          const done = await trx.updateTable('vcapi_exchanges')
            .set({ state: 'complete', holder_did: holderDid, result_credential_id: copy.id, completed_at: ctx.now().toISOString() })
            .where('id', '=', row.id).where('state', '!=', 'complete').executeTakeFirst();
          if (Number(done.numUpdatedRows) !== 1) throw new Conflict('this exchange was completed already: the credential is in a wallet; an exchange is used once');
        },
      });
      const credential = typeof bound.document === 'string' ? envelopeVcJwt(bound.document) : bound.document;
      return { verifiablePresentation: { '@context': [CONTEXTS.CREDENTIALS_V2], type: ['VerifiablePresentation'], verifiableCredential: [credential] } };
    },
  };
}

export type ExchangeService = ReturnType<typeof createExchangeService>;
