/**
 * This file imports only the mail layout, which imports nothing: the console's bulk review
 * (web/src/screens/console/Bulk.tsx) shows the learners this very e-mail before anything is sent.
 * Its result fits MailMessage (./types.ts).
 */
import { composeMail, mailParts, type MailPart } from '../mail-layout.ts';

export interface ClaimMailMessage {
  organisationId: string;
  to: string;
  subject: string;
  text: string;
  html: string;
}

export interface ClaimMailInput {
  organisationId: string;
  to: string;
  recipientName?: string;
  achievementName: string;
  issuerName: string;
  claimUrl: string;
  /** The claim as an OpenID4VCI Credential Offer (openid-credential-offer://…), for a wallet app. */
  walletOfferLink?: string;
  /** The issuer's logo (an https URL; anything else is left out of the mail). */
  issuerLogoUrl?: string | null;
  /** The organisation the issuer belongs to, when its name differs from the issuer's. */
  organisationName?: string;
}

/**
 * The blocks of the claim e-mail, in order. Another way to receive the credential (e.g. a wallet
 * offer) is one more block passed to `claimMail` as `extraParts`, placed after the claim button.
 */
export function claimMailParts(input: ClaimMailInput): { lead: MailPart[]; action: MailPart[]; closing: MailPart[] } {
  return {
    lead: [mailParts.emphasis(`${input.issuerName} has issued you the credential `, input.achievementName, '.')],
    action: [
      mailParts.paragraph('Claim it to keep it in your wallet, share it, or download it.'),
      mailParts.button('Claim your credential', input.claimUrl),
      // OpenID4VCI (issue 12): the same claim, straight into a wallet app.
      ...(input.walletOfferLink
        ? [mailParts.paragraph('Or take it straight into a wallet app (OpenID4VCI): open this link on the phone that has the app.'), mailParts.button('Open in my wallet app', input.walletOfferLink)]
        : []),
    ],
    closing: [mailParts.note('The link is personal: do not forward this e-mail.')],
  };
}

/**
 * The e-mail that tells a learner a credential awaits them: HTML with a button and the issuer's name
 * and logo, and the same in plain text (multipart/alternative). No tracking; the claim link carries
 * the only secret, and the message is not logged.
 */
export function claimMail(input: ClaimMailInput, extraParts: MailPart[] = []): ClaimMailMessage {
  const subject = `Your credential from ${input.issuerName}: ${input.achievementName}`;
  const parts = claimMailParts(input);
  const { text, html } = composeMail({
    brand: { name: input.issuerName, logoUrl: input.issuerLogoUrl ?? null },
    title: 'A credential awaits you',
    greeting: input.recipientName ? `Hello ${input.recipientName},` : 'Hello,',
    parts: [...parts.lead, ...parts.action, ...extraParts, ...parts.closing],
    footer: `Sent by microcred for ${input.organisationName && input.organisationName !== input.issuerName ? `${input.issuerName} (${input.organisationName})` : input.issuerName}.`,
  });
  return { organisationId: input.organisationId, to: input.to, subject, text, html };
}
