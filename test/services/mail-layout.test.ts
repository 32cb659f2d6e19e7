import { describe, expect, it } from 'vitest';
import { claimMail } from '../../src/services/credentials/claim-mail.ts';
import { composeMail, mailParts } from '../../src/services/mail-layout.ts';

const CLAIM = {
  organisationId: 'org', to: 'lea@example.org', achievementName: 'Data "Literacy" <Essentials>', issuerName: 'Uni & Co',
  claimUrl: 'https://issuer.test/claim/abc_DEF-123',
};

describe('e-mails built from parts', () => {
  it('puts every part in both forms, the button as a bare link in text', () => {
    const { text, html } = composeMail({ brand: { name: 'Uni' }, title: 'T', greeting: 'Hello,', parts: [mailParts.paragraph('One.'), mailParts.button('Go', 'https://x.test/a?b=1&c=2')] });
    expect(text).toBe('Hello,\n\nOne.\n\nGo:\nhttps://x.test/a?b=1&c=2\n\n— Sent by microcred for Uni.');
    expect(html).toContain('<a href="https://x.test/a?b=1&amp;c=2"');
    expect(html).toContain('<p style="margin:0 0 16px">One.</p>');
  });

  it('escapes every name in HTML and keeps the text as typed', () => {
    const mail = claimMail({ ...CLAIM, recipientName: '<img src=x onerror=alert(1)>' });
    expect(mail.html).not.toContain('<img src=x');
    expect(mail.html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(mail.html).toContain('<strong>Data &quot;Literacy&quot; &lt;Essentials&gt;</strong>');
    expect(mail.html).toContain('Uni &amp; Co');
    expect(mail.text).toContain('Hello <img src=x onerror=alert(1)>,');
    expect(mail.subject).toBe('Your credential from Uni & Co: Data "Literacy" <Essentials>');
  });

  it('shows the logo only from an https address', () => {
    expect(claimMail({ ...CLAIM, issuerLogoUrl: 'https://uni.test/logo.png' }).html).toContain('<img src="https://uni.test/logo.png" alt="Uni &amp; Co"');
    for (const logo of ['http://uni.test/logo.png', 'data:image/png;base64,AAAA', 'javascript:alert(1)', 'not a url', null]) {
      expect(claimMail({ ...CLAIM, issuerLogoUrl: logo }).html, String(logo)).not.toContain('<img');
    }
  });

  it('takes extra blocks (another way to receive the credential) after the claim button, in both forms', () => {
    const offer = mailParts.button('Add to a wallet app', 'openid-credential-offer://?credential_offer_uri=x');
    const mail = claimMail(CLAIM, [offer]);
    expect(mail.text.indexOf('Add to a wallet app:')).toBeGreaterThan(mail.text.indexOf(CLAIM.claimUrl));
    expect(mail.text.indexOf('Add to a wallet app:')).toBeLessThan(mail.text.indexOf('The link is personal'));
    expect(mail.html).toContain('>Add to a wallet app</a>');
  });
});
