/**
 * The one-page printable certificate (A4, PDF) of a shared credential, laid out as a document: the
 * issuer's logo and name, the badge, who earned what, every fact the credential certifies (the same
 * labelled facts as the wallet and the public page: src/vc/certifies.ts), and a QR code with the
 * verification URL, so a paper copy leads back to the live check. Text is real PDF text (pdftotext
 * reads it); when the facts are many, the type gets smaller, and only then are long lists cut, so the
 * certificate always stays one page.
 */
import { PDFDocument, rgb, StandardFonts, type PDFFont, type PDFImage, type PDFPage } from 'pdf-lib';
import type { CertifiedFact } from '../vc/certifies.ts';
import { badgePng } from './badge.ts';
import { longDate } from './format.ts';
import { darkRuns, qrMatrix, QUIET_ZONE } from './qr.ts';

export interface CertificateData {
  learnerName?: string;
  achievement: string;
  description?: string;
  issuerName: string;
  /** What the credential certifies (src/vc/certifies.ts whatItCertifies). */
  certifies: readonly CertifiedFact[];
  /** The badge image, PNG or JPEG bytes; a drawn badge stands in when absent or unreadable. */
  badge?: Uint8Array;
  /** The issuer's logo, PNG or JPEG bytes; left out when absent or unreadable. */
  issuerLogo?: Uint8Array;
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
const RULE = rgb(0.82, 0.85, 0.88);
const QR_SIDE = 110;
/** The facts end above the QR block (its top, plus a gap). */
const FACTS_FLOOR = MARGIN + QR_SIDE + 14;
const FACT_SIZES = [11, 10, 9, 8, 7] as const;
const COLUMN_GAP = 18;
/** Facts the header already states. */
const IN_HEADER = new Set(['learner']);

type Sanitise = (text: string) => string;

async function embedImage(doc: PDFDocument, bytes: Uint8Array | undefined): Promise<PDFImage | undefined> {
  if (!bytes || bytes.length < 8) return undefined;
  try {
    if (bytes[0] === 0x89 && bytes[1] === 0x50 && bytes[2] === 0x4e && bytes[3] === 0x47) return await doc.embedPng(bytes);
    if (bytes[0] === 0xff && bytes[1] === 0xd8) return await doc.embedJpg(bytes);
  } catch {
    // An image pdf-lib cannot read (interlaced, damaged): the caller falls back.
  }
  return undefined;
}

/** Draws an image into a box, keeping its proportions, centred. */
function drawFitted(page: PDFPage, image: PDFImage, box: { x: number; y: number; width: number; height: number }): void {
  const scale = Math.min(box.width / image.width, box.height / image.height);
  const width = image.width * scale;
  const height = image.height * scale;
  page.drawImage(image, { x: box.x + (box.width - width) / 2, y: box.y + (box.height - height) / 2, width, height });
}

/** One fact's lines at a size: label once, each value wrapped in the value column. */
function factLines(fact: CertifiedFact, safe: Sanitise, font: PDFFont, size: number, valueWidth: number, maxValues: number): string[] {
  const texts = fact.values.map((v) => (v.date ? longDate(v.text) : v.text));
  const joined = fact.key === 'activity' ? [texts.join(' to ')] : fact.list ? texts : [texts.join(', ')];
  const shown = joined.slice(0, maxValues);
  const lines = shown.flatMap((text) => wrap(safe(fact.list && joined.length > 1 ? `- ${text}` : text), font, size, valueWidth).slice(0, 4));
  if (joined.length > shown.length) lines.push(`and ${joined.length - shown.length} more (see the verification page)`);
  return lines;
}

/**
 * Builds the certificate. Characters the standard PDF fonts cannot show (outside Windows-1252) are
 * replaced by their unaccented letter when there is one, else by "?", so any name renders.
 *
 * @example
 *   const pdf = await renderCertificate({ achievement: 'Data Literacy', issuerName: 'Uni', certifies: [], verificationUrl, now });
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
  page.drawRectangle({ x: MARGIN / 2 + 4, y: MARGIN / 2 + 4, width: A4[0] - MARGIN - 8, height: A4[1] - MARGIN - 8, borderColor: RULE, borderWidth: 0.75 });

  const line = (text: string, options: { font?: PDFFont; size?: number; color?: ReturnType<typeof rgb>; gap?: number; maxLines?: number; x?: number; width?: number } = {}) => {
    const font = options.font ?? regular;
    const size = options.size ?? 11;
    const lines = wrap(safe(text), font, size, options.width ?? width).slice(0, options.maxLines ?? 6);
    for (const part of lines) {
      y -= size * 1.3;
      page.drawText(part, { x: options.x ?? MARGIN, y, size, font, color: options.color ?? INK });
    }
    y -= options.gap ?? 4;
  };

  // Head: the issuer (logo on the right), then a rule.
  const logo = await embedImage(doc, data.issuerLogo);
  const logoBox = { width: 110, height: 44 };
  if (logo) drawFitted(page, logo, { x: A4[0] - MARGIN - logoBox.width, y: y - logoBox.height, ...logoBox });
  const headWidth = logo ? width - logoBox.width - 12 : width;
  line('CERTIFICATE', { font: bold, size: 12, color: ACCENT, gap: 2, width: headWidth });
  line(data.issuerName, { size: 11, color: MUTED, maxLines: 2, width: headWidth, gap: 0 });
  y = Math.min(y, A4[1] - MARGIN - (logo ? logoBox.height : 0)) - 10;
  page.drawLine({ start: { x: MARGIN, y }, end: { x: A4[0] - MARGIN, y }, thickness: 0.75, color: RULE });
  y -= 8;

  // Who earned what, beside the badge.
  const badgeSide = 104;
  const badge = (await embedImage(doc, data.badge)) ?? (await doc.embedPng(badgePng()));
  const top = y;
  drawFitted(page, badge, { x: MARGIN, y: top - badgeSide - 6, width: badgeSide, height: badgeSide });
  const textX = MARGIN + badgeSide + 18;
  const textWidth = A4[0] - MARGIN - textX;
  line(data.learnerName ? 'This certifies that' : 'This certifies the achievement', { color: MUTED, gap: 2, x: textX, width: textWidth });
  if (data.learnerName) {
    line(data.learnerName, { font: bold, size: 22, gap: 4, maxLines: 2, x: textX, width: textWidth });
    line('has earned', { color: MUTED, gap: 2, x: textX, width: textWidth });
  }
  line(data.achievement, { font: bold, size: 18, color: ACCENT, gap: 6, maxLines: 3, x: textX, width: textWidth });
  y = Math.min(y, top - badgeSide - 12);
  if (data.description) line(data.description, { size: 10, color: MUTED, gap: 8, maxLines: 3 });

  // What it certifies: two columns of label and value, at the largest size that fits above the QR block.
  const facts = data.certifies.filter((f) => !IN_HEADER.has(f.key) || !data.learnerName);
  if (facts.length > 0) line('What it certifies', { font: bold, size: 12, gap: 6 });
  const room = y - FACTS_FLOOR;
  const columnWidth = (width - COLUMN_GAP) / 2;
  // The label above its value: text extraction (pdftotext, screen readers) reads each fact whole.
  const layout = (size: number, maxValues: number) => facts.map((fact) => {
    const label = wrap(safe(fact.label), bold, size - 1, columnWidth).slice(0, 2);
    const lines = factLines(fact, safe, regular, size, columnWidth, maxValues);
    return { label, lines, height: label.length * (size - 1) * 1.3 + lines.length * size * 1.3 + size * 0.7 };
  });
  /** Where the second column starts: the split that makes the taller column the shortest. */
  const split = (rows: ReturnType<typeof layout>) => {
    const total = rows.reduce((sum, row) => sum + row.height, 0);
    let best = { at: rows.length, height: total };
    let left = 0;
    for (let at = 0; at <= rows.length; at++) {
      const height = Math.max(left, total - left);
      if (height < best.height) best = { at, height };
      if (at < rows.length) left += rows[at]!.height;
    }
    return best;
  };
  let size: number = FACT_SIZES[FACT_SIZES.length - 1]!;
  let rows = layout(size, 100);
  for (const candidate of FACT_SIZES) {
    const tried = layout(candidate, 100);
    if (split(tried).height <= room) {
      size = candidate;
      rows = tried;
      break;
    }
  }
  // At the smallest size, long lists are cut (the verification page has all of them).
  for (let maxValues = 12; split(rows).height > room && maxValues >= 2; maxValues -= 2) rows = layout(size, maxValues);
  const { at: second } = split(rows);
  const factsTop = y;
  let cut = false;
  rows.forEach((row, index) => {
    if (index === second) y = factsTop;
    const x = index < second ? MARGIN : MARGIN + columnWidth + COLUMN_GAP;
    if (cut || y - row.height + size * 0.7 < FACTS_FLOOR) {
      cut = true;
      return;
    }
    let at = y;
    for (const text of row.label) page.drawText(text, { x, y: (at -= (size - 1) * 1.3), size: size - 1, font: bold, color: MUTED });
    for (const text of row.lines) page.drawText(text, { x, y: (at -= size * 1.3), size, font: regular, color: INK });
    y -= row.height;
  });
  if (cut) page.drawText('More is on the verification page.', { x: MARGIN, y: FACTS_FLOOR - size * 1.3, size, font: regular, color: MUTED });

  // The QR code and the URL at the foot of the page, above the border.
  const qrY = MARGIN;
  drawQr(page, data.verificationUrl, { x: MARGIN, y: qrY, side: QR_SIDE });
  const urlX = MARGIN + QR_SIDE + 16;
  const urlWidth = A4[0] - MARGIN - urlX;
  page.drawText('Check this certificate', { x: urlX, y: qrY + QR_SIDE - 14, size: 12, font: bold, color: INK });
  page.drawText('Scan the code or open this address to see it verified live:', { x: urlX, y: qrY + QR_SIDE - 32, size: 9, font: regular, color: MUTED });
  let urlY = qrY + QR_SIDE - 48;
  // A URL has no spaces: break it by characters so it stays one copyable string per line.
  for (const part of breakLong(safe(data.verificationUrl), regular, 9, urlWidth).slice(0, 5)) {
    page.drawText(part, { x: urlX, y: urlY, size: 9, font: regular, color: ACCENT });
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
