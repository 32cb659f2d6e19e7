/**
 * The wording of an evaluation: the sentences a learner, an officer or a designer reads. Kept apart
 * from the rules so a change of words cannot change a result.
 */
import type { Compiled, Filter } from './compile.ts';
import type { Entry } from './entry.ts';
import { issuedDay } from './entry.ts';
import type { HeldCredential } from './held-credential.ts';
import { roundCredits } from './json.ts';
import type { Missing } from './evaluation.ts';

/** How many "does not count here" sentences a requirement shows before it only counts the rest. */
export const MAX_SHOWN = 20;

export function name(c: HeldCredential): string {
  return `“${c.achievementName || c.achievementId}” (${c.key})`;
}

export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

export function fmt(n: number): string {
  return String(roundCredits(n));
}

/** Why a credential fails a requirement's filter, or undefined when it passes. */
export function filterProblem(f: Filter, e: Entry, earliest: number | undefined): string | undefined {
  const c = e.cred;
  if (f.issuers && !f.issuers.has(c.issuerId)) return `its issuer ${c.issuerName ?? c.issuerId} is not one this requirement accepts`;
  if (f.minEqf !== undefined && (c.eqfLevel === undefined || c.eqfLevel < f.minEqf)) {
    return c.eqfLevel === undefined ? `it states no EQF level (level ${f.minEqf} or above is required)` : `its EQF level ${c.eqfLevel} is below ${f.minEqf}`;
  }
  if (f.types && (c.achievementType === undefined || !f.types.has(c.achievementType))) {
    return `its achievement type ${c.achievementType ?? '(none)'} is not one of ${[...f.types].join(', ')}`;
  }
  if (earliest !== undefined && e.issued < earliest) return `it was issued on ${issuedDay(e)}, more than ${f.maxAgeText} ago`;
  if (f.minCredits !== undefined && (c.creditsEcts ?? 0) < f.minCredits) return `its workload of ${fmt(c.creditsEcts ?? 0)} ECTS is below ${fmt(f.minCredits)}`;
  return undefined;
}

export function headline(c: Compiled, achieved: number, satisfied: boolean): string {
  const req = c.req;
  const state = satisfied ? 'Met' : 'Not yet met';
  switch (req.kind) {
    case 'allOf':
      return `${state}: ${achieved} of the ${plural(c.demand, 'required achievement')} held.`;
    case 'outcomes':
      return `${state}: ${achieved} of ${plural(c.demand, 'required learning outcome')} or skills covered.`;
    case 'atLeastCredits':
      return `${state}: ${fmt(achieved)} of at least ${fmt(c.demand)} ECTS counted.`;
    case 'minEqfLevel':
      return `${state}: ${achieved} of ${plural(c.demand, 'credential')} at EQF level ${req.level} or above counted.`;
    case 'atLeastN':
      return `${state}: ${achieved} of at least ${plural(c.demand, 'credential')} counted.`;
  }
}

export function whyCounts(c: Compiled, cred: HeldCredential): string {
  const parts: string[] = [];
  if (c.req.kind === 'allOf') parts.push('it is one of the required achievements');
  else if (c.req.kind === 'outcomes') {
    const hit = cred.alignments.filter((a) => c.elementIndex!.has(a.targetUrl)).map((a) => a.targetName ?? a.targetUrl);
    parts.push(`it is aligned to ${[...new Set(hit)].join(', ')}`);
  } else if (c.achievements?.includes(cred.achievementId)) parts.push('it is one of the listed achievements');
  else if (c.alignments && cred.alignments.some((a) => c.alignments!.includes(a.targetUrl))) parts.push('it is aligned to a listed skill or outcome');
  else if (c.fields && cred.fieldOfStudy) parts.push(`its field of study is ${cred.fieldOfStudy}`);
  else parts.push('it meets the conditions');
  if (c.unit === 'credits') parts.push(`${fmt(cred.creditsEcts ?? 0)} ECTS`);
  if (c.filter.minEqf !== undefined) parts.push(`EQF level ${cred.eqfLevel}`);
  return parts.join('; ');
}

function describeSelection(c: Compiled): string {
  const parts: string[] = [];
  if (c.achievements) parts.push(`the achievements ${c.achievements.join(', ')}`);
  if (c.alignments) parts.push(`credentials aligned to ${c.alignments.join(', ')}`);
  if (c.fields) parts.push(`the fields ${c.fields.join(', ')}`);
  let text = parts.length > 0 ? parts.join(' or ') : 'any credential';
  const f = c.filter;
  const conditions: string[] = [];
  if (f.minEqf !== undefined) conditions.push(`at EQF level ${f.minEqf} or above`);
  if (f.issuers) conditions.push(`issued by ${[...f.issuers].join(', ')}`);
  if (f.types) conditions.push(`of type ${[...f.types].join(', ')}`);
  if (f.maxAge) conditions.push(`no older than ${f.maxAgeText}`);
  if (f.minCredits !== undefined) conditions.push(`of at least ${fmt(f.minCredits)} ECTS`);
  if (conditions.length > 0) text += `, ${conditions.join(', ')}`;
  return text;
}

export function describeMissing(c: Compiled, m: Missing): string {
  if (m.achievements) return m.achievements.join(', ');
  if (m.outcomes) return `credentials covering ${m.outcomes.join(', ')}`;
  if (m.credits !== undefined) return `${fmt(m.credits)} more ECTS from ${describeSelection(c)}`;
  return `${plural(m.count ?? 0, 'more credential')} from ${describeSelection(c)}`;
}
