import { Type, type Static } from '@sinclair/typebox';
import { Id, Nullable } from './common.ts';

export const BulkJobSchema = Type.Object({
  id: Type.String(), organisationId: Type.String(), achievementId: Type.String(), fileName: Nullable(Type.String()),
  fileSha256: Type.String(), fileBytes: Type.Integer(),
  status: Type.Union([Type.Literal('queued'), Type.Literal('validating'), Type.Literal('issuing'), Type.Literal('done'), Type.Literal('failed')]),
  totalRows: Type.Integer(), validRows: Type.Integer(), invalidRows: Type.Integer(),
  processed: Type.Integer({ description: 'Rows whose outcome is settled; reaches totalRows when done' }),
  issued: Type.Integer(), skippedDuplicates: Type.Integer({ description: 'Rows whose credential was issued before (same file uploaded again)' }),
  failure: Nullable(Type.String()),
  errors: Type.Array(Type.Object({ line: Type.Integer(), messages: Type.Array(Type.String()) }), { description: 'The report by line (line 1 is the header), at most errorsLimit entries' }),
  errorCount: Type.Integer({ description: 'Entries in the whole report' }),
  createdAt: Type.String(), startedAt: Nullable(Type.String()), finishedAt: Nullable(Type.String()),
}, { $id: 'BulkJob' });

export const BulkUploadQuery = Type.Object({ achievementId: Id }, { additionalProperties: false });
export const BulkUploadHeaders = Type.Object({ 'x-file-name': Type.Optional(Type.String({ maxLength: 1024, description: 'The file name, URI-encoded' })) });
export const BulkJobQuery = Type.Object({
  errorsOffset: Type.Optional(Type.Integer({ minimum: 0 })),
  errorsLimit: Type.Optional(Type.Integer({ minimum: 0, maximum: 5000, description: 'Report entries returned (default 1000)' })),
}, { additionalProperties: false });
export const BulkListQuery = Type.Object({ limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200 })), before: Type.Optional(Type.String({ maxLength: 40 })) }, { additionalProperties: false });

export type BulkJob = Static<typeof BulkJobSchema>;
