import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { createGuardedFetcher } from '../../net/guarded-fetcher.ts';
import { toDisplay } from '../../vc/display.ts';
import { createEngine } from '../../vc/engine.ts';
import { InputError, verifyAny } from '../../vc/verify-any.ts';
import type { Check, Fetcher, JsonObject, VerificationResult } from '../../vc/types.ts';
import { UsageError } from '../errors.ts';
import { print, printJson, type Io } from '../output.ts';
import { listOption, readInput, stringOption } from './args.ts';
import type { Command } from './types.ts';

const GONE = 410;

export const verify: Command = {
  name: 'verify',
  summary: 'verify a credential (JSON, VC-JWT, baked PNG or SVG, Open Badges 2.0) and explain each check',
  help: `Usage: microcred verify <file|url|-> [--json] [--resolve URL_OR_DID=FILE]... [--recipient EMAIL] [--offline]

Verifies an Open Badges 3.0 / Verifiable Credential (JSON with a Data Integrity proof, or a VC-JWT), a
baked PNG or SVG badge, or an Open Badges 2.0 assertion (JSON, signed, or hosted URL), and prints each
check in plain words. "-" reads standard input.

Options:
  --resolve URL_OR_DID=FILE  answer this URL or DID from a local file instead of the network
                             (a status list, a DID document, a context, a hosted assertion…); repeatable
  --offline                  never use the network: whatever is not given with --resolve is unavailable
                             (a status list that cannot be read is reported as unknown, not as fine)
  --recipient EMAIL_OR_DID   also check that the credential was issued to this person
  --challenge TEXT           for a Verifiable Presentation: the challenge you gave the holder (required)
  --domain TEXT              for a Verifiable Presentation: your domain, when you gave one
  --json                     print the result object {verified, checks, credential}

Exit codes: 0 verified, 1 not verified, 2 usage or input error.`,
  options: {
    resolve: { type: 'string', multiple: true },
    offline: { type: 'boolean' },
    recipient: { type: 'string' },
    challenge: { type: 'string' },
    domain: { type: 'string' },
    json: { type: 'boolean' },
  },
  async run({ values, positionals }, io) {
    if (positionals.length !== 1) throw new UsageError('give exactly one file, URL or - (standard input).');
    const target = positionals[0]!;
    const documents = await loadResolveMap(io, listOption(values, 'resolve'));
    const network = values.offline ? undefined : (io.fetch ?? createGuardedFetcher());
    const fetcher = fetcherOver(documents.bytes, network);

    const isUrl = /^https?:\/\//i.test(target);
    const bytes = isUrl ? await fetchTarget(fetcher, target) : await readInput(io, target);
    const recipient = stringOption(values, 'recipient');
    const challenge = stringOption(values, 'challenge');
    const domain = stringOption(values, 'domain');
    const result = await verifyBytes({
      bytes, target, documents: documents.parsed, fetcher, network, now: io.now?.() ?? new Date(), ...(isUrl ? { sourceUrl: target } : {}),
      ...(recipient ? { recipient } : {}), ...(challenge ? { challenge } : {}), ...(domain ? { domain } : {}),
    });

    if (values.json) printJson(io, result);
    else print(io, formatReport(result));
    return result.verified ? 0 : 1;
  },
};

/** Verifies whatever the bytes hold, with the CLI's words for input that holds nothing to verify. */
async function verifyBytes(options: {
  bytes: Uint8Array;
  target: string;
  documents: ReadonlyMap<string, unknown>;
  fetcher: Fetcher;
  network?: Fetcher;
  now: Date;
  sourceUrl?: string;
  recipient?: string;
  challenge?: string;
  domain?: string;
}): Promise<VerificationResult & { standard?: string; credentials?: VerificationResult[] }> {
  // Offline, the engine holds only the --resolve documents (a missing status list reads as "offline", not as a failed fetch).
  const engine = createEngine({ documents: options.documents, clock: () => options.now, ...(options.network ? { fetcher: options.fetcher } : {}) });
  let result;
  try {
    result = await verifyAny({
      bytes: options.bytes, engine, fetcher: options.fetcher, now: options.now, ...(options.sourceUrl ? { sourceUrl: options.sourceUrl } : {}),
      ...(options.recipient ? { recipient: options.recipient } : {}),
      ...(options.challenge ? { challenge: options.challenge } : {}),
      ...(options.domain ? { domain: options.domain } : {}),
    });
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    if (error.reason === 'challenge-required') throw new UsageError('this is a Verifiable Presentation: give the --challenge you asked the holder to sign (and --domain if you gave one).');
    if (error.reason === 'no-credential') throw new UsageError(`${options.target} holds no credential (an image without a baked badge?).`);
    throw new UsageError(`${options.target}: ${error.message}`);
  }
  const { verified, checks, credential, standard, credentials } = result;
  if (standard === 'Verifiable Presentation') return { verified, checks, credentials: credentials ?? [], standard };
  return { verified, checks, ...(credential ? { credential } : {}), standard };
}

async function fetchTarget(fetcher: Fetcher, url: string): Promise<Uint8Array> {
  let fetched;
  try {
    fetched = await fetcher(url, { acceptStatus: [GONE] });
  } catch (error) {
    throw new UsageError(`cannot read ${url}: ${(error as Error).message}`);
  }
  // OB 2.0: a hosted assertion whose address answers 410 Gone is revoked; the address itself is what is verified
  // (as the wallet import and the public verifier do), so the report says so instead of "cannot read".
  return fetched.status === GONE ? new TextEncoder().encode(url) : fetched.body;
}

