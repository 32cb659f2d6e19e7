import { describe, expect, it } from 'vitest';
import { safeEvidenceName, sniffEvidenceType } from '../../src/services/recognition/evidence-file.ts';

describe('RPL evidence files', () => {
  it('reads the type from the content, not the name', () => {
    expect(sniffEvidenceType(new TextEncoder().encode('%PDF-1.7\n…'))).toBe('application/pdf');
    expect(sniffEvidenceType(new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0]))).toBe('image/png');
    expect(sniffEvidenceType(new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0, 0x10]))).toBe('image/jpeg');
    expect(sniffEvidenceType(new TextEncoder().encode('Réflexion: les données.\r\n\tFin.'))).toBe('text/plain');
    // Not UTF-8, control characters, an executable, a ZIP (docx): refused.
    expect(sniffEvidenceType(new Uint8Array([0xc3, 0x28]))).toBeUndefined();
    expect(sniffEvidenceType(new TextEncoder().encode('text\u0000with NUL'))).toBeUndefined();
    expect(sniffEvidenceType(new Uint8Array([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1]))).toBeUndefined();
    expect(sniffEvidenceType(new Uint8Array([0x50, 0x4b, 0x03, 0x04, 0x14, 0, 0x06, 0, 0xff, 0xfe]))).toBeUndefined();
  });

  it('keeps a name that is safe in a header and on a disk, with the extension of the real type', () => {
    expect(safeEvidenceName('../../etc/passwd', 'text/plain')).toBe('passwd.txt');
    expect(safeEvidenceName('C:\\Users\\ana\\Report "final".PDF', 'application/pdf')).toBe('Report _final.pdf');
    expect(safeEvidenceName('photo.jpeg', 'image/jpeg')).toBe('photo.jpg');
    expect(safeEvidenceName('notes.txt', 'application/pdf')).toBe('notes.txt.pdf');
    expect(safeEvidenceName('Lebenslauf-Müller.pdf', 'application/pdf')).toBe('Lebenslauf-Muller.pdf');
    expect(safeEvidenceName(undefined, 'image/png')).toBe('evidence.png');
    expect(safeEvidenceName('\u0000\r\n"', 'image/png')).toBe('evidence.png');
    expect(safeEvidenceName('a'.repeat(300) + '.png', 'image/png')).toHaveLength(100);
  });
});
