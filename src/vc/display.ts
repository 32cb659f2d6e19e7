/**
 * One display model for every credential microcred shows: OB 3.0, CLR 2.0, other VCs and OB 2.0
 * assertions. Reading is defensive: OB 3.0 values may be strings, objects, arrays or language maps,
 * and anything not modelled is kept in `extensions` so nothing is lost.
 */
import { EU_EXTENSION_PROPERTIES } from '../domain/eu-elements.ts';
import type { JsonObject } from './types.ts';
import { isObject } from './json.ts';

export type DisplayStandard = 'Open Badges 3.0' | 'Open Badges 2.0' | 'CLR 2.0' | 'Verifiable Credential';

export interface DisplayAlignment {
  targetName: string;
  targetUrl?: string;
  targetFramework?: string;
  targetCode?: string;
  targetType?: string;
  targetDescription?: string;
}

export interface DisplayAchievement {
  id?: string;
  name: string;
  description?: string;
  image?: string;
  criteria?: { id?: string; narrative?: string };
  /** OB 3.0 `achievementType`, e.g. `Certificate`, `MicroCredential`. */
  type?: string;
  creditsAvailable?: number;
  fieldOfStudy?: string;
  specialization?: string;
  humanCode?: string;
  /** A level when the achievement states one (`level`, `eqfLevel`, or an alignment to the EQF). */
  level?: string;
  creator?: { id?: string; name?: string };
  alignments: DisplayAlignment[];
  resultDescriptions: { id?: string; name: string; resultType?: string; levels?: { id: string; name: string }[] }[];
  tags: string[];
  /** EU micro-credential elements found on the achievement (or subject), as written. */
  eu?: Record<string, unknown>;
  /** Achievement properties this model does not show, kept as they were. */
  extensions: Record<string, unknown>;
}

export interface DisplayResultItem {
  name?: string;
  value?: string;
  status?: string;
  achievedLevel?: string;
}

export interface DisplayResult {
  creditsEarned?: number;
  /** A letter grade or grade point average, when a result is described as one. */
  grade?: string;
  results: DisplayResultItem[];
  term?: string;
  role?: string;
  activityStartDate?: string;
  activityEndDate?: string;
  licenseNumber?: string;
}

export interface DisplayEvidence {
  id?: string;
  name?: string;
  description?: string;
  narrative?: string;
  genre?: string;
  audience?: string;
}

export interface CredentialDisplay {
  standard: DisplayStandard;
  id?: string;
  name: string;
  description?: string;
  image?: string;
  issuer: { id?: string; name?: string; url?: string; image?: string; email?: string; countryCode?: string; country?: string };
  achievement?: DisplayAchievement;
  recipient: { id?: string; identityHashed?: boolean; identityType?: string; identity?: string; name?: string };
  result: DisplayResult;
  narrative?: string;
  issuedOn?: string;
  validFrom?: string;
  validUntil?: string;
  evidence: DisplayEvidence[];
  /** For a CLR: the credentials it holds, each as its own display. */
  credentials: CredentialDisplay[];
}

export interface ToDisplayOptions {
  /** `ob2` for an Open Badges 2.0 assertion; `ob3` for any VC (OB 3.0, CLR 2.0). Detected when omitted. */
  version?: 'ob3' | 'ob2';
}

const MAX_CLR_CREDENTIALS = 1000;
const LANGUAGE_TAG = /^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{1,8})*$/;


function list(value: unknown): unknown[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : [value];
}

function first(value: unknown): unknown {
  return Array.isArray(value) ? value[0] : value;
}

/** C0 and C1 control characters other than tab and newline: escape sequences a terminal or page would act on. */
function isControl(code: number): boolean {
  return (code < 0x20 && code !== 0x09 && code !== 0x0a) || (code >= 0x7f && code <= 0x9f);
}

