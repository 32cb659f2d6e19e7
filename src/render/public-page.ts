/**
 * The public page of a shared credential or collection: server-rendered HTML that needs no script,
 * works on a phone, reads well in a screen reader, and previews well when the link is pasted
 * (OpenGraph and Twitter card meta). Everything shown comes from untrusted credentials, so every
 * value is escaped and images are limited to https: and data:image URLs.
 */
import { creditsText, longDate } from './format.ts';

export type CheckOutcome = 'passed' | 'failed' | 'warning' | 'skipped';

/** The verdict of a live verification, in words. */
export type Verdict = 'verified' | 'revoked' | 'suspended' | 'expired' | 'invalid' | 'unknown';

export interface PageCredential {
  name: string;
  description?: string;
  image?: string;
  issuerName?: string;
  issuerUrl?: string;
  recipientName?: string;
  issuedAt?: string;
  validUntil?: string;
  ects?: number;
  eqfLevel?: number;
  field?: string;
  outcomes: string[];
  standard: string;
  verdict: Verdict;
  /**
   * True when the signature (or the key that made it) failed: nothing on the page is then the
   * issuer's word, so name, issuer, dates, credits, level and outcomes are shown as the file's claims.
   */
  claimed?: boolean;
  /** One sentence: the outcome of the check just made. */
  sentence: string;
  checks: { outcome: CheckOutcome; message: string }[];
  checkedAt: string;
  /** Downloads offered on the page (label → URL path). */
  downloads: { label: string; href: string }[];
  /** A link to the credential's own share page (collection pages). */
  href?: string;
}

export interface PublicPage {
  /** The page's own absolute URL (canonical, og:url). */
  url: string;
  siteName: string;
  title: string;
  /** One line for previews: og:description. */
  summary: string;
  /** For a collection: its name and description above the list. */
  collection?: { name: string; description?: string; ownerName?: string };
  credentials: PageCredential[];
  /** The credential as JSON-LD (rel=alternate), for machines and for "import from a share link". */
  alternateJson?: string;
  /** The credential as its VC-JWT (rel=alternate), when it was issued as one: the signed form. */
  alternateJwt?: string;
  /** Link shown under the QR code. */
  qrSvg?: string;
  certificatePdf?: string;
  linkedIn?: string;
}

const VERDICT_LABEL: Record<Verdict, string> = {
  verified: 'Verified',
  revoked: 'Revoked',
  suspended: 'Suspended',
  expired: 'Expired',
  invalid: 'Not valid',
  unknown: 'Could not be fully checked',
};

const OUTCOME_LABEL: Record<CheckOutcome, string> = { passed: 'Passed', failed: 'Failed', warning: 'Warning', skipped: 'Not checked' };
const OUTCOME_MARK: Record<CheckOutcome, string> = { passed: '✓', failed: '✗', warning: '!', skipped: '–' };

