export { BULK_JOB_KIND, createBulkService, FileTooLarge, INTERNAL_FAILURE, type BulkJobView, type BulkOptions, type BulkService, type ByteSource } from './service.ts';
export type { BatchIssuer, BatchItem, IssuanceBatch, IssueInput, StagedBatch } from './issuance.ts';
export { dedupeKey, mapHeader, parseRow, KNOWN_COLUMNS } from './rows.ts';
