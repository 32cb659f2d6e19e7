import { randomUUID } from 'node:crypto';
import type { Row } from '../store/schema.ts';
import { CONTEXTS, EU_CONTEXT_BYTES, euContextUrl } from '../vc/contexts/index.ts';
import { asArray, isObject } from '../vc/json.ts';
import { JsonLdProcessingError } from '../vc/jsonld.ts';
import { embeddedCredentials, presentationProblems } from '../vc/presentation.ts';
import { specErrorOf } from '../vc/spec-errors.ts';
import { checkStructure } from '../vc/structure.ts';
import { relatedResourceProblems } from '../vc/related-resource.ts';
import type { IssueFormat } from '../vc/proofs/provider.ts';
import type { Check, JsonObject, VerificationResult } from '../vc/types.ts';
import { actorId, CAN, requireAccess, type Actor } from './access.ts';
import { audit } from './audit.ts';
import { emitEvents } from './webhooks/events.ts';
import type { ServiceContext } from './context.ts';
import { Conflict, Forbidden, InvalidInput, NotFound, Unauthorized, type FieldError } from './errors.ts';
import type { IssuerService } from './issuers.ts';
import type { AnyListPurpose, ListPurpose, StatusService, StatusSlot } from './status/index.ts';
import { MAX_STATUS_SIZE } from '../vc/status/bitstring.ts';
import { buildStatusListEntry, type StatusMessage } from '../vc/status/status-list-credential.ts';
import { isUniqueViolation } from '../store/constraint.ts';

/** VC-API IssueCredentialOptions, as far as microcred reads them; other members are ignored. */
export interface VcApiIssueOptions {
  /**
   * VC-API: the status to add, `{type: 'BitstringStatusListEntry', statusPurpose?}` (purpose
   * `revocation` when absent; a list of purposes adds one entry each; a `message` entry also takes
   * statusSize, statusMessage and statusReference). Without it the credential is signed with no
   * status entry; `false` says the same explicitly.
   */
  credentialStatus?: { type: string; statusPurpose?: string | string[]; statusSize?: number; statusMessage?: unknown; statusReference?: unknown } | false;
  /** microcred: the securing mechanism (default Data Integrity eddsa-rdfc-2022). */
  format?: IssueFormat;
  [other: string]: unknown;
}

/** The VC-API verification response: every check, and the failed and doubtful ones as problem details. */
export interface VcApiVerification {
  verified: boolean;
  checks: Check[];
  warnings: VcApiProblem[];
  errors: VcApiProblem[];
}

export interface VcApiProblem {
  /** The standard's problem type when one names the failure (VC 2.0 §7.2, Data Integrity §4.7, Bitstring Status List §3.5), else microcred's check URL. */
  type: string;
  /** microcred's check name (`proof`, `status`…). */
  title: string;
  detail: string;
}

export interface VcApiStatusInput {
  /** The credential's `id` as issued (a URL or URN). */
  credentialId: string;
  credentialStatus: { type: 'BitstringStatusListEntry'; statusPurpose: 'revocation' | 'suspension' | 'message' };
  /** Revocation and suspension: true sets, false clears. Message: the value, 0 … 2^statusSize − 1. */
  status: boolean | number;
}

const CHECK_TYPE_BASE = 'https://w3id.org/microcred/checks/';
/** Credential kinds whose subjects must name the learner (OB 3.0 §8.2.5.1); other VCs need not. */
const BADGE_TYPES = ['OpenBadgeCredential', 'AchievementCredential', 'ClrCredential', 'EndorsementCredential'];
const MAX_PRESENTED = 256;
export const VC_API_FORMATS: readonly IssueFormat[] = ['eddsa-rdfc-2022', 'eddsa-jcs-2022', 'vc-jwt'];
/** VC 2.0 §4.13.1 / VC-JOSE-COSE: a VC-JWT travels in JSON as an enveloped credential. */
const VC_JWT_DATA_URL = 'data:application/vc+jwt,';

function seg(key: string | number): string {
  return `/${String(key).replace(/~/g, '~0').replace(/\//g, '~1')}`;
}

function isUrl(value: unknown): value is string {
  return typeof value === 'string' && /^[a-z][a-z0-9+.-]*:\S+$/i.test(value) && URL.canParse(value);
}

function hasType(value: JsonObject): boolean {
  const types = asArray(value.type);
  return types.length > 0 && types.every((type) => typeof type === 'string' && type !== '');
}

/**
 * The VC 2.0 data model rules on the optional members that checkStructure leaves to badge schemas:
 * each is an object or a list of objects of a given shape. Pointers are relative to the credential.
 */
