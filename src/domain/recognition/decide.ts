/**
 * The registrar's decisions on a proposal: approve, amend or reject each item with a reason. The
 * result keeps the proposal, each decision and its reason, for audit and appeal.
 */
import { compareStrings, isNonEmptyString, roundCredits, seg } from '../stacking/json.ts';
import type { Problem } from '../stacking/json.ts';
import { gapOf } from './propose.ts';
import type { DecisionRecord, FinalItem, RecognitionProposal, RegistrarDecision } from './types.ts';

export interface DecideOptions {
  /** Who decided (a user id). */
  decidedBy: string;
  /** When (ISO 8601), passed in: the domain has no clock. */
  decidedOn: string;
}

export type DecideResult = { ok: true; record: DecisionRecord } | { ok: false; problems: Problem[] };

/**
 * Applies the registrar's decisions to a proposal. Items without a decision stay pending. Refused
 * (with problems, JSON pointers into `decisions`) when a decision names an unknown credential or
 * module, repeats an item, lacks a reason where one is required, or when the result would give a
 * module more than its credits or the programme more than its cap. Never throws.
 *
 * @example
 *   applyRegistrarDecisions(proposal, [{ credentialKey: 'urn:uuid:1', action: 'amend', credits: 3, reason: 'Lab work missing.' }], { decidedBy: 'u1', decidedOn: '2026-09-10' })
 */
export function applyRegistrarDecisions(proposal: RecognitionProposal, decisions: readonly RegistrarDecision[], options: DecideOptions): DecideResult {
  const problems: Problem[] = [];
  if (!isNonEmptyString(options?.decidedBy)) problems.push({ path: '', message: 'The deciding registrar (decidedBy) is missing.' });
  if (!Array.isArray(decisions)) return { ok: false, problems: [...problems, { path: '', message: 'The decisions must be a list.' }] };
  const programme = proposal.programme;
  const items = new Map(proposal.items.map((i) => [i.credentialKey, i]));
  const byKey = new Map<string, RegistrarDecision>();
  decisions.forEach((d, n) => {
    const base = seg(n);
    if (typeof d !== 'object' || d === null) return problems.push({ path: base, message: 'A decision must be an object.' });
    if (!items.has(d.credentialKey)) return problems.push({ path: `${base}/credentialKey`, message: `${JSON.stringify(d.credentialKey)} is not an item of this proposal.` });
    if (byKey.has(d.credentialKey)) return problems.push({ path: `${base}/credentialKey`, message: `${d.credentialKey} is decided twice.` });
    byKey.set(d.credentialKey, d);
    if (!['approve', 'amend', 'reject'].includes(d.action)) problems.push({ path: `${base}/action`, message: `The action ${JSON.stringify(d.action)} is not approve, amend or reject.` });
    if ((d.action === 'amend' || d.action === 'reject') && !isNonEmptyString(d.reason)) {
      problems.push({ path: `${base}/reason`, message: `A reason is required to ${d.action} an item; the learner is told it.` });
    }
    if (d.action === 'amend') {
      if (typeof d.credits !== 'number' || !Number.isFinite(d.credits) || d.credits <= 0) {
        problems.push({ path: `${base}/credits`, message: 'An amendment must give the credits granted, a number above 0 (reject the item to grant none).' });
      }
      const moduleId = d.moduleId ?? items.get(d.credentialKey)!.moduleId;
      const module = programme.modules.find((m) => m.id === moduleId);
      if (!module) problems.push({ path: `${base}/moduleId`, message: moduleId === undefined ? 'The engine proposed no module for this item; say which module the amendment recognises.' : `The programme has no module ${JSON.stringify(moduleId)}.` });
      else if (typeof d.credits === 'number' && d.credits > module.credits) problems.push({ path: `${base}/credits`, message: `${d.credits} ECTS exceed the ${module.credits} ECTS of module ${module.name}.` });
    } else if (d.credits !== undefined || d.moduleId !== undefined) {
      problems.push({ path: base, message: `Credits and module are changed only by an amendment; to ${d.action} keep them out.` });
    }
  });
  if (problems.length > 0) return { ok: false, problems };

  const finals: FinalItem[] = [...proposal.items]
    .sort((a, b) => compareStrings(a.credentialKey, b.credentialKey))
    .map((p) => {
      const d = byKey.get(p.credentialKey);
      const f: FinalItem = { credentialKey: p.credentialKey, proposed: p, outcome: 'pending', credits: 0 };
      if (!d) return f;
      f.decision = { action: d.action, ...(d.reason !== undefined ? { reason: d.reason } : {}), ...(d.credits !== undefined ? { credits: d.credits } : {}), ...(d.moduleId !== undefined ? { moduleId: d.moduleId } : {}) };
      if (d.action === 'reject' || (d.action === 'approve' && p.decision === 'reject')) {
        f.outcome = 'rejected';
      } else if (d.action === 'approve') {
        f.outcome = 'recognised';
        f.credits = p.credits;
        f.moduleId = p.moduleId!;
      } else {
        f.outcome = 'recognised';
        f.credits = d.credits!;
        f.moduleId = d.moduleId ?? p.moduleId!;
      }
      return f;
    });

  const perModule = new Map<string, number>();
  let total = 0;
  for (const f of finals) {
    if (f.outcome !== 'recognised') continue;
    perModule.set(f.moduleId!, roundCredits((perModule.get(f.moduleId!) ?? 0) + f.credits));
    total = roundCredits(total + f.credits);
  }
  for (const [moduleId, credits] of perModule) {
    const m = programme.modules.find((x) => x.id === moduleId)!;
    if (credits > m.credits) problems.push({ path: '', message: `Module ${m.name} would be recognised for ${credits} ECTS, more than its ${m.credits}.` });
  }
  if (total > proposal.cap.limit + 1e-9) {
    problems.push({ path: '', message: `The decisions recognise ${total} ECTS, more than the cap: ${proposal.cap.explanation}` });
  }
  if (problems.length > 0) return { ok: false, problems };
  return {
    ok: true,
    record: {
      programmeId: proposal.programmeId,
      ...(proposal.programmeVersion !== undefined ? { programmeVersion: proposal.programmeVersion } : {}),
      asOf: proposal.asOf,
      decidedBy: options.decidedBy,
      decidedOn: options.decidedOn,
      items: finals,
      totalRecognised: total,
      gap: gapOf(programme, perModule, total),
      final: finals.every((f) => f.outcome !== 'pending'),
      proposal,
    },
  };
}