/** Text from an untrusted credential, without control characters; `undefined` when nothing visible is left. */
function plain(value: string): string | undefined {
  let text = value;
  for (let i = 0; i < value.length; i++) {
    if (!isControl(value.charCodeAt(i))) continue;
    text = '';
    for (let j = 0; j < value.length; j++) if (!isControl(value.charCodeAt(j))) text += value[j];
    break;
  }
  return text.trim() === '' ? undefined : text;
}

function isEnglish(tag: unknown): boolean {
  return typeof tag === 'string' && /^en(-|$)/i.test(tag);
}

/**
 * A human string from a value that may be a plain string, a JSON-LD value object
 * (`{"@value", "@language"}`), an array of those, or a language map (`{"en": …, "fr": …}`):
 * English when there is a choice, else the first.
 */
export function displayText(value: unknown, depth = 0): string | undefined {
  if (depth > 3) return undefined;
  if (typeof value === 'string') return plain(value);
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (Array.isArray(value)) {
    const english = value.find((item) => isObject(item) && (isEnglish(item['@language']) || isEnglish(item.language)));
    if (english !== undefined) return displayText(english, depth + 1);
    for (const item of value) {
      const text = displayText(item, depth + 1);
      if (text !== undefined) return text;
    }
    return undefined;
  }
  if (!isObject(value)) return undefined;
  if ('@value' in value) return displayText(value['@value'], depth + 1);
  // JSON-LD 1.1 §9.8 language maps; `@none` holds the text without a language. A lone `id` is a node
  // reference (OB 3.0 objects are named by `id`), not Indonesian.
  const keys = Object.keys(value);
  const isMap = keys.length > 0 && keys.every((key) => key === '@none' || LANGUAGE_TAG.test(key)) && !(keys.length === 1 && keys[0] === 'id');
  if (isMap) {
    const key = keys.find((k) => isEnglish(k)) ?? (keys.includes('@none') ? '@none' : keys[0]!);
    return displayText(value[key], depth + 1);
  }
  return undefined;
}

function idOf(value: unknown): string | undefined {
  const v = first(value);
  if (typeof v === 'string') return displayText(v);
  return isObject(v) && typeof v.id === 'string' ? plain(v.id) : undefined;
}

/** A link a page may follow: http(s) only, never `javascript:` or another scheme that runs or reads something. */
function linkOf(value: unknown): string | undefined {
  const url = idOf(value);
  return url !== undefined && /^https?:\/\//i.test(url.trim()) ? url : undefined;
}

/** OB 3.0 §Image: a URL string or `{id, type: "Image"}`; shown only from the web or as a data: image. */
function imageOf(value: unknown): string | undefined {
  const url = idOf(value);
  return url !== undefined && /^(https?:\/\/|data:image\/)/i.test(url.trim()) ? url : undefined;
}

