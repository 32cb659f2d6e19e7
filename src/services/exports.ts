import { randomUUID } from 'node:crypto';
import { strToU8, zipSync, type Zippable } from 'fflate';
import type { Row } from '../store/schema.ts';
import { detectAndExtract } from '../vc/baking/index.ts';
import { achievementsOf, buildClrCredential, withSingleStatus } from '../vc/clr.ts';
import { isPartOfAssociations } from './pathways/associations.ts';
import { normaliseEmail } from '../vc/credential/identity.ts';
import { isObject, asArray } from '../vc/json.ts';
import { createPresentation, signPresentation } from '../vc/presentation.ts';
import type { JsonObject, Signer } from '../vc/types.ts';
import { CAN, requireAccess, type Actor } from './access.ts';
import { audit } from './audit.ts';
import type { ServiceContext } from './context.ts';
import { EMAIL } from './credentials/validate.ts';
import { InvalidInput, NotFound, Unauthorized } from './errors.ts';
import type { IssuerService } from './issuers.ts';
import type { WalletService } from './wallet/index.ts';
import { stackedComponents } from './wallet/query.ts';

/** What exports needs of the learner service: the learner's did:key and a signer for it. */
export interface LearnerKeys {
  ensureKey(actor: Actor): Promise<{ did: string }>;
  signer(userId: string): Promise<Signer>;
}

/**
 * Most credentials in one presentation file: what a verifier checks in one presentation (our engine
 * verifies at most 256), and a bound on each signature's work (about 18 ms of canonicalisation per credential).
 */
export const PRESENTATION_SIZE = 256;

/** Most credentials one CLR holds (the verifier checks at most this many inside a CLR). */
export const MAX_CLR_CREDENTIALS = 1000;

export interface WalletExport {
  fileName: string;
  zip: Uint8Array;
}

/** One line of summary.json: what a credential in the export is, and the file holding it as received. */
export interface ExportSummaryItem {
  file: string;
  name: string;
  issuer?: string;
  issuerId?: string;
  issuedAt?: string;
  validUntil?: string;
  standard: string;
  format: string;
  status: string;
  verifiedAt: string;
  ects?: number;
  eqfLevel?: number;
  field?: string;
  skills: { uri?: string; label: string }[];
  /** Whether the credential is in a presentation (Verifiable Credentials are; OB 2.0 assertions are not). */
  inPresentation: boolean;
  /** The presentation file holding it. */
  presentationFile?: string;
}

export interface ExportSummary {
  exportedAt: string;
  holder: string;
  totals: { credentials: number; verified: number; ects: number; byField: { field: string; ects: number }[]; byLevel: { eqf: number; ects: number }[] };
  credentials: ExportSummaryItem[];
  /**
   * `file` is presentation.json; a wallet of more than PRESENTATION_SIZE credentials is presented in
   * several files (presentation.json, presentation-2.json…), all listed in `files`, same challenge.
   */
  presentation: { file: 'presentation.json'; files: string[]; challenge: string; domain: string; credentials: number };
}

const EXTENSIONS: Record<string, string> = {
  'application/json': 'json',
  'application/ld+json': 'json',
  'application/jwt': 'jwt',
  'application/vc+jwt': 'jwt',
  'image/png': 'png',
  'image/svg+xml': 'svg',
};

/** A file-name-safe slug of a credential name: ASCII letters and digits, dashes, at most 48 characters. */
export function slug(name: string): string {
  const text = name.normalize('NFKD').replace(/[\u0300-\u036f]/g, '').toLowerCase()
    .replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 48).replace(/-+$/, '');
  return text || 'credential';
}

/** The bytes exactly as received: PNG was kept as base64, every text format as its text. */
function originalBytes(row: Pick<Row<'wallet_credentials'>, 'original' | 'original_type'>): Uint8Array {
  return row.original_type === 'image/png' ? new Uint8Array(Buffer.from(row.original, 'base64')) : strToU8(row.original);
}

/** The credential to present: the JSON object with its proof, or the compact VC-JWT; undefined for OB 2.0. */
function presentable(row: Row<'wallet_credentials'>): JsonObject | string | undefined {
  if (row.format === 'ob2') return undefined;
  const extracted = detectAndExtract(originalBytes(row));
  if (!extracted?.ok) return undefined;
  if (extracted.kind === 'ob3-jwt') return extracted.jwt;
  if (extracted.kind !== 'ob3') return undefined;
  // A presentation inside a presentation is not a credential.
  return asArray(extracted.credential.type).includes('VerifiableCredential') ? extracted.credential : undefined;
}

