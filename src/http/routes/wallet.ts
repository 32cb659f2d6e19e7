import fastifyMultipart from '@fastify/multipart';
import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { InvalidInput } from '../../services/errors.ts';
import type { Services } from '../../services/index.ts';
import { walletOwner } from '../../services/wallet/index.ts';
import { MAX_IMPORT_BYTES } from '../../services/wallet/ingest.ts';
import { errors, Id, Items } from '../schemas.ts';

const WalletStatusSchema = Type.Union([Type.Literal('verified'), Type.Literal('revoked'), Type.Literal('suspended'), Type.Literal('expired'), Type.Literal('invalid'), Type.Literal('unknown')], {
  description: 'Outcome of the last verification: verified, revoked, suspended, expired, invalid (signature or structure failed) or unknown (status could not be read)',
});
const IssuedStatusSchema = Type.Union([Type.Literal('active'), Type.Literal('revoked'), Type.Literal('suspended')]);

const WalletItemSchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  description: Type.Optional(Type.String()),
  issuerName: Type.Optional(Type.String()),
  issuerId: Type.Optional(Type.String()),
  image: Type.Optional(Type.String({ description: 'URL or data: URL of the badge image' })),
  issuedAt: Type.Optional(Type.String()),
  validUntil: Type.Optional(Type.String()),
  ects: Type.Optional(Type.Number({ description: 'ECTS credits' })),
  eqfLevel: Type.Optional(Type.Integer()),
  field: Type.Optional(Type.String()),
  skills: Type.Array(Type.Object({ uri: Type.Optional(Type.String()), label: Type.String() })),
  status: WalletStatusSchema,
  standard: Type.String(),
  format: Type.String(),
  source: Type.Union([Type.Literal('claim'), Type.Literal('upload'), Type.Literal('paste'), Type.Literal('url')]),
  verifiedAt: Type.String(),
  addedAt: Type.String(),
}, { $id: 'WalletItem' });
const WalletItem = Type.Ref('WalletItem');

const CheckSchema = Type.Object({
  check: Type.String(),
  outcome: Type.Union([Type.Literal('passed'), Type.Literal('failed'), Type.Literal('warning'), Type.Literal('skipped')]),
  message: Type.String({ description: 'The outcome in plain words' }),
});

const WalletItemDetail = Type.Object({
  item: WalletItem,
  verified: Type.Boolean(),
  checks: Type.Array(CheckSchema),
  display: Type.Optional(Type.Unknown({ description: 'The display model of the credential (achievement, issuer, results, evidence…)' })),
  originalType: Type.String({ description: 'Media type of the original as received' }),
  sourceUrl: Type.Optional(Type.String()),
  issuedCredentialId: Type.Optional(Type.String()),
});

const ImportResult = Type.Object({
  item: WalletItem,
  duplicate: Type.Boolean({ description: 'The wallet held it already (same credential id or proof): nothing was stored' }),
});

const ListQuery = Type.Object({
  q: Type.Optional(Type.String({ maxLength: 200, description: 'Words to find in the name, description, issuer or skills' })),
  issuer: Type.Optional(Type.String({ maxLength: 2000, description: 'An issuer `value` from /api/v1/wallet/facets' })),
  skill: Type.Optional(Type.String({ maxLength: 2000, description: 'A skill `value` from /api/v1/wallet/facets' })),
  minEcts: Type.Optional(Type.Number({ minimum: 0, maximum: 100_000 })),
  eqf: Type.Optional(Type.Integer({ minimum: 1, maximum: 8 })),
  from: Type.Optional(Type.String({ maxLength: 40, description: 'Issued on or after (ISO 8601)' })),
  to: Type.Optional(Type.String({ maxLength: 40, description: 'Issued on or before (ISO 8601; a date includes its day)' })),
  status: Type.Optional(WalletStatusSchema),
  sort: Type.Optional(Type.Union([Type.Literal('added'), Type.Literal('issued'), Type.Literal('name')], { description: 'added (newest first, default), issued (newest first) or name (A→Z)' })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200 })),
  cursor: Type.Optional(Type.String({ maxLength: 2000 })),
}, { additionalProperties: false });

const Facets = Type.Object({
  issuers: Type.Array(Type.Object({ value: Type.String(), name: Type.String(), count: Type.Integer() })),
  skills: Type.Array(Type.Object({ value: Type.String(), label: Type.String(), count: Type.Integer() })),
  levels: Type.Array(Type.Object({ eqf: Type.Integer(), count: Type.Integer() })),
  statuses: Type.Array(Type.Object({ status: WalletStatusSchema, count: Type.Integer() })),
  fields: Type.Array(Type.Object({ field: Type.String(), count: Type.Integer() })),
});

