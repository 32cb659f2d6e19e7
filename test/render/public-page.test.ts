/**
 * The public share page as HTML: what a hostile credential cannot do to it (markup, script URLs,
 * remote images over http), the verdict and its sentence for each outcome, and — in Debian's
 * Chromium — no serious accessibility violation (axe) and no sideways scrolling on a phone.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderNotFoundPage, renderPublicPage, safeImage, type PageCredential, type PublicPage } from '../../src/render/public-page.ts';
import { verdictOf, verdictSentence } from '../../src/services/sharing/verdict.ts';
import { technicalDetails, whatItCertifies } from '../../src/vc/certifies.ts';
import { toDisplay } from '../../src/vc/display.ts';
import type { Check } from '../../src/vc/types.ts';
import { FULL_CODES, FULL_CREDENTIAL, FULL_FACTS } from '../support/full-credential.ts';
import { expectAccessible } from '../e2e/support/axe.ts';
import { browserSkipReason, launchBrowser } from '../e2e/support/browser.ts';
import { saveScreenshot } from '../e2e/support/screenshots.ts';

const PIXEL = 'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAAAAAA6fptVAAAACklEQVR4nGNgAAAAAgABSK+kcQAAAABJRU5ErkJggg==';

const passed = (check: string, message: string): Check => ({ check, outcome: 'passed', message });
const failed = (check: string, message: string): Check => ({ check, outcome: 'failed', message });

function credential(overrides: Partial<PageCredential> = {}): PageCredential {
  return {
    name: 'Data Literacy Essentials',
    description: 'Reading, cleaning and charting data sets with spreadsheets and Python.',
    image: PIXEL,
    issuerName: 'University of Testing',
    certifies: [
      { key: 'learner', label: 'Learner', values: [{ text: 'Ana López' }] },
      { key: 'awardingBody', label: 'Awarding body', values: [{ text: 'University of Testing', href: 'https://uni.example' }] },
      { key: 'dateOfIssuing', label: 'Date of issuing', values: [{ text: '2026-03-02T09:30:00.000Z', date: true }] },
      { key: 'validUntil', label: 'Valid until', values: [{ text: '2028-03-02T09:30:00.000Z', date: true }] },
      { key: 'learningOutcomes', label: 'Learning outcomes', values: [{ text: 'Clean a tabular data set' }, { text: 'Choose and draw a suitable chart' }], list: true },
      { key: 'workload', label: 'Notional workload', values: [{ text: '5 ECTS credits' }] },
      { key: 'eqfLevel', label: 'Level (EQF)', values: [{ text: 'EQF level 5' }] },
    ],
    technical: [{ label: 'Issuer id', value: 'did:web:uni.example' }],
    standard: 'Open Badges 3.0',
    verdict: 'verified',
    sentence: 'This credential is genuine: University of Testing issued it to Ana López on 2 March 2026, and every check passed just now.',
    checks: [
      { outcome: 'passed', message: 'The signature is valid.' },
      { outcome: 'passed', message: "The issuer's revocation list shows this credential as not revoked." },
      { outcome: 'skipped', message: 'No recipient was given to compare with the credential.' },
    ],
    checkedAt: '2026-03-04T10:00:00.000Z',
    downloads: [{ label: 'Credential (JSON)', href: '/s/t/credential.json' }, { label: 'Badge image (PNG)', href: '/s/t/credential.png' }],
    ...overrides,
  };
}

const single: PublicPage = {
  url: 'https://issuer.test/s/t', siteName: 'microcred', title: 'Data Literacy Essentials · University of Testing',
  summary: 'This credential is genuine.', credentials: [credential()], alternateJson: '/s/t/credential.json',
  qrSvg: '/s/t/qr.svg', certificatePdf: '/s/t/certificate.pdf', linkedIn: 'https://www.linkedin.com/profile/add?startTask=CERTIFICATION_NAME&name=x',
};

const collection: PublicPage = {
  url: 'https://issuer.test/s/c', siteName: 'microcred', title: 'My data skills', summary: '2 credentials, 1 verified just now.',
  collection: { name: 'My data skills', description: 'For employers', ownerName: 'Ana López' },
  credentials: [
    credential(),
    credential({
      name: 'Web Basics', verdict: 'revoked', sentence: 'Bootcamp Ltd has revoked this credential, so it is no longer valid.', downloads: [],
      checks: [{ outcome: 'failed', message: 'The issuer has revoked this credential.' }, { outcome: 'warning', message: 'Nothing published by the issuer confirms that the signing key is theirs.' }],
    }),
  ],
  qrSvg: '/s/c/qr.svg',
};

describe('public page HTML', () => {
  it('escapes everything a credential says and keeps only safe images and links', () => {
    const hostile = renderPublicPage({
      ...single,
      title: '</title><script>alert(1)</script>',
      credentials: [credential({
        name: '<img src=x onerror=alert(1)>', description: '"><script>alert(2)</script>', issuerName: "O'Brien & <b>Sons</b>", image: 'javascript:alert(4)',
        certifies: [
          { key: 'awardingBody', label: 'Awarding body', values: [{ text: "O'Brien & <b>Sons</b>", href: 'javascript:alert(3)' }] },
          { key: 'learningOutcomes', label: 'Learning outcomes', values: [{ text: '<iframe src="https://evil.example">' }, { text: '</script><script>alert(5)</script>' }], list: true },
        ],
        technical: [{ label: 'Issuer id', value: '<b>did</b>' }],
        checks: [{ outcome: 'failed', message: '<a href="https://evil.example">click</a>' }],
      })],
    });
    // The only script element is the JSON-LD data block, whose text cannot close it.
    expect(hostile.replace(/<script type="application\/ld\+json">[^<]*<\/script>/, '')).not.toMatch(/<script|<img src=x|<iframe|<a href="https:\/\/evil|javascript:/i);
    expect(hostile.match(/<\/script>/g)).toHaveLength(1);
    expect(hostile).toContain('&#60;img src=x onerror=alert(1)&#62;');
    expect(hostile).toContain('O&#39;Brien &#38; &#60;b&#62;Sons&#60;/b&#62;');
    expect(safeImage('http://insecure.example/badge.png')).toBeUndefined();
    expect(safeImage('data:text/html;base64,PHNjcmlwdD4=')).toBeUndefined();
    expect(safeImage('https://uni.example/badge.png')).toBe('https://uni.example/badge.png');
    expect(safeImage(PIXEL)).toBe(PIXEL);
  });

  it('carries OpenGraph and Twitter meta, the canonical URL and the JSON-LD alternate; previews use only an https image', () => {
    const html = renderPublicPage({ ...single, credentials: [credential({ image: 'https://uni.example/badge.png' })] });
    expect(html).toContain('<meta property="og:image" content="https://uni.example/badge.png">');
    expect(html).toContain('<meta name="twitter:image" content="https://uni.example/badge.png">');
    expect(html).toContain('<link rel="canonical" href="https://issuer.test/s/t">');
    expect(html).toContain('<link rel="alternate" type="application/ld+json" href="/s/t/credential.json">');
    expect(renderPublicPage(single)).not.toContain('og:image');
  });

  it('words the verdict from the checks: verified, revoked, suspended, expired, unknown status, invalid', () => {
    const base = [passed('structure', 'ok'), passed('proof', 'ok')];
    const facts = { name: 'X', issuerName: 'Uni', recipientName: 'Ana', issuedAt: '2026-03-02T00:00:00Z', validUntil: '2027-01-31T00:00:00Z' };
    expect(verdictOf({ verified: true, checks: base })).toBe('verified');
    expect(verdictOf({ verified: false, checks: [...base, failed('status', 'The issuer has revoked this credential.')] })).toBe('revoked');
    expect(verdictOf({ verified: false, checks: [...base, failed('status', 'The issuer has suspended this credential for now.')] })).toBe('suspended');
    expect(verdictOf({ verified: false, checks: [...base, failed('validity', 'The credential expired on 2027-01-31T00:00:00.000Z.')] })).toBe('expired');
    expect(verdictOf({ verified: false, checks: [failed('proof', 'The signature does not match the content.'), failed('validity', 'The credential expired on …')] })).toBe('invalid');
    expect(verdictOf({ verified: true, checks: [...base, { check: 'status', outcome: 'warning', message: "The issuer's status list could not be read, so whether this credential has been revoked is unknown." }] })).toBe('unknown');
    expect(verdictSentence('verified', facts, base)).toBe('This credential is genuine: Uni issued it to Ana on 2 March 2026, and every check passed just now.');
    expect(verdictSentence('expired', facts, base)).toBe('This credential expired on 31 January 2027.');
    expect(verdictSentence('revoked', { name: 'X' }, base)).toBe('The issuer has revoked this credential, so it is no longer valid.');
    expect(verdictSentence('invalid', facts, [failed('proof', 'The signature does not match the content.')])).toBe('This credential could not be verified: the signature does not match the content.');
  });

  it('a forged file whose status list says revoked is "invalid", not "revoked": its entries are not the issuer\'s', () => {
    const forged = [passed('structure', 'ok'), failed('proof', 'The signature does not match the content.'), failed('status', 'The issuer has revoked this credential.')];
    expect(verdictOf({ verified: false, checks: forged })).toBe('invalid');
    expect(verdictSentence('invalid', { name: 'X' }, [failed('structure', 'x'), ...forged.slice(1)] as Check[])).toMatch(/signature does not match/);
  });

  it('under a failed signature the values are the file\'s claims: labelled Claimed…, greyed, the issuer unlinked', () => {
    const html = renderPublicPage({ ...single, credentials: [credential({ verdict: 'invalid', claimed: true, sentence: 'This credential could not be verified: the signature does not match.' })] });
    expect(html).toContain('<dt>Claimed notional workload</dt><dd data-fact="workload">5 ECTS credits</dd>');
    expect(html).not.toContain('<dt>Notional workload</dt>');
    expect(html).toContain('<dl class="certifies claimed" data-claimed="true">');
    expect(html).toContain('data-testid="claims-note"');
    expect(html).toContain('Claims to be: ');
    expect(html).toContain('<dt>Claimed learning outcomes</dt>');
    expect(html).toContain('What the file claims it certifies');
    expect(html).not.toContain('href="https://uni.example"');
    // Neither the preview nor the JSON-LD states a forged file's claims.
    expect(html).not.toContain('application/ld+json">{');
    expect(html).not.toMatch(/og:description" content="[^"]*Notional workload/);
    const genuine = renderPublicPage(single);
    expect(genuine).toContain('<dt>Notional workload</dt>');
    expect(genuine).not.toContain('data-testid="claims-note"');
  });
});

/** The page of FULL_CREDENTIAL, its facts from the one view model. */
function fullPage(): PublicPage {
  const display = toDisplay(FULL_CREDENTIAL);
  return {
    ...single,
    credentials: [credential({
      image: undefined,
      certifies: whatItCertifies(display),
      technical: technicalDetails(display, FULL_CREDENTIAL, { mediaType: 'application/json', format: 'ldp' }),
    })],
    previewImage: 'https://uni.example/badge.png',
  };
}