function skillsOf(row: Row<'wallet_credentials'>): { uri?: string; label: string }[] {
  if (!row.skills) return [];
  try {
    const parsed: unknown = JSON.parse(row.skills);
    return Array.isArray(parsed) ? parsed.filter((s): s is { uri?: string; label: string } => isObject(s) && typeof s.label === 'string') : [];
  } catch {
    return [];
  }
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

const STATUS_WORDS: Record<string, string> = {
  verified: 'Verified', revoked: 'Revoked by the issuer', suspended: 'Suspended by the issuer', expired: 'Expired',
  invalid: 'Not valid', unknown: 'Status could not be checked',
};

/** A page a person can open from the unzipped folder: the list, the totals, each file linked. */
export function summaryHtml(summary: ExportSummary): string {
  const numbers = (value: number) => (Math.round(value * 100) / 100).toString();
  const rows = summary.credentials.map((item) => `<tr>
<td><a href="${escapeHtml(item.file)}">${escapeHtml(item.name)}</a></td>
<td>${escapeHtml(item.issuer ?? '')}</td>
<td>${escapeHtml(item.issuedAt?.slice(0, 10) ?? '')}</td>
<td>${item.ects !== undefined ? numbers(item.ects) : ''}</td>
<td>${item.eqfLevel !== undefined ? `EQF ${item.eqfLevel}` : ''}</td>
<td>${escapeHtml(STATUS_WORDS[item.status] ?? item.status)}</td>
<td>${escapeHtml(item.standard)}</td>
</tr>`).join('\n');
  const byField = summary.totals.byField.map((entry) => `<li>${escapeHtml(entry.field)}: ${numbers(entry.ects)} ECTS</li>`).join('');
  const byLevel = summary.totals.byLevel.map((entry) => `<li>EQF ${entry.eqf}: ${numbers(entry.ects)} ECTS</li>`).join('');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>My credentials — microcred wallet export</title>
<style>body{font-family:system-ui,sans-serif;margin:1rem auto;max-width:60rem;padding:0 1rem;color:#1a1a1a}table{border-collapse:collapse;width:100%}th,td{text-align:left;padding:.4rem;border-bottom:1px solid #ccc;vertical-align:top}caption{text-align:left;font-weight:bold;margin:.5rem 0}</style>
</head>
<body>
<main>
<h1>My credentials</h1>
<p>Exported ${escapeHtml(summary.exportedAt.slice(0, 10))} from microcred. Holder: <code>${escapeHtml(summary.holder)}</code>.</p>
<h2>Totals</h2>
<p>${summary.totals.credentials} credential${summary.totals.credentials === 1 ? '' : 's'}, ${summary.totals.verified} verified; ${numbers(summary.totals.ects)} ECTS credits from verified credentials.</p>
${byField ? `<h3>Credits by field</h3><ul>${byField}</ul>` : ''}
${byLevel ? `<h3>Credits by level</h3><ul>${byLevel}</ul>` : ''}
<h2>Credentials</h2>
<table>
<caption>Every credential as received (the linked files are the originals)</caption>
<thead><tr><th scope="col">Credential</th><th scope="col">Issuer</th><th scope="col">Issued</th><th scope="col">ECTS</th><th scope="col">Level</th><th scope="col">Status</th><th scope="col">Standard</th></tr></thead>
<tbody>
${rows}
</tbody>
</table>
<p>${summary.presentation.files.map((file) => `<a href="${escapeHtml(file)}">${escapeHtml(file)}</a>`).join(', ')} ${summary.presentation.files.length === 1 ? 'holds' : 'hold'} every Verifiable Credential above, presented and signed by the holder's key (challenge <code>${escapeHtml(summary.presentation.challenge)}</code>, domain <code>${escapeHtml(summary.presentation.domain)}</code>).</p>
</main>
</body>
</html>
`;
}

/** Totals over verified credentials only, as the wallet shows them. */
/** As the wallet counts them (walletTotals): a stacked credential's components are not added again. */
function totalsOf(rows: Row<'wallet_credentials'>[], components: ReadonlySet<string>): ExportSummary['totals'] {
  let centi = 0;
  const byField = new Map<string, number>();
  const byLevel = new Map<number, number>();
  const verified = rows.filter((row) => row.status === 'verified');
  for (const row of verified) {
    if (row.ects_centi === null || components.has(row.id)) continue;
    const value = Number(row.ects_centi);
    centi += value;
    if (row.field) byField.set(row.field, (byField.get(row.field) ?? 0) + value);
    if (row.eqf_level !== null) byLevel.set(Number(row.eqf_level), (byLevel.get(Number(row.eqf_level)) ?? 0) + value);
  }
  return {
    credentials: rows.length,
    verified: verified.length,
    ects: centi / 100,
    byField: [...byField].sort(([a], [b]) => a.localeCompare(b)).map(([field, value]) => ({ field, ects: value / 100 })),
    byLevel: [...byLevel].sort(([a], [b]) => a - b).map(([eqf, value]) => ({ eqf, ects: value / 100 })),
  };
}

/** Exports (issue 4): the learner's whole wallet as a zip; an issuer's CLR 2.0 of a learner. */
export function createExportService(ctx: ServiceContext, deps: { wallet: WalletService; learners: LearnerKeys; issuers: IssuerService }, options: { presentationSize?: number } = {}) {
  const { learners, issuers } = deps;
  const presentationSize = options.presentationSize ?? PRESENTATION_SIZE;

  return {
    /**
     * The whole wallet as a zip: `credentials/<n>-<slug>.<ext>` (each original byte for byte),
     * `summary.json` and `summary.html` (the list and totals), and `presentation.json`: every
     * Verifiable Credential in one presentation signed by the learner's did:key (made on first use);
     * beyond PRESENTATION_SIZE credentials, in presentation-2.json and so on.
     */
    async walletZip(actor: Actor): Promise<WalletExport> {
      if (actor.kind !== 'user') throw new Unauthorized('sign in to export your wallet');
      const rows = await ctx.db.selectFrom('wallet_credentials').selectAll().where('user_id', '=', actor.userId)
        .orderBy('added_at').orderBy('id').execute();
      const { did } = await learners.ensureKey(actor);
      const signer = await learners.signer(actor.userId);

      const width = Math.max(2, String(rows.length).length);
      const files: Zippable = {};
      const items: ExportSummaryItem[] = [];
      const presented: { credential: JsonObject | string; item: ExportSummaryItem }[] = [];
      for (const [index, row] of rows.entries()) {
        const file = `credentials/${String(index + 1).padStart(width, '0')}-${slug(row.name)}.${EXTENSIONS[row.original_type] ?? 'txt'}`;
        files[file] = [originalBytes(row), { level: row.original_type === 'image/png' ? 0 : 6 }];
        const credential = presentable(row);
        const item: ExportSummaryItem = {
          file,
          name: row.name,
          ...(row.issuer_name ? { issuer: row.issuer_name } : {}),
          ...(row.issuer_id ? { issuerId: row.issuer_id } : {}),
          ...(row.issued_at ? { issuedAt: row.issued_at } : {}),
          ...(row.valid_until ? { validUntil: row.valid_until } : {}),
          standard: row.standard,
          format: row.format,
          status: row.status,
          verifiedAt: row.verified_at,
          ...(row.ects_centi !== null ? { ects: Number(row.ects_centi) / 100 } : {}),
          ...(row.eqf_level !== null ? { eqfLevel: Number(row.eqf_level) } : {}),
          ...(row.field ? { field: row.field } : {}),
          skills: skillsOf(row),
          inPresentation: credential !== undefined,
        };
        items.push(item);
        if (credential !== undefined) presented.push({ credential, item });
      }

      const now = ctx.now();
      // Nobody asked for this presentation, so there is no verifier's challenge: the export makes one and
      // writes it in summary.json, so that anyone given the folder can check the holder's signature.
      const challenge = `wallet-export:${randomUUID()}`;
      const domain = ctx.config.publicUrl;
      const sign = async (chunk: typeof presented) => {
        const presentation = createPresentation({ credentials: chunk.map((entry) => entry.credential), holder: did, id: `urn:uuid:${randomUUID()}` });
        // Credentials of any instance name its EU context at that instance, pinned by digest.
        return await signPresentation({ presentation, signer, documentLoader: ctx.engine.loaderFor(presentation), now, challenge, domain });
      };
      const presentationFiles: string[] = [];
      for (let start = 0; start === 0 || start < presented.length; start += presentationSize) {
        let chunk = presented.slice(start, start + presentationSize);
        const file = start === 0 ? 'presentation.json' : `presentation-${start / presentationSize + 1}.json`;
        let presentation: JsonObject;
        try {
          presentation = await sign(chunk);
        } catch {
          // A credential whose JSON-LD cannot be signed over (undefined terms, a context that clashes with
          // the presentation's) would keep every other one out: it stays in the folder, outside the presentation.
          const signable: typeof presented = [];
          for (const entry of chunk) {
            try {
              await sign([entry]);
              signable.push(entry);
            } catch {
              entry.item.inPresentation = false;
            }
          }
          chunk = signable;
          presentation = await sign(chunk);
        }
        files[file] = strToU8(`${JSON.stringify(presentation, null, 2)}\n`);
        presentationFiles.push(file);
        for (const entry of chunk) entry.item.presentationFile = file;
      }
      const summary: ExportSummary = {
        exportedAt: now.toISOString(),
        holder: did,
        totals: totalsOf(rows, await stackedComponents(ctx.db, actor.userId)),
        credentials: items,
        presentation: { file: 'presentation.json', files: presentationFiles, challenge, domain, credentials: items.filter((item) => item.inPresentation).length },
      };
      files['summary.json'] = strToU8(`${JSON.stringify(summary, null, 2)}\n`);
      files['summary.html'] = strToU8(summaryHtml(summary));
      const zip = zipSync(files, { level: 6, mtime: now });
      ctx.log.info({ userId: actor.userId, credentials: rows.length }, 'wallet exported');
      return { fileName: `microcred-wallet-${now.toISOString().slice(0, 10)}.zip`, zip };
    },

    /**
     * A CLR 2.0 ClrCredential of everything the organisation issued to the address that still holds
     * (active, not expired, JSON with an embedded proof: CLR 2.0 embeds credentials as objects), signed
     * by the organisation's default issuer. CLR 2.0 allows one status entry per embedded credential:
     * ours carry two (revocation, suspension), so each is embedded as a copy its issuer signs again
     * with the revocation entry. Not stored; the audit log records that it was made.
     */
    async clr(actor: Actor, organisationId: string, email: string | undefined): Promise<JsonObject> {
      await requireAccess(ctx, actor, organisationId, { roles: CAN.issue, scope: 'read' }, 'organisation');
      if (email === undefined || email.trim() === '') throw new InvalidInput('email is required: the address the credentials were issued to', [{ pointer: '/email', message: 'is required' }], { status: 400 });
      const address = normaliseEmail(email);
      if (!EMAIL.test(address)) throw new InvalidInput('email is not an e-mail address', [{ pointer: '/email', message: 'is not an e-mail address' }], { status: 400 });
      const issuer = await ctx.db.selectFrom('issuers').select('id').where('organisation_id', '=', organisationId)
        .where('is_default', '=', 1).executeTakeFirst();
      if (!issuer) throw new NotFound('default issuer of this organisation');
      const now = ctx.now();
      const rows = await ctx.db.selectFrom('credentials').select(['id', 'issuer_id', 'document'])
        .where('organisation_id', '=', organisationId).where('recipient_email', '=', address)
        .where('status', '=', 'active').where('format', '=', 'ldp')
        .where((eb) => eb.or([eb('valid_until', 'is', null), eb('valid_until', '>', now.toISOString())]))
        .orderBy('issued_at').orderBy('id').limit(MAX_CLR_CREDENTIALS).execute();
      if (rows.length === 0) throw new NotFound('an active credential of this organisation issued to that address');
      // Embedded as issued when CLR 2.0's schema takes them so; one with several status entries is
      // signed again by its own issuer with the revocation entry only (suspended ones are not included).
      const credentials: JsonObject[] = [];
      for (const row of rows) {
        const issuedDocument = JSON.parse(row.document) as JsonObject;
        const copy = withSingleStatus(issuedDocument);
        if (!copy) credentials.push(issuedDocument);
        else credentials.push(await ctx.engine.sign({ credential: copy, signer: (await issuers.signing(row.issuer_id)).signer, now }) as JsonObject);
      }

      const { issuer: issuerRow, signer } = await issuers.signing(issuer.id);
      const id = `urn:uuid:${randomUUID()}`;
      // Stacked credentials of pathways: each constituent's achievement isPartOf the target's (CLR 2.0 §B.1.1).
      const recordAchievements = new Set(achievementsOf(credentials).map((achievement) => achievement.id).filter((value): value is string => typeof value === 'string'));
      const associations = await isPartOfAssociations(ctx.db, rows.map((row) => row.id), recordAchievements);
      const unsigned = buildClrCredential({
        id,
        issuer: issuers.profile(issuerRow),
        recipient: { email: address },
        credentials,
        validFrom: now,
        associations,
        description: `Every credential ${issuerRow.name} issued to this learner that was valid on ${now.toISOString().slice(0, 10)}.`,
      });
      const signed = await ctx.engine.sign({ credential: unsigned, signer, now });
      await audit(ctx, ctx.db, actor, { organisationId, action: 'clr.export', targetType: 'issuer', targetId: issuer.id, details: { clrId: id, credentials: rows.length } });
      return signed as JsonObject;
    },
  };
}

export type ExportService = ReturnType<typeof createExportService>;
