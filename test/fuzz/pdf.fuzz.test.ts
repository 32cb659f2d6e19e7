/** The PDF reader never throws and stays bounded on random and mutated certificates. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { renderCertificate } from '../../src/render/certificate.ts';
import { extractFromPdf, MAX_EMBEDDED_BYTES } from '../../src/vc/baking/pdf.ts';
import { InputError, verifyAny } from '../../src/vc/verify-any.ts';

describe('PDF reader fuzz', () => {
  it('never throws on random bytes after a PDF header', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 4096 }), fc.constantFrom('', '1 0 obj << /Type /EmbeddedFile /Filter /FlateDecode /Length 5 >> stream\n'), (tail, prefix) => {
      const bytes = new Uint8Array([...Buffer.from(`%PDF-1.7\n${prefix}`), ...tail]);
      const found = extractFromPdf(bytes);
      if (found?.ok) expect(found.bytes.length).toBeLessThanOrEqual(MAX_EMBEDDED_BYTES);
    }), { numRuns: 300 });
  });

  it('a mutated certificate either verifies, fails a check or is refused with an InputError', async () => {
    const pdf = await renderCertificate({
      achievement: 'A', issuerName: 'I', certifies: [], verificationUrl: 'https://issuer.test/s/x', now: new Date(0),
      credential: { text: JSON.stringify({ '@context': ['https://www.w3.org/ns/credentials/v2'], type: ['VerifiableCredential'], issuer: 'did:example:1', credentialSubject: {} }), kind: 'json' },
    });
    await fc.assert(fc.asyncProperty(fc.array(fc.tuple(fc.nat(pdf.length - 1), fc.integer({ min: 0, max: 255 })), { maxLength: 8 }), async (edits) => {
      const bytes = new Uint8Array(pdf);
      for (const [at, value] of edits) bytes[at] = value;
      await verifyAny({ bytes }).catch((error: unknown) => {
        expect(error).toBeInstanceOf(InputError);
      });
    }), { numRuns: 60 });
  });
});
