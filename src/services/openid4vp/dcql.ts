/**
 * The DCQL queries this verifier asks wallets (OpenID4VP 1.0 §6): an Open Badges 3.0 credential in
 * either W3C format it verifies (`ldp_vc`, `jwt_vc_json`), optionally from one issuer or for one
 * achievement. Pure: no IO.
 */
import { DcqlQuery } from 'dcql';
import type { AgreementMatch } from '../../domain/recognition/index.ts';
import { asArray, isObject } from '../../vc/json.ts';
import type { JsonObject } from '../../vc/types.ts';

/** OB 3.0 §B.1: the vocabulary the compact type names expand to (DCQL type_values are expanded IRIs). */
export const OB_VOCAB = 'https://purl.imsglobal.org/spec/vc/ob/vocab.html#';
const VC_VOCAB = 'https://www.w3.org/2018/credentials#';
const OB_TYPES = ['OpenBadgeCredential', 'AchievementCredential'];
const W3C_TYPES = ['VerifiableCredential', 'VerifiablePresentation', 'EnvelopedVerifiableCredential'];

export type W3cFormat = 'ldp_vc' | 'jwt_vc_json';
export const W3C_FORMATS: readonly W3cFormat[] = ['ldp_vc', 'jwt_vc_json'];

/** What one wanted credential must be: any Open Badge, or one issuer's, or one achievement's. */
export interface WantedBadge {
  issuerId?: string;
  achievementId?: string;
}

/**
 * One credential query per format per wanted badge, and one credential set per wanted badge whose
 * options are its formats (the wallet answers in whichever it holds). A set is required unless
 * `optional` (a recognition application: the learner may hold only some).
 *
 * @example
 *   dcqlQueryFor([{ issuerId: 'did:web:uni.example' }]);
 */
export function dcqlQueryFor(wanted: readonly WantedBadge[], options: { optional?: boolean } = {}): DcqlQuery.Input {
  if (!Array.isArray(wanted) || wanted.length === 0) throw new TypeError('dcqlQueryFor needs at least one wanted badge.');
  const credentials: JsonObject[] = [];
  const sets: JsonObject[] = [];
  wanted.forEach((badge, index) => {
    const claims: JsonObject[] = [];
    // OB 3.0 §B.1.2 AchievementCredential: issuer is a Profile (an object with an id).
    if (badge.issuerId) claims.push({ id: 'issuer', path: ['issuer', 'id'], values: [badge.issuerId] });
    if (badge.achievementId) claims.push({ id: 'achievement', path: ['credentialSubject', 'achievement', 'id'], values: [badge.achievementId] });
    const ids = W3C_FORMATS.map((format) => `badge${index}_${format === 'ldp_vc' ? 'ldp' : 'jwt'}`);
    W3C_FORMATS.forEach((format, i) => {
      credentials.push({
        id: ids[i]!,
        format,
        meta: { type_values: OB_TYPES.map((type) => [`${OB_VOCAB}${type}`]) },
        ...(claims.length > 0 ? { claims } : {}),
        ...(options.optional ? { multiple: true } : {}),
      });
    });
    sets.push({ options: ids.map((id) => [id]), required: !options.optional });
  });
  const query = { credentials, credential_sets: sets } as unknown as DcqlQuery.Input;
  // Throws on a query the spec would refuse: better here than in a wallet.
  DcqlQuery.validate(DcqlQuery.parse(query));
  return query;
}

/** The wanted badges of a programme's agreements: each agreement's issuer and achievement, without repeats. */
export function wantedForAgreements(matches: readonly AgreementMatch[]): WantedBadge[] {
  const seen = new Set<string>();
  const wanted: WantedBadge[] = [];
  for (const match of matches) {
    const badge: WantedBadge = { ...(match.issuerId ? { issuerId: match.issuerId } : {}), ...(match.achievementId ? { achievementId: match.achievementId } : {}) };
    const key = `${badge.issuerId ?? ''} ${badge.achievementId ?? ''}`;
    if (seen.has(key)) continue;
    seen.add(key);
    wanted.push(badge);
  }
  // An agreement matched on skills or fields of study only asks for any Open Badge: one such query covers them all.
  const unfiltered = wanted.findIndex((badge) => !badge.issuerId && !badge.achievementId);
  return unfiltered >= 0 ? [wanted[unfiltered]!, ...wanted.filter((_, i) => i !== unfiltered)] : wanted;
}

/** A credential as DCQL matches it (dcql's W3C model): its expanded types and its JSON as the claims. */
export function dcqlCredentialOf(credential: JsonObject, format: W3cFormat): JsonObject {
  const type = asArray(credential.type).filter((t): t is string => typeof t === 'string').map(expandType);
  return { credential_format: format, type, claims: credential, cryptographic_holder_binding: true };
}

function expandType(type: string): string {
  if (/^[a-z][a-z0-9+.-]*:/i.test(type)) return type;
  if (W3C_TYPES.includes(type)) return `${VC_VOCAB}${type}`;
  return `${OB_VOCAB}${type}`;
}

/** Whether the given credentials, by query id, satisfy the query; never throws. */
export function satisfies(query: DcqlQuery.Input, given: Record<string, JsonObject[]>): { ok: boolean; message: string } {
  try {
    const parsed = DcqlQuery.parse(query);
    const result = DcqlQuery.query(parsed, Object.values(given).flat() as never);
    if (!result.can_be_satisfied) return { ok: false, message: 'The credentials given are not what the request asked for (an Open Badge of the issuer or achievement named).' };
    // Each answered query id must have a matching credential among those given for it.
    for (const [id, credentials] of Object.entries(given)) {
      const match = result.credential_matches[id];
      if (credentials.length > 0 && (!match || !match.success)) return { ok: false, message: `The credential given for “${id}” is not what the request asked for.` };
    }
    return { ok: true, message: 'The credentials given are what the request asked for.' };
  } catch {
    return { ok: false, message: 'The credentials given could not be compared with the request.' };
  }
}

export function isJsonObject(value: unknown): value is JsonObject {
  return isObject(value);
}
