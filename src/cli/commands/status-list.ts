import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { isObject } from '../../vc/json.ts';
import { createEngine } from '../../vc/engine.ts';
import { signerFromMultikey, type Ed25519Multikey } from '../../vc/keys/ed25519.ts';
import { decodeStatusList, MIN_STATUS_LIST_ENTRIES, StatusBitstring } from '../../vc/status/bitstring.ts';
import { buildStatusListCredential, type StatusPurpose } from '../../vc/status/status-list-credential.ts';
import type { JsonObject } from '../../vc/types.ts';
import { UsageError } from '../errors.ts';
import { print, printJson, type Io } from '../output.ts';
import { readJsonFile, requiredOption, stringOption } from './args.ts';
import type { Command, OptionValues } from './types.ts';

async function loadSigner(io: Io, values: OptionValues) {
  const keyFile = requiredOption(values, 'key');
  const key = (await readJsonFile(io, keyFile)) as Ed25519Multikey;
  try {
    return { key, signer: signerFromMultikey(key) };
  } catch (error) {
    throw new UsageError(`${keyFile}: ${(error as Error).message}`);
  }
}

/** Reads a signed list credential file and decodes its bitstring. */
async function loadList(io: Io, file: string): Promise<{ credential: JsonObject; subject: JsonObject; list: StatusBitstring }> {
  const credential = await readJsonFile(io, file);
  const subject = isObject(credential) && isObject(credential.credentialSubject) ? credential.credentialSubject : undefined;
  if (!isObject(credential) || !subject || subject.type !== 'BitstringStatusList' || typeof subject.encodedList !== 'string') {
    throw new UsageError(`${file} is not a BitstringStatusListCredential.`);
  }
  const decoded = decodeStatusList({ encodedList: subject.encodedList });
  if (!decoded.ok) throw new UsageError(`${file}: ${decoded.error.message}`);
  return { credential, subject, list: decoded.list };
}

function parseIndex(text: string, list: StatusBitstring): number {
  const index = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(index) || index >= list.length) {
    throw new UsageError(`--index must be a whole number from 0 to ${list.length - 1}.`);
  }
  return index;
}

export const statusListCreate: Command = {
  name: 'status-list create',
  summary: 'create a signed, empty Bitstring Status List credential (revocation or suspension)',
  help: `Usage: microcred status-list create --key key.json --url URL --out list.json [--purpose revocation|suspension]

Creates a BitstringStatusListCredential with ${MIN_STATUS_LIST_ENTRIES.toLocaleString('en')} entries, all clear, signed with the key.
Publish the file at URL; issue credentials that point into it with
\`microcred issue … --status-list URL --status-index N\` (choose indexes at random, never in order).

Options:
  --key FILE          the issuer's key (required)
  --url URL           where the list will be published; also its id (required)
  --purpose P         revocation (default) or suspension
  --out FILE          where to write the list (required)
  --json              print {"out", "url", "entries"}`,
  options: { key: { type: 'string' }, url: { type: 'string' }, purpose: { type: 'string' }, out: { type: 'string' }, json: { type: 'boolean' } },
  async run({ values }, io) {
    const { key, signer } = await loadSigner(io, values);
    const url = requiredOption(values, 'url');
    if (!/^https?:\/\/\S+$/.test(url)) throw new UsageError('--url must be an http(s) URL.');
    const purpose = stringOption(values, 'purpose') ?? 'revocation';
    if (purpose !== 'revocation' && purpose !== 'suspension') throw new UsageError('--purpose must be revocation or suspension.');
    const out = requiredOption(values, 'out');
    const list = new StatusBitstring();
    const engine = createEngine();
    const signed = await engine.sign({ credential: buildStatusListCredential({ url, issuer: key.controller, statusPurpose: purpose, list, validFrom: new Date() }), signer });
    await writeFile(resolve(io.cwd, out), `${JSON.stringify(signed, null, 2)}\n`);
    if (values.json) printJson(io, { out, url, entries: list.length });
    else io.stderr.write(`Created a ${purpose} list of ${list.length} entries for ${url} → ${out}\n`);
    return 0;
  },
};

export const statusListSet: Command = {
  name: 'status-list set',
  summary: 'revoke, suspend or reinstate one entry of a status list, and re-sign it',
  help: `Usage: microcred status-list set LIST.json --key key.json --index N [--value 1|0] [--out FILE]

Sets entry N of a status list (1: revoked or suspended, 0: clear again — revocation is meant to be final,
suspension can be lifted), then re-signs the list with a new validFrom. Overwrites LIST.json unless --out.

Options:
  --key FILE     the issuer's key; must be the list issuer's (required)
  --index N      the credential's statusListIndex (required)
  --value 1|0    default 1
  --out FILE     write the re-signed list here instead
  --json         print {"index", "value", "previous", "out"}`,
  options: { key: { type: 'string' }, index: { type: 'string' }, value: { type: 'string' }, out: { type: 'string' }, json: { type: 'boolean' } },
  async run({ values, positionals }, io) {
    if (positionals.length !== 1) throw new UsageError('give exactly one status list file.');
    const file = positionals[0]!;
    const { key, signer } = await loadSigner(io, values);
    const { credential, subject, list } = await loadList(io, file);
    if (credential.issuer !== key.controller) throw new UsageError(`${file} was issued by ${String(credential.issuer)}, not by this key's ${key.controller}.`);
    const index = parseIndex(requiredOption(values, 'index'), list);
    const valueText = stringOption(values, 'value') ?? '1';
    if (valueText !== '0' && valueText !== '1') throw new UsageError('--value must be 1 or 0.');
    const previous = list.get(index);
    list.set(index, Number(valueText));
    const engine = createEngine();
    const unsigned = buildStatusListCredential({ url: String(credential.id), issuer: key.controller, statusPurpose: subject.statusPurpose as StatusPurpose, list, validFrom: new Date() });
    const signed = await engine.sign({ credential: unsigned, signer });
    const out = stringOption(values, 'out') ?? file;
    await writeFile(resolve(io.cwd, out), `${JSON.stringify(signed, null, 2)}\n`);
    if (values.json) printJson(io, { index, value: Number(valueText), previous, out });
    else io.stderr.write(`Entry ${index} of ${String(credential.id)} is now ${valueText} (was ${previous}); re-signed → ${out}\n`);
    return 0;
  },
};

export const statusListGet: Command = {
  name: 'status-list get',
  summary: 'read one entry of a status list file',
  help: `Usage: microcred status-list get LIST.json --index N [--json]

Prints the value of entry N (0 clear, 1 set). Does not check the list's signature: use \`microcred verify\`.`,
  options: { index: { type: 'string' }, json: { type: 'boolean' } },
  async run({ values, positionals }, io) {
    if (positionals.length !== 1) throw new UsageError('give exactly one status list file.');
    const { subject, list } = await loadList(io, positionals[0]!);
    const index = parseIndex(requiredOption(values, 'index'), list);
    const value = list.get(index);
    if (values.json) printJson(io, { index, value, statusPurpose: subject.statusPurpose });
    else print(io, String(value));
    return 0;
  },
};
