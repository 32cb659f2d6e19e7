/**
 * A PDF certificate that carries its credential as an embedded file verifies like the credential
 * itself; a PDF without one, or a damaged or hostile one, is refused in words.
 */
import { readFileSync } from 'node:fs';
import { deflateSync } from 'node:zlib';
import { PDFDocument } from 'pdf-lib';
import { describe, expect, it } from 'vitest';
import { renderCertificate } from '../../src/render/certificate.ts';
import { extractFromPdf, MAX_EMBEDDED_BYTES } from '../../src/vc/baking/pdf.ts';
import { InputError, verifyAny } from '../../src/vc/verify-any.ts';
import { standardsUrl } from '../support/standards.ts';

const VECTOR = readFileSync(standardsUrl('examples/ob3/ob3-test-vector.signed-eddsa-rdfc-2022.json'), 'utf8');
const base = { achievement: 'Test vector', issuerName: 'Issuer', certifies: [], verificationUrl: 'https://issuer.test/s/x', now: new Date('2026-01-01T00:00:00Z') };

async function refusal(bytes: Uint8Array): Promise<InputError> {
  const error = await verifyAny({ bytes }).then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(InputError);
  return error as InputError;
}

function handMadePdf(streamDict: string, data: Uint8Array): Uint8Array {
  const head = Buffer.from(`%PDF-1.7\n1 0 obj\n<< /Type /EmbeddedFile ${streamDict} >>\nstream\n`, 'latin1');
  return new Uint8Array(Buffer.concat([head, Buffer.from(data), Buffer.from('\nendstream\nendobj\n%%EOF\n', 'latin1')]));
}

describe('a credential embedded in a PDF', () => {
  it('the certificate with the signed OB 3.0 vector attached verifies, and says it came in a PDF', async () => {
    const pdf = await renderCertificate({ ...base, credential: { text: VECTOR, kind: 'json' } });
    const result = await verifyAny({ bytes: pdf });
    expect(result.verified).toBe(true);
    expect(result.standard).toBe('Open Badges 3.0');
    expect(result.container).toBe('json');
    expect(result.carrier).toBe('pdf');
    expect(new TextDecoder().decode(result.embedded)).toBe(VECTOR);
  });

  it('a tampered embedded credential fails its signature check (a result, not a refusal)', async () => {
    const pdf = await renderCertificate({ ...base, credential: { text: VECTOR.replace('"name"', '"name" ').replace(/"name": ?"[^"]*"/, '"name":"Forged"'), kind: 'json' } });
    const result = await verifyAny({ bytes: pdf });
    expect(result.verified).toBe(false);
  });

  it('a PDF without an embedded credential is refused in words', async () => {
    const error = await refusal(await renderCertificate(base));
    expect(error.reason).toBe('no-credential');
    expect(error.message).toMatch(/PDF holds no credential/);
    const other = await PDFDocument.create();
    other.addPage();
    expect((await refusal(await other.save())).reason).toBe('no-credential');
  });

  it('hostile PDFs: an inflation bomb, an unknown filter, garbage streams, a PDF inside a PDF', async () => {
    const bomb = deflateSync(Buffer.alloc(MAX_EMBEDDED_BYTES + 1024, 0x20));
    expect((await refusal(handMadePdf(`/Filter /FlateDecode /Length ${bomb.length}`, bomb))).message).toMatch(/damaged or too large/);
    expect((await refusal(handMadePdf('/Filter /LZWDecode /Length 3', new Uint8Array([1, 2, 3])))).message).toMatch(/LZWDecode/);
    expect((await refusal(handMadePdf('/Filter /FlateDecode /Length 3', new Uint8Array([1, 2, 3])))).reason).toBe('unreadable');
    expect((await refusal(handMadePdf('/Length 9', Buffer.from('%PDF-1.7\n')))).reason).toBe('unreadable');
    // A marker without a stream after it, and a stream without its end.
    expect(extractFromPdf(Buffer.from('%PDF-1.7\n1 0 obj << /Type /EmbeddedFile >> endobj'))).toMatchObject({ ok: false });
    expect(extractFromPdf(Buffer.from('%PDF-1.7\n1 0 obj << /Type /EmbeddedFile >> stream\nabc'))).toMatchObject({ ok: false });
    // Unencoded embedded JSON with an indirect length is read up to endstream.
    const plain = handMadePdf('/Length 7 0 R', Buffer.from(VECTOR));
    expect((await verifyAny({ bytes: plain })).verified).toBe(true);
  });
});
