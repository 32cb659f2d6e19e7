import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { createEngine } from '../../vc/engine.ts';
import { signerFromMultikey, type Ed25519Multikey } from '../../vc/keys/ed25519.ts';
import { createPresentation, signPresentation } from '../../vc/presentation.ts';
import type { JsonObject } from '../../vc/types.ts';
import { UsageError } from '../errors.ts';
import { print, printJson } from '../output.ts';
import { readInput, readJsonFile, requiredOption, stringOption } from './args.ts';
import type { Command } from './types.ts';

export const present: Command = {
  name: 'present',
  summary: 'wrap credentials in a Verifiable Presentation signed for a verifier’s challenge',
  help: `Usage: microcred present --key key.json --challenge TEXT [--domain TEXT] CREDENTIAL... [--out vp.json]

Builds a VC 2.0 Verifiable Presentation holding the given credentials (JSON files, or files holding a
VC-JWT) and signs it as the holder (Data Integrity eddsa-rdfc-2022, proof purpose "authentication"),
bound to the verifier's challenge and domain so it cannot be replayed elsewhere. The holder is the
key's DID. Check one with \`microcred verify vp.json --challenge TEXT [--domain TEXT]\`.

Options:
  --key FILE         the holder's key from \`microcred keys generate\` (required)
  --challenge TEXT   the one-time value the verifier asked for (required)
  --domain TEXT      the verifier the presentation is for, e.g. its web origin
  --out FILE         write the presentation here instead of standard output
  --json             print {"out"} after writing`,
  options: { key: { type: 'string' }, challenge: { type: 'string' }, domain: { type: 'string' }, out: { type: 'string' }, json: { type: 'boolean' } },
  async run({ values, positionals }, io) {
    if (positionals.length === 0) throw new UsageError('give at least one credential file.');
    const keyFile = requiredOption(values, 'key');
    const challenge = requiredOption(values, 'challenge');
    const domain = stringOption(values, 'domain');
    const key = (await readJsonFile(io, keyFile)) as Ed25519Multikey;
    let signer;
    try {
      signer = signerFromMultikey(key);
    } catch (error) {
      throw new UsageError(`${keyFile}: ${(error as Error).message}`);
    }
    const credentials: (JsonObject | string)[] = [];
    for (const file of positionals) {
      const text = new TextDecoder().decode(await readInput(io, file)).trim();
      if (text.startsWith('{')) {
        try {
          credentials.push(JSON.parse(text) as JsonObject);
        } catch (error) {
          throw new UsageError(`${file} is not valid JSON: ${(error as Error).message}`);
        }
      } else if (/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/.test(text)) {
        credentials.push(text);
      } else {
        throw new UsageError(`${file} holds neither a JSON credential nor a VC-JWT.`);
      }
    }
    const engine = createEngine();
    const presentation = createPresentation({ credentials, holder: key.controller });
    const signed = await signPresentation({ presentation, signer, documentLoader: engine.loaderFor(presentation), now: new Date(), challenge, ...(domain ? { domain } : {}) });
    const text = JSON.stringify(signed, null, 2);
    const out = stringOption(values, 'out');
    if (out) {
      await writeFile(resolve(io.cwd, out), `${text}\n`);
      if (values.json) printJson(io, { out });
      else io.stderr.write(`Signed a presentation of ${credentials.length} credential${credentials.length === 1 ? '' : 's'} → ${out}\n`);
    } else {
      print(io, text);
    }
    return 0;
  },
};