function numberOf(value: unknown): number | undefined {
  const v = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

function types(document: JsonObject): string[] {
  return list(document.type).filter((t): t is string => typeof t === 'string');
}

function contexts(document: JsonObject): string[] {
  return list(document['@context']).filter((c): c is string => typeof c === 'string');
}

/** Sets only the properties that have a value, so the model has no `undefined` holes. */
function assign<T extends object>(target: T, values: Partial<T>): T {
  for (const [key, value] of Object.entries(values)) {
    if (value !== undefined) (target as Record<string, unknown>)[key] = value;
  }
  return target;
}

function profileOf(value: unknown): CredentialDisplay['issuer'] {
  const v = first(value);
  if (typeof v === 'string') return assign({}, { id: plain(v) });
  if (!isObject(v)) return {};
  return assign({}, {
    id: typeof v.id === 'string' ? plain(v.id) : undefined,
    name: displayText(v.name),
    url: linkOf(v.url),
    image: imageOf(v.image),
    email: displayText(v.email),
    // OB 3.0 §Address: the ISO 3166-1 code (Annex I: country of the issuer) and/or the country's name.
    countryCode: isObject(v.address) ? displayText(v.address.addressCountryCode) : undefined,
    country: isObject(v.address) ? displayText(v.address.addressCountry) : undefined,
  });
}

function alignmentsOf(value: unknown): DisplayAlignment[] {
  return list(value).flatMap((item): DisplayAlignment[] => {
    if (!isObject(item)) return [];
    const targetName = displayText(item.targetName);
    if (!targetName) return [];
    return [
      assign<DisplayAlignment>({ targetName }, {
        targetUrl: linkOf(item.targetUrl),
        targetFramework: displayText(item.targetFramework),
        targetCode: displayText(item.targetCode),
        targetType: displayText(item.targetType),
        targetDescription: displayText(item.targetDescription),
      }),
    ];
  });
}

function evidenceOf(value: unknown): DisplayEvidence[] {
  return list(value).flatMap((item): DisplayEvidence[] => {
    if (typeof item === 'string') return [assign<DisplayEvidence>({}, { id: plain(item) })];
    if (!isObject(item)) return [];
    return [
      assign<DisplayEvidence>({}, {
        id: typeof item.id === 'string' ? plain(item.id) : undefined,
        name: displayText(item.name),
        description: displayText(item.description),
        narrative: displayText(item.narrative),
        genre: displayText(item.genre),
        audience: displayText(item.audience),
      }),
    ];
  });
}

function criteriaOf(value: unknown): DisplayAchievement['criteria'] {
  const v = first(value);
  if (typeof v === 'string') return v.trim() === '' ? undefined : assign({}, { id: plain(v) });
  if (!isObject(v)) return undefined;
  const criteria = assign<NonNullable<DisplayAchievement['criteria']>>({}, { id: idOf(v.id), narrative: displayText(v.narrative) });
  return Object.keys(criteria).length > 0 ? criteria : undefined;
}

/** The EU micro-credential extension's properties (src/domain/eu-elements.ts, docs/eu-elements.md). */
const EU_KEYS: ReadonlySet<string> = new Set(EU_EXTENSION_PROPERTIES);

/** Achievement properties shown by this model (or too bulky to copy: endorsements stay on the credential). */
const MODELLED_ACHIEVEMENT_KEYS = new Set([
  '@context',
  'id',
  'type',
  'name',
  'description',
  'image',
  'criteria',
  'achievementType',
  'creditsAvailable',
  'fieldOfStudy',
  'specialization',
  'humanCode',
  'level',
  'creator',
  'alignment',
  'resultDescription',
  'tag',
  'endorsement',
  'endorsementJwt',
]);

function isEqfAlignment(alignment: DisplayAlignment): boolean {
  return /\bEQF\b|European Qualifications Framework/i.test(alignment.targetFramework ?? '') || /europa\.eu\/snb\/eqf\//i.test(alignment.targetUrl ?? '');
}

function achievementOf(value: unknown, subject: JsonObject): DisplayAchievement | undefined {
  const a = first(value);
  if (!isObject(a)) return undefined;
  const alignments = alignmentsOf(a.alignment);
  const eqf = alignments.find(isEqfAlignment);
  const eu: Record<string, unknown> = {};
  const extensions: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(a)) {
    if (EU_KEYS.has(key)) eu[key] = v;
    else if (!MODELLED_ACHIEVEMENT_KEYS.has(key)) extensions[key] = v;
  }
  // Some elements (assessment, identity checks) describe this learner's award rather than the achievement.
  for (const [key, v] of Object.entries(subject)) if (EU_KEYS.has(key) && !(key in eu)) eu[key] = v;
  const creator = isObject(first(a.creator)) || typeof a.creator === 'string' ? profileOf(a.creator) : undefined;
  return assign<DisplayAchievement>(
    {
      name: displayText(a.name) ?? 'Unnamed achievement',
      alignments,
      resultDescriptions: list(a.resultDescription).flatMap((rd) => {
        if (!isObject(rd)) return [];
        const name = displayText(rd.name);
        // OB 3.0 §RubricCriterionLevel: a result's achievedLevel names one of these by id.
        const levels = list(rd.rubricCriterionLevel).flatMap((level) => {
          if (!isObject(level)) return [];
          const id = idOf(level.id);
          const levelName = displayText(level.name);
          return id && levelName ? [{ id, name: levelName }] : [];
        });
        return name
          ? [assign<DisplayAchievement['resultDescriptions'][number]>({ name }, { id: idOf(rd.id), resultType: displayText(rd.resultType), levels: levels.length > 0 ? levels : undefined })]
          : [];
      }),
      tags: list(a.tag).map((t) => displayText(t)).filter((t): t is string => t !== undefined),
      extensions,
    },
    {
      id: idOf(a.id),
      description: displayText(a.description),
      image: imageOf(a.image),
      criteria: criteriaOf(a.criteria),
      type: displayText(a.achievementType),
      creditsAvailable: numberOf(a.creditsAvailable),
      fieldOfStudy: displayText(a.fieldOfStudy),
      specialization: displayText(a.specialization),
      humanCode: displayText(a.humanCode),
      level: displayText(a.level) ?? displayText(a.eqfLevel) ?? (eqf ? (eqf.targetCode ?? eqf.targetName) : undefined),
      creator: creator && Object.keys(creator).length > 0 ? assign({}, { id: creator.id, name: creator.name }) : undefined,
      eu: Object.keys(eu).length > 0 ? eu : undefined,
    },
  );
}

