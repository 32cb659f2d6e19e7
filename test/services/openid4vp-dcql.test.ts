/**
 * The DCQL queries the OpenID4VP verifier asks (pure): what they name, that dcql accepts them, that an
 * agreement list becomes one pair of queries per distinct issuer/achievement, and that the match of
 * given credentials against a query fails for the wrong issuer, the wrong type or the wrong format.
 */
import { describe, expect, it } from 'vitest';
import { dcqlCredentialOf, dcqlQueryFor, OB_VOCAB, satisfies, wantedForAgreements } from '../../src/services/openid4vp/dcql.ts';
import type { JsonObject } from '../../src/vc/types.ts';

const badge = (issuer: string, achievement = 'urn:uuid:a1', type = 'OpenBadgeCredential'): JsonObject => ({
  '@context': ['https://www.w3.org/ns/credentials/v2'],
  type: ['VerifiableCredential', type],
  issuer: { id: issuer, type: ['Profile'] },
  credentialSubject: { type: ['AchievementSubject'], achievement: { id: achievement, type: ['Achievement'] } },
});

describe('OpenID4VP DCQL queries', () => {
  it('asks for an Open Badge in either W3C format, the two formats as the options of one required set', () => {
    const query = dcqlQueryFor([{}]) as unknown as { credentials: JsonObject[]; credential_sets: JsonObject[] };
    expect(query.credentials.map((c) => [c.id, c.format])).toEqual([['badge0_ldp', 'ldp_vc'], ['badge0_jwt', 'jwt_vc_json']]);
    expect(query.credentials[0]!.meta).toEqual({ type_values: [[`${OB_VOCAB}OpenBadgeCredential`], [`${OB_VOCAB}AchievementCredential`]] });
    expect(query.credentials[0]!.claims).toBeUndefined();
    expect(query.credential_sets).toEqual([{ options: [['badge0_ldp'], ['badge0_jwt']], required: true }]);
    expect(() => dcqlQueryFor([])).toThrow(TypeError);
  });

  it('filters on the issuer and the achievement when given', () => {
    const query = dcqlQueryFor([{ issuerId: 'did:web:uni.example', achievementId: 'https://uni.example/a/1' }]) as unknown as { credentials: { claims: JsonObject[] }[] };
    expect(query.credentials[1]!.claims).toEqual([
      { id: 'issuer', path: ['issuer', 'id'], values: ['did:web:uni.example'] },
      { id: 'achievement', path: ['credentialSubject', 'achievement', 'id'], values: ['https://uni.example/a/1'] },
    ]);
  });

  it('turns agreements into one wanted badge per distinct issuer and achievement, any-badge first', () => {
    expect(wantedForAgreements([
      { issuerId: 'did:web:a', achievementId: 'x' }, { issuerId: 'did:web:a', achievementId: 'x' }, { fieldsOfStudy: ['data'] }, { issuerId: 'did:web:b' }, { alignments: ['https://esco/1'] },
    ])).toEqual([{}, { issuerId: 'did:web:a', achievementId: 'x' }, { issuerId: 'did:web:b' }]);
    const optional = dcqlQueryFor([{ issuerId: 'did:web:a' }, { issuerId: 'did:web:b' }], { optional: true }) as unknown as { credentials: JsonObject[]; credential_sets: JsonObject[] };
    expect(optional.credentials).toHaveLength(4);
    expect(optional.credential_sets.map((set) => set.required)).toEqual([false, false]);
  });

  it('matches given credentials against the query, and says when they are not what was asked', () => {
    const query = dcqlQueryFor([{ issuerId: 'did:web:uni.example' }]);
    expect(satisfies(query, { badge0_ldp: [dcqlCredentialOf(badge('did:web:uni.example'), 'ldp_vc')] }).ok).toBe(true);
    expect(satisfies(query, { badge0_ldp: [dcqlCredentialOf(badge('did:web:uni.example', 'urn:uuid:a1', 'AchievementCredential'), 'ldp_vc')] }).ok).toBe(true);
    expect(satisfies(query, { badge0_ldp: [dcqlCredentialOf(badge('did:web:elsewhere.example'), 'ldp_vc')] }).ok).toBe(false);
    expect(satisfies(query, { badge0_ldp: [dcqlCredentialOf(badge('did:web:uni.example', 'urn:uuid:a1', 'ClrCredential'), 'ldp_vc')] }).ok).toBe(false);
    // A VC-JWT given for the ldp_vc query does not satisfy it.
    expect(satisfies(query, { badge0_ldp: [dcqlCredentialOf(badge('did:web:uni.example'), 'jwt_vc_json')] }).ok).toBe(false);
    expect(satisfies(query, {}).ok).toBe(false);
  });
});