function sparsePage(): PublicPage {
  const sparse = { '@context': ['https://www.w3.org/ns/credentials/v2'], type: ['VerifiableCredential'], issuer: 'did:key:z6Mk', validFrom: '2026-01-01T00:00:00Z', credentialSubject: { achievement: { name: 'Bare' } } };
  const display = toDisplay(sparse);
  return { ...single, credentials: [credential({ name: 'Bare', description: undefined, image: undefined, issuerName: undefined, certifies: whatItCertifies(display), technical: technicalDetails(display, sparse) })] };
}

/** The text a reader sees, technical details left out: tags dropped, entities decoded. */
function visibleText(html: string): string {
  return html.replace(/<head>[\s\S]*<\/head>/, '').replace(/<details class="technical">[\s\S]*?<\/details>/g, '').replace(/<[^>]+>/g, ' ')
    .replace(/&#(\d+);/g, (_, code: string) => String.fromCharCode(Number(code))).replace(/\s+/g, ' ');
}

describe('public page: what the credential certifies', () => {
  it('shows every element of a full micro-credential with its label, never a code; technical facts only under Technical details', () => {
    const html = renderPublicPage(fullPage());
    const seen = visibleText(html);
    for (const [label, words] of FULL_FACTS) {
      expect(html, label).toContain(`<dt>${label.replace(/&/g, '&#38;')}</dt>`);
      for (const word of words) expect(seen, `${label}: ${word}`).toContain(word);
    }
    for (const code of FULL_CODES) expect(seen, code).not.toContain(code);
    for (const technicalOnly of ['did:web:uni.example', 'eddsa-rdfc-2022', 'urn:uuid:0b7c7c55', 'Open Badges 3.0']) expect(seen).not.toContain(technicalOnly);
    const technical = /<details class="technical">([\s\S]*?)<\/details>/.exec(html)![1]!;
    expect(technical).toContain('<summary>Technical details</summary>');
    // The checks' own words (keys, DIDs) are listed there; the page sums them up in counts.
    expect(technical).toContain('<ul class="checks"');
    expect(seen).toContain('3 checks: 2 passed, 1 not checked');
    for (const expected of ['did:web:uni.example', 'eddsa-rdfc-2022', 'did:web:uni.example#key-1', 'application/json', 'Open Badges 3.0']) expect(technical).toContain(expected);
    // The badge: the credential carries no https image, so one is drawn from its name.
    expect(html).toMatch(/<img class="badge" src="data:image\/svg\+xml;base64,[A-Za-z0-9+/=]+" alt="Badge of Data Literacy Essentials">/);
  });

  it('states the main facts in its Open Graph description and every fact in its schema.org JSON-LD', () => {
    const html = renderPublicPage(fullPage());
    const og = /<meta property="og:description" content="([^"]*)">/.exec(html)![1]!.replace(/&#(\d+);/g, (_, c: string) => String.fromCharCode(Number(c)));
    for (const expected of ['This credential is genuine.', 'Awarding body: Université Exemple.', 'Notional workload: 5 ECTS credits.', 'Level (EQF): EQF level 5.', 'Type of assessment: Project, Online examination.']) {
      expect(og).toContain(expected);
    }
    expect(og.length).toBeLessThanOrEqual(300);
    expect(html).toContain('<meta property="og:image" content="https://uni.example/badge.png">');
    const blocks = [...html.matchAll(/<script type="application\/ld\+json">([^<]*)<\/script>/g)];
    expect(blocks).toHaveLength(1);
    const data = JSON.parse(blocks[0]![1]!) as { '@type': string; name: string; recognizedBy: { name: string; url: string }; educationalLevel: string; credentialCategory: string; competencyRequired: { name: string }[]; additionalProperty: { name: string; value: string | string[] }[] };
    expect(data['@type']).toBe('EducationalOccupationalCredential');
    expect(data.name).toBe('Data Literacy Essentials');
    expect(data.recognizedBy).toEqual({ '@type': 'Organization', name: 'Université Exemple', url: 'https://uni.example' });
    expect(data.educationalLevel).toBe('EQF level 5');
    expect(data.credentialCategory).toBe('Micro-credential');
    expect(data.competencyRequired.map((c) => c.name)).toEqual(['Python (computer programming)']);
    for (const [label, words] of FULL_FACTS) {
      const property = data.additionalProperty.find((p) => p.name === label);
      expect(property, label).toBeDefined();
      for (const word of words) expect(JSON.stringify(property!.value), `${label}: ${word}`).toContain(word);
    }
    for (const code of FULL_CODES) expect(JSON.stringify(data.additionalProperty)).not.toContain(code);
  });

  it('a credential with few elements shows no empty label', () => {
    const html = renderPublicPage(sparsePage());
    expect(html).not.toMatch(/<dd[^>]*>\s*<\/dd>/);
    expect(html).not.toMatch(/<dt>(Learner|Awarding body|Learning outcomes|Type of assessment|Grade achieved)<\/dt>/);
    expect(html).toContain('<dt>Date of issuing</dt>');
  });
});

