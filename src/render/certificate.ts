/**
 * The one-page printable certificate (A4, PDF) of a shared credential: who earned what from whom and
 * when, its credits and level, its learning outcomes, and a QR code with the verification URL, so a
 * paper copy leads back to the live check. Text is real PDF text (pdftotext reads it).
 */
import { PDFDocument, rgb, StandardFonts, type PDFFont, type PDFPage } from 'pdf-lib';
import { creditsText, longDate } from './format.ts';
import { darkRuns, qrMatrix, QUIET_ZONE } from './qr.ts';

export interface CertificateData {
  learnerName?: string;
  achievement: string;
  description?: string;
  issuerName: string;
  /** ISO date-time of issue. */
  issuedAt?: string;
  validUntil?: string;
  ects?: number;
  eqfLevel?: number;
  outcomes: readonly string[];
  /** The public page anyone can open to check the credential live. */
  verificationUrl: string;
  /** When the certificate was made (document metadata); passed in for reproducible files. */
  now: Date;
  /**
   * The credential itself, as received (JSON text, or the VC-JWT), carried as an embedded file so
   * the PDF alone can be verified again; absent → a certificate without attachment.
   */
  credential?: { text: string; kind: 'json' | 'jwt' };
}

const A4: [number, number] = [595.28, 841.89];
const MARGIN = 56;
const INK = rgb(0.1, 0.12, 0.16);
const MUTED = rgb(0.35, 0.38, 0.44);
const ACCENT = rgb(0.07, 0.33, 0.62);
const MAX_OUTCOMES = 12;

/**
 * Builds the certificate. Characters the standard PDF fonts cannot show (outside Windows-1252) are
 * replaced by their unaccented letter when there is one, else by "?", so any name renders.
 *
 * @example
 *   const pdf = await renderCertificate({ achievement: 'Data Literacy', issuerName: 'Uni', outcomes: [], verificationUrl, now });
 */
export async function renderCertificate(data: CertificateData): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const regular = await doc.embedFont(StandardFonts.Helvetica);
  const bold = await doc.embedFont(StandardFonts.HelveticaBold);
  const safe = textSanitiser(regular);
  const page = doc.addPage(A4);
  const width = A4[0] - 2 * MARGIN;
  let y = A4[1] - MARGIN;

  doc.setTitle(safe(`${data.achievement} - certificate`));
  doc.setSubject(safe(`Issued by ${data.issuerName}`));
  doc.setCreator('microcred');
  doc.setProducer('microcred');
  doc.setCreationDate(data.now);
  doc.setModificationDate(data.now);
  doc.setLanguage('en');

  page.drawRectangle({ x: MARGIN / 2, y: MARGIN / 2, width: A4[0] - MARGIN, height: A4[1] - MARGIN, borderColor: ACCENT, borderWidth: 2 });

  const line = (text: string, options: { font?: PDFFont; size?: number; color?: ReturnType<typeof rgb>; gap?: number; maxLines?: number } = {}) => {
    const font = options.font ?? regular;
    const size = options.size ?? 11;
    const lines = wrap(safe(text), font, size, width).slice(0, options.maxLines ?? 6);
    for (const part of lines) {
      y -= size * 1.3;
      page.drawText(part, { x: MARGIN, y, size, font, color: options.color ?? INK });
    }
    y -= options.gap ?? 4;
  };

  line('CERTIFICATE', { font: bold, size: 12, color: ACCENT, gap: 18 });
  line(data.learnerName ? 'This certifies that' : 'This certifies the achievement', { color: MUTED, gap: 2 });
  if (data.learnerName) {
    line(data.learnerName, { font: bold, size: 24, gap: 6, maxLines: 2 });
    line('has earned', { color: MUTED, gap: 2 });
  }
  line(data.achievement, { font: bold, size: 20, color: ACCENT, gap: 8, maxLines: 3 });
  if (data.description) line(data.description, { size: 10, color: MUTED, gap: 12, maxLines: 5 });

  const facts: [string, string][] = [['Issued by', data.issuerName]];
  if (data.issuedAt) facts.push(['Date', longDate(data.issuedAt)]);
  if (data.validUntil) facts.push(['Valid until', longDate(data.validUntil)]);
  if (data.ects !== undefined) facts.push(['Credits', creditsText(data.ects)]);
  if (data.eqfLevel !== undefined) facts.push(['Level', `EQF level ${data.eqfLevel}`]);
  for (const [label, value] of facts) fact(page, label, safe(value), { regular, bold, y: (y -= 18), width });
  y -= 12;

  if (data.outcomes.length > 0) {
    line('Learning outcomes', { font: bold, size: 12, gap: 2 });
    const shown = data.outcomes.slice(0, MAX_OUTCOMES);
    for (const outcome of shown) line(`- ${outcome}`, { size: 10, gap: 1, maxLines: 2 });
    if (data.outcomes.length > shown.length) line(`and ${data.outcomes.length - shown.length} more (see the verification page)`, { size: 10, color: MUTED });
  }

  // The QR code and the URL at the foot of the page, above the border.
  const qrSide = 120;
  const qrY = MARGIN;
  drawQr(page, data.verificationUrl, { x: MARGIN, y: qrY, side: qrSide });
  const textX = MARGIN + qrSide + 16;
  const textWidth = A4[0] - MARGIN - textX;
  page.drawText('Check this certificate', { x: textX, y: qrY + qrSide - 14, size: 12, font: bold, color: INK });
  page.drawText('Scan the code or open this address to see it verified live:', { x: textX, y: qrY + qrSide - 32, size: 9, font: regular, color: MUTED });
  let urlY = qrY + qrSide - 48;
  // A URL has no spaces: break it by characters so it stays one copyable string per line.
  for (const part of breakLong(safe(data.verificationUrl), regular, 9, textWidth)) {
    page.drawText(part, { x: textX, y: urlY, size: 9, font: regular, color: ACCENT });
    urlY -= 12;
  }
  if (data.credential) {
    const json = data.credential.kind === 'json';
    await doc.attach(new TextEncoder().encode(data.credential.text), json ? 'credential.json' : 'credential.jwt', {
      mimeType: json ? 'application/ld+json' : 'application/vc+jwt',
      description: 'The credential this certificate shows, as received',
      creationDate: data.now,
      modificationDate: data.now,
    });
  }
  return await doc.save();
}

