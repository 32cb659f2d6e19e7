import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Readable } from 'node:stream';
import { DomainError } from '../../services/errors.ts';
import type { Services } from '../../services/index.ts';
import { BulkJobQuery, BulkJobSchema, BulkListQuery, BulkUploadHeaders, BulkUploadQuery } from '../contract/bulk.ts';
import { errors, Id, Items, OrgParams, RefTo } from '../contract/common.ts';

/** Largest CSV accepted. */
export const BULK_BODY_LIMIT = 64 * 1024 * 1024;
const CSV_TYPES = ['text/csv', 'application/csv'];

/** The body is not a CSV (415). */
class NotCsv extends DomainError {
  readonly status = 415;
  readonly title = 'Unsupported media type';
  readonly code = 'unsupported-media-type';
  constructor() {
    super('send the CSV file itself as the request body, with content-type text/csv');
  }
}

function isStream(body: unknown): body is Readable {
  return typeof body === 'object' && body !== null && typeof (body as Readable).pipe === 'function' && Symbol.asyncIterator in body;
}

export function bulkRoutes(services: Services): FastifyPluginAsyncTypebox {
  const { bulk } = services;
  return async (app) => {
    app.addSchema(BulkJobSchema);
    // The body reaches the handler as the raw stream: the service checks the caller's rights first,
    // then streams it into the store while hashing it, never holding the whole file.
    for (const type of CSV_TYPES) {
      app.addContentTypeParser(type, { bodyLimit: BULK_BODY_LIMIT }, (_request, payload, done) => done(null, payload));
    }

    app.post('/api/v1/organisations/:orgId/bulk-issuances', {
      bodyLimit: BULK_BODY_LIMIT,
      schema: {
        tags: ['bulk'],
        summary: 'Upload a CSV (raw body, text/csv) and issue a credential for each valid row in the background',
        description: 'Columns (header names case-insensitive): email (or did, or recipient), name, result (or grade), creditsEarned, validFrom, validUntil, evidenceUrl, evidenceNarrative. Every row is validated first; the valid ones are issued; re-uploading the same file issues nothing twice. Poll GET /api/v1/bulk-issuances/{id} for progress and the report by line.',
        params: OrgParams,
        querystring: BulkUploadQuery,
        headers: BulkUploadHeaders,
        consumes: CSV_TYPES,
        response: { 202: RefTo(BulkJobSchema), ...errors(400, 401, 403, 404, 413, 415, 422) },
      },
    }, async (request, reply) => {
      if (!isStream(request.body)) throw new NotCsv();
      const job = await bulk.upload(request.actor, request.params.orgId, request.query.achievementId, request.body, { fileName: fileName(request.headers['x-file-name']) });
      return reply.code(202).send(job);
    });

    app.get('/api/v1/bulk-issuances/:id', {
      schema: {
        tags: ['bulk'], summary: 'A bulk issuance: progress, counts and the report by line',
        params: Type.Object({ id: Id }),
        querystring: BulkJobQuery,
        response: { 200: RefTo(BulkJobSchema), ...errors(400, 401, 403, 404) },
      },
    }, (request) => bulk.get(request.actor, request.params.id, { offset: request.query.errorsOffset, limit: request.query.errorsLimit }));

    app.get('/api/v1/organisations/:orgId/bulk-issuances', {
      schema: {
        tags: ['bulk'], summary: 'The organisation\'s bulk issuances, newest first (reports not included)',
        params: OrgParams,
        querystring: BulkListQuery,
        response: { 200: Items(RefTo(BulkJobSchema)), ...errors(400, 401, 403, 404) },
      },
    }, async (request) => ({ items: await bulk.list(request.actor, request.params.orgId, request.query) }));
  };
}

function fileName(header: string | undefined): string | undefined {
  if (!header) return undefined;
  try {
    return decodeURIComponent(header);
  } catch {
    return header;
  }
}