function resultOf(subject: JsonObject, achievement: DisplayAchievement | undefined): DisplayResult {
  const descriptions = new Map((achievement?.resultDescriptions ?? []).filter((rd) => rd.id).map((rd) => [rd.id!, rd]));
  let grade: string | undefined;
  const results = list(subject.result).flatMap((item): DisplayResultItem[] => {
    if (!isObject(item)) return [];
    const description = descriptions.get(idOf(item.resultDescription) ?? '');
    const value = displayText(item.value);
    if (!grade && value && /grade/i.test(description?.resultType ?? '')) grade = value;
    return [
      assign<DisplayResultItem>({}, {
        name: description?.name,
        value,
        status: displayText(item.status),
        achievedLevel: description?.levels?.find((level) => level.id === idOf(item.achievedLevel))?.name ?? displayText(item.achievedLevel),
      }),
    ];
  });
  return assign<DisplayResult>({ results }, {
    creditsEarned: numberOf(subject.creditsEarned),
    grade: grade ?? displayText(subject.grade),
    term: displayText(subject.term),
    role: displayText(subject.role),
    activityStartDate: displayText(subject.activityStartDate),
    activityEndDate: displayText(subject.activityEndDate),
    licenseNumber: displayText(subject.licenseNumber),
  });
}

function recipientOf(subject: JsonObject): CredentialDisplay['recipient'] {
  const recipient: CredentialDisplay['recipient'] = assign({}, { id: typeof subject.id === 'string' ? plain(subject.id) : undefined, name: displayText(subject.name) });
  // OB 3.0 §IdentityObject: the first identifier is shown; a plaintext `name` identifier names the learner.
  const identifiers = list(subject.identifier).filter(isObject);
  const named = identifiers.find((i) => i.identityType === 'name' && i.hashed === false);
  if (named && !recipient.name) assign(recipient, { name: displayText(named.identityHash) });
  const main = identifiers[0];
  if (main) {
    const hashed = main.hashed === true;
    assign(recipient, {
      identityHashed: hashed,
      identityType: displayText(main.identityType),
      identity: hashed ? undefined : displayText(main.identityHash),
    });
  }
  return recipient;
}

function standardOf(document: JsonObject): DisplayStandard {
  const t = types(document);
  if (t.includes('ClrCredential')) return 'CLR 2.0';
  if (t.includes('OpenBadgeCredential') || t.includes('AchievementCredential') || t.includes('EndorsementCredential')) return 'Open Badges 3.0';
  return 'Verifiable Credential';
}

