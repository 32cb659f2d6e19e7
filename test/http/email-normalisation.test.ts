/**
 * E-mail addresses have one form (issue 11, fault 5): NFC, trimmed, lower-cased; invisible and control
 * characters refused. Before, the NFC and NFD forms of one address made two accounts, and an address with
 * a zero-width space (or a NUL) was accepted as a new one that looks the same as the real one.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { normaliseEmail } from '../../src/vc/credential/identity.ts';
import { EMAIL } from '../../src/services/credentials/validate.ts';
import { createTestApp, setUpOrganisation, type SetUpOrganisation, type TestApp } from '../support/app.ts';
import { DIALECTS, warnIfPostgresSkipped } from '../support/db.ts';

warnIfPostgresSkipped();

const PASSWORD = 'a-long-password-1';
const NFC = 'jos\u00e9@example.org';
const NFD = 'jose\u0301@example.org';

describe('the one form of an e-mail address', () => {
  it('NFC, trimmed, lower-cased as a whole; look-alikes from other scripts stay distinct', () => {
    expect(NFC).not.toBe(NFD);
    expect(normaliseEmail(NFD)).toBe(NFC);
    expect(normaliseEmail(' JOSE\u0301@Example.ORG ')).toBe(NFC);
    // Cyrillic а (U+0430) is another letter, as it is for mail servers: not folded into Latin a.
    expect(normaliseEmail('\u0430na@example.org')).not.toBe('ana@example.org');
  });

  it('refuses invisible and control characters anywhere in the address', () => {
    for (const invisible of ['\u200b', '\u200c', '\u200d', '\u2060', '\ufeff', '\u00ad', '\u202e', '\u2066', '\u034f', '\u3164', '\u0000', '\u0007', '\u007f']) {
      for (const address of [`ana${invisible}@example.org`, `ana@exam${invisible}ple.org`, `ana@example.or${invisible}g`]) {
        expect(EMAIL.test(address), JSON.stringify(address)).toBe(false);
      }
    }
    for (const address of ['ana@example.org', NFC, NFD, '李@例子.中国', 'ana+tag@sub.example.org']) expect(EMAIL.test(address), address).toBe(true);
  });
});

for (const dialect of DIALECTS) {
  describe(`e-mail addresses over HTTP (${dialect})`, () => {
    let t: TestApp;
    let org: SetUpOrganisation;

    beforeAll(async () => {
      t = await createTestApp(dialect);
      org = await setUpOrganisation(t.app);
    });
    afterAll(async () => {
      await t.close();
    });

    const signup = (email: string, password = PASSWORD) => t.app.inject({ method: 'POST', url: '/api/v1/auth/signup', payload: { email, password } });
    const login = (email: string, password = PASSWORD) => t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email, password } });
    const accountsLike = async (pattern: string) => (await t.runtime.store.db.selectFrom('users').select('email').where('email', 'like', pattern).execute()).map((row) => row.email);

    it('the NFC and NFD forms of an address are one account, stored in NFC', async () => {
      expect((await signup(NFC)).statusCode).toBeLessThan(300);
      await signup(NFD, 'another-password-2');
      expect(await accountsLike('jos%@example.org')).toEqual([NFC]);
      // Either form signs in to the one account, with its first password.
      expect((await login(NFD)).statusCode).toBe(200);
      expect((await login(` JOSE\u0301@EXAMPLE.org`)).statusCode).toBe(200);
      expect((await login(NFD, 'another-password-2')).statusCode).toBe(401);
    });

    it('an address with an invisible or control character is refused, not a second account that looks the same', async () => {
      expect((await signup('ana@example.org')).statusCode).toBeLessThan(300);
      for (const lookalike of ['ana\u200b@example.org', 'an\u00ada@example.org', 'ana@exa\u200dmple.org', 'ana@exam\ufeffple.org', 'ana\u0000@example.org']) {
        const response = await signup(lookalike);
        expect(response.statusCode, lookalike).toBeGreaterThanOrEqual(400);
        expect(response.statusCode, lookalike).toBeLessThan(500);
        expect(response.json().errors?.[0]?.pointer).toBe('/email');
      }
      expect(await accountsLike('%an%@exa%')).toEqual(['ana@example.org']);
    });

    it('a recipient address is stored in the same form, so a credential issued to the NFD form is the NFC holder\'s', async () => {
      const achievement = await org.owner.request('POST', `/api/v1/organisations/${org.organisationId}/achievements`, {
        issuerId: org.issuerId, name: 'Data Literacy', description: 'Reading data.', criteria: 'Pass.', achievementType: 'MicroCredential',
        eu: { creditsAvailable: 5, eqfLevel: 6, learningOutcome: ['Reads data'], assessmentType: ['exam'], participationForm: 'online', qualityAssurance: ['internal'] },
      });
      const achievementId = (achievement.json() as { id: string }).id;
      const issued = await org.owner.request('POST', `/api/v1/organisations/${org.organisationId}/credentials`, { achievementId, recipient: { email: `  ${NFD.toUpperCase()}` } });
      expect(issued.statusCode, issued.body).toBe(201);
      const rows = await t.runtime.store.db.selectFrom('credentials').select('recipient_email').execute();
      expect(rows.map((row) => row.recipient_email)).toEqual([NFC]);
      const refused = await org.owner.request('POST', `/api/v1/organisations/${org.organisationId}/credentials`, { achievementId, recipient: { email: 'ana\u200b@example.org' } });
      expect(refused.statusCode).toBe(422);
      expect(refused.json().errors[0].pointer).toBe('/recipient/email');
    });
  });
}
