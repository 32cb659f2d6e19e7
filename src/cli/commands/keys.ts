import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { generateDidKey } from '../../vc/did/did-key.ts';
import { buildDidWebDocument, didWebToUrl } from '../../vc/did/did-web.ts';
import { isObject } from '../../vc/json.ts';
import { decodePublicKeyMultibase, type Ed25519Multikey } from '../../vc/keys/ed25519.ts';
import { UsageError } from '../errors.ts';
import { print, printJson } from '../output.ts';
import { readJsonFile, requiredOption, stringOption } from './args.ts';
import type { Command } from './types.ts';

export const keysGenerate: Command = {
  name: 'keys generate',
  summary: 'create an Ed25519 signing key (did:key) and save it',
  help: `Usage: microcred keys generate --out key.json [--did did:web:HOST[:PATH]] [--json]

Creates a new Ed25519 key pair, writes it as a Multikey JSON file (identifier, public and private key)
and prints the DID. By default the DID is the key itself (did:key). With --did did:web:…, the key
belongs to that web DID: publish the document from \`microcred keys did-document\` at the DID's URL.
Keep the file secret: it signs credentials in your name.

Options:
  --out FILE   where to write the key (without it the key file is printed)
  --did DID    a did:web identifier the key belongs to, e.g. did:web:uni.example.eu
  --force      overwrite an existing file
  --json       print {"did", "verificationMethod", "file"} as JSON`,
  options: { out: { type: 'string' }, did: { type: 'string' }, json: { type: 'boolean' }, force: { type: 'boolean' } },
  async run({ values }, io) {
    const key: Ed25519Multikey = generateDidKey();
    const did = stringOption(values, 'did');
    if (did !== undefined) {
      if (!didWebToUrl(did)) throw new UsageError(`--did must be a did:web identifier such as did:web:uni.example.eu, not "${did}".`);
      key.controller = did;
      key.id = `${did}#${key.publicKeyMultibase}`;
    }
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

export const keysDidDocument: Command = {
  name: 'keys did-document',
  summary: 'print the did:web DID document to publish for one or more keys',
  help: `Usage: microcred keys did-document --key key.json [--key old-key.json]... [--out did.json]

Prints the DID document of a did:web key (public keys only). Publish it at the URL the DID names
(did:web:uni.example.eu → https://uni.example.eu/.well-known/did.json). After a key rotation, give the
old keys too, so credentials they signed keep verifying.

Options:
  --key FILE   a key file from \`microcred keys generate --did …\` (repeatable; all must share the DID)
  --out FILE   write the document here instead of standard output`,
  options: { key: { type: 'string', multiple: true }, out: { type: 'string' } },
  async run({ values }, io) {
    const files = Array.isArray(values.key) ? values.key.filter((v): v is string => typeof v === 'string') : [requiredOption(values, 'key')];
    if (files.length === 0) throw new UsageError('--key is required.');
    const keys: Ed25519Multikey[] = [];
    for (const file of files) {
      const key = await readJsonFile(io, file);
      if (!isObject(key) || typeof key.controller !== 'string' || decodePublicKeyMultibase(key.publicKeyMultibase) === undefined) {
        throw new UsageError(`${file} is not a microcred key file (it needs "controller" and an Ed25519 "publicKeyMultibase").`);
      }
      keys.push(key as unknown as Ed25519Multikey);
    }
    const did = keys[0]!.controller;
    if (typeof did !== 'string' || !didWebToUrl(did)) throw new UsageError(`${files[0]} is not a did:web key (create one with \`keys generate --did did:web:…\`).`);
    if (keys.some((key) => key.controller !== did)) throw new UsageError('all keys must belong to the same DID.');
    const document = buildDidWebDocument({ did, keys: keys.map((key) => ({ publicKeyMultibase: key.publicKeyMultibase })) });
    const text = JSON.stringify(document, null, 2);
    const out = stringOption(values, 'out');
    if (out) {
      await writeFile(resolve(io.cwd, out), `${text}\n`);
      io.stderr.write(`Wrote the DID document of ${did} → ${out}; publish it at ${didWebToUrl(did)}\n`);
    } else {
      print(io, text);
    }
    return 0;
  },
};
