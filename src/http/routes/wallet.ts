import fastifyMultipart from '@fastify/multipart';
import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { InvalidInput } from '../../services/errors.ts';
import type { Services } from '../../services/index.ts';
import { walletOwner } from '../../services/wallet/index.ts';
import { MAX_IMPORT_BYTES } from '../../services/wallet/ingest.ts';
import { errors, Items } from '../contract/common.ts';
import {
  ClaimPreviewSchema, ClaimTokenParams, CollectionCreateSchema, CollectionSummarySchema, CollectionUpdateSchema, CollectionViewSchema, FacetsSchema,
  ImportBodySchema, ImportResultSchema, OfferParams, OfferSchema, TotalsSchema, WalletItemDetailSchema, WalletItemParams, WalletItemSchema,
  WalletListQuery, WalletPageSchema,
} from '../contract/wallet.ts';
import {
  AuthorizationCallbackSchema, AuthorizationStartSchema, ExternalOfferAcceptSchema, ExternalOfferBodySchema, ExternalOfferResultSchema, OfferPreviewSchema, PresentationAnswerBodySchema, PresentationAnswerSchema,
  PresentationRequestBodySchema, RequestPreviewSchema,
} from '../contract/wallet-holder.ts';

/** Anonymous callers learn they must sign in before anything about their input (401, not 400). */
async function signedIn(request: FastifyRequest): Promise<void> {
  walletOwner(request.actor);
}

/** A multipart body is read as a stream by the handler: until then it validates as the empty form. */
async function multipartAsObject(request: FastifyRequest): Promise<void> {
  if (request.isMultipart() && request.body === undefined) request.body = {};
}

/** Room for a 2 MiB paste escaped in JSON, or a 2 MiB file in a multipart body. */
const IMPORT_BODY_LIMIT = 3 * MAX_IMPORT_BYTES;

