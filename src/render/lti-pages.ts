/**
 * The server-rendered pages of the LTI 1.3 tool, shown inside the LMS (usually in a frame): the
 * instructor's course mapping, a learner's credential or progress, the deep linking choice and its
 * auto-submitting answer, and refusals. No script except the one auto-submit (with a CSP nonce);
 * native form controls with labels. Everything that came from the platform is escaped.
 */
import { escapeText } from './oauth-pages.ts';

const STYLE = `body{font-family:system-ui,sans-serif;margin:0;padding:1rem;line-height:1.5;color:#1a1a1a;background:#fff}
main{max-width:44rem;margin:0 auto}h1{font-size:1.35rem;margin-top:0}h2{font-size:1.1rem}
label{display:block;font-weight:600;margin-top:1rem}select,input{font:inherit;padding:.4rem;border:1px solid #6b7280;border-radius:4px;max-width:100%}
button{font:inherit;padding:.55rem 1.1rem;border-radius:6px;border:2px solid #1f4fa3;background:#1f4fa3;color:#fff;cursor:pointer;margin-top:1rem}
button.secondary{background:#fff;color:#1f4fa3}button:focus-visible,select:focus-visible,input:focus-visible{outline:3px solid #f5a623;outline-offset:2px}
.note{color:#4a4f57}.notice{background:#eef6ee;border:1px solid #2e7d32;padding:.6rem;border-radius:6px}
.problem{background:#fdf0ef;border:1px solid #b3261e;padding:.6rem;border-radius:6px}fieldset{border:1px solid #d0d4da;border-radius:6px;margin-top:1rem}`;

export const LTI_PAGE_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src https: data:; form-action 'self' https: http:; base-uri 'none'";