function memberProblems(credential: JsonObject, ownEuContext: string): FieldError[] {
  const problems: FieldError[] = [];
  const each = (key: string, rule: (item: JsonObject, at: string) => void) => {
    const value = credential[key];
    if (value === undefined) return;
    const items = Array.isArray(value) ? value.map((item, i) => [item, `${seg(key)}${seg(i)}`] as const) : [[value, seg(key)] as const];
    if (Array.isArray(value) && value.length === 0) problems.push({ pointer: seg(key), message: `${key} must not be an empty list` });
    for (const [item, at] of items) {
      if (!isObject(item)) problems.push({ pointer: at, message: `each ${key} must be an object` });
      else rule(item, at);
    }
  };
  const needType = (name: string, section: string) => (item: JsonObject, at: string) => {
    if (!hasType(item)) problems.push({ pointer: `${at}/type`, message: `a ${name} must have a type (VC 2.0 ${section})` });
  };
  const needIdAndType = (name: string, section: string) => (item: JsonObject, at: string) => {
    if (!isUrl(item.id)) problems.push({ pointer: `${at}/id`, message: `a ${name} must have an id that is a URL (VC 2.0 ${section})` });
    needType(name, section)(item, at);
  };
  // VC 2.0 §4.3: after the base context come URLs and objects only.
  asArray(credential['@context']).forEach((entry, i) => {
    if (i > 0 && !isUrl(entry) && !isObject(entry)) problems.push({ pointer: `/@context${seg(i)}`, message: 'each @context entry must be a URL or an object (VC 2.0 §4.3)' });
  });
  // VC 2.0 §4.8: each subject makes at least one claim; its id, when present, is one URL.
  for (const [subject, at] of asArray(credential.credentialSubject).map((s, i) => [s, Array.isArray(credential.credentialSubject) ? `/credentialSubject${seg(i)}` : '/credentialSubject'] as const)) {
    if (!isObject(subject)) continue;
    if (Object.keys(subject).length === 0) problems.push({ pointer: at, message: 'a credentialSubject must make at least one claim (VC 2.0 §4.8)' });
    if (subject.id !== undefined && !isUrl(subject.id)) problems.push({ pointer: `${at}/id`, message: 'a credentialSubject id must be one URL (VC 2.0 §4.8)' });
  }
  // VC 2.0 §4.10: a status entry has a type; its id, when present, is a URL.
  each('credentialStatus', (item, at) => {
    needType('credentialStatus', '§4.10')(item, at);
    if (item.id !== undefined && !isUrl(item.id)) problems.push({ pointer: `${at}/id`, message: 'a credentialStatus id must be a URL (VC 2.0 §4.10)' });
  });
  each('credentialSchema', needIdAndType('credentialSchema', '§4.11'));
  each('refreshService', needIdAndType('refreshService', '§5.4'));
  each('termsOfUse', needType('termsOfUse entry', '§5.5'));
  each('evidence', needType('evidence entry', '§5.6'));
  each('proof', needType('proof', '§4.12'));
  // VC 2.0 §5.3: a related resource names its URL once, with a digest of its content; what this
  // server holds (every bundled context, its own EU context) must match that digest.
  problems.push(...relatedResourceProblems(credential, { resource: (url) => (url === ownEuContext ? EU_CONTEXT_BYTES : undefined) })
    .map((p) => ({ pointer: p.path, message: p.message })));
  for (const key of ['name', 'description']) {
    const value = credential[key];
    if (value !== undefined && typeof value !== 'string' && !(isObject(value) || Array.isArray(value))) {
      problems.push({ pointer: seg(key), message: `${key} must be a text or language-tagged texts (VC 2.0 §4.6)` });
    }
  }
  return problems;
}