const Totals = Type.Object({
  credentials: Type.Integer({ description: 'Verified credentials' }),
  ects: Type.Number({ description: 'ECTS credits of verified credentials' }),
  byField: Type.Array(Type.Object({ field: Type.Union([Type.String(), Type.Null()]), ects: Type.Number(), credentials: Type.Integer() })),
  byLevel: Type.Array(Type.Object({ eqf: Type.Union([Type.Integer(), Type.Null()]), ects: Type.Number(), credentials: Type.Integer() })),
});

const ImportBody = Type.Union([
  Type.Object({ text: Type.String({ minLength: 1, maxLength: MAX_IMPORT_BYTES, description: 'Pasted credential: JSON, a VC-JWT, or SVG' }) }, { additionalProperties: false }),
  Type.Object({ url: Type.String({ minLength: 1, maxLength: 2000, description: 'A public http(s) address of a credential (or a microcred share page)' }) }, { additionalProperties: false }),
]);

const Offer = Type.Object({
  credentialId: Type.String(), achievementName: Type.String(), issuerName: Type.String(), issuedAt: Type.String(), status: IssuedStatusSchema,
});

const ClaimPreview = Type.Object({
  achievementName: Type.String(), issuerName: Type.String(), issuedAt: Type.String(),
  claimed: Type.Boolean({ description: 'Someone already claimed it' }), status: IssuedStatusSchema,
});

const CollectionSummary = Type.Object({
  id: Type.String(), name: Type.String(), description: Type.Optional(Type.String()), count: Type.Integer(), createdAt: Type.String(), updatedAt: Type.String(),
});
const CollectionView = Type.Object({
  id: Type.String(), name: Type.String(), description: Type.Optional(Type.String()), count: Type.Integer(), createdAt: Type.String(), updatedAt: Type.String(),
  items: Type.Array(WalletItem, { description: 'In the learner\'s order' }),
});
const CredentialIds = Type.Array(Id, { maxItems: 500, description: 'Wallet credential ids in order (replaces the list)' });
const CollectionCreate = Type.Object({
  name: Type.String({ minLength: 1, maxLength: 200 }),
  description: Type.Optional(Type.String({ maxLength: 2000 })),
  credentialIds: Type.Optional(CredentialIds),
}, { additionalProperties: false });
const CollectionUpdate = Type.Object({
  name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
  description: Type.Optional(Type.Union([Type.String({ maxLength: 2000 }), Type.Null()])),
  credentialIds: Type.Optional(CredentialIds),
}, { additionalProperties: false });

