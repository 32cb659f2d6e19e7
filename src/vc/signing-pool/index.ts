export { createSigningPool, signAll, signingKeyFromMultikey, type SigningPool, type SigningPoolOptions } from './pool.ts';
export type { RowRequest, RowsTemplate, SignBatch, SignItems, SignResult, SigningKey } from './protocol.ts';
