export * from './build.ts';
export * from './identity.ts';
