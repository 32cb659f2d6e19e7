/** Tables of pathways (stacked credentials) and learners' progress (issue 5). Being built. */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- filled by the pathways work
export interface PathwayTables {}
