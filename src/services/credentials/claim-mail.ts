/**
 * This file imports nothing: the console's bulk review (web/src/screens/console/Bulk.tsx) shows the
 * learners this very e-mail before anything is sent. Its result fits MailMessage (./types.ts).
 */
export interface ClaimMailMessage {
  organisationId: string;
  to: string;
  subject: string;
  text: string;
  html: string;
}

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]!);
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
}

/**
 * The e-mail that tells a learner a credential awaits them: plain text and a simple HTML version,
 * no images, no tracking. The claim link carries the only secret; the message is not logged.
 */
export function claimMail(input: ClaimMailInput): ClaimMailMessage {
  const greeting = input.recipientName ? `Hello ${input.recipientName},` : 'Hello,';
  const subject = `Your credential from ${input.issuerName}: ${input.achievementName}`;
  const text = [
    greeting,
    '',
    `${input.issuerName} has issued you the credential "${input.achievementName}".`,
    '',
    'Claim it to keep it in your wallet, share it, or download it:',
    input.claimUrl,
    '',
    'The link is personal: do not forward this e-mail.',
    '',
    // OpenID4VCI (issue 12): the same claim, straight into a wallet app.
    ...(input.walletOfferLink ? ['To take it straight into a wallet app instead (OpenID4VCI), open this link on your phone:', input.walletOfferLink, ''] : []),
    `— sent by microcred for ${input.issuerName}`,
  ].join('\n');
  const html = [
    '<!doctype html><html><body style="font-family: sans-serif; line-height: 1.5">',
    `<p>${escapeHtml(greeting)}</p>`,
    `<p>${escapeHtml(input.issuerName)} has issued you the credential <strong>${escapeHtml(input.achievementName)}</strong>.</p>`,
    `<p><a href="${escapeHtml(input.claimUrl)}">Claim your credential</a></p>`,
    `<p>Or open this address: ${escapeHtml(input.claimUrl)}</p>`,
    '<p>The link is personal: do not forward this e-mail.</p>',
    ...(input.walletOfferLink ? [`<p>To take it straight into a wallet app instead (OpenID4VCI): <a href="${escapeHtml(input.walletOfferLink)}">open in my wallet app</a> (on your phone).</p>`] : []),
    '</body></html>',
  ].join('\n');
  return { organisationId: input.organisationId, to: input.to, subject, text, html };
}
