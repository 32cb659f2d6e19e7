import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type Ajv2019Module from 'ajv/dist/2019.js';
import type { ErrorObject, ValidateFunction } from 'ajv';
import type addFormatsModule from 'ajv-formats';
import type standaloneModule from 'ajv/dist/standalone/index.js';
import { CONTEXTS } from './contexts/index.ts';
import { isObject } from './json.ts';
import type { Check, CheckOutcome, JsonObject } from './types.ts';

/** One structural problem: a JSON pointer (RFC 6901) into the credential and a plain sentence. */
export interface StructureProblem {
  path: string;
  message: string;
}

export type CredentialKind = 'ob3' | 'clr' | 'endorsement' | 'vc';

export interface StructureResult {
  outcome: Exclude<CheckOutcome, 'skipped'>;
  message: string;
  problems: StructureProblem[];
  version: '1.1' | '2.0' | undefined;
  kind: CredentialKind;
}

/** At most this many problems are listed; a broken document would otherwise drown the reader. */
export const MAX_PROBLEMS = 20;

type Obj = JsonObject;

function seg(key: string | number): string {
  return '/' + String(key).replace(/~/g, '~0').replace(/\//g, '~1');
}

function isUrl(value: unknown): value is string {
  if (typeof value !== 'string' || !/^[a-z][a-z0-9+.-]*:\S+$/i.test(value)) return false;
  return URL.canParse(value);
}

// XMLSchema dateTimeStamp: a dateTime with a mandatory time zone.
const DATE_TIME_STAMP = /^-?\d{4,}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])T([01]\d|2[0-3]):[0-5]\d:([0-5]\d|60)(\.\d+)?(Z|[+-]([01]\d|2[0-3]):[0-5]\d)$/;
// XMLSchema dateTime: the time zone is optional (VC 1.1 issuanceDate).
const DATE_TIME = /^-?\d{4,}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])T([01]\d|2[0-3]):[0-5]\d:([0-5]\d|60)(\.\d+)?(Z|[+-]([01]\d|2[0-3]):[0-5]\d)?$/;

function parseDate(value: string): number {
  return Date.parse(/(Z|[+-]\d{2}:\d{2})$/.test(value) ? value : `${value}Z`);
}

function typesOf(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  return Array.isArray(value) ? value.filter((t): t is string => typeof t === 'string') : [];
}

function kindOf(types: string[]): CredentialKind {
  if (types.includes('ClrCredential')) return 'clr';
  if (types.includes('EndorsementCredential')) return 'endorsement';
  if (types.includes('OpenBadgeCredential') || types.includes('AchievementCredential')) return 'ob3';
  return 'vc';
}

function versionOf(context: unknown): '1.1' | '2.0' | undefined {
  const first = Array.isArray(context) ? context[0] : context;
  if (first === CONTEXTS.CREDENTIALS_V2) return '2.0';
  if (first === CONTEXTS.CREDENTIALS_V1) return '1.1';
  return undefined;
}

