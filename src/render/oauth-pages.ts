/**
 * The server-rendered pages of the OB 3.0 API's authorization (issue 13 §1): the consent screen a learner
 * sees when a platform asks for access to her wallet, and the page she lands on after a push. No script,
 * one form, native buttons and labels: it works with a keyboard, a screen reader and on a phone.
 * Everything shown that a client registered (its name, its site) is untrusted and escaped.
 */

export interface ConsentPage {
  clientName: string;
  clientUri?: string;
  /** Where the client sends the learner back (its host is shown: it is who receives the answer). */
  redirectUri?: string;
  /** What each requested scope lets the client see or do, in plain words. */
  permissions: string[];
  learnerName: string;
  formAction: string;
  csrfToken: string;
  /** Fields the form carries back unchanged (an OpenID4VCI authorization request's parameters). */
  hidden?: Record<string, string>;
}

const STYLE = `body{font-family:system-ui,sans-serif;margin:0;padding:1rem;line-height:1.5;color:#1a1a1a;background:#f6f7f9}
main{max-width:36rem;margin:2rem auto;background:#fff;padding:1.5rem;border-radius:8px;border:1px solid #d0d4da}
h1{font-size:1.4rem;margin-top:0}ul{padding-left:1.25rem}li{margin:.5rem 0}
.actions{display:flex;gap:.75rem;flex-wrap:wrap;margin-top:1.5rem}
button{font:inherit;padding:.6rem 1.2rem;border-radius:6px;border:2px solid #1f4fa3;cursor:pointer}
button.allow{background:#1f4fa3;color:#fff}button.deny{background:#fff;color:#1f4fa3}
button:focus-visible{outline:3px solid #f5a623;outline-offset:2px}.note{color:#4a4f57;font-size:.95rem}`;

export function escapeText(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function layout(title: string, body: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer"><title>${escapeText(title)} — microcred</title><style>${STYLE}</style></head>
<body><main>${body}</main></body></html>`;
}

function hostOf(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    return new URL(url).host;
  } catch {
    return undefined;
  }
}

/** The consent screen: who asks, what it will see or do, where the answer goes; Allow or Deny. */
export function renderConsentPage(page: ConsentPage): string {
  const site = hostOf(page.clientUri);
  const back = hostOf(page.redirectUri);
  const name = escapeText(page.clientName);
  return layout(`Allow ${page.clientName}?`, `
<h1>Allow <span class="client">${name}</span> to use your wallet?</h1>
<p>You are signed in as <strong>${escapeText(page.learnerName)}</strong>. ${name}${site ? ` (<span class="site">${escapeText(site)}</span>)` : ''} asks to:</p>
<ul class="permissions">${page.permissions.map((words) => `<li>${escapeText(words)}</li>`).join('')}</ul>
${back ? `<p class="note">If you allow it, you go back to <strong>${escapeText(back)}</strong>.</p>` : ''}
<p class="note">microcred did not check who runs ${name}: allow it only if you trust it. You can withdraw this permission at any time from your account (connected applications).</p>
<form method="post" action="${escapeText(page.formAction)}">
<input type="hidden" name="csrf" value="${escapeText(page.csrfToken)}">${Object.entries(page.hidden ?? {}).map(([name, value]) => `<input type="hidden" name="${escapeText(name)}" value="${escapeText(value)}">`).join('')}
<div class="actions">
<button class="allow" type="submit" name="decision" value="allow">Allow</button>
<button class="deny" type="submit" name="decision" value="deny">Deny</button>
</div>
</form>`);
}

/** A short page in words: an error during authorization, or the outcome of a push to a learner's host. */
export function renderMessagePage(title: string, paragraphs: string[], attributes: Record<string, string> = {}): string {
  const data = Object.entries(attributes).map(([key, value]) => ` data-${key}="${escapeText(value)}"`).join('');
  return layout(title, `<h1${data}>${escapeText(title)}</h1>${paragraphs.map((text) => `<p>${escapeText(text)}</p>`).join('')}`);
}