function fromVc(document: JsonObject, depth: number): CredentialDisplay {
  const standard = standardOf(document);
  const subject = first(document.credentialSubject);
  const s: JsonObject = isObject(subject) ? subject : {};
  const achievement = standard === 'CLR 2.0' ? undefined : achievementOf(s.achievement, s);
  const credentials =
    standard === 'CLR 2.0' && depth === 0
      ? list(s.verifiableCredential)
          .slice(0, MAX_CLR_CREDENTIALS)
          .filter(isObject)
          .map((vc) => fromVc(vc, depth + 1))
      : [];
  // VC 1.1 used issuanceDate / expirationDate; OB 3.0 adds awardedDate.
  const validFrom = displayText(document.validFrom) ?? displayText(document.issuanceDate);
  return assign<CredentialDisplay>(
    {
      standard,
      name: displayText(document.name) ?? achievement?.name ?? 'Untitled credential',
      issuer: profileOf(document.issuer),
      recipient: recipientOf(s),
      result: resultOf(s, achievement),
      evidence: evidenceOf(document.evidence),
      credentials,
    },
    {
      id: typeof document.id === 'string' ? plain(document.id) : undefined,
      description: displayText(document.description) ?? achievement?.description,
      image: imageOf(document.image) ?? imageOf(s.image) ?? achievement?.image,
      achievement,
      narrative: displayText(s.narrative),
      issuedOn: displayText(document.awardedDate) ?? validFrom,
      validFrom,
      validUntil: displayText(document.validUntil) ?? displayText(document.expirationDate),
    },
  );
}

/** OB 2.0: the assertion, with the badge class (and its issuer) embedded or given as URLs. */
function fromOb2(assertion: JsonObject): CredentialDisplay {
  const badge = first(assertion.badge);
  const b: JsonObject = isObject(badge) ? badge : typeof badge === 'string' ? { id: badge } : {};
  // OB 2.0 names tags `tags`; the issuer is shown as the credential's issuer.
  const { tags, issuer: _issuer, ...badgeClass } = b;
  const achievement = achievementOf({ ...badgeClass, tag: tags }, {});
  const recipient = isObject(assertion.recipient) ? assertion.recipient : {};
  const hashed = recipient.hashed === true;
  return assign<CredentialDisplay>(
    {
      standard: 'Open Badges 2.0',
      name: displayText(b.name) ?? 'Unnamed badge',
      issuer: profileOf(b.issuer),
      recipient: assign({}, {
        identityHashed: recipient.identity === undefined ? undefined : hashed,
        identityType: displayText(recipient.type),
        identity: hashed ? undefined : displayText(recipient.identity),
      }),
      result: { results: [] },
      evidence: evidenceOf(assertion.evidence),
      credentials: [],
    },
    {
      id: typeof assertion.id === 'string' ? plain(assertion.id) : undefined,
      description: displayText(b.description),
      image: imageOf(assertion.image) ?? imageOf(b.image),
      achievement,
      narrative: displayText(assertion.narrative),
      issuedOn: displayText(assertion.issuedOn),
      validFrom: displayText(assertion.issuedOn),
      validUntil: displayText(assertion.expires),
    },
  );
}

function looksLikeOb2(document: JsonObject): boolean {
  if (contexts(document).some((c) => /^https?:\/\/w3id\.org\/openbadges(\/|$)/.test(c))) return true;
  const t = types(document);
  return t.includes('Assertion') && !t.includes('VerifiableCredential');
}

/**
 * Builds the display model of a credential. Never throws on odd content; throws TypeError when the
 * credential is not an object.
 *
 * @example
 *   const view = toDisplay(credential);               // OB 3.0 / CLR 2.0 / VC, detected
 *   const old = toDisplay(result.document, { version: 'ob2' });
 */
export function toDisplay(credential: unknown, options: ToDisplayOptions = {}): CredentialDisplay {
  if (!isObject(credential)) throw new TypeError('toDisplay needs the credential as a JSON object.');
  const version = options.version ?? (looksLikeOb2(credential) ? 'ob2' : 'ob3');
  if (version !== 'ob2' && version !== 'ob3') throw new TypeError('version must be "ob3" or "ob2".');
  return version === 'ob2' ? fromOb2(credential) : fromVc(credential, 0);
}
