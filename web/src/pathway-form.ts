/**
 * The pathway designer's form state and its translation to and from the engine's rules. Numbers are
 * kept as typed (text) so a half-written field stays on screen; what cannot be read as a number is
 * sent as typed, and the engine's problem comes back at that field.
 */
import type { PathwayInput, PathwayStatus, PathwayView, RevocationPolicy } from './api-types.ts';

// The rules as the designer drafts them: the engine's rule language (src/domain/stacking/pathway.ts),
// loosely typed, since a half-written requirement is sent as typed and the engine says what is wrong.
export type RequirementKind = 'allOf' | 'atLeastN' | 'atLeastCredits' | 'minEqfLevel' | 'outcomes';

export type CredentialFilter = {
  issuers?: string[];
  minEqfLevel?: number;
  achievementTypes?: string[];
  maxAge?: string | number;
  minCredits?: number;
}

export type CredentialSelector = CredentialFilter & {
  achievements?: string[];
  alignments?: string[];
  fieldsOfStudy?: string[];
}

/** A requirement as the engine reads it (loosely typed: the designer may send half-written ones). */
export type Requirement = {
  id: string;
  kind: RequirementKind;
  label?: string;
  allowSharing?: boolean;
  achievements?: string[];
  where?: CredentialFilter;
  n?: number | string;
  credits?: number | string;
  level?: number | string;
  count?: number | string;
  outcomes?: string[];
  from?: CredentialSelector;
}

/** The rules as drafted (the contract's PathwayRules, with the requirements typed). */
export type RulesDraft = {
  requirements: Requirement[];
  trustedIssuers?: string[];
  maxAge?: string | number;
  allowSharing?: boolean;
};

export const KIND_LABELS: Record<RequirementKind, string> = {
  allOf: 'All of these achievements',
  atLeastN: 'At least N credentials from a selection',
  atLeastCredits: 'At least so many ECTS credits',
  minEqfLevel: 'Credentials at an EQF level or above',
  outcomes: 'Learning outcomes or skills covered',
};


export interface ConditionsForm {
  issuers: string[];
  minEqfLevel: string;
  maxAge: string;
  minCredits: string;
}

export interface RequirementForm {
  /** React's key: stable while the requirement moves. */
  key: string;
  id: string;
  kind: RequirementKind;
  label: string;
  allowSharing: boolean;
  /** allOf: the achievements; other kinds: the selection's achievements. */
  achievements: string[];
  /** The selection's skills (alignment target URLs). */
  alignments: string[];
  fieldsOfStudy: string[];
  /** outcomes: the learning outcomes or skills to cover. */
  outcomes: string[];
  n: string;
  credits: string;
  level: string;
  count: string;
  conditions: ConditionsForm;
  /** Kinds of the rule language this form does not edit (achievementTypes), kept as they were. */
  achievementTypes?: string[];
}

export interface PathwayForm {
  name: string;
  description: string;
  achievementId: string;
  status: PathwayStatus;
  autoIssue: boolean;
  revocationPolicy: RevocationPolicy;
  useTrustList: boolean;
  requirements: RequirementForm[];
  trustedIssuers: string[];
  maxAge: string;
}

const EMPTY_CONDITIONS: ConditionsForm = { issuers: [], minEqfLevel: '', maxAge: '', minCredits: '' };

let keys = 0;
function nextKey(): string {
  keys += 1;
  return `req-${keys}`;
}

/** A requirement id not used yet in the form ("r1", "r2", …). */
function freshId(existing: RequirementForm[]): string {
  const used = new Set(existing.map((r) => r.id));
  let i = existing.length + 1;
  while (used.has(`r${i}`)) i += 1;
  return `r${i}`;
}

export function newRequirement(kind: RequirementKind, existing: RequirementForm[]): RequirementForm {
  return {
    key: nextKey(), id: freshId(existing), kind, label: '', allowSharing: kind === 'atLeastCredits' || kind === 'minEqfLevel',
    achievements: [], alignments: [], fieldsOfStudy: [], outcomes: [], n: kind === 'atLeastN' ? '1' : '', credits: '', level: kind === 'minEqfLevel' ? '6' : '', count: '',
    conditions: { ...EMPTY_CONDITIONS },
  };
}

export function emptyPathwayForm(achievementId = ''): PathwayForm {
  return {
    name: '', description: '', achievementId, status: 'draft', autoIssue: true, revocationPolicy: 'review', useTrustList: false,
    requirements: [{ ...newRequirement('allOf', []), label: 'Courses' }], trustedIssuers: [], maxAge: '',
  };
}

function text(value: unknown): string {
  return value === undefined || value === null ? '' : String(value);
}

function conditionsOf(f: CredentialFilter | undefined): ConditionsForm {
  return { issuers: f?.issuers ?? [], minEqfLevel: text(f?.minEqfLevel), maxAge: text(f?.maxAge), minCredits: text(f?.minCredits) };
}

