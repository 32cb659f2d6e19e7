/**
 * Issue 14 §1 end to end in Debian's Chromium against the real server: an organisation defines a
 * micro-credential with every EU element (and an uploaded badge, a logo and the issuer's country),
 * issues it with a grade, credits earned and evidence; the learner claims it. The wallet screen, the
 * public share page (its HTML, Open Graph description and schema.org JSON-LD) and the PDF certificate
 * (pdftotext, pdfimages) each state every fact under its label and no EU code; technical facts sit
 * under "Technical details"; axe finds nothing serious on desktop or phone. A sparse credential (a
 * plain badge) shows no empty label.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { APIRequestContext, Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { badgePng } from '../../src/render/badge.ts';
import { encodeGreyPng } from '../../src/render/png.ts';
import { POPPLER, requireTools } from '../support/tools.ts';
import { expectAccessible } from './support/axe.ts';
import { browserSkipReason, launchBrowser } from './support/browser.ts';
import { buildWebApart, expectNoSidewaysScroll, PHONE } from './support/learner.ts';
import { saveScreenshot, screenshotIfFailed } from './support/screenshots.ts';
import { startTestServer, type TestServer } from './support/server.ts';

const skipReason = browserSkipReason() ?? requireTools('test/e2e/certifies.test.ts (PDF certificate)', POPPLER);

const LEARNER = { email: 'lea.martin@example.org', name: 'Léa Martin', password: 'a long learner passphrase' };
const NAME = 'Data Literacy Essentials';
const LOGO = encodeGreyPng({ width: 60, height: 24, pixels: new Uint8Array(60 * 24).fill(90) });
const STACKS_TOWARDS = 'https://uni.example/achievements/data-science-certificate';

const ACHIEVEMENT = {
  name: NAME,
  description: 'Reading, cleaning and charting data sets with spreadsheets and Python.',
  criteria: 'Pass the final project and the online exam.',
  achievementType: 'MicroCredential',
  validityPeriod: 'P3Y',
  eu: {
    creditsAvailable: 5,
    eqfLevel: 5,
    learningOutcome: ['Clean a tabular data set', 'Choose and draw a suitable chart'],
    assessmentType: ['project', 'online-exam'],
    participationForm: 'blended',
    qualityAssurance: ['internal', 'accredited-programme'],
    prerequisites: 'Secondary school mathematics.',
    supervision: 'supervised-online-id',
    integration: 'stackable',
    stackableTowards: [STACKS_TOWARDS],
    furtherInformation: 'Taught in English and French.',
  },
  alignments: [{ targetUrl: 'http://data.europa.eu/esco/skill/ccd0a1d9-afda-43d9-b901-96344886e14d', targetName: 'Python (computer programming)', targetFramework: 'ESCO' }],
  resultDescriptions: [{ name: 'Final grade', resultType: 'LetterGrade', allowedValue: ['A', 'B', 'C', 'D', 'E', 'F'] }],
};

/** Every label the three screens show for the issued credential, with words its value must contain. */
const FACTS: [string, string[]][] = [
  ['Learner', ['Léa Martin']],
  ['Awarding body', ['Université Exemple']],
  ['Country of the issuer', ['France']],
  ['Date of issuing', []],
  ['Valid until', []],
  ['Type of credential', ['Micro-credential']],
  ['Learning outcomes', ['Clean a tabular data set', 'Choose and draw a suitable chart']],
  ['Skills', ['Python (computer programming)']],
  ['Notional workload', ['5 ECTS credits']],
  ['Credits earned', ['4.5 ECTS credits']],
  ['Level (EQF)', ['EQF level 5']],
  ['Type of assessment', ['Project', 'Online examination']],
  ['Form of participation', ['Blended (hybrid)']],
  ['Type of quality assurance', ['Internal quality assurance of the provider', 'Accredited programme']],
  ['Prerequisites', ['Secondary school mathematics.']],
  ['Supervision and identity verification', ['Supervised, with online identity verification']],
  ['Grade achieved', ['B']],
  ['Integration and stackability', ['Integrated or stackable towards another credential']],
  ['Stacks towards', [STACKS_TOWARDS]],
  ['Criteria', ['Pass the final project and the online exam.']],
  ['Evidence', ['Final project report: A cleaned open data set with four charts.']],
  ['Further information', ['Taught in English and French.']],
];
const CODES = ['online-exam', 'supervised-online-id', 'accredited-programme', 'MicroCredential', 'LetterGrade', 'blended'];
const TECHNICAL_ONLY = ['did:web:', 'did:key:', 'eddsa-', 'urn:uuid:', 'application/'];

