import type { MailMessage } from '../credentials/types.ts';
import { composeMail, mailParts, type MailPart } from '../mail-layout.ts';

/**
 * The e-mails recognition and RPL send the learner: plain text, no images, no tracking, and nothing
 * personal beyond the address they go to (no name, no feedback text: the link shows those to her
 * once signed in).
 */

const SIGNATURE = '— sent by microcred for ';

/**
 * The text as written, and an HTML part made from the same lines (multipart/alternative): blank lines
 * separate paragraphs, a line that is a link becomes the button, the signature names the sender.
 */
function message(organisationId: string, to: string, subject: string, lines: string[]): MailMessage {
  const sender = lines.at(-1)?.startsWith(SIGNATURE) ? lines.at(-1)!.slice(SIGNATURE.length) : 'microcred';
  const body = lines.at(-1)?.startsWith(SIGNATURE) ? lines.slice(0, -1) : lines;
  const parts: MailPart[] = [];
  let paragraph: string[] = [];
  const flush = () => {
    if (paragraph.length > 0) parts.push(mailParts.paragraph(paragraph.join(' ')));
    paragraph = [];
  };
  for (const line of body) {
    if (line.trim() === '') flush();
    else if (/^https?:\/\/\S+$/.test(line)) {
      flush();
      parts.push(mailParts.button('Open in your wallet', line));
    } else paragraph.push(line);
  }
  flush();
  const { html } = composeMail({ brand: { name: sender }, title: subject, parts, footer: `Sent by microcred for ${sender}.` });
  return { organisationId, to, subject: subject.slice(0, 200), text: `${lines.join('\n')}\n`, html };
}

function credits(value: number): string {
  return `${Number.isInteger(value) ? value : value.toFixed(1)} ECTS`;
}

export function recognitionDecidedMail(input: {
  organisationId: string; organisationName: string; to: string; programmeName: string; requestId: string; publicUrl: string;
  totalRecognised: number; recognisedItems: number; rejectedItems: number;
}): MailMessage {
  const link = `${input.publicUrl}/wallet/recognition/${input.requestId}`;
  return message(input.organisationId, input.to, `Recognition decided: ${input.programmeName}`, [
    'Hello,',
    '',
    `${input.organisationName} has decided your request to recognise prior learning toward ${input.programmeName}.`,
    '',
    `Credits recognised: ${credits(input.totalRecognised)} (${input.recognisedItems} credential${input.recognisedItems === 1 ? '' : 's'} recognised, ${input.rejectedItems} not recognised).`,
    ...(input.totalRecognised > 0 ? ['A recognition credential follows in your wallet.'] : []),
    '',
    'Each decision and its reason:',
    link,
    '',
    `— sent by microcred for ${input.organisationName}`,
  ]);
}

export function rplMoreEvidenceMail(input: {
  organisationId: string; organisationName: string; to: string; achievementName: string; outcomeStatement: string; caseId: string; publicUrl: string;
}): MailMessage {
  const link = `${input.publicUrl}/wallet/rpl/${input.caseId}`;
  return message(input.organisationId, input.to, `More evidence asked: ${input.achievementName}`, [
    'Hello,',
    '',
    `The assessor of your prior-learning case for "${input.achievementName}" (${input.organisationName}) asks for more evidence for the learning outcome:`,
    `"${input.outcomeStatement}"`,
    '',
    'Read the feedback, add evidence and submit again:',
    link,
    '',
    `— sent by microcred for ${input.organisationName}`,
  ]);
}

/**
 * The decision. `toWallet`: the learner's address is confirmed, so the credential goes straight into
 * her wallet; otherwise it comes in a separate e-mail with a claim link, and the message says so.
 */
export function rplDecidedMail(input: {
  organisationId: string; organisationName: string; to: string; achievementName: string; awarded: boolean; caseId: string; publicUrl: string; toWallet: boolean;
}): MailMessage {
  const link = `${input.publicUrl}/wallet/rpl/${input.caseId}`;
  return message(input.organisationId, input.to, `Prior learning ${input.awarded ? 'recognised' : 'decided'}: ${input.achievementName}`, [
    'Hello,',
    '',
    input.awarded
      ? `${input.organisationName} has awarded you "${input.achievementName}" for your prior learning.`
      : `${input.organisationName} has decided your prior-learning case for "${input.achievementName}": it is not awarded this time.`,
    ...(input.awarded && input.toWallet ? ['The credential is being added to your wallet.'] : []),
    ...(input.awarded && !input.toWallet
      ? [
          '',
          `The credential is not in your wallet yet: it is sent to ${input.to} in a separate e-mail about "${input.achievementName}", with a claim link.`,
          'Open that link to add it to your wallet. Or confirm your address with the link we sent when you signed up: the credential is then offered in your wallet.',
        ]
      : []),
    '',
    input.awarded ? 'Your case:' : "The assessor's feedback, outcome by outcome:",
    link,
    '',
    `— sent by microcred for ${input.organisationName}`,
  ]);
}
