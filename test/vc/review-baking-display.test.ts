import { describe, expect, it } from 'vitest';
import { displayText, toDisplay } from '../../src/vc/display.ts';

const ob3 = (extra: Record<string, unknown>) => ({ type: ['VerifiableCredential', 'OpenBadgeCredential'], credentialSubject: {}, ...extra });

describe('toDisplay: hostile and unusual content (review)', () => {
  it('drops control characters, so a credential cannot send terminal escape sequences to whoever shows it', () => {
    const view = toDisplay(ob3({ name: 'Badge\u001b]8;;https://evil.example\u0007 Rocket\u009b', issuer: { id: 'did:web:x\u001b[2J', name: 'Uni\u0000versity' } }));
    expect(view.name).toBe('Badge]8;;https://evil.example Rocket');
    expect(view.issuer).toEqual({ id: 'did:web:x[2J', name: 'University' });
    expect(displayText('line one\nline two\ttab')).toBe('line one\nline two\ttab');
    expect(displayText('\u001b\u0007')).toBeUndefined();
  });

  it('keeps only web and data-image addresses for images and links', () => {
    const view = toDisplay(ob3({
      image: 'javascript:alert(1)',
      issuer: { id: 'did:web:issuer.example', url: 'javascript:alert(1)', image: { id: 'data:text/html,<script>alert(1)</script>', type: 'Image' } },
      credentialSubject: {
        achievement: {
          name: 'A',
          image: { id: 'data:image/png;base64,iVBORw0KGgo=', type: 'Image' },
          alignment: [{ targetName: 'Skill', targetUrl: 'vbscript:msgbox(1)' }],
        },
      },
    }));
    expect(view.image).toBe('data:image/png;base64,iVBORw0KGgo=');
    expect(view.issuer).toEqual({ id: 'did:web:issuer.example' });
    expect(view.achievement?.alignments).toEqual([{ targetName: 'Skill' }]);
    expect(toDisplay(ob3({ issuer: { id: 'x', url: 'HTTPS://issuer.example/' } })).issuer.url).toBe('HTTPS://issuer.example/');
  });

  it('reads a language map with an "@none" entry, and does not take a lone {id} for a language map', () => {
    expect(displayText({ '@none': 'Universität', fr: 'Université' })).toBe('Universität');
    expect(displayText({ fr: 'Université', '@none': 'Universität', 'en-GB': 'University' })).toBe('University');
    expect(displayText({ id: 'https://example.org/achievements/1' })).toBeUndefined();
    expect(displayText({ id: 'Lencana', en: 'Badge' })).toBe('Badge');
    expect(toDisplay(ob3({ credentialSubject: { achievement: { name: { id: 'urn:uuid:1' } } } })).achievement?.name).toBe('Unnamed achievement');
  });
});