/** Loads `--resolve KEY=FILE` pairs: raw bytes for fetches, parsed JSON (or text) for the engine. */
async function loadResolveMap(io: Io, pairs: string[]): Promise<{ bytes: Map<string, Uint8Array>; parsed: Map<string, unknown> }> {
  const bytes = new Map<string, Uint8Array>();
  const parsed = new Map<string, unknown>();
  for (const pair of pairs) {
    const at = pair.lastIndexOf('=');
    if (at <= 0 || at === pair.length - 1) throw new UsageError(`--resolve takes URL_OR_DID=FILE, not "${pair}".`);
    const key = pair.slice(0, at);
    const file = pair.slice(at + 1);
    let data: Buffer;
    try {
      data = await readFile(resolve(io.cwd, file));
    } catch (error) {
      throw new UsageError(`--resolve ${key}: cannot read ${file}: ${(error as Error).message}`);
    }
    bytes.set(key, new Uint8Array(data));
    const text = data.toString('utf8').trim();
    try {
      parsed.set(key, JSON.parse(text));
    } catch {
      parsed.set(key, text);
    }
  }
  return { bytes, parsed };
}

/** Answers from the --resolve files first, then (unless offline) through the guarded network fetcher. */
function fetcherOver(bytes: ReadonlyMap<string, Uint8Array>, network: Fetcher | undefined): Fetcher {
  return async (url, fetchOptions) => {
    const held = bytes.get(url);
    if (held) return { url, body: held };
    if (!network) throw new Error('not available offline (give it with --resolve)');
    return await network(url, fetchOptions);
  };
}

const MARK: Record<Check['outcome'], string> = { passed: '✔', failed: '✖', warning: '!', skipped: '–' };

/** The human report: one sentence, what the credential is and is worth, then each check. */
export function formatReport(result: VerificationResult & { standard?: string; credentials?: VerificationResult[] }): string {
  const lines: string[] = [];
  const failed = result.checks.find((entry) => entry.outcome === 'failed');
  const warnings = result.checks.filter((entry) => entry.outcome === 'warning');
  const noun = result.standard === 'Verifiable Presentation' ? 'presentation and the credentials in it are' : 'credential is';
  if (result.verified) {
    lines.push(warnings.length > 0 ? `VERIFIED, with ${warnings.length} warning${warnings.length === 1 ? '' : 's'}: ${warnings[0]!.message}` : `VERIFIED: this ${noun} authentic and valid.`);
  } else {
    lines.push(`NOT VERIFIED: ${failed ? failed.message : 'a check failed.'}`);
  }
  if (result.credential) lines.push(...describe(result.credential, result.standard));
  lines.push('', 'Checks:');
  const width = Math.max(...result.checks.map((entry) => entry.check.length));
  for (const entry of result.checks) lines.push(`  ${MARK[entry.outcome]} ${entry.check.padEnd(width)}  ${entry.message}`);
  for (const [index, inner] of (result.credentials ?? []).entries()) {
    lines.push('', `Credential ${index + 1} of ${result.credentials!.length}:`, ...formatReport(inner).split('\n').map((line) => `  ${line}`));
  }
  return printable(lines.join('\n'));
}

/**
 * Removes what a credential could use to take over or spoof a terminal: control characters (escape
 * sequences) and bidirectional overrides. Line breaks and tabs stay.
 */
export function printable(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g, '');
}

/** What the credential says, through the display model shared by OB 3.0, CLR and OB 2.0. */
function describe(credential: JsonObject, standard: string | undefined): string[] {
  let view;
  try {
    view = toDisplay(credential, standard === 'Open Badges 2.0' ? { version: 'ob2' } : {});
  } catch {
    return [];
  }
  const rows: [string, string | undefined][] = [
    ['Standard', standard ?? view.standard],
    ['Achievement', view.achievement?.name ?? view.name],
    ['Issuer', [view.issuer.name, view.issuer.id ? `(${view.issuer.id})` : undefined].filter(Boolean).join(' ') || undefined],
    ['Recipient', view.recipient.name ?? view.recipient.id ?? (view.recipient.identityHashed ? `a hashed ${view.recipient.identityType === 'emailAddress' ? 'e-mail address' : (view.recipient.identityType ?? 'identity')} (check one with --recipient)` : view.recipient.identity)],
    ['Issued', view.validFrom ?? view.issuedOn],
    ['Expires', view.validUntil],
    ['Credits', view.achievement?.creditsAvailable !== undefined ? `${view.achievement.creditsAvailable} ECTS${view.result.creditsEarned !== undefined ? ` (${view.result.creditsEarned} earned)` : ''}` : undefined],
    ['Level', view.achievement?.level ? `EQF ${view.achievement.level}` : undefined],
    ['Grade', view.result.grade],
  ];
  const lines = rows.filter(([, value]) => value).map(([label, value]) => `  ${`${label}:`.padEnd(13)}${value}`);
  const outcomes = view.achievement?.eu?.learningOutcome;
  if (Array.isArray(outcomes) && outcomes.length > 0) {
    lines.push('  Learning outcomes:');
    for (const outcome of outcomes.slice(0, 8)) if (typeof outcome === 'string') lines.push(`    - ${outcome}`);
  }
  const skills = (view.achievement?.alignments ?? []).filter((alignment) => !/qualifications framework/i.test(alignment.targetFramework ?? ''));
  if (skills.length > 0) lines.push(`  Skills:      ${skills.slice(0, 8).map((skill) => skill.targetName).join('; ')}`);
  return lines;
}