/** The learner's wallet: claim links, offers, imports, the list with search and filters, collections, totals. */
export function walletRoutes(services: Services): FastifyPluginAsyncTypebox {
  const { wallet } = services;
  return async (app) => {
    app.addSchema(WalletItemSchema);
    // Only this plugin reads multipart bodies (the file of an import); the limits are the wallet's.
    await app.register(fastifyMultipart, { limits: { fileSize: MAX_IMPORT_BYTES, files: 1, fields: 5, parts: 6 } });

    app.get('/api/v1/wallet/credentials', {
      preValidation: signedIn,
      schema: {
        tags: ['wallet'], summary: 'Your credentials, one page at a time: search, filters (issuer, skill, credits, EQF level, dates, status) and sort',
        querystring: WalletListQuery,
        response: { 200: WalletPageSchema, ...errors(400, 401, 403) },
      },
    }, (request) => wallet.list(request.actor, request.query));

    app.get('/api/v1/wallet/facets', {
      preValidation: signedIn,
      schema: { tags: ['wallet'], summary: 'What the filter menus offer: your issuers, skills, EQF levels, statuses and fields, with counts', response: { 200: FacetsSchema, ...errors(401, 403) } },
    }, (request) => wallet.facets(request.actor));

    app.get('/api/v1/wallet/totals', {
      preValidation: signedIn,
      schema: { tags: ['wallet'], summary: 'Credits (ECTS) you earned, in all, by field and by EQF level (verified credentials only)', response: { 200: TotalsSchema, ...errors(401, 403) } },
    }, (request) => wallet.totals(request.actor));

    app.post('/api/v1/wallet/credentials', {
      preValidation: [signedIn, multipartAsObject],
      bodyLimit: IMPORT_BODY_LIMIT,
      schema: {
        tags: ['wallet'],
        summary: 'Import a credential: JSON `{text}` (paste) or `{url}`, or a multipart upload with the file in field `file` (OB 3.0 / OB 2.0 JSON, VC-JWT, baked PNG or SVG; 2 MiB at most). Verified and kept verbatim; a duplicate answers the item already held (200)',
        consumes: ['application/json', 'multipart/form-data'],
        body: {
          content: {
            'application/json': { schema: ImportBodySchema },
            // Read as a stream by the handler (the body validates as {}); this schema documents the form.
            'multipart/form-data': { schema: { type: 'object', properties: { file: { type: 'string', format: 'binary', description: 'The credential file' } } } },
          },
        },
        response: { 200: ImportResultSchema, 201: ImportResultSchema, ...errors(400, 401, 403, 413, 415, 422) },
      },
    }, async (request, reply) => {
      let result;
      if (request.isMultipart()) {
        const file = await request.file();
        if (!file || file.fieldname !== 'file') throw InvalidInput.field('/file', 'is missing: send the credential in the form field "file"');
        const bytes = await file.toBuffer();
        result = await wallet.importCredential(request.actor, { bytes: new Uint8Array(bytes), mediaType: file.mimetype, source: 'upload' });
      } else {
        const body = request.body as { text: string } | { url: string } | undefined;
        if (body && 'url' in body) result = await wallet.importUrl(request.actor, body.url);
        else if (body && 'text' in body) result = await wallet.importCredential(request.actor, { bytes: new TextEncoder().encode(body.text), source: 'paste' });
        else throw InvalidInput.field('/', 'needs text or url');
      }
      return reply.code(result.duplicate ? 200 : 201).header('location', `/api/v1/wallet/credentials/${result.item.id}`).send(result);
    });

    app.get('/api/v1/wallet/credentials/:id', {
      preValidation: signedIn,
      schema: { tags: ['wallet'], summary: 'One of your credentials: the card, every check of its last verification in words, its display', params: WalletItemParams, response: { 200: WalletItemDetailSchema, ...errors(400, 401, 403, 404) } },
    }, (request) => wallet.get(request.actor, request.params.id));

    app.delete('/api/v1/wallet/credentials/:id', {
      preValidation: signedIn,
      schema: { tags: ['wallet'], summary: 'Remove a credential from your wallet (and from your collections; its share links stop working)', params: WalletItemParams, response: { 204: Type.Null(), ...errors(400, 401, 403, 404) } },
    }, async (request, reply) => {
      await wallet.remove(request.actor, request.params.id);
      return reply.code(204).send(null);
    });

    app.post('/api/v1/wallet/credentials/:id/verify', {
      preValidation: signedIn,
      schema: { tags: ['wallet'], summary: 'Verify the credential again now (revocation, suspension, expiry, signature)', params: WalletItemParams, response: { 200: WalletItemDetailSchema, ...errors(400, 401, 403, 404) } },
    }, (request) => wallet.reverify(request.actor, request.params.id));

    app.get('/api/v1/wallet/offers', {
      preValidation: signedIn,
      schema: { tags: ['wallet'], summary: 'Credentials issued here to one of your verified addresses (or your DID) that are not in a wallet yet', response: { 200: Items(OfferSchema), ...errors(401, 403) } },
    }, async (request) => ({ items: await wallet.offers(request.actor) }));

    app.post('/api/v1/wallet/offers/:credentialId/accept', {
      preValidation: signedIn,
      schema: {
        tags: ['wallet'], summary: 'Add an offered credential to your wallet', params: OfferParams,
        response: { 200: ImportResultSchema, 201: ImportResultSchema, ...errors(400, 401, 403, 404, 409) },
      },
    }, async (request, reply) => {
      const result = await wallet.acceptOffer(request.actor, request.params.credentialId);
      return reply.code(result.duplicate ? 200 : 201).send(result);
    });

    // microcred's wallet as a holder for other issuers and verifiers (OpenID4VCI / OpenID4VP, issue 12 §4).
    app.post('/api/v1/wallet/openid4vci/offer-preview', {
      preValidation: signedIn,
      schema: {
        tags: ['wallet'], summary: 'Read another issuer\'s OpenID4VCI Credential Offer (openid-credential-offer://…): who offers which credentials, and whether a transaction code is needed. Nothing is kept',
        body: ExternalOfferBodySchema, response: { 200: OfferPreviewSchema, ...errors(400, 401, 403, 422) },
      },
    }, (request) => wallet.previewExternalOffer(request.actor, request.body.offer));

    app.post('/api/v1/wallet/openid4vci/offers', {
      preValidation: signedIn,
      schema: {
        tags: ['wallet'], summary: 'Take another issuer\'s offered credentials into your wallet: pre-authorized code flow (with the transaction code), key proof by your did:key; each credential is verified and kept (source openid4vci)',
        body: ExternalOfferAcceptSchema, response: { 201: ExternalOfferResultSchema, ...errors(400, 401, 403, 422) },
      },
    }, async (request, reply) => reply.code(201).send(await wallet.receiveExternalOffer(request.actor, request.body)));

    app.post('/api/v1/wallet/openid4vci/authorizations', {
      preValidation: signedIn,
      schema: {
        tags: ['wallet'], summary: 'For an offer that needs you to sign in at the issuer (authorization code flow with PKCE): the issuer\'s sign-in page to go to; it sends you back to /wallet/exchange/callback',
        body: ExternalOfferBodySchema, response: { 200: AuthorizationStartSchema, ...errors(400, 401, 403, 422) },
      },
    }, (request) => wallet.startExternalAuthorization(request.actor, request.body.offer));

    app.post('/api/v1/wallet/openid4vci/authorizations/callback', {
      preValidation: signedIn,
      schema: {
        tags: ['wallet'], summary: 'Back from signing in at the issuer: exchange the code and take the offered credentials into your wallet (verified, source openid4vci)',
        body: AuthorizationCallbackSchema, response: { 201: ExternalOfferResultSchema, ...errors(400, 401, 403, 422) },
      },
    }, async (request, reply) => reply.code(201).send(await wallet.completeExternalAuthorization(request.actor, request.body)));

    app.post('/api/v1/wallet/openid4vp/request-preview', {
      preValidation: signedIn,
      schema: {
        tags: ['wallet'], summary: 'Read another verifier\'s OpenID4VP request (openid4vp://…): who asks, for what (DCQL), and which of your credentials answer it. Nothing is sent',
        body: PresentationRequestBodySchema, response: { 200: RequestPreviewSchema, ...errors(400, 401, 403, 422) },
      },
    }, (request) => wallet.previewPresentationRequest(request.actor, request.body.request));

    app.post('/api/v1/wallet/openid4vp/responses', {
      preValidation: signedIn,
      schema: {
        tags: ['wallet'], summary: 'Present the credentials you chose to the verifier that asked: a presentation signed by your did:key for its nonce and client_id, posted to its response_uri (direct_post); its answer and redirect',
        body: PresentationAnswerBodySchema, response: { 200: PresentationAnswerSchema, ...errors(400, 401, 403, 422) },
      },
    }, (request) => wallet.answerPresentationRequest(request.actor, request.body));

    app.get('/api/v1/claim/:token', {
      schema: {
        tags: ['wallet'], summary: 'What a claim link is for (no sign-in): achievement, issuer, date, whether it was claimed; never the address. A signed-in user who holds it gets its wallet item id',
        params: ClaimTokenParams, response: { 200: ClaimPreviewSchema, ...errors(400, 404) },
      },
    }, (request) => wallet.claimPreview(request.params.token, request.actor));

    app.post('/api/v1/claim/:token', {
      preValidation: signedIn,
      schema: {
        tags: ['wallet'], summary: 'Claim the credential of a claim link into your wallet; its address becomes one of yours, verified. Again by you: the same item (200); by another account once claimed: 409',
        params: ClaimTokenParams, response: { 200: ImportResultSchema, 201: ImportResultSchema, ...errors(400, 401, 403, 404, 409) },
      },
    }, async (request, reply) => {
      const result = await wallet.claim(request.actor, request.params.token);
      return reply.code(result.duplicate ? 200 : 201).send(result);
    });

    app.get('/api/v1/wallet/collections', {
      preValidation: signedIn,
      schema: { tags: ['wallet'], summary: 'Your collections', response: { 200: Items(CollectionSummarySchema), ...errors(401, 403) } },
    }, async (request) => ({ items: await wallet.listCollections(request.actor) }));

    app.post('/api/v1/wallet/collections', {
      preValidation: signedIn,
      schema: { tags: ['wallet'], summary: 'Make a named collection (optionally with its credentials in order)', body: CollectionCreateSchema, response: { 201: CollectionViewSchema, ...errors(400, 401, 403, 422) } },
    }, async (request, reply) => {
      const collection = await wallet.createCollection(request.actor, request.body);
      return reply.code(201).header('location', `/api/v1/wallet/collections/${collection.id}`).send(collection);
    });

    app.get('/api/v1/wallet/collections/:id', {
      preValidation: signedIn,
      schema: { tags: ['wallet'], summary: 'One collection with its credentials in order', params: WalletItemParams, response: { 200: CollectionViewSchema, ...errors(400, 401, 403, 404) } },
    }, (request) => wallet.getCollection(request.actor, request.params.id));

    app.patch('/api/v1/wallet/collections/:id', {
      preValidation: signedIn,
      schema: {
        tags: ['wallet'], summary: 'Rename, describe, or set the ordered list of credentials of a collection',
        params: WalletItemParams, body: CollectionUpdateSchema, response: { 200: CollectionViewSchema, ...errors(400, 401, 403, 404, 422) },
      },
    }, (request) => wallet.updateCollection(request.actor, request.params.id, request.body));

    app.delete('/api/v1/wallet/collections/:id', {
      preValidation: signedIn,
      schema: { tags: ['wallet'], summary: 'Delete a collection (its credentials stay in the wallet; its share links stop working)', params: WalletItemParams, response: { 204: Type.Null(), ...errors(400, 401, 403, 404) } },
    }, async (request, reply) => {
      await wallet.deleteCollection(request.actor, request.params.id);
      return reply.code(204).send(null);
    });
  };
}