const IdParams = Type.Object({ id: Id });
const TokenParams = Type.Object({ token: Type.String({ minLength: 1, maxLength: 200 }) });

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
        querystring: ListQuery,
        response: { 200: Type.Object({ items: Type.Array(WalletItem), total: Type.Integer({ description: 'Matches on all pages' }), nextCursor: Type.Optional(Type.String()) }), ...errors(400, 401, 403) },
      },
    }, (request) => wallet.list(request.actor, request.query));

    app.get('/api/v1/wallet/facets', {
      preValidation: signedIn,
      schema: { tags: ['wallet'], summary: 'What the filter menus offer: your issuers, skills, EQF levels, statuses and fields, with counts', response: { 200: Facets, ...errors(401, 403) } },
    }, (request) => wallet.facets(request.actor));

    app.get('/api/v1/wallet/totals', {
      preValidation: signedIn,
      schema: { tags: ['wallet'], summary: 'Credits (ECTS) you earned, in all, by field and by EQF level (verified credentials only)', response: { 200: Totals, ...errors(401, 403) } },
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
            'application/json': { schema: ImportBody },
            // Read as a stream by the handler (the body validates as {}); this schema documents the form.
            'multipart/form-data': { schema: { type: 'object', properties: { file: { type: 'string', format: 'binary', description: 'The credential file' } } } },
          },
        },
        response: { 200: ImportResult, 201: ImportResult, ...errors(400, 401, 403, 413, 415, 422) },
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
      schema: { tags: ['wallet'], summary: 'One of your credentials: the card, every check of its last verification in words, its display', params: IdParams, response: { 200: WalletItemDetail, ...errors(400, 401, 403, 404) } },
    }, (request) => wallet.get(request.actor, request.params.id));

    app.delete('/api/v1/wallet/credentials/:id', {
      preValidation: signedIn,
      schema: { tags: ['wallet'], summary: 'Remove a credential from your wallet (and from your collections; its share links stop working)', params: IdParams, response: { 204: Type.Null(), ...errors(400, 401, 403, 404) } },
    }, async (request, reply) => {
      await wallet.remove(request.actor, request.params.id);
      return reply.code(204).send(null);
    });

    app.post('/api/v1/wallet/credentials/:id/verify', {
      preValidation: signedIn,
      schema: { tags: ['wallet'], summary: 'Verify the credential again now (revocation, suspension, expiry, signature)', params: IdParams, response: { 200: WalletItemDetail, ...errors(400, 401, 403, 404) } },
    }, (request) => wallet.reverify(request.actor, request.params.id));

    app.get('/api/v1/wallet/offers', {
      preValidation: signedIn,
      schema: { tags: ['wallet'], summary: 'Credentials issued here to one of your verified addresses (or your DID) that are not in a wallet yet', response: { 200: Items(Offer), ...errors(401, 403) } },
    }, async (request) => ({ items: await wallet.offers(request.actor) }));

    app.post('/api/v1/wallet/offers/:credentialId/accept', {
      preValidation: signedIn,
      schema: {
        tags: ['wallet'], summary: 'Add an offered credential to your wallet', params: Type.Object({ credentialId: Id }),
        response: { 200: ImportResult, 201: ImportResult, ...errors(400, 401, 403, 404, 409) },
      },
    }, async (request, reply) => {
      const result = await wallet.acceptOffer(request.actor, request.params.credentialId);
      return reply.code(result.duplicate ? 200 : 201).send(result);
    });

    app.get('/api/v1/claim/:token', {
      schema: {
        tags: ['wallet'], summary: 'What a claim link is for (no sign-in): achievement, issuer, date, whether it was claimed; never the address',
        params: TokenParams, response: { 200: ClaimPreview, ...errors(400, 404) },
      },
    }, (request) => wallet.claimPreview(request.params.token));

    app.post('/api/v1/claim/:token', {
      preValidation: signedIn,
      schema: {
        tags: ['wallet'], summary: 'Claim the credential of a claim link into your wallet; its address becomes one of yours, verified. Again by you: the same item (200); by another account once claimed: 409',
        params: TokenParams, response: { 200: ImportResult, 201: ImportResult, ...errors(400, 401, 403, 404, 409) },
      },
    }, async (request, reply) => {
      const result = await wallet.claim(request.actor, request.params.token);
      return reply.code(result.duplicate ? 200 : 201).send(result);
    });

    app.get('/api/v1/wallet/collections', {
      preValidation: signedIn,
      schema: { tags: ['wallet'], summary: 'Your collections', response: { 200: Items(CollectionSummary), ...errors(401, 403) } },
    }, async (request) => ({ items: await wallet.listCollections(request.actor) }));

    app.post('/api/v1/wallet/collections', {
      preValidation: signedIn,
      schema: { tags: ['wallet'], summary: 'Make a named collection (optionally with its credentials in order)', body: CollectionCreate, response: { 201: CollectionView, ...errors(400, 401, 403, 422) } },
    }, async (request, reply) => {
      const collection = await wallet.createCollection(request.actor, request.body);
      return reply.code(201).header('location', `/api/v1/wallet/collections/${collection.id}`).send(collection);
    });

    app.get('/api/v1/wallet/collections/:id', {
      preValidation: signedIn,
      schema: { tags: ['wallet'], summary: 'One collection with its credentials in order', params: IdParams, response: { 200: CollectionView, ...errors(400, 401, 403, 404) } },
    }, (request) => wallet.getCollection(request.actor, request.params.id));

    app.patch('/api/v1/wallet/collections/:id', {
      preValidation: signedIn,
      schema: {
        tags: ['wallet'], summary: 'Rename, describe, or set the ordered list of credentials of a collection',
        params: IdParams, body: CollectionUpdate, response: { 200: CollectionView, ...errors(400, 401, 403, 404, 422) },
      },
    }, (request) => wallet.updateCollection(request.actor, request.params.id, request.body));

    app.delete('/api/v1/wallet/collections/:id', {
      preValidation: signedIn,
      schema: { tags: ['wallet'], summary: 'Delete a collection (its credentials stay in the wallet; its share links stop working)', params: IdParams, response: { 204: Type.Null(), ...errors(400, 401, 403, 404) } },
    }, async (request, reply) => {
      await wallet.deleteCollection(request.actor, request.params.id);
      return reply.code(204).send(null);
    });
  };
}
