/**
 * The public page of a shared credential or collection: server-rendered HTML that needs no script,
 * works on a phone, reads well in a screen reader, and previews well when the link is pasted
 * (OpenGraph and Twitter card meta). Everything shown comes from untrusted credentials, so every
 * value is escaped and images are limited to https: and data:image URLs.
 */
import type { CertifiedFact, TechnicalFact } from '../vc/certifies.ts';
import { badgeSvg } from './badge.ts';
import { longDate } from './format.ts';

export type CheckOutcome = 'passed' | 'failed' | 'warning' | 'skipped';

/** The verdict of a live verification, in words. */
export type Verdict = 'verified' | 'revoked' | 'suspended' | 'expired' | 'invalid' | 'unknown';

export interface PageCredential {
  name: string;
  description?: string;
  /** The badge image; a drawn badge stands in when there is none (or none that may be shown). */
  image?: string;
  issuerName?: string;
  /** What the credential certifies, in plain words (src/vc/certifies.ts): the same facts as the wallet and the PDF. */
  certifies: CertifiedFact[];
  /** Identifiers, proof suites, keys, media types: shown under "Technical details". */
  technical: TechnicalFact[];
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
  /** An https image for link previews (og:image), when the page's own image is inlined. */
  previewImage?: string;
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
h4{font-size:.95rem;margin:.75rem 0 .25rem}
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
.claimed{color:var(--muted);font-style:italic}
dl.certifies dd ul{margin:0;padding-left:1.1rem}
details.technical{margin:1rem 0 0;border-top:1px solid var(--line);padding-top:.5rem}details.technical summary{cursor:pointer;padding:.65rem 0;color:var(--accent)}details.technical code{font-size:.875rem;overflow-wrap:anywhere}.claims-note{border-left:4px solid var(--bad);padding:.25rem .75rem;margin:.5rem 0}
footer{color:var(--muted);font-size:.875rem;padding:1rem;text-align:center}
@media (max-width:30rem){.top{flex-direction:column}dl{grid-template-columns:1fr}dt{font-weight:600}}
`;

/** Facts a link preview names after the verdict: the few a reader of a preview card looks for. */
const PREVIEW_FACTS = ['grade', 'workload', 'eqfLevel', 'awardingBody', 'assessmentType', 'participationForm', 'qualityAssurance'];
const MAX_PREVIEW = 300;

function factText(fact: CertifiedFact): string {
  return fact.values.map((v) => (v.date ? longDate(v.text) : v.text)).join(fact.key === 'activity' ? ' to ' : ', ');
}

/** og:description: the verdict, then the main facts in words ("Notional workload: 5 ECTS credits."), clipped. */
function previewText(page: PublicPage): string {
  const credential = page.credentials.length === 1 && !page.collection ? page.credentials[0]! : undefined;
  // Only a credential verified just now has its facts previewed: a revoked one's card says so alone.
  if (!credential || credential.claimed || credential.verdict !== 'verified') return page.summary;
  // In order of what a reader looks for first; a fact that would not fit whole is left out.
  let text = page.summary.length > MAX_PREVIEW ? `${page.summary.slice(0, MAX_PREVIEW - 1)}…` : page.summary;
  for (const key of PREVIEW_FACTS) {
    const fact = credential.certifies.find((f) => f.key === key);
    const sentence = fact ? ` ${fact.label}: ${factText(fact)}.` : '';
    if (sentence && text.length + sentence.length <= MAX_PREVIEW) text += sentence;
  }
  return text;
}

/**
 * schema.org JSON-LD of a single credential verified just now (EducationalOccupationalCredential), every
 * fact it certifies as a PropertyValue. None for a revoked, expired or forged one: machines would read
 * it as a valid credential. `<` and `>` are escaped so the text cannot close the script element.
 */
function structuredData(page: PublicPage, image: string | undefined): string {
  const credential = page.credentials.length === 1 && !page.collection ? page.credentials[0]! : undefined;
  if (!credential || credential.claimed || credential.verdict !== 'verified') return '';
  const fact = (key: string) => credential.certifies.find((f) => f.key === key);
  const issuer = fact('awardingBody');
  const skills = fact('skills');
  const data: Record<string, unknown> = {
    '@context': 'https://schema.org',
    '@type': 'EducationalOccupationalCredential',
    name: credential.name,
    ...(credential.description ? { description: credential.description } : {}),
    url: page.url,
    ...(image && image.startsWith('https:') ? { image } : {}),
    credentialCategory: fact('achievementType') ? factText(fact('achievementType')!) : 'Credential',
    ...(issuer ? { recognizedBy: { '@type': 'Organization', name: issuer.values[0]!.text, ...(issuer.values[0]!.href ? { url: issuer.values[0]!.href } : {}) } } : {}),
    ...(fact('eqfLevel') ? { educationalLevel: factText(fact('eqfLevel')!) } : {}),
    ...(fact('dateOfIssuing') ? { dateCreated: fact('dateOfIssuing')!.values[0]!.text } : {}),
    ...(fact('validUntil') ? { expires: fact('validUntil')!.values[0]!.text } : {}),
    ...(skills ? { competencyRequired: skills.values.map((v) => ({ '@type': 'DefinedTerm', name: v.text, ...(v.href ? { url: v.href } : {}) })) } : {}),
    additionalProperty: credential.certifies.map((f) => ({ '@type': 'PropertyValue', name: f.label, value: f.list ? f.values.map((v) => v.text) : factText(f) })),
  };
  const json = JSON.stringify(data).replace(/</g, '\\u003c').replace(/>/g, '\\u003e').replace(/&/g, '\\u0026');
  return `<script type="application/ld+json">${json}</script>\n`;
}

function head(page: PublicPage, image: string | undefined): string {
  const title = escapeHtml(page.title);
  const summary = escapeHtml(previewText(page));
  const url = escapeHtml(page.url);
  const preview = safeImage(page.previewImage) ?? image;
  const ogImage = preview && preview.startsWith('https:') ? escapeHtml(preview) : undefined;
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
${ogImage ? `<meta property="og:image" content="${ogImage}">\n<meta property="og:image:alt" content="${escapeHtml(`Badge of ${page.credentials[0]?.name ?? page.title}`)}">\n` : ''}<meta name="twitter:card" content="summary">
<meta name="twitter:title" content="${title}">
<meta name="twitter:description" content="${summary}">
${ogImage ? `<meta name="twitter:image" content="${ogImage}">\n` : ''}${structuredData(page, preview)}<style>${STYLE}</style>
</head>`;
}

