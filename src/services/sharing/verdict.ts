/**
 * One sentence for the outcome of a live verification, from its checks: what a visitor of a share page
 * reads first. Pure.
 */
import type { Check } from '../../vc/types.ts';
import { isAuthentic } from '../verifier.ts';
import type { Verdict } from '../../render/public-page.ts';
import { longDate } from '../../render/format.ts';

export interface VerdictFacts {
  name: string;
  issuerName?: string;
  recipientName?: string;
  issuedAt?: string;
  validUntil?: string;
}

/** The state the checks show: revoked, suspended, expired, not valid, verified, or status unknown. */
export function verdictOf(result: { verified: boolean; checks: readonly Check[] }): Verdict {
  const status = result.checks.find((c) => c.check === 'status');
  // A file whose signature fails is not the issuer's: its status entries say nothing about it.
  if (!isAuthentic(result.checks)) return 'invalid';
  if (!result.verified) {
    const failed = result.checks.filter((c) => c.outcome === 'failed');
    const statusFailed = failed.find((c) => c.check === 'status' || c.check === 'revocation');
    if (statusFailed) {
      if (/suspend/i.test(statusFailed.message)) return 'suspended';
      if (/revok/i.test(statusFailed.message)) return 'revoked';
    }
    // An OB 2.0 revocation is reported by its own check; its words say so.
    if (failed.some((c) => /revoked/i.test(c.message))) return 'revoked';
    if (failed.length > 0 && failed.every((c) => c.check === 'validity' || c.check === 'expiry') && failed.some((c) => /expired/i.test(c.message))) return 'expired';
    return 'invalid';
  }
  if (status && status.outcome === 'warning' && /unknown|could not/i.test(status.message)) return 'unknown';
  return 'verified';
}

/** The sentence under the verdict. */
export function verdictSentence(verdict: Verdict, facts: VerdictFacts, checks: readonly Check[]): string {
  const issuer = facts.issuerName ?? 'the issuer';
  const to = facts.recipientName ? ` to ${facts.recipientName}` : '';
  const on = facts.issuedAt ? ` on ${longDate(facts.issuedAt)}` : '';
  switch (verdict) {
    case 'verified':
      return `This credential is genuine: ${issuer} issued it${to}${on}, and every check passed just now.`;
    case 'revoked':
      return `${capitalise(issuer)} has revoked this credential, so it is no longer valid.`;
    case 'suspended':
      return `${capitalise(issuer)} has suspended this credential for now, so it is not valid while suspended.`;
    case 'expired':
      return facts.validUntil ? `This credential expired on ${longDate(facts.validUntil)}.` : 'This credential has expired.';
    case 'unknown':
      return `The signature is genuine, but whether ${issuer} has revoked this credential could not be checked just now.`;
    case 'invalid': {
      // The signature's failure first: it is why nothing else on the page can be trusted.
      const reason = (isAuthentic(checks) ? undefined : checks.find((c) => c.outcome === 'failed' && ['proof', 'signature', 'issuer-key'].includes(c.check))?.message)
        ?? checks.find((c) => c.outcome === 'failed')?.message;
      return reason ? `This credential could not be verified: ${lowerFirst(reason)}` : 'This credential could not be verified.';
    }
  }
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function lowerFirst(text: string): string {
  // Keep acronyms and names ("JSON", "OB") as they are.
  return /^[A-Z][a-z]/.test(text) ? text.charAt(0).toLowerCase() + text.slice(1) : text;
}
