/**
 * E-mails built from small parts (issue 14 §3): a heading, paragraphs, one call-to-action button,
 * extra blocks, a footer, framed with the sending organisation's name and logo. Each part gives its
 * plain-text and its HTML form, so every message is multipart/alternative with the same content in
 * both, and a feature can add its own block (e.g. a wallet offer) without touching the others.
 * No tracking, no remote content except the organisation's own logo (an https address it chose).
 */

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]!);
}

/** One piece of a message in both forms. */
export interface MailPart {
  text: string;
  html: string;
}

export interface MailBrand {
  /** Shown at the top and in the footer: the organisation (or the platform) that sends the message. */
  name: string;
  /** An https URL of the organisation's logo; anything else is left out (data: URLs are blocked by most mail readers). */
  logoUrl?: string | null;
}

export const mailParts = {
  paragraph(text: string): MailPart {
    return { text, html: `<p style="margin:0 0 16px">${escapeHtml(text)}</p>` };
  },

  /** A paragraph with one part in bold (e.g. the credential's name). */
  emphasis(before: string, strong: string, after = ''): MailPart {
    return {
      text: `${before}"${strong}"${after}`,
      html: `<p style="margin:0 0 16px">${escapeHtml(before)}<strong>${escapeHtml(strong)}</strong>${escapeHtml(after)}</p>`,
    };
  },

  /** The call to action: a button in HTML, the bare link on its own line in text (and under the button, for readers that drop styles). */
  button(label: string, url: string): MailPart {
    const href = escapeHtml(url);
    return {
      text: `${label}:\n${url}`,
      html: [
        '<table role="presentation" cellpadding="0" cellspacing="0" style="margin:8px 0 24px"><tr>',
        `<td style="border-radius:6px;background:#1d4ed8"><a href="${href}" style="display:inline-block;padding:12px 24px;color:#ffffff;font-weight:bold;text-decoration:none;border-radius:6px">${escapeHtml(label)}</a></td>`,
        '</tr></table>',
        `<p style="margin:0 0 16px;font-size:13px;color:#4b5563">Or open this address: <a href="${href}" style="color:#1d4ed8;word-break:break-all">${href}</a></p>`,
      ].join(''),
    };
  },

  /** Small print (e.g. "the link is personal"). */
  note(text: string): MailPart {
    return { text, html: `<p style="margin:0 0 16px;font-size:13px;color:#4b5563">${escapeHtml(text)}</p>` };
  },
};

export function safeLogoUrl(url: string | null | undefined): string | undefined {
  if (!url) return undefined;
  try {
    return new URL(url).protocol === 'https:' ? url : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The whole message from its parts: text parts joined by blank lines; HTML parts inside a simple
 * one-column layout (tables and inline styles, which mail readers keep).
 *
 * @example
 *   const { text, html } = composeMail({ brand: { name: 'Uni' }, title: 'Reset your password',
 *     parts: [mailParts.paragraph('Someone asked…'), mailParts.button('Choose a new password', url)] });
 */
export function composeMail(input: { brand: MailBrand; title: string; greeting?: string; parts: MailPart[]; footer?: string }): MailPart {
  const greeting = input.greeting ? [mailParts.paragraph(input.greeting)] : [];
  const parts = [...greeting, ...input.parts];
  const footer = input.footer ?? `Sent by microcred for ${input.brand.name}.`;
  const text = [...parts.map((part) => part.text), '', `— ${footer}`].join('\n\n').replace(/\n{3,}/g, '\n\n');
  const logo = safeLogoUrl(input.brand.logoUrl);
  const header = logo
    ? `<img src="${escapeHtml(logo)}" alt="${escapeHtml(input.brand.name)}" height="48" style="height:48px;max-width:200px;display:block;margin:0 0 8px">`
      + `<div style="font-size:14px;color:#4b5563">${escapeHtml(input.brand.name)}</div>`
    : `<div style="font-size:18px;font-weight:bold;color:#111827">${escapeHtml(input.brand.name)}</div>`;
  const html = [
    '<!doctype html>',
    `<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(input.title)}</title></head>`,
    '<body style="margin:0;padding:0;background:#f3f4f6">',
    '<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="background:#f3f4f6"><tr><td align="center" style="padding:24px 12px">',
    '<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="max-width:560px;background:#ffffff;border-radius:8px;font-family:Arial,Helvetica,sans-serif;font-size:16px;line-height:1.5;color:#111827">',
    `<tr><td style="padding:24px 32px;border-bottom:1px solid #e5e7eb">${header}</td></tr>`,
    `<tr><td style="padding:24px 32px"><h1 style="margin:0 0 16px;font-size:22px">${escapeHtml(input.title)}</h1>${parts.map((part) => part.html).join('\n')}</td></tr>`,
    `<tr><td style="padding:16px 32px;border-top:1px solid #e5e7eb;font-size:12px;color:#6b7280">${escapeHtml(footer)}</td></tr>`,
    '</table></td></tr></table></body></html>',
  ].join('\n');
  return { text, html };
}