/** The Content-Security-Policy the page is served with: no script at all, styles inline only. */
export const PUBLIC_PAGE_CSP = "default-src 'none'; img-src 'self' https: data:; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** An image URL we are willing to put in the page: https, or an inline raster/SVG image. */
export function safeImage(url: string | undefined): string | undefined {
  if (!url) return undefined;
  if (/^https:\/\/[^\s"'<>]+$/i.test(url) && url.length <= 2048) return url;
  if (/^data:image\/(png|jpeg|gif|webp|svg\+xml)(;[a-z0-9=.+-]+)*;base64,[A-Za-z0-9+/=]+$/i.test(url) && url.length <= 2_000_000) return url;
  return undefined;
}

function safeLink(url: string | undefined): string | undefined {
  return url && /^https?:\/\/[^\s"'<>]+$/i.test(url) && url.length <= 2048 ? url : undefined;
}

const STYLE = `
:root{color-scheme:light;--ink:#1a1f29;--muted:#545b66;--line:#d6dae0;--ok:#146c2e;--bad:#a4161a;--warn:#8a5300;--accent:#12549e}
*{box-sizing:border-box}
body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--ink);background:#f5f6f8;overflow-wrap:anywhere}
main{max-width:46rem;margin:0 auto;padding:1rem}
a{color:var(--accent)}
.skip{position:absolute;left:-999px}.skip:focus{left:1rem;top:1rem;background:#fff;padding:.5rem}
header.site{padding:.75rem 1rem;border-bottom:1px solid var(--line);background:#fff}
header.site p{margin:0;font-weight:600}
article{background:#fff;border:1px solid var(--line);border-radius:.5rem;padding:1rem;margin:1rem 0}
.top{display:flex;gap:1rem;align-items:flex-start}
.top img{width:96px;height:96px;object-fit:contain;flex:none}
.top>div,ul.checks li>span{min-width:0}
h1{font-size:1.5rem;line-height:1.25;margin:.25rem 0}
h2{font-size:1.25rem;margin:.25rem 0}
h3{font-size:1rem;margin:1rem 0 .25rem}
.verdict{border-radius:.5rem;padding:.75rem 1rem;margin:.75rem 0;font-weight:600;border:2px solid}
.verdict.verified{border-color:var(--ok);color:var(--ok);background:#eaf6ee}
.verdict.bad{border-color:var(--bad);color:var(--bad);background:#fbeaea}
.verdict.unknown{border-color:var(--warn);color:var(--warn);background:#fdf3e6}
dl{display:grid;grid-template-columns:max-content 1fr;gap:.25rem 1rem;margin:.5rem 0}
dt{color:var(--muted)}dd{margin:0;overflow-wrap:anywhere}
ul.checks{list-style:none;padding:0;margin:0}
ul.checks li{display:flex;gap:.5rem;padding:.4rem 0;border-top:1px solid var(--line)}ul.checks li>span{min-width:0;overflow-wrap:anywhere}
.mark{flex:none;width:1.5rem;text-align:center;font-weight:700}
.passed .mark{color:var(--ok)}.failed .mark{color:var(--bad)}.warning .mark{color:var(--warn)}.skipped .mark{color:var(--muted)}
.actions{display:flex;flex-wrap:wrap;gap:.5rem;margin:.75rem 0 0;padding:0;list-style:none}
.actions a{display:inline-block;padding:.5rem .75rem;border:1px solid var(--line);border-radius:.4rem;text-decoration:none;min-height:44px}
.qr{display:flex;gap:1rem;align-items:center;flex-wrap:wrap}.qr img{width:160px;height:160px}
.muted{color:var(--muted)}
.claimed{color:var(--muted);font-style:italic}.claims-note{border-left:4px solid var(--bad);padding:.25rem .75rem;margin:.5rem 0}
footer{color:var(--muted);font-size:.875rem;padding:1rem;text-align:center}
@media (max-width:30rem){.top{flex-direction:column}dl{grid-template-columns:1fr}dt{font-weight:600}}
`;

function head(page: PublicPage, image: string | undefined): string {
  const title = escapeHtml(page.title);
  const summary = escapeHtml(page.summary);
  const url = escapeHtml(page.url);
  const ogImage = image && image.startsWith('https:') ? escapeHtml(image) : undefined;
  return `<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title>
<meta name="description" content="${summary}">
<meta name="robots" content="noindex">
<meta name="referrer" content="no-referrer">
<link rel="canonical" href="${url}">
${page.alternateJson ? `<link rel="alternate" type="application/ld+json" href="${escapeHtml(page.alternateJson)}">\n` : ''}${page.alternateJwt ? `<link rel="alternate" type="application/vc+jwt" href="${escapeHtml(page.alternateJwt)}">\n` : ''}<meta property="og:type" content="website">
<meta property="og:site_name" content="${escapeHtml(page.siteName)}">
<meta property="og:title" content="${title}">
<meta property="og:description" content="${summary}">
<meta property="og:url" content="${url}">
${ogImage ? `<meta property="og:image" content="${ogImage}">\n` : ''}<meta name="twitter:card" content="summary">
<meta name="twitter:title" content="${title}">
<meta name="twitter:description" content="${summary}">
${ogImage ? `<meta name="twitter:image" content="${ogImage}">\n` : ''}<style>${STYLE}</style>
</head>`;
}

function verdictClass(verdict: Verdict): string {
  if (verdict === 'verified') return 'verified';
  return verdict === 'unknown' ? 'unknown' : 'bad';
}

function facts(credential: PageCredential): string {
  const claimed = credential.claimed === true;
  // Under a failed signature every value is the file's claim, and says so in its label.
  const label = (fact: string, claim: string) => (claimed ? claim : fact);
  const rows: [string, string][] = [];
  if (credential.recipientName) rows.push([label('Awarded to', 'Claimed recipient'), escapeHtml(credential.recipientName)]);
  if (credential.issuerName) {
    const link = safeLink(credential.issuerUrl);
    // A forged file's issuer link would lend it the issuer's site: shown as text only.
    rows.push([label('Issued by', 'Claimed issuer'), link && !claimed ? `<a href="${escapeHtml(link)}" rel="nofollow noopener">${escapeHtml(credential.issuerName)}</a>` : escapeHtml(credential.issuerName)]);
  }
  if (credential.issuedAt) rows.push([label('Issued on', 'Claimed issue date'), `<time datetime="${escapeHtml(credential.issuedAt)}">${escapeHtml(longDate(credential.issuedAt))}</time>`]);
  if (credential.validUntil) rows.push([label('Valid until', 'Claimed valid until'), `<time datetime="${escapeHtml(credential.validUntil)}">${escapeHtml(longDate(credential.validUntil))}</time>`]);
  if (credential.ects !== undefined) rows.push([label('Credits', 'Claimed credits'), escapeHtml(creditsText(credential.ects))]);
  if (credential.eqfLevel !== undefined) rows.push([label('Level', 'Claimed level'), `EQF level ${credential.eqfLevel}`]);
  if (credential.field) rows.push([label('Field', 'Claimed field'), escapeHtml(credential.field)]);
  rows.push(['Standard', escapeHtml(credential.standard)]);
  return `<dl${claimed ? ' class="claimed" data-claimed="true"' : ''}>${rows.map(([name, value]) => `<dt>${name}</dt><dd>${value}</dd>`).join('')}</dl>`;
}

function credentialSection(credential: PageCredential, level: 1 | 2, id: string): string {
  const image = safeImage(credential.image);
  const heading = level === 1 ? 'h1' : 'h2';
  const sub = level === 1 ? 'h2' : 'h3';
  const name = credential.href
    ? `<a href="${escapeHtml(credential.href)}">${escapeHtml(credential.name)}</a>`
    : escapeHtml(credential.name);
  const claimed = credential.claimed === true;
  const outcomes = credential.outcomes.length > 0
    ? `<${sub} id="${id}-outcomes">${claimed ? 'Claimed learning outcomes' : 'Learning outcomes'}</${sub}><ul aria-labelledby="${id}-outcomes"${claimed ? ' class="claimed"' : ''}>${credential.outcomes.map((o) => `<li>${escapeHtml(o)}</li>`).join('')}</ul>`
    : '';
  const checks = `<${sub} id="${id}-checks">What was checked</${sub}>
<p class="muted">Checked <time datetime="${escapeHtml(credential.checkedAt)}">${escapeHtml(longDate(credential.checkedAt))}</time>, when this page was opened.</p>
<ul class="checks" aria-labelledby="${id}-checks">${credential.checks.map((c) => `<li class="${c.outcome}"><span class="mark" aria-hidden="true">${OUTCOME_MARK[c.outcome]}</span><span><strong>${OUTCOME_LABEL[c.outcome]}:</strong> ${escapeHtml(c.message)}</span></li>`).join('')}</ul>`;
  const downloads = credential.downloads.length > 0
    ? `<${sub} id="${id}-downloads">Download</${sub}><ul class="actions" aria-labelledby="${id}-downloads">${credential.downloads.map((d) => `<li><a href="${escapeHtml(d.href)}" download>${escapeHtml(d.label)}</a></li>`).join('')}</ul>`
    : '';
  return `<article aria-labelledby="${id}-name">
<div class="top">${image ? `<img src="${escapeHtml(image)}" alt="">` : ''}<div>
<${heading} id="${id}-name"${claimed ? ' class="claimed"' : ''}>${claimed ? '<span class="muted">Claims to be: </span>' : ''}${name}</${heading}>
${credential.description ? `<p${claimed ? ' class="claimed"' : ''}>${claimed ? 'The file claims: ' : ''}${escapeHtml(credential.description)}</p>` : ''}
</div></div>
<p class="verdict ${verdictClass(credential.verdict)}" role="status"><span>${VERDICT_LABEL[credential.verdict]}.</span> ${escapeHtml(credential.sentence)}</p>
${claimed ? '<p class="claims-note" data-testid="claims-note">The file claims what follows, but its signature does not hold, so none of it is the issuer’s word.</p>' : ''}
${facts(credential)}
${outcomes}
${checks}
${downloads}
</article>`;
}

/**
 * Renders the public page. Pure: the same input gives the same HTML (benchmarks time this).
 *
 * @example
 *   const html = renderPublicPage({ url, siteName: 'microcred', title, summary, credentials: [view] });
 */
export function renderPublicPage(page: PublicPage): string {
  const single = !page.collection && page.credentials.length === 1;
  const image = page.credentials.length === 1 ? safeImage(page.credentials[0]!.image) : undefined;
  let body: string;
  if (single) {
    body = credentialSection(page.credentials[0]!, 1, 'c0');
  } else {
    const collection = page.collection ?? { name: page.title };
    const verified = page.credentials.filter((c) => c.verdict === 'verified').length;
    body = `<h1>${escapeHtml(collection.name)}</h1>
${collection.ownerName ? `<p class="muted">Shared by ${escapeHtml(collection.ownerName)}</p>` : ''}
${collection.description ? `<p>${escapeHtml(collection.description)}</p>` : ''}
<p role="status">${page.credentials.length === 0 ? 'This collection is empty.' : `${verified} of ${page.credentials.length} credential${page.credentials.length === 1 ? '' : 's'} verified just now.`}</p>
${page.credentials.map((credential, index) => credentialSection(credential, 2, `c${index}`)).join('\n')}`;
  }
  const extras: string[] = [];
  if (page.qrSvg) {
    extras.push(`<section aria-labelledby="share-title"><h2 id="share-title">Share or print</h2>
<div class="qr"><img src="${escapeHtml(page.qrSvg)}" alt="QR code that opens this page"><ul class="actions">
${page.certificatePdf ? `<li><a href="${escapeHtml(page.certificatePdf)}">Printable certificate (PDF)</a></li>` : ''}
${page.linkedIn ? `<li><a href="${escapeHtml(page.linkedIn)}" rel="noopener">Add to LinkedIn profile</a></li>` : ''}
</ul></div></section>`);
  }
  return `<!doctype html>
<html lang="en">
${head(page, image)}
<body>
<a class="skip" href="#content">Skip to content</a>
<header class="site"><p>${escapeHtml(page.siteName)} · credential verification</p></header>
<main id="content">
${body}
${extras.join('\n')}
</main>
<footer><p>This page checks the credential's signature and status with its issuer each time it is opened.</p></footer>
</body>
</html>
`;
}

/** The one page for an unknown, revoked or expired link: the same words for all, so nothing is revealed. */
export function renderNotFoundPage(siteName: string): string {
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><meta name="robots" content="noindex"><title>Link not available</title><style>${STYLE}</style></head>
<body>
<header class="site"><p>${escapeHtml(siteName)} · credential verification</p></header>
<main id="content"><h1>This link is not available</h1>
<p>The link may be mistyped, or the person who shared it may have withdrawn it or let it expire. Ask them for a new link.</p></main>
</body>
</html>
`;
}