function verdictClass(verdict: Verdict): string {
  if (verdict === 'verified') return 'verified';
  return verdict === 'unknown' ? 'unknown' : 'bad';
}

function factValue(value: CertifiedFact['values'][number], linked: boolean): string {
  if (value.date) return `<time datetime="${escapeHtml(value.text)}">${escapeHtml(longDate(value.text))}</time>`;
  const link = linked ? safeLink(value.href) : undefined;
  // rel=nofollow: the link is the credential's, not this site's recommendation.
  return link ? `<a href="${escapeHtml(link)}" rel="nofollow noopener">${escapeHtml(value.text)}</a>` : escapeHtml(value.text);
}

/** Claimed facts say so in their label: "Claimed awarding body". */
function factLabel(label: string, claimed: boolean): string {
  return claimed ? `Claimed ${label.charAt(0).toLowerCase()}${label.slice(1)}` : label;
}

function facts(credential: PageCredential): string {
  const claimed = credential.claimed === true;
  // A forged file's links would lend it the issuer's site: under a failed signature they are text only.
  const rows = credential.certifies.map((fact) => {
    const values = fact.list && fact.values.length > 1
      ? `<ul>${fact.values.map((v) => `<li>${factValue(v, !claimed)}</li>`).join('')}</ul>`
      : fact.values.map((v) => factValue(v, !claimed)).join(fact.key === 'activity' ? ' to ' : ', ');
    return `<dt>${escapeHtml(factLabel(fact.label, claimed))}</dt><dd data-fact="${escapeHtml(fact.key)}">${values}</dd>`;
  });
  if (rows.length === 0) return '';
  return `<dl class="certifies${claimed ? ' claimed" data-claimed="true' : ''}">${rows.join('')}</dl>`;
}