/** The VC data model rules (VC 2.0 §4, VC 1.1 §4) that do not need a schema. */
function checkDataModel(credential: Obj, version: '1.1' | '2.0' | undefined): StructureProblem[] {
  const problems: StructureProblem[] = [];
  // VC 2.0 §4.3 / VC 1.1 §4.1: the first context is the base context of the data model.
  if (credential['@context'] === undefined) {
    problems.push({ path: '/@context', message: 'The credential has no @context.' });
  } else if (version === undefined) {
    problems.push({
      path: '/@context/0',
      message: `The first @context must be ${CONTEXTS.CREDENTIALS_V2} (VC 2.0) or ${CONTEXTS.CREDENTIALS_V1} (VC 1.1).`,
    });
  }
  // VC 2.0 §4.4: id, when present, is a URL.
  if (credential.id !== undefined && !isUrl(credential.id)) {
    problems.push({ path: '/id', message: 'The credential id must be a URL (for example https://… or urn:uuid:…).' });
  }
  // VC 2.0 §4.5: type includes VerifiableCredential.
  if (credential.type === undefined) {
    problems.push({ path: '/type', message: 'The credential has no type; it must include "VerifiableCredential".' });
  } else if (!typesOf(credential.type).includes('VerifiableCredential')) {
    problems.push({ path: '/type', message: 'The credential type must include "VerifiableCredential".' });
  }
  // VC 2.0 §4.7: issuer is a URL or an object whose id is a URL.
  const issuer = credential.issuer;
  if (issuer === undefined) {
    problems.push({ path: '/issuer', message: 'The credential does not say who issued it (issuer is missing).' });
  } else if (isObject(issuer)) {
    if (!isUrl(issuer.id)) problems.push({ path: '/issuer/id', message: 'The issuer id must be a URL.' });
  } else if (!isUrl(issuer)) {
    problems.push({ path: '/issuer', message: 'The issuer must be a URL or an object with an id that is a URL.' });
  }
  // VC 2.0 §4.8: credentialSubject is an object or a non-empty set of objects.
  const subject = credential.credentialSubject;
  if (subject === undefined) {
    problems.push({ path: '/credentialSubject', message: 'The credential has no credentialSubject (the claims about the learner).' });
  } else if (Array.isArray(subject)) {
    if (subject.length === 0) problems.push({ path: '/credentialSubject', message: 'The credentialSubject list is empty.' });
    subject.forEach((s, i) => {
      if (!isObject(s)) problems.push({ path: `/credentialSubject${seg(i)}`, message: 'Each credentialSubject must be an object.' });
    });
  } else if (!isObject(subject)) {
    problems.push({ path: '/credentialSubject', message: 'The credentialSubject must be an object.' });
  }
  // VC 2.0 §4.9 validity period (dateTimeStamp); VC 1.1 §4.6–4.7 issuanceDate (required), expirationDate.
  const [fromKey, untilKey, pattern, kindText] =
    version === '1.1'
      ? (['issuanceDate', 'expirationDate', DATE_TIME, 'a date and time'] as const)
      : (['validFrom', 'validUntil', DATE_TIME_STAMP, 'a date and time with a time zone'] as const);
  const checkDate = (key: string): number | undefined => {
    const value = credential[key];
    if (value === undefined) return undefined;
    if (typeof value !== 'string' || !pattern.test(value) || Number.isNaN(parseDate(value))) {
      problems.push({ path: seg(key), message: `${key} must be ${kindText}, like 2026-01-01T00:00:00Z; found ${JSON.stringify(value)}.` });
      return undefined;
    }
    return parseDate(value);
  };
  if (version === '1.1' && credential.issuanceDate === undefined) {
    problems.push({ path: '/issuanceDate', message: 'A VC 1.1 credential must have an issuanceDate.' });
  }
  const from = checkDate(fromKey);
  const until = checkDate(untilKey);
  if (from !== undefined && until !== undefined && until < from) {
    problems.push({ path: seg(untilKey), message: `${untilKey} is before ${fromKey}: the credential would expire before it becomes valid.` });
  }
  return problems;
}

// ---------------------------------------------------------------------------------------------
// JSON Schemas (bundled copies of the 1EdTech …/schema/json/ files; draft 2019-09).

const SCHEMA_FILES: Record<'ob3' | 'endorsement' | 'clr', string> = {
  ob3: 'ob_v3p0_achievementcredential_schema.json',
  endorsement: 'ob_v3p0_endorsementcredential_schema.json',
  clr: 'clr_v2p0_clrcredential_schema.json',
};

type SchemaKind = Exclude<CredentialKind, 'vc'>;

type Ajv = InstanceType<typeof Ajv2019Module.default>;

// Ajv is loaded (synchronously: it is CommonJS) only when a schema has to be compiled: a built
// microcred (scripts/build.js) carries the validators compiled ahead of time, and loading Ajv alone
// costs a command that checks no schema about a fifth of a second.
const require = createRequire(import.meta.url);