function isoSeconds(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function problem(entry: Check, prefix = ''): VcApiProblem {
  const standard = specErrorOf(entry);
  return standard
    ? { type: standard.type, title: entry.check, detail: `${prefix}${entry.message}` }
    : { type: `${CHECK_TYPE_BASE}${entry.check}`, title: entry.check, detail: `${prefix}${entry.message}` };
}

/** VC-API answers a credential as an object; a string is only a VC-JWT (compact JWS). */
const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

/**
 * The OB 3.0 rule that a subject names its learner (§8.2.5.1) does not apply to other credentials,
 * which VC 2.0 §4.8 lets describe a subject without an id: for those it is a note, not a failure.
 */
function forAnyCredential(result: VerificationResult): VerificationResult {
  const types = asArray(result.credential?.type);
  if (types.some((type) => typeof type === 'string' && BADGE_TYPES.includes(type))) return result;
  const checks = result.checks.map((entry) => (entry.check === 'subject' && entry.outcome === 'failed'
    ? { ...entry, outcome: 'warning' as const, message: `${entry.message} (Required of badges, not of every credential.)` }
    : entry));
  return { ...result, checks, verified: checks.every((entry) => entry.outcome !== 'failed') };
}

function response(checks: Check[], nested: { label: string; checks: Check[] }[] = []): VcApiVerification {
  const errors = checks.filter((entry) => entry.outcome === 'failed').map((entry) => problem(entry));
  const warnings = checks.filter((entry) => entry.outcome === 'warning').map((entry) => problem(entry));
  for (const { label, checks: inner } of nested) {
    errors.push(...inner.filter((entry) => entry.outcome === 'failed').map((entry) => problem(entry, `${label}: `)));
    warnings.push(...inner.filter((entry) => entry.outcome === 'warning').map((entry) => problem(entry, `${label}: `)));
  }
  return { verified: errors.length === 0, checks, warnings, errors };
}

/**
 * VC 2.0 §4.4: an id names one credential; a second credential under it would make the first
 * ambiguous to every verifier and status check, so it is refused, saying why and what to do.
 */
function idTaken(credentialId: string): Conflict {
  const message = `this id was already used for a credential issued before; an id names one credential (VC 2.0 §4.4), so send a new id, or none and one is made`;
  return new Conflict(`the credential was not issued: a credential with the id ${credentialId} was issued before, and an id names exactly one credential (VC 2.0 §4.4). Send a new id, or leave id out and microcred makes one (urn:uuid:…).`, [{ pointer: '/credential/id', message }]);
}


/** An EnvelopedVerifiableCredential carrying a VC-JWT is verified as the JWT it carries. */
function unwrapEnveloped(credential: unknown): unknown {
  if (isObject(credential) && asArray(credential.type).includes('EnvelopedVerifiableCredential')
    && typeof credential.id === 'string' && credential.id.startsWith(VC_JWT_DATA_URL)) {
    return credential.id.slice(VC_JWT_DATA_URL.length);
  }
  return credential;
}

/** The purposes microcred keeps lists for, which a VC-API caller may ask for or point at. */
const LIST_PURPOSES: readonly ListPurpose[] = ['revocation', 'suspension'];
/** What options.credentialStatus may ask for: those, and a `message` entry of statusSize bits. */
const REQUESTABLE: readonly AnyListPurpose[] = [...LIST_PURPOSES, 'message'];
const STATUS_ENTRY_TYPE = 'BitstringStatusListEntry';

/** A `message` entry asked for (Bitstring Status List §2.1): its width, messages and references. */
interface MessageStatusRequest {
  statusSize: number;
  statusMessage?: StatusMessage[];
  statusReference?: string | string[];
}

interface StatusRequest {
  purposes: AnyListPurpose[];
  message?: MessageStatusRequest;
}

/**
 * What `options.credentialStatus` asks for (VC-API IssueCredentialOptions): nothing when it is absent
 * or false, `revocation` when it names no purpose, else one entry per purpose named; a `message`
 * entry takes statusSize (default 1), statusMessage (2^statusSize of them, required above 1 bit) and
 * statusReference. Anything else is a 400 naming the member.
 */
function requestedStatus(wanted: VcApiIssueOptions['credentialStatus']): StatusRequest {
  if (wanted === undefined || wanted === false) return { purposes: [] };
  const at = '/options/credentialStatus';
  const fail = (member: string, message: string): never => {
    throw new InvalidInput(`options.credentialStatus${member ? `.${member}` : ''} ${message}`, [{ pointer: member ? `${at}/${member}` : at, message }], { status: 400 });
  };
  if (!isObject(wanted) || wanted.type !== STATUS_ENTRY_TYPE) {
    throw new InvalidInput(`options.credentialStatus.type must be ${STATUS_ENTRY_TYPE}`, [{ pointer: `${at}/type`, message: `must be "${STATUS_ENTRY_TYPE}", the status microcred publishes` }], { status: 400 });
  }
  const purposes = wanted.statusPurpose === undefined ? ['revocation'] : asArray(wanted.statusPurpose);
  if (purposes.length === 0) fail('statusPurpose', 'must name at least one purpose');
  if (purposes.some((p) => typeof p !== 'string' || !REQUESTABLE.includes(p as AnyListPurpose))) fail('statusPurpose', `must be ${REQUESTABLE.join(', ')}, or a list of them`);
  if (new Set(purposes).size !== purposes.length) fail('statusPurpose', 'must not name a purpose twice');
  const request: StatusRequest = { purposes: purposes as AnyListPurpose[] };
  const messageMembers = (['statusSize', 'statusMessage', 'statusReference'] as const).filter((member) => wanted[member] !== undefined);
  if (!request.purposes.includes('message')) {
    if (messageMembers.length > 0) fail(messageMembers[0]!, 'is for a message status; add "message" to statusPurpose');
    return request;
  }
  const statusSize = wanted.statusSize ?? 1;
  if (typeof statusSize !== 'number' || !Number.isInteger(statusSize) || statusSize < 1 || statusSize > MAX_STATUS_SIZE) fail('statusSize', `must be a whole number from 1 to ${MAX_STATUS_SIZE}`);
  const message: MessageStatusRequest = { statusSize };
  if (wanted.statusMessage !== undefined) message.statusMessage = wanted.statusMessage as StatusMessage[];
  if (wanted.statusReference !== undefined) message.statusReference = wanted.statusReference as string | string[];
  try {
    // The entry builder holds §2.1's rules (2^statusSize messages, hex values, URLs); a probe entry applies them.
    buildStatusListEntry({ listUrl: 'https://status.invalid/list', index: 0, statusPurpose: 'message', ...message });
  } catch (error) {
    const text = error instanceof Error ? error.message : String(error);
    fail(/statusReference/.test(text) ? 'statusReference' : 'statusMessage', text.replace(/\.$/, '').replace(/^./, (c) => c.toLowerCase()));
  }
  request.message = message;
  return request;
}

interface NamedStatusEntry {
  pointer: string;
  purpose: ListPurpose;
  url: string;
  index: number;
}

/** Bitstring Status List §2.1: statusListIndex is a non-negative integer written in base 10, as a string. */
const INDEX_TEXT = /^(0|[1-9][0-9]{0,14})$/;

/**
 * The caller's own credentialStatus entries, checked against Bitstring Status List §2.1: a type
 * microcred can check and change, a known purpose, an index that is a non-negative integer string, a
 * list URL, an id (if any) that is not the list's URL, one entry per purpose. Where the URL points is
 * checked when the position is taken. A malformed entry is a 400 naming the member.
 */
function namedStatusEntries(given: unknown): NamedStatusEntry[] {
  const items = Array.isArray(given) ? given.map((item, i) => [item, `/credential/credentialStatus/${i}`] as const) : [[given, '/credential/credentialStatus'] as const];
  const fail = (pointer: string, message: string): never => {
    throw new InvalidInput(`the credential's credentialStatus is not one microcred can sign: ${pointer.replace('/credential/', '')} ${message}`, [{ pointer, message }], { status: 400 });
  };
  const seen = new Set<string>();
  return items.map(([item, at]) => {
    if (!isObject(item)) return fail(at, 'must be an object');
    const types = asArray(item.type);
    if (!types.includes(STATUS_ENTRY_TYPE)) {
      return fail(`${at}/type`, `must be "${STATUS_ENTRY_TYPE}": microcred signs status entries only of the kind it publishes and checks (or leave credentialStatus out and ask in options.credentialStatus)`);
    }
    const purpose = item.statusPurpose;
    if (typeof purpose !== 'string' || !LIST_PURPOSES.includes(purpose as ListPurpose)) return fail(`${at}/statusPurpose`, `must be ${LIST_PURPOSES.join(' or ')}`);
    if (seen.has(purpose)) return fail(`${at}/statusPurpose`, `names ${purpose} a second time; a credential has one entry per purpose`);
    seen.add(purpose);
    const index = item.statusListIndex;
    if (typeof index !== 'string' || !INDEX_TEXT.test(index)) {
      return fail(`${at}/statusListIndex`, 'must be a non-negative whole number written as a string, such as "94567" (Bitstring Status List §2.1)');
    }
    const url = item.statusListCredential;
    if (!isUrl(url)) return fail(`${at}/statusListCredential`, 'must be the URL of a status list credential');
    if (item.id !== undefined && (!isUrl(item.id) || item.id === url)) return fail(`${at}/id`, 'must be a URL other than the status list\'s own (Bitstring Status List §2.1)');
    for (const member of ['statusSize', 'statusMessage']) {
      if (item[member] !== undefined && !(member === 'statusSize' && item[member] === 1)) {
        return fail(`${at}/${member}`, `is for message statuses; a ${purpose} entry is one bit`);
      }
    }
    if (item.statusReference !== undefined && !asArray(item.statusReference).every(isUrl)) return fail(`${at}/statusReference`, 'must be a URL or a list of URLs');
    return { pointer: at, purpose: purpose as ListPurpose, url, index: Number(index) };
  });
}

/** The organisation a VC-API caller acts for: its API key's. */
function organisationOf(actor: Actor): string {
  switch (actor.kind) {
    case 'api-key':
      return actor.organisationId;
    case 'anonymous':
      throw new Unauthorized('the VC-API needs an organisation API key (Authorization: Bearer …)');
    default:
      throw new Forbidden('the VC-API is called with an organisation API key, not a session');
  }
}

/**
 * VC-API (VCALM): issue any VC 1.1 or 2.0 credential with one of the organisation's issuers, verify
 * credentials and presentations for anyone, and change a credential's status by its `id`.
 */
export function createVcApiService(ctx: ServiceContext, deps: { issuers: IssuerService; status: StatusService }) {
  const { issuers, status } = deps;

  /** The issuer the credential names (string or object with id), or the organisation's default. */
  async function chooseIssuer(organisationId: string, credential: JsonObject): Promise<Row<'issuers'>> {
    const rows = await ctx.db.selectFrom('issuers').selectAll().where('organisation_id', '=', organisationId).orderBy('created_at').execute();
    const given = credential.issuer;
    if (given === undefined) {
      const chosen = rows.find((row) => row.is_default === 1) ?? rows[0];
      if (!chosen) throw new Conflict('the organisation has no issuer yet');
      credential.issuer = chosen.did;
      return chosen;
    }
    const id = typeof given === 'string' ? given : isObject(given) ? given.id : undefined;
    const pointer = typeof given === 'string' ? '/credential/issuer' : '/credential/issuer/id';
    if (!isUrl(id)) {
      throw new InvalidInput('credential issuer must be a URL, or an object whose id is a URL (VC 2.0 §4.7)', [{ pointer, message: 'must be a URL, or an object whose id is a URL (VC 2.0 §4.7)' }], { status: 400 });
    }
    const chosen = rows.find((row) => row.did === id);
    if (!chosen) {
      throw new InvalidInput(`credential issuer ${id} is not an issuer of this organisation`, [{ pointer, message: "is not the DID of one of this organisation's issuers" }], { status: 400 });
    }
    return chosen;
  }

  async function verifyOne(credential: unknown): Promise<VerificationResult> {
    return forAnyCredential(await ctx.engine.verify({ credential }));
  }

  return {
    /**
     * POST /credentials/issue: completes (issuer, id, issue date), adds status entries only when
     * `options.credentialStatus` asks (the VC-API issuer signs what it is given), checks, signs with
     * the issuer's active key and stores the credential. Malformed credentials are 400 naming the
     * member and the rule; a caller's own status entry must point at a free position of one of the
     * issuer's lists here, so that it can be checked and changed.
     */
    async issue(actor: Actor, credentialInput: unknown, options: VcApiIssueOptions = {}): Promise<{ verifiableCredential: JsonObject; id: string }> {
      const organisationId = organisationOf(actor);
      await requireAccess(ctx, actor, organisationId, { roles: CAN.issue, scope: 'issue' }, 'organisation');
      if (!isObject(credentialInput)) throw new InvalidInput('credential must be a JSON object', [{ pointer: '/credential', message: 'must be a JSON object' }], { status: 400 });
      const credential = structuredClone(credentialInput);
      const first = asArray(credential['@context'])[0];
      const version = first === CONTEXTS.CREDENTIALS_V2 ? '2.0' : first === CONTEXTS.CREDENTIALS_V1 ? '1.1' : undefined;
      // VC 2.0 §4.3 / VC 1.1 §4.1: the base context comes first.
      if (version === undefined) {
        throw new InvalidInput(`the first @context must be ${CONTEXTS.CREDENTIALS_V2} or ${CONTEXTS.CREDENTIALS_V1}`, [{ pointer: '/credential/@context/0', message: `must be ${CONTEXTS.CREDENTIALS_V2} (VC 2.0) or ${CONTEXTS.CREDENTIALS_V1} (VC 1.1)` }], { status: 400 });
      }
      const issuer = await chooseIssuer(organisationId, credential);

      const now = ctx.now();
      const rowId = randomUUID();
      if (credential.id === undefined) credential.id = `urn:uuid:${rowId}`;
      if (version === '2.0' && credential.validFrom === undefined) credential.validFrom = isoSeconds(now);
      if (version === '1.1' && credential.issuanceDate === undefined) credential.issuanceDate = isoSeconds(now);

      const format = options.format ?? 'eddsa-rdfc-2022';
      if (!VC_API_FORMATS.includes(format)) {
        throw new InvalidInput(`options.format must be one of ${VC_API_FORMATS.join(', ')}`, [{ pointer: '/options/format', message: `must be one of ${VC_API_FORMATS.join(', ')}` }], { status: 400 });
      }
      const wanted = requestedStatus(options.credentialStatus);
      const given = credential.credentialStatus;
      if (wanted.purposes.length > 0 && given !== undefined) {
        throw new InvalidInput('the credential brings its own credentialStatus and options.credentialStatus asks for status too; send one or the other', [{ pointer: '/options/credentialStatus', message: 'must be left out when the credential has a credentialStatus' }], { status: 400 });
      }
      const structure = checkStructure(credential);
      const problems: FieldError[] = [
        ...(structure.outcome === 'failed' ? structure.problems.map((p) => ({ pointer: `/credential${p.path}`, message: p.message })) : []),
        ...memberProblems(credential, euContextUrl(ctx.config.publicUrl)).map((p) => ({ pointer: `/credential${p.pointer}`, message: p.message })),
      ];
      if (problems.length > 0) throw new InvalidInput(`the credential is not well-formed: ${problems[0]!.pointer} ${problems[0]!.message}`, problems, { status: 400 });
      // Bitstring Status List §2.1 on each entry the caller wrote; where it points is checked in the transaction.
      const named = given === undefined ? [] : namedStatusEntries(given);
      const credentialId = credential.id;
      if (typeof credentialId !== 'string') throw new InvalidInput('credential id must be a URL', [{ pointer: '/credential/id', message: 'must be a URL' }], { status: 400 });
      const taken = await ctx.db.selectFrom('credentials').select('id').where('credential_url', '=', credentialId).executeTakeFirst();
      if (taken) throw idTaken(credentialId);

      const signing = await issuers.signing(issuer.id);
      const signed = await ctx.db.transaction().execute(async (trx) => {
        // The positions the credential holds, by purpose: asked for in options, or named by the caller.
        const slots: Partial<Record<ListPurpose, StatusSlot>> = {};
        if (wanted.purposes.length > 0) {
          const bits = wanted.purposes.filter((purpose): purpose is ListPurpose => purpose !== 'message');
          Object.assign(slots, await status.allocatePurposes(trx, issuer.id, bits));
          const message = wanted.message ? await status.allocateMessage(trx, issuer.id, rowId, wanted.message.statusSize) : undefined;
          const entries = wanted.purposes.map((purpose) => (purpose === 'message'
            ? buildStatusListEntry({ listUrl: message!.listUrl, index: message!.index, statusPurpose: 'message', ...wanted.message! })
            : status.entryFor(purpose, slots[purpose]!)));
          credential.credentialStatus = entries.length === 1 ? entries[0]! : entries;
          if (version === '1.1' && !asArray(credential['@context']).includes(CONTEXTS.STATUS_LIST_V1)) {
            // Only VC 1.1 needs it: its base context does not define BitstringStatusListEntry; VC 2.0's does.
            credential['@context'] = [...asArray(credential['@context']), CONTEXTS.STATUS_LIST_V1];
          }
        }
        for (const entry of named) {
          const claimed = await status.claimNamed(trx, issuer.id, entry.purpose, entry.url, entry.index);
          if (!claimed.ok) {
            const message = `${claimed.member} ${claimed.reason}`;
            const fields = [{ pointer: `${entry.pointer}/${claimed.member}`, message }];
            throw claimed.status === 409 ? new Conflict(`the credential was not issued: its credentialStatus ${message}`, fields) : new InvalidInput(`the credential's credentialStatus ${message}`, fields, { status: 400 });
          }
          slots[entry.purpose] = claimed.slot;
        }
        let document: JsonObject | string;
        try {
          document = await ctx.engine.sign({ credential, signer: signing.signer, now, format });
        } catch (error) {
          // Safe mode: a term the contexts do not define would be left unsigned (VC 2.0 §4.3).
          if (error instanceof JsonLdProcessingError) throw new InvalidInput(`the credential cannot be signed: ${error.message}`, [{ pointer: '/credential', message: error.message }], { status: 400 });
          throw error;
        }
        const subjects = asArray(credential.credentialSubject).filter(isObject);
        const subjectDid = subjects.find((subject) => typeof subject.id === 'string' && subject.id.startsWith('did:'))?.id as string | undefined;
        const validFrom = credential.validFrom ?? credential.issuanceDate;
        const validUntil = credential.validUntil ?? credential.expirationDate;
        await trx.insertInto('credentials').values({
          id: rowId,
          organisation_id: organisationId,
          issuer_id: issuer.id,
          achievement_id: null,
          achievement_version: null,
          credential_url: credentialId,
          recipient_email: null,
          recipient_did: subjectDid ?? null,
          recipient_name: null,
          format: typeof document === 'string' ? 'jwt' : 'ldp',
          document: typeof document === 'string' ? document : JSON.stringify(document),
          issued_at: now.toISOString(),
          valid_from: typeof validFrom === 'string' ? validFrom : null,
          valid_until: typeof validUntil === 'string' ? validUntil : null,
          status: 'active',
          status_reason: null,
          status_changed_at: null,
          revocation_list_id: slots.revocation?.listId ?? null,
          revocation_index: slots.revocation?.index ?? null,
          suspension_list_id: slots.suspension?.listId ?? null,
          suspension_index: slots.suspension?.index ?? null,
          renewed_from: null,
          claim_token_hash: null,
          claimed_at: null,
          bulk_job_id: null,
          dedupe_key: null,
          created_by: actorId(actor),
        }).execute();
        await audit(ctx, trx, actor, { organisationId, action: 'credential.issue', targetType: 'credential', targetId: rowId, details: { issuerId: issuer.id, via: 'vc-api', status: wanted.purposes.length > 0 ? wanted.purposes : Object.keys(slots) } });
        await emitEvents(ctx, trx, organisationId, [{ type: 'credential.issued', data: { id: rowId, credentialId, issuerId: issuer.id, recipient: subjectDid ? { did: subjectDid } : {}, via: 'vc-api' } }]);
        return document;
      }).catch((error: unknown) => {
        // Two requests with one id at the same moment: the unique index lets one through.
        if (isUniqueViolation(error)) throw idTaken(credentialId);
        throw error;
      });
      ctx.metrics.increment('microcred_credentials_issued_total', { via: 'vc-api' });
      const verifiableCredential = typeof signed === 'string'
        ? { '@context': [CONTEXTS.CREDENTIALS_V2], id: `${VC_JWT_DATA_URL}${signed}`, type: 'EnvelopedVerifiableCredential' }
        : signed;
      return { verifiableCredential, id: rowId };
    },

    /** POST /credentials/verify: every check of the engine; `verified` is false when any failed. */
    async verify(credential: unknown): Promise<VcApiVerification> {
      const input = unwrapEnveloped(credential);
      if (typeof input === 'string' && !COMPACT_JWS.test(input.trim())) {
        // JSON text inside a string is not a credential the VC-API knows (VC 2.0 §7.1: a parsing error).
        ctx.metrics.increment('microcred_verifications_total', { kind: 'credential', outcome: 'failed' });
        return response([{ check: 'structure', outcome: 'failed', message: 'A credential given as a string must be a VC-JWT (a compact JWS); a JSON credential is sent as an object, not as text.', details: { code: 'PARSING_ERROR' } }]);
      }
      const result = await verifyOne(input);
      ctx.metrics.increment('microcred_verifications_total', { kind: 'credential', outcome: result.verified ? 'verified' : 'failed' });
      return response(result.checks);
    },

    /**
     * POST /presentations/verify: a signed presentation is checked for proof purpose
     * `authentication` with the caller's challenge and domain; an unsigned one is accepted as a
     * wrapper. Either way every credential inside is verified.
     */
    async verifyPresentation(presentation: unknown, options: { challenge?: string; domain?: string } = {}): Promise<VcApiVerification> {
      let result: VcApiVerification;
      if (!isObject(presentation) || !asArray(presentation.type).includes('VerifiablePresentation')) {
        result = response([{ check: 'presentation', outcome: 'failed', message: 'This is not a verifiable presentation (a JSON object whose type includes "VerifiablePresentation").', ...(isObject(presentation) ? {} : { details: { code: 'PARSING_ERROR' } }) }]);
      } else {
        // VC 2.0 §4.13: signed or not, the presentation itself follows the data model.
        const problems = presentationProblems(presentation);
        const lead: Check = problems.length === 0
          ? { check: 'presentation', outcome: 'passed', message: 'The presentation follows the VC data model.' }
          : { check: 'presentation', outcome: 'failed', message: `The presentation is not well-formed: ${problems.map((p) => `${p.pointer || '/'} ${p.message}`).join('; ')}.`, details: { problems: problems.map((p) => ({ ...p })) } };
        result = presentation.proof === undefined ? await unsignedPresentation(presentation, lead) : await signedPresentation(presentation, options, lead);
      }
      ctx.metrics.increment('microcred_verifications_total', { kind: 'presentation', outcome: result.verified ? 'verified' : 'failed' });
      return result;
    },

    /**
     * POST /credentials/status: revocation true revokes (final), suspension true suspends and false
     * reinstates. Asking for the state the credential is already in changes nothing.
     */
    async updateStatus(actor: Actor, input: VcApiStatusInput): Promise<{ credentialId: string; status: Row<'credentials'>['status']; message?: number }> {
      const row = await ctx.db.selectFrom('credentials').selectAll().where('credential_url', '=', input.credentialId).executeTakeFirst();
      if (!row) throw new NotFound('credential');
      await requireAccess(ctx, actor, row.organisation_id, { roles: CAN.changeStatus, scope: 'status' }, 'credential');
      const { statusPurpose } = input.credentialStatus;
      if (statusPurpose === 'message') {
        const value = typeof input.status === 'boolean' ? Number(input.status) : input.status;
        const set = await status.setMessage(actor, row.id, value);
        return { credentialId: input.credentialId, status: row.status, message: set.value };
      }
      if (typeof input.status !== 'boolean') throw new InvalidInput(`status must be true or false for ${statusPurpose}`, [{ pointer: '/status', message: `must be true or false for ${statusPurpose}` }], { status: 400 });
      let action: 'revoke' | 'suspend' | 'reinstate' | undefined;
      if (statusPurpose === 'revocation') {
        if (!input.status && row.status === 'revoked') throw new Conflict('the credential is revoked, and revocation is final');
        if (input.status && row.status !== 'revoked') action = 'revoke';
        else if (input.status) throw new Conflict('the credential is already revoked');
      } else {
        if (row.status === 'revoked') throw new Conflict('the credential is revoked, and revocation is final');
        if (input.status && row.status !== 'suspended') action = 'suspend';
        if (!input.status && row.status === 'suspended') action = 'reinstate';
      }
      if (action) await status.change(actor, row.id, action);
      const after = await ctx.db.selectFrom('credentials').select('status').where('id', '=', row.id).executeTakeFirstOrThrow();
      return { credentialId: input.credentialId, status: after.status };
    },
  };

  async function credentialsOf(presentation: JsonObject): Promise<{ checks: Check[]; nested: { label: string; checks: Check[] }[] }> {
    const embedded = embeddedCredentials(presentation);
    if (embedded.length > MAX_PRESENTED) {
      return { checks: [{ check: 'credentials', outcome: 'failed', message: `The presentation holds ${embedded.length} credentials; at most ${MAX_PRESENTED} are verified.` }], nested: [] };
    }
    const nested: { label: string; checks: Check[] }[] = [];
    let bad = 0;
    for (const [index, credential] of embedded.entries()) {
      const result = await verifyOne(credential);
      if (!result.verified) bad++;
      nested.push({ label: `credential ${index + 1}`, checks: result.checks });
    }
    const summary: Check = embedded.length === 0
      ? { check: 'credentials', outcome: 'warning', message: 'The presentation holds no credentials.' }
      : bad === 0
        ? { check: 'credentials', outcome: 'passed', message: embedded.length === 1 ? 'The credential in the presentation verified.' : `All ${embedded.length} credentials in the presentation verified.` }
        : { check: 'credentials', outcome: 'failed', message: `${bad} of ${embedded.length} credentials in the presentation did not verify.` };
    return { checks: [summary], nested };
  }

  async function unsignedPresentation(presentation: JsonObject, lead: Check): Promise<VcApiVerification> {
    const inner = await credentialsOf(presentation);
    const checks: Check[] = [
      lead,
      { check: 'presentation-proof', outcome: 'skipped', message: 'The presentation is not signed, so nothing shows who presented it; only the credentials in it were verified.' },
      ...inner.checks,
    ];
    return response(checks, inner.nested.map(({ label, checks: c }) => ({ label, checks: c.filter((entry) => entry.outcome === 'failed') })));
  }

  async function signedPresentation(presentation: JsonObject, options: { challenge?: string; domain?: string }, lead: Check): Promise<VcApiVerification> {
    const proof = asArray(presentation.proof).find(isObject);
    const notes: Check[] = [];
    let challenge = options.challenge;
    if (challenge === undefined) {
      // VC-API lets a caller leave the challenge out; the proof's own is then only read, not compared.
      if (typeof proof?.challenge !== 'string' || proof.challenge === '') {
        return response([lead, { check: 'presentation-proof', outcome: 'failed', message: 'The presentation is signed without a challenge, and none was given to compare (options.challenge).' }]);
      }
      challenge = proof.challenge;
      notes.push({ check: 'challenge', outcome: 'warning', message: 'No challenge was given (options.challenge), so the presentation was not checked against replay.' });
    }
    let domain = options.domain;
    // The domain is compared only when the caller names one (as the reference verifier does).
    if (domain === undefined && proof?.domain !== undefined) {
      const proofDomain = asArray(proof.domain).find((d): d is string => typeof d === 'string');
      if (proofDomain !== undefined) domain = proofDomain;
    }
    const result = await ctx.engine.verifyPresentation({ presentation, challenge, ...(domain !== undefined ? { domain } : {}) });
    const credentials = result.credentials.map(forAnyCredential);
    const bad = credentials.filter((entry) => !entry.verified).length;
    const checks = result.checks.map((entry) => (entry.check === 'credentials' && credentials.length > 0
      ? bad === 0
        ? { ...entry, outcome: 'passed' as const, message: credentials.length === 1 ? 'The credential in the presentation verified.' : `All ${credentials.length} credentials in the presentation verified.` }
        : { ...entry, outcome: 'failed' as const, message: `${bad} of ${credentials.length} credentials in the presentation did not verify.` }
      : entry));
    return response([lead, ...checks, ...notes], credentials.map((entry, index) => ({ label: `credential ${index + 1}`, checks: entry.checks.filter((c) => c.outcome === 'failed') })));
  }
}

export type VcApiService = ReturnType<typeof createVcApiService>;
