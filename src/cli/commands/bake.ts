import { readFile, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { bakePng, bakeSvg, detectAndExtract } from '../../vc/baking/index.ts';
import { isPng } from '../../vc/baking/png.ts';
import { UsageError } from '../errors.ts';
import { print, printJson } from '../output.ts';
import { readInput, requiredOption, stringOption } from './args.ts';
import type { Command } from './types.ts';

export const bake: Command = {
  name: 'bake',
  summary: 'embed a credential (JSON or VC-JWT) in a PNG or SVG badge image',
  help: `Usage: microcred bake --credential cred.json --image badge.png|badge.svg --out baked.png|baked.svg

Bakes a credential into a badge image as Open Badges 3.0 describes: a PNG gets an iTXt chunk with the
keyword "openbadgecredential"; an SVG gets an <openbadges:credential> element (JSON in CDATA, or a JWT
in its "verify" attribute). A credential already baked into the image is replaced.

Options:
  --credential FILE   the signed credential: JSON, or a file holding a VC-JWT (required)
  --image FILE        the PNG or SVG image (required)
  --out FILE          where to write the baked image (required)
  --json              print {"out", "format"}`,
  options: { credential: { type: 'string' }, image: { type: 'string' }, out: { type: 'string' }, json: { type: 'boolean' } },
  async run({ values }, io) {
    const credentialFile = requiredOption(values, 'credential');
    const imageFile = requiredOption(values, 'image');
    const out = requiredOption(values, 'out');
    const text = new TextDecoder().decode(await readInput(io, credentialFile)).trim();
    let credential: Record<string, unknown> | string;
    if (text.startsWith('{')) {
      try {
        credential = JSON.parse(text) as Record<string, unknown>;
      } catch (error) {
        throw new UsageError(`${credentialFile} is not valid JSON: ${(error as Error).message}`);
      }
    } else if (/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/.test(text)) {
      credential = text;
    } else {
      throw new UsageError(`${credentialFile} holds neither a JSON credential nor a VC-JWT.`);
    }
    const image = await readInput(io, imageFile);
    let baked: Uint8Array | string;
    let format: 'png' | 'svg';
    try {
      if (isPng(image)) {
        baked = bakePng({ image, credential });
        format = 'png';
      } else {
        baked = bakeSvg({ svg: new TextDecoder().decode(image), credential });
        format = 'svg';
      }
    } catch (error) {
      throw new UsageError(`${imageFile}: ${(error as Error).message}`);
    }
    await writeFile(resolve(io.cwd, out), baked);
    if (values.json) printJson(io, { out, format });
    else io.stderr.write(`Baked the credential into ${out} (${format.toUpperCase()}).\n`);
    return 0;
  },
};

export const unbake: Command = {
  name: 'unbake',
  summary: 'extract the credential baked into a PNG or SVG badge (Open Badges 3.0 or 2.0)',
  help: `Usage: microcred unbake <baked.png|baked.svg> [--out FILE] [--json]

Prints (or writes) the credential baked into an image: an OB 3.0 credential (JSON or VC-JWT) or an
OB 2.0 assertion (JSON, signed JWS or hosted URL). Does not verify it: use \`microcred verify\`.

Options:
  --out FILE   write the credential here instead of standard output
  --json       print {"kind", "credential"}`,
  options: { out: { type: 'string' }, json: { type: 'boolean' } },
  async run({ values, positionals }, io) {
    if (positionals.length !== 1) throw new UsageError('give exactly one image file.');
    const file = positionals[0]!;
    const bytes = file === '-' ? await readInput(io, '-') : await readFile(resolve(io.cwd, file)).catch((error: Error) => {
      throw new UsageError(`cannot read ${file}: ${error.message}`);
    });
    const extracted = detectAndExtract(new Uint8Array(bytes));
    if (extracted === undefined) throw new UsageError(`${file} has no baked credential.`);
    if (!extracted.ok) throw new UsageError(`${file}: ${extracted.error}`);
    const credential = extracted.kind === 'ob3' ? extracted.credential : extracted.kind === 'ob3-jwt' ? extracted.jwt : extracted.assertion;
    const text = typeof credential === 'string' ? credential : JSON.stringify(credential, null, 2);
    const out = stringOption(values, 'out');
    if (out) await writeFile(resolve(io.cwd, out), `${text}\n`);
    if (values.json) printJson(io, { kind: extracted.kind, credential, ...(out ? { out } : {}) });
    else if (!out) print(io, text);
    return 0;
  },
};
