import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply } from 'fastify';
import type { Services } from '../../services/index.ts';
import { PUBLIC_PAGE_CSP } from '../../render/public-page.ts';
import { ShareNotFound, type Download } from '../../services/sharing/index.ts';
import { errors, Id, Items, RefTo } from '../contract/common.ts';
import { DownloadKindSchema, PresentationBodySchema, ShareCreateSchema, ShareListQuery, ShareTokenParams, ShareViewSchema } from '../contract/sharing.ts';

const Binary = (description: string) => Type.Unknown({ description });

function sendDownload(reply: FastifyReply, download: Download, options: { attachment: boolean }) {
  void reply.type(download.contentType)
    .header('cache-control', 'no-store')
    .header('x-content-type-options', 'nosniff')
    .header('referrer-policy', 'no-referrer')
    .header('x-robots-tag', 'noindex');
  if (options.attachment) void reply.header('content-disposition', `attachment; filename="${download.filename}"`);
  // An SVG opened on its own is a document: nothing in it may run or load.
  if (download.contentType === 'image/svg+xml') void reply.header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'; img-src data:");
  return reply.send(typeof download.body === 'string' ? download.body : Buffer.from(download.body.buffer, download.body.byteOffset, download.body.byteLength));
}

/**
 * Share links (the learner's), the public page /s/:token with its QR codes, certificate and downloads,
 * the owner's own downloads, and signed presentations.
 */
export function sharingRoutes(services: Services): FastifyPluginAsyncTypebox {
  const { sharing } = services;
  return async (app) => {
    app.addSchema(ShareViewSchema);

    app.post('/api/v1/wallet/shares', {
      schema: { tags: ['wallet'], summary: 'Share a wallet credential or collection: a public link, optionally expiring', body: ShareCreateSchema, response: { 201: RefTo(ShareViewSchema), ...errors(400, 401, 403, 404, 422) } },
    }, async (request, reply) => reply.code(201).send(await sharing.create(request.actor, request.body)));

    app.get('/api/v1/wallet/shares', {
      schema: { tags: ['wallet'], summary: "The learner's share links (active, expired and revoked)", querystring: ShareListQuery, response: { 200: Items(RefTo(ShareViewSchema)), ...errors(400, 401) } },
    }, async (request) => ({ items: await sharing.list(request.actor, request.query) }));

    app.delete('/api/v1/wallet/shares/:id', {
      schema: { tags: ['wallet'], summary: 'Revoke a share link: it answers 404 from now on, like a link that never existed', params: Type.Object({ id: Id }), response: { 200: RefTo(ShareViewSchema), ...errors(400, 401, 403, 404) } },
    }, async (request) => await sharing.revoke(request.actor, request.params.id));

    app.get('/api/v1/wallet/credentials/:id/download/:kind', {
      schema: {
        tags: ['wallet'], summary: "Download one of the learner's credentials: JSON, JWT (when issued so), baked PNG or SVG, or the PDF certificate",
        params: Type.Object({ id: Id, kind: DownloadKindSchema }), response: { 200: Binary('The file'), ...errors(400, 401, 404) },
      },
    }, async (request, reply) => sendDownload(reply, await sharing.ownerDownload(request.actor, request.params.id, request.params.kind), { attachment: true }));

    app.post('/api/v1/wallet/presentations', {
      schema: {
        tags: ['wallet'], summary: "A Verifiable Presentation of the learner's credentials for a verifier's challenge and domain, signed with the learner's did:key",
        body: PresentationBodySchema,
        response: { 200: Type.Unknown({ description: 'The signed presentation (VC Data Model 2.0)' }), ...errors(400, 401, 403, 404, 422) },
      },
    }, async (request, reply) => reply.type('application/vp+ld+json').send(await sharing.presentation(request.actor, request.body)));

    app.get('/s/:token', {
      schema: { tags: ['public'], summary: 'The public page of a shared credential or collection, verified live (HTML; 404 page for unknown, revoked or expired links)', params: ShareTokenParams, response: { 200: Binary('HTML page'), 404: Binary('HTML page') } },
    }, async (request, reply) => {
      void reply.header('cache-control', 'no-store').header('x-robots-tag', 'noindex').header('referrer-policy', 'no-referrer')
        .header('content-security-policy', PUBLIC_PAGE_CSP).header('x-content-type-options', 'nosniff').type('text/html; charset=utf-8');
      let html: string;
      try {
        html = await sharing.publicPage(request.params.token);
      } catch (error) {
        if (error instanceof ShareNotFound) return reply.code(404).send(sharing.notFoundPage());
        throw error;
      }
      return reply.send(html);
    });

    for (const kind of ['png', 'svg'] as const) {
      app.get(`/s/:token/qr.${kind}`, {
        schema: { tags: ['public'], summary: `QR code (${kind.toUpperCase()}) of a share link's public page`, params: ShareTokenParams, response: { 200: Binary(`QR code, ${kind.toUpperCase()}`), ...errors(404) } },
      }, async (request, reply) => sendDownload(reply, await sharing.qr(request.params.token, kind), { attachment: false }));
    }

    app.get('/s/:token/certificate.pdf', {
      schema: { tags: ['public'], summary: 'The printable one-page certificate (PDF) of a shared credential, with a QR code back to its page', params: ShareTokenParams, response: { 200: Binary('PDF'), ...errors(404) } },
    }, async (request, reply) => sendDownload(reply, await sharing.sharedDownload(request.params.token, 'pdf'), { attachment: false }));

    for (const kind of ['json', 'jwt', 'png', 'svg'] as const) {
      app.get(`/s/:token/credential.${kind}`, {
        schema: {
          tags: ['public'], params: ShareTokenParams, response: { 200: Binary('The credential'), ...errors(404) },
          summary: {
            json: 'A shared credential as JSON (JSON-LD for a VC; the assertion for Open Badges 2.0)',
            jwt: 'A shared credential as its VC-JWT (when issued so)',
            png: 'A shared credential baked into its PNG badge image',
            svg: 'A shared credential baked into its SVG badge image',
          }[kind],
        },
      }, async (request, reply) => sendDownload(reply, await sharing.sharedDownload(request.params.token, kind), { attachment: kind !== 'json' }));
    }

    const ItemParams = Type.Object({ token: Type.String(), itemId: Type.String() });
    for (const file of ['credential.json', 'credential.jwt', 'credential.png', 'credential.svg', 'certificate.pdf'] as const) {
      const kind = file.split('.')[1] as 'json' | 'jwt' | 'png' | 'svg' | 'pdf';
      app.get(`/s/:token/items/:itemId/${file}`, {
        schema: { tags: ['public'], summary: `One credential of a shared collection: ${file}`, params: ItemParams, response: { 200: Binary('The file'), ...errors(404) } },
      }, async (request, reply) => sendDownload(reply, await sharing.sharedDownload(request.params.token, kind, request.params.itemId), { attachment: kind !== 'json' && kind !== 'pdf' }));
    }
  };
}
