/**
 * The engine's proposal for a recognition request: per credential, which agreement applies, every
 * condition checked with its outcome in words, the credits after caps, and the learner's gap.
 *
 * Order of caps (documented in docs/stacking.md):
 *   1. per item: the agreement's credits, or the credential's own ECTS when fewer and the agreement
 *      allows partial recognition;
 *   2. per module: a module is recognised up to its own credits. Credentials that fit fewer modules
 *      are placed first, then the largest, then by key, each into the passing agreement's module
 *      with the most room left;
 *   3. per programme: min(maxRecognisedCredits, maxRecognisedShare × totalCredits, totalCredits),
 *      filled in the programme's module order, then by credential key. An item that does not fit
 *      is refused whole (or cut to fit when the programme sets partialCredits) and later ones that
 *      fit are still taken.
 */
import { describePeriod, earliestWithin, parseInstant, parsePeriod, day } from '../stacking/dates.ts';
import { credentialProblem } from '../stacking/held-credential.ts';
import type { HeldCredential } from '../stacking/held-credential.ts';
import { compareStrings, roundCredits } from '../stacking/json.ts';
import type {
  ConditionCheck,
  ModuleGap,
  Programme,
  ProposalItem,
  RecognitionAgreement,
  RecognitionGap,
  RecognitionProposal,
} from './types.ts';
import { validateAgreement, validateProgramme } from './validate.ts';

export interface ProposeOptions {
  /** The date of the request (ISO 8601): ages and validity are taken on it. */
  asOf: string;
}

function fmt(n: number): string {
  return String(roundCredits(n));
}

function matches(a: RecognitionAgreement, c: HeldCredential): boolean {
  const m = a.match;
  if (m.issuerId !== undefined && m.issuerId !== c.issuerId) return false;
  if (m.achievementId !== undefined && m.achievementId !== c.achievementId) return false;
  if (m.alignments && !c.alignments.some((al) => m.alignments!.includes(al.targetUrl))) return false;
  if (m.fieldsOfStudy) {
    const field = c.fieldOfStudy?.trim().toLowerCase();
    if (!field || !m.fieldsOfStudy.some((f) => f.trim().toLowerCase() === field)) return false;
  }
  return true;
}

/** Whether `grade` reaches `min`; a sentence either way. */
export function compareGrade(grade: HeldCredential['grade'], min: NonNullable<RecognitionAgreement['conditions']>['minGrade']): { passed: boolean; message: string } {
  if (!min) return { passed: true, message: 'No minimum grade.' };
  if (!grade) return { passed: false, message: `No grade is stated; at least ${min.value} is required.` };
  if (typeof min.value === 'number') {
    const value = typeof grade.value === 'number' ? grade.value : Number(String(grade.value).replace(',', '.'));
    if (!Number.isFinite(value)) return { passed: false, message: `The grade ${grade.value} is not a number; at least ${min.value} is required.` };
    return value >= min.value
      ? { passed: true, message: `The grade ${value} reaches the minimum ${min.value}.` }
      : { passed: false, message: `The grade ${value} is below the minimum ${min.value}.` };
  }
  const scale = min.scale ?? grade.scale ?? [];
  const need = scale.indexOf(min.value);
  const got = scale.indexOf(String(grade.value));
  if (need < 0 || got < 0) {
    return { passed: false, message: `The grade ${grade.value} cannot be placed on the scale ${scale.join(', ') || '(none)'}; at least ${min.value} is required.` };
  }
  return got <= need
    ? { passed: true, message: `The grade ${grade.value} reaches the minimum ${min.value} (scale ${scale.join(', ')}).` }
    : { passed: false, message: `The grade ${grade.value} is below the minimum ${min.value} (scale ${scale.join(', ')}).` };
}