const skip = browserSkipReason();

describe.skipIf(skip !== undefined)('public page in Chromium', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchBrowser();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
  });

  const pages: [string, string][] = [
    ['public-page-credential', renderPublicPage(single)],
    ['public-page-collection', renderPublicPage(collection)],
    ['public-page-not-found', renderNotFoundPage('microcred')],
    ['public-page-long-words', renderPublicPage({ ...single, credentials: [credential({ name: 'Supercalifragilistic'.repeat(8), issuerName: 'x'.repeat(120), certifies: [{ key: 'learningOutcomes', label: 'Learning outcomes', values: [{ text: 'y'.repeat(300) }, { text: 'z'.repeat(300) }], list: true }], technical: [{ label: 'Issuer id', value: `did:web:${'w'.repeat(300)}` }] })] })],
    ['public-page-every-element', renderPublicPage(fullPage())],
    ['public-page-few-elements', renderPublicPage(sparsePage())],
  ];

  for (const [name, html] of pages) {
    it(`${name}: no serious accessibility violation, and no sideways scrolling on a phone`, async () => {
      const context = await browser.newContext({ viewport: { width: 360, height: 740 }, deviceScaleFactor: 1, isMobile: true, hasTouch: true, javaScriptEnabled: true, offline: true });
      try {
        const page = await context.newPage();
        await page.setContent(html, { waitUntil: 'load' });
        await expectAccessible(page, name);
        const widths = await page.evaluate(() => {
          const root = (globalThis as unknown as { document: { documentElement: { scrollWidth: number; clientWidth: number } } }).document.documentElement;
          return { scroll: root.scrollWidth, client: root.clientWidth };
        });
        expect(widths.scroll, JSON.stringify(widths)).toBeLessThanOrEqual(widths.client);
        if (!name.includes('long')) await saveScreenshot(page, `${name}-phone`);
      } finally {
        await context.close();
      }
    }, 60_000);
  }
});