function createAjv(options: { source?: boolean } = {}): Ajv {
  // Both are CommonJS modules; the class and the plugin are their `default` member.
  const { default: Ajv2019 } = require('ajv/dist/2019.js') as typeof Ajv2019Module;
  const { default: addFormats } = require('ajv-formats') as typeof addFormatsModule;
  // Not inlining refs and skipping code optimisation compiles these large schemas about four times
  // faster (a run from the sources pays it once per process) for no measurable cost per validation.
  const ajv = new Ajv2019({ strict: false, allErrors: true, inlineRefs: false, code: { optimize: false, source: options.source === true } });
  addFormats(ajv);
  return ajv;
}

function readSchema(kind: SchemaKind): object {
  return JSON.parse(readFileSync(new URL(`./schemas/${SCHEMA_FILES[kind]}`, import.meta.url), 'utf8')) as object;
}

/** Where the build puts a schema's precompiled validator, relative to this module. */
function precompiledFile(kind: SchemaKind): string {
  return `./schemas/${SCHEMA_FILES[kind].replace(/\.json$/, '.validate.cjs')}`;
}

// Each validator is loaded or compiled on first use and kept: three fixed schemas, so the cache cannot grow.
let ajv: Ajv | undefined;
const validators: Partial<Record<SchemaKind, ValidateFunction>> = {};

function getValidator(kind: SchemaKind): ValidateFunction {
  const existing = validators[kind];
  if (existing) return existing;
  let validate: ValidateFunction;
  try {
    validate = require(precompiledFile(kind)) as ValidateFunction;
  } catch (error) {
    // Running from the sources (tests, tsx): there is no precompiled validator, so compile the schema.
    if ((error as NodeJS.ErrnoException).code !== 'MODULE_NOT_FOUND') throw error;
    ajv ??= createAjv();
    validate = ajv.compile(readSchema(kind));
  }
  validators[kind] = validate;
  return validate;
}

/**
 * The schemas' validators as standalone CommonJS modules (Ajv's standalone code, with the options
 * the sources compile with), keyed by the file name, relative to this module, that getValidator loads
 * them from. scripts/build.js writes them into dist/, so that a built microcred does not compile the
 * schemas on every run (about a second per process).
 */
export function precompiledSchemaValidators(): Record<string, string> {
  const { default: standaloneCode } = require('ajv/dist/standalone/index.js') as typeof standaloneModule;
  const compiler = createAjv({ source: true });
  const kinds = Object.keys(SCHEMA_FILES) as SchemaKind[];
  return Object.fromEntries(kinds.map((kind) => [precompiledFile(kind), standaloneCode(compiler, compiler.compile(readSchema(kind)))]));
}

/** JSON Schema type names in words (also used for request validation messages). */
export const TYPE_WORDS: Readonly<Record<string, string>> = {
  string: 'a text',
  array: 'a list',
  object: 'an object',
  number: 'a number',
  integer: 'a whole number',
  boolean: 'true or false',
  null: 'null',
};

const FORMAT_WORDS: Record<string, string> = {
  'date-time': 'a date and time with a time zone, like 2026-01-01T00:00:00Z',
  date: 'a date, like 2026-01-01',
  uri: 'a URI',
};

function where(path: string): string {
  return path === '' ? 'The credential' : `The value at ${path}`;
}

function sentence(error: ErrorObject): StructureProblem {
  const path = error.instancePath;
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'required':
      return { path: `${path}${seg(String(params.missingProperty))}`, message: `${where(path)} is missing the required property "${String(params.missingProperty)}".` };
    case 'type':
      return { path, message: `${where(path)} must be ${String(params.type).split(',').map((t) => TYPE_WORDS[t] ?? t).join(' or ')}.` };
    case 'format':
      return { path, message: `${where(path)} must be ${FORMAT_WORDS[String(params.format)] ?? `in the format ${String(params.format)}`}.` };
    case 'enum':
      return { path, message: `${where(path)} must be one of ${(params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}.` };
    case 'const':
      return { path, message: `${where(path)} must be ${JSON.stringify(params.allowedValue)}.` };
    case 'contains':
      return { path, message: `${where(path)} does not include a required value${error.parentSchema && typeof (error.parentSchema as Obj).description === 'string' ? `: ${String((error.parentSchema as Obj).description)}` : ''}.` };
    case 'minItems':
      return { path, message: `${where(path)} must have at least ${String(params.limit)} item(s).` };
    case 'pattern':
      return { path, message: `${where(path)} does not have the expected form.` };
    case 'oneOf':
    case 'anyOf':
      return { path, message: `${where(path)} does not match any of the forms the schema allows.` };
    default:
      return { path, message: `${where(path)} ${error.message ?? 'is not valid'}.` };
  }
}