/**
 * Draws the QR code as vector squares (one rectangle per run of dark modules): sharp at any print
 * resolution, and cheaper than embedding a raster.
 */
function drawQr(page: PDFPage, text: string, at: { x: number; y: number; side: number }): void {
  const matrix = qrMatrix(text);
  const module = at.side / (matrix.size + 2 * QUIET_ZONE);
  page.drawRectangle({ x: at.x, y: at.y, width: at.side, height: at.side, color: rgb(1, 1, 1) });
  for (const run of darkRuns(matrix)) {
    // PDF y grows upwards: row 0 is the top of the code.
    page.drawRectangle({
      x: at.x + (run.column + QUIET_ZONE) * module,
      y: at.y + at.side - (run.row + QUIET_ZONE + 1) * module,
      width: run.length * module,
      height: module,
      color: rgb(0, 0, 0),
    });
  }
}

function fact(page: PDFPage, label: string, value: string, at: { regular: PDFFont; bold: PDFFont; y: number; width: number }): void {
  page.drawText(label, { x: MARGIN, y: at.y, size: 11, font: at.bold, color: MUTED });
  const text = wrap(value, at.regular, 11, at.width - 110)[0] ?? '';
  page.drawText(text, { x: MARGIN + 110, y: at.y, size: 11, font: at.regular, color: INK });
}

/** Keeps what the font can draw; accented letters fall back to their base letter. */
function textSanitiser(font: PDFFont): (text: string) => string {
  const known = new Set(font.getCharacterSet());
  return (text) => {
    let out = '';
    for (const char of text.normalize('NFC').replace(/\s+/g, ' ')) {
      const code = char.codePointAt(0)!;
      if (known.has(code)) {
        out += char;
        continue;
      }
      const base = char.normalize('NFKD').replace(/[\u0300-\u036f]/g, '');
      out += [...base].every((c) => known.has(c.codePointAt(0)!)) && base !== '' ? base : '?';
    }
    return out.trim();
  };
}

function wrap(text: string, font: PDFFont, size: number, width: number): string[] {
  const lines: string[] = [];
  let current = '';
  for (const word of text.split(' ')) {
    const candidate = current ? `${current} ${word}` : word;
    if (font.widthOfTextAtSize(candidate, size) <= width) {
      current = candidate;
      continue;
    }
    if (current) lines.push(current);
    if (font.widthOfTextAtSize(word, size) <= width) current = word;
    else {
      const pieces = breakLong(word, font, size, width);
      current = pieces.pop() ?? '';
      lines.push(...pieces);
    }
  }
  if (current) lines.push(current);
  return lines;
}

function breakLong(text: string, font: PDFFont, size: number, width: number): string[] {
  const parts: string[] = [];
  let current = '';
  for (const char of text) {
    if (current && font.widthOfTextAtSize(current + char, size) > width) {
      parts.push(current);
      current = '';
    }
    current += char;
  }
  if (current) parts.push(current);
  return parts;
}