/** "9 checks: 7 passed, 2 not checked". */
function checkCounts(checks: PageCredential['checks']): string {
  const words: Record<CheckOutcome, string> = { passed: 'passed', failed: 'failed', warning: 'with a warning', skipped: 'not checked' };
  const parts = (['passed', 'failed', 'warning', 'skipped'] as const).flatMap((outcome) => {
    const n = checks.filter((c) => c.outcome === outcome).length;
    return n === 0 ? [] : [`${n} ${words[outcome]}`];
  });
  return parts.length > 0 ? `${checks.length} ${checks.length === 1 ? 'check' : 'checks'}: ${parts.join(', ')}` : 'nothing could be checked';
}

function technical(credential: PageCredential, id: string, heading: 'h3' | 'h4'): string {
  const rows = [...credential.technical, { label: 'Standard', value: credential.standard }];
  return `<details class="technical"><summary>Technical details</summary>
<${heading} id="${id}-every-check">Every check</${heading}>
<ul class="checks" aria-labelledby="${id}-every-check">${credential.checks.map((c) => `<li class="${c.outcome}"><span class="mark" aria-hidden="true">${OUTCOME_MARK[c.outcome]}</span><span><strong>${OUTCOME_LABEL[c.outcome]}:</strong> ${escapeHtml(c.message)}</span></li>`).join('')}</ul>
<${heading} id="${id}-identifiers">Identifiers and signature</${heading}>
<dl aria-labelledby="${id}-identifiers">${rows.map((r) => `<dt>${escapeHtml(r.label)}</dt><dd><code>${escapeHtml(r.value)}</code></dd>`).join('')}</dl></details>`;
}

/** The badge to show: the credential's own image when it may be shown, else one drawn from its name. */
function badgeOf(credential: PageCredential): string {
  return safeImage(credential.image)
    ?? `data:image/svg+xml;base64,${Buffer.from(badgeSvg({ name: credential.name, ...(credential.issuerName ? { issuerName: credential.issuerName } : {}) })).toString('base64')}`;
}

function credentialSection(credential: PageCredential, level: 1 | 2, id: string): string {
  const image = badgeOf(credential);
  const heading = level === 1 ? 'h1' : 'h2';
  const sub = level === 1 ? 'h2' : 'h3';
  const name = credential.href
    ? `<a href="${escapeHtml(credential.href)}">${escapeHtml(credential.name)}</a>`
    : escapeHtml(credential.name);
  const claimed = credential.claimed === true;
  const certifies = credential.certifies.length > 0
    ? `<${sub} id="${id}-certifies">${claimed ? 'What the file claims it certifies' : 'What it certifies'}</${sub}>\n${facts(credential)}`
    : '';
  // The checks' own words name DIDs, keys and proof suites: the list sits under Technical details,
  // and what was checked is summed up here in counts.
  const checks = `<${sub} id="${id}-checks">What was checked</${sub}>
<p class="muted">Checked <time datetime="${escapeHtml(credential.checkedAt)}">${escapeHtml(longDate(credential.checkedAt))}</time>, when this page was opened: ${escapeHtml(checkCounts(credential.checks))}. Every check is listed under Technical details.</p>`;
  const downloads = credential.downloads.length > 0
    ? `<${sub} id="${id}-downloads">Download</${sub}><ul class="actions" aria-labelledby="${id}-downloads">${credential.downloads.map((d) => `<li><a href="${escapeHtml(d.href)}" download>${escapeHtml(d.label)}</a></li>`).join('')}</ul>`
    : '';
  return `<article aria-labelledby="${id}-name">
<div class="top"><img class="badge" src="${escapeHtml(image)}" alt="Badge of ${escapeHtml(credential.name)}"><div>
<${heading} id="${id}-name"${claimed ? ' class="claimed"' : ''}>${claimed ? '<span class="muted">Claims to be: </span>' : ''}${name}</${heading}>
${credential.description ? `<p${claimed ? ' class="claimed"' : ''}>${claimed ? 'The file claims: ' : ''}${escapeHtml(credential.description)}</p>` : ''}
</div></div>
<p class="verdict ${verdictClass(credential.verdict)}" role="status"><span>${VERDICT_LABEL[credential.verdict]}.</span> ${escapeHtml(credential.sentence)}</p>
${claimed ? '<p class="claims-note" data-testid="claims-note">The file claims what follows, but its signature does not hold, so none of it is the issuer’s word.</p>' : ''}
${certifies}
${checks}
${downloads}
${technical(credential, id, level === 1 ? 'h3' : 'h4')}
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