function layout(title: string, body: string, scriptNonce?: string, script?: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer"><title>${escapeText(title)} — microcred</title><style>${STYLE}</style></head>
<body><main>${body}</main>${script && scriptNonce ? `<script nonce="${escapeText(scriptNonce)}">${script}</script>` : ''}</body></html>`;
}

export interface InstructorPageData {
  /** The path microcred is served under ('' at the root): the forms post to absolute paths. */
  basePath: string;
  session: string;
  courseTitle: string;
  achievements: { id: string; name: string }[];
  lineItems: { id: string; label: string }[];
  lineItemsProblem?: string;
  canMap: boolean;
  mapping?: { achievementId: string; lineItemUrl: string; minScore: number; awards: number; lastRunAt: string | null; lastError: string | null };
  suggestedAchievementId?: string;
  notice?: string;
}

export function renderInstructorPage(data: InstructorPageData): string {
  const selectedAchievement = data.mapping?.achievementId ?? data.suggestedAchievementId;
  const options = data.achievements.map((a) => `<option value="${escapeText(a.id)}"${a.id === selectedAchievement ? ' selected' : ''}>${escapeText(a.name)}</option>`).join('');
  const items = data.lineItems.map((item) => `<option value="${escapeText(item.id)}"${item.id === data.mapping?.lineItemUrl ? ' selected' : ''}>${escapeText(item.label)}</option>`).join('');
  const percent = data.mapping ? Math.round(data.mapping.minScore * 1000) / 10 : 80;
  const status = data.mapping
    ? `<p class="note">Mapped: <strong>${data.mapping.awards}</strong> learner(s) awarded so far.${data.mapping.lastRunAt ? ` Last checked ${escapeText(data.mapping.lastRunAt)}.` : ''}</p>${data.mapping.lastError ? `<p class="problem" role="alert">The last check failed: ${escapeText(data.mapping.lastError)}</p>` : ''}`
    : '<p class="note">This course is not mapped to a micro-credential yet.</p>';
  const form = data.canMap && data.lineItems.length > 0 && data.achievements.length > 0
    ? `<form method="post" action="${escapeText(data.basePath)}/lti/course">
<input type="hidden" name="session" value="${escapeText(data.session)}">
<label for="achievement">Micro-credential earned in this course</label>
<select id="achievement" name="achievementId" required>${options}</select>
<label for="line-item">Grade item that decides it</label>
<select id="line-item" name="lineItem" required>${items}</select>
<label for="min-percent">Lowest grade that earns it (percent of the item's maximum)</label>
<input id="min-percent" name="minPercent" type="number" min="0" max="100" step="0.1" value="${percent}" required>
<div><button type="submit">Save the mapping</button></div>
</form>`
    : `<p class="problem" role="alert">${escapeText(data.lineItemsProblem ?? (data.achievements.length === 0 ? 'The organisation has no micro-credentials yet: define one in microcred first.' : 'This course has no grade items yet: add one in the LMS first.'))}</p>`;
  const run = data.mapping
    ? `<form method="post" action="${escapeText(data.basePath)}/lti/course/run"><input type="hidden" name="session" value="${escapeText(data.session)}"><button type="submit" class="secondary">Issue now to every learner who meets it</button></form>`
    : '';
  return layout(`Micro-credential for ${data.courseTitle}`, `
<h1>Micro-credential for ${escapeText(data.courseTitle)}</h1>
${data.notice ? `<p class="notice" role="status">${escapeText(data.notice)}</p>` : ''}
${status}
<p>Learners whose grade reaches the threshold receive the micro-credential by e-mail, once each. microcred reads the grades and the class list from the LMS every hour.</p>
${form}
${run}`);
}

export interface LearnerPageData {
  courseTitle: string;
  achievementName?: string;
  credential?: { issuedAt: string; sentTo: string };
  rule?: { lineItemLabel: string; minPercent: number };
  yourPercent?: number | null;
}

export function renderLearnerPage(data: LearnerPageData): string {
  let body: string;
  if (!data.rule) {
    body = '<p>Your instructor has not linked this course to a micro-credential yet.</p>';
  } else if (data.credential) {
    body = `<p class="notice" role="status">You earned <strong>${escapeText(data.achievementName ?? 'the micro-credential')}</strong> on ${escapeText(data.credential.issuedAt.slice(0, 10))}.</p>
<p>It was sent to <strong>${escapeText(data.credential.sentTo)}</strong>: open that e-mail to claim it into your microcred wallet, then share it or download it.</p>`;
  } else {
    const progress = data.yourPercent === undefined ? '' : data.yourPercent === null ? '<p>You have no grade for it yet.</p>' : `<p>Your grade so far: <strong>${data.yourPercent}%</strong>.</p>`;
    body = `<p>You earn <strong>${escapeText(data.achievementName ?? 'the micro-credential')}</strong> with at least <strong>${data.rule.minPercent}%</strong> in “${escapeText(data.rule.lineItemLabel)}”.</p>
${progress}<p class="note">When you reach it, the credential comes to the e-mail address the LMS has for you.</p>`;
  }
  return layout(`Micro-credential for ${data.courseTitle}`, `<h1>Micro-credential for ${escapeText(data.courseTitle)}</h1>${body}`);
}

export function renderDeepLinkingPage(data: { basePath: string; session: string; achievements: { id: string; name: string; description: string }[]; acceptMultiple: boolean }): string {
  const type = data.acceptMultiple ? 'checkbox' : 'radio';
  const choices = data.achievements.map((a, i) => `<div><input type="${type}" id="a${i}" name="achievementId" value="${escapeText(a.id)}"${i === 0 && !data.acceptMultiple ? ' checked' : ''}>
<label for="a${i}" style="display:inline;font-weight:600">${escapeText(a.name)}</label><div class="note">${escapeText(a.description.slice(0, 300))}</div></div>`).join('');
  return layout('Add a micro-credential', `
<h1>Add "earn this micro-credential" to the course</h1>
${data.achievements.length === 0 ? '<p class="problem" role="alert">The organisation has no micro-credentials yet: define one in microcred first.</p>' : `
<form method="post" action="${escapeText(data.basePath)}/lti/deep-link">
<input type="hidden" name="session" value="${escapeText(data.session)}">
<fieldset><legend>Micro-credentials</legend>${choices}</fieldset>
<button type="submit">Add to the course</button>
</form>`}`);
}

/** Deep Linking 2.0 §4.5: the response JWT posted to the platform by the browser. */
export function renderAutoPost(data: { action: string; fields: Record<string, string>; nonce: string }): string {
  const inputs = Object.entries(data.fields).map(([name, value]) => `<input type="hidden" name="${escapeText(name)}" value="${escapeText(value)}">`).join('');
  return layout('Returning to the course', `
<h1>Returning to the course…</h1>
<form id="back" method="post" action="${escapeText(data.action)}">${inputs}<noscript><button type="submit">Continue</button></noscript></form>`, data.nonce, 'document.getElementById("back").submit();');
}

export function renderRefusal(data: { title: string; message: string }): string {
  return layout(data.title, `<h1>${escapeText(data.title)}</h1><p class="problem" role="alert">${escapeText(data.message)}</p>
<p class="note">If this keeps happening, give this message to the LMS administrator: the microcred registration (Integrations → LTI 1.3) and the LMS's tool settings must agree.</p>`);
}