/** Every condition of one agreement for one credential. */
function checkAgreement(a: RecognitionAgreement, c: HeldCredential, asOf: number, credits: number): ConditionCheck[] {
  const checks: ConditionCheck[] = [];
  const add = (condition: string, passed: boolean, message: string) => checks.push({ agreementId: a.id, condition, passed, message });
  const what = [a.match.achievementId && 'achievement', a.match.issuerId && 'issuer', a.match.alignments && 'alignment', a.match.fieldsOfStudy && 'field of study'].filter(Boolean).join(', ');
  add('match', true, `Agreement ${a.id} covers this credential (by ${what}).`);
  const problem = credentialProblem(c, asOf);
  add('status', problem === undefined, problem === undefined ? 'The credential is valid on the date of the request.' : `The credential cannot be recognised: ${problem}.`);
  const k = a.conditions ?? {};
  if (k.minEqfLevel !== undefined) {
    const ok = c.eqfLevel !== undefined && c.eqfLevel >= k.minEqfLevel;
    add('minEqfLevel', ok, c.eqfLevel === undefined ? `No EQF level is stated; level ${k.minEqfLevel} or above is required.` : `EQF level ${c.eqfLevel} ${ok ? 'meets' : 'is below'} the minimum ${k.minEqfLevel}.`);
  }
  if (k.minCredits !== undefined) {
    const ok = (c.creditsEcts ?? 0) >= k.minCredits;
    add('minCredits', ok, c.creditsEcts === undefined ? `No ECTS workload is stated; at least ${fmt(k.minCredits)} is required.` : `A workload of ${fmt(c.creditsEcts)} ECTS ${ok ? 'meets' : 'is below'} the minimum ${fmt(k.minCredits)}.`);
  }
  if (c.creditsEcts === undefined || c.creditsEcts < a.credits) {
    const held = c.creditsEcts === undefined ? 'states no ECTS workload' : `carries ${fmt(c.creditsEcts)} ECTS`;
    if (a.allowPartial && c.creditsEcts !== undefined && c.creditsEcts > 0) add('credits', true, `The credential ${held}, fewer than the ${fmt(a.credits)} the agreement grants; the agreement allows partial recognition of ${fmt(credits)} ECTS.`);
    else add('credits', false, `The credential ${held}, fewer than the ${fmt(a.credits)} ECTS the agreement grants, and the agreement does not allow partial recognition.`);
  }
  if (k.maxAge !== undefined) {
    const period = parsePeriod(k.maxAge)!;
    const issued = parseInstant(c.issuedOn);
    const ok = issued !== undefined && issued >= earliestWithin(asOf, period);
    add('maxAge', ok, issued === undefined ? 'The date of issuing cannot be read.' : `Issued on ${day(issued)}: ${ok ? 'within' : 'more than'} ${describePeriod(period)} ${ok ? 'of' : 'before'} the request.`);
  }
  if (k.qualityAssuranceRequired) {
    const ok = c.qualityAssured === true;
    add('qualityAssurance', ok, ok ? `Quality assured (${(c.qualityAssurance ?? []).join(', ')}).` : c.qualityAssurance ? `The stated quality assurance (${c.qualityAssurance.join(', ')}) is none.` : 'No quality assurance is stated; the agreement requires it.');
  }
  if (k.acceptedAssessmentTypes) {
    const hit = (c.assessmentTypes ?? []).filter((t) => k.acceptedAssessmentTypes!.includes(t));
    add('assessmentType', hit.length > 0, hit.length > 0
      ? `Assessed by ${hit.join(', ')}, an accepted type.`
      : `Assessment ${c.assessmentTypes ? `by ${c.assessmentTypes.join(', ')}` : 'is not stated'}; accepted: ${k.acceptedAssessmentTypes.join(', ')}.`);
  }
  if (k.identityVerifiedRequired) {
    const ok = c.identityVerifiedAssessment === true;
    add('identityVerified', ok, ok ? 'The assessment was supervised with identity verification.' : c.identityVerifiedAssessment === false ? 'The assessment was not supervised with identity verification; the agreement requires it.' : 'Supervision and identity verification are not stated; the agreement requires them.');
  }
  if (k.minGrade) {
    const g = compareGrade(c.grade, k.minGrade);
    add('minGrade', g.passed, g.message);
  }
  return checks;
}

interface Candidate {
  agreement: RecognitionAgreement;
  credits: number;
}

/**
 * Proposes a decision per credential for a recognition request toward `programme`. Pure and
 * deterministic: the same inputs in any order give the same proposal. Throws TypeError when the
 * programme or an agreement is not valid (see validateProgramme, validateAgreement).
 *
 * @example
 *   const proposal = proposeRecognition(programme, agreements, credentials, { asOf: '2026-09-01' });
 *   proposal.items[0].checks // → [{ condition: 'minEqfLevel', passed: false, message: 'EQF level 5 is below the minimum 6.' }, …]
 */