async function json<T>(response: { ok(): boolean; status(): number; text(): Promise<string> }, what: string): Promise<T> {
  const text = await response.text();
  if (!response.ok()) throw new Error(`${what} answered ${response.status()}: ${text}`);
  return JSON.parse(text) as T;
}

/** The issuer's side through the API: setup, issuer country and logo, the two achievements, issuing. */
async function issueBoth(request: APIRequestContext): Promise<{ claimLink(achievement: string): Promise<string> }> {
  const setup = await json<{ csrfToken: string; organisationId: string; issuerId: string }>(
    await request.post('/api/v1/setup', { data: { organisationName: 'Université Exemple', name: 'Rita Registrar', email: 'registrar@uni.example', password: 'correct horse battery staple' } }),
    'setup',
  );
  const headers = { 'x-csrf-token': setup.csrfToken };
  await json(await request.patch(`/api/v1/issuers/${setup.issuerId}`, { headers, data: { country: 'FR', image: `data:image/png;base64,${Buffer.from(LOGO).toString('base64')}` } }), 'issuer');
  const full = await json<{ id: string }>(await request.post(`/api/v1/organisations/${setup.organisationId}/achievements`, { headers, data: { issuerId: setup.issuerId, ...ACHIEVEMENT } }), 'achievement');
  await json(await request.post(`/api/v1/achievements/${full.id}/image`, { headers: { ...headers, 'content-type': 'image/png' }, data: Buffer.from(badgePng()) }), 'image');
  await json(await request.post(`/api/v1/organisations/${setup.organisationId}/credentials`, {
    headers,
    data: {
      achievementId: full.id, recipient: { email: LEARNER.email, name: LEARNER.name },
      result: { grade: 'B', creditsEarned: 4.5 },
      evidence: [{ id: 'https://uni.example/evidence/42', name: 'Final project report', narrative: 'A cleaned open data set with four charts.' }],
    },
  }), 'issue');
  const sparse = await json<{ id: string }>(await request.post(`/api/v1/organisations/${setup.organisationId}/achievements`, {
    headers, data: { issuerId: setup.issuerId, name: 'Team Player', description: 'Worked well with others.', criteria: 'Nominated by peers.', achievementType: 'Badge' },
  }), 'sparse achievement');
  await json(await request.post(`/api/v1/organisations/${setup.organisationId}/credentials`, { headers, data: { achievementId: sparse.id, recipient: { email: LEARNER.email } } }), 'issue sparse');
  return {
    claimLink: async (achievement) => {
      const outbox = await json<{ items: { to: string; subject?: string | null; text?: string | null }[] }>(await request.get(`/api/v1/organisations/${setup.organisationId}/outbox`), 'outbox');
      const message = outbox.items.find((m) => m.to === LEARNER.email && `${m.subject ?? ''} ${m.text ?? ''}`.includes(achievement));
      const link = message?.text?.match(/https?:\/\/\S+\/claim\/[A-Za-z0-9_-]+/)?.[0];
      if (!link) throw new Error(`no claim link for ${achievement} in the outbox`);
      return link;
    },
  };
}

/** Every label with its words in a text, and no code of the EU lists nor a technical identifier. */
function expectEveryFact(text: string, where: string, options: { urlsBroken?: boolean } = {}): void {
  const folded = text.replace(/\s+/g, ' ');
  for (const [label, words] of FACTS) {
    expect(folded, `${where}: ${label}`).toContain(label);
    for (const word of words) {
      const haystack = options.urlsBroken && word.startsWith('https://') ? folded.replace(/\s/g, '') : folded;
      expect(haystack, `${where}: ${label}: ${word}`).toContain(word);
    }
  }
  for (const code of CODES) expect(folded, `${where}: code ${code}`).not.toContain(code);
}

