/**
 * Shared by the learner-side browser tests (wallet, verifier): the web app built into a folder of its
 * own (test files run in parallel and web/dist is emptied by every build), an issuing organisation set
 * up through the API, and the checks every learner page passes.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { APIRequestContext, Page } from 'playwright-core';
import { expect } from 'vitest';
import { build } from 'vite';
import { WEB_CONFIG } from './web-build.ts';

/** Builds the browser application into a fresh temporary folder; returns it and a way to remove it. */
export async function buildWebApart(): Promise<{ webRoot: string; remove(): void }> {
  const webRoot = mkdtempSync(join(tmpdir(), 'microcred-web-'));
  // Vitest sets NODE_ENV=test, which would bundle React's development build; the tests drive what users get.
  const nodeEnv = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  try {
    await build({ configFile: WEB_CONFIG, logLevel: 'warn', mode: 'production', build: { outDir: webRoot, emptyOutDir: true } });
  } finally {
    if (nodeEnv === undefined) delete process.env.NODE_ENV;
    else process.env.NODE_ENV = nodeEnv;
  }
  if (!existsSync(join(webRoot, 'index.html'))) throw new Error(`vite build did not write ${webRoot}/index.html`);
  return { webRoot, remove: () => rmSync(webRoot, { recursive: true, force: true }) };
}

export const MICRO_CREDENTIAL = {
  name: 'Data Literacy Essentials',
  description: 'Reading, cleaning and charting data sets with spreadsheets and Python.',
  criteria: 'Pass the final project and the online exam.',
  achievementType: 'MicroCredential',
  eu: {
    creditsAvailable: 5,
    eqfLevel: 5,
    learningOutcome: ['Clean a tabular data set', 'Choose and draw a suitable chart'],
    assessmentType: ['project', 'online-exam'],
    participationForm: 'online',
    qualityAssurance: ['internal'],
  },
  alignments: [{ targetUrl: 'http://data.europa.eu/esco/skill/ccd0a1d9-afda-43d9-b901-96344886e14d', targetName: 'Python (computer programming)', targetFramework: 'ESCO' }],
};

/** A signed-in organisation owner driven through the API (the request context keeps the cookie). */
export interface Issuing {
  organisationId: string;
  issuerId: string;
  achievementId: string;
  issue(recipient: { email: string; name?: string }): Promise<{ id: string; credentialId: string; document: unknown }>;
  revoke(id: string, reason: string): Promise<void>;
  /** The claim link e-mailed to an address (the newest), from the organisation's development outbox. */
  claimLink(email: string): Promise<string>;
}

async function json<T>(response: { ok(): boolean; status(): number; text(): Promise<string> }, what: string): Promise<T> {
  const text = await response.text();
  if (!response.ok()) throw new Error(`${what} answered ${response.status()}: ${text}`);
  return JSON.parse(text) as T;
}

/** Runs first-time setup and defines the micro-credential, as the organisation's owner. */
export async function setUpIssuing(request: APIRequestContext, owner = { email: 'registrar@uni.example', password: 'correct horse battery staple' }): Promise<Issuing> {
  const setup = await json<{ csrfToken: string; organisationId: string; issuerId: string }>(
    await request.post('/api/v1/setup', { data: { organisationName: 'Université Exemple', name: 'Rita Registrar', ...owner } }),
    'setup',
  );
  const headers = { 'x-csrf-token': setup.csrfToken };
  const { organisationId, issuerId } = setup;
  const achievement = await json<{ id: string }>(
    await request.post(`/api/v1/organisations/${organisationId}/achievements`, { headers, data: { issuerId, ...MICRO_CREDENTIAL } }),
    'achievement',
  );
  return {
    organisationId,
    issuerId,
    achievementId: achievement.id,
    issue: async (recipient) =>
      await json(await request.post(`/api/v1/organisations/${organisationId}/credentials`, { headers, data: { achievementId: achievement.id, recipient } }), 'issue'),
    revoke: async (id, reason) => {
      await json(await request.post(`/api/v1/credentials/${id}/revoke`, { headers, data: { reason } }), 'revoke');
    },
    claimLink: async (email) => {
      const outbox = await json<{ items: { to: string; text?: string | null }[] }>(await request.get(`/api/v1/organisations/${organisationId}/outbox`), 'outbox');
      const message = outbox.items.find((m) => m.to === email && /\/claim\//.test(m.text ?? ''));
      const link = message?.text?.match(/https?:\/\/\S+\/claim\/[A-Za-z0-9_-]+/)?.[0];
      if (!link) throw new Error(`no claim link to ${email} in the outbox`);
      return link;
    },
  };
}

export const PHONE = { width: 375, height: 740 };

/**
 * The page does not scroll sideways at the phone width; when it does, the elements that stick out are
 * named. Compared with the device width: a mobile browser widens its layout viewport to fit content.
 */
export async function expectNoSidewaysScroll(page: Page, width = PHONE.width): Promise<void> {
  const overflow = await page.evaluate((w) => {
    type El = { tagName: string; className: unknown; getBoundingClientRect(): { right: number }; closest(selector: string): unknown };
    const doc = (globalThis as unknown as { document: { documentElement: { scrollWidth: number }; querySelectorAll(s: string): ArrayLike<El> } }).document;
    const sticking = Array.from(doc.querySelectorAll('body *'))
      .filter((el) => el.getBoundingClientRect().right > w + 1 && !el.closest('.table-wrap'))
      .slice(0, 10)
      .map((el) => `${el.tagName.toLowerCase()}.${String(el.className)} right=${Math.round(el.getBoundingClientRect().right)}`);
    return { sideways: Math.max(0, doc.documentElement.scrollWidth - w), sticking };
  }, width);
  expect(overflow).toEqual({ sideways: 0, sticking: [] });
}

/**
 * Drops a file on an element the way a browser does: a DataTransfer holding the file, with dragenter,
 * dragover and drop events (setInputFiles would go around the drop handling).
 */
export async function dropFile(page: Page, selector: string, file: { name: string; mimeType: string; buffer: Buffer }): Promise<void> {
  const dataTransfer = await page.evaluateHandle(
    ({ name, mimeType, base64 }) => {
      const g = globalThis as unknown as {
        atob(s: string): string;
        DataTransfer: new () => { items: { add(file: unknown): void } };
        File: new (parts: unknown[], name: string, options: { type: string }) => unknown;
      };
      const binary = g.atob(base64);
      const bytes = new Uint8Array(binary.length);
      for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
      const transfer = new g.DataTransfer();
      transfer.items.add(new g.File([bytes], name, { type: mimeType }));
      return transfer;
    },
    { name: file.name, mimeType: file.mimeType, base64: file.buffer.toString('base64') },
  );
  for (const type of ['dragenter', 'dragover', 'drop']) await page.dispatchEvent(selector, type, { dataTransfer });
  await dataTransfer.dispose();
}
