import { validatePathway } from '../../domain/stacking/index.ts';
import type { Pathway, Problem } from '../../domain/stacking/index.ts';
import type { PathwayStatus, RevocationPolicy } from '../../store/schema-pathways.ts';

/** The rules a designer edits: the engine's pathway without what the service owns (id, version, name, target). */
export interface PathwayRules {
  requirements: Pathway['requirements'];
  trustedIssuers?: string[];
  maxAge?: string | number;
  allowSharing?: boolean;
}

export interface PathwayInput {
  name: string;
  description?: string | null;
  /** The organisation's achievement issued on completion (a local achievement id). */
  achievementId: string;
  status?: PathwayStatus;
  autoIssue?: boolean;
  revocationPolicy?: RevocationPolicy;
  useTrustList?: boolean;
  rules: PathwayRules;
}

/** A pathway as received, before the engine has checked its rules. */
export type PathwayDraft = Omit<PathwayInput, 'rules'> & { rules: unknown };

export const PATHWAY_STATUSES: readonly PathwayStatus[] = ['draft', 'published', 'archived'];
const RULE_KEYS = new Set(['requirements', 'trustedIssuers', 'maxAge', 'allowSharing']);

/** What the engine is given: the rules, with the id, version, name and target the service fills in. */
export function enginePathway(fields: { url: string; version: number; name: string; target?: Pathway['target']; rules: PathwayRules; trusted?: string[] }): Pathway {
  const { rules } = fields;
  const trustedIssuers = fields.trusted !== undefined
    ? [...new Set([...(rules.trustedIssuers ?? []), ...fields.trusted])].sort()
    : rules.trustedIssuers;
  return {
    id: fields.url, version: fields.version, name: fields.name,
    ...(fields.target ? { target: fields.target } : {}),
    ...(trustedIssuers !== undefined ? { trustedIssuers } : {}),
    ...(rules.maxAge !== undefined ? { maxAge: rules.maxAge } : {}),
    ...(rules.allowSharing !== undefined ? { allowSharing: rules.allowSharing } : {}),
    requirements: rules.requirements,
  };
}

/**
 * The engine's problems with the rules, pointed into the input (`/rules/...`), plus rules keys the
 * engine would not read (the rules are only what the designer wrote, never hidden extras).
 */
export function rulesProblems(rules: unknown, name = 'Check'): Problem[] {
  if (rules === null || typeof rules !== 'object' || Array.isArray(rules)) return [{ path: '/rules', message: 'The rules must be an object with requirements.' }];
  const problems: Problem[] = [];
  for (const key of Object.keys(rules)) {
    if (!RULE_KEYS.has(key)) problems.push({ path: `/rules/${key}`, message: `"${key}" is not a rule setting (requirements, trustedIssuers, maxAge, allowSharing).` });
  }
  const candidate = enginePathway({ url: 'urn:pathway:check', version: 1, name: name || 'Check', rules: rules as PathwayRules });
  for (const problem of validatePathway(candidate)) {
    problems.push({ path: problem.path.startsWith('/id') || problem.path.startsWith('/version') || problem.path.startsWith('/name') ? problem.path : `/rules${problem.path}`, message: problem.message });
  }
  return problems;
}