describe.skipIf(skipReason !== undefined)('what a credential certifies, on the wallet, the public page and the PDF', () => {
  let server: TestServer;
  let web: Awaited<ReturnType<typeof buildWebApart>>;
  let browser: Browser;
  let issuerContext: BrowserContext;
  let learnerContext: BrowserContext;
  let page: Page;
  let walletPath: string;
  let shareUrl: string;
  let issuing: Awaited<ReturnType<typeof issueBoth>>;
  let fullLink: string;
  const work = mkdtempSync(join(tmpdir(), 'microcred-certifies-'));

  beforeAll(async () => {
    web = await buildWebApart();
    server = await startTestServer({ webRoot: web.webRoot });
    browser = await launchBrowser();
    issuerContext = await browser.newContext({ baseURL: server.url });
    learnerContext = await browser.newContext({ baseURL: server.url, viewport: { width: 1280, height: 900 } });
    learnerContext.setDefaultTimeout(15_000);
    page = await learnerContext.newPage();
  }, 180_000);

  afterAll(async () => {
    await learnerContext?.close();
    await issuerContext?.close();
    await browser?.close();
    await server?.close();
    web?.remove();
    rmSync(work, { recursive: true, force: true });
  });

  afterEach(async (test) => {
    await screenshotIfFailed(test, page, 'certifies');
  });

  it('the wallet screen states every fact under its label, codes as labels, technical facts folded away', async () => {
    issuing = await issueBoth(issuerContext.request);
    fullLink = await issuing.claimLink(NAME);
    await page.goto(new URL(fullLink).pathname);
    const form = page.getByRole('form', { name: 'Create an account' });
    await form.getByLabel('Your name').fill(LEARNER.name);
    await form.getByLabel('E-mail address').fill(LEARNER.email);
    await form.getByLabel('Choose a password').fill(LEARNER.password);
    await form.getByRole('button', { name: 'Create account' }).click();
    await page.waitForURL(/\/wallet\/credentials\/[^/?]+\?claimed=1$/);
    walletPath = new URL(page.url()).pathname;
    await page.getByRole('heading', { level: 1, name: NAME }).waitFor();

    const facts = page.getByTestId('certifies');
    await facts.waitFor();
    expectEveryFact(await facts.innerText(), 'wallet');
    // A closed disclosure holds the identifiers; what a reader sees holds none of them.
    const visible = await page.locator('main').innerText();
    for (const code of CODES) expect(visible, code).not.toContain(code);
    for (const technical of TECHNICAL_ONLY) expect(visible, technical).not.toContain(technical);
    const details = page.getByTestId('technical-details');
    expect(await details.evaluate((el) => (el as unknown as { open: boolean }).open)).toBe(false);
    await details.locator('summary').click();
    const technical = await details.innerText();
    for (const expected of ['did:web:', 'Proof', 'Signing key', 'application/']) expect(technical).toContain(expected);
    await details.locator('summary').click();
    // The badge uploaded for the achievement.
    await expect.poll(() => page.locator('img.badge-image').count()).toBe(1);
    await expectAccessible(page, 'wallet-credential-every-element');
    await saveScreenshot(page, 'wallet-credential-every-element');

    const phone = await browser.newContext({ baseURL: server.url, viewport: PHONE, isMobile: true, hasTouch: true, storageState: await learnerContext.storageState() });
    try {
      const small = await phone.newPage();
      await small.goto(walletPath);
      await small.getByTestId('certifies').waitFor();
      await expectNoSidewaysScroll(small);
      await expectAccessible(small, 'wallet-credential-every-element-phone');
      await saveScreenshot(small, 'wallet-credential-every-element-phone');
    } finally {
      await phone.close();
    }
  });

  it('a sparse credential shows only the facts it has: no empty label', async () => {
    // The plain badge went to the same address: the signed-in learner adds it from its claim link.
    const sparseLink = await issuing.claimLink('Team Player');
    expect(sparseLink).not.toBe(fullLink);
    await page.goto(new URL(sparseLink).pathname);
    await page.getByRole('button', { name: 'Add to my wallet' }).click();
    await page.waitForURL(/\/wallet\/credentials\/[^/?]+\?claimed=1$/);
    await page.getByRole('heading', { level: 1, name: 'Team Player' }).waitFor();
    const facts = page.getByTestId('certifies');
    await facts.waitFor();
    const labels = await facts.locator('dt').allInnerTexts();
    const values = await facts.locator('dd').allInnerTexts();
    expect(labels.length).toBe(values.length);
    for (const value of values) expect(value.trim()).not.toBe('');
    expect(labels).toEqual(expect.arrayContaining(['Awarding body', 'Date of issuing', 'Criteria']));
    for (const absent of ['Learning outcomes', 'Type of assessment', 'Form of participation', 'Grade achieved', 'Notional workload', 'Level (EQF)', 'Evidence']) {
      expect(labels).not.toContain(absent);
    }
    await expectAccessible(page, 'wallet-credential-few-elements');
    await saveScreenshot(page, 'wallet-credential-few-elements');
  });

  it('the public page states every fact, in its HTML, its Open Graph description and its JSON-LD; the badge is shown', async () => {
    await page.goto(walletPath);
    const panel = page.getByTestId('share-panel');
    await panel.getByRole('button', { name: 'Create share link' }).click();
    shareUrl = (await panel.getByTestId('share-url').first().textContent())!.trim();
    expect(shareUrl).toMatch(/\/s\/[A-Za-z0-9_-]{43}$/);

    const stranger = await browser.newContext({ baseURL: server.url });
    try {
      const response = await stranger.request.get(new URL(shareUrl).pathname);
      expect(response.status()).toBe(200);
      const html = await response.text();
      const visible = html.replace(/<head>[\s\S]*<\/head>/, '').replace(/<details class="technical">[\s\S]*?<\/details>/g, '')
        .replace(/<[^>]+>/g, ' ').replace(/&#(\d+);/g, (_, code: string) => String.fromCharCode(Number(code)));
      expectEveryFact(visible, 'public page');
      for (const technical of TECHNICAL_ONLY) expect(visible, technical).not.toContain(technical);
      expect(/<details class="technical">[\s\S]*?<\/details>/.exec(html)![0]).toContain('did:web:');
      // The uploaded badge, inlined: the page loads nothing from elsewhere.
      expect(html).toMatch(/<img class="badge" src="data:image\/png;base64,/);
      const og = /<meta property="og:description" content="([^"]*)">/.exec(html)![1]!.replace(/&#(\d+);/g, (_, c: string) => String.fromCharCode(Number(c)));
      for (const expected of ['Awarding body: Université Exemple.', 'Notional workload: 5 ECTS credits.', 'Level (EQF): EQF level 5.', 'Grade achieved: B.', 'Type of assessment: Project, Online examination.']) {
        expect(og).toContain(expected);
      }
      const ld = JSON.parse(/<script type="application\/ld\+json">([^<]*)<\/script>/.exec(html)![1]!) as { name: string; additionalProperty: { name: string; value: unknown }[] };
      expect(ld.name).toBe(NAME);
      expectEveryFact(ld.additionalProperty.map((p) => `${p.name}: ${JSON.stringify(p.value)}`).join('\n'), 'JSON-LD');

      const publicPage = await stranger.newPage();
      await publicPage.goto(new URL(shareUrl).pathname);
      await publicPage.getByRole('heading', { level: 1, name: NAME }).waitFor();
      expect(await publicPage.locator('details.technical').evaluate((el) => (el as unknown as { open: boolean }).open)).toBe(false);
      await expectAccessible(publicPage, 'public-page-every-element');
      await saveScreenshot(publicPage, 'public-page-every-element');
    } finally {
      await stranger.close();
    }
  });

  it('the PDF certificate states every fact on one A4 page, with the badge, the issuer logo and a QR code', async () => {
    const response = await page.request.get(`${new URL(shareUrl).pathname}/certificate.pdf`);
    expect(response.status()).toBe(200);
    const file = join(work, 'certificate.pdf');
    writeFileSync(file, await response.body());
    expect(execFileSync('pdfinfo', [file]).toString()).toMatch(/Pages:\s+1\n/);
    const text = execFileSync('pdftotext', [file, '-']).toString();
    // The header names the learner; the facts below say the rest.
    expect(text).toContain('Léa Martin');
    const withoutLearner = FACTS.filter(([label]) => label !== 'Learner');
    for (const [label, words] of withoutLearner) {
      expect(text.replace(/\s+/g, ' '), label).toContain(label);
      for (const word of words) expect(word.startsWith('https://') ? text.replace(/\s/g, '') : text.replace(/\s+/g, ' '), `${label}: ${word}`).toContain(word);
    }
    for (const code of CODES) expect(text).not.toContain(code);
    expect(text.replace(/\s/g, '')).toContain(shareUrl);
    const images = execFileSync('pdfimages', ['-list', file]).toString().split('\n').slice(2).filter((r) => r.trim() !== '').map((r) => r.trim().split(/\s+/).slice(3, 5).join('x'));
    expect(images.sort()).toEqual(['256x256', '60x24']);
  });
});
