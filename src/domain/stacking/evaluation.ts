/** What an evaluation of a pathway returns, and the evaluator's interface: the public types. */
import type { HeldCredential } from './held-credential.ts';
import type { Pathway, RequirementKind } from './pathway.ts';
import type { CompiledPathway } from './compile.ts';

export interface EvaluateOptions {
  /** The evaluation date (ISO 8601 date or date-time): ages, expiry and validity are taken on it. */
  asOf: string;
  /** Search nodes allowed per pathway before settling for the best assignment found (default 200,000). */
  searchBudget?: number;
}

/** What a requirement still needs. */
export interface Missing {
  /** Achievement ids still to be held (allOf). */
  achievements?: string[];
  /** Outcome or skill URLs still to be covered (outcomes). */
  outcomes?: string[];
  /** Credentials still to be counted (atLeastN, minEqfLevel). */
  count?: number;
  /** ECTS credits still to be counted (atLeastCredits). */
  credits?: number;
}

export interface RequirementResult {
  id: string;
  label?: string;
  kind: RequirementKind;
  satisfied: boolean;
  /** 0..1: share of this requirement met. */
  progress: number;
  /** Keys of the credentials counted toward this requirement, sorted. */
  assigned: string[];
  /** True when the requirement allows sharing (its credentials may count elsewhere too). */
  shared: boolean;
  /** What has been reached and what is required, in the requirement's unit. */
  achieved: number;
  required: number;
  unit: 'credentials' | 'ECTS' | 'items';
  missing: Missing;
  /** The explanation, sentence by sentence. */
  reasons: string[];
}

export interface UnusableCredential {
  key: string;
  achievementName: string;
  reasons: string[];
}

export interface PathwayEvaluation {
  pathwayId: string;
  pathwayVersion: number;
  asOf: string;
  complete: boolean;
  /** 0..1: mean of the requirements' progress. */
  progress: number;
  /** ECTS of the distinct credentials counted toward any requirement. */
  creditsCounted: number;
  requirements: RequirementResult[];
  /** Credentials that would count toward a requirement but may not, with the reasons. */
  unusable: UnusableCredential[];
  /** False only when the assignment search ran out of budget (see docs/stacking.md). */
  exact: boolean;
  summary: string;
}

export interface PathwayEvaluator {
  readonly asOf: string;
  /** Evaluates one pathway. Throws TypeError when the pathway is not valid (see validatePathway). */
  evaluate(pathway: Pathway | CompiledPathway): PathwayEvaluation;
  /** The credentials any requirement of the pathway could draw from (usable or not), sorted by key. */
  relevantCredentials(pathway: Pathway | CompiledPathway): HeldCredential[];
  /**
   * For each usable credential, what it could bring to each requirement (before any assignment):
   * requirement index, its value in the requirement's unit, and the items it covers. Used by the planner.
   */
  contributions(pathway: Pathway | CompiledPathway): Map<string, Contribution[]>;
}

export interface Contribution {
  requirement: number;
  value: number;
  cover?: number[];
}