function requirementForm(r: Requirement, rules: RulesDraft): RequirementForm {
  const selection: CredentialSelector | undefined = r.kind === 'allOf' ? r.where : r.from;
  const form: RequirementForm = {
    key: nextKey(), id: r.id, kind: r.kind, label: r.label ?? '', allowSharing: r.allowSharing ?? rules.allowSharing ?? false,
    achievements: (r.kind === 'allOf' ? r.achievements : r.from?.achievements) ?? [],
    alignments: r.kind === 'allOf' || r.kind === 'outcomes' ? [] : r.from?.alignments ?? [],
    fieldsOfStudy: r.kind === 'allOf' || r.kind === 'outcomes' ? [] : r.from?.fieldsOfStudy ?? [],
    outcomes: r.outcomes ?? [], n: text(r.n), credits: text(r.credits), level: text(r.level), count: text(r.count),
    conditions: conditionsOf(selection),
  };
  if (selection?.achievementTypes) form.achievementTypes = selection.achievementTypes;
  return form;
}

export function formFromPathway(p: PathwayView): PathwayForm {
  // The rules as the engine accepted them read as a draft (a requirement is an object of the rule language).
  const rules = { ...p.rules, requirements: p.rules.requirements as Requirement[] };
  return {
    name: p.name, description: p.description ?? '', achievementId: p.achievementId, status: p.status, autoIssue: p.autoIssue,
    revocationPolicy: p.revocationPolicy, useTrustList: p.useTrustList,
    requirements: rules.requirements.map((r) => requirementForm(r, rules)),
    trustedIssuers: rules.trustedIssuers ?? [], maxAge: text(rules.maxAge),
  };
}

/** A number as typed: undefined when blank, the number when it reads as one, else the text (the engine says why). */
function number(value: string): number | string | undefined {
  const t = value.trim();
  if (t === '') return undefined;
  const n = Number(t);
  return Number.isFinite(n) ? n : t;
}

/** An age as typed: whole days as a number, a duration (P5Y) as text. */
function age(value: string): number | string | undefined {
  const t = value.trim();
  if (t === '') return undefined;
  return /^\d+$/.test(t) ? Number(t) : t.toUpperCase();
}

function list(values: string[]): string[] | undefined {
  const kept = values.map((v) => v.trim()).filter(Boolean);
  return kept.length ? kept : undefined;
}

function put<T extends object>(target: T, key: string, value: unknown): void {
  if (value !== undefined) (target as Record<string, unknown>)[key] = value;
}

function filterOf(r: RequirementForm): CredentialFilter {
  const out: CredentialFilter = {};
  put(out, 'issuers', list(r.conditions.issuers));
  put(out, 'minEqfLevel', number(r.conditions.minEqfLevel));
  put(out, 'achievementTypes', r.achievementTypes);
  put(out, 'maxAge', age(r.conditions.maxAge));
  put(out, 'minCredits', number(r.conditions.minCredits));
  return out;
}

function selectorOf(r: RequirementForm): CredentialSelector {
  const out: CredentialSelector = {};
  put(out, 'achievements', list(r.achievements));
  put(out, 'alignments', list(r.alignments));
  put(out, 'fieldsOfStudy', list(r.fieldsOfStudy));
  return { ...out, ...filterOf(r) };
}

function nonEmpty<T extends object>(value: T): T | undefined {
  return Object.keys(value).length ? value : undefined;
}

export function requirementRule(r: RequirementForm): Requirement {
  const out: Requirement = { id: r.id, kind: r.kind };
  put(out, 'label', r.label.trim() || undefined);
  if (r.allowSharing) out.allowSharing = true;
  switch (r.kind) {
    case 'allOf':
      out.achievements = list(r.achievements) ?? [];
      put(out, 'where', nonEmpty(filterOf(r)));
      break;
    case 'atLeastN':
      put(out, 'n', number(r.n));
      out.from = selectorOf(r);
      break;
    case 'atLeastCredits':
      put(out, 'credits', number(r.credits));
      put(out, 'from', nonEmpty(selectorOf(r)));
      break;
    case 'minEqfLevel':
      put(out, 'level', number(r.level));
      put(out, 'count', number(r.count));
      put(out, 'from', nonEmpty(selectorOf(r)));
      break;
    case 'outcomes':
      out.outcomes = list(r.outcomes) ?? [];
      put(out, 'from', nonEmpty(filterOf(r)));
      break;
  }
  return out;
}

export function rulesOf(form: PathwayForm): RulesDraft {
  const rules: RulesDraft = { requirements: form.requirements.map(requirementRule) };
  put(rules, 'trustedIssuers', list(form.trustedIssuers));
  put(rules, 'maxAge', age(form.maxAge));
  return rules;
}

export function inputOf(form: PathwayForm): PathwayInput {
  return {
    name: form.name.trim(), description: form.description.trim() || null, achievementId: form.achievementId, status: form.status,
    autoIssue: form.autoIssue, revocationPolicy: form.revocationPolicy, useTrustList: form.useTrustList, rules: rulesOf(form),
  };
}

/** What the browser can say before asking the server, by pointer. */
export function localProblems(form: PathwayForm): Record<string, string> {
  const problems: Record<string, string> = {};
  if (!form.name.trim()) problems['/name'] = 'Give the pathway a name.';
  if (!form.achievementId) problems['/achievementId'] = 'Choose the micro-credential awarded on completion.';
  return problems;
}

/** Moves an item of a list by one place up (-1) or down (+1). */
export function move<T>(items: T[], index: number, by: -1 | 1): T[] {
  const to = index + by;
  if (to < 0 || to >= items.length) return items;
  const copy = items.slice();
  const [item] = copy.splice(index, 1);
  copy.splice(to, 0, item as T);
  return copy;
}
