/** Tables of recognition agreements, requests and decisions, and RPL cases (issue 5). Being built. */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- filled by the recognition work
export interface RecognitionTables {}