/** Keeps the errors that explain the failure; drops the noise from the schema's oneOf branches. */
function relevantErrors(errors: ErrorObject[]): ErrorObject[] {
  const structural = new Set(['oneOf', 'anyOf', 'allOf', 'if', 'then', 'else', 'not']);
  const nonType = new Set(errors.filter((e) => e.keyword !== 'type' && !structural.has(e.keyword)).map((e) => e.instancePath));
  return errors.filter((e) => {
    if (structural.has(e.keyword)) {
      return !errors.some((o) => !structural.has(o.keyword) && (o.instancePath === e.instancePath || o.instancePath.startsWith(e.instancePath + '/')));
    }
    // A type error beside another error at the same place comes from a oneOf branch that was not chosen.
    if (e.keyword === 'type') return !nonType.has(e.instancePath) && !errors.some((o) => o !== e && o.instancePath.startsWith(e.instancePath + '/'));
    return true;
  });
}

function schemaProblems(credential: Obj, kind: Exclude<CredentialKind, 'vc'>, version: '1.1' | '2.0' | undefined): StructureProblem[] {
  // The 1EdTech schemas describe the VC 2.0 form; a VC 1.1 credential is checked in its 2.0 shape.
  let subject: Obj = credential;
  let rename = (path: string): string => path;
  if (version === '1.1') {
    const { issuanceDate, expirationDate, ...rest } = credential;
    const context = Array.isArray(credential['@context']) ? [CONTEXTS.CREDENTIALS_V2, ...credential['@context'].slice(1)] : credential['@context'];
    subject = { ...rest, '@context': context };
    if (issuanceDate !== undefined) subject.validFrom = issuanceDate;
    if (expirationDate !== undefined) subject.validUntil = expirationDate;
    rename = (text) =>
      text
        .replace(/(^|\s)\/validFrom\b/g, '$1/issuanceDate')
        .replace(/(^|\s)\/validUntil\b/g, '$1/expirationDate')
        .replace(/"validFrom"/g, '"issuanceDate"')
        .replace(/"validUntil"/g, '"expirationDate"');
  }
  // VC 2.0 §4.10 allows several status entries (revocation and suspension lists); the 1EdTech schemas
  // describe one. Each entry of a list is checked against the schema's CredentialStatus in turn.
  if (Array.isArray(subject.credentialStatus)) {
    const entries = subject.credentialStatus as unknown[];
    if (entries.length === 0) return [{ path: '/credentialStatus', message: 'The value at /credentialStatus must be an object or a non-empty list of objects.' }];
    const problems: StructureProblem[] = [];
    for (const [index, entry] of entries.entries()) {
      const outer = rename;
      for (const problem of schemaProblems({ ...subject, credentialStatus: entry } as Obj, kind, undefined)) {
        if (index > 0 && !problem.path.startsWith('/credentialStatus')) continue;
        const path = problem.path.replace(/^\/credentialStatus/, `/credentialStatus/${index}`);
        const message = outer(problem.message.replaceAll('/credentialStatus', `/credentialStatus/${index}`));
        if (!problems.some((p) => p.path === path && p.message === message)) problems.push({ ...problem, path, message });
      }
    }
    return problems;
  }
  const validate = getValidator(kind);
  if (validate(subject)) return [];
  const seen = new Set<string>();
  const out: StructureProblem[] = [];
  const errors = relevantErrors(validate.errors ?? []);
  // Alternatives (a text or a language map) give one type error each: say them in one sentence.
  const typesAt = new Map<string, string[]>();
  for (const e of errors) {
    if (e.keyword === 'type') typesAt.set(e.instancePath, [...(typesAt.get(e.instancePath) ?? []), String((e.params as Obj).type)]);
  }
  for (const error of errors) {
    const merged = error.keyword === 'type' ? { ...error, params: { type: [...new Set(typesAt.get(error.instancePath))].join(',') } } : error;
    const raw = sentence(merged);
    const problem = { path: rename(raw.path), message: rename(raw.message) };
    const key = `${problem.path}\u0000${problem.message}`;
    if (!seen.has(key)) {
      seen.add(key);
      out.push(problem);
    }
  }
  if (version === '1.1') {
    // The v1 → v2 swap above is ours; a missing validFrom means a missing issuanceDate, already reported.
    return out.filter((p) => !(p.path === '/issuanceDate' && credential.issuanceDate === undefined));
  }
  return out;
}

