import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { generateDidKey } from '../../vc/did/did-key.ts';
import { UsageError } from '../errors.ts';
import { print, printJson } from '../output.ts';
import { stringOption } from './args.ts';
import type { Command } from './types.ts';

export const keysGenerate: Command = {
  name: 'keys generate',
  summary: 'create an Ed25519 signing key (did:key) and save it',
  help: `Usage: microcred keys generate --out key.json [--json]

Creates a new Ed25519 key pair, writes it as a Multikey JSON file (did:key identifier, public and
private key) and prints the DID. Keep the file secret: it signs credentials in your name.

Options:
  --out FILE   where to write the key (required unless --json, which prints the key file)
  --force      overwrite an existing file
  --json       print {"did", "verificationMethod", "file"} as JSON`,
  options: { out: { type: 'string' }, json: { type: 'boolean' }, force: { type: 'boolean' } },
  async run({ values }, io) {
    const key = generateDidKey();
    const out = stringOption(values, 'out');
    if (out) {
      // 0600: the file holds a private key.
      const flag = values.force ? 'w' : 'wx';
      try {
        await writeFile(resolve(io.cwd, out), `${JSON.stringify(key, null, 2)}\n`, { mode: 0o600, flag });
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code === 'EEXIST') throw new UsageError(`${out} already exists; refusing to overwrite a key (use --force).`);
        throw new UsageError(`cannot write ${out}: ${(error as Error).message}`);
      }
    }
    if (values.json) printJson(io, { did: key.controller, verificationMethod: key.id, ...(out ? { file: out } : { key }) });
    else if (!out) printJson(io, key);
    else print(io, key.controller);
    return 0;
  },
};
