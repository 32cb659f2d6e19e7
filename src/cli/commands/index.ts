import type { Command } from './types.ts';

export type { Command } from './types.ts';

/**
 * A command as `--help` lists it, and how to load it. Each command's module (and what it imports: the
 * engine, jsonld, the server…) is loaded only when that command runs, so `--version`, `--help` and a
 * command that needs little start in a fraction of the time. The name and summary are restated here
 * from the module so the listing loads none of them; test/cli checks that they agree.
 */
export interface CommandEntry {
  name: string;
  summary: string;
  load(): Promise<Command>;
}

/** Every command, in the order `--help` lists them. */
export const COMMANDS: readonly CommandEntry[] = [
  { name: 'serve', summary: 'run the microcred server (issuer console, API, public pages)', load: async () => (await import('./server.ts')).serve },
  { name: 'init', summary: 'create an organisation, its owner, default issuer (did:web) and an API key', load: async () => (await import('./server.ts')).init },
  { name: 'backup', summary: 'copy the database (and, if asked, the master key) into one file, while the server runs', load: async () => (await import('./backup.ts')).backup },
  { name: 'restore', summary: 'put a backup in place in an empty data folder or database (the server stopped)', load: async () => (await import('./backup.ts')).restore },
  { name: 'keys generate', summary: 'create an Ed25519 signing key (did:key) and save it', load: async () => (await import('./keys.ts')).keysGenerate },
  { name: 'keys did-document', summary: 'print the did:web DID document to publish for one or more keys', load: async () => (await import('./keys.ts')).keysDidDocument },
  { name: 'issue', summary: 'sign an Open Badges 3.0 credential for one recipient, or for every row of a CSV', load: async () => (await import('./issue.ts')).issue },
  { name: 'verify', summary: 'verify a credential (JSON, VC-JWT, baked PNG or SVG, Open Badges 2.0) and explain each check', load: async () => (await import('./verify.ts')).verify },
  { name: 'present', summary: 'wrap credentials in a Verifiable Presentation signed for a verifier’s challenge', load: async () => (await import('./present.ts')).present },
  { name: 'bake', summary: 'embed a credential (JSON or VC-JWT) in a PNG or SVG badge image', load: async () => (await import('./bake.ts')).bake },
  { name: 'unbake', summary: 'extract the credential baked into a PNG or SVG badge (Open Badges 3.0 or 2.0)', load: async () => (await import('./bake.ts')).unbake },
  { name: 'status-list create', summary: 'create a signed, empty Bitstring Status List credential (revocation or suspension)', load: async () => (await import('./status-list.ts')).statusListCreate },
  { name: 'status-list set', summary: 'revoke, suspend or reinstate one entry of a status list, and re-sign it', load: async () => (await import('./status-list.ts')).statusListSet },
  { name: 'status-list get', summary: 'read one entry of a status list file', load: async () => (await import('./status-list.ts')).statusListGet },
  { name: 'demo', summary: 'show the engine at work: make a key, issue a micro-credential, bake it into a PNG, verify it', load: async () => (await import('./demo.ts')).demo },
];
