/**
 * The QR codes and the PDF certificate decode back to the verification URL: the PNG through pngjs and
 * jsQR, the SVG by drawing its path, the certificate through poppler (pdftotext for its words,
 * pdftoppm for a raster whose QR code jsQR reads).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import jsQRModule from 'jsqr';
import { PNG } from 'pngjs';
import { afterAll, describe, expect, it } from 'vitest';
import { badgePng } from '../../src/render/badge.ts';
import { renderCertificate } from '../../src/render/certificate.ts';
import { encodeGreyPng } from '../../src/render/png.ts';
import { qrMatrix, qrPng, qrSvg } from '../../src/render/qr.ts';
import { whatItCertifies, type CertifiedFact } from '../../src/vc/certifies.ts';
import { toDisplay } from '../../src/vc/display.ts';
import { FULL_CODES, FULL_CREDENTIAL, FULL_FACTS } from '../support/full-credential.ts';
import { POPPLER, requireTools } from '../support/tools.ts';

// jsqr is CommonJS whose types declare an ES default export: take whichever the loader hands over.
type JsQr = typeof jsQRModule.default;
const jsQR: JsQr = (jsQRModule as unknown as { default?: JsQr }).default ?? (jsQRModule as unknown as JsQr);

const URL_TO_CHECK = 'https://issuer.test/s/3q2-7wQf4Xy9ZkLmNoPqRsTuVwXyZaBcDeFgHiJkLmN';
const work = mkdtempSync(join(tmpdir(), 'microcred-render-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function decodePng(bytes: Uint8Array) {
  const png = PNG.sync.read(Buffer.from(bytes));
  return jsQR(new Uint8ClampedArray(png.data.buffer, png.data.byteOffset, png.data.byteLength), png.width, png.height);
}

describe('PNG writer', () => {
  it('writes a greyscale PNG that an independent reader decodes pixel for pixel', () => {
    const pixels = Uint8Array.from({ length: 7 * 5 }, (_, i) => (i * 37) % 256);
    const png = PNG.sync.read(Buffer.from(encodeGreyPng({ width: 7, height: 5, pixels })));
    expect([png.width, png.height]).toEqual([7, 5]);
    for (let i = 0; i < pixels.length; i++) expect(png.data[i * 4]).toBe(pixels[i]);
    expect(PNG.sync.read(Buffer.from(badgePng())).width).toBe(256);
  });

  it('refuses sizes and pixel buffers that do not match', () => {
    expect(() => encodeGreyPng({ width: 0, height: 1, pixels: new Uint8Array(0) })).toThrow(TypeError);
    expect(() => encodeGreyPng({ width: 2, height: 2, pixels: new Uint8Array(3) })).toThrow(TypeError);
    expect(() => qrMatrix('')).toThrow(TypeError);
    expect(() => qrPng(URL_TO_CHECK, { scale: 0 })).toThrow(TypeError);
  });
});

describe('QR codes', () => {
  it('PNG decodes back to the URL', () => {
    const png = qrPng(URL_TO_CHECK, { scale: 4 });
    expect(decodePng(png)?.data).toBe(URL_TO_CHECK);
  });

  it('SVG draws the same modules and decodes back to the URL', () => {
    const svg = qrSvg(URL_TO_CHECK, { title: 'QR <code> & "more"' });
    expect(svg).toContain('<title>QR &#60;code&#62; &#38; &#34;more&#34;</title>');
    const side = Number(/viewBox="0 0 (\d+) \1"/.exec(svg)![1]);
    const scale = 4;
    const size = side * scale;
    const rgba = new Uint8ClampedArray(size * size * 4).fill(255);
    // Draw each "M x y h w v1 h -w z" run as the SVG renderer would.
    for (const [, x, y, w] of svg.matchAll(/M(\d+) (\d+)h(\d+)v1h-\d+z/g)) {
      for (let row = Number(y) * scale; row < (Number(y) + 1) * scale; row++) {
        for (let col = Number(x) * scale; col < (Number(x) + Number(w)) * scale; col++) {
          const at = (row * size + col) * 4;
          rgba[at] = rgba[at + 1] = rgba[at + 2] = 0;
        }
      }
    }
    expect(jsQR(rgba, size, size)?.data).toBe(URL_TO_CHECK);
    const matrix = qrMatrix(URL_TO_CHECK);
    expect(side).toBe(matrix.size + 8);
  });
});

// Reading the certificate back needs poppler: skipped without it (and named in the summary), failed in CI.
const noPoppler = requireTools('test/render/qr-pdf.test.ts (PDF certificate)', POPPLER);

describe.skipIf(noPoppler !== undefined)('PDF certificate', () => {
  const LOGO = encodeGreyPng({ width: 60, height: 24, pixels: new Uint8Array(60 * 24).fill(90) });
  const data = {
    learnerName: 'Zoë Ångström-Łukasiewicz',
    achievement: 'Data Literacy Essentials',
    description: 'Reading, cleaning and charting data sets with spreadsheets and Python.',
    issuerName: 'University of Testing',
    certifies: [
      { key: 'dateOfIssuing', label: 'Date of issuing', values: [{ text: '2026-03-02T09:30:00.000Z', date: true }] },
      { key: 'validUntil', label: 'Valid until', values: [{ text: '2028-03-02T09:30:00.000Z', date: true }] },
      { key: 'learningOutcomes', label: 'Learning outcomes', values: [{ text: 'Clean a tabular data set' }, { text: 'Choose and draw a suitable chart' }], list: true },
      { key: 'workload', label: 'Notional workload', values: [{ text: '5 ECTS credits' }] },
      { key: 'eqfLevel', label: 'Level (EQF)', values: [{ text: 'EQF level 5' }] },
    ] satisfies CertifiedFact[],
    verificationUrl: URL_TO_CHECK,
    now: new Date('2026-03-03T00:00:00Z'),
  };

  /** The words of the page as pdftotext reads them, in reading order (column by column), spaces folded. */
  function pdfText(file: string): string {
    return execFileSync('pdftotext', [file, '-']).toString().replace(/\s+/g, ' ');
  }

  /** The images of the page (pdfimages -list): width × height of each. */
  function pdfImages(file: string): string[] {
    return execFileSync('pdfimages', ['-list', file]).toString().split('\n').slice(2).filter((row) => row.trim() !== '')
      .map((row) => { const cells = row.trim().split(/\s+/); return `${cells[3]}x${cells[4]}`; });
  }

  it('is one A4 page whose text pdftotext reads: learner, achievement, issuer, date, credits, level, outcomes, URL', async () => {
    const pdf = await renderCertificate(data);
    const file = join(work, 'certificate.pdf');
    writeFileSync(file, pdf);
    const info = execFileSync('pdfinfo', [file]).toString();
    expect(info).toMatch(/Pages:\s+1\n/);
    expect(info).toMatch(/Page size:\s+595\.2\d? x 841\.8\d? pts \(A4\)/);
    const text = pdfText(file);
    // Ł is outside the standard fonts' character set: it falls back to a plain letter, never an error.
    expect(text).toContain('Zoë Ångström-?ukasiewicz');
    for (const expected of ['Data Literacy Essentials', 'University of Testing', '2 March 2026', '2 March 2028', '5 ECTS credits', 'EQF level 5',
      'Clean a tabular data set', 'Choose and draw a suitable chart', URL_TO_CHECK]) {
      expect(text, expected).toContain(expected);
    }
  });

  it('carries a QR code that decodes (from pdftoppm output) to the verification URL', async () => {
    const file = join(work, 'qr.pdf');
    writeFileSync(file, await renderCertificate({ ...data, learnerName: 'Ana López' }));
    // The code is drawn as vector squares: it must read at screen and at print resolutions.
    for (const dpi of ['72', '150']) {
      execFileSync('pdftoppm', ['-png', '-r', dpi, file, join(work, `page-${dpi}`)]);
      const page = readdirSync(work).find((name) => name.startsWith(`page-${dpi}`) && name.endsWith('.png'))!;
      expect(decodePng(readFileSync(join(work, page)))?.data, `${dpi} dpi`).toBe(URL_TO_CHECK);
    }
  });

  it('wraps long names and URLs, keeps to one page with many outcomes, and works without optional facts', async () => {
    const many = await renderCertificate({
      achievement: 'A '.repeat(200), issuerName: 'I',
      certifies: [
        { key: 'learningOutcomes', label: 'Learning outcomes', values: Array.from({ length: 40 }, (_, i) => ({ text: `Outcome ${i} ${'word '.repeat(30)}` })), list: true },
        ...whatItCertifies(toDisplay(FULL_CREDENTIAL)),
      ],
      verificationUrl: `${URL_TO_CHECK}?${'x'.repeat(300)}`, now: data.now,
    });
    const file = join(work, 'many.pdf');
    writeFileSync(file, many);
    expect(execFileSync('pdfinfo', [file]).toString()).toMatch(/Pages:\s+1\n/);
    const text = execFileSync('pdftotext', [file, '-']).toString();
    expect(text).toMatch(/and \d+ more \(see the verification page\)/);
    expect(text).toContain('This certifies the achievement');
    // The verification URL stays whole below the facts, however many there are.
    expect(text.replace(/\s+/g, '')).toContain(URL_TO_CHECK);
    const bare = join(work, 'bare-facts.pdf');
    writeFileSync(bare, await renderCertificate({ achievement: 'Bare', issuerName: 'I', certifies: [], verificationUrl: URL_TO_CHECK, now: data.now }));
    expect(execFileSync('pdfinfo', [bare]).toString()).toMatch(/Pages:\s+1\n/);
    // A credential with no image still has a badge: the drawn one.
    expect(pdfImages(bare)).toEqual(['256x256']);
  });

  it('states every element of a full micro-credential under its label, never a code, with the badge and the issuer logo, on one page', async () => {
    const file = join(work, 'full.pdf');
    const badge = badgePng();
    writeFileSync(file, await renderCertificate({
      learnerName: 'Léa Martin', achievement: 'Data Literacy Essentials', issuerName: 'Université Exemple',
      description: 'Reading, cleaning and charting data sets with spreadsheets and Python.',
      certifies: whatItCertifies(toDisplay(FULL_CREDENTIAL)), badge, issuerLogo: LOGO, verificationUrl: URL_TO_CHECK, now: data.now,
    }));
    expect(execFileSync('pdfinfo', [file]).toString()).toMatch(/Pages:\s+1\n/);
    const text = pdfText(file);
    for (const [label, words] of FULL_FACTS) {
      if (label === 'Learner') continue; // the header names the learner
      expect(text, label).toContain(label);
      // An address is broken by characters where it meets the column's edge.
      for (const word of words) expect(word.startsWith('https://') ? text.replace(/\s/g, '') : text, `${label}: ${word}`).toContain(word);
    }
    expect(text).toContain('Léa Martin');
    for (const code of FULL_CODES) expect(text, code).not.toContain(code);
    expect(text).toContain(URL_TO_CHECK);
    // Both pictures are in the file, at their own sizes: the badge and the logo.
    expect(pdfImages(file).sort()).toEqual(['256x256', '60x24']);
    // And on the page: the badge's dark disc is drawn in the top left quarter.
    execFileSync('pdftoppm', ['-png', '-r', '36', file, join(work, 'full-page')]);
    const shot = readdirSync(work).find((name) => name.startsWith('full-page') && name.endsWith('.png'))!;
    const png = PNG.sync.read(readFileSync(join(work, shot)));
    let dark = 0;
    for (let y = 0; y < png.height / 3; y++) for (let x = 0; x < png.width / 3; x++) if (png.data[(y * png.width + x) * 4]! < 100) dark++;
    expect(dark).toBeGreaterThan(200);
    // The QR code still reads at print resolution beside all of it.
    execFileSync('pdftoppm', ['-png', '-r', '150', file, join(work, 'full-qr')]);
    const qrShot = readdirSync(work).find((name) => name.startsWith('full-qr') && name.endsWith('.png'))!;
    expect(decodePng(readFileSync(join(work, qrShot)))?.data).toBe(URL_TO_CHECK);
  });

  it('leaves out an unreadable badge or logo: the drawn badge stands in, no logo is drawn', async () => {
    const file = join(work, 'broken-images.pdf');
    writeFileSync(file, await renderCertificate({ ...data, badge: new TextEncoder().encode('<svg xmlns="http://www.w3.org/2000/svg"/>'), issuerLogo: Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 1, 2, 3, 4, 5]) }));
    expect(execFileSync('pdfinfo', [file]).toString()).toMatch(/Pages:\s+1\n/);
    expect(pdfImages(file)).toEqual(['256x256']);
  });

  it('carries the credential as received as an embedded file (JSON or JWT), still one page with its text', async () => {
    const json = JSON.stringify({ '@context': ['https://www.w3.org/ns/credentials/v2'], id: 'urn:uuid:1', name: 'Zoë' });
    const jwt = 'eyJhbGciOiJFZERTQSJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl';
    for (const [credential, name] of [[{ text: json, kind: 'json' }, 'credential.json'], [{ text: jwt, kind: 'jwt' }, 'credential.jwt']] as const) {
      const file = join(work, `attached-${name}.pdf`);
      writeFileSync(file, await renderCertificate({ ...data, credential }));
      expect(execFileSync('pdfinfo', [file]).toString()).toMatch(/Pages:\s+1\n/);
      expect(execFileSync('pdftotext', [file, '-']).toString()).toContain('Data Literacy Essentials');
      expect(execFileSync('pdfdetach', ['-list', file]).toString()).toContain(name);
      const out = join(work, `out-${name}`);
      execFileSync('pdfdetach', ['-save', '1', '-o', out, file]);
      expect(readFileSync(out, 'utf8')).toBe(credential.text);
    }
    // Without a credential there is nothing attached.
    const bare = join(work, 'bare.pdf');
    writeFileSync(bare, await renderCertificate(data));
    expect(execFileSync('pdfdetach', ['-list', bare]).toString()).toMatch(/^0 embedded files/);
  });
});