const KIND_NAMES: Record<CredentialKind, string> = {
  ob3: 'Open Badges 3.0 credential',
  clr: 'Comprehensive Learner Record (CLR 2.0)',
  endorsement: 'Open Badges 3.0 endorsement',
  vc: 'verifiable credential',
};

/**
 * Checks a credential's structure: the VC data model rules (2.0 or 1.1), then the 1EdTech JSON Schema
 * of its kind (OB 3.0 AchievementCredential, EndorsementCredential, CLR 2.0 ClrCredential). Never
 * throws: anything that is not a well-formed credential gives `outcome: 'failed'` with the problems.
 */
export function checkStructure(credential: unknown): StructureResult {
  try {
    if (!isObject(credential)) {
      return { outcome: 'failed', message: 'This is not a credential: a credential is a JSON object.', problems: [{ path: '', message: 'The document must be a JSON object.' }], version: undefined, kind: 'vc' };
    }
    const version = versionOf(credential['@context']);
    const kind = kindOf(typesOf(credential.type));
    const problems = checkDataModel(credential, version);
    if (kind !== 'vc') {
      const known = new Set(problems.map((p) => p.path));
      for (const problem of schemaProblems(credential, kind, version)) {
        // The data-model rule already explained this place in plainer words.
        if (!known.has(problem.path)) problems.push(problem);
      }
    }
    const name = KIND_NAMES[kind];
    const versionText = version ? ` (VC ${version})` : '';
    if (problems.length > 0) {
      const listed = problems.slice(0, MAX_PROBLEMS);
      const more = problems.length > MAX_PROBLEMS ? ` Only the first ${MAX_PROBLEMS} are listed.` : '';
      return {
        outcome: 'failed',
        message: `The ${name}${versionText} is not well-formed: ${problems.length} problem${problems.length === 1 ? '' : 's'} found.${more}`,
        problems: listed,
        version,
        kind,
      };
    }
    if (kind === 'vc') {
      return { outcome: 'warning', message: `The credential follows the VC data model${versionText}, but it is not an Open Badges or CLR credential, so no badge schema was checked.`, problems: [], version, kind };
    }
    return { outcome: 'passed', message: `The ${name}${versionText} is well-formed.`, problems: [], version, kind };
  } catch (error) {
    return {
      outcome: 'failed',
      message: 'The credential structure could not be checked.',
      problems: [{ path: '', message: `The document could not be read as a credential (${(error as Error)?.message ?? 'unknown error'}).` }],
      version: undefined,
      kind: 'vc',
    };
  }
}

/**
 * OB 3.0 §8.2.5.1 (verification): each credentialSubject must identify the learner, with an `id` or
 * a non-empty `identifier` list. Never throws.
 */
export function checkSubjectIdentity(credential: unknown): Check {
  const subjects = isObject(credential) ? credential.credentialSubject : undefined;
  const list = Array.isArray(subjects) ? subjects : subjects === undefined ? [] : [subjects];
  const identified =
    list.length > 0 &&
    list.every(
      (s) => isObject(s) && ((typeof s.id === 'string' && s.id !== '') || (Array.isArray(s.identifier) && s.identifier.length > 0)),
    );
  return identified
    ? { check: 'subject', outcome: 'passed', message: 'The credential names who it was issued to.' }
    : { check: 'subject', outcome: 'failed', message: 'The credential does not say who it was issued to: the subject has neither an id nor an identifier.' };
}
