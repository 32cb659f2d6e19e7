import type { ServiceContext } from './context.ts';
import type { MailSender } from './credentials/types.ts';

/**
 * Learner accounts (issue 4): sign-up with e-mail verified by a link, several addresses per learner,
 * the learner's did:key kept by microcred, account deletion. Being built; see /work/notes/contracts-4.md.
 */
export function createLearnerService(_ctx: ServiceContext, _deps: { mail: MailSender }) {
  return {};
}

export type LearnerService = ReturnType<typeof createLearnerService>;