export function proposeRecognition(
  programme: Programme,
  agreements: readonly RecognitionAgreement[],
  credentials: readonly HeldCredential[],
  options: ProposeOptions,
): RecognitionProposal {
  const asOf = parseInstant(options.asOf);
  if (asOf === undefined) throw new TypeError('options.asOf must be an ISO 8601 date or date-time.');
  const pp = validateProgramme(programme);
  if (pp.length > 0) throw new TypeError(`The programme is not valid: ${pp[0]!.path}: ${pp[0]!.message}`);
  for (const a of agreements) {
    const ap = validateAgreement(a, programme);
    if (ap.length > 0) throw new TypeError(`Agreement ${JSON.stringify((a as { id?: unknown }).id)} is not valid: ${ap[0]!.path}: ${ap[0]!.message}`);
  }
  const sortedAgreements = [...agreements].sort((a, b) => compareStrings(a.id, b.id));
  const byKey = new Map<string, HeldCredential>();
  for (const c of credentials) {
    const seen = byKey.get(c.key);
    if (!seen || compareStrings(JSON.stringify(c), JSON.stringify(seen)) < 0) byKey.set(c.key, c);
  }
  const creds = [...byKey.values()].sort((a, b) => compareStrings(a.key, b.key));
  const modules = new Map(programme.modules.map((m, i) => [m.id, { ...m, order: i }]));

  // 1. Conditions, per credential and agreement.
  const items = new Map<string, ProposalItem>();
  const candidates = new Map<string, Candidate[]>();
  for (const c of creds) {
    const item: ProposalItem = { credentialKey: c.key, achievementName: c.achievementName, issuerId: c.issuerId, decision: 'reject', credits: 0, creditsBeforeCaps: 0, checks: [], reasons: [] };
    items.set(c.key, item);
    const passing: Candidate[] = [];
    for (const a of sortedAgreements) {
      if (!matches(a, c)) continue;
      const credits = c.creditsEcts !== undefined && c.creditsEcts < a.credits && a.allowPartial ? c.creditsEcts : a.credits;
      const checks = checkAgreement(a, c, asOf, credits);
      item.checks.push(...checks);
      if (checks.every((k) => k.passed)) passing.push({ agreement: a, credits });
      else item.reasons.push(`Agreement ${a.id} does not apply: ${checks.filter((k) => !k.passed).map((k) => k.message).join(' ')}`);
    }
    if (item.checks.length === 0) item.reasons.push('No recognition agreement of this programme covers this achievement.');
    if (passing.length > 0) candidates.set(c.key, passing);
  }

  // 2. Module caps: largest first, each into the module with most room left.
  const room = new Map(programme.modules.map((m) => [m.id, m.credits]));
  const usedBy = new Map<string, string[]>();
  const placed: { key: string; moduleId: string; agreement: RecognitionAgreement; credits: number; before: number }[] = [];
  // Credentials that fit fewer modules go first, so that a flexible one does not take the only
  // module a constrained one could fill; then the largest first, then by key.
  const modulesOf = (list: Candidate[]) => new Set(list.map((x) => x.agreement.moduleId)).size;
  const order = [...candidates.entries()].sort(
    (a, b) =>
      modulesOf(a[1]) - modulesOf(b[1]) ||
      Math.max(...b[1].map((x) => x.credits)) - Math.max(...a[1].map((x) => x.credits)) ||
      compareStrings(a[0], b[0]),
  );
  for (const [key, list] of order) {
    const item = items.get(key)!;
    const best = [...list].sort(
      (x, y) =>
        Math.min(y.credits, room.get(y.agreement.moduleId)!) - Math.min(x.credits, room.get(x.agreement.moduleId)!) ||
        y.credits - x.credits ||
        compareStrings(x.agreement.id, y.agreement.id),
    )[0]!;
    const moduleId = best.agreement.moduleId;
    const left = room.get(moduleId)!;
    const module = modules.get(moduleId)!;
    item.creditsBeforeCaps = best.credits;
    if (left <= 0) {
      item.checks.push({ agreementId: best.agreement.id, condition: 'module', passed: false, message: `Module ${module.name} is already recognised in full by ${usedBy.get(moduleId)!.join(', ')}.` });
      item.reasons.push(`Module ${module.name} is already recognised in full by ${usedBy.get(moduleId)!.join(', ')}.`);
      continue;
    }
    const credits = Math.min(best.credits, left);
    room.set(moduleId, roundCredits(left - credits));
    usedBy.set(moduleId, [...(usedBy.get(moduleId) ?? []), key]);
    if (credits < best.credits) item.reasons.push(`Only ${fmt(credits)} of ${fmt(best.credits)} ECTS fit: module ${module.name} is partly recognised by ${usedBy.get(moduleId)!.filter((k) => k !== key).join(', ')}.`);
    placed.push({ key, moduleId, agreement: best.agreement, credits, before: best.credits });
  }

  // 3. Programme cap, in module order then key.
  const limits: string[] = [`the programme's ${fmt(programme.totalCredits)} ECTS`];
  let limit = programme.totalCredits;
  if (programme.maxRecognisedCredits !== undefined && programme.maxRecognisedCredits < limit) {
    limit = programme.maxRecognisedCredits;
    limits.unshift(`at most ${fmt(programme.maxRecognisedCredits)} ECTS of prior learning`);
  }
  if (programme.maxRecognisedShare !== undefined && programme.maxRecognisedShare * programme.totalCredits < limit) {
    limit = roundCredits(programme.maxRecognisedShare * programme.totalCredits);
    limits.unshift(`at most ${Math.round(programme.maxRecognisedShare * 100)}% of the programme (${fmt(limit)} ECTS) from prior learning`);
  }
  placed.sort((a, b) => modules.get(a.moduleId)!.order - modules.get(b.moduleId)!.order || compareStrings(a.key, b.key));
  let total = 0;
  let reached = false;
  const recognisedPerModule = new Map<string, number>();
  for (const p of placed) {
    const item = items.get(p.key)!;
    const module = modules.get(p.moduleId)!;
    item.agreementId = p.agreement.id;
    item.moduleId = p.moduleId;
    item.moduleName = module.name;
    let credits = p.credits;
    const free = roundCredits(limit - total);
    if (credits > free + 1e-9) {
      reached = true;
      if (programme.partialCredits && free > 0) {
        item.checks.push({ agreementId: p.agreement.id, condition: 'cap', passed: true, message: `Only ${fmt(free)} of ${fmt(credits)} ECTS fit under the cap (${limits[0]}).` });
        item.reasons.push(`Cut to ${fmt(free)} ECTS by the cap: ${limits[0]}.`);
        credits = free;
      } else {
        item.checks.push({ agreementId: p.agreement.id, condition: 'cap', passed: false, message: `${fmt(credits)} ECTS would exceed the cap (${limits[0]}); ${fmt(free)} ECTS remain under it.` });
        item.reasons.push(`Not recognised: ${fmt(credits)} ECTS would exceed the cap of ${limits[0]} (${fmt(free)} ECTS remain).`);
        continue;
      }
    }
    total = roundCredits(total + credits);
    item.credits = credits;
    recognisedPerModule.set(p.moduleId, roundCredits((recognisedPerModule.get(p.moduleId) ?? 0) + credits));
    const full = credits >= p.agreement.credits;
    item.decision = full ? 'accept' : 'partial';
    item.reasons.unshift(full
      ? `Recognised for ${module.name}: ${fmt(credits)} ECTS under agreement ${p.agreement.id}.`
      : `Partly recognised for ${module.name}: ${fmt(credits)} of the ${fmt(p.agreement.credits)} ECTS agreement ${p.agreement.id} grants.`);
  }

  const gap = gapOf(programme, recognisedPerModule, total);
  const list = creds.map((c) => items.get(c.key)!);
  const accepted = list.filter((i) => i.decision !== 'reject').length;
  return {
    programmeId: programme.id,
    ...(programme.version !== undefined ? { programmeVersion: programme.version } : {}),
    asOf: options.asOf,
    programme,
    items: list,
    totalRecognised: total,
    cap: { limit, reached, explanation: `Recognised credits are limited to ${limits[0]}.` },
    gap,
    summary: `${accepted} of ${list.length} credentials proposed for recognition, ${fmt(total)} ECTS toward ${programme.name}; ${gap.summary}`,
  };
}

/** What the learner still needs for the programme, given the credits recognised per module. */
export function gapOf(programme: Programme, recognisedPerModule: ReadonlyMap<string, number>, total: number): RecognitionGap {
  const modules: ModuleGap[] = [];
  for (const m of programme.modules) {
    const outstanding = roundCredits(m.credits - (recognisedPerModule.get(m.id) ?? 0));
    if (outstanding > 0) modules.push({ moduleId: m.id, moduleName: m.name, creditsOutstanding: outstanding });
  }
  const still = roundCredits(Math.max(0, programme.totalCredits - total));
  return {
    creditsStillNeeded: still,
    modules,
    summary: still === 0
      ? 'nothing more is needed.'
      : `${fmt(still)} ECTS still needed${modules.length > 0 ? `, including ${modules.map((m) => `${m.moduleName} (${fmt(m.creditsOutstanding)} ECTS)`).join(', ')}` : ''}.`,
  };
}
